//! Prices a cart on the server only: size prices, extra toppings at their price, removed
//! ingredients, delivery fee and minimum order; and what the cart takes from the shop's stock.
//! Nothing a client sends about prices is read.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::catalog::{IngredientRow, Product, ProductKind};
use crate::error::{AppResult, Violations};
use crate::schema::{ingredients, product_sizes, products, recipe_items};
use crate::shops::Shop;
use crate::states::Fulfilment;

pub const MAX_LINES: usize = 30;
pub const MAX_QUANTITY: i32 = 50;
pub const MAX_EXTRAS: usize = 10;

/// One line of a cart as a client sends it.
#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct CartItem {
    pub product_id: Uuid,
    /// Size code, e.g. `medium`; may be left out for a product sold in one size (a drink).
    #[schema(example = "medium")]
    #[serde(default)]
    pub size: Option<String>,
    #[schema(example = 1, minimum = 1, maximum = 50)]
    pub quantity: i32,
    /// Extra toppings (ingredients with `can_be_extra`), charged at their price.
    #[serde(default)]
    pub add_ingredient_ids: Vec<Uuid>,
    /// Ingredients of the recipe to leave out (free).
    #[serde(default)]
    pub remove_ingredient_ids: Vec<Uuid>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct LineModification {
    pub ingredient_id: Uuid,
    pub name: String,
    /// Price of an added topping for one item; 0 for a removal.
    pub price_cents: i32,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct PricedLine {
    pub product_id: Uuid,
    pub product_name: String,
    pub size: String,
    pub size_label: String,
    pub quantity: i32,
    /// Size price plus added toppings, for one item.
    pub unit_price_cents: i32,
    pub line_total_cents: i32,
    pub added: Vec<LineModification>,
    pub removed: Vec<LineModification>,
}

#[derive(Clone, Debug)]
pub struct PricedCart {
    pub lines: Vec<PricedLine>,
    pub subtotal_cents: i32,
    pub delivery_fee_cents: i32,
    pub total_cents: i32,
    pub currency: String,
    /// Ingredient quantities the cart takes from the stock.
    pub needs: BTreeMap<Uuid, i64>,
}

#[derive(Queryable)]
struct SizeInfo {
    size_id: Uuid,
    product_id: Uuid,
    code: String,
    label: String,
    price_cents: i32,
    product_name: String,
    kind: ProductKind,
}

/// Prices `items` for `shop`, adding every problem to `v` (with the field path of each item).
/// Returns `None` when a line could not be priced at all.
pub fn price_cart(
    conn: &mut PgConnection,
    shop: &Shop,
    fulfilment: Fulfilment,
    items: &[CartItem],
    v: &mut Violations,
) -> AppResult<Option<PricedCart>> {
    if items.is_empty() {
        v.add("items", "empty", "the cart is empty");
        return Ok(None);
    }
    if items.len() > MAX_LINES {
        v.add("items", "too_many", format!("at most {MAX_LINES} lines"));
        return Ok(None);
    }
    let prices = PriceList::load(conn, items)?;
    let fee = match fulfilment {
        Fulfilment::Delivery => shop.delivery_fee_cents,
        Fulfilment::Pickup => 0,
    };
    Ok(prices.price(items, fee, &shop.currency, v))
}

/// What pricing a cart needs from the catalog: the sizes of its products on sale, their recipes,
/// and the ingredients it adds or removes.
#[derive(Default)]
pub struct PriceList {
    sizes: Vec<SizeInfo>,
    recipes: HashMap<Uuid, Vec<(Uuid, i32)>>,
    /// Name, whether it can be an extra, the extra's portion and price.
    ingredients: HashMap<Uuid, (String, bool, i32, i32)>,
}

impl PriceList {
    /// Loads what `items` need, in three queries.
    pub fn load(conn: &mut PgConnection, items: &[CartItem]) -> AppResult<PriceList> {
        let product_ids: Vec<Uuid> = items.iter().map(|i| i.product_id).collect();
        let sizes: Vec<SizeInfo> = product_sizes::table
            .inner_join(products::table)
            .filter(product_sizes::product_id.eq_any(&product_ids))
            .filter(products::active.eq(true))
            .select((
                product_sizes::id,
                product_sizes::product_id,
                product_sizes::code,
                product_sizes::label,
                product_sizes::price_cents,
                products::name,
                products::kind,
            ))
            .load(conn)?;
        let size_ids: Vec<Uuid> = sizes.iter().map(|s| s.size_id).collect();
        let recipe_rows: Vec<(Uuid, Uuid, i32)> = recipe_items::table
            .filter(recipe_items::product_size_id.eq_any(&size_ids))
            .select((
                recipe_items::product_size_id,
                recipe_items::ingredient_id,
                recipe_items::quantity,
            ))
            .load(conn)?;
        let mut recipes: HashMap<Uuid, Vec<(Uuid, i32)>> = HashMap::new();
        for (size, ing, q) in recipe_rows {
            recipes.entry(size).or_default().push((ing, q));
        }
        let mut ingredient_ids: HashSet<Uuid> = items
            .iter()
            .flat_map(|i| i.add_ingredient_ids.iter().chain(&i.remove_ingredient_ids))
            .copied()
            .collect();
        ingredient_ids.extend(recipes.values().flatten().map(|(i, _)| *i));
        let ingredient_info: HashMap<Uuid, (String, bool, i32, i32)> = ingredients::table
            .filter(ingredients::id.eq_any(ingredient_ids.into_iter().collect::<Vec<_>>()))
            .select((
                ingredients::id,
                ingredients::name,
                ingredients::can_be_extra,
                ingredients::extra_quantity,
                ingredients::extra_price_cents,
            ))
            .load::<(Uuid, String, bool, i32, i32)>(conn)?
            .into_iter()
            .map(|(id, name, extra, q, p)| (id, (name, extra, q, p)))
            .collect();
        Ok(PriceList {
            sizes,
            recipes,
            ingredients: ingredient_info,
        })
    }

    /// The same list from the catalog cache, without a query: the sizes and recipes of the cart's
    /// products among `products` (those on sale), the extras among `extras` and the names of the
    /// recipes' ingredients. An ingredient neither in a recipe nor an extra is unknown here (the
    /// tables may know it as "not an extra"): a cart priced with problems is priced again from
    /// the tables, which name them exactly.
    pub fn from_catalog(
        products: &[Product],
        extras: &[IngredientRow],
        items: &[CartItem],
    ) -> PriceList {
        let mut list = PriceList::default();
        for extra in extras {
            list.ingredients.insert(
                extra.id,
                (
                    extra.name.clone(),
                    extra.can_be_extra,
                    extra.extra_quantity,
                    extra.extra_price_cents,
                ),
            );
        }
        let wanted: HashSet<Uuid> = items.iter().map(|i| i.product_id).collect();
        for product in products.iter().filter(|p| wanted.contains(&p.id)) {
            for size in &product.sizes {
                // Recipes are keyed by size; the cache has no size ids, any key unique here does.
                let size_id = Uuid::from_u128(list.sizes.len() as u128 + 1);
                for line in &size.recipe {
                    list.ingredients
                        .entry(line.ingredient_id)
                        .or_insert_with(|| (line.name.clone(), false, 0, 0));
                }
                list.recipes.insert(
                    size_id,
                    size.recipe
                        .iter()
                        .map(|l| (l.ingredient_id, l.quantity))
                        .collect(),
                );
                list.sizes.push(SizeInfo {
                    size_id,
                    product_id: product.id,
                    code: size.code.clone(),
                    label: size.label.clone(),
                    price_cents: size.price_cents,
                    product_name: product.name.clone(),
                    kind: product.kind,
                });
            }
        }
        list
    }

    /// Prices `items` from this list: sizes, extras and removals per line, the delivery `fee`, and
    /// the ingredients the cart takes from the stock. Every problem goes to `v`; `None` when a line
    /// could not be priced at all.
    pub fn price(
        &self,
        items: &[CartItem],
        fee: i32,
        currency: &str,
        v: &mut Violations,
    ) -> Option<PricedCart> {
        let (recipes, ingredient_info) = (&self.recipes, &self.ingredients);
        let size_by_key: HashMap<(Uuid, &str), &SizeInfo> = self
            .sizes
            .iter()
            .map(|s| ((s.product_id, s.code.as_str()), s))
            .collect();
        let known_products: HashSet<Uuid> = self.sizes.iter().map(|s| s.product_id).collect();
        let mut lines = Vec::new();
        let mut needs: BTreeMap<Uuid, i64> = BTreeMap::new();
        let mut complete = true;
        for (n, item) in items.iter().enumerate() {
            let at = |field: &str| format!("items[{n}].{field}");
            if !(1..=MAX_QUANTITY).contains(&item.quantity) {
                v.add(
                    at("quantity"),
                    "out_of_range",
                    format!("between 1 and {MAX_QUANTITY}"),
                );
            }
            if !known_products.contains(&item.product_id) {
                v.add(
                    at("product_id"),
                    "unknown",
                    "no product on sale has this id",
                );
                complete = false;
                continue;
            }
            let size = match &item.size {
                Some(code) => size_by_key.get(&(item.product_id, code.as_str())).copied(),
                None => {
                    let mut sizes = self
                        .sizes
                        .iter()
                        .filter(|s| s.product_id == item.product_id);
                    match (sizes.next(), sizes.next()) {
                        (Some(only), None) => Some(only),
                        _ => {
                            v.add(
                                at("size"),
                                "required",
                                "this product comes in several sizes: say which",
                            );
                            complete = false;
                            continue;
                        }
                    }
                }
            };
            let Some(size) = size else {
                v.add(at("size"), "unknown", "this product has no such size");
                complete = false;
                continue;
            };
            let recipe = recipes.get(&size.size_id).cloned().unwrap_or_default();
            let in_recipe: HashSet<Uuid> = recipe.iter().map(|(i, _)| *i).collect();
            let customisable = size.kind == ProductKind::Pizza;
            let customised =
                !item.add_ingredient_ids.is_empty() || !item.remove_ingredient_ids.is_empty();
            if customised && !customisable {
                v.add(
                    at("add_ingredient_ids"),
                    "not_customisable",
                    "only pizzas take extra or removed ingredients",
                );
            }
            if item.add_ingredient_ids.len() > MAX_EXTRAS {
                v.add(
                    at("add_ingredient_ids"),
                    "too_many",
                    format!("at most {MAX_EXTRAS} extras"),
                );
            }
            let mut added = Vec::new();
            let mut seen = HashSet::new();
            for (k, id) in item.add_ingredient_ids.iter().enumerate() {
                match ingredient_info.get(id) {
                    Some((name, true, _, price)) if seen.insert(*id) => {
                        added.push(LineModification {
                            ingredient_id: *id,
                            name: name.clone(),
                            price_cents: *price,
                        })
                    }
                    Some((_, true, _, _)) => v.add(
                        format!("items[{n}].add_ingredient_ids[{k}]"),
                        "duplicate",
                        "already added",
                    ),
                    Some(_) => v.add(
                        format!("items[{n}].add_ingredient_ids[{k}]"),
                        "not_extra",
                        "this ingredient cannot be added as a topping",
                    ),
                    None => v.add(
                        format!("items[{n}].add_ingredient_ids[{k}]"),
                        "unknown",
                        "no ingredient has this id",
                    ),
                }
            }
            let mut removed = Vec::new();
            for (k, id) in item.remove_ingredient_ids.iter().enumerate() {
                if !in_recipe.contains(id) {
                    v.add(
                        format!("items[{n}].remove_ingredient_ids[{k}]"),
                        "not_in_recipe",
                        "this ingredient is not in the recipe",
                    );
                } else if item.add_ingredient_ids.contains(id) {
                    v.add(
                        format!("items[{n}].remove_ingredient_ids[{k}]"),
                        "conflict",
                        "cannot be both added and removed",
                    );
                } else if !removed
                    .iter()
                    .any(|r: &LineModification| r.ingredient_id == *id)
                {
                    let name = ingredient_info
                        .get(id)
                        .map(|i| i.0.clone())
                        .unwrap_or_default();
                    removed.push(LineModification {
                        ingredient_id: *id,
                        name,
                        price_cents: 0,
                    });
                }
            }
            let quantity = i64::from(item.quantity.clamp(0, MAX_QUANTITY));
            for (ing, q) in &recipe {
                if !removed.iter().any(|r| r.ingredient_id == *ing) {
                    *needs.entry(*ing).or_insert(0) += i64::from(*q) * quantity;
                }
            }
            for a in &added {
                let extra_quantity = ingredient_info
                    .get(&a.ingredient_id)
                    .map(|i| i.2)
                    .unwrap_or(0);
                *needs.entry(a.ingredient_id).or_insert(0) += i64::from(extra_quantity) * quantity;
            }
            let unit_price_cents =
                size.price_cents + added.iter().map(|a| a.price_cents).sum::<i32>();
            lines.push(PricedLine {
                product_id: item.product_id,
                product_name: size.product_name.clone(),
                size: size.code.clone(),
                size_label: size.label.clone(),
                quantity: item.quantity,
                unit_price_cents,
                line_total_cents: unit_price_cents * item.quantity.clamp(0, MAX_QUANTITY),
                added,
                removed,
            });
        }
        if !complete {
            return None;
        }
        let subtotal_cents: i32 = lines.iter().map(|l| l.line_total_cents).sum();
        needs.retain(|_, q| *q > 0);
        Some(PricedCart {
            lines,
            subtotal_cents,
            delivery_fee_cents: fee,
            total_cents: subtotal_cents + fee,
            currency: currency.to_string(),
            needs,
        })
    }
}

#[cfg(test)]
#[path = "pricing_tests.rs"]
mod tests;
