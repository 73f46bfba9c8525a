//! What every handler shares: the snapshot in force, the keys, the limits.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use listwatch_core::{SharedSnapshot, Snapshot};
use listwatch_matcher::MatcherConfig;

use super::auth::Keys;
use super::error::{ApiError, ApiResult};
use crate::audit::{AuditLog, Record};

/// The bounds on one request (documented in the README's "Serving" section).
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    /// The largest request body, in bytes.
    pub(crate) max_body: usize,
    /// The most queries in one `/match` request.
    pub(crate) max_queries: usize,
    /// The most results per query.
    pub(crate) max_limit: usize,
    /// How long a request may take before it is answered with `timeout`.
    pub(crate) timeout: Duration,
    /// Requests per second per key (or for the loopback caller without a key file), unless the
    /// key file sets the key's own; `None` for no limit.
    pub(crate) rate_per_key: Option<u32>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 16 << 20,
            max_queries: 100,
            max_limit: 500,
            timeout: Duration::from_secs(30),
            rate_per_key: None,
        }
    }
}

/// The state handed to every handler: cheap to clone.
#[derive(Clone)]
pub(crate) struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    snapshot: SharedSnapshot,
    keys: Option<Keys>,
    limits: Limits,
    config: MatcherConfig,
    config_hash: String,
    started: Instant,
    next_request: AtomicU64,
    quiet: bool,
    audit: Option<AuditLog>,
    /// The thread that writes the audit records of requests.
    writer: Option<crate::audit::AuditWriter>,
    rate_limiter: super::rate::RateLimiter,
    /// The origins allowed to call from a browser (`*` for any); empty: CORS off.
    cors_origins: Vec<String>,
    /// The store file, for the few writes the server makes (decisions on alerts, events).
    db: Option<std::path::PathBuf>,
    /// The command line's context on that store, for the console's writes (legal events), which
    /// re-check the watched holdings as `event add` does.
    ctx: Option<crate::cli::Ctx>,
    /// The console's sessions.
    sessions: crate::server::console::session::Sessions,
    /// The console's recent diffs.
    diffs: crate::server::console::lists::DiffCache,
}

impl AppState {
    pub(crate) fn new(
        snapshot: Snapshot,
        keys: Option<Keys>,
        limits: Limits,
        config: MatcherConfig,
        quiet: bool,
        audit: Option<AuditLog>,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                snapshot: SharedSnapshot::new(snapshot),
                keys,
                limits,
                config_hash: config.config_hash(),
                config,
                started: Instant::now(),
                next_request: AtomicU64::new(1),
                quiet,
                writer: audit.as_ref().map(AuditLog::writer),
                audit,
                rate_limiter: super::rate::RateLimiter::default(),
                cors_origins: Vec::new(),
                db: None,
                ctx: None,
                sessions: Default::default(),
                diffs: Default::default(),
            }),
        }
    }

    /// The snapshot in force; a request keeps the one it took to the end.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.snapshot.load()
    }

    /// Puts a new snapshot in force.
    pub(crate) fn swap(&self, snapshot: Snapshot) {
        self.inner.snapshot.swap(snapshot);
        super::metrics::swapped();
    }

    pub(crate) fn keys(&self) -> Option<&Keys> {
        self.inner.keys.as_ref()
    }

    /// The buckets of the per-key rate limits.
    pub(crate) fn rate_limiter(&self) -> &super::rate::RateLimiter {
        &self.inner.rate_limiter
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// The matcher configuration snapshots are built with.
    pub(crate) fn config(&self) -> &MatcherConfig {
        &self.inner.config
    }

    /// Whether request log lines are left out.
    pub(crate) fn quiet(&self) -> bool {
        self.inner.quiet
    }

    /// The hash of the matcher configuration, reported with every match.
    pub(crate) fn config_hash(&self) -> &str {
        &self.inner.config_hash
    }

    /// The same state, writing to the store of `ctx` (before it is shared).
    pub(crate) fn with_ctx(mut self, ctx: crate::cli::Ctx) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.db = Some(ctx.db_path().to_path_buf());
            inner.ctx = Some(ctx);
        }
        self
    }

    /// The same state, allowing browsers on `origins` (before it is shared).
    pub(crate) fn with_cors(mut self, origins: Vec<String>) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.cors_origins = origins;
        }
        self
    }

    /// The origins allowed to call from a browser.
    pub(crate) fn cors_origins(&self) -> &[String] {
        &self.inner.cors_origins
    }

    /// The command line's context on the store, if the server was given one.
    pub(crate) fn ctx(&self) -> Option<&crate::cli::Ctx> {
        self.inner.ctx.as_ref()
    }

    /// The console's sessions.
    pub(crate) fn sessions(&self) -> &crate::server::console::session::Sessions {
        &self.inner.sessions
    }

    /// The console's recent diffs.
    pub(crate) fn diffs(&self) -> &crate::server::console::lists::DiffCache {
        &self.inner.diffs
    }

    /// The store file the server writes decisions to, if it was given one.
    pub(crate) fn db(&self) -> Option<&std::path::Path> {
        self.inner.db.as_deref()
    }

    /// The audit log decisions are recorded in, if any.
    pub(crate) fn audit_log(&self) -> Option<&AuditLog> {
        self.inner.audit.as_ref()
    }

    /// Records decisions in the audit log, synced to disk, before they are answered; a failure
    /// to record is a failure of the request. For a thread that may block.
    pub(crate) fn record(&self, records: &[Record]) -> ApiResult<()> {
        let lines = self.audit_lines(records)?;
        match &self.inner.writer {
            Some(writer) => {
                writer.commit_blocking(lines).map_err(|err| ApiError::internal(format!("{err:#}")))
            }
            None => Ok(()),
        }
    }

    /// The audit lines of `records` (empty without an audit log), to [`AppState::commit`].
    pub(crate) fn audit_lines(&self, records: &[Record]) -> ApiResult<String> {
        if self.inner.writer.is_none() {
            return Ok(String::new());
        }
        crate::audit::lines(records).map_err(|err| ApiError::internal(format!("{err:#}")))
    }

    /// Writes audit lines and returns once they are synced, without holding a thread.
    pub(crate) async fn commit(&self, lines: String) -> ApiResult<()> {
        match &self.inner.writer {
            Some(writer) => {
                writer.commit(lines).await.map_err(|err| ApiError::internal(format!("{err:#}")))
            }
            None => Ok(()),
        }
    }

    /// How long the server has been up.
    pub(crate) fn uptime(&self) -> Duration {
        self.inner.started.elapsed()
    }

    /// A new request id: unique within this process, and across restarts by the start time.
    pub(crate) fn request_id(&self) -> String {
        let n = self.inner.next_request.fetch_add(1, Ordering::Relaxed);
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .wrapping_sub(self.inner.started.elapsed().as_secs());
        format!("{epoch:x}-{n:06}")
    }
}
