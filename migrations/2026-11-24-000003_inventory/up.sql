-- Ingredient stock per shop. Every change is a movement; quantity is the sum of the movements
-- (kept in the same transaction as each movement) and never goes negative.
CREATE TABLE stock (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    ingredient_id UUID NOT NULL REFERENCES ingredients (id) ON DELETE RESTRICT,
    quantity BIGINT NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    low_threshold BIGINT NOT NULL DEFAULT 0 CHECK (low_threshold >= 0),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_id, ingredient_id)
);
CREATE INDEX stock_ingredient_idx ON stock (ingredient_id);

CREATE TABLE stock_movements (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    shop_id UUID NOT NULL,
    ingredient_id UUID NOT NULL,
    delta BIGINT NOT NULL CHECK (delta <> 0),
    reason TEXT NOT NULL CHECK (reason IN ('order', 'cancel', 'modify', 'restock', 'waste', 'adjustment')),
    order_id UUID,
    actor_id UUID REFERENCES users (id) ON DELETE SET NULL,
    note TEXT CHECK (length(note) <= 500),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (shop_id, ingredient_id) REFERENCES stock (shop_id, ingredient_id) ON DELETE CASCADE
);
CREATE INDEX stock_movements_shop_idx ON stock_movements (shop_id, created_at DESC, id);
CREATE INDEX stock_movements_ingredient_idx ON stock_movements (shop_id, ingredient_id, created_at DESC);
CREATE INDEX stock_movements_order_idx ON stock_movements (order_id) WHERE order_id IS NOT NULL;
