//! The OpenAPI document's frame: info, tags, security and the shared schemas. Its paths come from
//! the route registrations themselves (`crate::routes`); every error response is a problem
//! (`application/problem+json`), filled in once here. `ocpizza openapi` prints the document;
//! `openapi/openapi.json` is its committed copy, checked by a test.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Content, Ref, RefOr, Required, Response};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OC Pizza API",
        description = "Ordering and management API of the OC Pizza chain of pizzerias.\n\nAmounts are integer cents with a currency, times RFC 3339 UTC, ids UUIDs. Errors are `application/problem+json` (RFC 9457) with an `errors` list naming each bad field. Lists answer `{\"items\": [...], \"next_cursor\": null | \"…\"}`.\n\nAuthenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <access_token>`.",
        license(name = "Proprietary")
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registration, login, tokens, profile and addresses"),
        (name = "shops", description = "Shops, opening hours, closures and delivery zones"),
        (name = "catalog", description = "Categories, ingredients, products, recipes and menus"),
        (name = "search", description = "Product search (PostgreSQL full-text search, or Algolia when configured)"),
        (name = "orders", description = "Quotes, orders, life cycle and live tracking"),
        (name = "payments", description = "Online payments (Stripe or the offline test provider), counter payments, refunds, webhook"),
        (name = "kitchen", description = "Kitchen queue, deliveries and recipe memos"),
        (name = "inventory", description = "Ingredient stock per shop"),
        (name = "team", description = "Staff accounts of each shop, kept by its manager or an admin"),
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

/// The statuses every operation of a kind can answer, whatever its handler does: declared once
/// here and added to each operation that does not already say more about them.
mod generic {
    /// A status and its description.
    pub type Status = (&'static str, &'static str);

    /// Under `/api/v1` every operation reads or writes the database.
    pub const DATABASE: Status = (
        "503",
        "The database is unreachable or too busy: try again after `Retry-After` seconds",
    );
    /// An operation with a bearer security requirement (`auth::CurrentUser` and its kin).
    pub const TOKEN: Status = ("401", "Missing, malformed, invalid or expired access token");
    /// An operation whose path has parameters: one that is not of its type matches no resource.
    pub const PATH: Status = ("404", "No such resource");
    /// An operation with query parameters (`http::ApiQuery`).
    pub const QUERY: Status = ("422", "Invalid query parameter (field errors)");
    /// An operation reading a JSON body (`http::ApiJson`).
    pub const JSON_BODY: &[Status] = &[
        ("400", "Empty body or malformed JSON"),
        ("413", "Body larger than the limit"),
        ("415", "Body not sent as `application/json`"),
        ("422", "Invalid field (field errors)"),
    ];
    /// The operations that read their body themselves (`http::ApiBody`, `http::WebhookBody`),
    /// whatever its content type, and what they answer about it.
    pub const RAW_BODIES: &[(&str, &str, &[Status])] = &[
        (
            "post",
            "/api/v1/orders/{order_id}/cancel",
            OPTIONAL_JSON_BODY,
        ),
        (
            "post",
            "/api/v1/orders/{order_id}/payments",
            OPTIONAL_JSON_BODY,
        ),
        (
            "put",
            "/api/v1/products/{product_id}/image",
            &[
                ("400", "The body could not be read"),
                ("413", "Body larger than 2 MB"),
            ],
        ),
        (
            "post",
            "/api/v1/payments/stripe/webhook",
            &[("413", "Body larger than the limit (256 KiB)")],
        ),
    ];
    /// `http::ApiBody` then `http::parse_optional_json`.
    const OPTIONAL_JSON_BODY: &[Status] = &[
        ("400", "Malformed JSON"),
        ("413", "Body larger than the limit"),
        ("422", "Invalid field (field errors)"),
    ];
}

/// Completes the document once the routes added their paths: every operation gets the statuses of
/// its kind ([`generic`]); every error response (4xx, 5xx) declared without a body is a problem
/// (RFC 9457), so handlers only say when and why; optional bodies and headers are typed as what is
/// sent (an object, a string), not "or null".
pub fn finish(document: &mut utoipa::openapi::OpenApi) {
    for (path, item) in document.paths.paths.iter_mut() {
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                complete_operation(method, path, operation);
            }
        }
    }
}

fn complete_operation(method: &str, path: &str, operation: &mut Operation) {
    let mut generic: Vec<generic::Status> = Vec::new();
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    if has_bearer_requirement(operation) {
        generic.push(generic::TOKEN);
    }
    if parameters
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path))
    {
        generic.push(generic::PATH);
    }
    if parameters
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query))
    {
        generic.push(generic::QUERY);
    }
    if let Some((_, _, statuses)) = generic::RAW_BODIES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
    {
        generic.extend_from_slice(statuses);
    } else if operation.request_body.is_some() {
        generic.extend_from_slice(generic::JSON_BODY);
    }
    if path.starts_with("/api/v1/") {
        generic.push(generic::DATABASE);
    }
    for (status, description) in generic {
        if !operation.responses.responses.contains_key(status) {
            operation
                .responses
                .responses
                .insert(status.to_string(), Response::new(description).into());
        }
    }

    for (status, response) in operation.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if (status.starts_with('4') || status.starts_with('5')) && response.content.is_empty() {
            response.content.insert(
                "application/problem+json".to_string(),
                Content::new(Some(Ref::from_schema_name("Problem"))),
            );
        }
        if status == "503" && !response.headers.contains_key("Retry-After") {
            let mut retry_after = Header::new(ObjectBuilder::new().schema_type(Type::Integer));
            retry_after.description = Some("Seconds to wait before trying again".to_string());
            response
                .headers
                .insert("Retry-After".to_string(), retry_after);
        }
    }

    // A header is a string, present or not.
    for parameter in operation.parameters.iter_mut().flatten() {
        if matches!(parameter.parameter_in, ParameterIn::Header) {
            if let Some(RefOr::T(Schema::Object(schema))) = &mut parameter.schema {
                if let SchemaType::Array(types) = &schema.schema_type {
                    if let [only] = types
                        .iter()
                        .filter(|t| **t != Type::Null)
                        .collect::<Vec<_>>()
                        .as_slice()
                    {
                        schema.schema_type = SchemaType::Type((*only).clone());
                    }
                }
            }
        }
    }

    // `request_body(content = Option<X>)` says "null or X": a body is X, or absent.
    if let Some(body) = &mut operation.request_body {
        let mut optional = false;
        for content in body.content.values_mut() {
            if let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema {
                let mut rest = one_of.items.iter().filter(|item| !is_null_schema(item));
                if let (Some(only), None) = (rest.next(), rest.next()) {
                    if one_of.items.len() == 2 {
                        content.schema = Some(only.clone());
                        optional = true;
                    }
                }
            }
        }
        if optional {
            body.required = Some(Required::False);
        }
    }
}

fn is_null_schema(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(object))
        if object.schema_type == SchemaType::Type(Type::Null))
}

/// Whether calling the operation takes a bearer token (an empty requirement would make it
/// optional).
fn has_bearer_requirement(operation: &Operation) -> bool {
    let Some(requirements) = &operation.security else {
        return false;
    };
    let requirements = serde_json::to_value(requirements).unwrap_or_default();
    let Some(requirements) = requirements.as_array() else {
        return false;
    };
    !requirements.is_empty()
        && requirements
            .iter()
            .all(|r| r.as_object().is_some_and(|r| r.contains_key("bearer")))
}

/// The spec as committed in `openapi/openapi.json` (pretty, trailing newline).
pub fn spec_json() -> String {
    let mut text = crate::routes::document()
        .to_pretty_json()
        .expect("the spec serialises");
    text.push('\n');
    text
}
