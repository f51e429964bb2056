//! Inventory: each shop's ingredient stock in base units, flagged low under its threshold.
//! Every change is a stock movement; the stock equals the sum of its movements.

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{AnyStaff, ShopAccess};
use crate::db;
use crate::error::{AppResult, Problem};
use crate::schema::{ingredients, stock};
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(shop_stock);
}

#[derive(Serialize, ToSchema, Queryable)]
pub struct StockLine {
    pub ingredient_id: Uuid,
    #[schema(example = "Mozzarella")]
    pub name: String,
    #[schema(example = "g")]
    pub unit: String,
    /// In `unit`.
    #[schema(example = 18000)]
    pub quantity: i64,
    #[schema(example = 3000)]
    pub low_threshold: i64,
    /// True when the quantity is at or below the threshold.
    pub low: bool,
}

#[derive(Serialize, ToSchema)]
pub struct StockList {
    pub items: Vec<StockLine>,
    pub next_cursor: Option<String>,
}

pub fn load_stock(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Vec<StockLine>> {
    Ok(stock::table
        .inner_join(ingredients::table)
        .filter(stock::shop_id.eq(shop_id))
        .order(ingredients::name)
        .select((
            stock::ingredient_id,
            ingredients::name,
            ingredients::unit,
            stock::quantity,
            stock::low_threshold,
            stock::quantity.le(stock::low_threshold),
        ))
        .load(conn)?)
}

/// The shop's ingredient stock (shop staff).
#[utoipa::path(get, path = "/api/v1/shops/{shop_id}/stock", tag = "inventory", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Stock lines by ingredient name", body = StockList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not shop staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such shop, or another shop's staff", body = Problem, content_type = "application/problem+json")))]
#[get("/shops/{shop_id}/stock")]
pub async fn shop_stock(
    state: web::Data<AppState>,
    access: ShopAccess<AnyStaff>,
) -> AppResult<HttpResponse> {
    let shop_id = access.shop_id;
    let items = db::run(&state.pool, move |conn| {
        crate::shops::find_shop(conn, shop_id)?;
        load_stock(conn, shop_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(StockList {
        items,
        next_cursor: None,
    }))
}
