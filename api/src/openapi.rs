//! The OpenAPI document, generated from the handlers' annotations. `ocpizza openapi` prints it;
//! `openapi/openapi.json` is its committed copy, checked by a test.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{accounts, catalog, ops, orders, payments, shops};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OC Pizza API",
        description = "Ordering and management API of the OC Pizza chain of pizzerias.\n\nAmounts are integer cents with a currency, times RFC 3339 UTC, ids UUIDs. Errors are `application/problem+json` (RFC 9457) with an `errors` list naming each bad field. Lists answer `{\"items\": [...], \"next_cursor\": null | \"…\"}`.\n\nAuthenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <access_token>`.",
        license(name = "Proprietary")
    ),
    paths(
        ops::healthz, ops::readyz, ops::metrics,
        accounts::register, accounts::login, accounts::refresh, accounts::logout,
        accounts::request_password_reset, accounts::confirm_password_reset,
        accounts::get_me, accounts::update_me, accounts::delete_me,
        accounts::list_addresses, accounts::create_address, accounts::update_address, accounts::delete_address,
        shops::list_shops, shops::get_shop, shops::create_shop, shops::update_shop,
        catalog::list_categories, catalog::create_category, catalog::update_category,
        catalog::list_ingredients, catalog::create_ingredient,
        catalog::list_products, catalog::get_product, catalog::create_product, catalog::update_product, catalog::delete_product,
        catalog::shop_menu,
        crate::inventory::shop_stock, crate::inventory::record_movement, crate::inventory::list_movements,
        orders::quote, orders::place, orders::list, orders::get_order, orders::modify, orders::cancel,
        orders::transition, orders::delivery_failure, orders::events, orders::shop_events, orders::kitchen, orders::deliveries,
        orders::list_memos, orders::add_memo, orders::find_customers,
        payments::start_payment, payments::list_payments, payments::refund_order,
        payments::stripe_webhook, payments::offline_confirm,
        crate::search::search,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError, orders::ShopSnapshot)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registration, login, tokens, profile and addresses"),
        (name = "shops", description = "Shops, opening hours and delivery zones"),
        (name = "catalog", description = "Categories, ingredients, products, recipes and menus"),
        (name = "search", description = "Product search (PostgreSQL full-text search, or Algolia when configured)"),
        (name = "orders", description = "Quotes, orders, life cycle and live tracking"),
        (name = "payments", description = "Online payments (Stripe or the offline test provider), counter payments, refunds, webhook"),
        (name = "kitchen", description = "Kitchen queue, deliveries and recipe memos"),
        (name = "inventory", description = "Ingredient stock per shop"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from /api/v1/auth/login"))
                    .build(),
            ),
        );
    }
}

/// The spec as committed in `openapi/openapi.json` (pretty, trailing newline).
pub fn spec_json() -> String {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the spec serialises");
    text.push('\n');
    text
}
