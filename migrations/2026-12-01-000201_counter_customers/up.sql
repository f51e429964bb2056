-- A customer taken on the phone may have no e-mail (nor a password: their record is found by
-- phone at the next call; a password reset with an e-mail added later makes it a full account).
-- Staff and customers who registered always have one.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_email_or_counter_customer CHECK (email IS NOT NULL OR role = 'customer');
