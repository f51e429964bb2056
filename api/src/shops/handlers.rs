//! HTTP handlers of shops: parse, authorize, call the rules, answer.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::closures::{self, ClosureInput, ClosureView};
use super::model::{find_shop, Shop};
use super::rules::{self, ShopInput};
use super::schedule::Schedule;
use super::views::{load_view, load_views, ShopView};
use crate::auth::{Admins, Authorized};
use crate::db;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiQuery, PageParams};
use crate::schema::{shop_delivery_zones, shops};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShopFilter {
    /// Only the shops that deliver to this postal code.
    pub postal_code: Option<String>,
    /// Inactive shops too (the back office lists them to reopen one).
    pub include_inactive: Option<bool>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// The chain's active shops (all with `include_inactive`), by name, with hours, closures,
/// delivery zones and whether they are open now.
#[utoipa::path(get, tag = "shops",
    params(ShopFilter),
    responses(
        (status = 200, description = "Shops", body = super::views::ShopPage),
        (status = 422, description = "Invalid filter")))]
#[get("/shops")]
pub async fn list_shops(
    state: web::Data<AppState>,
    filter: ApiQuery<ShopFilter>,
) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let paging = PageParams {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    let views = db::run(&state.pool, move |conn| {
        let mut query = shops::table
            .order((shops::name, shops::id))
            .select(Shop::as_select())
            .limit(limit + 1)
            .offset(offset)
            .into_boxed();
        if filter.include_inactive != Some(true) {
            query = query.filter(shops::active.eq(true));
        }
        if let Some(code) = filter.postal_code {
            query = query.filter(
                shops::id.eq_any(
                    shop_delivery_zones::table
                        .filter(shop_delivery_zones::postal_code.eq(code.trim().to_string()))
                        .select(shop_delivery_zones::shop_id),
                ),
            );
        }
        let list = query.load(conn)?;
        load_views(conn, list)
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(views)?))
}

/// One shop.
#[utoipa::path(get, tag = "shops",
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Shop", body = ShopView),
        (status = 404, description = "No such shop")))]
#[get("/shops/{shop_id}")]
pub async fn get_shop(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let view = db::run(&state.pool, move |conn| {
        let shop = find_shop(conn, id)?;
        load_view(conn, shop)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Opens a new shop (admins).
#[utoipa::path(post, tag = "shops", security(("bearer" = [])),
    request_body = ShopInput,
    responses(
        (status = 201, description = "Shop created", body = ShopView),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not an admin"),
        (status = 409, description = "Slug taken"),
        (status = 422, description = "Invalid field")))]
#[post("/shops")]
pub async fn create_shop(
    state: web::Data<AppState>,
    admin: Authorized<Admins>,
    body: ApiJson<ShopInput>,
) -> AppResult<HttpResponse> {
    let change = rules::check_shop(body.0, true)?;
    let actor = admin.user.id;
    let view = db::transaction(&state.pool, move |conn| {
        let id = rules::open_shop(conn, actor, change)?;
        let shop = find_shop(conn, id)?;
        load_view(conn, shop)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Edits a shop, its hours or its delivery zone (admins).
#[utoipa::path(patch, tag = "shops", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    request_body = ShopInput,
    responses(
        (status = 200, description = "Shop updated", body = ShopView),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such shop"),
        (status = 409, description = "Another shop already has this slug"),
        (status = 422, description = "Invalid field")))]
#[patch("/shops/{shop_id}")]
pub async fn update_shop(
    state: web::Data<AppState>,
    admin: Authorized<Admins>,
    path: web::Path<Uuid>,
    body: ApiJson<ShopInput>,
) -> AppResult<HttpResponse> {
    let change = rules::check_shop(body.0, false)?;
    let id = path.into_inner();
    let actor = admin.user.id;
    let view = db::transaction(&state.pool, move |conn| {
        rules::change_shop(conn, actor, id, change)?;
        let shop = find_shop(conn, id)?;
        load_view(conn, shop)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClosureFilter {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// The shop's closures covering today (in its time zone) or later, by first day: the days it is
/// closed whatever its hours say.
#[utoipa::path(get, tag = "shops",
    params(("shop_id" = Uuid, Path, description = "Shop id"), ClosureFilter),
    responses(
        (status = 200, description = "Closures", body = super::closures::ClosurePage),
        (status = 404, description = "No such shop"),
        (status = 422, description = "Invalid filter")))]
#[get("/shops/{shop_id}/closures")]
pub async fn list_closures(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    filter: ApiQuery<ClosureFilter>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let filter = filter.into_inner();
    let paging = PageParams {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    let list = db::run(&state.pool, move |conn| {
        let shop = find_shop(conn, id)?;
        closures::upcoming_closures(conn, &shop, limit + 1, offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(list)?))
}

/// Closes a shop from `first_day` to `last_day` included, in its time zone (admins): no order is
/// taken those days and its menu says closed.
#[utoipa::path(post, tag = "shops", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    request_body = ClosureInput,
    responses(
        (status = 201, description = "Closure added", body = ClosureView),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such shop"),
        (status = 422, description = "Invalid field: a day not a date, in the past, a last day before the first, over a year, or days the shop is already closed")))]
#[post("/shops/{shop_id}/closures")]
pub async fn add_closure(
    state: web::Data<AppState>,
    admin: Authorized<Admins>,
    path: web::Path<Uuid>,
    body: ApiJson<ClosureInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = admin.user.id;
    let input = body.0;
    let view = db::transaction(&state.pool, move |conn| {
        let shop = find_shop(conn, id)?;
        let closure = closures::check_closure(&input, Schedule::local_day(&shop, Utc::now()))?;
        closures::add_closure(conn, actor, &shop, closure)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Removes a closure (admins): the shop opens those days again by its hours.
#[utoipa::path(delete, tag = "shops", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id"),
        ("closure_id" = Uuid, Path, description = "Closure id")),
    responses(
        (status = 204, description = "Closure removed"),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such shop, or no such closure of this shop")))]
#[delete("/shops/{shop_id}/closures/{closure_id}")]
pub async fn remove_closure(
    state: web::Data<AppState>,
    admin: Authorized<Admins>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (shop_id, closure_id) = path.into_inner();
    let actor = admin.user.id;
    db::transaction(&state.pool, move |conn| {
        find_shop(conn, shop_id)?;
        closures::remove_closure(conn, actor, shop_id, closure_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
