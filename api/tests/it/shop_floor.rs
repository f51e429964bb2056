//! The shop floor's API: the shop's live feed for its screens, the recall of a ticket, the
//! counter's customer lookup, a failed delivery, and the kitchen queue's extras.

use std::time::Duration;

use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::assert_problem;
use crate::orders::Scene;

/// One server-sent event: its id, name and data.
#[derive(Debug)]
struct Sse {
    id: Option<i64>,
    name: String,
    data: Value,
}

/// Reads the stream until `done` says so (or 10 s pass: then the test fails).
async fn read_until(mut res: reqwest::Response, done: impl Fn(&[Sse]) -> bool) -> Vec<Sse> {
    let mut buffer = String::new();
    let mut events: Vec<Sse> = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(&events) {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .unwrap_or_else(|_| panic!("events in time; got {events:#?}"))
            .unwrap();
        let Some(chunk) = chunk else { break };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let field = |f: &str| block.lines().find_map(|l| l.strip_prefix(f));
            if let Some(data) = field("data: ") {
                events.push(Sse {
                    id: field("id: ").map(|i| i.parse().unwrap()),
                    name: field("event: ").unwrap_or("message").to_string(),
                    data: serde_json::from_str(data).unwrap(),
                });
            }
        }
    }
    events
}

fn orders_of(events: &[Sse]) -> Vec<(&str, &str)> {
    events
        .iter()
        .filter(|e| e.name == "order")
        .map(|e| {
            (
                e.data["order_id"].as_str().unwrap(),
                e.data["kind"].as_str().unwrap(),
            )
        })
        .collect()
}

async fn open_feed(s: &Scene, base: &str, token: &str, last: Option<i64>) -> reqwest::Response {
    let mut request = s
        .app
        .client
        .get(format!("{base}/api/v1/shops/{}/events", s.shop))
        .bearer_auth(token);
    if let Some(last) = last {
        request = request.header("Last-Event-ID", last.to_string());
    }
    let res = request.send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    res
}

async fn place(s: &Scene, shop: uuid::Uuid, fulfilment: &str) -> String {
    let mut body = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    body["shop_id"] = json!(shop);
    if fulfilment == "pickup" {
        body["fulfilment"] = json!("pickup");
        body.as_object_mut().unwrap().remove("delivery_address");
    }
    let res = s.place(&s.customer, body).await;
    assert_eq!(res.status(), 201);
    let order: Value = res.json().await.unwrap();
    order["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_kitchen_screen_sees_its_shop_only_live_from_another_instance() {
    let s = Scene::new().await;
    let waiting = place(&s, s.shop, "pickup").await;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let other = s.app.another_instance();
    let feed = open_feed(&s, &other.address, &pizzaiolo, None).await;
    let reader = tokio::spawn(read_until(feed, |events| {
        orders_of(events)
            .iter()
            .filter(|(_, kind)| *kind == "order_moved")
            .count()
            >= 1
    }));
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Another shop's order is never shown; this shop's new order and move are.
    place(&s, s.other_shop, "pickup").await;
    let fresh = place(&s, s.shop, "delivery").await;
    s.move_to(&pizzaiolo, &fresh, "preparing").await;
    let events = reader.await.unwrap();

    assert_eq!(events[0].name, "snapshot");
    assert!(events[0].id.is_some());
    let snapshot: Vec<&str> = events[0].data["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(snapshot, vec![waiting.as_str()]);
    assert_eq!(
        orders_of(&events),
        vec![
            (fresh.as_str(), "order_placed"),
            (fresh.as_str(), "order_moved")
        ]
    );
    let moved = events.iter().rfind(|e| e.name == "order").unwrap();
    assert_eq!(moved.data["status"], "preparing");
    assert!(moved.data["number"].as_i64().unwrap() > 0);
    let ids: Vec<i64> = events.iter().filter_map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
    drop(other);
}

#[tokio::test]
async fn a_screen_that_reconnects_gets_what_it_missed_then_live_events() {
    let s = Scene::new().await;
    let counter = s.staff(Role::OrderTaker).await;
    let feed = open_feed(&s, &s.app.address, &counter, None).await;
    let first = read_until(feed, |events| !events.is_empty()).await;
    let last_seen = first[0].id.unwrap();
    // While the screen is away: two orders.
    let a = place(&s, s.shop, "pickup").await;
    let b = place(&s, s.shop, "pickup").await;
    let feed = open_feed(&s, &s.app.address, &counter, Some(last_seen)).await;
    let missed = read_until(feed, |events| orders_of(events).len() >= 2).await;
    assert!(
        missed.iter().all(|e| e.name != "snapshot"),
        "no snapshot needed"
    );
    assert_eq!(
        orders_of(&missed),
        vec![(a.as_str(), "order_placed"), (b.as_str(), "order_placed")]
    );
    // An id from before what is kept (or from another database): a fresh snapshot.
    let feed = open_feed(&s, &s.app.address, &counter, Some(i64::MAX - 1)).await;
    let fresh = read_until(feed, |events| !events.is_empty()).await;
    assert_eq!(fresh[0].name, "snapshot");
    assert_eq!(fresh[0].data["orders"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn running_out_of_an_ingredient_is_announced_as_a_stock_event() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let feed = open_feed(&s, &s.app.address, &manager, None).await;
    let reader = tokio::spawn(read_until(feed, |events| {
        events.iter().any(|e| e.name == "stock")
    }));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mozzarella = s.app.stock_of(s.shop, "mozzarella").await;
    let ingredient = s
        .app
        .with_db(|conn| {
            use diesel::prelude::*;
            use ocpizza::schema::ingredients;
            ingredients::table
                .filter(ingredients::slug.eq("mozzarella"))
                .select(ingredients::id)
                .first::<uuid::Uuid>(conn)
                .unwrap()
        })
        .await;
    let res = s
        .app
        .post(
            &format!("/api/v1/shops/{}/stock/movements", s.shop),
            Some(&manager),
            json!({"ingredient_id": ingredient, "delta": -mozzarella, "reason": "waste"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let events = reader.await.unwrap();
    let stock = events.iter().find(|e| e.name == "stock").unwrap();
    assert_eq!(stock.data["kind"], "stock_changed");
    assert_eq!(stock.data["ingredient_ids"], json!([ingredient]));
}

#[tokio::test]
async fn only_the_shops_staff_open_its_feed() {
    let s = Scene::new().await;
    let path = format!("/api/v1/shops/{}/events", s.shop);
    assert_problem(s.app.get(&path, Some(&s.customer)).await, 403).await;
    let elsewhere = s.app.token_for(Role::Pizzaiolo, Some(s.other_shop)).await;
    assert_problem(s.app.get(&path, Some(&elsewhere)).await, 404).await;
    assert_problem(s.app.get(&path, None).await, 401).await;
    for role in [Role::OrderTaker, Role::Delivery, Role::Manager] {
        let token = s.staff(role).await;
        let res = s
            .app
            .client
            .get(s.app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{role}");
    }
}

#[tokio::test]
async fn a_pizzaiolo_recalls_a_ticket_bumped_by_mistake() {
    let s = Scene::new().await;
    let id = place(&s, s.shop, "pickup").await;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    s.move_to(&pizzaiolo, &id, "preparing").await;
    s.move_to(&pizzaiolo, &id, "ready").await;
    let queue: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/kitchen", s.shop),
            Some(&pizzaiolo),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["recent"][0]["order_id"], id.as_str(), "recallable");
    assert_eq!(queue["warn_after_minutes"], 10);
    assert_eq!(queue["late_after_minutes"], 20);
    // An order taker cannot send it back to the oven.
    let counter = s.staff(Role::OrderTaker).await;
    assert_problem(s.move_to(&counter, &id, "preparing").await, 403).await;
    let res = s.move_to(&pizzaiolo, &id, "preparing").await;
    assert_eq!(res.status(), 200);
    let order: Value = res.json().await.unwrap();
    assert_eq!(order["status"], "preparing");
    let last = order["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["from"].clone(), last["to"].clone()),
        (json!("ready"), json!("preparing"))
    );
    let queue: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/kitchen", s.shop),
            Some(&pizzaiolo),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["items"][0]["order_id"], id.as_str());
    assert_eq!(queue["recent"], json!([]));
}

#[tokio::test]
async fn kitchen_tickets_carry_kind_size_allergens_and_the_extras_quantities() {
    let s = Scene::new().await;
    let extra = s
        .app
        .with_db(|conn| {
            use diesel::prelude::*;
            use ocpizza::schema::ingredients;
            ingredients::table
                .filter(ingredients::slug.eq("mozzarella"))
                .select((ingredients::id, ingredients::extra_quantity))
                .first::<(uuid::Uuid, i32)>(conn)
                .unwrap()
        })
        .await;
    let mut body = s.delivery_order(json!([
        {"product_id": s.products["margherita"], "size": "large", "quantity": 1, "add_ingredient_ids": [extra.0]},
        s.item("coca-cola", "33cl", 2)
    ]));
    body["payment_method"] = json!("cash");
    let res = s.place(&s.customer, body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let queue: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/kitchen", s.shop),
            Some(&pizzaiolo),
        )
        .await
        .json()
        .await
        .unwrap();
    let lines = queue["items"][0]["lines"].as_array().unwrap();
    let pizza = lines.iter().find(|l| l["kind"] == "pizza").unwrap();
    let drink = lines.iter().find(|l| l["kind"] == "drink").unwrap();
    assert_eq!(pizza["size"], "large");
    assert_eq!(drink["quantity"], 2);
    // The large margherita's mozzarella plus one extra portion.
    let product: Value = s
        .app
        .get(
            &format!("/api/v1/products/{}/recipe", s.products["margherita"]),
            Some(&pizzaiolo),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pizza["allergens"], product["allergens"]);
    assert!(!product["allergens"].as_array().unwrap().is_empty());
    let large = product["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["code"] == "large")
        .unwrap();
    let base = large["recipe"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ingredient_id"] == json!(extra.0))
        .map(|r| r["quantity"].as_i64().unwrap())
        .unwrap_or(0);
    let on_ticket = pizza["recipe"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ingredient_id"] == json!(extra.0))
        .unwrap()["quantity"]
        .as_i64()
        .unwrap();
    assert_eq!(on_ticket, base + i64::from(extra.1.max(1)));
}

#[tokio::test]
async fn the_counter_finds_a_customer_by_the_last_digits_or_by_name() {
    let s = Scene::new().await;
    let res = s
        .app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "eloise@example.fr", "password": "une-longue-phrase-2026", "full_name": "Éloïse Dupré", "phone": "06 71 23 45 98"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let counter = s.staff(Role::OrderTaker).await;
    for q in [
        "4598",
        "45 98",
        "0671234598",
        "+33671234598",
        "éloïse",
        "DUPRE",
        "eloise d",
    ] {
        let res = s
            .app
            .get(
                &format!("/api/v1/customers?q={}", urlencode(q)),
                Some(&counter),
            )
            .await;
        assert_eq!(res.status(), 200, "{q}");
        let found: Value = res.json().await.unwrap();
        let names: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["full_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Éloïse Dupré"], "{q}");
    }
    for q in ["4599", "zoé"] {
        let found: Value = s
            .app
            .get(
                &format!("/api/v1/customers?q={}", urlencode(q)),
                Some(&counter),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(found["items"], json!([]), "{q}");
    }
    for q in ["459", "x", "%25%25"] {
        let problem = assert_problem(
            s.app
                .get(&format!("/api/v1/customers?q={q}"), Some(&counter))
                .await,
            422,
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "q", "{q}");
    }
    // The whole number still works as before; customers and cooks may not look.
    let found: Value = s
        .app
        .get("/api/v1/customers?phone=0671234598", Some(&counter))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    assert_problem(
        s.app
            .get("/api/v1/customers?q=4598", Some(&pizzaiolo))
            .await,
        403,
    )
    .await;
    assert_problem(
        s.app
            .get("/api/v1/customers?q=4598", Some(&s.customer))
            .await,
        403,
    )
    .await;
}

fn urlencode(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

#[tokio::test]
async fn a_failed_delivery_goes_back_to_the_shop_and_a_manager_may_cancel_it() {
    let s = Scene::new().await;
    let id = place(&s, s.shop, "delivery").await;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let courier = s.staff(Role::Delivery).await;
    let colleague = s.staff(Role::Delivery).await;
    s.move_to(&pizzaiolo, &id, "preparing").await;
    s.move_to(&pizzaiolo, &id, "ready").await;
    let path = format!("/api/v1/orders/{id}/delivery-failure");
    let reason = json!({"reason": "Personne à l'adresse"});
    // Not out yet: nothing failed.
    assert_problem(s.app.post(&path, Some(&courier), reason.clone()).await, 409).await;
    assert_eq!(
        s.move_to(&courier, &id, "out_for_delivery").await.status(),
        200
    );
    assert_problem(
        s.app.post(&path, Some(&colleague), reason.clone()).await,
        403,
    )
    .await;
    assert_problem(
        s.app.post(&path, Some(&pizzaiolo), reason.clone()).await,
        403,
    )
    .await;
    let problem = assert_problem(
        s.app
            .post(&path, Some(&courier), json!({"reason": "  "}))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "reason");
    let res = s.app.post(&path, Some(&courier), reason).await;
    assert_eq!(res.status(), 200);
    let order: Value = res.json().await.unwrap();
    assert_eq!(order["status"], "ready");
    assert_eq!(order["courier_id"], Value::Null);
    let last = order["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["from"], "out_for_delivery");
    assert_eq!(last["note"], "delivery failed: Personne à l'adresse");
    assert_eq!(last["event"], "delivery_failed");
    assert_eq!(last["reason"], "Personne à l'adresse");
    // The customer can no longer cancel a cooked pizza; the manager can, without restocking it.
    let cancel = format!("/api/v1/orders/{id}/cancel");
    assert_problem(s.app.post(&cancel, Some(&s.customer), json!({})).await, 409).await;
    let counter = s.staff(Role::OrderTaker).await;
    assert_problem(s.app.post(&cancel, Some(&counter), json!({})).await, 409).await;
    let before = s.app.stock_of(s.shop, "mozzarella").await;
    let manager = s.staff(Role::Manager).await;
    let res = s
        .app
        .post(
            &cancel,
            Some(&manager),
            json!({"reason": "client injoignable"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let order: Value = res.json().await.unwrap();
    assert_eq!(order["status"], "cancelled");
    assert_eq!(
        s.app.stock_of(s.shop, "mozzarella").await,
        before,
        "the cooked pizza is not restocked"
    );
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn the_counter_records_a_new_caller_and_finds_them_at_the_next_call() {
    let s = Scene::new().await;
    let counter = s.staff(Role::OrderTaker).await;
    let res = s
        .app
        .post(
            "/api/v1/customers",
            Some(&counter),
            json!({"full_name": "  Jean Martin ", "phone": "06 98 76 54 32"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let customer: Value = res.json().await.unwrap();
    assert_eq!(customer["full_name"], "Jean Martin");
    assert_eq!(customer["phone"], "+33698765432");
    assert_eq!(customer["email"], Value::Null);
    // Found at the next call; the same number again is refused, naming the field.
    let found: Value = s
        .app
        .get("/api/v1/customers?q=5432", Some(&counter))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["id"], customer["id"]);
    let problem = assert_problem(
        s.app
            .post(
                "/api/v1/customers",
                Some(&counter),
                json!({"full_name": "Jean M.", "phone": "+33698765432"}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "phone");
    // The phone order is theirs.
    let mut body = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    body["customer_id"] = customer["id"].clone();
    let res = s.place(&counter, body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let order: Value = res.json().await.unwrap();
    assert_eq!(order["customer_id"], customer["id"]);
    assert_eq!(order["customer_name"], "Jean Martin");
    // Bad input names every field; cooks and customers may not record anyone.
    let problem = assert_problem(
        s.app
            .post(
                "/api/v1/customers",
                Some(&counter),
                json!({"full_name": " ", "phone": "12", "email": "nope"}),
            )
            .await,
        422,
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["full_name", "phone", "email"]);
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let body = json!({"full_name": "X Y", "phone": "0600000001"});
    assert_problem(
        s.app
            .post("/api/v1/customers", Some(&pizzaiolo), body.clone())
            .await,
        403,
    )
    .await;
    assert_problem(
        s.app
            .post("/api/v1/customers", Some(&s.customer), body)
            .await,
        403,
    )
    .await;
}
