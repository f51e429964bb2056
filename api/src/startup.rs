//! Builds the HTTP server: shared state, middleware (allowed hosts, security headers, metrics,
//! tracing, Sentry), the routes of every area, the docs and the SPA fallback. Tests start the very
//! same server on port 0.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpResponse, HttpServer, ResponseError};
use tracing_actix_web::TracingLogger;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::{PasswordGate, TokenKeys};
use crate::catalog::CatalogCache;
use crate::config::Config;
use crate::db::PgPool;
use crate::error::AppError;
use crate::http::{self as plumbing, BodyLimit};
use crate::live::LiveEvents;
use crate::mail::Mailer;
use crate::ops::Metrics;
use crate::orders::lifecycle::PaymentGateway;
use crate::payments::Payments;
use crate::search::SearchService;
use crate::state::AppState;

/// Starts serving on an already bound listener (port 0 in tests).
pub fn run(listener: TcpListener, config: Config, pool: PgPool) -> std::io::Result<Server> {
    let mailer = Mailer::from_config(&config);
    run_with_mailer(listener, config, pool, mailer)
}

/// Like [`run`], with a given mailer (the tests read the mails it keeps).
pub fn run_with_mailer(
    listener: TcpListener,
    config: Config,
    pool: PgPool,
    mailer: Mailer,
) -> std::io::Result<Server> {
    let state = web::Data::new(AppState {
        mailer,
        config: config.clone(),
        pool: pool.clone(),
    });
    // Each area's service, asked for by the handlers that need it.
    let live = web::Data::from(LiveEvents::start(config.database_url_with_tls()));
    let catalog = web::Data::from(CatalogCache::start(config.database_url_with_tls()));
    let payments = Arc::new(Payments::new(&config, pool.clone()));
    let gateway: web::Data<dyn PaymentGateway> =
        web::Data::from(payments.clone() as Arc<dyn PaymentGateway>);
    let payments = web::Data::from(payments);
    let search = web::Data::new(SearchService::start(&config, pool.clone()));
    let keys = web::Data::new(TokenKeys::new(&config));
    let password_gate = web::Data::new(PasswordGate::for_this_machine());
    let metrics = web::Data::new(Metrics::default());
    let security = web::Data::new(Arc::new(SecuritySettings::from_config(&config)));
    let body_limit = BodyLimit(config.max_body_bytes);
    let static_dir = config
        .static_dir
        .clone()
        .filter(|dir| dir.join("index.html").is_file());
    let openapi = crate::routes::document();
    spawn_expiry(pool.clone(), payments.clone().into_inner());
    if config.report_rollup_seconds > 0 {
        spawn_rollups(pool.clone(), config.report_rollup_seconds);
    }

    let server = HttpServer::new(move || {
        // The routes of every area, and the OpenAPI document from the same registrations.
        let (app, _) = crate::routes::register(App::new());
        let mut app = app
            .app_data(state.clone())
            .app_data(live.clone())
            .app_data(catalog.clone())
            .app_data(payments.clone())
            .app_data(gateway.clone())
            .app_data(search.clone())
            .app_data(keys.clone())
            .app_data(password_gate.clone())
            .app_data(metrics.clone())
            .app_data(security.clone())
            .app_data(body_limit)
            .app_data(web::PathConfig::default().error_handler(plumbing::path_error))
            .wrap(from_fn(guard_host_and_secure_headers))
            .wrap(from_fn(crate::ops::record_metrics))
            .wrap(TracingLogger::default())
            .wrap(sentry_actix::Sentry::new())
            .service(web::resource("/docs").route(web::get().to(|| async {
                HttpResponse::MovedPermanently()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            })))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api/openapi.json", openapi.clone()));
        app = match &static_dir {
            Some(dir) => app.service(crate::ops::spa_files(dir)),
            None => app.default_service(web::to(plumbing::not_found)),
        };
        app
    })
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Every minute, unpaid online orders past their payment window give their stock back and their
/// payment intents are cancelled at Stripe (with any call off that failed before), refunds whose
/// answer was lost are sent again with their keys, the shop feed forgets what is older than a
/// day, and spent login failure counters go.
fn spawn_expiry(pool: PgPool, payments: Arc<Payments>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match crate::db::run(&pool, crate::orders::lifecycle::expire_unpaid).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "unpaid online orders expired"),
                Err(e) => tracing::warn!(error = %e, "expiring unpaid orders failed"),
            }
            match payments.call_off_intents(None).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(called_off = n, "payment intents nobody will pay cancelled")
                }
                Err(e) => tracing::warn!(error = %e, "cancelling abandoned payment intents failed"),
            }
            match payments.reconcile_refunds().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(settled = n, "refunds without an answer sent again"),
                Err(e) => tracing::warn!(error = %e, "sending unanswered refunds again failed"),
            }
            if let Err(e) = crate::db::run(&pool, crate::live::forget_old).await {
                tracing::warn!(error = %e, "dropping old shop events failed");
            }
            if let Err(e) = crate::db::run(&pool, crate::accounts::throttle::forget_old).await {
                tracing::warn!(error = %e, "dropping old login failure counters failed");
            }
        }
    });
}

/// Every `seconds`, the reports' daily roll-ups take in what changed (one API instance at a time:
/// the others find the lock taken and skip their turn); the first time, they are filled from
/// the whole history (`ocpizza reports rebuild` does it from the command line, with progress).
fn spawn_rollups(pool: PgPool, seconds: u64) {
    use crate::reports::rollups::{self, Refreshed};
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(seconds));
        tick.tick().await;
        loop {
            tick.tick().await;
            let refreshed = crate::db::run(&pool, |conn| match rollups::refresh(conn)? {
                Refreshed::NotFilled => {
                    let mut quiet = crate::search::progress::NoProgress;
                    let rebuilt = rollups::rebuild(conn, None, &mut quiet)?;
                    tracing::info!(
                        days = rebuilt.days,
                        seconds = rebuilt.seconds,
                        "report roll-ups filled"
                    );
                    Ok(Refreshed::Days(rebuilt.days))
                }
                other => Ok(other),
            })
            .await;
            match refreshed {
                Ok(Refreshed::Days(n)) if n > 0 => {
                    tracing::debug!(days = n, "report roll-ups refreshed")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "refreshing the report roll-ups failed"),
            }
        }
    });
}

/// The host names this deployment answers for, and the headers it sends.
pub struct SecuritySettings {
    allowed_hosts: Vec<String>,
    hsts: Option<HeaderValue>,
    spa_csp: HeaderValue,
}

impl SecuritySettings {
    pub fn from_config(config: &Config) -> SecuritySettings {
        SecuritySettings {
            allowed_hosts: config.allowed_hosts.clone(),
            hsts: (config.hsts_seconds > 0).then(|| {
                HeaderValue::from_str(&format!(
                    "max-age={}; includeSubDomains",
                    config.hsts_seconds
                ))
                .expect("a number makes a valid header")
            }),
            // Stripe.js and its frames are allowed only when online payments go through Stripe
            // (the same origins as nginx/spa-csp.sh).
            spa_csp: HeaderValue::from_static(if config.stripe_publishable_key.is_some() {
                "default-src 'self'; img-src 'self' data:; script-src 'self' https://js.stripe.com https://*.js.stripe.com; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com; frame-ancestors 'none'"
            } else {
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
            }),
        }
    }

    /// `example.com` matches itself; `.example.com` also its subdomains; `*` anything.
    pub fn host_allowed(&self, host_header: &str) -> bool {
        let host = strip_port(host_header).to_ascii_lowercase();
        self.allowed_hosts.iter().any(|pattern| {
            pattern == "*"
                || *pattern == host
                || pattern
                    .strip_prefix('.')
                    .is_some_and(|domain| host == domain || host.ends_with(pattern.as_str()))
        })
    }
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        // [::1]:8080
        return host
            .split_once(']')
            .map(|(h, _)| &host[..=h.len()])
            .unwrap_or(host);
    }
    host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
}

async fn guard_host_and_secure_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let settings = req
        .app_data::<web::Data<Arc<SecuritySettings>>>()
        .cloned()
        .ok_or_else(|| AppError::internal("security settings missing"))?;
    let path = req.path().to_string();
    // Probes reach the process by its address, whatever the public host name is.
    let probe = path == "/healthz" || path == "/readyz";
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    if !probe && !settings.host_allowed(&host) {
        tracing::warn!(%host, "request refused: host not in ADDS_ALLOWED_HOSTS");
        let response = AppError::BadRequest(format!(
            "the host '{host}' is not served here (see ADDS_ALLOWED_HOSTS)"
        ))
        .error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if let Some(hsts) = &settings.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let csp = if path.starts_with("/docs") {
            // Swagger UI is vendored: everything comes from this origin.
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
        } else if path.starts_with("/api") || probe || path == "/metrics" {
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'")
        } else {
            settings.spa_csp.clone()
        };
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(response.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(hosts: &[&str]) -> SecuritySettings {
        SecuritySettings {
            allowed_hosts: hosts.iter().map(|h| h.to_string()).collect(),
            hsts: None,
            spa_csp: HeaderValue::from_static("default-src 'self'"),
        }
    }

    #[test]
    fn hosts_match_exactly_by_domain_or_wildcard() {
        let s = settings(&["localhost", ".ocpizza.fr", "[::1]"]);
        assert!(s.host_allowed("localhost:8080"));
        assert!(s.host_allowed("ocpizza.fr"));
        assert!(s.host_allowed("www.ocpizza.fr:443"));
        assert!(s.host_allowed("[::1]:8080"));
        assert!(!s.host_allowed("evil-ocpizza.fr"));
        assert!(!s.host_allowed("attacker.com"));
        assert!(!s.host_allowed(""));
        assert!(settings(&["*"]).host_allowed("anything"));
    }
}
