-- What a shop's menu shows can be cached by every API instance and trusted until one of these
-- versions moves. Triggers move them in the very transaction that makes the change, whoever makes
-- it (API, seed, CLI, psql), and announce it with NOTIFY menu_changes, delivered on commit:
-- payload 'catalog' for the chain's catalog, or a shop's id for its availability.

-- The chain's catalog: categories, products, sizes, recipes, steps, ingredients.
CREATE TABLE catalog_version (
    id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO catalog_version DEFAULT VALUES;

-- A shop's availability: stock crossing a level a recipe or an extra needs, products paused,
-- the shop itself and its hours.
CREATE TABLE shop_menu_versions (
    shop_id UUID PRIMARY KEY REFERENCES shops (id) ON DELETE CASCADE,
    version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO shop_menu_versions (shop_id) SELECT id FROM shops;

-- A product taken off one shop's menu ("86" it), until a time or until resumed.
CREATE TABLE product_pauses (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    product_id UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    until TIMESTAMPTZ,
    paused_by UUID REFERENCES users (id) ON DELETE SET NULL,
    paused_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_id, product_id)
);

CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1;
    PERFORM pg_notify('menu_changes', 'catalog');
    RETURN NULL;
END $$;

CREATE FUNCTION bump_shop_menu_version(shop UUID) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO shop_menu_versions (shop_id) VALUES (shop)
        ON CONFLICT (shop_id) DO UPDATE SET version = shop_menu_versions.version + 1;
    PERFORM pg_notify('menu_changes', shop::text);
END $$;

-- BEFORE each statement: the writer takes the version row before it touches the catalog, so it
-- never holds a catalog row an order's foreign key checks wait on while it waits for that order
-- (place_order() reads the version under a share lock to check the cached prices it was given).
CREATE TRIGGER catalog_version_categories BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER catalog_version_products BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER catalog_version_sizes BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON product_sizes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER catalog_version_recipes BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON recipe_items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER catalog_version_steps BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON recipe_steps
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER catalog_version_ingredients BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ingredients
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE FUNCTION shop_menu_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND TG_TABLE_NAME <> 'shops' THEN
        PERFORM bump_shop_menu_version(OLD.shop_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_TABLE_NAME = 'shops' THEN
            PERFORM bump_shop_menu_version(NEW.id);
        ELSIF TG_OP = 'INSERT' OR NEW.shop_id <> OLD.shop_id THEN
            PERFORM bump_shop_menu_version(NEW.shop_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- Not on every order: an order moves the shop's order counter, not its menu.
CREATE TRIGGER shop_menu_version_shop_added AFTER INSERT ON shops
    FOR EACH ROW EXECUTE FUNCTION shop_menu_row_changed();
CREATE TRIGGER shop_menu_version_shops AFTER UPDATE ON shops
    FOR EACH ROW WHEN ((OLD.active, OLD.timezone, OLD.currency) IS DISTINCT FROM (NEW.active, NEW.timezone, NEW.currency))
    EXECUTE FUNCTION shop_menu_row_changed();
CREATE TRIGGER shop_menu_version_hours AFTER INSERT OR UPDATE OR DELETE ON shop_hours
    FOR EACH ROW EXECUTE FUNCTION shop_menu_row_changed();
CREATE TRIGGER shop_menu_version_pauses AFTER INSERT OR UPDATE OR DELETE ON product_pauses
    FOR EACH ROW EXECUTE FUNCTION shop_menu_row_changed();

-- Stock: only a change through a level some recipe line or extra portion needs can change what
-- the menu offers; one query per statement, so an order moving no level writes nothing more.
CREATE FUNCTION stock_levels_crossed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    shop UUID;
BEGIN
    FOR shop IN
        SELECT DISTINCT n.shop_id
        FROM old_stock o JOIN new_stock n USING (shop_id, ingredient_id)
        WHERE o.quantity <> n.quantity
          AND (EXISTS (SELECT 1 FROM recipe_items r WHERE r.ingredient_id = n.ingredient_id
                         AND r.quantity > LEAST(o.quantity, n.quantity)
                         AND r.quantity <= GREATEST(o.quantity, n.quantity))
               OR EXISTS (SELECT 1 FROM ingredients i WHERE i.id = n.ingredient_id AND i.can_be_extra
                         AND GREATEST(i.extra_quantity, 1) > LEAST(o.quantity, n.quantity)
                         AND GREATEST(i.extra_quantity, 1) <= GREATEST(o.quantity, n.quantity)))
        ORDER BY 1
    LOOP
        PERFORM bump_shop_menu_version(shop);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER shop_menu_version_stock AFTER UPDATE ON stock
    REFERENCING OLD TABLE AS old_stock NEW TABLE AS new_stock
    FOR EACH STATEMENT EXECUTE FUNCTION stock_levels_crossed();

-- A stock line added (a new ingredient or a new shop) or removed.
CREATE FUNCTION stock_lines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    shop UUID;
BEGIN
    IF TG_OP = 'INSERT' THEN
        FOR shop IN SELECT DISTINCT shop_id FROM new_stock ORDER BY 1 LOOP
            PERFORM bump_shop_menu_version(shop);
        END LOOP;
    ELSE
        FOR shop IN SELECT DISTINCT shop_id FROM old_stock ORDER BY 1 LOOP
            PERFORM bump_shop_menu_version(shop);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER shop_menu_version_stock_added AFTER INSERT ON stock
    REFERENCING NEW TABLE AS new_stock
    FOR EACH STATEMENT EXECUTE FUNCTION stock_lines_changed();
CREATE TRIGGER shop_menu_version_stock_removed AFTER DELETE ON stock
    REFERENCING OLD TABLE AS old_stock
    FOR EACH STATEMENT EXECUTE FUNCTION stock_lines_changed();
