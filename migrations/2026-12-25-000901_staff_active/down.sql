DROP INDEX users_team_idx;
ALTER TABLE users DROP COLUMN active;
