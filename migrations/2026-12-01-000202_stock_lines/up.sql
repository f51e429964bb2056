-- Shops opened through the API before every shop got a stock line per ingredient: give them theirs.
INSERT INTO stock (shop_id, ingredient_id)
SELECT s.id, i.id FROM shops s CROSS JOIN ingredients i
ON CONFLICT DO NOTHING;
