//! Registering, logging in, refreshing, logging out, lockout, password reset, profile, deletion.

use serde_json::{json, Value};

use crate::fake_smtp::FakeSmtp;
use crate::helpers::{assert_problem, problem_fields, TestApp};

async fn register(app: &TestApp, email: &str) -> Value {
    let res = app
        .post("/api/v1/auth/register", None, json!({"email": email, "password": "une-bonne-pizza", "full_name": "Marie Dupont", "phone": "06 11 22 33 44"}))
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_customer_registers_logs_in_refreshes_and_logs_out() {
    let app = TestApp::spawn().await;
    let user = register(&app, "Marie.Dupont@Example.fr").await;
    assert_eq!(user["email"], "marie.dupont@example.fr");
    assert_eq!(user["role"], "customer");
    assert_eq!(user["phone"], "+33611223344");
    assert!(user.get("password_hash").is_none());

    let tokens = app
        .login("marie.dupont@example.fr", "une-bonne-pizza")
        .await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let access = tokens["access_token"].as_str().unwrap();
    let me: Value = app
        .get("/api/v1/me", Some(access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], user["id"]);

    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let rotated: Value = res.json().await.unwrap();
    assert_ne!(rotated["refresh_token"], tokens["refresh_token"]);
    assert_eq!(
        app.get("/api/v1/me", rotated["access_token"].as_str())
            .await
            .status(),
        200
    );

    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": rotated["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": rotated["refresh_token"]}),
        )
        .await;
    assert_problem(res, 401).await;
}

#[tokio::test]
async fn registering_twice_with_the_same_email_is_a_conflict_naming_the_field() {
    let app = TestApp::spawn().await;
    register(&app, "paul@example.fr").await;
    let res = app
        .post("/api/v1/auth/register", None, json!({"email": "PAUL@example.fr", "password": "autre-mot-de-passe", "full_name": "Paul"}))
        .await;
    let body = assert_problem(res, 409).await;
    assert_eq!(problem_fields(&body), vec!["email"]);
}

#[tokio::test]
async fn registration_names_every_bad_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let res = app
        .post("/api/v1/auth/register", None, json!({"email": "not-an-email", "password": "short", "full_name": "", "phone": "call me"}))
        .await;
    let body = assert_problem(res, 422).await;
    let mut fields = problem_fields(&body);
    fields.sort();
    assert_eq!(fields, vec!["email", "full_name", "password", "phone"]);
    let count: i64 = app
        .with_db(|conn| {
            use diesel::prelude::*;
            ocpizza::schema::users::table
                .filter(ocpizza::schema::users::email.eq("not-an-email"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 0);
}

#[tokio::test]
async fn three_failed_logins_lock_the_account_for_five_minutes() {
    let app = TestApp::spawn().await;
    register(&app, "lock@example.fr").await;
    let attempt = |password: &'static str| {
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": "lock@example.fr", "password": password}),
        )
    };
    assert_problem(attempt("wrong-password-1").await, 401).await;
    assert_problem(attempt("wrong-password-2").await, 401).await;
    let third = attempt("wrong-password-3").await;
    let retry_after: i64 = third.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (290..=300).contains(&retry_after),
        "locked for about 5 minutes, got {retry_after}s"
    );
    assert_problem(third, 423).await;
    // Even the right password is refused while locked.
    assert_problem(attempt("une-bonne-pizza").await, 423).await;
    // Five minutes later…
    app.with_db(|conn| {
        use diesel::prelude::*;
        diesel::sql_query("UPDATE login_lockouts SET locked_until = now() - interval '1 second' WHERE email = 'lock@example.fr'").execute(conn).unwrap();
    })
    .await;
    assert_eq!(attempt("une-bonne-pizza").await.status(), 200);
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    register(&app, "same@example.fr").await;
    let a = assert_problem(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": "nobody@example.fr", "password": "whatever-123"}),
        )
        .await,
        401,
    )
    .await;
    let b = assert_problem(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": "same@example.fr", "password": "whatever-123"}),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(a["detail"], b["detail"]);
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    register(&app, "thief@example.fr").await;
    let first = app.login("thief@example.fr", "une-bonne-pizza").await;
    let second: Value = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    // The first token is replayed (stolen): refused, and the legitimate next one dies with it.
    let replay = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    let body = assert_problem(replay, 401).await;
    assert!(body["detail"].as_str().unwrap().contains("already used"));
    let legit = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": second["refresh_token"]}),
        )
        .await;
    assert_problem(legit, 401).await;
    // Another session (another family) is unaffected.
    let other = app.login("thief@example.fr", "une-bonne-pizza").await;
    assert_eq!(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": other["refresh_token"]})
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn a_password_reset_link_works_once_within_an_hour_and_unlocks_the_account() {
    let app = TestApp::spawn().await;
    register(&app, "forgot@example.fr").await;
    for _ in 0..3 {
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": "forgot@example.fr", "password": "not-the-password"}),
        )
        .await;
    }
    let res = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "forgot@example.fr"}),
        )
        .await;
    assert_eq!(res.status(), 202);
    // Unknown addresses get the same answer and no mail.
    assert_eq!(
        app.post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "nobody@example.fr"})
        )
        .await
        .status(),
        202
    );
    let mails = app.mails(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "forgot@example.fr");
    let token = mails[0]
        .body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let weak = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "short"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(weak, 422).await),
        vec!["password"]
    );
    let ok = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "nouvelle-pizza-42"}),
        )
        .await;
    assert_eq!(ok.status(), 204);
    let again = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "encore-une-autre"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(again, 422).await),
        vec!["token"]
    );
    app.login("forgot@example.fr", "nouvelle-pizza-42").await;

    // A link older than an hour is refused.
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "forgot@example.fr"}),
    )
    .await;
    let token = app.mails(2).await[1]
        .body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    app.with_db(|conn| {
        use diesel::prelude::*;
        diesel::sql_query(
            "UPDATE password_reset_tokens SET expires_at = now() - interval '1 second'",
        )
        .execute(conn)
        .unwrap();
    })
    .await;
    let late = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "trop-tard-123"}),
        )
        .await;
    assert_problem(late, 422).await;
}

#[tokio::test]
async fn changing_email_or_password_needs_the_current_password() {
    let app = TestApp::spawn().await;
    register(&app, "edit@example.fr").await;
    let token = app.login("edit@example.fr", "une-bonne-pizza").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(&token),
            json!({"email": "new@example.fr"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["current_password"]
    );
    let res = app.send("PATCH", "/api/v1/me", Some(&token), json!({"email": "new@example.fr", "current_password": "une-bonne-pizza", "full_name": " Marie D. ", "phone": ""})).await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["email"], "new@example.fr");
    assert_eq!(me["full_name"], "Marie D.");
    assert_eq!(me["phone"], Value::Null);
    // Mass assignment: the role cannot be set through the profile.
    let res = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(&token),
            json!({"role": "admin"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["role"]
    );
}

#[tokio::test]
async fn addresses_belong_to_their_owner() {
    let app = TestApp::spawn().await;
    register(&app, "a@example.fr").await;
    register(&app, "b@example.fr").await;
    let a = app.login("a@example.fr", "une-bonne-pizza").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let b = app.login("b@example.fr", "une-bonne-pizza").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app.post("/api/v1/me/addresses", Some(&a), json!({"label": "Maison", "line1": "12 rue Mercière", "postal_code": "69002", "city": "Lyon"})).await;
    assert_eq!(res.status(), 201);
    let address: Value = res.json().await.unwrap();
    let path = format!("/api/v1/me/addresses/{}", address["id"].as_str().unwrap());
    assert_problem(
        app.send("PATCH", &path, Some(&b), json!({"city": "Paris"}))
            .await,
        404,
    )
    .await;
    assert_problem(app.send("DELETE", &path, Some(&b), json!({})).await, 404).await;
    let list: Value = app
        .get("/api/v1/me/addresses", Some(&b))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let res = app
        .send("PATCH", &path, Some(&a), json!({"postal_code": "690"}))
        .await;
    assert_eq!(
        problem_fields(&assert_problem(res, 422).await),
        vec!["postal_code"]
    );
    let res = app
        .send(
            "PATCH",
            &path,
            Some(&a),
            json!({"instructions": "Code 1234B"}),
        )
        .await;
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["instructions"], "Code 1234B");
    assert_eq!(updated["line1"], "12 rue Mercière");
    assert_eq!(
        app.send("DELETE", &path, Some(&a), json!({}))
            .await
            .status(),
        204
    );
}

#[tokio::test]
async fn a_deleted_customer_leaves_only_an_anonymised_order() {
    let app = TestApp::spawn().await;
    let user = register(&app, "gone@example.fr").await;
    let token = app.login("gone@example.fr", "une-bonne-pizza").await;
    let shop = app.shop_id("lyon-presquile").await;
    let user_id: uuid::Uuid = user["id"].as_str().unwrap().parse().unwrap();
    app.with_db(move |conn| {
        use diesel::prelude::*;
        diesel::sql_query(
            "INSERT INTO orders (shop_id, number, customer_id, status, fulfilment, payment_method, customer_name, customer_phone, customer_email,
                delivery_line1, delivery_postal_code, delivery_city, subtotal_cents, delivery_fee_cents, total_cents, currency)
             VALUES ($1, 1, $2, 'delivered', 'delivery', 'cash', 'Marie Dupont', '+33611223344', 'gone@example.fr', '3 rue Mercière', '69002', 'Lyon', 1150, 300, 1450, 'EUR')",
        )
        .bind::<diesel::sql_types::Uuid, _>(shop)
        .bind::<diesel::sql_types::Uuid, _>(user_id)
        .execute(conn)
        .unwrap();
    })
    .await;
    let res = app
        .send(
            "DELETE",
            "/api/v1/me",
            token["access_token"].as_str(),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let row: (
        Option<uuid::Uuid>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i32,
    ) = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use ocpizza::schema::orders::dsl::*;
            orders
                .select((
                    customer_id,
                    customer_name,
                    customer_phone,
                    customer_email,
                    delivery_line1,
                    total_cents,
                ))
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(
        row,
        (
            None,
            "Client supprimé".into(),
            None,
            None,
            Some("adresse supprimée".into()),
            1450
        )
    );
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": token["refresh_token"]}),
        )
        .await,
        401,
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": "gone@example.fr", "password": "une-bonne-pizza"}),
        )
        .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn a_password_reset_mail_goes_out_over_smtp_after_the_answer_and_an_outage_changes_no_answer()
{
    let smtp = FakeSmtp::start();
    let url = smtp.url.clone();
    let app = TestApp::spawn_with(move |vars| {
        vars.insert("SMTP_URL".into(), url);
        vars.insert(
            "MAIL_FROM".into(),
            "OC Pizza <no-reply@ocpizza.test>".into(),
        );
        vars.insert("PUBLIC_URL".into(), "https://pizza.example".into());
    })
    .await;
    register(&app, "smtp-reset@example.fr").await;
    let res = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "smtp-reset@example.fr"}),
        )
        .await;
    assert_eq!(res.status(), 202);

    let messages = smtp_messages(&smtp, 1).await;
    assert_eq!(messages.len(), 1, "one mail sent over SMTP");
    let mail = &messages[0];
    assert_eq!(mail.mail_from, "<no-reply@ocpizza.test>");
    assert_eq!(mail.rcpt_to, vec!["<smtp-reset@example.fr>".to_string()]);
    assert_eq!(
        mail.header("From").as_deref(),
        Some("\"OC Pizza\" <no-reply@ocpizza.test>")
    );
    assert_eq!(mail.header("To").as_deref(), Some("smtp-reset@example.fr"));
    assert!(mail.header("Subject").is_some());
    let text = mail.text();
    assert!(text.starts_with("Bonjour "), "French greeting: {text}");
    let token = text
        .split("https://pizza.example/reset-password?token=")
        .nth(1)
        .expect("the link uses PUBLIC_URL")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    // The link from the mail works.
    let ok = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "par-smtp-2026"}),
        )
        .await;
    assert_eq!(ok.status(), 204);

    // The mail server is down: the answer is the one an unknown address gets, and nothing is
    // sent (the failure is in the log).
    smtp.stop();
    let mut answers = Vec::new();
    for email in ["smtp-reset@example.fr", "nobody@example.fr"] {
        let res = app
            .post("/api/v1/auth/password-reset", None, json!({"email": email}))
            .await;
        let status = res.status();
        let headers: Vec<String> = res
            .headers()
            .iter()
            .filter(|(name, _)| *name != "date")
            .map(|(name, value)| format!("{name}: {value:?}"))
            .collect();
        answers.push((status, headers, res.bytes().await.unwrap()));
    }
    assert_eq!(answers[0].0, 202);
    assert_eq!(answers[0], answers[1]);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1);
}

async fn smtp_messages(smtp: &FakeSmtp, count: usize) -> Vec<crate::fake_smtp::SmtpMessage> {
    for _ in 0..250 {
        let messages = smtp.messages();
        if messages.len() >= count {
            return messages;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!(
        "expected {count} mails over SMTP, got {}",
        smtp.messages().len()
    );
}

#[tokio::test]
async fn a_saved_address_keeps_what_a_change_leaves_out_and_clears_a_blank_line() {
    let app = TestApp::spawn().await;
    register(&app, "c@example.fr").await;
    let token = app.login("c@example.fr", "une-bonne-pizza").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app.post("/api/v1/me/addresses", Some(&token), json!({"label": " Bureau ", "line1": " 3 place Bellecour ", "line2": "Bâtiment B", "postal_code": "69002", "city": "Lyon", "instructions": "Code 42"})).await;
    assert_eq!(res.status(), 201);
    let address: Value = res.json().await.unwrap();
    assert_eq!(address["label"], "Bureau");
    assert_eq!(address["line1"], "3 place Bellecour");
    let path = format!("/api/v1/me/addresses/{}", address["id"].as_str().unwrap());
    // Nothing to change: the address comes back as it is.
    let same: Value = app
        .send("PATCH", &path, Some(&token), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(same, address);
    // A blank line clears it; null and absent keep it.
    let res = app
        .send(
            "PATCH",
            &path,
            Some(&token),
            json!({"line2": "  ", "instructions": null}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["line2"], Value::Null);
    assert_eq!(changed["instructions"], "Code 42");
    assert_eq!(changed["city"], "Lyon");
}

#[tokio::test]
async fn a_profile_change_keeps_the_phone_unless_it_is_sent_blank() {
    let app = TestApp::spawn().await;
    register(&app, "d@example.fr").await;
    let token = app.login("d@example.fr", "une-bonne-pizza").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(&token),
            json!({"full_name": " Marie D. "}),
        )
        .await;
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["full_name"], "Marie D.");
    assert_eq!(me["phone"], "+33611223344");
    let me: Value = app
        .send("PATCH", "/api/v1/me", Some(&token), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["phone"], "+33611223344");
    let me: Value = app
        .send("PATCH", "/api/v1/me", Some(&token), json!({"phone": ""}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["phone"], Value::Null);
    assert_eq!(me["role"], "customer");
}

#[tokio::test]
async fn login_refresh_logout_and_reset_refuse_unknown_fields() {
    let app = TestApp::spawn().await;
    register(&app, "strict@example.fr").await;
    let cases = [
        (
            "/api/v1/auth/login",
            json!({"email": "strict@example.fr", "password": "une-bonne-pizza", "role": "admin"}),
            "role",
        ),
        (
            "/api/v1/auth/refresh",
            json!({"refresh_token": "x", "user_id": "y"}),
            "user_id",
        ),
        (
            "/api/v1/auth/logout",
            json!({"refresh_token": "x", "all": true}),
            "all",
        ),
        (
            "/api/v1/auth/password-reset",
            json!({"email": "strict@example.fr", "redirect": "https://evil.example"}),
            "redirect",
        ),
        (
            "/api/v1/auth/password-reset/confirm",
            json!({"token": "x", "password": "nouvelle-pizza-42", "email": "a@b.fr"}),
            "email",
        ),
    ];
    for (path, body, field) in cases {
        let res = app.post(path, None, body).await;
        assert_eq!(
            problem_fields(&assert_problem(res, 422).await),
            vec![field],
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    register(&app, "sessions@example.fr").await;
    let here = app.login("sessions@example.fr", "une-bonne-pizza").await;
    let stolen = app.login("sessions@example.fr", "une-bonne-pizza").await;
    let res = app
        .send(
            "PATCH",
            "/api/v1/me",
            here["access_token"].as_str(),
            json!({"new_password": "un-nouveau-secret", "current_password": "une-bonne-pizza"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // The session that knew the old password is over…
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": stolen["refresh_token"]}),
        )
        .await,
        401,
    )
    .await;
    // …the one that changed it goes on.
    assert_eq!(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": here["refresh_token"]}),
        )
        .await
        .status(),
        200
    );
    // A change that keeps the password leaves the sessions alone.
    let other = app.login("sessions@example.fr", "un-nouveau-secret").await;
    app.send(
        "PATCH",
        "/api/v1/me",
        here["access_token"].as_str(),
        json!({"full_name": "Marie D."}),
    )
    .await;
    assert_eq!(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": other["refresh_token"]}),
        )
        .await
        .status(),
        200
    );
}
