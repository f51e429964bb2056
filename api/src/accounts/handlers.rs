//! HTTP handlers of accounts: parse, authorize, call the rules, answer.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::addresses::{self, Address, AddressInput, NewSavedAddress, SavedAddressForm};
use super::profile::{self, ProfileChange};
use super::resets;
use super::rules::{self, NewAccount, UserView};
use super::sessions::{self, Rotation, TokenPair};
use super::throttle;
use crate::auth::{CurrentUser, PasswordGate, Role, TokenKeys};
use crate::client_ip::ClientIp;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::http::ApiJson;
use crate::mail::Mail;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "marie.dupont@example.fr")]
    pub email: String,
    /// 10 to 128 characters.
    #[schema(example = "une-pizza-reine-svp", min_length = 10, max_length = 128)]
    pub password: String,
    #[schema(example = "Marie Dupont")]
    pub full_name: String,
    #[schema(example = "06 12 34 56 78")]
    pub phone: Option<String>,
}

/// Creates a customer account.
#[utoipa::path(post, tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = UserView),
        (status = 409, description = "E-mail already registered"),
        (status = 429, description = "Too many failures from this client address; see Retry-After"),
        (status = 422, description = "Invalid field"),
        (status = 503, description = "Too many passwords being checked at once; see Retry-After")))]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    gate: web::Data<PasswordGate>,
    client: ClientIp,
    body: ApiJson<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    // A throttled client is told so before it takes a place in the hashing queue.
    let key = client.key.clone();
    db::run(&state.pool, move |conn| throttle::check_client(conn, &key)).await?;
    let permit = gate.enter().await?;
    let user = db::run(&state.pool, move |conn| {
        let _permit = permit;
        rules::register_customer(
            conn,
            &client.key,
            NewAccount {
                email: body.email,
                password: body.password,
                full_name: body.full_name,
                phone: body.phone,
                role: Role::Customer,
                shop_id: None,
            },
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "client@ocpizza.fr")]
    pub email: String,
    #[schema(example = "client-demo-2026")]
    pub password: String,
}

/// Exchanges credentials for tokens. Three failures in a row lock the e-mail address for 5 minutes
/// (a password reset unlocks it); too many failures from one client address are refused with 429.
#[utoipa::path(post, tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        (status = 401, description = "Wrong e-mail or password"),
        (status = 423, description = "Three failures in a row on this e-mail address (registered or not): locked 5 minutes; see Retry-After"),
        (status = 429, description = "Too many failures from this client address; see Retry-After"),
        (status = 503, description = "Too many passwords being checked at once; see Retry-After")))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    keys: web::Data<TokenKeys>,
    gate: web::Data<PasswordGate>,
    client: ClientIp,
    body: ApiJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let ttl = state.config.refresh_token_ttl_seconds;
    let key = client.key.clone();
    db::run(&state.pool, move |conn| throttle::check_client(conn, &key)).await?;
    let permit = gate.enter().await?;
    let pair = db::run(&state.pool, move |conn| {
        let _permit = permit;
        let user = rules::authenticate(conn, &client.key, &body.0.email, &body.0.password)?;
        sessions::start_session(conn, &keys, &user, ttl)
    })
    .await?;
    Ok(HttpResponse::Ok().json(pair))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Spends a refresh token for a new pair. Presenting a spent token again revokes its family.
#[utoipa::path(post, tag = "accounts",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        (status = 401, description = "Invalid, expired, revoked or reused token")))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    keys: web::Data<TokenKeys>,
    body: ApiJson<RefreshRequest>,
) -> AppResult<HttpResponse> {
    let ttl = state.config.refresh_token_ttl_seconds;
    let rotation = db::transaction(&state.pool, move |conn| {
        sessions::rotate_refresh_token(conn, &keys, &body.0.refresh_token, ttl)
    })
    .await?;
    match rotation {
        Rotation::Rotated(pair) => Ok(HttpResponse::Ok().json(pair)),
        Rotation::ReuseDetected => Err(AppError::Unauthorized(
            "this refresh token was already used: every session it started has been closed"
                .to_string(),
        )),
        Rotation::Invalid(reason) => Err(AppError::Unauthorized(reason.to_string())),
    }
}

/// Ends the session of a refresh token (its whole family is revoked).
#[utoipa::path(post, tag = "accounts",
    request_body = RefreshRequest,
    responses((status = 204, description = "Logged out")))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> AppResult<HttpResponse> {
    db::run(&state.pool, move |conn| {
        sessions::revoke_session(conn, &body.0.refresh_token, None)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// Sends a password reset link valid one hour. Answers 202 at once, the same for every address
/// (known or not, mail server up or down); the link is made and mailed after the answer.
#[utoipa::path(post, tag = "accounts",
    request_body = PasswordResetRequest,
    responses((status = 202, description = "If the account exists, a link is on its way")))]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: ApiJson<PasswordResetRequest>,
) -> AppResult<HttpResponse> {
    actix_web::rt::spawn(send_reset_link(state, body.0.email));
    Ok(HttpResponse::Accepted().finish())
}

async fn send_reset_link(state: web::Data<AppState>, email: String) {
    let pool = state.pool.clone();
    let made = db::run(&pool, move |conn| {
        resets::create_password_reset(conn, &email)
    })
    .await;
    let (user, token) = match made {
        Ok(Some(found)) => found,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "password reset: the link could not be made");
            return;
        }
    };
    let link = format!("{}/reset-password?token={token}", state.config.public_url);
    let mail = Mail {
        to: user.email,
        subject: "OC Pizza : réinitialisation de votre mot de passe".to_string(),
        body: format!(
            "Bonjour {},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure) :\n{link}\n\nCode : {token}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n",
            user.full_name
        ),
    };
    let mailer = state.clone();
    let sent = web::block(move || mailer.mailer.send(mail)).await;
    match sent {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, user_id = %user.id, "password reset mail not sent")
        }
        Err(e) => tracing::warn!(error = %e, user_id = %user.id, "password reset mail not sent"),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The code from the e-mail.
    pub token: String,
    /// The new password, 10 to 128 characters.
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

/// Sets a new password with a reset code; unlocks the account and closes every session.
#[utoipa::path(post, tag = "accounts",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed"),
        (status = 422, description = "Invalid code or password"),
        (status = 503, description = "Too many passwords being checked at once; see Retry-After")))]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    gate: web::Data<PasswordGate>,
    body: ApiJson<PasswordResetConfirm>,
) -> AppResult<HttpResponse> {
    let permit = gate.enter().await?;
    db::transaction(&state.pool, move |conn| {
        let _permit = permit;
        resets::reset_password(conn, &body.0.token, &body.0.password)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's profile.
#[utoipa::path(get, tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "Profile", body = UserView),
        (status = 401, description = "Not authenticated")))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let found = db::run(&state.pool, move |conn| rules::find_user(conn, user.id)).await?;
    Ok(HttpResponse::Ok().json(UserView::from(found)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub full_name: Option<String>,
    /// An empty string removes the phone number.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A new password (10 to 128 characters); requires `current_password`.
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: Option<String>,
    /// Required to change the e-mail address or the password.
    pub current_password: Option<String>,
}

/// Changes the caller's name, phone, e-mail or password.
#[utoipa::path(patch, tag = "accounts", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "Updated profile", body = UserView),
        (status = 409, description = "E-mail already used"),
        (status = 422, description = "Invalid field"),
        (status = 503, description = "Too many passwords being checked at once; see Retry-After")))]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    gate: web::Data<PasswordGate>,
    user: CurrentUser,
    body: ApiJson<UpdateMeRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    // Only a change that checks or sets a password hashes one.
    let permit = match body.current_password.is_some() || body.new_password.is_some() {
        true => Some(gate.enter().await?),
        false => None,
    };
    let change = ProfileChange {
        full_name: body.full_name,
        phone: body.phone,
        email: body.email,
        new_password: body.new_password,
        current_password: body.current_password,
    };
    let updated = db::transaction(&state.pool, move |conn| {
        let _permit = permit;
        profile::update_profile(conn, user.id, user.session, change)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserView::from(updated)))
}

/// Deletes the caller's customer account; past orders keep an anonymised copy.
#[utoipa::path(delete, tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 204, description = "Account deleted"),
        (status = 403, description = "Staff accounts are removed by an admin")))]
#[delete("/me")]
pub async fn delete_me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    db::transaction(&state.pool, move |conn| {
        let found = rules::find_user(conn, user.id)?;
        rules::delete_customer(conn, &found)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct AddressList {
    pub items: Vec<Address>,
    pub next_cursor: Option<String>,
}

/// The caller's saved delivery addresses.
#[utoipa::path(get, tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "Addresses, newest last", body = AddressList)))]
#[get("/me/addresses")]
pub async fn list_addresses(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    let items = db::run(&state.pool, move |conn| {
        addresses::saved_addresses(conn, user.id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AddressList {
        items,
        next_cursor: None,
    }))
}

/// Saves a delivery address.
#[utoipa::path(post, tag = "accounts", security(("bearer" = [])),
    request_body = AddressInput,
    responses(
        (status = 201, description = "Saved", body = Address),
        (status = 409, description = "Already 20 saved addresses: delete one first"),
        (status = 422, description = "Invalid field")))]
#[post("/me/addresses")]
pub async fn create_address(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: ApiJson<AddressInput>,
) -> AppResult<HttpResponse> {
    let address = NewSavedAddress::validate(user.id, body.0)?;
    let address = db::run(&state.pool, move |conn| {
        addresses::save_address(conn, address)
    })
    .await?;
    Ok(HttpResponse::Created().json(address))
}

/// Changes a saved address (only the caller's own).
#[utoipa::path(patch, tag = "accounts", security(("bearer" = [])),
    params(("address_id" = Uuid, Path, description = "Address id")),
    request_body = AddressInput,
    responses(
        (status = 200, description = "Updated", body = Address),
        (status = 404, description = "No such address of yours"),
        (status = 422, description = "Invalid field")))]
#[patch("/me/addresses/{address_id}")]
pub async fn update_address(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<Uuid>,
    body: ApiJson<AddressInput>,
) -> AppResult<HttpResponse> {
    let form = SavedAddressForm::validate(body.0)?;
    let id = path.into_inner();
    let address = db::run(&state.pool, move |conn| {
        addresses::change_address(conn, user.id, id, form)
    })
    .await?;
    Ok(HttpResponse::Ok().json(address))
}

/// Deletes a saved address (only the caller's own).
#[utoipa::path(delete, tag = "accounts", security(("bearer" = [])),
    params(("address_id" = Uuid, Path, description = "Address id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such address of yours")))]
#[delete("/me/addresses/{address_id}")]
pub async fn delete_address(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let deleted = db::run(&state.pool, move |conn| {
        addresses::forget_address(conn, user.id, id)
    })
    .await?;
    if !deleted {
        return Err(AppError::not_found("address"));
    }
    Ok(HttpResponse::NoContent().finish())
}
