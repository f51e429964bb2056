//! Sentry, against a local fake Sentry that records the envelopes we send. Sentry's client is
//! process-wide, so the real binary (`ocpizza serve`) is started as its own process with
//! `SENTRY_DSN` pointing at the fake, on the test's database.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use crate::helpers::test_vars;
use crate::payments::{event, now, online_order, signed, stripe_scene, succeeded, WEBHOOK_SECRET};

#[derive(Clone, Debug)]
struct Envelope {
    path: String,
    auth: String,
    body: String,
}

async fn record(
    req: HttpRequest,
    body: web::Bytes,
    log: web::Data<Arc<Mutex<Vec<Envelope>>>>,
) -> HttpResponse {
    let auth = req
        .headers()
        .get("x-sentry-auth")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    log.lock().unwrap().push(Envelope {
        path: req.path().to_string(),
        auth,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    HttpResponse::Ok().json(serde_json::json!({"id": "0"}))
}

/// The API binary as its own process; killed when dropped.
struct Binary(Child);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_payment_alert_reaches_sentry_without_personal_data() {
    // The fake Sentry.
    let envelopes = Arc::new(Mutex::new(Vec::<Envelope>::new()));
    let data = web::Data::new(envelopes.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let sentry_port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::to(record))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let sentry_handle = server.handle();
    tokio::spawn(server);

    // An online order awaiting its payment, placed through the in-process server.
    let (s, stripe) = stripe_scene().await;
    let (order, start) = online_order(&s).await;
    let order_id = order["id"].as_str().unwrap();

    // The binary on the same database, with the same Stripe settings and SENTRY_DSN.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut vars = test_vars(&s.app.db.url);
    vars.insert("BIND_ADDR".into(), format!("127.0.0.1:{port}"));
    vars.insert("STRIPE_SECRET_KEY".into(), "sk_test_fake".into());
    vars.insert("STRIPE_WEBHOOK_SECRET".into(), WEBHOOK_SECRET.into());
    vars.insert("STRIPE_API_BASE".into(), stripe.url.clone());
    vars.insert(
        "SENTRY_DSN".into(),
        format!("http://publickey@127.0.0.1:{sentry_port}/42"),
    );
    vars.insert("RUST_LOG".into(), "warn".into());
    let _binary = Binary(
        Command::new(env!("CARGO_BIN_EXE_ocpizza"))
            .arg("serve")
            .env_clear()
            .envs(&vars)
            .current_dir(std::env::temp_dir()) // no .env picked up by accident
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the ocpizza binary starts"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while s
        .app
        .client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map_or(true, |r| r.status() != 200)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the binary did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Stripe reports a payment of the wrong amount: not accepted, and an alert goes to Sentry.
    let mut object = succeeded(&order, &start);
    object["amount"] = serde_json::json!(100);
    let body = event("evt_cheap_sentry", "payment_intent.succeeded", object);
    let res = s
        .app
        .client
        .post(format!("{base}/api/v1/payments/stripe/webhook"))
        .header("content-type", "application/json")
        .header("Stripe-Signature", signed(WEBHOOK_SECRET, now(), &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let deadline = Instant::now() + Duration::from_secs(15);
    let alert = loop {
        let found = envelopes
            .lock()
            .unwrap()
            .iter()
            .find(|e| e.body.contains("100 EUR instead of"))
            .cloned();
        if let Some(envelope) = found {
            break envelope;
        }
        assert!(
            Instant::now() < deadline,
            "no alert reached the fake Sentry; received: {:?}",
            envelopes.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(alert.path, "/api/42/envelope/");
    assert!(
        alert.auth.contains("sentry_key=publickey"),
        "X-Sentry-Auth names the DSN's key: {}",
        alert.auth
    );
    assert!(alert.body.contains(order_id), "the alert names the order");
    assert!(alert.body.contains(r#""release":"ocpizza@"#));
    assert!(alert.body.contains(r#""environment":"test""#));
    // send_default_pii is off: no customer e-mail, no IP address, no Authorization header.
    for envelope in envelopes.lock().unwrap().iter() {
        assert!(
            !envelope.body.contains("@example"),
            "no e-mail address sent"
        );
        assert!(!envelope.body.contains("Bearer "), "no token sent");
    }
    sentry_handle.stop(true).await;
}

#[tokio::test]
async fn a_client_error_is_one_short_info_line_not_a_warning() {
    let db = crate::helpers::TestDb::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut vars = test_vars(&db.url);
    vars.insert("BIND_ADDR".into(), format!("127.0.0.1:{port}"));
    vars.insert("RUST_LOG".into(), "info".into());
    let log = std::env::temp_dir().join(format!("ocpizza-log-{port}.txt"));
    let file = std::fs::File::create(&log).unwrap();
    let binary = Binary(
        Command::new(env!("CARGO_BIN_EXE_ocpizza"))
            .arg("serve")
            .env_clear()
            .envs(&vars)
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::from(file.try_clone().unwrap()))
            .stderr(Stdio::from(file))
            .spawn()
            .expect("the ocpizza binary starts"),
    );
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map_or(true, |r| r.status() != 200)
    {
        assert!(started.elapsed() < Duration::from_secs(30), "not ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let res = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&serde_json::json!({"email": "x", "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = client
        .get(format!("{base}/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(binary);
    let text = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_file(&log);
    let client_errors: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("client error"))
        .collect();
    assert_eq!(client_errors.len(), 2, "{text}");
    for line in &client_errors {
        assert!(line.contains("INFO"), "{line}");
        // The request's span (method, route, client, request id), then a short message.
        let message = line.split("client error: ").nth(1).unwrap();
        assert!(
            message.len() < 200,
            "{} characters: {message}",
            message.len()
        );
        assert!(
            !message.contains("Validation(") && !message.contains("FieldError"),
            "{message}"
        );
    }
    assert!(!text.lines().any(|l| l.contains("WARN")), "{text}");
}
