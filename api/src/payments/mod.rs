//! Payments: online by Stripe (or the offline test provider, same code path), cash or card
//! collected by staff, refunds and the signed webhook. Calls to the provider are made outside the
//! transactions that lock orders. Payments call into orders (`orders::lifecycle::mark_paid`, the
//! settlement ledger); orders ask for money back and for payments to be called off through
//! `orders::lifecycle::PaymentGateway`, implemented here.
//!
//! `provider` (Stripe or offline) · `webhook` (signatures, events applied once) · `ledger`
//! (payments and refunds as shown) · `refunds` · `call_off` (intents nobody will pay) ·
//! `handlers` (HTTP).

mod call_off;
mod handlers;
pub mod ledger;
pub mod provider;
mod refunds;
mod service;
pub mod webhook;

pub use handlers::*;
pub use provider::Provider;
pub use service::Payments;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(start_payment)
        .service(list_payments)
        .service(refund_order)
        .service(stripe_webhook)
        .service(offline_confirm);
}
