//! What `/metrics` exposes, in Prometheus' text format: the process (`process`), the HTTP traffic
//! per route template (`HttpMetrics`, one per server), the business counters (`business()`, one
//! per process: a process is one API instance) and the gauges read at scrape time (kitchen queue,
//! database pool).
//!
//! Label values stay bounded: routes are actix's templates (`/api/v1/shops/{shop_id}/menu`),
//! every path no route matches shares `route="unmatched"`, methods outside the usual ones share
//! `method="other"`, refusal reasons and payment outcomes are fixed lists, shops are the shops.

pub mod process;
pub mod textfile;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use actix_web::http::Method;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Latency buckets, in seconds.
pub const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The label of requests no route matched (unknown paths, the SPA's fallback).
pub const UNMATCHED: &str = "unmatched";

/// A label value as Prometheus' text format wants it: `\`, `"` and newlines escaped.
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[derive(Default)]
struct RouteSeries {
    by_class: [u64; 5],
    buckets: [u64; BUCKETS.len()],
    sum_seconds: f64,
    count: u64,
}

/// HTTP counters of one server: requests by route, method and status class, the latency
/// histogram by route and method, requests in flight.
#[derive(Default)]
pub struct HttpMetrics {
    series: Mutex<BTreeMap<(String, &'static str), RouteSeries>>,
    pub in_flight: AtomicU64,
}

impl HttpMetrics {
    /// `route` is the matched template, or `None` when no route matched.
    pub fn record(&self, route: Option<&str>, method: &'static str, status: u16, took: Duration) {
        let route = route.filter(|r| !r.is_empty()).unwrap_or(UNMATCHED);
        let class = ((status / 100).clamp(1, 5) - 1) as usize;
        let seconds = took.as_secs_f64();
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = series.entry((route.to_string(), method)).or_default();
        s.by_class[class] += 1;
        for (bucket, bound) in s.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        s.sum_seconds += seconds;
        s.count += 1;
    }

    pub fn render(&self, out: &mut String) {
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        header(
            out,
            "ocpizza_http_requests_total",
            "counter",
            "HTTP requests answered, by route template, method and status class.",
        );
        for ((route, method), s) in series.iter() {
            let route = escape(route);
            for (i, n) in s.by_class.iter().enumerate().filter(|(_, n)| **n > 0) {
                let _ = writeln!(
                    out,
                    "ocpizza_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{}xx\"}} {n}",
                    i + 1
                );
            }
        }
        header(
            out,
            "ocpizza_http_request_duration_seconds",
            "histogram",
            "Time to answer HTTP requests, by route template and method.",
        );
        for ((route, method), s) in series.iter() {
            let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
            for (n, bound) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "ocpizza_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "ocpizza_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\nocpizza_http_request_duration_seconds_sum{{{labels}}} {}\nocpizza_http_request_duration_seconds_count{{{labels}}} {}",
                s.count, s.sum_seconds, s.count
            );
        }
        drop(series);
        header(
            out,
            "ocpizza_http_requests_in_flight",
            "gauge",
            "Requests being answered now.",
        );
        let _ = writeln!(
            out,
            "ocpizza_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
    }
}

/// Why an order was refused; `invalid` is any other problem with the request.
pub const REFUSAL_REASONS: [&str; 5] = ["stock", "closed", "zone", "minimum", "invalid"];

/// What became of an online payment, as the provider's events tell: `succeeded`, `failed`, or
/// `refunded_late` (paid after its order was cancelled or expired, so refunded at once).
pub const PAYMENT_OUTCOMES: [&str; 3] = ["succeeded", "failed", "refunded_late"];

/// The business counters of this process.
pub struct Business {
    placed: Mutex<BTreeMap<Uuid, u64>>,
    refused: [AtomicU64; REFUSAL_REASONS.len()],
    payments: [AtomicU64; PAYMENT_OUTCOMES.len()],
}

static BUSINESS: Business = Business {
    placed: Mutex::new(BTreeMap::new()),
    refused: [const { AtomicU64::new(0) }; REFUSAL_REASONS.len()],
    payments: [const { AtomicU64::new(0) }; PAYMENT_OUTCOMES.len()],
};

pub fn business() -> &'static Business {
    &BUSINESS
}

impl Business {
    pub fn order_placed(&self, shop_id: Uuid) {
        *self
            .placed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(shop_id)
            .or_default() += 1;
    }

    /// Counts a refused order under its reason, when the error is a refusal (a validation
    /// problem or a stock shortage; not a failure of the server or a missing login).
    pub fn order_refused(&self, error: &AppError) {
        if let Some(reason) = refusal_reason(error) {
            let i = REFUSAL_REASONS.iter().position(|r| *r == reason);
            if let Some(i) = i {
                self.refused[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub fn payment(&self, outcome: &str) {
        if let Some(i) = PAYMENT_OUTCOMES.iter().position(|o| *o == outcome) {
            self.payments[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn render(&self, out: &mut String) {
        header(
            out,
            "ocpizza_orders_placed_total",
            "counter",
            "Orders placed, by shop.",
        );
        for (shop, n) in self.placed.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(out, "ocpizza_orders_placed_total{{shop_id=\"{shop}\"}} {n}");
        }
        header(
            out,
            "ocpizza_orders_refused_total",
            "counter",
            "Orders refused, by reason (stock, closed, zone, minimum, invalid).",
        );
        for (reason, n) in REFUSAL_REASONS.iter().zip(&self.refused) {
            let _ = writeln!(
                out,
                "ocpizza_orders_refused_total{{reason=\"{reason}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        header(
            out,
            "ocpizza_payments_total",
            "counter",
            "Online payments settled by the provider's events, by outcome.",
        );
        for (outcome, n) in PAYMENT_OUTCOMES.iter().zip(&self.payments) {
            let _ = writeln!(
                out,
                "ocpizza_payments_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
    }
}

/// The reason an order was refused. A refusal with several problems counts once, under the
/// first of: closed, zone, minimum, stock, invalid.
pub fn refusal_reason(error: &AppError) -> Option<&'static str> {
    match error {
        AppError::Validation(errors) => {
            let has = |codes: &[&str]| errors.iter().any(|e| codes.contains(&e.code.as_str()));
            Some(if has(&["closed", "inactive"]) {
                "closed"
            } else if has(&["outside_delivery_zone"]) {
                "zone"
            } else if has(&["below_minimum"]) {
                "minimum"
            } else {
                "invalid"
            })
        }
        AppError::Conflict {
            extra: Some(extra), ..
        } if extra.get("missing_ingredients").is_some() => Some("stock"),
        _ => None,
    }
}

/// One shop's kitchen queue, read at scrape time.
#[derive(diesel::QueryableByName)]
pub struct KitchenQueue {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub shop_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub shop: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub placed: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub preparing: i64,
}

/// Orders waiting for the kitchen (placed) and being made (preparing), per active shop: one query
/// on the `(shop_id, status, …)` index.
pub fn kitchen_queues(conn: &mut diesel::PgConnection) -> AppResult<Vec<KitchenQueue>> {
    use diesel::RunQueryDsl;
    Ok(diesel::sql_query(
        "SELECT s.id AS shop_id, s.name AS shop,
                count(*) FILTER (WHERE o.status = 'placed') AS placed,
                count(*) FILTER (WHERE o.status = 'preparing') AS preparing
         FROM shops s LEFT JOIN orders o ON o.shop_id = s.id AND o.status IN ('placed', 'preparing')
         WHERE s.active GROUP BY s.id, s.name ORDER BY s.name",
    )
    .load(conn)?)
}

pub fn render_kitchen(out: &mut String, queues: &[KitchenQueue]) {
    header(
        out,
        "ocpizza_kitchen_queue_orders",
        "gauge",
        "Orders in a shop's kitchen queue now, by status (placed: waiting, preparing: being made).",
    );
    for q in queues {
        let name = escape(&q.shop);
        for (status, n) in [("placed", q.placed), ("preparing", q.preparing)] {
            let _ = writeln!(
                out,
                "ocpizza_kitchen_queue_orders{{shop_id=\"{}\",shop=\"{name}\",status=\"{status}\"}} {n}",
                q.shop_id
            );
        }
    }
}

pub fn render_pool(out: &mut String, state: diesel::r2d2::State) {
    header(
        out,
        "ocpizza_db_pool_connections",
        "gauge",
        "Database connections open in the pool.",
    );
    let _ = writeln!(out, "ocpizza_db_pool_connections {}", state.connections);
    header(
        out,
        "ocpizza_db_pool_idle_connections",
        "gauge",
        "Idle database connections in the pool.",
    );
    let _ = writeln!(
        out,
        "ocpizza_db_pool_idle_connections {}",
        state.idle_connections
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn routes_methods_and_classes_are_counted_with_bounded_labels() {
        let m = HttpMetrics::default();
        m.record(
            Some("/api/v1/shops/{shop_id}/menu"),
            "GET",
            200,
            Duration::from_millis(3),
        );
        m.record(None, "GET", 404, Duration::from_millis(1));
        m.record(Some(""), "other", 404, Duration::from_millis(1));
        let mut out = String::new();
        m.render(&mut out);
        assert!(out.contains("ocpizza_http_requests_total{route=\"/api/v1/shops/{shop_id}/menu\",method=\"GET\",status=\"2xx\"} 1\n"));
        assert!(out.contains(
            "ocpizza_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"4xx\"} 1\n"
        ));
        assert!(out.contains("ocpizza_http_request_duration_seconds_bucket{route=\"/api/v1/shops/{shop_id}/menu\",method=\"GET\",le=\"0.005\"} 1\n"));
        assert!(out.contains("ocpizza_http_request_duration_seconds_bucket{route=\"/api/v1/shops/{shop_id}/menu\",method=\"GET\",le=\"0.0025\"} 0\n"));
        assert!(out.contains(
            "ocpizza_http_request_duration_seconds_count{route=\"unmatched\",method=\"other\"} 1\n"
        ));
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn refusals_are_told_apart_by_their_codes() {
        let v = |codes: &[&str]| {
            AppError::Validation(codes.iter().map(|c| FieldError::new("f", c, "m")).collect())
        };
        assert_eq!(refusal_reason(&v(&["closed"])), Some("closed"));
        assert_eq!(
            refusal_reason(&v(&["below_minimum", "outside_delivery_zone"])),
            Some("zone")
        );
        assert_eq!(refusal_reason(&v(&["below_minimum"])), Some("minimum"));
        assert_eq!(refusal_reason(&v(&["required"])), Some("invalid"));
        let stock = AppError::Conflict {
            detail: "not enough stock".into(),
            errors: vec![],
            extra: Some(serde_json::json!({"missing_ingredients": []})),
        };
        assert_eq!(refusal_reason(&stock), Some("stock"));
        assert_eq!(refusal_reason(&AppError::internal("boom")), None);
        assert_eq!(refusal_reason(&AppError::Unauthorized("who".into())), None);
    }
}
