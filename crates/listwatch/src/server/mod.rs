//! `listwatch serve`: the HTTP API over one snapshot of the store, rebuilt in the background when
//! any process commits a version, a retraction or an event.
//!
//! - OpenSanctions-compatible endpoints, with yente's paths, parameters and JSON shapes:
//!   `POST /match/{dataset}`, `GET /search/{dataset}`, `GET /entities/{id}`, `GET /catalog`,
//!   `GET /algorithms`.
//! - Native endpoints with the JSON of the command line's `--json`: `GET /status`, `GET /lists`,
//!   `GET /lists/{list}/versions`, `GET /lists/{list}/diff`, `POST /portfolio/check`,
//!   `POST /screen` (JSONL in and out, streamed).
//! - `GET /audit` (scope `admin`): the audit log of decisions ([`crate::audit`]).
//! - `GET /metrics` (scope `read`; loopback without a key file): Prometheus metrics ([`metrics`]).
//! - `GET /healthz`, `GET /readyz`.
//! - `/ui`: the analysts' console, HTML pages over the same core calls ([`console`]).
//!
//! Every response carries an `x-request-id`; every failure has the body
//! `{"error": {"code", "message", "request_id"}}` ([`error`]). Keys and scopes: [`auth`].

pub(crate) mod auth;
pub(crate) mod console;
pub(crate) mod cors;
pub(crate) mod error;
pub(crate) mod ftm;
pub(crate) mod lead;
pub(crate) mod log;
pub(crate) mod metrics;
pub(crate) mod openapi;
pub(crate) mod params;
pub(crate) mod rate;
pub(crate) mod routes;
pub(crate) mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use listwatch_core::{Fingerprint, Snapshot};
use listwatch_matcher::MatcherConfig;

use crate::cli::Ctx;
use auth::{Keys, Scope};
use error::{ApiError, PendingError};
use state::{AppState, Limits};

/// Serve the lists over HTTP: OpenSanctions-compatible matching and search, and the status,
/// versions, diffs, holdings checks and batch screening of the command line.
///
/// The server listens on loopback unless --addr says otherwise. Without --keys it answers
/// loopback clients only. It stops on SIGTERM or Ctrl-C after the requests in flight finish.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000")]
    addr: SocketAddr,
    /// The API key file: one key per line, `<sha256 hex of the key> <name> <scopes>`, scopes
    /// comma-separated among read, screen, write, admin.
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// Print the line of the key file for KEY (its SHA-256) and exit.
    #[arg(long, value_name = "KEY")]
    hash_key: Option<String>,
    /// How often to look for changes in the store, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    poll_ms: u64,
    /// Allow browsers on this origin (`https://console.example.com`, or `*` for any) to call the
    /// API; repeat for several. Without it, cross-origin requests get no CORS headers.
    #[arg(long, value_name = "ORIGIN")]
    cors_origin: Vec<String>,
    /// Requests per second each key may send (a key's `rate=N` in the key file overrides it);
    /// beyond it, 429 `rate_limited` with `retry-after`. Without it, no limit.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,
    /// Remove audit records older than this many days, at start and then daily [default:
    /// $LISTWATCH_AUDIT_RETENTION_DAYS, else keep every record].
    #[arg(long, value_name = "N")]
    audit_retention_days: Option<u32>,
    /// Run the store's scheduled work: among all instances that serve one store, the one that
    /// holds the lead (a PostgreSQL advisory lock; another instance takes over within a tick of
    /// its death) syncs the sources every --sync-every seconds, re-checks the holdings watches,
    /// and delivers pending alerts every tick.
    #[arg(long)]
    sync: bool,
    /// With --sync: seconds between two syncs of the sources.
    #[arg(long, value_name = "SECS", default_value_t = 3600, requires = "sync",
          value_parser = clap::value_parser!(u64).range(1..))]
    sync_every: u64,
    /// With --sync: the sources (TOML) [default: $LISTWATCH_SOURCES, else the built-in ones].
    #[arg(long, value_name = "FILE", requires = "sync")]
    sync_config: Option<PathBuf>,
    /// With --sync: milliseconds between two attempts to take the lead, and between two rounds
    /// of delivery by the leader.
    #[arg(long, value_name = "MS", default_value_t = 1000, requires = "sync",
          value_parser = clap::value_parser!(u64).range(50..))]
    sync_tick_ms: u64,
    /// With --sync: the largest share of a list's entities, in percent, an import may remove.
    #[arg(long, value_name = "PERCENT", default_value_t = 20.0, requires = "sync")]
    sync_max_removal: f64,
}

/// The router: every endpoint, its scope, and the frame around every request (request id,
/// timeout, error bodies). A plain function, so tests drive it in-process.
pub(crate) fn router(state: AppState) -> Router {
    let (api, spec) = api(&state).split_for_parts();
    let json = Arc::new(openapi::json(&spec));
    let html = Arc::new(openapi::html(&spec));
    Router::new()
        .route("/openapi.json", get(move || async move { openapi::serve_json(&json) }))
        .route("/docs", get(move || async move { openapi::serve_html(&html) }))
        .route("/docs/style.css", get(|| async { openapi::serve_css() }))
        .merge(api)
        .merge(console::router(state.clone()))
        .route_layer(middleware::from_fn(metrics::route))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.limits().max_body))
        .layer(middleware::from_fn_with_state(state.clone(), frame))
        .layer(middleware::from_fn_with_state(state.clone(), cors::cors))
        .with_state(state)
}

/// The described endpoints, by scope: each route is registered from its handler's
/// `#[utoipa::path]`, so the OpenAPI document and the router cannot disagree.
pub(crate) fn api(state: &AppState) -> OpenApiRouter<AppState> {
    let guard =
        |scope: Scope| middleware::from_fn_with_state((state.clone(), scope), auth::authorize);
    let read = OpenApiRouter::new()
        .routes(routes!(routes::search::search))
        .routes(routes!(routes::entities::entity))
        .routes(routes!(routes::catalog::catalog))
        .routes(routes!(routes::catalog::algorithms))
        .routes(routes!(routes::status::status))
        .routes(routes!(routes::lists::lists))
        .routes(routes!(routes::lists::versions))
        .routes(routes!(routes::lists::diff))
        .routes(routes!(metrics::metrics))
        .routes(routes!(routes::alerts::watches))
        .routes(routes!(routes::alerts::alerts))
        .routes(routes!(routes::alerts::alert))
        .routes(routes!(routes::history::history))
        .routes(routes!(routes::history::timeline))
        .routes(routes!(routes::events::list))
        .routes(routes!(routes::lists::entities))
        .route_layer(guard(Scope::Read));
    let write = OpenApiRouter::new()
        .routes(routes!(routes::alerts::decide))
        .routes(routes!(routes::events::record))
        .route_layer(guard(Scope::Write));
    let screen = OpenApiRouter::new()
        .routes(routes!(routes::matching::match_entities))
        .routes(routes!(routes::screen::screen))
        .routes(routes!(routes::portfolio::check))
        .route_layer(guard(Scope::Screen));
    let admin =
        OpenApiRouter::new().routes(routes!(routes::audit::audit)).route_layer(guard(Scope::Admin));
    let open = OpenApiRouter::new()
        .routes(routes!(routes::health::healthz))
        .routes(routes!(routes::health::readyz));
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(open)
        .merge(read)
        .merge(screen)
        .merge(write)
        .merge(admin)
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "no such endpoint")
}

/// The frame of every request: gives it an id (the client's `x-request-id` when it is short and
/// plain, else a new one), bounds its time, writes every error in the one format with that id,
/// and sets `x-request-id` on the response.
async fn frame(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| state.request_id(), String::from);
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let mut response = match tokio::time::timeout(state.limits().timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {} s", state.limits().timeout.as_secs()),
        )
        .into_response(),
    };
    let route = response
        .extensions()
        .get::<metrics::Route>()
        .map_or_else(|| "unmatched".to_string(), |r| r.0.clone());
    let pending = response.extensions_mut().remove::<PendingError>().map(|p| p.0).or_else(|| {
        (response.status() == StatusCode::METHOD_NOT_ALLOWED).then(|| {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method",
            )
        })
    });
    if let Some(err) = pending {
        // The error body replaces whatever body there was; headers set with the error (such as
        // `retry-after`) stay.
        let headers = std::mem::take(response.headers_mut());
        response = (err.status, axum::Json(err.body(&request_id))).into_response();
        for (name, value) in &headers {
            if name != axum::http::header::CONTENT_TYPE
                && name != axum::http::header::CONTENT_LENGTH
            {
                response.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    metrics::observe(&route, method.as_str(), response.status().as_u16(), started.elapsed());
    if !state.quiet() {
        let caller = response.extensions().get::<auth::Caller>().map_or("-", |c| c.0.as_str());
        log::request(
            &request_id,
            caller,
            method.as_str(),
            &path,
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0,
        );
    }
    response
}

/// Looks at the store's fingerprint every `poll` (on PostgreSQL, also whenever another process
/// commits), and when it changed builds a new snapshot and puts it in force. Requests in flight finish on the snapshot they took.
pub(crate) async fn refresh(state: AppState, poll: Duration) {
    // A PostgreSQL store also says when another process commits (LISTEN/NOTIFY): the snapshot
    // is swapped at once, and the poll only backs it up.
    let changes = state.snapshot().store().changes();
    loop {
        match &changes {
            Some(changed) => {
                tokio::select! {
                    () = tokio::time::sleep(poll) => {}
                    () = changed.notified() => {}
                }
            }
            None => tokio::time::sleep(poll).await,
        }
        let current = state.snapshot();
        let store = current.store_handle();
        let changed = tokio::task::spawn_blocking(move || Fingerprint::of(&store)).await;
        let fingerprint = match changed {
            Ok(Ok(fingerprint)) => fingerprint,
            Ok(Err(err)) => {
                log::error(&format!("cannot read the store's fingerprint: {err}"));
                continue;
            }
            Err(err) => {
                log::error(&format!("the fingerprint task failed: {err}"));
                continue;
            }
        };
        if fingerprint == current.fingerprint {
            continue;
        }
        let (store, regimes, config) =
            (current.store_handle(), current.regimes.clone(), state.config().clone());
        drop(current);
        match tokio::task::spawn_blocking(move || Snapshot::build(store, regimes, &config)).await {
            Ok(Ok(snapshot)) => {
                log::event(
                    log::Level::Info,
                    "the store changed; a new snapshot is in force",
                    &[
                        ("entities", snapshot.index.len().into()),
                        ("build_seconds", snapshot.build_time.as_secs_f64().into()),
                    ],
                );
                state.swap(snapshot);
                let warmed = state.clone();
                tokio::task::spawn_blocking(move || console::lists::warm(&warmed));
            }
            Ok(Err(err)) => log::error(&format!("cannot build a new snapshot: {err}")),
            Err(err) => log::error(&format!("the snapshot task failed: {err}")),
        }
    }
}

/// Builds the first snapshot of the store at `ctx`'s path.
pub(crate) fn first_snapshot(ctx: &Ctx, config: &MatcherConfig) -> Result<Snapshot> {
    let store = Arc::new(ctx.open_existing()?);
    Snapshot::build(store, ctx.regimes().clone(), config).map_err(crate::failure::from_core)
}

/// Reads a key file; a missing or broken one is a usage error.
fn read_keys(path: &std::path::Path) -> Result<Keys> {
    let shown = crate::output::clean(&path.display().to_string()).into_owned();
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::failure::usage(format!("cannot read the key file {shown}: {e}")))?;
    Keys::parse(&text).map_err(|e| crate::failure::usage(format!("the key file {shown}, {e}")))
}

/// Serves the store of `ctx` on `addr` with the defaults of `serve` (no key file: loopback
/// clients only), for `demo --serve`.
pub(crate) fn run_on(ctx: &Ctx, addr: SocketAddr) -> Result<()> {
    run(
        ctx,
        Args {
            addr,
            keys: None,
            hash_key: None,
            poll_ms: 1000,
            cors_origin: Vec::new(),
            rate_limit: None,
            audit_retention_days: None,
            sync: false,
            sync_every: 3600,
            sync_config: None,
            sync_tick_ms: 1000,
            sync_max_removal: 20.0,
        },
    )
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if let Some(key) = &args.hash_key {
        println!("{} <name> read,screen", auth::hash_key(key));
        return Ok(());
    }
    let keys = args.keys.as_deref().map(read_keys).transpose()?;
    if !(0.0..=100.0).contains(&args.sync_max_removal) {
        return Err(crate::failure::usage(format!(
            "--sync-max-removal must be between 0 and 100, not {}",
            args.sync_max_removal
        )));
    }
    if args.sync {
        let n_sources = crate::cli::sync::check_configured(args.sync_config.as_deref())?;
        log::info(&format!(
            "--sync: the instance that leads syncs {n_sources} sources every {} s",
            args.sync_every
        ));
    }
    let config = MatcherConfig::default();
    let started = Instant::now();
    let snapshot = first_snapshot(ctx, &config)?;
    log::event(
        log::Level::Info,
        &format!(
            "{} entities of {} lists indexed in {:.2} s",
            snapshot.index.len(),
            snapshot.screened.len(),
            started.elapsed().as_secs_f64()
        ),
        &[],
    );
    let audit = crate::audit::AuditLog::of(ctx)?;
    let retention = crate::audit::retention(args.audit_retention_days)?;
    if let Some(days) = retention {
        prune(&audit, days);
    }
    let state = AppState::new(
        snapshot,
        keys,
        Limits { rate_per_key: args.rate_limit, ..Limits::default() },
        config,
        ctx.quiet,
        Some(audit.clone()),
    )
    .with_ctx(ctx.with_db(ctx.db_path().to_path_buf()))
    .with_cors(args.cors_origin.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    // The leader's thread is not waited for at shutdown: a sync may be downloading, and the lead
    // ends with the process.
    let stop_lead = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if args.sync {
        let duties = lead::Duties {
            config: args.sync_config.clone(),
            every: Duration::from_secs(args.sync_every),
            tick: Duration::from_millis(args.sync_tick_ms),
            max_removal: args.sync_max_removal,
        };
        lead::spawn(ctx.clone(), duties, stop_lead.clone())
            .context("cannot start the thread of the scheduled work")?;
    }
    let _stop_lead = StopOnDrop(stop_lead);
    runtime.block_on(async move {
        let pruner = retention.map(|days| {
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(86_400)).await;
                    let log = audit.clone();
                    let _ = tokio::task::spawn_blocking(move || prune(&log, days)).await;
                }
            })
        });
        let served = serve(state, args.addr, Duration::from_millis(args.poll_ms.max(50))).await;
        if let Some(pruner) = pruner {
            pruner.abort();
        }
        served
    })
}

/// Sets its flag when dropped: the leader's thread stops at its next tick.
struct StopOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Removes the audit records older than `days` days, saying how many.
fn prune(log: &crate::audit::AuditLog, days: u32) {
    match log.prune(days) {
        Ok(0) => {}
        Ok(n) => self::log::info(&format!(
            "removed {n} audit records older than {days} days from {}",
            log.shown()
        )),
        Err(err) => self::log::error(&format!("cannot prune the audit log: {err:#}")),
    }
}

async fn serve(state: AppState, addr: SocketAddr, poll: Duration) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr().unwrap_or(addr);
    if state.keys().is_none() {
        log::warn("no key file (--keys): answering loopback clients only");
    }
    if !local.ip().is_loopback() && state.keys().is_none() {
        log::warn(&format!(
            "listening on {local}, but without --keys every non-loopback client is refused"
        ));
    }
    log::info(&format!("listening on http://{local}"));
    log::info(&format!("the console is at http://{local}/ui/"));
    let refresher = tokio::spawn(refresh(state.clone(), poll));
    let warmed = state.clone();
    tokio::task::spawn_blocking(move || console::lists::warm(&warmed));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server failed")?;
    refresher.abort();
    log::info("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    log::info("stopping: finishing the requests in flight");
}

#[cfg(test)]
mod tests;
