//! A shop's rows: the shop itself, its opening ranges and its closures, as stored.

use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::schema::{shop_closures, shop_hours, shops};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = shops)]
pub struct Shop {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: Option<String>,
    pub timezone: String,
    pub currency: String,
    pub delivery_fee_cents: i32,
    pub min_order_cents: i32,
    pub active: bool,
}

/// One opening range of a weekday, in the shop's local time.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = shop_hours)]
pub struct OpeningRange {
    pub shop_id: Uuid,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: i16,
    pub opens_at: NaiveTime,
    pub closes_at: NaiveTime,
}

/// Days the shop is closed whatever its hours say (holidays, works), from `first_day` to
/// `last_day` inclusive in the shop's time zone.
#[derive(Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = shop_closures)]
pub struct Closure {
    pub id: Uuid,
    pub shop_id: Uuid,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub reason: String,
}

impl Closure {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }
}

pub fn find_shop(conn: &mut PgConnection, id: Uuid) -> AppResult<Shop> {
    shops::table
        .find(id)
        .select(Shop::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("shop"))
}
