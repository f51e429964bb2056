-- Accounts: people who use OC Pizza, their addresses and their credentials.
-- shops is created here (bare) because staff belong to a shop; its details come in the next migration.
CREATE TABLE shops (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,64}$'),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    address_line TEXT NOT NULL,
    postal_code TEXT NOT NULL CHECK (postal_code ~ '^[0-9]{5}$'),
    city TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
    currency TEXT NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    delivery_fee_cents INTEGER NOT NULL DEFAULT 0 CHECK (delivery_fee_cents >= 0),
    min_order_cents INTEGER NOT NULL DEFAULT 0 CHECK (min_order_cents >= 0),
    next_order_number INTEGER NOT NULL DEFAULT 1 CHECK (next_order_number > 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 120),
    phone TEXT,
    role TEXT NOT NULL DEFAULT 'customer'
        CHECK (role IN ('customer', 'order_taker', 'pizzaiolo', 'delivery', 'manager', 'admin')),
    shop_id UUID REFERENCES shops (id) ON DELETE RESTRICT,
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Staff work in one shop; customers and admins belong to none.
    CONSTRAINT users_shop_matches_role CHECK (
        (role IN ('customer', 'admin') AND shop_id IS NULL)
        OR (role NOT IN ('customer', 'admin') AND shop_id IS NOT NULL)
    )
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_phone_idx ON users (phone) WHERE phone IS NOT NULL;
CREATE INDEX users_shop_idx ON users (shop_id) WHERE shop_id IS NOT NULL;

CREATE TABLE addresses (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '' CHECK (length(label) <= 60),
    line1 TEXT NOT NULL CHECK (length(line1) BETWEEN 1 AND 200),
    line2 TEXT,
    postal_code TEXT NOT NULL CHECK (postal_code ~ '^[0-9]{5}$'),
    city TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    instructions TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX addresses_user_idx ON addresses (user_id, created_at);

-- Refresh tokens rotate: each use spends the token and issues the next one of the same family.
-- Presenting a spent token again revokes the whole family (it was stolen or replayed).
CREATE TABLE refresh_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id UUID NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE password_reset_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);
