//! Operations endpoints: `/healthz` (process up), `/readyz` (database reachable), `/metrics`
//! (Prometheus text), and the SPA's static files when the API serves them itself.

use std::sync::atomic::Ordering;
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

/// This server's HTTP counters (see [`crate::metrics`]).
pub type Metrics = crate::metrics::HttpMetrics;

/// The whole scrape: process, HTTP, business counters, kitchen queues, database pool.
async fn render(state: &AppState, http: &Metrics) -> String {
    let mut out = String::new();
    crate::metrics::process::render(&mut out);
    http.render(&mut out);
    crate::metrics::business().render(&mut out);
    // One cheap query; a scrape still answers (without the queues) while the database is away.
    let pool = state.pool.clone();
    let queues = web::block(move || {
        let mut conn = pool
            .get_timeout(Duration::from_secs(1))
            .map_err(|e| AppError::Unavailable(format!("database: {e}")))?;
        crate::metrics::kitchen_queues(&mut conn)
    })
    .await;
    match queues {
        Ok(Ok(queues)) => crate::metrics::render_kitchen(&mut out, &queues),
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: kitchen queues not read"),
        Err(e) => tracing::warn!(error = %e, "metrics: kitchen queues not read"),
    }
    crate::metrics::render_pool(&mut out, state.pool.state());
    out
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
        .body(render(&state, &metrics).await))
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
    let method = crate::metrics::method_label(req.method());
    let started = Instant::now();
    if let Some(m) = &counters {
        m.in_flight.fetch_add(1, Ordering::Relaxed);
    }
    let result = next.call(req).await;
    if let Some(m) = &counters {
        m.in_flight.fetch_sub(1, Ordering::Relaxed);
        let (status, route) = match &result {
            Ok(res) => (res.status().as_u16(), route_of(res.request())),
            Err(err) => (err.as_response_error().status_code().as_u16(), None),
        };
        m.record(route.as_deref(), method, status, started.elapsed());
    }
    result
}

/// The route template that answered (`/api/v1/shops/{shop_id}/menu`, scope included); `None`
/// when no route matched: the API's and the app's fallbacks, the SPA's files.
fn route_of(req: &HttpRequest) -> Option<String> {
    req.match_pattern()
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
