//! Changing the catalog (managers and admins): categories, ingredients, products with their
//! sizes, prices, recipes and steps. Orders copy what they need, so edits never rewrite history.

use std::collections::{HashMap, HashSet};

use actix_web::{delete, patch, post, web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::menu::CatalogCache;
use super::read::{load_product, Category, Ingredient, IngredientRow};
use crate::auth::{Authorized, Managers};
use crate::db;
use crate::error::{AppError, AppResult, Problem, UniqueField, Violations};
use crate::http::ApiJson;
use crate::schema::{
    categories, ingredients, product_sizes, products, recipe_items, recipe_steps, shops, stock,
};
use crate::state::AppState;

pub const PRODUCT_KINDS: [&str; 4] = ["pizza", "drink", "dessert", "starter"];
pub const UNITS: [&str; 3] = ["g", "ml", "piece"];
pub const ALLERGENS: [&str; 14] = [
    "gluten",
    "crustaceans",
    "eggs",
    "fish",
    "peanuts",
    "soybeans",
    "milk",
    "nuts",
    "celery",
    "mustard",
    "sesame",
    "sulphites",
    "lupin",
    "molluscs",
];

fn is_slug(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub position: Option<i32>,
}

fn check_category(c: &CategoryInput, creating: bool) -> AppResult<()> {
    let mut v = Violations::new();
    match &c.slug {
        None if creating => v.add("slug", "required", "this field is required"),
        Some(s) if !is_slug(s) => v.add(
            "slug",
            "invalid",
            "lowercase letters, digits and dashes, 2 to 64",
        ),
        _ => {}
    }
    match &c.name {
        None if creating => v.add("name", "required", "this field is required"),
        Some(n) if n.trim().is_empty() || n.chars().count() > 80 => {
            v.add("name", "length", "1 to 80 characters")
        }
        _ => {}
    }
    v.into_result()
}

/// Adds a menu category (managers).
#[utoipa::path(post, path = "/api/v1/categories", tag = "catalog", security(("bearer" = [])),
    request_body = CategoryInput,
    responses(
        (status = 201, description = "Created", body = Category),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[post("/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    body: ApiJson<CategoryInput>,
) -> AppResult<HttpResponse> {
    let c = body.0;
    check_category(&c, true)?;
    let actor = who.user.id;
    let created = db::transaction(&state.pool, move |conn| {
        let created: Category = diesel::insert_into(categories::table)
            .values((
                categories::slug.eq(c.slug.unwrap_or_default()),
                categories::name.eq(c.name.unwrap_or_default().trim()),
                categories::position.eq(c.position.unwrap_or(0)),
            ))
            .returning(Category::as_returning())
            .get_result(conn)
            .taken("slug", "another category already has this slug")?;
        crate::audit::record(
            conn,
            Some(actor),
            "category.created",
            "category",
            &created.id.to_string(),
            serde_json::json!({}),
        )?;
        Ok(created)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Created().json(created))
}

/// Renames or moves a category (managers).
#[utoipa::path(patch, path = "/api/v1/categories/{category_id}", tag = "catalog", security(("bearer" = [])),
    params(("category_id" = Uuid, Path, description = "Category id")),
    request_body = CategoryInput,
    responses(
        (status = 200, description = "Updated", body = Category),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such category", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[patch("/categories/{category_id}")]
pub async fn update_category(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    body: ApiJson<CategoryInput>,
) -> AppResult<HttpResponse> {
    let c = body.0;
    check_category(&c, false)?;
    let id = path.into_inner();
    let actor = who.user.id;
    let updated = db::transaction(&state.pool, move |conn| {
        let current: Category = categories::table
            .find(id)
            .select(Category::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("category"))?;
        let updated: Category = diesel::update(categories::table.find(id))
            .set((
                categories::slug.eq(c.slug.unwrap_or(current.slug)),
                categories::name.eq(c.name.map(|n| n.trim().to_string()).unwrap_or(current.name)),
                categories::position.eq(c.position.unwrap_or(current.position)),
            ))
            .returning(Category::as_returning())
            .get_result(conn)
            .taken("slug", "another category already has this slug")?;
        crate::audit::record(
            conn,
            Some(actor),
            "category.updated",
            "category",
            &id.to_string(),
            serde_json::json!({}),
        )?;
        Ok(updated)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Ok().json(updated))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngredientInput {
    #[schema(example = "truffe-noire")]
    pub slug: String,
    #[schema(example = "Truffe noire")]
    pub name: String,
    /// `g`, `ml` or `piece`.
    pub unit: String,
    #[serde(default)]
    pub allergens: Vec<String>,
    #[serde(default = "yes")]
    pub vegetarian: bool,
    #[serde(default)]
    pub can_be_extra: bool,
    #[serde(default)]
    pub extra_quantity: i32,
    #[serde(default)]
    pub extra_price_cents: i32,
    /// Low-stock threshold set in every shop, in `unit`.
    #[serde(default)]
    pub low_threshold: i64,
}

fn yes() -> bool {
    true
}

/// Adds an ingredient; every shop gets an empty stock line for it (managers).
#[utoipa::path(post, path = "/api/v1/ingredients", tag = "catalog", security(("bearer" = [])),
    request_body = IngredientInput,
    responses(
        (status = 201, description = "Created", body = Ingredient),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[post("/ingredients")]
pub async fn create_ingredient(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    body: ApiJson<IngredientInput>,
) -> AppResult<HttpResponse> {
    let i = body.0;
    let mut v = Violations::new();
    v.check(
        is_slug(&i.slug),
        "slug",
        "invalid",
        "lowercase letters, digits and dashes, 2 to 64",
    );
    v.check(
        !i.name.trim().is_empty() && i.name.chars().count() <= 80,
        "name",
        "length",
        "1 to 80 characters",
    );
    v.check(
        UNITS.contains(&i.unit.as_str()),
        "unit",
        "invalid",
        "one of g, ml, piece",
    );
    for (n, a) in i.allergens.iter().enumerate() {
        if !ALLERGENS.contains(&a.as_str()) {
            v.add(
                format!("allergens[{n}]"),
                "invalid",
                format!("one of {}", ALLERGENS.join(", ")),
            );
        }
    }
    v.check(
        (0..=10_000).contains(&i.extra_quantity),
        "extra_quantity",
        "out_of_range",
        "0 to 10000",
    );
    v.check(
        (0..=10_000).contains(&i.extra_price_cents),
        "extra_price_cents",
        "out_of_range",
        "0 to 10000 cents",
    );
    v.check(
        !i.can_be_extra || i.extra_quantity > 0,
        "extra_quantity",
        "required",
        "an extra topping needs a quantity",
    );
    v.check(
        i.low_threshold >= 0,
        "low_threshold",
        "out_of_range",
        "must be 0 or more",
    );
    v.into_result()?;
    let actor = who.user.id;
    let created = db::transaction(&state.pool, move |conn| {
        let row: IngredientRow = diesel::insert_into(ingredients::table)
            .values((
                ingredients::slug.eq(&i.slug),
                ingredients::name.eq(i.name.trim()),
                ingredients::unit.eq(&i.unit),
                ingredients::allergens.eq(i
                    .allergens
                    .iter()
                    .cloned()
                    .map(Some)
                    .collect::<Vec<_>>()),
                ingredients::vegetarian.eq(i.vegetarian),
                ingredients::can_be_extra.eq(i.can_be_extra),
                ingredients::extra_quantity.eq(i.extra_quantity),
                ingredients::extra_price_cents.eq(i.extra_price_cents),
            ))
            .returning(IngredientRow::as_returning())
            .get_result(conn)
            .taken("slug", "another ingredient already has this slug")?;
        let shop_ids: Vec<Uuid> = shops::table.select(shops::id).load(conn)?;
        let rows: Vec<_> = shop_ids
            .into_iter()
            .map(|s| {
                (
                    stock::shop_id.eq(s),
                    stock::ingredient_id.eq(row.id),
                    stock::low_threshold.eq(i.low_threshold),
                )
            })
            .collect();
        diesel::insert_into(stock::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)?;
        crate::audit::record(
            conn,
            Some(actor),
            "ingredient.created",
            "ingredient",
            &row.id.to_string(),
            serde_json::json!({"slug": i.slug}),
        )?;
        Ok(Ingredient::from(row))
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Created().json(created))
}

#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct RecipeLineInput {
    pub ingredient_id: Uuid,
    /// For one item of the size, in the ingredient's unit.
    #[schema(example = 120)]
    pub quantity: i32,
}

#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct SizeInput {
    #[schema(example = "medium")]
    pub code: String,
    #[schema(example = "Moyenne (30 cm)")]
    pub label: String,
    #[schema(example = 1150)]
    pub price_cents: i32,
    pub recipe: Vec<RecipeLineInput>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// Category id or slug.
    pub category: Option<String>,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `pizza`, `drink`, `dessert` or `starter`.
    pub kind: Option<String>,
    pub image_url: Option<String>,
    pub position: Option<i32>,
    pub active: Option<bool>,
    /// Replaces every size (prices and recipes) when given.
    pub sizes: Option<Vec<SizeInput>>,
    /// Replaces the preparation steps when given.
    pub steps: Option<Vec<String>>,
}

fn check_product(p: &ProductInput, creating: bool) -> AppResult<()> {
    let mut v = Violations::new();
    let required = |v: &mut Violations, field: &str, present: bool| {
        if creating && !present {
            v.add(field, "required", "this field is required");
        }
    };
    required(&mut v, "category", p.category.is_some());
    required(&mut v, "slug", p.slug.is_some());
    required(&mut v, "name", p.name.is_some());
    required(&mut v, "kind", p.kind.is_some());
    required(&mut v, "sizes", p.sizes.is_some());
    if p.slug.as_ref().is_some_and(|s| !is_slug(s)) {
        v.add(
            "slug",
            "invalid",
            "lowercase letters, digits and dashes, 2 to 64",
        );
    }
    if p.name
        .as_ref()
        .is_some_and(|n| n.trim().is_empty() || n.chars().count() > 120)
    {
        v.add("name", "length", "1 to 120 characters");
    }
    if p.description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2000)
    {
        v.add("description", "too_long", "at most 2000 characters");
    }
    if p.kind
        .as_ref()
        .is_some_and(|k| !PRODUCT_KINDS.contains(&k.as_str()))
    {
        v.add("kind", "invalid", "one of pizza, drink, dessert, starter");
    }
    if p.image_url
        .as_ref()
        .is_some_and(|u| !(u.starts_with("https://") || u.starts_with('/')) || u.len() > 500)
    {
        v.add(
            "image_url",
            "invalid",
            "an https:// URL or a path on this site",
        );
    }
    if let Some(sizes) = &p.sizes {
        if sizes.is_empty() {
            v.add("sizes", "empty", "a product needs at least one size");
        }
        let mut codes = HashSet::new();
        for (i, s) in sizes.iter().enumerate() {
            if !(1..=20).contains(&s.code.len())
                || !s
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                v.add(
                    format!("sizes[{i}].code"),
                    "invalid",
                    "lowercase letters, digits and _, 1 to 20",
                );
            } else if !codes.insert(s.code.clone()) {
                v.add(
                    format!("sizes[{i}].code"),
                    "duplicate",
                    "two sizes have this code",
                );
            }
            if s.label.trim().is_empty() || s.label.chars().count() > 60 {
                v.add(format!("sizes[{i}].label"), "length", "1 to 60 characters");
            }
            if !(0..=100_000).contains(&s.price_cents) {
                v.add(
                    format!("sizes[{i}].price_cents"),
                    "out_of_range",
                    "0 to 100000 cents",
                );
            }
            if s.recipe.is_empty() {
                v.add(
                    format!("sizes[{i}].recipe"),
                    "empty",
                    "list what one item takes from the stock",
                );
            }
            let mut seen = HashSet::new();
            for (j, line) in s.recipe.iter().enumerate() {
                if !(1..=100_000).contains(&line.quantity) {
                    v.add(
                        format!("sizes[{i}].recipe[{j}].quantity"),
                        "out_of_range",
                        "1 to 100000",
                    );
                }
                if !seen.insert(line.ingredient_id) {
                    v.add(
                        format!("sizes[{i}].recipe[{j}].ingredient_id"),
                        "duplicate",
                        "this ingredient is already listed",
                    );
                }
            }
        }
    }
    for (i, step) in p.steps.iter().flatten().enumerate() {
        if step.trim().is_empty() || step.chars().count() > 500 {
            v.add(format!("steps[{i}]"), "length", "1 to 500 characters");
        }
    }
    v.into_result()
}

/// Writes sizes and steps, and derives the vegetarian flag from the recipe's ingredients.
fn replace_sizes_and_steps(
    conn: &mut PgConnection,
    product_id: Uuid,
    sizes: Option<&[SizeInput]>,
    steps: Option<&[String]>,
) -> AppResult<()> {
    if let Some(sizes) = sizes {
        let wanted: Vec<Uuid> = sizes
            .iter()
            .flat_map(|s| s.recipe.iter().map(|r| r.ingredient_id))
            .collect();
        let known: HashMap<Uuid, bool> = ingredients::table
            .filter(ingredients::id.eq_any(&wanted))
            .select((ingredients::id, ingredients::vegetarian))
            .load::<(Uuid, bool)>(conn)?
            .into_iter()
            .collect();
        let mut v = Violations::new();
        for (i, s) in sizes.iter().enumerate() {
            for (j, line) in s.recipe.iter().enumerate() {
                if !known.contains_key(&line.ingredient_id) {
                    v.add(
                        format!("sizes[{i}].recipe[{j}].ingredient_id"),
                        "unknown",
                        "no ingredient has this id",
                    );
                }
            }
        }
        v.into_result()?;
        diesel::delete(product_sizes::table.filter(product_sizes::product_id.eq(product_id)))
            .execute(conn)?;
        for (position, s) in sizes.iter().enumerate() {
            let size_id: Uuid = diesel::insert_into(product_sizes::table)
                .values((
                    product_sizes::product_id.eq(product_id),
                    product_sizes::code.eq(&s.code),
                    product_sizes::label.eq(s.label.trim()),
                    product_sizes::price_cents.eq(s.price_cents),
                    product_sizes::position.eq(position as i32),
                ))
                .returning(product_sizes::id)
                .get_result(conn)?;
            let rows: Vec<_> = s
                .recipe
                .iter()
                .map(|r| {
                    (
                        recipe_items::product_size_id.eq(size_id),
                        recipe_items::ingredient_id.eq(r.ingredient_id),
                        recipe_items::quantity.eq(r.quantity),
                    )
                })
                .collect();
            diesel::insert_into(recipe_items::table)
                .values(rows)
                .execute(conn)?;
        }
        let vegetarian = known.values().all(|v| *v);
        diesel::update(products::table.find(product_id))
            .set(products::vegetarian.eq(vegetarian))
            .execute(conn)?;
    }
    if let Some(steps) = steps {
        diesel::delete(recipe_steps::table.filter(recipe_steps::product_id.eq(product_id)))
            .execute(conn)?;
        let rows: Vec<_> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    recipe_steps::product_id.eq(product_id),
                    recipe_steps::position.eq(i as i32 + 1),
                    recipe_steps::instruction.eq(s.trim()),
                )
            })
            .collect();
        diesel::insert_into(recipe_steps::table)
            .values(rows)
            .execute(conn)?;
    }
    Ok(())
}

/// Adds a product with its sizes, prices, recipes and steps (managers).
#[utoipa::path(post, path = "/api/v1/products", tag = "catalog", security(("bearer" = [])),
    request_body = ProductInput,
    responses(
        (status = 201, description = "Created", body = super::read::Product),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[post("/products")]
pub async fn create_product(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    body: ApiJson<ProductInput>,
) -> AppResult<HttpResponse> {
    let p = body.0;
    check_product(&p, true)?;
    let actor = who.user.id;
    let product = db::transaction(&state.pool, move |conn| {
        let category_id =
            super::read::resolve_category(conn, p.category.as_deref().unwrap_or_default())?;
        let id: Uuid = diesel::insert_into(products::table)
            .values((
                products::category_id.eq(category_id),
                products::slug.eq(p.slug.clone().unwrap_or_default()),
                products::name.eq(p.name.clone().unwrap_or_default().trim()),
                products::description.eq(p.description.clone().unwrap_or_default()),
                products::kind.eq(p.kind.clone().unwrap_or_default()),
                products::image_url.eq(p.image_url.clone()),
                products::position.eq(p.position.unwrap_or(0)),
                products::active.eq(p.active.unwrap_or(true)),
            ))
            .returning(products::id)
            .get_result(conn)
            .taken("slug", "another product already has this slug")?;
        replace_sizes_and_steps(conn, id, p.sizes.as_deref(), p.steps.as_deref())?;
        crate::audit::record(
            conn,
            Some(actor),
            "product.created",
            "product",
            &id.to_string(),
            serde_json::json!({"slug": p.slug}),
        )?;
        load_product(conn, id, true)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Created().json(product))
}

/// Changes a product: text, category, prices, recipes, steps, or withdraws it (managers).
#[utoipa::path(patch, path = "/api/v1/products/{product_id}", tag = "catalog", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    request_body = ProductInput,
    responses(
        (status = 200, description = "Updated", body = super::read::Product),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[patch("/products/{product_id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    body: ApiJson<ProductInput>,
) -> AppResult<HttpResponse> {
    let p = body.0;
    check_product(&p, false)?;
    let id = path.into_inner();
    let actor = who.user.id;
    let product = db::transaction(&state.pool, move |conn| {
        let current: super::read::ProductRow = products::table
            .find(id)
            .select(super::read::ProductRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("product"))?;
        let category_id = match &p.category {
            Some(c) => super::read::resolve_category(conn, c)?,
            None => current.category_id,
        };
        diesel::update(products::table.find(id))
            .set((
                products::category_id.eq(category_id),
                products::slug.eq(p.slug.clone().unwrap_or(current.slug)),
                products::name.eq(p.name.as_deref().map(str::trim).unwrap_or(&current.name)),
                products::description.eq(p.description.clone().unwrap_or(current.description)),
                products::kind.eq(p.kind.clone().unwrap_or(current.kind)),
                products::image_url.eq(p.image_url.clone().or(current.image_url)),
                products::position.eq(p.position.unwrap_or(current.position)),
                products::active.eq(p.active.unwrap_or(current.active)),
                products::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .taken("slug", "another product already has this slug")?;
        replace_sizes_and_steps(conn, id, p.sizes.as_deref(), p.steps.as_deref())?;
        crate::audit::record(
            conn,
            Some(actor),
            "product.updated",
            "product",
            &id.to_string(),
            serde_json::json!({}),
        )?;
        load_product(conn, id, true)
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::Ok().json(product))
}

/// Withdraws a product from the menu; past orders keep their copy (managers).
#[utoipa::path(delete, path = "/api/v1/products/{product_id}", tag = "catalog", security(("bearer" = [])),
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")))]
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
        let n = diesel::update(products::table.find(id))
            .set((
                products::active.eq(false),
                products::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(AppError::not_found("product"));
        }
        crate::audit::record(
            conn,
            Some(actor),
            "product.withdrawn",
            "product",
            &id.to_string(),
            serde_json::json!({}),
        )
    })
    .await?;
    catalog.invalidate();
    Ok(HttpResponse::NoContent().finish())
}
