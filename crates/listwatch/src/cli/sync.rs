//! `listwatch sync`: download each configured source's publication and import it through the same
//! guarded path as `listwatch import`; `listwatch sources`: when each source was last synced, and
//! whether it is stale.
//!
//! What a sync remembers of each source (the validators of each file, when it was last tried and
//! last succeeded, the reason it failed) is kept in a small JSON file beside a redb store
//! (`<store>.sync.json`), written atomically, and in the database of a PostgreSQL store
//! (`Store::sync_state`), so that every instance of a cluster reads one state and the one that
//! takes over the lead knows what the last leader downloaded. Validators are remembered only
//! after a successful import, so a refused download is downloaded again next time.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use listwatch_model::Date;
use listwatch_store::Guard;

use super::import::{self, ReadFile, Request, format_named};
use super::{Ctx, parse_list};
use crate::failure::usage;
use crate::limits::MAX_IMPORT_FILE;
use crate::output::{Table, print_json};
use crate::progress::Progress;

/// The configuration shipped with the binary: the publishers' own URLs.
pub(crate) const DEFAULT_CONFIG: &str = include_str!("../../data/sources.toml");

/// Download every configured source (or those named) and import what changed, through the same
/// integrity guards as `import`. A source whose download fails or is refused keeps its last good
/// version current and is marked stale, with the reason; the others are still synced. Exits 1
/// when a source failed.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The sources (TOML), replacing the built-in ones (`listwatch sync --print-config` shows
    /// them).
    #[arg(long, value_name = "FILE", env = "LISTWATCH_SOURCES")]
    config: Option<PathBuf>,
    /// Sync only this configured source (repeatable), or add one: `NAME=FORMAT@URL`, with
    /// several URLs separated by commas for a format of several files; `file://` URLs work.
    #[arg(long = "source", value_name = "NAME|NAME=FORMAT@URL")]
    sources: Vec<String>,
    /// Print the configuration in use and exit.
    #[arg(long)]
    print_config: bool,
    /// The largest share of a list's entities, in percent, an import may remove.
    #[arg(long, value_name = "PERCENT", default_value_t = 20.0, env = "LISTWATCH_MAX_REMOVAL")]
    max_removal: f64,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Show each source: its last attempt and success, its current version, and whether it is stale
/// (its last attempt failed, or its last success is older than its maximum age) and why.
#[derive(Debug, clap::Args)]
pub(crate) struct SourcesArgs {
    /// The sources (TOML), replacing the built-in ones.
    #[arg(long, value_name = "FILE", env = "LISTWATCH_SOURCES")]
    config: Option<PathBuf>,
    /// Print the sources as JSON.
    #[arg(long)]
    json: bool,
}

/// The sources file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// Seconds to wait for a connection.
    #[serde(default = "default_connect_timeout")]
    connect_timeout_secs: u64,
    /// Seconds to wait for each read of a response.
    #[serde(default = "default_read_timeout")]
    read_timeout_secs: u64,
    /// Attempts after the first, for a failure that may pass (a timeout, a 5xx).
    #[serde(default = "default_retries")]
    retries: u32,
    /// The wait before the first retry, doubled before each next one.
    #[serde(default = "default_backoff")]
    backoff_ms: u64,
    /// The maximum age of a source that names none.
    #[serde(default = "default_max_age")]
    max_age: String,
    #[serde(default, rename = "source")]
    sources: Vec<SourceConfig>,
}

fn default_connect_timeout() -> u64 {
    30
}
fn default_read_timeout() -> u64 {
    120
}
fn default_retries() -> u32 {
    3
}
fn default_backoff() -> u64 {
    2000
}
fn default_max_age() -> String {
    "3d".into()
}

/// One source in the sources file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceConfig {
    name: String,
    format: String,
    /// One URL per file of the publication (matched to the format's files by name, else by
    /// position), or one for a single-file format.
    urls: Vec<String>,
    /// The list to import into [default: the source's name].
    list: Option<String>,
    /// After this long without a successful sync the source is stale (`36h`, `3d`).
    max_age: Option<String>,
}

/// A source ready to sync.
struct Source {
    name: String,
    format: &'static dyn listwatch_parsers::Format,
    urls: Vec<String>,
    list: listwatch_model::ListName,
    max_age_secs: i64,
}

/// What is remembered of every source, beside the store.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    sources: BTreeMap<String, SourceState>,
}

/// What is remembered of one source.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct SourceState {
    list: String,
    max_age_secs: i64,
    /// When a sync last tried it (RFC 3339, UTC).
    last_attempt: Option<String>,
    /// When a sync last succeeded (imported, found the content equal, or was told "not
    /// modified").
    last_success: Option<String>,
    last_success_unix: Option<i64>,
    /// Why the last attempt failed; `None` when it succeeded.
    error: Option<String>,
    /// The list's version after the last success.
    version: Option<u32>,
    published: Option<Date>,
    /// What the last success did: `committed`, `unchanged` or `not-modified`.
    outcome: Option<String>,
    /// The files of the last success.
    files: Vec<FileState>,
}

/// A file of the last successful download, with the validators the server gave.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct FileState {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    /// The SHA-256 of the bytes as downloaded (compressed, for a `.gz` URL).
    sha256: String,
    bytes: u64,
}

/// A source's staleness: `Some(reason)` when stale.
fn staleness(state: &SourceState, now: i64) -> Option<String> {
    if let Some(error) = &state.error {
        return Some(format!(
            "the last attempt ({}) failed: {error}",
            state.last_attempt.as_deref().unwrap_or("?")
        ));
    }
    match state.last_success_unix {
        None => Some("never synced".into()),
        Some(at) if now - at > state.max_age_secs => Some(format!(
            "no successful sync for {} (since {}), more than its maximum age of {}",
            human_age(now - at),
            state.last_success.as_deref().unwrap_or("?"),
            human_age(state.max_age_secs)
        )),
        Some(_) => None,
    }
}

fn human_age(secs: i64) -> String {
    if secs % 86_400 == 0 && secs > 0 {
        format!("{}d", secs / 86_400)
    } else if secs >= 3600 {
        format!("{}h", secs / 3600)
    } else {
        format!("{secs}s")
    }
}

/// Parses a duration such as `90s`, `45m`, `36h` or `3d`.
fn parse_age(value: &str) -> Result<i64> {
    let value = value.trim();
    let (number, unit) = value.split_at(value.len().saturating_sub(1));
    let factor = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    match number.parse::<i64>() {
        Ok(n) if n > 0 && factor > 0 => Ok(n.saturating_mul(factor)),
        _ => Err(usage(format!(
            "max_age {value:?} is not a duration: write a whole number and s, m, h or d (`3d`)"
        ))),
    }
}

fn load_config(path: Option<&Path>) -> Result<(Config, String)> {
    let text = match path {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| crate::failure::io_error("read", path, &e))?
        }
        None => DEFAULT_CONFIG.to_string(),
    };
    let origin = path.map_or("the built-in sources".to_string(), |p| p.display().to_string());
    let config: Config =
        toml::from_str(&text).map_err(|e| usage(format!("{origin}: {}", e.to_string().trim())))?;
    Ok((config, text))
}

fn source_from(config: &SourceConfig, default_age: i64) -> Result<Source> {
    let format = format_named(&config.format)?;
    if config.urls.is_empty() {
        return Err(usage(format!("source {}: no URL", config.name)));
    }
    if config.urls.len() > format.files().len() {
        return Err(usage(format!(
            "source {}: {} URLs, but an {} publication has at most {} files",
            config.name,
            config.urls.len(),
            format.name(),
            format.files().len()
        )));
    }
    Ok(Source {
        name: config.name.clone(),
        format,
        urls: config.urls.clone(),
        list: parse_list(config.list.as_deref().unwrap_or(&config.name))?,
        max_age_secs: match &config.max_age {
            Some(age) => parse_age(age)?,
            None => default_age,
        },
    })
}

/// The sources a sync runs: the configured ones, or those `--source` names or adds.
fn chosen_sources(config: &Config, picks: &[String]) -> Result<Vec<Source>> {
    let default_age = parse_age(&config.max_age)?;
    let mut names = std::collections::BTreeSet::new();
    for source in &config.sources {
        if !names.insert(source.name.as_str()) {
            return Err(usage(format!("the source {} is configured twice", source.name)));
        }
    }
    if picks.is_empty() {
        return config.sources.iter().map(|s| source_from(s, default_age)).collect();
    }
    let mut chosen = Vec::new();
    for pick in picks {
        if let Some((name, rest)) = pick.split_once('=') {
            let Some((format, urls)) = rest.split_once('@') else {
                return Err(usage(format!("--source {pick}: write NAME=FORMAT@URL")));
            };
            let added = SourceConfig {
                name: name.trim().to_string(),
                format: format.trim().to_string(),
                urls: urls.split(',').map(|u| u.trim().to_string()).collect(),
                list: None,
                max_age: None,
            };
            chosen.push(source_from(&added, default_age)?);
        } else {
            let Some(found) = config.sources.iter().find(|s| s.name == pick.trim()) else {
                return Err(usage(format!(
                    "--source {pick}: no such source; the configuration has {}",
                    config.sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
                )));
            };
            chosen.push(source_from(found, default_age)?);
        }
    }
    Ok(chosen)
}

fn state_path(ctx: &Ctx) -> PathBuf {
    let side = ctx.side_path();
    let mut name = side.file_name().unwrap_or_default().to_os_string();
    name.push(".sync.json");
    side.with_file_name(name)
}

/// Where the sync state of a store is kept: a file beside a redb store, the database of a
/// PostgreSQL one.
pub(crate) enum StateHome {
    File(PathBuf),
    Shared { store: listwatch_store::Store, earlier_file: PathBuf },
}

impl StateHome {
    pub(crate) fn of(ctx: &Ctx) -> Result<StateHome> {
        if ctx.is_postgres() {
            Ok(StateHome::Shared { store: ctx.open_existing()?, earlier_file: state_path(ctx) })
        } else {
            Ok(StateHome::File(state_path(ctx)))
        }
    }

    fn load(&self) -> Result<State> {
        match self {
            StateHome::File(path) => load_state(path),
            StateHome::Shared { store, earlier_file } => {
                match store.sync_state().context("cannot read the sync state in the store")? {
                    Some(body) => serde_json::from_str(&body)
                        .context("the sync state in the store is not a sync state"),
                    // Before the database kept it, the machine that synced kept it in a file.
                    None => load_state(earlier_file),
                }
            }
        }
    }

    fn save(&self, state: &State) -> Result<()> {
        match self {
            StateHome::File(path) => save_state(path, state),
            StateHome::Shared { store, .. } => store
                .put_sync_state(&serde_json::to_string(state)?)
                .context("cannot write the sync state to the store"),
        }
    }

    /// Copies the sync state to `target`, if there is one; returns whether there was.
    pub(crate) fn copy_to(&self, target: &StateHome) -> Result<bool> {
        let state = self.load()?;
        if state.sources.is_empty() {
            return Ok(false);
        }
        target.save(&state)?;
        Ok(true)
    }
}

fn load_state(path: &Path) -> Result<State> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a sync state file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(crate::failure::io_error("read", path, &e)),
    }
}

/// Writes the state under a temporary name and renames it into place, so a crash leaves the old
/// state or the new one.
fn save_state(path: &Path, state: &State) -> Result<()> {
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, serde_json::to_vec_pretty(state)?)
        .map_err(|e| crate::failure::io_error("write", &tmp, &e))?;
    std::fs::rename(&tmp, path).map_err(|e| crate::failure::io_error("write", path, &e))
}

/// The download settings of a sync.
struct Net {
    agent: ureq::Agent,
    retries: u32,
    backoff: Duration,
}

/// A file downloaded, or found not modified.
enum Fetched {
    NotModified,
    Body { bytes: Vec<u8>, etag: Option<String>, last_modified: Option<String> },
}

/// Whether a failed attempt may be worth repeating.
enum Failure {
    Transient(String),
    Final(String),
}

fn fetch_once(net: &Net, url: &str, known: Option<&FileState>) -> Result<Fetched, Failure> {
    if let Some(path) = url.strip_prefix("file://") {
        let path = Path::new(path);
        let meta = std::fs::metadata(path)
            .map_err(|e| Failure::Final(crate::failure::io_error("read", path, &e).to_string()))?;
        if meta.len() > MAX_IMPORT_FILE {
            return Err(Failure::Final(too_large(url)));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Final(crate::failure::io_error("read", path, &e).to_string()))?;
        return Ok(Fetched::Body { bytes, etag: None, last_modified: None });
    }
    let mut request = net.agent.get(url);
    if let Some(known) = known {
        if let Some(etag) = &known.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(modified) = &known.last_modified {
            request = request.header("If-Modified-Since", modified);
        }
    }
    let mut response = request.call().map_err(|e| Failure::Transient(format!("{url}: {e}")))?;
    let status = response.status().as_u16();
    if status == 304 && known.is_some() {
        return Ok(Fetched::NotModified);
    }
    if status == 429 || status >= 500 {
        return Err(Failure::Transient(format!("{url}: the server answered {status}")));
    }
    if status != 200 {
        return Err(Failure::Final(format!("{url}: the server answered {status}")));
    }
    let header =
        |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    if header("content-length")
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_IMPORT_FILE)
    {
        return Err(Failure::Final(too_large(url)));
    }
    let bytes =
        response.body_mut().with_config().limit(MAX_IMPORT_FILE + 1).read_to_vec().map_err(
            |e| match e {
                ureq::Error::BodyExceedsLimit(_) => Failure::Final(too_large(url)),
                e => Failure::Transient(format!("{url}: {e}")),
            },
        )?;
    if bytes.len() as u64 > MAX_IMPORT_FILE {
        return Err(Failure::Final(too_large(url)));
    }
    Ok(Fetched::Body { bytes, etag, last_modified })
}

fn too_large(url: &str) -> String {
    format!(
        "{url}: more than the limit of {MAX_IMPORT_FILE} bytes (1 GiB) for a list file; refused"
    )
}

/// Downloads `url`, retrying a transient failure with exponential backoff.
fn fetch(net: &Net, url: &str, known: Option<&FileState>) -> Result<Fetched, String> {
    let mut wait = net.backoff;
    let mut attempt = 0;
    loop {
        match fetch_once(net, url, known) {
            Ok(fetched) => return Ok(fetched),
            Err(Failure::Final(reason)) => return Err(reason),
            Err(Failure::Transient(reason)) if attempt >= net.retries => {
                return Err(if net.retries > 0 {
                    format!("{reason} ({} attempts)", net.retries + 1)
                } else {
                    reason
                });
            }
            Err(Failure::Transient(_)) => {
                std::thread::sleep(wait);
                wait = wait.saturating_mul(2);
                attempt += 1;
            }
        }
    }
}

/// The last path segment of a URL, without its query.
fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// Which file of the format `url` is: by its name (`SDN.CSV`, `sdn.csv.gz`), else by position.
fn role_of(format: &dyn listwatch_parsers::Format, url: &str, position: usize) -> usize {
    let name = url_file_name(url).to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    format
        .files()
        .iter()
        .position(|spec| spec.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .unwrap_or(position)
}

/// What a source's sync did.
#[derive(Serialize)]
struct SyncJson {
    source: String,
    list: String,
    /// `committed`, `unchanged`, `not-modified` or `failed`.
    status: &'static str,
    version: Option<u32>,
    published: Option<Date>,
    error: Option<String>,
    files: Vec<FileState>,
}

/// What a successful sync of a source did (`committed`, `unchanged`, `not-modified`), the
/// list's version after it, and the files it downloaded.
type Synced = (&'static str, Option<(u32, Date)>, Vec<FileState>);

/// Syncs one source: downloads its files and imports them; returns the status and, on success,
/// the new state of its files.
fn sync_one(
    ctx: &Ctx,
    net: &Net,
    source: &Source,
    state: &SourceState,
    guard: &Guard,
    progress: &mut Progress,
) -> Result<Synced, String> {
    progress.step(&format!("{}: downloading {} file(s)", source.name, source.urls.len()));
    // Conditional requests only while every file is unchanged: once one file has changed, the
    // others are needed whole too.
    let mut downloads = Vec::with_capacity(source.urls.len());
    let mut all_unchanged = true;
    for url in &source.urls {
        let known = state.files.iter().find(|f| &f.url == url);
        let fetched = fetch(net, url, if all_unchanged { known } else { None })?;
        match fetched {
            Fetched::NotModified => downloads.push((url, None)),
            Fetched::Body { bytes, etag, last_modified } => {
                all_unchanged = false;
                downloads.push((url, Some((bytes, etag, last_modified))));
            }
        }
    }
    if all_unchanged && !downloads.is_empty() {
        return Ok(("not-modified", state.version.zip(state.published), state.files.clone()));
    }
    // Fetch whole the files answered "not modified" before another one changed.
    for (url, body) in &mut downloads {
        if body.is_none() {
            match fetch(net, url, None)? {
                Fetched::Body { bytes, etag, last_modified } => {
                    *body = Some((bytes, etag, last_modified));
                }
                Fetched::NotModified => return Err(format!("{url}: not modified, unasked")),
            }
        }
    }
    let format = source.format;
    let mut read: Vec<Option<ReadFile>> = format.files().iter().map(|_| None).collect();
    let mut files = Vec::new();
    for (position, (url, body)) in downloads.into_iter().enumerate() {
        let Some((bytes, etag, last_modified)) = body else { continue };
        let role = role_of(format, url, position);
        let Some(slot) = read.get_mut(role) else {
            return Err(format!("{url}: not a file of an {} publication", format.name()));
        };
        files.push(FileState {
            url: url.clone(),
            etag,
            last_modified,
            sha256: Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect(),
            bytes: bytes.len() as u64,
        });
        let name = url_file_name(url);
        let file = import::read_bytes(name, &bytes, format, role)
            .map_err(|e| format!("{url}: {}", crate::failure::render(&e)))?;
        *slot = Some(file);
    }
    if read.first().is_none_or(Option::is_none) {
        return Err(format!(
            "no URL is the main file of an {} publication ({})",
            format.name(),
            format.files()[0].names.join(" or ")
        ));
    }
    let request = Request {
        format,
        list: source.list.clone(),
        source: source.urls.join(" "),
        published: None,
        undated: Some(Date::today_utc()),
        force_date: false,
        guard: *guard,
        source_list: Vec::new(),
        json: true,
    };
    progress.step(&format!("{}: importing", source.name));
    let results = import::import_publication(ctx, &request, read, progress)
        .map_err(|e| crate::failure::render(&e))?;
    let last = results.iter().rev().find(|r| r.status != "skipped").or(results.last());
    let Some(last) = last else { return Err("the publication holds no edition".into()) };
    let status =
        if results.iter().any(|r| r.status == "committed") { "committed" } else { last.status };
    Ok((status, Some((last.version, last.published)), files))
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let (config, text) = load_config(args.config.as_deref())?;
    if args.print_config {
        print!("{text}");
        return Ok(());
    }
    let sources = chosen_sources(&config, &args.sources)?;
    // Several servers or schedulers may share a PostgreSQL store: one syncs at a time, and
    // another takes over once it is done or dead.
    // (The lease is dropped before the store whose runtime drives its connection.)
    let _lead = if ctx.is_postgres() {
        let store = ctx.open_for_writing()?;
        match store.try_lead("sync")? {
            Some(lease) => Some((lease, store)),
            None => {
                eprintln!(
                    "listwatch sync: another process is syncing this store; nothing was done"
                );
                return Ok(());
            }
        }
    } else {
        None
    };
    let json = args.json;
    let report = sync_sources(ctx, &config, &sources, args.max_removal, json, &mut |line| {
        if !json {
            writeln!(std::io::stdout().lock(), "{}", crate::output::clean(line))?;
        }
        Ok(())
    })?;
    if json {
        print_json(&report.sources)?;
    }
    if report.failed > 0 {
        anyhow::bail!(
            "{} of {} sources failed; their last good versions stay current",
            report.failed,
            sources.len()
        );
    }
    Ok(())
}

/// What a sync of the sources did: each source's outcome, and how many failed.
pub(crate) struct SyncReport {
    sources: Vec<SyncJson>,
    pub(crate) failed: usize,
}

/// Reads the sources `sync_configured` would sync, so that a broken file is found before the
/// first sync: their number.
pub(crate) fn check_configured(config: Option<&Path>) -> Result<usize> {
    let env_config = std::env::var_os("LISTWATCH_SOURCES").map(PathBuf::from);
    let (config, _) = load_config(config.or(env_config.as_deref()))?;
    let sources = chosen_sources(&config, &[])?;
    if sources.is_empty() {
        return Err(usage("no source to sync: the configuration has none"));
    }
    Ok(sources.len())
}

/// Syncs every configured source, for a process that leads the store's scheduled work (`serve
/// --sync`): the sources of `config` (else `$LISTWATCH_SOURCES`, else the built-in ones), each
/// outcome a line given to `line`. The caller holds the lead.
pub(crate) fn sync_configured(
    ctx: &Ctx,
    config: Option<&Path>,
    max_removal: f64,
    line: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<SyncReport> {
    let env_config = std::env::var_os("LISTWATCH_SOURCES").map(PathBuf::from);
    let (config, _) = load_config(config.or(env_config.as_deref()))?;
    let sources = chosen_sources(&config, &[])?;
    sync_sources(ctx, &config, &sources, max_removal, true, line)
}

/// Downloads and imports each source, remembering what it learnt of each in the sync state.
/// Each source's outcome is a line given to `line`; the progress line is shown unless `quiet`.
fn sync_sources(
    ctx: &Ctx,
    config: &Config,
    sources: &[Source],
    max_removal: f64,
    quiet: bool,
    line_out: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<SyncReport> {
    if !(0.0..=100.0).contains(&max_removal) {
        return Err(usage(format!("--max-removal must be between 0 and 100, not {max_removal}")));
    }
    if sources.is_empty() {
        return Err(usage("no source to sync: the configuration has none"));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(config.connect_timeout_secs)))
        .timeout_per_read(Some(Duration::from_secs(config.read_timeout_secs)))
        .timeout_recv_response(Some(Duration::from_secs(config.read_timeout_secs)))
        .http_status_as_error(false)
        .user_agent(concat!("listwatch/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let net =
        Net { agent, retries: config.retries, backoff: Duration::from_millis(config.backoff_ms) };
    let guard = Guard { max_removal_share: max_removal / 100.0, allow_removal_of: None };
    let home = StateHome::of(ctx)?;
    let mut state = home.load()?;
    let mut progress = Progress::new(ctx.quiet || quiet);
    let mut report = Vec::new();
    let mut failed = 0;
    for source in sources {
        let previous = state.sources.get(&source.name).cloned().unwrap_or_default();
        let mut next = previous.clone();
        next.list = source.list.to_string();
        next.max_age_secs = source.max_age_secs;
        next.last_attempt = Some(import::now_rfc3339());
        // A sync of another list under the same source name starts afresh.
        if previous.list != next.list {
            next.files.clear();
            next.version = None;
            next.published = None;
        }
        let outcome = sync_one(ctx, &net, source, &next, &guard, &mut progress);
        let line = match outcome {
            Ok((status, version, files)) => {
                next.error = None;
                next.last_success = next.last_attempt.clone();
                next.last_success_unix = Some(import::unix_now());
                next.outcome = Some(status.to_string());
                if let Some((version, published)) = version {
                    next.version = Some(version);
                    next.published = Some(published);
                }
                next.files = files;
                report.push(SyncJson {
                    source: source.name.clone(),
                    list: next.list.clone(),
                    status,
                    version: next.version,
                    published: next.published,
                    error: None,
                    files: next.files.clone(),
                });
                match status {
                    "not-modified" => format!(
                        "{}: not modified since the last sync; version {} stays current",
                        source.name,
                        next.version.map_or("-".into(), |v| v.to_string())
                    ),
                    "committed" => format!(
                        "{}: new version {} of {} (published {})",
                        source.name,
                        next.version.unwrap_or(0),
                        next.list,
                        next.published.map_or("?".into(), |d| d.to_string())
                    ),
                    _ => format!(
                        "{}: the content equals version {} of {}; no new version",
                        source.name,
                        next.version.unwrap_or(0),
                        next.list
                    ),
                }
            }
            Err(reason) => {
                failed += 1;
                next.error = Some(reason.clone());
                report.push(SyncJson {
                    source: source.name.clone(),
                    list: next.list.clone(),
                    status: "failed",
                    version: next.version,
                    published: next.published,
                    error: Some(reason.clone()),
                    files: Vec::new(),
                });
                format!(
                    "{}: FAILED, the source is stale: {reason}; {}",
                    source.name,
                    match next.version {
                        Some(v) => format!("version {v} of {} stays current", next.list),
                        None => format!("{} has no version from this source", next.list),
                    }
                )
            }
        };
        state.sources.insert(source.name.clone(), next);
        home.save(&state)?;
        progress.finish();
        line_out(&line)?;
        progress = Progress::new(ctx.quiet || quiet);
    }
    progress.finish();
    Ok(SyncReport { sources: report, failed })
}

/// A source as `sources` shows it.
#[derive(Serialize)]
struct SourceJson {
    name: String,
    list: String,
    configured: bool,
    last_attempt: Option<String>,
    last_success: Option<String>,
    version: Option<u32>,
    published: Option<Date>,
    stale: bool,
    reason: Option<String>,
}

pub(crate) fn sources(ctx: &Ctx, args: SourcesArgs) -> Result<()> {
    let (config, _) = load_config(args.config.as_deref())?;
    let default_age = parse_age(&config.max_age)?;
    let state = StateHome::of(ctx)?.load()?;
    let now = import::unix_now();
    let mut rows = Vec::new();
    for configured in &config.sources {
        let mut source_state = state.sources.get(&configured.name).cloned().unwrap_or_default();
        source_state.max_age_secs = match &configured.max_age {
            Some(age) => parse_age(age)?,
            None => default_age,
        };
        rows.push((
            configured.name.clone(),
            true,
            configured.list.clone().unwrap_or(configured.name.clone()),
            source_state,
        ));
    }
    for (name, source_state) in &state.sources {
        if !config.sources.iter().any(|s| &s.name == name) {
            rows.push((name.clone(), false, source_state.list.clone(), source_state.clone()));
        }
    }
    let shown: Vec<SourceJson> = rows
        .into_iter()
        .map(|(name, configured, list, s)| {
            let reason = staleness(&s, now);
            SourceJson {
                name,
                list,
                configured,
                last_attempt: s.last_attempt,
                last_success: s.last_success,
                version: s.version,
                published: s.published,
                stale: reason.is_some(),
                reason,
            }
        })
        .collect();
    if args.json {
        return print_json(&shown);
    }
    let mut table =
        Table::new(&["source", "list", "last attempt", "last success", "version", "stale"]);
    for s in &shown {
        table.row(vec![
            s.name.clone(),
            s.list.clone(),
            s.last_attempt.clone().unwrap_or("-".into()),
            s.last_success.clone().unwrap_or("-".into()),
            s.version.map_or("-".into(), |v| {
                format!("{v} ({})", s.published.map_or(String::new(), |d| d.to_string()))
            }),
            s.reason.as_ref().map_or("no".into(), |r| format!("yes: {r}")),
        ]);
    }
    crate::output::to_stdout(|out| table.print(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_sources_are_valid() {
        let (config, _) = load_config(None).unwrap();
        let sources = chosen_sources(&config, &[]).unwrap();
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["ofac-sdn", "ofac-consolidated", "un-sc", "us-csl", "bis-dpl"]);
        for source in &sources {
            for (i, url) in source.urls.iter().enumerate() {
                assert!(url.starts_with("https://"), "{url}");
                assert_eq!(role_of(source.format, url, 99), i, "{url}");
            }
        }
    }

    #[test]
    fn ages_and_staleness() {
        assert_eq!(parse_age("36h").unwrap(), 36 * 3600);
        assert_eq!(parse_age("3d").unwrap(), 3 * 86_400);
        assert!(parse_age("3 days").is_err());
        assert!(parse_age("0d").is_err());
        let mut state = SourceState { max_age_secs: 3600, ..SourceState::default() };
        assert_eq!(staleness(&state, 10_000).as_deref(), Some("never synced"));
        state.last_success_unix = Some(9_000);
        assert_eq!(staleness(&state, 10_000), None);
        assert!(staleness(&state, 20_000).unwrap().contains("more than its maximum age of 1h"));
        state.error = Some("boom".into());
        assert!(staleness(&state, 10_000).unwrap().ends_with("failed: boom"));
    }

    #[test]
    fn a_command_line_source_names_its_format_and_urls() {
        let (config, _) = load_config(None).unwrap();
        let picks = ["mine=ofac-sdn@file:///x/sdn.csv,file:///x/alt.csv".to_string()];
        let sources = chosen_sources(&config, &picks).unwrap();
        assert_eq!(sources[0].urls.len(), 2);
        assert_eq!(role_of(sources[0].format, &sources[0].urls[1], 1), 2);
        assert!(chosen_sources(&config, &["nope".to_string()]).is_err());
        assert!(chosen_sources(&config, &["x=ofac-sdn".to_string()]).is_err());
    }
}
