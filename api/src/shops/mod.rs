//! Shops: addresses, opening hours per weekday (in the shop's time zone), closures for given
//! days, delivery postal codes, delivery fee and minimum order. Anyone reads them; admins create
//! and edit them.
//!
//! `model` holds the rows, `hours` the opening hours rules, `schedule` when a shop takes orders
//! (hours less closures), `zones` the delivery zones, `closures` adding and removing closures,
//! `views` what the API shows, `rules` opening and editing a shop, `handlers` the HTTP side. Each
//! file imports only the ones before it; other areas use the re-exports below.

pub mod closures;
mod handlers;
pub mod hours;
pub mod model;
pub mod rules;
pub mod schedule;
pub mod views;
pub mod zones;

pub use handlers::*;
pub use hours::{shop_timezone, OpeningHours};
pub use model::{find_shop, Closure, OpeningRange, Shop};
pub use rules::ShopInput;
pub use schedule::{load_schedule, load_schedules, Schedule};
pub use views::{load_views, ShopView};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_shops)
        .service(handlers::get_shop)
        .service(handlers::create_shop)
        .service(handlers::update_shop)
        .service(handlers::list_closures)
        .service(handlers::add_closure)
        .service(handlers::remove_closure);
}
