//! Shops as the API shows them: with their hours, closures, delivery zone and whether they are
//! open now.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::closures::ClosureView;
use super::hours::OpeningHours;
use super::model::Shop;
use super::schedule::load_schedules;
use crate::error::AppResult;
use crate::schema::shop_delivery_zones;

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
    /// Closures covering today (in the shop's time zone) or later, by first day: the shop is
    /// closed those days whatever its hours say.
    pub closures: Vec<ClosureView>,
    /// The closure the shop is in today, if any (also in `closures`).
    pub closure_now: Option<ClosureView>,
    /// Postal codes this shop delivers to.
    pub delivery_postal_codes: Vec<String>,
    /// Whether the shop takes orders right now: active, within its hours, not closed today.
    pub open_now: bool,
    /// When a closed shop opens next, after any closure (within a week of it); null while it is
    /// open, inactive or without hours.
    pub next_opening_at: Option<DateTime<Utc>>,
}

/// Loads shops with their hours, closures and zones in three queries.
pub fn load_views(conn: &mut PgConnection, list: Vec<Shop>) -> AppResult<Vec<ShopView>> {
    let ids: Vec<Uuid> = list.iter().map(|s| s.id).collect();
    let mut schedules = load_schedules(conn, &ids)?;
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
            let schedule = schedules.remove(&shop.id).unwrap_or_default();
            ShopView {
                open_now: shop.active && schedule.is_open_at(&shop, now),
                next_opening_at: shop
                    .active
                    .then(|| schedule.next_opening(&shop, now))
                    .flatten(),
                hours: schedule.hours.iter().map(OpeningHours::from).collect(),
                closures: schedule
                    .upcoming_closures(&shop, now)
                    .into_iter()
                    .map(ClosureView::from)
                    .collect(),
                closure_now: schedule.closure_at(&shop, now).map(ClosureView::from),
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
