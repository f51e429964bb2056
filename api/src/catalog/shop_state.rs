//! What the catalog cache holds: the chain's catalog as one snapshot (products, their public
//! form, categories, extras, an index by id, its version) and each shop's menu state (stock per
//! size and extra, pauses, opening schedule, its version), each loaded in one repeatable-read
//! transaction.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::caching::{self};
use super::loading::{load_products, ProductQuery};
use super::model::{Category, IngredientRow, Product, RecipeLine};
use super::public::{MenuProduct, UnavailableReason};
use crate::error::{AppError, AppResult};
use crate::schema::{categories, ingredients, stock};
use crate::shops::{find_shop, load_schedule, Schedule, Shop};

use super::freshness::Checked;

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

pub(super) fn size_available(recipe: &[RecipeLine], stock: &HashMap<Uuid, i64>) -> bool {
    !recipe.is_empty()
        && recipe.iter().all(|line| {
            stock.get(&line.ingredient_id).copied().unwrap_or(0) >= i64::from(line.quantity)
        })
}

pub(super) fn extra_available(extra: &IngredientRow, stock: &HashMap<Uuid, i64>) -> bool {
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
    pub(super) extras: Vec<IngredientRow>,
    /// Position of each product in `products` and `public`, by id.
    pub(super) index: HashMap<Uuid, usize>,
    pub(super) checked: Checked,
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

pub(super) fn index_of(products: &[Product]) -> HashMap<Uuid, usize> {
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

/// A product paused in a shop, as an order refused for it names it.
#[derive(QueryableByName, Clone, Debug)]
pub struct PausedProduct {
    #[diesel(sql_type = sql_types::Uuid)]
    pub product_id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Timestamptz>)]
    pub until: Option<DateTime<Utc>>,
}

/// One shop's menu state at one version: what its stock can make and what it paused, against a
/// catalog snapshot. Issue 17's search takes availability from here.
pub struct ShopMenuState {
    pub shop: Shop,
    pub version: i64,
    pub catalog: Arc<CatalogSnapshot>,
    /// Hours and closures: whether it is open is read at each request.
    pub(super) schedule: Schedule,
    /// Per product of `catalog.products`, per size: whether the stock makes one.
    pub(super) sizes_in_stock: Vec<Vec<bool>>,
    pub(super) extras_in_stock: Vec<bool>,
    /// Pauses not ended when loaded, those ending first first (until-resumed ones last).
    pub(super) pauses: Vec<Pause>,
    pub(super) checked: Checked,
}

impl ShopMenuState {
    pub fn open_at(&self, at: DateTime<Utc>) -> bool {
        self.shop.active && self.schedule.is_open_at(&self.shop, at)
    }

    /// Its hours and closures.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The products of `lines` (index in a request, product) paused at `at`, named as the
    /// catalog names them.
    pub fn paused_among(&self, lines: &[(usize, Uuid)], at: DateTime<Utc>) -> Vec<PausedProduct> {
        let mut paused: Vec<PausedProduct> = Vec::new();
        for (_, id) in lines {
            if paused.iter().any(|p| p.product_id == *id) {
                continue;
            }
            if let Some(pause) = self.pause_of(*id, at) {
                paused.push(PausedProduct {
                    product_id: *id,
                    name: self
                        .catalog
                        .product(*id)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    until: pause.until,
                });
            }
        }
        paused
    }

    /// The pause of this product at `at`, if any.
    pub fn pause_of(&self, product_id: Uuid, at: DateTime<Utc>) -> Option<&Pause> {
        self.pauses
            .iter()
            .find(|p| p.product_id == product_id && p.until.is_none_or(|u| u > at))
    }

    /// How many pauses have ended by `at`: with the version, it says which pauses hold.
    pub(super) fn pauses_ended(&self, at: DateTime<Utc>) -> usize {
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

    pub(super) fn product_at(&self, i: usize, at: DateTime<Utc>) -> MenuProduct {
        let in_stock = &self.sizes_in_stock[i];
        let mut p = self.catalog.public[i].clone();
        p.currency = Some(self.shop.currency.clone());
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

    pub(super) fn menu(&self, at: DateTime<Utc>) -> Menu {
        // Under their category, without what the menu says once (its currency) or the category
        // says (its id), nor the full-size picture (the menu rendition is what a menu shows).
        let mut by_category: HashMap<Option<Uuid>, Vec<MenuProduct>> = HashMap::new();
        for mut p in self.products(at) {
            let category = p.category_id.take();
            p.currency = None;
            p.image_url = None;
            by_category.entry(category).or_default().push(p);
        }
        let categories = self
            .catalog
            .categories
            .iter()
            .filter_map(|category| {
                Some(MenuCategory {
                    products: by_category.remove(&Some(category.id))?,
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

#[derive(QueryableByName)]
pub(super) struct Versions {
    #[diesel(sql_type = sql_types::BigInt)]
    pub(super) catalog: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::BigInt>)]
    pub(super) shop: Option<i64>,
}

pub(super) fn versions(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Versions> {
    Ok(diesel::sql_query(
        "SELECT (SELECT version FROM catalog_version) AS catalog,
                (SELECT version FROM shop_menu_versions WHERE shop_id = $1) AS shop",
    )
    .bind::<sql_types::Uuid, _>(shop_id)
    .get_result(conn)?)
}

pub(super) fn clone_snapshot(s: &CatalogSnapshot) -> CatalogSnapshot {
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
pub(super) fn load_snapshot(
    conn: &mut PgConnection,
    checked: Checked,
) -> AppResult<CatalogSnapshot> {
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
pub(super) struct PauseRow {
    #[diesel(sql_type = sql_types::Uuid)]
    pub(super) product_id: Uuid,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Timestamptz>)]
    pub(super) until: Option<DateTime<Utc>>,
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

pub(super) fn load_shop_state(
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
