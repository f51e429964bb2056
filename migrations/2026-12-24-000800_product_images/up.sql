-- Product photos kept in PostgreSQL (state lives there only, so every API instance serves them):
-- the picture as uploaded and a smaller rendition for the menu, with a version (a hash of the
-- bytes) that the public URLs carry, so that they can be cached for a year and a new photo is a
-- new URL. `menu_image_url` is the menu's picture: the rendition's URL, or the same external URL
-- as `image_url`.
CREATE TABLE product_images (
    product_id UUID PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL
        CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/svg+xml')),
    bytes BYTEA NOT NULL,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    menu_content_type TEXT NOT NULL
        CHECK (menu_content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/svg+xml')),
    menu_bytes BYTEA NOT NULL,
    version TEXT NOT NULL CHECK (version ~ '^[0-9a-f]{16}$'),
    updated_by UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE products ADD COLUMN menu_image_url TEXT;
UPDATE products SET menu_image_url = image_url;
