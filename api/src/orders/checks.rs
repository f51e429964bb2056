//! The checks every order passes, placed, quoted or changed: the shop takes orders, the address
//! is one the shop delivers to, the cart reaches the minimum, the notes are short enough, no
//! product is paused in the shop.

use diesel::prelude::*;
use uuid::Uuid;

use super::model::DeliveryAddress;
use super::pricing::PricedCart;
use crate::address::{Address, AddressFields, PostalCode};
use crate::error::{AppError, AppResult, Violations};
use crate::schema::order_lines;
use crate::shops::zones::shop_delivers_to;
use crate::shops::{find_shop, load_schedule, Schedule, Shop};

/// The shop with its schedule (hours and closures), checked to be active.
pub fn open_shop(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<(Shop, Schedule)> {
    let shop = find_shop(conn, shop_id)
        .map_err(|_| AppError::field("shop_id", "unknown", "no shop has this id"))?;
    refuse_inactive(&shop)?;
    let schedule = load_schedule(conn, shop_id)?;
    Ok((shop, schedule))
}

/// A shop turned off takes no orders: a 422 on `shop_id`.
pub fn refuse_inactive(shop: &Shop) -> AppResult<()> {
    if shop.active {
        return Ok(());
    }
    Err(AppError::field(
        "shop_id",
        "inactive",
        "this shop takes no orders",
    ))
}

/// Checks a delivery address (the rules of `crate::address`, fields named under `field`) and that
/// the shop delivers to its postal code. Returns the address as it is kept (trimmed) when good.
pub(super) fn check_address(
    conn: &mut PgConnection,
    shop: &Shop,
    address: &DeliveryAddress,
    field: &str,
    v: &mut Violations,
) -> AppResult<Option<DeliveryAddress>> {
    let fields = AddressFields {
        line1: Some(address.line1.clone()),
        line2: address.line2.clone(),
        postal_code: Some(address.postal_code.clone()),
        city: Some(address.city.clone()),
        instructions: address.instructions.clone(),
    };
    let valid = Address::validate(field, fields, v);
    // The zone is checked even when another field is wrong, so every problem is told at once.
    let code = match &valid {
        Some(a) => Some(a.postal_code.clone()),
        None => PostalCode::parse(&address.postal_code),
    };
    if let Some(code) = &code {
        if !shop_delivers_to(conn, shop.id, code)? {
            v.add(
                format!("{field}.postal_code"),
                "outside_delivery_zone",
                format!("{} does not deliver to {code}", shop.name),
            );
            return Ok(None);
        }
    }
    Ok(valid.map(|a| DeliveryAddress {
        line1: a.line1,
        line2: a.line2,
        postal_code: a.postal_code.into_string(),
        city: a.city,
        instructions: a.instructions,
    }))
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

/// No line of the cart names a product the shop has paused: a 409 naming each such line.
pub fn check_products_on_menu(
    conn: &mut PgConnection,
    shop_id: Uuid,
    items: &[super::pricing::CartItem],
) -> AppResult<()> {
    let lines: Vec<(usize, Uuid)> = items.iter().map(|i| i.product_id).enumerate().collect();
    crate::catalog::pauses::refuse_paused_products(conn, shop_id, &lines)
}

/// A changed order takes no product the shop has paused since, unless the order already had it
/// (a pause stops new sales, it does not take a pizza off an order being changed): a 409 naming
/// each such line.
pub fn check_added_products_on_menu(
    conn: &mut PgConnection,
    shop_id: Uuid,
    order_id: Uuid,
    items: &[super::pricing::CartItem],
) -> AppResult<()> {
    let had: Vec<Option<Uuid>> = order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .select(order_lines::product_id)
        .load(conn)?;
    let lines: Vec<(usize, Uuid)> = items
        .iter()
        .map(|i| i.product_id)
        .enumerate()
        .filter(|(_, id)| !had.contains(&Some(*id)))
        .collect();
    crate::catalog::pauses::refuse_paused_products(conn, shop_id, &lines)
}

/// Notes for the kitchen or the delivery person stay short.
pub(super) fn check_notes(notes: Option<&str>, v: &mut Violations) {
    if notes.is_some_and(|n| n.chars().count() > 500) {
        v.add("notes", "too_long", "at most 500 characters");
    }
}
