//! Placement through `place_order()` priced from the catalog cache: a catalog changed behind the
//! cache (another instance, or SQL) is never what an order pays, and a change racing an order
//! waits for it.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Uuid as SqlUuid};
use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::assert_problem;
use crate::menu::{menu_at, product};
use crate::orders::Scene;

fn catalog_version(conn: &mut PgConnection) -> i64 {
    ocpizza::schema::catalog_version::table
        .select(ocpizza::schema::catalog_version::version)
        .first(conn)
        .unwrap()
}

fn set_price_sql(
    product: uuid::Uuid,
    code: &'static str,
    cents: i32,
) -> impl FnOnce(&mut PgConnection) -> (i64, i64) {
    move |conn| {
        let before = catalog_version(conn);
        diesel::sql_query(
            "UPDATE product_sizes SET price_cents = $3 WHERE product_id = $1 AND code = $2",
        )
        .bind::<SqlUuid, _>(product)
        .bind::<diesel::sql_types::Text, _>(code)
        .bind::<Integer, _>(cents)
        .execute(conn)
        .unwrap();
        (before, catalog_version(conn))
    }
}

fn shop_menu_version(conn: &mut PgConnection, shop: uuid::Uuid) -> i64 {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = BigInt)]
        version: i64,
    }
    diesel::sql_query("SELECT version FROM shop_menu_versions WHERE shop_id = $1")
        .bind::<SqlUuid, _>(shop)
        .get_result::<Version>(conn)
        .unwrap()
        .version
}

/// Runs `statements` with the triggers off (no menu version bumped, nothing notified: the API's
/// listener hears nothing), then moves the shop's menu version by hand: the shop changed behind
/// the API's menu state, as a change whose notification is not in yet.
fn change_shop_unheard(
    shop: uuid::Uuid,
    statements: &'static [&'static str],
) -> impl FnOnce(&mut PgConnection) {
    move |conn| {
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::sql_query("SET LOCAL session_replication_role = replica").execute(conn)?;
            for statement in statements {
                diesel::sql_query(*statement)
                    .bind::<SqlUuid, _>(shop)
                    .execute(conn)?;
            }
            diesel::sql_query(
                "UPDATE shop_menu_versions SET version = version + 1 WHERE shop_id = $1",
            )
            .bind::<SqlUuid, _>(shop)
            .execute(conn)?;
            Ok(())
        })
        .unwrap();
    }
}

#[tokio::test]
async fn a_shop_changed_behind_its_menu_state_is_checked_again_from_the_tables() {
    let s = Scene::new().await;
    let body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash",
                      "items": [s.item("coca-cola", "33cl", 1), s.item("margherita", "large", 1)]});
    // The first order loads the shop's menu state (its row, hours, closures, pauses).
    assert_eq!(s.place(&s.customer, body.clone()).await.status(), 201);
    // A minimum raised behind it: the order is refused as the tables say, not as the state did.
    s.app
        .with_db(change_shop_unheard(
            s.shop,
            &["UPDATE shops SET min_order_cents = 100000 WHERE id = $1"],
        ))
        .await;
    let problem = assert_problem(s.place(&s.customer, body.clone()).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "items", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "below_minimum", "{problem}");
    // Put back (heard this time), then a pause behind the state: a 409 naming the line.
    s.app
        .with_db(move |conn| {
            diesel::sql_query("UPDATE shops SET min_order_cents = 0 WHERE id = $1")
                .bind::<SqlUuid, _>(s.shop)
                .execute(conn)
                .unwrap();
        })
        .await;
    assert_eq!(s.place(&s.customer, body.clone()).await.status(), 201);
    s.app
        .with_db(change_shop_unheard(
            s.shop,
            &["INSERT INTO product_pauses (shop_id, product_id)
               SELECT $1, id FROM products WHERE slug = 'margherita'"],
        ))
        .await;
    let problem = assert_problem(s.place(&s.customer, body).await, 409).await;
    assert_eq!(
        problem["errors"][0]["field"], "items[1].product_id",
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["code"], "paused", "{problem}");
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn a_price_changed_behind_the_cache_is_the_price_the_next_order_pays() {
    let s = Scene::new().await;
    let margherita = s.products["margherita"];
    let body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash",
                      "items": [s.item("margherita", "large", 2)]});
    // The first order loads the cache.
    let first = s.place(&s.customer, body.clone()).await;
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let old_price = first["lines"][0]["unit_price_cents"].as_i64().unwrap();
    // Another instance (here: SQL) changes the price; this instance's cache is not told.
    let (before, after) = s
        .app
        .with_db(set_price_sql(margherita, "large", 1999))
        .await;
    assert_eq!(
        after,
        before + 1,
        "every catalog statement bumps the version"
    );
    assert_ne!(old_price, 1999);
    let second = s.place(&s.customer, body.clone()).await;
    assert_eq!(second.status(), 201);
    let second: serde_json::Value = second.json().await.unwrap();
    assert_eq!(second["lines"][0]["unit_price_cents"], 1999);
    assert_eq!(second["lines"][0]["line_total_cents"], 3998);
    assert_eq!(second["subtotal_cents"], 3998);
    // What was written is what was answered.
    let id: uuid::Uuid = second["id"].as_str().unwrap().parse().unwrap();
    let (subtotal, unit): (i32, i32) = s
        .app
        .with_db(move |conn| {
            use ocpizza::schema::{order_lines, orders};
            let subtotal = orders::table
                .find(id)
                .select(orders::subtotal_cents)
                .first(conn)
                .unwrap();
            let unit = order_lines::table
                .filter(order_lines::order_id.eq(id))
                .select(order_lines::unit_price_cents)
                .first(conn)
                .unwrap();
            (subtotal, unit)
        })
        .await;
    assert_eq!((subtotal, unit), (3998, 1999));
    // The next order is priced from the reloaded cache at the new price too.
    let third: serde_json::Value = s.place(&s.customer, body).await.json().await.unwrap();
    assert_eq!(third["lines"][0]["unit_price_cents"], 1999);
    assert_eq!(
        third["number"].as_i64().unwrap(),
        second["number"].as_i64().unwrap() + 1
    );
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn a_product_withdrawn_behind_the_cache_is_refused_naming_its_line() {
    let s = Scene::new().await;
    let margherita = s.products["margherita"];
    let body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash",
                      "items": [s.item("coca-cola", "33cl", 1), s.item("margherita", "large", 1)]});
    assert_eq!(s.place(&s.customer, body.clone()).await.status(), 201);
    let orders_before = s
        .app
        .with_db(move |conn| {
            diesel::sql_query("UPDATE products SET active = false WHERE id = $1")
                .bind::<SqlUuid, _>(margherita)
                .execute(conn)
                .unwrap();
            ocpizza::schema::orders::table
                .count()
                .get_result::<i64>(conn)
                .unwrap()
        })
        .await;
    let problem = assert_problem(s.place(&s.customer, body).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "items[1].product_id");
    assert_eq!(problem["errors"][0]["code"], "unknown");
    let orders_after = s
        .app
        .with_db(|conn| {
            ocpizza::schema::orders::table
                .count()
                .get_result::<i64>(conn)
                .unwrap()
        })
        .await;
    assert_eq!(orders_before, orders_after, "nothing kept");
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn a_catalog_change_racing_an_order_holds_it_until_committed_and_the_order_pays_the_new_price(
) {
    let s = Scene::new().await;
    let margherita = s.products["margherita"];
    let body = json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash",
                      "items": [s.item("margherita", "large", 1)]});
    assert_eq!(s.place(&s.customer, body.clone()).await.status(), 201);
    // A catalog writer changes the price and holds its transaction open.
    let (changed_tx, changed_rx) = std::sync::mpsc::channel::<()>();
    let (commit_tx, commit_rx) = std::sync::mpsc::channel::<()>();
    let url = s.app.db.url.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&url).unwrap();
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::sql_query("UPDATE product_sizes SET price_cents = 2222 WHERE product_id = $1 AND code = 'large'")
                .bind::<SqlUuid, _>(margherita)
                .execute(conn)?;
            changed_tx.send(()).unwrap();
            commit_rx.recv().unwrap();
            Ok(())
        })
        .unwrap();
    });
    tokio::task::spawn_blocking(move || changed_rx.recv().unwrap())
        .await
        .unwrap();
    let (client, url, token) = (
        s.app.client.clone(),
        s.app.url("/api/v1/orders"),
        s.customer.clone(),
    );
    let order = tokio::spawn(async move {
        let res = client
            .post(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (
            res.status().as_u16(),
            res.json::<serde_json::Value>().await.unwrap(),
        )
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        !order.is_finished(),
        "the order waits for the catalog change to end"
    );
    commit_tx.send(()).unwrap();
    writer.await.unwrap();
    let (status, placed) = tokio::time::timeout(Duration::from_secs(10), order)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status, 201, "{placed}");
    assert_eq!(placed["lines"][0]["unit_price_cents"], 2222);
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn place_order_refuses_a_short_stock_naming_each_ingredient_and_a_stale_version_writing_nothing(
) {
    let s = Scene::new().await;
    let shop = s.shop;
    let counts = |conn: &mut PgConnection| {
        (
            ocpizza::schema::orders::table
                .count()
                .get_result::<i64>(conn)
                .unwrap(),
            ocpizza::schema::order_status_history::table
                .count()
                .get_result::<i64>(conn)
                .unwrap(),
        )
    };
    let before = s.app.with_db(counts).await;
    let (stale, short) = s
        .app
        .with_db(move |conn| {
            #[derive(QueryableByName)]
            struct Row {
                #[diesel(sql_type = diesel::sql_types::Text)]
                outcome: String,
            }
            let (ingredient, quantity): (uuid::Uuid, i64) = ocpizza::schema::stock::table
                .filter(ocpizza::schema::stock::shop_id.eq(shop))
                .order(ocpizza::schema::stock::ingredient_id)
                .select((
                    ocpizza::schema::stock::ingredient_id,
                    ocpizza::schema::stock::quantity,
                ))
                .first(conn)
                .unwrap();
            let user: uuid::Uuid = ocpizza::schema::users::table
                .select(ocpizza::schema::users::id)
                .first(conn)
                .unwrap();
            let order = json!({"id": uuid::Uuid::new_v4(), "shop_id": shop, "created_by": user,
                "status": "placed", "fulfilment": "pickup", "payment_method": "cash",
                "customer_name": "Test", "subtotal_cents": 100, "delivery_fee_cents": 0,
                "total_cents": 100, "currency": "EUR"});
            let call = |conn: &mut PgConnection,
                        version: Option<i64>,
                        shop_version: Option<i64>,
                        quantity: i64|
             -> Result<Row, diesel::result::Error> {
                diesel::sql_query("SELECT outcome FROM place_order($1, $2, $3, '[]', $4, $5)")
                    .bind::<diesel::sql_types::Nullable<BigInt>, _>(version)
                    .bind::<diesel::sql_types::Nullable<BigInt>, _>(shop_version)
                    .bind::<diesel::sql_types::Jsonb, _>(&order)
                    .bind::<diesel::sql_types::Array<SqlUuid>, _>(vec![ingredient])
                    .bind::<diesel::sql_types::Array<BigInt>, _>(vec![quantity])
                    .get_result(conn)
            };
            let version = catalog_version(conn);
            let shop_version = shop_menu_version(conn, shop);
            let stale = [
                call(conn, Some(version - 1), Some(shop_version), 1)
                    .unwrap()
                    .outcome,
                call(conn, Some(version), Some(shop_version - 1), 1)
                    .unwrap()
                    .outcome,
            ];
            // A shortage aborts the statement, on its own (no transaction around it): the lines
            // and history entry written before the check go with it.
            let short = match call(conn, Some(version), Some(shop_version), quantity + 1) {
                Err(diesel::result::Error::DatabaseError(_, info)) => (
                    info.message().to_string(),
                    info.details()
                        .map(|d| serde_json::from_str::<serde_json::Value>(d).unwrap()),
                ),
                other => panic!("{:?}", other.map(|r| r.outcome)),
            };
            (stale, (short.0, short.1, ingredient, quantity))
        })
        .await;
    assert_eq!(stale, ["stale_catalog", "stale_shop"]);
    let (outcome, shortages, ingredient, quantity) = short;
    assert_eq!(outcome, "out_of_stock");
    let shortages = shortages.unwrap();
    assert_eq!(shortages[0]["ingredient_id"], ingredient.to_string());
    assert_eq!(shortages[0]["needed"], quantity + 1);
    assert_eq!(shortages[0]["available"], quantity);
    // The stale call wrote nothing, not even a history entry.
    assert_eq!(s.app.with_db(counts).await, before);
    s.app.assert_stock_matches_movements().await;
}

/// The basil of a Margherita's size (2 g small, 3 g medium in the seed).
fn basil_for(conn: &mut PgConnection, size: &str) -> (uuid::Uuid, i64) {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        id: uuid::Uuid,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        quantity: i32,
    }
    let row: Row = diesel::sql_query(
        "SELECT i.id, r.quantity FROM recipe_items r JOIN ingredients i ON i.id = r.ingredient_id
           JOIN product_sizes ps ON ps.id = r.product_size_id JOIN products p ON p.id = ps.product_id
          WHERE p.slug = 'margherita' AND ps.code = $1 AND i.slug = 'basilic'",
    )
    .bind::<diesel::sql_types::Text, _>(size)
    .get_result(conn)
    .unwrap();
    (row.id, i64::from(row.quantity))
}

/// The `stock_changed` events of a shop, oldest first: the ingredients of each.
fn stock_events(conn: &mut PgConnection, shop: uuid::Uuid) -> Vec<Vec<uuid::Uuid>> {
    use ocpizza::schema::shop_events;
    shop_events::table
        .filter(shop_events::shop_id.eq(shop))
        .filter(shop_events::kind.eq("stock_changed"))
        .order(shop_events::id)
        .select(shop_events::ingredient_ids)
        .load(conn)
        .unwrap()
}

#[tokio::test]
async fn an_order_through_a_recipes_level_bumps_the_shops_menu_once_and_every_instance_sees_it() {
    let s = Scene::new().await;
    let shop = s.shop;
    let other = s.app.another_instance();
    let manager = s.staff(Role::Manager).await;
    let (basil, small) = s.app.with_db(|conn| basil_for(conn, "small")).await;
    let (_, medium) = s.app.with_db(|conn| basil_for(conn, "medium")).await;
    assert!(small < medium);
    // With a drink, over the minimum; the drink needs no basil.
    let pickup = |item: Value| {
        let drink = s.item("coca-cola", "33cl", 2);
        json!({"shop_id": shop, "fulfilment": "pickup", "payment_method": "cash", "items": [item, drink]})
    };
    let app = &s.app;
    let sizes_at = |base: String| async move {
        let menu = menu_at(app, &base, shop).await;
        product(&menu, "margherita")["sizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| {
                (
                    z["code"].as_str().unwrap().to_string(),
                    z["available"] == true,
                )
            })
            .collect::<Vec<_>>()
    };
    let available =
        |sizes: &[(String, bool)], code: &str| sizes.iter().find(|(c, _)| c == code).unwrap().1;
    // Both instances have the menu cached, every size available.
    for base in [s.app.address.clone(), other.address.clone()] {
        assert!(sizes_at(base).await.iter().all(|(_, a)| *a));
    }

    // An order through no level a recipe or an extra needs leaves the menu's version alone.
    let version = s
        .app
        .with_db(move |conn| shop_menu_version(conn, shop))
        .await;
    let events = s.app.with_db(move |conn| stock_events(conn, shop)).await;
    let res = s
        .place(&s.customer, pickup(s.item("margherita", "medium", 1)))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    assert_eq!(
        s.app
            .with_db(move |conn| shop_menu_version(conn, shop))
            .await,
        version
    );
    assert_eq!(
        s.app.with_db(move |conn| stock_events(conn, shop)).await,
        events
    );

    // A movement leaves just what a medium one needs (the trigger bumps the version for it).
    let left = s.app.stock_of(shop, "basilic").await;
    let res = s
        .app
        .post(
            &format!("/api/v1/shops/{shop}/stock/movements"),
            Some(&manager),
            json!({"ingredient_id": basil, "delta": medium - left, "reason": "waste"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    assert!(available(&sizes_at(other.address.clone()).await, "medium"));
    let version = s
        .app
        .with_db(move |conn| shop_menu_version(conn, shop))
        .await;
    let events = s.app.with_db(move |conn| stock_events(conn, shop)).await;

    // A small one goes through the medium's level and the small's: one bump, one event naming
    // the basil, and the other instance's next read shows neither size.
    let res = s
        .place(&s.customer, pickup(s.item("margherita", "small", 1)))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    assert_eq!(s.app.stock_of(shop, "basilic").await, medium - small);
    assert_eq!(
        s.app
            .with_db(move |conn| shop_menu_version(conn, shop))
            .await,
        version + 1,
        "bumped once, by place_order() alone"
    );
    let after = s.app.with_db(move |conn| stock_events(conn, shop)).await;
    assert_eq!(after.len(), events.len() + 1);
    assert_eq!(after.last().unwrap(), &vec![basil]);
    let sizes = sizes_at(other.address.clone()).await;
    assert!(
        !available(&sizes, "medium") && !available(&sizes, "small"),
        "{sizes:?}"
    );

    // In the transaction of an order, the stock's own trigger still hears every later update:
    // place_order() handles its own update only.
    let bumped = s
        .app
        .with_db(move |conn| {
            diesel::sql_query("BEGIN").execute(conn).unwrap();
            let user: uuid::Uuid = ocpizza::schema::users::table
                .select(ocpizza::schema::users::id)
                .first(conn)
                .unwrap();
            let order = json!({"id": uuid::Uuid::new_v4(), "shop_id": shop, "created_by": user,
                "status": "placed", "fulfilment": "pickup", "payment_method": "cash",
                "customer_name": "Test", "subtotal_cents": 100, "delivery_fee_cents": 0,
                "total_cents": 100, "currency": "EUR"});
            let dough: uuid::Uuid = ocpizza::schema::ingredients::table
                .filter(ocpizza::schema::ingredients::slug.eq("pate-a-pizza"))
                .select(ocpizza::schema::ingredients::id)
                .first(conn)
                .unwrap();
            diesel::sql_query("SELECT outcome FROM place_order(NULL, NULL, $1, '[]', $2, $3)")
                .bind::<diesel::sql_types::Jsonb, _>(&order)
                .bind::<diesel::sql_types::Array<SqlUuid>, _>(vec![dough])
                .bind::<diesel::sql_types::Array<BigInt>, _>(vec![1i64])
                .execute(conn)
                .unwrap();
            let before = shop_menu_version(conn, shop);
            diesel::sql_query(
                "UPDATE stock SET quantity = quantity + $3 WHERE shop_id = $1 AND ingredient_id = $2",
            )
            .bind::<SqlUuid, _>(shop)
            .bind::<SqlUuid, _>(basil)
            .bind::<BigInt, _>(medium)
            .execute(conn)
            .unwrap();
            let after = shop_menu_version(conn, shop);
            diesel::sql_query("ROLLBACK").execute(conn).unwrap();
            after - before
        })
        .await;
    assert_eq!(bumped, 1);
    drop(other);
}
