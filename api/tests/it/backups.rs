//! Backups: `ocpizza backup` then `ocpizza restore` into a fresh database give the same data
//! (counts and sums of orders, stock, movements, users), the retention keeps exactly N archives,
//! and a restore never overwrites a database holding data unless told to.

use std::path::Path;
use std::process::{Command, Output};

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde_json::json;

use crate::helpers::TestDb;
use crate::orders::Scene;

fn ocpizza(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ocpizza"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("DB_SSLMODE", "disable")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

#[derive(QueryableByName, Debug, PartialEq)]
struct Figures {
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    order_totals: i64,
    #[diesel(sql_type = BigInt)]
    stock: i64,
    #[diesel(sql_type = BigInt)]
    movements: i64,
    #[diesel(sql_type = BigInt)]
    movement_sum: i64,
    #[diesel(sql_type = BigInt)]
    users: i64,
    #[diesel(sql_type = BigInt)]
    history: i64,
}

fn figures(url: &str) -> Figures {
    let mut conn = PgConnection::establish(url).unwrap();
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM orders) AS orders,
                (SELECT coalesce(sum(total_cents), 0)::bigint FROM orders) AS order_totals,
                (SELECT coalesce(sum(quantity), 0)::bigint FROM stock) AS stock,
                (SELECT count(*) FROM stock_ledger) AS movements,
                (SELECT coalesce(sum(delta), 0)::bigint FROM stock_ledger) AS movement_sum,
                (SELECT count(*) FROM users) AS users,
                (SELECT count(*) FROM order_status_history) AS history",
    )
    .get_result(&mut conn)
    .unwrap()
}

fn archives(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_backup_restored_into_a_fresh_database_holds_the_same_data() {
    let s = Scene::new().await;
    for slug in ["margherita", "reine"] {
        let res = s
            .place(
                &s.customer,
                s.delivery_order(json!([s.item(slug, "large", 2)])),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let dir = tempdir();
    let url = s.app.db.url.clone();
    let textfile_dir = tempdir();
    let metrics_file = textfile_dir.join("ocpizza_backup.prom");
    let out = ocpizza(
        &url,
        &[
            "backup",
            "--dir",
            dir.to_str().unwrap(),
            "--keep",
            "7",
            "--metrics-file",
            metrics_file.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("backup: "), "{stdout}");
    assert!(
        stdout.contains(" MB) in "),
        "a summary line with size and time: {stdout}"
    );
    let made = archives(&dir);
    assert_eq!(made.len(), 1);
    // The success time, for node exporter's textfile collector (the 26 h alert).
    let metrics = std::fs::read_to_string(&metrics_file).unwrap();
    let last: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("ocpizza_backup_last_success_timestamp_seconds "))
        .unwrap()
        .parse()
        .unwrap();
    assert!((chrono::Utc::now().timestamp() as f64 - last).abs() < 120.0);
    assert!(metrics.contains("# TYPE ocpizza_backup_last_size_bytes gauge\n"));
    assert!(made[0].starts_with("ocpizza-") && made[0].ends_with(".dump"));

    let target = TestDb::empty();
    let archive = dir.join(&made[0]);
    let out = ocpizza(&target.url, &["restore", archive.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 migration(s) applied"));
    let (before, after) = (figures(&url), figures(&target.url));
    assert_eq!(before, after);
    assert_eq!(before.orders, 2);
    assert_eq!(
        after.stock, after.movement_sum,
        "the stock is still the sum of its movements"
    );

    // A database that holds data is not overwritten by mistake; with --replace it is.
    let out = ocpizza(&target.url, &["restore", archive.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--replace"));
    let out = ocpizza(
        &target.url,
        &["restore", "--replace", archive.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(figures(&target.url), before);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&textfile_dir);
}

#[tokio::test]
async fn the_retention_keeps_exactly_the_newest_n_archives() {
    let db = TestDb::new();
    let dir = tempdir();
    // Someone else's file in the folder is left alone.
    std::fs::write(dir.join("notes.txt"), "not a backup").unwrap();
    let mut seen = Vec::new();
    for _ in 0..4 {
        let out = ocpizza(
            &db.url,
            &["backup", "--dir", dir.to_str().unwrap(), "--keep", "2"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        seen.extend(archives(&dir));
    }
    let left = archives(&dir);
    let dumps: Vec<&String> = left.iter().filter(|n| n.ends_with(".dump")).collect();
    assert_eq!(dumps.len(), 2, "{left:?}");
    assert!(left.contains(&"notes.txt".to_string()));
    let mut all: Vec<String> = seen.into_iter().filter(|n| n.ends_with(".dump")).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4, "four archives were made");
    assert_eq!(
        dumps,
        all[2..].iter().collect::<Vec<_>>(),
        "the two newest are kept"
    );
    let out = ocpizza(
        &db.url,
        &["backup", "--dir", dir.to_str().unwrap(), "--keep", "0"],
    );
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ocpizza-backups-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
