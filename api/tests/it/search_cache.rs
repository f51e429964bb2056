//! The search's result pages kept per instance (issue 17): a page kept answers exactly what the
//! ranking query answered, a shop's stock and pauses show through a kept page at once, a catalog
//! change (on this instance or another) is searched afresh, and the cache keeps to its bound.

use diesel::prelude::*;
use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// The answer and the `X-Search-Cache` header of one search on the instance at `address`.
async fn search_at(app: &TestApp, address: &str, query: &str) -> (Value, String) {
    let res = app
        .client
        .get(format!("{address}/api/v1/search?{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "search {query}");
    let outcome = res
        .headers()
        .get("x-search-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["engine"], "postgres");
    (body, outcome)
}

async fn search(app: &TestApp, query: &str) -> (Value, String) {
    search_at(app, &app.address, query).await
}

fn q(text: &str) -> String {
    format!(
        "q={}",
        form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
    )
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["product"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_page_kept_answers_exactly_what_the_ranking_query_answered() {
    let app = TestApp::spawn().await;
    // The same database copied, without any page kept: every search runs the query.
    let uncached = TestApp::spawn_with(|vars| {
        vars.insert("SEARCH_CACHE_ENTRIES".into(), "0".into());
    })
    .await;
    let shop = app.shop_id("lyon-presquile").await;
    let queries = [
        q("reine"),
        q("chèvre miel"),
        format!("{}&limit=3", q("sauce tomate")),
        format!("{}&limit=3&cursor=o3", q("sauce tomate")),
        format!("{}&category=pizzas-speciales", q("pizza")),
        format!("{}&vegetarian=false&allergen_free=fish", q("jambon cru")),
        format!("{}&shop_id={shop}", q("mozzarella")),
        q("margarita"),
    ];
    for query in &queries {
        let (first, outcome) = search(&app, query).await;
        assert_eq!(outcome, "miss", "{query}");
        let (again, outcome) = search(&app, query).await;
        assert_eq!(outcome, "hit", "{query}");
        assert_eq!(first, again, "{query}");
        let (fresh, outcome) = search(&uncached, query).await;
        assert_eq!(outcome, "miss", "{query}");
        let (fresh_again, outcome) = search(&uncached, query).await;
        assert_eq!(outcome, "miss", "nothing kept with SEARCH_CACHE_ENTRIES=0");
        assert_eq!(fresh, fresh_again);
        assert_eq!(first, fresh, "{query}");
    }
    // Case and spaces make no other search; the allergens' order neither.
    let (_, outcome) = search(&app, &q("  REINE ")).await;
    assert_eq!(outcome, "hit");
    let (a, _) = search(&app, &format!("{}&allergen_free=milk,fish", q("jambon"))).await;
    let (b, outcome) = search(&app, &format!("{}&allergen_free=fish,milk", q("jambon"))).await;
    assert_eq!((a, outcome.as_str()), (b, "hit"));
    // Pages of the same text are kept apart.
    let (page1, _) = search(&app, &format!("{}&limit=3", q("sauce tomate"))).await;
    let (page2, _) = search(&app, &format!("{}&limit=3&cursor=o3", q("sauce tomate"))).await;
    assert_ne!(names(&page1), names(&page2));
    // An unknown shop or category is still named, whatever is kept.
    let res = app
        .get(
            &format!(
                "/api/v1/search?{}&shop_id={}",
                q("reine"),
                uuid::Uuid::new_v4()
            ),
            None,
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_shops_stock_and_pauses_show_through_a_page_kept() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let manager = app.token_for(Role::Manager, Some(shop)).await;
    let margherita = format!("{}&shop_id={shop}", q("margherita"));
    search(&app, &margherita).await;
    let (before, outcome) = search(&app, &margherita).await;
    assert_eq!(outcome, "hit");
    assert_eq!(before["items"][0]["product"]["available"], true);

    // The mozzarella thrown away: the page is still kept (the catalog did not change), and the
    // margherita is unavailable in it at once.
    let mozzarella = app
        .with_db(|conn| {
            use ocpizza::schema::ingredients;
            ingredients::table
                .filter(ingredients::slug.eq("mozzarella"))
                .select(ingredients::id)
                .first::<uuid::Uuid>(conn)
                .unwrap()
        })
        .await;
    let left = app.stock_of(shop, "mozzarella").await;
    let res = app
        .post(
            &format!("/api/v1/shops/{shop}/stock/movements"),
            Some(&manager),
            json!({"ingredient_id": mozzarella, "delta": -left, "reason": "waste"}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let (after, outcome) = search(&app, &margherita).await;
    assert_eq!(outcome, "hit");
    let product = &after["items"][0]["product"];
    assert_eq!(product["slug"], "margherita");
    assert_eq!(product["available"], false);
    assert_eq!(product["unavailable_reason"], "out_of_stock");
    assert_eq!(after["items"][0]["score"], before["items"][0]["score"]);
    // Outside the shop, the same page kept says nothing of availability.
    let (anywhere, outcome) = search(&app, &q("margherita")).await;
    assert_eq!(outcome, "hit");
    assert_eq!(anywhere["items"][0]["product"]["available"], Value::Null);

    // Paused, then resumed: each shows on the next search.
    let coca = format!("{}&shop_id={shop}", q("coca"));
    let (drink, _) = search(&app, &coca).await;
    let id = drink["items"][0]["product"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/shops/{shop}/menu/{id}");
    let res = app
        .send("PATCH", &path, Some(&manager), json!({"available": false}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (paused, outcome) = search(&app, &coca).await;
    assert_eq!(outcome, "hit");
    assert_eq!(paused["items"][0]["product"]["available"], false);
    assert_eq!(
        paused["items"][0]["product"]["unavailable_reason"],
        "paused"
    );
    let res = app
        .send("PATCH", &path, Some(&manager), json!({"available": true}))
        .await;
    assert_eq!(res.status(), 200);
    let (resumed, _) = search(&app, &coca).await;
    assert_eq!(resumed["items"][0]["product"]["available"], true);
}

#[tokio::test]
async fn a_catalog_edit_is_searched_afresh_on_every_instance() {
    let app = TestApp::spawn().await;
    let other = app.another_instance();
    let admin = app.token_for(Role::Admin, None).await;
    let reine = app.product_ids().await["reine"];
    for address in [&app.address, &other.address] {
        search_at(&app, address, &q("reine")).await;
        let (kept, outcome) = search_at(&app, address, &q("reine")).await;
        assert_eq!(outcome, "hit");
        assert_eq!(names(&kept)[0], "Reine");
    }

    // Renamed on this instance: both instances search the new catalog at once.
    let res = app
        .send(
            "PATCH",
            &format!("/api/v1/products/{reine}"),
            Some(&admin),
            json!({"name": "Regina", "description": "Jambon blanc et champignons de Paris"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    for address in [&app.address, &other.address] {
        let (after, outcome) = search_at(&app, address, &q("reine")).await;
        assert_eq!(outcome, "miss", "{address}");
        assert!(!names(&after).contains(&"Reine".to_string()), "{after}");
        assert!(!names(&after).contains(&"Regina".to_string()), "{after}");
        let (found, _) = search_at(&app, address, &q("regina")).await;
        assert_eq!(names(&found), ["Regina"]);
    }

    // Withdrawn: gone from the pages kept for the new name too.
    let res = app
        .send(
            "DELETE",
            &format!("/api/v1/products/{reine}"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    for address in [&app.address, &other.address] {
        let (gone, _) = search_at(&app, address, &q("regina")).await;
        assert!(names(&gone).is_empty(), "{gone}");
    }
}

#[tokio::test]
async fn searches_asking_the_same_page_at_once_run_its_query_once() {
    let app = TestApp::spawn().await;
    let query = format!("{}&limit=100", q("sauce tomate"));
    let answers = futures_util::future::join_all((0..8).map(|_| search(&app, &query))).await;
    let misses = answers.iter().filter(|(_, o)| o == "miss").count();
    assert_eq!(
        misses,
        1,
        "{:?}",
        answers.iter().map(|(_, o)| o).collect::<Vec<_>>()
    );
    assert!(answers.iter().all(|(body, _)| *body == answers[0].0));
}

#[tokio::test]
async fn the_cache_keeps_no_more_pages_than_its_bound() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("SEARCH_CACHE_ENTRIES".into(), "3".into());
    })
    .await;
    let texts = ["reine", "jambon", "miel", "chorizo", "coca", "tiramisu"];
    for text in texts {
        let (_, outcome) = search(&app, &q(text)).await;
        assert_eq!(outcome, "miss", "{text}");
    }
    // The three searched last are kept; the first ones made room for them.
    for text in ["chorizo", "coca", "tiramisu"] {
        let (_, outcome) = search(&app, &q(text)).await;
        assert_eq!(outcome, "hit", "{text}");
    }
    let (_, outcome) = search(&app, &q("reine")).await;
    assert_eq!(outcome, "miss");
}
