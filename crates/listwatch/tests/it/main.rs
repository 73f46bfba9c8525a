//! Integration tests of the `listwatch` command: the real OFAC files end to end, the command-line
//! contract (JSON fields, exit codes), and crash safety.

mod audit;
mod browser;
mod cli;
mod contract;
mod crash;
mod faults;
mod formats;
mod identifiers;
mod limits;
mod monitor;
mod postgres;
mod readme;
mod real_data;
mod safety;
mod screen;
mod serve;
mod status;
mod sync;
mod trust;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The folder with the real list files.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("LISTWATCH_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// Whether the real list files are there. Without them a real-data test is skipped with a
/// printed reason, unless `LISTWATCH_REQUIRE_DATA=1` (as in CI), which makes their absence a
/// failure.
pub fn have_data() -> bool {
    let dir = data_dir();
    if dir.is_dir() {
        return true;
    }
    if std::env::var_os("LISTWATCH_REQUIRE_DATA").is_some_and(|v| v == "1") {
        panic!("LISTWATCH_REQUIRE_DATA=1 but the data folder {} does not exist", dir.display());
    }
    eprintln!(
        "skipping a real-data test: {} does not exist (set LISTWATCH_DATA to the shared data folder)",
        dir.display()
    );
    false
}

/// The parser fixtures, reused here as small publications.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../listwatch-parsers/test_data/ofac").join(name)
}

/// A `listwatch` command on the store `db`.
pub fn command(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_listwatch"));
    command
        .arg("--db")
        .arg(db)
        .env_remove("LISTWATCH_DB")
        .env_remove("LISTWATCH_MAX_REMOVAL")
        .env_remove("LISTWATCH_REGIMES");
    if db.to_str().is_some_and(|db| db.starts_with("postgres://")) {
        // The audit log and sync state of a PostgreSQL store live in the data folder: the
        // temporary folder's, not the home of whoever runs the tests.
        command.env("XDG_DATA_HOME", std::env::temp_dir().join("listwatch-pg-tests"));
    }
    command
}

/// Runs `listwatch --db <db> <args>` and returns its output.
pub fn run(db: &Path, args: &[&str]) -> Output {
    command(db).args(args).output().expect("the listwatch binary runs")
}

/// Runs a command that must succeed and returns its standard output parsed as JSON.
pub fn run_json(db: &Path, args: &[&str]) -> serde_json::Value {
    let output = run(db, args);
    assert!(
        output.status.success(),
        "listwatch {args:?} failed with {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("listwatch {args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&output.stdout))
    })
}

/// The address (`http://127.0.0.1:PORT`) a line of `listwatch serve`'s log says it listens on:
/// the log is text on a terminal and JSON lines otherwise, so the address ends at a space, a
/// quote or the end of the line.
pub fn listening_on(line: &str) -> Option<String> {
    let rest = line.split("listening on ").nth(1)?;
    Some(rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect())
}
