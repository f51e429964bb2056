//! The PostgreSQL engine: one statement per search. The `search_page` SQL function (see the
//! `search_one_query` migration) resolves the filters, turns the text into a `tsquery` (every
//! word in its French-stem, English-stem and exact forms, the last word as a prefix, misspelt
//! words corrected against the vocabulary by trigram similarity), matches it against the
//! documents the database keeps per product, ranks (weighted ts_rank of the exact words, then of
//! the tolerant forms, plus the similarity of the name), counts the facets and marks the page's
//! highlights. The products themselves come from the catalog cache the menus use, and the page
//! is kept by the `cache` module.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Double, Nullable, Text};
use uuid::Uuid;

use super::cache::CachedPage;
use super::highlight;
use super::model::{Facets, Found, Highlights, SearchQuery};
use crate::catalog::CatalogSnapshot;
use crate::error::{AppError, AppResult};

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    product_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Double>)]
    score: Option<f64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    rank: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    facet: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    count: Option<i64>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    category_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    currency: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    name_marked: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    description_marked: Option<String>,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    ingredient_names: Option<Vec<String>>,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    ingredients_marked: Option<Vec<String>>,
}

/// A product found, with its highlights as the database marked them.
struct Hit {
    rank: i64,
    product_id: Uuid,
    score: f64,
    name: Option<String>,
    description: Option<String>,
    /// Ingredient name → its marked form, for the ingredients that match.
    ingredients: HashMap<String, String>,
}

/// What one `search_page` statement answers.
struct Page {
    hits: Vec<Hit>,
    facets: Facets,
}

fn find(conn: &mut PgConnection, query: &SearchQuery) -> AppResult<Page> {
    let rows: Vec<Row> = diesel::sql_query("SELECT * FROM search_page($1, $2, $3, $4, $5, $6, $7)")
        .bind::<Text, _>(&query.text)
        .bind::<Nullable<Text>, _>(query.category.as_deref())
        .bind::<Nullable<Bool>, _>(query.vegetarian)
        .bind::<Array<Text>, _>(&query.allergen_free)
        .bind::<BigInt, _>(query.limit)
        .bind::<BigInt, _>(query.offset)
        .bind::<Nullable<diesel::sql_types::Uuid>, _>(query.shop_id)
        .load(conn)?;
    let mut page = Page {
        hits: Vec::new(),
        facets: Facets::default(),
    };
    for row in rows {
        match row.kind.as_str() {
            "scope" => {
                if query.category.is_some() && row.category_id.is_none() {
                    return Err(AppError::field(
                        "category",
                        "unknown",
                        "no category has this id or slug",
                    ));
                }
                if query.shop_id.is_some() && row.currency.is_none() {
                    return Err(AppError::field("shop_id", "unknown", "no shop has this id"));
                }
            }
            "hit" => {
                let Some(product_id) = row.product_id else {
                    continue;
                };
                page.hits.push(Hit {
                    rank: row.rank.unwrap_or_default(),
                    product_id,
                    score: round(row.score.unwrap_or_default()),
                    name: row.name_marked,
                    description: row.description_marked,
                    ingredients: row
                        .ingredient_names
                        .unwrap_or_default()
                        .into_iter()
                        .zip(row.ingredients_marked.unwrap_or_default())
                        .collect(),
                });
            }
            "category" => {
                if let (Some(value), Some(n)) = (row.facet, row.count) {
                    page.facets.category.insert(value, n);
                }
            }
            "vegetarian" => {
                if let (Some(value), Some(n)) = (row.facet, row.count) {
                    page.facets.vegetarian.insert(value, n);
                }
            }
            _ => {}
        }
    }
    page.hits.sort_by_key(|h| h.rank);
    Ok(page)
}

fn round(score: f64) -> f64 {
    (score * 10_000.0).round() / 10_000.0
}

/// One page of results, ranked by the one `search_page` statement, with its highlights in HTML
/// (the matching ingredients in the product's own order) and rendered against this catalog.
pub(super) fn search(
    conn: &mut PgConnection,
    query: &SearchQuery,
    catalog: &CatalogSnapshot,
) -> AppResult<CachedPage> {
    let page = find(conn, query)?;
    let total = page.facets.vegetarian.values().sum();
    let found: Vec<Found> = page
        .hits
        .into_iter()
        .filter_map(|hit| {
            let product = catalog.product(hit.product_id)?;
            let ingredients: Vec<String> = product
                .ingredients
                .iter()
                .filter_map(|ingredient| hit.ingredients.get(&ingredient.name))
                .filter_map(|marked| highlight::to_html(marked))
                .collect();
            Some(Found {
                product_id: hit.product_id,
                score: hit.score,
                highlights: Highlights {
                    name: hit.name.as_deref().and_then(highlight::to_html),
                    description: hit.description.as_deref().and_then(highlight::to_html),
                    ingredients: (!ingredients.is_empty()).then_some(ingredients),
                },
            })
        })
        .collect();
    CachedPage::new(catalog, found, page.facets.complete(), total, query)
}
