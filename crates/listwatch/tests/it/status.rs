//! Timelines, as-of status, legal events and securities checks, end to end on the demo data and
//! the real consolidated list.

use std::path::Path;

use crate::{data_dir, run, run_json};

fn demo_store(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.redb");
    let output = run(&db, &["demo"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    db
}

fn state(db: &Path, query: &str, as_of: &str, entity_id: &str) -> serde_json::Value {
    let answer = run_json(db, &["status", query, "--as-of", as_of, "--json"]);
    answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entity_id"] == entity_id)
        .unwrap_or_else(|| panic!("{query} as of {as_of}: no match {entity_id} in {answer:#}"))
        .clone()
}

#[test]
fn the_demo_tells_the_xiaomi_and_china_mobile_stories() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.redb");
    let output = run(&db, &["demo"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for line in [
        "2021-02-01  pending",
        "2021-03-13  suspended",
        "2021-05-26  removed",
        "2021-07-01  pending",
        "2021-09-01  restricted  purchase-prohibited since 2021-08-02; divestment allowed until 2022-06-03",
        "2022-07-01  restricted  purchase-prohibited since 2021-08-02 (cmic-eo14032)",
    ] {
        assert!(text.contains(line), "the demo lacks {line:?}:\n{text}");
    }
    // A second run into the same file is refused: the demo needs a fresh store.
    assert_eq!(run(&db, &["demo"]).status.code(), Some(1));
}

#[test]
fn status_answers_by_id_isin_ticker_and_name_with_the_json_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_store(tmp.path());
    let xiaomi = state(&db, "Xiaomi", "2021-02-01", "dod-ccmc:xiaomi");
    assert_eq!(xiaomi["state"], "pending");
    assert_eq!(xiaomi["restrictions"][0]["kind"], "purchase-prohibited");
    assert_eq!(xiaomi["restrictions"][0]["since"], "2021-03-15");
    assert_eq!(xiaomi["events"][0]["kind"], "listed");
    assert!(xiaomi["events"][0]["source"].as_str().unwrap().contains("dod-ccmc version 5"));
    let suspended = state(&db, "dod-ccmc:xiaomi", "2021-03-13", "dod-ccmc:xiaomi");
    assert_eq!(suspended["state"], "suspended");
    assert!(suspended["suspended_by"].as_str().unwrap().contains("No. 1:21-cv-00280"));
    assert_eq!(state(&db, "XIAOMI CORP", "2021-05-26", "dod-ccmc:xiaomi")["state"], "removed");

    let by_isin = state(&db, "US16941M1099", "2021-09-01", "ns-cmic:30923");
    assert_eq!(by_isin["state"], "restricted");
    assert_eq!(by_isin["found_by"], "isin");
    let kinds: Vec<(&str, Option<&str>)> = by_isin["restrictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["until"].as_str()))
        .collect();
    assert_eq!(
        kinds,
        [("purchase-prohibited", None), ("divestment-allowed-until", Some("2022-06-03"))]
    );
    assert_eq!(
        state(&db, "941 HK", "2022-07-01", "ns-cmic:30923")["restrictions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let answer =
        run_json(&db, &["status", "China Mobile Limited", "--as-of", "2021-07-01", "--json"]);
    for key in ["query", "as_of", "matches"] {
        assert!(answer.get(key).is_some(), "status --json lacks {key}");
    }
    let ids: Vec<&str> = answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["entity_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["dod-ccmc:china-mobile-ltd", "ns-cmic:30923"],
        "the group company must not match"
    );
}

#[test]
fn known_on_answers_with_what_was_known_then() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_store(tmp.path());
    let answer = run_json(
        &db,
        &[
            "status",
            "dod-ccmc:xiaomi",
            "--as-of",
            "2021-03-13",
            "--known-on",
            "2021-03-11",
            "--json",
        ],
    );
    assert_eq!(answer["matches"][0]["state"], "pending");
    let answer = run_json(
        &db,
        &[
            "status",
            "dod-ccmc:xiaomi",
            "--as-of",
            "2021-03-13",
            "--known-on",
            "2021-03-12",
            "--json",
        ],
    );
    assert_eq!(answer["matches"][0]["state"], "suspended");
    let answer = run_json(
        &db,
        &["status", "ns-cmic:30923", "--as-of", "2021-09-01", "--known-on", "2021-06-01", "--json"],
    );
    // No version of ns-cmic was published by 2021-06-01: nothing says it was not listed.
    assert_eq!(answer["matches"][0]["state"], "unknown");
    assert!(answer["matches"][0]["reason"].as_str().unwrap().contains("known by 2021-06-01"));
}

#[test]
fn a_recorded_injunction_changes_the_answer_from_its_effective_date_and_a_delisting_again() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_store(tmp.path());
    let id = "ns-cmic:30946";
    assert_eq!(state(&db, id, "2021-10-01", id)["state"], "restricted");
    let added = run_json(
        &db,
        &[
            "event",
            "add",
            id,
            "--kind",
            "injunction",
            "--date",
            "2021-09-10",
            "--effective",
            "2021-09-15",
            "--citation",
            "Hikvision v. Treasury, No. 21-cv-9999 (D.D.C.) (hypothetical)",
            "--author",
            "tester",
            "--json",
        ],
    );
    let first = added["id"].as_u64().unwrap();
    assert_eq!(state(&db, id, "2021-09-14", id)["state"], "restricted");
    assert_eq!(state(&db, id, "2021-09-15", id)["state"], "suspended");
    run_json(
        &db,
        &[
            "event",
            "add",
            id,
            "--kind",
            "delisting",
            "--date",
            "2021-11-01",
            "--citation",
            "OFAC recent action (hypothetical)",
            "--json",
        ],
    );
    assert_eq!(state(&db, id, "2021-10-31", id)["state"], "suspended");
    assert_eq!(state(&db, id, "2021-11-01", id)["state"], "removed");
    // A correction supersedes the injunction; both stay in the audit trail.
    run_json(
        &db,
        &[
            "event",
            "add",
            id,
            "--kind",
            "stay",
            "--date",
            "2021-09-10",
            "--effective",
            "2021-09-20",
            "--citation",
            "corrected: a stay, effective 20 Sep",
            "--supersedes",
            &first.to_string(),
            "--json",
        ],
    );
    assert_eq!(state(&db, id, "2021-09-16", id)["state"], "restricted");
    let events = run_json(&db, &["event", "list", id, "--json"]);
    let kinds: Vec<&str> =
        events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["injunction", "delisting", "stay"]);
    let history = run_json(&db, &["history", id, "--json"]);
    assert_eq!(history["steps"][0]["change"], "added");
    assert_eq!(
        history["events"].as_array().unwrap().len(),
        3,
        "the history shows every recorded event"
    );
    let timeline = run_json(&db, &["timeline", id, "--json"]);
    let kinds: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"stay") && kinds.contains(&"delisting") && !kinds.contains(&"injunction"),
        "{kinds:?}"
    );
    // Bad events are refused with a usage error.
    assert_eq!(
        run(
            &db,
            &["event", "add", id, "--kind", "pardon", "--date", "2021-01-01", "--citation", "x"]
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(
            &db,
            &[
                "event",
                "add",
                id,
                "--kind",
                "note",
                "--date",
                "2021-01-02",
                "--effective",
                "2021-01-01",
                "--citation",
                "x"
            ]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn a_holdings_file_gets_a_verdict_per_row_and_bad_rows_do_not_stop_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_store(tmp.path());
    let holdings = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/holdings.csv");
    let report = run_json(
        &db,
        &["portfolio", "check", holdings.to_str().unwrap(), "--as-of", "2021-09-01", "--json"],
    );
    assert_eq!(report["as_of"], "2021-09-01");
    let rows = report["holdings"].as_array().unwrap();
    let verdicts: Vec<&str> = rows.iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(
        verdicts,
        [
            "prohibited",
            "invalid",
            "prohibited",
            "review",
            "clear",
            "invalid",
            "invalid",
            "prohibited"
        ]
    );
    assert_eq!(rows[0]["entity_id"], "ns-cmic:30923");
    assert_eq!(rows[0]["since"], "2021-08-02");
    assert_eq!(rows[0]["divest_until"], "2022-06-03");
    assert_eq!(rows[0]["rule"], "cmic-eo14032");
    assert!(!rows[0]["sources"].as_array().unwrap().is_empty());
    assert!(rows[1]["reason"].as_str().unwrap().contains("check digit"));
    assert!(rows[3]["reason"].as_str().unwrap().contains("review"));
    for key in [
        "row",
        "isin",
        "ticker",
        "status",
        "entity_id",
        "since",
        "divest_until",
        "rule",
        "reason",
        "sources",
    ] {
        assert!(rows[0].get(key).is_some(), "holding lacks {key}");
    }
    // Before the effective date the same holdings are pending; after the window, no divestment date.
    let early = run_json(
        &db,
        &["portfolio", "check", holdings.to_str().unwrap(), "--as-of", "2021-07-01", "--json"],
    );
    assert_eq!(early["holdings"][0]["status"], "pending");
    let late = run_json(
        &db,
        &["portfolio", "check", holdings.to_str().unwrap(), "--as-of", "2022-07-01", "--json"],
    );
    assert_eq!(late["holdings"][0]["status"], "prohibited");
    assert!(late["holdings"][0]["divest_until"].is_null());
    // CSV and JSONL outputs.
    let csv_out = tmp.path().join("out.csv");
    let output = run(
        &db,
        &[
            "portfolio",
            "check",
            holdings.to_str().unwrap(),
            "--as-of",
            "2021-09-01",
            "--output",
            csv_out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success());
    let text = std::fs::read_to_string(&csv_out).unwrap();
    assert!(
        text.starts_with("row,isin,ticker,status,entity_id,since,divest_until,rule,reason,sources")
    );
    assert_eq!(text.lines().count(), 9);
    let jsonl_out = tmp.path().join("out.jsonl");
    assert!(
        run(
            &db,
            &[
                "portfolio",
                "check",
                holdings.to_str().unwrap(),
                "--output",
                jsonl_out.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    assert_eq!(std::fs::read_to_string(&jsonl_out).unwrap().lines().count(), 8);
}

#[test]
fn the_real_cmic_entries_answer_from_their_own_dates() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    let dir = data_dir().join("ofac-consolidated/2025-12-19");
    run_json(
        &db,
        &[
            "import",
            "ofac-consolidated",
            dir.to_str().unwrap(),
            "--published",
            "2025-12-19",
            "--json",
        ],
    );
    let pending = state(&db, "US16941M1099", "2021-07-01", "ofac-consolidated:30923");
    assert_eq!(pending["state"], "pending");
    let restricted = state(&db, "CNE100000PM8", "2021-09-01", "ofac-consolidated:30946");
    assert_eq!(restricted["state"], "restricted");
    assert_eq!(restricted["rules"][0], "cmic-eo14032");
    // An SDN program on the consolidated list's neighbours is blocking; the non-SDN sectoral
    // entries are restricted under their directive regime.
    let holdings = tmp.path().join("h.csv");
    std::fs::write(
        &holdings,
        "isin,quantity\nUS16941M1099,100\nHK0941009539,100\nUS0378331005,1\n",
    )
    .unwrap();
    let report = run_json(
        &db,
        &["portfolio", "check", holdings.to_str().unwrap(), "--as-of", "2021-09-01", "--json"],
    );
    let verdicts: Vec<&str> = report["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    // The consolidated list's only version is from 2025: on 2021-09-01 it could not be
    // consulted, so a security it does not name is unknown, not clear. The CMIC entries rest on
    // their own Listing Dates.
    assert_eq!(verdicts, ["prohibited", "prohibited", "unknown"]);
    assert_eq!(report["not_consulted"][0]["list"], "ofac-consolidated");
}
