-- Reports read a shop's stock movements over a period by reason and ingredient, and the orders of
-- the sales they find in the status history: both from covering indexes, so that a period's rows
-- are read from a few index pages (index-only scans) instead of one heap page per row, the rows of
-- a shop being spread among the other shops' over time.
CREATE INDEX stock_movements_report_idx ON stock_movements (shop_id, created_at)
    INCLUDE (ingredient_id, reason, delta);
CREATE INDEX orders_report_idx ON orders (id)
    INCLUDE (shop_id, status, total_cents, fulfilment, payment_method);
