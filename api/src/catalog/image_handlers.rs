//! HTTP side of product photos: upload (managers and admins), removal, and the public files with
//! a long cache lifetime, an ETag and 304s.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{delete, get, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::images::{self, Rendition, StoredImage, MAX_IMAGE_BYTES};
use super::loading::load_product;
use super::menu::CatalogCache;
use super::model::Product;
use crate::auth::{Authorized, Managers};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::http::{declared_length, read_limited, ApiQuery};
use crate::state::AppState;

/// The bytes of a JPEG, PNG or WebP photo.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PhotoBytes(#[allow(dead_code)] Vec<u8>);

/// Uploads a product's photo (managers and admins): a JPEG, PNG or WebP body up to 2 MB, its
/// type read from its bytes. It replaces the product's picture; the product's `image_url` and
/// `menu_image_url` then point at it and at a smaller rendition for menus (at most 480 × 360).
#[utoipa::path(put, tag = "catalog", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    request_body(content(
        (PhotoBytes = "image/jpeg"), (PhotoBytes = "image/png"), (PhotoBytes = "image/webp"))),
    responses(
        (status = 200, description = "The product with its new picture", body = Product),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such product"),
        (status = 413, description = "Body larger than 2 MB"),
        (status = 415, description = "Content-Type is not image/jpeg, image/png or image/webp"),
        (status = 422, description = "The body is not the image its Content-Type says, or cannot be read (field `body`)")))]
#[put("/products/{product_id}/image")]
pub async fn put_product_image(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if declared
        .as_deref()
        .and_then(images::PhotoKind::from_content_type)
        .is_none()
    {
        return Err(AppError::UnsupportedMediaType);
    }
    let body = read_limited(payload.into_inner(), declared_length(&req), MAX_IMAGE_BYTES).await?;
    // Decoding and resizing take CPU time: off the server's threads.
    let picture =
        web::block(move || images::prepare_photo(declared.as_deref(), body.to_vec())).await??;
    let actor = who.user.id;
    let product = db::transaction(&state.pool, move |conn| {
        images::store_picture(conn, Some(actor), id, &picture)?;
        load_product(conn, id, true)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Ok().json(product))
}

/// Removes a product's picture (managers and admins).
#[utoipa::path(delete, tag = "catalog", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 204, description = "The product has no picture now"),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such product")))]
#[delete("/products/{product_id}/image")]
pub async fn delete_product_image(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = who.user.id;
    db::transaction(&state.pool, move |conn| {
        images::remove_picture(conn, actor, id)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImageVersion {
    /// The picture's version, as in the product's URLs: with the current one the answer is
    /// cached for a year.
    #[param(pattern = "^[0-9a-f]{16}$")]
    pub v: Option<String>,
}

/// A product's photo as uploaded (or drawn by the seed). Public; cached for a year when asked
/// with its current version (`?v=`), otherwise for five minutes; an ETag answers 304s.
#[utoipa::path(get, tag = "catalog",
    params(("product_id" = Uuid, Path, description = "Product id"), ImageVersion),
    responses(
        (status = 200, description = "The picture", content(
            (PhotoBytes = "image/jpeg"), (PhotoBytes = "image/png"), (PhotoBytes = "image/webp"),
            (PhotoBytes = "image/svg+xml"))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such product, or it has no stored picture")))]
#[get("/products/{product_id}/image")]
pub async fn get_product_image(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    version: ApiQuery<ImageVersion>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    serve(
        state,
        path.into_inner(),
        Rendition::Original,
        version.0,
        req,
    )
    .await
}

/// A product's picture for menus and lists, at most 480 × 360 (a JPEG, or the seed's SVG).
/// Cached like the photo.
#[utoipa::path(get, tag = "catalog",
    params(("product_id" = Uuid, Path, description = "Product id"), ImageVersion),
    responses(
        (status = 200, description = "The menu's picture", content(
            (PhotoBytes = "image/jpeg"), (PhotoBytes = "image/svg+xml"))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such product, or it has no stored picture")))]
#[get("/products/{product_id}/image/menu")]
pub async fn get_product_menu_image(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    version: ApiQuery<ImageVersion>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    serve(state, path.into_inner(), Rendition::Menu, version.0, req).await
}

async fn serve(
    state: web::Data<AppState>,
    id: Uuid,
    rendition: Rendition,
    asked: ImageVersion,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    if asked
        .v
        .as_deref()
        .is_some_and(|v| v.len() != 16 || !v.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(AppError::field("v", "invalid", "16 hexadecimal digits"));
    }
    let StoredImage {
        content_type,
        bytes,
        version,
    } = db::run(&state.pool, move |conn| {
        images::load_picture(conn, id, rendition)
    })
    .await?;
    let etag = match rendition {
        Rendition::Original => format!("\"{version}\""),
        Rendition::Menu => format!("\"{version}-menu\""),
    };
    let cache = if asked.v.as_deref() == Some(version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        ));
    if matches {
        return Ok(response.finish());
    }
    Ok(response.content_type(content_type).body(bytes))
}
