//! The Algolia engine against a local fake of Algolia's REST API: the client's paths, headers and
//! bodies, searches answered with the PostgreSQL engine's shape (and by PostgreSQL while Algolia
//! is down), the outbox converging after an outage, and `ocpizza reindex` end to end.

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use diesel::prelude::*;
use ocpizza::auth::Role;
use ocpizza::search::algolia::{AlgoliaClient, AlgoliaError, BatchOperation, ObjectId};
use ocpizza::search::records;
use serde_json::{json, Value};

use crate::fake_algolia::{unused_port, FakeAlgolia, Mode, Recorded, API_KEY, APP_ID};
use crate::helpers::{test_vars, TestApp, TestDb};

fn algolia_vars(base_url: &str) -> impl FnOnce(&mut HashMap<String, String>) + '_ {
    move |vars| {
        vars.insert("ALGOLIA_APP_ID".into(), APP_ID.into());
        vars.insert("ALGOLIA_API_KEY".into(), API_KEY.into());
        vars.insert("ALGOLIA_BASE_URL".into(), base_url.into());
    }
}

fn assert_signed(request: &Recorded) {
    assert_eq!(request.headers["x-algolia-application-id"], APP_ID);
    assert_eq!(request.headers["x-algolia-api-key"], API_KEY);
    assert!(request.headers["content-type"].starts_with("application/json"));
}

async fn pending_entries(app: &TestApp) -> i64 {
    app.with_db(|conn| {
        use ocpizza::schema::search_outbox;
        search_outbox::table
            .filter(search_outbox::delivered_at.is_null())
            .count()
            .get_result(conn)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn the_client_sends_settings_batches_and_searches_to_algolias_rest_paths() {
    let fake = FakeAlgolia::start();
    let client = AlgoliaClient::new(APP_ID, API_KEY, Some(&fake.url), "test_products").unwrap();

    let settings = records::index_settings();
    client.set_settings(&settings).await.unwrap();
    let record: records::ProductRecord = serde_json::from_value(json!({
        "objectID": "0b7f6c1e-0000-4000-8000-000000000001", "slug": "reine", "name": "Reine",
        "description": "Sauce tomate, jambon, champignons", "kind": "pizza",
        "category": "pizzas-classiques", "category_name": "Pizzas classiques", "vegetarian": false,
        "allergens": ["gluten", "milk"], "ingredients": ["Jambon blanc", "Mozzarella"], "keywords": [],
        "price_from_cents": 950, "image_url": null, "menu_rank": 3}))
    .unwrap();
    let task = client
        .batch(&[
            BatchOperation::UpdateObject(Box::new(record.clone())),
            BatchOperation::DeleteObject(ObjectId {
                object_id: "gone".into(),
            }),
        ])
        .await
        .unwrap();
    assert!(task.task_id > 0);
    let query = ocpizza::search::SearchQuery {
        text: "jambon".into(),
        shop_id: None,
        category: None,
        vegetarian: Some(false),
        allergen_free: vec!["fish".into()],
        limit: 10,
        offset: 0,
    };
    let answer = client
        .search(&ocpizza::search::algolia::search_request(
            &query,
            &Default::default(),
        ))
        .await
        .unwrap();
    assert_eq!(answer.nb_hits, 1);
    assert_eq!(answer.hits[0].object_id, record.object_id);

    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_signed(r);
    }
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("PUT", "/1/indexes/test_products/settings")
    );
    assert_eq!(requests[0].body["searchableAttributes"][0], "name");
    assert_eq!(
        requests[0].body["attributesForFaceting"],
        json!([
            "category",
            "vegetarian",
            "filterOnly(allergens)",
            "filterOnly(kind)"
        ])
    );
    assert_eq!(requests[0].body["customRanking"], json!(["asc(menu_rank)"]));
    assert_eq!(
        (requests[1].method.as_str(), requests[1].path.as_str()),
        ("POST", "/1/indexes/test_products/batch")
    );
    assert_eq!(requests[1].body["requests"][0]["action"], "updateObject");
    assert_eq!(
        requests[1].body["requests"][0]["body"],
        serde_json::to_value(&record).unwrap()
    );
    assert_eq!(
        requests[1].body["requests"][1],
        json!({"action": "deleteObject", "body": {"objectID": "gone"}})
    );
    assert_eq!(
        (requests[2].method.as_str(), requests[2].path.as_str()),
        ("POST", "/1/indexes/test_products/query")
    );
    assert_eq!(requests[2].body["query"], "jambon");
    assert_eq!(
        requests[2].body["filters"],
        "vegetarian:false AND NOT allergens:\"fish\""
    );
    assert_eq!(
        requests[2].body["facets"],
        json!(["category", "vegetarian"])
    );
    assert_eq!(
        (
            requests[2].body["offset"].as_i64(),
            requests[2].body["length"].as_i64()
        ),
        (Some(0), Some(10))
    );
    assert_eq!(
        fake.settings().unwrap(),
        serde_json::to_value(&settings).unwrap()
    );
}

#[tokio::test]
async fn algolia_refusals_and_outages_are_errors_that_never_show_the_key() {
    let fake = FakeAlgolia::start();
    let client = AlgoliaClient::new(APP_ID, API_KEY, Some(&fake.url), "test_products").unwrap();
    fake.set_mode(Mode::Reject);
    let err = client
        .set_settings(&records::index_settings())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AlgoliaError::Refused { status: 403, .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());
    assert!(err
        .to_string()
        .contains("Invalid Application-ID or API key"));
    fake.set_mode(Mode::Unavailable);
    let err = client.batch(&[]).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    let down = AlgoliaClient::new(
        APP_ID,
        API_KEY,
        Some(&format!("http://127.0.0.1:{}", unused_port())),
        "test_products",
    )
    .unwrap();
    let err = down.batch(&[]).await.unwrap_err();
    assert!(matches!(err, AlgoliaError::Unreachable(_)), "{err:?}");
    for e in [err.to_string(), format!("{err:?}"), format!("{down:?}")] {
        assert!(!e.contains(API_KEY), "{e}");
    }
}

#[tokio::test]
async fn with_algolia_searches_are_answered_by_algolia_in_the_same_shape() {
    let fake = FakeAlgolia::start();
    let app = TestApp::spawn_with(algolia_vars(&fake.url)).await;
    // The worker pushes the seeded catalog, queued when it was loaded.
    let products = app.product_ids().await.len();
    assert!(
        fake.wait_for(20, |objects| objects.len() == products).await,
        "the index was filled"
    );

    let shop = app.shop_id("lyon-presquile").await;
    let res = app
        .get(&format!("/api/v1/search?q=reine&shop_id={shop}"), None)
        .await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains(API_KEY),
        "the admin key never reaches clients"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["engine"], "algolia");
    assert_eq!(body["total"], 1);
    let hit = &body["items"][0];
    assert_eq!(hit["product"]["slug"], "reine");
    assert_eq!(
        hit["product"]["available"], true,
        "availability comes from the shop's stock"
    );
    // The menu's light product: prices, no recipe quantities.
    assert!(hit["product"]["sizes"][0]["price_cents"].as_i64().unwrap() > 0);
    assert!(hit["product"]["sizes"][0].get("recipe").is_none());
    assert!(hit["product"].get("steps").is_none());
    assert_eq!(hit["score"], 1.0);
    assert_eq!(hit["highlights"], json!({"name": "<mark>Reine</mark>"}));
    assert_eq!(
        body["facets"],
        json!({"category": {"pizzas-classiques": 1}, "vegetarian": {"true": 0, "false": 1}})
    );
    assert_eq!(body["next_cursor"], Value::Null);

    let res = app
        .get("/api/v1/search?q=jambon&category=pizzas-classiques&vegetarian=false&allergen_free=fish&limit=2&cursor=o2", None)
        .await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["engine"], "algolia");
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["items"][0]["highlights"]["ingredients"][0]
        .as_str()
        .unwrap()
        .contains("<mark>Jambon</mark>"));
    let query = fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.ends_with("/query"))
        .unwrap();
    assert_signed(&query);
    assert_eq!(query.path, "/1/indexes/test_products/query");
    assert_eq!(query.body["query"], "jambon");
    assert_eq!(
        query.body["filters"],
        "category:\"pizzas-classiques\" AND vegetarian:false AND NOT allergens:\"fish\""
    );
    assert_eq!(
        (query.body["offset"].as_i64(), query.body["length"].as_i64()),
        (Some(2), Some(2))
    );

    // Validation is the API's, whatever the engine.
    let res = app.get("/api/v1/search?q=", None).await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn while_algolia_is_down_postgres_answers() {
    let app =
        TestApp::spawn_with(algolia_vars(&format!("http://127.0.0.1:{}", unused_port()))).await;
    let body: Value = app
        .get("/api/v1/search?q=chevre%20miel", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["engine"], "postgres");
    assert_eq!(body["items"][0]["product"]["slug"], "chevre-miel");
}

#[tokio::test]
async fn the_index_converges_once_algolia_is_back_after_an_outage() {
    // Algolia is down: nothing listens on its port yet.
    let port = unused_port();
    let url = format!("http://127.0.0.1:{port}");
    let app = TestApp::spawn_with(algolia_vars(&url)).await;
    let admin = app.token_for(Role::Admin, None).await;
    let reine = app.product_ids().await["reine"];
    let res = app
        .send(
            "PATCH",
            &format!("/api/v1/products/{reine}"),
            Some(&admin),
            json!({"description": "Jambon à l'os, champignons, origan"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let withdrawn = app.product_ids().await["diavola"];
    let res = app
        .send(
            "DELETE",
            &format!("/api/v1/products/{withdrawn}"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);

    // The worker tries, fails, and keeps the entries for later.
    let mut failed = false;
    for _ in 0..100 {
        let (attempts, error): (i32, Option<String>) = app
            .with_db(move |conn| {
                use ocpizza::schema::search_outbox;
                search_outbox::table
                    .filter(search_outbox::product_id.eq(reine))
                    .order(search_outbox::id.desc())
                    .select((search_outbox::attempts, search_outbox::last_error))
                    .first(conn)
                    .unwrap()
            })
            .await;
        if attempts >= 1 && error.is_some() {
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed, "a failed push is recorded");
    assert!(pending_entries(&app).await > 0);

    // Algolia comes back on the same address: the index converges without anyone's help.
    let fake = FakeAlgolia::start_on(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let reine_id = reine.to_string();
    let diavola_id = withdrawn.to_string();
    let products = app.product_ids().await.len();
    let converged = fake
        .wait_for(30, |objects| {
            objects
                .get(&reine_id)
                .is_some_and(|r| r["description"] == "Jambon à l'os, champignons, origan")
                && !objects.contains_key(&diavola_id)
                && objects.len() == products - 1
        })
        .await;
    assert!(
        converged,
        "index: {:?}",
        fake.objects().keys().collect::<Vec<_>>()
    );
    let batch = fake
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/batch"))
        .unwrap();
    assert_signed(&batch);
    assert_eq!(batch.path, "/1/indexes/test_products/batch");
    assert!(batch.body["requests"]
        .as_array()
        .unwrap()
        .contains(&json!({"action": "deleteObject", "body": {"objectID": diavola_id}})));
    for _ in 0..50 {
        if pending_entries(&app).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        pending_entries(&app).await,
        0,
        "every entry is marked delivered"
    );
}

/// Runs the built binary, configured by its environment only.
fn run_reindex(database_url: &str, fake_url: &str) -> std::process::Output {
    let mut vars = test_vars(database_url);
    vars.insert("ALGOLIA_APP_ID".into(), APP_ID.into());
    vars.insert("ALGOLIA_API_KEY".into(), API_KEY.into());
    vars.insert("ALGOLIA_BASE_URL".into(), fake_url.into());
    vars.insert("RUST_LOG".into(), "warn".into());
    Command::new(env!("CARGO_BIN_EXE_ocpizza"))
        .arg("reindex")
        .env_clear()
        .envs(vars)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn ocpizza_reindex_rebuilds_the_whole_index() {
    let fake = FakeAlgolia::start();
    let db = tokio::task::spawn_blocking(TestDb::new).await.unwrap();
    let url = db.url.clone();
    let (products, withdrawn): (usize, String) = tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&url).unwrap();
        use ocpizza::schema::products;
        let withdrawn: uuid::Uuid =
            diesel::update(products::table.filter(products::slug.eq("orangina")))
                .set(products::active.eq(false))
                .returning(products::id)
                .get_result(&mut conn)
                .unwrap();
        (
            products::table
                .count()
                .get_result::<i64>(&mut conn)
                .unwrap() as usize,
            withdrawn.to_string(),
        )
    })
    .await
    .unwrap();

    let fake_url = fake.url.clone();
    let db_url = db.url.clone();
    let output = tokio::task::spawn_blocking(move || run_reindex(&db_url, &fake_url))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    let summary = format!(
        "reindex: PostgreSQL search documents rebuilt for {products} products; Algolia index test_products: {} products indexed, 1 removed, in 1 batch",
        products - 1
    );
    assert!(
        stdout
            .trim_end()
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with(&summary),
        "{stdout}"
    );
    assert!(
        !stderr.contains('\r'),
        "no progress bar drawn off a terminal: {stderr}"
    );
    assert!(!stdout.contains(API_KEY) && !stderr.contains(API_KEY));

    let requests = fake.requests();
    assert_eq!(requests[0].method, "PUT");
    assert_eq!(
        requests[0].path, "/1/indexes/test_products/settings",
        "settings first"
    );
    assert!(requests[1..]
        .iter()
        .all(|r| r.method == "POST" && r.path == "/1/indexes/test_products/batch"));
    for r in &requests {
        assert_signed(r);
    }
    let objects = fake.objects();
    assert_eq!(objects.len(), products - 1);
    assert!(!objects.contains_key(&withdrawn));
    let reine = objects.values().find(|o| o["slug"] == "reine").unwrap();
    assert_eq!(reine["category"], "pizzas-classiques");
    assert_eq!(reine["vegetarian"], false);
    assert!(reine["ingredients"]
        .as_array()
        .unwrap()
        .contains(&json!("Jambon blanc")));
    assert_eq!(reine["price_from_cents"], 950);
    let veggie = objects
        .values()
        .find(|o| o["slug"] == "vegetarienne")
        .unwrap();
    assert_eq!(veggie["keywords"], json!(["végétarien"]));

    // The queue the seed left is covered by the rebuild.
    let url = db.url.clone();
    let pending: i64 = tokio::task::spawn_blocking(move || {
        use ocpizza::schema::search_outbox;
        let mut conn = PgConnection::establish(&url).unwrap();
        search_outbox::table
            .filter(search_outbox::delivered_at.is_null())
            .count()
            .get_result(&mut conn)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(pending, 0);

    // A refused key stops the command with a clear message and a failure status.
    fake.set_mode(Mode::Reject);
    let fake_url = fake.url.clone();
    let db_url = db.url.clone();
    let output = tokio::task::spawn_blocking(move || run_reindex(&db_url, &fake_url))
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(
            "reindex failed: cannot push the index settings: Algolia refused the request (403)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains(API_KEY));
}
