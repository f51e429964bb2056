//! The back office's team: managers add, list, change and deactivate the members of their shop;
//! admins those of any shop. A deactivated member's tokens stop working at once.

use ocpizza::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, problem_fields};
use crate::orders::Scene;

fn code_in(mail_body: &str) -> String {
    mail_body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

async fn user_id(s: &Scene, token: &str) -> String {
    let me: Value = s
        .app
        .get("/api/v1/me", Some(token))
        .await
        .json()
        .await
        .unwrap();
    me["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_manager_adds_a_pizzaiolo_who_chooses_his_password_from_the_mail_and_reaches_the_kitchen()
{
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let res = s
        .app
        .post(
            "/api/v1/staff",
            Some(&manager),
            json!({"email": " Luigi@Example.fr ", "full_name": "Luigi Rossi", "role": "pizzaiolo", "shop_id": s.shop}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let luigi: Value = res.json().await.unwrap();
    assert_eq!(luigi["email"], "luigi@example.fr");
    assert_eq!(luigi["role"], "pizzaiolo");
    assert_eq!(luigi["shop_id"], s.shop.to_string());
    assert_eq!(luigi["active"], true);
    assert!(luigi.get("password_hash").is_none());

    let mails = s.app.mails(1).await;
    assert_eq!(mails[0].to, "luigi@example.fr");
    assert!(mails[0].body.contains("72 heures"), "{}", mails[0].body);
    let code = code_in(&mails[0].body);
    let res = s
        .app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": code, "password": "pate-a-pizza-2026"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let tokens = s.app.login("luigi@example.fr", "pate-a-pizza-2026").await;
    let access = tokens["access_token"].as_str().unwrap();
    let res = s
        .app
        .get(&format!("/api/v1/shops/{}/kitchen", s.shop), Some(access))
        .await;
    assert_eq!(res.status(), 200);

    // With a password, no mail: the member logs in with it.
    let res = s
        .app
        .post(
            "/api/v1/staff",
            Some(&manager),
            json!({"email": "mario@example.fr", "full_name": "Mario", "role": "delivery", "shop_id": s.shop, "password": "livraison-rapide"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    s.app.login("mario@example.fr", "livraison-rapide").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(s.app.outbox.lock().unwrap().len(), 1);

    // The same address again, in any case: a 409 naming the field.
    let res = s
        .app
        .post(
            "/api/v1/staff",
            Some(&manager),
            json!({"email": "LUIGI@example.fr", "full_name": "Luigi bis", "role": "pizzaiolo", "shop_id": s.shop}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 409).await),
        vec!["email"]
    );
}

#[tokio::test]
async fn who_may_add_whom_and_bad_inputs_name_their_field() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let admin = s.app.token_for(Role::Admin, None).await;
    let other_manager = s.app.token_for(Role::Manager, Some(s.other_shop)).await;
    let new = |role: &str, shop: Option<Uuid>| json!({"email": format!("{}@example.fr", Uuid::new_v4().simple()), "full_name": "Nouveau", "role": role, "shop_id": shop, "password": "bienvenue-chez-nous"});
    let mut refused: Vec<(&str, Option<String>, Value, u16)> = vec![
        (
            "manager, another shop",
            Some(manager.clone()),
            new("pizzaiolo", Some(s.other_shop)),
            403,
        ),
        (
            "manager, a manager",
            Some(manager.clone()),
            new("manager", Some(s.shop)),
            403,
        ),
        (
            "manager, an admin",
            Some(manager.clone()),
            new("admin", None),
            403,
        ),
        (
            "other shop's manager",
            Some(other_manager),
            new("pizzaiolo", Some(s.shop)),
            403,
        ),
        (
            "customer",
            Some(s.customer.clone()),
            new("pizzaiolo", Some(s.shop)),
            403,
        ),
        ("anonymous", None, new("pizzaiolo", Some(s.shop)), 401),
    ];
    for (name, role) in [
        ("pizzaiolo", Role::Pizzaiolo),
        ("order taker", Role::OrderTaker),
        ("delivery", Role::Delivery),
    ] {
        refused.push((
            name,
            Some(s.staff(role).await),
            new("pizzaiolo", Some(s.shop)),
            403,
        ));
    }
    for (who, token, body, status) in refused {
        let res = s.app.post("/api/v1/staff", token.as_deref(), body).await;
        assert_problem(res, status).await;
        let _ = who;
    }
    let count_staff = || {
        s.app.with_db(|conn| {
            use diesel::prelude::*;
            ocpizza::schema::users::table
                .filter(ocpizza::schema::users::full_name.eq("Nouveau"))
                .count()
                .get_result::<i64>(conn)
                .unwrap()
        })
    };
    assert_eq!(count_staff().await, 0, "nothing was created");
    for (body, status) in [
        (new("order_taker", Some(s.shop)), 201),
        (new("delivery", Some(s.shop)), 201),
    ] {
        assert_eq!(
            s.app
                .post("/api/v1/staff", Some(&manager), body)
                .await
                .status(),
            status
        );
    }
    for body in [new("manager", Some(s.other_shop)), new("admin", None)] {
        let res = s.app.post("/api/v1/staff", Some(&admin), body).await;
        assert_eq!(res.status(), 201);
    }
    assert_eq!(count_staff().await, 4);

    let bad: [(Value, &[&str]); 6] = [
        (
            json!({"email": "x@example.fr", "full_name": "X", "role": "customer", "shop_id": s.shop}),
            &["role"],
        ),
        (
            json!({"email": "x@example.fr", "full_name": "X", "role": "chef", "shop_id": s.shop}),
            &["role"],
        ),
        (
            json!({"email": "pas-une-adresse", "full_name": "X", "role": "pizzaiolo", "shop_id": s.shop}),
            &["email"],
        ),
        (
            json!({"email": "x@example.fr", "full_name": " ", "role": "pizzaiolo", "shop_id": s.shop, "password": "court"}),
            &["full_name", "password"],
        ),
        (
            json!({"email": "x@example.fr", "full_name": "X", "role": "pizzaiolo"}),
            &["shop_id"],
        ),
        (
            json!({"email": "x@example.fr", "full_name": "X", "role": "pizzaiolo", "shop_id": Uuid::new_v4()}),
            &["shop_id"],
        ),
    ];
    for (body, fields) in bad {
        let res = s
            .app
            .post("/api/v1/staff", Some(&admin), body.clone())
            .await;
        let mut got = problem_fields(&assert_problem(res, 422).await);
        got.sort();
        assert_eq!(got, fields, "{body}");
    }
    let res = s
        .app
        .post("/api/v1/staff", Some(&admin), json!({"email": "x@example.fr", "full_name": "X", "role": "pizzaiolo", "shop_id": s.shop, "boss": true}))
        .await;
    assert_problem(res, 422).await;
}

#[tokio::test]
async fn a_deactivated_member_is_logged_out_at_once_and_can_come_back() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let (email, password) = s.app.create_user(Role::Pizzaiolo, Some(s.shop)).await;
    let tokens = s.app.login(&email, &password).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let id = user_id(&s, &access).await;
    let path = format!("/api/v1/staff/{id}");

    let res = s
        .app
        .send("PATCH", &path, Some(&manager), json!({"active": false}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["active"], false);
    // The access token, still within its lifetime, is refused at once…
    let res = s
        .app
        .get(&format!("/api/v1/shops/{}/kitchen", s.shop), Some(&access))
        .await;
    let problem = assert_problem(res, 401).await;
    assert!(problem["detail"].as_str().unwrap().contains("deactivated"));
    // …and so are the refresh token and the password.
    let res = s
        .app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_problem(res, 401).await;
    let res = s
        .app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await;
    assert!(assert_problem(res, 401).await["detail"]
        .as_str()
        .unwrap()
        .contains("deactivated"));
    // A reset link is not sent to a deactivated account.
    let res = s
        .app
        .post("/api/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    assert_eq!(res.status(), 202);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(s.app.outbox.lock().unwrap().is_empty());

    let res = s
        .app
        .send(
            "PATCH",
            &path,
            Some(&manager),
            json!({"active": true, "role": "order_taker"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let back: Value = res.json().await.unwrap();
    assert_eq!(back["role"], "order_taker");
    let tokens = s.app.login(&email, &password).await;
    let access = tokens["access_token"].as_str().unwrap();
    // The new role counts: the kitchen is closed to an order taker, the counter open.
    let res = s
        .app
        .get(&format!("/api/v1/shops/{}/kitchen", s.shop), Some(access))
        .await;
    assert_problem(res, 403).await;
}

/// Reads a server-sent event stream until it ends, within `limit`; the names of its events.
async fn events_until_the_end(
    mut res: reqwest::Response,
    limit: std::time::Duration,
) -> Vec<String> {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .unwrap_or_else(|_| panic!("the stream ends in time; it said {text:?}"))
            .unwrap();
        match chunk {
            Some(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
            None => break,
        }
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_deactivated_members_open_kitchen_stream_ends_at_once_on_every_instance() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let (email, password) = s.app.create_user(Role::Pizzaiolo, Some(s.shop)).await;
    let tokens = s.app.login(&email, &password).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let id = user_id(&s, &access).await;
    // A colleague's screen on the same instance stays open.
    let colleague = s.staff(Role::Pizzaiolo).await;
    let other = s.app.another_instance();
    let open = |base: String, token: String| {
        let client = s.app.client.clone();
        let path = format!("{base}/api/v1/shops/{}/events", s.shop);
        async move {
            let res = client.get(path).bearer_auth(token).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res
        }
    };
    let his = open(other.address.clone(), access.clone()).await;
    let theirs = open(other.address.clone(), colleague.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // Deactivated through the other instance than the one holding his stream.
    let res = s
        .app
        .send(
            "PATCH",
            &format!("/api/v1/staff/{id}"),
            Some(&manager),
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Well before the 15 s keep-alive: the stream says why and ends.
    let events = events_until_the_end(his, std::time::Duration::from_secs(5)).await;
    assert_eq!(events.first().map(String::as_str), Some("snapshot"));
    assert_eq!(events.last().map(String::as_str), Some("revoked"));
    // Reconnecting is refused.
    let res = s
        .app
        .client
        .get(format!("{}/api/v1/shops/{}/events", other.address, s.shop))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // The colleague's stream is still open: it gets the next order.
    let mut theirs = theirs;
    let first = theirs.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: snapshot"));
    let mut body = s.delivery_order(json!([s.item("margherita", "large", 1)]));
    body["fulfilment"] = json!("pickup");
    body.as_object_mut().unwrap().remove("delivery_address");
    let placed = s.place(&s.customer, body).await;
    assert_eq!(placed.status(), 201, "{}", placed.text().await.unwrap());
    let mut said = String::new();
    while !said.contains("order_placed") {
        let next = tokio::time::timeout(std::time::Duration::from_secs(5), theirs.chunk())
            .await
            .expect("the colleague's stream goes on")
            .unwrap()
            .expect("the colleague's stream is not closed");
        said.push_str(&String::from_utf8_lossy(&next));
    }
    drop(other);
}

#[tokio::test]
async fn who_may_change_whom() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let manager_id = user_id(&s, &manager).await;
    let admin = s.app.token_for(Role::Admin, None).await;
    let colleague = s.staff(Role::Manager).await;
    let colleague_id = user_id(&s, &colleague).await;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let pizzaiolo_id = user_id(&s, &pizzaiolo).await;
    let elsewhere = s.app.token_for(Role::Delivery, Some(s.other_shop)).await;
    let elsewhere_id = user_id(&s, &elsewhere).await;
    let customer_id = user_id(&s, &s.customer).await;
    let other_manager = s.app.token_for(Role::Manager, Some(s.other_shop)).await;
    let patch = |id: &str, token: Option<&str>, body: Value| {
        let path = format!("/api/v1/staff/{id}");
        let (app, token) = (&s.app, token.map(str::to_string));
        async move { app.send("PATCH", &path, token.as_deref(), body).await }
    };
    let cases: Vec<(&str, &str, Option<&str>, Value, u16)> = vec![
        (
            "a member of another shop",
            &elsewhere_id,
            Some(&manager),
            json!({"active": false}),
            404,
        ),
        (
            "a customer",
            &customer_id,
            Some(&admin),
            json!({"active": false}),
            404,
        ),
        (
            "an unknown id",
            "00000000-0000-0000-0000-000000000001",
            Some(&admin),
            json!({"active": false}),
            404,
        ),
        (
            "a fellow manager",
            &colleague_id,
            Some(&manager),
            json!({"active": false}),
            403,
        ),
        (
            "a promotion to manager",
            &pizzaiolo_id,
            Some(&manager),
            json!({"role": "manager"}),
            403,
        ),
        (
            "a move to another shop",
            &pizzaiolo_id,
            Some(&manager),
            json!({"shop_id": s.other_shop}),
            403,
        ),
        (
            "the other shop's manager",
            &pizzaiolo_id,
            Some(&other_manager),
            json!({"active": false}),
            404,
        ),
        (
            "the pizzaiolo himself",
            &pizzaiolo_id,
            Some(&pizzaiolo),
            json!({"active": false}),
            403,
        ),
        (
            "a customer token",
            &pizzaiolo_id,
            Some(&s.customer),
            json!({"active": false}),
            403,
        ),
        (
            "anonymous",
            &pizzaiolo_id,
            None,
            json!({"active": false}),
            401,
        ),
        (
            "self-deactivation",
            &manager_id,
            Some(&manager),
            json!({"active": false}),
            422,
        ),
        (
            "self-promotion",
            &manager_id,
            Some(&manager),
            json!({"role": "admin"}),
            422,
        ),
        (
            "a bad role",
            &pizzaiolo_id,
            Some(&manager),
            json!({"role": "customer"}),
            422,
        ),
        (
            "an admin with a shop",
            &pizzaiolo_id,
            Some(&admin),
            json!({"role": "admin", "shop_id": s.shop}),
            422,
        ),
        (
            "an unknown shop",
            &pizzaiolo_id,
            Some(&admin),
            json!({"shop_id": Uuid::new_v4()}),
            422,
        ),
        (
            "a blank name",
            &pizzaiolo_id,
            Some(&manager),
            json!({"full_name": ""}),
            422,
        ),
    ];
    for (what, id, token, body, status) in cases {
        let res = patch(id, token, body).await;
        assert_eq!(res.status().as_u16(), status, "{what}");
    }
    // Nothing above changed the pizzaiolo.
    let res = s
        .app
        .get(
            &format!("/api/v1/shops/{}/kitchen", s.shop),
            Some(&pizzaiolo),
        )
        .await;
    assert_eq!(res.status(), 200);

    let res = patch(
        &pizzaiolo_id,
        Some(&manager),
        json!({"role": "delivery", "full_name": "Paolo"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        (changed["role"].as_str(), changed["full_name"].as_str()),
        (Some("delivery"), Some("Paolo"))
    );
    // An admin moves him to the other shop, and makes the fellow manager an admin.
    let res = patch(
        &pizzaiolo_id,
        Some(&admin),
        json!({"shop_id": s.other_shop}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = patch(&colleague_id, Some(&admin), json!({"role": "admin"})).await;
    assert_eq!(res.status(), 200);
    assert!(res.json::<Value>().await.unwrap()["shop_id"].is_null());
    let res = s
        .app
        .get(
            &format!("/api/v1/shops/{}/deliveries", s.other_shop),
            Some(&pizzaiolo),
        )
        .await;
    assert_eq!(res.status(), 200, "the move counts on his current token");
}

#[tokio::test]
async fn a_manager_lists_his_shops_team_and_an_admin_any_shops() {
    let s = Scene::new().await;
    let manager = s.staff(Role::Manager).await;
    let admin = s.app.token_for(Role::Admin, None).await;
    for role in [Role::Pizzaiolo, Role::Delivery, Role::OrderTaker] {
        s.app.create_user(role, Some(s.shop)).await;
    }
    s.app.create_user(Role::Pizzaiolo, Some(s.other_shop)).await;
    let list = |query: String, token: String| {
        let app = &s.app;
        async move {
            let res = app
                .get(&format!("/api/v1/staff{query}"), Some(&token))
                .await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>().await.unwrap()
        }
    };
    let mine = list(String::new(), manager.clone()).await;
    let items = mine["items"].as_array().unwrap();
    assert!(items.iter().all(|m| m["shop_id"] == s.shop.to_string()));
    let seeded: i64 = {
        let shop = s.shop;
        s.app
            .with_db(move |conn| {
                use diesel::prelude::*;
                use ocpizza::schema::users;
                users::table
                    .filter(users::shop_id.eq(shop))
                    .count()
                    .get_result(conn)
                    .unwrap()
            })
            .await
    };
    assert_eq!(items.len() as i64, seeded);
    assert!(items.len() >= 4);
    let names: Vec<&str> = items
        .iter()
        .map(|m| m["full_name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");

    let first = list("?limit=2".into(), manager.clone()).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = list(format!("?limit=2&cursor={cursor}"), manager.clone()).await;
    assert_eq!(second["items"][0]["id"], items[2]["id"]);

    let theirs = list(format!("?shop_id={}", s.other_shop), admin.clone()).await;
    assert!(theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["shop_id"] == s.other_shop.to_string()));
    assert!(!theirs["items"].as_array().unwrap().is_empty());

    assert_problem(
        s.app
            .get(
                &format!("/api/v1/staff?shop_id={}", s.other_shop),
                Some(&manager),
            )
            .await,
        404,
    )
    .await;
    assert_problem(
        s.app
            .get(
                &format!("/api/v1/staff?shop_id={}", Uuid::new_v4()),
                Some(&admin),
            )
            .await,
        404,
    )
    .await;
    assert_problem(
        s.app.get("/api/v1/staff?limit=500", Some(&admin)).await,
        422,
    )
    .await;
    for role in [Role::Pizzaiolo, Role::Delivery, Role::OrderTaker] {
        let token = s.staff(role).await;
        assert_problem(s.app.get("/api/v1/staff", Some(&token)).await, 403).await;
    }
    assert_problem(s.app.get("/api/v1/staff", Some(&s.customer)).await, 403).await;
    assert_problem(s.app.get("/api/v1/staff", None).await, 401).await;
}
