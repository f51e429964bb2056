//! The reports as served: each adds up the stored roll-up rows of its days that are rolled up
//! (ended before the watermark, untouched since) and the same rows computed from the raw tables
//! for its other days, in one query and one snapshot, so that an answer is the raw tables'
//! (`queries`) however old the last refresh is. Times by the hour read the raw tables (the
//! roll-ups keep durations by day).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Integer, Nullable, Text, Timestamptz};

use super::model::*;
use super::queries::{
    self, bind_period, period_label, products_of, sales_of, stock_of, Bound, PRODUCTS_LAST, SCOPE,
    STOCK_LAST,
};
use super::rollups::watermark;
use super::rollups::{
    live_measures, touched, CHANGES_OF_LIVE, LIVE_SOLD, PRODUCTS_OF_LIVE, REFUNDS_OF_LIVE,
    SALES_HOURS_OF_LIVE, SALES_KINDS_OF_LIVE, STOCK_OF_LIVE, TIMES_OF_LIVE,
};
use super::rules::durations_of;
use crate::error::AppResult;

/// After `SCOPE`: the period's days of each shop in scope, split into `rolled` (read from the
/// roll-ups) and `live` (computed from the raw tables), then the live sales. `$5` is the
/// watermark (null: nothing rolled up), bound as a value so that the planner sees how recent it
/// is and finds the changes since it from the indexes on time (the history's BRIN above all).
fn days() -> String {
    format!(
        ",
state AS (SELECT coalesce($5::timestamptz, '-infinity') AS watermark),
days AS (
    SELECT s.id AS shop_id, d::date AS day, s.timezone,
           d AT TIME ZONE s.timezone AS lo, (d + interval '1 day') AT TIME ZONE s.timezone AS hi
    FROM scope s
    CROSS JOIN generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') AS d
),
{touched},
live AS MATERIALIZED (
    SELECT d.* FROM days d
    WHERE d.hi > (SELECT watermark FROM state)
       OR (d.shop_id, d.day) IN (SELECT shop_id, day FROM touched)
),
rolled AS MATERIALIZED (
    SELECT d.shop_id, d.day FROM days d
    WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.shop_id = d.shop_id AND l.day = d.day)
),{LIVE_SOLD}",
        touched = touched("$5::timestamptz"),
    )
}

/// Runs `report` with the watermark. The caller's transaction is one snapshot (repeatable read,
/// `handlers::run`), so the roll-up rows the report reads are those of that watermark (a rebuild
/// emptying them meanwhile is not seen).
fn with_watermark<T>(
    conn: &mut PgConnection,
    report: impl FnOnce(&mut PgConnection, Option<DateTime<Utc>>) -> AppResult<T>,
) -> AppResult<T> {
    let w = watermark(conn, false)?;
    report(conn, w)
}

/// The period's parameters (`$1`–`$4`) and the watermark (`$5`).
fn bind_daily<'a>(sql: String, p: &Period, watermark: Option<DateTime<Utc>>) -> Bound<'a> {
    bind_period(sql, p).bind::<Nullable<Timestamptz>, _>(watermark)
}

/// Sales: the roll-ups' hours (series, hour of the week, totals), kinds (fulfilment, payment
/// method) and refunds; rows as `queries::sales`'s.
pub fn sales(conn: &mut PgConnection, p: &Period) -> AppResult<SalesReport> {
    let sql = format!(
        "{SCOPE}{days},
hours AS (
    SELECT r.day, r.hour, r.orders, r.revenue_cents, r.cancelled
    FROM rollup_sales_hours r JOIN rolled USING (shop_id, day)
    UNION ALL
    SELECT day, hour, orders, revenue_cents, cancelled FROM ({SALES_HOURS_OF_LIVE}) x
),
kinds AS (
    SELECT r.fulfilment, r.payment_method, r.orders, r.revenue_cents, r.cancelled
    FROM rollup_sales_kinds r JOIN rolled USING (shop_id, day)
    UNION ALL
    SELECT fulfilment, payment_method, orders, revenue_cents, cancelled FROM ({SALES_KINDS_OF_LIVE}) x
),
refunded AS (
    SELECT coalesce(sum(cents), 0)::bigint AS cents FROM (
        SELECT r.refunded_cents AS cents FROM rollup_refunds r JOIN rolled USING (shop_id, day)
        UNION ALL
        SELECT refunded_cents FROM ({REFUNDS_OF_LIVE}) x
    ) y
),
series AS (
    SELECT date_trunc($4, day::timestamp
                      + CASE WHEN $4 = 'hour' THEN hour * interval '1 hour' ELSE interval '0' END) AS period,
           sum(orders) AS orders, sum(revenue_cents) AS revenue_cents, sum(cancelled) AS cancelled
    FROM hours GROUP BY 1
),
periods AS (
    SELECT generate_series(date_trunc($4, $2::date::timestamp),
                           date_trunc($4, ($3::date + 1)::timestamp - interval '1 second'),
                           ('1 ' || $4)::interval) AS period
),
grouped AS (
    SELECT 'totals' AS part, NULL::text AS fulfilment, NULL::text AS payment_method,
           NULL::int AS weekday, NULL::int AS hour, coalesce(sum(orders), 0) AS orders,
           coalesce(sum(revenue_cents), 0) AS revenue_cents, coalesce(sum(cancelled), 0) AS cancelled
    FROM hours
    UNION ALL
    SELECT 'fulfilment', fulfilment, NULL, NULL, NULL, sum(orders), sum(revenue_cents), sum(cancelled)
    FROM kinds GROUP BY fulfilment
    UNION ALL
    SELECT 'payment_method', NULL, payment_method, NULL, NULL, sum(orders), sum(revenue_cents),
           sum(cancelled)
    FROM kinds GROUP BY payment_method
    UNION ALL
    SELECT 'hour_of_week', NULL, NULL, extract(isodow FROM day)::int, hour::int, sum(orders),
           sum(revenue_cents), sum(cancelled)
    FROM hours GROUP BY 4, 5
)
SELECT 'series' AS part, {label} AS period, NULL::text AS fulfilment,
       NULL::text AS payment_method, NULL::int AS weekday, NULL::int AS hour,
       coalesce(g.orders, 0)::bigint AS orders, coalesce(g.revenue_cents, 0)::bigint AS revenue_cents,
       coalesce(g.cancelled, 0)::bigint AS cancelled
FROM periods p LEFT JOIN series g ON g.period = p.period
UNION ALL
SELECT part, NULL, fulfilment, payment_method, weekday, hour, orders::bigint,
       revenue_cents::bigint, cancelled::bigint
FROM grouped WHERE part = 'totals' OR orders > 0
UNION ALL
SELECT 'refunded', NULL, NULL, NULL, NULL, NULL, 0, cents, 0 FROM refunded
ORDER BY 1, 2, 3, 4, 5, 6",
        days = days(),
        label = period_label("p.period"),
    );
    with_watermark(conn, |conn, w| sales_of(conn, p, bind_daily(sql, p, w)))
}

/// Products: the roll-ups' products and sizes, extras and removals. A product or an ingredient
/// deleted since a day was rolled up is read as null, as the raw lines now name it.
pub fn products(conn: &mut PgConnection, p: &Period) -> AppResult<ProductsReport> {
    let sql = format!(
        "{SCOPE}{days},
sold_products AS (
    SELECT r.product_id, r.size_code, r.name, r.size_label, r.quantity, r.revenue_cents
    FROM rollup_products r JOIN rolled USING (shop_id, day)
    UNION ALL
    SELECT product_id, size_code, name, size_label, quantity, revenue_cents FROM ({PRODUCTS_OF_LIVE}) x
),
by_product AS (
    SELECT CASE WHEN grouping(x.size_code) = 0 THEN 'size' ELSE 'product' END AS part,
           pr.id, max(x.name) AS name, x.size_code, max(x.size_label) AS size_label,
           sum(x.quantity)::bigint AS quantity, sum(x.revenue_cents)::bigint AS revenue_cents
    FROM sold_products x LEFT JOIN products pr ON pr.id = x.product_id
    GROUP BY GROUPING SETS ((pr.id), (pr.id, x.size_code))
),
changes AS (
    SELECT x.kind AS part, i.id, max(x.name) AS name, sum(x.times)::bigint AS quantity,
           sum(x.revenue_cents)::bigint AS revenue_cents
    FROM (SELECT r.kind, r.ingredient_id, r.name, r.times, r.revenue_cents
          FROM rollup_changes r JOIN rolled USING (shop_id, day)
          UNION ALL
          SELECT kind, ingredient_id, name, times, revenue_cents FROM ({CHANGES_OF_LIVE}) c) x
    LEFT JOIN ingredients i ON i.id = x.ingredient_id
    GROUP BY x.kind, i.id
){PRODUCTS_LAST}",
        days = days(),
    );
    with_watermark(conn, |conn, w| products_of(conn, p, bind_daily(sql, p, w)))
}

#[derive(QueryableByName)]
struct HistogramRow {
    #[diesel(sql_type = Text)]
    measure: String,
    #[diesel(sql_type = Text)]
    period: String,
    #[diesel(sql_type = Array<Integer>)]
    seconds: Vec<i32>,
    #[diesel(sql_type = Array<Integer>)]
    counts: Vec<i32>,
}

/// A histogram's `(seconds, how many)` pairs, in any order and repeated, added up by second in
/// increasing seconds.
fn added_up(mut pairs: Vec<(i32, i64)>) -> Vec<(i32, i64)> {
    pairs.sort_unstable_by_key(|(seconds, _)| *seconds);
    let mut histogram: Vec<(i32, i64)> = Vec::with_capacity(pairs.len());
    for (seconds, n) in pairs {
        match histogram.last_mut() {
            Some(last) if last.0 == seconds => last.1 += n,
            _ => histogram.push((seconds, n)),
        }
    }
    histogram
}

/// Times: the roll-ups' histograms of whole seconds, one row per shop, day and measure (two
/// arrays), and the same rows of the live days, added up here by series period and for the whole
/// period; the average and percentiles from them (`rules::durations_of`). By the hour: the raw
/// tables.
pub fn times(conn: &mut PgConnection, p: &Period) -> AppResult<TimesReport> {
    if p.granularity == Granularity::Hour {
        return queries::times(conn, p);
    }
    queries::currency(conn, p.shop_id)?;
    let sql = format!(
        "{SCOPE}{days},{measures},
histogram AS (
    SELECT r.day, r.measure, r.seconds, r.counts FROM rollup_times r JOIN rolled USING (shop_id, day)
    UNION ALL
    SELECT day, measure, seconds, counts FROM ({TIMES_OF_LIVE}) x
)
SELECT measure, {label} AS period, seconds, counts FROM histogram",
        days = days(),
        measures = live_measures(),
        label = period_label("date_trunc($4, day::timestamp)"),
    );
    let rows: Vec<HistogramRow> =
        with_watermark(conn, |conn, w| Ok(bind_daily(sql, p, w).load(conn)?))?;
    let mut report = TimesReport {
        shop_id: p.shop_id,
        from: p.from,
        to: p.to,
        granularity: p.granularity,
        preparation: Measure::default(),
        delivery: Measure::default(),
        pickup_wait: Measure::default(),
    };
    // measure → period → (seconds, how many) pairs, and measure → the whole period's pairs.
    let mut series: BTreeMap<String, BTreeMap<String, Vec<(i32, i64)>>> = BTreeMap::new();
    let mut totals: BTreeMap<String, Vec<(i32, i64)>> = BTreeMap::new();
    for row in rows {
        let pairs = row
            .seconds
            .iter()
            .zip(&row.counts)
            .map(|(seconds, n)| (*seconds, i64::from(*n)));
        totals
            .entry(row.measure.clone())
            .or_default()
            .extend(pairs.clone());
        series
            .entry(row.measure)
            .or_default()
            .entry(row.period)
            .or_default()
            .extend(pairs);
    }
    for (name, periods) in series {
        let measure = match name.as_str() {
            "preparation" => &mut report.preparation,
            "delivery" => &mut report.delivery,
            _ => &mut report.pickup_wait,
        };
        measure.totals = durations_of(&added_up(totals.remove(&name).unwrap_or_default()));
        measure.series = periods
            .into_iter()
            .map(|(period, pairs)| DurationsPoint {
                period,
                durations: durations_of(&added_up(pairs)),
            })
            .collect();
    }
    Ok(report)
}

/// Stock: the roll-ups' movements by ingredient.
pub fn stock(conn: &mut PgConnection, p: &Period) -> AppResult<StockReport> {
    let sql = format!(
        "{SCOPE}{days},
moved AS (
    SELECT ingredient_id, sum(used_by_orders)::bigint AS used_by_orders,
           sum(returned_by_cancels)::bigint AS returned_by_cancels, sum(wasted)::bigint AS wasted,
           sum(adjusted)::bigint AS adjusted, sum(adjustments)::bigint AS adjustments,
           sum(restocked)::bigint AS restocked
    FROM (SELECT r.ingredient_id, r.used_by_orders, r.returned_by_cancels, r.wasted, r.adjusted,
                 r.adjustments, r.restocked
          FROM rollup_stock r JOIN rolled USING (shop_id, day)
          UNION ALL
          SELECT ingredient_id, used_by_orders, returned_by_cancels, wasted, adjusted, adjustments,
                 restocked FROM ({STOCK_OF_LIVE}) x) y
    GROUP BY ingredient_id
){STOCK_LAST}",
        days = days(),
    );
    with_watermark(conn, |conn, w| stock_of(conn, p, bind_daily(sql, p, w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_added_up_by_second_in_increasing_seconds() {
        assert_eq!(
            added_up(vec![(600, 2), (30, 1), (600, 3), (45, 4), (30, 5)]),
            vec![(30, 6), (45, 4), (600, 5)]
        );
        assert!(added_up(Vec::new()).is_empty());
    }
}
