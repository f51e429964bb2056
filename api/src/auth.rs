//! Who is calling: access tokens (JWT, HS256 pinned, `iss`/`aud`/`exp` checked), password hashing
//! (argon2id) and the extractors handlers declare to require a role or a shop, so that a handler
//! cannot forget to check them.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::config::Config;
use crate::error::AppError;
use crate::state::AppState;

crate::text_enum! {
    #[derive(Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        Customer = "customer",
        OrderTaker = "order_taker",
        Pizzaiolo = "pizzaiolo",
        Delivery = "delivery",
        Manager = "manager",
        Admin = "admin",
    }
}

impl Role {
    /// Staff work in one shop; customers and admins belong to none.
    pub fn belongs_to_a_shop(self) -> bool {
        !matches!(self, Role::Customer | Role::Admin)
    }
}

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<Uuid>,
    /// The session (refresh token family) the token was issued in: a password change ends every
    /// other session and keeps this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signs and checks access tokens with the configured secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl_seconds: i64,
}

impl TokenKeys {
    pub fn new(config: &Config) -> TokenKeys {
        // Only HS256 is accepted: a token claiming `none` or another algorithm is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[config.jwt_issuer.as_str()]);
        validation.set_audience(&[config.jwt_audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(config.secret_key.as_bytes()),
            decoding: DecodingKey::from_secret(config.secret_key.as_bytes()),
            validation,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            access_ttl_seconds: config.access_token_ttl_seconds,
        }
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        role: Role,
        shop_id: Option<Uuid>,
        session: Uuid,
    ) -> Result<String, AppError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            role,
            shop_id,
            sid: Some(session),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + self.access_ttl_seconds,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                let reason = match e.kind() {
                    ErrorKind::ExpiredSignature => "the access token has expired",
                    ErrorKind::InvalidAudience => "the access token is not meant for this API",
                    ErrorKind::InvalidIssuer => "the access token was not issued by this API",
                    ErrorKind::InvalidAlgorithm => {
                        "the access token uses an algorithm this API refuses"
                    }
                    _ => "the access token is invalid",
                };
                AppError::Unauthorized(reason.to_string())
            })
    }
}

/// Admits password hashing, the costliest thing the API does (argon2id: about 19 MB of memory and
/// tens of milliseconds of one core per hash), one hash per core at a time. A few dozen callers
/// may wait their turn; beyond that the answer is a 503 with `Retry-After` at once, rather than a
/// queue (and a memory peak) that grows with the crowd.
pub struct PasswordGate {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// The right to hash or verify one password; move it into the blocking work that does it, so that
/// a client that goes away does not free the slot while the hash still runs.
pub struct HashingPermit(#[allow(dead_code)] OwnedSemaphorePermit);

impl PasswordGate {
    /// Waiters allowed per hashing slot.
    pub const WAITERS_PER_SLOT: usize = 16;

    pub fn new(slots: usize, max_waiting: usize) -> PasswordGate {
        PasswordGate {
            permits: Arc::new(Semaphore::new(slots.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// One slot per core this process may use (cgroup quotas included).
    pub fn for_this_machine() -> PasswordGate {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PasswordGate::new(cores, cores * Self::WAITERS_PER_SLOT)
    }

    pub async fn enter(&self) -> Result<HashingPermit, AppError> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(HashingPermit(permit));
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Unavailable(
                "password hashing queue is full".to_string(),
            ));
        }
        // Counted out however the wait ends, the client gone included.
        struct Waiting<'a>(&'a AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let _waiting = Waiting(&self.waiting);
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        Ok(HashingPermit(permit))
    }
}

/// Keeps the allocator from holding on to freed hashing memory. glibc raises its mmap threshold
/// after the first 19 MB argon2 block is freed, so later blocks come from per-thread arenas and
/// stay resident (one per arena, up to 8 arenas per core): fix the threshold below the block
/// size, so every block is mapped and unmapped, and keep few arenas. Call before threads start.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // Values from glibc's malloc.h.
        const M_MMAP_THRESHOLD: libc::c_int = -3;
        const M_ARENA_MAX: libc::c_int = -8;
        // SAFETY: mallopt only changes malloc's tunables; called once, before other threads.
        unsafe {
            libc::mallopt(M_MMAP_THRESHOLD, 1 << 20);
            libc::mallopt(M_ARENA_MAX, 2);
        }
    }
}

/// Hashes a password with argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random opaque token (refresh, password reset) and the hash stored in its place.
pub fn new_opaque_token() -> (String, String) {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_opaque_token(&token);
    (token, hash)
}

pub fn hash_opaque_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Why a deactivated account's tokens and password are refused.
pub const DEACTIVATED: &str = "this account has been deactivated: ask your manager";

/// The authenticated caller, from a valid bearer token.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: Uuid,
    pub role: Role,
    pub shop_id: Option<Uuid>,
    /// The session the access token belongs to (none for tokens made before sessions were named).
    pub session: Option<Uuid>,
    /// The account's name, phone and e-mail, read with its role (an order a customer places for
    /// themselves carries them); `None` where a caller is made without reading the account.
    pub contact: Option<Contact>,
}

/// How an account can be reached, as it is now.
#[derive(Clone, Debug)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn is_staff(&self) -> bool {
        self.role != Role::Customer
    }

    /// Admins see every shop; staff only their own. Another shop is "not found", so staff
    /// cannot probe which shops or orders exist elsewhere.
    pub fn can_access_shop(&self, shop_id: Uuid) -> bool {
        self.is_admin() || (self.is_staff() && self.shop_id == Some(shop_id))
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req)
    }
}

type Pending<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Role, shop, active, full name, phone, e-mail.
type Account = (
    Role,
    Option<Uuid>,
    bool,
    String,
    Option<String>,
    Option<String>,
);

/// The bearer token's claims, then the account they name: a token whose user is gone or was
/// deactivated is refused (401) rather than reaching a handler that would write rows for them.
/// Role, shop and the active flag come from the account as it is now, so a demotion or a
/// deactivation counts at once, on every instance. One primary-key lookup, the one that was
/// already there: the flag and the contact are more columns of the same row.
fn authenticate(req: &HttpRequest) -> Pending<CurrentUser> {
    let claims = bearer_claims(req);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    Box::pin(async move {
        let claims = claims?;
        let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
        let sub = claims.sub;
        let account = crate::db::run(&state.pool, move |conn| {
            use crate::schema::users;
            use diesel::prelude::*;
            Ok(users::table
                .find(sub)
                .select((
                    users::role,
                    users::shop_id,
                    users::active,
                    users::full_name,
                    users::phone,
                    users::email,
                ))
                .first::<Account>(conn)
                .optional()?)
        })
        .await?;
        let (role, shop_id, active, name, phone, email) = account.ok_or_else(|| {
            AppError::Unauthorized("the account of this access token no longer exists".to_string())
        })?;
        if !active {
            return Err(AppError::Unauthorized(DEACTIVATED.to_string()));
        }
        Ok(CurrentUser {
            id: claims.sub,
            role,
            shop_id,
            session: claims.sid,
            contact: Some(Contact { name, phone, email }),
        })
    })
}

fn bearer_claims(req: &HttpRequest) -> Result<Claims, AppError> {
    let keys = req
        .app_data::<web::Data<TokenKeys>>()
        .ok_or_else(|| AppError::internal("token keys are not configured"))?;
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        AppError::Unauthorized("send an access token: Authorization: Bearer …".to_string())
    })?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthorized("the Authorization header must be 'Bearer <token>'".to_string())
        })?;
    keys.verify(token)
}

/// A set of roles a handler accepts. Admins are always accepted.
pub trait RoleSet {
    const ROLES: &'static [Role];
    const DESCRIPTION: &'static str;
}

macro_rules! role_set {
    ($name:ident, $description:literal, [$($role:expr),*]) => {
        #[doc = $description]
        pub struct $name;
        impl RoleSet for $name {
            const ROLES: &'static [Role] = &[$($role),*];
            const DESCRIPTION: &'static str = $description;
        }
    };
}

role_set!(Managers, "managers", [Role::Manager]);
role_set!(Admins, "admins", []);
role_set!(
    AnyStaff,
    "shop staff",
    [
        Role::OrderTaker,
        Role::Pizzaiolo,
        Role::Delivery,
        Role::Manager
    ]
);
role_set!(
    Kitchen,
    "pizzaiolos and managers",
    [Role::Pizzaiolo, Role::Manager]
);
role_set!(
    OrderDesk,
    "order takers and managers",
    [Role::OrderTaker, Role::Manager]
);
role_set!(
    Deliveries,
    "delivery people and managers",
    [Role::Delivery, Role::Manager]
);

fn has_role<R: RoleSet>(user: &CurrentUser) -> bool {
    user.is_admin() || R::ROLES.contains(&user.role)
}

/// An authenticated caller holding one of the roles of `R`.
pub struct Authorized<R: RoleSet> {
    pub user: CurrentUser,
    _roles: PhantomData<R>,
}

impl<R: RoleSet> FromRequest for Authorized<R> {
    type Error = AppError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = authenticate(req);
        Box::pin(async move {
            let user = user.await?;
            if has_role::<R>(&user) {
                Ok(Authorized {
                    user,
                    _roles: PhantomData,
                })
            } else {
                Err(AppError::Forbidden(format!(
                    "reserved to {}",
                    R::DESCRIPTION
                )))
            }
        })
    }
}

/// A caller with one of the roles of `R` working in the shop named by the `shop_id` path
/// segment (or an admin). Staff of another shop get 404: they cannot tell it exists.
pub struct ShopAccess<R: RoleSet> {
    pub user: CurrentUser,
    pub shop_id: Uuid,
    _roles: PhantomData<R>,
}

impl<R: RoleSet> FromRequest for ShopAccess<R> {
    type Error = AppError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = authenticate(req);
        let shop_id = req
            .match_info()
            .get("shop_id")
            .and_then(|s| Uuid::parse_str(s).ok());
        Box::pin(async move {
            let user = user.await?;
            let shop_id = shop_id.ok_or_else(|| AppError::not_found("shop"))?;
            if !user.can_access_shop(shop_id) {
                return Err(if user.is_staff() {
                    AppError::not_found("shop")
                } else {
                    AppError::Forbidden(format!("reserved to {}", R::DESCRIPTION))
                });
            }
            if !has_role::<R>(&user) {
                return Err(AppError::Forbidden(format!(
                    "reserved to {}",
                    R::DESCRIPTION
                )));
            }
            Ok(ShopAccess {
                user,
                shop_id,
                _roles: PhantomData,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[tokio::test]
    async fn the_password_gate_lets_one_hash_per_slot_and_turns_away_a_full_queue() {
        let gate = Arc::new(PasswordGate::new(1, 1));
        let first = gate.enter().await.expect("a free slot");
        // One caller may wait…
        let waiter = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter().await.map(|_| ()) }
        });
        while gate.waiting.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // …the next one is told to come back, at once.
        let busy = match gate.enter().await {
            Err(e) => e,
            Ok(_) => panic!("a full queue must refuse"),
        };
        assert_eq!(busy.status_code().as_u16(), 503);
        assert!(busy.error_response().headers().contains_key("retry-after"));
        drop(first);
        waiter.await.unwrap().expect("the waiter gets the slot");
        assert_eq!(gate.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_waiting_leaves_the_queue() {
        let gate = PasswordGate::new(1, 1);
        let held = gate.enter().await.unwrap();
        let gave_up =
            tokio::time::timeout(std::time::Duration::from_millis(20), gate.enter()).await;
        assert!(gave_up.is_err(), "still waiting when it gave up");
        assert_eq!(gate.waiting.load(Ordering::SeqCst), 0);
        drop(held);
        gate.enter().await.expect("the slot is free again");
    }
}
