//! Password resets: a single-use code sent by e-mail (one hour), or the link a new team member
//! gets to choose a first password; using it sets the password, unlocks the account and ends
//! every session.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::rules::{check_password, find_user, normalize_email, User, RESET_TOKEN_MINUTES};
use super::sessions::end_other_sessions;
use super::throttle;
use crate::auth;
use crate::error::{AppError, AppResult, Violations};
use crate::schema::{password_reset_tokens, users};

/// Creates a reset token valid one hour; answers the same whether the e-mail is known or not
/// (a deactivated account gets none).
pub fn create_password_reset(
    conn: &mut PgConnection,
    email: &str,
) -> AppResult<Option<(User, String)>> {
    let email = normalize_email(email);
    let Some(user) = users::table
        .filter(users::email.eq(&email))
        .filter(users::active)
        .select(User::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let token = create_reset_token(conn, user.id, Duration::minutes(RESET_TOKEN_MINUTES))?;
    Ok(Some((user, token)))
}

/// A reset code for this account, valid `for_how_long`: the password reset's, and the link a new
/// team member gets to choose a first password.
pub fn create_reset_token(
    conn: &mut PgConnection,
    user_id: Uuid,
    for_how_long: Duration,
) -> AppResult<String> {
    let (token, hash) = auth::new_opaque_token();
    diesel::insert_into(password_reset_tokens::table)
        .values((
            password_reset_tokens::user_id.eq(user_id),
            password_reset_tokens::token_hash.eq(hash),
            password_reset_tokens::expires_at.eq(Utc::now() + for_how_long),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Sets a new password from a reset token; unlocks the account and ends every session.
pub fn reset_password(conn: &mut PgConnection, token: &str, new_password: &str) -> AppResult<()> {
    let hash = auth::hash_opaque_token(token);
    type ResetRow = (Uuid, Uuid, DateTime<Utc>, Option<DateTime<Utc>>);
    let row: Option<ResetRow> = password_reset_tokens::table
        .filter(password_reset_tokens::token_hash.eq(hash))
        .select((
            password_reset_tokens::id,
            password_reset_tokens::user_id,
            password_reset_tokens::expires_at,
            password_reset_tokens::used_at,
        ))
        .for_update()
        .first(conn)
        .optional()?;
    let invalid = || {
        AppError::field(
            "token",
            "invalid",
            "this reset link is invalid, expired or already used",
        )
    };
    let Some((id, user_id, expires_at, used_at)) = row else {
        return Err(invalid());
    };
    if used_at.is_some() || expires_at <= Utc::now() {
        return Err(invalid());
    }
    let user = find_user(conn, user_id)?;
    let mut v = Violations::new();
    check_password(&mut v, "password", new_password, &user.email);
    v.into_result()?;
    let password_hash = auth::hash_password(new_password)?;
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    throttle::clear_login_failures(conn, &user.email)?;
    diesel::update(password_reset_tokens::table.find(id))
        .set(password_reset_tokens::used_at.eq(Utc::now()))
        .execute(conn)?;
    end_other_sessions(conn, user_id, None)?;
    Ok(())
}
