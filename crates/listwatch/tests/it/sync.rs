//! `listwatch sync` against a local HTTP server on 127.0.0.1: conditional requests (ETag, 304),
//! the guards on a downloaded publication, and a source that hangs, fails or sends a truncated
//! gzip file, each leaving the last good version current and the source stale.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::{data_dir, fixture, run, run_json};

/// A tiny HTTP/1.1 server serving the files of a folder, with an ETag per content and 304 for a
/// matching If-None-Match. `/hang/...` never answers; `/error/...` answers 500, counted.
struct Server {
    base: String,
    dir: tempfile::TempDir,
    errors: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let errors = Arc::new(AtomicUsize::new(0));
        let counter = errors.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, counter) = (root.clone(), counter.clone());
                std::thread::spawn(move || {
                    let _ = handle(stream, &root, &counter);
                });
            }
        });
        Server { base, dir, errors }
    }

    fn put(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }
}

fn etag_of(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

fn handle(mut stream: TcpStream, root: &Path, errors: &AtomicUsize) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let if_none_match = head.lines().find_map(|l| {
        l.to_ascii_lowercase().starts_with("if-none-match:").then(|| l[14..].trim().to_string())
    });
    if path.starts_with("/hang/") {
        std::thread::sleep(Duration::from_secs(30));
        return Ok(());
    }
    if path.starts_with("/error/") {
        errors.fetch_add(1, Ordering::SeqCst);
        return stream.write_all(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    }
    let Ok(bytes) = std::fs::read(root.join(path.trim_start_matches('/'))) else {
        return stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    let etag = etag_of(&bytes);
    if if_none_match.as_deref() == Some(etag.as_str()) {
        return stream.write_all(
            format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
    }
    stream.write_all(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: {etag}\r\nConnection: close\r\n\r\n",
            bytes.len()
        )
        .as_bytes(),
    )?;
    stream.write_all(&bytes)
}

/// A sources file of one ofac-sdn source at `url`, with short timeouts.
fn config(dir: &Path, sources: &[(&str, &str, &str)]) -> PathBuf {
    let mut text = String::from(
        "connect_timeout_secs = 2\nread_timeout_secs = 1\nretries = 2\nbackoff_ms = 10\n",
    );
    for (name, format, urls) in sources {
        let urls: Vec<String> = urls.split(' ').map(|u| format!("{u:?}")).collect();
        text.push_str(&format!(
            "\n[[source]]\nname = {name:?}\nformat = {format:?}\nurls = [{}]\n",
            urls.join(", ")
        ));
    }
    let path = dir.join("sources.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn sync_json(db: &Path, config: &Path) -> (Option<i32>, serde_json::Value) {
    let output = run(db, &["sync", "--config", config.to_str().unwrap(), "--json"]);
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} / {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), json)
}

fn source_row(db: &Path, config: &Path, name: &str) -> serde_json::Value {
    let rows = run_json(db, &["sources", "--config", config.to_str().unwrap(), "--json"]);
    rows.as_array().unwrap().iter().find(|r| r["name"] == name).cloned().unwrap()
}

#[test]
fn sync_imports_new_versions_refuses_an_empty_file_and_skips_unchanged_ones() {
    if !crate::have_data() {
        return;
    }
    let daily = data_dir().join("ofac-sdn-daily");
    let server = Server::start();
    let work = tempfile::tempdir().unwrap();
    let db = work.path().join("lw.redb");
    let cfg = config(work.path(), &[("sdn", "ofac-sdn", &server.url("sdn.csv"))]);
    let serve =
        |day: &str| server.put("sdn.csv", &std::fs::read(daily.join(day).join("sdn.csv")).unwrap());

    serve("2022-03-21");
    let (code, out) = sync_json(&db, &cfg);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out[0]["status"], "committed");
    assert_eq!(out[0]["version"], 1);
    assert_eq!(out[0]["files"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(source_row(&db, &cfg, "sdn")["stale"], false);
    // An OFAC CSV carries no date: the version says it is dated the download day.
    let versions = run_json(&db, &["versions", "sdn", "--json"]);
    assert!(versions.to_string().contains("dated the day they were downloaded"), "{versions}");

    serve("2022-03-24");
    let (code, out) = sync_json(&db, &cfg);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        (out[0]["status"].as_str(), out[0]["version"].as_u64()),
        (Some("committed"), Some(2))
    );

    // The empty publication of 2024-05-04 is refused: version 2 stays current, the source is stale.
    serve("2024-05-04");
    let (code, out) = sync_json(&db, &cfg);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(out[0]["status"], "failed");
    assert_eq!(out[0]["version"], 2);
    let row = source_row(&db, &cfg, "sdn");
    assert_eq!(row["stale"], true);
    assert_eq!(row["version"], 2);
    assert!(row["reason"].as_str().unwrap().contains("failed"), "{row}");
    let versions = run_json(&db, &["versions", "sdn", "--json"]);
    assert_eq!(versions.as_array().map(Vec::len), Some(2), "{versions}");

    // 2022-03-24 again: its ETag was remembered only after its import succeeded, so the server
    // answers 304 and no version is created; the source is fresh again.
    serve("2022-03-24");
    let (code, out) = sync_json(&db, &cfg);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out[0]["status"], "not-modified");
    assert_eq!(out[0]["version"], 2);
    assert_eq!(source_row(&db, &cfg, "sdn")["stale"], false);
    let versions = run_json(&db, &["versions", "sdn", "--json"]);
    assert_eq!(versions.as_array().map(Vec::len), Some(2));

    // Without its validators (another state), equal content creates no version either.
    std::fs::remove_file(work.path().join("lw.redb.sync.json")).unwrap();
    let (code, out) = sync_json(&db, &cfg);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        (out[0]["status"].as_str(), out[0]["version"].as_u64()),
        (Some("unchanged"), Some(2))
    );
}

/// A first good version from a `file://` URL, then the source's URL is replaced by `url`, which
/// must fail: returns the sync's exit code, its JSON, the source's row and how long it took.
fn fails_after_a_good_version(
    url: &str,
) -> (Option<i32>, serde_json::Value, serde_json::Value, Duration) {
    let work = tempfile::tempdir().unwrap();
    let db = work.path().join("lw.redb");
    let good = fixture("ok/0003_main_file_alone_with_truncated_remarks/sdn.csv");
    let good = format!("file://{}", good.canonicalize().unwrap().display());
    let cfg = config(work.path(), &[("sdn", "ofac-sdn", &good)]);
    let (code, out) = sync_json(&db, &cfg);
    assert_eq!((code, out[0]["version"].as_u64()), (Some(0), Some(1)), "{out}");
    let cfg = config(work.path(), &[("sdn", "ofac-sdn", url)]);
    let start = Instant::now();
    let (code, out) = sync_json(&db, &cfg);
    let elapsed = start.elapsed();
    let row = source_row(&db, &cfg, "sdn");
    assert_eq!(row["version"], 1, "the last good version stays current: {row}");
    assert_eq!(row["stale"], true, "{row}");
    (code, out, row, elapsed)
}

#[test]
fn a_server_that_hangs_times_out_within_bounds() {
    let server = Server::start();
    let (code, out, row, elapsed) = fails_after_a_good_version(&server.url("hang/sdn.csv"));
    assert_eq!(code, Some(1), "{out}");
    // A 1 s read timeout, 3 attempts, 10 + 20 ms of backoff.
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert!(row["reason"].as_str().unwrap().contains("3 attempts"), "{row}");
}

#[test]
fn a_server_error_is_retried_then_the_source_is_stale() {
    let server = Server::start();
    let (code, out, row, _) = fails_after_a_good_version(&server.url("error/sdn.csv"));
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(server.errors.load(Ordering::SeqCst), 3, "the first attempt and 2 retries");
    assert!(row["reason"].as_str().unwrap().contains("500"), "{row}");
}

#[test]
fn a_truncated_gzip_file_is_refused() {
    let server = Server::start();
    let csv =
        std::fs::read(fixture("ok/0003_main_file_alone_with_truncated_remarks/sdn.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&csv).unwrap();
    let gz = gz.finish().unwrap();
    server.put("sdn.csv.gz", &gz[..gz.len() - 12]);
    let (code, out, row, _) = fails_after_a_good_version(&server.url("sdn.csv.gz"));
    assert_eq!(code, Some(1), "{out}");
    assert!(row["reason"].as_str().unwrap().contains("sdn.csv.gz"), "{row}");
    // The whole file is accepted.
    server.put("sdn.csv.gz", &gz);
    let work = tempfile::tempdir().unwrap();
    let cfg = config(work.path(), &[("sdn", "ofac-sdn", &server.url("sdn.csv.gz"))]);
    let (code, out) = sync_json(&work.path().join("lw.redb"), &cfg);
    assert_eq!((code, out[0]["status"].as_str()), (Some(0), Some("committed")), "{out}");
}

/// The benchmark: every configured source's format served from 127.0.0.1, synced in one run.
#[test]
fn a_full_sync_of_the_configured_sources_from_a_local_server() {
    if !crate::have_data() {
        return;
    }
    let data = data_dir();
    let server = Server::start();
    let copy = |from: PathBuf, name: &str| server.put(name, &std::fs::read(from).unwrap());
    let sdn = data.join("ofac-sdn/2021-07-07");
    let cons = data.join("ofac-consolidated/2025-12-19");
    for file in ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"] {
        if sdn.join(file).exists() {
            copy(sdn.join(file), file);
        }
    }
    for file in ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"] {
        copy(cons.join(file), file);
    }
    let un = std::fs::read_dir(data.join("un-consolidated/2026-02-27"))
        .unwrap()
        .flatten()
        .next()
        .unwrap();
    copy(un.path(), "consolidated.xml");
    let csl =
        std::fs::read_dir(data.join("trade-gov-csl/2025-06-25")).unwrap().flatten().next().unwrap();
    copy(csl.path(), "consolidated.csv");
    copy(data.join("bis-dpl/2023-11-30/dpl.txt"), "dpl.txt");
    let sdn_urls: Vec<String> = ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
        .iter()
        .filter(|f| sdn.join(f).exists())
        .map(|f| server.url(f))
        .collect();
    let cons_urls: Vec<String> =
        ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]
            .iter()
            .map(|f| server.url(f))
            .collect();
    let work = tempfile::tempdir().unwrap();
    let (sdn_urls, cons_urls) = (sdn_urls.join(" "), cons_urls.join(" "));
    let (un, csl, dpl) =
        (server.url("consolidated.xml"), server.url("consolidated.csv"), server.url("dpl.txt"));
    let cfg = config(
        work.path(),
        &[
            ("ofac-sdn", "ofac-sdn", &sdn_urls),
            ("ofac-consolidated", "ofac-consolidated", &cons_urls),
            ("un-sc", "un-sc", &un),
            ("us-csl", "us-csl", &csl),
            ("bis-dpl", "bis-dpl", &dpl),
        ],
    );
    let db = work.path().join("lw.redb");
    let start = Instant::now();
    let (code, out) = sync_json(&db, &cfg);
    let first = start.elapsed();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.as_array().unwrap().iter().all(|s| s["status"] == "committed"), "{out}");
    let start = Instant::now();
    let (code, out) = sync_json(&db, &cfg);
    let again = start.elapsed();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.as_array().unwrap().iter().all(|s| s["status"] == "not-modified"), "{out}");
    eprintln!(
        "full sync of 5 sources from 127.0.0.1: {first:?}; again, all not modified: {again:?}"
    );
}

/// On PostgreSQL the sync state is the database's: an instance on another machine (another data
/// folder) knows what the last sync downloaded, so it asks with the same validators and creates
/// no version, and both report the same staleness.
#[test]
fn machines_on_one_postgres_store_share_the_sync_state() {
    if !crate::have_data() {
        return;
    }
    let Some(pg) = listwatch_store::testing::TestDatabase::create() else { return };
    let db = PathBuf::from(pg.url());
    let daily = data_dir().join("ofac-sdn-daily");
    let server = Server::start();
    let work = tempfile::tempdir().unwrap();
    let cfg = config(work.path(), &[("sdn", "ofac-sdn", &server.url("sdn.csv"))]);
    server.put("sdn.csv", &std::fs::read(daily.join("2022-03-21").join("sdn.csv")).unwrap());
    let on_machine = |home: &str, args: &[&str]| {
        let output = crate::command(&db)
            .env("XDG_DATA_HOME", work.path().join(home))
            .args(args)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("not JSON ({e}): {}", String::from_utf8_lossy(&output.stderr))
        });
        (output.status.code(), json)
    };
    let sync = ["sync", "--config", cfg.to_str().unwrap(), "--json"];
    let (code, out) = on_machine("first", &sync);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out[0]["status"], "committed");
    // Another machine: the ETag the first remembered is sent, and the server answers 304.
    let (code, out) = on_machine("second", &sync);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out[0]["status"], "not-modified", "{out}");
    let sources = ["sources", "--config", cfg.to_str().unwrap(), "--json"];
    let (_, first) = on_machine("first", &sources);
    let (_, second) = on_machine("second", &sources);
    assert_eq!(first, second);
    assert_eq!(first[0]["stale"], false, "{first}");
    // Nothing of the state is left on a machine.
    let mut folders = vec![work.path().join("first")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            assert!(!path.to_string_lossy().ends_with(".sync.json"), "{}", path.display());
            if path.is_dir() {
                folders.push(path);
            }
        }
    }
}
