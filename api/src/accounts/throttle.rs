//! How many times one may get it wrong. Two counters, both in PostgreSQL so that every API
//! instance behind the proxy sees the same ones:
//! - per e-mail address, whether an account has it or not: 3 failed logins in a row lock the
//!   address for 5 minutes (the functional design's rule). Counting unknown addresses the same
//!   way is what makes an unknown address answer exactly like an account.
//! - per client address (see `client_ip`): 20 failures (failed logins, registrations on a taken
//!   address) in a 15-minute window, then 429 until the window ends. Only failures count, so a
//!   client that logs in correctly is never slowed by the failures of another client.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text, Timestamptz};

use crate::error::{AppError, AppResult};

pub const MAX_FAILED_LOGINS: i32 = 3;
pub const LOCKOUT_MINUTES: i32 = 5;
pub const MAX_CLIENT_FAILURES: i32 = 20;
pub const CLIENT_WINDOW_MINUTES: i32 = 15;

#[derive(QueryableByName)]
struct Until {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    until: Option<DateTime<Utc>>,
}

/// 429 when this client has failed too often in the current window.
pub fn check_client(conn: &mut PgConnection, client: &str) -> AppResult<()> {
    let blocked: Option<Until> = diesel::sql_query(
        "SELECT window_started_at + make_interval(mins => $2) AS until FROM client_failures
         WHERE client = $1 AND failures >= $3 AND window_started_at + make_interval(mins => $2) > now()",
    )
    .bind::<Text, _>(client)
    .bind::<Integer, _>(CLIENT_WINDOW_MINUTES)
    .bind::<Integer, _>(MAX_CLIENT_FAILURES)
    .get_result(conn)
    .optional()?;
    match blocked.and_then(|b| b.until) {
        Some(until) => {
            let seconds = (until - Utc::now()).num_seconds().max(1);
            Err(AppError::TooManyRequests {
                detail: format!(
                    "too many failed attempts from your address: try again in {seconds} s"
                ),
                retry_after_seconds: seconds,
            })
        }
        None => Ok(()),
    }
}

/// Counts one failure of this client (one statement: concurrent failures are all counted).
pub fn record_client_failure(conn: &mut PgConnection, client: &str) -> AppResult<()> {
    diesel::sql_query(
        "INSERT INTO client_failures AS f (client, failures) VALUES ($1, 1)
         ON CONFLICT (client) DO UPDATE SET
            failures = CASE WHEN f.window_started_at + make_interval(mins => $2) <= now() THEN 1 ELSE f.failures + 1 END,
            window_started_at = CASE WHEN f.window_started_at + make_interval(mins => $2) <= now() THEN now() ELSE f.window_started_at END",
    )
    .bind::<Text, _>(client)
    .bind::<Integer, _>(CLIENT_WINDOW_MINUTES)
    .execute(conn)?;
    Ok(())
}

/// Until when this e-mail address is locked, if it is.
pub fn locked_until(conn: &mut PgConnection, email: &str) -> AppResult<Option<DateTime<Utc>>> {
    let row: Option<Until> = diesel::sql_query(
        "SELECT locked_until AS until FROM login_lockouts WHERE email = $1 AND locked_until > now()",
    )
    .bind::<Text, _>(email)
    .get_result(conn)
    .optional()?;
    Ok(row.and_then(|r| r.until))
}

/// Counts a failed login on this address; the third in a row locks it. Returns the lock, if any.
pub fn record_login_failure(
    conn: &mut PgConnection,
    email: &str,
) -> AppResult<Option<DateTime<Utc>>> {
    let row: Until = diesel::sql_query(
        "INSERT INTO login_lockouts AS l (email, failures) VALUES ($1, 1)
         ON CONFLICT (email) DO UPDATE SET
            failures = CASE WHEN l.failures + 1 >= $2 THEN 0 ELSE l.failures + 1 END,
            locked_until = CASE WHEN l.failures + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE l.locked_until END,
            last_failed_at = now()
         RETURNING locked_until AS until",
    )
    .bind::<Text, _>(email)
    .bind::<Integer, _>(MAX_FAILED_LOGINS)
    .bind::<Integer, _>(LOCKOUT_MINUTES)
    .get_result(conn)?;
    Ok(row.until.filter(|until| *until > Utc::now()))
}

/// A successful login, or a password reset: the address starts afresh, unlocked.
pub fn clear_login_failures(conn: &mut PgConnection, email: &str) -> AppResult<()> {
    diesel::sql_query("DELETE FROM login_lockouts WHERE email = $1")
        .bind::<Text, _>(email)
        .execute(conn)?;
    Ok(())
}

/// Drops counters nobody needs any more (run every minute by the server).
pub fn forget_old(conn: &mut PgConnection) -> AppResult<usize> {
    let lockouts = diesel::sql_query(
        "DELETE FROM login_lockouts WHERE last_failed_at < now() - interval '1 day'
            AND (locked_until IS NULL OR locked_until < now())",
    )
    .execute(conn)?;
    let clients = diesel::sql_query(
        "DELETE FROM client_failures WHERE window_started_at + make_interval(mins => $1) < now()",
    )
    .bind::<Integer, _>(CLIENT_WINDOW_MINUTES)
    .execute(conn)?;
    Ok(lockouts + clients)
}
