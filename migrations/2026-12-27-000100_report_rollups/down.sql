DROP TRIGGER refunds_touch ON refunds;
DROP FUNCTION refunds_touch();
DROP INDEX refunds_created_idx;
DROP INDEX refunds_updated_idx;
ALTER TABLE refunds DROP COLUMN updated_at;
DROP INDEX orders_updated_idx;
DROP TABLE rollup_stock, rollup_times, rollup_changes, rollup_products, rollup_refunds,
    rollup_sales_kinds, rollup_sales_hours, report_rollup_state;
