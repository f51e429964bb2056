//! What a search asks and answers: the query, the scope it resolves to, the hits with their
//! highlights, the facets, and what an engine finds before the catalog is read.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::catalog::MenuProduct;

/// Which engine answered.
#[derive(Serialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Postgres,
    Algolia,
}

/// The parts of a product that match the query, HTML-escaped, matching words in
/// `<mark>…</mark>`. A field is absent when it does not match.
#[derive(Serialize, ToSchema, Default, Clone, Debug, PartialEq)]
pub struct Highlights {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "<mark>Reine</mark>")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// The matching ingredients only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = json!(["<mark>Fromage</mark> de chèvre (bûche)"]))]
    pub ingredients: Option<Vec<String>>,
}

/// One product found.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct SearchHit {
    /// The product as the menu shows it (no recipe quantities); with `shop_id`, `available` says
    /// whether that shop can sell it now.
    pub product: MenuProduct,
    /// Relevance, higher first; comparable only within one search (and its pages).
    #[schema(example = 5.9)]
    pub score: f64,
    pub highlights: Highlights,
}

/// How many matching products fall in each value of a filter (all pages, filters applied).
#[derive(Serialize, ToSchema, Default, Clone, Debug, PartialEq)]
pub struct Facets {
    /// Per category slug.
    #[schema(example = json!({"pizzas-classiques": 3, "pizzas-speciales": 1}))]
    pub category: BTreeMap<String, i64>,
    /// Keys `"true"` and `"false"`.
    #[schema(example = json!({"true": 1, "false": 3}))]
    pub vegetarian: BTreeMap<String, i64>,
}

impl Facets {
    /// Both vegetarian keys are always present, even at 0.
    pub(crate) fn complete(mut self) -> Facets {
        for key in ["true", "false"] {
            self.vegetarian.entry(key.to_string()).or_insert(0);
        }
        self.category.retain(|_, n| *n > 0);
        self
    }
}

/// The answer of `GET /api/v1/search`, the same whatever the engine.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct SearchResults {
    /// Best match first.
    pub items: Vec<SearchHit>,
    pub facets: Facets,
    /// Number of matching products over all pages.
    pub total: i64,
    /// Pass it as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    pub engine: Engine,
}

/// A validated search request.
#[derive(Clone, Debug)]
pub struct SearchQuery {
    pub text: String,
    pub shop_id: Option<Uuid>,
    /// Category id or slug.
    pub category: Option<String>,
    pub vegetarian: Option<bool>,
    pub allergen_free: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

/// The filters resolved against the database.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// (id, slug)
    pub category: Option<(Uuid, String)>,
    /// (id, currency)
    pub shop: Option<(Uuid, String)>,
}

/// A product found by an engine, before the catalog is read.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub product_id: Uuid,
    pub score: f64,
    pub highlights: Highlights,
}

pub(crate) fn next_cursor(query: &SearchQuery, returned: usize, total: i64) -> Option<String> {
    let next = query.offset + query.limit;
    (returned > 0 && next < total).then(|| format!("o{next}"))
}
