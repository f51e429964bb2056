-- The delivery person who took an order, and the lookup of the kitchen and delivery queues.
ALTER TABLE orders ADD COLUMN courier_id UUID REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX orders_courier_idx ON orders (courier_id, status) WHERE courier_id IS NOT NULL;
CREATE INDEX recipe_memos_shop_idx ON recipe_memos (shop_id, product_id);
-- An order's stock movements are written before the order row (stock is checked first), so the
-- foreign key is checked at commit.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_order_fk;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_order_fk FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
-- Placing an order writes its lines and history first and takes the contended rows (the shop's
-- order counter, the stock) last, so they stay locked for as short a time as possible; the order
-- row comes in between, so these keys are checked at commit too.
ALTER TABLE order_lines DROP CONSTRAINT order_lines_order_id_fkey;
ALTER TABLE order_lines ADD CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_order_id_fkey;
ALTER TABLE order_status_history ADD CONSTRAINT order_status_history_order_id_fkey FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
