ALTER TABLE shops DROP COLUMN kitchen_late_minutes, DROP COLUMN kitchen_warn_minutes;
DROP TABLE shop_events;
