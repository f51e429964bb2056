//! Product search: one endpoint, `GET /api/v1/search`, and two engines giving the same answer.
//! PostgreSQL full-text search by default (documents kept up to date by the database's own
//! triggers, see the `search` migration); Algolia when `ALGOLIA_APP_ID`/`ALGOLIA_API_KEY` are set,
//! its index kept in sync through an outbox pushed by a background worker, and PostgreSQL
//! answering while Algolia cannot be reached. The PostgreSQL engine's result pages are kept per
//! instance by `cache` (a hit runs no query; a miss runs the one ranking statement of `postgres`).
//!
//! `model` holds the query and answer types, `service` runs a search through the engines and the
//! cache, `handlers` the HTTP side; each file imports only those declared before it.

pub mod algolia;
mod cache;
mod handlers;
pub mod highlight;
mod model;
pub mod outbox;
mod postgres;
pub mod progress;
pub mod records;
pub mod reindex;
mod service;

pub use cache::{CacheOutcome, CacheStats};
pub use handlers::*;
pub use model::*;
pub use service::*;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::search);
}
