//! The payment service of one API instance (the provider, the database, the webhook's secrets):
//! receiving events, and what orders ask of payments (`orders::lifecycle::PaymentGateway`).

use std::future::Future;
use std::pin::Pin;

use chrono::Utc;
use uuid::Uuid;

use super::provider::Provider;
use super::webhook;
use crate::config::Config;
use crate::db::{self, PgPool};
use crate::error::{AppError, AppResult};
use crate::orders::lifecycle::PaymentGateway;

/// The payment service of one API instance: the provider, the database, the webhook's secrets.
pub struct Payments {
    pub provider: Provider,
    pub(super) pool: PgPool,
    pub(super) webhook_secrets: Vec<String>,
}

impl Payments {
    pub fn new(config: &Config, pool: PgPool) -> Payments {
        Payments {
            provider: Provider::from_config(config),
            pool,
            webhook_secrets: webhook::secrets(config),
        }
    }

    /// Verifies, stores and applies one event; refunds a payment that arrived too late.
    pub async fn receive(&self, body: &[u8], signature: &str) -> AppResult<webhook::Outcome> {
        webhook::verify(
            signature,
            body,
            &self.webhook_secrets,
            Utc::now().timestamp(),
        )?;
        let event: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| AppError::BadRequest(format!("malformed event: {e}")))?;
        let kind = event["type"].as_str().unwrap_or_default().to_string();
        let outcome = db::transaction(&self.pool, move |conn| webhook::apply(conn, &event)).await?;
        match (&outcome, kind.as_str()) {
            (webhook::Outcome::RefundNeeded { .. }, _) => {
                crate::metrics::business().payment("refunded_late")
            }
            (webhook::Outcome::Applied, "payment_intent.succeeded") => {
                crate::metrics::business().payment("succeeded")
            }
            (webhook::Outcome::Applied, "payment_intent.payment_failed") => {
                crate::metrics::business().payment("failed")
            }
            _ => {}
        }
        if let webhook::Outcome::RefundNeeded {
            order_id,
            payment_intent,
            reason,
        } = &outcome
        {
            // The event is stored: a failure here is not retried by Stripe's redelivery, so it
            // is logged for a person (a refund without an answer is sent again by itself).
            let refunded =
                Box::pin(self.refund(*order_id, Some(payment_intent.clone()), None, None, reason))
                    .await;
            if let Err(e) = refunded {
                tracing::error!(%order_id, %payment_intent, error = %e, "ALERT money kept for an order that is not placed: the automatic refund failed");
                sentry::capture_message(
                    &format!(
                        "automatic refund of {payment_intent} for order {order_id} failed: {e}"
                    ),
                    sentry::Level::Error,
                );
            }
        }
        Ok(outcome)
    }

    /// Builds an event like Stripe's, signs it and hands it to the webhook's code path.
    pub async fn deliver_offline_event(
        &self,
        kind: &str,
        object: serde_json::Value,
    ) -> AppResult<webhook::Outcome> {
        let event = serde_json::json!({"id": format!("evt_offline_{}", Uuid::new_v4().simple()), "object": "event", "type": kind, "data": {"object": object}});
        let body = serde_json::to_vec(&event).map_err(AppError::internal)?;
        let secret = self.webhook_secrets.first().cloned().unwrap_or_default();
        let signature = webhook::sign(&secret, Utc::now().timestamp(), &body);
        self.receive(&body, &signature).await
    }
}

impl PaymentGateway for Payments {
    fn refund_cancelled(
        &self,
        order_id: Uuid,
        actor: Option<Uuid>,
    ) -> Pin<Box<dyn Future<Output = AppResult<bool>> + '_>> {
        Box::pin(async move {
            Ok(self
                .refund(order_id, None, None, actor, "order cancelled")
                .await?
                .is_some())
        })
    }

    fn call_off_intents(&self, order_id: Uuid) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move {
            if let Err(e) = Payments::call_off_intents(self, Some(order_id)).await {
                tracing::warn!(%order_id, error = %e, "calling off the payment intent failed: tried again later");
            }
        })
    }
}
