//! Changing a product piece by piece (`PATCH /products/{id}`): its columns and steps as a form,
//! and its sizes merged by code — a price alone, a label, recipe lines set or taken out — while
//! adding or removing a size is asked for by name. The request is checked on its own first, then
//! against the product as it is, in the transaction that locks it, so nothing is half-written.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::upsert::excluded;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::loading::resolve_category;
use super::products::{
    check_new_sizes, checked_change, insert_size, known_ingredients, replace_sizes_and_steps,
    ProductChange, ProductInput, RecipeLineInput, SizeInput, SLUG_TAKEN,
};
use crate::error::{AppError, AppResult, UniqueField, Violations};
use crate::schema::{product_images, product_sizes, products, recipe_items};

/// Changes to one size's recipe: lines set (added, or their quantity changed) and ingredients
/// taken out; the other lines stay as they are.
#[derive(Deserialize, ToSchema, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct RecipePatch {
    /// Lines added, or whose quantity changes, by ingredient.
    #[serde(default)]
    pub set: Vec<RecipeLineInput>,
    /// Ingredients taken out of this size's recipe.
    #[serde(default)]
    pub remove: Vec<Uuid>,
}

/// A change to a size the product has, found by its code; what is left out stays as it is.
#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct SizePatch {
    /// The size changed.
    #[schema(example = "medium")]
    pub code: String,
    #[schema(example = "Moyenne (30 cm)")]
    pub label: Option<String>,
    #[schema(example = 1300)]
    pub price_cents: Option<i32>,
    pub recipe: Option<RecipePatch>,
}

/// A change to a product. Columns and steps given replace theirs; `sizes` merges by code (a
/// price alone changes that price alone); `add_sizes` and `remove_sizes` add and remove whole
/// sizes. A product keeps at least one size and every size at least one recipe line.
#[derive(Deserialize, ToSchema, Default, Debug)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sizes": [{"code": "medium", "price_cents": 1300}]}))]
pub struct ProductPatch {
    /// Category id or slug.
    pub category: Option<String>,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `pizza`, `drink`, `dessert` or `starter`.
    pub kind: Option<String>,
    /// An external picture (`https://…`) or a path on this site; an uploaded photo
    /// (`PUT /products/{id}/image`) sets it itself.
    pub image_url: Option<String>,
    pub position: Option<i32>,
    pub active: Option<bool>,
    /// Changes to sizes the product has, by code.
    pub sizes: Option<Vec<SizePatch>>,
    /// New sizes, each with its label, price and whole recipe.
    pub add_sizes: Option<Vec<SizeInput>>,
    /// Codes of the sizes to remove.
    #[schema(example = json!(["small"]))]
    pub remove_sizes: Option<Vec<String>>,
    /// Replaces the preparation steps when given.
    pub steps: Option<Vec<String>>,
}

/// A checked change: the columns and steps, and what happens to the sizes.
#[derive(Debug)]
pub struct ProductEdit {
    columns: ProductChange,
    sizes: Vec<SizePatch>,
    add_sizes: Vec<SizeInput>,
    remove_sizes: Vec<String>,
}

impl ProductEdit {
    fn touches_recipes(&self) -> bool {
        !self.add_sizes.is_empty()
            || !self.remove_sizes.is_empty()
            || self.sizes.iter().any(|s| s.recipe.is_some())
    }
}

const QUANTITY_RANGE: std::ops::RangeInclusive<i32> = 1..=100_000;
const PRICE_RANGE: std::ops::RangeInclusive<i32> = 0..=100_000;

/// Checks a change on its own (formats, ranges, contradictions), naming every bad field.
pub fn check_patch(p: ProductPatch) -> AppResult<ProductEdit> {
    let mut v = Violations::new();
    let columns = checked_change(
        ProductInput {
            category: p.category,
            slug: p.slug,
            name: p.name,
            description: p.description,
            kind: p.kind,
            image_url: p.image_url,
            position: p.position,
            active: p.active,
            sizes: None,
            steps: p.steps,
        },
        false,
        &mut v,
    );
    let sizes = p.sizes.unwrap_or_default();
    let add_sizes = p.add_sizes.unwrap_or_default();
    let remove_sizes = p.remove_sizes.unwrap_or_default();
    check_new_sizes(&add_sizes, "add_sizes", &mut v);
    let mut removed = HashSet::new();
    for (i, code) in remove_sizes.iter().enumerate() {
        if !removed.insert(code.as_str()) {
            v.add(
                format!("remove_sizes[{i}]"),
                "duplicate",
                "this size is already listed",
            );
        }
    }
    let mut patched = HashSet::new();
    for (i, s) in sizes.iter().enumerate() {
        let at = format!("sizes[{i}]");
        if !patched.insert(s.code.as_str()) {
            v.add(
                format!("{at}.code"),
                "duplicate",
                "this size is already changed above",
            );
        } else if removed.contains(s.code.as_str()) {
            v.add(
                format!("{at}.code"),
                "conflict",
                "this size is also in remove_sizes",
            );
        }
        if s.label
            .as_ref()
            .is_some_and(|l| l.trim().is_empty() || l.chars().count() > 60)
        {
            v.add(format!("{at}.label"), "length", "1 to 60 characters");
        }
        if s.price_cents.is_some_and(|p| !PRICE_RANGE.contains(&p)) {
            v.add(
                format!("{at}.price_cents"),
                "out_of_range",
                "0 to 100000 cents",
            );
        }
        let Some(recipe) = &s.recipe else { continue };
        let mut set = HashSet::new();
        for (j, line) in recipe.set.iter().enumerate() {
            if !QUANTITY_RANGE.contains(&line.quantity) {
                v.add(
                    format!("{at}.recipe.set[{j}].quantity"),
                    "out_of_range",
                    "1 to 100000",
                );
            }
            if !set.insert(line.ingredient_id) {
                v.add(
                    format!("{at}.recipe.set[{j}].ingredient_id"),
                    "duplicate",
                    "this ingredient is already listed",
                );
            }
        }
        let mut taken_out = HashSet::new();
        for (j, id) in recipe.remove.iter().enumerate() {
            if set.contains(id) {
                v.add(
                    format!("{at}.recipe.remove[{j}]"),
                    "conflict",
                    "this ingredient is also in set",
                );
            } else if !taken_out.insert(*id) {
                v.add(
                    format!("{at}.recipe.remove[{j}]"),
                    "duplicate",
                    "this ingredient is already listed",
                );
            }
        }
    }
    v.into_result()?;
    Ok(ProductEdit {
        columns,
        sizes,
        add_sizes,
        remove_sizes,
    })
}

/// One size of the product as it is.
struct CurrentSize {
    id: Uuid,
    lines: HashSet<Uuid>,
}

/// Applies a checked change to a product; an unknown product is a 404, a size code, ingredient
/// or recipe line that the product does not have a 422 naming it.
pub fn change_product(
    conn: &mut PgConnection,
    actor: Uuid,
    id: Uuid,
    mut edit: ProductEdit,
) -> AppResult<()> {
    // Locked first, so that concurrent edits of its sizes and recipes run one after the other.
    products::table
        .find(id)
        .select(products::id)
        .for_update()
        .first::<Uuid>(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("product"))?;
    let rows: Vec<(Uuid, String, i32)> = product_sizes::table
        .filter(product_sizes::product_id.eq(id))
        .select((
            product_sizes::id,
            product_sizes::code,
            product_sizes::position,
        ))
        .load(conn)?;
    let size_ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let lines: Vec<(Uuid, Uuid)> = recipe_items::table
        .filter(recipe_items::product_size_id.eq_any(&size_ids))
        .select((recipe_items::product_size_id, recipe_items::ingredient_id))
        .load(conn)?;
    let next_position = rows.iter().map(|r| r.2).max().map_or(0, |p| p + 1);
    let mut current: HashMap<String, CurrentSize> = rows
        .into_iter()
        .map(|(size_id, code, _)| {
            (
                code,
                CurrentSize {
                    id: size_id,
                    lines: HashSet::new(),
                },
            )
        })
        .collect();
    let code_of: HashMap<Uuid, String> = current.iter().map(|(c, s)| (s.id, c.clone())).collect();
    for (size_id, ingredient_id) in lines {
        if let Some(size) = code_of.get(&size_id).and_then(|c| current.get_mut(c)) {
            size.lines.insert(ingredient_id);
        }
    }

    check_against(conn, &edit, &current)?;

    if let Some(category) = &edit.columns.category {
        edit.columns.form.category_id = Some(resolve_category(conn, category)?);
    }
    diesel::update(products::table.find(id))
        .set(&edit.columns.form)
        .execute(conn)
        .taken("slug", SLUG_TAKEN)?;
    if edit.columns.form.image_url.is_some() {
        // An external picture replaces an uploaded photo.
        diesel::delete(product_images::table.find(id)).execute(conn)?;
    }
    if !edit.remove_sizes.is_empty() {
        let removed: Vec<Uuid> = edit.remove_sizes.iter().map(|c| current[c].id).collect();
        diesel::delete(product_sizes::table.filter(product_sizes::id.eq_any(removed)))
            .execute(conn)?;
    }
    for patch in &edit.sizes {
        let size_id = current[&patch.code].id;
        if patch.label.is_some() || patch.price_cents.is_some() {
            diesel::update(product_sizes::table.find(size_id))
                .set(SizeForm {
                    label: patch.label.as_ref().map(|l| l.trim().to_string()),
                    price_cents: patch.price_cents,
                })
                .execute(conn)?;
        }
        let Some(recipe) = &patch.recipe else {
            continue;
        };
        if !recipe.set.is_empty() {
            let rows: Vec<_> = recipe
                .set
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
                .on_conflict((recipe_items::product_size_id, recipe_items::ingredient_id))
                .do_update()
                .set(recipe_items::quantity.eq(excluded(recipe_items::quantity)))
                .execute(conn)?;
        }
        if !recipe.remove.is_empty() {
            diesel::delete(
                recipe_items::table
                    .filter(recipe_items::product_size_id.eq(size_id))
                    .filter(recipe_items::ingredient_id.eq_any(&recipe.remove)),
            )
            .execute(conn)?;
        }
    }
    for (k, size) in edit.add_sizes.iter().enumerate() {
        insert_size(conn, id, next_position + k as i32, size)?;
    }
    if edit.touches_recipes() {
        refresh_vegetarian(conn, id)?;
    }
    replace_sizes_and_steps(conn, id, None, edit.columns.steps.as_deref())?;
    let prices: serde_json::Map<String, serde_json::Value> = edit
        .sizes
        .iter()
        .filter_map(|s| s.price_cents.map(|p| (s.code.clone(), p.into())))
        .collect();
    crate::audit::record(
        conn,
        Some(actor),
        "product.updated",
        "product",
        &id.to_string(),
        serde_json::json!({
            "prices": prices,
            "added_sizes": edit.add_sizes.iter().map(|s| &s.code).collect::<Vec<_>>(),
            "removed_sizes": edit.remove_sizes,
            "recipes_changed": edit.sizes.iter().filter(|s| s.recipe.is_some()).map(|s| &s.code).collect::<Vec<_>>(),
        }),
    )
}

/// The label and price of a size; `None` keeps them.
#[derive(AsChangeset)]
#[diesel(table_name = product_sizes)]
struct SizeForm {
    label: Option<String>,
    price_cents: Option<i32>,
}

/// The checks that need the product as it is: its size codes, its recipe lines, the ingredients.
fn check_against(
    conn: &mut PgConnection,
    edit: &ProductEdit,
    current: &HashMap<String, CurrentSize>,
) -> AppResult<()> {
    let mut v = Violations::new();
    let removed: HashSet<&str> = edit.remove_sizes.iter().map(String::as_str).collect();
    for (i, code) in edit.remove_sizes.iter().enumerate() {
        if !current.contains_key(code) {
            v.add(
                format!("remove_sizes[{i}]"),
                "unknown",
                "this product has no size with this code",
            );
        }
    }
    for (i, s) in edit.add_sizes.iter().enumerate() {
        if current.contains_key(&s.code) && !removed.contains(s.code.as_str()) {
            v.add(
                format!("add_sizes[{i}].code"),
                "taken",
                "this product already has a size with this code",
            );
        }
    }
    let kept = current
        .keys()
        .filter(|c| !removed.contains(c.as_str()))
        .count();
    if v.is_empty() && kept + edit.add_sizes.len() == 0 {
        v.add(
            "remove_sizes",
            "last_size",
            "a product keeps at least one size",
        );
    }
    let wanted: Vec<Uuid> = edit
        .sizes
        .iter()
        .flat_map(|s| s.recipe.iter().flat_map(|r| &r.set))
        .chain(edit.add_sizes.iter().flat_map(|s| &s.recipe))
        .map(|l| l.ingredient_id)
        .collect();
    let known = known_ingredients(conn, &wanted)?;
    for (i, patch) in edit.sizes.iter().enumerate() {
        let Some(size) = current.get(&patch.code) else {
            v.add(
                format!("sizes[{i}].code"),
                "unknown",
                "this product has no size with this code",
            );
            continue;
        };
        let Some(recipe) = &patch.recipe else {
            continue;
        };
        for (j, line) in recipe.set.iter().enumerate() {
            if !known.contains_key(&line.ingredient_id) {
                v.add(
                    format!("sizes[{i}].recipe.set[{j}].ingredient_id"),
                    "unknown",
                    "no ingredient has this id",
                );
            }
        }
        for (j, ingredient) in recipe.remove.iter().enumerate() {
            if !size.lines.contains(ingredient) {
                v.add(
                    format!("sizes[{i}].recipe.remove[{j}]"),
                    "absent",
                    "this ingredient is not in this size's recipe",
                );
            }
        }
        let mut after = size.lines.clone();
        after.extend(recipe.set.iter().map(|l| l.ingredient_id));
        for ingredient in &recipe.remove {
            after.remove(ingredient);
        }
        if after.is_empty() {
            v.add(
                format!("sizes[{i}].recipe"),
                "empty",
                "a size keeps at least one recipe line",
            );
        }
    }
    for (i, s) in edit.add_sizes.iter().enumerate() {
        for (j, line) in s.recipe.iter().enumerate() {
            if !known.contains_key(&line.ingredient_id) {
                v.add(
                    format!("add_sizes[{i}].recipe[{j}].ingredient_id"),
                    "unknown",
                    "no ingredient has this id",
                );
            }
        }
    }
    v.into_result()
}

/// The vegetarian flag follows the ingredients of every size's recipe.
fn refresh_vegetarian(conn: &mut PgConnection, product_id: Uuid) -> AppResult<()> {
    diesel::sql_query(
        "UPDATE products SET vegetarian = COALESCE((SELECT bool_and(i.vegetarian)
            FROM product_sizes s JOIN recipe_items r ON r.product_size_id = s.id
            JOIN ingredients i ON i.id = r.ingredient_id WHERE s.product_id = $1), TRUE)
         WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(product_id)
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_fields(p: serde_json::Value) -> Vec<String> {
        let patch: ProductPatch = serde_json::from_value(p).unwrap();
        match check_patch(patch) {
            Ok(_) => vec![],
            Err(AppError::Validation(e)) => e.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_price_alone_is_a_good_change() {
        let patch: ProductPatch = serde_json::from_value(
            serde_json::json!({"sizes": [{"code": "medium", "price_cents": 1300}]}),
        )
        .unwrap();
        let edit = check_patch(patch).unwrap();
        assert_eq!(edit.sizes[0].price_cents, Some(1300));
        assert!(edit.sizes[0].label.is_none() && edit.sizes[0].recipe.is_none());
        assert!(!edit.touches_recipes());
    }

    #[test]
    fn every_bad_field_of_a_change_is_named() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(
            bad_fields(serde_json::json!({
                "sizes": [
                    {"code": "medium", "price_cents": -1, "label": " "},
                    {"code": "medium"},
                    {"code": "small", "recipe": {"set": [{"ingredient_id": a, "quantity": 0},
                                                         {"ingredient_id": a, "quantity": 5}],
                                                 "remove": [a, b, b]}},
                    {"code": "large"}
                ],
                "remove_sizes": ["large", "large"],
                "add_sizes": [{"code": "XL", "label": "Géante", "price_cents": 100001, "recipe": []}],
                "name": ""
            })),
            [
                "name",
                "add_sizes[0].code",
                "add_sizes[0].price_cents",
                "add_sizes[0].recipe",
                "remove_sizes[1]",
                "sizes[0].label",
                "sizes[0].price_cents",
                "sizes[1].code",
                "sizes[2].recipe.set[0].quantity",
                "sizes[2].recipe.set[1].ingredient_id",
                "sizes[2].recipe.remove[0]",
                "sizes[2].recipe.remove[2]",
                "sizes[3].code",
            ]
        );
    }
}
