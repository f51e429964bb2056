//! Running a search: the scope resolved, the products taken from the catalog cache (and the
//! shop's menu state), the PostgreSQL engine through its page cache or Algolia, and the answer.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::algolia::{self, AlgoliaClient};
use super::cache::{
    normalize_text, CacheOutcome, CacheStats, CachedPage, Finding, PageCache, PageKey,
};
use super::outbox;
use super::postgres;
use crate::catalog::{resolve_category, CatalogCache, CatalogSnapshot, MenuProduct, ShopMenuState};
use crate::config::Config;
use crate::db::{self, PgPool};
use crate::error::{AppError, AppResult};
use crate::schema::categories;

use super::model::*;

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
        let (shop, catalog) = cache.clone().shop_and_catalog(pool, shop_id).await?;
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
