//! What the Algolia index holds: one record per product on sale, built from the catalog, and the
//! index settings that make it searchable the way customers search.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::{load_products, Category, Product, ProductKind, ProductQuery};
use crate::error::AppResult;
use crate::schema::{categories, products};

/// Index settings (`PUT /1/indexes/{index}/settings`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IndexSettings {
    pub searchable_attributes: Vec<String>,
    pub attributes_for_faceting: Vec<String>,
    pub custom_ranking: Vec<String>,
    pub attributes_to_highlight: Vec<String>,
    pub query_languages: Vec<String>,
    pub index_languages: Vec<String>,
    pub ignore_plurals: bool,
    pub remove_stop_words: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ObjectId {
    #[serde(rename = "objectID")]
    pub object_id: String,
}

/// One write of a batch (`{"action": "updateObject", "body": {…}}`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "action", content = "body", rename_all = "camelCase")]
pub enum BatchOperation {
    UpdateObject(Box<ProductRecord>),
    DeleteObject(ObjectId),
}

/// A product as Algolia stores it. Availability is not in it: it depends on each shop's stock
/// and is computed by the API when it reads the products found.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ProductRecord {
    #[serde(rename = "objectID")]
    pub object_id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    /// Category slug (facet).
    pub category: String,
    pub category_name: String,
    pub vegetarian: bool,
    pub allergens: Vec<String>,
    /// Every ingredient of every size.
    pub ingredients: Vec<String>,
    /// Words the product is also found by ("végétarien" for a vegetarian dish).
    pub keywords: Vec<String>,
    pub price_from_cents: Option<i32>,
    pub image_url: Option<String>,
    /// Menu order (category, then product): the tie-breaker after relevance.
    pub menu_rank: i64,
}

impl ProductRecord {
    /// `position` is the product's place in its category.
    pub fn from_product(p: &Product, category: &Category, position: i32) -> ProductRecord {
        let ingredients: BTreeSet<&str> = p
            .sizes
            .iter()
            .flat_map(|s| s.recipe.iter().map(|line| line.name.as_str()))
            .collect();
        ProductRecord {
            object_id: p.id.to_string(),
            slug: p.slug.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            kind: p.kind.to_string(),
            category: category.slug.clone(),
            category_name: category.name.clone(),
            vegetarian: p.vegetarian,
            allergens: p.allergens.clone(),
            ingredients: ingredients.into_iter().map(str::to_string).collect(),
            keywords: if p.vegetarian && matches!(p.kind, ProductKind::Pizza | ProductKind::Starter)
            {
                vec!["végétarien".to_string()]
            } else {
                Vec::new()
            },
            price_from_cents: p.sizes.iter().map(|s| s.price_cents).min(),
            image_url: p.image_url.clone(),
            menu_rank: i64::from(category.position) * 100_000 + i64::from(position),
        }
    }
}

/// How the index searches: the name first, then keywords, ingredients, category, description;
/// French plurals and stop words; facets for the API's filters; menu order to break ties.
pub fn index_settings() -> IndexSettings {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    IndexSettings {
        searchable_attributes: strings(&[
            "name",
            "keywords",
            "ingredients",
            "category_name",
            "unordered(description)",
        ]),
        attributes_for_faceting: strings(&[
            "category",
            "vegetarian",
            "filterOnly(allergens)",
            "filterOnly(kind)",
        ]),
        custom_ranking: strings(&["asc(menu_rank)"]),
        attributes_to_highlight: strings(&["name", "description", "ingredients"]),
        query_languages: strings(&["fr"]),
        index_languages: strings(&["fr"]),
        ignore_plurals: true,
        remove_stop_words: true,
    }
}

/// What to send for these products: the record of each one on sale, a deletion for each one
/// withdrawn or gone.
pub fn operations_for(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<BatchOperation>> {
    let categories: HashMap<Uuid, Category> = categories::table
        .select(Category::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let products: HashMap<Uuid, Product> = load_products(
        conn,
        &ProductQuery {
            ids: Some(ids.to_vec()),
            include_inactive: true,
            ..Default::default()
        },
    )?
    .into_iter()
    .map(|p| (p.id, p))
    .collect();
    let positions: HashMap<Uuid, i32> = products::table
        .filter(products::id.eq_any(ids))
        .select((products::id, products::position))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(ids
        .iter()
        .map(|id| {
            match products
                .get(id)
                .filter(|p| p.active)
                .and_then(|p| Some((p, categories.get(&p.category_id)?)))
            {
                Some((p, category)) => {
                    BatchOperation::UpdateObject(Box::new(ProductRecord::from_product(
                        p,
                        category,
                        positions.get(id).copied().unwrap_or(0),
                    )))
                }
                None => BatchOperation::DeleteObject(ObjectId {
                    object_id: id.to_string(),
                }),
            }
        })
        .collect())
}
