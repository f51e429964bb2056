//! HTTP handlers of orders: quote, place (with `Idempotency-Key`), list, read, modify, cancel,
//! move along the life cycle, follow live.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use futures_util::{stream, StreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::change::{modify_order, ModifyRequest};
use super::events::OrderEvent;
use super::lifecycle::{self, PaymentGateway};
use super::model::{find_visible, load_view, load_views, Order, OrderRow};
use super::placement::{self, OrderRequest, QuoteRequest};
use super::pricing::PricedLine;
use crate::auth::{CurrentUser, Role};
use crate::catalog::CatalogCache;
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::http::{parse_json, parse_optional_json, ApiBody, ApiJson, ApiQuery, PageParams};
use crate::live::LiveEvents;
use crate::schema::{idempotency_keys, orders};
use crate::state::AppState;
use crate::states::{Fulfilment, PaymentMethod, Status};

#[derive(Serialize, ToSchema)]
pub struct Quote {
    pub shop_id: Uuid,
    pub currency: String,
    pub lines: Vec<PricedLine>,
    pub subtotal_cents: i32,
    pub delivery_fee_cents: i32,
    pub total_cents: i32,
    pub minimum_order_cents: i32,
    /// False when the subtotal is below the shop's minimum order.
    pub meets_minimum: bool,
    /// Whether the shop takes orders right now.
    pub shop_open: bool,
    /// Whether the shop's stock can make the whole cart right now.
    pub in_stock: bool,
}

/// Prices a cart on the server without keeping anything.
#[utoipa::path(post, tag = "orders",
    request_body = QuoteRequest,
    responses(
        (status = 200, description = "Priced cart", body = Quote),
        (status = 404, description = "No such shop"),
        (status = 409, description = "A product of the cart is paused in this shop (the line named)"),
        (status = 422, description = "Invalid cart (field errors)")))]
#[post("/orders/quote")]
pub async fn quote(
    state: web::Data<AppState>,
    body: ApiJson<QuoteRequest>,
) -> AppResult<HttpResponse> {
    let req = body.0;
    let quote = db::run(&state.pool, move |conn| {
        let (shop, cart, open) = placement::quote(conn, &req)?;
        let stock = crate::catalog::shop_stock(conn, shop.id)?;
        let in_stock = cart
            .needs
            .iter()
            .all(|(i, q)| stock.get(i).copied().unwrap_or(0) >= *q);
        Ok(Quote {
            shop_id: shop.id,
            currency: cart.currency,
            meets_minimum: cart.subtotal_cents >= shop.min_order_cents,
            minimum_order_cents: shop.min_order_cents,
            lines: cart.lines,
            subtotal_cents: cart.subtotal_cents,
            delivery_fee_cents: cart.delivery_fee_cents,
            total_cents: cart.total_cents,
            shop_open: open,
            in_stock,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(quote))
}

/// Places an order (customers for themselves; order takers and managers for a customer of their
/// shop). Send an `Idempotency-Key` header to make retries safe: the same key and body answer the
/// first result and create nothing; the same key with another body is a 422.
#[utoipa::path(post, tag = "orders", security(("bearer" = [])),
    request_body = OrderRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer (1 to 255 characters)")),
    responses(
        (status = 201, description = "Order placed (or the replay of the first answer for this key)", body = Order),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "This role cannot place orders"),
        (status = 409, description = "Not enough stock: `extra.missing_ingredients` names them; nothing is kept"),
        (status = 422, description = "Invalid order: unknown product or size, bad quantity, empty cart, address outside the zone, shop closed, below the minimum, key reused with another body, online payment turned off (`payment_method`)")))]
#[post("/orders")]
pub async fn place(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    user: CurrentUser,
    req: HttpRequest,
    body: ApiJson<serde_json::Value>,
) -> AppResult<HttpResponse> {
    let canonical = body.0.to_string();
    let order_request: OrderRequest = parse_json(canonical.as_bytes())?;
    let key = match req.headers().get("Idempotency-Key") {
        None => None,
        Some(value) => match value.to_str() {
            Ok(k) if (1..=255).contains(&k.len()) => Some(k.to_string()),
            _ => {
                return Err(AppError::field(
                    "Idempotency-Key",
                    "invalid",
                    "1 to 255 visible ASCII characters",
                ))
            }
        },
    };
    let request_hash = hex::encode(Sha256::digest(canonical.as_bytes()));
    let user_id = user.id;
    let shop_id = order_request.shop_id;
    let terms = placement::PaymentTerms {
        window_minutes: state.config.payment_expiry_minutes,
        online: state.config.online_payments,
    };
    // The shop's menu state (its row, hours, closures and pauses) and the cached catalog the cart
    // is priced from, read before the transaction (no query while the cache's listener vouches
    // for them); place_order() checks both versions in the transaction. An unknown shop is left
    // for placement to name (`shop_id`).
    let (view, snapshot) = catalog
        .clone()
        .into_inner()
        .shop_and_catalog(&state.pool, Some(shop_id))
        .await?;
    let keyed = key.is_some();
    let work = move |conn: &mut PgConnection| {
        if let Some(key) = &key {
            // A concurrent twin waits here until the first transaction ends, then sees its row.
            let inserted = diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::user_id.eq(user_id),
                    idempotency_keys::key.eq(key),
                    idempotency_keys::request_hash.eq(&request_hash),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?;
            if inserted == 0 {
                let (hash, body): (String, Option<serde_json::Value>) = idempotency_keys::table
                    .find((user_id, key))
                    .select((
                        idempotency_keys::request_hash,
                        idempotency_keys::response_body,
                    ))
                    .first(conn)?;
                if hash != request_hash {
                    return Err(AppError::Validation(vec![FieldError::new(
                        "Idempotency-Key",
                        "reused",
                        "this key was used for a different order; use a new key",
                    )]));
                }
                let body = body.ok_or_else(|| {
                    AppError::conflict("the first request with this key is still being processed")
                })?;
                return Ok((body, true));
            }
        }
        let order = placement::place_order(
            conn,
            &order_request,
            &user,
            terms,
            &catalog,
            &snapshot,
            view.as_deref(),
        )?;
        let body = serde_json::to_value(&order).map_err(AppError::internal)?;
        if let Some(key) = &key {
            diesel::update(idempotency_keys::table.find((user_id, key)))
                .set((
                    idempotency_keys::response_status.eq(201i16),
                    idempotency_keys::response_body.eq(&body),
                ))
                .execute(conn)?;
        }
        Ok((body, false))
    };
    // With a key, the key's row and the order commit together. Without one, place_order() is
    // the only statement that writes, and one statement is its own transaction: no BEGIN and
    // COMMIT round trips while the pooled connection is held.
    let outcome = if keyed {
        db::transaction_retrying(&state.pool, work).await
    } else {
        db::run_retrying(&state.pool, work).await
    };
    let (body, replayed) = outcome.inspect_err(|e| crate::metrics::business().order_refused(e))?;
    if !replayed {
        crate::metrics::business().order_placed(shop_id);
    }
    let mut response = HttpResponse::Created();
    if let Some(id) = body.get("id").and_then(|v| v.as_str()) {
        response.insert_header((header::LOCATION, format!("/api/v1/orders/{id}")));
    }
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(body))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilter {
    /// Only orders with this status.
    pub status: Option<Status>,
    /// Admins: one shop's orders.
    pub shop_id: Option<Uuid>,
    /// Only `delivery` or only `pickup` orders.
    pub fulfilment: Option<Fulfilment>,
    /// Only orders paid this way: `online`, `cash` or `card_on_delivery`.
    pub payment_method: Option<PaymentMethod>,
    /// Only orders placed on or after this day, in their shop's time zone (YYYY-MM-DD).
    pub from: Option<chrono::NaiveDate>,
    /// Only orders placed on or before this day, in their shop's time zone (YYYY-MM-DD).
    pub to: Option<chrono::NaiveDate>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// An order's day, in its shop's time zone.
const LOCAL_DAY: &str =
    "(orders.created_at AT TIME ZONE (SELECT s.timezone FROM shops s WHERE s.id = orders.shop_id))::date";

/// Orders the caller may see, newest first: a customer's own, a staff member's shop's, all for
/// admins.
#[utoipa::path(get, tag = "orders", security(("bearer" = [])),
    params(OrderFilter),
    responses(
        (status = 200, description = "Orders", body = super::model::OrderPage),
        (status = 401, description = "Not authenticated"),
        (status = 422, description = "A bad filter, `to` before `from`, bad limit or cursor")))]
#[get("/orders")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: ApiQuery<OrderFilter>,
) -> AppResult<HttpResponse> {
    let f = filter.into_inner();
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
    let items = db::run(&state.pool, move |conn| {
        let mut q = orders::table
            .select(OrderRow::as_select())
            .order((orders::created_at.desc(), orders::id))
            .limit(limit + 1)
            .offset(offset)
            .into_boxed();
        q = match user.role {
            Role::Customer => q.filter(orders::customer_id.eq(user.id)),
            Role::Admin => match f.shop_id {
                Some(shop) => q.filter(orders::shop_id.eq(shop)),
                None => q,
            },
            _ => q.filter(orders::shop_id.eq(user.shop_id.unwrap_or_default())),
        };
        if let Some(status) = f.status {
            q = q.filter(orders::status.eq(status));
        }
        if let Some(fulfilment) = f.fulfilment {
            q = q.filter(orders::fulfilment.eq(fulfilment));
        }
        if let Some(method) = f.payment_method {
            q = q.filter(orders::payment_method.eq(method));
        }
        if let Some(from) = f.from {
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("{LOCAL_DAY} >= "))
                    .bind::<diesel::sql_types::Date, _>(from),
            );
        }
        if let Some(to) = f.to {
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("{LOCAL_DAY} <= "))
                    .bind::<diesel::sql_types::Date, _>(to),
            );
        }
        let rows = q.load(conn)?;
        load_views(conn, rows)
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(items)?))
}

/// One order with its lines, totals and history (its customer and its shop's staff).
#[utoipa::path(get, tag = "orders", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "Order", body = Order),
        (status = 404, description = "No such order of yours")))]
#[get("/orders/{order_id}")]
pub async fn get_order(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let order = db::run(&state.pool, move |conn| {
        find_visible(conn, id, &user, false)?;
        load_view(conn, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(order))
}

/// Changes the items, address or notes while the order is not in preparation (its customer,
/// order takers, managers). Re-priced on the server; the stock follows.
#[utoipa::path(patch, tag = "orders", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body = ModifyRequest,
    responses(
        (status = 200, description = "Modified order", body = Order),
        (status = 403, description = "This role cannot modify orders"),
        (status = 404, description = "No such order of yours"),
        (status = 409, description = "Too late (in preparation), not enough stock, or an added product paused in this shop"),
        (status = 422, description = "Invalid field")))]
#[patch("/orders/{order_id}")]
pub async fn modify(
    state: web::Data<AppState>,
    gateway: web::Data<dyn PaymentGateway>,
    user: CurrentUser,
    path: web::Path<Uuid>,
    body: ApiJson<ModifyRequest>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let order = db::transaction_retrying(&state.pool, move |conn| {
        modify_order(conn, id, &user, &body.0)
    })
    .await?;
    // A payment started for the old total was called off in the change: its intent goes too.
    if order.payment_method == PaymentMethod::Online {
        gateway.call_off_intents(id).await;
    }
    Ok(HttpResponse::Ok().json(order))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Why, for the history.
    pub reason: Option<String>,
}

/// Cancels an order before preparation (its customer, order takers, managers); the ingredients go
/// back to the stock.
#[utoipa::path(post, tag = "orders", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body(content = Option<CancelRequest>, description = "Optional reason"),
    responses(
        (status = 200, description = "Cancelled order", body = Order),
        (status = 403, description = "This role cannot cancel orders"),
        (status = 404, description = "No such order of yours"),
        (status = 409, description = "Too late: already in preparation or finished")),
    description = "A paid online order is refunded in full once cancelled.")]
#[post("/orders/{order_id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    gateway: web::Data<dyn PaymentGateway>,
    user: CurrentUser,
    path: web::Path<Uuid>,
    body: ApiBody,
) -> AppResult<HttpResponse> {
    let request: CancelRequest = parse_optional_json(&body.0)?;
    if request
        .reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > 300)
    {
        return Err(AppError::field(
            "reason",
            "too_long",
            "at most 300 characters",
        ));
    }
    let id = path.into_inner();
    let actor = user.id;
    let order = db::transaction_retrying(&state.pool, move |conn| {
        lifecycle::cancel_order(conn, id, &user, request.reason.as_deref())
    })
    .await?;
    // Once the cancellation is committed (outside the locks): a payment still awaited is called
    // off at the provider, and what was paid is refunded.
    gateway.call_off_intents(id).await;
    if gateway.refund_cancelled(id, Some(actor)).await? {
        let order = db::run(&state.pool, move |conn| load_view(conn, id)).await?;
        return Ok(HttpResponse::Ok().json(order));
    }
    Ok(HttpResponse::Ok().json(order))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// `preparing` and `ready` (pizzaiolos), `out_for_delivery` and `delivered` (delivery people),
    /// `picked_up` (order takers); managers and admins may do all.
    pub to: Status,
    /// For `delivered` or `picked_up` of an order not paid online: what was collected, `cash` or
    /// `card_on_delivery` (required unless already recorded).
    pub collected: Option<String>,
}

/// Moves an order along its life cycle, recorded in its history.
#[utoipa::path(post, tag = "orders", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Order in its new status", body = Order),
        (status = 403, description = "This role cannot make this move"),
        (status = 404, description = "No such order in your shop"),
        (status = 409, description = "Impossible from the order's current status")))]
#[post("/orders/{order_id}/transitions")]
pub async fn transition(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<Uuid>,
    body: ApiJson<TransitionRequest>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let TransitionRequest { to, collected } = body.0;
    let order = db::transaction_retrying(&state.pool, move |conn| {
        lifecycle::transition(conn, id, to, &user, collected.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(order))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryFailure {
    /// What went wrong, for the shop and the history (1 to 300 characters).
    #[schema(example = "Personne à l'adresse, téléphone sans réponse")]
    pub reason: String,
}

/// Reports that an order could not be delivered: it goes back to the shop (`ready`, no courier),
/// the reason in its history; a manager then sends it again or cancels it.
#[utoipa::path(post, tag = "orders", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body = DeliveryFailure,
    responses(
        (status = 200, description = "The order, back at the shop", body = Order),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not the delivery person of this order, nor a manager"),
        (status = 404, description = "No such order in your shop"),
        (status = 409, description = "The order is not out for delivery"),
        (status = 422, description = "Missing or too long reason")))]
#[post("/orders/{order_id}/delivery-failure")]
pub async fn delivery_failure(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<Uuid>,
    body: ApiJson<DeliveryFailure>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let reason = body.0.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(AppError::field("reason", "length", "1 to 300 characters"));
    }
    let order = db::transaction_retrying(&state.pool, move |conn| {
        lifecycle::delivery_failed(conn, id, &user, &reason)
    })
    .await?;
    Ok(HttpResponse::Ok().json(order))
}

fn sse(event: &str, data: &impl Serialize) -> web::Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    web::Bytes::from(format!("event: {event}\ndata: {json}\n\n"))
}

/// Live status of an order as server-sent events: first a `snapshot` of the order, then a `status`
/// event at each change (from whichever API instance made it); the stream ends after a final
/// status. A comment every 15 s keeps proxies from closing it.
#[utoipa::path(get, tag = "orders", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "text/event-stream: first a `snapshot` event whose data is the Order, then a `status` event (an OrderEvent) at each change, until a final status; `resync` (data `{}`) asks the client to reload the order; a `: keep-alive` comment every 15 s. The schema is that of one event's data.", body = super::events::OrderStreamData, content_type = "text/event-stream"),
        (status = 404, description = "No such order of yours")))]
#[get("/orders/{order_id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    live: web::Data<LiveEvents>,
    user: CurrentUser,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    // Subscribe before reading the snapshot, so no change falls between the two.
    let receiver = live.subscribe();
    let snapshot = db::run(&state.pool, move |conn| {
        find_visible(conn, id, &user, false)?;
        load_view(conn, id)
    })
    .await?;
    let finished = snapshot.status.is_final();
    let first = sse("snapshot", &snapshot);
    let keepalive = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(15),
        Duration::from_secs(15),
    );
    let live = stream::unfold(
        (receiver, keepalive, finished),
        move |(mut receiver, mut keepalive, done)| async move {
            if done {
                return None;
            }
            loop {
                tokio::select! {
                    received = receiver.recv() => match received {
                        Ok(event) => match OrderEvent::from_shop_event(&event) {
                            Some(event) if event.order_id == id => {
                                let done = event.status.is_final() && event.note.is_none();
                                let bytes = sse("status", &event);
                                return Some((Ok::<_, actix_web::Error>(bytes), (receiver, keepalive, done)));
                            }
                            _ => continue,
                        },
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            // Too slow a client: tell it to reload the order.
                            return Some((Ok(web::Bytes::from_static(b"event: resync\ndata: {}\n\n")), (receiver, keepalive, false)));
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = keepalive.tick() => return Some((Ok(web::Bytes::from_static(b": keep-alive\n\n")), (receiver, keepalive, false))),
                }
            }
        },
    );
    let body = stream::once(async move { Ok::<_, actix_web::Error>(first) }).chain(live);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
