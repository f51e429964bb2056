//! Inventory: each shop's ingredient stock in base units, flagged low under its threshold.
//! Every change is a stock movement; the stock equals the sum of its movements. `stock` holds the
//! lines and the one way they change, `levels` the level at the end of past days, `movements`
//! managers' movements and their history; each file imports only those before it.

mod levels;
mod movements;
mod stock;

pub use levels::*;
pub use movements::*;
pub use stock::*;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stock::shop_stock)
        .service(movements::record_movement)
        .service(movements::list_movements)
        .service(movements::set_threshold)
        .service(levels::stock_levels);
}
