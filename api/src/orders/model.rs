//! Orders as stored and as the API shows them: status life cycle, lines with their
//! customisations, history. Everything is a copy taken at ordering time.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::schema::{order_line_modifications, order_lines, order_status_history, orders};
use crate::states::{
    Fulfilment, HistoryEvent, ModificationKind, PaymentMethod, RefundMethod, Status,
};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: Uuid,
    pub shop_id: Uuid,
    pub number: i32,
    pub customer_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub status: Status,
    pub fulfilment: Fulfilment,
    pub payment_method: PaymentMethod,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    pub delivery_line1: Option<String>,
    pub delivery_line2: Option<String>,
    pub delivery_postal_code: Option<String>,
    pub delivery_city: Option<String>,
    pub delivery_instructions: Option<String>,
    pub notes: Option<String>,
    pub subtotal_cents: i32,
    pub delivery_fee_cents: i32,
    pub total_cents: i32,
    pub currency: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub courier_id: Option<Uuid>,
}

impl OrderRow {
    /// Whether `user` may see this order: its customer, its shop's staff, admins.
    pub fn visible_to(&self, user: &CurrentUser) -> bool {
        match user.role {
            Role::Admin => true,
            Role::Customer => self.customer_id == Some(user.id),
            _ => user.shop_id == Some(self.shop_id),
        }
    }
}

/// Loads an order the caller may see, locking it when `for_update`. Anything else is 404, so
/// nobody learns that another customer's order exists.
pub fn find_visible(
    conn: &mut PgConnection,
    id: Uuid,
    user: &CurrentUser,
    for_update: bool,
) -> AppResult<OrderRow> {
    let query = orders::table.find(id).select(OrderRow::as_select());
    let row = if for_update {
        query.for_update().first(conn).optional()?
    } else {
        query.first(conn).optional()?
    };
    row.filter(|o| o.visible_to(user))
        .ok_or_else(|| AppError::not_found("order"))
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct DeliveryAddress {
    #[schema(example = "12 rue Mercière")]
    pub line1: String,
    pub line2: Option<String>,
    #[schema(example = "69002")]
    pub postal_code: String,
    #[schema(example = "Lyon")]
    pub city: String,
    /// Door code, floor…
    pub instructions: Option<String>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct OrderLineView {
    pub product_id: Option<Uuid>,
    pub product_name: String,
    pub size: String,
    pub size_label: String,
    pub quantity: i32,
    pub unit_price_cents: i32,
    pub line_total_cents: i32,
    pub added: Vec<super::pricing::LineModification>,
    pub removed: Vec<super::pricing::LineModification>,
}

/// One line of an order's history: a status move or another event, typed.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct HistoryEntry {
    pub from: Option<Status>,
    pub to: Status,
    pub actor_id: Option<Uuid>,
    pub event: HistoryEvent,
    /// What a person typed: why the order was cancelled, why the delivery failed, why money went
    /// back. Null when nothing was typed (or for what the system did).
    pub reason: Option<String>,
    /// For `refunded`: how much, and how it went back.
    pub refund: Option<HistoryRefund>,
    /// The server's short words for the shop feed and the logs, in English ("paid online"): not
    /// for customers' eyes; show `event` and `reason` instead.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct HistoryRefund {
    pub amount_cents: i32,
    pub method: RefundMethod,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Order {
    pub id: Uuid,
    /// Human-friendly number, per shop.
    #[schema(example = 42)]
    pub number: i32,
    pub shop_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub status: Status,
    pub fulfilment: Fulfilment,
    pub payment_method: PaymentMethod,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub delivery_address: Option<DeliveryAddress>,
    pub notes: Option<String>,
    pub lines: Vec<OrderLineView>,
    pub subtotal_cents: i32,
    pub delivery_fee_cents: i32,
    pub total_cents: i32,
    #[schema(example = "EUR")]
    pub currency: String,
    /// Delivery person who took it.
    pub courier_id: Option<Uuid>,
    /// Whether the customer may still modify or cancel it.
    pub changeable: bool,
    /// For an unpaid online order: when it expires.
    pub expires_at: Option<DateTime<Utc>>,
    pub history: Vec<HistoryEntry>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Assembles orders with lines, customisations and history in four queries.
pub fn load_views(conn: &mut PgConnection, rows: Vec<OrderRow>) -> AppResult<Vec<Order>> {
    let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
    type LineRow = (
        Uuid,
        Uuid,
        Option<Uuid>,
        String,
        String,
        String,
        i32,
        i32,
        i32,
    );
    let lines: Vec<LineRow> = order_lines::table
        .filter(order_lines::order_id.eq_any(&ids))
        .order((order_lines::order_id, order_lines::position))
        .select((
            order_lines::id,
            order_lines::order_id,
            order_lines::product_id,
            order_lines::product_name,
            order_lines::size_code,
            order_lines::size_label,
            order_lines::quantity,
            order_lines::unit_price_cents,
            order_lines::line_total_cents,
        ))
        .load(conn)?;
    let line_ids: Vec<Uuid> = lines.iter().map(|l| l.0).collect();
    let mods: Vec<(Uuid, Option<Uuid>, String, ModificationKind, i32)> =
        order_line_modifications::table
            .filter(order_line_modifications::order_line_id.eq_any(&line_ids))
            .order((
                order_line_modifications::order_line_id,
                order_line_modifications::ingredient_name,
            ))
            .select((
                order_line_modifications::order_line_id,
                order_line_modifications::ingredient_id,
                order_line_modifications::ingredient_name,
                order_line_modifications::kind,
                order_line_modifications::price_cents,
            ))
            .load(conn)?;
    let mut mods_by_line: HashMap<Uuid, (Vec<_>, Vec<_>)> = HashMap::new();
    for (line, ingredient_id, name, kind, price) in mods {
        let entry = mods_by_line.entry(line).or_default();
        let m = super::pricing::LineModification {
            ingredient_id: ingredient_id.unwrap_or_default(),
            name,
            price_cents: price,
        };
        match kind {
            ModificationKind::Add => entry.0.push(m),
            ModificationKind::Remove => entry.1.push(m),
        }
    }
    let mut lines_by_order: HashMap<Uuid, Vec<OrderLineView>> = HashMap::new();
    for (id, order_id, product_id, product_name, size, size_label, quantity, unit, total) in lines {
        let (added, removed) = mods_by_line.remove(&id).unwrap_or_default();
        lines_by_order
            .entry(order_id)
            .or_default()
            .push(OrderLineView {
                product_id,
                product_name,
                size,
                size_label,
                quantity,
                unit_price_cents: unit,
                line_total_cents: total,
                added,
                removed,
            });
    }
    type HistoryRow = (
        Uuid,
        Option<Status>,
        Status,
        Option<Uuid>,
        Option<String>,
        DateTime<Utc>,
        (
            HistoryEvent,
            Option<String>,
            Option<i32>,
            Option<RefundMethod>,
        ),
    );
    let history: Vec<HistoryRow> = order_status_history::table
        .filter(order_status_history::order_id.eq_any(&ids))
        .order((order_status_history::created_at, order_status_history::id))
        .select((
            order_status_history::order_id,
            order_status_history::from_status,
            order_status_history::to_status,
            order_status_history::actor_id,
            order_status_history::note,
            order_status_history::created_at,
            (
                order_status_history::event,
                order_status_history::reason,
                order_status_history::amount_cents,
                order_status_history::refund_method,
            ),
        ))
        .load(conn)?;
    let mut history_by_order: HashMap<Uuid, Vec<HistoryEntry>> = HashMap::new();
    for (order_id, from, to, actor_id, note, at, (event, reason, amount, method)) in history {
        let refund = amount
            .zip(method)
            .map(|(amount_cents, method)| HistoryRefund {
                amount_cents,
                method,
            });
        history_by_order
            .entry(order_id)
            .or_default()
            .push(HistoryEntry {
                from,
                to,
                actor_id,
                event,
                reason,
                refund,
                note,
                at,
            });
    }
    Ok(rows
        .into_iter()
        .map(|o| Order {
            lines: lines_by_order.remove(&o.id).unwrap_or_default(),
            history: history_by_order.remove(&o.id).unwrap_or_default(),
            delivery_address: o.delivery_line1.clone().map(|line1| DeliveryAddress {
                line1,
                line2: o.delivery_line2.clone(),
                postal_code: o.delivery_postal_code.clone().unwrap_or_default(),
                city: o.delivery_city.clone().unwrap_or_default(),
                instructions: o.delivery_instructions.clone(),
            }),
            fulfilment: o.fulfilment,
            payment_method: o.payment_method,
            changeable: o.status.is_changeable(),
            status: o.status,
            id: o.id,
            number: o.number,
            shop_id: o.shop_id,
            customer_id: o.customer_id,
            customer_name: o.customer_name,
            customer_phone: o.customer_phone,
            notes: o.notes,
            subtotal_cents: o.subtotal_cents,
            delivery_fee_cents: o.delivery_fee_cents,
            total_cents: o.total_cents,
            currency: o.currency,
            courier_id: o.courier_id,
            expires_at: o.expires_at,
            created_at: o.created_at,
            updated_at: o.updated_at,
        })
        .collect())
}

pub fn load_view(conn: &mut PgConnection, id: Uuid) -> AppResult<Order> {
    let row = orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)?;
    Ok(load_views(conn, vec![row])?.remove(0))
}

crate::page_schema!(
    /// A page of orders: `{"items": [...], "next_cursor": null | "…"}`.
    OrderPage,
    Order
);
