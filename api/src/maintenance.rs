//! `ocpizza weekly-update`: the weekly database refresh (cron, Monday 01:00). Each step is
//! idempotent; a terminal shows a progress bar, the log gets one summary line.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use diesel::prelude::*;

use crate::error::{AppError, AppResult};

type Step = (&'static str, fn(&mut PgConnection) -> AppResult<usize>);

const STEPS: [Step; 7] = [
    ("expire unpaid online orders", |c| {
        crate::orders::lifecycle::expire_unpaid(c)
    }),
    ("purge idempotency keys older than 7 days", |c| {
        run(
            c,
            "DELETE FROM idempotency_keys WHERE created_at < now() - interval '7 days'",
        )
    }),
    ("purge refresh tokens expired or revoked for 30 days", |c| {
        run(c, "DELETE FROM refresh_tokens WHERE expires_at < now() - interval '30 days' OR revoked_at < now() - interval '30 days'")
    }),
    ("purge used or expired password reset links", |c| {
        run(c, "DELETE FROM password_reset_tokens WHERE used_at IS NOT NULL OR expires_at < now() - interval '1 day'")
    }),
    (
        "purge search queue entries delivered for 7 days or stuck for 30",
        |c| crate::search::outbox::purge(c),
    ),
    ("refresh reference data (seed without demo users)", |c| {
        crate::seed::run(c, false).map(|r| r.stock_lines_created)
    }),
    ("refresh planner statistics (ANALYZE)", |c| {
        run(c, "ANALYZE")
    }),
];

fn run(conn: &mut PgConnection, sql: &str) -> AppResult<usize> {
    diesel::sql_query(sql).execute(conn).map_err(AppError::from)
}

pub fn weekly_update(conn: &mut PgConnection) -> AppResult<Vec<(&'static str, usize)>> {
    let tty = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut done = Vec::new();
    for (i, (name, step)) in STEPS.iter().enumerate() {
        if tty {
            let filled = i * 30 / STEPS.len();
            eprint!(
                "\r\x1b[2K[{}{}] {}/{} {name}",
                "#".repeat(filled),
                "-".repeat(30 - filled),
                i + 1,
                STEPS.len()
            );
            let _ = std::io::stderr().flush();
        }
        let count = step(conn)?;
        done.push((*name, count));
    }
    if tty {
        eprintln!(
            "\r\x1b[2K[{}] {}/{} done",
            "#".repeat(30),
            STEPS.len(),
            STEPS.len()
        );
    }
    let summary: Vec<String> = done.iter().map(|(n, c)| format!("{n}: {c}")).collect();
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "weekly-update finished: {}",
        summary.join("; ")
    );
    Ok(done)
}
