//! HTTP handlers of shops: parse, authorize, call the rules, answer.

use actix_web::{get, patch, post, web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::model::{find_shop, Shop};
use super::rules::{self, ShopInput};
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
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// The chain's open shops, by name, with hours, delivery zones and whether they are open now.
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
            .filter(shops::active.eq(true))
            .order((shops::name, shops::id))
            .select(Shop::as_select())
            .limit(limit + 1)
            .offset(offset)
            .into_boxed();
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
