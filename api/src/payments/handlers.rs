//! The payment endpoints: start an online payment or record a counter payment, list an order's
//! payments, refund (managers), Stripe's webhook, and the offline provider's test card.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::ledger::{load_payments, PaymentList, RefundMethod, RefundView};
use super::service::Payments;
use super::webhook;
use crate::auth::{Authorized, CurrentUser, Managers, Role};
use crate::db;
use crate::error::{AppError, AppResult, Violations};
use crate::http::{parse_optional_json, ApiBody, ApiJson, WebhookBody};
use crate::orders::model::{find_visible, load_view};
use crate::orders::settlement::{is_paid, record_collected, PaymentStatus};
use crate::schema::payments;
use crate::state::AppState;
use crate::states::{Collected, PaymentMethod, Status};

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// `online` (default: start or resume the online payment), or, for staff, `cash` or
    /// `card_on_delivery` collected at the counter.
    #[schema(pattern = "^(online|cash|card_on_delivery)$")]
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

/// Starts (or resumes) the online payment of an order, or records a counter payment.
#[utoipa::path(post, tag = "payments", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body(content = Option<PaymentRequest>, description = "Optional; online by default"),
    responses(
        (status = 200, description = "Online payment ready to be confirmed in the browser, for the order's current total (an intent started before a change of the total is cancelled, and a new one made)", body = PaymentStart),
        (status = 201, description = "Counter payment recorded", body = PaymentList),
        (status = 403, description = "Only staff record counter payments"),
        (status = 404, description = "No such order of yours"),
        (status = 409, description = "Already paid, cancelled, or not an online order"),
        (status = 422, description = "Unknown `method`, or online payment turned off in this deployment")))]
#[post("/orders/{order_id}/payments")]
pub async fn start_payment(
    state: web::Data<AppState>,
    payments_service: web::Data<Payments>,
    user: CurrentUser,
    path: web::Path<Uuid>,
    body: ApiBody,
) -> AppResult<HttpResponse> {
    let request: PaymentRequest = parse_optional_json(&body.0)?;
    let order_id = path.into_inner();
    let method = match request.method.as_deref() {
        None => Some(PaymentMethod::Online),
        Some(text) => PaymentMethod::parse(text),
    };
    match method {
        Some(PaymentMethod::Online) if !state.config.online_payments => Err(AppError::field(
            "method",
            "unavailable",
            "online payment is turned off here: staff record cash or card",
        )),
        Some(PaymentMethod::Online) => {
            let order = db::run(&state.pool, move |conn| {
                let order = find_visible(conn, order_id, &user, false)?;
                if order.payment_method != PaymentMethod::Online {
                    return Err(AppError::conflict(
                        "this order is paid on delivery or at pickup",
                    ));
                }
                match order.status {
                    Status::PendingPayment => {}
                    Status::Cancelled => return Err(AppError::conflict("this order is cancelled")),
                    _ => return Err(AppError::conflict("this order is already paid")),
                }
                // Intents called off by a change of the order: the next one is a new intent.
                let replaced: i64 = payments::table
                    .filter(payments::order_id.eq(order_id))
                    .filter(payments::status.eq(PaymentStatus::Cancelled))
                    .count()
                    .get_result(conn)?;
                Ok((order, replaced))
            })
            .await?;
            let (order, replaced) = order;
            let provider = &payments_service.provider;
            let intent = provider
                .create_intent(order.id, order.total_cents, &order.currency, replaced)
                .await?;
            let (pi, provider_kind, row) = (intent.id.clone(), provider.kind(), order.clone());
            db::run(&state.pool, move |conn| {
                let order = row;
                diesel::insert_into(payments::table)
                    .values((
                        payments::order_id.eq(order.id),
                        payments::provider.eq(provider_kind),
                        payments::provider_ref.eq(&pi),
                        payments::amount_cents.eq(order.total_cents),
                        payments::currency.eq(&order.currency),
                        payments::status.eq(PaymentStatus::Pending),
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
        Some(method @ (PaymentMethod::Cash | PaymentMethod::CardOnDelivery)) => {
            let collected = if method == PaymentMethod::Cash {
                Collected::Cash
            } else {
                Collected::CardOnDelivery
            };
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
                if order.payment_method == PaymentMethod::Online {
                    return Err(AppError::conflict("this order is paid online"));
                }
                if order.status == Status::Cancelled {
                    return Err(AppError::conflict("this order is cancelled"));
                }
                if is_paid(conn, order_id)? {
                    return Err(AppError::conflict("this order is already paid"));
                }
                record_collected(conn, &order, collected, user.id)?;
                load_payments(conn, order_id)
            })
            .await?;
            Ok(HttpResponse::Created().json(PaymentList {
                items,
                next_cursor: None,
            }))
        }
        None => Err(AppError::field(
            "method",
            "invalid",
            "one of online, cash, card_on_delivery",
        )),
    }
}

/// The order's payments and refunds (its customer and its shop's staff).
#[utoipa::path(get, tag = "payments", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "Payments, oldest first", body = PaymentList),
        (status = 404, description = "No such order of yours")))]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    #[schema(example = 500)]
    pub amount_cents: i32,
    /// Why: required for a refund by hand, shown in the order's history.
    #[schema(example = "pizza arrivée froide", max_length = 500)]
    pub reason: Option<String>,
    /// For an order paid cash or card on delivery (required then): how the money was paid back
    /// by hand, `cash` or `card` (on the shop's terminal). Not given for an order paid online,
    /// refunded through the provider.
    #[schema(pattern = "^(cash|card)$")]
    pub method: Option<String>,
}

/// Refunds part or all of a paid order, never more than was paid minus earlier refunds (managers
/// of its shop, admins). An order paid online is refunded through the provider; one paid cash or
/// card on delivery records money paid back by hand (`method`, `reason`). Both are written in the
/// order's payments and history.
#[utoipa::path(post, tag = "payments", security(("bearer" = [])),
    params(("order_id" = Uuid, Path, description = "Order id")),
    request_body = RefundRequest,
    responses(
        (status = 201, description = "Refund requested, or recorded when done by hand (or, for a retry of an online refund whose answer was lost, that refund: never a second one)", body = RefundView),
        (status = 202, description = "The provider did not answer in time: the refund stays pending with its idempotency key; a retry sends the same key, and the webhook settles it", body = RefundView),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such order in your shop"),
        (status = 409, description = "Nothing paid online, or nothing collected yet"),
        (status = 422, description = "Amount above what is left to refund, a method or reason missing or out of place")))]
#[post("/orders/{order_id}/refunds")]
pub async fn refund_order(
    state: web::Data<AppState>,
    payments_service: web::Data<Payments>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    body: ApiJson<RefundRequest>,
) -> AppResult<HttpResponse> {
    let order_id = path.into_inner();
    let request = body.0;
    let user = who.user.clone();
    let order = db::run(&state.pool, move |conn| {
        find_visible(conn, order_id, &user, false)
    })
    .await?;
    let reason = request
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let mut v = Violations::new();
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        v.add("reason", "too_long", "at most 500 characters");
    }
    if order.payment_method != PaymentMethod::Online {
        let method = match request.method.as_deref() {
            None => {
                v.add(
                    "method",
                    "required",
                    "cash or card: how the money was paid back",
                );
                None
            }
            Some(text) => match RefundMethod::parse(text) {
                Some(m @ (RefundMethod::Cash | RefundMethod::Card)) => Some(m),
                _ => {
                    v.add("method", "invalid", "cash or card");
                    None
                }
            },
        };
        if reason.is_none() {
            v.add("reason", "required", "why the money is paid back");
        }
        v.into_result()?;
        let (method, reason) = method
            .zip(reason)
            .ok_or_else(|| AppError::internal("checked above"))?;
        let (actor, user) = (who.user.id, who.user);
        let view = db::transaction(&state.pool, move |conn| {
            let order = find_visible(conn, order_id, &user, true)?;
            super::refunds::refund_by_hand(
                conn,
                &order,
                request.amount_cents,
                method,
                &reason,
                actor,
            )
        })
        .await?;
        return Ok(HttpResponse::Created().json(view));
    }
    if request.method.is_some() {
        v.add(
            "method",
            "not_allowed",
            "an order paid online is refunded online, to the card that paid",
        );
    }
    v.into_result()?;
    let typed = reason.clone();
    let reason = reason.unwrap_or_else(|| "refund by a manager".into());
    let asked_at = chrono::Utc::now();
    let view = payments_service
        .refund(
            order_id,
            None,
            Some(request.amount_cents),
            Some(who.user.id),
            &reason,
        )
        .await?
        .ok_or_else(|| AppError::conflict("nothing was paid online for this order"))?;
    if view.created_at >= asked_at - chrono::Duration::seconds(1) {
        // A new refund (not the answer to a retry): in the order's history.
        let (amount, actor, user) = (view.amount_cents, who.user.id, who.user.clone());
        db::transaction(&state.pool, move |conn| {
            let order = find_visible(conn, order_id, &user, true)?;
            super::refunds::note_refund(
                conn,
                &order,
                amount,
                RefundMethod::Online,
                typed.as_deref(),
                actor,
            )
        })
        .await?;
    }
    if super::refunds::outcome_unknown(&view) {
        return Ok(HttpResponse::Accepted().json(view));
    }
    Ok(HttpResponse::Created().json(view))
}

/// Stripe's events (signed): payment succeeded or failed, charge refunded. A bad signature or a
/// stale timestamp is a 400 and changes nothing; a duplicate is a 200 and changes nothing.
#[utoipa::path(post, tag = "payments",
    request_body(content = Object, description = "A Stripe event (a JSON object), as Stripe sends and signs it", content_type = "application/json"),
    params(("Stripe-Signature" = String, Header, description = "t=<timestamp>,v1=<HMAC-SHA256 hex>")),
    responses(
        (status = 200, description = "Received (applied once)", body = WebhookReceipt),
        (status = 400, description = "Bad signature, stale timestamp or malformed event")))]
#[post("/payments/stripe/webhook")]
pub async fn stripe_webhook(
    payments_service: web::Data<Payments>,
    req: HttpRequest,
    body: WebhookBody,
) -> AppResult<HttpResponse> {
    let signature = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AppError::BadRequest("webhook refused: no Stripe-Signature header".into()))?
        .to_string();
    let outcome = payments_service.receive(&body.0, &signature).await?;
    Ok(HttpResponse::Ok().json(WebhookReceipt {
        received: true,
        duplicate: outcome == webhook::Outcome::Duplicate,
    }))
}

/// The webhook's answer to an event it accepted.
#[derive(Serialize, ToSchema)]
pub struct WebhookReceipt {
    /// Always true.
    pub received: bool,
    /// Whether the event had already been received (then nothing changed).
    pub duplicate: bool,
}

crate::text_enum! {
    /// What the offline provider's test card does.
    enum CardOutcome {
        Succeeded = "succeeded",
        Failed = "failed",
    }
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
#[utoipa::path(post, tag = "payments", security(("bearer" = [])),
    request_body = OfflineConfirm,
    responses(
        (status = 200, description = "Event delivered; the order's new state", body = crate::orders::model::Order),
        (status = 404, description = "Stripe is configured, online payment is off, or no such payment of yours")))]
#[post("/payments/offline/confirm")]
pub async fn offline_confirm(
    state: web::Data<AppState>,
    payments_service: web::Data<Payments>,
    user: CurrentUser,
    body: ApiJson<OfflineConfirm>,
) -> AppResult<HttpResponse> {
    if !payments_service.provider.is_offline() || !state.config.online_payments {
        return Err(AppError::not_found(
            "offline payment provider (Stripe is configured, or online payment is off)",
        ));
    }
    let request = body.0;
    let outcome = match request.outcome.as_deref() {
        None => Some(CardOutcome::Succeeded),
        Some(text) => CardOutcome::parse(text),
    };
    let kind = match outcome {
        Some(CardOutcome::Succeeded) => "payment_intent.succeeded",
        Some(CardOutcome::Failed) => "payment_intent.payment_failed",
        None => return Err(AppError::field("outcome", "invalid", "succeeded or failed")),
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
    payments_service.deliver_offline_event(kind, object).await?;
    let view = db::run(&state.pool, move |conn| load_view(conn, order_id)).await?;
    Ok(HttpResponse::Ok().json(view))
}
