//! Health and readiness, security headers, allowed hosts, Swagger UI, the OpenAPI drift check and
//! `ocpizza check --deploy`.

use std::process::Command;

use serde_json::Value;

use crate::helpers::{assert_problem, TestApp};

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz", None).await.status(), 200);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), 200);
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(metrics.contains(
        "ocpizza_http_requests_total{route=\"/readyz\",method=\"GET\",status=\"2xx\"} 1"
    ));
    assert!(metrics.contains("ocpizza_db_pool_connections"));
}

/// The values of `label` among the samples of `metric`.
fn label_values(text: &str, metric: &str, label: &str) -> std::collections::BTreeSet<String> {
    let needle = format!("{label}=\"");
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")))
        .filter_map(|l| {
            let start = l.find(&needle)? + needle.len();
            Some(l[start..start + l[start..].find('"')?].to_string())
        })
        .collect()
}

#[tokio::test]
async fn metrics_tell_routes_process_and_business_with_bounded_labels() {
    let s = crate::orders::Scene::new().await;
    let app = &s.app;
    let shop = s.shop;
    assert_eq!(
        app.get(&format!("/api/v1/shops/{shop}/menu"), None)
            .await
            .status(),
        200
    );
    let other = s.other_shop;
    app.get(&format!("/api/v1/shops/{other}/menu"), None).await;
    // An order placed, one refused: outside the delivery zone.
    let placed = s
        .place(
            &s.customer,
            s.delivery_order(serde_json::json!([s.item("margherita", "medium", 2)])),
        )
        .await;
    assert_eq!(placed.status(), 201);
    let mut far = s.delivery_order(serde_json::json!([s.item("margherita", "medium", 2)]));
    far["delivery_address"]["postal_code"] = serde_json::json!("75001");
    assert_problem(s.place(&s.customer, far).await, 422).await;

    let scrape = |app: &crate::helpers::TestApp| {
        let url = app.url("/metrics");
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let before = scrape(app).await;
    let routes = label_values(&before, "ocpizza_http_requests_total", "route");
    assert!(
        routes.contains("/api/v1/shops/{shop_id}/menu"),
        "routes are templates: {routes:?}"
    );
    assert!(routes.contains("/api/v1/orders"), "{routes:?}");
    assert!(!routes.iter().any(|r| r.contains(&shop.to_string())));
    assert!(before.contains(
        "ocpizza_http_requests_total{route=\"/api/v1/shops/{shop_id}/menu\",method=\"GET\",status=\"2xx\"} 2\n"
    ));
    assert!(before.contains("# TYPE ocpizza_http_request_duration_seconds histogram"));
    assert!(before.contains(
        "ocpizza_http_request_duration_seconds_bucket{route=\"/api/v1/shops/{shop_id}/menu\",method=\"GET\",le=\"+Inf\"} 2\n"
    ));
    for name in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_virtual_memory_bytes",
        "process_open_fds",
        "process_max_fds",
        "process_start_time_seconds",
        "ocpizza_http_requests_in_flight",
        "ocpizza_db_pool_connections",
        "ocpizza_db_pool_idle_connections",
    ] {
        assert!(
            before.contains(&format!("\n{name} ")),
            "{name} missing:\n{before}"
        );
    }
    // Business counters (process-wide: other tests of this binary add to them).
    assert!(
        label_values(&before, "ocpizza_orders_placed_total", "shop_id").contains(&shop.to_string())
    );
    assert_eq!(
        label_values(&before, "ocpizza_orders_refused_total", "reason"),
        ["closed", "invalid", "minimum", "stock", "zone"]
            .map(String::from)
            .into()
    );
    assert!(!before.contains("ocpizza_orders_refused_total{reason=\"zone\"} 0\n"));
    assert_eq!(
        label_values(&before, "ocpizza_payments_total", "outcome"),
        ["failed", "refunded_late", "succeeded"]
            .map(String::from)
            .into()
    );
    // The kitchen queue: the cash order waits in its shop; every active shop has its line.
    assert!(before.contains(&format!(
        "ocpizza_kitchen_queue_orders{{shop_id=\"{shop}\",shop=\""
    )));
    let queue_line = before
        .lines()
        .find(|l| {
            l.starts_with(&format!("ocpizza_kitchen_queue_orders{{shop_id=\"{shop}\""))
                && l.contains("status=\"placed\"")
        })
        .unwrap();
    assert!(queue_line.ends_with(" 1"), "{queue_line}");

    // Unknown paths, in and out of the API, share one label value.
    for path in [
        "/api/v1/no-such-thing",
        "/api/v1/shops/x/y/z",
        "/nothing-here",
        "/wp-login.php",
    ] {
        assert_eq!(app.get(path, None).await.status(), 404, "{path}");
    }
    let after = scrape(app).await;
    let routes_after = label_values(&after, "ocpizza_http_requests_total", "route");
    let added: Vec<_> = routes_after.difference(&routes).collect();
    assert!(
        added.iter().all(|r| *r == "unmatched" || *r == "/metrics"),
        "unknown paths made new labels: {added:?}"
    );
    assert!(routes_after.contains("unmatched"));
    assert!(!after.contains("no-such-thing") && !after.contains("wp-login"));
}

#[tokio::test]
async fn readiness_is_503_while_the_database_is_missing_and_recovers_by_itself() {
    let name = format!("ocpizza_test_late_{}", uuid::Uuid::new_v4().simple());
    let admin = crate::helpers::admin_url();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let url2 = url.clone();
    let app = TestApp::spawn_with(move |vars| {
        vars.insert("DATABASE_URL".into(), url2);
    })
    .await;
    let res = app.get("/readyz", None).await;
    assert_problem(res, 503).await;
    assert_eq!(
        app.get("/healthz", None).await.status(),
        200,
        "the process itself is fine"
    );
    tokio::task::spawn_blocking({
        let (admin, name) = (admin.clone(), name.clone());
        move || {
            use diesel::prelude::*;
            let mut conn = PgConnection::establish(&admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .unwrap();
        }
    })
    .await
    .unwrap();
    let mut status = 0;
    for _ in 0..50 {
        status = app.get("/readyz", None).await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(status, 200, "ready again once the database exists");
    drop(app);
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        let mut conn = PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn security_headers_are_sent_and_unknown_hosts_refused() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/v1/categories", None).await;
    let h = res.headers();
    assert_eq!(
        h["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    let res = app
        .client
        .get(app.url("/api/v1/categories"))
        .header("Host", "evil.example.com")
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 400).await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("evil.example.com"));
    // Probes answer whatever the host name.
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("Host", "10.0.0.7:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn hsts_can_be_turned_off() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("HSTS_SECONDS".into(), "0".into());
    })
    .await;
    assert!(app
        .get("/healthz", None)
        .await
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[tokio::test]
async fn swagger_ui_is_served_from_this_origin() {
    let app = TestApp::spawn().await;
    let res = app.get("/docs", None).await;
    assert_eq!(res.status(), 301);
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    assert!(!html.contains("cdn") && !html.contains("unpkg"), "no CDN");
    let init = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/openapi.json"));
    assert_eq!(
        app.get("/docs/swagger-ui-bundle.js", None).await.status(),
        200
    );
}

#[tokio::test]
async fn the_committed_openapi_document_matches_the_code() {
    let app = TestApp::spawn().await;
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed =
        std::fs::read_to_string(committed_path).expect("openapi/openapi.json is committed");
    let generated = ocpizza::openapi::spec_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: regenerate it with `cargo run -q --bin ocpizza -- openapi > openapi/openapi.json`"
    );
    let served: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(served, serde_json::from_str::<Value>(&generated).unwrap());
    // Every operation documents the statuses of its kind (openapi::finish), each error a problem.
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            assert!(
                !responses.is_empty(),
                "{method} {path} documents its responses"
            );
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(has("401"), "{method} {path} documents its 401");
            }
            if path.starts_with("/api/v1/") {
                assert!(has("503"), "{method} {path} documents its 503");
            }
            if let Some(body) = op.get("requestBody") {
                assert!(
                    has("400") && has("413"),
                    "{method} {path} documents 400 and 413"
                );
                let schema = &body["content"]["application/json"]["schema"];
                assert!(
                    schema.get("oneOf").is_none(),
                    "{method} {path}: no null body"
                );
            }
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "query" {
                    assert!(has("422"), "{method} {path} documents its 422");
                }
                if parameter["in"] == "header" {
                    assert_eq!(parameter["schema"]["type"], "string", "{method} {path}");
                }
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status} is a problem"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_a_405_with_allow() {
    let app = TestApp::spawn().await;
    for (method, path, allow) in [
        ("TRACE", "/api/v1/shops", "GET, POST"),
        ("PUT", "/api/v1/me", "GET, DELETE, PATCH"),
        (
            "HEAD",
            "/api/v1/orders/3f1c4b52-0000-4000-8000-000000000000",
            "GET, PATCH",
        ),
    ] {
        let res = app
            .client
            .request(method.parse().unwrap(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        if method != "HEAD" {
            let problem = assert_problem(res, 405).await;
            assert_eq!(
                problem["type"],
                "https://ocpizza.fr/problems/method-not-allowed"
            );
        }
    }
    let res = app
        .client
        .request("TRACE".parse().unwrap(), app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

fn ocpizza(vars: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocpizza"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    // An empty working folder: no .env is read.
    cmd.current_dir(std::env::temp_dir());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.args(["check", "--deploy"]).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn check_deploy_lists_every_unsafe_setting_and_fails() {
    let (ok, out) = ocpizza(&[
        ("APP_ENV", "production"),
        ("DEBUG", "true"),
        ("SECRET_KEY", "short"),
        ("HSTS_SECONDS", "0"),
    ]);
    assert!(!ok, "{out}");
    for needle in [
        "DEBUG is on",
        "SECRET_KEY is 5 characters",
        "ADDS_ALLOWED_HOSTS is empty",
        "DB_SSLMODE",
        "HSTS_SECONDS is 0",
        "METRICS_TOKEN is not set",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
    let (ok, out) = ocpizza(&[
        ("APP_ENV", "production"),
        (
            "SECRET_KEY",
            "Zq8vN2rT6yW1xK4mP7sD0fG3hJ5lA9cE-uI2oB6nM8qR4tY7wX1zC3vF5gH",
        ),
        ("ADDS_ALLOWED_HOSTS", "ocpizza.fr"),
        (
            "DATABASE_URL",
            "postgres://ocpizza@db.internal/ocpizza?sslmode=verify-full",
        ),
        ("STRIPE_SECRET_KEY", "sk_live_123"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_123"),
        ("METRICS_TOKEN", "b7e2c9f04a1d8e6b3c5f7a9d0e2b4c6f"),
    ]);
    assert!(ok, "a safe configuration passes:\n{out}");
    let (ok, out) = ocpizza(&[("HSTS_SECONDS", "lots")]);
    assert!(!ok);
    assert!(
        out.contains("HSTS_SECONDS: 'lots' is not a whole number"),
        "{out}"
    );
}

#[tokio::test]
async fn the_weekly_update_purges_what_is_stale_and_reports_each_step() {
    let app = TestApp::spawn().await;
    app.with_db(|conn| {
        use diesel::prelude::*;
        diesel::sql_query(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) SELECT id, 'old', 'h', now() - interval '8 days' FROM users LIMIT 1",
        )
        .execute(conn)
        .unwrap();
    })
    .await;
    let out = Command::new(env!("CARGO_BIN_EXE_ocpizza"))
        .arg("weekly-update")
        .env("DATABASE_URL", &app.db.url)
        .env("DB_SSLMODE", "disable")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("purge idempotency keys older than 7 days: 1"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 7);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("weekly-update finished"),
        "the summary line is logged: {stderr}"
    );
}

#[tokio::test]
async fn metrics_ask_for_the_metrics_token_when_one_is_set() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("METRICS_TOKEN".into(), "scraper-secret-0123456789".into());
    })
    .await;
    assert_problem(app.get("/metrics", None).await, 401).await;
    assert_problem(app.get("/metrics", Some("not-the-token")).await, 401).await;
    let res = app.get("/metrics", Some("scraper-secret-0123456789")).await;
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("ocpizza_http_requests_total"));
}
