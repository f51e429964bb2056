-- A stock count is a movement of its own: the server records the difference between the counted
-- quantity and the stock as it stood, with reason 'count'.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
    CHECK (reason IN ('order', 'cancel', 'modify', 'restock', 'waste', 'adjustment', 'count'));
-- The history filtered by reason over a period.
CREATE INDEX stock_movements_reason_idx ON stock_movements (shop_id, reason, created_at DESC);
