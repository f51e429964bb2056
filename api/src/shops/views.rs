//! Shops as the API shows them: with their hours, delivery zone and whether they are open now.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::hours::{is_open_at, next_opening, OpeningHours};
use super::model::{OpeningRange, Shop};
use crate::error::AppResult;
use crate::schema::{shop_delivery_zones, shop_hours};

#[derive(Serialize, ToSchema, Debug)]
pub struct ShopView {
    pub id: Uuid,
    #[schema(example = "lyon-presquile")]
    pub slug: String,
    #[schema(example = "OC Pizza Presqu'île")]
    pub name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: Option<String>,
    /// IANA time zone the opening hours are expressed in.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    #[schema(example = "EUR")]
    pub currency: String,
    pub delivery_fee_cents: i32,
    pub min_order_cents: i32,
    pub active: bool,
    pub hours: Vec<OpeningHours>,
    /// Postal codes this shop delivers to.
    pub delivery_postal_codes: Vec<String>,
    /// Whether the shop takes orders right now.
    pub open_now: bool,
    /// When a closed shop opens next (within a week); null while it is open or without hours.
    pub next_opening_at: Option<DateTime<Utc>>,
}

/// Loads shops with their hours and zones in three queries.
pub fn load_views(conn: &mut PgConnection, list: Vec<Shop>) -> AppResult<Vec<ShopView>> {
    let ids: Vec<Uuid> = list.iter().map(|s| s.id).collect();
    let mut hours: HashMap<Uuid, Vec<OpeningRange>> = HashMap::new();
    for range in shop_hours::table
        .filter(shop_hours::shop_id.eq_any(&ids))
        .order((shop_hours::weekday, shop_hours::opens_at))
        .select(OpeningRange::as_select())
        .load(conn)?
    {
        hours.entry(range.shop_id).or_default().push(range);
    }
    let mut zones: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (shop_id, code) in shop_delivery_zones::table
        .filter(shop_delivery_zones::shop_id.eq_any(&ids))
        .order(shop_delivery_zones::postal_code)
        .load::<(Uuid, String)>(conn)?
    {
        zones.entry(shop_id).or_default().push(code);
    }
    let now = Utc::now();
    Ok(list
        .into_iter()
        .map(|shop| {
            let ranges = hours.remove(&shop.id).unwrap_or_default();
            ShopView {
                open_now: shop.active && is_open_at(&shop, &ranges, now),
                next_opening_at: shop
                    .active
                    .then(|| next_opening(&shop, &ranges, now))
                    .flatten(),
                hours: ranges.iter().map(OpeningHours::from).collect(),
                delivery_postal_codes: zones.remove(&shop.id).unwrap_or_default(),
                id: shop.id,
                slug: shop.slug,
                name: shop.name,
                address_line: shop.address_line,
                postal_code: shop.postal_code,
                city: shop.city,
                phone: shop.phone,
                email: shop.email,
                timezone: shop.timezone,
                currency: shop.currency,
                delivery_fee_cents: shop.delivery_fee_cents,
                min_order_cents: shop.min_order_cents,
                active: shop.active,
            }
        })
        .collect())
}

/// One shop as the API shows it.
pub fn load_view(conn: &mut PgConnection, shop: Shop) -> AppResult<ShopView> {
    load_views(conn, vec![shop])?
        .pop()
        .ok_or_else(|| crate::error::AppError::not_found("shop"))
}

crate::page_schema!(
    /// A page of shops: `{"items": [...], "next_cursor": null | "…"}`.
    ShopPage,
    ShopView
);
