//! Payments: online by Stripe (or the offline test provider, same code path), cash or card
//! collected by staff, refunds, the signed webhook, and the expiry of unpaid online orders. Calls
//! to the provider are made outside the transactions that lock orders.

pub mod provider;
pub mod webhook;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{Authorized, CurrentUser, Managers, Role};
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{parse_optional_json, ApiJson};
use crate::orders::model::{find_visible, OrderRow, Status};
use crate::schema::{orders, payments, refunds};
use crate::state::AppState;
pub use provider::Provider;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(start_payment)
        .service(list_payments)
        .service(refund_order)
        .service(stripe_webhook)
        .service(offline_confirm);
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// `online` (default: start or resume the online payment), or, for staff, `cash` or
    /// `card_on_delivery` collected at the counter.
    pub method: Option<String>,
}

/// What the browser needs to confirm an online payment.
#[derive(Serialize, ToSchema)]
pub struct PaymentStart {
    /// `stripe` or `offline` (the test provider used when no Stripe key is configured).
    pub provider: String,
    pub payment_intent_id: String,
    /// For Stripe Elements (`stripe.confirmPayment`).
    pub client_secret: String,
    pub publishable_key: Option<String>,
    pub amount_cents: i32,
    pub currency: String,
    /// With the offline provider: POST here `{payment_intent_id, outcome}` to simulate the card.
    pub offline_confirm_url: Option<String>,
}

#[derive(Serialize, ToSchema, Queryable)]
pub struct RefundView {
    pub id: Uuid,
    pub amount_cents: i32,
    pub provider_ref: Option<String>,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    /// `stripe`, `offline`, `cash` or `card_on_delivery`.
    pub provider: String,
    pub provider_ref: Option<String>,
    pub amount_cents: i32,
    pub currency: String,
    /// `pending`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    pub refunded_cents: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub refunds: Vec<RefundView>,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentList {
    pub items: Vec<PaymentView>,
    pub next_cursor: Option<String>,
}

/// Records money collected by staff (cash or card terminal) for the whole order.
pub fn record_collected(
    conn: &mut PgConnection,
    order: &OrderRow,
    method: &str,
    staff: Uuid,
) -> AppResult<()> {
    diesel::insert_into(payments::table)
        .values((
            payments::order_id.eq(order.id),
            payments::provider.eq(method),
            payments::amount_cents.eq(order.total_cents),
            payments::currency.eq(&order.currency),
            payments::status.eq("succeeded"),
            payments::recorded_by.eq(staff),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn is_paid(conn: &mut PgConnection, order_id: Uuid) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        payments::table
            .filter(payments::order_id.eq(order_id))
            .filter(payments::status.eq("succeeded")),
    ))
    .get_result(conn)?)
}

/// Starts (or resumes) the online payment of an order, or records a counter payment.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/payments", tag = "payments", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body(content = Option<PaymentRequest>, description = "Optional; online by default"),
    responses(
        (status = 200, description = "Online payment ready to be confirmed in the browser", body = PaymentStart),
        (status = 201, description = "Counter payment recorded", body = PaymentList),
        (status = 403, description = "Only staff record counter payments", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already paid, cancelled, or not an online order", body = Problem, content_type = "application/problem+json")))]
#[post("/orders/{order_id}/payments")]
pub async fn start_payment(
    state: web::Data<AppState>,
    provider: web::Data<Provider>,
    user: CurrentUser,
    path: web::Path<Uuid>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let request: PaymentRequest = parse_optional_json(&body)?;
    let order_id = path.into_inner();
    let method = request.method.unwrap_or_else(|| "online".into());
    match method.as_str() {
        "online" => {
            let order = db::run(&state.pool, move |conn| {
                let order = find_visible(conn, order_id, &user, false)?;
                if order.payment_method != "online" {
                    return Err(AppError::conflict(
                        "this order is paid on delivery or at pickup",
                    ));
                }
                match order.status() {
                    Status::PendingPayment => Ok(order),
                    Status::Cancelled => Err(AppError::conflict("this order is cancelled")),
                    _ => Err(AppError::conflict("this order is already paid")),
                }
            })
            .await?;
            let intent = provider
                .create_intent(order.id, order.total_cents, &order.currency)
                .await?;
            let (pi, provider_name, row) = (intent.id.clone(), provider.name(), order.clone());
            db::run(&state.pool, move |conn| {
                let order = row;
                diesel::insert_into(payments::table)
                    .values((
                        payments::order_id.eq(order.id),
                        payments::provider.eq(provider_name),
                        payments::provider_ref.eq(&pi),
                        payments::amount_cents.eq(order.total_cents),
                        payments::currency.eq(&order.currency),
                        payments::status.eq("pending"),
                    ))
                    .on_conflict(payments::provider_ref)
                    .do_nothing()
                    .execute(conn)?;
                Ok(())
            })
            .await?;
            Ok(HttpResponse::Ok().json(PaymentStart {
                provider: provider.name().into(),
                payment_intent_id: intent.id,
                client_secret: intent.client_secret,
                publishable_key: state.config.stripe_publishable_key.clone(),
                amount_cents: order.total_cents,
                currency: order.currency,
                offline_confirm_url: provider
                    .is_offline()
                    .then(|| "/api/v1/payments/offline/confirm".to_string()),
            }))
        }
        "cash" | "card_on_delivery" => {
            if !matches!(
                user.role,
                Role::OrderTaker | Role::Delivery | Role::Manager | Role::Admin
            ) {
                return Err(AppError::Forbidden(
                    "counter payments are recorded by staff".into(),
                ));
            }
            let items = db::transaction(&state.pool, move |conn| {
                let order = find_visible(conn, order_id, &user, true)?;
                if order.payment_method == "online" {
                    return Err(AppError::conflict("this order is paid online"));
                }
                if order.status() == Status::Cancelled {
                    return Err(AppError::conflict("this order is cancelled"));
                }
                if is_paid(conn, order_id)? {
                    return Err(AppError::conflict("this order is already paid"));
                }
                record_collected(conn, &order, &method, user.id)?;
                load_payments(conn, order_id)
            })
            .await?;
            Ok(HttpResponse::Created().json(PaymentList {
                items,
                next_cursor: None,
            }))
        }
        _ => Err(AppError::field(
            "method",
            "invalid",
            "one of online, cash, card_on_delivery",
        )),
    }
}

pub fn load_payments(conn: &mut PgConnection, order_id: Uuid) -> AppResult<Vec<PaymentView>> {
    type Row = (
        Uuid,
        String,
        Option<String>,
        i32,
        String,
        String,
        i32,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = payments::table
        .filter(payments::order_id.eq(order_id))
        .order(payments::created_at)
        .select((
            payments::id,
            payments::provider,
            payments::provider_ref,
            payments::amount_cents,
            payments::currency,
            payments::status,
            payments::refunded_cents,
            payments::created_at,
            payments::updated_at,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (
        id,
        provider,
        provider_ref,
        amount_cents,
        currency,
        status,
        refunded_cents,
        created_at,
        updated_at,
    ) in rows
    {
        let refunds = refunds::table
            .filter(refunds::payment_id.eq(id))
            .order(refunds::created_at)
            .select((
                refunds::id,
                refunds::amount_cents,
                refunds::provider_ref,
                refunds::status,
                refunds::reason,
                refunds::created_at,
            ))
            .load::<RefundView>(conn)?;
        out.push(PaymentView {
            id,
            provider,
            provider_ref,
            amount_cents,
            currency,
            status,
            refunded_cents,
            created_at,
            updated_at,
            refunds,
        });
    }
    Ok(out)
}

/// The order's payments and refunds (its customer and its shop's staff).
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/payments", tag = "payments", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "Payments, oldest first", body = PaymentList),
        (status = 404, description = "No such order of yours", body = Problem, content_type = "application/problem+json")))]
#[get("/orders/{order_id}/payments")]
pub async fn list_payments(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let order_id = path.into_inner();
    let items = db::run(&state.pool, move |conn| {
        find_visible(conn, order_id, &user, false)?;
        load_payments(conn, order_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PaymentList {
        items,
        next_cursor: None,
    }))
}

/// Refunds an online payment: `amount` (or everything not refunded yet). The amount is reserved
/// in one transaction (never more than was paid), then the provider is called with a key derived
/// from the refund, so a retry never refunds twice. Returns None when nothing was paid online.
pub async fn refund(
    state: &AppState,
    provider: &Provider,
    order_id: Uuid,
    amount: Option<i32>,
    actor: Option<Uuid>,
    reason: &str,
) -> AppResult<Option<RefundView>> {
    let reason_text = reason.to_string();
    let reserved = db::transaction(&state.pool, move |conn| {
        let payment: Option<(Uuid, Option<String>, i32, i32)> = payments::table
            .filter(payments::order_id.eq(order_id))
            .filter(payments::status.eq("succeeded"))
            .filter(payments::provider.eq_any(["stripe", "offline"]))
            .select((
                payments::id,
                payments::provider_ref,
                payments::amount_cents,
                payments::refunded_cents,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((payment_id, Some(pi), paid, refunded)) = payment else {
            return match amount {
                Some(_) => Err(AppError::conflict("nothing was paid online for this order")),
                None => Ok(None),
            };
        };
        let remaining = paid - refunded;
        let amount = amount.unwrap_or(remaining);
        if amount == 0 && remaining == 0 {
            return Ok(None);
        }
        if amount <= 0 || amount > remaining {
            return Err(AppError::field(
                "amount_cents",
                "out_of_range",
                format!("between 1 and {remaining} (paid {paid}, refunded {refunded})"),
            ));
        }
        let refund_id: Uuid = diesel::insert_into(refunds::table)
            .values((
                refunds::payment_id.eq(payment_id),
                refunds::amount_cents.eq(amount),
                refunds::status.eq("pending"),
                refunds::reason.eq(&reason_text),
                refunds::created_by.eq(actor),
            ))
            .returning(refunds::id)
            .get_result(conn)?;
        diesel::update(payments::table.find(payment_id))
            .set((
                payments::refunded_cents.eq(refunded + amount),
                payments::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        Ok(Some((refund_id, payment_id, pi, amount)))
    })
    .await?;
    let Some((refund_id, payment_id, pi, amount)) = reserved else {
        return Ok(None);
    };
    let answer = provider
        .refund(&pi, amount, &format!("refund-{refund_id}"))
        .await;
    let (status, provider_ref) = match &answer {
        Ok(r) if r.status == "failed" || r.status == "canceled" => ("failed", Some(r.id.clone())),
        // Stripe may answer succeeded at once; the offline provider settles with charge.refunded.
        Ok(r) if r.status == "succeeded" && !provider.is_offline() => {
            ("succeeded", Some(r.id.clone()))
        }
        Ok(r) => ("pending", Some(r.id.clone())),
        Err(e) => {
            tracing::error!(%order_id, error = %e, "ALERT refund failed at the provider");
            ("failed", None)
        }
    };
    let view = db::transaction(&state.pool, move |conn| {
        diesel::update(refunds::table.find(refund_id))
            .set((
                refunds::status.eq(status),
                refunds::provider_ref.eq(provider_ref),
            ))
            .execute(conn)?;
        if status == "failed" {
            // Give the reserved amount back so the refund can be tried again.
            diesel::update(payments::table.find(payment_id))
                .set(payments::refunded_cents.eq(payments::refunded_cents - amount))
                .execute(conn)?;
        }
        Ok(refunds::table
            .find(refund_id)
            .select((
                refunds::id,
                refunds::amount_cents,
                refunds::provider_ref,
                refunds::status,
                refunds::reason,
                refunds::created_at,
            ))
            .first::<RefundView>(conn)?)
    })
    .await?;
    answer?;
    if provider.is_offline() {
        // The offline provider settles refunds like Stripe: with a signed charge.refunded event.
        let total_refunded = db::run(&state.pool, move |conn| {
            Ok(payments::table
                .find(payment_id)
                .select(payments::refunded_cents)
                .first::<i32>(conn)?)
        })
        .await?;
        deliver_offline_event(state, provider, "charge.refunded", serde_json::json!({"object": "charge", "payment_intent": pi, "amount_refunded": total_refunded})).await?;
    }
    Ok(Some(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    #[schema(example = 500)]
    pub amount_cents: i32,
    pub reason: Option<String>,
}

/// Refunds part or all of a paid order, never more than was paid (managers of its shop).
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/refunds", tag = "payments", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body = RefundRequest,
    responses(
        (status = 201, description = "Refund requested", body = RefundView),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order in your shop", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid online", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Amount above what is left to refund", body = Problem, content_type = "application/problem+json")))]
#[post("/orders/{order_id}/refunds")]
pub async fn refund_order(
    state: web::Data<AppState>,
    provider: web::Data<Provider>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    body: ApiJson<RefundRequest>,
) -> AppResult<HttpResponse> {
    let order_id = path.into_inner();
    let user = who.user.clone();
    db::run(&state.pool, move |conn| {
        find_visible(conn, order_id, &user, false).map(|_| ())
    })
    .await?;
    let reason = body
        .0
        .reason
        .unwrap_or_else(|| "refund by a manager".into());
    let view = refund(
        &state,
        &provider,
        order_id,
        Some(body.0.amount_cents),
        Some(who.user.id),
        &reason,
    )
    .await?
    .ok_or_else(|| AppError::conflict("nothing was paid online for this order"))?;
    Ok(HttpResponse::Created().json(view))
}

/// Verifies, stores and applies one event; refunds a payment that arrived too late.
pub async fn receive(
    state: &AppState,
    provider: &Provider,
    body: &[u8],
    signature: &str,
) -> AppResult<webhook::Outcome> {
    webhook::verify(
        signature,
        body,
        &webhook::secrets(&state.config),
        Utc::now().timestamp(),
    )?;
    let event: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("malformed event: {e}")))?;
    let outcome = db::transaction(&state.pool, move |conn| webhook::apply(conn, &event)).await?;
    if let webhook::Outcome::RefundNeeded { order_id } = outcome {
        Box::pin(refund(
            state,
            provider,
            order_id,
            None,
            None,
            "paid after cancellation",
        ))
        .await?;
    }
    Ok(outcome)
}

/// Stripe's events (signed): payment succeeded or failed, charge refunded. A bad signature or a
/// stale timestamp is a 400 and changes nothing; a duplicate is a 200 and changes nothing.
#[utoipa::path(post, path = "/api/v1/payments/stripe/webhook", tag = "payments",
    request_body(content = String, description = "The raw event JSON as Stripe sends it", content_type = "application/json"),
    params(("Stripe-Signature" = String, Header, description = "t=<timestamp>,v1=<HMAC-SHA256 hex>")),
    responses(
        (status = 200, description = "Received (applied once)"),
        (status = 400, description = "Bad signature, stale timestamp or malformed event", body = Problem, content_type = "application/problem+json")))]
#[post("/payments/stripe/webhook")]
pub async fn stripe_webhook(
    state: web::Data<AppState>,
    provider: web::Data<Provider>,
    req: HttpRequest,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let signature = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AppError::BadRequest("webhook refused: no Stripe-Signature header".into()))?
        .to_string();
    let outcome = receive(&state, &provider, &body, &signature).await?;
    Ok(HttpResponse::Ok().json(
        serde_json::json!({"received": true, "duplicate": outcome == webhook::Outcome::Duplicate}),
    ))
}

/// Builds an event like Stripe's, signs it and hands it to the webhook's code path.
pub async fn deliver_offline_event(
    state: &AppState,
    provider: &Provider,
    kind: &str,
    object: serde_json::Value,
) -> AppResult<webhook::Outcome> {
    let event = serde_json::json!({"id": format!("evt_offline_{}", Uuid::new_v4().simple()), "object": "event", "type": kind, "data": {"object": object}});
    let body = serde_json::to_vec(&event).map_err(AppError::internal)?;
    let secret = webhook::secrets(&state.config)
        .into_iter()
        .next()
        .unwrap_or_default();
    let signature = webhook::sign(&secret, Utc::now().timestamp(), &body);
    receive(state, provider, &body, &signature).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineConfirm {
    pub payment_intent_id: String,
    /// `succeeded` (default) or `failed`: what the test card does.
    pub outcome: Option<String>,
}

/// Offline test provider only (no Stripe key configured): plays the customer's bank for a
/// payment intent of one of the caller's orders and delivers the signed event to the webhook.
#[utoipa::path(post, path = "/api/v1/payments/offline/confirm", tag = "payments", security(("bearer" = [])),
    request_body = OfflineConfirm,
    responses(
        (status = 200, description = "Event delivered; the order's new state", body = crate::orders::model::Order),
        (status = 404, description = "Stripe is configured, or no such payment of yours", body = Problem, content_type = "application/problem+json")))]
#[post("/payments/offline/confirm")]
pub async fn offline_confirm(
    state: web::Data<AppState>,
    provider: web::Data<Provider>,
    user: CurrentUser,
    body: ApiJson<OfflineConfirm>,
) -> AppResult<HttpResponse> {
    if !provider.is_offline() {
        return Err(AppError::not_found(
            "offline payment provider (Stripe is configured)",
        ));
    }
    let request = body.0;
    let kind = match request.outcome.as_deref().unwrap_or("succeeded") {
        "succeeded" => "payment_intent.succeeded",
        "failed" => "payment_intent.payment_failed",
        _ => return Err(AppError::field("outcome", "invalid", "succeeded or failed")),
    };
    let pi = request.payment_intent_id.clone();
    let order = db::run(&state.pool, move |conn| {
        let found: Option<(Uuid, i32, String)> = payments::table
            .filter(payments::provider_ref.eq(&pi))
            .select((
                payments::order_id,
                payments::amount_cents,
                payments::currency,
            ))
            .first(conn)
            .optional()?;
        let (order_id, amount, currency) = found.ok_or_else(|| AppError::not_found("payment"))?;
        find_visible(conn, order_id, &user, false)?;
        Ok((order_id, amount, currency))
    })
    .await?;
    let (order_id, amount, currency) = order;
    let object = serde_json::json!({"id": request.payment_intent_id, "object": "payment_intent", "amount": amount, "currency": currency.to_lowercase(), "metadata": {"order_id": order_id}});
    deliver_offline_event(&state, &provider, kind, object).await?;
    let view = db::run(&state.pool, move |conn| {
        crate::orders::model::load_view(conn, order_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Cancels unpaid online orders past their payment window and gives their stock back. Safe on
/// several instances at once (rows taken with SKIP LOCKED). Returns how many expired.
pub fn expire_unpaid(conn: &mut PgConnection) -> AppResult<usize> {
    let mut expired = 0;
    loop {
        let batch = conn.transaction::<usize, AppError, _>(|conn| {
            let due: Vec<OrderRow> = orders::table
                .filter(orders::status.eq(Status::PendingPayment.as_str()))
                .filter(orders::expires_at.lt(Utc::now()))
                .order(orders::expires_at)
                .limit(100)
                .for_update()
                .skip_locked()
                .select(OrderRow::as_select())
                .load(conn)?;
            for order in &due {
                crate::orders::rules::give_back(
                    conn,
                    order,
                    None,
                    crate::inventory::Reason::Cancel,
                )?;
                diesel::update(orders::table.find(order.id))
                    .set((
                        orders::status.eq(Status::Cancelled.as_str()),
                        orders::updated_at.eq(Utc::now()),
                    ))
                    .execute(conn)?;
                diesel::update(
                    payments::table
                        .filter(payments::order_id.eq(order.id))
                        .filter(payments::status.eq("pending")),
                )
                .set(payments::status.eq("cancelled"))
                .execute(conn)?;
                crate::orders::rules::record_status(
                    conn,
                    order.id,
                    order.shop_id,
                    Some(Status::PendingPayment),
                    Status::Cancelled,
                    None,
                    Some("not paid in time"),
                )?;
            }
            Ok(due.len())
        })?;
        expired += batch;
        if batch < 100 {
            return Ok(expired);
        }
    }
}
