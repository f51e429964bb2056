//! Orders: pricing on the server, placement with the shop's stock taken in the same transaction,
//! the status life cycle by role, modification and cancellation, staff views and live events.

pub mod events;
mod handlers;
pub mod model;
pub mod pricing;
pub mod rules;
mod staff;

pub use handlers::*;
pub use staff::*;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(handlers::quote)
        .service(handlers::place)
        .service(handlers::list)
        .service(handlers::get_order)
        .service(handlers::modify)
        .service(handlers::cancel)
        .service(handlers::transition)
        .service(handlers::events)
        .service(staff::kitchen)
        .service(staff::deliveries)
        .service(staff::list_memos)
        .service(staff::add_memo)
        .service(staff::find_customers);
}
