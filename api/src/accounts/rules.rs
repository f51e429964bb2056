//! The rules of accounts, as plain functions over a connection: what a valid e-mail, phone,
//! password and name are, who may log in, how an account is created and deleted. Sessions
//! (`sessions`) and password resets (`resets`) build on these.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::throttle;
use crate::auth::{self, Role};
use crate::error::{AppError, AppResult, UniqueField, Violations};
use crate::schema::{addresses, orders, users};

pub const RESET_TOKEN_MINUTES: i64 = 60;
pub const EMAIL_TAKEN: &str = "an account already exists with this e-mail address";

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct User {
    pub id: Uuid,
    /// Accounts that log in all have one (only a customer taken on the phone may have none, and
    /// such a record never logs in nor is loaded as a `User`).
    #[diesel(select_expression = users::email.assume_not_null())]
    #[diesel(select_expression_type = diesel::dsl::AssumeNotNull<users::email>)]
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub shop_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// False once a manager or an admin deactivated the account: it can no longer log in.
    pub active: bool,
}

/// A user as the API shows it (never the password hash).
#[derive(Serialize, ToSchema, Debug)]
pub struct UserView {
    pub id: Uuid,
    #[schema(example = "marie.dupont@example.fr")]
    pub email: String,
    #[schema(example = "Marie Dupont")]
    pub full_name: String,
    #[schema(example = "+33612345678")]
    pub phone: Option<String>,
    pub role: Role,
    /// The shop staff work in; null for customers and admins.
    pub shop_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            role: u.role,
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            phone: u.phone,
            shop_id: u.shop_id,
            created_at: u.created_at,
        }
    }
}

pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

pub fn email_is_valid(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// French and international numbers: spaces, dots and dashes are dropped; a leading 0 becomes +33.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if digits.len() < 6 || digits.len() > 15 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if compact.starts_with('+') {
        Some(compact)
    } else if compact.len() == 10 && compact.starts_with('0') {
        Some(format!("+33{}", &compact[1..]))
    } else {
        Some(compact)
    }
}

pub fn check_password(v: &mut Violations, field: &str, password: &str, email: &str) {
    let length = password.chars().count();
    if length < 10 {
        v.add(
            field,
            "too_short",
            "the password must have at least 10 characters",
        );
    } else if length > 128 {
        v.add(
            field,
            "too_long",
            "the password must have at most 128 characters",
        );
    } else if password.eq_ignore_ascii_case(email) {
        v.add(
            field,
            "too_weak",
            "the password must not be the e-mail address",
        );
    }
}

pub fn check_full_name(v: &mut Violations, field: &str, name: &str) {
    let length = name.trim().chars().count();
    v.check(
        (1..=120).contains(&length),
        field,
        "length",
        "the name must have 1 to 120 characters",
    );
}

pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub shop_id: Option<Uuid>,
}

/// Validates and creates an account (password hashed with argon2id).
pub fn create_account(conn: &mut PgConnection, account: NewAccount) -> AppResult<User> {
    let email = normalize_email(&account.email);
    let mut v = Violations::new();
    v.check(
        email_is_valid(&email),
        "email",
        "invalid",
        "this is not a valid e-mail address",
    );
    check_password(&mut v, "password", &account.password, &email);
    check_full_name(&mut v, "full_name", &account.full_name);
    let phone = match account
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(raw) => {
            let phone = normalize_phone(raw);
            v.check(
                phone.is_some(),
                "phone",
                "invalid",
                "this is not a valid phone number",
            );
            phone
        }
    };
    match (account.role.belongs_to_a_shop(), account.shop_id) {
        (true, None) => v.add("shop_id", "required", "staff must belong to a shop"),
        (false, Some(_)) => v.add(
            "shop_id",
            "not_allowed",
            "customers and admins belong to no shop",
        ),
        _ => {}
    }
    v.into_result()?;
    if let Some(shop) = account.shop_id {
        let exists: bool =
            diesel::select(diesel::dsl::exists(crate::schema::shops::table.find(shop)))
                .get_result(conn)?;
        if !exists {
            return Err(AppError::field("shop_id", "unknown", "no shop has this id"));
        }
    }
    let password_hash = auth::hash_password(&account.password)?;
    diesel::insert_into(users::table)
        .values((
            users::email.eq(&email),
            users::password_hash.eq(password_hash),
            users::full_name.eq(account.full_name.trim()),
            users::phone.eq(phone),
            users::role.eq(account.role),
            users::shop_id.eq(account.shop_id),
        ))
        .returning(User::as_returning())
        .get_result::<User>(conn)
        .taken("email", EMAIL_TAKEN)
}

pub fn find_user(conn: &mut PgConnection, id: Uuid) -> AppResult<User> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::Unauthorized("this account no longer exists".to_string()))
}

/// A precomputed hash so that an unknown e-mail costs as much time as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("not a real password").unwrap_or_default())
}

/// Checks credentials, from a client (its throttling key). Whatever is wrong (unknown address,
/// wrong password, address locked after 3 failures) the answer is the one an account would get,
/// after the same work: an unknown address is checked against a dummy hash and locks like an
/// account, so neither the status, the body nor the time tells who has an account.
pub fn authenticate(
    conn: &mut PgConnection,
    client: &str,
    email: &str,
    password: &str,
) -> AppResult<User> {
    throttle::check_client(conn, client)?;
    let email = normalize_email(email);
    let now = Utc::now();
    if let Some(until) = throttle::locked_until(conn, &email)? {
        throttle::record_client_failure(conn, client)?;
        return Err(locked(until, now));
    }
    let user = users::table
        .filter(users::email.eq(&email))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let right = match &user {
        Some(user) => auth::verify_password(password, &user.password_hash),
        None => {
            auth::verify_password(password, dummy_hash());
            false
        }
    };
    match user {
        Some(user) if right && !user.active => {
            // The right password of a deactivated account: no lock, no session.
            throttle::clear_login_failures(conn, &email)?;
            Err(AppError::Unauthorized(auth::DEACTIVATED.to_string()))
        }
        Some(user) if right => {
            throttle::clear_login_failures(conn, &email)?;
            Ok(user)
        }
        _ => {
            throttle::record_client_failure(conn, client)?;
            match throttle::record_login_failure(conn, &email)? {
                Some(until) => Err(locked(until, now)),
                None => Err(AppError::Unauthorized(
                    "wrong e-mail address or password".to_string(),
                )),
            }
        }
    }
}

/// Registers a customer from a client: an e-mail address already taken is still a 409 (the
/// SPA says so), but counts as a failure of that client, so addresses cannot be listed faster
/// than passwords can be guessed.
pub fn register_customer(
    conn: &mut PgConnection,
    client: &str,
    account: NewAccount,
) -> AppResult<User> {
    throttle::check_client(conn, client)?;
    let created = create_account(conn, account);
    if let Err(AppError::Conflict { errors, .. }) = &created {
        if errors.iter().any(|e| e.field == "email") {
            throttle::record_client_failure(conn, client)?;
        }
    }
    created
}

fn locked(until: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let seconds = (until - now).num_seconds().max(1);
    AppError::Locked {
        detail: format!(
            "too many failed logins: this account is locked until {} (try again in {} s, or reset the password)",
            until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            seconds
        ),
        retry_after_seconds: seconds,
    }
}

/// Deletes a customer's account. Their orders stay for the shop's books, anonymised.
pub fn delete_customer(conn: &mut PgConnection, user: &User) -> AppResult<()> {
    if user.role != Role::Customer {
        return Err(AppError::Forbidden(
            "staff accounts are removed by an administrator".to_string(),
        ));
    }
    diesel::update(orders::table.filter(orders::customer_id.eq(user.id)))
        .set((
            orders::customer_name.eq("Client supprimé"),
            orders::customer_phone.eq(None::<String>),
            orders::customer_email.eq(None::<String>),
            orders::delivery_line2.eq(None::<String>),
            orders::delivery_instructions.eq(None::<String>),
            orders::customer_id.eq(None::<Uuid>),
        ))
        .execute(conn)?;
    diesel::sql_query(
        "UPDATE orders SET delivery_line1 = 'adresse supprimée' WHERE customer_id IS NULL AND delivery_line1 IS NOT NULL AND customer_name = 'Client supprimé' AND delivery_line1 <> 'adresse supprimée'",
    )
    .execute(conn)?;
    diesel::delete(addresses::table.filter(addresses::user_id.eq(user.id))).execute(conn)?;
    diesel::delete(users::table.find(user.id)).execute(conn)?;
    crate::audit::record(
        conn,
        None,
        "account.deleted",
        "user",
        &user.id.to_string(),
        serde_json::json!({}),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_to_international_form() {
        assert_eq!(
            normalize_phone("06 12 34 56 78").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            normalize_phone("+33 4.78.12.34.56").as_deref(),
            Some("+33478123456")
        );
        assert_eq!(normalize_phone("call me"), None);
        assert_eq!(normalize_phone("12"), None);
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(email_is_valid("marie@example.fr"));
        assert!(!email_is_valid("marie@"));
        assert!(!email_is_valid("marie example@x.fr"));
        assert!(!email_is_valid("marie@localhost"));
        assert!(!email_is_valid("@example.fr"));
    }
}
