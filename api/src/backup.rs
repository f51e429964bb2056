//! Backups of the database (chapter 7 of the operations document): `pg_dump` archives in the
//! custom format with a dated name, the oldest beyond `keep` removed, and the restore of one into
//! the configured database, which is refused when that database already holds data unless the
//! operator says so, and followed by the migrations the archive lacks.
//!
//! The PostgreSQL client tools do the work; they must be at least as new as the server (an older
//! `pg_dump` cannot read a newer server), which is checked first.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

const PREFIX: &str = "ocpizza-";
const SUFFIX: &str = ".dump";

/// What a backup did, for its summary line.
#[derive(Debug)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub seconds: f64,
    pub kept: usize,
    pub removed: Vec<PathBuf>,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backup: {} ({:.1} MB) in {:.1} s; {} kept, {} removed",
            self.path.display(),
            self.bytes as f64 / 1_048_576.0,
            self.seconds,
            self.kept,
            self.removed.len()
        )
    }
}

/// The major version of a PostgreSQL client tool (`pg_dump (PostgreSQL) 15.19` → 15).
fn tool_major(tool: &str) -> Result<u32, String> {
    let output = Command::new(tool).arg("--version").output().map_err(|e| {
        format!("{tool} is needed and was not found ({e}): install the PostgreSQL client (apt-get install postgresql-client)")
    })?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_major(&text).ok_or_else(|| format!("{tool} --version said {text:?}"))
}

/// The first number after the last `)` or space: `pg_dump (PostgreSQL) 15.19 (Debian …)` → 15.
pub fn parse_major(version_line: &str) -> Option<u32> {
    version_line
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .and_then(|w| w.split('.').next())
        .and_then(|m| m.parse().ok())
}

#[derive(QueryableByName)]
struct ServerVersion {
    #[diesel(sql_type = Integer)]
    version: i32,
}

fn server_major(conn: &mut PgConnection) -> Result<u32, String> {
    let v: ServerVersion =
        diesel::sql_query("SELECT current_setting('server_version_num')::int AS version")
            .get_result(conn)
            .map_err(|e| format!("cannot read the server's version: {e}"))?;
    Ok((v.version / 10_000) as u32)
}

/// Refuses a client tool older than the server.
fn check_tool(tool: &str, conn: &mut PgConnection) -> Result<(), String> {
    let (client, server) = (tool_major(tool)?, server_major(conn)?);
    if client < server {
        return Err(format!(
            "{tool} {client} is older than the server's PostgreSQL {server}: install postgresql-client-{server}"
        ));
    }
    Ok(())
}

/// The archives of `dir`, oldest first (their names sort by date).
pub fn archives(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// Dumps the database into `dir` (created when missing) and keeps the newest `keep` archives.
pub fn backup(
    conn: &mut PgConnection,
    database_url: &str,
    dir: &Path,
    keep: usize,
) -> Result<BackupReport, String> {
    if keep == 0 {
        return Err("--keep must be at least 1".into());
    }
    check_tool("pg_dump", conn)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = format!("{PREFIX}{}{SUFFIX}", Utc::now().format("%Y%m%d-%H%M%S-%3f"));
    let path = dir.join(&name);
    // Written aside then renamed: a dump cut short never passes for a backup.
    let partial = dir.join(format!(".{name}.partial"));
    let started = Instant::now();
    let output = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(&partial)
        .arg("--dbname")
        .arg(database_url)
        .output()
        .map_err(|e| format!("pg_dump could not run: {e}"))?;
    if !output.status.success() {
        let _ = std::fs::remove_file(&partial);
        return Err(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    std::fs::rename(&partial, &path).map_err(|e| format!("cannot name the archive: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let all = archives(dir)?;
    let excess = all.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for old in &all[..excess] {
        std::fs::remove_file(old).map_err(|e| format!("cannot remove {}: {e}", old.display()))?;
        removed.push(old.clone());
    }
    Ok(BackupReport {
        path,
        bytes,
        seconds,
        kept: all.len() - excess,
        removed,
    })
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many tables the public schema holds (a fresh database: none).
fn tables(conn: &mut PgConnection) -> Result<i64, String> {
    diesel::sql_query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .get_result::<Count>(conn)
    .map(|c| c.n)
    .map_err(|e| e.to_string())
}

/// Restores an archive into the database of `database_url`. A database that already holds tables
/// is refused unless `replace` (its objects are then dropped and recreated from the archive).
/// Applies the migrations the archive lacks; returns a summary line.
pub fn restore(
    conn: &mut PgConnection,
    database_url: &str,
    file: &Path,
    replace: bool,
) -> Result<String, String> {
    if !file.is_file() {
        return Err(format!("{} is not a file", file.display()));
    }
    check_tool("pg_restore", conn)?;
    let existing = tables(conn)?;
    if existing > 0 && !replace {
        return Err(format!(
            "the database already holds {existing} tables: restore into an empty database, or pass --replace to drop what it holds"
        ));
    }
    let started = Instant::now();
    let mut command = Command::new("pg_restore");
    command.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]);
    if replace {
        command.args(["--clean", "--if-exists"]);
    }
    let output = command
        .arg("--dbname")
        .arg(database_url)
        .arg(file)
        .output()
        .map_err(|e| format!("pg_restore could not run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "pg_restore failed (nothing was changed): {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let applied = crate::db::run_migrations(conn)?;
    Ok(format!(
        "restore: {} into the database in {:.1} s; {} migration(s) applied after it",
        file.display(),
        started.elapsed().as_secs_f64(),
        applied.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_versions_are_read_from_their_version_line() {
        assert_eq!(
            parse_major("pg_dump (PostgreSQL) 15.19 (Debian 15.19-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(parse_major("pg_restore (PostgreSQL) 17.2"), Some(17));
        assert_eq!(parse_major("pg_dump (PostgreSQL) 9.6.24"), Some(9));
        assert_eq!(parse_major("nonsense"), None);
    }
}
