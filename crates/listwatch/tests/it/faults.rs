//! The fault campaign: a process killed at each write and sync point of the store (failpoints,
//! `LISTWATCH_FAILPOINT`), store creation included; a read-only store; a full disk; concurrent
//! writers. After each, the store is either absent or valid at its last committed state.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::{command, fixture, run, run_json};

const SET: &str = "ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks";
const OTHER: &str = "ok/0004_tiny_set_with_dangling_references";

/// Runs `listwatch --db <db> <args>` with the failpoint `name` armed.
fn run_failing(db: &Path, name: &str, args: &[&str]) -> Output {
    command(db).env("LISTWATCH_FAILPOINT", name).args(args).output().unwrap()
}

fn import_args<'a>(dir: &'a Path, published: &'a str) -> Vec<&'a str> {
    vec!["import", "ofac-sdn", dir.to_str().unwrap(), "--published", published, "--json"]
}

fn n_versions(db: &Path) -> usize {
    run_json(db, &["versions", "ofac-sdn", "--json"]).as_array().unwrap().len()
}

fn aborted(output: &Output) -> bool {
    !output.status.success() && output.status.code().is_none()
}

#[test]
fn a_store_creation_killed_at_any_point_leaves_no_store_or_a_valid_empty_one() {
    let dir = fixture(SET);
    for name in ["create:file", "create:header", "create:before-link", "create:linked"] {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("store.redb");
        let output = run_failing(&db, name, &import_args(&dir, "2021-07-07"));
        assert!(aborted(&output), "{name}: {:?}", output.status);
        if db.exists() {
            // A store in place is a valid one, with no list yet.
            let versions = run_json(&db, &["versions", "--json"]);
            assert_eq!(versions.as_array().unwrap().len(), 0, "{name}");
        } else {
            assert!(name != "create:linked", "the store is linked in before this failpoint");
        }
        // The next import works, and removes what the killed creation left behind.
        let output = run(&db, &import_args(&dir, "2021-07-07"));
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        let leftovers: Vec<PathBuf> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".creating"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
        if name != "create:file" {
            assert!(
                String::from_utf8_lossy(&output.stderr).contains("interrupted"),
                "{name}: the cleanup is reported"
            );
        }
        assert_eq!(n_versions(&db), 1);
    }
}

#[test]
fn an_import_killed_at_each_write_point_leaves_the_last_committed_version() {
    let (first, second) = (fixture(SET), fixture(OTHER));
    for name in [
        "import:packs-written",
        "import:changes-written",
        "import:before-commit",
        "import:committed",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("store.redb");
        assert!(run(&db, &import_args(&first, "2021-07-07")).status.success());
        let mut args = import_args(&second, "2025-05-16");
        args.extend(["--max-removal", "100"]);
        let output = run_failing(&db, name, &args);
        assert!(aborted(&output), "{name}: {:?}", output.status);
        let expected = if name == "import:committed" { 2 } else { 1 };
        assert_eq!(n_versions(&db), expected, "{name}");
        // Every version reads back whole, and the store takes the next import.
        for version in 1..=expected {
            let shown = run_json(
                &db,
                &["entities", "ofac-sdn", "--version", &version.to_string(), "--json"],
            );
            assert!(!shown.as_array().unwrap().is_empty());
        }
        let output = run(&db, &args);
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(n_versions(&db), 2);
    }
}

#[test]
fn a_retraction_or_an_event_killed_before_its_commit_records_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    assert!(run(&db, &import_args(&fixture(SET), "2021-07-07")).status.success());
    let output = run_failing(
        &db,
        "retract:before-commit",
        &["versions", "retract", "ofac-sdn", "1", "--reason", "test"],
    );
    assert!(aborted(&output));
    let versions = run_json(&db, &["versions", "--json"]);
    assert!(versions[0]["retracted"].is_null());
    let output = run_failing(
        &db,
        "event:before-commit",
        &[
            "event",
            "add",
            "ofac-sdn:306",
            "--kind",
            "note",
            "--date",
            "2021-01-01",
            "--citation",
            "x",
        ],
    );
    assert!(aborted(&output));
    assert!(run_json(&db, &["event", "list", "--json"]).as_array().unwrap().is_empty());
}

/// A read-only view of `dir`: a read-only bind mount when the system allows one (then unmounted
/// when dropped), else `None`.
struct ReadOnlyMount(PathBuf);

impl ReadOnlyMount {
    fn of(dir: &Path, at: &Path) -> Option<ReadOnlyMount> {
        std::fs::create_dir_all(at).ok()?;
        let ok = |args: &[&str]| {
            std::process::Command::new("mount")
                .args(args)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !ok(&["--bind", dir.to_str()?, at.to_str()?]) {
            return None;
        }
        let mount = ReadOnlyMount(at.to_path_buf());
        ok(&["-o", "remount,ro,bind", at.to_str()?]).then_some(mount)
    }
}

impl Drop for ReadOnlyMount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).output();
    }
}

#[test]
fn a_read_only_store_serves_every_read_command_and_is_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("store.redb");
    assert!(run(&db, &import_args(&fixture(SET), "2021-07-07")).status.success());
    assert!(run(&db, &import_args(&fixture(OTHER), "2025-05-16")).status.code() == Some(3));
    let holdings = tmp.path().join("h.csv");
    std::fs::write(&holdings, "isin,quantity\nUS0378331005,1\n").unwrap();
    let before = std::fs::read(&db).unwrap();
    let modified = std::fs::metadata(&db).unwrap().modified().unwrap();
    let mount = ReadOnlyMount::of(&data, &tmp.path().join("ro"));
    let read_db = match &mount {
        Some(mount) => mount.0.join("store.redb"),
        None => {
            eprintln!("no read-only mount here: checking that reads leave the file unchanged");
            db.clone()
        }
    };
    let commands: [&[&str]; 9] = [
        &["versions", "--json"],
        &["show", "ofac-sdn:306", "--json"],
        &["diff", "ofac-sdn", "--from", "1", "--to", "1", "--json"],
        &["history", "ofac-sdn:306", "--json"],
        &["status", "ofac-sdn:306", "--as-of", "2022-01-01", "--json"],
        &["timeline", "ofac-sdn:306", "--json"],
        &["screen", "Banco Nacional de Cuba", "--json"],
        &["portfolio", "check", holdings.to_str().unwrap(), "--as-of", "2022-01-01", "--json"],
        &["entities", "ofac-sdn", "--json"],
    ];
    for args in commands {
        let output = run(&read_db, args);
        assert!(
            output.status.success(),
            "{args:?} on a read-only store: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    if mount.is_some() {
        // A write is refused with the cause, not a damaged store.
        let output = run(&read_db, &["versions", "retract", "ofac-sdn", "1", "--reason", "x"]);
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains("store.redb"));
    }
    drop(mount);
    assert!(std::fs::read(&db).unwrap() == before, "a read command changed the store file");
    assert_eq!(std::fs::metadata(&db).unwrap().modified().unwrap(), modified);
}

#[test]
fn a_full_disk_fails_the_import_cleanly_and_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let small = tmp.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs", small.to_str().unwrap()])
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipping: no small tmpfs can be mounted here to fill up");
        return;
    }
    let db = small.join("store.redb");
    let output = run(&db, &import_args(&fixture(SET), "2021-07-07"));
    let message = String::from_utf8_lossy(&output.stderr).to_string();
    let leftover: Vec<PathBuf> = std::fs::read_dir(&small)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".creating"))
        .collect();
    // Whatever was written is a valid store at its last committed state: no list.
    let versions = db.exists().then(|| run(&db, &["versions", "--json"]));
    let _ = std::process::Command::new("umount").arg(&small).output();
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.contains("store.redb"), "{message}");
    assert!(message.to_lowercase().contains("no space left"), "{message}");
    assert!(leftover.is_empty(), "{leftover:?}");
    if let Some(versions) = versions {
        assert!(versions.status.success(), "{}", String::from_utf8_lossy(&versions.stderr));
        assert_eq!(String::from_utf8_lossy(&versions.stdout).trim(), "[]");
    }
}

#[test]
fn concurrent_writers_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    assert!(run(&db, &import_args(&fixture(SET), "2021-07-07")).status.success());
    let children: Vec<std::process::Child> = (0..6)
        .map(|idx| {
            command(&db)
                .args([
                    "event",
                    "add",
                    "ofac-sdn:306",
                    "--kind",
                    "note",
                    "--date",
                    "2021-01-01",
                    "--citation",
                    &format!("note {idx}"),
                ])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let events = run_json(&db, &["event", "list", "--json"]);
    let mut ids: Vec<u64> =
        events.as_array().unwrap().iter().map(|e| e["id"].as_u64().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=6).collect::<Vec<u64>>());
}

#[test]
fn no_command_that_writes_a_file_writes_over_the_store_or_its_input() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    assert!(run(&db, &import_args(&fixture(SET), "2021-07-07")).status.success());
    let store_bytes = std::fs::read(&db).unwrap();
    let holdings = tmp.path().join("h.csv");
    std::fs::write(&holdings, "isin,quantity\nUS0378331005,1\n").unwrap();
    let queries = tmp.path().join("q.jsonl");
    std::fs::write(&queries, "{\"id\": \"1\", \"name\": \"Banco Nacional de Cuba\"}\n").unwrap();
    let pairs = tmp.path().join("p.jsonl");
    std::fs::write(
        &pairs,
        "{\"id\": \"1\", \"a\": {\"name\": \"A B\"}, \"b\": {\"name\": \"A C\"}}\n",
    )
    .unwrap();
    // The store under names whose extensions every command writes, so that only its identity
    // can refuse it.
    let mut store_as = std::collections::HashMap::new();
    for ext in ["csv", "jsonl"] {
        let link = tmp.path().join(format!("store-link.{ext}"));
        std::fs::hard_link(&db, &link).unwrap();
        store_as.insert(ext, link.to_str().unwrap().to_string());
    }
    let (h, q, p) =
        (holdings.to_str().unwrap(), queries.to_str().unwrap(), pairs.to_str().unwrap());
    let attempts: [(Vec<&str>, &str); 7] = [
        (vec!["screen", "--input", q, "--output", &store_as["jsonl"]], "store"),
        (vec!["screen", "--input", q, "--output", q], "input"),
        (vec!["compare", "--input", p, "--output", &store_as["jsonl"]], "store"),
        (vec!["compare", "--input", p, "--output", p], "input"),
        (vec!["entities", "ofac-sdn", "--output", &store_as["csv"]], "store"),
        (vec!["portfolio", "check", h, "--output", &store_as["csv"]], "store"),
        (vec!["portfolio", "check", h, "--output", h], "input"),
    ];
    for (args, what) in &attempts {
        let output = run(&db, args);
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(what), "{args:?}: {message}");
    }
    assert!(std::fs::read(&db).unwrap() == store_bytes, "the store is untouched");
    assert_eq!(std::fs::read_to_string(&holdings).unwrap(), "isin,quantity\nUS0378331005,1\n");
}
