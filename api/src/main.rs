//! The `ocpizza` binary: the API server and the operator's commands.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use diesel::{Connection, PgConnection};
use tracing_subscriber::EnvFilter;

use ocpizza::auth::Role;
use ocpizza::cli::{Cli, Command, ReportsCommand};
use ocpizza::config::{AppEnv, Config, LogFormat};
use ocpizza::metrics::textfile;
use ocpizza::{accounts, db, openapi, search, seed, startup};

fn main() -> ExitCode {
    ocpizza::auth::tune_allocator();
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", openapi::spec_json());
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(errors) => {
            eprintln!("ocpizza: the configuration is invalid:");
            for e in errors {
                eprintln!("  {e}");
            }
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    match cli.command {
        Command::Check { deploy } => check(&config, deploy),
        Command::Migrate => match migrate(&config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
        Command::Seed => seed_command(&config),
        Command::Reindex => reindex_command(&config),
        Command::CreateUser {
            email,
            password,
            role,
            shop_id,
            full_name,
            phone,
        } => {
            let Some(role) = Role::parse(&role) else {
                return fail(&format!("unknown role '{role}': customer, order_taker, pizzaiolo, delivery, manager or admin"));
            };
            let result = connect(&config).and_then(|mut conn| {
                accounts::create_account(
                    &mut conn,
                    accounts::NewAccount {
                        email,
                        password,
                        full_name,
                        phone,
                        role,
                        shop_id,
                    },
                )
                .map_err(describe)
            });
            match result {
                Ok(user) => {
                    println!("created {} ({}) id {}", user.email, user.role, user.id);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::WeeklyUpdate { metrics_file } => {
            let started = std::time::Instant::now();
            let result = connect(&config).and_then(|mut conn| {
                ocpizza::maintenance::weekly_update(&mut conn).map_err(describe)
            });
            match result {
                Ok(steps) => {
                    for (name, count) in steps {
                        println!("weekly-update: {name}: {count}");
                    }
                    if let Some(path) = metrics_file {
                        let written = textfile::write(
                            &path,
                            &[
                                (
                                    "ocpizza_weekly_update_last_success_timestamp_seconds",
                                    "When the weekly update last succeeded, seconds since the epoch.",
                                    textfile::now_seconds(),
                                ),
                                (
                                    "ocpizza_weekly_update_last_duration_seconds",
                                    "How long the last successful weekly update took.",
                                    started.elapsed().as_secs_f64(),
                                ),
                            ],
                        );
                        if let Err(e) = written {
                            return fail(&format!("weekly-update done, but {e}"));
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Backup {
            dir,
            keep,
            metrics_file,
        } => {
            let url = config.database_url_with_tls();
            let result = connect(&config)
                .and_then(|mut conn| ocpizza::backup::backup(&mut conn, &url, &dir, keep));
            match result {
                Ok(report) => {
                    println!("{report}");
                    for old in &report.removed {
                        println!("backup: removed {}", old.display());
                    }
                    if let Some(path) = metrics_file {
                        let written = textfile::write(
                            &path,
                            &[
                                (
                                    "ocpizza_backup_last_success_timestamp_seconds",
                                    "When the last backup succeeded, seconds since the epoch.",
                                    textfile::now_seconds(),
                                ),
                                (
                                    "ocpizza_backup_last_size_bytes",
                                    "Size of the last successful backup's archive.",
                                    report.bytes as f64,
                                ),
                                (
                                    "ocpizza_backup_last_duration_seconds",
                                    "How long the last successful backup took.",
                                    report.seconds,
                                ),
                            ],
                        );
                        if let Err(e) = written {
                            return fail(&format!("the archive is written, but {e}"));
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Restore { file, replace } => {
            let url = config.database_url_with_tls();
            let result = connect(&config)
                .and_then(|mut conn| ocpizza::backup::restore(&mut conn, &url, &file, replace));
            match result {
                Ok(summary) => {
                    println!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::ExpireOrders => {
            let result = connect(&config).and_then(|mut conn| {
                ocpizza::orders::lifecycle::expire_unpaid(&mut conn).map_err(describe)
            });
            match result {
                Ok(n) => {
                    println!(
                        "expire-orders: {n} unpaid order(s) cancelled, their stock given back"
                    );
                    // Their payment intents, and any call off that failed before, at Stripe.
                    match call_off_intents(&config) {
                        Ok(k) => println!(
                            "expire-orders: {k} payment intent(s) called off at the provider"
                        ),
                        Err(e) => eprintln!(
                            "ocpizza: calling off payment intents failed (the server tries again every minute): {e}"
                        ),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Serve {
            migrate: migrate_flag,
        } => {
            let refusals = config.serve_refusals();
            if !refusals.is_empty() {
                eprintln!("ocpizza: refusing to serve with this configuration:");
                for r in refusals {
                    eprintln!("  {r}");
                }
                return ExitCode::from(2);
            }
            serve(config, migrate_flag)
        }
        Command::Reports { command } => reports_command(&config, command),
        Command::Openapi => ExitCode::SUCCESS,
    }
}

fn reports_command(config: &Config, command: ReportsCommand) -> ExitCode {
    use ocpizza::reports::rollups;
    let mut conn = match connect(config) {
        Ok(conn) => conn,
        Err(e) => return fail(&e),
    };
    match command {
        ReportsCommand::Rebuild { from, to } => {
            let period = from.zip(to);
            let mut progress = search::progress::ProgressBar::on_stderr("rebuild", "days");
            match rollups::rebuild(&mut conn, period, &mut progress) {
                Ok(done) => {
                    println!(
                        "reports rebuild: {} day(s) of shops rolled up in {:.1} s",
                        done.days, done.seconds
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&describe(e)),
            }
        }
        ReportsCommand::Refresh => match rollups::refresh(&mut conn) {
            Ok(rollups::Refreshed::Days(n)) => {
                println!("reports refresh: {n} day(s) of shops computed again");
                ExitCode::SUCCESS
            }
            Ok(rollups::Refreshed::Busy) => {
                println!("reports refresh: another process holds the roll-ups, nothing done");
                ExitCode::SUCCESS
            }
            Ok(rollups::Refreshed::NotFilled) => {
                fail("nothing is rolled up yet: run `ocpizza reports rebuild` first")
            }
            Err(e) => fail(&describe(e)),
        },
    }
}

/// Cancels at the provider the payment intents of cancelled or expired orders, batch after batch.
fn call_off_intents(config: &Config) -> Result<usize, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let pool = db::build_pool(&config.database_url_with_tls(), 2);
    let payments = ocpizza::payments::Payments::new(config, pool);
    runtime.block_on(async {
        let mut total = 0;
        // Bounded: calls the provider does not take are left for the server's next round.
        for _ in 0..20 {
            match payments.call_off_intents(None).await.map_err(describe)? {
                0 => break,
                n => total += n,
            }
        }
        Ok(total)
    })
}

fn fail(message: &str) -> ExitCode {
    eprintln!("ocpizza: {message}");
    ExitCode::FAILURE
}

fn describe(err: ocpizza::error::AppError) -> String {
    let problem = err.to_problem();
    let mut text = problem.detail;
    for e in problem.errors {
        text.push_str(&format!("\n  {}: {}", e.field, e.message));
    }
    if let ocpizza::error::AppError::Internal(inner) = &err {
        text.push_str(&format!(" ({inner})"));
    }
    text
}

fn connect(config: &Config) -> Result<PgConnection, String> {
    PgConnection::establish(&config.database_url_with_tls())
        .map_err(|e| format!("cannot reach the database: {e}"))
}

fn migrate(config: &Config) -> Result<(), String> {
    let mut conn = connect(config)?;
    let applied = db::run_migrations(&mut conn)?;
    if applied.is_empty() {
        println!("migrations: nothing to apply, the database is up to date");
    } else {
        for version in applied {
            println!("migrations: applied {version}");
        }
    }
    Ok(())
}

fn check(config: &Config, deploy: bool) -> ExitCode {
    if !deploy {
        println!("configuration OK ({} environment)", config.app_env.as_str());
        return ExitCode::SUCCESS;
    }
    let problems = config.deploy_problems();
    if problems.is_empty() {
        println!("check --deploy: no problem found");
        return ExitCode::SUCCESS;
    }
    for p in &problems {
        println!("WARNING: {p}");
    }
    println!("check --deploy: {} problem(s) found", problems.len());
    ExitCode::FAILURE
}

fn seed_command(config: &Config) -> ExitCode {
    let with_demo_users = config.app_env != AppEnv::Production;
    let result = connect(config)
        .and_then(|mut conn| seed::run(&mut conn, with_demo_users).map_err(describe));
    match result {
        Ok(report) => {
            println!(
                "seed: {} shops, {} categories, {} ingredients, {} products, {} new stock lines",
                report.shops,
                report.categories,
                report.ingredients,
                report.products,
                report.stock_lines_created
            );
            if !report.demo_users.is_empty() {
                println!("demo shop lyon-presquile takes orders at all hours (development only; the other shops keep their hours)");
                println!("demo users (development only):");
                for u in &report.demo_users {
                    println!(
                        "  {:<12} {:<24} password {}{}",
                        u.role.as_str(),
                        u.email,
                        u.password,
                        if u.created { "" } else { "  (already there)" }
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn reindex_command(config: &Config) -> ExitCode {
    let algolia = match search::algolia::AlgoliaClient::from_config(config).transpose() {
        Ok(client) => client,
        Err(e) => return fail(&e.to_string()),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let pool = db::build_pool(&config.database_url_with_tls(), 2);
    let mut progress = search::progress::ProgressBar::on_stderr("reindex", "products");
    match runtime.block_on(search::reindex::reindex(
        &pool,
        algolia.as_ref(),
        &mut progress,
    )) {
        Ok(report) => {
            println!("{}", report.summary());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("reindex failed: {e}")),
    }
}

fn serve(config: Config, migrate_flag: bool) -> ExitCode {
    let _sentry = config.sentry_dsn.as_ref().map(|dsn| {
        let mut options = sentry::ClientOptions::default().traces_sample_rate(0.1);
        options.release = sentry::release_name!();
        options.environment = Some(config.app_env.as_str().into());
        options.send_default_pii = false;
        sentry::init((dsn.as_str(), options))
    });
    if migrate_flag || config.migrate_on_start {
        if let Err(e) = migrate(&config) {
            return fail(&e);
        }
    }
    for problem in config.deploy_problems() {
        if config.app_env == AppEnv::Production {
            tracing::warn!("unsafe production setting: {problem}");
        }
    }
    let listener = match TcpListener::bind(&config.bind_addr) {
        Ok(l) => l,
        Err(e) => return fail(&format!("cannot listen on {}: {e}", config.bind_addr)),
    };
    let pool = db::build_pool(&config.database_url_with_tls(), config.db_pool_size);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    tracing::info!(addr = %config.bind_addr, env = config.app_env.as_str(), "OC Pizza API listening");
    let result = runtime.block_on(async move {
        let server = startup::run(listener, config, pool)?;
        server.await
    });
    match result {
        Ok(()) => {
            tracing::info!("server stopped");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("server error: {e}")),
    }
}

fn init_tracing(config: &Config) {
    let default = if config.debug {
        "info,ocpizza=debug"
    } else {
        "info"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}
