DROP INDEX orders_report_idx;
DROP INDEX stock_movements_report_idx;
