-- When the provider was told that a cancelled payment will not be paid (its PaymentIntent
-- cancelled at Stripe). A cancelled online payment without it is called off by the background
-- task, again and again until the provider answers.
ALTER TABLE payments ADD COLUMN provider_cancelled_at TIMESTAMPTZ;

CREATE INDEX payments_to_call_off ON payments (updated_at)
    WHERE status = 'cancelled' AND provider_cancelled_at IS NULL AND provider_ref IS NOT NULL;
