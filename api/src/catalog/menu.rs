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

use super::read::{load_products, Category, IngredientRow, Product, ProductQuery};
use crate::db;
use crate::error::{AppResult, Problem};
use crate::schema::{categories, ingredients, stock};
use crate::startup::AppState;

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
            size.available = Some(
                !size.recipe.is_empty()
                    && size.recipe.iter().all(|line| {
                        stock.get(&line.ingredient_id).copied().unwrap_or(0)
                            >= i64::from(line.quantity)
                    }),
            );
        }
        product.available = Some(product.sizes.iter().any(|s| s.available == Some(true)));
    }
}

/// The chain-wide part of every menu: what is on sale, with recipes. Loaded once and kept for a
/// short while; the instance that changes the catalog drops its copy at once, the others within
/// [`CATALOG_CACHE_TTL`].
pub struct CatalogSnapshot {
    categories: Vec<Category>,
    products: Vec<Product>,
    extras: Vec<IngredientRow>,
}

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

fn load_snapshot(conn: &mut PgConnection) -> AppResult<CatalogSnapshot> {
    Ok(CatalogSnapshot {
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
    })
}

pub fn build_menu(conn: &mut PgConnection, shop_id: Uuid, cache: &CatalogCache) -> AppResult<Menu> {
    let shop = crate::shops::find_shop(conn, shop_id)?;
    let hours = crate::schema::shop_hours::table
        .filter(crate::schema::shop_hours::shop_id.eq(shop_id))
        .select(crate::shops::OpeningRange::as_select())
        .load(conn)?;
    let stock = shop_stock(conn, shop_id)?;
    let catalog = cache.get(conn)?;
    let mut products = catalog.products.clone();
    for p in &mut products {
        p.currency = shop.currency.clone();
    }
    apply_availability(&mut products, &stock);
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
        .cloned()
        .map(|i| ExtraTopping {
            available: stock.get(&i.id).copied().unwrap_or(0) >= i64::from(i.extra_quantity.max(1)),
            ingredient_id: i.id,
            name: i.name,
            price_cents: i.extra_price_cents,
            allergens: i.allergens.into_iter().flatten().collect(),
            vegetarian: i.vegetarian,
        })
        .collect();
    Ok(Menu {
        shop_id,
        open_now: shop.active && crate::shops::is_open_at(&shop, &hours, chrono::Utc::now()),
        currency: shop.currency,
        categories,
        extras,
    })
}

/// The shop's menu by category, each product and size marked available from the shop's stock.
#[utoipa::path(get, path = "/api/v1/shops/{shop_id}/menu", tag = "catalog",
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Menu", body = Menu),
        (status = 404, description = "No such shop", body = Problem, content_type = "application/problem+json")))]
#[get("/shops/{shop_id}/menu")]
pub async fn shop_menu(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let shop_id = path.into_inner();
    let state2 = state.clone();
    let menu = db::run(&state.pool, move |conn| {
        build_menu(conn, shop_id, &state2.catalog)
    })
    .await?;
    Ok(HttpResponse::Ok().json(menu))
}
