//! The back office's menu: a manager changes one price alone, adds and removes sizes and recipe
//! lines explicitly; bad changes name their field and write nothing; who may do it.

use std::collections::HashMap;

use diesel::prelude::*;
use ocpizza::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, problem_fields, TestApp};

async fn ingredient_ids(app: &TestApp) -> HashMap<String, Uuid> {
    app.with_db(|conn| {
        use ocpizza::schema::ingredients;
        ingredients::table
            .select((ingredients::slug, ingredients::id))
            .load::<(String, Uuid)>(conn)
            .unwrap()
            .into_iter()
            .collect()
    })
    .await
}

fn size<'a>(product: &'a Value, code: &str) -> &'a Value {
    product["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("a {code} size"))
}

fn menu_product<'a>(menu: &'a Value, slug: &str) -> &'a Value {
    menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["products"].as_array().unwrap())
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} is on the menu"))
}

fn quantity_of(size: &Value, ingredient: Uuid) -> Option<i64> {
    size["recipe"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ingredient_id"] == ingredient.to_string())
        .map(|l| l["quantity"].as_i64().unwrap())
}

#[tokio::test]
async fn a_manager_changes_one_price_alone_and_the_menu_shows_it_at_once() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let manager = app.token_for(Role::Manager, Some(shop)).await;
    let reine = app.product_ids().await["reine"];
    let path = format!("/api/v1/products/{reine}");
    let menu_path = format!("/api/v1/shops/{shop}/menu");
    // The menu is read (and cached) before the change.
    let menu: Value = app.get(&menu_path, None).await.json().await.unwrap();
    assert_eq!(
        size(menu_product(&menu, "reine"), "medium")["price_cents"],
        1250
    );
    let before: Value = app
        .get(&format!("{path}/recipe"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();

    let res = app
        .send(
            "PATCH",
            &path,
            Some(&manager),
            json!({"sizes": [{"code": "medium", "price_cents": 1300}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.unwrap();
    assert_eq!(size(&after, "medium")["price_cents"], 1300);
    // Everything else is as it was: labels, recipes, the other sizes, steps.
    let mut expected = before.clone();
    for s in expected["sizes"].as_array_mut().unwrap() {
        if s["code"] == "medium" {
            s["price_cents"] = json!(1300);
        }
    }
    assert_eq!(after, expected);
    let menu: Value = app.get(&menu_path, None).await.json().await.unwrap();
    let on_menu = menu_product(&menu, "reine");
    assert_eq!(size(on_menu, "medium")["price_cents"], 1300);
    assert_eq!(size(on_menu, "small")["price_cents"], 950);
    assert_eq!(size(on_menu, "large")["price_cents"], 1600);
    // The customer pays the new price.
    let quote: Value = app
        .post(
            "/api/v1/orders/quote",
            None,
            json!({"shop_id": shop, "fulfilment": "pickup",
                   "items": [{"product_id": reine, "size": "medium", "quantity": 2}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(quote["lines"][0]["unit_price_cents"], 1300, "{quote}");
}

#[tokio::test]
async fn sizes_and_recipe_lines_are_added_and_removed_explicitly() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(Role::Admin, None).await;
    let ids = ingredient_ids(&app).await;
    let (pate, mozza, origan, jambon) = (
        ids["pate-a-pizza"],
        ids["mozzarella"],
        ids["origan"],
        ids["jambon"],
    );
    let reine = app.product_ids().await["reine"];
    let path = format!("/api/v1/products/{reine}");
    let before: Value = app
        .get(&format!("{path}/recipe"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .send(
            "PATCH",
            &path,
            Some(&admin),
            json!({
                "sizes": [
                    {"code": "large", "label": "Grande (42 cm)",
                     "recipe": {"set": [{"ingredient_id": mozza, "quantity": 210}], "remove": [origan]}}
                ],
                "remove_sizes": ["small"],
                "add_sizes": [{"code": "xl", "label": "Géante (50 cm)", "price_cents": 2100,
                               "recipe": [{"ingredient_id": pate, "quantity": 600},
                                          {"ingredient_id": mozza, "quantity": 280}]}]
            }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.unwrap();
    let codes: Vec<&str> = after["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["medium", "large", "xl"]);
    assert_eq!(size(&after, "medium"), size(&before, "medium"));
    let large = size(&after, "large");
    assert_eq!(large["label"], "Grande (42 cm)");
    assert_eq!(large["price_cents"], 1600);
    assert_eq!(quantity_of(large, mozza), Some(210));
    assert_eq!(quantity_of(large, origan), None);
    assert_eq!(
        quantity_of(large, jambon),
        quantity_of(size(&before, "large"), jambon)
    );
    assert_eq!(
        large["recipe"].as_array().unwrap().len(),
        size(&before, "large")["recipe"].as_array().unwrap().len() - 1
    );
    let xl = size(&after, "xl");
    assert_eq!(xl["price_cents"], 2100);
    assert_eq!(quantity_of(xl, pate), Some(600));
    assert_eq!(after["steps"], before["steps"]);
    assert_eq!(after["vegetarian"], false);

    // A vegetarian pizza that gains ham is no longer vegetarian, and back.
    let margherita = app.product_ids().await["margherita"];
    let path = format!("/api/v1/products/{margherita}");
    let ham = json!({"sizes": [{"code": "medium", "recipe": {"set": [{"ingredient_id": jambon, "quantity": 60}]}}]});
    let changed: Value = app
        .send("PATCH", &path, Some(&admin), ham)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["vegetarian"], false);
    let back = json!({"sizes": [{"code": "medium", "recipe": {"remove": [jambon]}}]});
    let changed: Value = app
        .send("PATCH", &path, Some(&admin), back)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["vegetarian"], true);
}

#[tokio::test]
async fn a_bad_change_names_its_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let manager = app
        .token_for(Role::Manager, Some(app.shop_id("lyon-presquile").await))
        .await;
    let ids = ingredient_ids(&app).await;
    let mozza = ids["mozzarella"];
    let reine = app.product_ids().await["reine"];
    let path = format!("/api/v1/products/{reine}");
    let before: Value = app
        .get(&format!("{path}/recipe"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    let ghost = Uuid::new_v4();
    let medium_recipe: Vec<Value> = size(&before, "medium")["recipe"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ingredient_id"].clone())
        .collect();
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"sizes": [{"code": "xxl", "price_cents": 1300}]}),
            vec!["sizes[0].code"],
        ),
        (
            json!({"sizes": [{"code": "medium", "price_cents": -100}]}),
            vec!["sizes[0].price_cents"],
        ),
        (
            json!({"remove_sizes": ["small", "medium", "large"]}),
            vec!["remove_sizes"],
        ),
        (json!({"remove_sizes": ["jumbo"]}), vec!["remove_sizes[0]"]),
        (
            json!({"add_sizes": [{"code": "medium", "label": "Moyenne", "price_cents": 1000,
                                  "recipe": [{"ingredient_id": mozza, "quantity": 100}]}]}),
            vec!["add_sizes[0].code"],
        ),
        (
            json!({"sizes": [{"code": "medium", "price_cents": 1300,
                              "recipe": {"set": [{"ingredient_id": ghost, "quantity": 10}]}}]}),
            vec!["sizes[0].recipe.set[0].ingredient_id"],
        ),
        (
            json!({"add_sizes": [{"code": "xl", "label": "Géante", "price_cents": 2000,
                                  "recipe": [{"ingredient_id": ghost, "quantity": 10}]}]}),
            vec!["add_sizes[0].recipe[0].ingredient_id"],
        ),
        (
            json!({"sizes": [{"code": "small", "recipe": {"remove": [ids["basilic"]]}}]}),
            vec!["sizes[0].recipe.remove[0]"],
        ),
        (
            json!({"sizes": [{"code": "medium", "recipe": {"remove": medium_recipe}}]}),
            vec!["sizes[0].recipe"],
        ),
        (
            // Good parts and a bad one in the same request: none of it is kept.
            json!({"name": "Reine 2", "sizes": [{"code": "small", "price_cents": 1},
                                               {"code": "nope", "price_cents": 1}]}),
            vec!["sizes[1].code"],
        ),
        (
            json!({"sizes": [{"code": "medium", "price_cents": "treize"}]}),
            vec!["sizes[0].price_cents"],
        ),
        (
            // A recipe change is an object (set, remove), not a whole list.
            json!({"sizes": [{"code": "medium", "recipe": [{"ingredient_id": mozza, "quantity": 1}]}]}),
            vec!["sizes[0].recipe[0]"],
        ),
    ];
    for (change, fields) in cases {
        let res = app
            .send("PATCH", &path, Some(&manager), change.clone())
            .await;
        let body = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&body), fields, "{change}");
    }
    let after: Value = app
        .get(&format!("{path}/recipe"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after, before, "nothing was written");
    let missing = format!("/api/v1/products/{}", Uuid::new_v4());
    let res = app
        .send(
            "PATCH",
            &missing,
            Some(&manager),
            json!({"sizes": [{"code": "medium", "price_cents": 1300}]}),
        )
        .await;
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn only_managers_and_admins_change_products() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let reine = app.product_ids().await["reine"];
    let path = format!("/api/v1/products/{reine}");
    let change = json!({"sizes": [{"code": "small", "price_cents": 990}]});
    for role in [Role::OrderTaker, Role::Pizzaiolo, Role::Delivery] {
        let token = app.token_for(role, Some(shop)).await;
        let res = app.send("PATCH", &path, Some(&token), change.clone()).await;
        assert_problem(res, 403).await;
    }
    let customer = app.token_for(Role::Customer, None).await;
    assert_problem(
        app.send("PATCH", &path, Some(&customer), change.clone())
            .await,
        403,
    )
    .await;
    assert_problem(app.send("PATCH", &path, None, change.clone()).await, 401).await;
    let unchanged: Value = app
        .get(
            &format!("{path}/recipe"),
            Some(&app.token_for(Role::Admin, None).await),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(size(&unchanged, "small")["price_cents"], 950);
    // A manager of another shop edits the chain's catalog too: it is one for the chain.
    let elsewhere = app
        .token_for(Role::Manager, Some(app.shop_id("lyon-part-dieu").await))
        .await;
    let res = app.send("PATCH", &path, Some(&elsewhere), change).await;
    assert_eq!(res.status(), 200);
    let admin = app.token_for(Role::Admin, None).await;
    let res = app
        .send(
            "PATCH",
            &path,
            Some(&admin),
            json!({"sizes": [{"code": "small", "price_cents": 1010}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(size(&changed, "small")["price_cents"], 1010);
    // Every change is in the audit log, with its prices.
    let logged: Vec<Value> = app
        .with_db(move |conn| {
            use ocpizza::schema::audit_log;
            audit_log::table
                .filter(audit_log::action.eq("product.updated"))
                .filter(audit_log::entity_id.eq(reine.to_string()))
                .select(audit_log::details)
                .load::<Value>(conn)
                .unwrap()
        })
        .await;
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().any(|d| d["prices"]["small"] == 1010));
}
