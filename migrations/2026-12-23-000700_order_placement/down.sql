DROP FUNCTION place_order(bigint, jsonb, jsonb, uuid[], bigint[]);
DROP FUNCTION shop_event_notify(shop_events);
DROP TRIGGER catalog_version_products ON products;
DROP TRIGGER catalog_version_product_sizes ON product_sizes;
DROP TRIGGER catalog_version_recipe_items ON recipe_items;
DROP TRIGGER catalog_version_ingredients ON ingredients;
DROP FUNCTION catalog_version_bump();
DROP TABLE catalog_version;
