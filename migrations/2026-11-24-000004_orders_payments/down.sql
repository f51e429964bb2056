DROP TABLE webhook_events;
DROP TABLE refunds;
DROP TABLE payments;
DROP TABLE order_status_history;
DROP TABLE order_line_modifications;
DROP TABLE order_lines;
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_order_fk;
DROP TABLE orders;
