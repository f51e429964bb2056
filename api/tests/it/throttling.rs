//! What a guesser meets: failures throttled per client address (behind trusted proxies only their
//! X-Forwarded-For counts), unknown addresses answered like accounts, registrations on taken
//! addresses counted as failures, a locked owner unlocking through a reset.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, TestApp};

const LIMIT: usize = ocpizza::accounts::throttle::MAX_CLIENT_FAILURES as usize;

/// An app behind a proxy on 127.0.0.1 (as nginx in front of it), so tests play several clients.
async fn behind_a_proxy() -> TestApp {
    TestApp::spawn_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    })
    .await
}

async fn register(app: &TestApp, email: &str) {
    let res = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": email, "password": "une-bonne-pizza", "full_name": "Marie"}),
        )
        .await;
    assert_eq!(res.status(), 201);
}

async fn from(app: &TestApp, client: &str, path: &str, body: Value) -> Response {
    app.client
        .post(app.url(path))
        .header("X-Forwarded-For", client)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn login_from(app: &TestApp, client: &str, email: &str, password: &str) -> Response {
    from(
        app,
        client,
        "/api/v1/auth/login",
        json!({"email": email, "password": password}),
    )
    .await
}

fn retry_after(res: &Response) -> i64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn failed_logins_from_one_address_are_throttled_and_nobody_else_is() {
    let app = behind_a_proxy().await;
    register(&app, "victim@example.fr").await;
    register(&app, "neighbour@example.fr").await;
    let attacker = "203.0.113.7";
    let mut statuses = Vec::new();
    for _ in 0..LIMIT {
        let res = login_from(&app, attacker, "victim@example.fr", "guess-123456").await;
        statuses.push(res.status().as_u16());
    }
    // 401, 401, then the victim's address is locked (423) for the rest of the run.
    assert_eq!(&statuses[..3], &[401, 401, 423]);
    assert!(statuses[3..].iter().all(|s| *s == 423), "{statuses:?}");
    // The attacker's address is now refused, whatever it tries, even a right password…
    for (email, password) in [
        ("victim@example.fr", "guess-123456"),
        ("neighbour@example.fr", "une-bonne-pizza"),
    ] {
        let res = login_from(&app, attacker, email, password).await;
        let seconds = retry_after(&res);
        assert!((850..=900).contains(&seconds), "{seconds}");
        assert_problem(res, 429).await;
    }
    // …and so is registering from there.
    let res = from(
        &app,
        attacker,
        "/api/v1/auth/register",
        json!({"email": "new@example.fr", "password": "une-bonne-pizza", "full_name": "X"}),
    )
    .await;
    assert_problem(res, 429).await;
    // Another client logs in at once.
    let res = login_from(
        &app,
        "198.51.100.2",
        "neighbour@example.fr",
        "une-bonne-pizza",
    )
    .await;
    assert_eq!(res.status(), 200);
    // The attacker's own first hop in the header changes nothing: nginx appends the real one.
    let res = login_from(
        &app,
        &format!("198.51.100.2, {attacker}"),
        "x@example.fr",
        "y",
    )
    .await;
    assert_problem(res, 429).await;
    // Fifteen minutes later the address may try again.
    app.with_db(|conn| {
        use diesel::prelude::*;
        diesel::sql_query(
            "UPDATE client_failures SET window_started_at = now() - interval '15 minutes'",
        )
        .execute(conn)
        .unwrap();
    })
    .await;
    let res = login_from(&app, attacker, "neighbour@example.fr", "une-bonne-pizza").await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // No TRUSTED_PROXIES: a client making up a new address each time is still one client.
    let app = TestApp::spawn().await;
    let mut last = 0;
    for i in 0..=LIMIT {
        let res = login_from(
            &app,
            &format!("192.0.2.{i}"),
            "nobody@example.fr",
            "guess-123456",
        )
        .await;
        last = res.status().as_u16();
    }
    assert_eq!(last, 429);
}

/// The answer, without what changes from one second to the next (the lock's end).
async fn shape(res: Response) -> (u16, Option<String>, Value) {
    let status = res.status().as_u16();
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let mut body: Value = res.json().await.unwrap();
    let detail: String = body["detail"]
        .as_str()
        .unwrap()
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    body["detail"] = json!(detail);
    (status, retry.map(|_| "seconds".to_string()), body)
}

#[tokio::test]
async fn an_unknown_address_is_answered_exactly_like_an_account() {
    let app = behind_a_proxy().await;
    register(&app, "known@example.fr").await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let (mut known_time, mut unknown_time) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..4 {
        let started = Instant::now();
        let res = login_from(&app, "198.51.100.10", "known@example.fr", "guess-123456").await;
        known_time += started.elapsed();
        known.push(shape(res).await);
        let started = Instant::now();
        let res = login_from(&app, "198.51.100.11", "unknown@example.fr", "guess-123456").await;
        unknown_time += started.elapsed();
        unknown.push(shape(res).await);
    }
    let statuses: Vec<u16> = known.iter().map(|a| a.0).collect();
    assert_eq!(statuses, vec![401, 401, 423, 423]);
    assert_eq!(known, unknown);
    // Both check a password hash: an unknown address is not answered any faster.
    assert!(
        unknown_time * 2 >= known_time,
        "unknown {unknown_time:?} vs known {known_time:?}"
    );
}

#[tokio::test]
async fn registering_taken_addresses_counts_like_failed_logins() {
    let app = behind_a_proxy().await;
    register(&app, "taken@example.fr").await;
    let lister = "203.0.113.50";
    // A lister mixes failed logins and registrations on taken addresses: they count together.
    for _ in 0..LIMIT - 2 {
        login_from(&app, lister, "taken@example.fr", "guess-123456").await;
    }
    for _ in 0..2 {
        let res = from(
            &app,
            lister,
            "/api/v1/auth/register",
            json!({"email": "taken@example.fr", "password": "une-bonne-pizza", "full_name": "X"}),
        )
        .await;
        assert_problem(res, 409).await;
    }
    let res = from(
        &app,
        lister,
        "/api/v1/auth/register",
        json!({"email": "taken@example.fr", "password": "une-bonne-pizza", "full_name": "X"}),
    )
    .await;
    assert_problem(res, 429).await;
    // A new customer elsewhere registers as usual.
    let res = from(
        &app,
        "198.51.100.3",
        "/api/v1/auth/register",
        json!({"email": "fresh@example.fr", "password": "une-bonne-pizza", "full_name": "Y"}),
    )
    .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_locked_owner_unlocks_the_account_with_a_password_reset() {
    let app = behind_a_proxy().await;
    register(&app, "owner@example.fr").await;
    // Someone else keeps the account locked.
    for _ in 0..3 {
        login_from(&app, "203.0.113.9", "owner@example.fr", "guess-123456").await;
    }
    assert_problem(
        login_from(&app, "198.51.100.4", "owner@example.fr", "une-bonne-pizza").await,
        423,
    )
    .await;
    let res = from(
        &app,
        "198.51.100.4",
        "/api/v1/auth/password-reset",
        json!({"email": "owner@example.fr"}),
    )
    .await;
    assert_eq!(res.status(), 202);
    let mail = app.mails(1).await.remove(0);
    let token = mail
        .body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let res = from(
        &app,
        "198.51.100.4",
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "password": "nouvelle-pizza-42"}),
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = login_from(
        &app,
        "198.51.100.4",
        "owner@example.fr",
        "nouvelle-pizza-42",
    )
    .await;
    assert_eq!(res.status(), 200);
}
