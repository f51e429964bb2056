//! Shops and the catalog as customers see them, and the menu's availability from stock.

use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;

fn product<'a>(menu: &'a Value, slug: &str) -> &'a Value {
    menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["products"].as_array().unwrap())
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} is on the menu"))
}

#[tokio::test]
async fn the_seeded_chain_has_five_shops_with_hours_and_zones() {
    let app = TestApp::spawn().await;
    let shops: Value = app.get("/api/v1/shops", None).await.json().await.unwrap();
    let items = shops["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(shops["next_cursor"], Value::Null);
    for s in items {
        assert!(!s["hours"].as_array().unwrap().is_empty());
        assert!(!s["delivery_postal_codes"].as_array().unwrap().is_empty());
        assert!(s["open_now"].is_boolean());
    }
    let delivering: Value = app
        .get("/api/v1/shops?postal_code=69002", None)
        .await
        .json()
        .await
        .unwrap();
    let delivering = delivering["items"].as_array().unwrap();
    assert!(!delivering.is_empty() && delivering.len() < 5);
    assert!(delivering.iter().all(|s| s["delivery_postal_codes"]
        .as_array()
        .unwrap()
        .contains(&json!("69002"))));
    let page: Value = app
        .get("/api/v1/shops?limit=2", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next: Value = app
        .get(
            &format!(
                "/api/v1/shops?limit=2&cursor={}",
                page["next_cursor"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
}

#[tokio::test]
async fn the_catalog_lists_real_pizzas_with_sizes_recipes_and_allergens() {
    let app = TestApp::spawn().await;
    let pizzas: Value = app
        .get("/api/v1/products?kind=pizza&limit=100", None)
        .await
        .json()
        .await
        .unwrap();
    let pizzas = pizzas["items"].as_array().unwrap();
    assert!(pizzas.len() >= 20);
    let reine = pizzas
        .iter()
        .find(|p| p["slug"] == "reine")
        .expect("a Reine");
    assert_eq!(reine["sizes"].as_array().unwrap().len(), 3);
    assert!(reine["allergens"]
        .as_array()
        .unwrap()
        .contains(&json!("gluten")));
    assert_eq!(reine["vegetarian"], false);
    let medium = &reine["sizes"][1];
    assert!(
        medium.get("recipe").is_none(),
        "recipes are for staff: {medium}"
    );
    assert!(reine["ingredients"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["name"] == "Jambon blanc" && i["id"].is_string()));
    assert_eq!(
        medium["available"],
        Value::Null,
        "no availability outside a shop"
    );
    let detail: Value = app
        .get(
            &format!("/api/v1/products/{}", reine["id"].as_str().unwrap()),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(detail.get("steps").is_none(), "steps are for staff");
    assert_eq!(detail["sizes"].as_array().unwrap().len(), 3);
    // The kitchen reads the recipe with its quantities and steps.
    let pizzaiolo = app
        .token_for(Role::Pizzaiolo, Some(app.shop_id("lyon-presquile").await))
        .await;
    let recipe: Value = app
        .get(
            &format!("/api/v1/products/{}/recipe", reine["id"].as_str().unwrap()),
            Some(&pizzaiolo),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!recipe["steps"].as_array().unwrap().is_empty());
    assert!(recipe["sizes"][1]["recipe"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["unit"] == "g" && l["quantity"].as_i64().unwrap() > 0));
    let veggie: Value = app
        .get("/api/v1/products?vegetarian=true&kind=pizza", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(veggie["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["vegetarian"] == true));
    let categories: Value = app
        .get("/api/v1/categories", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(categories["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn menu_availability_follows_the_shops_stock() {
    let app = TestApp::spawn().await;
    let shops = app.shop_ids().await;
    let (shop, other) = (shops["lyon-presquile"], shops["lyon-part-dieu"]);
    let menu: Value = app
        .get(&format!("/api/v1/shops/{shop}/menu"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(menu["currency"], "EUR");
    assert!(menu["categories"].as_array().unwrap().len() >= 4);
    assert_eq!(product(&menu, "margherita")["available"], true);
    assert!(menu["extras"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["available"] == true));

    // The shop runs out of mozzarella (a waste movement, so stock still equals its movements).
    app.with_db(move |conn| {
        use diesel::prelude::*;
        diesel::sql_query(
            "WITH m AS (SELECT s.ingredient_id, s.quantity FROM stock s JOIN ingredients i ON i.id = s.ingredient_id WHERE s.shop_id = $1 AND i.slug = 'mozzarella')
             INSERT INTO stock_movements (shop_id, ingredient_id, delta, reason, note) SELECT $1, ingredient_id, -quantity, 'waste', 'test' FROM m",
        )
        .bind::<diesel::sql_types::Uuid, _>(shop)
        .execute(conn)
        .unwrap();
        diesel::sql_query("UPDATE stock s SET quantity = 0 FROM ingredients i WHERE i.id = s.ingredient_id AND s.shop_id = $1 AND i.slug = 'mozzarella'")
            .bind::<diesel::sql_types::Uuid, _>(shop)
            .execute(conn)
            .unwrap();
    })
    .await;
    let menu: Value = app
        .get(&format!("/api/v1/shops/{shop}/menu"), None)
        .await
        .json()
        .await
        .unwrap();
    let margherita = product(&menu, "margherita");
    assert_eq!(margherita["available"], false);
    assert!(margherita["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["available"] == false));
    let drink = menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "boissons")
        .unwrap()["products"][0]
        .clone();
    assert_eq!(drink["available"], true, "drinks need no mozzarella");
    let mozzarella = menu["extras"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"].as_str().unwrap().starts_with("Mozzarella"))
        .unwrap();
    assert_eq!(mozzarella["available"], false);
    // The other shop still has some.
    let menu: Value = app
        .get(&format!("/api/v1/shops/{other}/menu"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(product(&menu, "margherita")["available"], true);
}

#[tokio::test]
async fn a_manager_adds_a_pizza_and_every_menu_shows_it() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let manager = app.token_for(Role::Manager, Some(shop)).await;
    let ingredients: Value = app
        .get("/api/v1/ingredients", None)
        .await
        .json()
        .await
        .unwrap();
    let id = |slug: &str| {
        ingredients["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["slug"] == slug)
            .unwrap()["id"]
            .clone()
    };
    let res = app
        .post("/api/v1/products", Some(&manager), json!({
            "category": "pizzas-speciales", "slug": "lyonnaise", "name": "Lyonnaise", "kind": "pizza",
            "description": "Crème, oignons, lardons",
            "sizes": [{"code": "medium", "label": "Moyenne (30 cm)", "price_cents": 1290,
                       "recipe": [{"ingredient_id": id("pate-a-pizza"), "quantity": 250}, {"ingredient_id": id("lardons"), "quantity": 80}]}],
            "steps": ["Étaler la pâte", "Garnir", "Cuire 6 min"]
        }))
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["vegetarian"], false, "derived from the lardons");
    assert_eq!(created["steps"].as_array().unwrap().len(), 3);
    let menu: Value = app
        .get(&format!("/api/v1/shops/{shop}/menu"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(product(&menu, "lyonnaise")["sizes"][0]["price_cents"], 1290);
    let path = format!("/api/v1/products/{}", created["id"].as_str().unwrap());
    assert_eq!(
        app.send("DELETE", &path, Some(&manager), json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(app.get(&path, None).await.status(), 404);
}

#[tokio::test]
async fn a_manager_renames_a_category_and_an_empty_change_leaves_it_as_it_is() {
    let app = TestApp::spawn().await;
    let manager = app.token_for(Role::Admin, None).await;
    let res = app
        .post(
            "/api/v1/categories",
            Some(&manager),
            json!({"slug": "calzones", "name": " Calzones "}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["name"], "Calzones");
    let path = format!("/api/v1/categories/{}", created["id"].as_str().unwrap());
    let same: Value = app
        .send("PATCH", &path, Some(&manager), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(same, created);
    let renamed: Value = app
        .send(
            "PATCH",
            &path,
            Some(&manager),
            json!({"name": "Chaussons", "position": 9}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renamed["name"], "Chaussons");
    assert_eq!(renamed["slug"], "calzones");
    assert_eq!(renamed["position"], 9);
    let res = app
        .send(
            "PATCH",
            &path,
            Some(&manager),
            json!({"slug": "pizzas-classiques"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "slug");
    assert_eq!(body["errors"][0]["code"], "taken");
    let missing = format!("/api/v1/categories/{}", uuid::Uuid::new_v4());
    for change in [json!({}), json!({"name": "Fantôme"})] {
        let res = app.send("PATCH", &missing, Some(&manager), change).await;
        assert_eq!(res.status(), 404);
    }
}

#[tokio::test]
async fn an_admin_edit_of_a_shop_keeps_its_email_when_sent_null() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(Role::Admin, None).await;
    let shop = app.shop_ids().await.into_values().next().unwrap();
    let path = format!("/api/v1/shops/{shop}");
    let before: Value = app.get(&path, None).await.json().await.unwrap();
    let res = app
        .send("PATCH", &path, Some(&admin), json!({"email": null, "name": " Nouveau nom ", "delivery_postal_codes": ["69001", "69001", "69002"]}))
        .await;
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["email"], before["email"]);
    assert_eq!(after["name"], "Nouveau nom");
    assert_eq!(after["hours"], before["hours"]);
    assert_eq!(after["delivery_postal_codes"], json!(["69001", "69002"]));
    let res = app
        .send(
            "PATCH",
            &format!("/api/v1/shops/{}", uuid::Uuid::new_v4()),
            Some(&admin),
            json!({"name": "Fantôme"}),
        )
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn an_inactive_shop_leaves_the_list_unless_asked_for() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(Role::Admin, None).await;
    let shop = app.shop_id("lyon-presquile").await;
    let res = app
        .send(
            "PATCH",
            &format!("/api/v1/shops/{shop}"),
            Some(&admin),
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let ids = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let listed = ids(app.get("/api/v1/shops", None).await.json().await.unwrap());
    assert_eq!(listed.len(), 4);
    assert!(!listed.contains(&shop.to_string()));
    let all: Value = app
        .get("/api/v1/shops?include_inactive=true", None)
        .await
        .json()
        .await
        .unwrap();
    let inactive = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == shop.to_string())
        .expect("the inactive shop is listed");
    assert_eq!(inactive["active"], false);
    assert_eq!(inactive["open_now"], false);
    assert_eq!(ids(all).len(), 5);
}
