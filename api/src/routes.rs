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

/// Everything under `/api/v1`, area by area.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.configure(accounts::routes)
        .configure(shops::routes)
        .configure(catalog::routes)
        .configure(inventory::routes)
        .configure(orders::routes)
        .configure(payments::routes)
        .configure(search::routes)
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
