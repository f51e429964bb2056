//! Each shop's stock lines and the one way they change: `change_stock` locks the lines in
//! ingredient order, refuses to go below zero (a shortage names each ingredient), writes a
//! movement per line and announces menu changes; `load_stock` and `GET /shops/{id}/stock` read it.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use diesel::sql_types;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{AnyStaff, ShopAccess};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::live::{announce, NewShopEvent, ShopEventKind};
use crate::schema::{ingredients, stock};
use crate::state::AppState;

crate::text_enum! {
    /// Why the stock changed.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Reason {
        Order = "order",
        Cancel = "cancel",
        Modify = "modify",
        Restock = "restock",
        Waste = "waste",
        Adjustment = "adjustment",
        /// A stock count: the difference between the counted quantity and the stock before it.
        Count = "count",
    }
}

/// Who and what a stock change is for.
pub struct Movement<'a> {
    pub reason: Reason,
    pub order_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub note: Option<&'a str>,
}

#[derive(QueryableByName)]
struct LockedLine {
    #[diesel(sql_type = sql_types::Uuid)]
    ingredient_id: Uuid,
    #[diesel(sql_type = sql_types::BigInt)]
    quantity: i64,
    #[diesel(sql_type = sql_types::Text)]
    name: String,
    #[diesel(sql_type = sql_types::Text)]
    unit: String,
}

/// An ingredient the shop does not have enough of.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct Shortage {
    pub ingredient_id: Uuid,
    pub name: String,
    pub unit: String,
    pub needed: i64,
    pub available: i64,
}

/// Changes a shop's stock by `deltas` (negative takes, positive gives back) and records one
/// movement per ingredient, in the caller's transaction. The stock rows are locked in
/// ingredient-id order, so concurrent orders neither oversell nor deadlock. When any ingredient
/// would go negative nothing is changed and the answer is a 409 naming every missing ingredient.
pub fn change_stock(
    conn: &mut PgConnection,
    shop_id: Uuid,
    deltas: &BTreeMap<Uuid, i64>,
    movement: &Movement,
) -> AppResult<()> {
    let deltas: Vec<(Uuid, i64)> = deltas
        .iter()
        .filter(|(_, d)| **d != 0)
        .map(|(i, d)| (*i, *d))
        .collect();
    if deltas.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = deltas.iter().map(|(i, _)| *i).collect();
    let locked: BTreeMap<Uuid, LockedLine> = diesel::sql_query(
        "SELECT s.ingredient_id, s.quantity, i.name, i.unit FROM stock s JOIN ingredients i ON i.id = s.ingredient_id
         WHERE s.shop_id = $1 AND s.ingredient_id = ANY($2) ORDER BY s.ingredient_id FOR UPDATE OF s",
    )
    .bind::<sql_types::Uuid, _>(shop_id)
    .bind::<sql_types::Array<sql_types::Uuid>, _>(&ids)
    .load::<LockedLine>(conn)?
    .into_iter()
    .map(|l| (l.ingredient_id, l))
    .collect();
    // Every shop has a line for every ingredient: a line missing is an ingredient unknown here.
    if let Some((missing, _)) = deltas
        .iter()
        .find(|(id, delta)| *delta > 0 && !locked.contains_key(id))
    {
        return Err(AppError::field(
            "ingredient_id",
            "unknown",
            format!("this shop has no stock of ingredient {missing}"),
        ));
    }
    let mut shortages = Vec::new();
    for (id, delta) in &deltas {
        let available = locked.get(id).map(|l| l.quantity).unwrap_or(0);
        if available + delta < 0 {
            let (name, unit) = match locked.get(id) {
                Some(l) => (l.name.clone(), l.unit.clone()),
                None => ingredients::table
                    .find(id)
                    .select((ingredients::name, ingredients::unit))
                    .first(conn)
                    .unwrap_or_default(),
            };
            shortages.push(Shortage {
                ingredient_id: *id,
                name,
                unit,
                needed: -delta,
                available,
            });
        }
    }
    if !shortages.is_empty() {
        return Err(shortage_error(shortages));
    }
    let amounts: Vec<i64> = deltas.iter().map(|(_, d)| *d).collect();
    diesel::sql_query(
        "UPDATE stock s SET quantity = s.quantity + d.delta, updated_at = now()
         FROM unnest($2::uuid[], $3::bigint[]) AS d(ingredient_id, delta)
         WHERE s.shop_id = $1 AND s.ingredient_id = d.ingredient_id",
    )
    .bind::<sql_types::Uuid, _>(shop_id)
    .bind::<sql_types::Array<sql_types::Uuid>, _>(&ids)
    .bind::<sql_types::Array<sql_types::BigInt>, _>(&amounts)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO stock_movements (shop_id, ingredient_id, delta, reason, order_id, actor_id, note)
         SELECT $1, d.ingredient_id, d.delta, $4, $5, $6, $7 FROM unnest($2::uuid[], $3::bigint[]) AS d(ingredient_id, delta)",
    )
    .bind::<sql_types::Uuid, _>(shop_id)
    .bind::<sql_types::Array<sql_types::Uuid>, _>(&ids)
    .bind::<sql_types::Array<sql_types::BigInt>, _>(&amounts)
    .bind::<sql_types::Text, _>(movement.reason)
    .bind::<sql_types::Nullable<sql_types::Uuid>, _>(movement.order_id)
    .bind::<sql_types::Nullable<sql_types::Uuid>, _>(movement.actor_id)
    .bind::<sql_types::Nullable<sql_types::Text>, _>(movement.note)
    .execute(conn)?;
    announce_availability(conn, shop_id, &deltas, &locked)?;
    Ok(())
}

/// The refusal of a stock change some ingredients are short for: a 409 naming each of them, with
/// `extra.missing_ingredients`.
pub fn shortage_error(shortages: Vec<Shortage>) -> AppError {
    let names: Vec<String> = shortages
        .iter()
        .map(|s| {
            format!(
                "{} (needs {} {}, {} left)",
                s.name, s.needed, s.unit, s.available
            )
        })
        .collect();
    AppError::Conflict {
        detail: format!("not enough stock: {}", names.join(", ")),
        errors: Vec::new(),
        extra: Some(serde_json::json!({ "missing_ingredients": shortages })),
    }
}

/// Announces on the shop's feed the ingredients whose stock went through a level some recipe or
/// extra needs: those are the changes that make a product (or a size, or an extra) available or
/// unavailable on the menu. One query; nothing is announced for a change that moves no level.
fn announce_availability(
    conn: &mut PgConnection,
    shop_id: Uuid,
    deltas: &[(Uuid, i64)],
    locked: &BTreeMap<Uuid, LockedLine>,
) -> AppResult<()> {
    let (mut ids, mut before, mut after) = (Vec::new(), Vec::new(), Vec::new());
    for (id, delta) in deltas {
        let old = locked.get(id).map(|l| l.quantity).unwrap_or(0);
        ids.push(*id);
        before.push(old);
        after.push(old + delta);
    }
    #[derive(QueryableByName)]
    struct Crossed {
        #[diesel(sql_type = sql_types::Uuid)]
        ingredient_id: Uuid,
    }
    let crossed: Vec<Uuid> = diesel::sql_query(
        "SELECT d.ingredient_id FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS d(ingredient_id, old, new)
         WHERE EXISTS (SELECT 1 FROM recipe_items r WHERE r.ingredient_id = d.ingredient_id
                         AND r.quantity > LEAST(d.old, d.new) AND r.quantity <= GREATEST(d.old, d.new))
            OR EXISTS (SELECT 1 FROM ingredients i WHERE i.id = d.ingredient_id AND i.can_be_extra
                         AND GREATEST(i.extra_quantity, 1) > LEAST(d.old, d.new)
                         AND GREATEST(i.extra_quantity, 1) <= GREATEST(d.old, d.new))
         ORDER BY 1",
    )
    .bind::<sql_types::Array<sql_types::Uuid>, _>(&ids)
    .bind::<sql_types::Array<sql_types::BigInt>, _>(&before)
    .bind::<sql_types::Array<sql_types::BigInt>, _>(&after)
    .load::<Crossed>(conn)?
    .into_iter()
    .map(|c| c.ingredient_id)
    .collect();
    if crossed.is_empty() {
        return Ok(());
    }
    announce(
        conn,
        NewShopEvent {
            shop_id,
            kind: ShopEventKind::StockChanged,
            order_id: None,
            number: None,
            status: None,
            note: None,
            ingredient_ids: crossed,
        },
    )?;
    Ok(())
}

/// What an order currently holds of each ingredient: minus the sum of its movements.
pub fn held_by_order(conn: &mut PgConnection, order_id: Uuid) -> AppResult<BTreeMap<Uuid, i64>> {
    use crate::schema_views::stock_ledger;
    let rows: Vec<(Uuid, i64)> = stock_ledger::table
        .filter(stock_ledger::order_id.eq(order_id))
        .select((stock_ledger::ingredient_id, stock_ledger::delta))
        .load(conn)?;
    let mut held = BTreeMap::new();
    for (id, delta) in rows {
        *held.entry(id).or_insert(0) -= delta;
    }
    held.retain(|_, q| *q != 0);
    Ok(held)
}

#[derive(Serialize, ToSchema, Queryable)]
pub struct StockLine {
    pub ingredient_id: Uuid,
    #[schema(example = "Mozzarella")]
    pub name: String,
    #[schema(example = "g")]
    pub unit: String,
    /// In `unit`.
    #[schema(example = 18000)]
    pub quantity: i64,
    #[schema(example = 3000)]
    pub low_threshold: i64,
    /// True when the quantity is at or below the threshold.
    pub low: bool,
}

#[derive(Serialize, ToSchema)]
pub struct StockList {
    pub items: Vec<StockLine>,
    pub next_cursor: Option<String>,
}

pub fn load_stock(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Vec<StockLine>> {
    Ok(stock::table
        .inner_join(ingredients::table)
        .filter(stock::shop_id.eq(shop_id))
        .order(ingredients::name)
        .select((
            stock::ingredient_id,
            ingredients::name,
            ingredients::unit,
            stock::quantity,
            stock::low_threshold,
            stock::quantity.le(stock::low_threshold),
        ))
        .load(conn)?)
}

/// The shop's ingredient stock (shop staff).
#[utoipa::path(get, tag = "inventory", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Stock lines by ingredient name", body = StockList),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not shop staff"),
        (status = 404, description = "No such shop, or another shop's staff")))]
#[get("/shops/{shop_id}/stock")]
pub async fn shop_stock(
    state: web::Data<AppState>,
    access: ShopAccess<AnyStaff>,
) -> AppResult<HttpResponse> {
    let shop_id = access.shop_id;
    let items = db::run(&state.pool, move |conn| {
        crate::shops::find_shop(conn, shop_id)?;
        load_stock(conn, shop_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(StockList {
        items,
        next_cursor: None,
    }))
}
