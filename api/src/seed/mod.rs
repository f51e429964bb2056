//! `ocpizza seed`: loads the reference data (shops, catalog, recipes) and, outside production,
//! one demo user per role. Running it again refreshes the reference data and keeps stock,
//! orders and users as they are.

pub mod data;
pub mod pictures;

use std::collections::HashMap;

use chrono::NaiveTime;
use diesel::prelude::*;
use diesel::upsert::excluded;
use uuid::Uuid;

use crate::accounts::{create_account, NewAccount};
use crate::auth::Role;
use crate::catalog::images;
use crate::error::{AppError, AppResult};
use crate::schema::{
    categories, ingredients, product_sizes, products, recipe_items, recipe_steps,
    shop_delivery_zones, shop_hours, shops, stock, stock_movements, users,
};

/// A demo account created by the seed outside production.
pub struct DemoUser {
    pub role: Role,
    pub email: String,
    pub password: &'static str,
    pub created: bool,
}

pub struct SeedReport {
    pub shops: usize,
    pub categories: usize,
    pub ingredients: usize,
    pub products: usize,
    pub stock_lines_created: usize,
    pub demo_users: Vec<DemoUser>,
}

const DEMO_USERS: [(Role, &str, &str, &str); 6] = [
    (
        Role::Customer,
        "client@ocpizza.fr",
        "client-demo-2026",
        "Camille Client",
    ),
    (
        Role::OrderTaker,
        "accueil@ocpizza.fr",
        "accueil-demo-2026",
        "Alex Accueil",
    ),
    (
        Role::Pizzaiolo,
        "pizzaiolo@ocpizza.fr",
        "pizzaiolo-demo-2026",
        "Paolo Pizzaiolo",
    ),
    (
        Role::Delivery,
        "livreur@ocpizza.fr",
        "livreur-demo-2026",
        "Lina Livreuse",
    ),
    (
        Role::Manager,
        "manager@ocpizza.fr",
        "manager-demo-2026",
        "Manon Manager",
    ),
    (
        Role::Admin,
        "admin@ocpizza.fr",
        "admin-demo-2026",
        "Adam Admin",
    ),
];

fn time(value: &str) -> AppResult<NaiveTime> {
    NaiveTime::parse_from_str(value, "%H:%M")
        .map_err(|e| AppError::internal(format!("seed time {value}: {e}")))
}

/// Loads everything in one transaction; `with_demo_users` is false in production.
pub fn run(conn: &mut PgConnection, with_demo_users: bool) -> AppResult<SeedReport> {
    conn.transaction(|conn| {
        let shop_ids = seed_shops(conn)?;
        let category_ids = seed_categories(conn)?;
        let ingredient_ids = seed_ingredients(conn)?;
        seed_products(conn, &category_ids, &ingredient_ids)?;
        let stock_lines_created = seed_stock(conn, &shop_ids, &ingredient_ids)?;
        let demo_users = if with_demo_users {
            // Outside production the demo staff's shop takes orders at any hour, so a newcomer's
            // first order (and the README's walkthrough) works at 07:00 too; the others keep
            // realistic hours.
            open_around_the_clock(conn, shop_ids[0])?;
            seed_demo_users(conn, shop_ids[0])?
        } else {
            Vec::new()
        };
        Ok(SeedReport {
            shops: shop_ids.len(),
            categories: category_ids.len(),
            ingredients: ingredient_ids.len(),
            products: data::PRODUCTS.len(),
            stock_lines_created,
            demo_users,
        })
    })
}

/// The first shop's hours become 00:00–23:59 (until midnight) every day.
fn open_around_the_clock(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<()> {
    diesel::delete(shop_hours::table.filter(shop_hours::shop_id.eq(shop_id))).execute(conn)?;
    for weekday in 1..=7i16 {
        diesel::insert_into(shop_hours::table)
            .values((
                shop_hours::shop_id.eq(shop_id),
                shop_hours::weekday.eq(weekday),
                shop_hours::opens_at.eq(time("00:00")?),
                shop_hours::closes_at.eq(time("23:59")?),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn seed_shops(conn: &mut PgConnection) -> AppResult<Vec<Uuid>> {
    let mut ids = Vec::new();
    for s in data::SHOPS {
        let id: Uuid = diesel::insert_into(shops::table)
            .values((
                shops::slug.eq(s.slug),
                shops::name.eq(s.name),
                shops::address_line.eq(s.address_line),
                shops::postal_code.eq(s.postal_code),
                shops::city.eq(s.city),
                shops::phone.eq(s.phone),
                shops::email.eq(s.email),
                shops::delivery_fee_cents.eq(s.delivery_fee_cents),
                shops::min_order_cents.eq(s.min_order_cents),
            ))
            .on_conflict(shops::slug)
            .do_update()
            .set((
                shops::name.eq(excluded(shops::name)),
                shops::address_line.eq(excluded(shops::address_line)),
                shops::postal_code.eq(excluded(shops::postal_code)),
                shops::city.eq(excluded(shops::city)),
                shops::phone.eq(excluded(shops::phone)),
                shops::email.eq(excluded(shops::email)),
                shops::delivery_fee_cents.eq(excluded(shops::delivery_fee_cents)),
                shops::min_order_cents.eq(excluded(shops::min_order_cents)),
            ))
            .returning(shops::id)
            .get_result(conn)?;
        diesel::delete(shop_hours::table.filter(shop_hours::shop_id.eq(id))).execute(conn)?;
        for (weekday, opens, closes) in s.hours {
            diesel::insert_into(shop_hours::table)
                .values((
                    shop_hours::shop_id.eq(id),
                    shop_hours::weekday.eq(weekday),
                    shop_hours::opens_at.eq(time(opens)?),
                    shop_hours::closes_at.eq(time(closes)?),
                ))
                .execute(conn)?;
        }
        diesel::delete(shop_delivery_zones::table.filter(shop_delivery_zones::shop_id.eq(id)))
            .execute(conn)?;
        let zones: Vec<_> = s
            .delivery_postal_codes
            .iter()
            .map(|c| {
                (
                    shop_delivery_zones::shop_id.eq(id),
                    shop_delivery_zones::postal_code.eq(*c),
                )
            })
            .collect();
        diesel::insert_into(shop_delivery_zones::table)
            .values(zones)
            .execute(conn)?;
        ids.push(id);
    }
    Ok(ids)
}

fn seed_categories(conn: &mut PgConnection) -> AppResult<HashMap<&'static str, Uuid>> {
    let mut ids = HashMap::new();
    for c in data::CATEGORIES {
        let id: Uuid = diesel::insert_into(categories::table)
            .values((
                categories::slug.eq(c.slug),
                categories::name.eq(c.name),
                categories::position.eq(c.position),
            ))
            .on_conflict(categories::slug)
            .do_update()
            .set((
                categories::name.eq(excluded(categories::name)),
                categories::position.eq(excluded(categories::position)),
            ))
            .returning(categories::id)
            .get_result(conn)?;
        ids.insert(c.slug, id);
    }
    Ok(ids)
}

fn seed_ingredients(conn: &mut PgConnection) -> AppResult<HashMap<&'static str, Uuid>> {
    let mut ids = HashMap::new();
    for i in data::INGREDIENTS {
        let allergens: Vec<Option<String>> =
            i.allergens.iter().map(|a| Some(a.to_string())).collect();
        let id: Uuid = diesel::insert_into(ingredients::table)
            .values((
                ingredients::slug.eq(i.slug),
                ingredients::name.eq(i.name),
                ingredients::unit.eq(i.unit),
                ingredients::allergens.eq(allergens),
                ingredients::vegetarian.eq(i.vegetarian),
                ingredients::can_be_extra.eq(i.can_be_extra),
                ingredients::extra_quantity.eq(i.extra_quantity),
                ingredients::extra_price_cents.eq(i.extra_price_cents),
            ))
            .on_conflict(ingredients::slug)
            .do_update()
            .set((
                ingredients::name.eq(excluded(ingredients::name)),
                ingredients::unit.eq(excluded(ingredients::unit)),
                ingredients::allergens.eq(excluded(ingredients::allergens)),
                ingredients::vegetarian.eq(excluded(ingredients::vegetarian)),
                ingredients::can_be_extra.eq(excluded(ingredients::can_be_extra)),
                ingredients::extra_quantity.eq(excluded(ingredients::extra_quantity)),
                ingredients::extra_price_cents.eq(excluded(ingredients::extra_price_cents)),
            ))
            .returning(ingredients::id)
            .get_result(conn)?;
        ids.insert(i.slug, id);
    }
    Ok(ids)
}

fn seed_products(
    conn: &mut PgConnection,
    category_ids: &HashMap<&'static str, Uuid>,
    ingredient_ids: &HashMap<&'static str, Uuid>,
) -> AppResult<()> {
    for (position, p) in data::PRODUCTS.iter().enumerate() {
        let category_id = *category_ids
            .get(p.category)
            .ok_or_else(|| AppError::internal(format!("seed: unknown category {}", p.category)))?;
        let id: Uuid = diesel::insert_into(products::table)
            .values((
                products::category_id.eq(category_id),
                products::slug.eq(p.slug),
                products::name.eq(p.name),
                products::description.eq(p.description),
                products::kind.eq(p.kind),
                products::vegetarian.eq(p.vegetarian),
                products::position.eq(position as i32),
            ))
            .on_conflict(products::slug)
            .do_update()
            .set((
                products::category_id.eq(excluded(products::category_id)),
                products::name.eq(excluded(products::name)),
                products::description.eq(excluded(products::description)),
                products::kind.eq(excluded(products::kind)),
                products::vegetarian.eq(excluded(products::vegetarian)),
                products::position.eq(excluded(products::position)),
            ))
            .returning(products::id)
            .get_result(conn)?;
        diesel::delete(product_sizes::table.filter(product_sizes::product_id.eq(id)))
            .execute(conn)?;
        for (size_position, s) in p.sizes.iter().enumerate() {
            let size_id: Uuid = diesel::insert_into(product_sizes::table)
                .values((
                    product_sizes::product_id.eq(id),
                    product_sizes::code.eq(s.code),
                    product_sizes::label.eq(s.label),
                    product_sizes::price_cents.eq(s.price_cents),
                    product_sizes::position.eq(size_position as i32),
                ))
                .returning(product_sizes::id)
                .get_result(conn)?;
            for (slug, quantity) in s.recipe {
                let ingredient_id = *ingredient_ids.get(slug).ok_or_else(|| {
                    AppError::internal(format!("seed: unknown ingredient {slug}"))
                })?;
                diesel::insert_into(recipe_items::table)
                    .values((
                        recipe_items::product_size_id.eq(size_id),
                        recipe_items::ingredient_id.eq(ingredient_id),
                        recipe_items::quantity.eq(quantity),
                    ))
                    .execute(conn)?;
            }
        }
        give_a_picture(conn, id, p)?;
        diesel::delete(recipe_steps::table.filter(recipe_steps::product_id.eq(id)))
            .execute(conn)?;
        for (n, step) in p.steps.iter().enumerate() {
            diesel::insert_into(recipe_steps::table)
                .values((
                    recipe_steps::product_id.eq(id),
                    recipe_steps::position.eq(n as i32 + 1),
                    recipe_steps::instruction.eq(step),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// A product without a picture gets one drawn from its recipe; a photo uploaded since (or an
/// external picture) is kept.
fn give_a_picture(conn: &mut PgConnection, id: Uuid, p: &data::ProductSeed) -> AppResult<()> {
    let current: Option<String> = products::table
        .find(id)
        .select(products::image_url)
        .first(conn)?;
    let drawn_before = crate::schema::product_images::table
        .find(id)
        .filter(crate::schema::product_images::content_type.eq("image/svg+xml"))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if current.is_none() || drawn_before {
        let picture = images::drawn_picture(pictures::draw(p), pictures::WIDTH, pictures::HEIGHT);
        images::store_picture(conn, None, id, &picture)?;
    }
    Ok(())
}

/// Opens a stock line per shop and ingredient that has none, with its initial stock recorded as a
/// restock movement (stock always equals the sum of its movements). Existing lines are kept.
fn seed_stock(
    conn: &mut PgConnection,
    shop_ids: &[Uuid],
    ingredient_ids: &HashMap<&'static str, Uuid>,
) -> AppResult<usize> {
    let mut created = 0;
    for shop_id in shop_ids {
        for i in data::INGREDIENTS {
            let ingredient_id = ingredient_ids[i.slug];
            let inserted = diesel::insert_into(stock::table)
                .values((
                    stock::shop_id.eq(shop_id),
                    stock::ingredient_id.eq(ingredient_id),
                    stock::quantity.eq(i.initial_stock),
                    stock::low_threshold.eq(i.low_threshold),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?;
            if inserted == 1 && i.initial_stock > 0 {
                diesel::insert_into(stock_movements::table)
                    .values((
                        stock_movements::shop_id.eq(shop_id),
                        stock_movements::ingredient_id.eq(ingredient_id),
                        stock_movements::delta.eq(i.initial_stock),
                        stock_movements::reason.eq("restock"),
                        stock_movements::note.eq("initial stock (seed)"),
                    ))
                    .execute(conn)?;
            }
            created += inserted;
        }
    }
    Ok(created)
}

fn seed_demo_users(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Vec<DemoUser>> {
    let mut out = Vec::new();
    for (role, email, password, name) in DEMO_USERS {
        let exists: bool = diesel::select(diesel::dsl::exists(
            users::table.filter(users::email.eq(email)),
        ))
        .get_result(conn)?;
        if !exists {
            create_account(
                conn,
                NewAccount {
                    email: email.to_string(),
                    password: password.to_string(),
                    full_name: name.to_string(),
                    phone: (role == Role::Customer).then(|| "06 12 34 56 78".to_string()),
                    role,
                    shop_id: role.belongs_to_a_shop().then_some(shop_id),
                },
            )?;
        }
        out.push(DemoUser {
            role,
            email: email.to_string(),
            password,
            created: !exists,
        });
    }
    Ok(out)
}
