//! Refunds: the amount reserved in one transaction (never more than was paid), the provider called
//! outside it with a key derived from the refund, the outcome written back. A refund whose answer
//! was lost (timeout, reset, 5xx) stays `pending` with its amount reserved and no provider
//! reference: it is sent again with the same key (by the next refund of the order, or by
//! [`Payments::reconcile_refunds`]), so Stripe answers the same refund and never pays back twice;
//! the webhook settles it too. An order paid cash or card on delivery is refunded by hand at the
//! shop ([`refund_by_hand`]): written as done, nothing to call.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::ledger::{RefundMethod, RefundStatus, RefundView, REFUND_COLUMNS};
use super::provider::{ProviderError, ProviderRefundStatus};
use super::service::Payments;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::orders::lifecycle::{record_status, Move};
use crate::orders::model::OrderRow;
use crate::orders::settlement::{PaymentProvider, PaymentStatus};
use crate::schema::{payments, refunds};
use crate::states::HistoryEvent;

/// Stripe keeps an idempotency key for 24 hours: past that, sending a lost refund again could pay
/// it twice, so a person checks it in Stripe's dashboard.
const RESEND_WITHIN_HOURS: i64 = 23;

/// A refund written in our ledger, to be sent to the provider.
#[derive(Clone, Debug)]
struct Reserved {
    refund_id: Uuid,
    payment_id: Uuid,
    order_id: Uuid,
    payment_intent: String,
    amount: i32,
}

impl Reserved {
    fn key(&self) -> String {
        format!("refund-{}", self.refund_id)
    }
}

/// Whether a refund's outcome is still unknown: pending, and the provider never answered it.
pub fn outcome_unknown(view: &RefundView) -> bool {
    view.status == RefundStatus::Pending && view.provider_ref.is_none()
}

fn load_refund(conn: &mut PgConnection, refund_id: Uuid) -> AppResult<RefundView> {
    Ok(refunds::table
        .find(refund_id)
        .select(REFUND_COLUMNS)
        .first::<RefundView>(conn)?)
}

type ReservedRow = (Uuid, Uuid, i32, Uuid, Option<String>);

/// Refunds still waiting for the provider's first answer, oldest first.
fn unanswered(
    conn: &mut PgConnection,
    order_id: Option<Uuid>,
    older_than: Option<chrono::DateTime<Utc>>,
) -> AppResult<Vec<Reserved>> {
    let mut query = refunds::table
        .inner_join(payments::table)
        .filter(refunds::status.eq(RefundStatus::Pending))
        .filter(refunds::provider_ref.is_null())
        .filter(refunds::created_at.gt(Utc::now() - Duration::hours(RESEND_WITHIN_HOURS)))
        .order(refunds::created_at)
        .select((
            refunds::id,
            payments::id,
            refunds::amount_cents,
            payments::order_id,
            payments::provider_ref,
        ))
        .limit(50)
        .into_boxed();
    if let Some(order_id) = order_id {
        query = query.filter(payments::order_id.eq(order_id));
    }
    if let Some(before) = older_than {
        query = query.filter(refunds::created_at.lt(before));
    }
    let rows: Vec<ReservedRow> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(refund_id, payment_id, amount, order_id, pi)| {
            Some(Reserved {
                refund_id,
                payment_id,
                order_id,
                payment_intent: pi?,
                amount,
            })
        })
        .collect())
}

impl Payments {
    /// Refunds an online payment of the order: `amount` (or everything not refunded yet) of
    /// `payment_intent` (or of its first payment with something left). Refunds of the order whose
    /// outcome is unknown are sent again first, with their own keys; when the caller asks again
    /// for the amount of one of them, that refund is the answer (a retry, not a second refund).
    /// Returns None when nothing was paid online.
    pub async fn refund(
        &self,
        order_id: Uuid,
        payment_intent: Option<String>,
        amount: Option<i32>,
        actor: Option<Uuid>,
        reason: &str,
    ) -> AppResult<Option<RefundView>> {
        let waiting = db::run(&self.pool, move |conn| {
            unanswered(conn, Some(order_id), None)
        })
        .await?;
        for reserved in waiting {
            let asked = reserved.amount;
            match self.send(reserved).await {
                Ok(view) if amount == Some(asked) && view.status != RefundStatus::Failed => {
                    return Ok(Some(view));
                }
                Ok(_) => {}
                // Refused: written as failed, its amount free again; what is asked now goes on.
                Err(AppError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let reason_text = reason.to_string();
        let reserved = db::transaction(&self.pool, move |conn| {
            let payments_of_order: Vec<(Uuid, Option<String>, i32, i32)> = payments::table
                .filter(payments::order_id.eq(order_id))
                .filter(payments::status.eq(PaymentStatus::Succeeded))
                .filter(
                    payments::provider.eq_any([PaymentProvider::Stripe, PaymentProvider::Offline]),
                )
                .order(payments::created_at)
                .select((
                    payments::id,
                    payments::provider_ref,
                    payments::amount_cents,
                    payments::refunded_cents,
                ))
                .for_update()
                .load(conn)?;
            // The one asked for, or the first with something left to refund.
            let payment = payments_of_order
                .into_iter()
                .filter(|(_, pi, _, _)| {
                    payment_intent
                        .as_deref()
                        .is_none_or(|wanted| pi.as_deref() == Some(wanted))
                })
                .min_by_key(|(_, _, paid, refunded)| refunded >= paid);
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
                    refunds::method.eq(RefundMethod::Online),
                ))
                .returning(refunds::id)
                .get_result(conn)?;
            diesel::update(payments::table.find(payment_id))
                .set((
                    payments::refunded_cents.eq(refunded + amount),
                    payments::updated_at.eq(Utc::now()),
                ))
                .execute(conn)?;
            Ok(Some(Reserved {
                refund_id,
                payment_id,
                order_id,
                payment_intent: pi,
                amount,
            }))
        })
        .await?;
        match reserved {
            Some(reserved) => self.send(reserved).await.map(Some),
            None => Ok(None),
        }
    }

    /// Sends refunds whose answer was lost again, with their keys (the background task): what
    /// the webhook has not settled within a minute.
    pub async fn reconcile_refunds(&self) -> AppResult<usize> {
        let waiting = db::run(&self.pool, |conn| {
            let stale: i64 = refunds::table
                .filter(refunds::status.eq(RefundStatus::Pending))
                .filter(refunds::provider_ref.is_null())
                .filter(refunds::created_at.le(Utc::now() - Duration::hours(RESEND_WITHIN_HOURS)))
                .count()
                .get_result(conn)?;
            if stale > 0 {
                tracing::error!(refunds = stale, "ALERT refunds without an answer from the provider for a day: check them in Stripe's dashboard");
            }
            unanswered(conn, None, Some(Utc::now() - Duration::minutes(1)))
        })
        .await?;
        let mut settled = 0;
        for reserved in waiting {
            if let Ok(view) = self.send(reserved).await {
                settled += usize::from(!outcome_unknown(&view));
            }
        }
        Ok(settled)
    }

    /// Calls the provider for one reserved refund and writes what it answered: refused, the
    /// amount is free again (and the error returned); no answer, it stays pending with its key.
    async fn send(&self, reserved: Reserved) -> AppResult<RefundView> {
        let answer = self
            .provider
            .refund(
                &reserved.payment_intent,
                reserved.amount,
                &reserved.key(),
                reserved.refund_id,
                reserved.order_id,
            )
            .await;
        let order_id = reserved.order_id;
        let (status, provider_ref) = match &answer {
            Ok(r) => (
                match r.status {
                    Some(ProviderRefundStatus::Failed | ProviderRefundStatus::Canceled) => {
                        RefundStatus::Failed
                    }
                    // The offline provider settles with charge.refunded, as Stripe may.
                    Some(ProviderRefundStatus::Succeeded) if !self.provider.is_offline() => {
                        RefundStatus::Succeeded
                    }
                    // pending, requires_action, null or a word we do not know: the webhook says.
                    _ => RefundStatus::Pending,
                },
                Some(r.id.clone()),
            ),
            Err(ProviderError::Refused(e)) => {
                tracing::error!(%order_id, error = %e, "ALERT refund refused by the provider");
                (RefundStatus::Failed, None)
            }
            Err(ProviderError::Unknown(e)) => {
                tracing::warn!(%order_id, refund_id = %reserved.refund_id, error = %e, "refund outcome unknown: kept pending with its key, sent again later");
                (RefundStatus::Pending, None)
            }
        };
        let (refund_id, payment_id, amount) =
            (reserved.refund_id, reserved.payment_id, reserved.amount);
        let view = db::transaction(&self.pool, move |conn| {
            // Locked first, as the webhook does: a refund is settled once.
            payments::table
                .find(payment_id)
                .select(payments::id)
                .for_update()
                .first::<Uuid>(conn)?;
            let current: RefundStatus = refunds::table
                .find(refund_id)
                .select(refunds::status)
                .first(conn)?;
            if current == RefundStatus::Pending {
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
            }
            load_refund(conn, refund_id)
        })
        .await?;
        if let Err(e @ ProviderError::Refused(_)) = answer {
            return Err(e.into());
        }
        if self.provider.is_offline() {
            // The offline provider settles refunds like Stripe: with a signed charge.refunded event.
            let total_refunded = db::run(&self.pool, move |conn| {
                Ok(payments::table
                    .find(payment_id)
                    .select(payments::refunded_cents)
                    .first::<i32>(conn)?)
            })
            .await?;
            let pi = reserved.payment_intent;
            Box::pin(self.deliver_offline_event("charge.refunded", serde_json::json!({"object": "charge", "payment_intent": pi, "amount_refunded": total_refunded}))).await?;
            return db::run(&self.pool, move |conn| load_refund(conn, refund_id)).await;
        }
        Ok(view)
    }
}

/// Money paid back by hand at the shop for an order paid cash or card on delivery: cash from the
/// till or a refund on the card terminal. Nothing to call: it is written as done, in the caller's
/// transaction (the order locked), never more than was collected minus earlier refunds, and noted
/// in the order's history.
pub fn refund_by_hand(
    conn: &mut PgConnection,
    order: &OrderRow,
    amount: i32,
    method: RefundMethod,
    reason: &str,
    actor: Uuid,
) -> AppResult<RefundView> {
    let collected: Vec<(Uuid, i32, i32)> = payments::table
        .filter(payments::order_id.eq(order.id))
        .filter(payments::status.eq(PaymentStatus::Succeeded))
        .filter(payments::provider.eq_any([PaymentProvider::Cash, PaymentProvider::CardOnDelivery]))
        .order((payments::created_at, payments::id))
        .select((
            payments::id,
            payments::amount_cents,
            payments::refunded_cents,
        ))
        .for_update()
        .load(conn)?;
    if collected.is_empty() {
        return Err(AppError::conflict(
            "nothing was collected for this order yet: record the payment first",
        ));
    }
    let paid: i32 = collected.iter().map(|(_, paid, _)| paid).sum();
    let refunded: i32 = collected.iter().map(|(_, _, refunded)| refunded).sum();
    let remaining = paid - refunded;
    if amount <= 0 || amount > remaining {
        return Err(AppError::field(
            "amount_cents",
            "out_of_range",
            format!("between 1 and {remaining} (collected {paid}, refunded {refunded})"),
        ));
    }
    // The refund is written against the payment it comes out of: the first one with enough left
    // (an order has one collected payment but for odd cases, then the rest of each in turn).
    let mut left = amount;
    let mut first = None;
    for (payment_id, paid, refunded) in collected {
        let part = left.min(paid - refunded);
        if part <= 0 {
            continue;
        }
        let id: Uuid = diesel::insert_into(refunds::table)
            .values((
                refunds::payment_id.eq(payment_id),
                refunds::amount_cents.eq(part),
                refunds::status.eq(RefundStatus::Succeeded),
                refunds::reason.eq(reason),
                refunds::created_by.eq(actor),
                refunds::method.eq(method),
            ))
            .returning(refunds::id)
            .get_result(conn)?;
        diesel::update(payments::table.find(payment_id))
            .set((
                payments::refunded_cents.eq(refunded + part),
                payments::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        first.get_or_insert(id);
        left -= part;
        if left == 0 {
            break;
        }
    }
    note_refund(conn, order, amount, method, Some(reason), actor)?;
    load_refund(
        conn,
        first.ok_or_else(|| AppError::internal("no payment to refund from"))?,
    )
}

/// Writes a refund in the order's history (its status unchanged, as a change is) and announces it
/// on the shop's feed.
pub fn note_refund(
    conn: &mut PgConnection,
    order: &OrderRow,
    amount: i32,
    method: RefundMethod,
    reason: Option<&str>,
    actor: Uuid,
) -> AppResult<()> {
    // Short words, as the other notes of the history ("paid online", "modified").
    let note = format!(
        "refunded {}.{:02} {} ({}): {}",
        amount / 100,
        amount % 100,
        order.currency,
        method.as_str(),
        reason.unwrap_or("refund by a manager")
    );
    record_status(
        conn,
        &Move {
            order_id: order.id,
            shop_id: order.shop_id,
            number: order.number,
            from: Some(order.status),
            to: order.status,
            actor: Some(actor),
            note: Some(&note),
            event: HistoryEvent::Refunded,
            reason,
            refund: Some((amount, method)),
        },
    )
}
