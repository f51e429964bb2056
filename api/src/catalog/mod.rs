//! The catalog: categories, ingredients (units, allergens, extra-topping prices), products with
//! their sizes, prices, recipes and steps, and each shop's menu with availability from its stock.

mod menu;
mod read;
mod write;

pub use menu::*;
pub use read::*;
pub use write::*;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(read::list_categories)
        .service(write::create_category)
        .service(write::update_category)
        .service(read::list_ingredients)
        .service(write::create_ingredient)
        .service(read::list_products)
        .service(read::get_product)
        .service(write::create_product)
        .service(write::update_product)
        .service(write::delete_product)
        .service(menu::shop_menu);
}
