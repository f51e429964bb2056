//! An ingredient's stock level at the end of each past day, walked back from the level now
//! through its movements, and where a shop's local day starts.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::stock::load_stock;
use crate::auth::{Managers, ShopAccess};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::http::ApiQuery;
use crate::schema_views::stock_ledger;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LevelsQuery {
    /// How many days back, today included (1 to 90, default 30).
    #[param(minimum = 1, maximum = 90)]
    pub days: Option<i64>,
}

/// An ingredient's stock at the end of one day, in the shop's time zone (today: now).
#[derive(Serialize, ToSchema, Debug, PartialEq)]
pub struct StockLevel {
    #[schema(value_type = String, format = Date, example = "2026-12-24")]
    pub day: NaiveDate,
    pub quantity: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StockLevels {
    pub ingredient_id: Uuid,
    pub name: String,
    pub unit: String,
    pub low_threshold: i64,
    /// Oldest day first, one point per day.
    pub items: Vec<StockLevel>,
}

/// An ingredient's level at the end of each of the last days, from its movements (managers).
#[utoipa::path(get, tag = "inventory", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id"),
           ("ingredient_id" = Uuid, Path, description = "Ingredient id"), LevelsQuery),
    responses(
        (status = 200, description = "Closing levels, oldest day first", body = StockLevels),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such shop or ingredient, or another shop's manager"),
        (status = 422, description = "`days` out of range")))]
#[get("/shops/{shop_id}/stock/{ingredient_id}/levels")]
pub async fn stock_levels(
    state: web::Data<AppState>,
    access: ShopAccess<Managers>,
    path: web::Path<(Uuid, Uuid)>,
    query: ApiQuery<LevelsQuery>,
) -> AppResult<HttpResponse> {
    let (_, ingredient_id) = path.into_inner();
    let days = query.days.unwrap_or(30);
    if !(1..=90).contains(&days) {
        return Err(AppError::field("days", "out_of_range", "between 1 and 90"));
    }
    let shop_id = access.shop_id;
    let levels = db::run(&state.pool, move |conn| {
        let zone = crate::shops::shop_timezone(&crate::shops::find_shop(conn, shop_id)?);
        let line = load_stock(conn, shop_id)?
            .into_iter()
            .find(|l| l.ingredient_id == ingredient_id)
            .ok_or_else(|| AppError::not_found("ingredient"))?;
        let today = Utc::now().with_timezone(&zone).date_naive();
        let first = today - chrono::Duration::days(days - 1);
        let since = start_of_day(zone, first).ok_or_else(|| AppError::internal("no such day"))?;
        let moves: Vec<(DateTime<Utc>, i64)> = stock_ledger::table
            .filter(stock_ledger::shop_id.eq(shop_id))
            .filter(stock_ledger::ingredient_id.eq(ingredient_id))
            .filter(stock_ledger::created_at.ge(since))
            .select((stock_ledger::created_at, stock_ledger::delta))
            .load(conn)?;
        let moves: Vec<(NaiveDate, i64)> = moves
            .into_iter()
            .map(|(at, d)| (at.with_timezone(&zone).date_naive(), d))
            .collect();
        Ok(StockLevels {
            items: closing_levels(line.quantity, first, today, &moves),
            ingredient_id,
            name: line.name,
            unit: line.unit,
            low_threshold: line.low_threshold,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(levels))
}

/// Each day's closing level from `first` to `today`, walking back from the level now through
/// the movements of each local day (`moves`: day and delta, any order).
fn closing_levels(
    now: i64,
    first: NaiveDate,
    today: NaiveDate,
    moves: &[(NaiveDate, i64)],
) -> Vec<StockLevel> {
    let mut by_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (day, delta) in moves {
        *by_day.entry(*day).or_insert(0) += delta;
    }
    let mut out = Vec::new();
    let (mut day, mut level) = (today, now);
    while day >= first {
        out.push(StockLevel {
            day,
            quantity: level,
        });
        // The level at the end of the day before is this one without this day's movements.
        level -= by_day.get(&day).copied().unwrap_or(0);
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    out.reverse();
    out
}

/// The instant a local date starts in a time zone (its first valid instant, should a clock
/// change skip midnight).
pub(super) fn start_of_day(zone: chrono_tz::Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    let local = zone.from_local_datetime(&midnight);
    local
        .earliest()
        .or_else(|| {
            // Midnight does not exist that day: the first hour that does.
            (1..=3).find_map(|h| {
                zone.from_local_datetime(&day.and_hms_opt(h, 0, 0)?)
                    .earliest()
            })
        })
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_levels_walk_back_from_the_level_now() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        // Restocked 1000 on the 2nd, 300 used on the 3rd, 50 wasted today (the 4th).
        let moves = [
            (day(2), 1000),
            (day(3), -200),
            (day(3), -100),
            (day(4), -50),
        ];
        let levels = closing_levels(1150, day(1), day(4), &moves);
        let quantities: Vec<(u32, i64)> = levels
            .iter()
            .map(|l| (chrono::Datelike::day(&l.day), l.quantity))
            .collect();
        assert_eq!(quantities, vec![(1, 500), (2, 1500), (3, 1200), (4, 1150)]);
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let paris = chrono_tz::Europe::Paris;
        let winter = start_of_day(paris, NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()).unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-12-23T23:00:00+00:00");
        let summer = start_of_day(paris, NaiveDate::from_ymd_opt(2026, 7, 14).unwrap()).unwrap();
        assert_eq!(summer.to_rfc3339(), "2026-07-13T22:00:00+00:00");
    }
}
