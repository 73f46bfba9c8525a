//! The audit log: every decision (a screening, a status answer, a holdings check), by the command
//! line or the server, as one JSON line appended to `<store>.audit.jsonl` beside the store.
//!
//! A record holds its id, when (RFC 3339, UTC), who (the API key's name, never the key; `cli`
//! for the command line), the endpoint or command, the SHA-256 of the input and the input itself,
//! the list versions and the matcher (version, configuration and its hash) the decision used, and
//! what was answered (entity ids and scores, or the states). Screening records also hold what
//! replay needs (the matcher queries and the limits), so `listwatch audit replay <id>` rebuilds
//! an index over exactly the recorded versions with the recorded configuration and compares.
//!
//! On a PostgreSQL store the log is the database's table `listwatch.audit` instead, shared by
//! every server and command on it: the same records, one transaction per batch of the group
//! commit, read back in the order written (see [`AuditLog::of`]).
//!
//! Writing: the records of one request (or of one command, or of one chunk of a batch) are
//! written with one `write` under an exclusive lock on the file, then `fsync`ed, before the answer
//! is returned. Ids are the time in milliseconds, a random tag drawn once per process and a
//! counter of the process: unique across processes and machines sharing one log (but for a
//! one in four billion chance of two tags meeting in the same millisecond), and increasing
//! within one process. Retention (`--audit-retention-days` of
//! `serve`, or `$LISTWATCH_AUDIT_RETENTION_DAYS`) rewrites the file without the older records
//! under the same lock, through a temporary file renamed into place.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use listwatch_matcher::{Index, MatcherConfig, Query, ScreenResult};
use listwatch_model::{Date, Schema};

/// The variable that sets the retention of the audit log, in days, when no flag does.
pub(crate) const RETENTION_ENV: &str = "LISTWATCH_AUDIT_RETENTION_DAYS";

/// The audit log of one store.
#[derive(Clone)]
pub(crate) struct AuditLog {
    path: PathBuf,
    /// The PostgreSQL store that keeps the records, instead of the file at `path`.
    shared: Option<std::sync::Arc<listwatch_store::Store>>,
    /// Appends of this handle waiting to be written: one writer at a time writes everything
    /// pending in one write and one `fsync` (group commit), so concurrent decisions share a sync
    /// and each is still answered only once its record is on disk.
    group: std::sync::Arc<(std::sync::Mutex<Group>, std::sync::Condvar)>,
}

/// The state of a group commit.
#[derive(Debug, Default)]
struct Group {
    /// Lines waiting for the next write.
    pending: String,
    /// The batch new lines join; batches are numbered from 1.
    open_batch: u64,
    /// The last batch written and synced (or failed).
    done_batch: u64,
    /// Whether a writer is writing now.
    writing: bool,
    /// The recent batches that failed, with why.
    failed: Vec<(u64, String)>,
}

/// A list version a decision used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct VersionRef {
    pub(crate) list: String,
    pub(crate) version: u32,
}

/// The matcher a screening used.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct MatcherRef {
    pub(crate) version: String,
    pub(crate) config_hash: String,
    /// The configuration, when it is not the default of the matcher's version: the version and
    /// the hash name the default (its hash is pinned by a test), and a record is written for
    /// every decision, so the default's two dozen numbers are not repeated in each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) config: Option<MatcherConfig>,
}

impl MatcherRef {
    pub(crate) fn of(index: &Index) -> MatcherRef {
        static DEFAULT_HASH: std::sync::LazyLock<String> =
            std::sync::LazyLock::new(|| MatcherConfig::default().config_hash());
        let config_hash = index.config_hash();
        MatcherRef {
            version: listwatch_matcher::MATCHER_VERSION.to_string(),
            config_hash: config_hash.to_string(),
            config: (config_hash != DEFAULT_HASH.as_str()).then(|| index.config().clone()),
        }
    }

    /// The configuration used: the recorded one, else the default, which must have the recorded
    /// hash.
    pub(crate) fn config(&self) -> std::result::Result<MatcherConfig, String> {
        let (config, which) = match &self.config {
            Some(config) => (config.clone(), "the recorded configuration"),
            None => (MatcherConfig::default(), "the default configuration of this matcher"),
        };
        let hash = config.config_hash();
        if hash != self.config_hash {
            return Err(format!(
                "{which} has the hash {hash}, and the record names {}",
                self.config_hash
            ));
        }
        Ok(config)
    }
}

/// How to recompute a screening: the matcher queries (their best result per entity is kept), how
/// many results to fetch from the index for each, the cutoff, what was excluded, and how many
/// results were returned.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Replay {
    pub(crate) queries: Vec<Query>,
    pub(crate) fetch: usize,
    pub(crate) limit: usize,
    pub(crate) cutoff: f64,
    pub(crate) exclude_entity_ids: Vec<String>,
    pub(crate) exclude_schema: Vec<Schema>,
}

impl Replay {
    /// The results of the queries on `index`: the best of each entity, at or above the cutoff,
    /// not excluded, by score then id, at most `limit`.
    pub(crate) fn run(&self, index: &Index) -> Vec<ScreenResult> {
        let mut results = self.rank(index);
        results.truncate(self.limit);
        results
    }

    /// [`Replay::run`] before the limit: `/match` applies filters of its own (`changed_since`)
    /// while it takes the first `limit`.
    pub(crate) fn rank(&self, index: &Index) -> Vec<ScreenResult> {
        let mut best: std::collections::HashMap<String, ScreenResult> = Default::default();
        for query in &self.queries {
            for result in index.screen(query, self.fetch) {
                match best.get(&result.entity_id) {
                    Some(found) if found.score >= result.score => {}
                    _ => {
                        best.insert(result.entity_id.clone(), result);
                    }
                }
            }
        }
        let mut results: Vec<ScreenResult> = best
            .into_values()
            .filter(|r| r.score >= self.cutoff)
            .filter(|r| !self.exclude_schema.contains(&r.schema))
            .filter(|r| !self.exclude_entity_ids.contains(&r.entity_id))
            .collect();
        results.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then_with(|| a.entity_id.cmp(&b.entity_id))
        });
        results
    }
}

/// One result of a screening as a record keeps it.
#[derive(Serialize)]
pub(crate) struct ResultRef<'a> {
    entity_id: &'a str,
    #[serde(rename = "match")]
    is_match: bool,
    score: f64,
}

/// The results of a screening as a record keeps them: entity ids, scores, and whether each is a
/// match.
pub(crate) fn screen_results<'a>(
    results: impl IntoIterator<Item = &'a ScreenResult>,
) -> Vec<ResultRef<'a>> {
    results.into_iter().map(|r| ResultRef::new(&r.entity_id, r.score, r.is_match)).collect()
}

impl<'a> ResultRef<'a> {
    pub(crate) fn new(entity_id: &'a str, score: f64, is_match: bool) -> ResultRef<'a> {
        ResultRef { entity_id, is_match, score }
    }
}

/// `value` as JSON text; `null` in the impossible case that it does not serialize (every type
/// recorded serializes, having string keys only).
fn raw_json(value: &(impl Serialize + ?Sized)) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// A page of the audit log.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) records: Vec<Record>,
    /// The id to read after for the next page; `None` on the last page.
    pub(crate) next: Option<String>,
}

/// One decision.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    pub(crate) id: String,
    pub(crate) at: String,
    pub(crate) key: String,
    pub(crate) endpoint: String,
    pub(crate) input_sha256: String,
    /// The input, as JSON text: written once, hashed and kept as it is, without a tree of values.
    pub(crate) input: Box<RawValue>,
    pub(crate) list_versions: Vec<VersionRef>,
    pub(crate) matcher: Option<MatcherRef>,
    pub(crate) replay: Option<Replay>,
    /// The results returned, as JSON text.
    pub(crate) results: Box<RawValue>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// What tells this process's record ids from another's made in the same millisecond: random,
/// drawn once, since servers on several machines share one log and process ids repeat across
/// machines.
fn process_tag() -> u32 {
    static TAG: std::sync::LazyLock<u32> = std::sync::LazyLock::new(|| {
        let mut bytes = [0u8; 4];
        match getrandom::fill(&mut bytes) {
            Ok(()) => u32::from_le_bytes(bytes),
            Err(_) => std::process::id(),
        }
    });
    *TAG
}

impl Record {
    /// A new record, with its id, time and input hash (SHA-256 of the input's JSON text as
    /// recorded).
    pub(crate) fn new(
        key: &str,
        endpoint: &str,
        input: &(impl Serialize + ?Sized),
        list_versions: Vec<VersionRef>,
        results: &(impl Serialize + ?Sized),
    ) -> Record {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let input = raw_json(input);
        let results = raw_json(results);
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hash = String::with_capacity(64);
        for byte in Sha256::digest(input.get().as_bytes()) {
            hash.push(HEX[usize::from(byte >> 4)] as char);
            hash.push(HEX[usize::from(byte & 15)] as char);
        }
        Record {
            id: format!("{now:013}-{:x}-{n:06}", process_tag()),
            at: crate::cli::import::now_rfc3339(),
            key: key.to_string(),
            endpoint: endpoint.to_string(),
            input_sha256: hash,
            input,
            list_versions,
            matcher: None,
            replay: None,
            results,
        }
    }

    /// The record with the matcher and what replay needs.
    pub(crate) fn screening(mut self, index: &Index, replay: Replay) -> Record {
        self.matcher = Some(MatcherRef::of(index));
        self.replay = Some(replay);
        self
    }
}

/// The list versions of an index.
pub(crate) fn index_versions(index: &Index) -> Vec<VersionRef> {
    index
        .list_versions()
        .into_iter()
        .map(|v| VersionRef { list: v.list, version: v.version })
        .collect()
}

/// The list versions a consultation rests on.
pub(crate) fn consulted_versions(
    consultation: &listwatch_core::catalog::Consultation,
) -> Vec<VersionRef> {
    consultation
        .consulted
        .iter()
        .map(|(list, v)| VersionRef { list: list.to_string(), version: v.version })
        .collect()
}

/// What identifies a record, read from its JSON line.
#[derive(Deserialize)]
struct Head {
    id: String,
    at: String,
    key: String,
}

/// The store's entries for audit lines: each line's head, and the line.
fn entries(lines: &str) -> Result<Vec<listwatch_store::AuditEntry>> {
    let mut entries = Vec::new();
    for line in lines.lines().filter(|line| !line.trim().is_empty()) {
        let head: Head = serde_json::from_str(line).context("an audit record to write")?;
        entries.push(listwatch_store::AuditEntry {
            id: head.id,
            at: head.at,
            key: head.key,
            body: line.to_string(),
        });
    }
    Ok(entries)
}

impl AuditLog {
    /// The audit log beside the store `store`: `<store>.audit.jsonl`.
    pub(crate) fn beside(store: &Path) -> AuditLog {
        let mut path = store.as_os_str().to_owned();
        path.push(".audit.jsonl");
        let group = Group { open_batch: 1, ..Group::default() };
        AuditLog {
            path: PathBuf::from(path),
            shared: None,
            group: std::sync::Arc::new((group.into(), Default::default())),
        }
    }

    /// The audit log of the store of `ctx`: on PostgreSQL the database's own table, shared by
    /// every process on it; else the file beside the store.
    pub(crate) fn of(ctx: &crate::cli::Ctx) -> Result<AuditLog> {
        let mut log = AuditLog::beside(&ctx.side_path());
        if ctx.is_postgres() {
            log.shared = Some(std::sync::Arc::new(ctx.open_existing()?));
        }
        Ok(log)
    }

    /// Where the records go, as a person reads it.
    pub(crate) fn shown(&self) -> String {
        match &self.shared {
            Some(_) => "the table listwatch.audit of the store".to_string(),
            None => self.path.display().to_string(),
        }
    }

    /// Opens the file to append, locked: when a pruning replaced the file between the open and
    /// the lock, opens the new one.
    fn open_locked(&self) -> Result<File> {
        loop {
            let file =
                OpenOptions::new().append(true).create(true).open(&self.path).with_context(
                    || format!("cannot open the audit log {}", self.path.display()),
                )?;
            file.lock()
                .with_context(|| format!("cannot lock the audit log {}", self.path.display()))?;
            if same_file(&file, &self.path) {
                return Ok(file);
            }
        }
    }

    /// Appends `records` and returns once they are synced to disk. Appends made at the same time
    /// through this handle are written together: the first to find no write in progress writes
    /// everything pending in one write under the file's lock and syncs it once.
    pub(crate) fn append(&self, records: &[Record]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let text = lines(records)?;
        let (lock, written) = &*self.group;
        let poisoned = || anyhow::anyhow!("the audit log's writer failed");
        let mut group = lock.lock().map_err(|_| poisoned())?;
        group.pending.push_str(&text);
        let batch = group.open_batch;
        loop {
            if group.done_batch >= batch {
                return match group.failed.iter().find(|(b, _)| *b == batch) {
                    Some((_, why)) => Err(anyhow::anyhow!("{why}")),
                    None => Ok(()),
                };
            }
            if group.writing {
                group = written.wait(group).map_err(|_| poisoned())?;
                continue;
            }
            // Write the open batch, this append's among them.
            group.writing = true;
            let lines = std::mem::take(&mut group.pending);
            let writing = group.open_batch;
            group.open_batch += 1;
            drop(group);
            let outcome = self.write_synced(&lines);
            group = lock.lock().map_err(|_| poisoned())?;
            group.writing = false;
            group.done_batch = writing;
            if let Err(err) = outcome {
                group.failed.push((writing, format!("{err:#}")));
                let keep = group.failed.len().saturating_sub(64);
                group.failed.drain(..keep);
            }
            written.notify_all();
        }
    }

    /// Starts the thread that writes the server's records ([`AuditWriter`]).
    pub(crate) fn writer(&self) -> AuditWriter {
        let (sender, receiver) = std::sync::mpsc::channel::<Submission>();
        let log = self.clone();
        let spawned = std::thread::Builder::new().name("audit-writer".into()).spawn(move || {
            // On PostgreSQL, a connection that this thread drives itself.
            let mut appender = None;
            // Ends when every sender is gone.
            while let Ok(first) = receiver.recv() {
                let mut batch = vec![first];
                while let Ok(next) = receiver.try_recv() {
                    batch.push(next);
                }
                let text: String = batch.iter().map(|(lines, _)| lines.as_str()).collect();
                let outcome =
                    log.write_batch(&text, &mut appender).map_err(|err| format!("{err:#}"));
                for (_, done) in batch {
                    let _ = done.send(outcome.clone());
                }
            }
        });
        AuditWriter { sender: spawned.ok().map(|_| sender) }
    }

    /// Writes `lines` in one write under the file's lock and syncs them; on PostgreSQL, in one
    /// transaction.
    fn write_synced(&self, lines: &str) -> Result<()> {
        if let Some(store) = &self.shared {
            return store
                .append_audit(&entries(lines)?)
                .context("cannot write to the audit log in the store");
        }
        self.write_file(lines)
    }

    /// [`AuditLog::write_synced`] for a thread that writes batch after batch: on PostgreSQL,
    /// through an appender it keeps in `appender`, made at the first batch.
    fn write_batch(
        &self,
        lines: &str,
        appender: &mut Option<listwatch_store::AuditAppender>,
    ) -> Result<()> {
        let Some(store) = &self.shared else {
            return self.write_file(lines);
        };
        let entries = entries(lines)?;
        let appender = match appender {
            Some(appender) => appender,
            None => appender.insert(
                store.audit_appender().context("cannot write to the audit log in the store")?,
            ),
        };
        appender.append(&entries).context("cannot write to the audit log in the store")
    }

    /// Writes `lines` to the log file in one write under its lock, and syncs them.
    fn write_file(&self, lines: &str) -> Result<()> {
        let mut file = self.open_locked()?;
        file.write_all(lines.as_bytes())
            .and_then(|()| file.sync_data())
            .with_context(|| format!("cannot write to the audit log {}", self.path.display()))
    }

    /// Every record, oldest first, those from `since` on and of key `key` when given.
    pub(crate) fn read(&self, since: Option<Date>, key: Option<&str>) -> Result<Vec<Record>> {
        let since = since.map(|d| d.to_string());
        if let Some(store) = &self.shared {
            let bodies = store
                .audit(since.as_deref(), key)
                .context("cannot read the audit log in the store")?;
            return bodies.iter().map(|body| stored_record(body)).collect();
        }
        let mut records = Vec::new();
        self.for_each_line(&mut |n, line| {
            let record: Record = self.parse_line(n, &line)?;
            if keeps(&record, since.as_deref(), key) {
                records.push(record);
            }
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(records)
    }

    /// Hands each non-empty line of the log file to `each` with its line number, in order, until
    /// `each` breaks; a log file that does not exist yet has none.
    fn for_each_line(
        &self,
        each: &mut dyn FnMut(usize, String) -> Result<ControlFlow<()>>,
    ) -> Result<()> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(err) => {
                return Err(anyhow::Error::new(err)
                    .context(format!("cannot read the audit log {}", self.path.display())));
            }
        };
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line =
                line.with_context(|| format!("cannot read the audit log {}", self.path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            if each(n + 1, line)?.is_break() {
                break;
            }
        }
        Ok(())
    }

    /// Line `n` of the log file read as `T` (a record, or its head).
    fn parse_line<T: serde::de::DeserializeOwned>(&self, n: usize, line: &str) -> Result<T> {
        serde_json::from_str(line).with_context(|| {
            format!("the audit log {}, line {n}: not a record", self.path.display())
        })
    }

    /// Every record as its JSON text, oldest first, each checked to be a record, handed to `each`
    /// in chunks of at most `chunk` records until it breaks: the log is never held whole.
    pub(crate) fn for_each_chunk(
        &self,
        chunk: usize,
        each: &mut dyn FnMut(&[String]) -> Result<ControlFlow<()>>,
    ) -> Result<()> {
        let chunk = chunk.max(1);
        if let Some(store) = &self.shared {
            let mut after: Option<String> = None;
            loop {
                let page = store
                    .audit_page(None, None, after.as_deref(), chunk)
                    .context("cannot read the audit log in the store")?
                    .context("the audit log in the store changed while it was read")?;
                let mut last = None;
                for body in &page {
                    let head: Head = serde_json::from_str(body)
                        .context("the audit log in the store: not a record")?;
                    last = Some(head.id);
                }
                if !page.is_empty() && each(&page)?.is_break() {
                    return Ok(());
                }
                if page.len() < chunk {
                    return Ok(());
                }
                after = last;
            }
        }
        let mut records = Vec::with_capacity(chunk);
        let mut stopped = false;
        self.for_each_line(&mut |n, line| {
            self.parse_line::<Head>(n, &line)?;
            records.push(line);
            if records.len() < chunk {
                return Ok(ControlFlow::Continue(()));
            }
            let flow = each(&records)?;
            records.clear();
            stopped = flow.is_break();
            Ok(flow)
        })?;
        if !stopped && !records.is_empty() {
            // The last chunk: whether `each` breaks changes nothing.
            let _ = each(&records)?;
        }
        Ok(())
    }

    /// Whether the log holds no record.
    pub(crate) fn is_empty(&self) -> Result<bool> {
        let mut empty = true;
        self.for_each_chunk(1, &mut |_| {
            empty = false;
            Ok(ControlFlow::Break(()))
        })?;
        Ok(empty)
    }

    /// How many records the log holds, and the SHA-256 of their texts, each followed by a
    /// newline: what [`AuditLog::copy_to`] compares.
    fn fingerprint(&self) -> Result<(usize, [u8; 32])> {
        let mut hasher = Sha256::new();
        let mut count = 0;
        self.for_each_chunk(COPY_CHUNK, &mut |records| {
            for record in records {
                hasher.update(record.as_bytes());
                hasher.update(b"\n");
            }
            count += records.len();
            Ok(ControlFlow::Continue(()))
        })?;
        Ok((count, hasher.finalize().into()))
    }

    /// Copies every record of this log, as written, to the end of `target`, which must hold no
    /// record yet, a chunk at a time, then reads `target` back and checks it holds the same
    /// records in the same order (their count and the SHA-256 of their texts). Returns how many
    /// were copied.
    pub(crate) fn copy_to(&self, target: &AuditLog) -> Result<usize> {
        self.copy_in_chunks(target, COPY_CHUNK)
    }

    fn copy_in_chunks(&self, target: &AuditLog, chunk: usize) -> Result<usize> {
        if !target.is_empty()? {
            bail!("the audit log {} already holds records", target.shown());
        }
        let mut hasher = Sha256::new();
        let mut count = 0;
        self.for_each_chunk(chunk, &mut |records| {
            let mut text = String::with_capacity(records.iter().map(|r| r.len() + 1).sum());
            for record in records {
                text.push_str(record);
                text.push('\n');
            }
            hasher.update(text.as_bytes());
            count += records.len();
            target.write_synced(&text).map(ControlFlow::Continue)
        })?;
        let written: [u8; 32] = hasher.finalize().into();
        let (read_back, digest) = target.fingerprint()?;
        if (read_back, digest) != (count, written) {
            bail!(
                "the audit log copied to {} differs from {}: {count} records written, {read_back} read back{}",
                target.shown(),
                self.shown(),
                if read_back == count { " with other contents" } else { "" }
            );
        }
        Ok(count)
    }

    /// One page of [`AuditLog::read`]: at most `limit` records after the record `after` (the
    /// `next` of the page before), and the id to ask after for the next page, if there are more
    /// records. `None` when `after` is not in the log. The log file is read up to the end of the
    /// page only.
    pub(crate) fn read_page(
        &self,
        since: Option<Date>,
        key: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Option<Page>> {
        let since = since.map(|d| d.to_string());
        let mut records: Vec<Record> = if let Some(store) = &self.shared {
            let Some(bodies) = store
                .audit_page(since.as_deref(), key, after, limit.saturating_add(1))
                .context("cannot read the audit log in the store")?
            else {
                return Ok(None);
            };
            bodies.iter().map(|body| stored_record(body)).collect::<Result<_>>()?
        } else {
            let mut found = after.is_none();
            let mut page = Vec::new();
            self.for_each_line(&mut |n, line| {
                let record: Record = self.parse_line(n, &line)?;
                if !found {
                    found = after == Some(record.id.as_str());
                } else if keeps(&record, since.as_deref(), key) {
                    page.push(record);
                    if page.len() > limit {
                        return Ok(ControlFlow::Break(()));
                    }
                }
                Ok(ControlFlow::Continue(()))
            })?;
            if !found {
                return Ok(None);
            }
            page
        };
        let next = if records.len() > limit {
            records.truncate(limit);
            records.last().map(|r| r.id.clone())
        } else {
            None
        };
        Ok(Some(Page { records, next }))
    }

    /// The record with id `id`.
    pub(crate) fn find(&self, id: &str) -> Result<Option<Record>> {
        if let Some(store) = &self.shared {
            let body = store.audit_record(id).context("cannot read the audit log in the store")?;
            return body.map(|body| stored_record(&body)).transpose();
        }
        let mut found = None;
        self.for_each_line(&mut |n, line| {
            let record: Record = self.parse_line(n, &line)?;
            if record.id == id {
                found = Some(record);
                return Ok(ControlFlow::Break(()));
            }
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(found)
    }

    /// Removes the records older than `days` days: writes the others to a temporary file beside
    /// the log, syncs it and renames it into place, under the log's lock. Returns how many were
    /// removed.
    pub(crate) fn prune(&self, days: u32) -> Result<usize> {
        let cutoff = Date::from_days(Date::today_utc().to_days() - i64::from(days))
            .unwrap_or(Date::MIN)
            .to_string();
        if let Some(store) = &self.shared {
            let removed =
                store.prune_audit(&cutoff).context("cannot prune the audit log in the store")?;
            return Ok(usize::try_from(removed).unwrap_or(usize::MAX));
        }
        if !self.path.exists() {
            return Ok(0);
        }
        let _lock = self.open_locked()?;
        let file = File::open(&self.path)?;
        let mut kept = String::new();
        let mut removed = 0;
        for line in BufReader::new(file).lines() {
            let line = line?;
            let old = serde_json::from_str::<Record>(&line)
                .is_ok_and(|r| r.at.get(..10).unwrap_or("") < cutoff.as_str());
            if old {
                removed += 1;
            } else if !line.trim().is_empty() {
                kept.push_str(&line);
                kept.push('\n');
            }
        }
        if removed == 0 {
            return Ok(0);
        }
        let name =
            self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = self.path.with_file_name(format!(".{name}.{}.pruning", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut out = File::create(&temp)?;
            out.write_all(kept.as_bytes())?;
            out.sync_all()?;
            std::fs::rename(&temp, &self.path)?;
            if let Some(dir) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                File::open(dir)?.sync_all()?;
            }
            Ok(())
        };
        if let Err(err) = write() {
            let _ = std::fs::remove_file(&temp);
            return Err(anyhow::Error::new(err)
                .context(format!("cannot prune the audit log {}", self.path.display())));
        }
        Ok(removed)
    }
}

/// Whether `record` is of the day `since` or later and of the key `key`, each when given.
fn keeps(record: &Record, since: Option<&str>, key: Option<&str>) -> bool {
    since.is_none_or(|s| record.at.get(..10).unwrap_or("") >= s)
        && key.is_none_or(|k| record.key == k)
}

/// A record as the store's table keeps it.
fn stored_record(body: &str) -> Result<Record> {
    serde_json::from_str(body).context("the audit log in the store: not a record")
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

/// The retention in days: the flag, else `$LISTWATCH_AUDIT_RETENTION_DAYS`, else none (keep
/// everything).
pub(crate) fn retention(flag: Option<u32>) -> Result<Option<u32>> {
    if flag.is_some() {
        return Ok(flag);
    }
    match std::env::var(RETENTION_ENV) {
        Ok(value) if !value.trim().is_empty() => value.trim().parse().map(Some).map_err(|_| {
            crate::failure::usage(format!("${RETENTION_ENV} must be a whole number of days"))
        }),
        _ => Ok(None),
    }
}

/// A recomputed decision beside the recorded one.
pub(crate) struct Replayed {
    pub(crate) recorded: serde_json::Value,
    pub(crate) recomputed: serde_json::Value,
}

/// Recomputes a recorded screening from the recorded list versions with the recorded matcher
/// configuration. A record that is not a screening, or whose matcher version is not this one,
/// is an error saying so.
pub(crate) fn replay(store: &listwatch_store::Store, record: &Record) -> Result<Replayed> {
    let (Some(matcher), Some(replay)) = (&record.matcher, &record.replay) else {
        anyhow::bail!(
            "record {} ({}) is not a screening: only screening decisions can be replayed",
            record.id,
            record.endpoint
        );
    };
    if matcher.version != listwatch_matcher::MATCHER_VERSION {
        anyhow::bail!(
            "record {} was made by {}, and this is {}: its scores cannot be recomputed exactly",
            record.id,
            matcher.version,
            listwatch_matcher::MATCHER_VERSION
        );
    }
    let config = matcher.config().map_err(|why| {
        anyhow::anyhow!("record {}: its scores cannot be recomputed exactly: {why}", record.id)
    })?;
    let versions: Vec<(String, u32)> =
        record.list_versions.iter().map(|v| (v.list.clone(), v.version)).collect();
    let index = listwatch_core::screening::build_index_at(store, &config, &versions)
        .map_err(crate::failure::from_core)?;
    let results = replay.run(&index);
    // Through the same text as the record, so equal scores compare equal.
    let recomputed = serde_json::from_str(&serde_json::to_string(&screen_results(&results))?)?;
    let recorded = serde_json::from_str(record.results.get())?;
    Ok(Replayed { recorded, recomputed })
}

/// The record of a status answer: the question, the states (overall and per entity), and the
/// list versions consulted.
pub(crate) fn status_record(
    key: &str,
    endpoint: &str,
    query: &str,
    question: listwatch_status::Question,
    answer: &listwatch_core::status::StatusAnswer,
) -> Record {
    let json = serde_json::to_value(crate::cli::status::status_json(query, answer))
        .unwrap_or(serde_json::Value::Null);
    let matches: Vec<serde_json::Value> = json["matches"]
        .as_array()
        .map(|matches| {
            matches
                .iter()
                .map(|m| serde_json::json!({"entity_id": m["entity_id"], "state": m["state"]}))
                .collect()
        })
        .unwrap_or_default();
    Record::new(
        key,
        endpoint,
        &serde_json::json!({"q": query, "as_of": question.as_of, "known_on": question.known_on}),
        consulted_versions(&answer.consultation),
        &serde_json::json!({"overall": json["overall"]["state"], "matches": matches}),
    )
}

/// The record of a holdings check: the holdings (row, ISIN, ticker), the verdicts, and the list
/// versions consulted.
pub(crate) fn portfolio_record(
    key: &str,
    endpoint: &str,
    question: listwatch_status::Question,
    consultation: &listwatch_core::catalog::Consultation,
    holdings: &[listwatch_core::holdings::Holding],
) -> Record {
    let rows: Vec<serde_json::Value> = holdings
        .iter()
        .map(|h| serde_json::json!({"row": h.row, "isin": h.isin, "ticker": h.ticker}))
        .collect();
    let verdicts: Vec<serde_json::Value> = holdings
        .iter()
        .map(|h| {
            serde_json::json!({"row": h.row, "status": h.status.as_str(), "entity_id": h.entity_id})
        })
        .collect();
    Record::new(
        key,
        endpoint,
        &serde_json::json!({"as_of": question.as_of, "known_on": question.known_on, "holdings": rows}),
        consulted_versions(consultation),
        &verdicts,
    )
}

/// Records the command line's decisions in the audit log of the store of `ctx`. A log that cannot
/// be written (a read-only mount of the store's folder) is a warning on standard error, not a
/// failure: the command line also serves read-only stores. The server fails the request instead.
pub(crate) fn record_cli(ctx: &crate::cli::Ctx, records: &[Record]) {
    if records.is_empty() {
        return;
    }
    // One log per process: a batch records every chunk through the same connection.
    static LOG: std::sync::OnceLock<std::sync::Mutex<Option<(PathBuf, AuditLog)>>> =
        std::sync::OnceLock::new();
    let opened = (|| -> Result<AuditLog> {
        let mut cached = LOG.get_or_init(Default::default).lock().map_err(|_| {
            anyhow::anyhow!("the audit log's handle was poisoned by a failed thread")
        })?;
        match &*cached {
            Some((db, log)) if db == ctx.db_path() => Ok(log.clone()),
            _ => {
                let log = AuditLog::of(ctx)?;
                *cached = Some((ctx.db_path().to_path_buf(), log.clone()));
                Ok(log)
            }
        }
    })();
    if let Err(err) = opened.and_then(|log| log.append(records)) {
        eprintln!("listwatch: warning: the decision is not recorded in the audit log: {err:#}");
    }
}

#[cfg(test)]
mod tests {
    use super::{AuditLog, Record};

    /// `n` records as lines of the log (only their heads matter to a copy).
    fn lines(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!("{{\"id\":\"{i:05}\",\"at\":\"2026-11-30T12:00:00Z\",\"key\":\"k\",\"n\":{i}}}\n")
            })
            .collect()
    }

    #[test]
    fn a_copy_goes_a_chunk_at_a_time_and_keeps_every_record_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let source = AuditLog::beside(&dir.path().join("a.redb"));
        source.write_synced(&lines(12)).unwrap();
        let target = AuditLog::beside(&dir.path().join("b.redb"));
        assert!(target.is_empty().unwrap());
        assert_eq!(source.copy_in_chunks(&target, 5).unwrap(), 12);
        assert_eq!(
            std::fs::read_to_string(&target.path).unwrap(),
            std::fs::read_to_string(&source.path).unwrap()
        );
        let again = source.copy_in_chunks(&target, 5).unwrap_err().to_string();
        assert!(again.contains("already holds records"), "{again}");
    }

    #[test]
    fn a_copy_from_postgres_pages_through_the_table() {
        let Some(database) = listwatch_store::testing::TestDatabase::create() else { return };
        let dir = tempfile::tempdir().unwrap();
        let mut source = AuditLog::beside(&dir.path().join("pg"));
        source.shared =
            Some(std::sync::Arc::new(listwatch_store::Store::connect(database.url()).unwrap()));
        source.write_synced(&lines(12)).unwrap();
        let target = AuditLog::beside(&dir.path().join("b.redb"));
        assert_eq!(source.copy_in_chunks(&target, 5).unwrap(), 12);
        assert_eq!(std::fs::read_to_string(&target.path).unwrap(), lines(12));
        // Back into an empty table, a page at a time as well.
        let back_db = listwatch_store::testing::TestDatabase::create().unwrap();
        let mut back = AuditLog::beside(&dir.path().join("pg2"));
        back.shared =
            Some(std::sync::Arc::new(listwatch_store::Store::connect(back_db.url()).unwrap()));
        assert_eq!(target.copy_in_chunks(&back, 5).unwrap(), 12);
        assert_eq!(back.fingerprint().unwrap(), source.fingerprint().unwrap());
    }

    #[test]
    fn concurrent_appends_are_all_written_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::beside(&dir.path().join("lw.redb"));
        std::thread::scope(|scope| {
            for thread in 0..8 {
                let log = log.clone();
                scope.spawn(move || {
                    for n in 0..25 {
                        let record = Record::new(
                            "test",
                            "screen",
                            &serde_json::json!({"thread": thread, "n": n}),
                            Vec::new(),
                            &(),
                        );
                        log.append(&[record]).unwrap();
                    }
                });
            }
        });
        let records = log.read(None, None).unwrap();
        assert_eq!(records.len(), 200);
        let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 200, "every record once");
    }
}

/// Records as JSON lines, each ending in a newline. A large batch is serialized on every core.
pub(crate) fn lines(records: &[Record]) -> Result<String> {
    let lines: Vec<String> = if records.len() >= 64 {
        use rayon::prelude::*;
        records.par_iter().map(serde_json::to_string).collect::<Result<_, _>>()?
    } else {
        records.iter().map(serde_json::to_string).collect::<Result<_, _>>()?
    };
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in &lines {
        text.push_str(line);
        text.push('\n');
    }
    Ok(text)
}

/// Lines to write, and where to say whether they were.
/// Records copied or compared at a time.
const COPY_CHUNK: usize = 5_000;

type Submission = (String, tokio::sync::oneshot::Sender<std::result::Result<(), String>>);

/// The server's audit writer: one thread that takes what requests submit and writes everything
/// waiting in one write and one `fsync` (group commit), then tells each request. A request
/// waits for its records without holding a thread of the blocking pool while the disk syncs.
#[derive(Clone)]
pub(crate) struct AuditWriter {
    sender: Option<std::sync::mpsc::Sender<Submission>>,
}

impl AuditWriter {
    fn submit(
        &self,
        lines: String,
    ) -> Result<tokio::sync::oneshot::Receiver<std::result::Result<(), String>>> {
        let stopped = || anyhow::anyhow!("the audit log's writer is not running");
        let (done, receiver) = tokio::sync::oneshot::channel();
        self.sender.as_ref().ok_or_else(stopped)?.send((lines, done)).map_err(|_| stopped())?;
        Ok(receiver)
    }

    /// Returns once `lines` are written and synced.
    pub(crate) async fn commit(&self, lines: String) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let outcome = self.submit(lines)?.await;
        outcome
            .map_err(|_| anyhow::anyhow!("the audit log's writer stopped"))?
            .map_err(|why| anyhow::anyhow!(why))
    }

    /// [`AuditWriter::commit`] for a thread that may block.
    pub(crate) fn commit_blocking(&self, lines: String) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let outcome = self.submit(lines)?.blocking_recv();
        outcome
            .map_err(|_| anyhow::anyhow!("the audit log's writer stopped"))?
            .map_err(|why| anyhow::anyhow!(why))
    }
}
