//! A shop's menu: the catalog with each product's and size's availability from the shop's stock
//! and the products paused there, plus the extra toppings it can add right now.
//!
//! Each instance keeps, in a [`CatalogCache`], the chain's catalog and each shop's availability,
//! and trusts them until PostgreSQL says they moved: triggers bump `catalog_version` and
//! `shop_menu_versions` in the transaction of every change (catalog edit, stock crossing a level a
//! recipe needs, order or cancel moving such stock, pause, shop, hours or closure change) and `NOTIFY
//! menu_changes`, which the listening connection here turns into "this shop changed". Before
//! trusting its copy, an HTTP read waits for one round trip on that listening connection begun
//! after it arrived (`SELECT 1`, shared by every read waiting at that moment): PostgreSQL delivers
//! a listener every notification committed before it answers, so a change committed anywhere
//! before the read began is always seen by it. No query touches the pool or a table while
//! nothing changed; one cheap version query when the listener cannot vouch for the copy (not
//! connected yet, reconnected since). Renderings are kept by (catalog, shop,
//! version, open now, pauses ended) in a small bounded cache, with their gzip, and carry an ETag
//! made of the same key: `If-None-Match` is answered 304 without rendering anything.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::caching::{self, Bounded, Rendered};
use super::freshness::{listen, Checked, Shared};
pub use super::freshness::{MENU_CHANNEL, SHOPS_KEPT};
pub use super::shop_state::{
    apply_availability, shop_pauses, shop_stock, CatalogSnapshot, ExtraTopping, Menu, MenuCategory,
    Pause, ShopMenuState,
};
use super::shop_state::{clone_snapshot, load_shop_state, load_snapshot, versions, Versions};
use crate::db::{self, PgPool};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Menu renderings one instance keeps, with their gzip (about 38 KB + 6 KB each).
pub const RENDERINGS_KEPT: usize = 64;

/// Ingredient quantities in a shop's stock.
#[derive(Hash, PartialEq, Eq, Clone, Copy)]
struct RenderKey {
    catalog: i64,
    shop: Uuid,
    version: i64,
    open: bool,
    pauses_ended: usize,
}

/// The catalog and each shop's menu state, kept per instance and trusted while the database's
/// notifications say nothing moved.
pub struct CatalogCache {
    shared: Arc<Shared>,
    catalog: Mutex<Option<Arc<CatalogSnapshot>>>,
    shops: Mutex<Bounded<Uuid, Arc<ShopMenuState>>>,
    rendered: Mutex<Bounded<RenderKey, Arc<Rendered>>>,
}

impl Default for CatalogCache {
    /// A cache without listener: every read checks the versions (one cheap query).
    fn default() -> Self {
        CatalogCache {
            shared: Arc::default(),
            catalog: Mutex::new(None),
            shops: Mutex::new(Bounded::new(SHOPS_KEPT)),
            rendered: Mutex::new(Bounded::new(RENDERINGS_KEPT)),
        }
    }
}

impl CatalogCache {
    /// A cache whose listener thread follows `menu_changes`; it stops once the cache is dropped.
    pub fn start(database_url: String) -> Arc<CatalogCache> {
        let cache = Arc::new(CatalogCache::default());
        let shared = Arc::downgrade(&cache.shared);
        let spawned = std::thread::Builder::new()
            .name("menu-changes".into())
            .spawn(move || listen(database_url, shared));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the menu changes listener");
        }
        cache
    }

    /// Drops this instance's catalog at once (the others hear of it from the database).
    pub fn invalidate(&self) {
        if let Ok(mut c) = self.catalog.lock() {
            *c = None;
        }
    }

    /// Drops this instance's copy of a shop's state at once, after a change made here.
    pub fn forget_shop(&self, shop_id: Uuid) {
        if let Ok(mut shops) = self.shops.lock() {
            shops.remove(&shop_id);
        }
    }

    /// How many renderings are kept (bounded by [`RENDERINGS_KEPT`]).
    pub fn renderings_kept(&self) -> usize {
        self.rendered.lock().map(|r| r.len()).unwrap_or(0)
    }

    /// Whether the listener is connected: reads are then answered without any query.
    pub fn listening(&self) -> bool {
        self.shared.signals.connected.load(Ordering::SeqCst)
    }

    fn kept_catalog(&self) -> Option<Arc<CatalogSnapshot>> {
        self.catalog.lock().ok().and_then(|c| c.clone())
    }

    fn kept_shop(&self, shop_id: Uuid) -> Option<Arc<ShopMenuState>> {
        self.shops.lock().ok().and_then(|mut s| s.get(&shop_id))
    }

    /// The catalog when the listener vouches for the copy kept: no query.
    pub fn fresh_catalog(&self) -> Option<Arc<CatalogSnapshot>> {
        self.shared.drain();
        self.kept_catalog()
            .filter(|c| self.shared.signals.vouches(c.checked, None))
    }

    /// The shop's menu state when the listener vouches for the copy kept: no query.
    pub fn fresh_shop_view(&self, shop_id: Uuid) -> Option<Arc<ShopMenuState>> {
        self.shared.drain();
        // A shop's check covers the catalog too (a catalog change voids every shop's).
        self.kept_shop(shop_id)
            .filter(|s| self.shared.signals.vouches(s.checked, Some(shop_id)))
    }

    /// The current catalog: the copy kept when still good (one cheap query when the listener
    /// cannot vouch for it), else loaded again.
    pub fn catalog(&self, conn: &mut PgConnection) -> AppResult<Arc<CatalogSnapshot>> {
        if let Some(c) = self.fresh_catalog() {
            return Ok(c);
        }
        let checked = self.shared.signals.now();
        let version: i64 = diesel::sql_query(
            "SELECT version AS catalog, NULL::bigint AS shop FROM catalog_version",
        )
        .get_result::<Versions>(conn)?
        .catalog;
        self.catalog_at(conn, version, checked)
    }

    fn catalog_at(
        &self,
        conn: &mut PgConnection,
        version: i64,
        checked: Checked,
    ) -> AppResult<Arc<CatalogSnapshot>> {
        let snapshot = match self.kept_catalog().filter(|c| c.version == version) {
            Some(kept) => Arc::new(CatalogSnapshot {
                checked,
                ..clone_snapshot(&kept)
            }),
            None => Arc::new(load_snapshot(conn, checked)?),
        };
        if let Ok(mut c) = self.catalog.lock() {
            *c = Some(snapshot.clone());
        }
        Ok(snapshot)
    }

    /// The shop's menu state, current: no query while the listener vouches for the copy kept,
    /// one cheap version query otherwise, and the shop's state (and the catalog) loaded again
    /// only when a version moved. Unknown shop: 404.
    pub fn shop_view(
        &self,
        conn: &mut PgConnection,
        shop_id: Uuid,
    ) -> AppResult<Arc<ShopMenuState>> {
        if let Some(view) = self.fresh_shop_view(shop_id) {
            return Ok(view);
        }
        let checked = self.shared.signals.now();
        let v = versions(conn, shop_id)?;
        let Some(shop_version) = v.shop else {
            return Err(AppError::not_found("shop"));
        };
        let catalog = match self.fresh_catalog().filter(|c| c.version == v.catalog) {
            Some(c) => c,
            None => self.catalog_at(conn, v.catalog, checked)?,
        };
        let kept = self
            .kept_shop(shop_id)
            .filter(|s| s.version == shop_version && s.catalog.version == catalog.version);
        let view = match kept {
            Some(s) => Arc::new(ShopMenuState {
                shop: s.shop.clone(),
                version: s.version,
                catalog,
                schedule: s.schedule.clone(),
                sizes_in_stock: s.sizes_in_stock.clone(),
                extras_in_stock: s.extras_in_stock.clone(),
                pauses: s.pauses.clone(),
                checked,
            }),
            None => Arc::new(load_shop_state(conn, shop_id, catalog, checked)?),
        };
        if let Ok(mut shops) = self.shops.lock() {
            shops.insert(shop_id, view.clone());
        }
        Ok(view)
    }

    /// [`shop_view`](Self::shop_view) from a handler: the pool is not even touched while the copy
    /// kept is vouched for.
    pub async fn shop_view_async(
        self: Arc<Self>,
        pool: &PgPool,
        shop_id: Uuid,
    ) -> AppResult<Arc<ShopMenuState>> {
        if self.shared.caught_up().await {
            if let Some(view) = self.fresh_shop_view(shop_id) {
                return Ok(view);
            }
        }
        db::run(pool, move |conn| self.shop_view(conn, shop_id)).await
    }

    /// For a handler reading the catalog and, when `shop_id` names one, that shop's menu state:
    /// both as [`shop_view_async`](Self::shop_view_async) and
    /// [`catalog_async`](Self::catalog_async) give them (the shop's catalog is the one answered).
    /// A shop that does not exist is `None`, left for the caller to name.
    pub async fn shop_and_catalog(
        self: Arc<Self>,
        pool: &PgPool,
        shop_id: Option<Uuid>,
    ) -> AppResult<(Option<Arc<ShopMenuState>>, Arc<CatalogSnapshot>)> {
        let shop = match shop_id {
            None => None,
            Some(id) => match self.clone().shop_view_async(pool, id).await {
                Ok(view) => Some(view),
                Err(AppError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
        };
        let catalog = match &shop {
            Some(view) => view.catalog.clone(),
            None => self.catalog_async(pool).await?,
        };
        Ok((shop, catalog))
    }

    /// [`catalog`](Self::catalog) from a handler.
    pub async fn catalog_async(self: Arc<Self>, pool: &PgPool) -> AppResult<Arc<CatalogSnapshot>> {
        if self.shared.caught_up().await {
            if let Some(c) = self.fresh_catalog() {
                return Ok(c);
            }
        }
        db::run(pool, move |conn| self.catalog(conn)).await
    }

    /// The shop's menu as of `at`, rendered once per (catalog, shop version, open, pauses
    /// ended) and kept.
    fn rendering(&self, view: &ShopMenuState, at: DateTime<Utc>) -> AppResult<Arc<Rendered>> {
        let key = RenderKey {
            catalog: view.catalog.version,
            shop: view.shop.id,
            version: view.version,
            open: view.open_at(at),
            pauses_ended: view.pauses_ended(at),
        };
        if let Some(r) = self.rendered.lock().ok().and_then(|mut r| r.get(&key)) {
            return Ok(r);
        }
        let json = serde_json::to_vec(&view.menu(at)).map_err(AppError::internal)?;
        let rendered = Arc::new(Rendered::new(menu_etag(view, &key), Bytes::from(json)));
        if let Ok(mut r) = self.rendered.lock() {
            r.insert(key, rendered.clone());
        }
        Ok(rendered)
    }
}

fn menu_etag(view: &ShopMenuState, key: &RenderKey) -> String {
    format!(
        "\"m{}-{}-{}-{}\"",
        view.catalog.tag,
        key.version,
        u8::from(key.open),
        key.pauses_ended
    )
}

/// The shop's menu by category: each product and size marked available from the shop's stock
/// and pauses, with the extras it can add now. No recipe quantities or steps. Revalidate with the
/// `ETag` (`If-None-Match` → 304); gzip when asked (`Accept-Encoding`).
#[utoipa::path(get, tag = "catalog",
    params(("shop_id" = Uuid, Path, description = "Shop id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag of this menu seen before")),
    responses(
        (status = 200, description = "Menu", body = Menu,
            headers(("ETag" = String), ("Cache-Control" = String, description = "`public, no-cache`: keep, revalidate before use"))),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 404, description = "No such shop")))]
#[get("/shops/{shop_id}/menu")]
pub async fn shop_menu(
    req: HttpRequest,
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let shop_id = path.into_inner();
    let cache = catalog.into_inner();
    let view = cache.clone().shop_view_async(&state.pool, shop_id).await?;
    let now = Utc::now();
    let rendered = cache.rendering(&view, now)?;
    Ok(caching::answer(&req, &rendered))
}

/// A menu rendering ready to send (tests and benchmarks read it without HTTP).
pub fn menu_json(conn: &mut PgConnection, shop_id: Uuid, cache: &CatalogCache) -> AppResult<Bytes> {
    let view = cache.shop_view(conn, shop_id)?;
    Ok(cache.rendering(&view, Utc::now())?.json.clone())
}
