-- A year (2026) of history for every shop: :per_shop orders each, with one line, their status
-- history, their stock movements and a few wastes, adjustments and restocks. Orders spread over
-- the year from 10:00 UTC; one in 20 cancelled, half delivered, half picked up.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, s.id AS shop_id, 100000 + n AS number, n,
       timestamptz '2026-01-01 09:00Z' + (n - 1) * (interval '365 days' / :per_shop)
         + ((n * 7919) % 3600) * interval '1 second' AS t,
       ps.id AS size_id, ps.product_id, p.name AS product_name, ps.code, ps.label, ps.price_cents
FROM shops s
CROSS JOIN generate_series(1, :per_shop) AS n
JOIN LATERAL (SELECT row_number() OVER (ORDER BY id) AS k, * FROM product_sizes) ps
  ON ps.k = 1 + (n * 31) % (SELECT count(*) FROM product_sizes)
JOIN products p ON p.id = ps.product_id;

INSERT INTO orders (id, shop_id, number, status, fulfilment, payment_method, customer_name,
                    delivery_line1, delivery_postal_code, delivery_city,
                    subtotal_cents, delivery_fee_cents, total_cents, currency, created_at, updated_at)
SELECT id, shop_id, number,
       CASE WHEN n % 20 = 0 THEN 'cancelled' WHEN n % 2 = 0 THEN 'delivered' ELSE 'picked_up' END,
       CASE WHEN n % 2 = 0 THEN 'delivery' ELSE 'pickup' END,
       (ARRAY['online', 'cash', 'card_on_delivery'])[1 + n % 3],
       'Bench', CASE WHEN n % 2 = 0 THEN '1 rue du Banc' END, CASE WHEN n % 2 = 0 THEN '69002' END,
       CASE WHEN n % 2 = 0 THEN 'Lyon' END,
       price_cents * (1 + n % 2), CASE WHEN n % 2 = 0 THEN 300 ELSE 0 END,
       price_cents * (1 + n % 2) + CASE WHEN n % 2 = 0 THEN 300 ELSE 0 END, 'EUR', t, t
FROM bench_orders;

INSERT INTO order_lines (id, order_id, position, product_id, product_name, size_code, size_label,
                         quantity, unit_price_cents, line_total_cents)
SELECT gen_random_uuid(), id, 1, product_id, product_name, code, label, 1 + n % 2, price_cents,
       price_cents * (1 + n % 2)
FROM bench_orders;

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
           ELSE h.to_status NOT IN ('out_for_delivery', 'delivered', 'cancelled') END;

INSERT INTO stock_movements (id, shop_id, ingredient_id, delta, reason, order_id, created_at)
SELECT gen_random_uuid(), o.shop_id, r.ingredient_id, -r.quantity * (1 + o.n % 2), 'order', o.id, o.t
FROM bench_orders o JOIN recipe_items r ON r.product_size_id = o.size_id
UNION ALL
SELECT gen_random_uuid(), o.shop_id, r.ingredient_id, r.quantity * (1 + o.n % 2), 'cancel', o.id,
       o.t + interval '60 seconds'
FROM bench_orders o JOIN recipe_items r ON r.product_size_id = o.size_id
WHERE o.n % 20 = 0;

-- Each shop, each day: one restock, one waste and one count adjustment of each ingredient.
INSERT INTO stock_movements (id, shop_id, ingredient_id, delta, reason, created_at)
SELECT gen_random_uuid(), s.id, i.id, m.delta, m.reason, d + m.at
FROM shops s CROSS JOIN ingredients i
CROSS JOIN generate_series(timestamptz '2026-01-01 08:00Z', timestamptz '2026-12-31 08:00Z', interval '1 day') d
CROSS JOIN (VALUES (50000, 'restock', interval '0'), (-40, 'waste', interval '14 hours'),
                   (-25, 'adjustment', interval '15 hours')) AS m(delta, reason, at);
COMMIT;
ANALYZE;
