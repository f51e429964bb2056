//! Ingredients (managers): adding one, with its unit, allergens and extra-topping price; every
//! shop gets an empty stock line for it.

use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{is_slug, Ingredient, IngredientRow, Unit, ALLERGENS, SLUG_RULE};
use crate::error::{AppError, AppResult, UniqueField, Violations};
use crate::schema::{ingredients, shops, stock};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngredientInput {
    #[schema(example = "truffe-noire")]
    pub slug: String,
    #[schema(example = "Truffe noire")]
    pub name: String,
    /// `g`, `ml` or `piece`.
    #[schema(pattern = "^(g|ml|piece)$")]
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

/// Checks an ingredient, naming every bad field; answers its unit.
pub fn check_ingredient(i: &IngredientInput) -> AppResult<Unit> {
    let mut v = Violations::new();
    v.check(is_slug(&i.slug), "slug", "invalid", SLUG_RULE);
    v.check(
        !i.name.trim().is_empty() && i.name.chars().count() <= 80,
        "name",
        "length",
        "1 to 80 characters",
    );
    let unit = Unit::parse(&i.unit);
    v.check(unit.is_some(), "unit", "invalid", "one of g, ml, piece");
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
    unit.ok_or_else(|| AppError::internal("unit checked without errors"))
}

/// Adds a checked ingredient and its stock line in every shop; a slug in use is a 409.
pub fn add_ingredient(
    conn: &mut PgConnection,
    actor: Uuid,
    i: IngredientInput,
    unit: Unit,
) -> AppResult<Ingredient> {
    let row: IngredientRow = diesel::insert_into(ingredients::table)
        .values((
            ingredients::slug.eq(&i.slug),
            ingredients::name.eq(i.name.trim()),
            ingredients::unit.eq(unit),
            ingredients::allergens.eq(i.allergens.iter().cloned().map(Some).collect::<Vec<_>>()),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truffle() -> IngredientInput {
        IngredientInput {
            slug: "truffe-noire".into(),
            name: "Truffe noire".into(),
            unit: "g".into(),
            allergens: vec![],
            vegetarian: true,
            can_be_extra: true,
            extra_quantity: 5,
            extra_price_cents: 400,
            low_threshold: 50,
        }
    }

    #[test]
    fn units_and_allergens_are_typed_lists() {
        assert_eq!(check_ingredient(&truffle()).unwrap(), Unit::Gram);
        let piece = IngredientInput {
            unit: "piece".into(),
            ..truffle()
        };
        assert_eq!(check_ingredient(&piece).unwrap(), Unit::Piece);
        let bad = IngredientInput {
            unit: "kg".into(),
            allergens: vec!["milk".into(), "truffle".into()],
            extra_quantity: 0,
            low_threshold: -1,
            ..truffle()
        };
        match check_ingredient(&bad) {
            Err(AppError::Validation(e)) => {
                let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(
                    fields,
                    ["unit", "allergens[1]", "extra_quantity", "low_threshold"]
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
