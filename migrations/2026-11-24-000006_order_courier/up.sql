-- The delivery person who took an order, and the lookup of the kitchen and delivery queues.
ALTER TABLE orders ADD COLUMN courier_id UUID REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX orders_courier_idx ON orders (courier_id, status) WHERE courier_id IS NOT NULL;
CREATE INDEX recipe_memos_shop_idx ON recipe_memos (shop_id, product_id);
-- An order's stock movements are written before the order row (stock is checked first), so the
-- foreign key is checked at commit.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_order_fk;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_order_fk FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
