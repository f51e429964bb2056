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

/// How many times a transaction that lost against concurrent ones (deadlock, serialization
/// failure) is run before the client is told to try again (503 with `Retry-After`).
pub const ATTEMPTS: u32 = 4;

/// Runs blocking work inside one transaction: everything or nothing is kept. A transaction
/// PostgreSQL aborts for a deadlock or a serialization failure is a [`AppError::Contention`]
/// (503 with `Retry-After`), never a 500.
pub async fn transaction<F, T>(pool: &PgPool, work: F) -> AppResult<T>
where
    F: FnOnce(&mut PgConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    use diesel::Connection;
    run(pool, move |conn| conn.transaction(work)).await
}

/// Like [`transaction`], for the work that contends with itself (orders and stock): a transaction
/// aborted for a deadlock or a serialization failure is run again (it was rolled back, nothing of
/// it was kept), a few times with a short random pause, before the client is told to retry.
pub async fn transaction_retrying<F, T>(pool: &PgPool, work: F) -> AppResult<T>
where
    F: Fn(&mut PgConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| retrying(conn, &work)).await
}

/// Like [`transaction_retrying`], for work whose only write is one statement (its own
/// transaction: no `BEGIN` and `COMMIT` round trips while the pooled connection is held): run
/// again when that statement is aborted for a deadlock or a serialization failure.
pub async fn run_retrying<F, T>(pool: &PgPool, work: F) -> AppResult<T>
where
    F: Fn(&mut PgConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| again_on_contention(conn, &work)).await
}

/// The retry loop of [`transaction`], on a connection the caller holds.
pub fn retrying<F, T>(conn: &mut PgConnection, work: F) -> AppResult<T>
where
    F: Fn(&mut PgConnection) -> AppResult<T>,
{
    use diesel::Connection;
    again_on_contention(conn, |conn| conn.transaction(&work))
}

/// Runs `work` again, a few times with a short random pause, while it fails for contention.
fn again_on_contention<F, T>(conn: &mut PgConnection, work: F) -> AppResult<T>
where
    F: Fn(&mut PgConnection) -> AppResult<T>,
{
    let mut attempt = 1;
    loop {
        match work(conn) {
            Err(AppError::Contention(why)) if attempt < ATTEMPTS => {
                tracing::info!(attempt, error = %why, "transaction aborted by a concurrent one: retrying");
                let pause = rand::random::<u64>() % (10 * u64::from(attempt)) + 5;
                std::thread::sleep(Duration::from_millis(pause));
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    /// Diesel knows a migration by the digits of its folder's date and number: two folders with
    /// the same digits would let one of them never run.
    #[test]
    fn every_migration_has_its_own_version() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let mut versions: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("up.sql").is_file())
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let version: String = name
                    .split('_')
                    .next()
                    .unwrap()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                version
            })
            .collect();
        let count = versions.len();
        versions.sort();
        versions.dedup();
        assert_eq!(
            versions.len(),
            count,
            "two migrations share a version: {versions:?}"
        );
    }
}
