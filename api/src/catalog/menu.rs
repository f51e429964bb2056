//! A shop's menu: the catalog with each product's and size's availability computed from the
//! shop's ingredient stock, plus the extra toppings it can add right now.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::loading::{load_products, ProductQuery};
use super::model::{Category, IngredientRow, Product, RecipeLine};
use crate::db;
use crate::error::AppResult;
use crate::schema::{categories, ingredients, stock};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct MenuCategory {
    #[serde(flatten)]
    pub category: Category,
    pub products: Vec<Product>,
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

/// The chain-wide part of every menu: what is on sale, with recipes. Loaded once and kept for a
/// short while; the instance that changes the catalog drops its copy at once, the others within
/// [`CATALOG_CACHE_TTL`].
pub struct CatalogSnapshot {
    /// The catalog's version (`catalog_version`) read before the rest: the data is at least this
    /// recent, so an order priced from it checks this number in its transaction.
    version: i64,
    categories: Vec<Category>,
    products: Vec<Product>,
    extras: Vec<IngredientRow>,
    /// Menus already serialised from this snapshot, by shop, open-ness and availability: most
    /// requests find theirs here, since availability changes far less often than stock.
    rendered: std::sync::Mutex<HashMap<RenderKey, actix_web::web::Bytes>>,
}

#[derive(Hash, PartialEq, Eq)]
struct RenderKey {
    shop_id: Uuid,
    open: bool,
    available: Vec<bool>,
}

const RENDERED_MENUS_KEPT: usize = 512;

pub const CATALOG_CACHE_TTL: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct CatalogCache {
    current: RwLock<Option<(Instant, Arc<CatalogSnapshot>)>>,
}

impl CatalogCache {
    pub fn get(&self, conn: &mut PgConnection) -> AppResult<Arc<CatalogSnapshot>> {
        if let Ok(guard) = self.current.read() {
            if let Some((loaded, snapshot)) = guard.as_ref() {
                if loaded.elapsed() < CATALOG_CACHE_TTL {
                    return Ok(snapshot.clone());
                }
            }
        }
        let snapshot = Arc::new(load_snapshot(conn)?);
        if let Ok(mut guard) = self.current.write() {
            *guard = Some((Instant::now(), snapshot.clone()));
        }
        Ok(snapshot)
    }

    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.current.write() {
            *guard = None;
        }
    }
}

/// What orders price from: the version and the products on sale (with their sizes and recipes)
/// and the extra toppings.
impl CatalogSnapshot {
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

fn load_snapshot(conn: &mut PgConnection) -> AppResult<CatalogSnapshot> {
    Ok(CatalogSnapshot {
        version: crate::schema::catalog_version::table
            .select(crate::schema::catalog_version::version)
            .first(conn)?,
        products: load_products(conn, &ProductQuery::default())?,
        categories: categories::table
            .order((categories::position, categories::name))
            .select(Category::as_select())
            .load(conn)?,
        extras: ingredients::table
            .filter(ingredients::can_be_extra.eq(true))
            .order(ingredients::name)
            .select(IngredientRow::as_select())
            .load(conn)?,
        rendered: Default::default(),
    })
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

/// The shop's menu as JSON bytes, served from the snapshot's rendered menus when the shop's
/// availability is one already seen.
pub fn menu_json(
    conn: &mut PgConnection,
    shop_id: Uuid,
    cache: &CatalogCache,
) -> AppResult<actix_web::web::Bytes> {
    let shop = crate::shops::find_shop(conn, shop_id)?;
    let hours = crate::schema::shop_hours::table
        .filter(crate::schema::shop_hours::shop_id.eq(shop_id))
        .select(crate::shops::OpeningRange::as_select())
        .load(conn)?;
    let stock = shop_stock(conn, shop_id)?;
    let catalog = cache.get(conn)?;
    let open = shop.active && crate::shops::is_open_at(&shop, &hours, chrono::Utc::now());
    let available: Vec<bool> = catalog
        .products
        .iter()
        .flat_map(|p| p.sizes.iter().map(|s| size_available(&s.recipe, &stock)))
        .chain(catalog.extras.iter().map(|e| extra_available(e, &stock)))
        .collect();
    let key = RenderKey {
        shop_id,
        open,
        available,
    };
    if let Some(bytes) = catalog
        .rendered
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned())
    {
        return Ok(bytes);
    }
    let menu = assemble(&catalog, &shop, open, &stock);
    let bytes = actix_web::web::Bytes::from(
        serde_json::to_vec(&menu).map_err(crate::error::AppError::internal)?,
    );
    if let Ok(mut rendered) = catalog.rendered.lock() {
        if rendered.len() >= RENDERED_MENUS_KEPT {
            rendered.clear();
        }
        rendered.insert(key, bytes.clone());
    }
    Ok(bytes)
}

fn assemble(
    catalog: &CatalogSnapshot,
    shop: &crate::shops::Shop,
    open: bool,
    stock: &HashMap<Uuid, i64>,
) -> Menu {
    let mut products = catalog.products.clone();
    for p in &mut products {
        p.currency = shop.currency.clone();
    }
    apply_availability(&mut products, stock);
    let mut by_category: HashMap<Uuid, Vec<Product>> = HashMap::new();
    for p in products {
        by_category.entry(p.category_id).or_default().push(p);
    }
    let categories = catalog
        .categories
        .iter()
        .filter_map(|category| {
            let products = by_category.remove(&category.id)?;
            Some(MenuCategory {
                category: category.clone(),
                products,
            })
        })
        .collect();
    let extras = catalog
        .extras
        .iter()
        .map(|i| ExtraTopping {
            available: extra_available(i, stock),
            ingredient_id: i.id,
            name: i.name.clone(),
            price_cents: i.extra_price_cents,
            allergens: i.allergens.iter().flatten().cloned().collect(),
            vegetarian: i.vegetarian,
        })
        .collect();
    Menu {
        shop_id: shop.id,
        open_now: open,
        currency: shop.currency.clone(),
        categories,
        extras,
    }
}

/// The shop's menu by category, each product and size marked available from the shop's stock.
#[utoipa::path(get, tag = "catalog",
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Menu", body = Menu),
        (status = 404, description = "No such shop")))]
#[get("/shops/{shop_id}/menu")]
pub async fn shop_menu(
    state: web::Data<AppState>,
    catalog: web::Data<CatalogCache>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let shop_id = path.into_inner();
    let menu = db::run(&state.pool, move |conn| menu_json(conn, shop_id, &catalog)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(menu))
}
