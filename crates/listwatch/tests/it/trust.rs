//! Answers never claim more than the evidence: coverage-aware status, the basis of every date,
//! guards that cannot be confused, retractions, and checked legal events.

use std::path::Path;

use crate::{data_dir, fixture, run, run_json};

fn import(db: &Path, format: &str, dir: &Path, published: &str) {
    let output =
        run(db, &["import", format, dir.to_str().unwrap(), "--published", published, "--json"]);
    assert!(
        output.status.success(),
        "import {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn first_match(answer: &serde_json::Value) -> &serde_json::Value {
    &answer["matches"][0]
}

#[test]
fn before_the_first_version_the_answer_is_unknown_with_the_reason() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    import(&db, "ofac-sdn", &data_dir().join("ofac-sdn/2019-01-04"), "2019-01-04");
    let answer = run_json(&db, &["status", "ofac-sdn:306", "--as-of", "2010-01-01", "--json"]);
    let m = first_match(&answer);
    assert_eq!(m["state"], "unknown");
    assert_eq!(
        m["reason"],
        "no version of ofac-sdn published on or before 2010-01-01 (its first is version 1 of 2019-01-04)"
    );
    assert_eq!(answer["overall"]["state"], "unknown");
    // Banco Nacional de Cuba's date is the store's first version, an observation, not a
    // designation date: the answer says so.
    let answer = run_json(&db, &["status", "ofac-sdn:306", "--as-of", "2020-01-01", "--json"]);
    let m = first_match(&answer);
    assert_eq!(m["state"], "restricted");
    assert_eq!(m["listed_basis"], "observed");
    assert_eq!(m["listed_note"], "first version in this store");
    assert_eq!(m["restrictions"][0]["basis"], "observed");
    assert_eq!(m["in_force"]["published"], "2019-01-04");
    let text = run(&db, &["status", "ofac-sdn:306", "--as-of", "2020-01-01"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("blocked, on the list by 2019-01-04 (first version in this store)"),
        "{text}"
    );
    assert!(answer["consulted"][0]["list"] == "ofac-sdn", "{answer:#}");
}

#[test]
fn a_directive_date_does_not_date_sdn_blocking() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let data = data_dir();
    import(&db, "ofac-sdn", &data.join("ofac-sdn-daily/2022-03-24"), "2022-03-24");
    import_allowing(&db, &data.join("ofac-sdn-daily/2024-05-03"), "2024-05-03");
    // Sberbank (17018) carries "Listing Date (EO 14024 Directive 2): 24 Feb 2022", which dates
    // a directive, not its SDN blocking: the 2022-03-24 version in force on 2023-01-01 does
    // not hold it.
    let answer = run_json(&db, &["status", "ofac-sdn:17018", "--as-of", "2023-01-01", "--json"]);
    assert_eq!(first_match(&answer)["state"], "not-listed", "{answer:#}");
    let answer = run_json(&db, &["status", "ofac-sdn:17018", "--as-of", "2024-06-01", "--json"]);
    let m = first_match(&answer);
    assert_eq!(m["state"], "restricted");
    assert_eq!(m["listed_since"], "2024-05-03");
    assert_eq!(m["listed_basis"], "observed");
    assert_eq!(m["listed_note"], "not in version 1 (published 2022-03-24)");
}

/// Imports the 2024-05-03 SDN file, which removes more than the default share of the 2022 list
/// (entries moved, renumbered or delisted in two years), confirming the count the refusal gives.
fn import_allowing(db: &Path, dir: &Path, published: &str) {
    let refused = run(db, &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", published]);
    if refused.status.success() {
        return;
    }
    assert_eq!(refused.status.code(), Some(3));
    let message = String::from_utf8_lossy(&refused.stderr);
    let count = message
        .rsplit("--allow-mass-removal ")
        .next()
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the refusal names the count");
    let output = run(
        db,
        &[
            "import",
            "ofac-sdn",
            dir.to_str().unwrap(),
            "--published",
            published,
            "--allow-mass-removal",
            count,
        ],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn holdings_known_on_a_day_before_any_version_are_unknown_never_clear() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    import(
        &db,
        "ofac-consolidated",
        &data_dir().join("ofac-consolidated/2025-12-19"),
        "2025-12-19",
    );
    let holdings = tmp.path().join("h.csv");
    // China Mobile Limited (CMIC), and a security no list names.
    std::fs::write(&holdings, "isin,quantity\nHK0941009539,100\nUS0378331005,1\n").unwrap();
    let args = [
        "portfolio",
        "check",
        holdings.to_str().unwrap(),
        "--as-of",
        "2021-09-01",
        "--known-on",
        "2021-09-01",
        "--json",
    ];
    let report = run_json(&db, &args);
    let verdicts: Vec<&str> = report["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["unknown", "unknown"], "{report:#}");
    assert_eq!(report["not_consulted"][0]["list"], "ofac-consolidated");
    assert!(report["consulted"].as_array().unwrap().is_empty());
    // Known today, the 2025 publication's own dates say it was restricted then.
    let report = run_json(&db, &args[..5].iter().copied().chain(["--json"]).collect::<Vec<_>>());
    assert_eq!(report["holdings"][0]["status"], "prohibited", "{report:#}");
    // --fail-on turns a finding into exit code 5, after the report is written.
    let output = run(
        &db,
        &[
            "portfolio",
            "check",
            holdings.to_str().unwrap(),
            "--as-of",
            "2021-09-01",
            "--fail-on",
            "prohibited,blocked",
        ],
    );
    assert_eq!(output.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&output.stdout).contains("prohibited"));
    let output =
        run(&db, &["portfolio", "check", holdings.to_str().unwrap(), "--fail-on", "prohibitted"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn timelines_show_no_amendment_that_history_does_not_show() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let data = data_dir();
    let dated = [
        "ofac-sdn/2019-01-04",
        "ofac-sdn/2021-07-07",
        "ofac-sdn-daily/2021-08-18",
        "ofac-sdn-daily/2021-12-22",
        "ofac-sdn-daily/2021-12-30",
        "ofac-sdn-daily/2022-03-21",
        "ofac-sdn-daily/2022-03-24",
        "ofac-sdn-daily/2024-05-03",
    ];
    for dir in dated {
        let published = &dir[dir.len() - 10..];
        import_allowing(&db, &data.join(dir), published);
    }
    // Entries with aliases and addresses that live through the main-file-only daily versions,
    // and entries the diffs name as changed.
    let mut ids: Vec<String> = ["306", "2674", "7157", "9647", "15037"]
        .iter()
        .map(|id| format!("ofac-sdn:{id}"))
        .collect();
    for (from, to) in [(2, 3), (3, 4), (6, 7), (7, 8)] {
        let diff = run_json(
            &db,
            &["diff", "ofac-sdn", "--from", &from.to_string(), "--to", &to.to_string(), "--json"],
        );
        ids.extend(
            diff["changed"]
                .as_array()
                .unwrap()
                .iter()
                .take(4)
                .map(|c| c["id"].as_str().unwrap().to_string()),
        );
    }
    let (mut n_checked, mut n_amended) = (0, 0);
    for id in &ids {
        let history = run(&db, &["history", id, "--json"]);
        if !history.status.success() {
            continue;
        }
        let history: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
        let changed: Vec<String> = history["steps"]
            .as_array()
            .or(history.as_array())
            .unwrap()
            .iter()
            .filter(|s| s["change"] == "changed")
            .map(|s| {
                s["published"].as_str().or(s["version"]["published"].as_str()).unwrap().to_string()
            })
            .collect();
        let timeline = run_json(&db, &["timeline", id, "--json"]);
        let amended: Vec<String> = timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "amended")
            .map(|e| e["date"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(amended, changed, "{id}: timeline amendments against history changes");
        n_checked += 1;
        n_amended += amended.len();
    }
    assert!(n_checked >= 15, "only {n_checked} entries checked");
    // The check is not vacuous: some of these entries did change.
    assert!(n_amended >= 10, "only {n_amended} amendments seen");
}

#[test]
fn an_import_needs_its_publication_date() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let dir = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    let output = run(&db, &["import", "ofac-sdn", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("--published is required") && message.contains("--published today"));
    assert!(!db.exists(), "a refused import creates no store");
    for (date, hint) in [("2202-03-24", "in the future"), ("1800-01-01", "before 1945")] {
        let output = run(&db, &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", date]);
        assert_eq!(output.status.code(), Some(2), "{date}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(hint));
    }
    let output = run(
        &db,
        &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", "1800-01-01", "--force-date"],
    );
    assert!(output.status.success());
}

#[test]
fn a_version_with_a_wrong_date_is_retracted_and_imported_again() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let dir = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    let dir = dir.to_str().unwrap();
    let first = run_json(&db, &["import", "ofac-sdn", dir, "--published", "today", "--json"]);
    assert_eq!(first["version"], 1);
    // The real date cannot be recorded while version 1 stands.
    let again = run(&db, &["import", "ofac-sdn", dir, "--published", "2021-07-07", "--json"]);
    let outcome: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap_or_default();
    assert!(again.status.code() == Some(3) || outcome["status"] == "unchanged");
    let output = run(&db, &["versions", "retract", "ofac-sdn", "1"]);
    assert_eq!(output.status.code(), Some(2), "a retraction needs --reason");
    let retracted = run_json(
        &db,
        &[
            "versions",
            "retract",
            "ofac-sdn",
            "1",
            "--reason",
            "imported without its date",
            "--by",
            "qa",
            "--json",
        ],
    );
    assert_eq!(retracted["retracted"]["by"], "qa");
    let second = run_json(&db, &["import", "ofac-sdn", dir, "--published", "2021-07-07", "--json"]);
    assert_eq!(
        (second["status"].as_str(), second["version"].as_u64()),
        (Some("committed"), Some(2))
    );
    let versions = run_json(&db, &["versions", "ofac-sdn", "--json"]);
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2, "the retracted version is kept");
    assert_eq!(versions[0]["retracted"]["reason"], "imported without its date");
    assert!(versions[1]["retracted"].is_null());
    // Answers rest on version 2 alone.
    let id = "ofac-sdn:306";
    let answer = run_json(&db, &["status", id, "--as-of", "2021-08-01", "--json"]);
    assert_eq!(first_match(&answer)["in_force"]["version"], 2, "{answer:#}");
    let answer = run_json(&db, &["status", id, "--as-of", "2021-01-01", "--json"]);
    assert_eq!(first_match(&answer)["state"], "unknown");
}

#[test]
fn legal_events_are_checked_before_they_enter_the_append_only_log() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let output = run(&db, &["demo"]);
    assert!(output.status.success());
    let add = |extra: &[&str]| {
        let mut args = vec![
            "event",
            "add",
            "dod-ccmc:xiaomi",
            "--kind",
            "injunction",
            "--date",
            "2021-03-12",
            "--citation",
            "Xiaomi Corp. v. Department of Defense, No. 21-cv-280 (D.D.C.)",
        ];
        args.extend_from_slice(extra);
        run(&db, &args)
    };
    let n_events = || run_json(&db, &["event", "list", "--json"]).as_array().unwrap().len();
    let before = n_events();
    // A misspelt scope is an error that lists the kinds.
    let output = add(&["--scope", "purchase-prohibitted"]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("purchase-prohibited") && message.contains("blocked"), "{message}");
    // An id no version has held.
    let output = run(
        &db,
        &[
            "event",
            "add",
            "dod-ccmc:xiaoml",
            "--kind",
            "note",
            "--date",
            "2021-03-12",
            "--citation",
            "x",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--allow-unknown-entity"));
    // A known-since in the future, or before the event itself.
    assert_eq!(add(&["--known-since", "2999-01-01"]).status.code(), Some(2));
    assert_eq!(add(&["--known-since", "2021-03-01"]).status.code(), Some(2));
    assert_eq!(n_events(), before, "no rejected event was recorded");
    let output = run(
        &db,
        &[
            "event",
            "add",
            "dod-ccmc:xiaomL",
            "--kind",
            "note",
            "--date",
            "2021-03-12",
            "--citation",
            "x",
            "--allow-unknown-entity",
        ],
    );
    assert!(output.status.success());
    assert_eq!(n_events(), before + 1);
}

#[test]
fn a_backfilled_event_counts_from_the_day_it_was_known() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    import(
        &db,
        "ofac-consolidated",
        &data_dir().join("ofac-consolidated/2025-12-19"),
        "2025-12-19",
    );
    // An injunction of 2022, recorded today but known since 2022-01-10.
    let recorded = run_json(
        &db,
        &[
            "event",
            "add",
            "ofac-consolidated:30923",
            "--kind",
            "injunction",
            "--date",
            "2022-01-05",
            "--citation",
            "a court order",
            "--known-since",
            "2022-01-10",
            "--json",
        ],
    );
    assert_eq!(recorded["known_since"], "2022-01-10");
    let ask = |known_on: &str| {
        let answer = run_json(
            &db,
            &[
                "status",
                "ofac-consolidated:30923",
                "--as-of",
                "2022-02-01",
                "--known-on",
                known_on,
                "--json",
            ],
        );
        first_match(&answer)["state"].as_str().unwrap().to_string()
    };
    // Known on 2022-01-09 nothing was known (the list's version is from 2025, too).
    assert_eq!(ask("2022-01-09"), "unknown");
    let listed = run_json(&db, &["event", "list", "--json"]);
    assert_eq!(listed[0]["backfilled"], true);
    // Without --known-on, the injunction holds the restrictions.
    let answer =
        run_json(&db, &["status", "ofac-consolidated:30923", "--as-of", "2022-02-01", "--json"]);
    assert_eq!(first_match(&answer)["state"], "suspended");
    let timeline = run(&db, &["timeline", "ofac-consolidated:30923"]);
    assert!(
        String::from_utf8_lossy(&timeline.stdout).contains("back-filled, known since 2022-01-10")
    );
}

#[test]
fn an_unknown_entity_id_exits_with_no_match() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let dir = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    import(&db, "ofac-sdn", &dir, "2021-07-07");
    let output = run(&db, &["status", "ofac-sdn:99999999", "--as-of", "2021-08-01", "--json"]);
    assert_eq!(output.status.code(), Some(4));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["overall"]["state"], "not-listed");
    let output = run(&db, &["status", "ofac-sdn:99999999", "--as-of", "2021-01-01", "--json"]);
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["overall"]["state"], "unknown");
    assert_eq!(run(&db, &["timeline", "ofac-sdn:99999999"]).status.code(), Some(4));
}

#[test]
fn screening_against_a_version_without_aliases_says_so() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let data = data_dir();
    import(&db, "ofac-sdn", &data.join("ofac-sdn/2021-07-07"), "2021-07-07");
    let full = run_json(&db, &["screen", "National Bank of Cuba", "--json"]);
    assert_eq!(full["list_versions"][0]["lacks"], serde_json::json!([]));
    assert!(!full["results"].as_array().unwrap().is_empty(), "an alias of entry 306 matches");
    // The daily scrape has only sdn.csv: no aliases, no addresses.
    import(&db, "ofac-sdn", &data.join("ofac-sdn-daily/2021-08-18/sdn.csv"), "2021-08-18");
    let daily = run_json(&db, &["screen", "National Bank of Cuba", "--json"]);
    let versions = &daily["list_versions"][0];
    assert_eq!(
        (versions["version"].as_u64(), versions["published"].as_str()),
        (Some(2), Some("2021-08-18"))
    );
    assert_eq!(versions["lacks"], serde_json::json!(["aliases", "addresses"]));
    assert_eq!(versions["coverage"]["aliases"], false);
    let text = run(&db, &["screen", "National Bank of Cuba"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(
            "warning: ofac-sdn version 2 (published 2021-08-18) lacks aliases and addresses"
        ),
        "{text}"
    );
    let listed = run(&db, &["versions"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("aliases,addresses"));
}

#[test]
fn a_un_listing_rests_on_the_list_own_listed_on_date() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let file = data_dir().join("un-consolidated/2026-02-27/UN_consolidated.xml");
    // The file carries its own publication date: no --published.
    let output = run(&db, &["import", "un-sc", file.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // DATAID 6907993 was listed on 2012-12-31, says the 2026 publication.
    let ask = |as_of: &str| {
        let answer = run_json(&db, &["status", "un-sc:6907993", "--as-of", as_of, "--json"]);
        answer["matches"][0].clone()
    };
    let listed = ask("2013-06-01");
    assert_eq!(listed["state"], "restricted", "{listed:#}");
    assert_eq!(listed["listed_since"], "2012-12-31");
    assert_eq!(listed["listed_basis"], "designated");
    assert_eq!(listed["rules"][0], "un-sc-listed");
    assert_eq!(ask("2012-06-01")["state"], "unknown");
}

#[test]
fn one_company_on_several_lists_is_shown_and_answered_as_one_party() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let data = data_dir();
    import(&db, "ofac-consolidated", &data.join("ofac-consolidated/2025-12-19"), "2025-12-19");
    import(&db, "us-csl", &data.join("trade-gov-csl/2023-11-30/csl.csv"), "2023-11-30");
    let dod = data.join("dod-1260h/2026-08-20/sanctions.csv");
    let output = run(&db, &["import", "dod-1260h", dod.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // By ISIN: the NS-CMIC entry and the CSL's CMIC row, tied by their ISINs.
    let answer = run_json(&db, &["status", "HK0941009539", "--as-of", "2026-09-01", "--json"]);
    let ids: Vec<&str> = answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["entity_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ofac-consolidated:30923", "us-csl:30923"]);
    assert_eq!(answer["groups"][0]["members"], serde_json::json!(ids));
    assert!(answer["groups"][0]["tied_by"].to_string().contains("isin HK0941009539"));
    // By name: the DoD list's entry joins them through its own name; the parent group company,
    // whose alias is "CHINA MOBILE", is a party of its own (tied to its CSL row by its USCC).
    let answer =
        run_json(&db, &["status", "China Mobile Limited", "--as-of", "2026-09-01", "--json"]);
    let groups = answer["groups"].as_array().unwrap();
    let subsidiary = groups
        .iter()
        .find(|g| g["members"].to_string().contains("ofac-consolidated:30923"))
        .unwrap();
    let members = subsidiary["members"].to_string();
    assert!(members.contains("dod-1260h:china-mobile-limited") && members.contains("us-csl:30923"));
    assert!(!members.contains("30944"), "{subsidiary:#}");
    // Each list keeps its own state and basis.
    for m in answer["matches"].as_array().unwrap() {
        assert!(m["listed_basis"].is_string(), "{m:#}");
    }
    // `show` by ISIN shows every list's entity, grouped.
    let shown = run_json(&db, &["show", "HK0941009539", "--json"]);
    assert_eq!(shown["entities"].as_array().unwrap().len(), 2);
    assert_eq!(shown["groups"][0]["members"].as_array().unwrap().len(), 2);
    let text = run(&db, &["show", "HK0941009539"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("one party: CHINA MOBILE LIMITED"));
    assert_eq!(run(&db, &["show", "HK0941009539", "--version", "1"]).status.code(), Some(2));
}
