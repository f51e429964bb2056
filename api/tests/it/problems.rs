//! Bad input always gets a problem+json 4xx naming what is wrong, never a 500 or plain text.

use serde_json::json;

use crate::helpers::{assert_problem, problem_fields, TestApp};

#[tokio::test]
async fn malformed_or_mistyped_bodies_get_a_problem_naming_the_field() {
    let app = TestApp::spawn().await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_problem(raw("{\"email\": ", "application/json").await.unwrap(), 400).await;
    assert_problem(raw("", "application/json").await.unwrap(), 400).await;
    assert_problem(
        raw("email=a", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
        415,
    )
    .await;
    let body = assert_problem(
        raw(
            r#"{"email": 42, "password": "x", "full_name": "y"}"#,
            "application/json",
        )
        .await
        .unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["email"]);
    let body = assert_problem(
        raw(
            r#"{"email": "a@b.fr", "full_name": "y"}"#,
            "application/json",
        )
        .await
        .unwrap(),
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "required");
    let body = assert_problem(
        app.post(
            "/api/v1/products",
            None,
            json!({"sizes": [{"code": "m", "label": "M", "price_cents": "cheap", "recipe": []}]}),
        )
        .await,
        401,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("access token"));
}

#[tokio::test]
async fn nested_field_errors_carry_their_path() {
    let app = TestApp::spawn().await;
    let manager = app
        .token_for(
            ocpizza::auth::Role::Manager,
            Some(app.shop_id("lyon-presquile").await),
        )
        .await;
    let res = app
        .post(
            "/api/v1/products",
            Some(&manager),
            json!({"category": "pizzas-speciales", "slug": "x", "name": "X", "kind": "pizza",
            "sizes": [{"code": "m", "label": "M", "price_cents": "cheap", "recipe": []}]}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["sizes[0].price_cents"]
    );
    let res = app
        .post("/api/v1/products", Some(&manager), json!({"category": "pizzas-speciales", "slug": "Bad Slug", "name": "X", "kind": "pizza",
            "sizes": [{"code": "m", "label": "M", "price_cents": -5, "recipe": [{"ingredient_id": uuid::Uuid::new_v4(), "quantity": 0}]}]}))
        .await;
    let mut fields = problem_fields(&assert_problem(res, 422).await);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "sizes[0].price_cents",
            "sizes[0].recipe[0].quantity",
            "slug"
        ]
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let app = TestApp::spawn().await;
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(200_000));
    let res = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(res, 413).await;
}

#[tokio::test]
async fn unknown_ids_routes_and_bad_queries_are_problems_too() {
    let app = TestApp::spawn().await;
    assert_problem(
        app.get(&format!("/api/v1/products/{}", uuid::Uuid::new_v4()), None)
            .await,
        404,
    )
    .await;
    assert_problem(app.get("/api/v1/products/not-a-uuid", None).await, 404).await;
    assert_problem(
        app.get(
            &format!("/api/v1/shops/{}/menu", uuid::Uuid::new_v4()),
            None,
        )
        .await,
        404,
    )
    .await;
    assert_problem(app.get("/api/v1/no-such-thing", None).await, 404).await;
    assert_problem(app.get("/nowhere", None).await, 404).await;
    let body = assert_problem(
        app.get("/api/v1/products?vegetarian=perhaps", None).await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["vegetarian"]);
    let body = assert_problem(app.get("/api/v1/products?limit=1000", None).await, 422).await;
    assert_eq!(problem_fields(&body), vec!["limit"]);
    let body = assert_problem(app.get("/api/v1/products?cursor=forged", None).await, 422).await;
    assert_eq!(problem_fields(&body), vec!["cursor"]);
    let body = assert_problem(
        app.get("/api/v1/products?category=no-such-category", None)
            .await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["category"]);
}

#[tokio::test]
async fn optional_bodies_may_be_empty_or_null() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ocpizza::auth::Role::Customer, None).await;
    let path = format!("/api/v1/orders/{}/cancel", uuid::Uuid::new_v4());
    for body in ["", "null", "{}"] {
        let res = app
            .client
            .post(app.url(&path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem(res, 404).await;
    }
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_problem(res, 422).await;
}

#[tokio::test]
async fn control_characters_are_refused_naming_the_field_never_a_server_error() {
    let app = TestApp::spawn().await;
    let customer = app.token_for(ocpizza::auth::Role::Customer, None).await;
    let cases = [
        (
            "/api/v1/auth/login",
            None,
            json!({"email": "a\u{0}@x.fr", "password": "whatever-it-is"}),
            "email",
        ),
        (
            "/api/v1/auth/register",
            None,
            json!({"email": "nul@example.fr", "password": "une-longue-phrase-2026", "full_name": "Jean\u{0}Nul"}),
            "full_name",
        ),
        (
            "/api/v1/me/addresses",
            Some(customer.as_str()),
            json!({"label": "Maison", "line1": "3 rue\u{1b}[31m Mercière", "postal_code": "69002", "city": "Lyon"}),
            "line1",
        ),
        (
            "/api/v1/orders/quote",
            None,
            json!({"shop_id": uuid::Uuid::nil(), "fulfilment": "pickup", "items": [{"product_id": uuid::Uuid::nil(), "size": "m\u{7f}", "quantity": 1}]}),
            "items[0].size",
        ),
    ];
    for (path, token, body, field) in cases {
        let problem = assert_problem(app.post(path, token, body).await, 422).await;
        assert_eq!(problem["errors"][0]["field"], field, "{path}");
        assert_eq!(problem["errors"][0]["code"], "control_character", "{path}");
    }
    // In a query string too; tabs and new lines are still text.
    let problem = assert_problem(app.get("/api/v1/search?q=%00-", None).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "q");
    let res = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "tab@example.fr", "password": "une-longue-phrase-2026", "full_name": "Jean\tDupont"}),
        )
        .await;
    assert_ne!(res.status(), 500);
}

#[tokio::test]
async fn bodies_read_raw_have_their_limit_and_a_problem_above_it() {
    let s = crate::orders::Scene::new().await;
    let order: serde_json::Value = s
        .place(
            &s.customer,
            s.delivery_order(json!([s.item("margherita", "large", 1)])),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = order["id"].as_str().unwrap();
    let padding = "x".repeat(200_000);
    for path in [
        format!("/api/v1/orders/{id}/cancel"),
        format!("/api/v1/orders/{id}/payments"),
    ] {
        let res = s
            .app
            .client
            .post(s.app.url(&path))
            .bearer_auth(&s.customer)
            .header("content-type", "application/json")
            .body(format!("{{\"reason\": \"{padding}\"}}"))
            .send()
            .await
            .unwrap();
        assert_problem(res, 413).await;
    }
    let still: serde_json::Value = s
        .app
        .get(&format!("/api/v1/orders/{id}"), Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        still["status"], "placed",
        "an oversized cancel cancels nothing"
    );
    let res = s
        .app
        .client
        .post(s.app.url("/api/v1/payments/stripe/webhook"))
        .header("content-type", "application/json")
        .header("Stripe-Signature", "t=1,v1=00")
        .body("x".repeat(300_000))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413).await;
}
