//! The rules of orders, each in the caller's transaction: placing (stock taken in the same
//! transaction, per-shop numbers), modifying, cancelling and the status life cycle with its role
//! matrix. Every change is written to the history and announced with NOTIFY.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{
    find_visible, load_view, DeliveryAddress, Order, OrderRow, PaymentMethod, Status,
};
use super::pricing::{price_cart, CartItem, Fulfilment, PricedCart};
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, AppResult, Violations};
use crate::inventory::{change_stock, held_by_order, Movement, Reason};
use crate::schema::{
    addresses, order_line_modifications, order_lines, order_status_history, orders,
    shop_delivery_zones, shop_hours, shops, users,
};
use crate::shops::{find_shop, is_open_at, OpeningRange, Shop};

/// A customer without an account, for a phone or counter order.
#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct WalkIn {
    #[schema(example = "Jean Martin")]
    pub name: String,
    #[schema(example = "06 98 76 54 32")]
    pub phone: String,
}

#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    pub shop_id: Uuid,
    pub fulfilment: Fulfilment,
    /// Required for delivery unless `address_id` names a saved address.
    pub delivery_address: Option<DeliveryAddress>,
    /// A saved address of the customer.
    pub address_id: Option<Uuid>,
    pub payment_method: PaymentMethod,
    pub items: Vec<CartItem>,
    pub notes: Option<String>,
    /// Order takers: the customer account the order is for (see `GET /customers?phone=`).
    pub customer_id: Option<Uuid>,
    /// Order takers: a customer without an account.
    pub walk_in: Option<WalkIn>,
}

#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub shop_id: Uuid,
    pub fulfilment: Fulfilment,
    pub delivery_address: Option<DeliveryAddress>,
    pub items: Vec<CartItem>,
}

#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ModifyRequest {
    /// Replaces every line; the stock follows.
    pub items: Option<Vec<CartItem>>,
    /// For a delivery: the new address (within the shop's delivery zone).
    pub delivery_address: Option<DeliveryAddress>,
    pub notes: Option<String>,
}

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

fn check_address(
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

fn check_minimum(shop: &Shop, cart: &PricedCart, v: &mut Violations) {
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

/// Prices a cart and checks it like an order would be, keeping nothing.
pub fn quote(conn: &mut PgConnection, req: &QuoteRequest) -> AppResult<(Shop, PricedCart, bool)> {
    let (shop, ranges) = open_shop(conn, req.shop_id)?;
    let mut v = Violations::new();
    match (&req.fulfilment, &req.delivery_address) {
        (Fulfilment::Delivery, Some(a)) => {
            check_address(conn, &shop, a, "delivery_address", &mut v)?
        }
        (Fulfilment::Pickup, Some(_)) => v.add(
            "delivery_address",
            "not_allowed",
            "a pickup order has no delivery address",
        ),
        _ => {}
    }
    let cart = price_cart(conn, &shop, req.fulfilment, &req.items, &mut v)?;
    v.into_result()?;
    let cart = cart.ok_or_else(|| AppError::internal("priced cart missing"))?;
    let open = is_open_at(&shop, &ranges, Utc::now());
    Ok((shop, cart, open))
}

struct Customer {
    id: Option<Uuid>,
    name: String,
    phone: Option<String>,
    email: Option<String>,
}

/// Name, phone, e-mail and role of an account.
type AccountInfo = (String, Option<String>, String, String);

fn customer_for(
    conn: &mut PgConnection,
    req: &OrderRequest,
    user: &CurrentUser,
    v: &mut Violations,
) -> AppResult<Customer> {
    let account = |conn: &mut PgConnection, id: Uuid| -> AppResult<Option<AccountInfo>> {
        Ok(users::table
            .find(id)
            .select((users::full_name, users::phone, users::email, users::role))
            .first(conn)
            .optional()?)
    };
    match user.role {
        Role::Customer => {
            if req.customer_id.is_some() {
                v.add(
                    "customer_id",
                    "not_allowed",
                    "customers order for themselves",
                );
            }
            if req.walk_in.is_some() {
                v.add("walk_in", "not_allowed", "customers order for themselves");
            }
            let (name, phone, email, _) = account(conn, user.id)?
                .ok_or_else(|| AppError::Unauthorized("this account no longer exists".into()))?;
            Ok(Customer {
                id: Some(user.id),
                name,
                phone,
                email: Some(email),
            })
        }
        Role::OrderTaker | Role::Manager | Role::Admin => match (req.customer_id, &req.walk_in) {
            (Some(id), None) => match account(conn, id)? {
                Some((name, phone, email, role)) if role == "customer" => Ok(Customer {
                    id: Some(id),
                    name,
                    phone,
                    email: Some(email),
                }),
                _ => {
                    v.add("customer_id", "unknown", "no customer has this id");
                    Ok(Customer {
                        id: None,
                        name: String::new(),
                        phone: None,
                        email: None,
                    })
                }
            },
            (None, Some(w)) => {
                let phone = crate::accounts::rules::normalize_phone(&w.phone);
                if phone.is_none() {
                    v.add(
                        "walk_in.phone",
                        "invalid",
                        "this is not a valid phone number",
                    );
                }
                if w.name.trim().is_empty() || w.name.chars().count() > 120 {
                    v.add("walk_in.name", "length", "1 to 120 characters");
                }
                Ok(Customer {
                    id: None,
                    name: w.name.trim().to_string(),
                    phone,
                    email: None,
                })
            }
            _ => {
                v.add(
                    "customer_id",
                    "required",
                    "give either customer_id or walk_in",
                );
                Ok(Customer {
                    id: None,
                    name: String::new(),
                    phone: None,
                    email: None,
                })
            }
        },
        _ => Err(AppError::Forbidden(
            "orders are placed by customers and order takers".into(),
        )),
    }
}

fn saved_address(
    conn: &mut PgConnection,
    id: Uuid,
    owner: Option<Uuid>,
) -> AppResult<Option<DeliveryAddress>> {
    let Some(owner) = owner else { return Ok(None) };
    Ok(addresses::table
        .filter(addresses::id.eq(id))
        .filter(addresses::user_id.eq(owner))
        .select((
            addresses::line1,
            addresses::line2,
            addresses::postal_code,
            addresses::city,
            addresses::instructions,
        ))
        .first::<(String, Option<String>, String, String, Option<String>)>(conn)
        .optional()?
        .map(
            |(line1, line2, postal_code, city, instructions)| DeliveryAddress {
                line1,
                line2,
                postal_code,
                city,
                instructions,
            },
        ))
}

/// Places an order: validates, takes the ingredients from the shop's stock, numbers the order and
/// writes it with its lines and first history entry, all in the caller's transaction.
pub fn place_order(
    conn: &mut PgConnection,
    req: &OrderRequest,
    user: &CurrentUser,
    payment_window_minutes: i64,
) -> AppResult<Order> {
    if user.is_staff() && !user.can_access_shop(req.shop_id) {
        return Err(AppError::field(
            "shop_id",
            "other_shop",
            "staff take orders for their own shop only",
        ));
    }
    let (shop, ranges) = open_shop(conn, req.shop_id)?;
    let mut v = Violations::new();
    let customer = customer_for(conn, req, user, &mut v)?;
    if !is_open_at(&shop, &ranges, Utc::now()) {
        v.add(
            "shop_id",
            "closed",
            format!("{} is closed now; see its opening hours", shop.name),
        );
    }
    if req.notes.as_ref().is_some_and(|n| n.chars().count() > 500) {
        v.add("notes", "too_long", "at most 500 characters");
    }
    let address = match (req.fulfilment, &req.delivery_address, req.address_id) {
        (Fulfilment::Pickup, None, None) => None,
        (Fulfilment::Pickup, _, _) => {
            v.add(
                "delivery_address",
                "not_allowed",
                "a pickup order has no delivery address",
            );
            None
        }
        (Fulfilment::Delivery, Some(a), None) => {
            check_address(conn, &shop, a, "delivery_address", &mut v)?;
            Some(a.clone())
        }
        (Fulfilment::Delivery, None, Some(id)) => match saved_address(conn, id, customer.id)? {
            Some(a) => {
                check_address(conn, &shop, &a, "address_id", &mut v)?;
                Some(a)
            }
            None => {
                v.add(
                    "address_id",
                    "unknown",
                    "no saved address of this customer has this id",
                );
                None
            }
        },
        (Fulfilment::Delivery, Some(_), Some(_)) => {
            v.add(
                "address_id",
                "conflict",
                "give delivery_address or address_id, not both",
            );
            None
        }
        (Fulfilment::Delivery, None, None) => {
            v.add(
                "delivery_address",
                "required",
                "a delivery needs an address",
            );
            None
        }
    };
    let cart = price_cart(conn, &shop, req.fulfilment, &req.items, &mut v)?;
    if let Some(cart) = cart.as_ref().filter(|_| v.is_empty()) {
        check_minimum(&shop, cart, &mut v);
    }
    v.into_result()?;
    let cart = cart.ok_or_else(|| AppError::internal("priced cart missing"))?;

    // Lines and history first; the contended rows (the shop's order counter, then its stock rows
    // in ingredient-id order) last, so they stay locked only until the commit that follows. Every
    // order takes them in the same order: concurrent orders wait, never deadlock.
    let order_id = Uuid::new_v4();
    let status = if req.payment_method == PaymentMethod::Online {
        Status::PendingPayment
    } else {
        Status::Placed
    };
    write_lines(conn, order_id, &cart)?;
    record_status(conn, order_id, shop.id, None, status, Some(user.id), None)?;
    let number: i32 = diesel::update(shops::table.find(shop.id))
        .set(shops::next_order_number.eq(shops::next_order_number + 1))
        .returning(shops::next_order_number - 1)
        .get_result(conn)?;
    let expires_at = (status == Status::PendingPayment)
        .then(|| Utc::now() + Duration::minutes(payment_window_minutes));
    let notes = req
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let address = address.map(|a| DeliveryAddress {
        line1: a.line1.trim().to_string(),
        city: a.city.trim().to_string(),
        ..a
    });
    let created_at: chrono::DateTime<Utc> = diesel::insert_into(orders::table)
        .values((
            orders::id.eq(order_id),
            orders::shop_id.eq(shop.id),
            orders::number.eq(number),
            orders::customer_id.eq(customer.id),
            orders::created_by.eq(user.id),
            orders::status.eq(status.as_str()),
            orders::fulfilment.eq(req.fulfilment.as_str()),
            orders::payment_method.eq(req.payment_method.as_str()),
            orders::customer_name.eq(&customer.name),
            orders::customer_phone.eq(&customer.phone),
            orders::customer_email.eq(&customer.email),
            orders::delivery_line1.eq(address.as_ref().map(|a| a.line1.clone())),
            orders::delivery_line2.eq(address.as_ref().and_then(|a| a.line2.clone())),
            orders::delivery_postal_code.eq(address.as_ref().map(|a| a.postal_code.clone())),
            orders::delivery_city.eq(address.as_ref().map(|a| a.city.clone())),
            orders::delivery_instructions.eq(address.as_ref().and_then(|a| a.instructions.clone())),
            orders::notes.eq(&notes),
            orders::subtotal_cents.eq(cart.subtotal_cents),
            orders::delivery_fee_cents.eq(cart.delivery_fee_cents),
            orders::total_cents.eq(cart.total_cents),
            orders::currency.eq(&cart.currency),
            orders::expires_at.eq(expires_at),
        ))
        .returning(orders::created_at)
        .get_result(conn)?;
    let takes: BTreeMap<Uuid, i64> = cart.needs.iter().map(|(i, q)| (*i, -q)).collect();
    change_stock(
        conn,
        shop.id,
        &takes,
        &Movement {
            reason: Reason::Order,
            order_id: Some(order_id),
            actor_id: Some(user.id),
            note: None,
        },
    )?;
    // The answer is built from what was written: no read while the locks are held.
    Ok(Order {
        id: order_id,
        number,
        shop_id: shop.id,
        customer_id: customer.id,
        status,
        fulfilment: req.fulfilment,
        payment_method: req.payment_method,
        customer_name: customer.name,
        customer_phone: customer.phone,
        delivery_address: address,
        notes,
        lines: cart
            .lines
            .into_iter()
            .map(|l| super::model::OrderLineView {
                product_id: Some(l.product_id),
                product_name: l.product_name,
                size: l.size,
                size_label: l.size_label,
                quantity: l.quantity,
                unit_price_cents: l.unit_price_cents,
                line_total_cents: l.line_total_cents,
                added: l.added,
                removed: l.removed,
            })
            .collect(),
        subtotal_cents: cart.subtotal_cents,
        delivery_fee_cents: cart.delivery_fee_cents,
        total_cents: cart.total_cents,
        currency: cart.currency,
        courier_id: None,
        changeable: true,
        expires_at,
        history: vec![super::model::HistoryEntry {
            from: None,
            to: status,
            actor_id: Some(user.id),
            note: None,
            at: created_at,
        }],
        created_at,
        updated_at: created_at,
    })
}

fn write_lines(conn: &mut PgConnection, order_id: Uuid, cart: &PricedCart) -> AppResult<()> {
    let line_ids: Vec<Uuid> = cart.lines.iter().map(|_| Uuid::new_v4()).collect();
    let lines: Vec<_> = cart
        .lines
        .iter()
        .zip(&line_ids)
        .enumerate()
        .map(|(position, (line, id))| {
            (
                order_lines::id.eq(*id),
                order_lines::order_id.eq(order_id),
                order_lines::position.eq(position as i32 + 1),
                order_lines::product_id.eq(line.product_id),
                order_lines::product_name.eq(&line.product_name),
                order_lines::size_code.eq(&line.size),
                order_lines::size_label.eq(&line.size_label),
                order_lines::quantity.eq(line.quantity),
                order_lines::unit_price_cents.eq(line.unit_price_cents),
                order_lines::line_total_cents.eq(line.line_total_cents),
            )
        })
        .collect();
    diesel::insert_into(order_lines::table)
        .values(lines)
        .execute(conn)?;
    let mods: Vec<_> = cart
        .lines
        .iter()
        .zip(&line_ids)
        .flat_map(|(line, id)| {
            line.added
                .iter()
                .map(|m| (m, "add"))
                .chain(line.removed.iter().map(|m| (m, "remove")))
                .map(move |(m, kind)| {
                    (
                        order_line_modifications::order_line_id.eq(*id),
                        order_line_modifications::ingredient_id.eq(Some(m.ingredient_id)),
                        order_line_modifications::ingredient_name.eq(m.name.clone()),
                        order_line_modifications::kind.eq(kind),
                        order_line_modifications::price_cents.eq(m.price_cents),
                    )
                })
        })
        .collect();
    if !mods.is_empty() {
        diesel::insert_into(order_line_modifications::table)
            .values(mods)
            .execute(conn)?;
    }
    Ok(())
}

/// Writes a history entry and announces the change to every API instance (delivered at commit).
pub fn record_status(
    conn: &mut PgConnection,
    order_id: Uuid,
    shop_id: Uuid,
    from: Option<Status>,
    to: Status,
    actor: Option<Uuid>,
    note: Option<&str>,
) -> AppResult<()> {
    diesel::insert_into(order_status_history::table)
        .values((
            order_status_history::order_id.eq(order_id),
            order_status_history::from_status.eq(from.map(Status::as_str)),
            order_status_history::to_status.eq(to.as_str()),
            order_status_history::actor_id.eq(actor),
            order_status_history::note.eq(note),
        ))
        .execute(conn)?;
    super::events::notify(conn, order_id, shop_id, to, note)
}

/// Which roles may move an order to `to` (admins always may).
fn roles_moving_to(to: Status) -> &'static [Role] {
    match to {
        Status::Preparing | Status::Ready => &[Role::Pizzaiolo, Role::Manager],
        Status::OutForDelivery | Status::Delivered => &[Role::Delivery, Role::Manager],
        Status::PickedUp => &[Role::OrderTaker, Role::Manager],
        // Placed is reached by payment; cancelled through the cancel action.
        Status::Placed | Status::PendingPayment | Status::Cancelled => &[],
    }
}

fn edge_exists(from: Status, to: Status, fulfilment: &str) -> bool {
    matches!(
        (from, to, fulfilment),
        (Status::Placed, Status::Preparing, _)
            | (Status::Preparing, Status::Ready, _)
            | (Status::Ready, Status::OutForDelivery, "delivery")
            | (Status::OutForDelivery, Status::Delivered, "delivery")
            | (Status::Ready, Status::PickedUp, "pickup")
    )
}

/// Moves an order along its life cycle: 403 for a role that may not, 409 for a move the order's
/// state does not allow (including a concurrent move that got there first).
pub fn transition(
    conn: &mut PgConnection,
    id: Uuid,
    to: Status,
    user: &CurrentUser,
    collected: Option<&str>,
) -> AppResult<Order> {
    let order = find_visible(conn, id, user, true)?;
    if !(user.is_admin() || roles_moving_to(to).contains(&user.role)) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot move an order to {}",
            user.role.as_str(),
            to.as_str()
        )));
    }
    let from = order.status();
    if !edge_exists(from, to, &order.fulfilment) {
        return Err(AppError::conflict(format!(
            "a {} order that is {} cannot become {}",
            order.fulfilment,
            from.as_str(),
            to.as_str()
        )));
    }
    if to == Status::Delivered && user.role == Role::Delivery && order.courier_id != Some(user.id) {
        return Err(AppError::Forbidden(
            "only the delivery person who took this order can mark it delivered".into(),
        ));
    }
    // Handing over an order paid on delivery or at pickup records what was collected.
    if matches!(to, Status::Delivered | Status::PickedUp)
        && order.payment_method != "online"
        && !crate::payments::is_paid(conn, id)?
    {
        match collected {
            Some(method @ ("cash" | "card_on_delivery")) => {
                crate::payments::record_collected(conn, &order, method, user.id)?
            }
            Some(_) => {
                return Err(AppError::field(
                    "collected",
                    "invalid",
                    "cash or card_on_delivery",
                ))
            }
            None => {
                return Err(AppError::field(
                    "collected",
                    "required",
                    "say how the customer paid: cash or card_on_delivery",
                ))
            }
        }
    }
    let courier = if to == Status::OutForDelivery {
        Some(user.id)
    } else {
        order.courier_id
    };
    diesel::update(orders::table.find(id))
        .set((
            orders::status.eq(to.as_str()),
            orders::courier_id.eq(courier),
            orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    record_status(conn, id, order.shop_id, Some(from), to, Some(user.id), None)?;
    load_view(conn, id)
}

fn may_change(order: &OrderRow, user: &CurrentUser, action: &str) -> AppResult<()> {
    let allowed = match user.role {
        Role::Customer => order.customer_id == Some(user.id),
        Role::OrderTaker | Role::Manager | Role::Admin => true,
        Role::Pizzaiolo | Role::Delivery => false,
    };
    if !allowed {
        return Err(AppError::Forbidden(format!(
            "a {} cannot {action} an order",
            user.role.as_str()
        )));
    }
    if !order.status().is_changeable() {
        return Err(AppError::conflict(format!(
            "the order is {}: it can no longer be {action}ed",
            order.status().as_str()
        )));
    }
    Ok(())
}

/// Cancels an order before preparation; its ingredients go back to the stock.
pub fn cancel_order(
    conn: &mut PgConnection,
    id: Uuid,
    user: &CurrentUser,
    reason: Option<&str>,
) -> AppResult<Order> {
    let order = find_visible(conn, id, user, true)?;
    may_change(&order, user, "cancel")?;
    give_back(conn, &order, Some(user.id), Reason::Cancel)?;
    diesel::update(orders::table.find(id))
        .set((
            orders::status.eq(Status::Cancelled.as_str()),
            orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    record_status(
        conn,
        id,
        order.shop_id,
        Some(order.status()),
        Status::Cancelled,
        Some(user.id),
        reason,
    )?;
    load_view(conn, id)
}

/// Returns to the stock everything the order still holds.
pub fn give_back(
    conn: &mut PgConnection,
    order: &OrderRow,
    actor: Option<Uuid>,
    reason: Reason,
) -> AppResult<()> {
    let held = held_by_order(conn, order.id)?;
    change_stock(
        conn,
        order.shop_id,
        &held,
        &Movement {
            reason,
            order_id: Some(order.id),
            actor_id: actor,
            note: None,
        },
    )
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
    if order.payment_method == "online" && order.status() == Status::Placed {
        return Err(AppError::conflict(
            "this order is paid online: cancel it (it is refunded) and order again",
        ));
    }
    let shop = find_shop(conn, order.shop_id)?;
    let fulfilment = if order.fulfilment == "pickup" {
        Fulfilment::Pickup
    } else {
        Fulfilment::Delivery
    };
    let mut v = Violations::new();
    if let Some(a) = &req.delivery_address {
        if fulfilment == Fulfilment::Pickup {
            v.add(
                "delivery_address",
                "not_allowed",
                "a pickup order has no delivery address",
            );
        } else {
            check_address(conn, &shop, a, "delivery_address", &mut v)?;
        }
    }
    if req.notes.as_ref().is_some_and(|n| n.chars().count() > 500) {
        v.add("notes", "too_long", "at most 500 characters");
    }
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
    }
    if let Some(a) = &req.delivery_address {
        diesel::update(orders::table.find(id))
            .set((
                orders::delivery_line1.eq(a.line1.trim()),
                orders::delivery_line2.eq(&a.line2),
                orders::delivery_postal_code.eq(&a.postal_code),
                orders::delivery_city.eq(a.city.trim()),
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
        id,
        order.shop_id,
        Some(order.status()),
        order.status(),
        Some(user.id),
        Some("modified"),
    )?;
    load_view(conn, id)
}
