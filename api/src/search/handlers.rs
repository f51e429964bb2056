//! `GET /api/v1/search`: parses and checks the query, then asks the configured engine.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::model::{SearchQuery, SearchResults};
use super::service::run_search;
use crate::catalog::{CatalogCache, ALLERGENS};
use crate::error::{AppResult, Violations};
use crate::http::{ApiQuery, PageParams};
use crate::state::AppState;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What the customer typed, 1 to 100 characters; accents, plurals and small typos are
    /// forgiven ("chevre miel", "4 fromage", "margarita").
    #[param(example = "reine", min_length = 1, max_length = 100, pattern = "\\S")]
    pub q: String,
    /// Give each product's availability in this shop's stock.
    pub shop_id: Option<Uuid>,
    /// Category id or slug.
    pub category: Option<String>,
    pub vegetarian: Option<bool>,
    /// Comma-separated EU allergens the products must not contain, e.g. `milk,gluten`.
    #[param(example = "milk,gluten")]
    pub allergen_free: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

impl SearchParams {
    /// Every problem of the request at once, each naming its parameter.
    pub fn validate(self) -> AppResult<SearchQuery> {
        let mut v = Violations::new();
        let text = self.q.trim().to_string();
        if text.is_empty() {
            v.add("q", "required", "type at least one character");
        } else if text.chars().count() > MAX_QUERY_CHARS {
            v.add(
                "q",
                "too_long",
                format!("at most {MAX_QUERY_CHARS} characters"),
            );
        }
        let mut allergen_free = Vec::new();
        for a in self
            .allergen_free
            .iter()
            .flat_map(|list| list.split(','))
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            if ALLERGENS.contains(&a) {
                if !allergen_free.iter().any(|known: &String| known == a) {
                    allergen_free.push(a.to_string());
                }
            } else {
                v.add(
                    "allergen_free",
                    "invalid",
                    format!("'{a}' is not one of {}", ALLERGENS.join(", ")),
                );
            }
        }
        let paging = PageParams {
            limit: self.limit,
            cursor: self.cursor,
        };
        let limit = paging.limit();
        let offset = paging.offset();
        for result in [&limit, &offset] {
            if let Err(crate::error::AppError::Validation(errors)) = result {
                for e in errors {
                    v.add(e.field.clone(), &e.code, e.message.clone());
                }
            }
        }
        v.into_result()?;
        Ok(SearchQuery {
            text,
            shop_id: self.shop_id,
            category: self.category.filter(|c| !c.trim().is_empty()),
            vegetarian: self.vegetarian,
            allergen_free,
            limit: limit?,
            offset: offset?,
        })
    }
}

/// Searches the products on sale by name, ingredients, category and description, best match
/// first, with the matching words highlighted and facet counts. Answered by Algolia when it is
/// configured (and reachable), otherwise by PostgreSQL full-text search; `engine` says which.
#[utoipa::path(get, tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Products found", body = SearchResults,
            headers(("X-Search-Cache" = String, description = "`hit` when a result page kept by this instance answered (no query), `miss` when the ranking query ran, `bypass` when Algolia answered"))),
        (status = 422, description = "Empty or too long query, unknown category, shop or allergen, bad limit or cursor")))]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    engine: web::Data<super::service::SearchService>,
    catalog: web::Data<CatalogCache>,
    params: ApiQuery<SearchParams>,
) -> AppResult<HttpResponse> {
    let query = params.into_inner().validate()?;
    let (json, outcome) = run_search(&state.pool, catalog.into_inner(), &engine, query).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("X-Search-Cache", outcome.as_str()))
        .body(json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn params(q: &str) -> SearchParams {
        SearchParams {
            q: q.to_string(),
            shop_id: None,
            category: None,
            vegetarian: None,
            allergen_free: None,
            limit: None,
            cursor: None,
        }
    }

    fn fields(err: AppError) -> Vec<String> {
        match err {
            AppError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_empty_or_too_long_query_names_q() {
        assert_eq!(fields(params("   ").validate().unwrap_err()), ["q"]);
        assert_eq!(
            fields(params(&"a".repeat(101)).validate().unwrap_err()),
            ["q"]
        );
        assert_eq!(
            params(&"é".repeat(100))
                .validate()
                .unwrap()
                .text
                .chars()
                .count(),
            100
        );
    }

    #[test]
    fn every_bad_parameter_is_reported_at_once() {
        let mut p = params("");
        p.allergen_free = Some("milk, cheese".into());
        p.limit = Some(0);
        p.cursor = Some("nope".into());
        assert_eq!(
            fields(p.validate().unwrap_err()),
            ["q", "allergen_free", "limit", "cursor"]
        );
    }

    #[test]
    fn allergens_are_a_trimmed_list_without_repeats() {
        let mut p = params("reine");
        p.allergen_free = Some(" milk,gluten,,milk ".into());
        let q = p.validate().unwrap();
        assert_eq!(q.allergen_free, ["milk", "gluten"]);
        assert_eq!((q.limit, q.offset), (50, 0));
    }
}
