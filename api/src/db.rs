//! The PostgreSQL connection pool, the embedded migrations and the bridge that runs Diesel's
//! blocking calls off the async executor.

use std::time::Duration;

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{AppError, AppResult};

pub type PgPool = Pool<ConnectionManager<PgConnection>>;
pub type PgPooled = PooledConnection<ConnectionManager<PgConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Builds the pool without connecting: the server starts even when the database is down and
/// `/readyz` turns green by itself once it is back.
pub fn build_pool(database_url: &str, max_size: u32) -> PgPool {
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1.min(max_size)))
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager::new(database_url))
}

/// Applies the migrations not applied yet; running it twice does nothing the second time.
pub fn run_migrations(conn: &mut PgConnection) -> Result<Vec<String>, String> {
    conn.run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.iter().map(|v| v.to_string()).collect())
        .map_err(|e| e.to_string())
}

/// Runs blocking database work on actix's thread pool with a pooled connection.
pub async fn run<F, T>(pool: &PgPool, work: F) -> AppResult<T>
where
    F: FnOnce(&mut PgConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await
    .map_err(AppError::from)?
}

/// Runs blocking work inside one transaction: everything or nothing is kept.
pub async fn transaction<F, T>(pool: &PgPool, work: F) -> AppResult<T>
where
    F: FnOnce(&mut PgConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    use diesel::Connection;
    run(pool, move |conn| conn.transaction(work)).await
}
