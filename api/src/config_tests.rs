//! The configuration's tests: what each environment variable gives, and what production refuses.

use super::*;

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn every_bad_value_is_reported_on_its_own_line() {
    let errors = Config::from_vars(&vars(&[
        ("APP_ENV", "staging"),
        ("DEBUG", "maybe"),
        ("HSTS_SECONDS", "-3"),
        ("BIND_ADDR", "nowhere"),
    ]))
    .unwrap_err();
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(errors[0].starts_with("APP_ENV"));
    assert!(errors.iter().any(|e| e.starts_with("DEBUG")));
    assert!(errors.iter().any(|e| e.starts_with("HSTS_SECONDS")));
    assert!(errors.iter().any(|e| e.starts_with("BIND_ADDR")));
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    let config = Config::from_vars(&vars(&[("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")])).unwrap();
    assert_eq!(config.trusted_proxies.len(), 2);
    assert!(Config::from_vars(&vars(&[]))
        .unwrap()
        .trusted_proxies
        .is_empty());
    let errors = Config::from_vars(&vars(&[("TRUSTED_PROXIES", "nginx")])).unwrap_err();
    assert!(errors[0].starts_with("TRUSTED_PROXIES"), "{errors:?}");
}

#[test]
fn algolia_needs_both_keys_and_an_http_base_url() {
    let errors = Config::from_vars(&vars(&[
        ("ALGOLIA_APP_ID", "APP"),
        ("ALGOLIA_BASE_URL", "localhost:9200"),
    ]))
    .unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("ALGOLIA_APP_ID and ALGOLIA_API_KEY"));
    assert!(errors[1].starts_with("ALGOLIA_BASE_URL"));
    let config = Config::from_vars(&vars(&[
        ("ALGOLIA_APP_ID", "APP"),
        ("ALGOLIA_API_KEY", "key"),
        ("ALGOLIA_BASE_URL", "http://127.0.0.1:9200/"),
    ]))
    .unwrap();
    assert_eq!(
        config.algolia_base_url.as_deref(),
        Some("http://127.0.0.1:9200")
    );
    assert!(config
        .deploy_problems()
        .iter()
        .any(|p| p.starts_with("ALGOLIA_BASE_URL is plain http://")));
}

#[test]
fn a_safe_production_configuration_has_no_deploy_problem() {
    let config = Config::from_vars(&vars(&[
        ("APP_ENV", "production"),
        (
            "SECRET_KEY",
            "k7Qp2vX9zR4mT8wY1bN6cF3hJ5dL0sA-gE7uI2oP9qW4eR6tY8uI",
        ),
        ("ADDS_ALLOWED_HOSTS", "ocpizza.fr,www.ocpizza.fr"),
        ("DB_SSLMODE", "verify-full"),
        ("STRIPE_SECRET_KEY", "sk_live_x"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
        ("METRICS_TOKEN", "3f9c2a7e41b8d6059e1f7a2c8b4d6e0f"),
    ]))
    .unwrap();
    assert!(!config.debug);
    assert_eq!(config.deploy_problems(), Vec::<String>::new());
    assert!(config
        .database_url_with_tls()
        .ends_with("?sslmode=verify-full"));
}

#[test]
fn the_default_configuration_lists_every_unsafe_setting() {
    let config = Config::from_vars(&vars(&[("HSTS_SECONDS", "0")])).unwrap();
    let problems = config.deploy_problems().join("\n");
    for needle in [
        "APP_ENV",
        "DEBUG",
        "SECRET_KEY",
        "DB_SSLMODE",
        "HSTS_SECONDS",
        "METRICS_TOKEN",
    ] {
        assert!(
            problems.contains(needle),
            "{needle} missing from {problems}"
        );
    }
}

#[test]
fn production_without_a_stripe_key_starts_only_with_online_payments_off() {
    let production = [
        ("APP_ENV", "production"),
        (
            "SECRET_KEY",
            "k7Qp2vX9zR4mT8wY1bN6cF3hJ5dL0sA-gE7uI2oP9qW4eR6tY8uI",
        ),
        ("ADDS_ALLOWED_HOSTS", "ocpizza.fr"),
        ("DB_SSLMODE", "verify-full"),
        ("METRICS_TOKEN", "m3tr1cs-t0ken-for-the-scraper-2026"),
    ];
    let config = Config::from_vars(&vars(&production)).unwrap();
    let refusals = config.serve_refusals();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(refusals[0].starts_with("STRIPE_SECRET_KEY: required in production"));
    assert!(refusals[0].contains("ONLINE_PAYMENTS=off"));
    assert_eq!(
        config.deploy_problems(),
        vec!["STRIPE_SECRET_KEY is not set: online payments would use the offline test provider (set it, or ONLINE_PAYMENTS=off)".to_string()]
    );

    let mut off = production.to_vec();
    off.push(("ONLINE_PAYMENTS", "off"));
    let config = Config::from_vars(&vars(&off)).unwrap();
    assert!(!config.online_payments);
    assert_eq!(config.serve_refusals(), Vec::<String>::new());
    assert_eq!(config.deploy_problems(), Vec::<String>::new());

    // Elsewhere the offline provider is the newcomer's way to a paid order; check --deploy
    // names the missing key.
    let config = Config::from_vars(&vars(&[])).unwrap();
    assert!(config.online_payments);
    assert_eq!(config.serve_refusals(), Vec::<String>::new());
    assert!(config
        .deploy_problems()
        .iter()
        .any(|p| p.starts_with("STRIPE_SECRET_KEY is not set")));
    let bad = Config::from_vars(&vars(&[("ONLINE_PAYMENTS", "sometimes")])).unwrap_err();
    assert!(bad[0].starts_with("ONLINE_PAYMENTS"));
}
