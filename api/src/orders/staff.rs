//! Staff views: the kitchen queue with each pizza's recipe and memos, the delivery list, recipe
//! memos, and finding a customer by phone for phone orders.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{load_views, Order, OrderRow};
use super::pricing::LineModification;
use crate::auth::{Authorized, Deliveries, Kitchen, Role, ShopAccess};
use crate::catalog::{load_products, Product, ProductQuery, RecipeLine};
use crate::db;
use crate::error::{AppError, AppResult, Problem, Violations};
use crate::http::ApiJson;
use crate::schema::{ingredients, orders, products, recipe_memos, shops};
use crate::state::AppState;
use crate::states::{Fulfilment, Status};

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
    /// `pizza`, `drink`, `dessert` or `starter`: what is cooked, what is packed.
    #[schema(example = "pizza")]
    pub kind: String,
    /// The size's code.
    #[schema(example = "medium")]
    pub size: String,
    pub size_label: String,
    pub quantity: i32,
    pub allergens: Vec<String>,
    /// Ingredients of one item with quantities for its size, removed ones left out, extras added
    /// (an extra portion on top of the recipe's, or a line of its own).
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
    /// Placed and preparing tickets, oldest first.
    pub items: Vec<KitchenTicket>,
    pub next_cursor: Option<String>,
    /// Tickets bumped to ready in the last 15 minutes, newest first: they can be recalled.
    pub recent: Vec<KitchenTicket>,
    /// A ticket older than this is running late (amber), in minutes; the shop's setting.
    #[schema(example = 10)]
    pub warn_after_minutes: i32,
    /// A ticket older than this is late (red), in minutes.
    #[schema(example = 20)]
    pub late_after_minutes: i32,
}

/// How long ago a ticket bumped to ready may still be recalled from the kitchen screen.
pub const RECALL_MINUTES: i64 = 15;

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
    let queue = db::run(&state.pool, move |conn| {
        let (warn_after_minutes, late_after_minutes): (i32, i32) = shops::table
            .find(shop_id)
            .select((shops::kitchen_warn_minutes, shops::kitchen_late_minutes))
            .first(conn)?;
        let waiting: Vec<OrderRow> = orders::table
            .filter(orders::shop_id.eq(shop_id))
            .filter(orders::status.eq_any([Status::Placed, Status::Preparing]))
            .order((orders::created_at, orders::id))
            .limit(200)
            .select(OrderRow::as_select())
            .load(conn)?;
        let recent: Vec<OrderRow> = orders::table
            .filter(orders::shop_id.eq(shop_id))
            .filter(orders::status.eq(Status::Ready))
            .filter(orders::updated_at.gt(Utc::now() - chrono::Duration::minutes(RECALL_MINUTES)))
            .order((orders::updated_at.desc(), orders::id))
            .limit(20)
            .select(OrderRow::as_select())
            .load(conn)?;
        let split = waiting.len();
        let orders = load_views(conn, waiting.into_iter().chain(recent).collect())?;
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
        let added_ids: Vec<Uuid> = orders
            .iter()
            .flat_map(|o| {
                o.lines
                    .iter()
                    .flat_map(|l| l.added.iter().map(|m| m.ingredient_id))
            })
            .collect();
        let extras: HashMap<Uuid, RecipeLine> = ingredients::table
            .filter(ingredients::id.eq_any(&added_ids))
            .select((
                ingredients::id,
                ingredients::name,
                ingredients::unit,
                ingredients::extra_quantity,
            ))
            .load::<(Uuid, String, String, i32)>(conn)?
            .into_iter()
            .map(|(ingredient_id, name, unit, quantity)| {
                (
                    ingredient_id,
                    RecipeLine {
                        ingredient_id,
                        name,
                        unit,
                        quantity: quantity.max(1),
                    },
                )
            })
            .collect();
        let memos = memos_for(conn, shop_id, &product_ids)?;
        let mut tickets: Vec<KitchenTicket> = orders
            .into_iter()
            .map(|o| ticket(o, &catalog, &extras, &memos))
            .collect();
        let recent = tickets.split_off(split);
        Ok(KitchenQueue {
            items: tickets,
            next_cursor: None,
            recent,
            warn_after_minutes,
            late_after_minutes,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(queue))
}

/// One item's recipe for its size: removed ingredients left out, each extra's portion added to
/// the recipe's quantity (or as a line of its own).
pub fn recipe_for_item(
    base: &[RecipeLine],
    removed: &[LineModification],
    extras: &[&RecipeLine],
) -> Vec<RecipeLine> {
    let mut recipe: Vec<RecipeLine> = base
        .iter()
        .filter(|r| !removed.iter().any(|m| m.ingredient_id == r.ingredient_id))
        .cloned()
        .collect();
    for extra in extras {
        match recipe
            .iter_mut()
            .find(|r| r.ingredient_id == extra.ingredient_id)
        {
            Some(line) => line.quantity += extra.quantity,
            None => recipe.push((*extra).clone()),
        }
    }
    recipe
}

fn ticket(
    order: Order,
    catalog: &HashMap<Uuid, Product>,
    extras: &HashMap<Uuid, RecipeLine>,
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
            let base: &[RecipeLine] = product
                .and_then(|p| p.sizes.iter().find(|s| s.code == line.size))
                .map(|s| s.recipe.as_slice())
                .unwrap_or_default();
            let added: Vec<&RecipeLine> = line
                .added
                .iter()
                .filter_map(|m| extras.get(&m.ingredient_id))
                .collect();
            let recipe = recipe_for_item(base, &line.removed, &added);
            TicketLine {
                kind: product.map(|p| p.kind.to_string()).unwrap_or_default(),
                size: line.size.clone(),
                allergens: product.map(|p| p.allergens.clone()).unwrap_or_default(),
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
