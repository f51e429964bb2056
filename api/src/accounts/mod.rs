//! Accounts: registration, login with lockout, rotating refresh tokens, password reset, the
//! caller's profile and addresses, account deletion (orders keep an anonymised copy).

pub mod addresses;
mod handlers;
pub mod profile;
pub mod resets;
pub mod rules;
pub mod sessions;
pub mod team;
pub mod throttle;

pub use addresses::{Address, AddressInput};
pub use handlers::*;
pub use rules::{create_account, NewAccount};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::register)
        .service(handlers::login)
        .service(handlers::refresh)
        .service(handlers::logout)
        .service(handlers::request_password_reset)
        .service(handlers::confirm_password_reset)
        .service(handlers::get_me)
        .service(handlers::update_me)
        .service(handlers::delete_me)
        .service(handlers::list_addresses)
        .service(handlers::create_address)
        .service(handlers::update_address)
        .service(handlers::delete_address)
        .service(team::add_member)
        .service(team::list_team)
        .service(team::change_member);
}
