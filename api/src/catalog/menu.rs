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

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::caching::{self, Bounded, Rendered};
use super::loading::{load_products, ProductQuery};
use super::model::{Category, IngredientRow, Product, RecipeLine};
use super::public::{MenuProduct, UnavailableReason};
use crate::db::{self, PgPool};
use crate::error::{AppError, AppResult};
use crate::schema::{categories, ingredients, stock};
use crate::shops::{find_shop, load_schedule, Schedule, Shop};
use crate::state::AppState;

/// The channel the catalog's triggers notify on: `catalog`, or a shop's id.
pub const MENU_CHANNEL: &str = "menu_changes";

/// Shops whose availability one instance keeps (the chain has 5; beyond the cap the least
/// recently read goes).
pub const SHOPS_KEPT: usize = 256;

/// Menu renderings one instance keeps, with their gzip (about 38 KB + 6 KB each).
pub const RENDERINGS_KEPT: usize = 64;

#[derive(Serialize, ToSchema)]
pub struct MenuCategory {
    #[serde(flatten)]
    pub category: Category,
    pub products: Vec<MenuProduct>,
}

/// An ingredient a customer may add to a pizza in this shop.
#[derive(Serialize, ToSchema)]
pub struct ExtraTopping {
    pub ingredient_id: Uuid,
    #[schema(example = "Mozzarella")]
    pub name: String,
    #[schema(example = 150)]
    pub price_cents: i32,
    pub allergens: Vec<String>,
    pub vegetarian: bool,
    /// Whether the shop has enough left for one more portion.
    pub available: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Menu {
    pub shop_id: Uuid,
    #[schema(example = "EUR")]
    pub currency: String,
    pub open_now: bool,
    pub categories: Vec<MenuCategory>,
    pub extras: Vec<ExtraTopping>,
}

/// Ingredient quantities in a shop's stock.
pub fn shop_stock(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<HashMap<Uuid, i64>> {
    Ok(stock::table
        .filter(stock::shop_id.eq(shop_id))
        .select((stock::ingredient_id, stock::quantity))
        .load::<(Uuid, i64)>(conn)?
        .into_iter()
        .collect())
}

/// Marks each size available when the stock holds every ingredient of one item of it, and the
/// product when at least one size is.
pub fn apply_availability(products: &mut [Product], stock: &HashMap<Uuid, i64>) {
    for product in products {
        for size in &mut product.sizes {
            size.available = Some(size_available(&size.recipe, stock));
        }
        product.available = Some(product.sizes.iter().any(|s| s.available == Some(true)));
    }
}

fn size_available(recipe: &[RecipeLine], stock: &HashMap<Uuid, i64>) -> bool {
    !recipe.is_empty()
        && recipe.iter().all(|line| {
            stock.get(&line.ingredient_id).copied().unwrap_or(0) >= i64::from(line.quantity)
        })
}

fn extra_available(extra: &IngredientRow, stock: &HashMap<Uuid, i64>) -> bool {
    stock.get(&extra.id).copied().unwrap_or(0) >= i64::from(extra.extra_quantity.max(1))
}

/// The chain's catalog at one version: every product on sale with its recipes (for availability
/// and staff), its public view, the categories and the extras.
pub struct CatalogSnapshot {
    pub version: i64,
    /// A short digest of the content, the first part of every catalog ETag (a restored database
    /// may reuse a version number, never a content).
    pub tag: String,
    pub categories: Vec<Category>,
    pub products: Vec<Product>,
    /// `products` as customers see them, same order.
    pub public: Vec<MenuProduct>,
    extras: Vec<IngredientRow>,
    /// Position of each product in `products` and `public`, by id.
    index: HashMap<Uuid, usize>,
    checked: Checked,
}

impl CatalogSnapshot {
    pub fn product(&self, id: Uuid) -> Option<&MenuProduct> {
        self.index.get(&id).map(|&i| &self.public[i])
    }

    /// What orders price from: the version (checked again in the order's transaction), the
    /// products on sale with their sizes and recipes, and the extra toppings.
    pub fn version(&self) -> i64 {
        self.version
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn extras(&self) -> &[IngredientRow] {
        &self.extras
    }
}

fn index_of(products: &[Product]) -> HashMap<Uuid, usize> {
    products
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect()
}

/// A pause of a product in a shop; `until` none means until resumed.
#[derive(Clone, Debug)]
pub struct Pause {
    pub product_id: Uuid,
    pub until: Option<DateTime<Utc>>,
}

/// One shop's menu state at one version: what its stock can make and what it paused, against a
/// catalog snapshot. Issue 17's search takes availability from here.
pub struct ShopMenuState {
    pub shop: Shop,
    pub version: i64,
    pub catalog: Arc<CatalogSnapshot>,
    /// Hours and closures: whether it is open is read at each request.
    schedule: Schedule,
    /// Per product of `catalog.products`, per size: whether the stock makes one.
    sizes_in_stock: Vec<Vec<bool>>,
    extras_in_stock: Vec<bool>,
    /// Pauses not ended when loaded, those ending first first (until-resumed ones last).
    pauses: Vec<Pause>,
    checked: Checked,
}

impl ShopMenuState {
    pub fn open_at(&self, at: DateTime<Utc>) -> bool {
        self.shop.active && self.schedule.is_open_at(&self.shop, at)
    }

    /// The pause of this product at `at`, if any.
    pub fn pause_of(&self, product_id: Uuid, at: DateTime<Utc>) -> Option<&Pause> {
        self.pauses
            .iter()
            .find(|p| p.product_id == product_id && p.until.is_none_or(|u| u > at))
    }

    /// How many pauses have ended by `at`: with the version, it says which pauses hold.
    fn pauses_ended(&self, at: DateTime<Utc>) -> usize {
        self.pauses
            .iter()
            .filter(|p| p.until.is_some_and(|u| u <= at))
            .count()
    }

    /// Whether the shop can sell the product now (false for one unknown or withdrawn).
    pub fn product_available(&self, product_id: Uuid, at: DateTime<Utc>) -> bool {
        match self.catalog.index.get(&product_id).copied() {
            Some(i) => {
                self.pause_of(product_id, at).is_none() && self.sizes_in_stock[i].contains(&true)
            }
            None => false,
        }
    }

    /// The catalog's products with this shop's availability at `at`.
    pub fn products(&self, at: DateTime<Utc>) -> Vec<MenuProduct> {
        (0..self.catalog.public.len())
            .map(|i| self.product_at(i, at))
            .collect()
    }

    /// One product on sale with this shop's availability at `at` (none when not on sale).
    pub fn product(&self, id: Uuid, at: DateTime<Utc>) -> Option<MenuProduct> {
        let i = *self.catalog.index.get(&id)?;
        Some(self.product_at(i, at))
    }

    fn product_at(&self, i: usize, at: DateTime<Utc>) -> MenuProduct {
        let in_stock = &self.sizes_in_stock[i];
        let mut p = self.catalog.public[i].clone();
        p.currency = self.shop.currency.clone();
        let pause = self.pause_of(p.id, at);
        for (size, ok) in p.sizes.iter_mut().zip(in_stock) {
            size.available = Some(*ok && pause.is_none());
        }
        let any = in_stock.contains(&true);
        p.available = Some(any && pause.is_none());
        p.unavailable_reason = match (pause, any) {
            (Some(_), _) => Some(UnavailableReason::Paused),
            (None, false) => Some(UnavailableReason::OutOfStock),
            (None, true) => None,
        };
        p.paused_until = pause.and_then(|p| p.until);
        p
    }

    fn menu(&self, at: DateTime<Utc>) -> Menu {
        let mut by_category: HashMap<Uuid, Vec<MenuProduct>> = HashMap::new();
        for p in self.products(at) {
            by_category.entry(p.category_id).or_default().push(p);
        }
        let categories = self
            .catalog
            .categories
            .iter()
            .filter_map(|category| {
                Some(MenuCategory {
                    products: by_category.remove(&category.id)?,
                    category: category.clone(),
                })
            })
            .collect();
        let extras = self
            .catalog
            .extras
            .iter()
            .zip(&self.extras_in_stock)
            .map(|(i, ok)| ExtraTopping {
                available: *ok,
                ingredient_id: i.id,
                name: i.name.clone(),
                price_cents: i.extra_price_cents,
                allergens: i.allergens.iter().flatten().cloned().collect(),
                vegetarian: i.vegetarian,
            })
            .collect();
        Menu {
            shop_id: self.shop.id,
            open_now: self.open_at(at),
            currency: self.shop.currency.clone(),
            categories,
            extras,
        }
    }
}

/// When a copy was last known to match the database: the listener's connection it was checked
/// under and the count of notifications seen before that check.
#[derive(Clone, Copy, Debug)]
struct Checked {
    connection: u64,
    seen: u64,
}

/// What the listener thread tells the readers.
#[derive(Default)]
struct Signals {
    connected: AtomicBool,
    /// Increases at each (re)connection: copies checked under an older one must be checked again.
    connection: AtomicU64,
    /// Notifications seen so far.
    seen: AtomicU64,
    /// When the catalog last changed, in `seen`'s count.
    catalog_changed: AtomicU64,
    /// When each shop last changed; bounded: past the cap it is cleared and `all_changed` moves.
    shops_changed: Mutex<HashMap<Uuid, u64>>,
    all_changed: AtomicU64,
}

impl Signals {
    fn now(&self) -> Checked {
        Checked {
            connection: if self.connected.load(Ordering::SeqCst) {
                self.connection.load(Ordering::SeqCst)
            } else {
                0
            },
            seen: self.seen.load(Ordering::SeqCst),
        }
    }

    /// Whether nothing of `shop` (or of the catalog when `None`) changed since `checked`.
    fn vouches(&self, checked: Checked, shop: Option<Uuid>) -> bool {
        if checked.connection == 0
            || !self.connected.load(Ordering::SeqCst)
            || self.connection.load(Ordering::SeqCst) != checked.connection
            || self.catalog_changed.load(Ordering::SeqCst) > checked.seen
            || self.all_changed.load(Ordering::SeqCst) > checked.seen
        {
            return false;
        }
        match shop {
            None => true,
            Some(id) => self
                .shops_changed
                .lock()
                .map(|m| m.get(&id).is_none_or(|at| *at <= checked.seen))
                .unwrap_or(false),
        }
    }

    fn changed(&self, payload: &str) {
        let at = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        if payload == "catalog" {
            self.catalog_changed.store(at, Ordering::SeqCst);
            return;
        }
        match (Uuid::parse_str(payload), self.shops_changed.lock()) {
            (Ok(id), Ok(mut shops)) => {
                if shops.len() >= SHOPS_KEPT && !shops.contains_key(&id) {
                    shops.clear();
                    self.all_changed.store(at, Ordering::SeqCst);
                }
                shops.insert(id, at);
            }
            _ => self.all_changed.store(at, Ordering::SeqCst),
        }
    }
}

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

#[derive(QueryableByName)]
struct Versions {
    #[diesel(sql_type = sql_types::BigInt)]
    catalog: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::BigInt>)]
    shop: Option<i64>,
}

fn versions(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Versions> {
    Ok(diesel::sql_query(
        "SELECT (SELECT version FROM catalog_version) AS catalog,
                (SELECT version FROM shop_menu_versions WHERE shop_id = $1) AS shop",
    )
    .bind::<sql_types::Uuid, _>(shop_id)
    .get_result(conn)?)
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

fn clone_snapshot(s: &CatalogSnapshot) -> CatalogSnapshot {
    CatalogSnapshot {
        version: s.version,
        tag: s.tag.clone(),
        categories: s.categories.clone(),
        products: s.products.clone(),
        public: s.public.clone(),
        extras: s.extras.clone(),
        index: s.index.clone(),
        checked: s.checked,
    }
}

/// Loads the catalog and its version as of one moment (one repeatable-read transaction).
fn load_snapshot(conn: &mut PgConnection, checked: Checked) -> AppResult<CatalogSnapshot> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            let version: i64 = diesel::sql_query(
                "SELECT version AS catalog, NULL::bigint AS shop FROM catalog_version",
            )
            .get_result::<Versions>(conn)?
            .catalog;
            let products = load_products(conn, &ProductQuery::default())?;
            let categories = categories::table
                .order((categories::position, categories::name))
                .select(Category::as_select())
                .load(conn)?;
            let extras = ingredients::table
                .filter(ingredients::can_be_extra.eq(true))
                .order(ingredients::name)
                .select(IngredientRow::as_select())
                .load(conn)?;
            let public: Vec<MenuProduct> = products.iter().map(MenuProduct::from_product).collect();
            let tag = caching::digest(&[
                &serde_json::to_vec(&public).map_err(AppError::internal)?,
                &serde_json::to_vec(&categories).map_err(AppError::internal)?,
                format!("{version}").as_bytes(),
            ]);
            Ok(CatalogSnapshot {
                version,
                tag,
                categories,
                index: index_of(&products),
                products,
                public,
                extras,
                checked,
            })
        })
}

#[derive(QueryableByName)]
struct PauseRow {
    #[diesel(sql_type = sql_types::Uuid)]
    product_id: Uuid,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Timestamptz>)]
    until: Option<DateTime<Utc>>,
}

/// Pauses of the shop not ended yet, those ending first first.
pub fn shop_pauses(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Vec<Pause>> {
    Ok(diesel::sql_query(
        "SELECT product_id, until FROM product_pauses
         WHERE shop_id = $1 AND (until IS NULL OR until > now()) ORDER BY until NULLS LAST, product_id",
    )
    .bind::<sql_types::Uuid, _>(shop_id)
    .load::<PauseRow>(conn)?
    .into_iter()
    .map(|r| Pause {
        product_id: r.product_id,
        until: r.until,
    })
    .collect())
}

fn load_shop_state(
    conn: &mut PgConnection,
    shop_id: Uuid,
    catalog: Arc<CatalogSnapshot>,
    checked: Checked,
) -> AppResult<ShopMenuState> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            let v = versions(conn, shop_id)?;
            let shop = find_shop(conn, shop_id)?;
            let schedule = load_schedule(conn, shop_id)?;
            let stock = shop_stock(conn, shop_id)?;
            Ok(ShopMenuState {
                version: v.shop.unwrap_or(0),
                sizes_in_stock: catalog
                    .products
                    .iter()
                    .map(|p| {
                        p.sizes
                            .iter()
                            .map(|s| size_available(&s.recipe, &stock))
                            .collect()
                    })
                    .collect(),
                extras_in_stock: catalog
                    .extras
                    .iter()
                    .map(|e| extra_available(e, &stock))
                    .collect(),
                pauses: shop_pauses(conn, shop_id)?,
                schedule,
                shop,
                catalog: catalog.clone(),
                checked,
            })
        })
}

/// The listener's side of the cache: the signals, the connection that LISTENs, and the rounds
/// that make a read see every change committed before it began.
struct Shared {
    signals: Signals,
    /// Held by the background thread to poll and to run the rounds, by reads to drain it.
    listener: Mutex<Option<PgConnection>>,
    /// A round is one round trip on the listening connection: PostgreSQL sends a listener every
    /// notification committed before it answers, so after a round that began once a read had
    /// arrived, the signals hold every change committed before that read. One round serves
    /// every read waiting for it: under load, many reads share one round trip.
    rounds_started: AtomicU64,
    rounds_wanted: AtomicU64,
    round_done: tokio::sync::watch::Sender<u64>,
    wake: (Mutex<()>, std::sync::Condvar),
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            signals: Signals::default(),
            listener: Mutex::new(None),
            rounds_started: AtomicU64::new(0),
            rounds_wanted: AtomicU64::new(0),
            round_done: tokio::sync::watch::Sender::new(0),
            wake: (Mutex::new(()), std::sync::Condvar::new()),
        }
    }
}

/// How long a read waits for its round before asking the database itself.
const ROUND_PATIENCE: Duration = Duration::from_millis(500);

impl Shared {
    /// Takes in the notifications already arrived (a non-blocking read of the socket).
    fn drain(&self) {
        let Ok(mut slot) = self.listener.lock() else {
            return;
        };
        Self::drain_slot(&self.signals, &mut slot);
    }

    fn drain_slot(signals: &Signals, slot: &mut Option<PgConnection>) {
        let Some(conn) = slot.as_mut() else {
            return;
        };
        let mut lost = false;
        for notification in conn.notifications_iter() {
            match notification {
                Ok(n) => signals.changed(&n.payload),
                Err(e) => {
                    tracing::warn!(error = %e, "menu changes: connection lost, reconnecting");
                    lost = true;
                    break;
                }
            }
        }
        if lost {
            signals.connected.store(false, Ordering::SeqCst);
            *slot = None;
        }
    }

    /// Runs one round: a round trip on the listening connection, then what it brought.
    fn round(&self) {
        let round = self.rounds_started.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(mut slot) = self.listener.lock() {
            if let Some(conn) = slot.as_mut() {
                if let Err(e) = diesel::sql_query("SELECT 1").execute(conn) {
                    tracing::warn!(error = %e, "menu changes: connection lost, reconnecting");
                    self.signals.connected.store(false, Ordering::SeqCst);
                    *slot = None;
                }
            }
            Self::drain_slot(&self.signals, &mut slot);
        }
        self.round_done.send_replace(round);
    }

    /// Waits for a round begun after this call; false when none came in time (listener down).
    async fn caught_up(&self) -> bool {
        if !self.signals.connected.load(Ordering::SeqCst) {
            return false;
        }
        let target = self.rounds_started.load(Ordering::SeqCst) + 1;
        let mut done = self.round_done.subscribe();
        if self.rounds_wanted.fetch_max(target, Ordering::SeqCst) < target {
            let _guard = self.wake.0.lock();
            self.wake.1.notify_one();
        }
        let waited = tokio::time::timeout(ROUND_PATIENCE, done.wait_for(|d| *d >= target))
            .await
            .is_ok_and(|r| r.is_ok());
        waited
    }

    /// The background thread's wait: until a read wants a round, at most 20 ms.
    fn wait_for_work(&self) {
        let Ok(guard) = self.wake.0.lock() else {
            return;
        };
        if self.rounds_wanted.load(Ordering::SeqCst) > *self.round_done.borrow() {
            return;
        }
        let _ = self.wake.1.wait_timeout(guard, Duration::from_millis(20));
    }
}

/// Keeps the listening connection up, runs the rounds reads ask for, and drains it every 20 ms
/// otherwise.
fn listen(database_url: String, shared: Weak<Shared>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let Some(s) = shared.upgrade() else {
            return;
        };
        let connected = s.listener.lock().map(|c| c.is_some()).unwrap_or(false);
        if connected {
            if s.rounds_wanted.load(Ordering::SeqCst) > *s.round_done.borrow() {
                s.round();
            } else {
                s.drain();
                s.wait_for_work();
            }
            continue;
        }
        s.signals.connected.store(false, Ordering::SeqCst);
        drop(s);
        let conn = PgConnection::establish(&database_url)
            .map_err(|e| e.to_string())
            .and_then(|mut conn| {
                diesel::sql_query(format!("LISTEN {MENU_CHANNEL}"))
                    .execute(&mut conn)
                    .map(|_| conn)
                    .map_err(|e| e.to_string())
            });
        match conn {
            Ok(conn) => {
                backoff = Duration::from_millis(200);
                let Some(s) = shared.upgrade() else {
                    return;
                };
                let slot = s.listener.lock();
                if let Ok(mut slot) = slot {
                    *slot = Some(conn);
                    // Copies checked before now are checked again once (one version query each).
                    s.signals.connection.fetch_add(1, Ordering::SeqCst);
                    s.signals.connected.store(true, Ordering::SeqCst);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "menu changes: cannot listen, retrying");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_heard_for_one_shop_leaves_the_others_trusted() {
        let signals = Signals::default();
        signals.connection.store(1, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let checked = signals.now();
        assert!(signals.vouches(checked, Some(a)));
        signals.changed(&a.to_string());
        assert!(!signals.vouches(checked, Some(a)));
        assert!(signals.vouches(checked, Some(b)));
        assert!(signals.vouches(checked, None));
        // Checked again after the change: trusted again.
        assert!(signals.vouches(signals.now(), Some(a)));
        signals.changed("catalog");
        assert!(!signals.vouches(checked, Some(b)));
        assert!(!signals.vouches(checked, None));
    }

    #[test]
    fn nothing_is_trusted_without_the_listener_or_across_a_reconnection() {
        let signals = Signals::default();
        let shop = Uuid::new_v4();
        assert!(!signals.vouches(signals.now(), Some(shop)));
        signals.connection.store(1, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        let checked = signals.now();
        assert!(signals.vouches(checked, Some(shop)));
        signals.connected.store(false, Ordering::SeqCst);
        assert!(!signals.vouches(checked, Some(shop)));
        signals.connection.store(2, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        assert!(!signals.vouches(checked, Some(shop)));
    }

    #[test]
    fn the_changes_remembered_stay_bounded() {
        let signals = Signals::default();
        signals.connection.store(1, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        let checked = signals.now();
        for _ in 0..(SHOPS_KEPT * 4) {
            signals.changed(&Uuid::new_v4().to_string());
        }
        assert!(signals.shops_changed.lock().unwrap().len() <= SHOPS_KEPT);
        // Forgetting which shop changed makes every copy checked before suspect, never trusted.
        assert!(!signals.vouches(checked, Some(Uuid::new_v4())));
    }
}
