ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_order_id_fkey;
ALTER TABLE order_status_history ADD CONSTRAINT order_status_history_order_id_fkey FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE CASCADE;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_order_id_fkey;
ALTER TABLE order_lines ADD CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE CASCADE;
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_order_fk;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_order_fk FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE SET NULL;
DROP INDEX recipe_memos_shop_idx;
DROP INDEX orders_courier_idx;
ALTER TABLE orders DROP COLUMN courier_id;
