//! Operations endpoints: `/healthz` (process up), `/readyz` (database reachable), `/metrics`
//! (Prometheus text), and the SPA's static files when the API serves them itself.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{get, web, HttpRequest, HttpResponse};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    #[schema(example = "0.1.0")]
    pub version: String,
}

/// The process is up (does not look at the database).
#[utoipa::path(get, tag = "operations",
    responses((status = 200, description = "Process up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// The database answers: ready to serve traffic. 503 while it is unreachable; turns back to 200
/// by itself when it returns.
#[utoipa::path(get, tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool
            .get_timeout(Duration::from_secs(2))
            .map_err(|e| AppError::Unavailable(format!("database: {e}")))?;
        diesel::sql_query("SELECT 1")
            .execute(&mut conn)
            .map_err(|e| AppError::Unavailable(format!("database: {e}")))
    })
    .await??;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// Request counters kept in the process; each instance exposes its own.
#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    duration_micros: AtomicU64,
    in_flight: AtomicU64,
}

impl Metrics {
    fn record(&self, status: u16, elapsed: Duration) {
        let class = ((status / 100).clamp(1, 5) - 1) as usize;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        let seconds = elapsed.as_secs_f64();
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.duration_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    fn render(&self, state: &AppState) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let total: u64 = self
            .by_class
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum();
        out.push_str("# HELP ocpizza_http_requests_total HTTP requests answered, by status class.\n# TYPE ocpizza_http_requests_total counter\n");
        for (i, counter) in self.by_class.iter().enumerate() {
            let _ = writeln!(
                out,
                "ocpizza_http_requests_total{{status=\"{}xx\"}} {}",
                i + 1,
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP ocpizza_http_request_duration_seconds Time to answer HTTP requests.\n# TYPE ocpizza_http_request_duration_seconds histogram\n");
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(
                out,
                "ocpizza_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "ocpizza_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {total}"
        );
        let _ = writeln!(
            out,
            "ocpizza_http_request_duration_seconds_sum {}",
            self.duration_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "ocpizza_http_request_duration_seconds_count {total}");
        out.push_str("# HELP ocpizza_http_requests_in_flight Requests being answered now.\n# TYPE ocpizza_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "ocpizza_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        let pool = state.pool.state();
        out.push_str("# HELP ocpizza_db_pool_connections Database connections open in the pool.\n# TYPE ocpizza_db_pool_connections gauge\n");
        let _ = writeln!(out, "ocpizza_db_pool_connections {}", pool.connections);
        out.push_str("# HELP ocpizza_db_pool_idle_connections Idle database connections in the pool.\n# TYPE ocpizza_db_pool_idle_connections gauge\n");
        let _ = writeln!(
            out,
            "ocpizza_db_pool_idle_connections {}",
            pool.idle_connections
        );
        out
    }
}

/// Prometheus metrics of this instance. When `METRICS_TOKEN` is set, only a scraper sending it as
/// a bearer token gets them.
#[utoipa::path(get, tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "METRICS_TOKEN is set and the request does not carry it")))]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, AppError> {
    if let Some(expected) = &state.config.metrics_token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !same_secret(given, expected) {
            return Err(AppError::Unauthorized(
                "send the metrics token: Authorization: Bearer <METRICS_TOKEN>".to_string(),
            ));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render(&state)))
}

/// Compares two secrets in a time that does not depend on where they differ.
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

pub async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let counters = req.app_data::<web::Data<Metrics>>().cloned();
    let started = Instant::now();
    if let Some(m) = &counters {
        m.in_flight.fetch_add(1, Ordering::Relaxed);
    }
    let result = next.call(req).await;
    if let Some(m) = &counters {
        m.in_flight.fetch_sub(1, Ordering::Relaxed);
        let status = match &result {
            Ok(res) => res.status().as_u16(),
            Err(err) => err.as_response_error().status_code().as_u16(),
        };
        m.record(status, started.elapsed());
    }
    result
}

/// Serves the built SPA; unknown paths get `index.html` so client-side routes survive a reload.
pub fn spa_files(dir: &std::path::Path) -> actix_files::Files {
    let index = dir.join("index.html");
    actix_files::Files::new("/", dir)
        .index_file("index.html")
        .default_handler(actix_web::dev::fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let file = actix_files::NamedFile::open(&index)?;
                let mut res = file.into_response(&req);
                res.headers_mut().insert(
                    actix_web::http::header::CACHE_CONTROL,
                    actix_web::http::header::HeaderValue::from_static("no-cache"),
                );
                Ok(ServiceResponse::new(req, res))
            }
        }))
}
