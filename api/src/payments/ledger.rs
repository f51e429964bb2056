//! The payments ledger as shown to clients: each payment of an order (online or collected) with
//! its refunds.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::AppResult;
use crate::orders::settlement::{PaymentProvider, PaymentStatus};
use crate::schema::{payments, refunds};

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum RefundStatus {
        Pending = "pending",
        Succeeded = "succeeded",
        Failed = "failed",
    }
}

pub use crate::states::RefundMethod;

#[derive(Serialize, ToSchema, Queryable)]
pub struct RefundView {
    pub id: Uuid,
    pub amount_cents: i32,
    pub provider_ref: Option<String>,
    pub status: RefundStatus,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub method: RefundMethod,
    /// Who asked for it (none when the system did, for a cancelled order).
    pub created_by: Option<Uuid>,
}

/// The columns of a [`RefundView`], in its order.
pub type RefundColumns = (
    refunds::id,
    refunds::amount_cents,
    refunds::provider_ref,
    refunds::status,
    refunds::reason,
    refunds::created_at,
    refunds::method,
    refunds::created_by,
);

pub const REFUND_COLUMNS: RefundColumns = (
    refunds::id,
    refunds::amount_cents,
    refunds::provider_ref,
    refunds::status,
    refunds::reason,
    refunds::created_at,
    refunds::method,
    refunds::created_by,
);

#[derive(Serialize, ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    pub provider: PaymentProvider,
    pub provider_ref: Option<String>,
    pub amount_cents: i32,
    pub currency: String,
    pub status: PaymentStatus,
    pub refunded_cents: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub refunds: Vec<RefundView>,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentList {
    pub items: Vec<PaymentView>,
    pub next_cursor: Option<String>,
}

pub fn load_payments(conn: &mut PgConnection, order_id: Uuid) -> AppResult<Vec<PaymentView>> {
    type Row = (
        Uuid,
        PaymentProvider,
        Option<String>,
        i32,
        String,
        PaymentStatus,
        i32,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = payments::table
        .filter(payments::order_id.eq(order_id))
        .order(payments::created_at)
        .select((
            payments::id,
            payments::provider,
            payments::provider_ref,
            payments::amount_cents,
            payments::currency,
            payments::status,
            payments::refunded_cents,
            payments::created_at,
            payments::updated_at,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (
        id,
        provider,
        provider_ref,
        amount_cents,
        currency,
        status,
        refunded_cents,
        created_at,
        updated_at,
    ) in rows
    {
        let refunds = refunds::table
            .filter(refunds::payment_id.eq(id))
            .order(refunds::created_at)
            .select(REFUND_COLUMNS)
            .load::<RefundView>(conn)?;
        out.push(PaymentView {
            id,
            provider,
            provider_ref,
            amount_cents,
            currency,
            status,
            refunded_cents,
            created_at,
            updated_at,
            refunds,
        });
    }
    Ok(out)
}
