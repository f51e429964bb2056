ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_order_fk;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_order_fk FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE SET NULL;
DROP INDEX recipe_memos_shop_idx;
DROP INDEX orders_courier_idx;
ALTER TABLE orders DROP COLUMN courier_id;
