//! Writing products (managers): the request, its checks, the form written to `products`, and the
//! sizes, prices, recipes and steps written with it (a change merges them: `product_changes`). The vegetarian flag follows the recipe's
//! ingredients. Orders copy what they need, so edits never rewrite history.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::loading::resolve_category;
use super::model::{is_slug, ProductKind, SLUG_RULE};
use crate::error::{AppError, AppResult, UniqueField, Violations};
use crate::schema::{ingredients, product_sizes, products, recipe_items, recipe_steps};

pub(super) const SLUG_TAKEN: &str = "another product already has this slug";

#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct RecipeLineInput {
    pub ingredient_id: Uuid,
    /// For one item of the size, in the ingredient's unit.
    #[schema(example = 120)]
    pub quantity: i32,
}

#[derive(Deserialize, ToSchema, Clone, Debug)]
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
    /// Every size with its price and recipe (required to create; a change merges sizes by code,
    /// see `ProductPatch`).
    pub sizes: Option<Vec<SizeInput>>,
    /// Replaces the preparation steps when given.
    pub steps: Option<Vec<String>>,
}

/// The columns of `products` a request writes, checked and trimmed; `None` keeps the current
/// value (a null `image_url` too). The category is resolved from its id or slug when written.
#[derive(AsChangeset, Debug)]
#[diesel(table_name = products)]
pub struct ProductForm {
    pub category_id: Option<Uuid>,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<ProductKind>,
    pub image_url: Option<String>,
    /// An external picture given as `image_url` is the menu's picture too.
    pub menu_image_url: Option<String>,
    pub position: Option<i32>,
    pub active: Option<bool>,
    pub updated_at: DateTime<Utc>,
}

/// A checked product request: its columns, the category to resolve, and the sizes and steps to
/// replace when given.
#[derive(Debug)]
pub struct ProductChange {
    pub form: ProductForm,
    /// Category id or slug, resolved in the transaction.
    pub category: Option<String>,
    pub sizes: Option<Vec<SizeInput>>,
    pub steps: Option<Vec<String>>,
}

/// Checks a product, naming every bad field; `creating` makes the category, slug, name, kind
/// and sizes required.
pub fn check_product(p: ProductInput, creating: bool) -> AppResult<ProductChange> {
    let mut v = Violations::new();
    let change = checked_change(p, creating, &mut v);
    v.into_result()?;
    Ok(change)
}

/// The change a request asks for, its bad fields added to `v`.
pub(super) fn checked_change(p: ProductInput, creating: bool, v: &mut Violations) -> ProductChange {
    check_fields(&p, creating, v);
    ProductChange {
        form: ProductForm {
            category_id: None,
            slug: p.slug,
            name: p.name.map(|n| n.trim().to_string()),
            description: p.description,
            kind: p.kind.as_deref().and_then(ProductKind::parse),
            menu_image_url: p.image_url.clone(),
            image_url: p.image_url,
            position: p.position,
            active: p.active,
            updated_at: Utc::now(),
        },
        category: p.category,
        sizes: p.sizes,
        steps: p.steps,
    }
}

fn check_fields(p: &ProductInput, creating: bool, v: &mut Violations) {
    let required = |v: &mut Violations, field: &str, present: bool| {
        if creating && !present {
            v.add(field, "required", "this field is required");
        }
    };
    required(v, "category", p.category.is_some());
    required(v, "slug", p.slug.is_some());
    required(v, "name", p.name.is_some());
    required(v, "kind", p.kind.is_some());
    required(v, "sizes", p.sizes.is_some());
    if p.slug.as_ref().is_some_and(|s| !is_slug(s)) {
        v.add("slug", "invalid", SLUG_RULE);
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
        .is_some_and(|k| ProductKind::parse(k).is_none())
    {
        v.add("kind", "invalid", ProductKind::INVALID);
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
        check_new_sizes(sizes, "sizes", v);
    }
    for (i, step) in p.steps.iter().flatten().enumerate() {
        if step.trim().is_empty() || step.chars().count() > 500 {
            v.add(format!("steps[{i}]"), "length", "1 to 500 characters");
        }
    }
}

/// Checks whole sizes (a new product's, or those a change adds), named `{field}[i]…`.
pub(super) fn check_new_sizes(sizes: &[SizeInput], field: &str, v: &mut Violations) {
    let mut codes = HashSet::new();
    for (i, s) in sizes.iter().enumerate() {
        if !(1..=20).contains(&s.code.len())
            || !s
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            v.add(
                format!("{field}[{i}].code"),
                "invalid",
                "lowercase letters, digits and _, 1 to 20",
            );
        } else if !codes.insert(s.code.clone()) {
            v.add(
                format!("{field}[{i}].code"),
                "duplicate",
                "two sizes have this code",
            );
        }
        if s.label.trim().is_empty() || s.label.chars().count() > 60 {
            v.add(
                format!("{field}[{i}].label"),
                "length",
                "1 to 60 characters",
            );
        }
        if !(0..=100_000).contains(&s.price_cents) {
            v.add(
                format!("{field}[{i}].price_cents"),
                "out_of_range",
                "0 to 100000 cents",
            );
        }
        if s.recipe.is_empty() {
            v.add(
                format!("{field}[{i}].recipe"),
                "empty",
                "list what one item takes from the stock",
            );
        }
        let mut seen = HashSet::new();
        for (j, line) in s.recipe.iter().enumerate() {
            if !(1..=100_000).contains(&line.quantity) {
                v.add(
                    format!("{field}[{i}].recipe[{j}].quantity"),
                    "out_of_range",
                    "1 to 100000",
                );
            }
            if !seen.insert(line.ingredient_id) {
                v.add(
                    format!("{field}[{i}].recipe[{j}].ingredient_id"),
                    "duplicate",
                    "this ingredient is already listed",
                );
            }
        }
    }
}

/// Whether each of these ingredients is vegetarian, for those that exist.
pub(super) fn known_ingredients(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, bool>> {
    Ok(ingredients::table
        .filter(ingredients::id.eq_any(ids))
        .select((ingredients::id, ingredients::vegetarian))
        .load::<(Uuid, bool)>(conn)?
        .into_iter()
        .collect())
}

/// Adds one size with its recipe (ingredients known) at this menu position.
pub(super) fn insert_size(
    conn: &mut PgConnection,
    product_id: Uuid,
    position: i32,
    s: &SizeInput,
) -> AppResult<()> {
    let size_id: Uuid = diesel::insert_into(product_sizes::table)
        .values((
            product_sizes::product_id.eq(product_id),
            product_sizes::code.eq(&s.code),
            product_sizes::label.eq(s.label.trim()),
            product_sizes::price_cents.eq(s.price_cents),
            product_sizes::position.eq(position),
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
    Ok(())
}

/// Writes sizes and steps, and derives the vegetarian flag from the recipe's ingredients.
pub fn replace_sizes_and_steps(
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
        let known = known_ingredients(conn, &wanted)?;
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
            insert_size(conn, product_id, position as i32, s)?;
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

/// Adds a product from a request checked with `creating`; answers its id.
pub fn add_product(conn: &mut PgConnection, actor: Uuid, change: ProductChange) -> AppResult<Uuid> {
    let category_id = resolve_category(conn, change.category.as_deref().unwrap_or_default())?;
    let f = &change.form;
    let id: Uuid = diesel::insert_into(products::table)
        .values((
            products::category_id.eq(category_id),
            products::slug.eq(f.slug.clone().unwrap_or_default()),
            products::name.eq(f.name.clone().unwrap_or_default()),
            products::description.eq(f.description.clone().unwrap_or_default()),
            products::kind.eq(f.kind.unwrap_or(ProductKind::Pizza)),
            products::image_url.eq(f.image_url.clone()),
            products::menu_image_url.eq(f.image_url.clone()),
            products::position.eq(f.position.unwrap_or(0)),
            products::active.eq(f.active.unwrap_or(true)),
        ))
        .returning(products::id)
        .get_result(conn)
        .taken("slug", SLUG_TAKEN)?;
    replace_sizes_and_steps(conn, id, change.sizes.as_deref(), change.steps.as_deref())?;
    crate::audit::record(
        conn,
        Some(actor),
        "product.created",
        "product",
        &id.to_string(),
        serde_json::json!({"slug": f.slug}),
    )?;
    Ok(id)
}

/// Withdraws a product from the menu; past orders keep their copy.
pub fn withdraw_product(conn: &mut PgConnection, actor: Uuid, id: Uuid) -> AppResult<()> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(code: &str, price_cents: i32, recipe: &[(u128, i32)]) -> SizeInput {
        SizeInput {
            code: code.into(),
            label: "Moyenne (30 cm)".into(),
            price_cents,
            recipe: recipe
                .iter()
                .map(|(id, quantity)| RecipeLineInput {
                    ingredient_id: Uuid::from_u128(*id),
                    quantity: *quantity,
                })
                .collect(),
        }
    }

    fn reine() -> ProductInput {
        ProductInput {
            category: Some("pizzas-classiques".into()),
            slug: Some("reine".into()),
            name: Some(" Reine ".into()),
            description: None,
            kind: Some("pizza".into()),
            image_url: None,
            position: None,
            active: None,
            sizes: Some(vec![size("medium", 1150, &[(1, 120), (2, 80)])]),
            steps: None,
        }
    }

    fn bad_fields(p: ProductInput, creating: bool) -> Vec<String> {
        match check_product(p, creating) {
            Ok(_) => vec![],
            Err(AppError::Validation(e)) => e.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_good_product_becomes_a_trimmed_typed_form() {
        let change = check_product(reine(), true).unwrap();
        assert_eq!(change.form.name.as_deref(), Some("Reine"));
        assert_eq!(change.form.kind, Some(ProductKind::Pizza));
        assert_eq!(change.category.as_deref(), Some("pizzas-classiques"));
        assert_eq!(change.form.category_id, None, "resolved when written");
    }

    #[test]
    fn every_bad_field_of_a_product_is_named() {
        let empty = ProductInput {
            category: None,
            slug: None,
            name: None,
            kind: None,
            sizes: None,
            ..reine()
        };
        let cases: Vec<(ProductInput, bool, Vec<&str>)> = vec![
            (reine(), true, vec![]),
            (
                ProductInput { ..empty },
                true,
                vec!["category", "slug", "name", "kind", "sizes"],
            ),
            (
                ProductInput {
                    kind: Some("calzone".into()),
                    slug: Some("La Reine".into()),
                    image_url: Some("http://example.com/reine.jpg".into()),
                    ..reine()
                },
                false,
                vec!["slug", "kind", "image_url"],
            ),
            (
                ProductInput {
                    sizes: Some(vec![
                        size("medium", 1150, &[(1, 120), (1, 80)]),
                        size("medium", -1, &[]),
                        size("XL", 100_001, &[(3, 0)]),
                    ]),
                    steps: Some(vec!["Étaler la pâte".into(), " ".into()]),
                    ..reine()
                },
                false,
                vec![
                    "sizes[0].recipe[1].ingredient_id",
                    "sizes[1].code",
                    "sizes[1].price_cents",
                    "sizes[1].recipe",
                    "sizes[2].code",
                    "sizes[2].price_cents",
                    "sizes[2].recipe[0].quantity",
                    "steps[1]",
                ],
            ),
            (
                ProductInput {
                    sizes: Some(vec![]),
                    ..reine()
                },
                false,
                vec!["sizes"],
            ),
        ];
        for (p, creating, expected) in cases {
            assert_eq!(bad_fields(p, creating), expected);
        }
    }
}
