//! HTTP handlers of the catalog: parse, authorize, call the rules, answer. The public reads come
//! from the catalog cache with an ETag; every change drops this instance's copy at once (the
//! database's triggers tell the other instances).

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::caching::{self, Rendered};
use super::categories::{self, CategoryForm, CategoryInput};
use super::ingredients::{self, IngredientInput};
use super::loading::{self, load_product};
use super::menu::CatalogCache;
use super::model::{Category, Ingredient, Product, ProductKind};
use super::product_changes::{self, ProductPatch};
use super::products::{self, ProductInput};
use super::public::{MenuProduct, MenuProductPage};
use crate::auth::{Authorized, Kitchen, Managers};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::http::{ApiJson, ApiQuery, PageParams};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<Category>,
    pub next_cursor: Option<String>,
}

/// Menu categories, in menu order. Revalidate with the `ETag`.
#[utoipa::path(get, tag = "catalog",
    params(("If-None-Match" = Option<String>, Header, description = "An ETag seen before")),
    responses(
        (status = 200, description = "Categories", body = CategoryList, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given")))]
#[get("/categories")]
pub async fn list_categories(
    req: HttpRequest,
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
) -> AppResult<HttpResponse> {
    let snapshot = catalog.into_inner().catalog_async(&state.pool).await?;
    let etag = format!("\"c{}\"", snapshot.tag);
    if caching::matches(&req, &etag) {
        return Ok(caching::answer(
            &req,
            &Rendered::new(etag, Default::default()),
        ));
    }
    let json = serde_json::to_vec(&CategoryList {
        items: snapshot.categories.clone(),
        next_cursor: None,
    })
    .map_err(AppError::internal)?;
    Ok(caching::answer(&req, &Rendered::new(etag, json.into())))
}

#[derive(Serialize, ToSchema)]
pub struct IngredientList {
    pub items: Vec<Ingredient>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IngredientFilter {
    /// Only the ingredients customers may add as extra toppings.
    pub extra: Option<bool>,
}

/// Every ingredient, by name.
#[utoipa::path(get, tag = "catalog",
    params(IngredientFilter),
    responses((status = 200, description = "Ingredients", body = IngredientList)))]
#[get("/ingredients")]
pub async fn list_ingredients(
    state: web::Data<AppState>,
    filter: ApiQuery<IngredientFilter>,
) -> AppResult<HttpResponse> {
    let extra = filter.extra;
    let items = db::run(&state.pool, move |conn| {
        loading::all_ingredients(conn, extra)
    })
    .await?;
    Ok(HttpResponse::Ok().json(IngredientList {
        items,
        next_cursor: None,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductFilter {
    /// Category id or slug.
    pub category: Option<String>,
    /// `pizza`, `drink`, `dessert` or `starter`.
    pub kind: Option<String>,
    pub vegetarian: Option<bool>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// The products on sale, in menu order, as customers see them (no recipe quantities or steps).
/// Revalidate with the `ETag`.
#[utoipa::path(get, tag = "catalog",
    params(ProductFilter,
        ("If-None-Match" = Option<String>, Header, description = "An ETag seen before")),
    responses(
        (status = 200, description = "Products", body = MenuProductPage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 422, description = "Invalid filter")))]
#[get("/products")]
pub async fn list_products(
    req: HttpRequest,
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    filter: ApiQuery<ProductFilter>,
) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let paging = PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    let kind = filter
        .kind
        .as_deref()
        .map(|k| {
            ProductKind::parse(k)
                .ok_or_else(|| AppError::field("kind", "invalid", ProductKind::INVALID))
        })
        .transpose()?;
    let snapshot = catalog.into_inner().catalog_async(&state.pool).await?;
    let category_id = filter
        .category
        .as_deref()
        .map(|key| {
            snapshot
                .categories
                .iter()
                .find(|c| c.slug == key || Uuid::parse_str(key).is_ok_and(|id| id == c.id))
                .map(|c| c.id)
                .ok_or_else(|| {
                    AppError::field("category", "unknown", "no category has this id or slug")
                })
        })
        .transpose()?;
    let etag = format!(
        "\"p{}-{}\"",
        snapshot.tag,
        caching::digest(&[req.query_string().as_bytes()])
    );
    if caching::matches(&req, &etag) {
        return Ok(caching::answer(
            &req,
            &Rendered::new(etag, Default::default()),
        ));
    }
    let rows: Vec<MenuProduct> = snapshot
        .public
        .iter()
        .filter(|p| category_id.is_none_or(|c| p.category_id == Some(c)))
        .filter(|p| kind.is_none_or(|k| p.kind == k))
        .filter(|p| filter.vegetarian.is_none_or(|v| p.vegetarian == v))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit + 1).unwrap_or(usize::MAX))
        .cloned()
        .collect();
    let json = serde_json::to_vec(&paging.page(rows)?).map_err(AppError::internal)?;
    Ok(caching::answer(&req, &Rendered::new(etag, json.into())))
}

/// One product as customers see it: sizes, prices, ingredients, allergens (no recipe quantities
/// or steps: staff read those at `/products/{product_id}/recipe`). Revalidate with the `ETag`.
#[utoipa::path(get, tag = "catalog",
    params(("product_id" = Uuid, Path, description = "Product id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag seen before")),
    responses(
        (status = 200, description = "Product", body = MenuProduct, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 404, description = "No such product on sale")))]
#[get("/products/{product_id}")]
pub async fn get_product(
    req: HttpRequest,
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let snapshot = catalog.into_inner().catalog_async(&state.pool).await?;
    let product = snapshot
        .product(id)
        .ok_or_else(|| AppError::not_found("product"))?;
    let etag = format!("\"p{}-{}\"", snapshot.tag, id.simple());
    if caching::matches(&req, &etag) {
        return Ok(caching::answer(
            &req,
            &Rendered::new(etag, Default::default()),
        ));
    }
    let json = serde_json::to_vec(product).map_err(AppError::internal)?;
    Ok(caching::answer(&req, &Rendered::new(etag, json.into())))
}

/// One product with its recipes (ingredient quantities per size) and preparation steps, withdrawn
/// ones included: the chain's know-how, for pizzaiolos, managers and admins.
#[utoipa::path(get, tag = "catalog", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Product with its recipes", body = Product),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not a pizzaiolo, manager or admin"),
        (status = 404, description = "No such product")))]
#[get("/products/{product_id}/recipe")]
pub async fn get_product_recipe(
    state: web::Data<AppState>,
    _who: Authorized<Kitchen>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let product = db::run(&state.pool, move |conn| load_product(conn, id, true)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .json(product))
}

/// Adds a menu category (managers).
#[utoipa::path(post, tag = "catalog", security(("bearer" = [])),
    request_body = CategoryInput,
    responses(
        (status = 201, description = "Created", body = Category),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "Slug taken"),
        (status = 422, description = "Invalid field")))]
#[post("/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    body: ApiJson<CategoryInput>,
) -> AppResult<HttpResponse> {
    let form = CategoryForm::validate(body.0, true)?;
    let actor = who.user.id;
    let created = db::transaction(&state.pool, move |conn| {
        categories::add_category(conn, actor, form)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Created().json(created))
}

/// Renames or moves a category (managers).
#[utoipa::path(patch, tag = "catalog", security(("bearer" = [])),
    params(("category_id" = Uuid, Path, description = "Category id")),
    request_body = CategoryInput,
    responses(
        (status = 200, description = "Updated", body = Category),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such category"),
        (status = 409, description = "Another category already has this slug"),
        (status = 422, description = "Invalid field")))]
#[patch("/categories/{category_id}")]
pub async fn update_category(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    body: ApiJson<CategoryInput>,
) -> AppResult<HttpResponse> {
    let form = CategoryForm::validate(body.0, false)?;
    let id = path.into_inner();
    let actor = who.user.id;
    let updated = db::transaction(&state.pool, move |conn| {
        categories::change_category(conn, actor, id, form)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Ok().json(updated))
}

/// Adds an ingredient; every shop gets an empty stock line for it (managers).
#[utoipa::path(post, tag = "catalog", security(("bearer" = [])),
    request_body = IngredientInput,
    responses(
        (status = 201, description = "Created", body = Ingredient),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "Slug taken"),
        (status = 422, description = "Invalid field")))]
#[post("/ingredients")]
pub async fn create_ingredient(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    body: ApiJson<IngredientInput>,
) -> AppResult<HttpResponse> {
    let input = body.0;
    let unit = ingredients::check_ingredient(&input)?;
    let actor = who.user.id;
    let created = db::transaction(&state.pool, move |conn| {
        ingredients::add_ingredient(conn, actor, input, unit)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Created().json(created))
}

/// Adds a product with its sizes, prices, recipes and steps (managers).
#[utoipa::path(post, tag = "catalog", security(("bearer" = [])),
    request_body = ProductInput,
    responses(
        (status = 201, description = "Created", body = Product),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "Slug taken"),
        (status = 422, description = "Invalid field")))]
#[post("/products")]
pub async fn create_product(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    body: ApiJson<ProductInput>,
) -> AppResult<HttpResponse> {
    let change = products::check_product(body.0, true)?;
    let actor = who.user.id;
    let product = db::transaction(&state.pool, move |conn| {
        let id = products::add_product(conn, actor, change)?;
        load_product(conn, id, true)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Created().json(product))
}

/// Changes a product (managers and admins): text, category, steps, and its sizes merged by
/// code. `{"sizes": [{"code": "medium", "price_cents": 1300}]}` changes that price alone and
/// leaves labels, recipes and the other sizes as they are; `add_sizes` and `remove_sizes` add and
/// remove whole sizes; a size's `recipe: {set: [...], remove: [ingredient_id]}` sets or takes out
/// lines. An unknown size code or ingredient, a negative price, removing the last size or a
/// size's last recipe line is a 422 naming the field; nothing is written then.
#[utoipa::path(patch, tag = "catalog", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    request_body(content = ProductPatch, examples(
        ("price" = (summary = "One price alone", value = json!({"sizes": [{"code": "medium", "price_cents": 1300}]}))),
        ("recipe" = (summary = "Recipe lines set and taken out", value = json!({"sizes": [{"code": "large", "recipe": {"set": [{"ingredient_id": "7d3f6c2e-8a41-4f55-9a57-0c1b2d3e4f50", "quantity": 160}], "remove": ["0b9d6a4e-2c13-4e8f-8d1a-5f6e7a8b9c0d"]}}]}))),
        ("sizes" = (summary = "A size added, another removed", value = json!({"add_sizes": [{"code": "xl", "label": "Géante (40 cm)", "price_cents": 1790, "recipe": [{"ingredient_id": "7d3f6c2e-8a41-4f55-9a57-0c1b2d3e4f50", "quantity": 320}]}], "remove_sizes": ["small"]}))),
        ("text" = (summary = "Columns and steps", value = json!({"name": "Reine", "description": "Jambon, champignons", "steps": ["Étaler la pâte", "Garnir", "Cuire 6 min"]}))),
    )),
    responses(
        (status = 200, description = "Updated", body = Product),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such product"),
        (status = 409, description = "Another product already has this slug"),
        (status = 422, description = "Invalid field")))]
#[patch("/products/{product_id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    body: ApiJson<ProductPatch>,
) -> AppResult<HttpResponse> {
    let edit = product_changes::check_patch(body.0)?;
    let id = path.into_inner();
    let actor = who.user.id;
    let product = db::transaction(&state.pool, move |conn| {
        product_changes::change_product(conn, actor, id, edit)?;
        load_product(conn, id, true)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Ok().json(product))
}

/// Withdraws a product from the menu; past orders keep their copy (managers).
#[utoipa::path(delete, tag = "catalog", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such product")))]
#[delete("/products/{product_id}")]
pub async fn delete_product(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = who.user.id;
    db::transaction(&state.pool, move |conn| {
        products::withdraw_product(conn, actor, id)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::NoContent().finish())
}
