//! Payment providers behind one interface: Stripe (its REST API, base URL configurable) when
//! `STRIPE_SECRET_KEY` is set, otherwise an offline test provider that answers like Stripe and
//! delivers signed events to the same webhook handler.

use serde::Deserialize;
use uuid::Uuid;

use crate::config::Config;
use crate::error::AppError;
use crate::orders::settlement::PaymentProvider;

/// A PaymentIntent as the provider answers it.
#[derive(Clone, Debug, Deserialize)]
pub struct Intent {
    pub id: String,
    pub client_secret: String,
    pub amount: i64,
    pub currency: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ProviderRefund {
    pub id: String,
    /// Stripe's API allows `null`: not known yet, settled by the webhook like `pending`.
    #[serde(default)]
    pub status: Option<ProviderRefundStatus>,
}

/// Why a call to the provider did not give its answer, as far as money is concerned.
#[derive(Debug)]
pub enum ProviderError {
    /// The provider answered that it did not do it (a 4xx other than 409): nothing happened.
    Refused(String),
    /// No answer we can read (timeout, connection reset, 5xx, 409 for a request still in
    /// flight, an unreadable body): it may have been done. Only a retry with the same
    /// idempotency key, or the webhook, tells.
    Unknown(String),
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProviderError::Refused(m) => write!(f, "refused: {m}"),
            ProviderError::Unknown(m) => write!(f, "outcome unknown: {m}"),
        }
    }
}

impl From<ProviderError> for AppError {
    fn from(e: ProviderError) -> AppError {
        match e {
            ProviderError::Refused(message) => AppError::Conflict {
                detail: format!("the payment provider refused: {message}"),
                errors: Vec::new(),
                extra: None,
            },
            ProviderError::Unknown(message) => AppError::Unavailable(format!("stripe: {message}")),
        }
    }
}

/// A refund's status as Stripe words it.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProviderRefundStatus {
    Succeeded,
    Pending,
    RequiresAction,
    Failed,
    Canceled,
    /// A status this code does not know yet: treated as pending, settled by the webhook.
    #[serde(other)]
    Other,
}

#[derive(Clone)]
pub enum Provider {
    Stripe(StripeClient),
    Offline,
}

impl Provider {
    /// The offline test provider (no Stripe key configured).
    pub fn is_offline(&self) -> bool {
        matches!(self, Provider::Offline)
    }

    pub fn from_config(config: &Config) -> Provider {
        match &config.stripe_secret_key {
            Some(key) => Provider::Stripe(StripeClient::new(
                &config.stripe_api_base,
                key,
                std::time::Duration::from_millis(config.stripe_timeout_ms),
            )),
            None => Provider::Offline,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// How its payments are written in the ledger.
    pub fn kind(&self) -> PaymentProvider {
        match self {
            Provider::Stripe(_) => PaymentProvider::Stripe,
            Provider::Offline => PaymentProvider::Offline,
        }
    }

    /// Creates the order's PaymentIntent, or returns the one already created: the idempotency
    /// key is derived from the order, its amount and how many of its intents were called off
    /// (`replaced`: after a change the next intent is a new one, even for an amount seen before).
    pub async fn create_intent(
        &self,
        order_id: Uuid,
        amount_cents: i32,
        currency: &str,
        replaced: i64,
    ) -> Result<Intent, AppError> {
        let key = match replaced {
            0 => format!("order-{order_id}-{amount_cents}-{currency}"),
            n => format!("order-{order_id}-{amount_cents}-{currency}-r{n}"),
        };
        match self {
            Provider::Stripe(client) => {
                let form = [
                    ("amount", amount_cents.to_string()),
                    ("currency", currency.to_lowercase()),
                    ("metadata[order_id]", order_id.to_string()),
                    ("automatic_payment_methods[enabled]", "true".to_string()),
                    ("description", format!("OC Pizza order {order_id}")),
                ];
                Ok(client.post("/v1/payment_intents", &form, &key).await?)
            }
            Provider::Offline => {
                let id = format!("pi_offline_{}", hex::encode(&sha(&key)[..12]));
                Ok(Intent {
                    client_secret: format!("{id}_secret_offline"),
                    id,
                    amount: i64::from(amount_cents),
                    currency: currency.to_lowercase(),
                })
            }
        }
    }

    /// Refunds part or all of a payment; `key` (derived from our refund) makes a retry answer
    /// the same refund, and the metadata lets the webhook find it even if our first answer was
    /// lost.
    pub async fn refund(
        &self,
        payment_intent: &str,
        amount_cents: i32,
        key: &str,
        refund_id: Uuid,
        order_id: Uuid,
    ) -> Result<ProviderRefund, ProviderError> {
        match self {
            Provider::Stripe(client) => {
                let form = [
                    ("payment_intent", payment_intent.to_string()),
                    ("amount", amount_cents.to_string()),
                    ("metadata[refund_id]", refund_id.to_string()),
                    ("metadata[order_id]", order_id.to_string()),
                ];
                client.post("/v1/refunds", &form, key).await
            }
            Provider::Offline => Ok(ProviderRefund {
                id: format!("re_offline_{}", hex::encode(&sha(key)[..12])),
                status: Some(ProviderRefundStatus::Succeeded),
            }),
        }
    }

    /// Cancels a PaymentIntent nobody will pay (its order was cancelled, expired or changed), so
    /// a late confirmation is not charged. An intent Stripe no longer has, or already canceled or
    /// paid, is answered `Refused`: there is nothing more to call off (a payment that went
    /// through meanwhile is refunded by the webhook).
    pub async fn cancel_intent(&self, payment_intent: &str) -> Result<(), ProviderError> {
        match self {
            Provider::Stripe(client) => {
                let path = format!("/v1/payment_intents/{payment_intent}/cancel");
                let form = [("cancellation_reason", "abandoned".to_string())];
                client
                    .post::<serde_json::Value>(&path, &form, &format!("cancel-{payment_intent}"))
                    .await
                    .map(|_| ())
            }
            Provider::Offline => Ok(()),
        }
    }
}

fn sha(text: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).to_vec()
}

/// The Stripe calls we make, form-encoded as Stripe's API expects.
#[derive(Clone)]
pub struct StripeClient {
    base: String,
    key: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct StripeError {
    error: StripeErrorBody,
}

#[derive(Deserialize)]
struct StripeErrorBody {
    message: Option<String>,
}

impl StripeClient {
    pub fn new(base: &str, key: &str, timeout: std::time::Duration) -> StripeClient {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .unwrap_or_default();
        StripeClient {
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
            http,
        }
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: &str,
    ) -> Result<T, ProviderError> {
        let body = serde_urlencoded::to_string(form)
            .map_err(|e| ProviderError::Refused(format!("cannot encode the request: {e}")))?;
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("Idempotency-Key", idempotency_key)
            .header("Stripe-Version", "2020-08-27")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            // Sent or not, we cannot tell: a timeout may come after Stripe did it.
            .map_err(|e| ProviderError::Unknown(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| ProviderError::Unknown(e.to_string()))?;
        if status.is_success() {
            serde_json::from_str(&text)
                .map_err(|e| ProviderError::Unknown(format!("unreadable answer: {e}")))
        } else if status.is_client_error() && status != reqwest::StatusCode::CONFLICT {
            let message = serde_json::from_str::<StripeError>(&text)
                .ok()
                .and_then(|e| e.error.message)
                .unwrap_or_else(|| status.to_string());
            Err(ProviderError::Refused(message))
        } else {
            Err(ProviderError::Unknown(format!("stripe answered {status}")))
        }
    }
}
