//! Changing an order before preparation: its items (re-priced on the server, the stock adjusted
//! by the difference), its delivery address or its notes, in one transaction. An online payment
//! started for the old total is called off (its intent cancelled at the provider after the
//! commit, through `PaymentGateway`): the next payment is for the new total.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::checks::{check_added_products_on_menu, check_address, check_minimum, check_notes};
use super::lifecycle::{may_change, record_status, Move};
use super::model::{find_visible, load_view, DeliveryAddress, Order};
use super::placement::write_lines;
use super::pricing::{price_cart, CartItem};
use super::settlement::call_off_pending;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, Violations};
use crate::inventory::{change_stock, held_by_order, Movement, Reason};
use crate::schema::{order_lines, orders};
use crate::shops::find_shop;
use crate::states::{Fulfilment, PaymentMethod, Status};

#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ModifyRequest {
    /// Replaces every line; the stock follows.
    pub items: Option<Vec<CartItem>>,
    /// For a delivery: the new address (within the shop's delivery zone).
    pub delivery_address: Option<DeliveryAddress>,
    pub notes: Option<String>,
}

/// Changes an order's items, address or notes before preparation: re-priced on the server, the
/// stock adjusted by the difference, in one transaction.
pub fn modify_order(
    conn: &mut PgConnection,
    id: Uuid,
    user: &CurrentUser,
    req: &ModifyRequest,
) -> AppResult<Order> {
    let order = find_visible(conn, id, user, true)?;
    may_change(&order, user, "modify")?;
    if order.payment_method == PaymentMethod::Online && order.status == Status::Placed {
        return Err(AppError::conflict(
            "this order is paid online: cancel it (it is refunded) and order again",
        ));
    }
    let shop = find_shop(conn, order.shop_id)?;
    let fulfilment = order.fulfilment;
    let mut v = Violations::new();
    let mut address = None;
    if let Some(a) = &req.delivery_address {
        if fulfilment == Fulfilment::Pickup {
            v.add(
                "delivery_address",
                "not_allowed",
                "a pickup order has no delivery address",
            );
        } else {
            address = check_address(conn, &shop, a, "delivery_address", &mut v)?;
        }
    }
    check_notes(req.notes.as_deref(), &mut v);
    let cart = match &req.items {
        Some(items) => {
            let cart = price_cart(conn, &shop, fulfilment, items, &mut v)?;
            if let Some(c) = cart.as_ref().filter(|_| v.is_empty()) {
                check_minimum(&shop, c, &mut v);
            }
            cart
        }
        None => None,
    };
    v.into_result()?;
    if let Some(items) = &req.items {
        check_added_products_on_menu(conn, order.shop_id, id, items)?;
    }
    if let Some(cart) = &cart {
        let held = held_by_order(conn, id)?;
        let ingredients: BTreeSet<Uuid> = held.keys().chain(cart.needs.keys()).copied().collect();
        let deltas: BTreeMap<Uuid, i64> = ingredients
            .into_iter()
            .map(|i| {
                (
                    i,
                    held.get(&i).copied().unwrap_or(0) - cart.needs.get(&i).copied().unwrap_or(0),
                )
            })
            .collect();
        change_stock(
            conn,
            order.shop_id,
            &deltas,
            &Movement {
                reason: Reason::Modify,
                order_id: Some(id),
                actor_id: Some(user.id),
                note: None,
            },
        )?;
        diesel::delete(order_lines::table.filter(order_lines::order_id.eq(id))).execute(conn)?;
        write_lines(conn, id, cart)?;
        diesel::update(orders::table.find(id))
            .set((
                orders::subtotal_cents.eq(cart.subtotal_cents),
                orders::delivery_fee_cents.eq(cart.delivery_fee_cents),
                orders::total_cents.eq(cart.total_cents),
            ))
            .execute(conn)?;
        if cart.total_cents != order.total_cents && order.status == Status::PendingPayment {
            // The intent asks for the old amount: nobody must pay it any more.
            call_off_pending(conn, id)?;
        }
    }
    if let Some(a) = &address {
        diesel::update(orders::table.find(id))
            .set((
                orders::delivery_line1.eq(&a.line1),
                orders::delivery_line2.eq(&a.line2),
                orders::delivery_postal_code.eq(&a.postal_code),
                orders::delivery_city.eq(&a.city),
                orders::delivery_instructions.eq(&a.instructions),
            ))
            .execute(conn)?;
    }
    if let Some(notes) = &req.notes {
        diesel::update(orders::table.find(id))
            .set(orders::notes.eq(Some(notes.trim()).filter(|n| !n.is_empty())))
            .execute(conn)?;
    }
    diesel::update(orders::table.find(id))
        .set(orders::updated_at.eq(Utc::now()))
        .execute(conn)?;
    record_status(
        conn,
        &Move {
            order_id: id,
            shop_id: order.shop_id,
            number: order.number,
            from: Some(order.status),
            to: order.status,
            actor: Some(user.id),
            note: Some("modified"),
        },
    )?;
    load_view(conn, id)
}
