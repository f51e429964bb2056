//! Result pages of the PostgreSQL engine kept per instance (issue 17): what the ranking query
//! answered for one text, filters and page, at one catalog version, with its highlights already
//! turned into HTML and, for a search outside a shop, the whole answer rendered as JSON. A shop's
//! availability is laid over at answer time from that shop's menu state, so stock and pauses
//! never go stale; a catalog change moves the version in the key, and the pages of older versions
//! are dropped as soon as a newer one is seen. Bounded in entries and in bytes, the least
//! recently used page going first. Searches missing the same page at once run its query once:
//! the first runs it, the others wait for its page (after a catalog change, every popular
//! search misses at the same moment).

use std::collections::HashMap;
use std::mem::size_of;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::web::Bytes;
use tokio::sync::watch;

use super::model::{Engine, Facets, Found, SearchHit, SearchQuery, SearchResults};
use crate::catalog::{CatalogSnapshot, ShopMenuState};
use crate::error::{AppError, AppResult};

/// What makes two searches the same search: the catalog they ran against and everything of the
/// request but the shop (which only lays its availability over the page).
#[derive(Hash, PartialEq, Eq, Clone, Debug)]
pub struct PageKey {
    catalog: i64,
    /// The catalog's content digest: a restored database may reuse a version number.
    tag: String,
    text: String,
    category: Option<String>,
    vegetarian: Option<bool>,
    /// Sorted: the order a customer lists them in changes nothing.
    allergen_free: Vec<String>,
    limit: i64,
    offset: i64,
}

impl PageKey {
    pub fn new(catalog: &CatalogSnapshot, query: &SearchQuery) -> PageKey {
        let mut allergen_free = query.allergen_free.clone();
        allergen_free.sort();
        PageKey {
            catalog: catalog.version,
            tag: catalog.tag.clone(),
            text: query.text.clone(),
            category: query.category.clone(),
            vegetarian: query.vegetarian,
            allergen_free,
            limit: query.limit,
            offset: query.offset,
        }
    }

    fn bytes(&self) -> usize {
        size_of::<PageKey>()
            + self.tag.len()
            + self.text.len()
            + self.category.as_ref().map_or(0, String::len)
            + self.allergen_free.iter().map(String::len).sum::<usize>()
    }
}

/// The text as the cache and the ranking query both take it: what the database would make of
/// it anyway (case and runs of spaces mean nothing to the search), so "Reine" and "reine " are
/// one page.
pub fn normalize_text(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One page of results as the engine ranked it, at one catalog version.
pub struct CachedPage {
    /// Best first, the products withdrawn since the engine indexed them left out.
    pub hits: Vec<Found>,
    pub facets: Facets,
    pub total: i64,
    pub next_cursor: Option<String>,
    /// The answer outside any shop, ready to send.
    pub json: Bytes,
}

impl CachedPage {
    /// The page of `hits` found in this catalog, rendered once.
    pub fn new(
        catalog: &CatalogSnapshot,
        hits: Vec<Found>,
        facets: Facets,
        total: i64,
        query: &SearchQuery,
    ) -> AppResult<CachedPage> {
        let hits: Vec<Found> = hits
            .into_iter()
            .filter(|f| catalog.product(f.product_id).is_some())
            .collect();
        let next_cursor = super::model::next_cursor(query, hits.len(), total);
        let results = SearchResults {
            items: hits
                .iter()
                .filter_map(|f| {
                    Some(SearchHit {
                        product: catalog.product(f.product_id)?.clone(),
                        score: f.score,
                        highlights: f.highlights.clone(),
                    })
                })
                .collect(),
            facets,
            total,
            next_cursor,
            engine: Engine::Postgres,
        };
        let json = Bytes::from(serde_json::to_vec(&results).map_err(AppError::internal)?);
        Ok(CachedPage {
            hits,
            facets: results.facets,
            total,
            next_cursor: results.next_cursor,
            json,
        })
    }

    /// The answer for a search in this shop: the page with the shop's availability now. The
    /// shop's state holds the same catalog the page was found in.
    pub fn in_shop(&self, shop: &ShopMenuState) -> AppResult<Bytes> {
        let now = chrono::Utc::now();
        let results = SearchResults {
            items: self
                .hits
                .iter()
                .filter_map(|f| {
                    Some(SearchHit {
                        product: shop.product(f.product_id, now)?,
                        score: f.score,
                        highlights: f.highlights.clone(),
                    })
                })
                .collect(),
            facets: self.facets.clone(),
            total: self.total,
            next_cursor: self.next_cursor.clone(),
            engine: Engine::Postgres,
        };
        Ok(Bytes::from(
            serde_json::to_vec(&results).map_err(AppError::internal)?,
        ))
    }

    /// An estimate of the memory the page holds.
    fn bytes(&self) -> usize {
        let highlights: usize = self
            .hits
            .iter()
            .map(|f| {
                size_of::<Found>()
                    + f.highlights.name.as_ref().map_or(0, String::len)
                    + f.highlights.description.as_ref().map_or(0, String::len)
                    + f.highlights
                        .ingredients
                        .iter()
                        .flatten()
                        .map(|i| i.len() + size_of::<String>())
                        .sum::<usize>()
            })
            .sum();
        let facets: usize = self
            .facets
            .category
            .keys()
            .chain(self.facets.vegetarian.keys())
            .map(|k| k.len() + size_of::<String>() + size_of::<i64>())
            .sum();
        size_of::<CachedPage>() + self.json.len() + highlights + facets
    }
}

/// How a search was answered, for the `X-Search-Cache` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// From a page kept: no query at all.
    Hit,
    /// The ranking query ran (and its page was kept, when the cache is on).
    Miss,
    /// Not a page the cache keeps (Algolia answered).
    Bypass,
}

impl CacheOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CacheOutcome::Hit => "hit",
            CacheOutcome::Miss => "miss",
            CacheOutcome::Bypass => "bypass",
        }
    }
}

struct Slot {
    page: Arc<CachedPage>,
    bytes: usize,
    used: u64,
}

#[derive(Default)]
struct Pages {
    tick: u64,
    bytes: usize,
    /// The newest catalog version seen: pages of older ones are gone.
    newest: i64,
    slots: HashMap<PageKey, Slot>,
}

/// What the cache holds and has done, for tests and `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub bytes: usize,
    pub hits: u64,
    pub misses: u64,
}

/// The pages kept, at most `max_entries` of them and `max_bytes` in all (0 entries: off).
pub struct PageCache {
    max_entries: usize,
    max_bytes: usize,
    pages: Mutex<Pages>,
    /// The pages being found now, each by the search that runs its query; the others wait for
    /// the sender to go (dropped once the page is kept, or the query failed).
    finding: Mutex<HashMap<PageKey, watch::Receiver<()>>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// A search that missed: it finds the page itself, or another search is finding it.
pub enum Finding<'a> {
    First(Finder<'a>),
    Waiting(watch::Receiver<()>),
}

/// Held while a search finds a page others may wait for; they are released when it is dropped.
pub struct Finder<'a> {
    cache: &'a PageCache,
    key: Option<PageKey>,
    _done: Option<watch::Sender<()>>,
}

impl Drop for Finder<'_> {
    fn drop(&mut self) {
        if let (Some(key), Ok(mut finding)) = (self.key.take(), self.cache.finding.lock()) {
            finding.remove(&key);
        }
    }
}

impl PageCache {
    pub fn new(max_entries: usize, max_bytes: usize) -> PageCache {
        PageCache {
            max_entries,
            max_bytes,
            pages: Mutex::new(Pages::default()),
            finding: Mutex::new(HashMap::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.max_entries > 0 && self.max_bytes > 0
    }

    pub fn get(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        if !self.enabled() {
            return None;
        }
        let found = self.pages.lock().ok().and_then(|mut pages| {
            pages.tick += 1;
            let tick = pages.tick;
            pages.slots.get_mut(key).map(|slot| {
                slot.used = tick;
                slot.page.clone()
            })
        });
        match &found {
            Some(_) => self.hits.fetch_add(1, Ordering::Relaxed),
            None => self.misses.fetch_add(1, Ordering::Relaxed),
        };
        found
    }

    /// After a miss: whether this search finds the page or waits for another finding it.
    pub fn finding(&self, key: &PageKey) -> Finding<'_> {
        let alone = Finder {
            cache: self,
            key: None,
            _done: None,
        };
        if !self.enabled() {
            return Finding::First(alone);
        }
        let Ok(mut finding) = self.finding.lock() else {
            return Finding::First(alone);
        };
        if let Some(done) = finding.get(key) {
            return Finding::Waiting(done.clone());
        }
        let (sender, receiver) = watch::channel(());
        finding.insert(key.clone(), receiver);
        Finding::First(Finder {
            cache: self,
            key: Some(key.clone()),
            _done: Some(sender),
        })
    }

    /// Keeps a page, unless its catalog is older than one already seen or it alone is larger
    /// than the bound; pages of older catalogs, then the least recently used, make room.
    pub fn insert(&self, key: PageKey, page: Arc<CachedPage>) {
        if !self.enabled() {
            return;
        }
        let bytes = key.bytes() + page.bytes();
        if bytes > self.max_bytes {
            return;
        }
        let Ok(mut pages) = self.pages.lock() else {
            return;
        };
        if key.catalog < pages.newest {
            return;
        }
        if key.catalog > pages.newest {
            pages.newest = key.catalog;
            pages.slots.retain(|k, _| k.catalog == key.catalog);
            pages.bytes = pages.slots.values().map(|s| s.bytes).sum();
        }
        if let Some(old) = pages.slots.remove(&key) {
            pages.bytes -= old.bytes;
        }
        while !pages.slots.is_empty()
            && (pages.slots.len() >= self.max_entries || pages.bytes + bytes > self.max_bytes)
        {
            let Some(oldest) = pages
                .slots
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(gone) = pages.slots.remove(&oldest) {
                pages.bytes -= gone.bytes;
            }
        }
        pages.tick += 1;
        let used = pages.tick;
        pages.bytes += bytes;
        pages.slots.insert(key, Slot { page, bytes, used });
    }

    pub fn stats(&self) -> CacheStats {
        let (entries, bytes) = self
            .pages
            .lock()
            .map(|p| (p.slots.len(), p.bytes))
            .unwrap_or_default();
        CacheStats {
            entries,
            bytes,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::model::Highlights;

    fn query(text: &str, offset: i64) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            shop_id: None,
            category: None,
            vegetarian: None,
            allergen_free: vec!["milk".into(), "gluten".into()],
            limit: 20,
            offset,
        }
    }

    fn key(catalog: i64, text: &str, offset: i64) -> PageKey {
        let q = query(text, offset);
        let mut allergen_free = q.allergen_free.clone();
        allergen_free.sort();
        PageKey {
            catalog,
            tag: "t".into(),
            text: q.text,
            category: None,
            vegetarian: None,
            allergen_free,
            limit: q.limit,
            offset: q.offset,
        }
    }

    fn page(json_len: usize) -> Arc<CachedPage> {
        Arc::new(CachedPage {
            hits: vec![Found {
                product_id: uuid::Uuid::nil(),
                score: 1.0,
                highlights: Highlights {
                    name: Some("<mark>Reine</mark>".into()),
                    ..Highlights::default()
                },
            }],
            facets: Facets::default(),
            total: 1,
            next_cursor: None,
            json: Bytes::from(vec![b' '; json_len]),
        })
    }

    #[test]
    fn the_text_is_taken_as_the_search_takes_it() {
        assert_eq!(normalize_text("  Quatre   FROMAGES "), "quatre fromages");
        assert_eq!(normalize_text("Chèvre\tMiel"), "chèvre miel");
    }

    #[test]
    fn a_page_kept_is_found_again_and_only_for_the_same_search() {
        let cache = PageCache::new(10, 1 << 20);
        cache.insert(key(1, "reine", 0), page(100));
        assert!(cache.get(&key(1, "reine", 0)).is_some());
        assert!(cache.get(&key(1, "reine", 20)).is_none());
        assert!(cache.get(&key(1, "reines", 0)).is_none());
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.entries), (1, 2, 1));
    }

    #[test]
    fn the_cache_never_holds_more_entries_than_its_bound() {
        let cache = PageCache::new(5, 1 << 20);
        for i in 0..100 {
            cache.insert(key(1, &format!("q{i}"), 0), page(10));
            assert!(cache.stats().entries <= 5);
        }
        // The last five are there; the least recently used went first.
        assert!(cache.get(&key(1, "q99", 0)).is_some());
        assert!(cache.get(&key(1, "q95", 0)).is_some());
        assert!(cache.get(&key(1, "q94", 0)).is_none());
        assert!(cache.get(&key(1, "q95", 0)).is_some());
        cache.insert(key(1, "new", 0), page(10));
        // q96 was used least recently of q95..q99.
        assert!(cache.get(&key(1, "q96", 0)).is_none());
        assert!(cache.get(&key(1, "q95", 0)).is_some());
    }

    #[test]
    fn the_cache_never_holds_more_bytes_than_its_bound() {
        let one = key(1, "q0", 0).bytes() + page(1000).bytes();
        let cache = PageCache::new(1000, 3 * one + one / 2);
        for i in 0..50 {
            cache.insert(key(1, &format!("q{i}"), 0), page(1000));
            let stats = cache.stats();
            assert!(stats.bytes <= 3 * one + one / 2, "{stats:?}");
        }
        assert_eq!(cache.stats().entries, 3);
        // A page larger than the whole bound is not kept, and evicts nothing.
        cache.insert(key(1, "huge", 0), page(10 * one));
        assert!(cache.get(&key(1, "huge", 0)).is_none());
        assert_eq!(cache.stats().entries, 3);
    }

    #[test]
    fn a_newer_catalog_drops_the_pages_of_older_ones() {
        let cache = PageCache::new(10, 1 << 20);
        cache.insert(key(1, "reine", 0), page(10));
        cache.insert(key(1, "pizza", 0), page(10));
        cache.insert(key(2, "reine", 0), page(10));
        assert_eq!(cache.stats().entries, 1);
        assert!(cache.get(&key(1, "pizza", 0)).is_none());
        // A search still holding the old catalog does not bring its page back.
        cache.insert(key(1, "pizza", 0), page(10));
        assert!(cache.get(&key(1, "pizza", 0)).is_none());
        assert!(cache.get(&key(2, "reine", 0)).is_some());
        assert_eq!(
            cache.stats().bytes,
            key(2, "reine", 0).bytes() + page(10).bytes()
        );
    }

    #[test]
    fn searches_missing_the_same_page_wait_for_the_first_one() {
        let cache = PageCache::new(10, 1 << 20);
        let Finding::First(first) = cache.finding(&key(1, "pizza", 0)) else {
            panic!("nobody else is finding it");
        };
        let Finding::Waiting(waiting) = cache.finding(&key(1, "pizza", 0)) else {
            panic!("the first one is finding it");
        };
        assert!(matches!(
            cache.finding(&key(1, "pizza", 20)),
            Finding::First(_)
        ));
        assert_eq!(waiting.has_changed().ok(), Some(false));
        cache.insert(key(1, "pizza", 0), page(10));
        drop(first);
        // Released (the sender is gone) and the page is there.
        assert!(waiting.has_changed().is_err());
        assert!(cache.get(&key(1, "pizza", 0)).is_some());
        assert!(matches!(
            cache.finding(&key(1, "pizza", 0)),
            Finding::First(_)
        ));
    }

    #[test]
    fn an_empty_bound_turns_the_cache_off() {
        let cache = PageCache::new(0, 1 << 20);
        cache.insert(key(1, "reine", 0), page(10));
        assert!(cache.get(&key(1, "reine", 0)).is_none());
        assert_eq!(cache.stats(), CacheStats::default());
    }
}
