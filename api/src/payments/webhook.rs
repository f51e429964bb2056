//! The Stripe webhook: the signature and timestamp are checked on the raw body, each event id is
//! stored and applied once (in the transaction that applies it), events arriving out of order or
//! twice change nothing they should not, and an amount that does not match the order is never
//! accepted as payment.

use chrono::Utc;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use uuid::Uuid;

use super::ledger::RefundStatus;
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::orders::lifecycle::mark_paid;
use crate::orders::model::OrderRow;
use crate::orders::settlement::{PaymentProvider, PaymentStatus};
use crate::schema::{orders, payments, refunds, webhook_events};
use crate::states::Status;

pub const TOLERANCE_SECONDS: i64 = 300;

/// The secrets events may be signed with: the configured ones (several during a roll), or for
/// the offline provider one derived from SECRET_KEY.
pub fn secrets(config: &Config) -> Vec<String> {
    match &config.stripe_webhook_secret {
        Some(list) => list
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        None => {
            use sha2::Digest;
            vec![format!(
                "whsec_offline_{}",
                &hex::encode(Sha256::digest(format!(
                    "offline-webhook:{}",
                    config.secret_key
                )))[..32]
            )]
        }
    }
}

/// `Stripe-Signature: t=…,v1=…[,v1=…]` for `body`, signed with `secret` at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body))
    )
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut m =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m.finalize().into_bytes().to_vec()
}

/// Checks a signature header against every secret and every `v1` signature, in constant time,
/// refusing what Stripe's own libraries refuse (checked against `stripe` for Python,
/// `WebhookSignature.verify_header`): the header is split on `,` and each element on `=` with
/// nothing trimmed (` v1=…` after a space is not a signature), the first `t=` is the timestamp,
/// a `t` or `v1` without `=` spoils the header, and a signature is the lowercase hex digest
/// exactly. Besides, a timestamp too far in the future is refused like a stale one.
pub fn verify(header: &str, body: &[u8], secrets: &[String], now: i64) -> Result<(), AppError> {
    let bad = |why: &str| AppError::BadRequest(format!("webhook refused: {why}"));
    let mut timestamp: Option<Option<i64>> = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let mut pieces = part.splitn(3, '=');
        let key = pieces.next().unwrap_or_default();
        if key != "t" && key != "v1" {
            continue;
        }
        let value = pieces
            .next()
            .ok_or_else(|| bad("malformed Stripe-Signature"))?;
        if key == "t" {
            timestamp.get_or_insert_with(|| value.parse::<i64>().ok());
        } else {
            signatures.push(value);
        }
    }
    let timestamp = match timestamp {
        None => return Err(bad("no timestamp in Stripe-Signature")),
        Some(None) => return Err(bad("malformed timestamp in Stripe-Signature")),
        Some(Some(t)) => t,
    };
    if signatures.is_empty() {
        return Err(bad("no v1 signature in Stripe-Signature"));
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(bad("the timestamp is outside the 300 s tolerance"));
    }
    // Only the lowercase hex digest of 32 bytes can match, as Stripe compares hex strings.
    let signatures: Vec<Vec<u8>> = signatures
        .into_iter()
        .filter(|s| s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .filter_map(|s| hex::decode(s).ok())
        .collect();
    for secret in secrets {
        let mut m =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        m.update(timestamp.to_string().as_bytes());
        m.update(b".");
        m.update(body);
        for signature in &signatures {
            if m.clone().verify_slice(signature).is_ok() {
                return Ok(());
            }
        }
    }
    Err(bad("no signature matches"))
}

/// What applying an event left to do outside the transaction.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Applied,
    Duplicate,
    /// Money taken for an order that is not placed by it (paid after the order was cancelled or
    /// expired): it goes back.
    RefundNeeded {
        order_id: Uuid,
        payment_intent: String,
        reason: &'static str,
    },
}

/// Applies one verified event, in the caller's transaction.
pub fn apply(conn: &mut PgConnection, event: &Value) -> AppResult<Outcome> {
    let id = event["id"]
        .as_str()
        .ok_or_else(|| AppError::BadRequest("event without id".into()))?;
    let kind = event["type"].as_str().unwrap_or_default();
    let inserted = diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::id.eq(id),
            webhook_events::provider.eq(PaymentProvider::Stripe),
            webhook_events::event_type.eq(kind),
            webhook_events::payload.eq(event),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 0 {
        return Ok(Outcome::Duplicate);
    }
    let object = &event["data"]["object"];
    match kind {
        "payment_intent.succeeded" => payment_succeeded(conn, object),
        "payment_intent.payment_failed" => {
            let pi = object["id"].as_str().unwrap_or_default();
            // A failure never undoes a success that arrived first.
            diesel::update(
                payments::table
                    .filter(payments::provider_ref.eq(pi))
                    .filter(payments::status.eq(PaymentStatus::Pending)),
            )
            .set((
                payments::status.eq(PaymentStatus::Failed),
                payments::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
            Ok(Outcome::Applied)
        }
        "charge.refunded" => {
            let pi = object["payment_intent"].as_str().unwrap_or_default();
            let refunded = object["amount_refunded"].as_i64().unwrap_or(0) as i32;
            let payment: Option<(Uuid, i32, i32)> = payments::table
                .filter(payments::provider_ref.eq(pi))
                .select((
                    payments::id,
                    payments::amount_cents,
                    payments::refunded_cents,
                ))
                .for_update()
                .first(conn)
                .optional()?;
            if let Some((payment_id, amount, already)) = payment {
                diesel::update(payments::table.find(payment_id))
                    .set((
                        payments::refunded_cents.eq(already.max(refunded.min(amount))),
                        payments::updated_at.eq(Utc::now()),
                    ))
                    .execute(conn)?;
                match object["refunds"]["data"].as_array() {
                    // The charge lists its refunds: each is settled by its own status.
                    Some(listed) => {
                        for refund in listed {
                            settle_refund(conn, refund)?;
                        }
                    }
                    // The offline provider's event (no list): the charge is refunded.
                    None => {
                        diesel::update(
                            refunds::table
                                .filter(refunds::payment_id.eq(payment_id))
                                .filter(refunds::status.eq(RefundStatus::Pending)),
                        )
                        .set(refunds::status.eq(RefundStatus::Succeeded))
                        .execute(conn)?;
                    }
                }
            }
            Ok(Outcome::Applied)
        }
        "refund.created" | "refund.updated" | "refund.failed" | "charge.refund.updated" => {
            settle_refund(conn, object)?;
            Ok(Outcome::Applied)
        }
        _ => Ok(Outcome::Applied),
    }
}

/// A refund as Stripe reports it settles ours, found by its id or, when our request's answer was
/// lost, by the `refund_id` we put in its metadata. Succeeded and failed are final (a failed one
/// frees its amount); a late `pending` never undoes them.
fn settle_refund(conn: &mut PgConnection, object: &Value) -> AppResult<()> {
    let Some(provider_ref) = object["id"].as_str() else {
        return Ok(());
    };
    let ours = object["metadata"]["refund_id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok());
    let found: Option<(Uuid, Uuid, i32)> = refunds::table
        .filter(
            refunds::provider_ref
                .eq(provider_ref)
                .or(refunds::id.nullable().eq(ours)),
        )
        .select((refunds::id, refunds::payment_id, refunds::amount_cents))
        .first(conn)
        .optional()?;
    let Some((refund_id, payment_id, amount)) = found else {
        tracing::info!(refund = %provider_ref, "a refund we did not ask for (Stripe's dashboard?)");
        return Ok(());
    };
    // The payment row first, as refunds are reserved: one settlement at a time.
    payments::table
        .find(payment_id)
        .select(payments::id)
        .for_update()
        .first::<Uuid>(conn)?;
    let current: RefundStatus = refunds::table
        .find(refund_id)
        .select(refunds::status)
        .first(conn)?;
    let reported = match object["status"].as_str() {
        Some("succeeded") => RefundStatus::Succeeded,
        Some("failed" | "canceled") => RefundStatus::Failed,
        _ => RefundStatus::Pending,
    };
    let status = match (current, reported) {
        (RefundStatus::Failed, _) | (_, RefundStatus::Pending) => current,
        (_, reported) => reported,
    };
    diesel::update(refunds::table.find(refund_id))
        .set((
            refunds::status.eq(status),
            refunds::provider_ref.eq(provider_ref),
        ))
        .execute(conn)?;
    if status == RefundStatus::Failed && current != RefundStatus::Failed {
        tracing::error!(%refund_id, refund = %provider_ref, "ALERT a refund failed at the provider: its amount can be refunded again");
        diesel::update(payments::table.find(payment_id))
            .set((
                payments::refunded_cents.eq(payments::refunded_cents - amount),
                payments::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn payment_succeeded(conn: &mut PgConnection, object: &Value) -> AppResult<Outcome> {
    let pi = object["id"].as_str().unwrap_or_default().to_string();
    let amount = object["amount"].as_i64().unwrap_or(-1);
    let currency = object["currency"]
        .as_str()
        .unwrap_or_default()
        .to_uppercase();
    let Some(order_id) = object["metadata"]["order_id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        tracing::error!(payment_intent = %pi, "ALERT payment succeeded without an order id in its metadata");
        return Ok(Outcome::Applied);
    };
    let Some(order) = orders::table
        .find(order_id)
        .select(OrderRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
    else {
        tracing::error!(payment_intent = %pi, %order_id, "ALERT payment succeeded for an unknown order");
        return Ok(Outcome::Applied);
    };
    let provider = if pi.starts_with("pi_offline_") {
        PaymentProvider::Offline
    } else {
        PaymentProvider::Stripe
    };
    if amount != i64::from(order.total_cents) || currency != order.currency {
        tracing::error!(payment_intent = %pi, %order_id, amount, %currency, expected = order.total_cents, "ALERT paid amount or currency does not match the order: not accepted as payment, refunding it");
        sentry::capture_message(
            &format!(
                "payment {pi} for order {order_id}: {amount} {currency} instead of {} {}: refunded",
                order.total_cents, order.currency
            ),
            sentry::Level::Error,
        );
        // The money was taken all the same (an intent made before the order changed): it is
        // written as it was paid, and goes back.
        let Ok(paid) = i32::try_from(amount).map(|a| a.max(0)) else {
            return Ok(Outcome::Applied);
        };
        // Written once (the order's row is locked): a second report of it changes nothing.
        let already: Option<PaymentStatus> = payments::table
            .filter(payments::provider_ref.eq(&pi))
            .select(payments::status)
            .first(conn)
            .optional()?;
        if already == Some(PaymentStatus::Succeeded) || paid == 0 {
            return Ok(Outcome::Applied);
        }
        diesel::insert_into(payments::table)
            .values((
                payments::order_id.eq(order_id),
                payments::provider.eq(provider),
                payments::provider_ref.eq(&pi),
                payments::amount_cents.eq(paid),
                payments::currency.eq(&currency),
                payments::status.eq(PaymentStatus::Succeeded),
            ))
            .on_conflict(payments::provider_ref)
            .do_update()
            .set((
                payments::amount_cents.eq(paid),
                payments::currency.eq(&currency),
                payments::status.eq(PaymentStatus::Succeeded),
                payments::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        return Ok(Outcome::RefundNeeded {
            order_id,
            payment_intent: pi,
            reason: "paid an amount that is not the order's",
        });
    }
    // The row may not exist yet if the event beats the answer to the intent's creation.
    diesel::insert_into(payments::table)
        .values((
            payments::order_id.eq(order_id),
            payments::provider.eq(provider),
            payments::provider_ref.eq(&pi),
            payments::amount_cents.eq(order.total_cents),
            payments::currency.eq(&order.currency),
            payments::status.eq(PaymentStatus::Succeeded),
        ))
        .on_conflict(payments::provider_ref)
        .do_update()
        .set((
            payments::status.eq(PaymentStatus::Succeeded),
            payments::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    if mark_paid(conn, &order, "paid online")? {
        return Ok(Outcome::Applied);
    }
    match order.status {
        Status::Cancelled => {
            tracing::warn!(%order_id, payment_intent = %pi, "payment arrived after the order was cancelled: refunding it");
            Ok(Outcome::RefundNeeded {
                order_id,
                payment_intent: pi,
                reason: "paid after cancellation",
            })
        }
        // Paid already by another intent (one made before a change, paid at the same time as
        // the new one): the second payment goes back.
        _ if paid_by_another(conn, order_id, &pi)? => {
            tracing::error!(%order_id, payment_intent = %pi, "ALERT order paid twice online: refunding the second payment");
            sentry::capture_message(
                &format!("order {order_id} paid twice online: {pi} refunded"),
                sentry::Level::Error,
            );
            Ok(Outcome::RefundNeeded {
                order_id,
                payment_intent: pi,
                reason: "paid twice",
            })
        }
        _ => Ok(Outcome::Applied),
    }
}

/// Whether another online payment of the order went through (and was not refunded).
fn paid_by_another(conn: &mut PgConnection, order_id: Uuid, pi: &str) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        payments::table
            .filter(payments::order_id.eq(order_id))
            .filter(payments::status.eq(PaymentStatus::Succeeded))
            .filter(payments::provider.eq_any([PaymentProvider::Stripe, PaymentProvider::Offline]))
            .filter(payments::provider_ref.ne(pi))
            .filter(payments::refunded_cents.lt(payments::amount_cents)),
    ))
    .get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_with_every_secret_and_the_tolerance() {
        let body = br#"{"id":"evt_1"}"#;
        let now = 1_800_000_000;
        let header = sign("whsec_new", now, body);
        assert!(verify(
            &header,
            body,
            &["whsec_old".into(), "whsec_new".into()],
            now
        )
        .is_ok());
        assert!(verify(&header, body, &["whsec_old".into()], now).is_err());
        assert!(verify(&header, br#"{"id":"evt_2"}"#, &["whsec_new".into()], now).is_err());
        assert!(verify(&header, body, &["whsec_new".into()], now + 301).is_err());
        // Stripe sends one v1 per active secret during a roll.
        let both = format!(
            "{},v1={}",
            sign("whsec_old", now, body),
            hex::encode(mac("whsec_new", now, body))
        );
        assert!(verify(&both, body, &["whsec_new".into()], now).is_ok());
        assert!(verify("v1=abcd", body, &["whsec_new".into()], now).is_err());
    }

    /// The same headers given to `stripe.WebhookSignature.verify_header` (stripe 16.1 for Python,
    /// secret `whsec_test`, body `{"id":"evt_1"}`, tolerance 300) are accepted or refused alike.
    #[test]
    fn signature_headers_are_read_as_stripes_library_reads_them() {
        let body = br#"{"id":"evt_1"}"#;
        let secrets = ["whsec_test".to_string()];
        let now = 1_800_000_000;
        let good = hex::encode(mac("whsec_test", now, body));
        let older = hex::encode(mac("whsec_test", now - 10, body));
        let upper = good.to_uppercase();
        let cases: Vec<(String, bool)> = vec![
            (format!("t={now},v1={good}"), true),
            (format!("v1={good},t={now}"), true),
            (format!("t={now},v0=abc,v1={good}"), true),
            (format!("t={now},v1=deadbeef,v1={good}"), true),
            (format!("t={now},garbage,v1={good}"), true),
            (format!("t={now},,v1={good}"), true),
            (format!("t={now},v1={good}=extra"), true),
            (format!("t={now}, v1={good}"), false),
            (format!(" t={now},v1={good}"), false),
            (format!("t={now},v1={upper}"), false),
            (format!("t={now},v1= {good}"), false),
            (format!("t={now},v1={good} "), false),
            // With two timestamps the first one is signed.
            (format!("t={now},t={},v1={good}", now - 10), true),
            (format!("t={},t={now},v1={good}", now - 10), false),
            (format!("t={},t={now},v1={older}", now - 10), true),
            (format!("t=abc,t={now},v1={good}"), false),
            (format!("t={now},t,v1={good}"), false),
            (format!("t={now},v1"), false),
            (format!("t={now},v1,v1={good}"), false),
            (format!("t={now}"), false),
            (format!("v1={good}"), false),
            (String::new(), false),
        ];
        for (header, accepted) in cases {
            assert_eq!(
                verify(&header, body, &secrets, now).is_ok(),
                accepted,
                "{header:?}"
            );
        }
    }
}
