//! The views the code reads, declared by hand: `diesel print-schema` writes the tables only
//! (`schema.rs`).

diesel::table! {
    /// Every stock movement, one row per ingredient: the rows of `stock_movements` and each
    /// order's take (`order_stock_takes`) unnested, with `reason` `'order'` and an id derived from
    /// the order and the ingredient (migration `2026-12-29-000100_orders_write_less`). The stock
    /// of a line is the sum of its rows here.
    stock_ledger (id) {
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

use crate::schema::{ingredients, users};

diesel::allow_tables_to_appear_in_same_query!(stock_ledger, ingredients);
diesel::allow_tables_to_appear_in_same_query!(stock_ledger, users);
