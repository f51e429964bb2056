-- A year of history for every shop (the 365 days from :start, a date: bench/reports.sh gives the
-- 365 days before today, so that the reports' year is a closed past): :per_shop orders each, with their lines (one or two),
-- extras added and ingredients removed, status history, payments (online ones), a few refunds,
-- stock movements, and each day a restock, a waste and a count adjustment of each ingredient.
-- Orders are spread evenly over the year's days, between 10:00 and 22:00 UTC (lunch and dinner
-- in Europe); one in 20 cancelled right after being placed, half of the others delivered, half
-- picked up. Every step says when it starts (psql \echo) so the run shows its progress.
\set ON_ERROR_STOP on
SET synchronous_commit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
-- The rows are built from the rows they refer to, so the per-row foreign-key triggers are skipped
-- (a third of the time); bench/reports.sh checks the references once afterwards.
SET session_replication_role = replica;
\timing on
BEGIN;
\echo [1/8] the orders to generate
CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, s.id AS shop_id, 100000 + n AS number, n,
       (:'start'::date + time '10:00') AT TIME ZONE 'UTC'
         + ((n - 1)::bigint * 365 / :per_shop) * interval '1 day'
         + (((n - 1)::bigint * 365 % :per_shop) * 43200 / :per_shop) * interval '1 second'
         + ((n * 7919) % 60) * interval '1 second' AS t,
       ps.id AS size_id, ps.product_id, p.name AS product_name, ps.code, ps.label, ps.price_cents
FROM shops s
CROSS JOIN generate_series(1, :per_shop) AS n
JOIN (SELECT row_number() OVER (ORDER BY id) AS k, * FROM product_sizes) ps
  ON ps.k = 1 + (n * 31) % (SELECT count(*) FROM product_sizes)
JOIN products p ON p.id = ps.product_id;

\echo [2/8] orders
INSERT INTO orders (id, shop_id, number, status, fulfilment, payment_method, customer_name,
                    delivery_line1, delivery_postal_code, delivery_city,
                    subtotal_cents, delivery_fee_cents, total_cents, currency, created_at, updated_at)
SELECT id, shop_id, number,
       CASE WHEN n % 20 = 0 THEN 'cancelled' WHEN n % 2 = 0 THEN 'delivered' ELSE 'picked_up' END,
       CASE WHEN n % 2 = 0 THEN 'delivery' ELSE 'pickup' END,
       (ARRAY['online', 'cash', 'card_on_delivery'])[1 + n % 3],
       'Bench', CASE WHEN n % 2 = 0 THEN '1 rue du Banc' END, CASE WHEN n % 2 = 0 THEN '69002' END,
       CASE WHEN n % 2 = 0 THEN 'Lyon' END,
       price_cents * (1 + n % 2) + CASE WHEN n % 10 = 0 THEN 150 ELSE 0 END,
       CASE WHEN n % 2 = 0 THEN 300 ELSE 0 END,
       price_cents * (1 + n % 2) + CASE WHEN n % 10 = 0 THEN 150 ELSE 0 END
         + CASE WHEN n % 2 = 0 THEN 300 ELSE 0 END, 'EUR', t, t
FROM bench_orders;
UPDATE shop_order_counters SET next_number = 100001 + :per_shop;

\echo [3/8] order lines and their changes
INSERT INTO order_lines (id, order_id, position, product_id, product_name, size_code, size_label,
                         quantity, unit_price_cents, line_total_cents)
SELECT id, id, 1, product_id, product_name, code, label, 1 + n % 2,
       price_cents + CASE WHEN n % 10 = 0 THEN 150 / (1 + n % 2) ELSE 0 END,
       price_cents * (1 + n % 2) + CASE WHEN n % 10 = 0 THEN 150 ELSE 0 END
FROM bench_orders;
-- One order in 10 adds an ingredient (1.50 € in all), one in 7 removes one of its recipe's.
INSERT INTO order_line_modifications (id, order_line_id, ingredient_id, ingredient_name, kind, price_cents)
SELECT gen_random_uuid(), o.id, i.id, i.name, 'add', 150 / (1 + o.n % 2)
FROM bench_orders o
JOIN (SELECT row_number() OVER (ORDER BY id) AS k, id, name FROM ingredients) i
  ON i.k = 1 + (o.n / 10) % (SELECT count(*) FROM ingredients)
WHERE o.n % 10 = 0
UNION ALL
SELECT gen_random_uuid(), o.id, r.ingredient_id, i.name, 'remove', 0
FROM bench_orders o
JOIN LATERAL (SELECT ingredient_id FROM recipe_items WHERE product_size_id = o.size_id
              ORDER BY ingredient_id LIMIT 1 OFFSET (o.n / 7) % 2) r ON true
JOIN ingredients i ON i.id = r.ingredient_id
WHERE o.n % 7 = 0;

\echo [4/8] status history
INSERT INTO order_status_history (id, order_id, from_status, to_status, created_at)
SELECT gen_random_uuid(), o.id, h.from_status, h.to_status, o.t + h.after * interval '1 second'
FROM bench_orders o
CROSS JOIN LATERAL (VALUES
    (NULL, 'placed', 0),
    ('placed', 'preparing', 120 + o.n % 300),
    ('preparing', 'ready', 600 + o.n % 900),
    ('ready', 'out_for_delivery', 1600 + o.n % 300),
    ('out_for_delivery', 'delivered', 2200 + o.n % 1200),
    ('ready', 'picked_up', 1600 + o.n % 600),
    ('placed', 'cancelled', 60)
) AS h(from_status, to_status, after)
WHERE CASE WHEN o.n % 20 = 0 THEN h.to_status IN ('placed', 'cancelled')
           WHEN o.n % 2 = 0 THEN h.to_status NOT IN ('picked_up', 'cancelled')
           ELSE h.to_status NOT IN ('out_for_delivery', 'delivered', 'cancelled') END
-- In time order, as the API writes it (the history's BRIN index on created_at relies on it).
ORDER BY 5;

\echo [5/8] payments of the online orders, a refund for one in 97
INSERT INTO payments (id, order_id, provider, provider_ref, amount_cents, currency, status,
                      refunded_cents, created_at, updated_at)
SELECT gen_random_uuid(), o.id, 'offline', 'bench_' || o.id, o.total_cents, 'EUR',
       CASE WHEN o.status = 'cancelled' THEN 'cancelled' ELSE 'succeeded' END,
       CASE WHEN o.status <> 'cancelled' AND b.n % 97 = 0 THEN 200 ELSE 0 END,
       o.created_at, o.created_at
FROM bench_orders b JOIN orders o ON o.id = b.id
WHERE o.payment_method = 'online';
INSERT INTO refunds (id, payment_id, amount_cents, status, reason, created_at)
SELECT gen_random_uuid(), p.id, p.refunded_cents, 'succeeded', 'bench', p.created_at + interval '2 hours'
FROM payments p WHERE p.refunded_cents > 0;

\echo [6/8] stock movements of the orders (their secondary indexes dropped meanwhile, built again after)
CREATE TEMP TABLE bench_indexes ON COMMIT DROP AS
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = 'public' AND tablename = 'stock_movements' AND indexname <> 'stock_movements_pkey';
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT indexname FROM bench_indexes LOOP EXECUTE format('DROP INDEX %I', i.indexname); END LOOP;
END $$;
INSERT INTO stock_movements (id, shop_id, ingredient_id, delta, reason, order_id, created_at)
SELECT gen_random_uuid(), o.shop_id, r.ingredient_id, -r.quantity * (1 + o.n % 2), 'order', o.id, o.t
FROM bench_orders o JOIN recipe_items r ON r.product_size_id = o.size_id
UNION ALL
SELECT gen_random_uuid(), o.shop_id, r.ingredient_id, r.quantity * (1 + o.n % 2), 'cancel', o.id,
       o.t + interval '60 seconds'
FROM bench_orders o JOIN recipe_items r ON r.product_size_id = o.size_id
WHERE o.n % 20 = 0;

\echo [7/8] daily restocks, waste and count adjustments
INSERT INTO stock_movements (id, shop_id, ingredient_id, delta, reason, created_at)
SELECT gen_random_uuid(), s.id, i.id, m.delta, m.reason, d + m.at
FROM shops s CROSS JOIN ingredients i
CROSS JOIN generate_series((:'start'::date + time '08:00') AT TIME ZONE 'UTC',
                           (:'start'::date + 364 + time '08:00') AT TIME ZONE 'UTC', interval '1 day') d
CROSS JOIN (VALUES (50000, 'restock', interval '0'), (-40, 'waste', interval '14 hours'),
                   (-25, 'adjustment', interval '15 hours')) AS m(delta, reason, at);
\echo building the stock movements indexes again
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT indexdef FROM bench_indexes LOOP EXECUTE i.indexdef; END LOOP;
END $$;
\echo committing
COMMIT;
\echo [8/8] VACUUM ANALYZE (statistics, and the visibility map the index-only scans need)
VACUUM ANALYZE;
