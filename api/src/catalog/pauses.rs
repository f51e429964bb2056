//! Products paused in one shop ("86" it: out of dough balls, the oven for calzones is down):
//! that shop's menu shows them unavailable with the reason `paused`, the others are untouched,
//! and orders for them there are refused. A pause may end by itself at a given time (no write is
//! needed then: the menu and the order check compare with the clock) or when resumed.

use actix_web::{patch, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use super::shop_state::PausedProduct;
use crate::auth::{Authorized, Managers};
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::http::ApiJson;
use crate::live::{announce, NewShopEvent, ShopEventKind};
use crate::schema::products;
use crate::state::AppState;

/// Pause (`available: false`, optionally `until` a time) or resume (`available: true`) a product
/// in one shop.
#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct MenuItemChange {
    pub available: bool,
    /// When the pause ends by itself (RFC 3339, in the future); absent: until resumed. Only with
    /// `available: false`.
    pub until: Option<DateTime<Utc>>,
}

/// A product's state in one shop's menu after the change.
#[derive(Serialize, ToSchema, Debug)]
pub struct MenuItemState {
    pub shop_id: Uuid,
    pub product_id: Uuid,
    /// False while paused (the stock may still make it unavailable: see the menu).
    pub available: bool,
    /// When the pause ends by itself; null when not paused or paused until resumed.
    pub paused_until: Option<DateTime<Utc>>,
}

/// Checks the change; a pause's end must be in the future.
pub fn check_change(change: &MenuItemChange, now: DateTime<Utc>) -> AppResult<()> {
    match (change.available, change.until) {
        (true, Some(_)) => Err(AppError::field(
            "until",
            "not_allowed",
            "a resumed product has no pause end",
        )),
        (false, Some(until)) if until <= now => Err(AppError::field(
            "until",
            "in_the_past",
            "the pause must end in the future",
        )),
        _ => Ok(()),
    }
}

/// Pauses or resumes the product in the shop and announces it on the shop's feed, in the
/// caller's transaction (the triggers bump the shop's menu version there too).
pub fn change_menu_item(
    conn: &mut PgConnection,
    actor: Uuid,
    shop_id: Uuid,
    product_id: Uuid,
    change: &MenuItemChange,
) -> AppResult<MenuItemState> {
    crate::shops::find_shop(conn, shop_id)?;
    let on_sale: Option<bool> = products::table
        .find(product_id)
        .select(products::active)
        .first(conn)
        .optional()?;
    if on_sale != Some(true) {
        return Err(AppError::not_found("product"));
    }
    if change.available {
        diesel::sql_query("DELETE FROM product_pauses WHERE shop_id = $1 AND product_id = $2")
            .bind::<sql_types::Uuid, _>(shop_id)
            .bind::<sql_types::Uuid, _>(product_id)
            .execute(conn)?;
    } else {
        diesel::sql_query(
            "INSERT INTO product_pauses (shop_id, product_id, until, paused_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (shop_id, product_id) DO UPDATE
             SET until = EXCLUDED.until, paused_by = EXCLUDED.paused_by, paused_at = now()",
        )
        .bind::<sql_types::Uuid, _>(shop_id)
        .bind::<sql_types::Uuid, _>(product_id)
        .bind::<sql_types::Nullable<sql_types::Timestamptz>, _>(change.until)
        .bind::<sql_types::Uuid, _>(actor)
        .execute(conn)?;
    }
    let note = if change.available {
        format!("{product_id} resumed")
    } else {
        match change.until {
            Some(until) => format!(
                "{product_id} paused until {}",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None => format!("{product_id} paused"),
        }
    };
    announce(
        conn,
        NewShopEvent {
            shop_id,
            kind: ShopEventKind::MenuChanged,
            order_id: None,
            number: None,
            status: None,
            note: Some(&note),
            ingredient_ids: Vec::new(),
        },
    )?;
    crate::audit::record(
        conn,
        Some(actor),
        if change.available {
            "product.resumed"
        } else {
            "product.paused"
        },
        "product",
        &product_id.to_string(),
        serde_json::json!({"shop_id": shop_id, "until": change.until}),
    )?;
    Ok(MenuItemState {
        shop_id,
        product_id,
        available: change.available,
        paused_until: change.until.filter(|_| !change.available),
    })
}

/// The products paused in the shop now among `lines` (each line's index in the request and its
/// product), read from the tables: a 409 naming each such line (`items[2].product_id`). Orders
/// call it before taking any stock.
pub fn refuse_paused_products(
    conn: &mut PgConnection,
    shop_id: Uuid,
    lines: &[(usize, Uuid)],
) -> AppResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let product_ids: Vec<Uuid> = lines.iter().map(|(_, id)| *id).collect();
    let paused: Vec<PausedProduct> = diesel::sql_query(
        "SELECT p.product_id, pr.name, p.until FROM product_pauses p JOIN products pr ON pr.id = p.product_id
         WHERE p.shop_id = $1 AND p.product_id = ANY($2) AND (p.until IS NULL OR p.until > now())",
    )
    .bind::<sql_types::Uuid, _>(shop_id)
    .bind::<sql_types::Array<sql_types::Uuid>, _>(&product_ids)
    .load(conn)?;
    refuse_paused(lines, &paused)
}

/// The 409 of the `lines` whose product is among `paused` (none: Ok), wherever the pauses were
/// read from (the tables, or a shop's menu state the listener vouches for).
pub fn refuse_paused(lines: &[(usize, Uuid)], paused: &[PausedProduct]) -> AppResult<()> {
    let errors: Vec<FieldError> = lines
        .iter()
        .filter_map(|(i, id)| {
            let p = paused.iter().find(|p| p.product_id == *id)?;
            let message = match p.until {
                Some(until) => format!(
                    "{} is paused in this shop until {}",
                    p.name,
                    until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
                None => format!("{} is paused in this shop", p.name),
            };
            Some(FieldError::new(
                format!("items[{i}].product_id"),
                "paused",
                message,
            ))
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let mut names: Vec<&str> = paused
        .iter()
        .filter(|p| lines.iter().any(|(_, id)| *id == p.product_id))
        .map(|p| p.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    Err(AppError::Conflict {
        detail: format!("not on this shop's menu right now: {}", names.join(", ")),
        errors,
        extra: None,
    })
}

/// Pauses a product in one shop (`{"available": false, "until"?: time}`) or resumes it
/// (`{"available": true}`): that shop's manager, or an admin.
#[utoipa::path(patch, tag = "catalog", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id"),
        ("product_id" = Uuid, Path, description = "Product id")),
    request_body = MenuItemChange,
    responses(
        (status = 200, description = "Paused or resumed", body = MenuItemState),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not this shop's manager, nor an admin"),
        (status = 404, description = "No such shop, or no such product on sale"),
        (status = 422, description = "Invalid field")))]
#[patch("/shops/{shop_id}/menu/{product_id}")]
pub async fn pause_product(
    state: web::Data<AppState>,
    catalog: web::Data<super::menu::CatalogCache>,
    who: Authorized<Managers>,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<MenuItemChange>,
) -> AppResult<HttpResponse> {
    let (shop_id, product_id) = path.into_inner();
    if !who.user.can_access_shop(shop_id) {
        return Err(AppError::Forbidden(
            "reserved to this shop's manager and admins".into(),
        ));
    }
    let change = body.0;
    check_change(&change, Utc::now())?;
    let actor = who.user.id;
    let done = db::transaction(&state.pool, move |conn| {
        change_menu_item(conn, actor, shop_id, product_id, &change)
    })
    .await?;
    catalog.forget_shop(shop_id);
    Ok(HttpResponse::Ok().json(done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_ends_in_the_future_and_a_resume_has_no_end() {
        let now = Utc::now();
        let change = |available, until| MenuItemChange { available, until };
        assert!(check_change(&change(false, None), now).is_ok());
        assert!(check_change(&change(true, None), now).is_ok());
        assert!(check_change(&change(false, Some(now + chrono::Duration::hours(1))), now).is_ok());
        assert!(check_change(
            &change(false, Some(now - chrono::Duration::seconds(1))),
            now
        )
        .is_err());
        assert!(check_change(&change(false, Some(now)), now).is_err());
        assert!(check_change(&change(true, Some(now + chrono::Duration::hours(1))), now).is_err());
    }
}
