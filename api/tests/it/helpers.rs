//! The test harness: each test gets its own PostgreSQL database, copied from a template that is
//! migrated and seeded once, and the real HTTP server on a free port. The database is dropped
//! when the test ends.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use diesel::sql_types::Text;
use ocpizza::auth::Role;
use ocpizza::config::Config;
use ocpizza::mail::{Mail, Mailer};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const SECRET: &str = "test-secret-key-that-is-long-enough-for-hs256-signing-0123456789";

/// Where the harness creates its databases (a server where we may CREATE DATABASE).
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

fn url_for(db: &str) -> String {
    let admin = admin_url();
    let (base, _) = admin.rsplit_once('/').expect("admin url has a database");
    format!("{base}/{db}")
}

/// The template's name depends on the migrations and the seed data: change them and a new
/// template is built.
fn template_name() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hasher = Sha256::new();
    let mut files: Vec<_> = walk(&root.join("../migrations"));
    files.push(root.join("src/seed/data.rs"));
    files.push(root.join("src/seed/mod.rs"));
    files.sort();
    for f in files {
        hasher.update(f.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&f).unwrap_or_default());
    }
    format!("ocpizza_test_tpl_{}", &hex::encode(hasher.finalize())[..16])
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[derive(QueryableByName)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// Builds the template once (guarded by an advisory lock across test processes).
fn ensure_template() -> String {
    static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let name = template_name();
            let mut admin = PgConnection::establish(&admin_url())
                .expect("PostgreSQL reachable for tests (TEST_DATABASE_ADMIN_URL)");
            diesel::sql_query("SELECT pg_advisory_lock(874512)")
                .execute(&mut admin)
                .unwrap();
            let exists =
                diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<Text, _>(&name)
                    .get_result::<Count>(&mut admin)
                    .unwrap()
                    .n
                    > 0;
            if !exists {
                let building = format!("{name}_building");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .execute(&mut admin)
                    .unwrap();
                diesel::sql_query(format!("CREATE DATABASE {building}"))
                    .execute(&mut admin)
                    .unwrap();
                {
                    let mut conn = PgConnection::establish(&url_for(&building)).unwrap();
                    ocpizza::db::run_migrations(&mut conn).expect("migrations apply");
                    ocpizza::seed::run(&mut conn, true).expect("seed loads");
                }
                diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut admin)
                    .unwrap();
            }
            diesel::sql_query("SELECT pg_advisory_unlock(874512)")
                .execute(&mut admin)
                .unwrap();
            name
        })
        .clone()
}

/// A fresh database copied from the template; dropped on drop.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new() -> TestDb {
        let template = ensure_template();
        let name = format!("ocpizza_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url()).unwrap();
        // Another test copying the template at the same moment makes PostgreSQL refuse; retry.
        let mut attempts = 0;
        loop {
            match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .execute(&mut admin)
            {
                Ok(_) => break,
                Err(e) if attempts < 50 => {
                    attempts += 1;
                    let _ = e;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => panic!("cannot create the test database: {e}"),
            }
        }
        TestDb {
            url: url_for(&name),
            name,
        }
    }
}

impl TestDb {
    /// An empty database (no tables), dropped on drop: where a restore goes.
    pub fn empty() -> TestDb {
        let name = format!("ocpizza_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url()).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("an empty database");
        TestDb {
            url: url_for(&name),
            name,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&admin_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

pub fn test_vars(database_url: &str) -> HashMap<String, String> {
    [
        ("APP_ENV", "test"),
        ("SECRET_KEY", SECRET),
        ("DATABASE_URL", database_url),
        ("DB_SSLMODE", "disable"),
        ("ADDS_ALLOWED_HOSTS", "127.0.0.1,localhost"),
        ("DB_POOL_SIZE", "8"),
        // The report roll-ups are refreshed by the tests that need them, at known points.
        ("REPORT_ROLLUP_SECONDS", "0"),
        ("PUBLIC_URL", "http://localhost:8080"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub outbox: Arc<Mutex<Vec<Mail>>>,
    handle: actix_web::dev::ServerHandle,
    // Dropped last: the server is stopped before its database goes.
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the real server on a free port with a fresh database; `tweak` changes variables.
    pub async fn spawn_with(tweak: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
        let db = tokio::task::spawn_blocking(TestDb::new).await.unwrap();
        let mut vars = test_vars(&db.url);
        tweak(&mut vars);
        let config = Config::from_vars(&vars).expect("test configuration is valid");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let pool = ocpizza::db::build_pool(&config.database_url_with_tls(), config.db_pool_size);
        let outbox = Arc::new(Mutex::new(Vec::new()));
        // Mails are kept in `outbox`, unless the test gives an SMTP server (SMTP_URL).
        let mailer = if config.smtp_url.is_some() {
            Mailer::from_config(&config)
        } else {
            Mailer::Memory(outbox.clone())
        };
        let server =
            ocpizza::startup::run_with_mailer(listener, config.clone(), pool, mailer).unwrap();
        let handle = server.handle();
        tokio::spawn(server);
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            outbox,
            handle,
            db,
        }
    }

    /// A second API instance on the same database, as behind a load balancer.
    pub fn another_instance(&self) -> Instance {
        let config = Config::from_vars(&test_vars(&self.db.url)).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let pool = ocpizza::db::build_pool(&config.database_url_with_tls(), config.db_pool_size);
        let server =
            ocpizza::startup::run_with_mailer(listener, config, pool, Mailer::Log).unwrap();
        let handle = server.handle();
        tokio::spawn(server);
        Instance {
            address: format!("http://127.0.0.1:{port}"),
            handle,
        }
    }

    /// Opens every shop all week long, so tests do not depend on the time they run at.
    pub async fn open_all_week(&self) {
        self.with_db(|conn| {
            diesel::sql_query("DELETE FROM shop_hours").execute(conn).unwrap();
            diesel::sql_query(
                "INSERT INTO shop_hours (shop_id, weekday, opens_at, closes_at) SELECT s.id, d, '00:00', '23:59' FROM shops s, generate_series(1, 7) d",
            )
            .execute(conn)
            .unwrap();
        })
        .await;
    }

    /// For every shop and ingredient, the stock equals the sum of its movements (`stock_ledger`: the movements and the
    /// orders' takes) and is not negative.
    pub async fn assert_stock_matches_movements(&self) {
        let broken: i64 = self
            .with_db(|conn| {
                diesel::sql_query(
                    "SELECT count(*) AS n FROM stock s WHERE s.quantity < 0 OR s.quantity <> COALESCE(
                        (SELECT sum(m.delta) FROM stock_ledger m WHERE m.shop_id = s.shop_id AND m.ingredient_id = s.ingredient_id), 0)",
                )
                .get_result::<Count>(conn)
                .unwrap()
                .n
            })
            .await;
        assert_eq!(
            broken, 0,
            "stock lines that differ from the sum of their movements"
        );
    }

    /// The quantity of an ingredient (by slug) in a shop.
    pub async fn stock_of(&self, shop: Uuid, slug: &str) -> i64 {
        let slug = slug.to_string();
        self.with_db(move |conn| {
            use ocpizza::schema::{ingredients, stock};
            stock::table
                .inner_join(ingredients::table)
                .filter(stock::shop_id.eq(shop))
                .filter(ingredients::slug.eq(slug))
                .select(stock::quantity)
                .first::<i64>(conn)
                .unwrap()
        })
        .await
    }

    /// Product ids by slug.
    pub async fn product_ids(&self) -> HashMap<String, Uuid> {
        self.with_db(|conn| {
            use ocpizza::schema::products;
            products::table
                .select((products::slug, products::id))
                .load::<(String, Uuid)>(conn)
                .unwrap()
                .into_iter()
                .collect()
        })
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.send("POST", path, token, body).await
    }

    /// Runs blocking database work against this test's database.
    pub async fn with_db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut PgConnection) -> T + Send + 'static,
    ) -> T {
        let url = self.db.url.clone();
        tokio::task::spawn_blocking(move || work(&mut PgConnection::establish(&url).unwrap()))
            .await
            .unwrap()
    }

    /// Creates a user with a role directly in the database; returns its e-mail and password.
    pub async fn create_user(&self, role: Role, shop_id: Option<Uuid>) -> (String, String) {
        let email = format!(
            "{}-{}@example.fr",
            role.as_str(),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        let password = "correct-horse-battery".to_string();
        let (e, p) = (email.clone(), password.clone());
        self.with_db(move |conn| {
            ocpizza::accounts::create_account(
                conn,
                ocpizza::accounts::NewAccount {
                    email: e,
                    password: p,
                    full_name: "Test User".into(),
                    phone: None,
                    role,
                    shop_id,
                },
            )
            .unwrap()
        })
        .await;
        (email, password)
    }

    /// The mails kept so far, once there are at least `count` (they leave after the answer).
    pub async fn mails(&self, count: usize) -> Vec<Mail> {
        for _ in 0..250 {
            let mails = self.outbox.lock().unwrap().clone();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!(
            "expected {count} mails, got {:?}",
            self.outbox.lock().unwrap()
        );
    }

    pub async fn login(&self, email: &str, password: &str) -> Value {
        let res = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(res.status(), 200, "login of {email} failed");
        res.json().await.unwrap()
    }

    /// A user with this role (in this shop for staff), logged in: its access token.
    pub async fn token_for(&self, role: Role, shop_id: Option<Uuid>) -> String {
        let (email, password) = self.create_user(role, shop_id).await;
        self.login(&email, &password).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Seeded shops' ids by slug.
    pub async fn shop_ids(&self) -> HashMap<String, Uuid> {
        self.with_db(|conn| {
            use ocpizza::schema::shops;
            shops::table
                .select((shops::slug, shops::id))
                .load::<(String, Uuid)>(conn)
                .unwrap()
                .into_iter()
                .collect()
        })
        .await
    }

    pub async fn shop_id(&self, slug: &str) -> Uuid {
        self.shop_ids().await[slug]
    }
}

pub struct Instance {
    pub address: String,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Instance {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting; the database is dropped (with FORCE) right after.
        let handle = self.handle.clone();
        drop(handle.stop(false));
    }
}

/// Asserts a problem+json answer with this status; returns its body.
pub async fn assert_problem(res: Response, status: u16) -> Value {
    assert_eq!(
        res.status().as_u16(),
        status,
        "unexpected status for {}",
        res.url()
    );
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(
        content_type, "application/problem+json",
        "problem content type"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"]
        .as_str()
        .unwrap()
        .starts_with("https://ocpizza.fr/problems/"));
    assert!(!body["title"].as_str().unwrap().is_empty());
    assert!(!body["detail"].as_str().unwrap().is_empty());
    body
}

/// The fields named by a validation problem.
pub fn problem_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}
