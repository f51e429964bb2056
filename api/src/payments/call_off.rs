//! Online payments nobody will pay are called off at the provider: the PaymentIntent of an order
//! cancelled, expired or changed (its payment marked `cancelled` in the transaction that did it)
//! is cancelled at Stripe after the commit, so a late confirmation is never charged. A call the
//! provider does not take now is tried again by the background task and by `expire-orders`.

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::provider::ProviderError;
use super::service::Payments;
use crate::db;
use crate::error::AppResult;
use crate::orders::settlement::{PaymentProvider, PaymentStatus};
use crate::schema::payments;

impl Payments {
    /// Cancels at the provider the called-off payments of `order_id` (or of every order, oldest
    /// first, a batch at a time). Returns how many the provider now knows about; failures are
    /// logged and left for the next round.
    pub async fn call_off_intents(&self, order_id: Option<Uuid>) -> AppResult<usize> {
        let due = db::run(&self.pool, move |conn| {
            let mut query = payments::table
                .filter(payments::status.eq(PaymentStatus::Cancelled))
                .filter(payments::provider_cancelled_at.is_null())
                .filter(
                    payments::provider.eq_any([PaymentProvider::Stripe, PaymentProvider::Offline]),
                )
                .order(payments::updated_at)
                .select((
                    payments::id,
                    payments::order_id,
                    payments::provider,
                    payments::provider_ref,
                ))
                .limit(50)
                .into_boxed();
            if let Some(order_id) = order_id {
                query = query.filter(payments::order_id.eq(order_id));
            }
            Ok(query.load::<(Uuid, Uuid, PaymentProvider, Option<String>)>(conn)?)
        })
        .await?;
        let mut done = 0;
        for (payment_id, order_id, provider, pi) in due {
            let Some(pi) = pi else { continue };
            if provider != self.provider.kind() {
                // Made by a provider no longer configured (an offline intent after Stripe keys
                // were set, or the reverse): nothing this instance can call off.
                if provider == PaymentProvider::Offline {
                    self.mark_called_off(payment_id).await?;
                    done += 1;
                }
                continue;
            }
            match self.provider.cancel_intent(&pi).await {
                Ok(()) => {}
                // Already canceled, already paid (the webhook refunds it) or unknown to Stripe:
                // nothing more to call off.
                Err(ProviderError::Refused(why)) => {
                    tracing::info!(%order_id, payment_intent = %pi, %why, "payment intent not cancelled by the provider");
                }
                Err(ProviderError::Unknown(why)) => {
                    tracing::warn!(%order_id, payment_intent = %pi, %why, "cancelling the payment intent failed: tried again later");
                    continue;
                }
            }
            self.mark_called_off(payment_id).await?;
            done += 1;
        }
        Ok(done)
    }

    async fn mark_called_off(&self, payment_id: Uuid) -> AppResult<()> {
        db::run(&self.pool, move |conn| {
            diesel::update(
                payments::table
                    .find(payment_id)
                    .filter(payments::provider_cancelled_at.is_null()),
            )
            .set(payments::provider_cancelled_at.eq(Utc::now()))
            .execute(conn)?;
            Ok(())
        })
        .await
    }
}
