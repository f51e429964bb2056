//! Reading the catalog: models, the views the API shows, and the loader that assembles products
//! with sizes, recipes, steps and allergens in a fixed number of queries.

use std::collections::{BTreeSet, HashMap};

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams};
use crate::schema::{categories, ingredients, product_sizes, products, recipe_items, recipe_steps};
use crate::state::AppState;

#[derive(Queryable, Selectable, Serialize, ToSchema, Clone, Debug)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: Uuid,
    #[schema(example = "pizzas-classiques")]
    pub slug: String,
    #[schema(example = "Pizzas classiques")]
    pub name: String,
    pub position: i32,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = ingredients)]
pub struct IngredientRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub unit: String,
    pub allergens: Vec<Option<String>>,
    pub vegetarian: bool,
    pub extra_quantity: i32,
    pub extra_price_cents: i32,
    pub can_be_extra: bool,
}

/// An ingredient, in its base unit.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Ingredient {
    pub id: Uuid,
    #[schema(example = "mozzarella")]
    pub slug: String,
    #[schema(example = "Mozzarella")]
    pub name: String,
    /// Base unit of quantities: `g`, `ml` or `piece`.
    #[schema(example = "g")]
    pub unit: String,
    /// EU allergens (regulation 1169/2011).
    #[schema(example = json!(["milk"]))]
    pub allergens: Vec<String>,
    pub vegetarian: bool,
    /// Whether customers may add it as an extra topping.
    pub can_be_extra: bool,
    /// Quantity of one extra portion, in `unit`.
    pub extra_quantity: i32,
    /// Price of one extra portion.
    pub extra_price_cents: i32,
}

impl From<IngredientRow> for Ingredient {
    fn from(r: IngredientRow) -> Self {
        Ingredient {
            id: r.id,
            slug: r.slug,
            name: r.name,
            unit: r.unit,
            allergens: r.allergens.into_iter().flatten().collect(),
            vegetarian: r.vegetarian,
            can_be_extra: r.can_be_extra,
            extra_quantity: r.extra_quantity,
            extra_price_cents: r.extra_price_cents,
        }
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = products)]
pub struct ProductRow {
    pub id: Uuid,
    pub category_id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub vegetarian: bool,
    pub image_url: Option<String>,
    pub active: bool,
    pub position: i32,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = product_sizes)]
pub struct SizeRow {
    pub id: Uuid,
    pub product_id: Uuid,
    pub code: String,
    pub label: String,
    pub price_cents: i32,
    pub position: i32,
}

/// One ingredient of a recipe, for one item of a size.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct RecipeLine {
    pub ingredient_id: Uuid,
    #[schema(example = "Mozzarella")]
    pub name: String,
    #[schema(example = "g")]
    pub unit: String,
    #[schema(example = 120)]
    pub quantity: i32,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct ProductSize {
    #[schema(example = "medium")]
    pub code: String,
    #[schema(example = "Moyenne (30 cm)")]
    pub label: String,
    #[schema(example = 1150)]
    pub price_cents: i32,
    pub recipe: Vec<RecipeLine>,
    /// Whether the shop's stock can make this size now; null outside a shop's menu.
    pub available: Option<bool>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Product {
    pub id: Uuid,
    #[schema(example = "reine")]
    pub slug: String,
    #[schema(example = "Reine")]
    pub name: String,
    pub description: String,
    /// `pizza`, `drink`, `dessert` or `starter`.
    #[schema(example = "pizza")]
    pub kind: String,
    pub category_id: Uuid,
    pub vegetarian: bool,
    pub image_url: Option<String>,
    /// Union of the allergens of its ingredients.
    pub allergens: Vec<String>,
    /// Names of its ingredients (largest quantity first in the medium size).
    pub ingredients: Vec<String>,
    pub sizes: Vec<ProductSize>,
    /// Preparation steps, in order.
    pub steps: Vec<String>,
    /// False once withdrawn from the menu.
    pub active: bool,
    pub currency: String,
    /// Whether at least one size can be made from the shop's stock; null outside a shop's menu.
    pub available: Option<bool>,
}

/// Which products to load.
#[derive(Default)]
pub struct ProductQuery {
    pub ids: Option<Vec<Uuid>>,
    pub category_id: Option<Uuid>,
    pub kind: Option<String>,
    pub vegetarian: Option<bool>,
    pub include_inactive: bool,
    pub limit: Option<i64>,
    pub offset: i64,
}

/// Loads products in a stable order (category position, product position, name) with
/// everything the API shows: five queries whatever the number of products.
pub fn load_products(conn: &mut PgConnection, q: &ProductQuery) -> AppResult<Vec<Product>> {
    let mut query = products::table
        .inner_join(categories::table)
        .select(ProductRow::as_select())
        .order((
            categories::position,
            products::position,
            products::name,
            products::id,
        ))
        .into_boxed();
    if let Some(ids) = &q.ids {
        query = query.filter(products::id.eq_any(ids.clone()));
    }
    if let Some(c) = q.category_id {
        query = query.filter(products::category_id.eq(c));
    }
    if let Some(k) = &q.kind {
        query = query.filter(products::kind.eq(k.clone()));
    }
    if let Some(v) = q.vegetarian {
        query = query.filter(products::vegetarian.eq(v));
    }
    if !q.include_inactive {
        query = query.filter(products::active.eq(true));
    }
    if let Some(limit) = q.limit {
        query = query.limit(limit).offset(q.offset);
    }
    let rows: Vec<ProductRow> = query.load(conn)?;
    let product_ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let sizes: Vec<SizeRow> = product_sizes::table
        .filter(product_sizes::product_id.eq_any(&product_ids))
        .order((product_sizes::position, product_sizes::price_cents))
        .select(SizeRow::as_select())
        .load(conn)?;
    let size_ids: Vec<Uuid> = sizes.iter().map(|s| s.id).collect();
    let items: Vec<(Uuid, Uuid, i32)> = recipe_items::table
        .filter(recipe_items::product_size_id.eq_any(&size_ids))
        .order((recipe_items::product_size_id, recipe_items::quantity.desc()))
        .select((
            recipe_items::product_size_id,
            recipe_items::ingredient_id,
            recipe_items::quantity,
        ))
        .load(conn)?;
    let ingredient_ids: BTreeSet<Uuid> = items.iter().map(|i| i.1).collect();
    let ingredient_map: HashMap<Uuid, IngredientRow> = ingredients::table
        .filter(ingredients::id.eq_any(ingredient_ids.into_iter().collect::<Vec<_>>()))
        .select(IngredientRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let steps: Vec<(Uuid, String)> = recipe_steps::table
        .filter(recipe_steps::product_id.eq_any(&product_ids))
        .order((recipe_steps::product_id, recipe_steps::position))
        .select((recipe_steps::product_id, recipe_steps::instruction))
        .load(conn)?;

    let mut recipes: HashMap<Uuid, Vec<RecipeLine>> = HashMap::new();
    for (size_id, ingredient_id, quantity) in items {
        if let Some(ing) = ingredient_map.get(&ingredient_id) {
            recipes.entry(size_id).or_default().push(RecipeLine {
                ingredient_id,
                name: ing.name.clone(),
                unit: ing.unit.clone(),
                quantity,
            });
        }
    }
    let mut sizes_by_product: HashMap<Uuid, Vec<ProductSize>> = HashMap::new();
    for s in sizes {
        sizes_by_product
            .entry(s.product_id)
            .or_default()
            .push(ProductSize {
                recipe: recipes.remove(&s.id).unwrap_or_default(),
                code: s.code,
                label: s.label,
                price_cents: s.price_cents,
                available: None,
            });
    }
    let mut steps_by_product: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (pid, text) in steps {
        steps_by_product.entry(pid).or_default().push(text);
    }
    Ok(rows
        .into_iter()
        .map(|p| {
            let sizes = sizes_by_product.remove(&p.id).unwrap_or_default();
            let mut allergens = BTreeSet::new();
            let mut names: Vec<String> = Vec::new();
            // The middle size is the reference recipe for the ingredient list.
            if let Some(reference) = sizes.get(sizes.len() / 2) {
                for line in &reference.recipe {
                    names.push(line.name.clone());
                }
            }
            for size in &sizes {
                for line in &size.recipe {
                    if let Some(ing) = ingredient_map.get(&line.ingredient_id) {
                        allergens.extend(ing.allergens.iter().flatten().cloned());
                    }
                }
            }
            Product {
                id: p.id,
                slug: p.slug,
                name: p.name,
                description: p.description,
                kind: p.kind,
                category_id: p.category_id,
                vegetarian: p.vegetarian,
                image_url: p.image_url,
                allergens: allergens.into_iter().collect(),
                ingredients: names,
                sizes,
                steps: steps_by_product.remove(&p.id).unwrap_or_default(),
                active: p.active,
                currency: "EUR".to_string(),
                available: None,
            }
        })
        .collect())
}

pub fn load_product(
    conn: &mut PgConnection,
    id: Uuid,
    include_inactive: bool,
) -> AppResult<Product> {
    load_products(
        conn,
        &ProductQuery {
            ids: Some(vec![id]),
            include_inactive,
            ..Default::default()
        },
    )?
    .pop()
    .ok_or_else(|| AppError::not_found("product"))
}

#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<Category>,
    pub next_cursor: Option<String>,
}

/// Menu categories, in menu order.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog",
    responses((status = 200, description = "Categories", body = CategoryList)))]
#[get("/categories")]
pub async fn list_categories(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let items = db::run(&state.pool, |conn| {
        Ok(categories::table
            .order((categories::position, categories::name))
            .select(Category::as_select())
            .load(conn)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CategoryList {
        items,
        next_cursor: None,
    }))
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
#[utoipa::path(get, path = "/api/v1/ingredients", tag = "catalog",
    params(IngredientFilter),
    responses((status = 200, description = "Ingredients", body = IngredientList)))]
#[get("/ingredients")]
pub async fn list_ingredients(
    state: web::Data<AppState>,
    filter: ApiQuery<IngredientFilter>,
) -> AppResult<HttpResponse> {
    let extra = filter.extra;
    let items = db::run(&state.pool, move |conn| {
        let mut q = ingredients::table
            .order(ingredients::name)
            .select(IngredientRow::as_select())
            .into_boxed();
        if let Some(e) = extra {
            q = q.filter(ingredients::can_be_extra.eq(e));
        }
        Ok(q.load(conn)?
            .into_iter()
            .map(Ingredient::from)
            .collect::<Vec<_>>())
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
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Resolves a category given by id or slug.
pub fn resolve_category(conn: &mut PgConnection, key: &str) -> AppResult<Uuid> {
    let found = match Uuid::parse_str(key) {
        Ok(id) => categories::table
            .find(id)
            .select(categories::id)
            .first(conn)
            .optional()?,
        Err(_) => categories::table
            .filter(categories::slug.eq(key))
            .select(categories::id)
            .first(conn)
            .optional()?,
    };
    found.ok_or_else(|| AppError::field("category", "unknown", "no category has this id or slug"))
}

/// The products on sale, in menu order.
#[utoipa::path(get, path = "/api/v1/products", tag = "catalog",
    params(ProductFilter),
    responses(
        (status = 200, description = "Products", body = inline(Page<Product>)),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json")))]
#[get("/products")]
pub async fn list_products(
    state: web::Data<AppState>,
    filter: ApiQuery<ProductFilter>,
) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let paging = PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    if let Some(kind) = &filter.kind {
        if !crate::catalog::PRODUCT_KINDS.contains(&kind.as_str()) {
            return Err(AppError::field(
                "kind",
                "invalid",
                "one of pizza, drink, dessert, starter",
            ));
        }
    }
    let list = db::run(&state.pool, move |conn| {
        let category_id = filter
            .category
            .as_deref()
            .map(|c| resolve_category(conn, c))
            .transpose()?;
        load_products(
            conn,
            &ProductQuery {
                category_id,
                kind: filter.kind,
                vegetarian: filter.vegetarian,
                limit: Some(limit + 1),
                offset,
                ..Default::default()
            },
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(list)?))
}

/// One product with its sizes, recipes, steps and allergens.
#[utoipa::path(get, path = "/api/v1/products/{product_id}", tag = "catalog",
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Product", body = Product),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")))]
#[get("/products/{product_id}")]
pub async fn get_product(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let product = db::run(&state.pool, move |conn| load_product(conn, id, false)).await?;
    Ok(HttpResponse::Ok().json(product))
}
