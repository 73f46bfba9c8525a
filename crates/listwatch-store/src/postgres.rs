//! The PostgreSQL engine (feature `postgres`): the store in a database that several processes
//! and machines share.
//!
//! # Schema
//! Every table lives in the schema `listwatch`; `listwatch.schema_version` holds the version of
//! the layout ([`PG_SCHEMA_VERSION`]), and [`MIGRATIONS`] brings an older one up to date when a
//! store is opened (under an advisory lock, so that servers starting together migrate once). A
//! database written by a newer listwatch is refused.
//! - `lists (name, format, current)`: a list and its newest stored version;
//! - `versions (list, version, …, info)`: a version's record (`info`, the postcard encoding of
//!   `VersionInfo`; the publication date, import time, content hash and entity count beside it
//!   for SQL readers);
//! - `entities (hash, body)`: each distinct entity content once, its postcard encoding under the
//!   first 16 bytes of its SHA-256, as in the redb engine;
//! - `changes (list, version, id, hash)`: the change records, one row per id a version added,
//!   changed (`hash`, the new content) or removed (`hash` null). A version's manifest is, per id,
//!   the last change at or before it; an entity's history is its rows.
//! - `retractions (list, version, body)` and `events (id, entity, body)`.
//!
//! Schema 2 adds continuous monitoring, each record the postcard encoding of the model's type as
//! in the redb engine:
//! - `watches (name, body)`: a watch ([`WatchInfo`]), changed when a version is added or the
//!   watch removed;
//! - `watch_versions (watch, version, body)` and `watch_items (watch, version, chunk, body)`: a
//!   watch version and its items, in LZ4-compressed chunks as in redb;
//! - `alerts (seq, id, watch, body)`: an alert under the id of its cause (unique), in the order
//!   stored (`seq`);
//! - `decisions (id, alert, body)` and `webhooks (id, body)`;
//! - `deliveries (webhook, alert, body)`: the outbox's state. A row is also the lock of its
//!   delivery: a deliverer claims it with `SELECT … FOR UPDATE SKIP LOCKED` and records the
//!   attempt in the same transaction.
//!
//! - `heads (list, id, hash)`: the manifest of each list's newest stored version, kept whole so
//!   that an import reads it without replaying the change records (derived from `changes`, and
//!   rebuilt from them by the migration);
//! - `sync_state (id, body)`: one row, the sync state of every source (its JSON), shared by
//!   every instance so that whichever leads knows the validators and outcomes (schema 3).
//! - `audit (seq, id, at, key, body)`: the shared audit log of decisions, each record's JSON
//!   (`body`) with its id, time and API key beside it, in the order written (`seq`), its time
//!   indexed by page ranges (BRIN, schema 4). Records leave only by retention
//!   ([`crate::Store::prune_audit`]). A reader sees records only up to a horizon below which
//!   every writer has finished ([`PgStore::audit_page`]), so paging never passes over a record
//!   that commits late.
//!
//! Triggers refuse every UPDATE, DELETE and TRUNCATE of `versions`, `entities`, `changes`,
//! `retractions`, `events`, `watch_versions`, `watch_items`, `alerts` and `decisions`: the store's
//! append-only law holds for any client of the database.
//!
//! # Transactions
//! A read is one `REPEATABLE READ READ ONLY` transaction, so it sees one committed state. A write
//! (an import, a retraction, an event) is one transaction that first takes a transaction-level
//! advisory lock, so writers take turns as they do on redb and the guards judge the state the
//! write commits on. An import streams its entities and change records with binary `COPY` when
//! there are many (`COPY_MIN_ROWS`), else sends them in `unnest` statements. A process killed mid-import loses its connection, and PostgreSQL rolls the
//! transaction back: the store stays at its last committed version.
//!
//! # Runtime
//! The driver (tokio-postgres) and its pool (deadpool-postgres) are asynchronous, while the
//! store's API is blocking, like redb's. Each store owns a small tokio runtime with one worker
//! thread, which drives the connections; a call blocks its own thread on it. A call may come from
//! any thread (the server calls from its blocking pool), but never from inside an async task.
//!
//! The server's audit writer, one thread committing a batch of records about a thousand times a
//! second, is the exception: its [`PgAppender`] holds a connection of its own on a runtime of the
//! writer thread, so that a commit's round trip wakes no other thread.

use std::collections::HashMap;
use std::future::Future;

use deadpool_postgres::{Client, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::Type;

use listwatch_model::{
    Alert, Decision, Delivery, Entity, LegalEvent, ListName, NewDecision, NewEvent, WatchInfo,
    WatchItem, WatchVersion, Webhook, compare_source_ids,
};

use crate::backend::{Change, ManifestEntry, MonitorRead, MonitorWrite, StoreRead, StoreWrite};
use crate::error::{Error, Result};
use crate::store::{decode, encode};
use crate::types::{Hash, ListInfo, Retraction, VersionInfo};

/// The version of the PostgreSQL schema this build writes.
pub const PG_SCHEMA_VERSION: u32 = 4;

/// The migrations, in order: the one at index `n` brings the schema from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE listwatch.lists (
    name text PRIMARY KEY,
    format text NOT NULL,
    current bigint NOT NULL
);
CREATE TABLE listwatch.versions (
    list text NOT NULL REFERENCES listwatch.lists (name),
    version bigint NOT NULL,
    published text NOT NULL,
    imported_at text NOT NULL,
    content_hash text NOT NULL,
    entities bigint NOT NULL,
    info bytea NOT NULL,
    PRIMARY KEY (list, version)
);
CREATE TABLE listwatch.entities (
    hash bytea PRIMARY KEY,
    body bytea NOT NULL
);
CREATE TABLE listwatch.changes (
    list text NOT NULL,
    version bigint NOT NULL,
    id text NOT NULL,
    hash bytea,
    PRIMARY KEY (list, id, version)
);
CREATE INDEX changes_by_version ON listwatch.changes (list, version);
CREATE TABLE listwatch.retractions (
    list text NOT NULL,
    version bigint NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (list, version)
);
CREATE TABLE listwatch.events (
    id bigint PRIMARY KEY,
    entity text NOT NULL,
    body bytea NOT NULL
);
CREATE FUNCTION listwatch.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'listwatch.% is append-only: its rows are never changed or removed', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON listwatch.versions
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER entities_append_only BEFORE UPDATE OR DELETE ON listwatch.entities
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON listwatch.changes
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER retractions_append_only BEFORE UPDATE OR DELETE ON listwatch.retractions
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON listwatch.events
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON listwatch.versions
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER entities_no_truncate BEFORE TRUNCATE ON listwatch.entities
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON listwatch.changes
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER retractions_no_truncate BEFORE TRUNCATE ON listwatch.retractions
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON listwatch.events
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
"#,
    r#"
CREATE TABLE listwatch.watches (
    name text PRIMARY KEY,
    body bytea NOT NULL
);
CREATE TABLE listwatch.watch_versions (
    watch text NOT NULL REFERENCES listwatch.watches (name),
    version bigint NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (watch, version)
);
CREATE TABLE listwatch.watch_items (
    watch text NOT NULL,
    version bigint NOT NULL,
    chunk bigint NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (watch, version, chunk)
);
CREATE TABLE listwatch.alerts (
    seq bigint PRIMARY KEY,
    id text NOT NULL UNIQUE,
    watch text NOT NULL,
    body bytea NOT NULL
);
CREATE TABLE listwatch.decisions (
    id bigint PRIMARY KEY,
    alert text NOT NULL REFERENCES listwatch.alerts (id),
    body bytea NOT NULL
);
CREATE TABLE listwatch.webhooks (
    id bigint PRIMARY KEY,
    body bytea NOT NULL
);
CREATE TABLE listwatch.deliveries (
    webhook bigint NOT NULL REFERENCES listwatch.webhooks (id),
    alert text NOT NULL REFERENCES listwatch.alerts (id),
    body bytea NOT NULL,
    PRIMARY KEY (webhook, alert)
);
CREATE TRIGGER watch_versions_append_only BEFORE UPDATE OR DELETE ON listwatch.watch_versions
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER watch_items_append_only BEFORE UPDATE OR DELETE ON listwatch.watch_items
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER alerts_append_only BEFORE UPDATE OR DELETE ON listwatch.alerts
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON listwatch.decisions
    FOR EACH ROW EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER watch_versions_no_truncate BEFORE TRUNCATE ON listwatch.watch_versions
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER watch_items_no_truncate BEFORE TRUNCATE ON listwatch.watch_items
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER alerts_no_truncate BEFORE TRUNCATE ON listwatch.alerts
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON listwatch.decisions
    FOR EACH STATEMENT EXECUTE FUNCTION listwatch.append_only();
CREATE TABLE listwatch.audit (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    at text NOT NULL,
    key text NOT NULL,
    body text NOT NULL
);
CREATE INDEX audit_by_time ON listwatch.audit (at);
CREATE TABLE listwatch.heads (
    list text NOT NULL,
    id text NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (list, id)
);
INSERT INTO listwatch.heads (list, id, hash)
SELECT list, id, hash FROM (
    SELECT DISTINCT ON (list, id) list, id, hash FROM listwatch.changes
    ORDER BY list, id, version DESC
) AS last WHERE hash IS NOT NULL;
"#,
    // 3: the sync state, shared by every instance (it was a file on the machine that synced).
    r#"
CREATE TABLE listwatch.sync_state (
    id smallint PRIMARY KEY CHECK (id = 1),
    body text NOT NULL
);
"#,
    // 4: the audit log's time index is a block-range (BRIN) index: records arrive in time order,
    // so a range of pages summarizes their times, and a record written costs no B-tree insert
    // (its WAL record is 7% smaller).
    r#"
DROP INDEX listwatch.audit_by_time;
CREATE INDEX audit_by_time ON listwatch.audit USING brin (at) WITH (autosummarize = on);
"#,
];

/// Advisory lock keys ("lw" and a number): migrating the schema, writing.
const LOCK_MIGRATE: i64 = 0x6c77_0001;
const LOCK_WRITE: i64 = 0x6c77_0002;

/// The advisory lock key of a task that one process at a time runs: "lw", then the first bytes of
/// the SHA-256 of its name.
fn lock_key(task: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("listwatch:{task}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes[..2].copy_from_slice(b"lw");
    bytes[2..].copy_from_slice(&digest[..6]);
    i64::from_be_bytes(bytes)
}

/// Rows sent in one multi-row statement of an import.
const BATCH_ROWS: usize = 5_000;

/// From this many rows on, an import's entities and change records are streamed with `COPY …
/// FROM STDIN (FORMAT binary)` rather than sent in multi-row statements.
const COPY_MIN_ROWS: usize = 1_000;

/// How long a reader of the audit log waits for the writes in progress to end
/// ([`PgStore::audit_horizon`]).
const AUDIT_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Connections kept by one store handle.
const POOL_SIZE: usize = 16;

impl From<tokio_postgres::Error> for Error {
    fn from(err: tokio_postgres::Error) -> Error {
        Error::Storage(driver_message(&err))
    }
}

/// A driver error in words: the server's message, or the error and its causes.
fn driver_message(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("PostgreSQL: {}", db.message()),
        None => {
            let mut message = format!("PostgreSQL: {err}");
            let mut source = std::error::Error::source(err);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            message
        }
    }
}

/// A connection that could not be made.
fn unreachable_server(why: impl std::fmt::Display) -> Error {
    Error::Storage(format!("cannot reach the PostgreSQL server: {why}"))
}

fn pool_error(err: deadpool_postgres::PoolError) -> Error {
    match err {
        deadpool_postgres::PoolError::Backend(err) => unreachable_server(driver_message(&err)),
        other => unreachable_server(other),
    }
}

/// The channel every committed write notifies (`NOTIFY`), so that servers learn of it at once.
const CHANNEL: &str = "listwatch_changes";

/// Appends audit records for one thread, batch after batch, on a connection of its own that the
/// thread drives itself: a runtime on the calling thread polls the connection while a batch is
/// written, so a commit wakes no other thread. The server's audit writer, which commits a
/// thousand batches a second, uses one. A connection that fails is dropped, and the next batch
/// connects again.
pub(crate) struct PgAppender {
    runtime: tokio::runtime::Runtime,
    config: tokio_postgres::Config,
    connection: Option<(tokio_postgres::Client, tokio_postgres::Statement)>,
}

impl PgAppender {
    /// Appends `entries` in one transaction: all are stored, or none.
    pub(crate) fn append(&mut self, entries: &[crate::AuditEntry]) -> Result<()> {
        let PgAppender { runtime, config, connection } = self;
        let outcome = runtime.block_on(async {
            let (client, insert) = match connection {
                Some(connected) => connected,
                None => {
                    let (client, driver) = config
                        .connect(NoTls)
                        .await
                        .map_err(|err| unreachable_server(driver_message(&err)))?;
                    // Polled whenever this thread blocks on the runtime, which it does while it
                    // waits for an answer.
                    tokio::spawn(driver);
                    let insert = client.prepare(INSERT_AUDIT).await?;
                    connection.insert((client, insert))
                }
            };
            insert_audit(client, insert, entries).await.map_err(Error::from)
        });
        if outcome.is_err() {
            *connection = None;
        }
        outcome
    }
}

/// A lead held by a session of its own ([`PgStore::try_lead`]). Dropping it gives the lock back
/// before the connection closes: the server frees a closed session's locks only once it has
/// noticed the close, and a process started right after this one exits (the next `sync`) would
/// find the lead still taken.
pub(crate) struct PgLead {
    client: deadpool_postgres::ClientWrapper,
    /// The store's runtime, which drives the connection.
    runtime: tokio::runtime::Handle,
    key: i64,
}

impl Drop for PgLead {
    fn drop(&mut self) {
        // A connection whose runtime is gone is closed already; inside async code nothing may
        // block, and the closing connection frees the lock a little later.
        if self.client.is_closed() || tokio::runtime::Handle::try_current().is_ok() {
            return;
        }
        let (client, key) = (&self.client, self.key);
        // Bounded: a server that does not answer leaves the lock to the closing connection.
        let _ = self.runtime.block_on(async {
            let params: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&key];
            let unlock = client.execute("SELECT pg_advisory_unlock($1)", &params);
            tokio::time::timeout(std::time::Duration::from_secs(2), unlock).await
        });
    }
}

/// The `application_name` of the connection of an audit appender ([`crate::Store::audit_appender`]).
pub const AUDIT_APPLICATION: &str = "listwatch audit writer";

/// A store in a PostgreSQL database.
pub(crate) struct PgStore {
    /// Always `Some` until dropped; taken out to be shut down without blocking.
    runtime: Option<tokio::runtime::Runtime>,
    pool: Pool,
    config: tokio_postgres::Config,
    /// Signalled on every notification of the channel, once [`PgStore::changes`] started
    /// listening.
    changes: std::sync::OnceLock<std::sync::Arc<tokio::sync::Notify>>,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // The last handle may be dropped on an async worker (a server swapping snapshots), where
        // a blocking shutdown would panic.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl PgStore {
    /// Connects to the database at `url`, creating or migrating the schema.
    pub(crate) fn connect(url: &str) -> Result<PgStore> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|err| Error::Invalid(format!("not a PostgreSQL URL: {err}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("listwatch-postgres")
            .enable_all()
            .build()
            .map_err(|err| Error::Storage(format!("cannot start the PostgreSQL driver: {err}")))?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|err| Error::Storage(format!("cannot start the PostgreSQL pool: {err}")))?;
        let store = PgStore { runtime: Some(runtime), pool, config, changes: Default::default() };
        store.migrate()?;
        Ok(store)
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        match &self.runtime {
            Some(runtime) => runtime,
            None => unreachable!("the runtime lives as long as the store"),
        }
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime().block_on(future)
    }

    fn client(&self) -> Result<Client> {
        self.block_on(self.pool.get()).map_err(pool_error)
    }

    /// Creates the schema, or brings it to [`PG_SCHEMA_VERSION`].
    fn migrate(&self) -> Result<()> {
        let mut client = self.client()?;
        self.block_on(async {
            let txn = client.transaction().await?;
            txn.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_MIGRATE]).await?;
            txn.batch_execute(
                "CREATE SCHEMA IF NOT EXISTS listwatch;
                 CREATE TABLE IF NOT EXISTS listwatch.schema_version (version bigint NOT NULL)",
            )
            .await?;
            let found = txn
                .query_opt("SELECT version FROM listwatch.schema_version", &[])
                .await?
                .map(|row| row.get::<_, i64>(0));
            let found = u32::try_from(found.unwrap_or(0))
                .map_err(|_| Error::Corrupt("the schema version is not a number".to_string()))?;
            if found > PG_SCHEMA_VERSION {
                return Err(Error::FormatTooNew { found, supported: PG_SCHEMA_VERSION });
            }
            for migration in &MIGRATIONS[found as usize..] {
                txn.batch_execute(migration).await?;
            }
            let version = i64::from(PG_SCHEMA_VERSION);
            if found == 0 {
                txn.execute("INSERT INTO listwatch.schema_version VALUES ($1)", &[&version])
                    .await?;
            } else if found < PG_SCHEMA_VERSION {
                txn.execute("UPDATE listwatch.schema_version SET version = $1", &[&version])
                    .await?;
            }
            txn.commit().await?;
            Ok(())
        })
    }

    /// A signal raised whenever any process commits a write to this database (a version, a
    /// retraction, an event), and after the listening connection is (re)established, when one
    /// may have been missed. The first call starts listening on a connection of its own, on the
    /// store's runtime; it does not block, so it may be called from async code.
    pub(crate) fn changes(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.changes
            .get_or_init(|| {
                let signal = std::sync::Arc::new(tokio::sync::Notify::new());
                if let Some(runtime) = &self.runtime {
                    runtime.spawn(listen(self.config.clone(), signal.clone()));
                }
                signal
            })
            .clone()
    }

    /// Takes the session-level advisory lock of `task` on a connection taken out of the pool:
    /// `None` when another session holds it. The lock lasts as long as the returned connection,
    /// and ends with it, whether dropped or lost with a killed process.
    pub(crate) fn try_lead(&self, task: &str) -> Result<Option<PgLead>> {
        let client = self.client()?;
        let key = lock_key(task);
        let row = self.block_on(client.query_one("SELECT pg_try_advisory_lock($1)", &[&key]))?;
        if !row.get::<_, bool>(0) {
            return Ok(None);
        }
        Ok(Some(PgLead {
            client: deadpool_postgres::Object::take(client),
            runtime: self.runtime().handle().clone(),
            key,
        }))
    }

    /// Whether the session of `held` (taken by [`PgStore::try_lead`]) is alive and still holds
    /// the advisory lock of `task`; `false` when the question fails or takes over five seconds.
    pub(crate) fn holds_lead(&self, lead: &PgLead, task: &str) -> bool {
        let held = &lead.client;
        // A bigint advisory key shows in pg_locks as its high half (classid) and low half
        // (objid), with objsubid 1.
        const HELD: &str = "SELECT EXISTS (SELECT 1 FROM pg_locks
             WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
               AND classid::bigint = ($1::bigint >> 32) & 4294967295
               AND objid::bigint = $1::bigint & 4294967295)";
        if held.is_closed() {
            return false;
        }
        let key = lock_key(task);
        let asked = self.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(5), held.query_one(HELD, &[&key]))
                .await
        });
        matches!(asked, Ok(Ok(row)) if row.get::<_, bool>(0))
    }

    /// The schema version of the database.
    pub(crate) fn schema_version(&self) -> Result<u32> {
        let client = self.client()?;
        let row =
            self.block_on(client.query_one("SELECT version FROM listwatch.schema_version", &[]))?;
        u32::try_from(row.get::<_, i64>(0))
            .map_err(|_| Error::Corrupt("the schema version is not a number".to_string()))
    }

    pub(crate) fn read(&self) -> Result<Box<dyn StoreRead + '_>> {
        Ok(Box::new(PgTxn::begin(self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?))
    }

    pub(crate) fn write(&self) -> Result<Box<dyn StoreWrite + '_>> {
        let begin = format!("BEGIN; SELECT pg_advisory_xact_lock({LOCK_WRITE})");
        Ok(Box::new(PgTxn::begin(self, &begin)?))
    }

    /// A transaction holding the row of the delivery of `alert` to `webhook` locked, or `None`
    /// when another transaction holds it (`SKIP LOCKED`). It does not take the store's write
    /// lock: an import or another delivery goes on meanwhile. The row is created first, in a
    /// statement of its own, if no attempt was recorded yet.
    pub(crate) fn claim(
        &self,
        webhook: u64,
        alert: &str,
    ) -> Result<Option<Box<dyn StoreWrite + '_>>> {
        let webhook = to_id(webhook)?;
        let client = self.client()?;
        self.block_on(client.execute(
            "INSERT INTO listwatch.deliveries (webhook, alert, body)
             SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM listwatch.alerts WHERE id = $2)
                 AND EXISTS (SELECT 1 FROM listwatch.webhooks WHERE id = $1)
             ON CONFLICT (webhook, alert) DO NOTHING",
            &[&webhook, &alert, &encode(&Delivery::default())],
        ))?;
        self.block_on(client.batch_execute("BEGIN"))?;
        let mut txn = PgTxn { store: self, client: Some(client), notify: false };
        let rows = txn.query(
            "SELECT 1 FROM listwatch.deliveries WHERE webhook = $1 AND alert = $2
             FOR UPDATE SKIP LOCKED",
            &[&webhook, &alert],
        )?;
        // No row: another transaction holds it, unless the alert or the webhook does not exist
        // (the caller says which).
        if rows.is_empty()
            && txn.alert(alert)?.is_some()
            && txn.webhooks()?.iter().any(|hook| to_id(hook.id).is_ok_and(|id| id == webhook))
        {
            return Ok(None);
        }
        Ok(Some(Box::new(txn)))
    }
}

/// Inserts audit records in the order given, which `seq` keeps: the order they were written in.
const INSERT_AUDIT: &str = "INSERT INTO listwatch.audit (id, at, key, body)
     SELECT id, at, key, body
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         WITH ORDINALITY AS given (id, at, key, body, n)
     ORDER BY n";

/// Appends audit records in one transaction, with `insert` (prepared [`INSERT_AUDIT`]).
async fn insert_audit(
    client: &mut tokio_postgres::Client,
    insert: &tokio_postgres::Statement,
    entries: &[crate::AuditEntry],
) -> std::result::Result<(), tokio_postgres::Error> {
    fn columns(chunk: &[crate::AuditEntry]) -> [Vec<&str>; 4] {
        let column = |f: fn(&crate::AuditEntry) -> &str| chunk.iter().map(f).collect();
        [column(|e| &e.id), column(|e| &e.at), column(|e| &e.key), column(|e| &e.body)]
    }
    if entries.len() <= BATCH_ROWS {
        // One statement is one transaction: one round trip instead of three (BEGIN, INSERT,
        // COMMIT), which the group commit of every audited request waits for.
        let [ids, ats, keys, bodies] = columns(entries);
        client.execute(insert, &[&ids, &ats, &keys, &bodies]).await?;
        return Ok(());
    }
    let txn = client.transaction().await?;
    for chunk in entries.chunks(BATCH_ROWS) {
        let [ids, ats, keys, bodies] = columns(chunk);
        txn.execute(insert, &[&ids, &ats, &keys, &bodies]).await?;
    }
    txn.commit().await
}

impl PgStore {
    /// Appends audit records in one transaction.
    pub(crate) fn append_audit(&self, entries: &[crate::AuditEntry]) -> Result<()> {
        let mut client = self.client()?;
        self.block_on(async {
            // Prepared once per connection, not parsed and planned for each batch.
            let insert = client.prepare_cached(INSERT_AUDIT).await?;
            insert_audit(&mut client, &insert, entries).await
        })?;
        Ok(())
    }

    /// An appender of audit records with a connection of its own (see [`PgAppender`]).
    pub(crate) fn appender(&self) -> Result<PgAppender> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::Storage(format!("cannot start the PostgreSQL driver: {err}")))?;
        let mut config = self.config.clone();
        // Named, so that an administrator sees it for what it is in `pg_stat_activity`.
        config.application_name(AUDIT_APPLICATION);
        Ok(PgAppender { runtime, config, connection: None })
    }

    /// The sync state's JSON, if written.
    pub(crate) fn sync_state(&self) -> Result<Option<String>> {
        let client = self.client()?;
        let row = self.block_on(
            client.query_opt("SELECT body FROM listwatch.sync_state WHERE id = 1", &[]),
        )?;
        Ok(row.map(|row| row.get(0)))
    }

    /// Replaces the sync state.
    pub(crate) fn put_sync_state(&self, body: &str) -> Result<()> {
        let client = self.client()?;
        self.block_on(client.execute(
            "INSERT INTO listwatch.sync_state (id, body) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body",
            &[&body],
        ))?;
        Ok(())
    }

    /// At most `limit` audit records (their JSON) in the order written, after the record `after`
    /// (`None` when it is not in the log), those at or after `since` (a time or a day, compared as
    /// text) and of `key`, each when given.
    pub(crate) fn audit_page(
        &self,
        since: Option<&str>,
        key: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Option<Vec<String>>> {
        let mut client = self.client()?;
        let Some(horizon) = self.audit_horizon(&mut client)? else {
            return Ok(after.is_none().then(Vec::new));
        };
        let after_seq: Option<i64> = match after {
            None => None,
            Some(id) => {
                let row = self.block_on(
                    client.query_opt("SELECT seq FROM listwatch.audit WHERE id = $1", &[&id]),
                )?;
                match row {
                    Some(row) => Some(row.get(0)),
                    None => return Ok(None),
                }
            }
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.block_on(client.query(
            "SELECT body FROM listwatch.audit
             WHERE ($1::text IS NULL OR at >= $1) AND ($2::text IS NULL OR key = $2)
               AND ($3::bigint IS NULL OR seq > $3) AND seq <= $5
             ORDER BY seq LIMIT $4",
            &[&since, &key, &after_seq, &limit, &horizon],
        ))?;
        Ok(Some(rows.iter().map(|row| row.get(0)).collect()))
    }

    /// The last `seq` of the audit log below which every record is committed or will never be;
    /// `None` when the log is empty.
    ///
    /// A record's `seq` is drawn when its transaction inserts it, and the transactions of several
    /// servers commit in any order: a reader that saw record 12 may later see record 11 commit,
    /// and a client paging with `after` would pass over it for good. So the reader first waits
    /// for the inserts in progress (a `SHARE` lock conflicts with them, and holds new ones back
    /// while it is taken) and reads the largest `seq` then; every later insert draws a larger one.
    /// The lock is held for that one query. A writer that does not finish within
    /// [`AUDIT_LOCK_TIMEOUT`] (a long retention run) makes the read fail rather than wait on.
    fn audit_horizon(&self, client: &mut Client) -> Result<Option<i64>> {
        let outcome = self.block_on(async {
            let txn = client.transaction().await?;
            txn.batch_execute(&format!(
                "SET LOCAL lock_timeout = '{}s'; LOCK TABLE listwatch.audit IN SHARE MODE",
                AUDIT_LOCK_TIMEOUT.as_secs()
            ))
            .await?;
            let row = txn.query_one("SELECT max(seq) FROM listwatch.audit", &[]).await?;
            txn.commit().await?;
            Ok::<_, tokio_postgres::Error>(row.get(0))
        });
        outcome.map_err(|err| match err.code() {
            Some(&tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE) => Error::Storage(format!(
                "the audit log is being written by a transaction that did not end within {} s; try again",
                AUDIT_LOCK_TIMEOUT.as_secs()
            )),
            _ => Error::from(err),
        })
    }

    /// One audit record's JSON.
    pub(crate) fn audit_record(&self, id: &str) -> Result<Option<String>> {
        let client = self.client()?;
        let rows =
            self.block_on(client.query("SELECT body FROM listwatch.audit WHERE id = $1", &[&id]))?;
        Ok(rows.first().map(|row| row.get(0)))
    }

    /// Removes the audit records written before `before` (compared as text).
    pub(crate) fn prune_audit(&self, before: &str) -> Result<u64> {
        let client = self.client()?;
        Ok(self.block_on(client.execute("DELETE FROM listwatch.audit WHERE at < $1", &[&before]))?)
    }
}

/// Listens on [`CHANNEL`] for as long as the store lives, reconnecting after a lost connection.
async fn listen(config: tokio_postgres::Config, signal: std::sync::Arc<tokio::sync::Notify>) {
    loop {
        if let Ok((client, mut connection)) = config.connect(NoTls).await {
            let forward = signal.clone();
            let messages = tokio::spawn(async move {
                while let Some(Ok(message)) =
                    std::future::poll_fn(|cx| connection.poll_message(cx)).await
                {
                    if let tokio_postgres::AsyncMessage::Notification(_) = message {
                        forward.notify_one();
                    }
                }
            });
            if client.batch_execute(&format!("LISTEN {CHANNEL}")).await.is_ok() {
                // Whatever was committed while no connection listened.
                signal.notify_one();
                let _ = messages.await;
            } else {
                messages.abort();
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// One transaction on one pooled connection; rolled back when dropped uncommitted.
struct PgTxn<'s> {
    store: &'s PgStore,
    client: Option<Client>,
    /// Whether committing notifies [`CHANNEL`] (not for a delivery's claim: servers need not
    /// look at the store again).
    notify: bool,
}

impl Drop for PgTxn<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && self.store.block_on(client.batch_execute("ROLLBACK")).is_err()
        {
            // A connection in an unknown state is not handed out again.
            drop(deadpool_postgres::Object::take(client));
        }
    }
}

fn to_hash(bytes: &[u8]) -> Result<Hash> {
    bytes.try_into().map_err(|_| Error::Corrupt("a stored hash is not 16 bytes".to_string()))
}

fn to_version(number: i64) -> Result<u32> {
    u32::try_from(number).map_err(|_| Error::Corrupt(format!("version number {number}")))
}

fn to_id(id: u64) -> Result<i64> {
    i64::try_from(id).map_err(|_| Error::Invalid(format!("number {id} is too large")))
}

/// The id in the first column of the first row `rows`, as an INSERT … RETURNING id or a
/// `max(id) + 1` gives it; an error naming `what` when there is no row.
fn first_id(rows: &[tokio_postgres::Row], what: &str) -> Result<i64> {
    rows.first()
        .map(|row| row.get(0))
        .ok_or_else(|| Error::Storage(format!("PostgreSQL returned no {what} id")))
}

fn from_id(id: i64) -> Result<u64> {
    u64::try_from(id).map_err(|_| Error::Corrupt(format!("stored number {id}")))
}

fn list_name(name: &str) -> Result<ListName> {
    ListName::parse(name).map_err(|err| Error::Corrupt(format!("stored list name: {err}")))
}

impl<'s> PgTxn<'s> {
    fn begin(store: &'s PgStore, begin: &str) -> Result<PgTxn<'s>> {
        let client = store.client()?;
        store.block_on(client.batch_execute(begin))?;
        Ok(PgTxn { store, client: Some(client), notify: true })
    }

    fn client(&self) -> &Client {
        match &self.client {
            Some(client) => client,
            None => unreachable!("the connection is held until the transaction ends"),
        }
    }

    fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>> {
        let client = self.client();
        Ok(self.store.block_on(async {
            let statement = client.prepare_cached(sql).await?;
            client.query(&statement, params).await
        })?)
    }

    fn execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64> {
        let client = self.client();
        Ok(self.store.block_on(async {
            let statement = client.prepare_cached(sql).await?;
            client.execute(&statement, params).await
        })?)
    }
}

impl StoreRead for PgTxn<'_> {
    fn lists(&mut self) -> Result<Vec<ListInfo>> {
        let rows = self.query("SELECT name, format, current FROM listwatch.lists", &[])?;
        let mut lists = rows
            .iter()
            .map(|row| {
                Ok(ListInfo {
                    name: list_name(row.get(0))?,
                    format: row.get(1),
                    current: to_version(row.get(2))?,
                    last_snapshot: 0,
                    changes_since_snapshot: 0,
                })
            })
            .collect::<Result<Vec<ListInfo>>>()?;
        lists.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        Ok(lists)
    }

    fn list(&mut self, list: &ListName) -> Result<Option<ListInfo>> {
        let rows = self.query(
            "SELECT format, current FROM listwatch.lists WHERE name = $1",
            &[&list.as_str()],
        )?;
        rows.first()
            .map(|row| {
                Ok(ListInfo {
                    name: list.clone(),
                    format: row.get(0),
                    current: to_version(row.get(1))?,
                    last_snapshot: 0,
                    changes_since_snapshot: 0,
                })
            })
            .transpose()
    }

    fn versions(&mut self, list: &ListName) -> Result<Vec<VersionInfo>> {
        let rows = self.query(
            "SELECT info FROM listwatch.versions WHERE list = $1 ORDER BY version",
            &[&list.as_str()],
        )?;
        rows.iter().map(|row| decode(row.get(0))).collect()
    }

    fn version(&mut self, list: &ListName, version: u32) -> Result<Option<VersionInfo>> {
        let rows = self.query(
            "SELECT info FROM listwatch.versions WHERE list = $1 AND version = $2",
            &[&list.as_str(), &i64::from(version)],
        )?;
        rows.first().map(|row| decode(row.get(0))).transpose()
    }

    fn retractions(&mut self, list: &ListName) -> Result<Vec<(u32, Retraction)>> {
        let rows = self.query(
            "SELECT version, body FROM listwatch.retractions WHERE list = $1 ORDER BY version",
            &[&list.as_str()],
        )?;
        rows.iter().map(|row| Ok((to_version(row.get(0))?, decode(row.get(1))?))).collect()
    }

    fn manifest(&mut self, list: &ListName, version: u32) -> Result<Vec<ManifestEntry>> {
        let newest = self.list(list)?.map(|info| info.current);
        let rows = if newest == Some(version) {
            // The newest stored version's manifest is kept whole.
            self.query("SELECT id, hash FROM listwatch.heads WHERE list = $1", &[&list.as_str()])?
        } else {
            self.manifest_rows(list, version)?
        };
        let mut manifest = rows
            .iter()
            .map(|row| Ok((row.get::<_, String>(0), to_hash(row.get(1))?)))
            .collect::<Result<Vec<ManifestEntry>>>()?;
        manifest.sort_by(|a, b| compare_source_ids(&a.0, &b.0));
        Ok(manifest)
    }

    fn history(
        &mut self,
        list: &ListName,
        id: &str,
        up_to: u32,
    ) -> Result<Vec<(u32, Option<Hash>)>> {
        let rows = self.query(
            "SELECT version, hash FROM listwatch.changes
             WHERE list = $1 AND id = $2 AND version <= $3 ORDER BY version",
            &[&list.as_str(), &id, &i64::from(up_to)],
        )?;
        rows.iter()
            .map(|row| {
                let hash: Option<&[u8]> = row.get(1);
                Ok((to_version(row.get(0))?, hash.map(to_hash).transpose()?))
            })
            .collect()
    }

    fn changes(&mut self, list: &ListName, up_to: u32) -> Result<Vec<(u32, Vec<Change>)>> {
        let rows = self.query(
            "SELECT version, id, hash FROM listwatch.changes
             WHERE list = $1 AND version <= $2 ORDER BY version",
            &[&list.as_str(), &i64::from(up_to)],
        )?;
        let mut records: Vec<(u32, Vec<Change>)> = Vec::new();
        for row in &rows {
            let version = to_version(row.get(0))?;
            let hash: Option<&[u8]> = row.get(2);
            let change = (row.get::<_, String>(1), hash.map(to_hash).transpose()?);
            match records.last_mut() {
                Some((last, changes)) if *last == version => changes.push(change),
                _ => records.push((version, vec![change])),
            }
        }
        for (_, changes) in &mut records {
            changes.sort_by(|a, b| compare_source_ids(&a.0, &b.0));
        }
        Ok(records)
    }

    fn entities(&mut self, hashes: &[Hash]) -> Result<Vec<Entity>> {
        let mut bodies: HashMap<Hash, Vec<u8>> = HashMap::with_capacity(hashes.len());
        for chunk in hashes.chunks(BATCH_ROWS) {
            let keys: Vec<&[u8]> = chunk.iter().map(|hash| hash.as_slice()).collect();
            for row in self
                .query("SELECT hash, body FROM listwatch.entities WHERE hash = ANY($1)", &[&keys])?
            {
                bodies.insert(to_hash(row.get(0))?, row.get(1));
            }
        }
        hashes
            .iter()
            .map(|hash| match bodies.get(hash) {
                Some(body) => decode(body),
                None => Err(Error::Corrupt("an entity record is missing".to_string())),
            })
            .collect()
    }

    fn events(&mut self) -> Result<Vec<LegalEvent>> {
        let rows = self.query("SELECT id, body FROM listwatch.events ORDER BY id", &[])?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.get(0);
                let id = u64::try_from(id).map_err(|_| Error::Corrupt(format!("event id {id}")))?;
                Ok(LegalEvent { id, event: decode(row.get(1))? })
            })
            .collect()
    }

    fn event(&mut self, id: u64) -> Result<Option<NewEvent>> {
        let Ok(id) = i64::try_from(id) else { return Ok(None) };
        let rows = self.query("SELECT body FROM listwatch.events WHERE id = $1", &[&id])?;
        rows.first().map(|row| decode(row.get(0))).transpose()
    }
}

impl StoreWrite for PgTxn<'_> {
    fn put_entities(&mut self, encodings: &[(Hash, &[u8])]) -> Result<()> {
        if encodings.len() >= COPY_MIN_ROWS {
            // Under the write lock no other writer adds entities: those not stored yet are
            // streamed in with COPY, which has no ON CONFLICT.
            let mut stored: std::collections::HashSet<Hash> = Default::default();
            for chunk in encodings.chunks(BATCH_ROWS) {
                let keys: Vec<&[u8]> = chunk.iter().map(|(hash, _)| hash.as_slice()).collect();
                for row in self
                    .query("SELECT hash FROM listwatch.entities WHERE hash = ANY($1)", &[&keys])?
                {
                    stored.insert(to_hash(row.get(0))?);
                }
            }
            let client = self.client();
            let mut seen: std::collections::HashSet<&Hash> = Default::default();
            self.store.block_on(async {
                let sink = client
                    .copy_in("COPY listwatch.entities (hash, body) FROM STDIN (FORMAT binary)")
                    .await?;
                let writer = BinaryCopyInWriter::new(sink, &[Type::BYTEA, Type::BYTEA]);
                let mut writer = std::pin::pin!(writer);
                for (hash, body) in encodings {
                    if stored.contains(hash) || !seen.insert(hash) {
                        continue;
                    }
                    writer.as_mut().write(&[&hash.as_slice(), body]).await?;
                }
                writer.finish().await.map(drop)
            })?;
            return Ok(());
        }
        for chunk in encodings.chunks(BATCH_ROWS) {
            let hashes: Vec<&[u8]> = chunk.iter().map(|(hash, _)| hash.as_slice()).collect();
            let bodies: Vec<&[u8]> = chunk.iter().map(|(_, body)| *body).collect();
            self.execute(
                "INSERT INTO listwatch.entities (hash, body)
                 SELECT * FROM unnest($1::bytea[], $2::bytea[])
                 ON CONFLICT (hash) DO NOTHING",
                &[&hashes, &bodies],
            )?;
        }
        Ok(())
    }

    fn put_changes(
        &mut self,
        list: &mut ListInfo,
        version: u32,
        changes: &[Change],
        _manifest: &[ManifestEntry],
    ) -> Result<()> {
        self.put_change_rows(list, version, changes)?;
        self.update_heads(list, version, changes)
    }

    fn put_version(&mut self, list: &ListInfo, version: &VersionInfo) -> Result<()> {
        self.put_version_rows(list, version)
    }
    fn put_retraction(
        &mut self,
        list: &ListName,
        version: u32,
        retraction: &Retraction,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO listwatch.retractions (list, version, body) VALUES ($1, $2, $3)",
            &[&list.as_str(), &i64::from(version), &encode(retraction)],
        )?;
        Ok(())
    }

    fn append_event(&mut self, event: &NewEvent) -> Result<u64> {
        let rows = self.query(
            "INSERT INTO listwatch.events (id, entity, body)
             SELECT coalesce(max(id), 0) + 1, $1, $2 FROM listwatch.events
             RETURNING id",
            &[&event.entity, &encode(event)],
        )?;
        let id = first_id(&rows, "event")?;
        u64::try_from(id).map_err(|_| Error::Corrupt(format!("event id {id}")))
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        let Some(client) = self.client.take() else {
            unreachable!("the connection is held until the transaction ends")
        };
        // The notification is delivered when, and only if, the transaction commits.
        let commit =
            if self.notify { format!("NOTIFY {CHANNEL}; COMMIT") } else { "COMMIT".to_string() };
        match self.store.block_on(client.batch_execute(&commit)) {
            Ok(()) => Ok(()),
            Err(err) => {
                drop(deadpool_postgres::Object::take(client));
                Err(err.into())
            }
        }
    }
}

impl MonitorRead for PgTxn<'_> {
    fn watches(&mut self) -> Result<Vec<WatchInfo>> {
        let rows = self.query("SELECT body FROM listwatch.watches ORDER BY name", &[])?;
        rows.iter().map(|row| decode(row.get(0))).collect()
    }

    fn watch(&mut self, name: &str) -> Result<Option<WatchInfo>> {
        let rows = self.query("SELECT body FROM listwatch.watches WHERE name = $1", &[&name])?;
        rows.first().map(|row| decode(row.get(0))).transpose()
    }

    fn watch_versions(&mut self, name: &str) -> Result<Vec<WatchVersion>> {
        let rows = self.query(
            "SELECT body FROM listwatch.watch_versions WHERE watch = $1 ORDER BY version",
            &[&name],
        )?;
        rows.iter().map(|row| decode(row.get(0))).collect()
    }

    fn watch_version(&mut self, name: &str, version: u32) -> Result<Option<WatchVersion>> {
        let rows = self.query(
            "SELECT body FROM listwatch.watch_versions WHERE watch = $1 AND version = $2",
            &[&name, &i64::from(version)],
        )?;
        rows.first().map(|row| decode(row.get(0))).transpose()
    }

    fn watch_items(&mut self, name: &str, version: u32) -> Result<Vec<WatchItem>> {
        let rows = self.query(
            "SELECT body FROM listwatch.watch_items WHERE watch = $1 AND version = $2
             ORDER BY chunk",
            &[&name, &i64::from(version)],
        )?;
        let mut items = Vec::new();
        for row in &rows {
            items.extend(crate::watch::decode_items(name, version, row.get(0))?);
        }
        Ok(items)
    }

    fn alerts(&mut self) -> Result<Vec<Alert>> {
        let rows = self.query("SELECT body FROM listwatch.alerts ORDER BY seq", &[])?;
        rows.iter().map(|row| decode(row.get(0))).collect()
    }

    fn alert(&mut self, id: &str) -> Result<Option<Alert>> {
        let rows = self.query("SELECT body FROM listwatch.alerts WHERE id = $1", &[&id])?;
        rows.first().map(|row| decode(row.get(0))).transpose()
    }

    fn decisions(&mut self) -> Result<Vec<Decision>> {
        let rows = self.query("SELECT id, body FROM listwatch.decisions ORDER BY id", &[])?;
        rows.iter()
            .map(|row| Ok(Decision { id: from_id(row.get(0))?, decision: decode(row.get(1))? }))
            .collect()
    }

    fn decision(&mut self, id: u64) -> Result<Option<NewDecision>> {
        let Ok(id) = i64::try_from(id) else { return Ok(None) };
        let rows = self.query("SELECT body FROM listwatch.decisions WHERE id = $1", &[&id])?;
        rows.first().map(|row| decode(row.get(0))).transpose()
    }

    fn webhooks(&mut self) -> Result<Vec<Webhook>> {
        let rows = self.query("SELECT body FROM listwatch.webhooks ORDER BY id", &[])?;
        rows.iter().map(|row| decode(row.get(0))).collect()
    }

    fn deliveries(&mut self, webhook: u64) -> Result<Vec<(String, Delivery)>> {
        let Ok(webhook) = i64::try_from(webhook) else { return Ok(Vec::new()) };
        let rows = self.query(
            "SELECT alert, body FROM listwatch.deliveries WHERE webhook = $1 ORDER BY alert",
            &[&webhook],
        )?;
        let mut deliveries = Vec::new();
        for row in &rows {
            let delivery: Delivery = decode(row.get(1))?;
            // A row no attempt was recorded in is only a claim's lock.
            if delivery != Delivery::default() {
                deliveries.push((row.get(0), delivery));
            }
        }
        Ok(deliveries)
    }

    fn delivery(&mut self, webhook: u64, alert: &str) -> Result<Option<Delivery>> {
        let Ok(webhook) = i64::try_from(webhook) else { return Ok(None) };
        let rows = self.query(
            "SELECT body FROM listwatch.deliveries WHERE webhook = $1 AND alert = $2",
            &[&webhook, &alert],
        )?;
        let delivery: Option<Delivery> = rows.first().map(|row| decode(row.get(0))).transpose()?;
        Ok(delivery.filter(|delivery| *delivery != Delivery::default()))
    }
}

impl MonitorWrite for PgTxn<'_> {
    fn put_watch(&mut self, info: &WatchInfo) -> Result<()> {
        self.execute(
            "INSERT INTO listwatch.watches (name, body) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body",
            &[&info.name, &encode(info)],
        )?;
        Ok(())
    }

    fn put_watch_version(&mut self, version: &WatchVersion, items: &[WatchItem]) -> Result<()> {
        let number = i64::from(version.version);
        self.execute(
            "INSERT INTO listwatch.watch_versions (watch, version, body) VALUES ($1, $2, $3)",
            &[&version.watch, &number, &encode(version)],
        )?;
        for (idx, chunk) in crate::watch::encode_items(items).iter().enumerate() {
            self.execute(
                "INSERT INTO listwatch.watch_items (watch, version, chunk, body)
                 VALUES ($1, $2, $3, $4)",
                &[&version.watch, &number, &(idx as i64), chunk],
            )?;
        }
        Ok(())
    }

    fn append_alert(&mut self, alert: &Alert) -> Result<()> {
        self.execute(
            "INSERT INTO listwatch.alerts (seq, id, watch, body)
             SELECT coalesce(max(seq), 0) + 1, $1, $2, $3 FROM listwatch.alerts",
            &[&alert.id, &alert.watch, &encode(alert)],
        )?;
        Ok(())
    }

    fn append_decision(&mut self, decision: &NewDecision) -> Result<u64> {
        let rows = self.query(
            "INSERT INTO listwatch.decisions (id, alert, body)
             SELECT coalesce(max(id), 0) + 1, $1, $2 FROM listwatch.decisions
             RETURNING id",
            &[&decision.alert, &encode(decision)],
        )?;
        let id = first_id(&rows, "decision")?;
        from_id(id)
    }

    fn append_webhook(&mut self, webhook: &Webhook) -> Result<u64> {
        let rows = self.query("SELECT coalesce(max(id), 0) + 1 FROM listwatch.webhooks", &[])?;
        let id = first_id(&rows, "webhook")?;
        let stored = Webhook { id: from_id(id)?, ..webhook.clone() };
        self.execute(
            "INSERT INTO listwatch.webhooks (id, body) VALUES ($1, $2)",
            &[&id, &encode(&stored)],
        )?;
        from_id(id)
    }

    fn put_delivery(&mut self, webhook: u64, alert: &str, delivery: &Delivery) -> Result<()> {
        self.execute(
            "INSERT INTO listwatch.deliveries (webhook, alert, body) VALUES ($1, $2, $3)
             ON CONFLICT (webhook, alert) DO UPDATE SET body = EXCLUDED.body",
            &[&to_id(webhook)?, &alert, &encode(delivery)],
        )?;
        Ok(())
    }
}

impl PgTxn<'_> {
    /// The (id, hash) rows of a version's manifest, from the change records: per id, the last
    /// change at or before the version, unless a removal.
    fn manifest_rows(&mut self, list: &ListName, version: u32) -> Result<Vec<tokio_postgres::Row>> {
        // Descending like the primary key (list, id, version) read backwards, so the newest
        // change of each id comes from one index scan.
        self.query(
            "SELECT id, hash FROM (
                 SELECT DISTINCT ON (id) id, hash FROM listwatch.changes
                 WHERE list = $1 AND version <= $2
                 ORDER BY id DESC, version DESC
             ) AS last WHERE hash IS NOT NULL",
            &[&list.as_str(), &i64::from(version)],
        )
    }

    /// The change record of a version: one row per id, streamed with COPY when there are many.
    fn put_change_rows(&mut self, list: &ListInfo, version: u32, changes: &[Change]) -> Result<()> {
        if changes.len() >= COPY_MIN_ROWS {
            let client = self.client();
            let (name, number) = (list.name.as_str(), i64::from(version));
            self.store.block_on(async {
                let sink = client
                    .copy_in(
                        "COPY listwatch.changes (list, version, id, hash) FROM STDIN (FORMAT binary)",
                    )
                    .await?;
                let types = [Type::TEXT, Type::INT8, Type::TEXT, Type::BYTEA];
                let writer = BinaryCopyInWriter::new(sink, &types);
                let mut writer = std::pin::pin!(writer);
                for (id, hash) in changes {
                    let hash: Option<&[u8]> = hash.as_ref().map(|h| h.as_slice());
                    writer.as_mut().write(&[&name, &number, id, &hash]).await?;
                }
                writer.finish().await.map(drop)
            })?;
            return Ok(());
        }
        for chunk in changes.chunks(BATCH_ROWS) {
            let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
            let hashes: Vec<Option<&[u8]>> =
                chunk.iter().map(|(_, hash)| hash.as_ref().map(|h| h.as_slice())).collect();
            self.execute(
                "INSERT INTO listwatch.changes (list, version, id, hash)
                 SELECT $1, $2, * FROM unnest($3::text[], $4::bytea[])",
                &[&list.name.as_str(), &i64::from(version), &ids, &hashes],
            )?;
        }
        Ok(())
    }

    /// Brings `heads`, the newest stored version's manifest, from the version before to
    /// `version`.
    fn update_heads(&mut self, list: &ListInfo, version: u32, changes: &[Change]) -> Result<()> {
        let name = list.name.as_str();
        if version == 1 && changes.len() >= COPY_MIN_ROWS {
            let client = self.client();
            self.store.block_on(async {
                let sink = client
                    .copy_in("COPY listwatch.heads (list, id, hash) FROM STDIN (FORMAT binary)")
                    .await?;
                let types = [Type::TEXT, Type::TEXT, Type::BYTEA];
                let writer = BinaryCopyInWriter::new(sink, &types);
                let mut writer = std::pin::pin!(writer);
                for (id, hash) in changes {
                    if let Some(hash) = hash {
                        writer.as_mut().write(&[&name, id, &hash.as_slice()]).await?;
                    }
                }
                writer.finish().await.map(drop)
            })?;
            return Ok(());
        }
        let (present, removed): (Vec<&Change>, Vec<&Change>) =
            changes.iter().partition(|(_, hash)| hash.is_some());
        for chunk in present.chunks(BATCH_ROWS) {
            let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
            let hashes: Vec<&[u8]> =
                chunk.iter().filter_map(|(_, hash)| hash.as_ref().map(|h| h.as_slice())).collect();
            self.execute(
                "INSERT INTO listwatch.heads (list, id, hash)
                 SELECT $1, * FROM unnest($2::text[], $3::bytea[])
                 ON CONFLICT (list, id) DO UPDATE SET hash = EXCLUDED.hash",
                &[&name, &ids, &hashes],
            )?;
        }
        for chunk in removed.chunks(BATCH_ROWS) {
            let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
            self.execute(
                "DELETE FROM listwatch.heads WHERE list = $1 AND id = ANY($2)",
                &[&name, &ids],
            )?;
        }
        Ok(())
    }

    fn put_version_rows(&mut self, list: &ListInfo, version: &VersionInfo) -> Result<()> {
        self.execute(
            "INSERT INTO listwatch.lists (name, format, current) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET current = EXCLUDED.current",
            &[&list.name.as_str(), &list.format, &i64::from(list.current)],
        )?;
        let entities = i64::try_from(version.entities)
            .map_err(|_| Error::Invalid("too many entities".to_string()))?;
        self.execute(
            "INSERT INTO listwatch.versions
                 (list, version, published, imported_at, content_hash, entities, info)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &list.name.as_str(),
                &i64::from(version.version),
                &version.published.to_string(),
                &version.imported_at,
                &version.content_hash,
                &entities,
                &encode(version),
            ],
        )?;
        Ok(())
    }
}
