//! Reports: sales, products, kitchen and delivery times and ingredient consumption, per shop or
//! for the chain, over a period of local dates, as JSON or CSV. Reads the orders, inventory and
//! shops tables, and keeps daily roll-ups of them (written by its refresher only); nothing
//! imports this area but the server's start (the refresher) and the command line (rebuild).
//!
//! `model` (parameters and answers) ← `rules` (periods, scope, durations, CSV; pure) ← `queries`
//! (one SQL aggregation per report over the raw tables: the reference) ← `rollups` (the daily
//! roll-up tables: their rows computed from the raw tables, the refresh and the rebuild) ←
//! `daily` (the reports from the roll-ups and the raw tables of the days not rolled up) ←
//! `handlers` (HTTP).

pub mod daily;
mod handlers;
pub mod model;
pub mod queries;
pub mod rollups;
pub mod rules;

pub use handlers::*;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::sales)
        .service(handlers::products)
        .service(handlers::times)
        .service(handlers::stock);
}
