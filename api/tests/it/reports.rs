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
pub(crate) async fn scene() -> Scene {
    let s = Scene::new().await;
    sql(&s.app, "UPDATE shops SET min_order_cents = 0").await;
    s
}

/// Places an order as the customer and dates its placement (and creation) `at` (RFC 3339).
pub(crate) async fn place_at(s: &Scene, body: Value, at: &str) -> (String, i64) {
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
pub(crate) async fn set_step(app: &TestApp, order: &str, to: &str, at: &str) {
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

pub(crate) async fn sql(app: &TestApp, statement: &'static str) {
    app.with_db(move |conn| diesel::sql_query(statement).execute(conn).unwrap())
        .await;
}

async fn report(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

pub(crate) fn pickup(s: &Scene, shop: Uuid, quantity: i32) -> Value {
    json!({"shop_id": shop, "fulfilment": "pickup", "payment_method": "cash",
           "items": [s.item("margherita", "medium", quantity)]})
}

pub(crate) fn margherita_delivery(s: &Scene) -> Value {
    s.delivery_order(json!([s.item("margherita", "medium", 1)]))
}

/// The scene of the sales tests, around the spring DST change (29 March 2026, 02:00 CET →
/// 03:00 CEST, i.e. 01:00 UTC). The other shop is put in La Réunion (UTC+4) to show that the
/// chain counts each shop's own days.
pub(crate) struct Sales {
    pub s: Scene,
    pub manager: String,
    pub admin: String,
}

pub(crate) async fn sales_scene() -> Sales {
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
    // A count 12 below the stock: the server records the difference, an adjustment too.
    let counted = s.app.stock_of(shop, "mozzarella").await - 12;
    let res = s
        .app
        .post(
            &format!("/api/v1/shops/{shop}/stock/movements"),
            Some(&manager),
            json!({"ingredient_id": mozzarella, "reason": "count", "quantity": counted}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    s.app
        .with_db(move |conn| {
            for table in ["stock_movements", "order_stock_takes"] {
                diesel::sql_query(format!(
                    "UPDATE {table} SET created_at = '2026-06-10T12:00:00Z' WHERE created_at >= $1"
                ))
                .bind::<diesel::sql_types::Timestamptz, _>(started)
                .execute(conn)
                .unwrap();
            }
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
               "adjusted": -30, "adjustments": 2, "restocked": 5000, "gap": 0.25})
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

/// The ingredients' ids by slug, from the public list.
async fn ingredient_ids(s: &Scene) -> std::collections::HashMap<String, Value> {
    let list: Value = s
        .app
        .get("/api/v1/ingredients", None)
        .await
        .json()
        .await
        .unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["slug"].as_str().unwrap().to_string(), i["id"].clone()))
        .collect()
}

#[tokio::test]
async fn the_products_report_counts_sizes_extras_and_removals_to_the_unit_and_the_cent() {
    let s = scene().await;
    let manager = s.staff(Role::Manager).await;
    let admin = s.app.token_for(Role::Admin, None).await;
    let ing = ingredient_ids(&s).await;
    let line = |slug: &str, size: &str, quantity: i32, add: &[&str], remove: &[&str]| {
        let mut item = s.item(slug, size, quantity);
        item["add_ingredient_ids"] = json!(add.iter().map(|a| ing[*a].clone()).collect::<Vec<_>>());
        item["remove_ingredient_ids"] =
            json!(remove.iter().map(|r| ing[*r].clone()).collect::<Vec<_>>());
        item
    };
    let order = |shop: Uuid, items: Vec<Value>| json!({"shop_id": shop, "fulfilment": "pickup", "payment_method": "cash", "items": items});
    // 12 May 2026 in Lyon (UTC+2). Two Reine medium with mushrooms (1.00) and without ham:
    // 2 × 13.50; a Margherita large with mushrooms and mozzarella (1.50): 17.00.
    let (_, total) = place_at(
        &s,
        order(
            s.shop,
            vec![
                line("reine", "medium", 2, &["champignons"], &["jambon"]),
                line(
                    "margherita",
                    "large",
                    1,
                    &["champignons", "mozzarella"],
                    &[],
                ),
            ],
        ),
        "2026-05-12T10:00:00Z",
    )
    .await;
    assert_eq!(total, 2 * 1350 + 1700);
    // A Reine medium without ham or mushrooms: 12.50.
    let (_, total) = place_at(
        &s,
        order(
            s.shop,
            vec![line("reine", "medium", 1, &[], &["jambon", "champignons"])],
        ),
        "2026-05-12T18:00:00Z",
    )
    .await;
    assert_eq!(total, 1250);
    // Cancelled: neither its pizza nor its extra count.
    let (cancelled, _) = place_at(
        &s,
        order(
            s.shop,
            vec![line(
                "margherita",
                "small",
                4,
                &["mozzarella"],
                &["basilic"],
            )],
        ),
        "2026-05-12T12:00:00Z",
    )
    .await;
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{cancelled}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // 00:30 on the 13th in Lyon: another day.
    place_at(
        &s,
        order(
            s.shop,
            vec![line("reine", "large", 1, &["olives-noires"], &[])],
        ),
        "2026-05-12T22:30:00Z",
    )
    .await;
    // The other shop, the same day: a Margherita medium with black olives (1.00).
    place_at(
        &s,
        order(
            s.other_shop,
            vec![line("margherita", "medium", 1, &["olives-noires"], &[])],
        ),
        "2026-05-12T12:00:00Z",
    )
    .await;

    let shop = s.shop;
    let lyon = report(
        &s.app,
        &manager,
        &format!("/api/v1/reports/products?from=2026-05-12&to=2026-05-12&shop_id={shop}"),
    )
    .await;
    let (reine, margherita) = (s.products["reine"], s.products["margherita"]);
    assert_eq!(
        lyon["items"],
        json!([{"product_id": reine, "name": "Reine", "quantity": 3, "revenue_cents": 3950, "share": 0.6991},
               {"product_id": margherita, "name": "Margherita", "quantity": 1, "revenue_cents": 1700, "share": 0.3009}])
    );
    assert_eq!(
        lyon["sizes"],
        json!([{"product_id": reine, "name": "Reine", "size_code": "medium", "size_label": "Moyenne (30 cm)",
                "quantity": 3, "revenue_cents": 3950},
               {"product_id": margherita, "name": "Margherita", "size_code": "large", "size_label": "Grande (40 cm)",
                "quantity": 1, "revenue_cents": 1700}])
    );
    // An extra counts once per pizza it is on; its revenue is its price on each.
    assert_eq!(
        lyon["extras"],
        json!([{"ingredient_id": ing["champignons"], "name": "Champignons de Paris", "times": 3, "revenue_cents": 300},
               {"ingredient_id": ing["mozzarella"], "name": "Mozzarella fior di latte", "times": 1, "revenue_cents": 150}])
    );
    assert_eq!(
        lyon["removed"],
        json!([{"ingredient_id": ing["jambon"], "name": "Jambon blanc", "times": 3, "revenue_cents": 0},
               {"ingredient_id": ing["champignons"], "name": "Champignons de Paris", "times": 1, "revenue_cents": 0}])
    );

    let chain = report(
        &s.app,
        &admin,
        "/api/v1/reports/products?from=2026-05-12&to=2026-05-12",
    )
    .await;
    assert_eq!(
        chain["items"],
        json!([{"product_id": reine, "name": "Reine", "quantity": 3, "revenue_cents": 3950, "share": 0.5725},
               {"product_id": margherita, "name": "Margherita", "quantity": 2, "revenue_cents": 2950, "share": 0.4275}])
    );
    assert_eq!(
        chain["sizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| (
                z["size_code"].as_str().unwrap(),
                z["quantity"].as_i64().unwrap(),
                z["revenue_cents"].as_i64().unwrap()
            ))
            .collect::<Vec<_>>(),
        [("medium", 3, 3950), ("large", 1, 1700), ("medium", 1, 1250)]
    );
    assert_eq!(
        chain["extras"],
        json!([{"ingredient_id": ing["champignons"], "name": "Champignons de Paris", "times": 3, "revenue_cents": 300},
               {"ingredient_id": ing["mozzarella"], "name": "Mozzarella fior di latte", "times": 1, "revenue_cents": 150},
               {"ingredient_id": ing["olives-noires"], "name": "Olives noires", "times": 1, "revenue_cents": 100}])
    );
    assert_eq!(chain["removed"], lyon["removed"]);
}

#[tokio::test]
async fn the_chains_stock_report_sums_each_ingredient_over_the_shops_and_its_gap() {
    let s = scene().await;
    let admin = s.app.token_for(Role::Admin, None).await;
    let ing = ingredient_ids(&s).await;
    let started = chrono::Utc::now() - chrono::Duration::seconds(1);
    // Lyon: one Margherita medium (120 g of mozzarella, 250 g of dough); Part-Dieu: two.
    for (shop, quantity) in [(s.shop, 1), (s.other_shop, 2)] {
        let res = s.place(&s.customer, pickup(&s, shop, quantity)).await;
        assert_eq!(res.status(), 201);
    }
    for (shop, delta, reason) in [
        (s.shop, -30, "waste"),
        (s.other_shop, -12, "adjustment"),
        (s.other_shop, 1000, "restock"),
    ] {
        let res = s
            .app
            .post(
                &format!("/api/v1/shops/{shop}/stock/movements"),
                Some(&admin),
                json!({"ingredient_id": ing["mozzarella"], "delta": delta, "reason": reason}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    s.app
        .with_db(move |conn| {
            for table in ["stock_movements", "order_stock_takes"] {
                diesel::sql_query(format!(
                    "UPDATE {table} SET created_at = '2026-06-10T12:00:00Z' WHERE created_at >= $1"
                ))
                .bind::<diesel::sql_types::Timestamptz, _>(started)
                .execute(conn)
                .unwrap();
            }
        })
        .await;
    let row = |report: &Value, slug: &str| {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["ingredient_id"] == ing[slug])
            .cloned()
            .unwrap_or_else(|| panic!("{slug} in {report}"))
    };
    let figures = |r: &Value| {
        json!([
            r["used_by_orders"],
            r["returned_by_cancels"],
            r["wasted"],
            r["adjusted"],
            r["adjustments"],
            r["restocked"],
            r["gap"]
        ])
    };
    let chain = report(
        &s.app,
        &admin,
        "/api/v1/reports/stock?from=2026-06-10&to=2026-06-10",
    )
    .await;
    assert_eq!(chain["shop_id"], Value::Null);
    // 360 g used; (30 wasted + 12 corrected away) / 360 = 0.1167.
    assert_eq!(
        figures(&row(&chain, "mozzarella")),
        json!([360, 0, 30, -12, 1, 1000, 0.1167])
    );
    assert_eq!(
        figures(&row(&chain, "pate-a-pizza")),
        json!([750, 0, 0, 0, 0, 0, 0.0])
    );
    let ids: Vec<&Value> = chain["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["ingredient_id"])
        .collect();
    assert_eq!(
        ids.iter().filter(|id| ***id == ing["mozzarella"]).count(),
        1,
        "one row per ingredient for the chain"
    );
    // Each shop alone: 30 / 120 = 0.25 and 12 / 240 = 0.05.
    let lyon = report(
        &s.app,
        &admin,
        &format!(
            "/api/v1/reports/stock?from=2026-06-10&to=2026-06-10&shop_id={}",
            s.shop
        ),
    )
    .await;
    assert_eq!(
        figures(&row(&lyon, "mozzarella")),
        json!([120, 0, 30, 0, 0, 0, 0.25])
    );
    let part_dieu = report(
        &s.app,
        &admin,
        &format!(
            "/api/v1/reports/stock?from=2026-06-10&to=2026-06-10&shop_id={}",
            s.other_shop
        ),
    )
    .await;
    assert_eq!(
        figures(&row(&part_dieu, "mozzarella")),
        json!([240, 0, 0, -12, 1, 1000, 0.05])
    );
}

#[tokio::test]
async fn an_online_order_is_a_sale_when_paid_and_its_refund_counts_apart() {
    let s = scene().await;
    let manager = s.staff(Role::Manager).await;
    let mut body = pickup(&s, s.shop, 1);
    body["payment_method"] = json!("online");
    let order: Value = s.place(&s.customer, body).await.json().await.unwrap();
    assert_eq!(order["status"], "pending_payment");
    let id = order["id"].as_str().unwrap().to_string();
    let start: Value = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/payments"),
            Some(&s.customer),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let paid: Value = s
        .app
        .post(
            start["offline_confirm_url"].as_str().unwrap(),
            Some(&s.customer),
            json!({"payment_intent_id": start["payment_intent_id"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paid["status"], "placed");
    // Created at 23:50 on 1 April in Lyon, paid at 00:10 on the 2nd: a sale of the 2nd.
    set_step(&s.app, &id, "pending_payment", "2026-04-01T21:50:00Z").await;
    set_step(&s.app, &id, "placed", "2026-04-01T22:10:00Z").await;
    let shop = s.shop;
    let sales = |day: &'static str| {
        let (app, manager) = (&s.app, &manager);
        async move {
            report(
                app,
                manager,
                &format!("/api/v1/reports/sales?from={day}&to={day}&shop_id={shop}"),
            )
            .await
        }
    };
    assert_eq!(sales("2026-04-01").await["totals"]["orders"], 0);
    let second = sales("2026-04-02").await;
    assert_eq!(
        second["totals"],
        json!({"orders": 1, "revenue_cents": 1150, "average_basket_cents": 1150,
               "cancelled": 0, "refunded_cents": 0})
    );
    assert_eq!(
        second["by_payment_method"],
        json!([{"payment_method": "online", "orders": 1, "revenue_cents": 1150}])
    );
    // Cancelled on the 3rd: refunded in full by the provider; the order leaves the revenue of the
    // 2nd and counts as cancelled there; the refund is a figure of the 3rd.
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let order_id: Uuid = id.parse().unwrap();
    s.app
        .with_db(move |conn| {
            diesel::sql_query(
                "UPDATE refunds SET created_at = '2026-04-03T09:00:00Z'
                 WHERE payment_id IN (SELECT id FROM payments WHERE order_id = $1)",
            )
            .bind::<SqlUuid, _>(order_id)
            .execute(conn)
            .unwrap();
        })
        .await;
    let second = sales("2026-04-02").await;
    assert_eq!(
        second["totals"],
        json!({"orders": 0, "revenue_cents": 0, "average_basket_cents": 0,
               "cancelled": 1, "refunded_cents": 0})
    );
    let third = sales("2026-04-03").await;
    assert_eq!(third["totals"]["refunded_cents"], 1150);
    assert_eq!(third["totals"]["orders"], 0);
}
