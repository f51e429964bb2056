//! The catalog: categories, ingredients (units, allergens, extra-topping prices), products with
//! their sizes, prices, recipes and steps, and each shop's menu with availability from its stock.
//!
//! `model` holds the rows, views and typed kinds, `public` what customers see of them, `loading`
//! assembles products, `categories`, `ingredients`, `products` and `product_changes` hold the
//! rules of changing them, `images` the product photos, `shop_state` what the catalog cache holds (the
//! catalog snapshot, each shop's stock, pauses and schedule), `freshness` how it knows them fresh,
//! `menu` the cache and a shop's menu (`caching` its HTTP side), `pauses` products paused in one shop, `handlers` and
//! `image_handlers` the HTTP side. Each file imports only those below it; other areas use the
//! re-exports here.

pub mod caching;
pub mod categories;
mod freshness;
mod handlers;
mod image_handlers;
pub mod images;
pub mod ingredients;
pub mod loading;
mod menu;
pub mod model;
pub mod pauses;
pub mod product_changes;
pub mod products;
pub mod public;
mod shop_state;

pub use categories::CategoryInput;
pub use handlers::*;
pub use image_handlers::*;
pub use ingredients::IngredientInput;
pub use loading::{load_product, load_products, resolve_category, ProductQuery};
pub use menu::*;
pub use model::*;
pub use product_changes::{ProductPatch, RecipePatch, SizePatch};
pub use products::{ProductInput, RecipeLineInput, SizeInput};
pub use public::{MenuIngredient, MenuProduct, MenuProductPage, MenuSize, UnavailableReason};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // The menu first: the most read route of all (see `routes::api`).
    cfg.service(menu::shop_menu)
        .service(handlers::list_categories)
        .service(handlers::create_category)
        .service(handlers::update_category)
        .service(handlers::list_ingredients)
        .service(handlers::create_ingredient)
        .service(handlers::list_products)
        .service(handlers::get_product)
        .service(handlers::get_product_recipe)
        .service(handlers::create_product)
        .service(handlers::update_product)
        .service(handlers::delete_product)
        .service(image_handlers::put_product_image)
        .service(image_handlers::delete_product_image)
        .service(image_handlers::get_product_image)
        .service(image_handlers::get_product_menu_image)
        .service(pauses::pause_product);
}
