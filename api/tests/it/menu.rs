//! The public menu: light (no recipe quantities or steps), revalidated with its ETag, gzipped when
//! asked, never stale across instances, with a bounded cache; products paused in one shop.

use std::io::Read;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use ocpizza::auth::Role;
use ocpizza::catalog::{menu_json, CatalogCache, RENDERINGS_KEPT};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, problem_fields, TestApp};
use crate::orders::Scene;

pub(crate) fn product<'a>(menu: &'a Value, slug: &str) -> &'a Value {
    menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["products"].as_array().unwrap())
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} on the menu"))
}

/// Every key anywhere in a JSON document.
fn keys(v: &Value, into: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                into.push(k.clone());
                keys(v, into);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, into)),
        _ => {}
    }
}

pub(crate) async fn menu_at(app: &TestApp, base: &str, shop: Uuid) -> Value {
    let res = app
        .client
        .get(format!("{base}/api/v1/shops/{shop}/menu"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_public_menu_and_catalog_carry_no_recipe_quantities_or_steps_and_stay_small() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let res = app.get(&format!("/api/v1/shops/{shop}/menu"), None).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    // Issue 15: under 40 KB. Products under their category carry neither its id nor the menu's
    // currency, and only the menu rendition of their picture (their sheet has the full one).
    assert!(
        bytes.len() < 40_000,
        "the seeded menu is {} bytes",
        bytes.len()
    );
    let menu: Value = serde_json::from_slice(&bytes).unwrap();
    let listed: Value = app
        .get("/api/v1/products?limit=100", None)
        .await
        .json()
        .await
        .unwrap();
    let margherita = |products: &Value| -> Value {
        products
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == "margherita")
            .cloned()
            .unwrap()
    };
    let in_menu = margherita(&menu["categories"][0]["products"]);
    let in_catalog = margherita(&listed["items"]);
    for field in ["category_id", "currency", "image_url"] {
        assert!(
            in_menu.get(field).is_none(),
            "`{field}` in the menu: {in_menu}"
        );
    }
    assert!(in_catalog["category_id"].is_string(), "{in_catalog}");
    assert_eq!(in_catalog["currency"], "EUR");
    assert_eq!(in_menu["menu_image_url"], in_catalog["menu_image_url"]);
    for doc in [
        menu.clone(),
        app.get("/api/v1/products?limit=100", None)
            .await
            .json()
            .await
            .unwrap(),
    ] {
        let mut all = Vec::new();
        keys(&doc, &mut all);
        for secret in ["recipe", "steps", "quantity", "unit"] {
            assert!(!all.iter().any(|k| k == secret), "`{secret}` is public");
        }
    }
    // What a customer needs to remove an ingredient, and what it costs.
    let reine = product(&menu, "reine");
    let ingredients = reine["ingredients"].as_array().unwrap();
    assert_eq!(ingredients[0]["name"], "Pâte à pizza", "the base first");
    assert!(ingredients.iter().all(|i| i["id"].is_string()));
    assert_eq!(reine["sizes"][1]["price_cents"], 1250);
    assert_eq!(reine["available"], true);
    assert!(reine.get("unavailable_reason").is_none());
    assert!(menu["extras"][0]["price_cents"].as_i64().unwrap() > 0);
    // The recipe is behind staff authorization.
    let path = format!("/api/v1/products/{}/recipe", reine["id"].as_str().unwrap());
    assert_problem(app.get(&path, None).await, 401).await;
    for role in [Role::Customer, Role::Delivery, Role::OrderTaker] {
        let token = app
            .token_for(role, (role != Role::Customer).then_some(shop))
            .await;
        assert_problem(app.get(&path, Some(&token)).await, 403).await;
    }
    for role in [Role::Pizzaiolo, Role::Manager, Role::Admin] {
        let token = app
            .token_for(role, (role != Role::Admin).then_some(shop))
            .await;
        let recipe: Value = app.get(&path, Some(&token)).await.json().await.unwrap();
        assert!(
            recipe["sizes"][1]["recipe"][0]["quantity"]
                .as_i64()
                .unwrap()
                > 0
        );
        assert!(!recipe["steps"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_menu_is_revalidated_with_its_etag_and_gzipped_when_asked() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let url = app.url(&format!("/api/v1/shops/{shop}/menu"));
    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(first.headers()["cache-control"], "public, no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let plain = first.bytes().await.unwrap();

    let again = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());

    let zipped = app
        .client
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let body = zipped.bytes().await.unwrap();
    assert!(body.len() * 4 < plain.len(), "gzip: {} bytes", body.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);

    // A change of availability changes the tag: the old one gets the new menu.
    let manager = app.token_for(Role::Manager, Some(shop)).await;
    let margherita = app.product_ids().await["margherita"];
    let res = app
        .send(
            "PATCH",
            &format!("/api/v1/shops/{shop}/menu/{margherita}"),
            Some(&manager),
            json!({"available": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"], etag.as_str());

    // The other public catalog reads revalidate the same way.
    for path in [
        "/api/v1/categories".to_string(),
        "/api/v1/products?kind=pizza".to_string(),
        format!("/api/v1/products/{margherita}"),
    ] {
        let res = app.get(&path, None).await;
        assert_eq!(res.status(), 200, "{path}");
        let tag = res.headers()["etag"].to_str().unwrap().to_string();
        let res = app
            .client
            .get(app.url(&path))
            .header("if-none-match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304, "{path}");
    }
    let pizzas = app.get("/api/v1/products?kind=pizza", None).await;
    let drinks = app.get("/api/v1/products?kind=drink", None).await;
    assert_ne!(pizzas.headers()["etag"], drinks.headers()["etag"]);
}

#[tokio::test]
async fn a_stock_change_through_one_instance_is_seen_by_the_next_read_on_the_other() {
    let app = TestApp::spawn().await;
    let other = app.another_instance();
    let shop = app.shop_id("lyon-presquile").await;
    let manager = app.token_for(Role::Manager, Some(shop)).await;
    let ingredients: Value = app
        .get("/api/v1/ingredients", None)
        .await
        .json()
        .await
        .unwrap();
    let mozzarella = ingredients["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "mozzarella")
        .unwrap()["id"]
        .clone();
    // Both instances have the menu in their cache.
    for base in [&app.address, &other.address] {
        assert_eq!(
            product(&menu_at(&app, base, shop).await, "margherita")["available"],
            true
        );
    }
    for round in 0..3 {
        let (writer, reader) = if round % 2 == 0 {
            (&app.address, &other.address)
        } else {
            (&other.address, &app.address)
        };
        let left = app.stock_of(shop, "mozzarella").await;
        let res = app
            .client
            .post(format!("{writer}/api/v1/shops/{shop}/stock/movements"))
            .bearer_auth(&manager)
            .json(&json!({"ingredient_id": mozzarella, "delta": -left, "reason": "waste", "note": "test"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let menu = menu_at(&app, reader, shop).await;
        let margherita = product(&menu, "margherita");
        assert_eq!(margherita["available"], false, "round {round}");
        assert_eq!(margherita["unavailable_reason"], "out_of_stock");
        let res = app
            .client
            .post(format!("{writer}/api/v1/shops/{shop}/stock/movements"))
            .bearer_auth(&manager)
            .json(&json!({"ingredient_id": mozzarella, "delta": 5000, "reason": "restock"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let menu = menu_at(&app, reader, shop).await;
        assert_eq!(
            product(&menu, "margherita")["available"],
            true,
            "round {round}"
        );
    }
    app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn while_nothing_changes_a_read_needs_no_query_and_a_change_is_heard() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let url = app.db.url.clone();
    let cache = CatalogCache::start(url.clone());
    for _ in 0..250 {
        if cache.listening() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(cache.listening());
    let c = cache.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&url).unwrap();
        let before = c.shop_view(&mut conn, shop).unwrap();
        let again = c.fresh_shop_view(shop).expect("trusted without a query");
        assert!(std::sync::Arc::ptr_eq(&before, &again));
        // Stock moving no level a recipe needs changes nothing: still trusted.
        diesel::sql_query("UPDATE stock s SET quantity = quantity + 1 FROM ingredients i WHERE i.id = s.ingredient_id AND s.shop_id = $1 AND i.slug = 'mozzarella'")
            .bind::<diesel::sql_types::Uuid, _>(shop)
            .execute(&mut conn)
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(c.fresh_shop_view(shop).is_some());
        // Through a level: the copy is no longer trusted, the next read loads the new version.
        diesel::sql_query("UPDATE stock s SET quantity = 0 FROM ingredients i WHERE i.id = s.ingredient_id AND s.shop_id = $1 AND i.slug = 'mozzarella'")
            .bind::<diesel::sql_types::Uuid, _>(shop)
            .execute(&mut conn)
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(c.fresh_shop_view(shop).is_none());
        let after = c.shop_view(&mut conn, shop).unwrap();
        assert!(after.version > before.version);
        let margherita = after
            .catalog
            .public
            .iter()
            .find(|p| p.slug == "margherita")
            .unwrap()
            .id;
        assert!(!after.product_available(margherita, Utc::now()));
        assert!(before.product_available(margherita, Utc::now()));
        assert!(c.fresh_shop_view(shop).is_some());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_renderings_kept_stay_bounded_however_many_versions_go_by() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let url = app.db.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&url).unwrap();
        // No listener: each read checks the versions, each version renders anew.
        let cache = CatalogCache::default();
        let mut tags = std::collections::HashSet::new();
        for round in 0..(RENDERINGS_KEPT * 2 + 10) {
            let quantity = if round % 2 == 0 { 0 } else { 100_000 };
            diesel::sql_query("UPDATE stock s SET quantity = $2 FROM ingredients i WHERE i.id = s.ingredient_id AND s.shop_id = $1 AND i.slug = 'mozzarella'")
                .bind::<diesel::sql_types::Uuid, _>(shop)
                .bind::<diesel::sql_types::BigInt, _>(quantity)
                .execute(&mut conn)
                .unwrap();
            let menu: Value = serde_json::from_slice(&menu_json(&mut conn, shop, &cache).unwrap()).unwrap();
            assert_eq!(
                product(&menu, "margherita")["available"],
                round % 2 == 1,
                "round {round}"
            );
            tags.insert(cache.shop_view(&mut conn, shop).unwrap().version);
            assert!(cache.renderings_kept() <= RENDERINGS_KEPT);
        }
        assert!(tags.len() > RENDERINGS_KEPT * 2, "each round was a new version");
        assert_eq!(cache.renderings_kept(), RENDERINGS_KEPT);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn only_that_shops_manager_or_an_admin_pauses_a_product_there() {
    let s = Scene::new().await;
    let reine = s.products["reine"];
    let path = format!("/api/v1/shops/{}/menu/{reine}", s.shop);
    let pause = json!({"available": false});
    assert_problem(s.app.send("PATCH", &path, None, pause.clone()).await, 401).await;
    let mut refused = vec![s.customer.clone()];
    for role in [Role::Pizzaiolo, Role::OrderTaker, Role::Delivery] {
        refused.push(s.staff(role).await);
    }
    refused.push(s.app.token_for(Role::Manager, Some(s.other_shop)).await);
    for token in &refused {
        assert_problem(
            s.app.send("PATCH", &path, Some(token), pause.clone()).await,
            403,
        )
        .await;
    }
    let manager = s.staff(Role::Manager).await;
    let admin = s.app.token_for(Role::Admin, None).await;
    for token in [&manager, &admin] {
        let res = s.app.send("PATCH", &path, Some(token), pause.clone()).await;
        assert_eq!(res.status(), 200);
        let state: Value = res.json().await.unwrap();
        assert_eq!(state["available"], false);
        assert_eq!(state["product_id"], json!(reine));
    }
    // Bad input, each named.
    let later = (Utc::now() + Duration::hours(2)).to_rfc3339();
    let earlier = (Utc::now() - Duration::hours(2)).to_rfc3339();
    for (body, field) in [
        (json!({"available": "no"}), "available"),
        (json!({}), "available"),
        (json!({"available": false, "until": "tomorrow"}), "until"),
        (json!({"available": false, "until": earlier}), "until"),
        (json!({"available": true, "until": later}), "until"),
        (json!({"available": false, "why": "oven"}), "why"),
    ] {
        let problem = assert_problem(
            s.app
                .send("PATCH", &path, Some(&manager), body.clone())
                .await,
            422,
        )
        .await;
        assert!(
            problem_fields(&problem).contains(&field.to_string()),
            "{body}: {problem}"
        );
    }
    assert_problem(
        s.app
            .send(
                "PATCH",
                &format!("/api/v1/shops/{}/menu/{}", s.shop, Uuid::new_v4()),
                Some(&manager),
                pause.clone(),
            )
            .await,
        404,
    )
    .await;
    assert_problem(
        s.app
            .send(
                "PATCH",
                &format!("/api/v1/shops/{}/menu/{reine}", Uuid::new_v4()),
                Some(&admin),
                pause.clone(),
            )
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_paused_product_is_refused_by_the_quote_and_cannot_be_added_to_an_order_being_changed() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    // An order with a Reine, placed before the pause.
    let res = s
        .place(
            &s.customer,
            s.delivery_order(json!([s.item("reine", "large", 1)])),
        )
        .await;
    assert_eq!(res.status(), 201);
    let order: Value = res.json().await.unwrap();
    let order_path = format!("/api/v1/orders/{}", order["id"].as_str().unwrap());
    for slug in ["reine", "margherita"] {
        let path = format!("/api/v1/shops/{}/menu/{}", s.shop, s.products[slug]);
        let res = s
            .app
            .send("PATCH", &path, Some(&manager), json!({"available": false}))
            .await;
        assert_eq!(res.status(), 200);
    }

    // The quote says what placing the order would: a 409 naming the line.
    let mut quote = s.delivery_order(json!([
        s.item("calzone", "large", 1),
        s.item("margherita", "medium", 1)
    ]));
    quote.as_object_mut().unwrap().remove("payment_method");
    let problem = assert_problem(
        s.app
            .post("/api/v1/orders/quote", Some(&s.customer), quote)
            .await,
        409,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["items[1].product_id"]);
    assert_eq!(problem["errors"][0]["code"], "paused");

    // Changing the order: the Reine it already had may stay (another quantity)…
    let res = s
        .app
        .send(
            "PATCH",
            &order_path,
            Some(&s.customer),
            json!({"items": [s.item("reine", "large", 2)]}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // …but the paused Margherita cannot be added, and nothing changes.
    let problem = assert_problem(
        s.app
            .send(
                "PATCH",
                &order_path,
                Some(&s.customer),
                json!({"items": [s.item("reine", "large", 2), s.item("margherita", "medium", 1)]}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["items[1].product_id"]);
    let now: Value = s
        .app
        .get(&order_path, Some(&s.customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["lines"].as_array().unwrap().len(), 1);
    assert_eq!(now["lines"][0]["quantity"], 2);
    assert_eq!(
        now["history"].as_array().unwrap().last().unwrap()["event"],
        "modified"
    );
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn a_paused_product_is_unavailable_in_that_shop_only_refused_there_and_comes_back() {
    let s = Scene::new().await;
    let other = s.app.another_instance();
    let manager = s.staff(Role::Manager).await;
    let reine = s.products["reine"];
    let path = format!("/api/v1/shops/{}/menu/{reine}", s.shop);
    let res = s
        .app
        .send("PATCH", &path, Some(&manager), json!({"available": false}))
        .await;
    assert_eq!(res.status(), 200);

    // Every instance shows it paused in that shop, none elsewhere.
    for base in [&s.app.address, &other.address] {
        let menu = menu_at(&s.app, base, s.shop).await;
        let p = product(&menu, "reine");
        assert_eq!(p["available"], false);
        assert_eq!(p["unavailable_reason"], "paused");
        assert!(p["sizes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|z| z["available"] == false));
        assert!(p.get("paused_until").is_none());
        assert_eq!(product(&menu, "margherita")["available"], true);
        let elsewhere = menu_at(&s.app, base, s.other_shop).await;
        assert_eq!(product(&elsewhere, "reine")["available"], true);
    }
    // Orders for it there are refused, naming the line; elsewhere they go through.
    let items = json!([
        s.item("margherita", "medium", 1),
        s.item("reine", "large", 1)
    ]);
    let problem = assert_problem(
        s.place(&s.customer, s.delivery_order(items.clone())).await,
        409,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["items[1].product_id"]);
    assert!(problem["detail"].as_str().unwrap().contains("Reine"));
    assert_eq!(problem["errors"][0]["code"], "paused");
    let mut elsewhere = json!({"shop_id": s.other_shop, "fulfilment": "pickup", "payment_method": "cash", "items": items});
    assert_eq!(s.place(&s.customer, elsewhere.take()).await.status(), 201);
    s.app.assert_stock_matches_movements().await;

    // The shop's feed told it.
    let shop = s.shop;
    let notes: Vec<Option<String>> = s
        .app
        .with_db(move |conn| {
            ocpizza::schema::shop_events::table
                .filter(ocpizza::schema::shop_events::shop_id.eq(shop))
                .filter(ocpizza::schema::shop_events::kind.eq("menu_changed"))
                .select(ocpizza::schema::shop_events::note)
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(notes, vec![Some(format!("{reine} paused"))]);

    // Resumed: on sale again.
    let res = s
        .app
        .send("PATCH", &path, Some(&manager), json!({"available": true}))
        .await;
    assert_eq!(res.status(), 200);
    let menu = menu_at(&s.app, &other.address, s.shop).await;
    assert_eq!(product(&menu, "reine")["available"], true);
    assert!(product(&menu, "reine").get("unavailable_reason").is_none());
    let items = json!([s.item("reine", "large", 1)]);
    assert_eq!(
        s.place(&s.customer, s.delivery_order(items.clone()))
            .await
            .status(),
        201
    );

    // Paused for a short while: back by itself once the time has passed, without any write.
    let until = Utc::now() + Duration::seconds(2);
    let res = s
        .app
        .send(
            "PATCH",
            &path,
            Some(&manager),
            json!({"available": false, "until": until.to_rfc3339()}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let menu = menu_at(&s.app, &other.address, s.shop).await;
    let p = product(&menu, "reine");
    assert_eq!(p["available"], false);
    let shown: chrono::DateTime<Utc> = p["paused_until"].as_str().unwrap().parse().unwrap();
    assert!((shown - until).num_milliseconds().abs() < 1000);
    assert_eq!(
        s.place(&s.customer, s.delivery_order(items.clone()))
            .await
            .status(),
        409
    );
    tokio::time::sleep(
        (until - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(300),
    )
    .await;
    for base in [&s.app.address, &other.address] {
        let menu = menu_at(&s.app, base, s.shop).await;
        assert_eq!(product(&menu, "reine")["available"], true);
    }
    assert_eq!(
        s.place(&s.customer, s.delivery_order(items)).await.status(),
        201
    );
    s.app.assert_stock_matches_movements().await;
}
