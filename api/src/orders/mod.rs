//! Orders: pricing on the server, placement with the shop's stock taken in the same transaction,
//! the status life cycle by role, change and cancellation, staff views and live events.
//!
//! `crate::states` (the words) ← `model` (rows and views) ← `pricing`, `checks`, `customer` ← `placement`, `change`,
//! `lifecycle` (with `settlement`, what was paid) ← `handlers`, `staff` (HTTP).

mod change;
mod checks;
mod counter;
mod customer;
pub mod events;
mod handlers;
pub mod lifecycle;
pub mod model;
pub mod placement;
pub mod pricing;
pub mod settlement;
mod shop_feed;
mod staff;

pub use counter::*;
pub use handlers::*;
pub use shop_feed::*;
pub use staff::*;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::quote)
        .service(handlers::place)
        .service(handlers::list)
        .service(handlers::get_order)
        .service(handlers::modify)
        .service(handlers::cancel)
        .service(handlers::transition)
        .service(handlers::delivery_failure)
        .service(handlers::events)
        .service(shop_feed::shop_events)
        .service(staff::kitchen)
        .service(staff::deliveries)
        .service(staff::list_memos)
        .service(staff::add_memo)
        .service(counter::find_customers)
        .service(counter::create_customer);
}
