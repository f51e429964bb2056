//! Placing, pricing, the life cycle for delivery and pickup, modification and cancellation, and
//! authorization per order. The stock always equals the sum of its movements.

use ocpizza::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, problem_fields, TestApp};

pub struct Scene {
    pub app: TestApp,
    pub shop: Uuid,
    pub other_shop: Uuid,
    pub products: std::collections::HashMap<String, Uuid>,
    pub customer: String,
}

impl Scene {
    pub async fn new() -> Scene {
        Scene::with_app(TestApp::spawn().await).await
    }

    pub async fn with_app(app: TestApp) -> Scene {
        app.open_all_week().await;
        let shops = app.shop_ids().await;
        let products = app.product_ids().await;
        let customer = app.token_for(Role::Customer, None).await;
        Scene {
            shop: shops["lyon-presquile"],
            other_shop: shops["lyon-part-dieu"],
            products,
            customer,
            app,
        }
    }

    pub fn delivery_order(&self, items: Value) -> Value {
        json!({
            "shop_id": self.shop, "fulfilment": "delivery", "payment_method": "cash",
            "delivery_address": {"line1": "3 rue Mercière", "postal_code": "69002", "city": "Lyon", "instructions": "2e étage"},
            "items": items
        })
    }

    pub fn item(&self, slug: &str, size: &str, quantity: i32) -> Value {
        json!({"product_id": self.products[slug], "size": size, "quantity": quantity})
    }

    pub async fn place(&self, token: &str, body: Value) -> reqwest::Response {
        self.app.post("/api/v1/orders", Some(token), body).await
    }

    pub async fn staff(&self, role: Role) -> String {
        self.app.token_for(role, Some(self.shop)).await
    }

    /// Moves an order; handing over a cash order records the cash.
    pub async fn move_to(&self, token: &str, order: &str, to: &str) -> reqwest::Response {
        let body = if matches!(to, "delivered" | "picked_up") {
            json!({"to": to, "collected": "cash"})
        } else {
            json!({"to": to})
        };
        self.app
            .post(
                &format!("/api/v1/orders/{order}/transitions"),
                Some(token),
                body,
            )
            .await
    }
}

#[tokio::test]
async fn a_delivery_order_goes_from_placed_to_the_customers_door() {
    let s = Scene::new().await;
    let dough_before = s.app.stock_of(s.shop, "pate-a-pizza").await;
    let mozzarella_before = s.app.stock_of(s.shop, "mozzarella").await;
    let res = s
        .place(
            &s.customer,
            s.delivery_order(json!([
                s.item("margherita", "medium", 2),
                s.item("coca-cola", "33cl", 1)
            ])),
        )
        .await;
    assert_eq!(res.status(), 201);
    let order: Value = res.json().await.unwrap();
    assert_eq!(order["status"], "placed");
    assert_eq!(order["number"], 1);
    assert_eq!(order["subtotal_cents"], 2 * 1150 + 250);
    assert_eq!(order["delivery_fee_cents"], 300);
    assert_eq!(order["total_cents"], 2 * 1150 + 250 + 300);
    assert_eq!(order["currency"], "EUR");
    assert_eq!(order["delivery_address"]["postal_code"], "69002");
    assert_eq!(order["changeable"], true);
    assert_eq!(
        s.app.stock_of(s.shop, "pate-a-pizza").await,
        dough_before - 500
    );
    assert_eq!(
        s.app.stock_of(s.shop, "mozzarella").await,
        mozzarella_before - 240
    );
    let id = order["id"].as_str().unwrap();

    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let courier = s.staff(Role::Delivery).await;
    assert_eq!(s.move_to(&pizzaiolo, id, "preparing").await.status(), 200);
    // Too late to change it now.
    assert_problem(
        s.app
            .post(
                &format!("/api/v1/orders/{id}/cancel"),
                Some(&s.customer),
                json!({}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(s.move_to(&pizzaiolo, id, "ready").await.status(), 200);
    let res = s.move_to(&courier, id, "out_for_delivery").await;
    let taken: Value = res.json().await.unwrap();
    assert!(taken["courier_id"].is_string());
    // Another delivery person cannot close someone else's delivery.
    let other_courier = s.staff(Role::Delivery).await;
    assert_problem(s.move_to(&other_courier, id, "delivered").await, 403).await;
    // Not without saying what was collected.
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/transitions"),
            Some(&courier),
            json!({"to": "delivered"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["collected"]
    );
    let done: Value = s
        .move_to(&courier, id, "delivered")
        .await
        .json()
        .await
        .unwrap();
    let payments: Value = s
        .app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(payments["items"][0]["provider"], "cash");
    assert_eq!(payments["items"][0]["status"], "succeeded");
    assert_eq!(payments["items"][0]["amount_cents"], order["total_cents"]);
    assert_eq!(done["status"], "delivered");
    let steps: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec![
            "placed",
            "preparing",
            "ready",
            "out_for_delivery",
            "delivered"
        ]
    );
    assert!(done["history"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["actor_id"].is_string() && h["at"].is_string()));
    // Its customer sees it in their list.
    let mine: Value = s
        .app
        .get("/api/v1/orders?status=delivered", Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["id"], order["id"]);
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn an_order_taker_takes_a_phone_order_for_pickup_and_hands_it_over() {
    let s = Scene::new().await;
    let desk = s.staff(Role::OrderTaker).await;
    // The caller has an account: found by phone number.
    let found: Value = s
        .app
        .get("/api/v1/customers?phone=06.12.34.56.78", Some(&desk))
        .await
        .json()
        .await
        .unwrap();
    let client = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["email"] == "client@ocpizza.fr")
        .expect("the demo customer")
        .clone();
    let body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash", "customer_id": client["id"],
        "items": [s.item("reine", "large", 1)]});
    let order: Value = s.place(&desk, body).await.json().await.unwrap();
    assert_eq!(order["customer_name"], client["full_name"]);
    assert_eq!(order["delivery_fee_cents"], 0);
    // A walk-in without an account.
    let walk_in = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "card_on_delivery",
        "walk_in": {"name": "Jean Martin", "phone": "06 98 76 54 32"}, "items": [s.item("calzone", "medium", 1)]});
    let res = s.place(&desk, walk_in).await;
    assert_eq!(res.status(), 201);
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["number"], 2, "numbers follow each other per shop");
    assert_eq!(second["customer_phone"], "+33698765432");

    let id = order["id"].as_str().unwrap();
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    s.move_to(&pizzaiolo, id, "preparing").await;
    s.move_to(&pizzaiolo, id, "ready").await;
    // A pickup is not delivered.
    assert_problem(
        s.move_to(&s.staff(Role::Delivery).await, id, "out_for_delivery")
            .await,
        409,
    )
    .await;
    let done: Value = s
        .move_to(&desk, id, "picked_up")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "picked_up");
    // Staff of another shop cannot take orders for this one.
    let elsewhere = s.app.token_for(Role::OrderTaker, Some(s.other_shop)).await;
    let res = s
        .place(
            &elsewhere,
            json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash",
        "walk_in": {"name": "X", "phone": "0611111111"}, "items": [s.item("reine", "large", 1)]}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["shop_id"]
    );
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn prices_come_from_the_server_with_extras_and_removals() {
    let s = Scene::new().await;
    let ingredients: Value = s
        .app
        .get("/api/v1/ingredients", None)
        .await
        .json()
        .await
        .unwrap();
    let id = |slug: &str| {
        ingredients["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["slug"] == slug)
            .unwrap()
            .clone()
    };
    let (champignons, jambon) = (id("champignons"), id("jambon"));
    let item = json!({"product_id": s.products["reine"], "size": "medium", "quantity": 2,
        "add_ingredient_ids": [champignons["id"]], "remove_ingredient_ids": [jambon["id"]]});
    let quote: Value = s
        .app
        .post(
            "/api/v1/orders/quote",
            None,
            json!({"shop_id": s.shop, "fulfilment": "pickup", "items": [item.clone()]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let unit = 1250 + champignons["extra_price_cents"].as_i64().unwrap();
    assert_eq!(quote["lines"][0]["unit_price_cents"], unit);
    assert_eq!(quote["total_cents"], 2 * unit);
    assert_eq!(quote["in_stock"], true);
    assert_eq!(quote["shop_open"], true);
    assert_eq!(quote["lines"][0]["removed"][0]["name"], jambon["name"]);
    // A client cannot send its own price or status.
    let mut body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash", "items": [item.clone()]});
    body["total_cents"] = json!(1);
    assert_eq!(
        problem_fields(&assert_problem(s.place(&s.customer, body).await, 422).await),
        vec!["total_cents"]
    );
    let mut body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash", "items": [item.clone()]});
    body["items"][0]["unit_price_cents"] = json!(1);
    assert_eq!(
        problem_fields(&assert_problem(s.place(&s.customer, body).await, 422).await),
        vec!["items[0].unit_price_cents"]
    );
    let jambon_before = s.app.stock_of(s.shop, "jambon").await;
    let champignons_before = s.app.stock_of(s.shop, "champignons").await;
    let order: Value = s.place(&s.customer, json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash", "items": [item]})).await.json().await.unwrap();
    assert_eq!(order["total_cents"], 2 * unit);
    assert_eq!(
        s.app.stock_of(s.shop, "jambon").await,
        jambon_before,
        "removed: no ham taken"
    );
    let extra = champignons["extra_quantity"].as_i64().unwrap();
    assert_eq!(
        s.app.stock_of(s.shop, "champignons").await,
        champignons_before - 2 * (60 + extra)
    );
}

#[tokio::test]
async fn a_bad_order_names_each_problem_and_keeps_nothing() {
    let s = Scene::new().await;
    let check = |body: Value, fields: Vec<&'static str>| {
        let s = &s;
        async move {
            let mut got =
                problem_fields(&assert_problem(s.place(&s.customer, body).await, 422).await);
            got.sort();
            assert_eq!(got, fields);
        }
    };
    check(s.delivery_order(json!([])), vec!["items"]).await;
    check(
        s.delivery_order(json!([s.item("margherita", "medium", 0)])),
        vec!["items[0].quantity"],
    )
    .await;
    check(
        s.delivery_order(json!([s.item("margherita", "medium", 500)])),
        vec!["items[0].quantity"],
    )
    .await;
    check(
        s.delivery_order(json!([s.item("margherita", "xxl", 1)])),
        vec!["items[0].size"],
    )
    .await;
    check(
        s.delivery_order(json!([{"product_id": Uuid::new_v4(), "size": "medium", "quantity": 1}])),
        vec!["items[0].product_id"],
    )
    .await;
    check(
        s.delivery_order(json!([s.item("coca-cola", "33cl", 1)])),
        vec!["items"],
    )
    .await; // below the minimum
    let mut far = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    far["delivery_address"]["postal_code"] = json!("75001");
    check(far, vec!["delivery_address.postal_code"]).await;
    let mut no_address = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    no_address
        .as_object_mut()
        .unwrap()
        .remove("delivery_address");
    check(no_address, vec!["delivery_address"]).await;
    let mut pickup_with_address = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    pickup_with_address["fulfilment"] = json!("pickup");
    check(pickup_with_address, vec!["delivery_address"]).await;
    let mut bad_enum = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    bad_enum["payment_method"] = json!("bitcoin");
    check(bad_enum, vec!["payment_method"]).await;
    // Closed: today the shop opens on no day at all.
    s.app
        .with_db(|conn| {
            use diesel::prelude::*;
            diesel::sql_query("DELETE FROM shop_hours")
                .execute(conn)
                .unwrap();
        })
        .await;
    check(
        s.delivery_order(json!([s.item("margherita", "large", 1)])),
        vec!["shop_id"],
    )
    .await;
    let count: i64 = s
        .app
        .with_db(|conn| {
            use diesel::prelude::*;
            ocpizza::schema::orders::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 0);
    // Pizzaiolos and delivery people do not take orders.
    assert_problem(
        s.place(
            &s.staff(Role::Pizzaiolo).await,
            s.delivery_order(json!([s.item("margherita", "large", 1)])),
        )
        .await,
        403,
    )
    .await;
    assert_problem(s.place("", s.delivery_order(json!([]))).await, 401).await;
}

#[tokio::test]
async fn an_order_the_stock_cannot_make_is_refused_whole() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let ingredients: Value = s
        .app
        .get("/api/v1/ingredients", None)
        .await
        .json()
        .await
        .unwrap();
    let basilic = ingredients["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "basilic")
        .unwrap()["id"]
        .clone();
    let left = s.app.stock_of(s.shop, "basilic").await;
    // Waste all but 2 g of basil: a medium Margherita needs 3 g.
    let res = s.app.post(&format!("/api/v1/shops/{}/stock/movements", s.shop), Some(&manager), json!({"ingredient_id": basilic, "delta": -(left - 2), "reason": "waste", "note": "fané"})).await;
    assert_eq!(res.status(), 201);
    let dough = s.app.stock_of(s.shop, "pate-a-pizza").await;
    let res = s
        .place(
            &s.customer,
            s.delivery_order(json!([
                s.item("reine", "medium", 1),
                s.item("margherita", "medium", 1)
            ])),
        )
        .await;
    let body = assert_problem(res, 409).await;
    let missing = body["extra"]["missing_ingredients"].as_array().unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["needed"], 3);
    assert_eq!(missing[0]["available"], 2);
    assert_eq!(
        s.app.stock_of(s.shop, "pate-a-pizza").await,
        dough,
        "the Reine's dough was not kept either"
    );
    // The menu shows it.
    let menu: Value = s
        .app
        .get(&format!("/api/v1/shops/{}/menu", s.shop), None)
        .await
        .json()
        .await
        .unwrap();
    let margherita = menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["products"].as_array().unwrap())
        .find(|p| p["slug"] == "margherita")
        .unwrap();
    assert_eq!(
        margherita["sizes"][0]["available"], true,
        "a small one needs 2 g"
    );
    assert_eq!(margherita["sizes"][1]["available"], false);
    // The same order with an idempotency key (the key's row and the order commit together): the
    // same 409, nothing kept, not even the key: once basil is back, that key places the order.
    let short_order = s.delivery_order(json!([
        s.item("reine", "medium", 1),
        s.item("margherita", "medium", 1)
    ]));
    let keyed = |body: Value| {
        s.app
            .client
            .post(s.app.url("/api/v1/orders"))
            .bearer_auth(&s.customer)
            .header("Idempotency-Key", "short-of-basil")
            .json(&body)
            .send()
    };
    let res = keyed(short_order.clone()).await.unwrap();
    let body = assert_problem(res, 409).await;
    assert_eq!(body["extra"]["missing_ingredients"][0]["needed"], 3);
    assert_eq!(s.app.stock_of(s.shop, "pate-a-pizza").await, dough);
    let res = s
        .app
        .post(
            &format!("/api/v1/shops/{}/stock/movements", s.shop),
            Some(&manager),
            json!({"ingredient_id": basilic, "delta": 10, "reason": "restock"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = keyed(short_order).await.unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("idempotent-replayed").is_none());
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn cancelling_gives_the_ingredients_back_and_modifying_adjusts_them() {
    let s = Scene::new().await;
    let dough = s.app.stock_of(s.shop, "pate-a-pizza").await;
    let order: Value = s
        .place(
            &s.customer,
            s.delivery_order(json!([s.item("margherita", "large", 1)])),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = order["id"].as_str().unwrap().to_string();
    assert_eq!(s.app.stock_of(s.shop, "pate-a-pizza").await, dough - 400);
    // Now two large ones instead, delivered elsewhere in the zone.
    let res = s
        .app
        .send("PATCH", &format!("/api/v1/orders/{id}"), Some(&s.customer), json!({"items": [s.item("margherita", "large", 2)], "delivery_address": {"line1": "8 quai Perrache", "postal_code": "69002", "city": "Lyon"}}))
        .await;
    assert_eq!(res.status(), 200);
    let modified: Value = res.json().await.unwrap();
    assert_eq!(modified["total_cents"], 2 * 1450 + 300);
    assert_eq!(modified["delivery_address"]["line1"], "8 quai Perrache");
    assert_eq!(s.app.stock_of(s.shop, "pate-a-pizza").await, dough - 800);
    // Another customer cannot see, change or cancel it: it does not exist for them.
    let stranger = s.app.token_for(Role::Customer, None).await;
    assert_problem(
        s.app
            .get(&format!("/api/v1/orders/{id}"), Some(&stranger))
            .await,
        404,
    )
    .await;
    assert_problem(
        s.app
            .send(
                "PATCH",
                &format!("/api/v1/orders/{id}"),
                Some(&stranger),
                json!({"notes": "x"}),
            )
            .await,
        404,
    )
    .await;
    assert_problem(
        s.app
            .post(
                &format!("/api/v1/orders/{id}/cancel"),
                Some(&stranger),
                json!({}),
            )
            .await,
        404,
    )
    .await;
    assert_problem(
        s.app
            .get(&format!("/api/v1/orders/{id}/events"), Some(&stranger))
            .await,
        404,
    )
    .await;
    // Kitchen staff cannot cancel.
    assert_problem(
        s.app
            .post(
                &format!("/api/v1/orders/{id}/cancel"),
                Some(&s.staff(Role::Pizzaiolo).await),
                json!({}),
            )
            .await,
        403,
    )
    .await;
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&s.customer),
            json!({"reason": "plus faim"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    let last = cancelled["history"].as_array().unwrap().last().unwrap();
    assert_eq!(last["note"], "plus faim");
    assert_eq!(
        (&last["event"], &last["reason"]),
        (&json!("moved"), &json!("plus faim"))
    );
    assert_eq!(s.app.stock_of(s.shop, "pate-a-pizza").await, dough);
    assert_problem(
        s.app
            .post(
                &format!("/api/v1/orders/{id}/cancel"),
                Some(&s.customer),
                json!({}),
            )
            .await,
        409,
    )
    .await;
    assert_problem(
        s.app
            .send(
                "PATCH",
                &format!("/api/v1/orders/{id}"),
                Some(&s.customer),
                json!({"notes": "x"}),
            )
            .await,
        409,
    )
    .await;
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn each_role_moves_only_its_own_steps_and_only_in_its_shop() {
    let s = Scene::new().await;
    let order: Value = s
        .place(
            &s.customer,
            s.delivery_order(json!([s.item("margherita", "large", 1)])),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = order["id"].as_str().unwrap();
    assert_problem(s.move_to(&s.customer, id, "preparing").await, 403).await;
    assert_problem(
        s.move_to(&s.staff(Role::Delivery).await, id, "preparing")
            .await,
        403,
    )
    .await;
    assert_problem(
        s.move_to(&s.staff(Role::OrderTaker).await, id, "preparing")
            .await,
        403,
    )
    .await;
    assert_problem(
        s.move_to(&s.staff(Role::Pizzaiolo).await, id, "out_for_delivery")
            .await,
        403,
    )
    .await;
    assert_problem(
        s.move_to(&s.staff(Role::Pizzaiolo).await, id, "ready")
            .await,
        409,
    )
    .await; // skips preparing
    assert_problem(
        s.move_to(&s.staff(Role::Pizzaiolo).await, id, "cancelled")
            .await,
        403,
    )
    .await;
    let elsewhere = s.app.token_for(Role::Pizzaiolo, Some(s.other_shop)).await;
    assert_problem(s.move_to(&elsewhere, id, "preparing").await, 404).await;
    assert_problem(
        s.app
            .get(&format!("/api/v1/orders/{id}"), Some(&elsewhere))
            .await,
        404,
    )
    .await;
    let theirs: Value = s
        .app
        .get("/api/v1/orders", Some(&elsewhere))
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["items"].as_array().unwrap().is_empty());
    let manager = s.staff(Role::Manager).await;
    assert_eq!(s.move_to(&manager, id, "preparing").await.status(), 200);
    // Two pizzaiolos press "ready" at once: one wins, the other is told it already moved.
    let (a, b) = (
        s.staff(Role::Pizzaiolo).await,
        s.staff(Role::Pizzaiolo).await,
    );
    let (ra, rb) = tokio::join!(s.move_to(&a, id, "ready"), s.move_to(&b, id, "ready"));
    let mut codes = vec![ra.status().as_u16(), rb.status().as_u16()];
    codes.sort();
    assert_eq!(codes, vec![200, 409]);
    let bad = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/transitions"),
            Some(&manager),
            json!({"to": "eaten"}),
        )
        .await;
    assert_eq!(problem_fields(&assert_problem(bad, 422).await), vec!["to"]);
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_creates_nothing_new() {
    let s = Scene::new().await;
    let body = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    let send = |body: Value, key: &'static str| {
        s.app
            .client
            .post(s.app.url("/api/v1/orders"))
            .bearer_auth(&s.customer)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = send(body.clone(), "k-1").await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send(body.clone(), "k-1").await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let other_body = s.delivery_order(json!([s.item("margherita", "large", 2)]));
    let res = send(other_body, "k-1").await.unwrap();
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["Idempotency-Key"]
    );
    let list: Value = s
        .app
        .get("/api/v1/orders", Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_drink_sold_in_one_size_needs_no_size_and_a_pizza_says_which_is_missing() {
    let s = Scene::new().await;
    let body = s.delivery_order(json!([
        s.item("margherita", "large", 1),
        {"product_id": s.products["coca-cola"], "quantity": 2}
    ]));
    let res = s.place(&s.customer, body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let order: Value = res.json().await.unwrap();
    assert_eq!(order["lines"][1]["size"], "33cl");
    let body = s.delivery_order(json!([{"product_id": s.products["margherita"], "quantity": 1}]));
    let problem = crate::helpers::assert_problem(s.place(&s.customer, body).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "items[0].size");
    assert_eq!(problem["errors"][0]["code"], "required");
}
