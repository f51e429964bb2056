//! The PostgreSQL engine. The `search_products` SQL function (see the `search` migration) turns
//! the text into a `tsquery` (every word in its French-stem, English-stem and exact forms, the
//! last word as a prefix, misspelt words corrected against the vocabulary by trigram similarity),
//! matches it against the documents the database keeps per product, ranks (weighted ts_rank of
//! the exact words, then of the tolerant forms, plus the similarity of the name) and counts the
//! facets. This module reads its rows, then the products and their highlights.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Double, Nullable, Text};

use super::{
    highlight, next_cursor, products_in_order, Engine, Facets, Found, Highlights, Scope, SearchHit,
    SearchQuery, SearchResults,
};
use crate::catalog::Product;
use crate::error::AppResult;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    product_id: Option<uuid::Uuid>,
    #[diesel(sql_type = Nullable<Double>)]
    score: Option<f64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    rank: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    facet: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    count: Option<i64>,
}

/// One page of matches, the facet counts and the total, in one statement.
fn find(
    conn: &mut PgConnection,
    query: &SearchQuery,
    scope: &Scope,
) -> AppResult<(Vec<Found>, Facets, i64)> {
    let rows: Vec<Row> = diesel::sql_query("SELECT * FROM search_products($1, $2, $3, $4, $5, $6)")
        .bind::<Text, _>(&query.text)
        .bind::<Nullable<diesel::sql_types::Uuid>, _>(scope.category.as_ref().map(|c| c.0))
        .bind::<Nullable<Bool>, _>(query.vegetarian)
        .bind::<Array<Text>, _>(&query.allergen_free)
        .bind::<BigInt, _>(query.limit)
        .bind::<BigInt, _>(query.offset)
        .load(conn)?;
    let mut hits: Vec<(i64, Found)> = Vec::new();
    let mut facets = Facets::default();
    for row in rows {
        match (row.kind.as_str(), row.product_id, row.facet, row.count) {
            ("hit", Some(product_id), _, _) => hits.push((
                row.rank.unwrap_or_default(),
                Found {
                    product_id,
                    score: round(row.score.unwrap_or_default()),
                    highlights: Highlights::default(),
                },
            )),
            ("category", _, Some(value), Some(n)) => {
                facets.category.insert(value, n);
            }
            ("vegetarian", _, Some(value), Some(n)) => {
                facets.vegetarian.insert(value, n);
            }
            _ => {}
        }
    }
    hits.sort_by_key(|(rank, _)| *rank);
    let total = facets.vegetarian.values().sum();
    Ok((hits.into_iter().map(|(_, f)| f).collect(), facets, total))
}

fn round(score: f64) -> f64 {
    (score * 10_000.0).round() / 10_000.0
}

/// Marks the query's words in each text (`None` for a text without match), in one statement.
fn headlines(
    conn: &mut PgConnection,
    text: &str,
    bodies: &[String],
) -> AppResult<Vec<Option<String>>> {
    #[derive(QueryableByName)]
    struct Marked {
        #[diesel(sql_type = Nullable<Text>)]
        marked: Option<String>,
    }
    let rows: Vec<Marked> = diesel::sql_query(
        "SELECT search_headline(t.body, q.query) AS marked
         FROM unnest($2::text[]) WITH ORDINALITY AS t(body, ord),
              (SELECT search_query($1, TRUE) AS query) AS q
         ORDER BY t.ord",
    )
    .bind::<Text, _>(text)
    .bind::<Array<Text>, _>(bodies)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| r.marked.as_deref().and_then(highlight::to_html))
        .collect())
}

/// The highlights of each product: its name, description and ingredients that match.
fn highlight_products(
    conn: &mut PgConnection,
    text: &str,
    products: &[&Product],
) -> AppResult<Vec<Highlights>> {
    // Each distinct text once: most pizzas share their mozzarella.
    let mut bodies: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut slot = |body: &str| -> usize {
        if let Some(i) = index.get(body) {
            return *i;
        }
        bodies.push(body.to_string());
        index.insert(body.to_string(), bodies.len() - 1);
        bodies.len() - 1
    };
    let slots: Vec<(usize, usize, Vec<usize>)> = products
        .iter()
        .map(|p| {
            (
                slot(&p.name),
                slot(&p.description),
                p.ingredients.iter().map(|i| slot(i)).collect(),
            )
        })
        .collect();
    let marked = headlines(conn, text, &bodies)?;
    Ok(slots
        .into_iter()
        .map(|(name, description, ingredients)| {
            let ingredients: Vec<String> = ingredients
                .into_iter()
                .filter_map(|i| marked[i].clone())
                .collect();
            Highlights {
                name: marked[name].clone(),
                description: marked[description].clone(),
                ingredients: (!ingredients.is_empty()).then_some(ingredients),
            }
        })
        .collect())
}

pub(super) fn search(
    conn: &mut PgConnection,
    query: &SearchQuery,
    scope: &Scope,
) -> AppResult<SearchResults> {
    let (found, facets, total) = find(conn, query, scope)?;
    let ids: Vec<uuid::Uuid> = found.iter().map(|f| f.product_id).collect();
    let mut products = products_in_order(conn, &ids, scope)?;
    let kept: Vec<(Found, Product)> = found
        .into_iter()
        .filter_map(|f| {
            let product = products.remove(&f.product_id)?;
            Some((f, product))
        })
        .collect();
    let highlights = highlight_products(
        conn,
        &query.text,
        &kept.iter().map(|(_, p)| p).collect::<Vec<_>>(),
    )?;
    let items: Vec<SearchHit> = kept
        .into_iter()
        .zip(highlights)
        .map(|((found, product), highlights)| SearchHit {
            product,
            score: found.score,
            highlights,
        })
        .collect();
    Ok(SearchResults {
        next_cursor: next_cursor(query, items.len(), total),
        items,
        facets: facets.complete(),
        total,
        engine: Engine::Postgres,
    })
}
