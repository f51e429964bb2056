//! Closures of a shop for given days (holidays, works): who may add and remove them, how bad days
//! are refused, and a closed day refusing orders and closing the menu.

use chrono::{Days, NaiveDate, Utc};
use ocpizza::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, problem_fields, TestApp};
use crate::orders::Scene;

/// Today in Paris, where every seeded shop is.
fn paris_today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

fn days_after(n: u64) -> String {
    (paris_today() + Days::new(n)).to_string()
}

fn closure(first: &str, last: &str, reason: &str) -> Value {
    json!({"first_day": first, "last_day": last, "reason": reason})
}

async fn menu_version(app: &TestApp, shop: uuid::Uuid) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        version: i64,
    }
    app.with_db(move |conn| {
        use diesel::prelude::*;
        diesel::sql_query("SELECT version FROM shop_menu_versions WHERE shop_id = $1")
            .bind::<diesel::sql_types::Uuid, _>(shop)
            .get_result::<Version>(conn)
            .unwrap()
            .version
    })
    .await
}

#[tokio::test]
async fn only_admins_close_a_shop_and_anyone_sees_its_closures() {
    let app = TestApp::spawn().await;
    let shops = app.shop_ids().await;
    let (shop, other) = (shops["lyon-presquile"], shops["lyon-part-dieu"]);
    let path = format!("/api/v1/shops/{shop}/closures");
    let body = closure(&days_after(3), &days_after(5), "congés");
    let callers = [
        (
            "manager of the shop",
            Some(app.token_for(Role::Manager, Some(shop)).await),
            403,
        ),
        (
            "manager of another shop",
            Some(app.token_for(Role::Manager, Some(other)).await),
            403,
        ),
        (
            "order taker of the shop",
            Some(app.token_for(Role::OrderTaker, Some(shop)).await),
            403,
        ),
        (
            "customer",
            Some(app.token_for(Role::Customer, None).await),
            403,
        ),
        ("anonymous", None, 401),
    ];
    for (who, token, status) in &callers {
        let res = app.post(&path, token.as_deref(), body.clone()).await;
        assert_eq!(res.status().as_u16(), *status, "{who} adds");
        assert_problem(res, *status).await;
    }
    let admin = app.token_for(Role::Admin, None).await;
    let res = app.post(&path, Some(&admin), body.clone()).await;
    assert_eq!(res.status(), 201);
    let added: Value = res.json().await.unwrap();
    assert_eq!(added["first_day"], days_after(3));
    assert_eq!(added["last_day"], days_after(5));
    assert_eq!(added["reason"], "congés");
    let id = added["id"].as_str().unwrap().to_string();
    // Everyone reads them, in the list and in the shop.
    let list: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(list["items"], json!([added]));
    assert_eq!(list["next_cursor"], Value::Null);
    let view: Value = app
        .get(&format!("/api/v1/shops/{shop}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["closures"], json!([added]));
    assert_eq!(view["closure_now"], Value::Null);
    let others: Value = app
        .get(&format!("/api/v1/shops/{other}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(others["closures"], json!([]));
    // Removing: the same matrix, then the admin.
    let one = format!("{path}/{id}");
    for (who, token, status) in &callers {
        let res = app
            .send("DELETE", &one, token.as_deref(), Value::Null)
            .await;
        assert_eq!(res.status().as_u16(), *status, "{who} removes");
    }
    let res = app.send("DELETE", &one, Some(&admin), Value::Null).await;
    assert_eq!(res.status(), 204);
    let list: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
    // Gone is gone; another shop's closure is not found under this one.
    assert_problem(
        app.send("DELETE", &one, Some(&admin), Value::Null).await,
        404,
    )
    .await;
    let theirs: Value = app
        .post(
            &format!("/api/v1/shops/{other}/closures"),
            Some(&admin),
            closure(&days_after(1), &days_after(1), "inventaire"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_problem(
        app.send(
            "DELETE",
            &format!("{path}/{}", theirs["id"].as_str().unwrap()),
            Some(&admin),
            Value::Null,
        )
        .await,
        404,
    )
    .await;
    // The audit log keeps who did what.
    let actions: Vec<String> = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use ocpizza::schema::audit_log;
            audit_log::table
                .filter(audit_log::action.like("shop.closure%"))
                .order(audit_log::id)
                .select(audit_log::action)
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(
        actions,
        [
            "shop.closure_added",
            "shop.closure_removed",
            "shop.closure_added"
        ]
    );
}

#[tokio::test]
async fn bad_days_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let admin = app.token_for(Role::Admin, None).await;
    let path = format!("/api/v1/shops/{shop}/closures");
    let yesterday = (paris_today() - Days::new(1)).to_string();
    let year_later = (paris_today() + chrono::Months::new(12)).to_string();
    let cases = [
        (
            closure("24/12/2026", &days_after(1), "x"),
            "first_day",
            "invalid",
        ),
        (
            closure(&days_after(1), "2026-02-30", "x"),
            "last_day",
            "invalid",
        ),
        (
            closure(&days_after(5), &days_after(3), "x"),
            "last_day",
            "before_first_day",
        ),
        (
            closure(&days_after(0), &year_later, "x"),
            "last_day",
            "too_long",
        ),
        (
            closure(&yesterday, &days_after(1), "x"),
            "first_day",
            "in_past",
        ),
        (
            closure(&days_after(1), &days_after(1), "  "),
            "reason",
            "length",
        ),
        (
            json!({"first_day": days_after(1), "last_day": days_after(1)}),
            "reason",
            "required",
        ),
    ];
    for (body, field, code) in cases {
        let problem = assert_problem(app.post(&path, Some(&admin), body.clone()).await, 422).await;
        assert_eq!(problem_fields(&problem), [field], "{body}");
        if code != "required" {
            assert_eq!(problem["errors"][0]["code"], code, "{body}");
        }
    }
    // A year less a day is accepted; days already closed are refused.
    let day_before = (paris_today() + chrono::Months::new(12) - Days::new(1)).to_string();
    let res = app
        .post(
            &path,
            Some(&admin),
            closure(&days_after(0), &day_before, "travaux"),
        )
        .await;
    assert_eq!(res.status(), 201);
    let problem = assert_problem(
        app.post(
            &path,
            Some(&admin),
            closure(&days_after(10), &days_after(11), "congés"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "first_day");
    assert_eq!(problem["errors"][0]["code"], "overlaps");
    // Unknown shop.
    let nowhere = format!("/api/v1/shops/{}/closures", uuid::Uuid::new_v4());
    assert_problem(app.get(&nowhere, None).await, 404).await;
    assert_problem(
        app.post(
            &nowhere,
            Some(&admin),
            closure(&days_after(1), &days_after(1), "x"),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.send(
            "DELETE",
            &format!("{nowhere}/{}", uuid::Uuid::new_v4()),
            Some(&admin),
            Value::Null,
        )
        .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_closed_day_refuses_orders_and_closes_the_menu_until_removed() {
    let s = Scene::new().await;
    let admin = s.app.token_for(Role::Admin, None).await;
    let shop = s.shop;
    let menu_path = format!("/api/v1/shops/{shop}/menu");
    let order = json!({"shop_id": shop, "fulfilment": "pickup", "payment_method": "cash",
                       "items": [s.item("margherita", "large", 1)]});
    // The menu is cached open first, so the closure has to move it.
    let menu: Value = s.app.get(&menu_path, None).await.json().await.unwrap();
    assert_eq!(menu["open_now"], true);
    let before = menu_version(&s.app, shop).await;
    let today = days_after(0);
    let res = s
        .app
        .post(
            &format!("/api/v1/shops/{shop}/closures"),
            Some(&admin),
            closure(&today, &today, "inventaire annuel"),
        )
        .await;
    assert_eq!(res.status(), 201);
    let added: Value = res.json().await.unwrap();
    assert!(
        menu_version(&s.app, shop).await > before,
        "the closure moves the menu version"
    );

    let menu: Value = s.app.get(&menu_path, None).await.json().await.unwrap();
    assert_eq!(menu["open_now"], false, "the menu says closed");
    let view: Value = s
        .app
        .get(&format!("/api/v1/shops/{shop}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["open_now"], false);
    assert_eq!(view["closure_now"], added);
    // Open all week: it opens again at midnight in Paris after the closure.
    let tomorrow = paris_today() + Days::new(1);
    let midnight = tomorrow
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(chrono_tz::Europe::Paris)
        .unwrap()
        .with_timezone(&Utc);
    let next: chrono::DateTime<Utc> = view["next_opening_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(next, midnight);

    let refused = assert_problem(s.place(&s.customer, order.clone()).await, 422).await;
    assert_eq!(problem_fields(&refused), ["shop_id"]);
    assert_eq!(refused["errors"][0]["code"], "closed");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("inventaire annuel"), "{message}");
    assert!(message.contains(&today), "{message}");
    assert!(message.contains("opens again"), "{message}");
    // The counter cannot take one either.
    let taker = s.staff(Role::OrderTaker).await;
    let walk_in = json!({"shop_id": shop, "fulfilment": "pickup", "payment_method": "cash",
                         "walk_in": {"name": "Jean Martin", "phone": "06 98 76 54 32"},
                         "items": [s.item("margherita", "large", 1)]});
    let refused = assert_problem(s.place(&taker, walk_in).await, 422).await;
    assert_eq!(refused["errors"][0]["code"], "closed");
    let quote: Value = s
        .app
        .post(
            "/api/v1/orders/quote",
            None,
            json!({"shop_id": shop, "fulfilment": "pickup", "items": [s.item("margherita", "large", 1)]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(quote["shop_open"], false);

    // Removed: open again, and the order goes through.
    let res = s
        .app
        .send(
            "DELETE",
            &format!(
                "/api/v1/shops/{shop}/closures/{}",
                added["id"].as_str().unwrap()
            ),
            Some(&admin),
            Value::Null,
        )
        .await;
    assert_eq!(res.status(), 204);
    let menu: Value = s.app.get(&menu_path, None).await.json().await.unwrap();
    assert_eq!(menu["open_now"], true);
    let placed = s.place(&s.customer, order).await;
    assert_eq!(placed.status(), 201, "{}", placed.text().await.unwrap());
}

#[tokio::test]
async fn a_closure_ahead_leaves_the_shop_open_today() {
    let s = Scene::new().await;
    let admin = s.app.token_for(Role::Admin, None).await;
    let res = s
        .app
        .post(
            &format!("/api/v1/shops/{}/closures", s.shop),
            Some(&admin),
            closure(&days_after(1), &days_after(2), "congés"),
        )
        .await;
    assert_eq!(res.status(), 201);
    let view: Value = s
        .app
        .get(&format!("/api/v1/shops/{}", s.shop), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["open_now"], true);
    assert_eq!(view["closure_now"], Value::Null);
    assert_eq!(view["closures"][0]["reason"], "congés");
    let menu: Value = s
        .app
        .get(&format!("/api/v1/shops/{}/menu", s.shop), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(menu["open_now"], true);
}
