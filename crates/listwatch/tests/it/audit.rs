//! The audit log from the command line: decisions are recorded beside the store, listed, and a
//! recorded screening replays identically after a newer version of its list is imported.

use crate::{fixture, run, run_json};

#[test]
fn a_recorded_screening_replays_identically_after_a_newer_version() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    let set = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    let import = |dir: &std::path::Path, day: &str| {
        let dir = dir.to_str().unwrap().to_string();
        run_json(
            &db,
            &["import", "ofac-sdn", &dir, "--published", day, "--max-removal", "100", "--json"],
        )
    };
    import(&set, "2021-07-07");
    let screened = run_json(&db, &["screen", "Banco Nacional de Cuba", "--json"]);
    assert!(!screened["results"].as_array().unwrap().is_empty());
    let status = run(&db, &["status", "ofac-sdn:306", "--as-of", "2022-01-01", "--json"]);
    assert!(status.status.success());
    assert!(tmp.path().join("store.redb.audit.jsonl").exists());

    let records = run_json(&db, &["audit", "--json", "--key", "cli", "--since", "2000-01-01"]);
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[0]["endpoint"], "screen");
    assert_eq!(records[0]["list_versions"][0]["version"], 1);
    assert_eq!(records[0]["results"][0]["entity_id"], screened["results"][0]["entity_id"]);
    assert_eq!(records[1]["endpoint"], "status");
    // The default configuration is named by the matcher's version and the hash, not repeated.
    assert!(records[0]["matcher"]["config_hash"].as_str().is_some_and(|h| !h.is_empty()));
    assert!(records[0]["matcher"].get("config").is_none(), "{}", records[0]["matcher"]);

    import(&fixture("ok/0004_tiny_set_with_dangling_references"), "2025-05-16");
    let id = records[0]["id"].as_str().unwrap();
    let replayed = run_json(&db, &["audit", "replay", id, "--json"]);
    assert_eq!(replayed["identical"], true, "{replayed}");
    assert_eq!(replayed["recorded"], records[0]["results"]);
    let human = run(&db, &["audit"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains(id));
    assert_eq!(run(&db, &["audit", "replay", "nothing"]).status.code(), Some(4));

    // Another configuration is recorded whole, and replays with it.
    let strict =
        run_json(&db, &["screen", "Banco Nacional de Cuba", "--threshold", "0.95", "--json"]);
    let records = run_json(&db, &["audit", "--json", "--key", "cli"]);
    let record = records.as_array().unwrap().last().unwrap().clone();
    assert_eq!(record["matcher"]["config_hash"], strict["matcher"]["config_hash"]);
    assert_eq!(record["matcher"]["config"]["threshold"], 0.95, "{}", record["matcher"]);
    let replayed = run_json(&db, &["audit", "replay", record["id"].as_str().unwrap(), "--json"]);
    assert_eq!(replayed["identical"], true, "{replayed}");
}
