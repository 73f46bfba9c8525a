//! Throwaway PostgreSQL databases for tests (feature `postgres`): each test gets a database of
//! its own, created on the server of `LISTWATCH_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards, so tests running in
//! parallel never meet.
//!
//! When the server cannot be reached, [`TestDatabase::create`] returns `None` after printing why,
//! so the test skips; with `LISTWATCH_REQUIRE_PG=1` (CI) it panics with the reason instead.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio_postgres::NoTls;

/// The server the tests use unless `LISTWATCH_PG_URL` says otherwise.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database created for one test, dropped (connections and all) when this is dropped.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

/// The server's URL: `LISTWATCH_PG_URL`, else [`DEFAULT_PG_URL`].
pub fn server_url() -> String {
    std::env::var("LISTWATCH_PG_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| DEFAULT_PG_URL.to_string())
}

/// Whether the tests must fail, rather than skip, without PostgreSQL (`LISTWATCH_REQUIRE_PG=1`).
pub fn required() -> bool {
    std::env::var("LISTWATCH_REQUIRE_PG").is_ok_and(|v| v == "1")
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (authority, query) = match rest.find('/') {
        Some(slash) => {
            let path = &rest[slash..];
            (&rest[..slash], path.find('?').map(|q| &path[q..]).unwrap_or(""))
        }
        None => match rest.find('?') {
            Some(q) => (&rest[..q], &rest[q..]),
            None => (rest, ""),
        },
    };
    format!("{scheme}://{authority}/{name}{query}")
}

/// Runs SQL statements on the database at `url`, on a connection of their own.
pub fn execute(url: &str, sql: &str) -> Result<(), String> {
    Session::connect(url)?.execute(sql)
}

/// A connection kept open between statements, to hold a transaction open while a test acts on
/// the store through another. Dropping it closes the connection and waits until it is closed, so
/// that the database can be dropped or copied right after.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    /// Always `Some` until dropped.
    client: Option<tokio_postgres::Client>,
    connection: Option<tokio::task::JoinHandle<Result<(), tokio_postgres::Error>>>,
}

impl Session {
    /// Connects to the database at `url`, giving up after five seconds.
    pub fn connect(url: &str) -> Result<Session, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| err.to_string())?;
        let (client, connection) = runtime.block_on(async {
            let mut config: tokio_postgres::Config =
                url.parse().map_err(|err: tokio_postgres::Error| err.to_string())?;
            config.connect_timeout(Duration::from_secs(5));
            let (client, connection) = config.connect(NoTls).await.map_err(|err| {
                let mut message = err.to_string();
                if let Some(cause) = std::error::Error::source(&err) {
                    message.push_str(&format!(": {cause}"));
                }
                message
            })?;
            // Polled whenever a statement blocks on the runtime.
            Ok::<_, String>((client, tokio::spawn(connection)))
        })?;
        Ok(Session { runtime, client: Some(client), connection: Some(connection) })
    }

    /// Runs SQL statements on the session.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        let Some(client) = &self.client else { return Err("the session is closed".to_string()) };
        self.runtime.block_on(client.batch_execute(sql)).map_err(|err| match err.as_db_error() {
            Some(db) => db.message().to_string(),
            None => err.to_string(),
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        drop(self.client.take());
        if let Some(connection) = self.connection.take() {
            let _ = self.runtime.block_on(connection);
        }
    }
}

impl TestDatabase {
    /// Creates a fresh database, or says why it cannot (`None`: skip the test), or panics when
    /// PostgreSQL is required.
    pub fn create() -> Option<TestDatabase> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let admin_url = server_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "lw_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        match execute(&admin_url, &format!("CREATE DATABASE {name}")) {
            Ok(()) => {
                let url = with_database(&admin_url, &name);
                Some(TestDatabase { admin_url, name, url })
            }
            Err(err) => {
                let why = format!(
                    "PostgreSQL is not reachable through LISTWATCH_PG_URL (default {DEFAULT_PG_URL}): {err}"
                );
                if required() {
                    panic!("LISTWATCH_REQUIRE_PG=1 but {why}");
                }
                eprintln!("skipped: {why} (set LISTWATCH_REQUIRE_PG=1 to fail instead)");
                None
            }
        }
    }

    /// A new database holding a copy of this one (`CREATE DATABASE … TEMPLATE`), which must
    /// have no open connection.
    pub fn copy(&self) -> Result<TestDatabase, String> {
        static COPIES: AtomicU64 = AtomicU64::new(0);
        let name = format!("{}_c{}", self.name, COPIES.fetch_add(1, Ordering::Relaxed));
        execute(&self.admin_url, &format!("CREATE DATABASE {name} TEMPLATE {}", self.name))?;
        let url = with_database(&self.admin_url, &name);
        Ok(TestDatabase { admin_url: self.admin_url.clone(), name, url })
    }

    /// The database's URL, for `Store::connect` or `--db`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = execute(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}
