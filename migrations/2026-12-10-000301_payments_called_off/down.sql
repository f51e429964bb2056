DROP INDEX payments_to_call_off;
ALTER TABLE payments DROP COLUMN provider_cancelled_at;
