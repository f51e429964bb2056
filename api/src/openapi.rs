//! The OpenAPI document's frame: info, tags, security and the shared schemas. Its paths come from
//! the route registrations themselves (`crate::routes`); every error response is a problem
//! (`application/problem+json`), filled in once here. `ocpizza openapi` prints the document;
//! `openapi/openapi.json` is its committed copy, checked by a test.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use utoipa::openapi::{Content, Ref, RefOr};

use crate::orders;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OC Pizza API",
        description = "Ordering and management API of the OC Pizza chain of pizzerias.\n\nAmounts are integer cents with a currency, times RFC 3339 UTC, ids UUIDs. Errors are `application/problem+json` (RFC 9457) with an `errors` list naming each bad field. Lists answer `{\"items\": [...], \"next_cursor\": null | \"…\"}`.\n\nAuthenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <access_token>`.",
        license(name = "Proprietary")
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
        (name = "reports", description = "Sales, products, kitchen and delivery times, ingredient consumption per shop and for the chain (JSON or CSV)"),
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

/// The document before the routes add their paths.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Completes the document once the routes added their paths: every error response (4xx, 5xx)
/// declared without a body is a problem (RFC 9457), so handlers only say when and why.
pub fn finish(document: &mut utoipa::openapi::OpenApi) {
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if (status.starts_with('4') || status.starts_with('5'))
                    && response.content.is_empty()
                {
                    response.content.insert(
                        "application/problem+json".to_string(),
                        Content::new(Some(Ref::from_schema_name("Problem"))),
                    );
                }
            }
        }
    }
}

/// The spec as committed in `openapi/openapi.json` (pretty, trailing newline).
pub fn spec_json() -> String {
    let mut text = crate::routes::document()
        .to_pretty_json()
        .expect("the spec serialises");
    text.push('\n');
    text
}
