//! Payments against a local fake Stripe that records what we send, webhooks with signatures we
//! forge, refunds, expiry of unpaid orders, and the offline provider end to end.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use futures_util::future::join_all;
use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, problem_fields, TestApp};
use crate::orders::Scene;

pub(crate) const WEBHOOK_SECRET: &str = "whsec_test_secret";

#[derive(Clone, Debug)]
struct Recorded {
    path: String,
    authorization: String,
    idempotency_key: String,
    form: Vec<(String, String)>,
}

impl Recorded {
    fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the fake Stripe keeps: every request, the answer given to each idempotency key (replayed
/// like Stripe does), the payment intents, and the faults a test asks for.
#[derive(Default)]
struct FakeState {
    requests: Vec<Recorded>,
    answers: HashMap<String, (u16, Value)>,
    intents: HashMap<String, Value>,
    /// The next request to this path is done, but its answer comes this late (lost by a client
    /// with a shorter timeout).
    delays: HashMap<String, u64>,
    /// The next n requests to this path answer 500 and do nothing.
    failures: HashMap<String, usize>,
    /// What `status` new refunds have (`"pending"` unless told; Stripe's API allows null).
    refund_status: Option<Value>,
}

/// A fake Stripe: answers payment intents (create, cancel) and refunds like Stripe (the same
/// idempotency key gives the same object) and records every request.
pub(crate) struct FakeStripe {
    pub(crate) url: String,
    state: Arc<Mutex<FakeState>>,
    _handle: actix_web::dev::ServerHandle,
}

fn stripe_error(status: u16, code: &str, message: &str) -> (u16, Value) {
    (
        status,
        json!({"error": {"type": "invalid_request_error", "code": code, "message": message}}),
    )
}

/// What Stripe does for one new request (under the lock).
fn stripe_answer(state: &mut FakeState, recorded: &Recorded) -> (u16, Value) {
    let id = hex::encode(
        &<sha2::Sha256 as sha2::Digest>::digest(recorded.idempotency_key.as_bytes())[..8],
    );
    let amount = |r: &Recorded| r.field("amount").unwrap_or("0").parse::<i64>().unwrap_or(0);
    let path = recorded.path.as_str();
    if path == "/v1/payment_intents" {
        let intent = json!({
            "id": format!("pi_fake_{id}"), "object": "payment_intent", "client_secret": format!("pi_fake_{id}_secret_abc"),
            "amount": amount(recorded), "currency": recorded.field("currency"), "status": "requires_payment_method",
            "metadata": {"order_id": recorded.field("metadata[order_id]")}
        });
        state
            .intents
            .insert(format!("pi_fake_{id}"), intent.clone());
        return (200, intent);
    }
    if path == "/v1/refunds" {
        let status = state.refund_status.clone().unwrap_or(json!("pending"));
        return (
            200,
            json!({"id": format!("re_fake_{id}"), "object": "refund", "status": status, "amount": amount(recorded),
                   "payment_intent": recorded.field("payment_intent"),
                   "metadata": {"refund_id": recorded.field("metadata[refund_id]"), "order_id": recorded.field("metadata[order_id]")}}),
        );
    }
    if let Some(rest) = path.strip_prefix("/v1/payment_intents/") {
        let (pi, action) = rest.split_once('/').unwrap_or((rest, ""));
        let Some(intent) = state.intents.get_mut(pi) else {
            return stripe_error(404, "resource_missing", "No such payment_intent");
        };
        let status = intent["status"].as_str().unwrap_or_default().to_string();
        return match action {
            "cancel" if matches!(status.as_str(), "canceled" | "succeeded") => stripe_error(
                400,
                "payment_intent_unexpected_state",
                &format!(
                    "You cannot cancel this PaymentIntent because it has a status of {status}."
                ),
            ),
            "cancel" => {
                intent["status"] = json!("canceled");
                intent["cancellation_reason"] = json!(recorded.field("cancellation_reason"));
                (200, intent.clone())
            }
            "" => {
                if let Some(a) = recorded.field("amount") {
                    intent["amount"] = json!(a.parse::<i64>().unwrap_or(0));
                }
                (200, intent.clone())
            }
            _ => stripe_error(404, "resource_missing", "unknown path"),
        };
    }
    stripe_error(404, "resource_missing", "unknown path")
}

async fn fake_stripe_handler(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<Mutex<FakeState>>>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let recorded = Recorded {
        path: req.path().to_string(),
        authorization: header("authorization"),
        idempotency_key: header("idempotency-key"),
        form,
    };
    let (answer, delay) = {
        let mut state = state.lock().unwrap();
        state.requests.push(recorded.clone());
        let key = format!("{} {}", recorded.path, recorded.idempotency_key);
        let failing = state.failures.get_mut(&recorded.path).filter(|n| **n > 0);
        if let Some(n) = failing {
            *n -= 1;
            (stripe_error(500, "api_error", "something went wrong"), 0)
        } else if let Some(replay) = state
            .answers
            .get(&key)
            .filter(|_| !recorded.idempotency_key.is_empty())
        {
            (replay.clone(), 0)
        } else {
            let answer = stripe_answer(&mut state, &recorded);
            state.answers.insert(key, answer.clone());
            let delay = state.delays.remove(&recorded.path).unwrap_or(0);
            (answer, delay)
        }
    };
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let (status, body) = answer;
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).json(body)
}

impl FakeStripe {
    fn start() -> FakeStripe {
        let state = Arc::new(Mutex::new(FakeState::default()));
        let data = web::Data::new(state.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(fake_stripe_handler))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeStripe {
            url,
            state,
            _handle: handle,
        }
    }

    fn requests(&self, path: &str) -> Vec<Recorded> {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// The next request to `path` is carried out, and answered after `ms`.
    fn delay_next(&self, path: &str, ms: u64) {
        self.state.lock().unwrap().delays.insert(path.into(), ms);
    }

    /// The next `n` requests to `path` fail with a 500, doing nothing.
    fn fail_next(&self, path: &str, n: usize) {
        self.state.lock().unwrap().failures.insert(path.into(), n);
    }

    fn answer_refunds_with_status(&self, status: Value) {
        self.state.lock().unwrap().refund_status = Some(status);
    }

    /// The objects Stripe made at this path (one per idempotency key), e.g. its refunds.
    fn created(&self, path: &str) -> Vec<Value> {
        let prefix = format!("{path} ");
        self.state
            .lock()
            .unwrap()
            .answers
            .iter()
            .filter(|(k, (status, _))| k.starts_with(&prefix) && *status == 200)
            .map(|(_, (_, body))| body.clone())
            .collect()
    }

    fn intent(&self, id: &str) -> Value {
        self.state.lock().unwrap().intents[id].clone()
    }
}

pub(crate) async fn stripe_scene() -> (Scene, FakeStripe) {
    stripe_scene_with(|_| {}).await
}

/// A scene whose API talks to a fake Stripe, with more settings.
pub(crate) async fn stripe_scene_with(
    tweak: impl FnOnce(&mut HashMap<String, String>),
) -> (Scene, FakeStripe) {
    let stripe = FakeStripe::start();
    let url = stripe.url.clone();
    let app = TestApp::spawn_with(move |vars| {
        tweak(vars);
        vars.insert("STRIPE_SECRET_KEY".into(), "sk_test_fake".into());
        vars.insert(
            "STRIPE_WEBHOOK_SECRET".into(),
            format!("whsec_old_secret,{WEBHOOK_SECRET}"),
        );
        vars.insert("STRIPE_PUBLISHABLE_KEY".into(), "pk_test_fake".into());
        vars.insert("STRIPE_API_BASE".into(), url);
    })
    .await;
    (Scene::with_app(app).await, stripe)
}

pub(crate) fn signed(secret: &str, timestamp: i64, body: &str) -> String {
    ocpizza::payments::webhook::sign(secret, timestamp, body.as_bytes())
}

async fn post_event(app: &TestApp, body: &str, signature: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/payments/stripe/webhook"))
        .header("content-type", "application/json")
        .header("Stripe-Signature", signature)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

pub(crate) fn event(id: &str, kind: &str, object: Value) -> String {
    json!({"id": id, "object": "event", "type": kind, "data": {"object": object}}).to_string()
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Places an online order and starts its payment; returns (order, payment start).
pub(crate) async fn online_order(s: &Scene) -> (Value, Value) {
    let mut body = s.delivery_order(json!([s.item("reine", "large", 1)]));
    body["payment_method"] = json!("online");
    let order: Value = s.place(&s.customer, body).await.json().await.unwrap();
    assert_eq!(order["status"], "pending_payment");
    assert!(order["expires_at"].is_string());
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{}/payments", order["id"].as_str().unwrap()),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    (order, res.json().await.unwrap())
}

pub(crate) fn succeeded(order: &Value, start: &Value) -> Value {
    json!({"id": start["payment_intent_id"], "object": "payment_intent", "amount": order["total_cents"], "currency": "eur",
           "metadata": {"order_id": order["id"]}})
}

async fn order_status(s: &Scene, id: &str) -> Value {
    s.app
        .get(&format!("/api/v1/orders/{id}"), Some(&s.customer))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_online_payment_goes_through_stripe_and_its_signed_webhook_once() {
    let (s, stripe) = stripe_scene().await;
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    assert_eq!(start["provider"], "stripe");
    assert_eq!(start["publishable_key"], "pk_test_fake");
    assert!(start["client_secret"]
        .as_str()
        .unwrap()
        .contains("_secret_"));
    // What we sent Stripe.
    let sent = stripe.requests("/v1/payment_intents");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].authorization, "Bearer sk_test_fake");
    assert_eq!(
        sent[0].field("amount"),
        Some(order["total_cents"].to_string().as_str())
    );
    assert_eq!(sent[0].field("currency"), Some("eur"));
    assert_eq!(sent[0].field("metadata[order_id]"), Some(id));
    assert!(sent[0].idempotency_key.contains(id));
    // Asking again resumes the same intent, with the same key.
    let again: Value = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/payments"),
            Some(&s.customer),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["payment_intent_id"], start["payment_intent_id"]);
    assert_eq!(
        stripe.requests("/v1/payment_intents")[1].idempotency_key,
        sent[0].idempotency_key
    );

    let body = event(
        "evt_1",
        "payment_intent.succeeded",
        succeeded(&order, &start),
    );
    let res = post_event(&s.app, &body, &signed(WEBHOOK_SECRET, now(), &body)).await;
    assert_eq!(res.status(), 200);
    let paid = order_status(&s, id).await;
    assert_eq!(paid["status"], "placed");
    let last = paid["history"].as_array().unwrap().last().unwrap();
    assert_eq!(last["note"], "paid online");
    assert_eq!(
        (&last["event"], &last["reason"]),
        (&json!("paid"), &Value::Null)
    );
    // The same event again, and a late failure: nothing changes.
    let dup: Value = post_event(&s.app, &body, &signed(WEBHOOK_SECRET, now(), &body))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dup["duplicate"], true);
    let failed = event(
        "evt_2",
        "payment_intent.payment_failed",
        json!({"id": start["payment_intent_id"]}),
    );
    assert_eq!(
        post_event(&s.app, &failed, &signed(WEBHOOK_SECRET, now(), &failed))
            .await
            .status(),
        200
    );
    let after = order_status(&s, id).await;
    assert_eq!(
        after["history"].as_array().unwrap().len(),
        paid["history"].as_array().unwrap().len()
    );
    let payments: Value = s
        .app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(payments["items"][0]["status"], "succeeded");
    assert_problem(
        s.app
            .post(
                &format!("/api/v1/orders/{id}/payments"),
                Some(&s.customer),
                json!({}),
            )
            .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn forged_tampered_or_stale_webhooks_are_refused_and_change_nothing() {
    let (s, _stripe) = stripe_scene().await;
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let body = event(
        "evt_forged",
        "payment_intent.succeeded",
        succeeded(&order, &start),
    );
    let tampered = body.replace("evt_forged", "evt_other");
    let cases = [
        (
            "wrong secret",
            body.clone(),
            signed("whsec_attacker", now(), &body),
        ),
        (
            "tampered body",
            tampered.clone(),
            signed(WEBHOOK_SECRET, now(), &body),
        ),
        (
            "stale timestamp",
            body.clone(),
            signed(WEBHOOK_SECRET, now() - 301, &body),
        ),
        (
            "future timestamp",
            body.clone(),
            signed(WEBHOOK_SECRET, now() + 400, &body),
        ),
        ("no v1", body.clone(), format!("t={}", now())),
    ];
    for (what, payload, signature) in cases {
        let res = post_event(&s.app, &payload, &signature).await;
        assert_eq!(res.status(), 400, "{what}");
        assert_problem(res, 400).await;
    }
    let res = s
        .app
        .client
        .post(s.app.url("/api/v1/payments/stripe/webhook"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    assert_eq!(order_status(&s, id).await["status"], "pending_payment");
    // The old secret of a roll still works.
    let res = post_event(&s.app, &body, &signed("whsec_old_secret", now(), &body)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(order_status(&s, id).await["status"], "placed");
}

#[tokio::test]
async fn a_payment_of_the_wrong_amount_or_currency_is_not_accepted_and_goes_back() {
    let (s, stripe) = stripe_scene().await;
    for (what, change) in [
        ("amount", json!({"amount": 100})),
        ("currency", json!({"currency": "usd"})),
    ] {
        let (order, start) = online_order(&s).await;
        let id = order["id"].as_str().unwrap();
        let mut object = succeeded(&order, &start);
        let paid = change["amount"]
            .as_i64()
            .unwrap_or(order["total_cents"].as_i64().unwrap());
        for (k, v) in change.as_object().unwrap() {
            object[k] = v.clone();
        }
        let body = event(
            &format!("evt_wrong_{what}"),
            "payment_intent.succeeded",
            object.clone(),
        );
        assert_eq!(
            post_event(&s.app, &body, &signed(WEBHOOK_SECRET, now(), &body))
                .await
                .status(),
            200
        );
        assert_eq!(
            order_status(&s, id).await["status"],
            "pending_payment",
            "{what}"
        );
        // The money taken is refunded at once, and only once.
        let again = event(
            &format!("evt_wrong_{what}_again"),
            "payment_intent.succeeded",
            object,
        );
        post_event(&s.app, &again, &signed(WEBHOOK_SECRET, now(), &again)).await;
        let refunds: Vec<_> = stripe
            .requests("/v1/refunds")
            .into_iter()
            .filter(|r| r.field("payment_intent") == start["payment_intent_id"].as_str())
            .collect();
        assert_eq!(refunds.len(), 1, "{what}");
        assert_eq!(refunds[0].field("amount"), Some(paid.to_string().as_str()));
        let ledger = payments_of(&s, id, &s.customer).await;
        assert_eq!(ledger["items"][0]["status"], "succeeded");
        assert_eq!(ledger["items"][0]["amount_cents"], paid);
        assert_eq!(ledger["items"][0]["refunded_cents"], paid);
        assert_eq!(
            ledger["items"][0]["refunds"][0]["reason"],
            "paid an amount that is not the order's"
        );
    }
}

#[tokio::test]
async fn the_same_event_delivered_twenty_times_at_once_is_applied_once() {
    let (s, _stripe) = stripe_scene().await;
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap().to_string();
    let body = event(
        "evt_storm",
        "payment_intent.succeeded",
        succeeded(&order, &start),
    );
    let signature = signed(WEBHOOK_SECRET, now(), &body);
    let sends = (0..20).map(|_| {
        let (client, url, body, signature) = (
            s.app.client.clone(),
            s.app.url("/api/v1/payments/stripe/webhook"),
            body.clone(),
            signature.clone(),
        );
        tokio::spawn(async move {
            client
                .post(url)
                .header("content-type", "application/json")
                .header("Stripe-Signature", signature)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let statuses: Vec<u16> = join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let order = order_status(&s, &id).await;
    let placed = order["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["to"] == "placed")
        .count();
    assert_eq!(placed, 1);
}

#[tokio::test]
async fn cancelling_a_paid_order_refunds_it_through_the_provider() {
    let (s, stripe) = stripe_scene().await;
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let body = event(
        "evt_paid",
        "payment_intent.succeeded",
        succeeded(&order, &start),
    );
    post_event(&s.app, &body, &signed(WEBHOOK_SECRET, now(), &body)).await;
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let refunds = stripe.requests("/v1/refunds");
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        refunds[0].field("payment_intent"),
        start["payment_intent_id"].as_str()
    );
    assert_eq!(
        refunds[0].field("amount"),
        Some(order["total_cents"].to_string().as_str())
    );
    assert!(refunds[0].idempotency_key.starts_with("refund-"));
    let payments: Value = s
        .app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(payments["items"][0]["refunded_cents"], order["total_cents"]);
    assert_eq!(payments["items"][0]["refunds"][0]["status"], "pending");
    let refunded = event(
        "evt_refunded",
        "charge.refunded",
        json!({"object": "charge", "payment_intent": start["payment_intent_id"], "amount_refunded": order["total_cents"]}),
    );
    post_event(&s.app, &refunded, &signed(WEBHOOK_SECRET, now(), &refunded)).await;
    let payments: Value = s
        .app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(payments["items"][0]["refunds"][0]["status"], "succeeded");
}

#[tokio::test]
async fn a_manager_refunds_part_of_a_delivered_order_never_more_than_paid() {
    let (s, stripe) = stripe_scene().await;
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let body = event(
        "evt_paid",
        "payment_intent.succeeded",
        succeeded(&order, &start),
    );
    post_event(&s.app, &body, &signed(WEBHOOK_SECRET, now(), &body)).await;
    let manager = s.staff(Role::Manager).await;
    for to in ["preparing", "ready", "out_for_delivery", "delivered"] {
        assert_eq!(s.move_to(&manager, id, to).await.status(), 200, "{to}");
    }
    let total = order["total_cents"].as_i64().unwrap();
    let path = format!("/api/v1/orders/{id}/refunds");
    assert_eq!(
        s.app
            .post(
                &path,
                Some(&manager),
                json!({"amount_cents": 500, "reason": "pizza froide"})
            )
            .await
            .status(),
        201
    );
    let res = s
        .app
        .post(&path, Some(&manager), json!({"amount_cents": total - 499}))
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["amount_cents"]
    );
    assert_problem(
        s.app
            .post(&path, Some(&s.customer), json!({"amount_cents": 1}))
            .await,
        403,
    )
    .await;
    let elsewhere = s.app.token_for(Role::Manager, Some(s.other_shop)).await;
    assert_problem(
        s.app
            .post(&path, Some(&elsewhere), json!({"amount_cents": 1}))
            .await,
        404,
    )
    .await;
    assert_eq!(
        s.app
            .post(&path, Some(&manager), json!({"amount_cents": total - 500}))
            .await
            .status(),
        201
    );
    assert_problem(
        s.app
            .post(&path, Some(&manager), json!({"amount_cents": 1}))
            .await,
        422,
    )
    .await;
    let payments: Value = s
        .app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        payments["items"][0]["refunded_cents"].as_i64().unwrap(),
        total
    );
    assert_eq!(stripe.requests("/v1/refunds").len(), 2);
}

#[tokio::test]
async fn an_unpaid_order_expires_gives_its_stock_back_and_a_late_payment_is_refunded() {
    let (s, stripe) = stripe_scene().await;
    let dough = s.app.stock_of(s.shop, "pate-a-pizza").await;
    let (order, start) = online_order(&s).await;
    assert!(
        s.app.stock_of(s.shop, "pate-a-pizza").await < dough,
        "stock reserved while unpaid"
    );
    let id = order["id"].as_str().unwrap();
    s.app
        .with_db(|conn| {
            use diesel::prelude::*;
            diesel::sql_query("UPDATE orders SET expires_at = now() - interval '1 second'")
                .execute(conn)
                .unwrap();
        })
        .await;
    // The same job the server runs every minute, through the CLI.
    let out = expire_orders(&s, &stripe);
    assert!(out.contains("1 unpaid order(s)"), "{out}");
    assert!(out.contains("1 payment intent(s) called off"), "{out}");
    let expired = order_status(&s, id).await;
    assert_eq!(expired["status"], "cancelled");
    let last = expired["history"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (&last["event"], &last["actor_id"], &last["reason"]),
        (&json!("expired"), &Value::Null, &Value::Null)
    );
    // Its intent is cancelled at Stripe, so the bank cannot charge it any more.
    let pi = start["payment_intent_id"].as_str().unwrap();
    assert_eq!(
        stripe
            .requests(&format!("/v1/payment_intents/{pi}/cancel"))
            .len(),
        1
    );
    assert_eq!(stripe.intent(pi)["status"], "canceled");
    assert_eq!(s.app.stock_of(s.shop, "pate-a-pizza").await, dough);
    // The bank confirms too late: the money goes back.
    let body = event(
        "evt_late",
        "payment_intent.succeeded",
        succeeded(&order, &start),
    );
    assert_eq!(
        post_event(&s.app, &body, &signed(WEBHOOK_SECRET, now(), &body))
            .await
            .status(),
        200
    );
    assert_eq!(order_status(&s, id).await["status"], "cancelled");
    assert_eq!(stripe.requests("/v1/refunds").len(), 1);
    s.app.assert_stock_matches_movements().await;
}

/// `ocpizza expire-orders` against the scene's database and fake Stripe; returns its output.
fn expire_orders(s: &Scene, stripe: &FakeStripe) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocpizza"))
        .arg("expire-orders")
        .env("DATABASE_URL", &s.app.db.url)
        .env("DB_SSLMODE", "disable")
        .env("STRIPE_SECRET_KEY", "sk_test_fake")
        .env("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("STRIPE_API_BASE", &stripe.url)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn cancelling_an_unpaid_online_order_cancels_its_payment_intent_and_a_failure_is_retried() {
    let (s, stripe) = stripe_scene().await;
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let pi = start["payment_intent_id"].as_str().unwrap();
    let cancel_path = format!("/v1/payment_intents/{pi}/cancel");
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&s.customer),
            json!({"reason": "plus faim"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let sent = stripe.requests(&cancel_path);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].authorization, "Bearer sk_test_fake");
    assert_eq!(sent[0].field("cancellation_reason"), Some("abandoned"));
    assert_eq!(stripe.intent(pi)["status"], "canceled");
    assert_eq!(
        payments_of(&s, id, &s.customer).await["items"][0]["status"],
        "cancelled"
    );
    // Called off once: the next round has nothing to do for it.
    assert!(expire_orders(&s, &stripe).contains("0 payment intent(s) called off"));
    assert_eq!(stripe.requests(&cancel_path).len(), 1);

    // Stripe is down when an order taker cancels: the cancel is not blocked, the call off is
    // tried again by the next round.
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let pi = start["payment_intent_id"].as_str().unwrap();
    let cancel_path = format!("/v1/payment_intents/{pi}/cancel");
    stripe.fail_next(&cancel_path, 1);
    let taker = s.staff(Role::OrderTaker).await;
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&taker),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(stripe.intent(pi)["status"], "requires_payment_method");
    assert!(expire_orders(&s, &stripe).contains("1 payment intent(s) called off"));
    assert_eq!(stripe.requests(&cancel_path).len(), 2);
    assert_eq!(stripe.intent(pi)["status"], "canceled");
}

#[tokio::test]
async fn without_stripe_keys_the_offline_provider_completes_a_paid_order() {
    let s = Scene::new().await;
    let (order, start) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    assert_eq!(start["provider"], "offline");
    let confirm = start["offline_confirm_url"].as_str().unwrap();
    // Another customer cannot pay (or probe) it.
    let stranger = s.app.token_for(Role::Customer, None).await;
    assert_problem(
        s.app
            .post(
                confirm,
                Some(&stranger),
                json!({"payment_intent_id": start["payment_intent_id"]}),
            )
            .await,
        404,
    )
    .await;
    let failed: Value = s
        .app
        .post(
            confirm,
            Some(&s.customer),
            json!({"payment_intent_id": start["payment_intent_id"], "outcome": "failed"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        failed["status"], "pending_payment",
        "a failed card can be retried"
    );
    let paid: Value = s
        .app
        .post(
            confirm,
            Some(&s.customer),
            json!({"payment_intent_id": start["payment_intent_id"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paid["status"], "placed");
    let cancelled: Value = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    let payments: Value = s
        .app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(payments["items"][0]["provider"], "offline");
    assert_eq!(payments["items"][0]["refunded_cents"], order["total_cents"]);
    assert_eq!(
        payments["items"][0]["refunds"][0]["status"], "succeeded",
        "settled by the offline charge.refunded event"
    );
}

#[tokio::test]
async fn with_online_payment_turned_off_an_online_order_is_refused_by_name() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("ONLINE_PAYMENTS".into(), "off".into());
    })
    .await;
    let s = Scene::with_app(app).await;
    let mut body = s.delivery_order(json!([s.item("reine", "large", 1)]));
    body["payment_method"] = json!("online");
    let problem = assert_problem(s.place(&s.customer, body.clone()).await, 422).await;
    assert_eq!(problem_fields(&problem), vec!["payment_method"]);
    // Cash on delivery still works, and its payment cannot be turned into an online one.
    body["payment_method"] = json!("cash");
    let res = s.place(&s.customer, body).await;
    assert_eq!(res.status(), 201);
    let order: Value = res.json().await.unwrap();
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{}/payments", order["id"].as_str().unwrap()),
            Some(&s.customer),
            json!({"method": "online"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["method"]
    );
    assert_problem(
        s.app
            .post(
                "/api/v1/payments/offline/confirm",
                Some(&s.customer),
                json!({"payment_intent_id": "pi_offline_x"}),
            )
            .await,
        404,
    )
    .await;
}

#[test]
fn the_server_refuses_to_start_in_production_without_a_stripe_key_unless_online_payment_is_off() {
    let run = |extra: &[(&str, &str)], args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ocpizza"));
        command
            .args(args)
            .current_dir(std::env::temp_dir())
            .env("APP_ENV", "production")
            .env(
                "SECRET_KEY",
                "k7Qp2vX9zR4mT8wY1bN6cF3hJ5dL0sA-gE7uI2oP9qW4eR6tY8uI",
            )
            .env("ADDS_ALLOWED_HOSTS", "ocpizza.fr")
            .env("DB_SSLMODE", "verify-full")
            .env("METRICS_TOKEN", "m3tr1cs-t0ken-for-the-scraper-2026")
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none");
        for name in [
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "ONLINE_PAYMENTS",
        ] {
            command.env_remove(name);
        }
        for (name, value) in extra {
            command.env(name, value);
        }
        command.output().unwrap()
    };
    let refused = run(&[], &["serve"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("STRIPE_SECRET_KEY: required in production")
            && stderr.contains("ONLINE_PAYMENTS=off"),
        "{stderr}"
    );
    let reported = run(&[], &["check", "--deploy"]);
    assert!(!reported.status.success());
    assert!(String::from_utf8_lossy(&reported.stdout).contains("STRIPE_SECRET_KEY is not set"));
    let checked = run(&[("ONLINE_PAYMENTS", "off")], &["check", "--deploy"]);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
}

/// An online order paid through the signed webhook.
async fn paid_online_order(s: &Scene) -> (Value, Value) {
    let (order, start) = online_order(s).await;
    let body = event(
        &format!("evt_paid_{}", order["id"].as_str().unwrap()),
        "payment_intent.succeeded",
        succeeded(&order, &start),
    );
    let res = post_event(&s.app, &body, &signed(WEBHOOK_SECRET, now(), &body)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        order_status(s, order["id"].as_str().unwrap()).await["status"],
        "placed"
    );
    (order, start)
}

async fn payments_of(s: &Scene, id: &str, token: &str) -> Value {
    s.app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(token))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_refund_whose_answer_is_lost_is_sent_again_with_its_key_and_paid_back_once() {
    let (s, stripe) = stripe_scene_with(|vars| {
        vars.insert("STRIPE_TIMEOUT_MS".into(), "300".into());
    })
    .await;
    let (order, _) = paid_online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let manager = s.staff(Role::Manager).await;
    let path = format!("/api/v1/orders/{id}/refunds");
    // Stripe makes the refund, but answers after our timeout.
    stripe.delay_next("/v1/refunds", 1_500);
    let res = s
        .app
        .post(&path, Some(&manager), json!({"amount_cents": 500}))
        .await;
    assert_eq!(res.status(), 202);
    let lost: Value = res.json().await.unwrap();
    assert_eq!(lost["status"], "pending");
    assert_eq!(lost["provider_ref"], Value::Null);
    let ledger = payments_of(&s, id, &manager).await;
    assert_eq!(
        ledger["items"][0]["refunded_cents"], 500,
        "still reserved: its outcome is unknown"
    );
    // The manager tries again: the same refund, with the same key; Stripe answers it.
    let res = s
        .app
        .post(&path, Some(&manager), json!({"amount_cents": 500}))
        .await;
    assert_eq!(res.status(), 201);
    let retried: Value = res.json().await.unwrap();
    assert_eq!(retried["id"], lost["id"]);
    assert!(retried["provider_ref"]
        .as_str()
        .unwrap()
        .starts_with("re_fake_"));
    let sent = stripe.requests("/v1/refunds");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].idempotency_key, sent[1].idempotency_key);
    assert_eq!(sent[0].field("metadata[refund_id]"), lost["id"].as_str());
    assert_eq!(
        stripe.created("/v1/refunds").len(),
        1,
        "one refund at Stripe"
    );
    let ledger = payments_of(&s, id, &manager).await;
    assert_eq!(ledger["items"][0]["refunded_cents"], 500);
    assert_eq!(ledger["items"][0]["refunds"].as_array().unwrap().len(), 1);
    // Stripe's refund.updated settles it.
    let updated = event(
        "evt_refund_updated",
        "refund.updated",
        json!({"id": retried["provider_ref"], "object": "refund", "status": "succeeded", "amount": 500,
               "metadata": {"refund_id": lost["id"]}}),
    );
    let res = post_event(&s.app, &updated, &signed(WEBHOOK_SECRET, now(), &updated)).await;
    assert_eq!(res.status(), 200);
    let ledger = payments_of(&s, id, &manager).await;
    assert_eq!(ledger["items"][0]["refunds"][0]["status"], "succeeded");
}

#[tokio::test]
async fn a_cancelled_order_whose_refund_gets_no_answer_or_a_null_status_stays_pending_until_stripe_says(
) {
    let (s, stripe) = stripe_scene_with(|vars| {
        vars.insert("STRIPE_TIMEOUT_MS".into(), "300".into());
    })
    .await;
    // No answer in time: the cancellation stands, the refund waits with its key.
    let (order, _) = paid_online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    stripe.delay_next("/v1/refunds", 1_500);
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let ledger = payments_of(&s, id, &s.customer).await;
    let refund = &ledger["items"][0]["refunds"][0];
    assert_eq!(refund["status"], "pending");
    assert_eq!(ledger["items"][0]["refunded_cents"], order["total_cents"]);
    // The answer was lost, but Stripe's event names our refund in its metadata.
    let made = stripe.created("/v1/refunds");
    assert_eq!(made.len(), 1);
    let failed = event(
        "evt_refund_failed",
        "refund.failed",
        json!({"id": made[0]["id"], "object": "refund", "status": "failed", "metadata": {"refund_id": refund["id"]}}),
    );
    post_event(&s.app, &failed, &signed(WEBHOOK_SECRET, now(), &failed)).await;
    let ledger = payments_of(&s, id, &s.customer).await;
    assert_eq!(ledger["items"][0]["refunds"][0]["status"], "failed");
    assert_eq!(
        ledger["items"][0]["refunds"][0]["provider_ref"],
        made[0]["id"]
    );
    assert_eq!(
        ledger["items"][0]["refunded_cents"], 0,
        "a failed refund frees its amount"
    );

    // Stripe answers "status": null: neither a 500 nor a failure.
    stripe.answer_refunds_with_status(Value::Null);
    let (order, _) = paid_online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let ledger = payments_of(&s, id, &s.customer).await;
    assert_eq!(ledger["items"][0]["refunds"][0]["status"], "pending");
    assert!(ledger["items"][0]["refunds"][0]["provider_ref"]
        .as_str()
        .unwrap()
        .starts_with("re_fake_"));
}

#[tokio::test]
async fn changing_an_online_order_replaces_its_intent_and_money_for_the_old_total_goes_back() {
    let (s, stripe) = stripe_scene().await;
    let (order, first) = online_order(&s).await;
    let id = order["id"].as_str().unwrap();
    let old_pi = first["payment_intent_id"].as_str().unwrap();
    assert_eq!(first["amount_cents"], order["total_cents"]);
    // Two pizzas instead of one: the intent for one is cancelled at Stripe.
    let res = s
        .app
        .send(
            "PATCH",
            &format!("/api/v1/orders/{id}"),
            Some(&s.customer),
            json!({"items": [s.item("reine", "large", 2)]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    let total = changed["total_cents"].as_i64().unwrap();
    assert_ne!(changed["total_cents"], order["total_cents"]);
    assert_eq!(
        stripe
            .requests(&format!("/v1/payment_intents/{old_pi}/cancel"))
            .len(),
        1
    );
    assert_eq!(stripe.intent(old_pi)["status"], "canceled");
    // The next payment is a new intent for the new total.
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/payments"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    let new_pi = second["payment_intent_id"].as_str().unwrap();
    assert_ne!(new_pi, old_pi);
    assert_eq!(second["amount_cents"], total);
    assert_eq!(stripe.intent(new_pi)["amount"], total);
    // Back to one pizza: a new intent again, not the cancelled one of the same amount.
    s.app
        .send(
            "PATCH",
            &format!("/api/v1/orders/{id}"),
            Some(&s.customer),
            json!({"items": [s.item("reine", "large", 1)]}),
        )
        .await;
    s.app
        .send(
            "PATCH",
            &format!("/api/v1/orders/{id}"),
            Some(&s.customer),
            json!({"items": [s.item("reine", "large", 2)]}),
        )
        .await;
    let third: Value = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/payments"),
            Some(&s.customer),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let third_pi = third["payment_intent_id"].as_str().unwrap();
    assert!(third_pi != new_pi && third_pi != old_pi);
    assert_eq!(stripe.intent(third_pi)["status"], "requires_payment_method");
    assert_eq!(stripe.intent(new_pi)["status"], "canceled");

    // The bank had confirmed the first intent, for the old total, before it was cancelled: the
    // order is not paid by it, and that money goes back.
    let late = event(
        "evt_old_total",
        "payment_intent.succeeded",
        json!({"id": old_pi, "object": "payment_intent", "amount": order["total_cents"], "currency": "eur",
               "metadata": {"order_id": id}}),
    );
    post_event(&s.app, &late, &signed(WEBHOOK_SECRET, now(), &late)).await;
    assert_eq!(order_status(&s, id).await["status"], "pending_payment");
    let refunds = stripe.requests("/v1/refunds");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].field("payment_intent"), Some(old_pi));
    assert_eq!(
        refunds[0].field("amount"),
        Some(order["total_cents"].to_string().as_str())
    );
    // The new intent pays the order.
    let paid = event(
        "evt_new_total",
        "payment_intent.succeeded",
        json!({"id": third_pi, "object": "payment_intent", "amount": total, "currency": "eur",
               "metadata": {"order_id": id}}),
    );
    post_event(&s.app, &paid, &signed(WEBHOOK_SECRET, now(), &paid)).await;
    assert_eq!(order_status(&s, id).await["status"], "placed");
    // Paid twice at once (the second intent too, before its cancel reached Stripe): refunded.
    let twice = event(
        "evt_twice",
        "payment_intent.succeeded",
        json!({"id": new_pi, "object": "payment_intent", "amount": total, "currency": "eur",
               "metadata": {"order_id": id}}),
    );
    post_event(&s.app, &twice, &signed(WEBHOOK_SECRET, now(), &twice)).await;
    let refunds = stripe.requests("/v1/refunds");
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[1].field("payment_intent"), Some(new_pi));
    let ledger = payments_of(&s, id, &s.customer).await;
    let kept: i64 = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "succeeded")
        .map(|p| p["amount_cents"].as_i64().unwrap() - p["refunded_cents"].as_i64().unwrap())
        .sum();
    assert_eq!(kept, total, "exactly the order's total is kept");
}
