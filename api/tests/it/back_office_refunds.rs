//! Refunds on any order: money paid back by hand for an order paid cash or card on delivery, and
//! online refunds as before; both in the order's payments and history.

use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, problem_fields};
use crate::orders::Scene;

/// A pickup order paid `method` (cash or card on delivery), collected at the counter: its id and
/// total.
async fn collected_order(s: &Scene, method: &str) -> (String, i64) {
    let res = s
        .place(
            &s.customer,
            json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": method,
                   "items": [s.item("reine", "large", 2)]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let order: Value = res.json().await.unwrap();
    let id = order["id"].as_str().unwrap().to_string();
    let desk = s.staff(Role::OrderTaker).await;
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{id}/payments"),
            Some(&desk),
            json!({"method": method}),
        )
        .await;
    assert_eq!(res.status(), 201);
    (id, order["total_cents"].as_i64().unwrap())
}

async fn order(s: &Scene, id: &str, token: &str) -> Value {
    s.app
        .get(&format!("/api/v1/orders/{id}"), Some(token))
        .await
        .json()
        .await
        .unwrap()
}

async fn payments(s: &Scene, id: &str, token: &str) -> Value {
    s.app
        .get(&format!("/api/v1/orders/{id}/payments"), Some(token))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_manager_pays_back_part_of_a_cash_order_by_hand_never_more_than_was_collected() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let (id, total) = collected_order(&s, "cash").await;
    let path = format!("/api/v1/orders/{id}/refunds");

    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"amount_cents": 450, "method": "cash", "reason": "boisson oubliée"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let refund: Value = res.json().await.unwrap();
    assert_eq!(refund["amount_cents"], 450);
    assert_eq!(refund["status"], "succeeded");
    assert_eq!(refund["method"], "cash");
    assert_eq!(refund["reason"], "boisson oubliée");
    let me: Value = s
        .app
        .get("/api/v1/me", Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refund["created_by"], me["id"]);

    let ledger = payments(&s, &id, &manager).await;
    assert_eq!(ledger["items"][0]["provider"], "cash");
    assert_eq!(ledger["items"][0]["amount_cents"].as_i64().unwrap(), total);
    assert_eq!(ledger["items"][0]["refunded_cents"], 450);
    assert_eq!(ledger["items"][0]["refunds"][0]["id"], refund["id"]);
    // The customer sees it too, in the payments and the history.
    let seen = order(&s, &id, &s.customer).await;
    let last = seen["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["from"], seen["status"]);
    assert_eq!(last["to"], seen["status"]);
    assert_eq!(last["note"], "refunded 4.50 EUR (cash): boisson oubliée");
    // Typed, for the screens to word in their language.
    assert_eq!(last["event"], "refunded");
    assert_eq!(last["reason"], "boisson oubliée");
    assert_eq!(
        last["refund"],
        json!({"amount_cents": 450, "method": "cash"})
    );
    assert_eq!(
        payments(&s, &id, &s.customer).await["items"][0]["refunded_cents"],
        450
    );

    // What is left, and not a cent more.
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"amount_cents": total - 449, "method": "card", "reason": "geste"}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["amount_cents"]);
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains(&format!("between 1 and {}", total - 450)));
    let admin = s.app.token_for(Role::Admin, None).await;
    let res = s
        .app
        .post(
            &path,
            Some(&admin),
            json!({"amount_cents": total - 450, "method": "card", "reason": "commande ratée"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let ledger = payments(&s, &id, &manager).await;
    assert_eq!(
        ledger["items"][0]["refunded_cents"].as_i64().unwrap(),
        total
    );
    assert_eq!(ledger["items"][0]["refunds"].as_array().unwrap().len(), 2);
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"amount_cents": 1, "method": "cash", "reason": "encore"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["amount_cents"]
    );
}

#[tokio::test]
async fn only_the_shops_manager_or_an_admin_refunds_and_bad_inputs_name_their_field() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let (id, _) = collected_order(&s, "card_on_delivery").await;
    let path = format!("/api/v1/orders/{id}/refunds");
    let body = json!({"amount_cents": 100, "method": "card", "reason": "x"});
    let mut callers: Vec<(&str, Option<String>, u16)> = vec![
        (
            "manager of another shop",
            Some(s.app.token_for(Role::Manager, Some(s.other_shop)).await),
            404,
        ),
        ("its customer", Some(s.customer.clone()), 403),
        ("anonymous", None, 401),
    ];
    for (name, role) in [
        ("pizzaiolo", Role::Pizzaiolo),
        ("order taker", Role::OrderTaker),
        ("delivery", Role::Delivery),
    ] {
        callers.push((name, Some(s.staff(role).await), 403));
    }
    for (who, token, status) in callers {
        let res = s.app.post(&path, token.as_deref(), body.clone()).await;
        assert_eq!(res.status().as_u16(), status, "{who}");
    }
    assert_eq!(
        payments(&s, &id, &manager).await["items"][0]["refunded_cents"],
        0
    );

    let bad: [(Value, &[&str]); 6] = [
        (json!({"amount_cents": 100, "reason": "x"}), &["method"]),
        (
            json!({"amount_cents": 100, "method": "online", "reason": "x"}),
            &["method"],
        ),
        (json!({"amount_cents": 100, "method": "cash"}), &["reason"]),
        (
            json!({"amount_cents": 100, "method": "cash", "reason": "  "}),
            &["reason"],
        ),
        (
            json!({"amount_cents": 0, "method": "cash", "reason": "x"}),
            &["amount_cents"],
        ),
        (
            json!({"amount_cents": -5, "method": "cash", "reason": "x"}),
            &["amount_cents"],
        ),
    ];
    for (body, fields) in bad {
        let res = s.app.post(&path, Some(&manager), body.clone()).await;
        assert_eq!(
            problem_fields(&assert_problem(res, 422).await),
            fields,
            "{body}"
        );
    }
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"amount_cents": 100, "method": "cash", "reason": "r".repeat(501)}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["reason"]
    );
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"amount_cents": "lots", "method": "cash", "reason": "x"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["amount_cents"]
    );

    // An order nothing was collected for yet has nothing to pay back.
    let res = s
        .place(
            &s.customer,
            json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "cash",
                   "items": [s.item("reine", "large", 1)]}),
        )
        .await;
    let unpaid: Value = res.json().await.unwrap();
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{}/refunds", unpaid["id"].as_str().unwrap()),
            Some(&manager),
            json!({"amount_cents": 100, "method": "cash", "reason": "x"}),
        )
        .await;
    assert_problem(res, 409).await;
    assert_eq!(
        payments(&s, &id, &manager).await["items"][0]["refunded_cents"],
        0
    );
}

#[tokio::test]
async fn an_online_refund_goes_through_the_provider_and_shows_in_the_history_too() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let res = s
        .place(
            &s.customer,
            json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "online",
                   "items": [s.item("reine", "large", 1)]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let placed: Value = res.json().await.unwrap();
    let id = placed["id"].as_str().unwrap().to_string();
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
    let res = s
        .app
        .post(
            "/api/v1/payments/offline/confirm",
            Some(&s.customer),
            json!({"payment_intent_id": start["payment_intent_id"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let path = format!("/api/v1/orders/{id}/refunds");
    // A method belongs to refunds by hand only.
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"amount_cents": 300, "method": "cash"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["method"]
    );
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"amount_cents": 300, "reason": "trop cuite"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let refund: Value = res.json().await.unwrap();
    assert_eq!(refund["method"], "online");
    let ledger = payments(&s, &id, &manager).await;
    assert_eq!(ledger["items"][0]["refunds"][0]["method"], "online");
    assert_eq!(ledger["items"][0]["refunded_cents"], 300);
    let seen = order(&s, &id, &manager).await;
    let notes: Vec<&str> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["note"].as_str())
        .collect();
    assert_eq!(
        notes,
        vec!["paid online", "refunded 3.00 EUR (online): trop cuite"]
    );
    let events: Vec<(&str, &Value, &Value)> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["event"].as_str().unwrap(), &h["reason"], &h["refund"]))
        .collect();
    assert_eq!(
        events,
        vec![
            ("moved", &Value::Null, &Value::Null),
            ("paid", &Value::Null, &Value::Null),
            (
                "refunded",
                &json!("trop cuite"),
                &json!({"amount_cents": 300, "method": "online"})
            )
        ]
    );
}

#[tokio::test]
async fn the_shops_orders_are_filtered_by_status_day_fulfilment_and_payment() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let (cash_pickup, _) = collected_order(&s, "cash").await;
    let res = s
        .place(
            &s.customer,
            s.delivery_order(json!([s.item("reine", "large", 1)])),
        )
        .await;
    assert_eq!(res.status(), 201);
    let cash_delivery = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = s
        .place(
            &s.customer,
            json!({"shop_id": s.shop, "fulfilment": "pickup", "payment_method": "card_on_delivery",
                   "items": [s.item("reine", "large", 1)]}),
        )
        .await;
    let card_pickup = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The card order was placed at 23:30 in Lyon on 20 November (22:30 UTC).
    let moved = card_pickup.clone();
    s.app
        .with_db(move |conn| {
            use diesel::prelude::*;
            diesel::sql_query(
                "UPDATE orders SET created_at = '2026-11-20T22:30:00Z' WHERE id = $1::uuid",
            )
            .bind::<diesel::sql_types::Text, _>(moved)
            .execute(conn)
            .unwrap();
        })
        .await;
    // An order of the other shop the manager never sees.
    let res = s
        .place(
            &s.customer,
            json!({"shop_id": s.other_shop, "fulfilment": "pickup", "payment_method": "cash",
                   "items": [s.item("reine", "large", 1)]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let ids = |query: &str| {
        let (app, token, query) = (&s.app, manager.clone(), query.to_string());
        async move {
            let res = app
                .get(&format!("/api/v1/orders?{query}"), Some(&token))
                .await;
            assert_eq!(res.status(), 200, "{query}");
            let page: Value = res.json().await.unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids("").await,
        vec![
            cash_delivery.clone(),
            cash_pickup.clone(),
            card_pickup.clone()
        ]
    );
    assert_eq!(
        ids("fulfilment=delivery").await,
        vec![cash_delivery.clone()]
    );
    assert_eq!(
        ids("payment_method=cash").await,
        vec![cash_delivery.clone(), cash_pickup.clone()]
    );
    assert_eq!(
        ids("payment_method=card_on_delivery&fulfilment=pickup").await,
        vec![card_pickup.clone()]
    );
    assert_eq!(
        ids("from=2026-11-20&to=2026-11-20").await,
        vec![card_pickup.clone()],
        "the 20th in Lyon"
    );
    assert_eq!(
        ids("from=2026-11-21&to=2026-11-21").await,
        Vec::<String>::new()
    );
    assert_eq!(
        ids("from=2026-11-21").await,
        vec![cash_delivery.clone(), cash_pickup.clone()]
    );
    assert_eq!(
        ids("status=placed&fulfilment=pickup").await,
        vec![cash_pickup, card_pickup]
    );
    for (query, field) in [
        ("fulfilment=drone", "fulfilment"),
        ("payment_method=cheque", "payment_method"),
        ("from=2026-11-22&to=2026-11-21", "to"),
        ("from=hier", "from"),
    ] {
        let res = s
            .app
            .get(&format!("/api/v1/orders?{query}"), Some(&manager))
            .await;
        assert_eq!(
            problem_fields(&assert_problem(res, 422).await),
            vec![field],
            "{query}"
        );
    }
}
