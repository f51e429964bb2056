//! Many orders at once: stock never oversold nor negative, idempotent retries create one order,
//! and live events cross API instances.

use std::time::Duration;

use futures_util::future::join_all;
use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::orders::Scene;

#[tokio::test]
async fn two_hundred_concurrent_orders_for_n_cans_give_exactly_n_orders() {
    let s = Scene::new().await;
    const CANS: i64 = 37;
    let shop = s.shop;
    s.app
        .with_db(move |conn| {
            use diesel::prelude::*;
            // No minimum order for this test, and exactly CANS cans of Coca-Cola left (as a waste
            // movement, so stock still equals the movements).
            diesel::sql_query("UPDATE shops SET min_order_cents = 0 WHERE id = $1").bind::<diesel::sql_types::Uuid, _>(shop).execute(conn).unwrap();
            diesel::sql_query(
                "WITH c AS (SELECT s.ingredient_id, s.quantity FROM stock s JOIN ingredients i ON i.id = s.ingredient_id
                            WHERE s.shop_id = $1 AND i.slug = 'canette-coca-cola-33cl')
                 INSERT INTO stock_movements (shop_id, ingredient_id, delta, reason, note) SELECT $1, ingredient_id, $2 - quantity, 'adjustment', 'test' FROM c",
            )
            .bind::<diesel::sql_types::Uuid, _>(shop)
            .bind::<diesel::sql_types::BigInt, _>(CANS)
            .execute(conn)
            .unwrap();
            diesel::sql_query("UPDATE stock s SET quantity = $2 FROM ingredients i WHERE i.id = s.ingredient_id AND s.shop_id = $1 AND i.slug = 'canette-coca-cola-33cl'")
                .bind::<diesel::sql_types::Uuid, _>(shop)
                .bind::<diesel::sql_types::BigInt, _>(CANS)
                .execute(conn)
                .unwrap();
        })
        .await;
    let body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash", "items": [s.item("coca-cola", "33cl", 1)]});
    let attempts = (0..200).map(|_| {
        let (client, url, token, body) = (
            s.app.client.clone(),
            s.app.url("/api/v1/orders"),
            s.customer.clone(),
            body.clone(),
        );
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    });
    let statuses: Vec<u16> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap().expect("an answer"))
        .collect();
    let created = statuses.iter().filter(|s| **s == 201).count() as i64;
    let refused = statuses.iter().filter(|s| **s == 409).count() as i64;
    assert_eq!(created, CANS, "statuses: {statuses:?}");
    assert_eq!(
        refused,
        200 - CANS,
        "every other attempt is a 409, none a 5xx: {statuses:?}"
    );
    assert_eq!(s.app.stock_of(s.shop, "canette-coca-cola-33cl").await, 0);
    s.app.assert_stock_matches_movements().await;
    // Order numbers are unique and gapless.
    let numbers: Vec<i32> = s
        .app
        .with_db(move |conn| {
            use diesel::prelude::*;
            use ocpizza::schema::orders;
            orders::table
                .filter(orders::shop_id.eq(shop))
                .order(orders::number)
                .select(orders::number)
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(numbers, (1..=CANS as i32).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_same_idempotency_key_sent_ten_times_at_once_makes_one_order() {
    let s = Scene::new().await;
    let body = s.delivery_order(json!([s.item("reine", "medium", 1)]));
    let sends = (0..10).map(|_| {
        let (client, url, token, body) = (
            s.app.client.clone(),
            s.app.url("/api/v1/orders"),
            s.customer.clone(),
            body.clone(),
        );
        tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "double-click")
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        })
    });
    let answers: Vec<(u16, Value)> = join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        answers.iter().all(|(status, _)| *status == 201),
        "{answers:?}"
    );
    let first_id = &answers[0].1["id"];
    assert!(answers.iter().all(|(_, body)| &body["id"] == first_id));
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
    assert_eq!(count, 1);
    s.app.assert_stock_matches_movements().await;
}

/// Reads server-sent events until `want` `status` events arrived (or the time is up).
async fn read_events(res: reqwest::Response, want: usize) -> Vec<Value> {
    let mut res = res;
    let mut buffer = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while events
        .iter()
        .filter(|(name, _): &&(String, Value)| name == "status")
        .count()
        < want
    {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .expect("events in time")
            .unwrap();
        let Some(chunk) = chunk else { break };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let name = block
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or("")
                .to_string();
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                events.push((name, serde_json::from_str(data).unwrap()));
            }
        }
    }
    events
        .into_iter()
        .map(|(name, mut v)| {
            v["event"] = json!(name);
            v
        })
        .collect()
}

#[tokio::test]
async fn a_customer_connected_to_one_instance_sees_changes_made_on_another() {
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
    let id = order["id"].as_str().unwrap().to_string();
    let other = s.app.another_instance();
    let stream = s
        .app
        .client
        .get(format!("{}/api/v1/orders/{id}/events", other.address))
        .bearer_auth(&s.customer)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let reader = tokio::spawn(read_events(stream, 3));
    // Let the instance's listener settle, then the staff act through the first instance.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    s.move_to(&pizzaiolo, &id, "preparing").await;
    s.move_to(&pizzaiolo, &id, "ready").await;
    s.move_to(&s.staff(Role::Delivery).await, &id, "out_for_delivery")
        .await;
    let events = reader.await.unwrap();
    assert_eq!(events[0]["event"], "snapshot");
    assert_eq!(events[0]["status"], "placed");
    let statuses: Vec<&str> = events[1..]
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["preparing", "ready", "out_for_delivery"]);
    drop(other);
}

#[tokio::test]
async fn a_rolled_back_change_is_never_announced() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let mut receiver = {
        // The server's own fan-out is internal; listen like it does, on a separate connection.
        let events = ocpizza::live::LiveEvents::start(app.db.url.clone());
        tokio::time::sleep(Duration::from_millis(300)).await;
        (events.subscribe(), events)
    };
    let event = move |order: uuid::Uuid, status| ocpizza::live::NewShopEvent {
        shop_id: shop,
        kind: ocpizza::live::ShopEventKind::OrderMoved,
        order_id: Some(order),
        number: Some(1),
        status: Some(status),
        note: None,
        ingredient_ids: Vec::new(),
    };
    app.with_db(move |conn| {
        use diesel::prelude::*;
        let _ = conn.transaction::<(), diesel::result::Error, _>(|conn| {
            ocpizza::live::announce(
                conn,
                event(uuid::Uuid::new_v4(), ocpizza::states::Status::Ready),
            )
            .unwrap();
            Err(diesel::result::Error::RollbackTransaction)
        });
        conn.transaction::<(), diesel::result::Error, _>(|conn| {
            ocpizza::live::announce(
                conn,
                event(uuid::Uuid::nil(), ocpizza::states::Status::Placed),
            )
            .unwrap();
            Ok(())
        })
        .unwrap();
    })
    .await;
    let event = tokio::time::timeout(Duration::from_secs(5), receiver.0.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        event.order_id,
        Some(uuid::Uuid::nil()),
        "the first event received is the committed one"
    );
}
