//! The `ocpizza` command line: the server and the operator's tasks.

use clap::{Parser, Subcommand};
use uuid::Uuid;

#[derive(Parser)]
#[command(
    name = "ocpizza",
    version,
    about = "OC Pizza: ordering and management system of a chain of pizzerias"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the API (and the SPA when STATIC_DIR is set).
    Serve {
        /// Apply pending migrations before serving (also MIGRATE_ON_START=true).
        #[arg(long)]
        migrate: bool,
    },
    /// Apply pending database migrations (idempotent).
    Migrate,
    /// Load reference data (shops, catalog, stock) and, outside production, demo users.
    Seed,
    /// Check the configuration; with --deploy, list every setting unsafe for production.
    Check {
        #[arg(long)]
        deploy: bool,
    },
    /// Create a user with a role (staff need --shop-id).
    CreateUser {
        #[arg(long)]
        email: String,
        /// Read from the OCPIZZA_PASSWORD environment variable when omitted.
        #[arg(long, env = "OCPIZZA_PASSWORD", hide_env_values = true)]
        password: String,
        /// customer, order_taker, pizzaiolo, delivery, manager or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        shop_id: Option<Uuid>,
        #[arg(long, default_value = "OC Pizza")]
        full_name: String,
        #[arg(long)]
        phone: Option<String>,
    },
    /// Cancel unpaid online orders past their payment window and give their stock back (the
    /// server also does it every minute).
    ExpireOrders,
    /// The weekly database refresh (cron, Monday 01:00): expiries, purges, reference data, ANALYZE.
    WeeklyUpdate {
        /// After a success, write its time to this `.prom` file for node exporter's textfile
        /// collector (`ocpizza_weekly_update_last_success_timestamp_seconds`).
        #[arg(long, env = "WEEKLY_UPDATE_METRICS_FILE")]
        metrics_file: Option<std::path::PathBuf>,
    },
    /// Rebuild the search: PostgreSQL documents, and the whole Algolia index when configured
    /// (settings, then every product), with a progress bar on a terminal.
    Reindex,
    /// Dump the database into DIR (`pg_dump`, custom format, a dated name) and keep the newest
    /// N archives (daily timer: deploy/ocpizza-backup.timer).
    Backup {
        #[arg(long, env = "BACKUP_DIR")]
        dir: std::path::PathBuf,
        #[arg(long, default_value_t = 7)]
        keep: usize,
        /// After a success, write its time, size and duration to this `.prom` file for node
        /// exporter's textfile collector (`ocpizza_backup_last_success_timestamp_seconds`; the
        /// alert "backup older than 26 h" reads it).
        #[arg(long, env = "BACKUP_METRICS_FILE")]
        metrics_file: Option<std::path::PathBuf>,
    },
    /// Restore an archive made by `backup` into the database of DATABASE_URL, then apply the
    /// migrations it lacks. A database that already holds data is refused without --replace.
    Restore {
        file: std::path::PathBuf,
        /// Drop what the database holds and replace it with the archive.
        #[arg(long)]
        replace: bool,
    },
    /// The reports' daily roll-ups (the server refreshes them every REPORT_ROLLUP_SECONDS).
    Reports {
        #[command(subcommand)]
        command: ReportsCommand,
    },
    /// Print the OpenAPI document (the content of openapi/openapi.json).
    Openapi,
}

#[derive(Subcommand)]
pub enum ReportsCommand {
    /// Compute the roll-ups again from the raw tables, month by month, with a progress bar on a
    /// terminal: everything (the first fill; reports read the raw tables meanwhile), or the days
    /// from FROM to TO of every shop (after a change made outside the API).
    Rebuild {
        #[arg(long, requires = "to")]
        from: Option<chrono::NaiveDate>,
        #[arg(long, requires = "from")]
        to: Option<chrono::NaiveDate>,
    },
    /// Take in what changed since the last refresh, once (what the server does periodically).
    Refresh,
}
