-- Orders with everything copied at the time of ordering (prices, names, addresses), their lines and
-- the ingredients added or removed, the status history, payments, refunds and Stripe events.
CREATE TABLE orders (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE RESTRICT,
    number INTEGER NOT NULL CHECK (number > 0),
    customer_id UUID REFERENCES users (id) ON DELETE SET NULL,
    created_by UUID REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'placed', 'preparing', 'ready',
        'out_for_delivery', 'delivered', 'picked_up', 'cancelled')),
    fulfilment TEXT NOT NULL CHECK (fulfilment IN ('delivery', 'pickup')),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('online', 'cash', 'card_on_delivery')),
    customer_name TEXT NOT NULL,
    customer_phone TEXT,
    customer_email TEXT,
    delivery_line1 TEXT,
    delivery_line2 TEXT,
    delivery_postal_code TEXT,
    delivery_city TEXT,
    delivery_instructions TEXT,
    notes TEXT CHECK (length(notes) <= 500),
    subtotal_cents INTEGER NOT NULL CHECK (subtotal_cents >= 0),
    delivery_fee_cents INTEGER NOT NULL CHECK (delivery_fee_cents >= 0),
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    currency TEXT NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (shop_id, number),
    CHECK (total_cents = subtotal_cents + delivery_fee_cents),
    CHECK (fulfilment = 'pickup' OR (delivery_line1 IS NOT NULL AND delivery_postal_code IS NOT NULL
        AND delivery_city IS NOT NULL))
);
CREATE INDEX orders_shop_status_idx ON orders (shop_id, status, created_at);
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC) WHERE customer_id IS NOT NULL;
CREATE INDEX orders_pending_expiry_idx ON orders (expires_at) WHERE status = 'pending_payment';

ALTER TABLE stock_movements
    ADD CONSTRAINT stock_movements_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL;

CREATE TABLE order_lines (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position > 0),
    product_id UUID REFERENCES products (id) ON DELETE SET NULL,
    product_name TEXT NOT NULL,
    size_code TEXT NOT NULL,
    size_label TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 50),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    line_total_cents INTEGER NOT NULL CHECK (line_total_cents >= 0),
    UNIQUE (order_id, position)
);

CREATE TABLE order_line_modifications (
    order_line_id UUID NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    ingredient_id UUID REFERENCES ingredients (id) ON DELETE SET NULL,
    ingredient_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('add', 'remove')),
    price_cents INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    id UUID PRIMARY KEY DEFAULT gen_random_uuid()
);
CREATE INDEX order_line_modifications_line_idx ON order_line_modifications (order_line_id);

CREATE TABLE order_status_history (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id UUID REFERENCES users (id) ON DELETE SET NULL,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, created_at);

CREATE TABLE payments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('stripe', 'offline', 'cash', 'card_on_delivery')),
    provider_ref TEXT UNIQUE,
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
    refunded_cents INTEGER NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
    recorded_by UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (refunded_cents <= amount_cents)
);
CREATE INDEX payments_order_idx ON payments (order_id, created_at);

CREATE TABLE refunds (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    payment_id UUID NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    provider_ref TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    reason TEXT,
    created_by UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment_idx ON refunds (payment_id);

-- Each provider event is applied once: its id is stored in the transaction that applies it.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
