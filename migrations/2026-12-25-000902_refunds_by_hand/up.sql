-- How the money went back: online (through the payment provider, as before), or by hand at the
-- shop for orders paid cash or card on delivery (cash from the till, or a refund on the card
-- terminal). Older refunds were all online.
ALTER TABLE refunds ADD COLUMN method TEXT NOT NULL DEFAULT 'online'
    CHECK (method IN ('online', 'cash', 'card'));
