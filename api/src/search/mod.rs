//! Product search: one endpoint, `GET /api/v1/search`, and two engines giving the same answer.
//! PostgreSQL full-text search by default (documents kept up to date by the database's own
//! triggers, see the `search` migration); Algolia when `ALGOLIA_APP_ID`/`ALGOLIA_API_KEY` are set,
//! its index kept in sync through an outbox pushed by a background worker, and PostgreSQL
//! answering while Algolia cannot be reached. The PostgreSQL engine's result pages are kept per
//! instance by `cache` (a hit runs no query; a miss runs the one ranking statement of `postgres`).

pub mod algolia;
mod cache;
mod handlers;
pub mod highlight;
pub mod outbox;
mod postgres;
pub mod progress;
pub mod records;
pub mod reindex;

pub use handlers::*;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::Utc;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::catalog::{resolve_category, CatalogCache, CatalogSnapshot, MenuProduct, ShopMenuState};
use crate::config::Config;
use crate::db::{self, PgPool};
use crate::error::{AppError, AppResult};
use crate::schema::categories;
use algolia::AlgoliaClient;
use cache::{normalize_text, CachedPage, Finding, PageCache, PageKey};
pub use cache::{CacheOutcome, CacheStats};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::search);
}

/// The search side of the application state: the Algolia client when configured, the outbox
/// worker that keeps its index in sync (it stops when this is dropped), and the PostgreSQL
/// engine's result pages kept.
pub struct SearchService {
    pub algolia: Option<Arc<AlgoliaClient>>,
    _outbox_worker: Option<Arc<outbox::OutboxWorker>>,
    pages: PageCache,
}

impl SearchService {
    /// Without Algolia settings, the PostgreSQL engine alone. Must run inside the Tokio runtime
    /// (the worker is a task of it).
    pub fn start(config: &Config, pool: PgPool) -> SearchService {
        let pages = PageCache::new(
            config.search_cache_entries,
            config.search_cache_mb.saturating_mul(1 << 20),
        );
        let client = match AlgoliaClient::from_config(config) {
            None => return SearchService::postgres(pages),
            Some(Ok(client)) => Arc::new(client),
            Some(Err(e)) => {
                tracing::error!(error = %e, "Algolia client unavailable; searching with PostgreSQL");
                return SearchService::postgres(pages);
            }
        };
        tracing::info!(
            index = client.index_name(),
            "search: Algolia engine, outbox worker started"
        );
        SearchService {
            _outbox_worker: Some(outbox::OutboxWorker::start(pool, client.clone())),
            algolia: Some(client),
            pages,
        }
    }

    fn postgres(pages: PageCache) -> SearchService {
        SearchService {
            algolia: None,
            _outbox_worker: None,
            pages,
        }
    }

    /// What the result-page cache holds and has done.
    pub fn cache_stats(&self) -> CacheStats {
        self.pages.stats()
    }
}

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
    fn complete(mut self) -> Facets {
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

fn resolve_scope(conn: &mut PgConnection, query: &SearchQuery) -> AppResult<Scope> {
    let category = match &query.category {
        None => None,
        Some(key) => {
            let id = resolve_category(conn, key)?;
            let slug = categories::table
                .find(id)
                .select(categories::slug)
                .first::<String>(conn)?;
            Some((id, slug))
        }
    };
    let shop = match query.shop_id {
        None => None,
        Some(id) => match crate::shops::find_shop(conn, id) {
            Ok(shop) => Some((shop.id, shop.currency)),
            Err(AppError::NotFound(_)) => {
                return Err(AppError::field("shop_id", "unknown", "no shop has this id"))
            }
            Err(e) => return Err(e),
        },
    };
    Ok(Scope { category, shop })
}

/// Where a search takes its products from: the catalog cache the menus use, and for a search
/// in a shop that shop's menu state (stock and pauses), both kept current by their versions.
pub(crate) struct Source {
    catalog: Arc<CatalogSnapshot>,
    shop: Option<Arc<ShopMenuState>>,
}

impl Source {
    /// Read before the engine is asked; no query while the cache's listener vouches for it. An
    /// unknown shop is left for the engine's scope check to name.
    async fn current(
        pool: &PgPool,
        cache: &Arc<CatalogCache>,
        shop_id: Option<Uuid>,
    ) -> AppResult<Source> {
        let shop = match shop_id {
            None => None,
            Some(id) => match cache.clone().shop_view_async(pool, id).await {
                Ok(view) => Some(view),
                Err(AppError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
        };
        let catalog = match &shop {
            Some(view) => view.catalog.clone(),
            None => cache.clone().catalog_async(pool).await?,
        };
        Ok(Source { catalog, shop })
    }

    /// The products found, by id, with the shop's availability when the search is for a shop;
    /// a product withdrawn since the engine indexed it is dropped.
    fn products(&self, ids: &[Uuid]) -> HashMap<Uuid, MenuProduct> {
        let now = Utc::now();
        ids.iter()
            .filter_map(|id| match &self.shop {
                Some(view) => view.product(*id, now),
                None => self.catalog.product(*id).cloned(),
            })
            .map(|p| (p.id, p))
            .collect()
    }
}

fn next_cursor(query: &SearchQuery, returned: usize, total: i64) -> Option<String> {
    let next = query.offset + query.limit;
    (returned > 0 && next < total).then(|| format!("o{next}"))
}

/// Runs a search with Algolia when configured (falling back to PostgreSQL when Algolia cannot
/// answer), otherwise with PostgreSQL; the answer as JSON, and whether a page kept served it.
pub async fn run_search(
    pool: &PgPool,
    catalog: Arc<CatalogCache>,
    service: &SearchService,
    query: SearchQuery,
) -> AppResult<(Bytes, CacheOutcome)> {
    if let Some(client) = service.algolia.as_deref() {
        let q = query.clone();
        let scope = db::run(pool, move |conn| resolve_scope(conn, &q)).await?;
        match client
            .search(&algolia::search_request(&query, &scope))
            .await
        {
            Ok(answer) => {
                let source = Source::current(pool, &catalog, query.shop_id).await?;
                let (found, facets, total) = algolia::found(&answer, query.offset);
                let ids: Vec<Uuid> = found.iter().map(|f| f.product_id).collect();
                let mut products = source.products(&ids);
                let items: Vec<SearchHit> = found
                    .into_iter()
                    .filter_map(|f| {
                        Some(SearchHit {
                            product: products.remove(&f.product_id)?,
                            score: f.score,
                            highlights: f.highlights,
                        })
                    })
                    .collect();
                let results = SearchResults {
                    next_cursor: next_cursor(&query, items.len(), total),
                    items,
                    facets: facets.complete(),
                    total,
                    engine: Engine::Algolia,
                };
                let json = serde_json::to_vec(&results).map_err(AppError::internal)?;
                return Ok((Bytes::from(json), CacheOutcome::Bypass));
            }
            Err(e) => {
                tracing::warn!(error = %e, "Algolia search failed; answering from PostgreSQL")
            }
        }
    }
    search_postgres(pool, &catalog, &service.pages, query).await
}

/// How long a search waits for the page another one is finding before running the query itself.
const WAIT_FOR_PAGE: std::time::Duration = std::time::Duration::from_secs(2);

/// The PostgreSQL engine: a page kept for this catalog version when there is one (no query),
/// else the one ranking statement, whose page is then kept.
async fn search_postgres(
    pool: &PgPool,
    catalog: &Arc<CatalogCache>,
    pages: &PageCache,
    mut query: SearchQuery,
) -> AppResult<(Bytes, CacheOutcome)> {
    query.text = normalize_text(&query.text);
    let source = Source::current(pool, catalog, query.shop_id).await?;
    // An unknown shop is named by the ranking statement (after an unknown category).
    let known_shop = query.shop_id.is_none() || source.shop.is_some();
    let key = PageKey::new(&source.catalog, &query);
    let mut kept = known_shop.then(|| pages.get(&key)).flatten();
    let mut finder = None;
    if kept.is_none() && known_shop {
        match pages.finding(&key) {
            Finding::First(f) => finder = Some(f),
            Finding::Waiting(mut done) => {
                // Another search runs this very query: its page, unless it takes too long.
                let _ = tokio::time::timeout(WAIT_FOR_PAGE, done.changed()).await;
                kept = pages.get(&key);
            }
        }
    }
    let (page, outcome) = match kept {
        Some(page) => (page, CacheOutcome::Hit),
        None => {
            let snapshot = source.catalog.clone();
            let page: CachedPage =
                db::run(pool, move |conn| postgres::search(conn, &query, &snapshot)).await?;
            let page = Arc::new(page);
            pages.insert(key, page.clone());
            drop(finder);
            (page, CacheOutcome::Miss)
        }
    };
    let json = match &source.shop {
        Some(shop) => page.in_shop(shop)?,
        None => page.json.clone(),
    };
    Ok((json, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_always_show_both_vegetarian_values() {
        let mut facets = Facets::default();
        facets.vegetarian.insert("true".into(), 2);
        facets.category.insert("desserts".into(), 0);
        let facets = facets.complete();
        assert_eq!(facets.vegetarian["false"], 0);
        assert_eq!(facets.vegetarian["true"], 2);
        assert!(facets.category.is_empty());
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let query = SearchQuery {
            text: "reine".into(),
            shop_id: None,
            category: None,
            vegetarian: None,
            allergen_free: Vec::new(),
            limit: 10,
            offset: 10,
        };
        assert_eq!(next_cursor(&query, 10, 25).as_deref(), Some("o20"));
        assert_eq!(next_cursor(&query, 10, 20), None);
        assert_eq!(next_cursor(&query, 0, 25), None);
    }
}
