//! What every handler can reach: the configuration, the database pool and the mailer. It sits
//! below the business areas and imports none of them; each area's own service (the catalog
//! cache, the search engine, the payment provider, the live order events) is registered by
//! `startup.rs` as its own `web::Data<…>` and asked for by the handlers that need it.

use crate::config::Config;
use crate::db::PgPool;
use crate::mail::Mailer;

pub struct AppState {
    pub config: Config,
    pub pool: PgPool,
    pub mailer: Mailer,
}
