//! What the public catalog reads show a customer: names, descriptions, sizes and prices, the
//! ingredients (named, with the ids a removal names), allergens, vegetarian, availability. No
//! recipe quantities and no steps: those are the chain's know-how, shown to staff only (kitchen
//! tickets, `GET /products/{id}/recipe`, the back office).
//!
//! A new public field goes in [`MenuProduct`] and in [`MenuProduct::from_product`], nowhere else.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{Product, ProductKind};

/// One ingredient of a product, for the customer: what it is and the id to name to remove it.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct MenuIngredient {
    pub id: Uuid,
    #[schema(example = "Mozzarella")]
    pub name: String,
}

/// A size on sale: its price, and in a shop's menu whether the shop can make it now.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct MenuSize {
    #[schema(example = "medium")]
    pub code: String,
    #[schema(example = "Moyenne (30 cm)")]
    pub label: String,
    #[schema(example = 1150)]
    pub price_cents: i32,
    /// Whether the shop can make this size now; null outside a shop's menu.
    pub available: Option<bool>,
}

crate::text_enum! {
    /// Why a product is unavailable in a shop.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum UnavailableReason {
        /// The shop's stock cannot make any of its sizes.
        OutOfStock = "out_of_stock",
        /// The shop took it off its menu for a while.
        Paused = "paused",
    }
}

/// A product as the public catalog and a shop's menu show it.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct MenuProduct {
    pub id: Uuid,
    #[schema(example = "reine")]
    pub slug: String,
    #[schema(example = "Reine")]
    pub name: String,
    pub description: String,
    pub kind: ProductKind,
    /// Its category (absent in a shop's menu, which lists products under their category).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_id: Option<Uuid>,
    pub vegetarian: bool,
    /// The picture, full size (absent without one; absent in a shop's menu, which carries the
    /// menu rendition only: `GET /products/{id}` has both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// The picture's smaller rendition for menus (at most 480 × 360).
    pub menu_image_url: Option<String>,
    /// Union of the allergens of its ingredients.
    pub allergens: Vec<String>,
    /// Its ingredients, largest quantity first in the middle size (a pizza's first one is its
    /// base, which cannot be removed).
    pub ingredients: Vec<MenuIngredient>,
    pub sizes: Vec<MenuSize>,
    /// Its prices' currency (absent in a shop's menu, which gives it once).
    #[schema(example = "EUR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Whether the shop can sell it now; null outside a shop's menu.
    pub available: Option<bool>,
    /// Why it is unavailable in this shop (absent when available or outside a shop's menu).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable_reason: Option<UnavailableReason>,
    /// When a pause ends by itself (absent when not paused, or paused until resumed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paused_until: Option<DateTime<Utc>>,
}

impl MenuProduct {
    /// The public part of a product loaded with its recipes (availability left unknown).
    pub fn from_product(p: &Product) -> MenuProduct {
        let reference = p.sizes.get(p.sizes.len() / 2);
        MenuProduct {
            id: p.id,
            slug: p.slug.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            kind: p.kind,
            category_id: Some(p.category_id),
            vegetarian: p.vegetarian,
            image_url: p.image_url.clone(),
            menu_image_url: p.menu_image_url.clone(),
            allergens: p.allergens.clone(),
            ingredients: reference
                .map(|s| {
                    s.recipe
                        .iter()
                        .map(|line| MenuIngredient {
                            id: line.ingredient_id,
                            name: line.name.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            sizes: p
                .sizes
                .iter()
                .map(|s| MenuSize {
                    code: s.code.clone(),
                    label: s.label.clone(),
                    price_cents: s.price_cents,
                    available: None,
                })
                .collect(),
            currency: Some(p.currency.clone()),
            available: None,
            unavailable_reason: None,
            paused_until: None,
        }
    }
}

crate::page_schema!(
    /// A page of products: `{"items": [...], "next_cursor": null | "…"}`.
    MenuProductPage,
    MenuProduct
);
