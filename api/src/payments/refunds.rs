//! Refunds: the amount reserved in one transaction (never more than was paid), the provider called
//! outside it with a key derived from the refund, the outcome written back.

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::ledger::{RefundStatus, RefundView};
use super::provider::ProviderRefundStatus;
use super::Payments;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::orders::settlement::{PaymentProvider, PaymentStatus};
use crate::schema::{payments, refunds};

impl Payments {
    /// Refunds an online payment: `amount` (or everything not refunded yet). The amount is reserved
    /// in one transaction (never more than was paid), then the provider is called with a key derived
    /// from the refund, so a retry never refunds twice. Returns None when nothing was paid online.
    pub async fn refund(
        &self,
        order_id: Uuid,
        amount: Option<i32>,
        actor: Option<Uuid>,
        reason: &str,
    ) -> AppResult<Option<RefundView>> {
        let reason_text = reason.to_string();
        let reserved = db::transaction(&self.pool, move |conn| {
            let payment: Option<(Uuid, Option<String>, i32, i32)> = payments::table
                .filter(payments::order_id.eq(order_id))
                .filter(payments::status.eq(PaymentStatus::Succeeded))
                .filter(
                    payments::provider.eq_any([PaymentProvider::Stripe, PaymentProvider::Offline]),
                )
                .select((
                    payments::id,
                    payments::provider_ref,
                    payments::amount_cents,
                    payments::refunded_cents,
                ))
                .for_update()
                .first(conn)
                .optional()?;
            let Some((payment_id, Some(pi), paid, refunded)) = payment else {
                return match amount {
                    Some(_) => Err(AppError::conflict("nothing was paid online for this order")),
                    None => Ok(None),
                };
            };
            let remaining = paid - refunded;
            let amount = amount.unwrap_or(remaining);
            if amount == 0 && remaining == 0 {
                return Ok(None);
            }
            if amount <= 0 || amount > remaining {
                return Err(AppError::field(
                    "amount_cents",
                    "out_of_range",
                    format!("between 1 and {remaining} (paid {paid}, refunded {refunded})"),
                ));
            }
            let refund_id: Uuid = diesel::insert_into(refunds::table)
                .values((
                    refunds::payment_id.eq(payment_id),
                    refunds::amount_cents.eq(amount),
                    refunds::status.eq(RefundStatus::Pending),
                    refunds::reason.eq(&reason_text),
                    refunds::created_by.eq(actor),
                ))
                .returning(refunds::id)
                .get_result(conn)?;
            diesel::update(payments::table.find(payment_id))
                .set((
                    payments::refunded_cents.eq(refunded + amount),
                    payments::updated_at.eq(Utc::now()),
                ))
                .execute(conn)?;
            Ok(Some((refund_id, payment_id, pi, amount)))
        })
        .await?;
        let Some((refund_id, payment_id, pi, amount)) = reserved else {
            return Ok(None);
        };
        let answer = self
            .provider
            .refund(&pi, amount, &format!("refund-{refund_id}"))
            .await;
        let (status, provider_ref) = match &answer {
            Ok(r)
                if matches!(
                    r.status,
                    ProviderRefundStatus::Failed | ProviderRefundStatus::Canceled
                ) =>
            {
                (RefundStatus::Failed, Some(r.id.clone()))
            }
            // Stripe may answer succeeded at once; the offline provider settles with charge.refunded.
            Ok(r) if r.status == ProviderRefundStatus::Succeeded && !self.provider.is_offline() => {
                (RefundStatus::Succeeded, Some(r.id.clone()))
            }
            Ok(r) => (RefundStatus::Pending, Some(r.id.clone())),
            Err(e) => {
                tracing::error!(%order_id, error = %e, "ALERT refund failed at the provider");
                (RefundStatus::Failed, None)
            }
        };
        let view = db::transaction(&self.pool, move |conn| {
            diesel::update(refunds::table.find(refund_id))
                .set((
                    refunds::status.eq(status),
                    refunds::provider_ref.eq(provider_ref),
                ))
                .execute(conn)?;
            if status == RefundStatus::Failed {
                // Give the reserved amount back so the refund can be tried again.
                diesel::update(payments::table.find(payment_id))
                    .set(payments::refunded_cents.eq(payments::refunded_cents - amount))
                    .execute(conn)?;
            }
            Ok(refunds::table
                .find(refund_id)
                .select((
                    refunds::id,
                    refunds::amount_cents,
                    refunds::provider_ref,
                    refunds::status,
                    refunds::reason,
                    refunds::created_at,
                ))
                .first::<RefundView>(conn)?)
        })
        .await?;
        answer?;
        if self.provider.is_offline() {
            // The offline provider settles refunds like Stripe: with a signed charge.refunded event.
            let total_refunded = db::run(&self.pool, move |conn| {
                Ok(payments::table
                    .find(payment_id)
                    .select(payments::refunded_cents)
                    .first::<i32>(conn)?)
            })
            .await?;
            self.deliver_offline_event("charge.refunded", serde_json::json!({"object": "charge", "payment_intent": pi, "amount_refunded": total_refunded})).await?;
        }
        Ok(Some(view))
    }
}
