//! Manual stock movements by managers (restock, waste, adjustment) and the movement history.

use std::collections::BTreeMap;

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{change_stock, load_stock, Movement, Reason, StockLine};
use crate::auth::{Managers, ShopAccess};
use crate::db;
use crate::error::{AppError, AppResult, Violations};
use crate::http::{ApiJson, ApiQuery, PageParams};
use crate::schema::{ingredients, stock_movements};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementRequest {
    pub ingredient_id: Uuid,
    /// Change in the ingredient's unit: positive for a restock, negative for waste, either for an
    /// adjustment after a count.
    #[schema(example = 5000)]
    pub delta: i64,
    /// `restock`, `waste` or `adjustment`.
    #[schema(example = "restock")]
    pub reason: String,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema, Queryable)]
pub struct StockMovement {
    pub id: Uuid,
    pub ingredient_id: Uuid,
    pub ingredient_name: String,
    pub delta: i64,
    pub reason: Reason,
    pub order_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Records a restock, waste or adjustment; a result below zero is refused (managers).
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
    let mut v = Violations::new();
    let reason = match Reason::parse(&m.reason) {
        Some(r @ (Reason::Restock | Reason::Waste | Reason::Adjustment)) => Some(r),
        _ => {
            v.add("reason", "invalid", "one of restock, waste, adjustment");
            None
        }
    };
    v.check(
        m.delta != 0,
        "delta",
        "zero",
        "a movement changes the stock",
    );
    v.check(
        m.delta.abs() <= 10_000_000,
        "delta",
        "out_of_range",
        "at most 10,000,000 units at once",
    );
    if reason == Some(Reason::Restock) && m.delta < 0 {
        v.add(
            "delta",
            "negative",
            "a restock adds stock: use waste or adjustment to remove",
        );
    }
    if reason == Some(Reason::Waste) && m.delta > 0 {
        v.add(
            "delta",
            "positive",
            "waste removes stock: give a negative delta",
        );
    }
    if m.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        v.add("note", "too_long", "at most 500 characters");
    }
    v.into_result()?;
    let reason = reason.ok_or_else(|| AppError::internal("reason checked above"))?;
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
        let deltas = BTreeMap::from([(m.ingredient_id, m.delta)]);
        change_stock(
            conn,
            shop_id,
            &deltas,
            &Movement {
                reason,
                order_id: None,
                actor_id: Some(actor),
                note: m.note.as_deref(),
            },
        )?;
        load_stock(conn, shop_id)?
            .into_iter()
            .find(|l| l.ingredient_id == m.ingredient_id)
            .ok_or_else(|| AppError::internal("stock line vanished"))
    })
    .await?;
    Ok(HttpResponse::Created().json(line))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementFilter {
    pub ingredient_id: Option<Uuid>,
    /// `order`, `cancel`, `modify`, `restock`, `waste` or `adjustment`.
    pub reason: Option<String>,
    /// Only movements at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
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
        (status = 422, description = "Unknown reason, bad limit or cursor")))]
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
                "one of order, cancel, modify, restock, waste, adjustment",
            ))
        }
    };
    let paging = PageParams {
        limit: f.limit,
        cursor: f.cursor.clone(),
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    let shop_id = access.shop_id;
    let rows = db::run(&state.pool, move |conn| {
        let mut q = stock_movements::table
            .inner_join(ingredients::table.on(ingredients::id.eq(stock_movements::ingredient_id)))
            .filter(stock_movements::shop_id.eq(shop_id))
            .select((
                stock_movements::id,
                stock_movements::ingredient_id,
                ingredients::name,
                stock_movements::delta,
                stock_movements::reason,
                stock_movements::order_id,
                stock_movements::actor_id,
                stock_movements::note,
                stock_movements::created_at,
            ))
            .order((stock_movements::created_at.desc(), stock_movements::id))
            .limit(limit + 1)
            .offset(offset)
            .into_boxed();
        if let Some(i) = f.ingredient_id {
            q = q.filter(stock_movements::ingredient_id.eq(i));
        }
        if let Some(r) = reason {
            q = q.filter(stock_movements::reason.eq(r));
        }
        if let Some(since) = f.since {
            q = q.filter(stock_movements::created_at.ge(since));
        }
        Ok(q.load::<StockMovement>(conn)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(rows)?))
}

crate::page_schema!(
    /// A page of stock movements: `{"items": [...], "next_cursor": null | "…"}`.
    StockMovementPage,
    StockMovement
);
