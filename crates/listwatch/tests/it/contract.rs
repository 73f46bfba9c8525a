//! The answers' contract: exit codes 4 and 5, a closed pipe, `--output` everywhere, `--json`
//! where the README promises it, date errors, diffs that never hide a change, publication file
//! names in any case, and `entities`.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::{command, data_dir, fixture, run, run_json};

/// A store with the SDN publications of 2019-01-04 and 2021-07-07 (about 3,000 changes).
fn sdn_store(dir: &Path) -> PathBuf {
    let db = dir.join("sdn.redb");
    for (folder, day) in
        [("ofac-sdn/2019-01-04", "2019-01-04"), ("ofac-sdn/2021-07-07", "2021-07-07")]
    {
        let path = data_dir().join(folder);
        run_json(
            &db,
            &["import", "ofac-sdn", path.to_str().unwrap(), "--published", day, "--json"],
        );
    }
    db
}

/// A store with the consolidated list of 2025-12-19.
fn consolidated_store(dir: &Path) -> PathBuf {
    let db = dir.join("cons.redb");
    let path = data_dir().join("ofac-consolidated/2025-12-19");
    run_json(
        &db,
        &[
            "import",
            "ofac-consolidated",
            path.to_str().unwrap(),
            "--published",
            "2025-12-19",
            "--json",
        ],
    );
    db
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command and checks its exit code; returns its output.
fn check_exit(db: &Path, args: &[&str], code: i32) -> std::process::Output {
    let output = run(db, args);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {}", stderr(&output));
    output
}

#[test]
fn screen_fail_on_match_exits_5_after_writing_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let db = consolidated_store(tmp.path());
    let output = check_exit(&db, &["screen", "China Mobile Limited", "--fail-on-match"], 5);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("ofac-consolidated:30923"), "{text}");
    let output =
        check_exit(&db, &["screen", "China Mobile Limited", "--fail-on-match", "--json"], 5);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["results"][0]["entity_id"], "ofac-consolidated:30923");
    check_exit(&db, &["screen", "Completely Unlisted Bakery", "--fail-on-match"], 0);
    check_exit(&db, &["screen", "China Mobile Limited"], 0);

    let input = tmp.path().join("queries.jsonl");
    fs::write(&input, "{\"id\": \"a\", \"name\": \"Completely Unlisted Bakery\"}\n").unwrap();
    let out = tmp.path().join("hits.jsonl");
    let batch = |out: &Path| {
        vec![
            "screen".to_string(),
            "--input".to_string(),
            input.display().to_string(),
            "--output".to_string(),
            out.display().to_string(),
            "--fail-on-match".to_string(),
        ]
    };
    let args = batch(&out);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    check_exit(&db, &args, 0);
    fs::write(
        &input,
        "{\"id\": \"a\", \"name\": \"Completely Unlisted Bakery\"}\n{\"id\": \"b\", \"name\": \"China Mobile Limited\"}\n",
    )
    .unwrap();
    let output = check_exit(&db, &args, 5);
    assert!(stderr(&output).contains("1 query has a result at or above the threshold"));
    assert_eq!(fs::read_to_string(&out).unwrap().lines().count(), 2, "the output is complete");
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sdn_store(tmp.path());
    for args in
        [vec!["diff", "ofac-sdn"], vec!["diff", "ofac-sdn", "--json"], vec!["entities", "ofac-sdn"]]
    {
        let mut child =
            command(&db).args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        assert!(!first.is_empty());
        drop(reader);
        let output = child.wait_with_output().unwrap();
        let err = stderr(&output);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: a closed pipe is not worth a message: {err}");
        // 0 if everything fit in the pipe before it closed, else 1 (the answer was cut short).
        assert!(matches!(output.status.code(), Some(0 | 1)), "{args:?}: {:?}", output.status);
    }
}

#[test]
fn output_formats_come_from_the_name_or_format_and_unknown_ones_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let db = consolidated_store(tmp.path());
    let input = tmp.path().join("queries.csv");
    fs::write(&input, "id,name\n=HYPERLINK(\"x\"),China Mobile Limited\n-1,+Bakery\n").unwrap();
    let screen = |output: &str, extra: &[&str]| {
        let mut args = vec!["screen", "--input", input.to_str().unwrap(), "--output", output];
        args.extend_from_slice(extra);
        run(&db, &args)
    };
    let xlsx = tmp.path().join("report.xlsx");
    let output = screen(xlsx.to_str().unwrap(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(".jsonl, .ndjson, .csv"), "{}", stderr(&output));
    assert!(!xlsx.exists());

    // --format wins over the name; CSV cells that a spreadsheet would run are escaped.
    let txt = tmp.path().join("report.txt");
    let output = screen(txt.to_str().unwrap(), &["--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = fs::read_to_string(&txt).unwrap();
    assert!(text.starts_with("id,line,error,rank"), "{text}");
    assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\",2,"), "{text}");
    assert!(text.contains("'-1,3,"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with('=') || l.starts_with('-')), "{text}");

    // `-` is standard output, JSONL unless --format says otherwise.
    let output = screen("-", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let output = screen("-", &["--format", "csv"]);
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("id,line,error"));

    // No temporary file is left behind.
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // compare and portfolio check use the same rules.
    let pairs = tmp.path().join("pairs.jsonl");
    fs::write(
        &pairs,
        "{\"id\": \"p\", \"a\": {\"name\": \"Xiaomi Corp\"}, \"b\": {\"name\": \"XIAOMI\"}}\n",
    )
    .unwrap();
    let output = run(&db, &["compare", "--input", pairs.to_str().unwrap(), "--output", "x.xlsx"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let scores = tmp.path().join("scores.csv");
    let output = run(
        &db,
        &["compare", "--input", pairs.to_str().unwrap(), "--output", scores.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        fs::read_to_string(&scores).unwrap().starts_with("id,line,error,score,match,matcher\np,")
    );
    let holdings = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/holdings.csv");
    let report = tmp.path().join("report.ods");
    let output = run(
        &db,
        &[
            "portfolio",
            "check",
            holdings.to_str().unwrap(),
            "--as-of",
            "2021-09-01",
            "--output",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn output_never_overwrites_the_store_or_the_input() {
    let tmp = tempfile::tempdir().unwrap();
    let db = consolidated_store(tmp.path());
    let store_bytes = fs::read(&db).unwrap();
    let input = tmp.path().join("queries.jsonl");
    fs::write(&input, "{\"id\": \"a\", \"name\": \"China Mobile Limited\"}\n").unwrap();
    let hard_link = tmp.path().join("hard.jsonl");
    fs::hard_link(&input, &hard_link).unwrap();
    let store_link = tmp.path().join("store-link.jsonl");
    let input_link = tmp.path().join("input-link.jsonl");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&db, &store_link).unwrap();
        std::os::unix::fs::symlink(&input, &input_link).unwrap();
    }
    let dotted = tmp.path().join(".").join("queries.jsonl");
    for target in [&input, &hard_link, &store_link, &input_link, &dotted] {
        let output = run(
            &db,
            &[
                "screen",
                "--input",
                input.to_str().unwrap(),
                "--output",
                target.to_str().unwrap(),
                "--format",
                "jsonl",
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{}: {}", target.display(), stderr(&output));
    }
    let output = run(
        &db,
        &[
            "screen",
            "--input",
            input.to_str().unwrap(),
            "--output",
            db.to_str().unwrap(),
            "--format",
            "jsonl",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("store"), "{}", stderr(&output));
    assert_eq!(fs::read(&db).unwrap(), store_bytes, "the store is untouched");
    assert_eq!(
        fs::read_to_string(&input).unwrap(),
        "{\"id\": \"a\", \"name\": \"China Mobile Limited\"}\n"
    );
}

#[test]
fn demo_and_compare_take_json() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.redb");
    let demo = run_json(&db, &["demo", "--json"]);
    assert_eq!(demo["store"], db.to_str().unwrap());
    let stories = demo["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 2);
    let xiaomi = &stories[0]["entities"][0];
    assert_eq!(xiaomi["entity_id"], "dod-ccmc:xiaomi");
    let states: Vec<&str> = xiaomi["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["pending", "suspended", "removed"]);

    let pairs = tmp.path().join("pairs.jsonl");
    fs::write(&pairs, "{\"id\": \"p\", \"a\": {\"name\": \"Xiaomi Corp\"}, \"b\": {\"name\": \"XIAOMI CORPORATION\"}}\nnot json\n")
        .unwrap();
    let scores = run_json(&db, &["compare", "--input", pairs.to_str().unwrap(), "--json"]);
    let scores = scores.as_array().unwrap();
    assert_eq!(scores.len(), 2);
    assert_eq!((scores[0]["id"].as_str(), scores[0]["match"].as_bool()), (Some("p"), Some(true)));
    assert_eq!(scores[1]["line"], 2);
}

#[test]
fn date_errors_say_what_was_wrong_with_what_was_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let dir = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    for (date, message) in [
        ("2021-02-30", "--published 2021-02-30: February 2021 has 28 days"),
        ("2021-13-01", "--published 2021-13-01: the month must be 01 to 12, not 13"),
        ("21-03-01", "--published 21-03-01: expected YYYY-MM-DD with a four-digit year"),
        ("2021-3-1", "(such as 2021-03-01)"),
        ("2021-06", "expected a full date YYYY-MM-DD, not a month"),
    ] {
        let output =
            check_exit(&db, &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", date], 2);
        assert!(stderr(&output).contains(message), "{date}: {}", stderr(&output));
    }
}

#[test]
fn a_diff_names_its_entries_and_never_hides_a_change() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sdn_store(tmp.path());
    let diff = run_json(&db, &["diff", "ofac-sdn", "--json"]);
    for key in ["added", "removed", "changed"] {
        let entries = diff[key].as_array().unwrap();
        assert!(!entries.is_empty(), "{key}");
        for entry in entries {
            assert!(entry["id"].as_str().unwrap().starts_with("ofac-sdn:"), "{entry}");
            assert!(!entry["name"].as_str().unwrap().is_empty(), "{key} {entry}");
        }
    }
    let removed_306 =
        diff["changed"].as_array().unwrap().iter().find(|c| c["id"] == "ofac-sdn:306");
    if let Some(entry) = removed_306 {
        assert_eq!(entry["name"], "BANCO NACIONAL DE CUBA");
    }
    // Every changed field looks changed in the human output, however long its values.
    let output = run(&db, &["diff", "ofac-sdn"]);
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let mut n_fields = 0;
    let mut idx = 0;
    while idx < lines.len() {
        let line = lines[idx];
        if line.starts_with("    ") && !line.starts_with("      ") {
            n_fields += 1;
            if let Some((_, values)) = line.split_once(": ")
                && let Some((before, after)) = values.split_once(" -> ")
            {
                assert_ne!(before, after, "{line}");
            } else {
                // A long value: "before" and "after" blocks, continued on indented lines.
                let mut block = |label: &str| -> String {
                    idx += 1;
                    let first = lines[idx].trim_start();
                    assert!(first.starts_with(label), "{line} / {first}");
                    let mut value = first[label.len()..].trim_start().to_string();
                    while idx + 1 < lines.len() && lines[idx + 1].starts_with("             ") {
                        idx += 1;
                        value.push_str(&lines[idx][13..]);
                    }
                    value
                };
                let before = block("before");
                let after = block("after");
                assert_ne!(before, after, "{line}");
                assert!(!before.is_empty() && !after.is_empty());
            }
        }
        idx += 1;
    }
    let n_changed_fields: usize = diff["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["fields"].as_array().unwrap().len())
        .sum();
    assert_eq!(n_fields, n_changed_fields);
}

#[test]
fn a_publication_folder_is_read_whatever_the_case_of_its_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let source = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    let upper = tmp.path().join("upper");
    fs::create_dir_all(&upper).unwrap();
    for (from, to) in [
        ("sdn.csv", "SDN.CSV"),
        ("add.csv", "Add.csv"),
        ("alt.csv", "ALT.csv"),
        ("sdn_comments.csv", "SDN_COMMENTS.CSV"),
    ] {
        fs::copy(source.join(from), upper.join(to)).unwrap();
    }
    let import = |db: &Path, dir: &Path| {
        run_json(
            db,
            &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", "2021-07-07", "--json"],
        )
    };
    let expected = import(&tmp.path().join("a.redb"), &source);
    let got = import(&tmp.path().join("b.redb"), &upper);
    assert_eq!(got["entities"], expected["entities"]);
    assert_eq!(got["remark_items"], expected["remark_items"]);
    let db = tmp.path().join("b.redb");
    let (a, b) = (
        run_json(&tmp.path().join("a.redb"), &["show", "ofac-sdn:306", "--json"]),
        run_json(&db, &["show", "ofac-sdn:306", "--json"]),
    );
    assert_eq!(a["addresses"], b["addresses"], "add.csv was read");
    assert_eq!(a["names"], b["names"], "alt.csv was read");
}

#[test]
fn entities_lists_and_exports_what_a_version_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let db = consolidated_store(tmp.path());
    let rows =
        run_json(&db, &["entities", "ofac-consolidated", "--program", "CMIC-EO13959", "--json"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 68);
    let china_mobile = rows.iter().find(|r| r["entity_id"] == "ofac-consolidated:30923").unwrap();
    assert_eq!(china_mobile["name"], "CHINA MOBILE LIMITED");
    assert!(
        china_mobile["identifiers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["type"] == "isin" && i["value"] == "US16941M1099")
    );
    assert!(
        china_mobile["list_dates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "listing" && d["scope"] == "CMIC" && d["date"] == "2021-06-03")
    );

    let csv = tmp.path().join("cmic.csv");
    let output = run(
        &db,
        &[
            "entities",
            "ofac-consolidated",
            "--version",
            "1",
            "--program",
            "CMIC-EO13959",
            "--output",
            csv.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("entity_id,schema,name,programs,identifiers,list_dates,aliases\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 69);
    assert!(text.contains("isin:US16941M1099"), "{text}");
    assert!(text.contains("listing CMIC 2021-06-03"), "{text}");

    let all = run(&db, &["entities", "ofac-consolidated", "--csv"]);
    assert_eq!(String::from_utf8_lossy(&all.stdout).lines().count(), 443);
    let jsonl = tmp.path().join("all.jsonl");
    let output = run(
        &db,
        &[
            "entities",
            "ofac-consolidated",
            "--schema",
            "company",
            "--output",
            jsonl.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    for line in fs::read_to_string(&jsonl).unwrap().lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["schema"], "Company");
    }
    let table = run(&db, &["entities", "ofac-consolidated", "--program", "CMIC-EO13959"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.starts_with("ofac-consolidated version 1 (published 2025-12-19): 68 of 442 entries"),
        "{text}"
    );
    check_exit(&db, &["entities", "ofac-consolidated", "--program", "NO-SUCH-PROGRAM"], 4);
    check_exit(&db, &["entities", "ofac-consolidated", "--version", "9"], 4);
    check_exit(&db, &["entities", "ofac-consolidated", "--schema", "Robot"], 2);
}
