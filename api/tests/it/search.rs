//! Product search with the PostgreSQL engine on the seeded catalog: what customers type (accents
//! left out, plurals, small typos, ingredients) finds the right pizzas, filters and facets agree,
//! a shop's stock shows through, catalog changes are searchable at once, and bad queries are
//! clear problems.

use std::collections::HashSet;

use diesel::prelude::*;
use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, problem_fields, TestApp};

async fn search(app: &TestApp, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/search?{query}"), None).await;
    assert_eq!(res.status(), 200, "search {query}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["engine"], "postgres");
    body
}

fn slugs(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["product"]["slug"].as_str().unwrap().to_string())
        .collect()
}

fn q(text: &str) -> String {
    format!(
        "q={}",
        form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
    )
}

#[tokio::test]
async fn customers_find_pizzas_without_accents_and_in_singular_or_plural() {
    let app = TestApp::spawn().await;
    for (typed, first) in [
        ("reine", "reine"),
        ("Reine", "reine"),
        ("quatre fromage", "quatre-fromages"),
        ("quatre fromages", "quatre-fromages"),
        ("4 fromages", "quatre-fromages"),
        ("fromages", "quatre-fromages"),
        ("chevre miel", "chevre-miel"),
        ("chèvre miel", "chevre-miel"),
        ("CHEVRE et MIEL", "chevre-miel"),
        ("vegetarien", "vegetarienne"),
        ("végétarienne", "vegetarienne"),
        ("hawaienne", "hawaienne"),
        ("mediterraneenne", "mediterraneenne"),
        ("forestiere", "forestiere"),
        ("biere", "biere-peroni"),
        ("tarte citron", "tarte-citron"),
    ] {
        let found = slugs(&search(&app, &q(typed)).await);
        assert_eq!(
            found.first().map(String::as_str),
            Some(first),
            "'{typed}' should find {first} first, found {found:?}"
        );
    }
    // "chèvre miel" is one pizza, not every pizza with goat cheese or honey.
    assert_eq!(
        slugs(&search(&app, &q("chevre miel")).await),
        ["chevre-miel"]
    );
}

#[tokio::test]
async fn one_letter_typos_and_words_being_typed_are_forgiven() {
    let app = TestApp::spawn().await;
    for (typed, wanted) in [
        ("margarita", "margherita"),
        ("calzonne", "calzone"),
        ("tiramisou", "tiramisu"),
        ("napolitane", "napolitaine"),
        ("savoyarde", "savoyarde"),
        ("capriciosa", "capricciosa"),
        ("marg", "margherita"),
        ("quatre from", "quatre-fromages"),
    ] {
        let found = slugs(&search(&app, &q(typed)).await);
        assert_eq!(
            found.first().map(String::as_str),
            Some(wanted),
            "'{typed}' should find {wanted} first, found {found:?}"
        );
    }
    let body = search(&app, &q("margarita")).await;
    assert_eq!(
        body["items"][0]["highlights"]["name"],
        "<mark>Margherita</mark>"
    );
    // A typo in an ingredient still finds every pizza made with it.
    let mozzarella = search(&app, &q("mozarella")).await;
    assert!(mozzarella["total"].as_i64().unwrap() >= 20);
    assert!(slugs(&mozzarella).contains(&"margherita".to_string()));
    // Nonsense finds nothing rather than everything.
    let nothing = search(&app, &q("xqzwv")).await;
    assert_eq!(nothing["items"], json!([]));
    assert_eq!(nothing["total"], 0);
    assert_eq!(nothing["next_cursor"], Value::Null);
}

#[tokio::test]
async fn ingredient_names_find_every_pizza_made_with_them() {
    let app = TestApp::spawn().await;
    for (typed, ingredient) in [
        ("lardons", "lardons"),
        ("gorgonzola", "gorgonzola"),
        ("ananas", "ananas"),
        ("chorizo", "chorizo"),
        ("champignons", "champignons"),
        ("roquette", "roquette"),
        ("jambon cru", "jambon-cru"),
    ] {
        let slug = ingredient.to_string();
        let expected: HashSet<String> = app
            .with_db(move |conn| {
                use ocpizza::schema::{ingredients, product_sizes, products, recipe_items};
                products::table
                    .inner_join(
                        product_sizes::table
                            .inner_join(recipe_items::table.inner_join(ingredients::table)),
                    )
                    .filter(ingredients::slug.eq(slug))
                    .select(products::slug)
                    .distinct()
                    .load::<String>(conn)
                    .unwrap()
                    .into_iter()
                    .collect()
            })
            .await;
        assert!(!expected.is_empty());
        let body = search(&app, &format!("{}&limit=100", q(typed))).await;
        let found: HashSet<String> = slugs(&body).into_iter().collect();
        assert_eq!(found, expected, "'{typed}'");
        for hit in body["items"].as_array().unwrap() {
            let marked = hit["highlights"]["ingredients"].as_array();
            assert!(
                marked.is_some_and(|m| m.iter().any(|i| i.as_str().unwrap().contains("<mark>"))),
                "{typed}: {hit}"
            );
        }
    }
}

#[tokio::test]
async fn answers_have_the_product_shape_a_score_and_highlights() {
    let app = TestApp::spawn().await;
    let body = search(&app, &q("chèvre miel")).await;
    let hit = &body["items"][0];
    let product = &hit["product"];
    for field in [
        "id",
        "slug",
        "name",
        "description",
        "kind",
        "category_id",
        "vegetarian",
        "allergens",
        "ingredients",
        "sizes",
        "currency",
    ] {
        assert!(product.get(field).is_some(), "product.{field}");
    }
    // Items as light as the menu's: what a result list shows, no recipe quantities or steps.
    assert!(product.get("steps").is_none());
    assert!(product["sizes"][0].get("recipe").is_none());
    assert!(product["sizes"][0]["price_cents"].as_i64().unwrap() > 0);
    assert!(product["ingredients"][0]["id"].is_string());
    assert_eq!(
        product["available"],
        Value::Null,
        "no shop, no availability"
    );
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert_eq!(
        hit["highlights"]["name"],
        "<mark>Chèvre</mark> <mark>miel</mark>"
    );
    assert!(hit["highlights"]["description"]
        .as_str()
        .unwrap()
        .contains("<mark>miel</mark> de fleurs"));
    let ingredients: Vec<&str> = hit["highlights"]["ingredients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        ingredients.contains(&"<mark>Miel</mark> de fleurs"),
        "{ingredients:?}"
    );
    assert!(
        ingredients.iter().all(|i| i.contains("<mark>")),
        "only matching ingredients"
    );
    assert_eq!(body["facets"]["category"], json!({"pizzas-speciales": 1}));
    assert_eq!(body["facets"]["vegetarian"], json!({"true": 1, "false": 0}));
    assert_eq!(body["total"], 1);
    // A field that does not match is left out.
    let reine = search(&app, &q("reine")).await;
    assert_eq!(
        reine["items"][0]["highlights"],
        json!({"name": "<mark>Reine</mark>"})
    );
    // Scores decrease down the list.
    let list = search(&app, &q("jambon")).await;
    let scores: Vec<f64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[tokio::test]
async fn filters_narrow_the_results_and_facets_count_them() {
    let app = TestApp::spawn().await;
    let all = search(&app, &format!("{}&limit=100", q("sauce tomate"))).await;
    let total = all["total"].as_i64().unwrap();
    assert!(total >= 15);
    let by_category: i64 = all["facets"]["category"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    let by_vegetarian: i64 = all["facets"]["vegetarian"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(by_category, total);
    assert_eq!(by_vegetarian, total);
    assert_eq!(all["items"].as_array().unwrap().len() as i64, total);

    let veg = search(
        &app,
        &format!("{}&vegetarian=true&limit=100", q("sauce tomate")),
    )
    .await;
    assert_eq!(veg["total"], all["facets"]["vegetarian"]["true"]);
    assert!(veg["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["product"]["vegetarian"] == true));
    assert_eq!(veg["facets"]["vegetarian"]["false"], 0);
    assert!(!slugs(&veg).contains(&"reine".to_string()));

    let special = search(
        &app,
        &format!("{}&category=pizzas-speciales&limit=100", q("sauce tomate")),
    )
    .await;
    assert_eq!(
        special["total"],
        all["facets"]["category"]["pizzas-speciales"]
    );
    assert_eq!(special["facets"]["category"].as_object().unwrap().len(), 1);

    let no_fish = search(
        &app,
        &format!("{}&allergen_free=fish&limit=100", q("sauce tomate")),
    )
    .await;
    let found = slugs(&no_fish);
    assert!(
        !found.contains(&"napolitaine".to_string()),
        "anchovies are fish"
    );
    assert!(found.contains(&"margherita".to_string()));
    assert!(no_fish["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| !h["product"]["allergens"]
            .as_array()
            .unwrap()
            .contains(&json!("fish"))));
    let no_milk_no_gluten = search(
        &app,
        &format!("{}&allergen_free=milk,gluten", q("sauce tomate")),
    )
    .await;
    assert_eq!(
        no_milk_no_gluten["total"], 0,
        "every pizza has a gluten crust"
    );
}

#[tokio::test]
async fn pages_follow_each_other_without_overlap() {
    let app = TestApp::spawn().await;
    let everything = search(&app, &format!("{}&limit=100", q("pizza"))).await;
    let total = everything["total"].as_i64().unwrap();
    assert!(total > 10);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = format!("{}&limit=7", q("pizza"));
        if let Some(c) = &cursor {
            query.push_str(&format!("&cursor={c}"));
        }
        let page = search(&app, &query).await;
        assert_eq!(page["total"], total);
        seen.extend(slugs(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        slugs(&everything),
        "pages in the same order as one long page"
    );
    assert_eq!(seen.iter().collect::<HashSet<_>>().len() as i64, total);
}

#[tokio::test]
async fn with_a_shop_each_product_says_whether_its_stock_can_make_it() {
    let app = TestApp::spawn().await;
    let shops = app.shop_ids().await;
    let shop = shops["lyon-presquile"];
    let other = shops["lyon-gerland"];
    let manager = app.token_for(Role::Manager, Some(shop)).await;
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
            json!({"ingredient_id": mozzarella, "delta": -left, "reason": "waste", "note": "frigo en panne"}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());

    let here = search(&app, &format!("{}&shop_id={shop}", q("margherita"))).await;
    let product = &here["items"][0]["product"];
    assert_eq!(product["slug"], "margherita");
    assert_eq!(product["available"], false, "no mozzarella left here");
    assert!(product["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["available"] == false));
    let drink = search(&app, &format!("{}&shop_id={shop}", q("coca"))).await;
    assert_eq!(drink["items"][0]["product"]["available"], true);
    let there = search(&app, &format!("{}&shop_id={other}", q("margherita"))).await;
    assert_eq!(there["items"][0]["product"]["available"], true);
    let anywhere = search(&app, &q("margherita")).await;
    assert_eq!(anywhere["items"][0]["product"]["available"], Value::Null);

    // A product paused in the shop is unavailable there at once, for that reason; resumed, it
    // is back (the search reads the menu's own per-shop state).
    let coca = here_product(&app, shop, "coca").await;
    assert_eq!(coca["available"], true);
    let path = format!("/api/v1/shops/{shop}/menu/{}", coca["id"].as_str().unwrap());
    let res = app
        .send("PATCH", &path, Some(&manager), json!({"available": false}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let paused = here_product(&app, shop, "coca").await;
    assert_eq!(paused["available"], false);
    assert_eq!(paused["unavailable_reason"], "paused");
    let elsewhere = search(&app, &format!("{}&shop_id={other}", q("coca"))).await;
    assert_eq!(elsewhere["items"][0]["product"]["available"], true);
    let res = app
        .send("PATCH", &path, Some(&manager), json!({"available": true}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(here_product(&app, shop, "coca").await["available"], true);
    app.assert_stock_matches_movements().await;
}

async fn here_product(app: &TestApp, shop: uuid::Uuid, text: &str) -> Value {
    let body = search(app, &format!("{}&shop_id={shop}", q(text))).await;
    body["items"][0]["product"].clone()
}

#[tokio::test]
async fn catalog_changes_are_searchable_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(Role::Admin, None).await;
    let ids = app.product_ids().await;
    let ingredient = |slug: &'static str| {
        app.with_db(move |conn| {
            use ocpizza::schema::ingredients;
            ingredients::table
                .filter(ingredients::slug.eq(slug))
                .select(ingredients::id)
                .first::<uuid::Uuid>(conn)
                .unwrap()
        })
    };
    let (pate, tomate, burrata) = (
        ingredient("pate-a-pizza").await,
        ingredient("sauce-tomate").await,
        ingredient("burrata").await,
    );

    // A new pizza is found by its name, its description and its ingredients.
    let res = app
        .post(
            "/api/v1/products",
            Some(&admin),
            json!({"category": "pizzas-speciales", "slug": "truffe-blanche", "name": "Truffe blanche",
                   "description": "Crème de truffe d'Alba", "kind": "pizza",
                   "sizes": [{"code": "medium", "label": "Moyenne", "price_cents": 1890,
                              "recipe": [{"ingredient_id": pate, "quantity": 1}, {"ingredient_id": tomate, "quantity": 80},
                                         {"ingredient_id": burrata, "quantity": 100}]}]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    assert_eq!(
        slugs(&search(&app, &q("truffes")).await),
        ["truffe-blanche"]
    );
    assert_eq!(slugs(&search(&app, &q("alba")).await), ["truffe-blanche"]);
    assert!(
        slugs(&search(&app, &format!("{}&limit=100", q("burrata"))).await)
            .contains(&"truffe-blanche".to_string())
    );

    // A changed description and recipe replace the old ones.
    let reine = ids["reine"];
    let origan = ingredient("origan").await;
    let res = app
        .send("PATCH", &format!("/api/v1/products/{reine}"), Some(&admin),
              json!({"description": "La royale, jambon à l'os et champignons",
                     "remove_sizes": ["small", "large"],
                     "sizes": [{"code": "medium", "label": "Moyenne", "price_cents": 1200,
                                "recipe": {"set": [{"ingredient_id": pate, "quantity": 1}, {"ingredient_id": burrata, "quantity": 90}],
                                           "remove": [origan]}}]}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(slugs(&search(&app, &q("royale")).await), ["reine"]);
    assert!(
        slugs(&search(&app, &format!("{}&limit=100", q("burrata"))).await)
            .contains(&"reine".to_string())
    );
    assert!(
        !slugs(&search(&app, &format!("{}&limit=100", q("origan"))).await)
            .contains(&"reine".to_string())
    );

    // A renamed category is found by its new name.
    let category = app
        .with_db(|conn| {
            use ocpizza::schema::categories;
            categories::table
                .filter(categories::slug.eq("desserts"))
                .select(categories::id)
                .first::<uuid::Uuid>(conn)
                .unwrap()
        })
        .await;
    let res = app
        .send(
            "PATCH",
            &format!("/api/v1/categories/{category}"),
            Some(&admin),
            json!({"name": "Douceurs sucrées"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let sweet = search(&app, &q("douceurs")).await;
    assert_eq!(sweet["total"], 5);

    // A withdrawn product is no longer found.
    let res = app
        .send(
            "DELETE",
            &format!("/api/v1/products/{reine}"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert!(slugs(&search(&app, &q("reine")).await).is_empty());
    // Each change was queued for Algolia in its own transaction.
    let queued: i64 = app
        .with_db(move |conn| {
            use ocpizza::schema::search_outbox;
            search_outbox::table
                .filter(search_outbox::product_id.eq(reine))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert!(queued >= 3, "{queued}");
}

#[tokio::test]
async fn bad_queries_are_problems_naming_the_parameter() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("q=".to_string(), "q"),
        ("q=%20%20".to_string(), "q"),
        (format!("q={}", "a".repeat(101)), "q"),
        ("vegetarian=true".to_string(), "q"),
        ("q=reine&vegetarian=maybe".to_string(), "vegetarian"),
        ("q=reine&shop_id=not-a-uuid".to_string(), "shop_id"),
        (
            format!("q=reine&shop_id={}", uuid::Uuid::new_v4()),
            "shop_id",
        ),
        ("q=reine&category=glaces".to_string(), "category"),
        ("q=reine&allergen_free=cheese".to_string(), "allergen_free"),
        ("q=reine&limit=0".to_string(), "limit"),
        ("q=reine&limit=101".to_string(), "limit"),
        ("q=reine&cursor=abc".to_string(), "cursor"),
    ] {
        let res = app.get(&format!("/api/v1/search?{query}"), None).await;
        let body = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&body), [field], "{query}");
    }
    // 100 characters, accents included, are fine; so is punctuation alone.
    search(&app, &q(&"é".repeat(100))).await;
    search(&app, &q("!!! ???")).await;
    search(&app, &q("de la")).await;
    search(&app, &q("'); DROP TABLE products; --")).await;
    assert!(slugs(&search(&app, &q("reine")).await).contains(&"reine".to_string()));
}

#[tokio::test]
async fn the_algolia_queue_forgets_old_entries() {
    let app = TestApp::spawn().await;
    let (purged, left) = app
        .with_db(|conn| {
            diesel::sql_query(
                "INSERT INTO search_outbox (product_id, created_at, delivered_at)
                 SELECT id, now() - interval '10 days', now() - interval '8 days' FROM products LIMIT 2",
            )
            .execute(conn)
            .unwrap();
            diesel::sql_query(
                "INSERT INTO search_outbox (product_id, created_at) SELECT id, now() - interval '31 days' FROM products LIMIT 3",
            )
            .execute(conn)
            .unwrap();
            let purged = ocpizza::search::outbox::purge(conn).unwrap();
            let left: i64 = ocpizza::schema::search_outbox::table
                .count()
                .get_result(conn)
                .unwrap();
            (purged, left)
        })
        .await;
    assert_eq!(purged, 5);
    assert!(left > 0, "the seed's recent entries stay");
}
