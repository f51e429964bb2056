//! The kitchen queue, the delivery list, recipe memos and manual stock movements.

use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, problem_fields};
use crate::orders::Scene;

#[tokio::test]
async fn the_kitchen_sees_its_queue_oldest_first_with_recipes_and_memos() {
    let s = Scene::new().await;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let memo = s
        .app
        .post(
            &format!("/api/v1/products/{}/memos", s.products["reine"]),
            Some(&pizzaiolo),
            json!({"body": "Jambon posé après cuisson"}),
        )
        .await;
    assert_eq!(memo.status(), 201);
    assert_problem(
        s.app
            .post(
                &format!("/api/v1/products/{}/memos", s.products["reine"]),
                Some(&s.customer),
                json!({"body": "x"}),
            )
            .await,
        403,
    )
    .await;
    assert_eq!(
        problem_fields(
            &assert_problem(
                s.app
                    .post(
                        &format!("/api/v1/products/{}/memos", s.products["reine"]),
                        Some(&pizzaiolo),
                        json!({"body": " "})
                    )
                    .await,
                422
            )
            .await
        ),
        vec!["body"]
    );
    let ingredients: Value = s
        .app
        .get("/api/v1/ingredients", None)
        .await
        .json()
        .await
        .unwrap();
    let jambon = ingredients["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "jambon")
        .unwrap()["id"]
        .clone();
    let first: Value = s.place(&s.customer, s.delivery_order(json!([{"product_id": s.products["reine"], "size": "medium", "quantity": 1, "remove_ingredient_ids": [jambon]}]))).await.json().await.unwrap();
    let second: Value = s
        .place(
            &s.customer,
            s.delivery_order(json!([s.item("margherita", "large", 1)])),
        )
        .await
        .json()
        .await
        .unwrap();
    let queue: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/kitchen", s.shop),
            Some(&pizzaiolo),
        )
        .await
        .json()
        .await
        .unwrap();
    let tickets = queue["items"].as_array().unwrap();
    assert_eq!(tickets.len(), 2);
    assert_eq!(tickets[0]["order_id"], first["id"]);
    assert_eq!(tickets[1]["order_id"], second["id"]);
    let line = &tickets[0]["lines"][0];
    assert_eq!(line["removed"], json!(["Jambon blanc"]));
    assert!(
        line["recipe"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "Jambon blanc"),
        "the ham is left out of the recipe"
    );
    assert!(!line["steps"].as_array().unwrap().is_empty());
    assert_eq!(line["memos"][0]["body"], "Jambon posé après cuisson");
    // Other shops' kitchens, customers and delivery people do not see it.
    let elsewhere = s.app.token_for(Role::Pizzaiolo, Some(s.other_shop)).await;
    assert_problem(
        s.app
            .get(
                &format!("/api/v1/shops/{}/kitchen", s.shop),
                Some(&elsewhere),
            )
            .await,
        404,
    )
    .await;
    assert_problem(
        s.app
            .get(
                &format!("/api/v1/shops/{}/kitchen", s.shop),
                Some(&s.customer),
            )
            .await,
        403,
    )
    .await;
    assert_problem(
        s.app
            .get(
                &format!("/api/v1/shops/{}/kitchen", s.shop),
                Some(&s.staff(Role::Delivery).await),
            )
            .await,
        403,
    )
    .await;
    // Once preparing then ready, the order leaves the kitchen for the delivery list.
    let id = first["id"].as_str().unwrap();
    s.move_to(&pizzaiolo, id, "preparing").await;
    s.move_to(&pizzaiolo, id, "ready").await;
    let queue: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/kitchen", s.shop),
            Some(&pizzaiolo),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    let courier = s.staff(Role::Delivery).await;
    let list: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/deliveries", s.shop),
            Some(&courier),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["ready"][0]["id"], first["id"]);
    s.move_to(&courier, id, "out_for_delivery").await;
    let list: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/deliveries", s.shop),
            Some(&courier),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["on_the_way"][0]["id"], first["id"]);
    let colleague: Value = s
        .app
        .get(
            &format!("/api/v1/shops/{}/deliveries", s.shop),
            Some(&s.staff(Role::Delivery).await),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        colleague["on_the_way"].as_array().unwrap().is_empty(),
        "only one's own deliveries"
    );
    assert_problem(
        s.app
            .get(
                &format!("/api/v1/shops/{}/deliveries", s.shop),
                Some(&pizzaiolo),
            )
            .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn managers_restock_and_record_waste_but_never_below_zero() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let ingredients: Value = s
        .app
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
    let path = format!("/api/v1/shops/{}/stock/movements", s.shop);
    let before = s.app.stock_of(s.shop, "mozzarella").await;
    let line: Value = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"ingredient_id": mozzarella, "delta": 5000, "reason": "restock"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(line["quantity"].as_i64().unwrap(), before + 5000);
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"ingredient_id": mozzarella, "delta": -(before + 5001), "reason": "waste"}),
        )
        .await;
    let body = assert_problem(res, 409).await;
    assert_eq!(
        body["extra"]["missing_ingredients"][0]["available"]
            .as_i64()
            .unwrap(),
        before + 5000
    );
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"ingredient_id": mozzarella, "delta": 10, "reason": "waste"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["delta"]
    );
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"ingredient_id": mozzarella, "delta": 10, "reason": "gift"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["reason"]
    );
    // Down to its threshold: flagged low.
    let threshold: Value = s
        .app
        .get(&format!("/api/v1/shops/{}/stock", s.shop), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    let line = threshold["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ingredient_id"] == mozzarella)
        .unwrap()
        .clone();
    let to_remove = line["quantity"].as_i64().unwrap() - line["low_threshold"].as_i64().unwrap();
    let low: Value = s.app.post(&path, Some(&manager), json!({"ingredient_id": mozzarella, "delta": -to_remove, "reason": "adjustment", "note": "inventaire"})).await.json().await.unwrap();
    assert_eq!(low["low"], true);
    let history: Value = s
        .app
        .get(
            &format!(
                "{path}?ingredient_id={}&limit=2",
                mozzarella.as_str().unwrap()
            ),
            Some(&manager),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["reason"], "adjustment");
    assert_eq!(items[0]["note"], "inventaire");
    assert!(history["next_cursor"].is_string());
    // Only this shop's managers.
    for role in [Role::OrderTaker, Role::Pizzaiolo, Role::Delivery] {
        assert_problem(
            s.app
                .post(
                    &path,
                    Some(&s.staff(role).await),
                    json!({"ingredient_id": mozzarella, "delta": 1, "reason": "restock"}),
                )
                .await,
            403,
        )
        .await;
    }
    let elsewhere = s.app.token_for(Role::Manager, Some(s.other_shop)).await;
    assert_problem(
        s.app
            .post(
                &path,
                Some(&elsewhere),
                json!({"ingredient_id": mozzarella, "delta": 1, "reason": "restock"}),
            )
            .await,
        404,
    )
    .await;
    assert_problem(s.app.get(&path, Some(&elsewhere)).await, 404).await;
    assert_problem(s.app.get(&path, Some(&s.customer)).await, 403).await;
    s.app.assert_stock_matches_movements().await;
}
