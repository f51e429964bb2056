//! Reports: orders placed, paid, cancelled, refunded and moved at known times (set in the
//! database), across midnight and both DST changes of Europe/Paris, checked to the cent and the
//! second, per shop and for the chain; who may read them; CSV.

use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use ocpizza::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, problem_fields, TestApp};
use crate::orders::Scene;

/// The orders' scene, without a minimum order (one pizza is a sale).
async fn scene() -> Scene {
    let s = Scene::new().await;
    sql(&s.app, "UPDATE shops SET min_order_cents = 0").await;
    s
}

/// Places an order as the customer and dates its placement (and creation) `at` (RFC 3339).
async fn place_at(s: &Scene, body: Value, at: &str) -> (String, i64) {
    let res = s.place(&s.customer, body).await;
    let status = res.status();
    let order: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{order}");
    let id = order["id"].as_str().unwrap().to_string();
    set_step(&s.app, &id, "placed", at).await;
    set_step(&s.app, &id, "pending_payment", at).await;
    (id, order["total_cents"].as_i64().unwrap())
}

/// Dates the history entries of an order into `to`.
async fn set_step(app: &TestApp, order: &str, to: &str, at: &str) {
    let (order, to, at) = (
        order.parse::<Uuid>().unwrap(),
        to.to_string(),
        at.to_string(),
    );
    app.with_db(move |conn| {
        diesel::sql_query(
            "UPDATE order_status_history SET created_at = $2::timestamptz
             WHERE order_id = $1 AND to_status = $3",
        )
        .bind::<SqlUuid, _>(order)
        .bind::<Text, _>(&at)
        .bind::<Text, _>(&to)
        .execute(conn)
        .unwrap();
        if to == "placed" || to == "pending_payment" {
            diesel::sql_query("UPDATE orders SET created_at = $2::timestamptz WHERE id = $1")
                .bind::<SqlUuid, _>(order)
                .bind::<Text, _>(&at)
                .execute(conn)
                .unwrap();
        }
    })
    .await;
}

async fn sql(app: &TestApp, statement: &'static str) {
    app.with_db(move |conn| diesel::sql_query(statement).execute(conn).unwrap())
        .await;
}

async fn report(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn pickup(s: &Scene, shop: Uuid, quantity: i32) -> Value {
    json!({"shop_id": shop, "fulfilment": "pickup", "payment_method": "cash",
           "items": [s.item("margherita", "medium", quantity)]})
}

fn margherita_delivery(s: &Scene) -> Value {
    s.delivery_order(json!([s.item("margherita", "medium", 1)]))
}

/// The scene of the sales tests, around the spring DST change (29 March 2026, 02:00 CET →
/// 03:00 CEST, i.e. 01:00 UTC). The other shop is put in La Réunion (UTC+4) to show that the
/// chain counts each shop's own days.
struct Sales {
    s: Scene,
    manager: String,
    admin: String,
}

async fn sales_scene() -> Sales {
    let s = scene().await;
    sql(
        &s.app,
        "UPDATE shops SET timezone = 'Indian/Reunion' WHERE slug = 'lyon-part-dieu'",
    )
    .await;
    // 28 March, 23:30 in Lyon.
    let (_, c) = place_at(&s, pickup(&s, s.shop, 1), "2026-03-28T22:30:00Z").await;
    assert_eq!(c, 1150);
    // 29 March, 00:30 in Lyon: after midnight.
    let (a, total_a) = place_at(&s, margherita_delivery(&s), "2026-03-28T23:30:00Z").await;
    assert_eq!(total_a, 1150 + 300);
    // 29 March, 03:30 CEST: after the change.
    let (_, total_b) = place_at(&s, pickup(&s, s.shop, 2), "2026-03-29T01:30:00Z").await;
    assert_eq!(total_b, 2300);
    // Placed then cancelled: counted apart.
    let (d, _) = place_at(&s, margherita_delivery(&s), "2026-03-29T10:00:00Z").await;
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{d}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // An online order never paid: no sale.
    let mut online = margherita_delivery(&s);
    online["payment_method"] = json!("online");
    let res = s.place(&s.customer, online).await;
    assert_eq!(res.status(), 201);
    let unpaid: Value = res.json().await.unwrap();
    assert_eq!(unpaid["status"], "pending_payment");
    set_step(
        &s.app,
        unpaid["id"].as_str().unwrap(),
        "pending_payment",
        "2026-03-29T09:00:00Z",
    )
    .await;
    // The other shop: 29 March at 01:00 in La Réunion (still the 28th in Lyon), and 30 March
    // at 00:30 there (still the 29th in Lyon).
    place_at(&s, pickup(&s, s.other_shop, 1), "2026-03-28T21:00:00Z").await;
    place_at(&s, pickup(&s, s.other_shop, 3), "2026-03-29T20:30:00Z").await;
    // 500 refunded on A on the 29th, 200 more just after midnight (the 30th in Lyon).
    let a: Uuid = a.parse().unwrap();
    s.app
        .with_db(move |conn| {
            diesel::sql_query(
                "WITH p AS (INSERT INTO payments (order_id, provider, amount_cents, currency, status, refunded_cents)
                            VALUES ($1, 'cash', 1450, 'EUR', 'succeeded', 700) RETURNING id)
                 INSERT INTO refunds (payment_id, amount_cents, status, created_at)
                 SELECT id, 500, 'succeeded', '2026-03-29T15:00:00Z'::timestamptz FROM p
                 UNION ALL SELECT id, 200, 'succeeded', '2026-03-29T22:30:00Z' FROM p
                 UNION ALL SELECT id, 999, 'pending', '2026-03-29T15:00:00Z' FROM p",
            )
            .bind::<SqlUuid, _>(a)
            .execute(conn)
            .unwrap();
        })
        .await;
    let manager = s.staff(Role::Manager).await;
    let admin = s.app.token_for(Role::Admin, None).await;
    Sales { s, manager, admin }
}

#[tokio::test]
async fn a_manager_sees_the_days_sales_across_midnight_and_the_spring_dst_change() {
    let Sales { s, manager, .. } = sales_scene().await;
    let shop = s.shop;
    let day = report(
        &s.app,
        &manager,
        &format!(
            "/api/v1/reports/sales?from=2026-03-29&to=2026-03-29&shop_id={shop}&granularity=hour"
        ),
    )
    .await;
    assert_eq!(day["currency"], "EUR");
    assert_eq!(
        day["totals"],
        json!({"orders": 2, "revenue_cents": 3750, "average_basket_cents": 1875,
               "cancelled": 1, "refunded_cents": 500})
    );
    let series = day["series"].as_array().unwrap();
    assert_eq!(series.len(), 24, "every local hour of the day");
    assert_eq!(
        series[0],
        json!({"period": "2026-03-29T00:00", "orders": 1, "revenue_cents": 1450})
    );
    assert_eq!(
        series[3],
        json!({"period": "2026-03-29T03:00", "orders": 1, "revenue_cents": 2300})
    );
    let summed: i64 = series
        .iter()
        .map(|p| p["revenue_cents"].as_i64().unwrap())
        .sum();
    assert_eq!(summed, 3750, "the series adds up to the totals");
    assert_eq!(
        day["by_fulfilment"],
        json!([{"fulfilment": "delivery", "orders": 1, "revenue_cents": 1450},
               {"fulfilment": "pickup", "orders": 1, "revenue_cents": 2300}])
    );
    assert_eq!(
        day["by_payment_method"],
        json!([{"payment_method": "cash", "orders": 2, "revenue_cents": 3750}])
    );
    // 29 March 2026 is a Sunday.
    assert_eq!(
        day["by_hour_of_week"],
        json!([{"weekday": 7, "hour": 0, "orders": 1, "revenue_cents": 1450},
               {"weekday": 7, "hour": 3, "orders": 1, "revenue_cents": 2300}])
    );

    let two_days = report(
        &s.app,
        &manager,
        &format!("/api/v1/reports/sales?from=2026-03-28&to=2026-03-29&shop_id={shop}"),
    )
    .await;
    assert_eq!(
        two_days["series"],
        json!([{"period": "2026-03-28", "orders": 1, "revenue_cents": 1150},
               {"period": "2026-03-29", "orders": 2, "revenue_cents": 3750}])
    );
    assert_eq!(two_days["totals"]["orders"], 3);
    assert_eq!(two_days["totals"]["average_basket_cents"], 1633);

    let products = report(
        &s.app,
        &manager,
        &format!("/api/v1/reports/products?from=2026-03-29&to=2026-03-29&shop_id={shop}"),
    )
    .await;
    assert_eq!(
        products["items"],
        json!([{"product_id": s.products["margherita"], "name": "Margherita",
                "quantity": 3, "revenue_cents": 3450, "share": 1.0}])
    );
    assert_eq!(products["sizes"][0]["size_code"], "medium");
    assert_eq!(products["sizes"][0]["quantity"], 3);
}

#[tokio::test]
async fn the_chain_counts_each_shops_own_day() {
    let Sales { s, admin, .. } = sales_scene().await;
    let chain = report(
        &s.app,
        &admin,
        "/api/v1/reports/sales?from=2026-03-29&to=2026-03-29",
    )
    .await;
    assert_eq!(chain["shop_id"], Value::Null);
    assert_eq!(
        chain["totals"],
        json!({"orders": 3, "revenue_cents": 4900, "average_basket_cents": 1633,
               "cancelled": 1, "refunded_cents": 500})
    );
    assert_eq!(
        chain["series"],
        json!([{"period": "2026-03-29", "orders": 3, "revenue_cents": 4900}])
    );
    let other = report(
        &s.app,
        &admin,
        &format!(
            "/api/v1/reports/sales?from=2026-03-29&to=2026-03-30&shop_id={}&granularity=month",
            s.other_shop
        ),
    )
    .await;
    assert_eq!(
        other["series"],
        json!([{"period": "2026-03-01", "orders": 2, "revenue_cents": 4600}])
    );
}

#[tokio::test]
async fn kitchen_and_delivery_times_are_exact_across_the_autumn_dst_change() {
    let s = scene().await;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let courier = s.staff(Role::Delivery).await;
    let desk = s.staff(Role::OrderTaker).await;
    let manager = s.staff(Role::Manager).await;
    // 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC. Placed at 02:50 CEST, ready at
    // 02:10 CET: the clock went back, the kitchen took 20 minutes.
    let (x1, _) = place_at(&s, margherita_delivery(&s), "2026-10-25T00:50:00Z").await;
    for to in ["preparing", "ready"] {
        assert_eq!(s.move_to(&pizzaiolo, &x1, to).await.status(), 200);
    }
    for to in ["out_for_delivery", "delivered"] {
        assert_eq!(s.move_to(&courier, &x1, to).await.status(), 200);
    }
    set_step(&s.app, &x1, "preparing", "2026-10-25T00:55:00Z").await;
    set_step(&s.app, &x1, "ready", "2026-10-25T01:10:00Z").await;
    set_step(&s.app, &x1, "out_for_delivery", "2026-10-25T01:15:00Z").await;
    set_step(&s.app, &x1, "delivered", "2026-10-25T01:40:00Z").await;
    let (x2, _) = place_at(&s, pickup(&s, s.shop, 1), "2026-10-25T10:00:00Z").await;
    for to in ["preparing", "ready"] {
        assert_eq!(s.move_to(&pizzaiolo, &x2, to).await.status(), 200);
    }
    assert_eq!(s.move_to(&desk, &x2, "picked_up").await.status(), 200);
    set_step(&s.app, &x2, "preparing", "2026-10-25T10:05:00Z").await;
    set_step(&s.app, &x2, "ready", "2026-10-25T10:30:00Z").await;
    set_step(&s.app, &x2, "picked_up", "2026-10-25T10:35:00Z").await;
    // Placed at 02:20 CET, the second time the clock read 02:xx; still in the oven.
    place_at(&s, pickup(&s, s.shop, 1), "2026-10-25T01:20:00Z").await;

    let shop = s.shop;
    let times = report(
        &s.app,
        &manager,
        &format!(
            "/api/v1/reports/times?from=2026-10-25&to=2026-10-25&shop_id={shop}&granularity=hour"
        ),
    )
    .await;
    assert_eq!(
        times["preparation"],
        json!({"count": 2, "avg_seconds": 1500, "p50_seconds": 1500, "p90_seconds": 1740,
               "series": [
                   {"period": "2026-10-25T02:00", "count": 1, "avg_seconds": 1200, "p50_seconds": 1200, "p90_seconds": 1200},
                   {"period": "2026-10-25T11:00", "count": 1, "avg_seconds": 1800, "p50_seconds": 1800, "p90_seconds": 1800}]})
    );
    assert_eq!(
        times["delivery"],
        json!({"count": 1, "avg_seconds": 1500, "p50_seconds": 1500, "p90_seconds": 1500,
               "series": [{"period": "2026-10-25T02:00", "count": 1, "avg_seconds": 1500, "p50_seconds": 1500, "p90_seconds": 1500}]})
    );
    assert_eq!(times["pickup_wait"]["count"], 1);
    assert_eq!(times["pickup_wait"]["avg_seconds"], 300);

    // Both 02:xx of the day fall in one local hour; the day still has its 24 points.
    let sales = report(
        &s.app,
        &manager,
        &format!(
            "/api/v1/reports/sales?from=2026-10-25&to=2026-10-25&shop_id={shop}&granularity=hour"
        ),
    )
    .await;
    let series = sales["series"].as_array().unwrap();
    assert_eq!(series.len(), 24);
    assert_eq!(
        series[2],
        json!({"period": "2026-10-25T02:00", "orders": 2, "revenue_cents": 2600})
    );
    assert_eq!(sales["totals"]["orders"], 3);
    assert_eq!(sales["totals"]["revenue_cents"], 3750);
}

#[tokio::test]
async fn the_stock_report_shows_what_orders_used_and_what_leaked() {
    let s = scene().await;
    let manager = s.staff(Role::Manager).await;
    let shop = s.shop;
    let mozzarella: Uuid = s
        .app
        .with_db(|conn| {
            use ocpizza::schema::ingredients;
            ingredients::table
                .filter(ingredients::slug.eq("mozzarella"))
                .select(ingredients::id)
                .first(conn)
                .unwrap()
        })
        .await;
    let started = chrono::Utc::now() - chrono::Duration::seconds(1);
    s.place(
        &s.customer,
        s.delivery_order(json!([s.item("margherita", "medium", 2)])),
    )
    .await;
    let (cancelled, _) = place_at(&s, margherita_delivery(&s), "2026-06-10T09:00:00Z").await;
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{cancelled}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    for (delta, reason) in [(-30, "waste"), (-18, "adjustment"), (5000, "restock")] {
        let res = s
            .app
            .post(
                &format!("/api/v1/shops/{shop}/stock/movements"),
                Some(&manager),
                json!({"ingredient_id": mozzarella, "delta": delta, "reason": reason}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    s.app
        .with_db(move |conn| {
            diesel::sql_query(
                "UPDATE stock_movements SET created_at = '2026-06-10T12:00:00Z' WHERE created_at >= $1",
            )
            .bind::<diesel::sql_types::Timestamptz, _>(started)
            .execute(conn)
            .unwrap();
        })
        .await;
    let stock = report(
        &s.app,
        &manager,
        &format!("/api/v1/reports/stock?from=2026-06-10&to=2026-06-10&shop_id={shop}"),
    )
    .await;
    let row = stock["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ingredient_id"] == json!(mozzarella))
        .unwrap()
        .clone();
    assert_eq!(
        row,
        json!({"ingredient_id": mozzarella, "name": row["name"], "unit": row["unit"],
               "used_by_orders": 360, "returned_by_cancels": 120, "wasted": 30,
               "adjusted": -18, "adjustments": 1, "restocked": 5000, "gap": 0.2})
    );
    let other_day = report(
        &s.app,
        &manager,
        &format!("/api/v1/reports/stock?from=2026-06-11&to=2026-06-11&shop_id={shop}"),
    )
    .await;
    assert_eq!(other_day["items"], json!([]));
}

#[tokio::test]
async fn managers_read_their_own_shop_and_admins_the_chain() {
    let s = scene().await;
    let app = &s.app;
    let manager = s.staff(Role::Manager).await;
    let admin = app.token_for(Role::Admin, None).await;
    let period = "from=2026-03-01&to=2026-03-31";
    let (mine, other) = (s.shop, s.other_shop);
    for report in ["sales", "products", "times", "stock"] {
        let path = |q: String| format!("/api/v1/reports/{report}?{period}{q}");
        assert_eq!(
            app.get(&path(format!("&shop_id={mine}")), Some(&manager))
                .await
                .status(),
            200
        );
        assert_problem(
            app.get(&path(format!("&shop_id={other}")), Some(&manager))
                .await,
            403,
        )
        .await;
        assert_problem(app.get(&path(String::new()), Some(&manager)).await, 403).await;
        assert_eq!(
            app.get(&path(String::new()), Some(&admin)).await.status(),
            200
        );
        assert_eq!(
            app.get(&path(format!("&shop_id={other}")), Some(&admin))
                .await
                .status(),
            200
        );
        let nowhere = Uuid::new_v4();
        assert_problem(
            app.get(&path(format!("&shop_id={nowhere}")), Some(&admin))
                .await,
            404,
        )
        .await;
        assert_problem(app.get(&path(format!("&shop_id={mine}")), None).await, 401).await;
        for role in [
            Role::Customer,
            Role::OrderTaker,
            Role::Pizzaiolo,
            Role::Delivery,
        ] {
            let shop = role.belongs_to_a_shop().then_some(mine);
            let token = app.token_for(role, shop).await;
            assert_problem(
                app.get(&path(format!("&shop_id={mine}")), Some(&token))
                    .await,
                403,
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_bad_period_names_its_parameter() {
    let s = scene().await;
    let admin = s.app.token_for(Role::Admin, None).await;
    for (query, field) in [
        ("from=2026-02-30&to=2026-03-01", "from"),
        ("from=2026-03-01&to=tomorrow", "to"),
        ("to=2026-03-01", "from"),
        ("from=2026-03-02&to=2026-03-01", "to"),
        ("from=2025-01-01&to=2027-01-01", "to"),
        (
            "from=2026-03-01&to=2026-03-02&granularity=year",
            "granularity",
        ),
        ("from=2026-03-01&to=2026-03-02&shop_id=lyon", "shop_id"),
    ] {
        let res = s
            .app
            .get(&format!("/api/v1/reports/sales?{query}"), Some(&admin))
            .await;
        let body = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&body), [field], "{query}");
    }
    let res = s
        .app
        .get(
            "/api/v1/reports/sales?from=2025-01-01&to=2026-12-31",
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 200, "two years is allowed");
}

#[tokio::test]
async fn every_report_downloads_as_csv() {
    let Sales { s, manager, .. } = sales_scene().await;
    let shop = s.shop;
    let client = reqwest::Client::new();
    let csv = |report: &str| {
        client
            .get(s.app.url(&format!(
                "/api/v1/reports/{report}?from=2026-03-28&to=2026-03-29&shop_id={shop}"
            )))
            .bearer_auth(&manager)
            .header("Accept", "text/csv")
            .send()
    };
    let res = csv("sales").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("sales-2026-03-28-2026-03-29.csv"));
    assert_eq!(
        res.text().await.unwrap(),
        "period,orders,revenue_cents,currency\r\n2026-03-28,1,1150,EUR\r\n2026-03-29,2,3750,EUR\r\n"
    );
    let products = csv("products").await.unwrap().text().await.unwrap();
    assert_eq!(
        products,
        format!(
            "product_id,name,quantity,revenue_cents,share,currency\r\n{},Margherita,4,4600,1,EUR\r\n",
            s.products["margherita"]
        )
    );
    let times = csv("times").await.unwrap().text().await.unwrap();
    assert_eq!(
        times,
        "measure,period,count,avg_seconds,p50_seconds,p90_seconds\r\n"
    );
    let stock = csv("stock").await.unwrap().text().await.unwrap();
    assert!(stock.starts_with(
        "ingredient_id,name,unit,used_by_orders,returned_by_cancels,wasted,adjusted,adjustments,restocked,gap\r\n"
    ));
}
