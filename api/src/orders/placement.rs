//! Placing an order: who it is for (`customer`: the caller, or for an order taker an account or
//! a walk-in), where it goes (the shop's menu state), what it costs (the catalog cache); then, in
//! one statement (`place_order()` in SQL, which checks both versions), its lines, its number and
//! its ingredients taken from the shop's stock: the caller's transaction when it has one (an
//! idempotency key), else that statement's own. A quote runs the same checks and keeps nothing.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::checks::{check_address, check_minimum, check_notes, open_shop, refuse_inactive};
pub use super::customer::WalkIn;
use super::customer::{customer_for, saved_address};
use super::model::{DeliveryAddress, HistoryEntry, Order, OrderLineView};
use super::pricing::{price_cart, CartItem, PriceList, PricedCart, MAX_LINES};
use crate::auth::CurrentUser;
use crate::catalog::pauses::refuse_paused;
use crate::catalog::{CatalogCache, CatalogSnapshot, ShopMenuState};
use crate::error::{AppError, AppResult, Violations};
use crate::inventory::{shortage_error, Shortage};
use crate::schema::{order_line_modifications, order_lines};
use crate::shops::{shop_timezone, Schedule, Shop};
use crate::states::{Fulfilment, HistoryEvent, ModificationKind, PaymentMethod, Status};

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

/// Prices a cart and checks it like an order would be, keeping nothing.
pub fn quote(conn: &mut PgConnection, req: &QuoteRequest) -> AppResult<(Shop, PricedCart, bool)> {
    let (shop, schedule) = open_shop(conn, req.shop_id)?;
    let mut v = Violations::new();
    match (&req.fulfilment, &req.delivery_address) {
        (Fulfilment::Delivery, Some(a)) => {
            check_address(conn, &shop, a, "delivery_address", &mut v)?;
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
    // A product paused in this shop: the same 409 naming the line as placing the order would give.
    super::checks::check_products_on_menu(conn, shop.id, &req.items)?;
    let cart = cart.ok_or_else(|| AppError::internal("priced cart missing"))?;
    let open = schedule.is_open_at(&shop, Utc::now());
    Ok((shop, cart, open))
}

/// Why the shop takes no order now (its closure's days and reason, or its hours) and when it
/// opens again.
fn closed_message(shop: &Shop, schedule: &Schedule, now: chrono::DateTime<Utc>) -> String {
    let why = match schedule.closure_at(shop, now) {
        Some(c) if c.first_day == c.last_day => {
            format!("{} is closed on {} ({})", shop.name, c.first_day, c.reason)
        }
        Some(c) => format!(
            "{} is closed from {} to {} ({})",
            shop.name, c.first_day, c.last_day, c.reason
        ),
        None => format!("{} is closed now", shop.name),
    };
    match schedule.next_opening(shop, now) {
        Some(at) => format!(
            "{why}; it opens again at {} ({})",
            at.with_timezone(&shop_timezone(shop))
                .format("%H:%M on %A %-d %B"),
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        None => format!("{why}; see its opening hours"),
    }
}

/// How this deployment takes payment: how long an online payment may take before the order
/// expires, and whether online payment is offered at all (`ONLINE_PAYMENTS`).
#[derive(Clone, Copy, Debug)]
pub struct PaymentTerms {
    pub window_minutes: i64,
    pub online: bool,
}

/// Places an order: validates, takes the ingredients from the shop's stock, numbers the order and
/// writes it with its lines and first history entry in one statement (`write_order`), which is
/// the caller's transaction or its own.
///
/// `view`: the shop's menu state the catalog listener vouches for (its row, hours, closures and
/// pauses are then checked without a query; `place_order()` checks its version in the
/// transaction), or `None` to read them from the tables.
pub fn place_order(
    conn: &mut PgConnection,
    req: &OrderRequest,
    user: &CurrentUser,
    terms: PaymentTerms,
    catalog: &CatalogCache,
    snapshot: &CatalogSnapshot,
    view: Option<&ShopMenuState>,
) -> AppResult<Order> {
    if user.is_staff() && !user.can_access_shop(req.shop_id) {
        return Err(AppError::field(
            "shop_id",
            "other_shop",
            "staff take orders for their own shop only",
        ));
    }
    let (shop, schedule) = match view {
        Some(view) => {
            refuse_inactive(&view.shop)?;
            (view.shop.clone(), view.schedule().clone())
        }
        None => open_shop(conn, req.shop_id)?,
    };
    let mut v = Violations::new();
    let customer = customer_for(conn, req.customer_id, req.walk_in.as_ref(), user, &mut v)?;
    let now = Utc::now();
    if !schedule.is_open_at(&shop, now) {
        v.add("shop_id", "closed", closed_message(&shop, &schedule, now));
    }
    if req.payment_method == PaymentMethod::Online && !terms.online {
        v.add(
            "payment_method",
            "unavailable",
            "online payment is turned off here: pay cash or by card on delivery or at pickup",
        );
    }
    check_notes(req.notes.as_deref(), &mut v);
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
            check_address(conn, &shop, a, "delivery_address", &mut v)?
        }
        (Fulfilment::Delivery, None, Some(id)) => match saved_address(conn, id, customer.id)? {
            Some(a) => check_address(conn, &shop, &a, "address_id", &mut v)?,
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
    let (cart, version) = price_for_order(conn, snapshot, &shop, req, &mut v)?;
    if let Some(cart) = cart.as_ref().filter(|_| v.is_empty()) {
        check_minimum(&shop, cart, &mut v);
    }
    v.into_result()?;
    // A product paused in this shop: a 409 naming the line.
    match view {
        Some(view) => {
            let lines: Vec<(usize, Uuid)> =
                req.items.iter().map(|i| i.product_id).enumerate().collect();
            refuse_paused(&lines, &view.paused_among(&lines, now))?
        }
        None => super::checks::check_products_on_menu(conn, shop.id, &req.items)?,
    }
    let mut cart = cart.ok_or_else(|| AppError::internal("priced cart missing"))?;

    let order_id = Uuid::new_v4();
    let status = if req.payment_method == PaymentMethod::Online {
        Status::PendingPayment
    } else {
        Status::Placed
    };
    let expires_at = (status == Status::PendingPayment)
        .then(|| Utc::now() + Duration::minutes(terms.window_minutes));
    let notes = req
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let new_order = serde_json::json!({
        "id": order_id,
        "shop_id": shop.id,
        "customer_id": customer.id,
        "created_by": user.id,
        "status": status.as_str(),
        "fulfilment": req.fulfilment.as_str(),
        "payment_method": req.payment_method.as_str(),
        "customer_name": customer.name,
        "customer_phone": customer.phone,
        "customer_email": customer.email,
        "delivery_line1": address.as_ref().map(|a| &a.line1),
        "delivery_line2": address.as_ref().and_then(|a| a.line2.as_ref()),
        "delivery_postal_code": address.as_ref().map(|a| &a.postal_code),
        "delivery_city": address.as_ref().map(|a| &a.city),
        "delivery_instructions": address.as_ref().and_then(|a| a.instructions.as_ref()),
        "notes": notes,
        "expires_at": expires_at,
    });
    let shop_version = view.map(|view| view.version);
    let mut written = write_order(conn, &new_order, &cart, version, shop_version)?;
    if written == Written::StaleCatalog {
        // The cached catalog is older than the tables: drop it, and price this order again from
        // the tables (its problems told the same way).
        catalog.invalidate();
        let mut v = Violations::new();
        let fresh = price_cart(conn, &shop, req.fulfilment, &req.items, &mut v)?;
        if let Some(cart) = fresh.as_ref().filter(|_| v.is_empty()) {
            check_minimum(&shop, cart, &mut v);
        }
        v.into_result()?;
        cart = fresh.ok_or_else(|| AppError::internal("priced cart missing"))?;
        written = write_order(conn, &new_order, &cart, None, shop_version)?;
    }
    let (number, created_at) = match written {
        Written::Placed(number, at) => (number, at),
        // The shop changed since its menu state was read (hours, a pause, its fee…): nothing was
        // written; everything is checked again from the tables.
        Written::StaleShop => {
            return place_order(conn, req, user, terms, catalog, snapshot, None);
        }
        Written::StaleCatalog => {
            return Err(AppError::internal(
                "an order priced from the tables was stale",
            ))
        }
    };
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
            .map(|l| OrderLineView {
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
        history: vec![HistoryEntry {
            from: None,
            to: status,
            actor_id: Some(user.id),
            event: HistoryEvent::Moved,
            reason: None,
            refund: None,
            note: None,
            at: created_at,
        }],
        created_at,
        updated_at: created_at,
    })
}

/// Prices the order from the catalog cache, with the version it was read at; a cart with any
/// problem (or whose products the cache does not know) is priced from the tables instead, which
/// tell each problem exactly (version `None`: nothing to check later).
fn price_for_order(
    conn: &mut PgConnection,
    snapshot: &CatalogSnapshot,
    shop: &Shop,
    req: &OrderRequest,
    v: &mut Violations,
) -> AppResult<(Option<PricedCart>, Option<i64>)> {
    let fee = match req.fulfilment {
        Fulfilment::Delivery => shop.delivery_fee_cents,
        Fulfilment::Pickup => 0,
    };
    if (1..=MAX_LINES).contains(&req.items.len()) {
        let list = PriceList::from_catalog(snapshot.products(), snapshot.extras(), &req.items);
        let mut problems = Violations::new();
        if let Some(cart) = list
            .price(&req.items, fee, &shop.currency, &mut problems)
            .filter(|_| problems.is_empty())
        {
            return Ok((Some(cart), Some(snapshot.version())));
        }
    }
    Ok((price_cart(conn, shop, req.fulfilment, &req.items, v)?, None))
}

/// One row of `place_order()` (migration 2026-12-28-000200).
#[derive(QueryableByName)]
struct Placed {
    #[diesel(sql_type = sql_types::Text)]
    outcome: String,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Integer>)]
    number: Option<i32>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Timestamptz>)]
    created_at: Option<chrono::DateTime<Utc>>,
}

/// What `write_order` did.
#[derive(Debug, PartialEq, Eq)]
enum Written {
    /// The order's number and time.
    Placed(i32, chrono::DateTime<Utc>),
    /// The cart was priced at a catalog version that is no longer the catalog's: nothing written.
    StaleCatalog,
    /// The shop was checked at a menu version that is no longer the shop's: nothing written.
    StaleShop,
}

/// Writes the order in one round trip (`place_order()` in SQL): lines, history, the shop's
/// counter, its stock (locked in ingredient-id order, checked, taken, one movement each) and the
/// shop's feed. `version`: the catalog version the cart was priced at; `shop_version`: the shop's
/// menu version it was checked at (`None`: read from the tables in this transaction). A 409 names
/// every ingredient short (the statement is aborted: nothing of it is kept). The only write of a
/// placement: it may run as its own transaction.
fn write_order(
    conn: &mut PgConnection,
    new_order: &serde_json::Value,
    cart: &PricedCart,
    version: Option<i64>,
    shop_version: Option<i64>,
) -> AppResult<Written> {
    let mut new_order = new_order.clone();
    new_order["subtotal_cents"] = cart.subtotal_cents.into();
    new_order["delivery_fee_cents"] = cart.delivery_fee_cents.into();
    new_order["total_cents"] = cart.total_cents.into();
    new_order["currency"] = cart.currency.clone().into();
    let lines: Vec<serde_json::Value> = cart
        .lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let modifications: Vec<serde_json::Value> = line
                .added
                .iter()
                .map(|m| (m, ModificationKind::Add))
                .chain(line.removed.iter().map(|m| (m, ModificationKind::Remove)))
                .map(|(m, kind)| {
                    serde_json::json!({
                        "ingredient_id": m.ingredient_id,
                        "ingredient_name": m.name,
                        "kind": kind.as_str(),
                        "price_cents": m.price_cents,
                    })
                })
                .collect();
            serde_json::json!({
                "id": Uuid::new_v4(),
                "position": position + 1,
                "product_id": line.product_id,
                "product_name": line.product_name,
                "size_code": line.size,
                "size_label": line.size_label,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "line_total_cents": line.line_total_cents,
                "modifications": modifications,
            })
        })
        .collect();
    let (ids, quantities): (Vec<Uuid>, Vec<i64>) = cart
        .needs
        .iter()
        .filter(|(_, q)| **q > 0)
        .map(|(i, q)| (*i, *q))
        .unzip();
    let placed = diesel::sql_query(
        "SELECT outcome, number, created_at FROM place_order($1, $2, $3, $4, $5, $6)",
    )
    .bind::<sql_types::Nullable<sql_types::BigInt>, _>(version)
    .bind::<sql_types::Nullable<sql_types::BigInt>, _>(shop_version)
    .bind::<sql_types::Jsonb, _>(&new_order)
    .bind::<sql_types::Jsonb, _>(serde_json::Value::Array(lines))
    .bind::<sql_types::Array<sql_types::Uuid>, _>(&ids)
    .bind::<sql_types::Array<sql_types::BigInt>, _>(&quantities)
    .get_result::<Placed>(conn);
    let placed = match placed {
        Ok(placed) => placed,
        // A shortage aborts the statement (nothing of it is kept) naming every ingredient short.
        Err(diesel::result::Error::DatabaseError(_, info)) if info.message() == "out_of_stock" => {
            let shortages: Vec<Shortage> =
                serde_json::from_str(info.details().unwrap_or("[]")).map_err(AppError::internal)?;
            return Err(shortage_error(shortages));
        }
        Err(e) => return Err(e.into()),
    };
    match (placed.outcome.as_str(), placed.number, placed.created_at) {
        ("placed", Some(number), Some(at)) => Ok(Written::Placed(number, at)),
        ("stale_catalog", _, _) => Ok(Written::StaleCatalog),
        ("stale_shop", _, _) => Ok(Written::StaleShop),
        (other, _, _) => Err(AppError::internal(format!("place_order answered {other}"))),
    }
}

pub(super) fn write_lines(
    conn: &mut PgConnection,
    order_id: Uuid,
    cart: &PricedCart,
) -> AppResult<()> {
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
                .map(|m| (m, ModificationKind::Add))
                .chain(line.removed.iter().map(|m| (m, ModificationKind::Remove)))
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
