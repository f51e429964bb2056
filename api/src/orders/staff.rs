//! Staff views: the kitchen queue with each pizza's recipe and memos, the delivery list, recipe
//! memos, and finding a customer by phone for phone orders.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::{load_views, Order, OrderRow};
use super::states::{Fulfilment, Status};
use crate::auth::{Authorized, Deliveries, Kitchen, OrderDesk, Role, ShopAccess};
use crate::catalog::{load_products, Product, ProductQuery};
use crate::db;
use crate::error::{AppError, AppResult, Problem, Violations};
use crate::http::{ApiJson, ApiQuery};
use crate::schema::{orders, products, recipe_memos, users};
use crate::state::AppState;

#[derive(Serialize, ToSchema, Clone, Queryable)]
pub struct RecipeMemo {
    pub id: Uuid,
    pub product_id: Uuid,
    /// Null for a chain-wide memo.
    pub shop_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// One line of a kitchen ticket: what to make, from which recipe.
#[derive(Serialize, ToSchema)]
pub struct TicketLine {
    pub product_name: String,
    pub size_label: String,
    pub quantity: i32,
    /// Ingredients of one item with quantities, removed ones left out, extras added.
    pub recipe: Vec<crate::catalog::RecipeLine>,
    pub removed: Vec<String>,
    pub added: Vec<String>,
    pub steps: Vec<String>,
    pub memos: Vec<RecipeMemo>,
}

#[derive(Serialize, ToSchema)]
pub struct KitchenTicket {
    pub order_id: Uuid,
    pub number: i32,
    pub status: Status,
    pub fulfilment: Fulfilment,
    pub notes: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub lines: Vec<TicketLine>,
}

#[derive(Serialize, ToSchema)]
pub struct KitchenQueue {
    pub items: Vec<KitchenTicket>,
    pub next_cursor: Option<String>,
}

fn memos_for(
    conn: &mut PgConnection,
    shop_id: Uuid,
    product_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<RecipeMemo>>> {
    let rows: Vec<RecipeMemo> = recipe_memos::table
        .filter(recipe_memos::product_id.eq_any(product_ids))
        .filter(
            recipe_memos::shop_id
                .eq(shop_id)
                .or(recipe_memos::shop_id.is_null()),
        )
        .order(recipe_memos::created_at)
        .select((
            recipe_memos::id,
            recipe_memos::product_id,
            recipe_memos::shop_id,
            recipe_memos::author_id,
            recipe_memos::body,
            recipe_memos::created_at,
        ))
        .load(conn)?;
    let mut by_product: HashMap<Uuid, Vec<RecipeMemo>> = HashMap::new();
    for m in rows {
        by_product.entry(m.product_id).or_default().push(m);
    }
    Ok(by_product)
}

/// The kitchen queue: placed and preparing orders, oldest first, each pizza with its recipe for
/// its size (removals and extras applied), steps and memos.
#[utoipa::path(get, path = "/api/v1/shops/{shop_id}/kitchen", tag = "kitchen", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Tickets, oldest first", body = KitchenQueue),
        (status = 403, description = "Not a pizzaiolo or manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such shop, or another shop's staff", body = Problem, content_type = "application/problem+json")))]
#[get("/shops/{shop_id}/kitchen")]
pub async fn kitchen(
    state: web::Data<AppState>,
    access: ShopAccess<Kitchen>,
) -> AppResult<HttpResponse> {
    let shop_id = access.shop_id;
    let items = db::run(&state.pool, move |conn| {
        let rows: Vec<OrderRow> = orders::table
            .filter(orders::shop_id.eq(shop_id))
            .filter(orders::status.eq_any([Status::Placed, Status::Preparing]))
            .order((orders::created_at, orders::id))
            .limit(200)
            .select(OrderRow::as_select())
            .load(conn)?;
        let orders = load_views(conn, rows)?;
        let product_ids: Vec<Uuid> = orders
            .iter()
            .flat_map(|o| o.lines.iter().filter_map(|l| l.product_id))
            .collect();
        let catalog: HashMap<Uuid, Product> = load_products(
            conn,
            &ProductQuery {
                ids: Some(product_ids.clone()),
                include_inactive: true,
                ..Default::default()
            },
        )?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
        let memos = memos_for(conn, shop_id, &product_ids)?;
        Ok(orders
            .into_iter()
            .map(|o| ticket(o, &catalog, &memos))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(KitchenQueue {
        items,
        next_cursor: None,
    }))
}

fn ticket(
    order: Order,
    catalog: &HashMap<Uuid, Product>,
    memos: &HashMap<Uuid, Vec<RecipeMemo>>,
) -> KitchenTicket {
    let placed_at = order
        .history
        .iter()
        .find(|h| h.to == Status::Placed)
        .map(|h| h.at)
        .unwrap_or(order.created_at);
    let lines = order
        .lines
        .into_iter()
        .map(|line| {
            let product = line.product_id.and_then(|id| catalog.get(&id));
            let recipe = product
                .and_then(|p| p.sizes.iter().find(|s| s.code == line.size))
                .map(|s| {
                    s.recipe
                        .iter()
                        .filter(|r| {
                            !line
                                .removed
                                .iter()
                                .any(|m| m.ingredient_id == r.ingredient_id)
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            TicketLine {
                recipe,
                removed: line.removed.iter().map(|m| m.name.clone()).collect(),
                added: line.added.iter().map(|m| m.name.clone()).collect(),
                steps: product.map(|p| p.steps.clone()).unwrap_or_default(),
                memos: line
                    .product_id
                    .and_then(|id| memos.get(&id))
                    .cloned()
                    .unwrap_or_default(),
                product_name: line.product_name,
                size_label: line.size_label,
                quantity: line.quantity,
            }
        })
        .collect();
    KitchenTicket {
        order_id: order.id,
        number: order.number,
        status: order.status,
        fulfilment: order.fulfilment,
        notes: order.notes,
        placed_at,
        lines,
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    /// Ready delivery orders nobody has taken yet, oldest first.
    pub ready: Vec<Order>,
    /// Orders out for delivery: the caller's own (all of them for managers).
    pub on_the_way: Vec<Order>,
}

/// What delivery people see: ready orders to take and their own deliveries.
#[utoipa::path(get, path = "/api/v1/shops/{shop_id}/deliveries", tag = "kitchen", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Deliveries", body = DeliveryList),
        (status = 403, description = "Not a delivery person or manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such shop, or another shop's staff", body = Problem, content_type = "application/problem+json")))]
#[get("/shops/{shop_id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    access: ShopAccess<Deliveries>,
) -> AppResult<HttpResponse> {
    let (shop_id, user) = (access.shop_id, access.user);
    let list = db::run(&state.pool, move |conn| {
        let ready: Vec<OrderRow> = orders::table
            .filter(orders::shop_id.eq(shop_id))
            .filter(orders::status.eq(Status::Ready))
            .filter(orders::fulfilment.eq(Fulfilment::Delivery))
            .order((orders::updated_at, orders::id))
            .limit(100)
            .select(OrderRow::as_select())
            .load(conn)?;
        let mut q = orders::table
            .filter(orders::shop_id.eq(shop_id))
            .filter(orders::status.eq(Status::OutForDelivery))
            .order((orders::updated_at, orders::id))
            .limit(100)
            .select(OrderRow::as_select())
            .into_boxed();
        if user.role == Role::Delivery {
            q = q.filter(orders::courier_id.eq(user.id));
        }
        let mine = q.load(conn)?;
        Ok(DeliveryList {
            ready: load_views(conn, ready)?,
            on_the_way: load_views(conn, mine)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Serialize, ToSchema)]
pub struct MemoList {
    pub items: Vec<RecipeMemo>,
    pub next_cursor: Option<String>,
}

/// Recipe memos of a product: chain-wide ones and the caller's shop's (pizzaiolos, managers).
#[utoipa::path(get, path = "/api/v1/products/{product_id}/memos", tag = "kitchen", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Memos, oldest first", body = MemoList),
        (status = 403, description = "Not a pizzaiolo or manager", body = Problem, content_type = "application/problem+json")))]
#[get("/products/{product_id}/memos")]
pub async fn list_memos(
    state: web::Data<AppState>,
    who: Authorized<Kitchen>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let product_id = path.into_inner();
    let user = who.user;
    let items = db::run(&state.pool, move |conn| {
        let mut q = recipe_memos::table
            .filter(recipe_memos::product_id.eq(product_id))
            .order(recipe_memos::created_at)
            .select((
                recipe_memos::id,
                recipe_memos::product_id,
                recipe_memos::shop_id,
                recipe_memos::author_id,
                recipe_memos::body,
                recipe_memos::created_at,
            ))
            .into_boxed();
        if !user.is_admin() {
            q = q.filter(
                recipe_memos::shop_id
                    .eq(user.shop_id.unwrap_or_default())
                    .or(recipe_memos::shop_id.is_null()),
            );
        }
        Ok(q.load::<RecipeMemo>(conn)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MemoList {
        items,
        next_cursor: None,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoRequest {
    /// The note, up to 500 characters.
    #[schema(example = "Bien égoutter la mozzarella avant de l'étaler")]
    pub body: String,
}

/// Adds a memo to a product's recipe, for the caller's shop (chain-wide for admins).
#[utoipa::path(post, path = "/api/v1/products/{product_id}/memos", tag = "kitchen", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    request_body = MemoRequest,
    responses(
        (status = 201, description = "Memo added", body = RecipeMemo),
        (status = 403, description = "Not a pizzaiolo or manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json")))]
#[post("/products/{product_id}/memos")]
pub async fn add_memo(
    state: web::Data<AppState>,
    who: Authorized<Kitchen>,
    path: web::Path<Uuid>,
    body: ApiJson<MemoRequest>,
) -> AppResult<HttpResponse> {
    let text = body.0.body.trim().to_string();
    let mut v = Violations::new();
    v.check(
        (1..=500).contains(&text.chars().count()),
        "body",
        "length",
        "1 to 500 characters",
    );
    v.into_result()?;
    let product_id = path.into_inner();
    let user = who.user;
    let memo = db::run(&state.pool, move |conn| {
        let exists: bool = diesel::select(diesel::dsl::exists(products::table.find(product_id)))
            .get_result(conn)?;
        if !exists {
            return Err(AppError::not_found("product"));
        }
        Ok(diesel::insert_into(recipe_memos::table)
            .values((
                recipe_memos::product_id.eq(product_id),
                recipe_memos::shop_id.eq(user.shop_id),
                recipe_memos::author_id.eq(user.id),
                recipe_memos::body.eq(&text),
            ))
            .returning((
                recipe_memos::id,
                recipe_memos::product_id,
                recipe_memos::shop_id,
                recipe_memos::author_id,
                recipe_memos::body,
                recipe_memos::created_at,
            ))
            .get_result::<RecipeMemo>(conn)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(memo))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerFilter {
    /// The caller's phone number, in any common format.
    #[param(example = "06 12 34 56 78")]
    pub phone: String,
}

#[derive(Serialize, ToSchema, Queryable)]
pub struct CustomerMatch {
    pub id: Uuid,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    pub items: Vec<CustomerMatch>,
    pub next_cursor: Option<String>,
}

/// Finds customer accounts by phone number, for phone orders (order takers, managers).
#[utoipa::path(get, path = "/api/v1/customers", tag = "orders", security(("bearer" = [])),
    params(CustomerFilter),
    responses(
        (status = 200, description = "Matching customers", body = CustomerList),
        (status = 403, description = "Not an order taker or manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a phone number", body = Problem, content_type = "application/problem+json")))]
#[get("/customers")]
pub async fn find_customers(
    state: web::Data<AppState>,
    _who: Authorized<OrderDesk>,
    filter: ApiQuery<CustomerFilter>,
) -> AppResult<HttpResponse> {
    let phone = crate::accounts::rules::normalize_phone(&filter.phone)
        .ok_or_else(|| AppError::field("phone", "invalid", "this is not a valid phone number"))?;
    let items = db::run(&state.pool, move |conn| {
        Ok(users::table
            .filter(users::phone.eq(phone))
            .filter(users::role.eq("customer"))
            .order(users::full_name)
            .limit(20)
            .select((users::id, users::full_name, users::phone, users::email))
            .load::<CustomerMatch>(conn)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CustomerList {
        items,
        next_cursor: None,
    }))
}
