//! The one list of routes: every area's handlers, registered once; the router and the OpenAPI
//! document both come from these registrations (utoipa-actix-web), so a route cannot be served
//! without being documented, nor documented without being served.

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{web, App, Error};
use utoipa::openapi::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};

use crate::{
    accounts, catalog, http, inventory, openapi, ops, orders, payments, reports, search, shops,
};

/// Everything under `/api/v1`, area by area. actix tries the resources in this order (a regex
/// match for each pattern with a `{…}` segment), so the public catalog reads that every visitor
/// makes come first (the menu first of all) and the rarer areas last; no two routes of one
/// method overlap, so the order changes what a request costs, never where it goes.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.configure(catalog::routes)
        .configure(search::routes)
        .configure(shops::routes)
        .configure(orders::routes)
        .configure(inventory::routes)
        .configure(payments::routes)
        .configure(accounts::routes)
        .configure(reports::routes);
}

/// Registers the operations routes and the API on `app`; returns the app and its OpenAPI
/// document (info, tags and security from [`openapi::ApiDoc`], problem responses filled in).
pub fn register<T>(app: App<T>) -> (App<T>, OpenApi)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    let (app, mut document) = app
        .into_utoipa_app()
        .openapi(openapi::base())
        .configure(ops::routes)
        .service(
            scope("/api/v1")
                .configure(api)
                .default_service(web::to(http::not_found)),
        )
        .split_for_parts();
    openapi::finish(&mut document);
    let known = web::Data::new(http::KnownRoutes::from_document(&document));
    (app.app_data(known), document)
}

/// The OpenAPI document, without serving anything.
pub fn document() -> OpenApi {
    register(App::new()).1
}

#[cfg(test)]
mod tests {
    /// Whether a request for `b`'s template could also match `a`'s (same segments, a literal of
    /// either against a `{…}` of the other, or the same literal).
    fn overlap(a: &str, b: &str) -> bool {
        let (a, b): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
        a.len() == b.len()
            && a.iter()
                .zip(&b)
                .all(|(x, y)| x == y || x.starts_with('{') || y.starts_with('{'))
    }

    /// The order of the areas in `api` is free (it only changes what matching costs) as long as
    /// no two routes of one method can match the same request.
    #[test]
    fn no_two_routes_of_one_method_match_the_same_path() {
        let document = super::document();
        let mut by_method: Vec<(&str, &str)> = Vec::new();
        for (path, item) in &document.paths.paths {
            for (method, served) in [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ] {
                if served {
                    by_method.push((method, path));
                }
            }
        }
        let mut clashes = Vec::new();
        for (i, (m1, p1)) in by_method.iter().enumerate() {
            for (m2, p2) in &by_method[i + 1..] {
                if m1 == m2 && overlap(p1, p2) {
                    clashes.push(format!("{m1} {p1} / {p2}"));
                }
            }
        }
        assert!(clashes.is_empty(), "{clashes:#?}");
    }
}
