//! Roles and shop scoping: each endpoint refuses the wrong role and another shop's staff.

use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, TestApp};

fn new_shop() -> Value {
    json!({
        "slug": "lyon-monplaisir", "name": "OC Pizza Monplaisir", "address_line": "80 avenue des Frères Lumière",
        "postal_code": "69008", "city": "Lyon", "phone": "04 78 00 00 08", "delivery_fee_cents": 300, "min_order_cents": 1200,
        "hours": [{"weekday": 1, "opens_at": "11:00", "closes_at": "23:00"}], "delivery_postal_codes": ["69008", "69003"]
    })
}

#[tokio::test]
async fn only_admins_open_and_edit_shops() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    for role in [
        Role::Customer,
        Role::OrderTaker,
        Role::Pizzaiolo,
        Role::Delivery,
        Role::Manager,
    ] {
        let token = app
            .token_for(role, role.belongs_to_a_shop().then_some(shop))
            .await;
        assert_problem(
            app.post("/api/v1/shops", Some(&token), new_shop()).await,
            403,
        )
        .await;
        assert_problem(
            app.send(
                "PATCH",
                &format!("/api/v1/shops/{shop}"),
                Some(&token),
                json!({"name": "Hacked"}),
            )
            .await,
            403,
        )
        .await;
    }
    let admin = app.token_for(Role::Admin, None).await;
    let res = app.post("/api/v1/shops", Some(&admin), new_shop()).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["delivery_postal_codes"], json!(["69003", "69008"]));
    assert_eq!(created["hours"][0]["opens_at"], "11:00");
    assert_problem(
        app.post("/api/v1/shops", Some(&admin), new_shop()).await,
        409,
    )
    .await;
    let res = app
        .send(
            "PATCH",
            &format!("/api/v1/shops/{}", created["id"].as_str().unwrap()),
            Some(&admin),
            json!({"hours": [{"weekday": 8, "opens_at": "25:00", "closes_at": "10:00"}]}),
        )
        .await;
    let body = assert_problem(res, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["hours[0].weekday", "hours[0].opens_at"]);
}

#[tokio::test]
async fn only_managers_and_admins_change_the_catalog() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let category = json!({"slug": "entrees", "name": "Entrées", "position": 0});
    for role in [
        Role::Customer,
        Role::OrderTaker,
        Role::Pizzaiolo,
        Role::Delivery,
    ] {
        let token = app
            .token_for(role, role.belongs_to_a_shop().then_some(shop))
            .await;
        assert_problem(
            app.post("/api/v1/categories", Some(&token), category.clone())
                .await,
            403,
        )
        .await;
        assert_problem(
            app.post("/api/v1/products", Some(&token), json!({})).await,
            403,
        )
        .await;
    }
    assert_problem(
        app.post("/api/v1/categories", None, category.clone()).await,
        401,
    )
    .await;
    let manager = app.token_for(Role::Manager, Some(shop)).await;
    assert_eq!(
        app.post("/api/v1/categories", Some(&manager), category)
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn staff_see_only_their_own_shops_stock() {
    let app = TestApp::spawn().await;
    let shops = app.shop_ids().await;
    let (mine, other) = (shops["lyon-presquile"], shops["lyon-part-dieu"]);
    for role in [
        Role::OrderTaker,
        Role::Pizzaiolo,
        Role::Delivery,
        Role::Manager,
    ] {
        let token = app.token_for(role, Some(mine)).await;
        let res = app
            .get(&format!("/api/v1/shops/{mine}/stock"), Some(&token))
            .await;
        assert_eq!(res.status(), 200, "{role:?} reads its shop's stock");
        // Another shop looks like no shop at all.
        assert_problem(
            app.get(&format!("/api/v1/shops/{other}/stock"), Some(&token))
                .await,
            404,
        )
        .await;
    }
    let customer = app.token_for(Role::Customer, None).await;
    assert_problem(
        app.get(&format!("/api/v1/shops/{mine}/stock"), Some(&customer))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/shops/{mine}/stock"), None).await,
        401,
    )
    .await;
    let admin = app.token_for(Role::Admin, None).await;
    let stock: Value = app
        .get(&format!("/api/v1/shops/{other}/stock"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let lines = stock["items"].as_array().unwrap();
    assert!(lines.len() >= 40);
    assert!(lines.iter().all(|l| l["quantity"].as_i64().unwrap()
        > l["low_threshold"].as_i64().unwrap()
        && l["low"] == false));
}

#[tokio::test]
async fn staff_accounts_need_a_shop_and_customers_have_none() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let result = app
        .with_db(move |conn| {
            let staff_without_shop = ocpizza::accounts::create_account(
                conn,
                ocpizza::accounts::NewAccount {
                    email: "p@example.fr".into(),
                    password: "long-enough-pw".into(),
                    full_name: "P".into(),
                    phone: None,
                    role: Role::Pizzaiolo,
                    shop_id: None,
                },
            );
            let customer_with_shop = ocpizza::accounts::create_account(
                conn,
                ocpizza::accounts::NewAccount {
                    email: "c@example.fr".into(),
                    password: "long-enough-pw".into(),
                    full_name: "C".into(),
                    phone: None,
                    role: Role::Customer,
                    shop_id: Some(shop),
                },
            );
            (staff_without_shop.is_err(), customer_with_shop.is_err())
        })
        .await;
    assert_eq!(result, (true, true));
}

#[tokio::test]
async fn a_shop_opened_through_the_api_can_be_stocked_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(Role::Admin, None).await;
    let res = app.post("/api/v1/shops", Some(&admin), new_shop()).await;
    assert_eq!(res.status(), 201);
    let shop: Value = res.json().await.unwrap();
    let shop_id: uuid::Uuid = shop["id"].as_str().unwrap().parse().unwrap();
    let manager = app.token_for(Role::Manager, Some(shop_id)).await;
    let stock: Value = app
        .get(&format!("/api/v1/shops/{shop_id}/stock"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    let lines = stock["items"].as_array().unwrap();
    let ingredients: i64 = app
        .with_db(|conn| {
            use diesel::prelude::*;
            ocpizza::schema::ingredients::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(lines.len() as i64, ingredients);
    assert!(lines.iter().all(|l| l["quantity"] == 0));
    let mozzarella = lines[0]["ingredient_id"].clone();
    let res = app
        .post(
            &format!("/api/v1/shops/{shop_id}/stock/movements"),
            Some(&manager),
            json!({"ingredient_id": mozzarella, "delta": 5000, "reason": "restock"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // An ingredient no shop stocks is a problem naming it, never a 500.
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/shops/{shop_id}/stock/movements"),
            Some(&manager),
            json!({"ingredient_id": uuid::Uuid::new_v4(), "delta": 10, "reason": "restock"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "ingredient_id");
    app.assert_stock_matches_movements().await;
}
