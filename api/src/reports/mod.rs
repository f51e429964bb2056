//! Reports: sales, products, kitchen and delivery times and ingredient consumption, per shop or
//! for the chain, over a period of local dates, as JSON or CSV. Reads the orders, inventory and
//! shops tables; nothing imports this area.
//!
//! `model` (parameters and answers) ← `rules` (periods, scope, CSV; pure) ← `queries` (one SQL
//! aggregation per report) ← `handlers` (HTTP).

mod handlers;
pub mod model;
pub mod queries;
pub mod rules;

pub use handlers::*;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::sales)
        .service(handlers::products)
        .service(handlers::times)
        .service(handlers::stock);
}
