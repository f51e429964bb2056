-- Daily roll-ups of the reports, per shop and local day (the shop's time zone), written only by
-- the roll-up refresher (api/src/reports/rollups.rs), never by order placement: a report reads
-- them for the days that ended before the refresher's watermark and that nothing touched since,
-- and the raw tables for the other days (today, and any day an order, a refund or a stock
-- movement changed since the watermark).

-- One row: every day that ended before `watermark` is rolled up, as of `watermark`
-- ('-infinity': nothing is yet, reports read the raw tables only).
CREATE TABLE report_rollup_state (
    id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    watermark TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
    refreshed_at TIMESTAMPTZ
);
INSERT INTO report_rollup_state DEFAULT VALUES;

-- Sales by local hour of placement (the series, hour of the week and totals).
CREATE TABLE rollup_sales_hours (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    hour SMALLINT NOT NULL,
    orders INTEGER NOT NULL,
    revenue_cents BIGINT NOT NULL,
    cancelled INTEGER NOT NULL,
    PRIMARY KEY (shop_id, day, hour)
);
-- Sales by fulfilment and payment method.
CREATE TABLE rollup_sales_kinds (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    fulfilment TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    orders INTEGER NOT NULL,
    revenue_cents BIGINT NOT NULL,
    cancelled INTEGER NOT NULL,
    PRIMARY KEY (shop_id, day, fulfilment, payment_method)
);
-- Refunds that succeeded, by their own local day.
CREATE TABLE rollup_refunds (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    refunded_cents BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day)
);
-- Lines of the sales not cancelled, by product and size (the product as the lines name it: a
-- product deleted since is read as null, as its lines now say).
CREATE TABLE rollup_products (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    product_id UUID,
    size_code TEXT NOT NULL,
    name TEXT NOT NULL,
    size_label TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    revenue_cents BIGINT NOT NULL
);
CREATE INDEX rollup_products_day_idx ON rollup_products (shop_id, day);
-- Extras added and ingredients removed on those lines.
CREATE TABLE rollup_changes (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    kind TEXT NOT NULL,
    ingredient_id UUID,
    name TEXT NOT NULL,
    times BIGINT NOT NULL,
    revenue_cents BIGINT NOT NULL
);
CREATE INDEX rollup_changes_day_idx ON rollup_changes (shop_id, day);
-- Kitchen, delivery and pickup durations in whole seconds: how many sales of the day took
-- exactly `seconds` (a histogram with 1-second buckets: the percentiles of whole seconds are
-- exact from it).
CREATE TABLE rollup_times (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    measure TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (shop_id, day, measure, seconds)
);
-- Stock movements by ingredient.
CREATE TABLE rollup_stock (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    ingredient_id UUID NOT NULL,
    used_by_orders BIGINT NOT NULL,
    returned_by_cancels BIGINT NOT NULL,
    wasted BIGINT NOT NULL,
    adjusted BIGINT NOT NULL,
    adjustments BIGINT NOT NULL,
    restocked BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, ingredient_id)
);

-- What changed since the watermark: orders (every status change, cancel and modification sets
-- `updated_at`), refunds (created, or settled: the trigger below dates the change) and stock
-- movements (insert-only, found by `stock_movements_report_idx`).
CREATE INDEX orders_updated_idx ON orders (updated_at);
ALTER TABLE refunds ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
UPDATE refunds SET updated_at = created_at;
CREATE INDEX refunds_updated_idx ON refunds (updated_at);
CREATE INDEX refunds_created_idx ON refunds (created_at) INCLUDE (payment_id, amount_cents, status);
CREATE FUNCTION refunds_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER refunds_touch BEFORE UPDATE ON refunds FOR EACH ROW EXECUTE FUNCTION refunds_touch();
