//! Manual stock movements by managers (restock, waste, adjustment, count), the per-shop low-stock
//! thresholds and the movement history (filtered by ingredient, reason and local days).

use std::collections::BTreeMap;

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::levels::start_of_day;
use super::stock::{change_stock, load_stock, Movement, Reason, StockLine};
use crate::auth::{Managers, ShopAccess};
use crate::db;
use crate::error::{AppError, AppResult, Violations};
use crate::http::{ApiJson, ApiQuery, PageParams};
use crate::schema::{ingredients, stock};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementRequest {
    pub ingredient_id: Uuid,
    /// Change in the ingredient's unit: positive for a restock, negative for waste, either for an
    /// adjustment. Not given with a count.
    #[schema(example = 5000)]
    pub delta: Option<i64>,
    /// With `reason: "count"` only: the quantity counted on the shelf, in the ingredient's unit;
    /// the server records the difference with the stock as it stood.
    #[schema(example = 12000, minimum = 0)]
    pub quantity: Option<i64>,
    /// `restock`, `waste`, `adjustment` or `count`.
    #[schema(example = "restock")]
    pub reason: String,
    pub note: Option<String>,
}

/// The most a movement, a count or a threshold may say at once, in the ingredient's unit.
const MOST_AT_ONCE: i64 = 10_000_000;

#[derive(Serialize, ToSchema, QueryableByName)]
pub struct StockMovement {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub ingredient_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub ingredient_name: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub delta: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub reason: Reason,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub order_id: Option<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub actor_id: Option<Uuid>,
    /// The full name of who recorded it (none for orders placed by customers, or a deleted
    /// account).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub actor_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub note: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// A page of a shop's history, newest first, from its two sources: the movements (their index
/// gives them in order) and the orders' takes (one row per order, each shown as one movement per
/// ingredient, as in `stock_ledger`). Each source gives at most the `$6` first rows of the page
/// (offset + limit + 1), so a shop's whole history is never read for one page; the takes by
/// time with their ties (each take gives at least one row). `$2` an ingredient, `$3` a reason,
/// `$4`..`$5` the instants, each `NULL` for no bound.
const HISTORY: &str = "
WITH moves AS (
    SELECT m.id, m.ingredient_id, m.delta, m.reason, m.order_id, m.actor_id, m.note, m.created_at
      FROM stock_movements m
     WHERE m.shop_id = $1 AND ($2::uuid IS NULL OR m.ingredient_id = $2)
       AND ($3::text IS NULL OR m.reason = $3)
       AND ($4::timestamptz IS NULL OR m.created_at >= $4)
       AND ($5::timestamptz IS NULL OR m.created_at < $5)
     ORDER BY m.created_at DESC, m.id
     LIMIT $6
), takes AS (
    SELECT t.order_id, t.actor_id, t.created_at, t.ingredient_ids, t.deltas
      FROM order_stock_takes t
     WHERE t.shop_id = $1 AND ($2::uuid IS NULL OR $2 = ANY (t.ingredient_ids))
       AND ($3::text IS NULL OR $3 = 'order')
       AND ($4::timestamptz IS NULL OR t.created_at >= $4)
       AND ($5::timestamptz IS NULL OR t.created_at < $5)
     ORDER BY t.created_at DESC
     FETCH FIRST ($6) ROWS WITH TIES
), ledger AS (
    SELECT * FROM moves
    UNION ALL
    SELECT stock_take_movement_id(t.order_id, u.ingredient_id), u.ingredient_id, u.delta,
           'order', t.order_id, t.actor_id, NULL, t.created_at
      FROM takes t CROSS JOIN LATERAL unnest(t.ingredient_ids, t.deltas) AS u(ingredient_id, delta)
     WHERE $2::uuid IS NULL OR u.ingredient_id = $2
)
SELECT l.id, l.ingredient_id, i.name AS ingredient_name, l.delta, l.reason, l.order_id,
       l.actor_id, a.full_name AS actor_name, l.note, l.created_at
  FROM ledger l
  JOIN ingredients i ON i.id = l.ingredient_id
  LEFT JOIN users a ON a.id = l.actor_id
 ORDER BY l.created_at DESC, l.id
 LIMIT $7 OFFSET $8";

/// Records a restock, waste, adjustment or count; a result below zero is refused (managers). A
/// count records the difference between the counted quantity and the stock (nothing when they
/// agree).
#[utoipa::path(post, tag = "inventory", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    request_body = MovementRequest,
    responses(
        (status = 201, description = "Recorded; the ingredient's new stock line", body = StockLine),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such shop, or another shop's manager"),
        (status = 409, description = "The stock would go below zero"),
        (status = 422, description = "Invalid field")))]
#[post("/shops/{shop_id}/stock/movements")]
pub async fn record_movement(
    state: web::Data<AppState>,
    access: ShopAccess<Managers>,
    body: ApiJson<MovementRequest>,
) -> AppResult<HttpResponse> {
    let m = body.0;
    let change = check_movement(&m)?;
    let (shop_id, actor) = (access.shop_id, access.user.id);
    let line = db::transaction_retrying(&state.pool, move |conn| {
        crate::shops::find_shop(conn, shop_id)?;
        let known: bool = diesel::select(diesel::dsl::exists(
            ingredients::table.find(m.ingredient_id),
        ))
        .get_result(conn)?;
        if !known {
            return Err(AppError::field(
                "ingredient_id",
                "unknown",
                "no ingredient has this id",
            ));
        }
        let delta = match change {
            Change::By(reason, delta) => Some((reason, delta)),
            Change::CountedAt(counted) => {
                // Locked before reading, so no order slips in between the count and its record.
                let before: i64 = stock::table
                    .find((shop_id, m.ingredient_id))
                    .select(stock::quantity)
                    .for_update()
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| {
                        AppError::field(
                            "ingredient_id",
                            "unknown",
                            "this shop has no stock line for this ingredient",
                        )
                    })?;
                Some((Reason::Count, counted - before))
            }
        };
        if let Some((reason, delta)) = delta {
            // Through change_stock like every stock write: one lock order, one movement each,
            // the menu's availability announced.
            change_stock(
                conn,
                shop_id,
                &BTreeMap::from([(m.ingredient_id, delta)]),
                &Movement {
                    reason,
                    order_id: None,
                    actor_id: Some(actor),
                    note: m.note.as_deref(),
                },
            )?;
        }
        load_stock(conn, shop_id)?
            .into_iter()
            .find(|l| l.ingredient_id == m.ingredient_id)
            .ok_or_else(|| AppError::internal("stock line vanished"))
    })
    .await?;
    Ok(HttpResponse::Created().json(line))
}

/// What a manager's movement asks for, once checked.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Change {
    /// A restock, waste or adjustment by this many units.
    By(Reason, i64),
    /// A count found this quantity.
    CountedAt(i64),
}

/// Checks a movement request, naming every bad field at once.
fn check_movement(m: &MovementRequest) -> AppResult<Change> {
    let mut v = Violations::new();
    let reason = match Reason::parse(&m.reason) {
        Some(r @ (Reason::Restock | Reason::Waste | Reason::Adjustment | Reason::Count)) => Some(r),
        _ => {
            v.add(
                "reason",
                "invalid",
                "one of restock, waste, adjustment, count",
            );
            None
        }
    };
    if m.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        v.add("note", "too_long", "at most 500 characters");
    }
    let change = match reason {
        Some(Reason::Count) => {
            if m.delta.is_some() {
                v.add(
                    "delta",
                    "not_allowed",
                    "a count gives the counted quantity; the server computes the difference",
                );
            }
            match m.quantity {
                None => {
                    v.add("quantity", "required", "the quantity counted");
                    None
                }
                Some(q) if q < 0 => {
                    v.add("quantity", "negative", "a count cannot be below zero");
                    None
                }
                Some(q) if q > MOST_AT_ONCE => {
                    v.add("quantity", "out_of_range", "at most 10,000,000 units");
                    None
                }
                Some(q) => Some(Change::CountedAt(q)),
            }
        }
        Some(reason) => {
            if m.quantity.is_some() {
                v.add(
                    "quantity",
                    "not_allowed",
                    "only a count gives a quantity; other movements give a delta",
                );
            }
            match m.delta {
                None => {
                    v.add("delta", "required", "the change of stock");
                    None
                }
                Some(0) => {
                    v.add("delta", "zero", "a movement changes the stock");
                    None
                }
                Some(d) if d.abs() > MOST_AT_ONCE => {
                    v.add("delta", "out_of_range", "at most 10,000,000 units at once");
                    None
                }
                Some(d) if reason == Reason::Restock && d < 0 => {
                    v.add(
                        "delta",
                        "negative",
                        "a restock adds stock: use waste or adjustment to remove",
                    );
                    None
                }
                Some(d) if reason == Reason::Waste && d > 0 => {
                    v.add(
                        "delta",
                        "positive",
                        "waste removes stock: give a negative delta",
                    );
                    None
                }
                Some(d) => Some(Change::By(reason, d)),
            }
        }
        None => None,
    };
    v.into_result()?;
    change.ok_or_else(|| AppError::internal("movement checked above"))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockSettings {
    /// At or below this quantity (in the ingredient's unit) the ingredient is flagged low in
    /// this shop.
    #[schema(example = 3000, minimum = 0, maximum = 10000000)]
    pub low_threshold: i64,
}

/// Sets an ingredient's low-stock threshold in one shop (managers of the shop, admins); other
/// shops keep theirs.
#[utoipa::path(patch, tag = "inventory", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id"),
           ("ingredient_id" = Uuid, Path, description = "Ingredient id")),
    request_body = StockSettings,
    responses(
        (status = 200, description = "The ingredient's stock line in this shop", body = StockLine),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such shop or ingredient, or another shop's manager"),
        (status = 422, description = "Threshold below zero or too large")))]
#[patch("/shops/{shop_id}/stock/{ingredient_id}")]
pub async fn set_threshold(
    state: web::Data<AppState>,
    access: ShopAccess<Managers>,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<StockSettings>,
) -> AppResult<HttpResponse> {
    let (_, ingredient_id) = path.into_inner();
    let threshold = body.0.low_threshold;
    if !(0..=MOST_AT_ONCE).contains(&threshold) {
        return Err(AppError::field(
            "low_threshold",
            "out_of_range",
            "between 0 and 10,000,000",
        ));
    }
    let shop_id = access.shop_id;
    let line = db::transaction(&state.pool, move |conn| {
        crate::shops::find_shop(conn, shop_id)?;
        let changed = diesel::update(stock::table.find((shop_id, ingredient_id)))
            .set((
                stock::low_threshold.eq(threshold),
                stock::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(AppError::not_found("ingredient"));
        }
        load_stock(conn, shop_id)?
            .into_iter()
            .find(|l| l.ingredient_id == ingredient_id)
            .ok_or_else(|| AppError::internal("stock line vanished"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(line))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementFilter {
    pub ingredient_id: Option<Uuid>,
    /// `order`, `cancel`, `modify`, `restock`, `waste`, `adjustment` or `count`.
    pub reason: Option<String>,
    /// Only movements at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Only movements on or after this day, in the shop's time zone (YYYY-MM-DD).
    pub from: Option<NaiveDate>,
    /// Only movements on or before this day, in the shop's time zone (YYYY-MM-DD).
    pub to: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// The shop's stock movements, newest first (managers).
#[utoipa::path(get, tag = "inventory", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id"), MovementFilter),
    responses(
        (status = 200, description = "Movements", body = StockMovementPage),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such shop, or another shop's manager"),
        (status = 422, description = "Unknown reason, `to` before `from`, bad limit or cursor")))]
#[get("/shops/{shop_id}/stock/movements")]
pub async fn list_movements(
    state: web::Data<AppState>,
    access: ShopAccess<Managers>,
    filter: ApiQuery<MovementFilter>,
) -> AppResult<HttpResponse> {
    let f = filter.into_inner();
    let reason = match f.reason.as_deref().map(|r| Reason::parse(r).ok_or(r)) {
        None => None,
        Some(Ok(reason)) => Some(reason),
        Some(Err(_)) => {
            return Err(AppError::field(
                "reason",
                "invalid",
                "one of order, cancel, modify, restock, waste, adjustment, count",
            ))
        }
    };
    if let (Some(from), Some(to)) = (f.from, f.to) {
        if to < from {
            return Err(AppError::field(
                "to",
                "before_from",
                "the last day comes on or after the first",
            ));
        }
    }
    let paging = PageParams {
        limit: f.limit,
        cursor: f.cursor.clone(),
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    let shop_id = access.shop_id;
    let rows = db::run(&state.pool, move |conn| {
        let zone = crate::shops::shop_timezone(&crate::shops::find_shop(conn, shop_id)?);
        let lower = [f.since, f.from.and_then(|d| start_of_day(zone, d))]
            .into_iter()
            .flatten()
            .max();
        let upper =
            f.to.and_then(|d| d.succ_opt())
                .and_then(|d| start_of_day(zone, d));
        use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
        Ok(diesel::sql_query(HISTORY)
            .bind::<SqlUuid, _>(shop_id)
            .bind::<Nullable<SqlUuid>, _>(f.ingredient_id)
            .bind::<Nullable<Text>, _>(reason.map(|r| r.as_str()))
            .bind::<Nullable<Timestamptz>, _>(lower)
            .bind::<Nullable<Timestamptz>, _>(upper)
            .bind::<BigInt, _>(offset + limit + 1)
            .bind::<BigInt, _>(limit + 1)
            .bind::<BigInt, _>(offset)
            .load::<StockMovement>(conn)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(rows)?))
}

crate::page_schema!(
    /// A page of stock movements: `{"items": [...], "next_cursor": null | "…"}`.
    StockMovementPage,
    StockMovement
);

#[cfg(test)]
mod tests {
    use super::*;

    fn request(reason: &str, delta: Option<i64>, quantity: Option<i64>) -> MovementRequest {
        MovementRequest {
            ingredient_id: Uuid::nil(),
            delta,
            quantity,
            reason: reason.into(),
            note: None,
        }
    }

    fn fields(result: AppResult<Change>) -> Vec<String> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation problem, got {other:?}"),
        }
    }

    #[test]
    fn movements_are_checked_by_their_reason() {
        assert_eq!(
            check_movement(&request("restock", Some(500), None)).unwrap(),
            Change::By(Reason::Restock, 500)
        );
        assert_eq!(
            check_movement(&request("waste", Some(-20), None)).unwrap(),
            Change::By(Reason::Waste, -20)
        );
        assert_eq!(
            check_movement(&request("adjustment", Some(-3), None)).unwrap(),
            Change::By(Reason::Adjustment, -3)
        );
        assert_eq!(
            check_movement(&request("count", None, Some(0))).unwrap(),
            Change::CountedAt(0)
        );
        type Case<'a> = (&'a str, Option<i64>, Option<i64>, &'a [&'a str]);
        let table: [Case; 9] = [
            ("restock", Some(-1), None, &["delta"]),
            ("waste", Some(1), None, &["delta"]),
            ("adjustment", Some(0), None, &["delta"]),
            ("adjustment", None, None, &["delta"]),
            ("restock", Some(5), Some(5), &["quantity"]),
            ("count", None, Some(-1), &["quantity"]),
            ("count", None, None, &["quantity"]),
            ("count", Some(4), Some(10), &["delta"]),
            ("order", Some(4), None, &["reason"]),
        ];
        for (reason, delta, quantity, expected) in table {
            assert_eq!(
                fields(check_movement(&request(reason, delta, quantity))),
                expected,
                "{reason} {delta:?} {quantity:?}"
            );
        }
    }
}
