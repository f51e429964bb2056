//! The reports' daily roll-ups answer exactly as the raw tables: on orders placed, cancelled,
//! refunded, timed and moved at known times (across midnight and both DST changes of
//! Europe/Paris, a shop in La Réunion), every report, per shop and for the chain, every
//! granularity, compared with `queries` (the raw tables' aggregation) before the first fill,
//! after it, after changes to past days and after the refresh that takes them in.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Uuid as SqlUuid};
use ocpizza::auth::Role;
use ocpizza::reports::model::{Granularity, Period};
use ocpizza::reports::{queries, rollups};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::reports::{margherita_delivery, pickup, place_at, sales_scene, set_step, Sales};

const REPORTS: [&str; 4] = ["sales", "products", "times", "stock"];
const PERIODS: [(&str, &str); 4] = [
    ("2026-03-28", "2026-03-30"),
    ("2026-03-29", "2026-03-29"),
    ("2026-10-24", "2026-10-26"),
    ("2026-01-01", "2026-12-31"),
];
const GRANULARITIES: [(&str, Granularity); 4] = [
    ("hour", Granularity::Hour),
    ("day", Granularity::Day),
    ("week", Granularity::Week),
    ("month", Granularity::Month),
];

/// The raw tables' answer, as JSON.
async fn raw(app: &TestApp, report: &'static str, period: Period) -> Value {
    app.with_db(move |conn| {
        let value = match report {
            "sales" => serde_json::to_value(queries::sales(conn, &period).unwrap()),
            "products" => serde_json::to_value(queries::products(conn, &period).unwrap()),
            "times" => serde_json::to_value(queries::times(conn, &period).unwrap()),
            _ => serde_json::to_value(queries::stock(conn, &period).unwrap()),
        };
        value.unwrap()
    })
    .await
}

/// Every report, scope, period and granularity: the served answer is the raw tables'. Returns
/// how many answers were compared.
async fn assert_served_as_raw(app: &TestApp, admin: &str, shops: &[Option<Uuid>]) -> usize {
    let mut compared = 0;
    for report in REPORTS {
        for &shop_id in shops {
            for (from, to) in PERIODS {
                for (name, granularity) in GRANULARITIES {
                    // The products and stock reports have no series: one granularity is enough.
                    if matches!(report, "products" | "stock") && granularity != Granularity::Day {
                        continue;
                    }
                    let period = Period {
                        from: from.parse().unwrap(),
                        to: to.parse().unwrap(),
                        shop_id,
                        granularity,
                    };
                    let scope = shop_id
                        .map(|id| format!("&shop_id={id}"))
                        .unwrap_or_default();
                    let path = format!(
                        "/api/v1/reports/{report}?from={from}&to={to}&granularity={name}{scope}"
                    );
                    let res = app.get(&path, Some(admin)).await;
                    assert_eq!(res.status(), 200, "{path}");
                    let served: Value = res.json().await.unwrap();
                    assert_eq!(served, raw(app, report, period).await, "{path}");
                    compared += 1;
                }
            }
        }
    }
    compared
}

#[derive(QueryableByName)]
struct Sum {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(app: &TestApp, sql: &'static str, shop: Uuid, day: &'static str) -> i64 {
    app.with_db(move |conn| {
        diesel::sql_query(sql)
            .bind::<SqlUuid, _>(shop)
            .bind::<Date, _>(day.parse::<NaiveDate>().unwrap())
            .get_result::<Sum>(conn)
            .unwrap()
            .n
    })
    .await
}

#[tokio::test]
async fn the_roll_ups_answer_as_the_raw_tables_before_and_after_refreshes() {
    let Sales { s, admin, .. } = sales_scene().await;
    let app = &s.app;
    let pizzaiolo = s.staff(Role::Pizzaiolo).await;
    let courier = s.staff(Role::Delivery).await;
    let desk = s.staff(Role::OrderTaker).await;

    // Times across midnight: placed 28 March at 23:40 in Lyon, ready at 00:05 and picked up at
    // 00:20 the next day (the order counts on its placement's day).
    let (late, _) = place_at(&s, pickup(&s, s.shop, 1), "2026-03-28T22:40:00Z").await;
    for to in ["preparing", "ready"] {
        assert_eq!(s.move_to(&pizzaiolo, &late, to).await.status(), 200);
    }
    assert_eq!(s.move_to(&desk, &late, "picked_up").await.status(), 200);
    set_step(app, &late, "preparing", "2026-03-28T22:45:00Z").await;
    set_step(app, &late, "ready", "2026-03-28T23:05:00Z").await;
    set_step(app, &late, "picked_up", "2026-03-28T23:20:30Z").await;
    // Across the autumn change (25 October, 03:00 CEST → 02:00 CET at 01:00 UTC): a delivery
    // placed at 02:50 CEST, ready at 02:10 CET, delivered at 02:40 CET; a pickup at 12:00 CET.
    let (x1, _) = place_at(&s, margherita_delivery(&s), "2026-10-25T00:50:00Z").await;
    for to in ["preparing", "ready"] {
        assert_eq!(s.move_to(&pizzaiolo, &x1, to).await.status(), 200);
    }
    for to in ["out_for_delivery", "delivered"] {
        assert_eq!(s.move_to(&courier, &x1, to).await.status(), 200);
    }
    set_step(app, &x1, "preparing", "2026-10-25T00:55:00Z").await;
    set_step(app, &x1, "ready", "2026-10-25T01:10:00Z").await;
    set_step(app, &x1, "out_for_delivery", "2026-10-25T01:15:00Z").await;
    set_step(app, &x1, "delivered", "2026-10-25T01:40:00Z").await;
    let (x2, _) = place_at(&s, pickup(&s, s.shop, 2), "2026-10-25T11:00:00Z").await;
    for to in ["preparing", "ready"] {
        assert_eq!(s.move_to(&pizzaiolo, &x2, to).await.status(), 200);
    }
    assert_eq!(s.move_to(&desk, &x2, "picked_up").await.status(), 200);
    set_step(app, &x2, "preparing", "2026-10-25T11:05:00Z").await;
    set_step(app, &x2, "ready", "2026-10-25T11:31:00Z").await;
    set_step(app, &x2, "picked_up", "2026-10-25T11:33:07Z").await;
    // The orders' stock movements at their placement, and a waste at 23:59 in La Réunion.
    let (shop, other) = (s.shop, s.other_shop);
    app.with_db(move |conn| {
        // Placed at known past times, these orders were last changed then too: an order with a
        // history line of the last seconds counts as touched since any watermark, however fast
        // the test runs (the lines the scene did not date are moved an hour back).
        diesel::sql_query(
            "UPDATE order_status_history SET created_at = created_at - interval '1 hour'
             WHERE created_at > now() - interval '1 hour'",
        )
        .execute(conn)
        .unwrap();
        // (Past the trigger that stamps a refund's change with the time it is written.)
        for statement in [
            "BEGIN",
            "SET LOCAL session_replication_role = replica",
            "UPDATE refunds SET updated_at = updated_at - interval '1 hour'",
            "COMMIT",
        ] {
            diesel::sql_query(statement).execute(conn).unwrap();
        }
        for table in ["stock_movements", "order_stock_takes"] {
            diesel::sql_query(format!(
                "UPDATE {table} m SET created_at = h.created_at
                 FROM order_status_history h
                 WHERE h.order_id = m.order_id AND h.to_status = 'placed' AND h.from_status IS NULL"
            ))
            .execute(conn)
            .unwrap();
        }
        diesel::sql_query(
            "INSERT INTO stock_movements (shop_id, ingredient_id, delta, reason, created_at)
             SELECT shop_id, ingredient_id, -7, 'waste', '2026-03-29T19:59:00Z' FROM stock
             WHERE shop_id = $1",
        )
        .bind::<SqlUuid, _>(other)
        .execute(conn)
        .unwrap();
    })
    .await;
    let shops = [Some(shop), Some(other), None];

    // Nothing rolled up yet: every day is read from the raw tables.
    let compared = assert_served_as_raw(app, &admin, &shops).await;
    assert!(compared > 100, "{compared} answers");

    // The first fill: the days of March and October are read from the roll-ups.
    let rebuilt = app
        .with_db(|conn| {
            rollups::rebuild(conn, None, &mut ocpizza::search::progress::NoProgress).unwrap()
        })
        .await;
    assert!(
        rebuilt.days >= 240,
        "every shop's days since 28 March: {rebuilt:?}"
    );
    let stored = "SELECT coalesce(sum(orders + cancelled), 0)::bigint AS n FROM rollup_sales_hours
                  WHERE shop_id = $1 AND day = $2";
    assert_eq!(count(app, stored, shop, "2026-03-29").await, 3);
    assert_served_as_raw(app, &admin, &shops).await;

    // The roll-ups are what the answer is made of: a stored row changed by hand shows (then
    // it is put back).
    let day29 = format!("/api/v1/reports/sales?from=2026-03-29&to=2026-03-29&shop_id={shop}");
    let before: Value = app.get(&day29, Some(&admin)).await.json().await.unwrap();
    crate::reports::sql(app, "UPDATE rollup_sales_hours SET orders = orders + 100").await;
    let forged: Value = app.get(&day29, Some(&admin)).await.json().await.unwrap();
    assert_eq!(
        forged["totals"]["orders"].as_i64().unwrap(),
        before["totals"]["orders"].as_i64().unwrap() + 300,
        "three hours of the 29th have placements"
    );
    crate::reports::sql(app, "UPDATE rollup_sales_hours SET orders = orders - 100").await;

    // Past days change: the 29th's 03:30 order is cancelled, a refund of the 28th's order is
    // dated on the 29th, and ingredients go to waste today. The answers are the raw tables' at
    // once (the days touched are read raw until the next refresh, today always)…
    let placed_0330: String = app
        .with_db(|conn| {
            diesel::sql_query(
                "SELECT o.id AS order_id FROM orders o JOIN order_status_history h ON h.order_id = o.id
                 WHERE h.to_status = 'placed' AND h.created_at = '2026-03-29T01:30:00Z'",
            )
            .get_result::<OrderId>(conn)
            .unwrap()
            .order_id
            .to_string()
        })
        .await;
    let res = app
        .post(
            &format!("/api/v1/orders/{placed_0330}/cancel"),
            Some(&s.customer),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let late_id: Uuid = late.parse().unwrap();
    app.with_db(move |conn| {
        diesel::sql_query(
            "WITH p AS (INSERT INTO payments (order_id, provider, amount_cents, currency, status, refunded_cents)
                        VALUES ($1, 'cash', 1150, 'EUR', 'succeeded', 250) RETURNING id)
             INSERT INTO refunds (payment_id, amount_cents, status, created_at)
             SELECT id, 250, 'succeeded', '2026-03-29T08:00:00Z'::timestamptz FROM p",
        )
        .bind::<SqlUuid, _>(late_id)
        .execute(conn)
        .unwrap();
        diesel::sql_query(
            "INSERT INTO stock_movements (shop_id, ingredient_id, delta, reason, created_at)
             SELECT shop_id, ingredient_id, -3, 'waste', now() FROM stock WHERE shop_id = $1",
        )
        .bind::<SqlUuid, _>(shop)
        .execute(conn)
        .unwrap();
    })
    .await;
    let after: Value = app.get(&day29, Some(&admin)).await.json().await.unwrap();
    assert_eq!(after["totals"]["cancelled"], 2);
    assert_eq!(
        after["totals"]["refunded_cents"].as_i64().unwrap(),
        before["totals"]["refunded_cents"].as_i64().unwrap() + 250
    );
    assert_served_as_raw(app, &admin, &shops).await;
    // … and the refresher takes them in: the 29th is computed again and stored.
    let refreshed = app.with_db(|conn| rollups::refresh(conn).unwrap()).await;
    assert!(
        matches!(refreshed, rollups::Refreshed::Days(n) if n >= 1),
        "{refreshed:?}"
    );
    let cancelled = "SELECT coalesce(sum(cancelled), 0)::bigint AS n FROM rollup_sales_hours
                     WHERE shop_id = $1 AND day = $2";
    assert_eq!(count(app, cancelled, shop, "2026-03-29").await, 2);
    let refunded = "SELECT coalesce(sum(refunded_cents), 0)::bigint AS n FROM rollup_refunds
                    WHERE shop_id = $1 AND day = $2";
    assert_eq!(count(app, refunded, shop, "2026-03-29").await, 750);
    assert_served_as_raw(app, &admin, &shops).await;
    // A second refresh right after finds nothing new but what is still within its margin.
    let again = app.with_db(|conn| rollups::refresh(conn).unwrap()).await;
    assert!(matches!(again, rollups::Refreshed::Days(_)), "{again:?}");
    assert_served_as_raw(app, &admin, &shops).await;
}

#[derive(QueryableByName)]
struct OrderId {
    #[diesel(sql_type = SqlUuid)]
    order_id: Uuid,
}

#[tokio::test]
async fn a_rebuild_of_a_period_needs_a_first_fill_and_one_refresher_runs_at_a_time() {
    let app = TestApp::spawn().await;
    let result = app
        .with_db(|conn| {
            let period = Some(("2026-03-01".parse().unwrap(), "2026-03-31".parse().unwrap()));
            rollups::rebuild(conn, period, &mut ocpizza::search::progress::NoProgress)
                .map(|r| r.days)
                .map_err(|e| e.to_string())
        })
        .await;
    assert!(result.is_err(), "{result:?}");
    let refreshed = app.with_db(|conn| rollups::refresh(conn).unwrap()).await;
    assert_eq!(refreshed, rollups::Refreshed::NotFilled);
    // While another session holds the roll-ups' lock, a refresh skips its turn and a rebuild
    // is refused.
    let url = app.db.url.clone();
    let (busy, refused) = app
        .with_db(move |conn| {
            diesel::sql_query(format!("SELECT pg_advisory_lock({})", rollups::LOCK_KEY))
                .execute(conn)
                .unwrap();
            let mut other = PgConnection::establish(&url).unwrap();
            let busy = rollups::refresh(&mut other).unwrap();
            let refused =
                rollups::rebuild(&mut other, None, &mut ocpizza::search::progress::NoProgress)
                    .is_err();
            diesel::sql_query(format!("SELECT pg_advisory_unlock({})", rollups::LOCK_KEY))
                .execute(conn)
                .unwrap();
            (busy, refused)
        })
        .await;
    assert_eq!(busy, rollups::Refreshed::Busy);
    assert!(refused);
    // Filled (an empty history), a refresh moves the watermark on.
    let filled = app
        .with_db(|conn| {
            rollups::rebuild(conn, None, &mut ocpizza::search::progress::NoProgress).unwrap()
        })
        .await;
    assert_eq!(filled.days, 0);
    let refreshed = app.with_db(|conn| rollups::refresh(conn).unwrap()).await;
    assert!(
        matches!(refreshed, rollups::Refreshed::Days(_)),
        "{refreshed:?}"
    );
}
