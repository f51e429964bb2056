//! The report endpoints: parse the period, check the scope, run the report's query, answer JSON
//! or, with `Accept: text/csv`, CSV (one row per series point or item).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use diesel::RunQueryDsl;

use super::daily;
use super::model::*;
use super::rules::{check_period, check_scope, opt, wants_csv, Csv};
use crate::auth::{Authorized, Managers};
use crate::db;
use crate::error::AppResult;
use crate::http::ApiQuery;
use crate::state::AppState;

/// Checks the caller and the parameters, then runs `report` on a pooled connection.
async fn run<T: Send + 'static>(
    state: &AppState,
    access: &Authorized<Managers>,
    params: ApiQuery<ReportParams>,
    report: fn(&mut diesel::PgConnection, &Period) -> AppResult<T>,
) -> AppResult<T> {
    let period = check_period(&params)?;
    check_scope(&access.user, period.shop_id)?;
    db::run(&state.pool, move |conn| {
        // One read-only snapshot for the report's queries (the roll-ups' watermark and the
        // report); no JIT: compiling a report's expressions costs more (about 100 ms measured on
        // a shop's month) than it saves.
        conn.build_transaction()
            .repeatable_read()
            .read_only()
            .run(|conn| {
                diesel::sql_query("SET LOCAL jit = off").execute(conn)?;
                report(conn, &period)
            })
    })
    .await
}

fn csv_response(
    name: &str,
    period: (chrono::NaiveDate, chrono::NaiveDate),
    csv: Csv,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{name}-{}-{}.csv\"",
                period.0, period.1
            ),
        ))
        .body(csv.into_string())
}

/// Sales: orders, revenue, average basket, cancellations and refunds, over time and by
/// fulfilment, payment method and hour of the week (managers for their shop, admins).
#[utoipa::path(get, tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = 200, description = "The sales report; as CSV (`Accept: text/csv`) one row per series point: `period,orders,revenue_cents,currency`",
            content((SalesReport = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not a manager or an admin, another shop's manager, or the chain asked by a manager"),
        (status = 404, description = "No such shop"),
        (status = 409, description = "The chain's shops use several currencies"),
        (status = 422, description = "A bad date or granularity, an inverted period or one over 2 years (the parameter is named)")))]
#[get("/reports/sales")]
pub async fn sales(
    state: web::Data<AppState>,
    access: Authorized<Managers>,
    params: ApiQuery<ReportParams>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let report = run(&state, &access, params, daily::sales).await?;
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(report));
    }
    let mut csv = Csv::new(&["period", "orders", "revenue_cents", "currency"]);
    for point in &report.series {
        csv.row([
            point.period.clone(),
            point.orders.to_string(),
            point.revenue_cents.to_string(),
            report.currency.clone(),
        ]);
    }
    Ok(csv_response("sales", (report.from, report.to), csv))
}

/// Products sold, best first, with their sizes, the extras most added and the ingredients most
/// removed (managers for their shop, admins).
#[utoipa::path(get, tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = 200, description = "The products report; as CSV (`Accept: text/csv`) one row per product: `product_id,name,quantity,revenue_cents,share,currency`",
            content((ProductsReport = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not a manager or an admin, another shop's manager, or the chain asked by a manager"),
        (status = 404, description = "No such shop"),
        (status = 409, description = "The chain's shops use several currencies"),
        (status = 422, description = "A bad date or granularity, an inverted period or one over 2 years (the parameter is named)")))]
#[get("/reports/products")]
pub async fn products(
    state: web::Data<AppState>,
    access: Authorized<Managers>,
    params: ApiQuery<ReportParams>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let report = run(&state, &access, params, daily::products).await?;
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(report));
    }
    let mut csv = Csv::new(&[
        "product_id",
        "name",
        "quantity",
        "revenue_cents",
        "share",
        "currency",
    ]);
    for item in &report.items {
        csv.row([
            opt(item.product_id),
            item.name.clone(),
            item.quantity.to_string(),
            item.revenue_cents.to_string(),
            item.share.to_string(),
            report.currency.clone(),
        ]);
    }
    Ok(csv_response("products", (report.from, report.to), csv))
}

/// Kitchen (placed → ready), delivery (out for delivery → delivered) and pickup wait (ready →
/// picked up) times: count, average, p50 and p90 in seconds, and their series (managers for their
/// shop, admins).
#[utoipa::path(get, tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = 200, description = "The times report; as CSV (`Accept: text/csv`) one row per measure and series point: `measure,period,count,avg_seconds,p50_seconds,p90_seconds`",
            content((TimesReport = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not a manager or an admin, another shop's manager, or the chain asked by a manager"),
        (status = 404, description = "No such shop"),
        (status = 409, description = "The chain's shops use several currencies"),
        (status = 422, description = "A bad date or granularity, an inverted period or one over 2 years (the parameter is named)")))]
#[get("/reports/times")]
pub async fn times(
    state: web::Data<AppState>,
    access: Authorized<Managers>,
    params: ApiQuery<ReportParams>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let report = run(&state, &access, params, daily::times).await?;
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(report));
    }
    let mut csv = Csv::new(&[
        "measure",
        "period",
        "count",
        "avg_seconds",
        "p50_seconds",
        "p90_seconds",
    ]);
    for (name, measure) in [
        ("preparation", &report.preparation),
        ("delivery", &report.delivery),
        ("pickup_wait", &report.pickup_wait),
    ] {
        for point in &measure.series {
            let d = &point.durations;
            csv.row([
                name.to_string(),
                point.period.clone(),
                d.count.to_string(),
                opt(d.avg_seconds),
                opt(d.p50_seconds),
                opt(d.p90_seconds),
            ]);
        }
    }
    Ok(csv_response("times", (report.from, report.to), csv))
}

/// Ingredient consumption: used by orders, returned by cancellations, wasted, adjusted,
/// restocked, in each ingredient's unit, and the gap (waste and adjustments as a share of what
/// orders used) (managers for their shop, admins).
#[utoipa::path(get, tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = 200, description = "The stock report; as CSV (`Accept: text/csv`) one row per ingredient: `ingredient_id,name,unit,used_by_orders,returned_by_cancels,wasted,adjusted,adjustments,restocked,gap`",
            content((StockReport = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not a manager or an admin, another shop's manager, or the chain asked by a manager"),
        (status = 404, description = "No such shop"),
        (status = 409, description = "The chain's shops use several currencies"),
        (status = 422, description = "A bad date or granularity, an inverted period or one over 2 years (the parameter is named)")))]
#[get("/reports/stock")]
pub async fn stock(
    state: web::Data<AppState>,
    access: Authorized<Managers>,
    params: ApiQuery<ReportParams>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let report = run(&state, &access, params, daily::stock).await?;
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(report));
    }
    let mut csv = Csv::new(&[
        "ingredient_id",
        "name",
        "unit",
        "used_by_orders",
        "returned_by_cancels",
        "wasted",
        "adjusted",
        "adjustments",
        "restocked",
        "gap",
    ]);
    for item in &report.items {
        csv.row([
            item.ingredient_id.to_string(),
            item.name.clone(),
            item.unit.clone(),
            item.used_by_orders.to_string(),
            item.returned_by_cancels.to_string(),
            item.wasted.to_string(),
            item.adjusted.to_string(),
            item.adjustments.to_string(),
            item.restocked.to_string(),
            opt(item.gap),
        ]);
    }
    Ok(csv_response("stock", (report.from, report.to), csv))
}
