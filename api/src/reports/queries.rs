//! One SQL aggregation per report, run in PostgreSQL. Every query takes the same four parameters:
//! `$1` the shop (null: the chain), `$2` and `$3` the first and last local dates, `$4` the
//! `date_trunc` field of the series. Local dates and hours are those of each order's shop.
//!
//! A sale is an order that was placed: its history entry into `placed` from nothing (an order
//! placed at once) or from `pending_payment` (an online order once paid); its time is that
//! entry's. An online order never paid has no such entry and is no sale.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Integer, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::model::*;
use super::rules::{average_basket, seconds_sql};
use crate::error::{AppError, AppResult};
use crate::schema::shops;
use crate::states::{Fulfilment, PaymentMethod};

/// The shops in scope with the UTC bounds of the period in their zone.
pub(super) const SCOPE: &str = "
WITH scope AS (
    SELECT id, timezone,
           ($2::date::timestamp AT TIME ZONE timezone) AS lo,
           (($3::date + 1)::timestamp AT TIME ZONE timezone) AS hi
    FROM shops WHERE $1::uuid IS NULL OR id = $1::uuid
),
bounds AS (SELECT min(lo) AS lo, max(hi) AS hi FROM scope)";

/// The placed orders of the scope and period, with their local series period.
const SOLD: &str = ",
sold AS (
    SELECT o.id, o.status, o.total_cents, o.fulfilment, o.payment_method, s.timezone,
           h.created_at AS placed_at,
           date_trunc($4, h.created_at AT TIME ZONE s.timezone) AS period
    FROM order_status_history h
    JOIN orders o ON o.id = h.order_id
    JOIN scope s ON s.id = o.shop_id
    WHERE h.to_status = 'placed' AND h.from_status IS DISTINCT FROM 'placed'
      AND h.created_at >= (SELECT lo FROM bounds) AND h.created_at < (SELECT hi FROM bounds)
      AND h.created_at >= s.lo AND h.created_at < s.hi
)";

/// A series' local period (a `column` of local timestamps) as shown.
pub(super) fn period_label(column: &str) -> String {
    format!("to_char({column}, CASE WHEN $4 = 'hour' THEN 'YYYY-MM-DD\"T\"HH24:00' ELSE 'YYYY-MM-DD' END)")
}

/// A report's query with its parameters bound.
pub(super) type Bound<'a> =
    diesel::query_builder::BoxedSqlQuery<'a, diesel::pg::Pg, diesel::query_builder::SqlQuery>;

pub(super) fn bind_period<'a>(sql: String, p: &Period) -> Bound<'a> {
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Nullable<SqlUuid>, _>(p.shop_id)
        .bind::<Date, _>(p.from)
        .bind::<Date, _>(p.to)
        .bind::<Text, _>(p.granularity.as_str())
}

/// The currency of the shops in scope; a shop that does not exist is a 404.
pub fn currency(conn: &mut PgConnection, shop_id: Option<Uuid>) -> AppResult<String> {
    let mut query = shops::table.select(shops::currency).distinct().into_boxed();
    if let Some(id) = shop_id {
        query = query.filter(shops::id.eq(id));
    }
    let currencies: Vec<String> = query.load(conn)?;
    match currencies.as_slice() {
        [] if shop_id.is_some() => Err(AppError::not_found("shop")),
        [] => Ok("EUR".to_string()),
        [one] => Ok(one.clone()),
        _ => Err(AppError::conflict(
            "the chain's shops use several currencies: ask shop by shop",
        )),
    }
}

#[derive(QueryableByName)]
struct SalesRow {
    #[diesel(sql_type = Text)]
    part: String,
    #[diesel(sql_type = Nullable<Text>)]
    period: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    fulfilment: Option<Fulfilment>,
    #[diesel(sql_type = Nullable<Text>)]
    payment_method: Option<PaymentMethod>,
    #[diesel(sql_type = Nullable<Integer>)]
    weekday: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    hour: Option<i32>,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    revenue_cents: i64,
    #[diesel(sql_type = BigInt)]
    cancelled: i64,
}

/// Sales: every breakdown from one scan (grouping sets), the series with its empty periods, and
/// the refunds that succeeded in the period.
pub fn sales(conn: &mut PgConnection, p: &Period) -> AppResult<SalesReport> {
    let sql = format!(
        "{SCOPE}{SOLD},
cells AS (
    SELECT period, fulfilment, payment_method,
           extract(isodow FROM placed_at AT TIME ZONE timezone)::int AS weekday,
           extract(hour FROM placed_at AT TIME ZONE timezone)::int AS hour,
           status, total_cents
    FROM sold
),
grouped AS (
    SELECT CASE WHEN grouping(period) = 0 THEN 'series'
                WHEN grouping(fulfilment) = 0 THEN 'fulfilment'
                WHEN grouping(payment_method) = 0 THEN 'payment_method'
                WHEN grouping(weekday) = 0 THEN 'hour_of_week'
                ELSE 'totals' END AS part,
           period, fulfilment, payment_method, weekday, hour,
           count(*) FILTER (WHERE status <> 'cancelled') AS orders,
           coalesce(sum(total_cents) FILTER (WHERE status <> 'cancelled'), 0)::bigint AS revenue_cents,
           count(*) FILTER (WHERE status = 'cancelled') AS cancelled
    FROM cells
    GROUP BY GROUPING SETS ((), (period), (fulfilment), (payment_method), (weekday, hour))
),
periods AS (
    SELECT generate_series(date_trunc($4, $2::date::timestamp),
                           date_trunc($4, ($3::date + 1)::timestamp - interval '1 second'),
                           ('1 ' || $4)::interval) AS period
),
refunded AS (
    SELECT coalesce(sum(r.amount_cents), 0)::bigint AS cents
    FROM refunds r
    JOIN payments pay ON pay.id = r.payment_id
    JOIN orders o ON o.id = pay.order_id
    JOIN scope s ON s.id = o.shop_id
    WHERE r.status = 'succeeded' AND r.created_at >= s.lo AND r.created_at < s.hi
)
SELECT 'series' AS part, {label} AS period, NULL::text AS fulfilment,
       NULL::text AS payment_method, NULL::int AS weekday, NULL::int AS hour,
       coalesce(g.orders, 0) AS orders, coalesce(g.revenue_cents, 0)::bigint AS revenue_cents,
       coalesce(g.cancelled, 0) AS cancelled
FROM periods p LEFT JOIN grouped g ON g.part = 'series' AND g.period = p.period
UNION ALL
SELECT part, NULL, fulfilment, payment_method, weekday, hour, orders, revenue_cents, cancelled
FROM grouped WHERE part <> 'series' AND (part = 'totals' OR orders > 0)
UNION ALL
SELECT 'refunded', NULL, NULL, NULL, NULL, NULL, 0, cents, 0 FROM refunded
ORDER BY 1, 2, 3, 4, 5, 6",
        label = period_label("p.period"),
    );
    sales_of(conn, p, bind_period(sql, p))
}

/// Runs a sales query (its rows as the raw one's) and assembles the report.
pub(super) fn sales_of(
    conn: &mut PgConnection,
    p: &Period,
    query: Bound<'_>,
) -> AppResult<SalesReport> {
    let currency = currency(conn, p.shop_id)?;
    let rows: Vec<SalesRow> = query.load(conn)?;
    let mut report = SalesReport {
        shop_id: p.shop_id,
        from: p.from,
        to: p.to,
        granularity: p.granularity,
        currency,
        totals: SalesTotals {
            orders: 0,
            revenue_cents: 0,
            average_basket_cents: 0,
            cancelled: 0,
            refunded_cents: 0,
        },
        series: Vec::new(),
        by_fulfilment: Vec::new(),
        by_payment_method: Vec::new(),
        by_hour_of_week: Vec::new(),
    };
    for row in rows {
        match (row.part.as_str(), row.fulfilment, row.payment_method) {
            ("totals", _, _) => {
                report.totals.orders = row.orders;
                report.totals.revenue_cents = row.revenue_cents;
                report.totals.cancelled = row.cancelled;
                report.totals.average_basket_cents = average_basket(row.revenue_cents, row.orders);
            }
            ("refunded", _, _) => report.totals.refunded_cents = row.revenue_cents,
            ("series", _, _) => report.series.push(SalesPoint {
                period: row.period.unwrap_or_default(),
                orders: row.orders,
                revenue_cents: row.revenue_cents,
            }),
            ("fulfilment", Some(fulfilment), _) => report.by_fulfilment.push(FulfilmentSales {
                fulfilment,
                orders: row.orders,
                revenue_cents: row.revenue_cents,
            }),
            ("payment_method", _, Some(payment_method)) => {
                report.by_payment_method.push(PaymentMethodSales {
                    payment_method,
                    orders: row.orders,
                    revenue_cents: row.revenue_cents,
                })
            }
            ("hour_of_week", _, _) => report.by_hour_of_week.push(HourOfWeekSales {
                weekday: row.weekday.unwrap_or_default(),
                hour: row.hour.unwrap_or_default(),
                orders: row.orders,
                revenue_cents: row.revenue_cents,
            }),
            _ => {}
        }
    }
    Ok(report)
}

#[derive(QueryableByName)]
struct ProductRow {
    #[diesel(sql_type = Text)]
    part: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    size_code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    size_label: Option<String>,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    revenue_cents: i64,
    #[diesel(sql_type = Double)]
    share: f64,
}

/// Products, sizes, extras and removals of the placed orders not cancelled.
pub fn products(conn: &mut PgConnection, p: &Period) -> AppResult<ProductsReport> {
    let sql = format!(
        "{SCOPE}{SOLD},
lines AS (
    SELECT l.id, l.product_id, l.product_name, l.size_code, l.size_label, l.quantity,
           l.line_total_cents
    FROM sold JOIN order_lines l ON l.order_id = sold.id
    WHERE sold.status <> 'cancelled'
),
by_product AS (
    SELECT CASE WHEN grouping(size_code) = 0 THEN 'size' ELSE 'product' END AS part,
           product_id AS id, max(product_name) AS name, size_code, max(size_label) AS size_label,
           sum(quantity)::bigint AS quantity, sum(line_total_cents)::bigint AS revenue_cents
    FROM lines
    GROUP BY GROUPING SETS ((product_id), (product_id, size_code))
),
changes AS (
    SELECT m.kind AS part, m.ingredient_id AS id, max(m.ingredient_name) AS name,
           sum(l.quantity)::bigint AS quantity,
           sum(m.price_cents::bigint * l.quantity)::bigint AS revenue_cents
    FROM lines l JOIN order_line_modifications m ON m.order_line_id = l.id
    GROUP BY m.kind, m.ingredient_id
)
{PRODUCTS_LAST}"
    );
    products_of(conn, p, bind_period(sql, p))
}

/// The products report's last select, over `by_product` and `changes`.
pub(super) const PRODUCTS_LAST: &str = "
SELECT part, id, name, size_code, size_label, quantity, revenue_cents,
       coalesce(round(revenue_cents::numeric / nullif(sum(revenue_cents) OVER (PARTITION BY part), 0), 4), 0)::float8 AS share
FROM by_product
UNION ALL
SELECT part, id, name, NULL, NULL, quantity, revenue_cents, 0 FROM changes
ORDER BY part, revenue_cents DESC, quantity DESC, name, size_code";

/// Runs a products query (its rows as the raw one's) and assembles the report.
pub(super) fn products_of(
    conn: &mut PgConnection,
    p: &Period,
    query: Bound<'_>,
) -> AppResult<ProductsReport> {
    let currency = currency(conn, p.shop_id)?;
    let rows: Vec<ProductRow> = query.load(conn)?;
    let mut report = ProductsReport {
        shop_id: p.shop_id,
        from: p.from,
        to: p.to,
        currency,
        items: Vec::new(),
        sizes: Vec::new(),
        extras: Vec::new(),
        removed: Vec::new(),
    };
    for row in rows {
        let change = ToppingChange {
            ingredient_id: row.id,
            name: row.name.clone(),
            times: row.quantity,
            revenue_cents: row.revenue_cents,
        };
        match row.part.as_str() {
            "product" => report.items.push(ProductSales {
                product_id: row.id,
                name: row.name,
                quantity: row.quantity,
                revenue_cents: row.revenue_cents,
                share: row.share,
            }),
            "size" => report.sizes.push(SizeSales {
                product_id: row.id,
                name: row.name,
                size_code: row.size_code.unwrap_or_default(),
                size_label: row.size_label.unwrap_or_default(),
                quantity: row.quantity,
                revenue_cents: row.revenue_cents,
            }),
            "add" => report.extras.push(change),
            "remove" => report.removed.push(change),
            _ => {}
        }
    }
    // Most changed first (the query sorts by revenue, which removals have none of).
    report
        .removed
        .sort_by(|a, b| b.times.cmp(&a.times).then(a.name.cmp(&b.name)));
    report
        .extras
        .sort_by(|a, b| b.times.cmp(&a.times).then(a.name.cmp(&b.name)));
    Ok(report)
}

#[derive(QueryableByName)]
struct TimesRow {
    #[diesel(sql_type = Text)]
    measure: String,
    #[diesel(sql_type = Nullable<Text>)]
    period: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    avg_seconds: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    p50_seconds: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    p90_seconds: Option<i64>,
}

/// Kitchen, delivery and pickup times of the placed orders not cancelled, from their history, in
/// whole seconds (each duration rounded, then the average and percentiles rounded); series by the
/// period the order was placed in.
pub fn times(conn: &mut PgConnection, p: &Period) -> AppResult<TimesReport> {
    currency(conn, p.shop_id)?;
    let sql = format!(
        "{SCOPE}{SOLD},
steps AS (
    SELECT sold.id, sold.placed_at, sold.period,
           min(h.created_at) FILTER (WHERE h.to_status = 'ready') AS first_ready,
           max(h.created_at) FILTER (WHERE h.to_status = 'ready') AS last_ready,
           min(h.created_at) FILTER (WHERE h.to_status = 'out_for_delivery') AS left_at,
           min(h.created_at) FILTER (WHERE h.to_status = 'delivered') AS delivered_at,
           min(h.created_at) FILTER (WHERE h.to_status = 'picked_up') AS picked_up_at
    FROM sold
    JOIN order_status_history h ON h.order_id = sold.id
         AND h.to_status IN ('ready', 'out_for_delivery', 'delivered', 'picked_up')
    WHERE sold.status <> 'cancelled'
    GROUP BY sold.id, sold.placed_at, sold.period
),
measures AS (
    SELECT m.measure, st.period, m.seconds
    FROM steps st
    CROSS JOIN LATERAL (VALUES
        ('preparation', {prep}::float8),
        ('delivery', {delivery}::float8),
        ('pickup_wait', {pickup}::float8)
    ) AS m(measure, seconds)
    WHERE m.seconds IS NOT NULL
)
SELECT measure, CASE WHEN grouping(period) = 0 THEN {label} END AS period,
       count(*) AS count,
       round(avg(seconds))::bigint AS avg_seconds,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds))::bigint AS p50_seconds,
       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds))::bigint AS p90_seconds
FROM measures
GROUP BY GROUPING SETS ((measure), (measure, period))
ORDER BY measure, period NULLS FIRST",
        label = period_label("period"),
        prep = seconds_sql("st.first_ready - st.placed_at"),
        delivery = seconds_sql("st.delivered_at - st.left_at"),
        pickup = seconds_sql("st.picked_up_at - st.last_ready"),
    );
    let rows: Vec<TimesRow> = bind_period(sql, p).load(conn)?;
    let mut report = TimesReport {
        shop_id: p.shop_id,
        from: p.from,
        to: p.to,
        granularity: p.granularity,
        preparation: Measure::default(),
        delivery: Measure::default(),
        pickup_wait: Measure::default(),
    };
    for row in rows {
        let measure = match row.measure.as_str() {
            "preparation" => &mut report.preparation,
            "delivery" => &mut report.delivery,
            _ => &mut report.pickup_wait,
        };
        let durations = Durations {
            count: row.count,
            avg_seconds: row.avg_seconds,
            p50_seconds: row.p50_seconds,
            p90_seconds: row.p90_seconds,
        };
        match row.period {
            None => measure.totals = durations,
            Some(period) => measure.series.push(DurationsPoint { period, durations }),
        }
    }
    Ok(report)
}

#[derive(QueryableByName)]
struct StockRow {
    #[diesel(sql_type = SqlUuid)]
    ingredient_id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    unit: String,
    #[diesel(sql_type = BigInt)]
    used_by_orders: i64,
    #[diesel(sql_type = BigInt)]
    returned_by_cancels: i64,
    #[diesel(sql_type = BigInt)]
    wasted: i64,
    #[diesel(sql_type = BigInt)]
    adjusted: i64,
    #[diesel(sql_type = BigInt)]
    adjustments: i64,
    #[diesel(sql_type = BigInt)]
    restocked: i64,
    #[diesel(sql_type = Nullable<Double>)]
    gap: Option<f64>,
}

/// Each ingredient's movements over the period, by reason, and its gap.
pub fn stock(conn: &mut PgConnection, p: &Period) -> AppResult<StockReport> {
    let sql = format!(
        "{SCOPE},
moved AS (
    SELECT m.ingredient_id,
           coalesce(-sum(m.delta) FILTER (WHERE m.reason IN ('order', 'modify')), 0)::bigint AS used_by_orders,
           coalesce(sum(m.delta) FILTER (WHERE m.reason = 'cancel'), 0)::bigint AS returned_by_cancels,
           coalesce(-sum(m.delta) FILTER (WHERE m.reason = 'waste'), 0)::bigint AS wasted,
           coalesce(sum(m.delta) FILTER (WHERE m.reason IN ('adjustment', 'count')), 0)::bigint AS adjusted,
           count(*) FILTER (WHERE m.reason IN ('adjustment', 'count')) AS adjustments,
           coalesce(sum(m.delta) FILTER (WHERE m.reason = 'restock'), 0)::bigint AS restocked
    FROM scope s
    JOIN stock_ledger m ON m.shop_id = s.id AND m.created_at >= s.lo AND m.created_at < s.hi
    GROUP BY m.ingredient_id
){STOCK_LAST}"
    );
    stock_of(conn, p, bind_period(sql, p))
}

/// The stock report's last select, over `moved`.
pub(super) const STOCK_LAST: &str = "
SELECT i.id AS ingredient_id, i.name, i.unit, used_by_orders, returned_by_cancels, wasted,
       adjusted, adjustments, restocked,
       round((wasted - adjusted)::numeric / nullif(used_by_orders - returned_by_cancels, 0), 4)::float8 AS gap
FROM moved JOIN ingredients i ON i.id = moved.ingredient_id
ORDER BY i.name";

/// Runs a stock query (its rows as the raw one's) and assembles the report.
pub(super) fn stock_of(
    conn: &mut PgConnection,
    p: &Period,
    query: Bound<'_>,
) -> AppResult<StockReport> {
    currency(conn, p.shop_id)?;
    let rows: Vec<StockRow> = query.load(conn)?;
    Ok(StockReport {
        shop_id: p.shop_id,
        from: p.from,
        to: p.to,
        items: rows
            .into_iter()
            .map(|r| IngredientUse {
                ingredient_id: r.ingredient_id,
                name: r.name,
                unit: r.unit,
                used_by_orders: r.used_by_orders,
                returned_by_cancels: r.returned_by_cancels,
                wasted: r.wasted,
                adjusted: r.adjusted,
                adjustments: r.adjustments,
                restocked: r.restocked,
                gap: r.gap,
            })
            .collect(),
    })
}
