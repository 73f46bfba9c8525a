//! Load benchmark of `listwatch serve`: single-query `POST /match/default` requests from a
//! second process on loopback, driven by `wrk` (install it with `apt-get install wrk`), against
//! the real SDN list (2024-05-03) and the consolidated list (2025-12-19).
//!
//! `cargo bench -p listwatch --bench serve_load` runs wrk for 10 s with 32 connections, after 2 s
//! of the same load that are not counted, and prints the rate and the latency percentiles; under `cargo test --benches` it runs for 1 s. Without
//! wrk on the PATH the benchmark prints why and passes, so the test suite does not depend on it.
//! The same load runs against a server on a PostgreSQL copy of the store (`store copy` into a
//! database of its own on `LISTWATCH_PG_URL`, made before any load and settled with `VACUUM
//! ANALYZE` and `CHECKPOINT`), the two engines taking turns for two rounds, and the two rates are
//! compared.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Names sent in turn: listed names, a misspelling, and names that match nothing.
const NAMES: &[&str] = &[
    "Ivan Petrov",
    "AEROCARIBBEAN AIRLINES",
    "Banco Nacional de Cuba",
    "Hamas",
    "Vladimir Putin",
    "Kim Jong Un",
    "Maria Garcia Lopez",
    "Oceanic Trading Company Limited",
];

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("serve_load: skipped: wrk is not installed (apt-get install wrk)");
        return;
    }
    let (tmp, db) = common::store_with_real_lists("serve");
    let bodies: Vec<String> = NAMES
        .iter()
        .map(|name| {
            serde_json::json!({"queries": {"q": {"schema": "LegalEntity", "properties": {"name": [name]}}}})
                .to_string()
        })
        .collect();
    let script = format!(
        "local bodies = {{{}}}\nlocal i = 0\nwrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nrequest = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n",
        bodies.iter().map(|b| format!("[[{b}]]")).collect::<Vec<_>>().join(", ")
    );
    let script_path = tmp.join("match.lua");
    std::fs::write(&script_path, script).unwrap();
    // The PostgreSQL copy is made before any load, so neither store starts with audit records
    // the other lacks; the two engines then take turns, so a slow spell of the machine falls on
    // both.
    let database = listwatch_store::testing::TestDatabase::create();
    if let Some(database) = &database {
        let copied = common::listwatch()
            .args(["-q", "store", "copy", "--from", db.to_str().unwrap(), "--to", database.url()])
            .status()
            .unwrap();
        assert!(copied.success(), "the store could not be copied to PostgreSQL");
        // Settled as a database in service is: right after a bulk load, autovacuum analyses the
        // new tables and a checkpoint writes them out, work of the first minutes that would
        // fall on the load otherwise (the redb file has no such work to do).
        for sql in ["VACUUM ANALYZE", "CHECKPOINT"] {
            if let Err(why) = listwatch_store::testing::execute(database.url(), sql) {
                println!("serve_load: {sql} failed ({why}); the load runs on an unsettled copy");
            }
        }
    }
    let (rounds, duration) = if measuring { (2, "10s") } else { (1, "1s") };
    let (mut on_redb, mut on_postgres) = (0.0, 0.0);
    for _ in 0..rounds {
        on_redb += load(db.to_str().unwrap(), "redb", &script_path, duration, measuring);
        if let Some(database) = &database {
            on_postgres += load(database.url(), "PostgreSQL", &script_path, duration, measuring);
        }
    }
    if database.is_some() {
        println!(
            "serve_load: PostgreSQL against redb over {rounds} rounds: {:.2}x the requests per second (target >= 0.90)",
            on_postgres / on_redb
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Serves the store `db`, loads it with wrk, prints the figures and returns the requests per
/// second.
fn load(
    db: &str,
    engine: &str,
    script_path: &std::path::Path,
    duration: &str,
    warm_up: bool,
) -> f64 {
    let mut server = common::listwatch()
        .args(["--db", db, "-q", "serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let mut started = String::new();
    let port: u16 = loop {
        let line = lines.next().expect("the server says where it listens").unwrap();
        if line.contains("indexed in") {
            started = line.clone();
        }
        if let Some(address) = common::listening_on(&line) {
            break address.rsplit(':').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines.by_ref() {});
    let url = format!("http://127.0.0.1:{port}/match/default?limit=5");
    if warm_up {
        // Two seconds of the same load first, not counted: connections to the database opened
        // and their statements prepared, caches filled, as in a server that has been up a while.
        let warmed = Command::new("wrk")
            .args(["-t1", "-c32", "-d2s", "-s"])
            .arg(script_path)
            .arg(&url)
            .output()
            .unwrap();
        assert!(warmed.status.success(), "the warm-up failed");
    }
    let output = Command::new("wrk")
        .args(["-t1", "-c32", "-d", duration, "--latency", "-s"])
        .arg(script_path)
        .arg(&url)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    let pick = |prefix: &str| {
        report
            .lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .map(|l| l.trim().to_string())
            .unwrap_or_default()
    };
    println!("serve_load ({engine}): {started}");
    println!(
        "serve_load ({engine}): wrk -t1 -c32 -d{duration} POST /match/default (one query each): {}; latency {}, {}, {}, {}; {}",
        pick("Requests/sec:"),
        pick("50%"),
        pick("90%"),
        pick("99%"),
        pick("Latency"),
        pick("Non-2xx").if_empty("no non-2xx responses")
    );
    assert!(output.status.success(), "wrk failed: {}", String::from_utf8_lossy(&output.stderr));
    assert!(!report.contains("Non-2xx"), "some requests failed:\n{report}");
    let pid = server.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(server.wait().unwrap().success(), "the server did not stop cleanly");
    pick("Requests/sec:")
        .trim_start_matches("Requests/sec:")
        .trim()
        .parse()
        .expect("wrk reports the requests per second")
}

trait IfEmpty {
    fn if_empty(self, other: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, other: &str) -> String {
        if self.is_empty() { other.to_string() } else { self }
    }
}
