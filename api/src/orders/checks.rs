//! The checks every order passes, placed, quoted or changed: the shop takes orders, the address
//! is one the shop delivers to, the cart reaches the minimum, the notes are short enough.

use diesel::prelude::*;
use uuid::Uuid;

use super::model::DeliveryAddress;
use super::pricing::PricedCart;
use crate::error::{AppError, AppResult, Violations};
use crate::schema::{shop_delivery_zones, shop_hours};
use crate::shops::{find_shop, OpeningRange, Shop};

/// The shop with its opening ranges, checked to be active.
pub fn open_shop(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<(Shop, Vec<OpeningRange>)> {
    let shop = find_shop(conn, shop_id)
        .map_err(|_| AppError::field("shop_id", "unknown", "no shop has this id"))?;
    if !shop.active {
        return Err(AppError::field(
            "shop_id",
            "inactive",
            "this shop takes no orders",
        ));
    }
    let ranges = shop_hours::table
        .filter(shop_hours::shop_id.eq(shop_id))
        .select(OpeningRange::as_select())
        .load(conn)?;
    Ok((shop, ranges))
}

pub(super) fn check_address(
    conn: &mut PgConnection,
    shop: &Shop,
    address: &DeliveryAddress,
    field: &str,
    v: &mut Violations,
) -> AppResult<()> {
    let at = |f: &str| format!("{field}.{f}");
    if address.line1.trim().is_empty() || address.line1.chars().count() > 200 {
        v.add(at("line1"), "length", "1 to 200 characters");
    }
    if address.city.trim().is_empty() || address.city.chars().count() > 100 {
        v.add(at("city"), "length", "1 to 100 characters");
    }
    for (f, value) in [
        ("line2", &address.line2),
        ("instructions", &address.instructions),
    ] {
        if value.as_ref().is_some_and(|s| s.chars().count() > 300) {
            v.add(at(f), "too_long", "at most 300 characters");
        }
    }
    if !(address.postal_code.len() == 5 && address.postal_code.chars().all(|c| c.is_ascii_digit()))
    {
        v.add(
            at("postal_code"),
            "invalid",
            "a French postal code has 5 digits",
        );
        return Ok(());
    }
    let delivered: bool = diesel::select(diesel::dsl::exists(
        shop_delivery_zones::table
            .filter(shop_delivery_zones::shop_id.eq(shop.id))
            .filter(shop_delivery_zones::postal_code.eq(&address.postal_code)),
    ))
    .get_result(conn)?;
    if !delivered {
        v.add(
            at("postal_code"),
            "outside_delivery_zone",
            format!("{} does not deliver to {}", shop.name, address.postal_code),
        );
    }
    Ok(())
}

pub(super) fn check_minimum(shop: &Shop, cart: &PricedCart, v: &mut Violations) {
    if cart.subtotal_cents < shop.min_order_cents {
        v.add(
            "items",
            "below_minimum",
            format!(
                "the minimum order is {:.2} {} (the cart is {:.2})",
                f64::from(shop.min_order_cents) / 100.0,
                shop.currency,
                f64::from(cart.subtotal_cents) / 100.0
            ),
        );
    }
}

/// Notes for the kitchen or the delivery person stay short.
pub(super) fn check_notes(notes: Option<&str>, v: &mut Violations) {
    if notes.is_some_and(|n| n.chars().count() > 500) {
        v.add("notes", "too_long", "at most 500 characters");
    }
}
