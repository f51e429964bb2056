-- A deactivated account keeps its history (orders taken, movements, refunds) but can no longer
-- log in: its access tokens are refused at the next request and its refresh tokens revoked.
ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT true;
-- A shop's team, listed by name.
CREATE INDEX users_team_idx ON users (shop_id, full_name, id) WHERE role <> 'customer';
