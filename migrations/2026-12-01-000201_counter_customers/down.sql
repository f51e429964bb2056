ALTER TABLE users DROP CONSTRAINT users_email_or_counter_customer;
DELETE FROM users WHERE email IS NULL;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
