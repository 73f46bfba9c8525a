//! The command-line contract on small publications: JSON fields, exit codes, refusals that leave
//! the store as it was.

use std::fs;

use crate::{fixture, run, run_json};

fn import_fixture(db: &std::path::Path, name: &str, published: &str) -> serde_json::Value {
    let dir = fixture(&format!("ok/{name}"));
    let format = if dir.join("cons_prim.csv").exists() { "ofac-consolidated" } else { "ofac-sdn" };
    run_json(db, &["import", format, dir.to_str().unwrap(), "--published", published, "--json"])
}

#[test]
fn help_documents_the_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let output = run(&tmp.path().join("s.redb"), &["--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    for line in
        ["0  success", "1  error", "2  usage", "3  refused", "4  nothing matched", "5  a check"]
    {
        assert!(help.contains(line), "--help lacks {line:?}:\n{help}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    import_fixture(&db, "0001_sdn_set_with_addresses_aliases_and_continued_remarks", "2021-07-07");
    // A bare "306" is a name or ticker to look for, which nothing in the store is.
    assert_eq!(run(&db, &["show", "306"]).status.code(), Some(4));
    for args in [
        vec!["show", "OFAC SDN:306"],
        vec!["import", "ofac-sdn", "x", "--published", "2021-13-01"],
        vec!["import", "no-such-format", "x"],
        vec!["diff"],
        vec!["frobnicate"],
    ] {
        let output = run(&db, &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn missing_things_are_errors_with_exit_1_or_4() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let output = run(&db, &["versions"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no store"));
    assert!(!db.exists(), "a read command must not create a store");
    import_fixture(&db, "0001_sdn_set_with_addresses_aliases_and_continued_remarks", "2021-07-07");
    // 4: the store does not know what the query names; 2: there is nothing to compare.
    for (args, code) in [
        (vec!["show", "ofac-sdn:999999"], 4),
        (vec!["show", "nope:1"], 4),
        (vec!["show", "ofac-sdn:306", "--version", "7"], 4),
        (vec!["history", "ofac-sdn:999999"], 4),
        (vec!["diff", "nope"], 4),
        (vec!["entities", "nope"], 4),
        (vec!["diff", "ofac-sdn"], 2),
    ] {
        let output = run(&db, &args);
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        assert!(!output.stderr.is_empty());
    }
}

#[test]
fn broken_files_are_refused_with_file_and_line_and_the_current_version_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    import_fixture(&db, "0001_sdn_set_with_addresses_aliases_and_continued_remarks", "2021-07-07");
    for (name, expected) in [
        ("0001_truncated_mid_record.csv", "sdn.csv:19"),
        ("0002_unbalanced_quote.csv", "sdn.csv:4"),
        ("0003_address_file_as_main_file.csv", "sdn.csv:1"),
        ("0004_binary_data.csv", "binary"),
    ] {
        let dir = tmp.path().join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::copy(fixture(&format!("err/{name}")), dir.join("sdn.csv")).unwrap();
        let output =
            run(&db, &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", "2021-08-01"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        let versions = run_json(&db, &["versions", "--json"]);
        assert_eq!(versions.as_array().unwrap().len(), 1, "{name} must not create a version");
    }
}

#[test]
fn a_malformed_record_is_reported_and_the_rest_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let import = import_fixture(&db, "0005_malformed_records_among_good_ones", "2021-07-07");
    assert_eq!(import["entities"], 4);
    let diagnostics = import["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 3);
    assert_eq!(diagnostics[0]["line"], 2);
    assert_eq!(diagnostics[0]["severity"], "error");
    assert!(diagnostics[0]["file"].as_str().unwrap().ends_with("sdn.csv"));
}

#[test]
fn show_prints_iso_dates_and_typed_identifiers() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    import_fixture(&db, "0002_cmic_entries_of_the_consolidated_list", "2025-12-19");
    let entity = run_json(&db, &["show", "ofac-consolidated:30923", "--json"]);
    assert_eq!(entity["id"], "ofac-consolidated:30923");
    assert_eq!(entity["schema"], "Company");
    let dates: Vec<(&str, &str)> = entity["list_dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["date"].as_str().unwrap()))
        .collect();
    assert_eq!(
        dates,
        [("effective", "2021-08-02"), ("divestment", "2022-06-03"), ("listing", "2021-06-03")]
    );
    let isins: Vec<&str> = entity["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "isin")
        .map(|i| i["value"].as_str().unwrap())
        .collect();
    assert_eq!(isins, ["US16941M1099", "HK0941009539", "BRC1HLBDR003", "ARDEUT111812"]);
    // Human output is a readable listing.
    let output = run(&db, &["show", "ofac-consolidated:30923"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("CHINA MOBILE LIMITED"), "{text}");
    assert!(text.contains("listing date"), "{text}");
}

#[test]
fn the_human_outputs_are_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    import_fixture(&db, "0001_sdn_set_with_addresses_aliases_and_continued_remarks", "2021-07-07");
    let dir = fixture("ok/0003_main_file_alone_with_truncated_remarks");
    let args = [
        "import",
        "ofac-sdn",
        dir.to_str().unwrap(),
        "--published",
        "2024-05-03",
        // The two fixtures share no entry: all 9 of the first are removed.
        "--allow-mass-removal",
        "9",
    ];
    assert!(run(&db, &args).status.success());
    let output = run(&db, &["versions"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("LIST"), "{text}");
    // A header, two versions, and the note on what the main-file-only version lacks.
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.lines().nth(2).unwrap().contains("aliases,addresses"), "{text}");
    let output = run(&db, &["diff", "ofac-sdn"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("version 1 (published 2021-07-07) -> version 2 (published 2024-05-03)"),
        "{text}"
    );
    assert!(text.contains("not compared"), "{text}");
}
