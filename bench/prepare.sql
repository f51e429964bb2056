-- What every benchmark does to a freshly seeded database before its load (bench/run.sh,
-- bench/orders.sh, bench/order_instructions.sh): every shop open all week, whatever the hour the
-- benchmark runs at, and enough stock for any run, added as one adjustment movement per stock
-- line, so the stock still equals the sum of its movements.
DELETE FROM shop_hours;
INSERT INTO shop_hours (shop_id, weekday, opens_at, closes_at)
  SELECT s.id, d, '00:00', '23:59' FROM shops s, generate_series(1, 7) d;
INSERT INTO stock_movements (shop_id, ingredient_id, delta, reason, note)
  SELECT shop_id, ingredient_id, 1000000000, 'adjustment', 'benchmark' FROM stock;
UPDATE stock SET quantity = quantity + 1000000000;
