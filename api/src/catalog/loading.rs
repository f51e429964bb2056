//! Reading the catalog: products loaded with sizes, recipes, steps and allergens in a fixed
//! number of queries, categories (found by id or slug) and ingredients.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use uuid::Uuid;

use super::model::{
    Category, Ingredient, IngredientRow, Product, ProductKind, ProductRow, ProductSize, RecipeLine,
    SizeRow,
};
use crate::error::{AppError, AppResult};
use crate::schema::{categories, ingredients, product_sizes, products, recipe_items, recipe_steps};

/// Which products to load.
#[derive(Default)]
pub struct ProductQuery {
    pub ids: Option<Vec<Uuid>>,
    pub category_id: Option<Uuid>,
    pub kind: Option<ProductKind>,
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
        query = query.filter(products::kind.eq(*k));
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
                unit: ing.unit.to_string(),
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
                menu_image_url: p.menu_image_url,
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

/// Menu categories, in menu order.
pub fn menu_categories(conn: &mut PgConnection) -> AppResult<Vec<Category>> {
    Ok(categories::table
        .order((categories::position, categories::name))
        .select(Category::as_select())
        .load(conn)?)
}

/// Every ingredient by name, or only those that can (or cannot) be extra toppings.
pub fn all_ingredients(conn: &mut PgConnection, extra: Option<bool>) -> AppResult<Vec<Ingredient>> {
    let mut q = ingredients::table
        .order(ingredients::name)
        .select(IngredientRow::as_select())
        .into_boxed();
    if let Some(e) = extra {
        q = q.filter(ingredients::can_be_extra.eq(e));
    }
    Ok(q.load(conn)?.into_iter().map(Ingredient::from).collect())
}
