//! Access tokens that must be refused: `alg: none`, another key, expired, another audience or
//! issuer, garbage.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, TestApp, SECRET};

fn claims(sub: &str, overrides: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut c = json!({"sub": sub, "role": "admin", "iss": "ocpizza", "aud": "ocpizza-api", "iat": now, "exp": now + 600});
    for (k, v) in overrides.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn sign(claims: &Value, key: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn tampered_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.token_for(Role::Customer, None).await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let sub = me["id"].as_str().unwrap().to_string();

    // A genuine token signed with our key is accepted: the forgeries below differ by one thing.
    assert_eq!(
        app.get("/api/v1/me", Some(&sign(&claims(&sub, json!({})), SECRET)))
            .await
            .status(),
        200
    );

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(&sub, json!({})).to_string());
    let unsigned = format!("{header}.{payload}.");
    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims(&sub, json!({})),
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    // A customer's own token with the role edited in the payload: the signature no longer matches.
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["role"] = json!("admin");
    let escalated = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );

    let forgeries = [
        ("alg none", unsigned),
        ("other algorithm", hs512),
        ("edited role", escalated),
        (
            "wrong key",
            sign(
                &claims(&sub, json!({})),
                "another-secret-another-secret-another-secret",
            ),
        ),
        (
            "expired",
            sign(
                &claims(&sub, json!({"exp": chrono::Utc::now().timestamp() - 60})),
                SECRET,
            ),
        ),
        (
            "wrong audience",
            sign(&claims(&sub, json!({"aud": "someone-else"})), SECRET),
        ),
        (
            "wrong issuer",
            sign(&claims(&sub, json!({"iss": "evil"})), SECRET),
        ),
        ("garbage", "not.a.token".to_string()),
    ];
    for (what, forged) in forgeries {
        let res = app.get("/api/v1/me", Some(&forged)).await;
        assert_eq!(res.status(), 401, "{what} must be refused");
        assert_eq!(res.headers()["www-authenticate"], "Bearer", "{what}");
        assert_problem(res, 401).await;
        // Not even an admin-only endpoint lets it through.
        assert_eq!(
            app.post("/api/v1/shops", Some(&forged), json!({}))
                .await
                .status(),
            401,
            "{what}"
        );
    }
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;
    assert_problem(app.get("/api/v1/me", None).await, 401).await;
}

#[tokio::test]
async fn the_token_of_a_deleted_account_is_refused_not_a_server_error() {
    let app = TestApp::spawn().await;
    app.open_all_week().await;
    let token = app.token_for(Role::Customer, None).await;
    let shop = app.shop_id("lyon-presquile").await;
    let pizza = app.product_ids().await["margherita"];
    assert_eq!(
        app.send("DELETE", "/api/v1/me", Some(&token), json!({}))
            .await
            .status(),
        204
    );
    // The access token is still within its lifetime and well signed; its account is gone.
    let address = app
        .post(
            "/api/v1/me/addresses",
            Some(&token),
            json!({"label": "Maison", "line1": "12 rue Mercière", "postal_code": "69002", "city": "Lyon"}),
        )
        .await;
    assert_problem(address, 401).await;
    let order = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "after-deletion")
        .json(
            &json!({"shop_id": shop, "fulfilment": "pickup", "payment_method": "cash",
            "items": [{"product_id": pizza, "size": "large", "quantity": 1}]}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(order, 401).await;
    assert_problem(app.get("/api/v1/me", Some(&token)).await, 401).await;
}

#[tokio::test]
async fn a_demoted_account_loses_its_role_at_once() {
    let app = TestApp::spawn().await;
    let token = app.token_for(Role::Admin, None).await;
    // Creating a shop is reserved to admins: an empty body gets as far as validation.
    assert_eq!(
        app.post("/api/v1/shops", Some(&token), json!({}))
            .await
            .status(),
        422
    );
    app.with_db(|conn| {
        use diesel::prelude::*;
        diesel::sql_query(
            "UPDATE users SET role = 'customer' WHERE role = 'admin' AND email LIKE 'admin-%'",
        )
        .execute(conn)
        .unwrap();
    })
    .await;
    // The token still says admin; the account no longer is.
    assert_problem(
        app.post("/api/v1/shops", Some(&token), json!({})).await,
        403,
    )
    .await;
}
