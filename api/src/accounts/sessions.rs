//! Sessions: an access token with a rotating refresh token of one family, spent once each; a
//! reused refresh token revokes its whole family; logout, and ending a user's other sessions.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{find_user, User};
use crate::auth::{self, TokenKeys};
use crate::error::AppResult;
use crate::schema::refresh_tokens;

/// Tokens handed to a client after login or refresh.
#[derive(Serialize, ToSchema, Debug)]
pub struct TokenPair {
    /// Short-lived JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque token to get the next pair from `/auth/refresh`; usable once.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    #[schema(example = 900)]
    pub expires_in: i64,
}

/// Issues an access token and the first refresh token of a new family.
pub fn start_session(
    conn: &mut PgConnection,
    keys: &TokenKeys,
    user: &User,
    refresh_ttl: i64,
) -> AppResult<TokenPair> {
    issue_pair(conn, keys, user, Uuid::new_v4(), refresh_ttl)
}

fn issue_pair(
    conn: &mut PgConnection,
    keys: &TokenKeys,
    user: &User,
    family: Uuid,
    refresh_ttl: i64,
) -> AppResult<TokenPair> {
    let (refresh_token, hash) = auth::new_opaque_token();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user.id),
            refresh_tokens::family_id.eq(family),
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::expires_at.eq(Utc::now() + Duration::seconds(refresh_ttl)),
        ))
        .execute(conn)?;
    Ok(TokenPair {
        access_token: keys.issue(user.id, user.role, user.shop_id, family)?,
        refresh_token,
        token_type: "Bearer".to_string(),
        expires_in: keys.access_ttl_seconds,
    })
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct RefreshToken {
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

pub enum Rotation {
    Rotated(TokenPair),
    /// A spent token came back: its whole family has been revoked.
    ReuseDetected,
    Invalid(&'static str),
}

/// Spends a refresh token and issues the next one of its family. Must run in a transaction; a
/// reuse is reported as a value (not an error) so that the family's revocation is committed.
pub fn rotate_refresh_token(
    conn: &mut PgConnection,
    keys: &TokenKeys,
    token: &str,
    refresh_ttl: i64,
) -> AppResult<Rotation> {
    let hash = auth::hash_opaque_token(token);
    let row = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshToken::as_select())
        .for_update()
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Ok(Rotation::Invalid("unknown refresh token"));
    };
    let now = Utc::now();
    if row.revoked_at.is_some() {
        return Ok(Rotation::Invalid("this refresh token has been revoked"));
    }
    if row.used_at.is_some() {
        revoke_family(conn, row.family_id)?;
        tracing::warn!(user_id = %row.user_id, family = %row.family_id, "refresh token reused: family revoked");
        return Ok(Rotation::ReuseDetected);
    }
    if row.expires_at <= now {
        return Ok(Rotation::Invalid("this refresh token has expired"));
    }
    diesel::update(refresh_tokens::table.find(row.id))
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)?;
    let user = find_user(conn, row.user_id)?;
    if !user.active {
        revoke_family(conn, row.family_id)?;
        return Ok(Rotation::Invalid(auth::DEACTIVATED));
    }
    issue_pair(conn, keys, &user, row.family_id, refresh_ttl).map(Rotation::Rotated)
}

pub fn revoke_family(conn: &mut PgConnection, family: Uuid) -> AppResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)?;
    Ok(())
}

/// Logout: revokes the family of the given token, if it belongs to the caller.
pub fn revoke_session(
    conn: &mut PgConnection,
    token: &str,
    user_id: Option<Uuid>,
) -> AppResult<()> {
    let hash = auth::hash_opaque_token(token);
    let found: Option<(Uuid, Uuid)> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select((refresh_tokens::family_id, refresh_tokens::user_id))
        .first(conn)
        .optional()?;
    match found {
        Some((family, owner)) if user_id.is_none_or(|u| u == owner) => revoke_family(conn, family),
        _ => Ok(()),
    }
}

/// Revokes every refresh token of a user, except those of the session `keep` (the caller's own,
/// after a password change).
pub fn end_other_sessions(
    conn: &mut PgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
) -> AppResult<usize> {
    let live = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null());
    let ended = match keep {
        Some(family) => diesel::update(live.filter(refresh_tokens::family_id.ne(family)))
            .set(refresh_tokens::revoked_at.eq(Utc::now()))
            .execute(conn)?,
        None => diesel::update(live)
            .set(refresh_tokens::revoked_at.eq(Utc::now()))
            .execute(conn)?,
    };
    Ok(ended)
}
