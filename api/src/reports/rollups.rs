//! The reports' daily roll-ups: per shop and local day, what each report adds up, computed from
//! the raw tables by the refresher (never by order placement: no trigger on orders or lines).
//!
//! Every roll-up row is computed by one of the `*_OF_LIVE` selects below from a `live` CTE of
//! (shop_id, day, timezone, lo, hi) days (`lo`/`hi` the UTC bounds of the local day). The
//! refresher runs them over the days to refresh and stores the rows; a report runs the same
//! selects over its days that are not rolled up (today, or touched since the watermark) and adds
//! them to the stored rows of the others, so both paths add up the same rows.
//!
//! The watermark (`report_rollup_state`): every day that ended before it is rolled up as of it.
//! A change to the raw tables made after it carries a time at or after it (the order's status
//! history lines: every change to an order writes one, dated by its transaction; refunds'
//! `updated_at`; stock movements' `created_at`: the watermark is taken before the oldest
//! transaction still running, less a margin for the application's clock), so the `touched` days
//! since the watermark are exactly those whose roll-up may be stale.

use diesel::prelude::*;
use diesel::sql_types::{Array, Date, Nullable, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::rules::seconds_sql;
use crate::error::{AppError, AppResult};
use crate::search::progress::Progress;

/// The advisory lock key of the roll-ups' writers ("rollups" in ASCII).
pub const LOCK_KEY: i64 = 0x0072_6f6c_6c75_7073;

/// The (shop_id, day) pairs whose raw rows changed at or after `{w}` (an SQL expression), in
/// the shop's zone: an order's day is its placement's, a refund's and a movement's their own.
/// An order changed if its history has a line since `{w}` (found by the history's BRIN index:
/// placement, payment, moves, changes of lines and cancellations each write one).
pub fn touched(w: &str) -> String {
    format!(
        "touched AS MATERIALIZED (
    SELECT o.shop_id, (h.created_at AT TIME ZONE s.timezone)::date AS day
    FROM (SELECT DISTINCT c.order_id FROM order_status_history c
          WHERE {w} > '-infinity' AND c.created_at >= {w}) c
    JOIN orders o ON o.id = c.order_id
    JOIN order_status_history h ON h.order_id = o.id AND h.to_status = 'placed'
         AND h.from_status IS DISTINCT FROM 'placed'
    JOIN shops s ON s.id = o.shop_id
    UNION
    SELECT s.id, (m.created_at AT TIME ZONE s.timezone)::date
    FROM shops s JOIN stock_ledger m ON m.shop_id = s.id AND m.created_at >= {w}
    WHERE {w} > '-infinity'
    UNION
    SELECT o.shop_id, (r.created_at AT TIME ZONE s.timezone)::date
    FROM refunds r
    JOIN payments pay ON pay.id = r.payment_id
    JOIN orders o ON o.id = pay.order_id
    JOIN shops s ON s.id = o.shop_id
    WHERE {w} > '-infinity' AND r.updated_at >= {w}
)"
    )
}

/// The sales placed in the `live` days, with their local day and hour.
pub const LIVE_SOLD: &str = "
live_sold AS (
    SELECT x.id, d.shop_id, d.day, x.status, x.total_cents, x.fulfilment, x.payment_method,
           x.placed_at, extract(hour FROM x.placed_at AT TIME ZONE d.timezone)::int AS hour
    FROM live d
    -- Day by day (OFFSET 0 keeps the planner from joining the whole history at once).
    CROSS JOIN LATERAL (
        SELECT o.id, o.status, o.total_cents, o.fulfilment, o.payment_method,
               h.created_at AS placed_at
        FROM order_status_history h JOIN orders o ON o.id = h.order_id
        WHERE h.to_status = 'placed' AND h.from_status IS DISTINCT FROM 'placed'
          AND h.created_at >= d.lo AND h.created_at < d.hi AND o.shop_id = d.shop_id
        OFFSET 0
    ) x
),
live_lines AS (
    SELECT s.shop_id, s.day, l.id, l.product_id, l.product_name, l.size_code, l.size_label,
           l.quantity, l.line_total_cents
    FROM live_sold s JOIN order_lines l ON l.order_id = s.id
    WHERE s.status <> 'cancelled'
)";

/// `rollup_sales_hours` rows of the live days.
pub const SALES_HOURS_OF_LIVE: &str = "
    SELECT shop_id, day, hour::smallint AS hour,
           count(*) FILTER (WHERE status <> 'cancelled')::int AS orders,
           coalesce(sum(total_cents) FILTER (WHERE status <> 'cancelled'), 0)::bigint AS revenue_cents,
           count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
    FROM live_sold GROUP BY shop_id, day, hour";

/// `rollup_sales_kinds` rows of the live days.
pub const SALES_KINDS_OF_LIVE: &str = "
    SELECT shop_id, day, fulfilment, payment_method,
           count(*) FILTER (WHERE status <> 'cancelled')::int AS orders,
           coalesce(sum(total_cents) FILTER (WHERE status <> 'cancelled'), 0)::bigint AS revenue_cents,
           count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
    FROM live_sold GROUP BY shop_id, day, fulfilment, payment_method";

/// `rollup_refunds` rows of the live days: refunds that succeeded, by their own day.
pub const REFUNDS_OF_LIVE: &str = "
    SELECT d.shop_id, d.day, sum(x.amount_cents)::bigint AS refunded_cents
    FROM live d
    CROSS JOIN LATERAL (
        SELECT r.amount_cents
        FROM refunds r
        JOIN payments pay ON pay.id = r.payment_id
        JOIN orders o ON o.id = pay.order_id
        WHERE r.created_at >= d.lo AND r.created_at < d.hi AND r.status = 'succeeded'
          AND o.shop_id = d.shop_id
        OFFSET 0
    ) x
    GROUP BY d.shop_id, d.day";

/// `rollup_products` rows of the live days.
pub const PRODUCTS_OF_LIVE: &str = "
    SELECT shop_id, day, product_id, size_code, max(product_name) AS name,
           max(size_label) AS size_label, sum(quantity)::bigint AS quantity,
           sum(line_total_cents)::bigint AS revenue_cents
    FROM live_lines GROUP BY shop_id, day, product_id, size_code";

/// `rollup_changes` rows of the live days.
pub const CHANGES_OF_LIVE: &str = "
    SELECT l.shop_id, l.day, m.kind, m.ingredient_id, max(m.ingredient_name) AS name,
           sum(l.quantity)::bigint AS times,
           sum(m.price_cents::bigint * l.quantity)::bigint AS revenue_cents
    FROM live_lines l JOIN order_line_modifications m ON m.order_line_id = l.id
    GROUP BY l.shop_id, l.day, m.kind, m.ingredient_id";

/// The three durations of each sale not cancelled of the live days, in whole seconds.
pub fn live_measures() -> String {
    format!(
        "
live_steps AS (
    SELECT s.shop_id, s.day, s.id, s.placed_at,
           min(h.created_at) FILTER (WHERE h.to_status = 'ready') AS first_ready,
           max(h.created_at) FILTER (WHERE h.to_status = 'ready') AS last_ready,
           min(h.created_at) FILTER (WHERE h.to_status = 'out_for_delivery') AS left_at,
           min(h.created_at) FILTER (WHERE h.to_status = 'delivered') AS delivered_at,
           min(h.created_at) FILTER (WHERE h.to_status = 'picked_up') AS picked_up_at
    FROM live_sold s
    JOIN order_status_history h ON h.order_id = s.id
         AND h.to_status IN ('ready', 'out_for_delivery', 'delivered', 'picked_up')
    WHERE s.status <> 'cancelled'
    GROUP BY s.shop_id, s.day, s.id, s.placed_at
),
live_measures AS (
    SELECT st.shop_id, st.day, m.measure, m.seconds
    FROM live_steps st
    CROSS JOIN LATERAL (VALUES
        ('preparation', {prep}),
        ('delivery', {delivery}),
        ('pickup_wait', {pickup})
    ) AS m(measure, seconds)
    WHERE m.seconds IS NOT NULL
)",
        prep = seconds_sql("st.first_ready - st.placed_at"),
        delivery = seconds_sql("st.delivered_at - st.left_at"),
        pickup = seconds_sql("st.picked_up_at - st.last_ready"),
    )
}

/// `rollup_times` rows of the live days (needs `live_measures()`): per shop, day and measure,
/// the whole seconds taken and how many sales took each, as two arrays in seconds order.
pub const TIMES_OF_LIVE: &str = "
    SELECT shop_id, day, measure, array_agg(seconds ORDER BY seconds) AS seconds,
           array_agg(n ORDER BY seconds) AS counts
    FROM (SELECT shop_id, day, measure, seconds, count(*)::int AS n
          FROM live_measures GROUP BY shop_id, day, measure, seconds) x
    GROUP BY shop_id, day, measure";

/// `rollup_stock` rows of the live days.
pub const STOCK_OF_LIVE: &str = "
    SELECT d.shop_id, d.day, m.ingredient_id,
           coalesce(-sum(m.delta) FILTER (WHERE m.reason IN ('order', 'modify')), 0)::bigint AS used_by_orders,
           coalesce(sum(m.delta) FILTER (WHERE m.reason = 'cancel'), 0)::bigint AS returned_by_cancels,
           coalesce(-sum(m.delta) FILTER (WHERE m.reason = 'waste'), 0)::bigint AS wasted,
           coalesce(sum(m.delta) FILTER (WHERE m.reason IN ('adjustment', 'count')), 0)::bigint AS adjusted,
           count(*) FILTER (WHERE m.reason IN ('adjustment', 'count')) AS adjustments,
           coalesce(sum(m.delta) FILTER (WHERE m.reason = 'restock'), 0)::bigint AS restocked
    FROM live d
    CROSS JOIN LATERAL (
        SELECT m.ingredient_id, m.reason, m.delta FROM stock_ledger m
        WHERE m.shop_id = d.shop_id AND m.created_at >= d.lo AND m.created_at < d.hi
        OFFSET 0
    ) m
    GROUP BY d.shop_id, d.day, m.ingredient_id";

/// Each roll-up table and the select of its rows (the CTEs it needs come first).
fn tables() -> [(&'static str, String); 7] {
    [
        ("rollup_sales_hours", SALES_HOURS_OF_LIVE.to_string()),
        ("rollup_sales_kinds", SALES_KINDS_OF_LIVE.to_string()),
        ("rollup_refunds", REFUNDS_OF_LIVE.to_string()),
        ("rollup_products", PRODUCTS_OF_LIVE.to_string()),
        ("rollup_changes", CHANGES_OF_LIVE.to_string()),
        ("rollup_times", TIMES_OF_LIVE.to_string()),
        ("rollup_stock", STOCK_OF_LIVE.to_string()),
    ]
}

/// The days of the two arrays `$1` (shops) and `$2` (dates) as a `live` CTE.
const LIVE_OF_PAIRS: &str = "
live AS MATERIALIZED (
    SELECT s.id AS shop_id, x.day, s.timezone,
           x.day::timestamp AT TIME ZONE s.timezone AS lo,
           (x.day + 1)::timestamp AT TIME ZONE s.timezone AS hi
    FROM unnest($1::uuid[], $2::date[]) AS x(shop_id, day) JOIN shops s ON s.id = x.shop_id
)";

/// Replaces the roll-up rows of these (shop, day) pairs by rows computed from the raw tables.
fn recompute(conn: &mut PgConnection, shops: &[Uuid], days: &[chrono::NaiveDate]) -> AppResult<()> {
    if shops.is_empty() {
        return Ok(());
    }
    for (table, select) in tables() {
        diesel::sql_query(format!(
            "DELETE FROM {table} t USING unnest($1::uuid[], $2::date[]) AS x(shop_id, day)
             WHERE t.shop_id = x.shop_id AND t.day = x.day"
        ))
        .bind::<Array<SqlUuid>, _>(shops)
        .bind::<Array<Date>, _>(days)
        .execute(conn)?;
        diesel::sql_query(format!(
            "WITH {LIVE_OF_PAIRS},{LIVE_SOLD},{measures}
             INSERT INTO {table} {select}",
            measures = live_measures(),
        ))
        .bind::<Array<SqlUuid>, _>(shops)
        .bind::<Array<Date>, _>(days)
        .execute(conn)?;
    }
    Ok(())
}

/// A watermark for the refresh starting now: before the oldest other transaction of this
/// database still running (its changes, not visible yet, will carry a later time), less 10
/// seconds for the application's clock (orders' `updated_at` is set by the API).
const NEXT_WATERMARK: &str = "
SELECT least(now(), (SELECT min(xact_start) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()
                       AND xact_start IS NOT NULL)) - interval '10 seconds' AS at";

#[derive(QueryableByName)]
struct At {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = SqlUuid)]
    shop_id: Uuid,
    #[diesel(sql_type = Date)]
    day: chrono::NaiveDate,
}

/// The watermark (`None`: nothing rolled up yet), locked for the refresh when `lock`.
pub(super) fn watermark(
    conn: &mut PgConnection,
    lock: bool,
) -> AppResult<Option<chrono::DateTime<chrono::Utc>>> {
    let sql = format!(
        "SELECT CASE WHEN watermark = '-infinity' THEN NULL ELSE watermark END AS at
         FROM report_rollup_state{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let row: At = diesel::sql_query(sql).get_result(conn)?;
    Ok(row.at)
}

fn next_watermark(conn: &mut PgConnection) -> AppResult<chrono::DateTime<chrono::Utc>> {
    let row: At = diesel::sql_query(NEXT_WATERMARK).get_result(conn)?;
    row.at
        .ok_or_else(|| AppError::Internal("no time for the roll-ups' watermark".into()))
}

fn set_watermark(conn: &mut PgConnection, at: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    diesel::sql_query(
        "UPDATE report_rollup_state SET watermark = $1, refreshed_at = clock_timestamp()",
    )
    .bind::<Timestamptz, _>(at)
    .execute(conn)?;
    Ok(())
}

fn split(pairs: Vec<Pair>) -> (Vec<Uuid>, Vec<chrono::NaiveDate>) {
    pairs.into_iter().map(|p| (p.shop_id, p.day)).unzip()
}

/// What a refresh did.
#[derive(Debug, PartialEq, Eq)]
pub enum Refreshed {
    /// Another process holds the roll-ups (a refresh or a rebuild).
    Busy,
    /// Nothing rolled up yet: the first fill is `rebuild`'s.
    NotFilled,
    /// These many (shop, day) pairs were computed again.
    Days(usize),
}

/// One refresh, in one transaction: the days that changed since the watermark or ended since,
/// computed again, and the watermark moved on.
pub fn refresh(conn: &mut PgConnection) -> AppResult<Refreshed> {
    conn.transaction(|conn| {
        let locked: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "pg_try_advisory_xact_lock({LOCK_KEY})"
        )))
        .get_result(conn)?;
        if !locked {
            return Ok(Refreshed::Busy);
        }
        let Some(old) = watermark(conn, true)? else {
            return Ok(Refreshed::NotFilled);
        };
        let new = next_watermark(conn)?;
        if new <= old {
            return Ok(Refreshed::Days(0));
        }
        let pairs: Vec<Pair> = diesel::sql_query(format!(
            "WITH {touched},
             ended AS (
                 SELECT s.id AS shop_id, d::date AS day
                 FROM shops s
                 CROSS JOIN generate_series(($1 AT TIME ZONE s.timezone)::date::timestamp,
                                            ($2 AT TIME ZONE s.timezone)::date::timestamp,
                                            interval '1 day') AS d
             )
             SELECT x.shop_id, x.day
             FROM (SELECT shop_id, day FROM touched UNION SELECT shop_id, day FROM ended) x
             JOIN shops s ON s.id = x.shop_id
             WHERE (x.day + 1)::timestamp AT TIME ZONE s.timezone <= $2
               AND ((x.day + 1)::timestamp AT TIME ZONE s.timezone > $1
                    OR (x.shop_id, x.day) IN (SELECT shop_id, day FROM touched))
             ORDER BY 1, 2",
            touched = touched("$1::timestamptz"),
        ))
        .bind::<Timestamptz, _>(old)
        .bind::<Timestamptz, _>(new)
        .load(conn)?;
        let count = pairs.len();
        let (shops, days) = split(pairs);
        recompute(conn, &shops, &days)?;
        set_watermark(conn, new)?;
        Ok(Refreshed::Days(count))
    })
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    pub days: usize,
    pub seconds: f64,
}

/// Computes the roll-ups again from the raw tables, month by month (one transaction each), with
/// progress: every day from the first sale, refund or movement (or `from`) to yesterday (or
/// `to`), each shop's. A full rebuild (no period) then sets the watermark to its start, so the
/// changes made meanwhile are picked up by the next refresh; a rebuild of a period (days changed
/// outside the API) keeps the watermark, and needs a first fill done.
pub fn rebuild(
    conn: &mut PgConnection,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    progress: &mut dyn Progress,
) -> AppResult<Rebuilt> {
    let started = std::time::Instant::now();
    let locked: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "pg_try_advisory_lock({LOCK_KEY})"
    )))
    .get_result(conn)?;
    if !locked {
        return Err(AppError::conflict(
            "the roll-ups are being refreshed or rebuilt by another process: try again later",
        ));
    }
    let result = rebuild_locked(conn, period, progress);
    let unlocked =
        diesel::sql_query(format!("SELECT pg_advisory_unlock({LOCK_KEY})")).execute(conn);
    let days = result?;
    unlocked?;
    Ok(Rebuilt {
        days,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn rebuild_locked(
    conn: &mut PgConnection,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    progress: &mut dyn Progress,
) -> AppResult<usize> {
    let current = watermark(conn, false)?;
    let (upto, first) = match (period, current) {
        (Some(_), None) => {
            return Err(AppError::field(
                "from",
                "not_filled",
                "nothing is rolled up yet: rebuild everything first (no period)",
            ))
        }
        (Some((from, to)), Some(w)) => (w, Some((from, to))),
        (None, _) => {
            // Reports read the raw tables while the roll-ups are emptied and filled again.
            let upto = next_watermark(conn)?;
            conn.transaction(|conn| {
                diesel::sql_query("UPDATE report_rollup_state SET watermark = '-infinity'")
                    .execute(conn)?;
                for (table, _) in tables() {
                    diesel::sql_query(format!("DELETE FROM {table}")).execute(conn)?;
                }
                Ok::<_, AppError>(())
            })?;
            (upto, None)
        }
    };
    // The days to compute: each shop's, from the first data (or `from`) to the last day that
    // ended before `upto` (or `to`).
    let pairs: Vec<Pair> = diesel::sql_query(
        "WITH first AS (
             SELECT least((SELECT min(created_at) FROM order_status_history
                           WHERE to_status = 'placed' AND from_status IS DISTINCT FROM 'placed'),
                          (SELECT min(created_at) FROM stock_ledger),
                          (SELECT min(created_at) FROM refunds)) AS at
         )
         SELECT s.id AS shop_id, d::date AS day
         FROM shops s CROSS JOIN first
         CROSS JOIN generate_series(coalesce($2::date, (first.at AT TIME ZONE s.timezone)::date)::timestamp,
                                    coalesce($3::date, ($1 AT TIME ZONE s.timezone)::date)::timestamp,
                                    interval '1 day') AS d
         WHERE first.at IS NOT NULL AND (d + interval '1 day') AT TIME ZONE s.timezone <= $1
         ORDER BY d, s.id",
    )
    .bind::<Timestamptz, _>(upto)
    .bind::<Nullable<Date>, _>(first.map(|p| p.0))
    .bind::<Nullable<Date>, _>(first.map(|p| p.1))
    .load(conn)?;
    let total = pairs.len();
    progress.start(total as u64);
    // A month of days of every shop at a time.
    let mut rest = pairs.as_slice();
    while !rest.is_empty() {
        let month = |p: &Pair| {
            (
                chrono::Datelike::year(&p.day),
                chrono::Datelike::month(&p.day),
            )
        };
        let first_month = month(&rest[0]);
        let n = rest.iter().take_while(|p| month(p) == first_month).count();
        let (chunk, tail) = rest.split_at(n);
        let shops: Vec<Uuid> = chunk.iter().map(|p| p.shop_id).collect();
        let days: Vec<chrono::NaiveDate> = chunk.iter().map(|p| p.day).collect();
        conn.transaction(|conn| recompute(conn, &shops, &days))?;
        progress.advance(n as u64);
        rest = tail;
    }
    if period.is_none() {
        set_watermark(conn, upto)?;
    }
    progress.finish();
    Ok(total)
}
