// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    addresses (id) {
        id -> Uuid,
        user_id -> Uuid,
        label -> Text,
        line1 -> Text,
        line2 -> Nullable<Text>,
        postal_code -> Text,
        city -> Text,
        instructions -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        actor_id -> Nullable<Uuid>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        details -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    catalog_version (id) {
        id -> Bool,
        version -> Int8,
    }
}

diesel::table! {
    categories (id) {
        id -> Uuid,
        slug -> Text,
        name -> Text,
        position -> Int4,
    }
}

diesel::table! {
    client_failures (client) {
        client -> Text,
        failures -> Int4,
        window_started_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Int2>,
        response_body -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    ingredients (id) {
        id -> Uuid,
        slug -> Text,
        name -> Text,
        unit -> Text,
        allergens -> Array<Nullable<Text>>,
        vegetarian -> Bool,
        extra_quantity -> Int4,
        extra_price_cents -> Int4,
        can_be_extra -> Bool,
    }
}

diesel::table! {
    login_lockouts (email) {
        email -> Text,
        failures -> Int4,
        locked_until -> Nullable<Timestamptz>,
        last_failed_at -> Timestamptz,
    }
}

diesel::table! {
    order_line_modifications (id) {
        order_line_id -> Uuid,
        ingredient_id -> Nullable<Uuid>,
        ingredient_name -> Text,
        kind -> Text,
        price_cents -> Int4,
        id -> Uuid,
    }
}

diesel::table! {
    order_lines (id) {
        id -> Uuid,
        order_id -> Uuid,
        position -> Int4,
        product_id -> Nullable<Uuid>,
        product_name -> Text,
        size_code -> Text,
        size_label -> Text,
        quantity -> Int4,
        unit_price_cents -> Int4,
        line_total_cents -> Int4,
    }
}

diesel::table! {
    order_status_history (id) {
        id -> Uuid,
        order_id -> Uuid,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
        event -> Text,
        reason -> Nullable<Text>,
        amount_cents -> Nullable<Int4>,
        refund_method -> Nullable<Text>,
    }
}

diesel::table! {
    order_stock_takes (order_id) {
        order_id -> Uuid,
        shop_id -> Uuid,
        ingredient_ids -> Array<Nullable<Uuid>>,
        deltas -> Array<Nullable<Int8>>,
        actor_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    orders (id) {
        id -> Uuid,
        shop_id -> Uuid,
        number -> Int4,
        customer_id -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        status -> Text,
        fulfilment -> Text,
        payment_method -> Text,
        customer_name -> Text,
        customer_phone -> Nullable<Text>,
        customer_email -> Nullable<Text>,
        delivery_line1 -> Nullable<Text>,
        delivery_line2 -> Nullable<Text>,
        delivery_postal_code -> Nullable<Text>,
        delivery_city -> Nullable<Text>,
        delivery_instructions -> Nullable<Text>,
        notes -> Nullable<Text>,
        subtotal_cents -> Int4,
        delivery_fee_cents -> Int4,
        total_cents -> Int4,
        currency -> Text,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        courier_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    password_reset_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        token_hash -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    payments (id) {
        id -> Uuid,
        order_id -> Uuid,
        provider -> Text,
        provider_ref -> Nullable<Text>,
        amount_cents -> Int4,
        currency -> Text,
        status -> Text,
        refunded_cents -> Int4,
        recorded_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        provider_cancelled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    product_sizes (id) {
        id -> Uuid,
        product_id -> Uuid,
        code -> Text,
        label -> Text,
        price_cents -> Int4,
        position -> Int4,
    }
}

diesel::table! {
    products (id) {
        id -> Uuid,
        category_id -> Uuid,
        slug -> Text,
        name -> Text,
        description -> Text,
        kind -> Text,
        vegetarian -> Bool,
        image_url -> Nullable<Text>,
        active -> Bool,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        menu_image_url -> Nullable<Text>,
    }
}

diesel::table! {
    product_images (product_id) {
        product_id -> Uuid,
        content_type -> Text,
        bytes -> Bytea,
        width -> Int4,
        height -> Int4,
        menu_content_type -> Text,
        menu_bytes -> Bytea,
        version -> Text,
        updated_by -> Nullable<Uuid>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    recipe_items (product_size_id, ingredient_id) {
        product_size_id -> Uuid,
        ingredient_id -> Uuid,
        quantity -> Int4,
    }
}

diesel::table! {
    recipe_memos (id) {
        id -> Uuid,
        product_id -> Uuid,
        shop_id -> Nullable<Uuid>,
        author_id -> Nullable<Uuid>,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    recipe_steps (product_id, position) {
        product_id -> Uuid,
        position -> Int4,
        instruction -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        family_id -> Uuid,
        token_hash -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    refunds (id) {
        id -> Uuid,
        payment_id -> Uuid,
        amount_cents -> Int4,
        provider_ref -> Nullable<Text>,
        status -> Text,
        reason -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        method -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    report_rollup_state (id) {
        id -> Bool,
        watermark -> Timestamptz,
        refreshed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    rollup_refunds (shop_id, day) {
        shop_id -> Uuid,
        day -> Date,
        refunded_cents -> Int8,
    }
}

diesel::table! {
    rollup_sales_hours (shop_id, day, hour) {
        shop_id -> Uuid,
        day -> Date,
        hour -> Int2,
        orders -> Int4,
        revenue_cents -> Int8,
        cancelled -> Int4,
    }
}

diesel::table! {
    rollup_sales_kinds (shop_id, day, fulfilment, payment_method) {
        shop_id -> Uuid,
        day -> Date,
        fulfilment -> Text,
        payment_method -> Text,
        orders -> Int4,
        revenue_cents -> Int8,
        cancelled -> Int4,
    }
}

diesel::table! {
    rollup_stock (shop_id, day, ingredient_id) {
        shop_id -> Uuid,
        day -> Date,
        ingredient_id -> Uuid,
        used_by_orders -> Int8,
        returned_by_cancels -> Int8,
        wasted -> Int8,
        adjusted -> Int8,
        adjustments -> Int8,
        restocked -> Int8,
    }
}

diesel::table! {
    rollup_times (shop_id, day, measure) {
        shop_id -> Uuid,
        day -> Date,
        measure -> Text,
        seconds -> Array<Nullable<Int4>>,
        counts -> Array<Nullable<Int4>>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    search_documents (product_id) {
        product_id -> Uuid,
        document -> Tsvector,
        ingredient_names -> Array<Nullable<Text>>,
        allergens -> Array<Nullable<Text>>,
        name -> Text,
        normalized_name -> Text,
        category_id -> Uuid,
        category_slug -> Text,
        category_position -> Int4,
        position -> Int4,
        vegetarian -> Bool,
        active -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    search_outbox (id) {
        id -> Int8,
        product_id -> Uuid,
        created_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        leased_until -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    search_words (word) {
        word -> Text,
        stem -> Nullable<Text>,
    }
}

diesel::table! {
    shop_delivery_zones (shop_id, postal_code) {
        shop_id -> Uuid,
        postal_code -> Text,
    }
}

diesel::table! {
    shop_closures (id) {
        id -> Uuid,
        shop_id -> Uuid,
        first_day -> Date,
        last_day -> Date,
        reason -> Text,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    shop_hours (id) {
        id -> Uuid,
        shop_id -> Uuid,
        weekday -> Int2,
        opens_at -> Time,
        closes_at -> Time,
    }
}

diesel::table! {
    shop_events (id) {
        id -> Int8,
        shop_id -> Uuid,
        kind -> Text,
        order_id -> Nullable<Uuid>,
        number -> Nullable<Int4>,
        status -> Nullable<Text>,
        note -> Nullable<Text>,
        ingredient_ids -> Array<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    shop_order_counters (shop_id) {
        shop_id -> Uuid,
        next_number -> Int4,
    }
}

diesel::table! {
    shops (id) {
        id -> Uuid,
        slug -> Text,
        name -> Text,
        address_line -> Text,
        postal_code -> Text,
        city -> Text,
        phone -> Text,
        email -> Nullable<Text>,
        timezone -> Text,
        currency -> Text,
        delivery_fee_cents -> Int4,
        min_order_cents -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        kitchen_warn_minutes -> Int4,
        kitchen_late_minutes -> Int4,
    }
}

diesel::table! {
    stock (shop_id, ingredient_id) {
        shop_id -> Uuid,
        ingredient_id -> Uuid,
        quantity -> Int8,
        low_threshold -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Uuid,
        shop_id -> Uuid,
        ingredient_id -> Uuid,
        delta -> Int8,
        reason -> Text,
        order_id -> Nullable<Uuid>,
        actor_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Nullable<Text>,
        password_hash -> Text,
        full_name -> Text,
        phone -> Nullable<Text>,
        role -> Text,
        shop_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        active -> Bool,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        provider -> Text,
        event_type -> Text,
        payload -> Jsonb,
        received_at -> Timestamptz,
    }
}

diesel::joinable!(addresses -> users (user_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(idempotency_keys -> users (user_id));
diesel::joinable!(order_line_modifications -> ingredients (ingredient_id));
diesel::joinable!(order_line_modifications -> order_lines (order_line_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(order_lines -> products (product_id));
diesel::joinable!(order_status_history -> orders (order_id));
diesel::joinable!(order_status_history -> users (actor_id));
diesel::joinable!(order_stock_takes -> orders (order_id));
diesel::joinable!(order_stock_takes -> shops (shop_id));
diesel::joinable!(order_stock_takes -> users (actor_id));
diesel::joinable!(orders -> shops (shop_id));
diesel::joinable!(password_reset_tokens -> users (user_id));
diesel::joinable!(payments -> orders (order_id));
diesel::joinable!(payments -> users (recorded_by));
diesel::joinable!(product_images -> products (product_id));
diesel::joinable!(product_images -> users (updated_by));
diesel::joinable!(product_sizes -> products (product_id));
diesel::joinable!(products -> categories (category_id));
diesel::joinable!(recipe_items -> ingredients (ingredient_id));
diesel::joinable!(recipe_items -> product_sizes (product_size_id));
diesel::joinable!(recipe_memos -> products (product_id));
diesel::joinable!(recipe_memos -> shops (shop_id));
diesel::joinable!(recipe_memos -> users (author_id));
diesel::joinable!(recipe_steps -> products (product_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(refunds -> payments (payment_id));
diesel::joinable!(refunds -> users (created_by));
diesel::joinable!(rollup_refunds -> shops (shop_id));
diesel::joinable!(rollup_sales_hours -> shops (shop_id));
diesel::joinable!(rollup_sales_kinds -> shops (shop_id));
diesel::joinable!(rollup_stock -> shops (shop_id));
diesel::joinable!(rollup_times -> shops (shop_id));
diesel::joinable!(search_documents -> products (product_id));
diesel::joinable!(shop_closures -> shops (shop_id));
diesel::joinable!(shop_closures -> users (created_by));
diesel::joinable!(shop_delivery_zones -> shops (shop_id));
diesel::joinable!(shop_hours -> shops (shop_id));
diesel::joinable!(shop_order_counters -> shops (shop_id));
diesel::joinable!(stock -> ingredients (ingredient_id));
diesel::joinable!(stock -> shops (shop_id));
diesel::joinable!(stock_movements -> orders (order_id));
diesel::joinable!(stock_movements -> users (actor_id));
diesel::joinable!(users -> shops (shop_id));

diesel::allow_tables_to_appear_in_same_query!(
    addresses,
    audit_log,
    catalog_version,
    categories,
    client_failures,
    idempotency_keys,
    ingredients,
    login_lockouts,
    order_line_modifications,
    order_lines,
    order_status_history,
    order_stock_takes,
    orders,
    password_reset_tokens,
    payments,
    product_images,
    product_sizes,
    products,
    recipe_items,
    recipe_memos,
    recipe_steps,
    refresh_tokens,
    refunds,
    report_rollup_state,
    rollup_refunds,
    rollup_sales_hours,
    rollup_sales_kinds,
    rollup_stock,
    rollup_times,
    search_documents,
    shop_events,
    search_outbox,
    search_words,
    shop_closures,
    shop_delivery_zones,
    shop_hours,
    shop_order_counters,
    shops,
    stock,
    stock_movements,
    users,
    webhook_events,
);
