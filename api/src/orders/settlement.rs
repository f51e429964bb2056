//! What was paid for an order, as the orders area needs to know it: whether it is paid, the money
//! staff collected at handover, and the online payment called off when the order is cancelled.
//! The payments area (provider, webhook, refunds) writes online payments and reads these types;
//! orders never reach into it.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::OrderRow;
use crate::error::AppResult;
use crate::schema::payments;
use crate::states::Collected;

crate::text_enum! {
    /// Who took the money: Stripe, the offline test provider, or staff in cash or by card.
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PaymentProvider {
        Stripe = "stripe",
        Offline = "offline",
        Cash = "cash",
        CardOnDelivery = "card_on_delivery",
    }
}

impl From<Collected> for PaymentProvider {
    fn from(c: Collected) -> PaymentProvider {
        match c {
            Collected::Cash => PaymentProvider::Cash,
            Collected::CardOnDelivery => PaymentProvider::CardOnDelivery,
        }
    }
}

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PaymentStatus {
        Pending = "pending",
        Succeeded = "succeeded",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

/// Records money collected by staff (cash or card terminal) for the whole order.
pub fn record_collected(
    conn: &mut PgConnection,
    order: &OrderRow,
    method: Collected,
    staff: Uuid,
) -> AppResult<()> {
    diesel::insert_into(payments::table)
        .values((
            payments::order_id.eq(order.id),
            payments::provider.eq(PaymentProvider::from(method)),
            payments::amount_cents.eq(order.total_cents),
            payments::currency.eq(&order.currency),
            payments::status.eq(PaymentStatus::Succeeded),
            payments::recorded_by.eq(staff),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether any payment of the order went through (online or collected).
pub fn is_paid(conn: &mut PgConnection, order_id: Uuid) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        payments::table
            .filter(payments::order_id.eq(order_id))
            .filter(payments::status.eq(PaymentStatus::Succeeded)),
    ))
    .get_result(conn)?)
}

/// An online payment still waiting for the customer is called off (the order was cancelled, or
/// its total changed): `cancelled` here, then cancelled at the provider after the commit (see
/// `PaymentGateway::call_off_intents`). Returns how many were.
pub(super) fn call_off_pending(conn: &mut PgConnection, order_id: Uuid) -> AppResult<usize> {
    Ok(diesel::update(
        payments::table
            .filter(payments::order_id.eq(order_id))
            .filter(payments::status.eq(PaymentStatus::Pending)),
    )
    .set((
        payments::status.eq(PaymentStatus::Cancelled),
        payments::updated_at.eq(chrono::Utc::now()),
    ))
    .execute(conn)?)
}
