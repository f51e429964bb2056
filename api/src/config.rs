//! Typed configuration read from the environment (and an optional `.env`), validated once at
//! start-up with one line per bad value, plus the `check --deploy` audit of production settings.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::cidr::{parse_list, Cidr};

/// The secret used when none is configured: fine on a laptop, refused by `check --deploy`.
pub const DEVELOPMENT_SECRET: &str = "development-only-secret-do-not-use-in-production";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Test,
    Production,
}

impl AppEnv {
    pub fn as_str(self) -> &'static str {
        match self {
            AppEnv::Development => "development",
            AppEnv::Test => "test",
            AppEnv::Production => "production",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub app_env: AppEnv,
    pub debug: bool,
    pub secret_key: String,
    pub database_url: String,
    pub db_sslmode: String,
    pub db_pool_size: u32,
    pub allowed_hosts: Vec<String>,
    pub bind_addr: String,
    pub public_url: String,
    pub hsts_seconds: u64,
    pub sentry_dsn: Option<String>,
    pub algolia_app_id: Option<String>,
    pub algolia_api_key: Option<String>,
    /// Replaces both Algolia hosts (`https://{APP_ID}-dsn.algolia.net` for searches,
    /// `https://{APP_ID}.algolia.net` for writes), e.g. a local fake in tests.
    pub algolia_base_url: Option<String>,
    pub stripe_secret_key: Option<String>,
    pub stripe_webhook_secret: Option<String>,
    pub stripe_publishable_key: Option<String>,
    /// Base URL of Stripe's API (a local fake in tests).
    pub stripe_api_base: String,
    /// Whether customers may pay online (`ONLINE_PAYMENTS`, on by default). In production it
    /// needs `STRIPE_SECRET_KEY`: without it the offline test provider would let customers confirm
    /// their own payments, so the server refuses to start unless it is turned off.
    pub online_payments: bool,
    /// How long a call to Stripe may take before its outcome counts as unknown (a refund then
    /// stays pending with its key).
    pub stripe_timeout_ms: u64,
    /// How long an unpaid online order keeps its stock before it expires.
    pub payment_expiry_minutes: i64,
    /// Seconds between two refreshes of the reports' daily roll-ups (0: no refresher).
    pub report_rollup_seconds: u64,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_seconds: i64,
    pub refresh_token_ttl_seconds: i64,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub static_dir: Option<PathBuf>,
    pub migrate_on_start: bool,
    pub max_body_bytes: usize,
    pub log_format: LogFormat,
    /// Proxies whose `X-Forwarded-For` is believed when counting a client's failed logins.
    pub trusted_proxies: Vec<Cidr>,
    /// Bearer token `/metrics` asks for; open when unset.
    pub metrics_token: Option<String>,
    /// Result pages of the PostgreSQL search kept per instance (0: none kept).
    pub search_cache_entries: usize,
    /// Their memory bound, in MiB.
    pub search_cache_mb: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

const SSL_MODES: &[&str] = &[
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

impl Config {
    /// Reads the process environment, after loading `.env` when there is one.
    pub fn from_env() -> Result<Config, Vec<String>> {
        let _ = dotenvy::dotenv();
        let vars: HashMap<String, String> = std::env::vars().collect();
        Config::from_vars(&vars)
    }

    /// Builds the configuration from a set of variables; every problem is reported, not only the
    /// first one, so an operator fixes them all in one go.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, Vec<String>> {
        let mut reader = Reader {
            vars,
            errors: Vec::new(),
        };
        let app_env = match reader.text("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("test") => AppEnv::Test,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                reader.errors.push(format!(
                    "APP_ENV: '{other}' is not one of development, test, production"
                ));
                AppEnv::Development
            }
        };
        let production = app_env == AppEnv::Production;
        let debug = reader.boolean("DEBUG", !production);
        let secret_key = reader
            .text("SECRET_KEY")
            .unwrap_or_else(|| DEVELOPMENT_SECRET.to_string());
        let db_sslmode = reader
            .text("DB_SSLMODE")
            .unwrap_or_else(|| "prefer".to_string());
        if !SSL_MODES.contains(&db_sslmode.as_str()) {
            reader.errors.push(format!(
                "DB_SSLMODE: '{db_sslmode}' is not one of {}",
                SSL_MODES.join(", ")
            ));
        }
        let database_url = reader
            .text("DATABASE_URL")
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/ocpizza".to_string());
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            reader
                .errors
                .push("DATABASE_URL: must start with postgres:// or postgresql://".to_string());
        }
        let allowed_hosts = match reader.text("ADDS_ALLOWED_HOSTS") {
            Some(list) => list
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
            None if production => Vec::new(),
            None => vec![
                "localhost".to_string(),
                "127.0.0.1".to_string(),
                "[::1]".to_string(),
            ],
        };
        let bind_addr = reader
            .text("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".to_string());
        if bind_addr.parse::<std::net::SocketAddr>().is_err() {
            reader.errors.push(format!(
                "BIND_ADDR: '{bind_addr}' is not an address like 127.0.0.1:8080"
            ));
        }
        let public_url = reader
            .text("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind_addr}"));
        let hsts_seconds = reader.number("HSTS_SECONDS", 31_536_000u64, 0, 315_360_000);
        let db_pool_size = reader.number("DB_POOL_SIZE", 16u32, 1, 500);
        let access_token_ttl_seconds =
            reader.number("ACCESS_TOKEN_TTL_SECONDS", 900i64, 30, 86_400);
        let refresh_token_ttl_seconds =
            reader.number("REFRESH_TOKEN_TTL_SECONDS", 2_592_000i64, 300, 31_536_000);
        let max_body_bytes = reader.number("MAX_BODY_BYTES", 65_536usize, 1_024, 10_485_760);
        let log_format = match reader.text("LOG_FORMAT").as_deref() {
            None if production => LogFormat::Json,
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                reader
                    .errors
                    .push(format!("LOG_FORMAT: '{other}' is not one of pretty, json"));
                LogFormat::Pretty
            }
        };
        let sentry_dsn = reader.text("SENTRY_DSN");
        if let Some(dsn) = &sentry_dsn {
            if dsn.parse::<sentry::types::Dsn>().is_err() {
                reader
                    .errors
                    .push("SENTRY_DSN: not a valid DSN (https://KEY@HOST/PROJECT)".to_string());
            }
        }
        let algolia_app_id = reader.text("ALGOLIA_APP_ID");
        let algolia_api_key = reader.text("ALGOLIA_API_KEY");
        if algolia_app_id.is_some() != algolia_api_key.is_some() {
            reader.errors.push(
                "ALGOLIA_APP_ID and ALGOLIA_API_KEY: set both to use Algolia, or neither"
                    .to_string(),
            );
        }
        let algolia_base_url = reader
            .text("ALGOLIA_BASE_URL")
            .map(|url| url.trim_end_matches('/').to_string());
        if let Some(url) = &algolia_base_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                reader.errors.push(format!(
                    "ALGOLIA_BASE_URL: '{url}' is not an http:// or https:// URL"
                ));
            }
        }
        let stripe_secret_key = reader.text("STRIPE_SECRET_KEY");
        let stripe_webhook_secret = reader.text("STRIPE_WEBHOOK_SECRET");
        let stripe_publishable_key = reader.text("STRIPE_PUBLISHABLE_KEY");
        if stripe_secret_key.is_some() && stripe_webhook_secret.is_none() {
            reader.errors.push(
                "STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set (webhooks are verified)"
                    .to_string(),
            );
        }
        let stripe_api_base = reader
            .text("STRIPE_API_BASE")
            .unwrap_or_else(|| "https://api.stripe.com".to_string())
            .trim_end_matches('/')
            .to_string();
        if !(stripe_api_base.starts_with("https://") || stripe_api_base.starts_with("http://")) {
            reader
                .errors
                .push("STRIPE_API_BASE: must be an http(s) URL".to_string());
        }
        let online_payments = reader.boolean("ONLINE_PAYMENTS", true);
        let stripe_timeout_ms = reader.number("STRIPE_TIMEOUT_MS", 20_000u64, 100, 120_000);
        let payment_expiry_minutes = reader.number("PAYMENT_EXPIRY_MINUTES", 30i64, 1, 1440);
        let report_rollup_seconds = reader.number("REPORT_ROLLUP_SECONDS", 60u64, 0, 86_400);
        let static_dir = reader.text("STATIC_DIR").map(PathBuf::from);
        let trusted_proxies = match reader.text("TRUSTED_PROXIES").map(|t| parse_list(&t)) {
            None => Vec::new(),
            Some(Ok(list)) => list,
            Some(Err(e)) => {
                reader.errors.push(format!("TRUSTED_PROXIES: {e}"));
                Vec::new()
            }
        };
        let metrics_token = reader.text("METRICS_TOKEN");
        let search_cache_entries = reader.number("SEARCH_CACHE_ENTRIES", 1_000usize, 0, 1_000_000);
        let search_cache_mb = reader.number("SEARCH_CACHE_MB", 32usize, 1, 65_536);
        let config = Config {
            app_env,
            debug,
            secret_key,
            database_url,
            db_sslmode,
            db_pool_size,
            allowed_hosts,
            public_url,
            bind_addr,
            hsts_seconds,
            sentry_dsn,
            algolia_app_id,
            algolia_api_key,
            algolia_base_url,
            stripe_secret_key,
            stripe_webhook_secret,
            stripe_publishable_key,
            stripe_api_base,
            online_payments,
            stripe_timeout_ms,
            payment_expiry_minutes,
            report_rollup_seconds,
            jwt_issuer: reader
                .text("JWT_ISSUER")
                .unwrap_or_else(|| "ocpizza".to_string()),
            jwt_audience: reader
                .text("JWT_AUDIENCE")
                .unwrap_or_else(|| "ocpizza-api".to_string()),
            access_token_ttl_seconds,
            refresh_token_ttl_seconds,
            smtp_url: reader.text("SMTP_URL"),
            mail_from: reader
                .text("MAIL_FROM")
                .unwrap_or_else(|| "OC Pizza <no-reply@ocpizza.fr>".to_string()),
            static_dir,
            migrate_on_start: reader.boolean("MIGRATE_ON_START", false),
            max_body_bytes,
            log_format,
            trusted_proxies,
            metrics_token,
            search_cache_entries,
            search_cache_mb,
        };
        if reader.errors.is_empty() {
            Ok(config)
        } else {
            Err(reader.errors)
        }
    }

    /// The database URL with the configured `sslmode` added when the URL does not name one.
    pub fn database_url_with_tls(&self) -> String {
        if self.database_url.contains("sslmode=") {
            return self.database_url.clone();
        }
        let separator = if self.database_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}sslmode={}",
            self.database_url, self.db_sslmode
        )
    }

    /// What `serve` refuses to start with, one line each. Other commands still run (so `migrate`
    /// works and `check --deploy` lists every problem at once).
    pub fn serve_refusals(&self) -> Vec<String> {
        let mut refusals = Vec::new();
        if self.app_env == AppEnv::Production
            && self.online_payments
            && self.stripe_secret_key.is_none()
        {
            refusals.push(
                "STRIPE_SECRET_KEY: required in production for online payments (without it customers could confirm their own payments with the offline test provider); set it, or set ONLINE_PAYMENTS=off to take only cash and card on delivery"
                    .to_string(),
            );
        }
        refusals
    }

    /// Every setting unsafe for production, one line each, like Django's `check --deploy`.
    pub fn deploy_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.app_env != AppEnv::Production {
            problems.push(format!(
                "APP_ENV is '{}': set it to 'production' on a deployed server",
                self.app_env.as_str()
            ));
        }
        if self.debug {
            problems.push("DEBUG is on: turn it off in production".to_string());
        }
        if self.secret_key == DEVELOPMENT_SECRET {
            problems.push("SECRET_KEY is the development default: generate a random one (at least 50 characters)".to_string());
        } else if self.secret_key.len() < 50 {
            problems.push(format!(
                "SECRET_KEY is {} characters long: use at least 50 random characters",
                self.secret_key.len()
            ));
        } else {
            let distinct: std::collections::HashSet<char> = self.secret_key.chars().collect();
            if distinct.len() < 5 {
                problems.push(
                    "SECRET_KEY has fewer than 5 distinct characters: use a random value"
                        .to_string(),
                );
            }
        }
        if self.allowed_hosts.is_empty() {
            problems.push(
                "ADDS_ALLOWED_HOSTS is empty: list the host names the site is served under"
                    .to_string(),
            );
        } else if self.allowed_hosts.iter().any(|h| h == "*") {
            problems.push(
                "ADDS_ALLOWED_HOSTS contains '*': list the real host names instead".to_string(),
            );
        }
        let tls = effective_sslmode(&self.database_url).unwrap_or(self.db_sslmode.as_str());
        if !matches!(tls, "require" | "verify-ca" | "verify-full") {
            problems.push(format!(
                "DB_SSLMODE is '{tls}': the database connection must use TLS (require, verify-ca or verify-full)"
            ));
        }
        if self.hsts_seconds == 0 {
            problems.push(
                "HSTS_SECONDS is 0: HTTP Strict Transport Security is off (use 31536000)"
                    .to_string(),
            );
        }
        if self.online_payments && self.stripe_secret_key.is_none() {
            problems.push(
                "STRIPE_SECRET_KEY is not set: online payments would use the offline test provider (set it, or ONLINE_PAYMENTS=off)"
                    .to_string(),
            );
        }
        if self.metrics_token.is_none() {
            problems.push(
                "METRICS_TOKEN is not set: /metrics is open to anyone who reaches the API (set a random token for the scraper)"
                    .to_string(),
            );
        }
        if self
            .algolia_base_url
            .as_deref()
            .is_some_and(|url| url.starts_with("http://"))
        {
            problems.push(
                "ALGOLIA_BASE_URL is plain http://: the Algolia admin key would travel unencrypted"
                    .to_string(),
            );
        }
        problems
    }
}

fn effective_sslmode(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("sslmode="))
}

struct Reader<'a> {
    vars: &'a HashMap<String, String>,
    errors: Vec<String>,
}

impl Reader<'_> {
    fn text(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn boolean(&mut self, name: &str, default: bool) -> bool {
        match self.text(name).map(|v| v.to_ascii_lowercase()).as_deref() {
            None => default,
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(other) => {
                self.errors.push(format!(
                    "{name}: '{other}' is not a boolean (true/false, 1/0, yes/no, on/off)"
                ));
                default
            }
        }
    }

    fn number<T>(&mut self, name: &str, default: T, min: T, max: T) -> T
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
    {
        match self.text(name) {
            None => default,
            Some(raw) => match raw.parse::<T>() {
                Ok(value) if value >= min && value <= max => value,
                _ => {
                    self.errors.push(format!(
                        "{name}: '{raw}' is not a whole number between {min} and {max}"
                    ));
                    default
                }
            },
        }
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
