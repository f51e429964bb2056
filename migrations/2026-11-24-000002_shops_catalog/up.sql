-- Shops' opening hours and delivery zones; the catalog: categories, products, sizes, ingredients,
-- recipes (ingredient quantities per size, steps) and the pizzaiolos' recipe memos.
CREATE TABLE shop_hours (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    -- ISO weekday: 1 = Monday … 7 = Sunday. A day may have several ranges (lunch, dinner).
    weekday SMALLINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_at TIME NOT NULL,
    closes_at TIME NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX shop_hours_shop_idx ON shop_hours (shop_id, weekday, opens_at);

CREATE TABLE shop_delivery_zones (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    postal_code TEXT NOT NULL CHECK (postal_code ~ '^[0-9]{5}$'),
    PRIMARY KEY (shop_id, postal_code)
);
CREATE INDEX shop_delivery_zones_postal_idx ON shop_delivery_zones (postal_code);

CREATE TABLE categories (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,64}$'),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ingredients (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,64}$'),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    unit TEXT NOT NULL CHECK (unit IN ('g', 'ml', 'piece')),
    -- The 14 allergens of EU regulation 1169/2011.
    allergens TEXT[] NOT NULL DEFAULT '{}' CHECK (allergens <@ ARRAY[
        'gluten', 'crustaceans', 'eggs', 'fish', 'peanuts', 'soybeans', 'milk', 'nuts',
        'celery', 'mustard', 'sesame', 'sulphites', 'lupin', 'molluscs']::TEXT[]),
    vegetarian BOOLEAN NOT NULL DEFAULT TRUE,
    -- When a customer adds this ingredient as an extra topping: how much goes on, at what price.
    extra_quantity INTEGER NOT NULL DEFAULT 0 CHECK (extra_quantity >= 0),
    extra_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (extra_price_cents >= 0),
    can_be_extra BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE products (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    category_id UUID NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,64}$'),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    kind TEXT NOT NULL CHECK (kind IN ('pizza', 'drink', 'dessert', 'starter')),
    vegetarian BOOLEAN NOT NULL DEFAULT FALSE,
    image_url TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category_id, position, name);

CREATE TABLE product_sizes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    product_id UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    code TEXT NOT NULL CHECK (code ~ '^[a-z0-9_]{1,20}$'),
    label TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (product_id, code)
);

CREATE TABLE recipe_items (
    product_size_id UUID NOT NULL REFERENCES product_sizes (id) ON DELETE CASCADE,
    ingredient_id UUID NOT NULL REFERENCES ingredients (id) ON DELETE RESTRICT,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (product_size_id, ingredient_id)
);
CREATE INDEX recipe_items_ingredient_idx ON recipe_items (ingredient_id);

CREATE TABLE recipe_steps (
    product_id UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position > 0),
    instruction TEXT NOT NULL CHECK (length(instruction) BETWEEN 1 AND 500),
    PRIMARY KEY (product_id, position)
);

CREATE TABLE recipe_memos (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    product_id UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    shop_id UUID REFERENCES shops (id) ON DELETE CASCADE,
    author_id UUID REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX recipe_memos_product_idx ON recipe_memos (product_id, created_at);
