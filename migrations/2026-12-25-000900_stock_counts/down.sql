DROP INDEX stock_movements_reason_idx;
-- Counts become the adjustments they are.
UPDATE stock_movements SET reason = 'adjustment' WHERE reason = 'count';
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
    CHECK (reason IN ('order', 'cancel', 'modify', 'restock', 'waste', 'adjustment'));
