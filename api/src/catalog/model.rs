//! The catalog's rows and the views the API shows: categories, ingredients, products with their
//! sizes and recipes; the kinds of product and the units of ingredients are typed.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schema::{categories, ingredients, product_sizes, products};

crate::text_enum! {
    /// What a product is on the menu.
    #[derive(Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ProductKind {
        Pizza = "pizza",
        Drink = "drink",
        Dessert = "dessert",
        Starter = "starter",
    }
}

impl ProductKind {
    pub const INVALID: &'static str = "one of pizza, drink, dessert, starter";
}

crate::text_enum! {
    /// The base unit an ingredient is counted in, in recipes and in the stock.
    pub enum Unit {
        Gram = "g",
        Millilitre = "ml",
        Piece = "piece",
    }
}

/// EU allergens (regulation 1169/2011).
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
    pub unit: Unit,
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
            unit: r.unit.to_string(),
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
    pub kind: ProductKind,
    pub vegetarian: bool,
    pub image_url: Option<String>,
    pub menu_image_url: Option<String>,
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
    pub kind: ProductKind,
    pub category_id: Uuid,
    pub vegetarian: bool,
    /// The product's picture: its photo (`/api/v1/products/{id}/image?v=…`, cached for a year)
    /// or an external URL; null when it has none.
    #[schema(
        example = "/api/v1/products/0b9d6a4e-2c13-4e8f-8d1a-5f6e7a8b9c0d/image?v=3f2a9c0d1e4b5a68"
    )]
    pub image_url: Option<String>,
    /// A smaller picture for menus and lists (at most 480 px wide), or the same URL as
    /// `image_url` when that is external.
    #[schema(
        example = "/api/v1/products/0b9d6a4e-2c13-4e8f-8d1a-5f6e7a8b9c0d/image/menu?v=3f2a9c0d1e4b5a68"
    )]
    pub menu_image_url: Option<String>,
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

/// Slugs name things in URLs: lowercase letters, digits and dashes, 2 to 64.
pub fn is_slug(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub const SLUG_RULE: &str = "lowercase letters, digits and dashes, 2 to 64";

crate::page_schema!(
    /// A page of products: `{"items": [...], "next_cursor": null | "…"}`.
    ProductPage,
    Product
);
