-- The live feed of each shop: every order placed, paid, moved, changed or cancelled and every
-- stock change that can change the menu, written in the transaction that makes the change (so only
-- what is committed is ever announced) and kept a day so that a screen that lost its connection
-- resumes from the last event it saw (SSE Last-Event-ID).
CREATE TABLE shop_events (
    id bigserial PRIMARY KEY,
    shop_id uuid NOT NULL,
    kind text NOT NULL,
    order_id uuid,
    number integer,
    status text,
    note text,
    ingredient_ids uuid[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shop_events_shop_idx ON shop_events (shop_id, id);
CREATE INDEX shop_events_created_idx ON shop_events (created_at);

-- Kitchen screen: a ticket turns amber, then red, after these many minutes.
ALTER TABLE shops
    ADD COLUMN kitchen_warn_minutes integer NOT NULL DEFAULT 10 CHECK (kitchen_warn_minutes BETWEEN 1 AND 240),
    ADD COLUMN kitchen_late_minutes integer NOT NULL DEFAULT 20 CHECK (kitchen_late_minutes BETWEEN 1 AND 480);
