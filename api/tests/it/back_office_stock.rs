//! The back office's stock: per-shop thresholds, counts, the filtered history and the levels of
//! the last days, with the authorization matrix.

use ocpizza::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, problem_fields};
use crate::orders::Scene;

async fn ingredient(s: &Scene, slug: &str) -> Uuid {
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
        .find(|i| i["slug"] == slug)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn line(s: &Scene, token: &str, shop: Uuid, ingredient: Uuid) -> Value {
    let stock: Value = s
        .app
        .get(&format!("/api/v1/shops/{shop}/stock"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    stock["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ingredient_id"] == ingredient.to_string())
        .unwrap()
        .clone()
}

/// Every caller but the shop's manager and an admin: their token and the status they get.
async fn outsiders(s: &Scene) -> Vec<(&'static str, Option<String>, u16)> {
    let mut out = vec![
        (
            "manager of another shop",
            Some(s.app.token_for(Role::Manager, Some(s.other_shop)).await),
            404,
        ),
        ("customer", Some(s.customer.clone()), 403),
        ("anonymous", None, 401),
    ];
    for (name, role) in [
        ("pizzaiolo", Role::Pizzaiolo),
        ("order taker", Role::OrderTaker),
        ("delivery", Role::Delivery),
    ] {
        out.push((name, Some(s.staff(role).await), 403));
    }
    out
}

#[tokio::test]
async fn a_manager_sets_a_threshold_for_his_shop_only_and_the_low_flag_follows() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let admin = s.app.token_for(Role::Admin, None).await;
    let basilic = ingredient(&s, "basilic").await;
    let quantity = s.app.stock_of(s.shop, "basilic").await;
    let other_before = line(&s, &admin, s.other_shop, basilic).await["low_threshold"].clone();
    let path = format!("/api/v1/shops/{}/stock/{basilic}", s.shop);

    let res = s
        .app
        .send(
            "PATCH",
            &path,
            Some(&manager),
            json!({"low_threshold": quantity}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let set: Value = res.json().await.unwrap();
    assert_eq!(set["low_threshold"].as_i64().unwrap(), quantity);
    assert_eq!(set["low"], true, "at the threshold is low");
    let res = s
        .app
        .send(
            "PATCH",
            &path,
            Some(&admin),
            json!({"low_threshold": quantity - 1}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(line(&s, &manager, s.shop, basilic).await["low"], false);
    // The other shop keeps its own.
    assert_eq!(
        line(&s, &admin, s.other_shop, basilic).await["low_threshold"],
        other_before
    );

    for (who, token, status) in outsiders(&s).await {
        let res = s
            .app
            .send(
                "PATCH",
                &path,
                token.as_deref(),
                json!({"low_threshold": 1}),
            )
            .await;
        assert_eq!(res.status().as_u16(), status, "{who}");
    }
    assert_eq!(
        line(&s, &manager, s.shop, basilic).await["low_threshold"]
            .as_i64()
            .unwrap(),
        quantity - 1,
        "nobody else changed it"
    );

    for bad in [
        json!({"low_threshold": -1}),
        json!({"low_threshold": 10_000_001}),
    ] {
        let res = s.app.send("PATCH", &path, Some(&manager), bad).await;
        assert_eq!(
            problem_fields(&assert_problem(res, 422).await),
            vec!["low_threshold"]
        );
    }
    let res = s
        .app
        .send(
            "PATCH",
            &path,
            Some(&manager),
            json!({"low_threshold": "many"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["low_threshold"]
    );
    let res = s
        .app
        .send(
            "PATCH",
            &format!("/api/v1/shops/{}/stock/{}", s.shop, Uuid::new_v4()),
            Some(&manager),
            json!({"low_threshold": 3}),
        )
        .await;
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn a_count_records_the_difference_and_a_count_below_zero_is_refused() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let mozzarella = ingredient(&s, "mozzarella").await;
    let before = s.app.stock_of(s.shop, "mozzarella").await;
    let path = format!("/api/v1/shops/{}/stock/movements", s.shop);

    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"ingredient_id": mozzarella, "reason": "count", "quantity": before - 750, "note": "inventaire du soir"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let counted: Value = res.json().await.unwrap();
    assert_eq!(counted["quantity"].as_i64().unwrap(), before - 750);
    let history: Value = s
        .app
        .get(&format!("{path}?reason=count"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["delta"].as_i64().unwrap(), -750);
    assert_eq!(items[0]["reason"], "count");
    assert_eq!(items[0]["note"], "inventaire du soir");
    assert_eq!(items[0]["actor_name"], "Test User");

    // Counting more than the stock adds the difference; the same count again records nothing.
    for _ in 0..2 {
        let res = s
            .app
            .post(
                &path,
                Some(&manager),
                json!({"ingredient_id": mozzarella, "reason": "count", "quantity": before + 250}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    assert_eq!(s.app.stock_of(s.shop, "mozzarella").await, before + 250);
    let history: Value = s
        .app
        .get(&format!("{path}?reason=count"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    let deltas: Vec<i64> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["delta"].as_i64().unwrap())
        .collect();
    assert_eq!(deltas, vec![1000, -750]);

    // A count to zero empties the line.
    let res = s
        .app
        .post(
            &path,
            Some(&manager),
            json!({"ingredient_id": mozzarella, "reason": "count", "quantity": 0}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(s.app.stock_of(s.shop, "mozzarella").await, 0);

    let bad: [(Value, &[&str]); 4] = [
        (
            json!({"ingredient_id": mozzarella, "reason": "count", "quantity": -1}),
            &["quantity"],
        ),
        (
            json!({"ingredient_id": mozzarella, "reason": "count"}),
            &["quantity"],
        ),
        (
            json!({"ingredient_id": mozzarella, "reason": "count", "quantity": 5, "delta": 5}),
            &["delta"],
        ),
        (
            json!({"ingredient_id": mozzarella, "reason": "restock", "quantity": 5}),
            &["delta", "quantity"],
        ),
    ];
    for (body, fields) in bad {
        let res = s.app.post(&path, Some(&manager), body.clone()).await;
        let mut got = problem_fields(&assert_problem(res, 422).await);
        got.sort();
        assert_eq!(got, fields, "{body}");
    }
    for (who, token, status) in outsiders(&s).await {
        let res = s
            .app
            .post(
                &path,
                token.as_deref(),
                json!({"ingredient_id": mozzarella, "reason": "count", "quantity": 99}),
            )
            .await;
        assert_eq!(res.status().as_u16(), status, "{who}");
    }
    assert_eq!(s.app.stock_of(s.shop, "mozzarella").await, 0);
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn the_history_is_filtered_by_ingredient_reason_and_days_of_the_shop_and_paginated() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let mozzarella = ingredient(&s, "mozzarella").await;
    let basilic = ingredient(&s, "basilic").await;
    let path = format!("/api/v1/shops/{}/stock/movements", s.shop);
    for (id, delta, reason) in [
        (mozzarella, 100, "restock"),
        (mozzarella, -10, "waste"),
        (basilic, 50, "restock"),
        (mozzarella, 200, "restock"),
    ] {
        let res = s
            .app
            .post(
                &path,
                Some(&manager),
                json!({"ingredient_id": id, "delta": delta, "reason": reason}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    // One restock dated 23:30 in Lyon on 20 November 2026: 22:30 UTC, so the 20th there; the
    // seed's initial stock a month before.
    let shop = s.shop;
    s.app
        .with_db(move |conn| {
            use diesel::prelude::*;
            diesel::sql_query(
                "UPDATE stock_movements SET created_at = CASE WHEN actor_id IS NULL
                   THEN '2026-10-20T12:00:00Z'::timestamptz ELSE '2026-11-20T22:30:00Z' END
                 WHERE shop_id = $1 AND reason = 'restock' AND (delta = 100 OR actor_id IS NULL)",
            )
            .bind::<diesel::sql_types::Uuid, _>(shop)
            .execute(conn)
            .unwrap();
        })
        .await;
    let get = |query: String| {
        let (app, token, path) = (&s.app, manager.clone(), path.clone());
        async move {
            let res = app.get(&format!("{path}?{query}"), Some(&token)).await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>().await.unwrap()
        }
    };
    let deltas = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["delta"].as_i64().unwrap())
            .collect()
    };
    let seeded = s.app.stock_of(s.shop, "mozzarella").await - 290;
    let page = get(format!("ingredient_id={mozzarella}&reason=restock")).await;
    assert_eq!(deltas(&page), vec![200, 100, seeded]);
    let page = get(format!(
        "ingredient_id={mozzarella}&reason=restock&from=2026-11-01"
    ))
    .await;
    assert_eq!(deltas(&page), vec![200, 100]);
    let page = get("from=2026-11-20&to=2026-11-20&reason=restock".into()).await;
    assert_eq!(deltas(&page), vec![100], "23:30 in Lyon is still the 20th");
    let page = get("from=2026-11-21&to=2026-11-21".into()).await;
    assert_eq!(deltas(&page), Vec::<i64>::new(), "not the 21st");
    let page = get(format!("ingredient_id={mozzarella}&limit=2")).await;
    assert_eq!(deltas(&page), vec![200, -10]);
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let page = get(format!(
        "ingredient_id={mozzarella}&limit=2&cursor={cursor}"
    ))
    .await;
    assert_eq!(deltas(&page), vec![100, seeded]);
    assert!(page["next_cursor"].is_null());

    for (query, field) in [
        ("from=2026-12-05&to=2026-12-01", "to"),
        ("from=yesterday", "from"),
        ("reason=theft", "reason"),
        ("limit=0", "limit"),
    ] {
        let res = s.app.get(&format!("{path}?{query}"), Some(&manager)).await;
        assert_eq!(
            problem_fields(&assert_problem(res, 422).await),
            vec![field],
            "{query}"
        );
    }
    for (who, token, status) in outsiders(&s).await {
        let res = s.app.get(&path, token.as_deref()).await;
        assert_eq!(res.status().as_u16(), status, "{who}");
    }
}

#[tokio::test]
async fn the_levels_of_the_last_days_end_at_the_stock_now() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let basilic = ingredient(&s, "basilic").await;
    let now = s.app.stock_of(s.shop, "basilic").await;
    // The seed's movements, whenever the test template was made, are older than the window.
    let shop = s.shop;
    s.app
        .with_db(move |conn| {
            use diesel::prelude::*;
            for table in ["stock_movements", "order_stock_takes"] {
                diesel::sql_query(format!(
                    "UPDATE {table} SET created_at = now() - interval '60 days' WHERE shop_id = $1"
                ))
                .bind::<diesel::sql_types::Uuid, _>(shop)
                .execute(conn)
                .unwrap();
            }
        })
        .await;
    let res = s
        .app
        .post(
            &format!("/api/v1/shops/{}/stock/movements", s.shop),
            Some(&manager),
            json!({"ingredient_id": basilic, "delta": 40, "reason": "restock"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    // A waste three days ago, at noon in Lyon.
    s.app
        .with_db(move |conn| {
            use diesel::prelude::*;
            diesel::sql_query(
                "WITH w AS (INSERT INTO stock_movements (shop_id, ingredient_id, delta, reason, created_at)
                   VALUES ($1, $2, -15, 'waste', date_trunc('day', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris' - interval '3 days' + interval '12 hours') RETURNING delta)
                 UPDATE stock SET quantity = quantity + (SELECT delta FROM w) WHERE shop_id = $1 AND ingredient_id = $2",
            )
            .bind::<diesel::sql_types::Uuid, _>(shop)
            .bind::<diesel::sql_types::Uuid, _>(basilic)
            .execute(conn)
            .unwrap();
        })
        .await;
    let path = format!("/api/v1/shops/{}/stock/{basilic}/levels", s.shop);
    let levels: Value = s
        .app
        .get(&format!("{path}?days=5"), Some(&manager))
        .await
        .json()
        .await
        .unwrap();
    let q: Vec<i64> = levels["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["quantity"].as_i64().unwrap())
        .collect();
    // Oldest first: before the waste, after it, then today's restock.
    assert_eq!(q.len(), 5);
    assert_eq!(q[4], now + 40 - 15);
    assert_eq!(q[3], now - 15);
    assert_eq!(q[1], now - 15);
    assert_eq!(q[0], now);
    assert_eq!(levels["unit"], "g");
    let default: Value = s.app.get(&path, Some(&manager)).await.json().await.unwrap();
    assert_eq!(default["items"].as_array().unwrap().len(), 30);
    assert_problem(
        s.app.get(&format!("{path}?days=91"), Some(&manager)).await,
        422,
    )
    .await;
    for (who, token, status) in outsiders(&s).await {
        let res = s.app.get(&path, token.as_deref()).await;
        assert_eq!(res.status().as_u16(), status, "{who}");
    }
    s.app.assert_stock_matches_movements().await;
}

#[tokio::test]
async fn an_order_takes_its_ingredients_in_one_row_shown_as_one_movement_each() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let mozzarella = ingredient(&s, "mozzarella").await;
    let before = s.app.stock_of(s.shop, "mozzarella").await;
    let res = s
        .place(
            &s.customer,
            s.delivery_order(json!([s.item("margherita", "large", 2)])),
        )
        .await;
    assert_eq!(res.status(), 201);
    let order: Value = res.json().await.unwrap();
    let order_id: Uuid = order["id"].as_str().unwrap().parse().unwrap();
    let taken = before - s.app.stock_of(s.shop, "mozzarella").await;
    assert!(taken > 0);

    // One row for the order, its ingredients sorted and each delta negative; no movement row.
    let (rows, ingredients, deltas, movements) = s
        .app
        .with_db(move |conn| {
            use diesel::prelude::*;
            use ocpizza::schema::{order_stock_takes as t, stock_movements as m};
            type Take = (Vec<Option<Uuid>>, Vec<Option<i64>>);
            let takes: Vec<Take> = t::table
                .filter(t::order_id.eq(order_id))
                .select((t::ingredient_ids, t::deltas))
                .load(conn)
                .unwrap();
            let movements: i64 = m::table
                .filter(m::order_id.eq(order_id))
                .count()
                .get_result(conn)
                .unwrap();
            let (ids, deltas) = takes[0].clone();
            let ids: Vec<Uuid> = ids.into_iter().flatten().collect();
            let deltas: Vec<i64> = deltas.into_iter().flatten().collect();
            (takes.len(), ids, deltas, movements)
        })
        .await;
    assert_eq!((rows, movements), (1, 0));
    let mut sorted = ingredients.clone();
    sorted.sort();
    assert_eq!(ingredients, sorted);
    assert!(deltas.iter().all(|d| *d < 0));
    assert_eq!(ingredients.len(), deltas.len());
    let i = ingredients.iter().position(|i| *i == mozzarella).unwrap();
    assert_eq!(deltas[i], -taken);

    // The history shows one movement per ingredient, reason `order`, with the order's id; each
    // has its own id, the same from one read to the next.
    let path = format!("/api/v1/shops/{}/stock/movements?reason=order", s.shop);
    let read = || async {
        let res = s.app.get(&path, Some(&manager)).await;
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .clone()
    };
    let items = read().await;
    assert_eq!(items.len(), ingredients.len());
    assert!(items
        .iter()
        .all(|m| m["order_id"] == order_id.to_string() && m["reason"] == "order"));
    let mozza = items
        .iter()
        .find(|m| m["ingredient_id"] == mozzarella.to_string())
        .unwrap();
    assert_eq!(mozza["delta"], -taken);
    let ids: std::collections::BTreeSet<String> = items
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), items.len());
    let again: std::collections::BTreeSet<String> = read()
        .await
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, again);

    // Page after page, the history is the ledger in its order (newest first, then by id): the
    // movements and the takes merged.
    let shop = s.shop;
    let ledger: Vec<String> = s
        .app
        .with_db(move |conn| {
            use diesel::prelude::*;
            use ocpizza::schema_views::stock_ledger as l;
            l::table
                .filter(l::shop_id.eq(shop))
                .order((l::created_at.desc(), l::id))
                .select(l::id)
                .load::<Uuid>(conn)
                .unwrap()
                .into_iter()
                .map(|id| id.to_string())
                .collect()
        })
        .await;
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("limit=4&cursor={c}"),
            None => "limit=4".into(),
        };
        let res = s
            .app
            .get(
                &format!("/api/v1/shops/{}/stock/movements?{query}", s.shop),
                Some(&manager),
            )
            .await;
        let page: Value = res.json().await.unwrap();
        paged.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert!(ledger.len() > ingredients.len());
    assert_eq!(paged, ledger);

    // Cancelled: the stock comes back as `cancel` movements, and the stock is the sum of it all.
    let res = s
        .app
        .post(
            &format!("/api/v1/orders/{order_id}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(s.app.stock_of(s.shop, "mozzarella").await, before);
    let path = format!(
        "/api/v1/shops/{}/stock/movements?reason=cancel&ingredient_id={mozzarella}",
        s.shop
    );
    let res = s.app.get(&path, Some(&manager)).await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"][0]["delta"], taken);
    s.app.assert_stock_matches_movements().await;
}
