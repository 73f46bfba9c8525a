//! The bounds on inputs (README, "Limits"), through the command: each oversized or broken input
//! gets a clear error with the file, line or field and the limit, and a batch goes on past its
//! bad lines.

use std::fs;
use std::path::Path;

use crate::{fixture, run, run_json};

/// A store with the small fixture publication (no real data needed).
fn store(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("s.redb");
    let set = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    run_json(
        &db,
        &["import", "ofac-sdn", set.to_str().unwrap(), "--published", "2021-07-07", "--json"],
    );
    db
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_import_file_over_the_size_limit_is_refused_before_it_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let dir = tmp.path().join("huge");
    fs::create_dir_all(&dir).unwrap();
    // A sparse file: 1 GiB and one byte, costing no disk.
    let file = fs::File::create(dir.join("sdn.csv")).unwrap();
    file.set_len((1 << 30) + 1).unwrap();
    let output =
        run(&db, &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", "2021-08-01"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("sdn.csv") && message.contains("limit of 1073741824"), "{message}");
}

#[test]
fn foreign_text_is_refused_from_its_first_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let file = tmp.path().join("sdn.csv");
    fs::write(&file, "{\"this\": \"is json\"}\n".repeat(10_000)).unwrap();
    let output =
        run(&db, &["import", "ofac-sdn", file.to_str().unwrap(), "--published", "2021-08-01"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("not an OFAC CSV file"), "{}", stderr(&output));
}

#[test]
fn an_overlong_query_name_is_a_usage_error_and_a_batch_line_an_error_line() {
    let tmp = tempfile::tempdir().unwrap();
    let db = store(tmp.path());
    // A command-line argument is at most 128 KiB on Linux; a 1 MB name goes through a batch below.
    let long = "a".repeat(100_000);
    let output = run(&db, &["screen", &long]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("limit of 1000"), "{}", stderr(&output));
    // 1,000 characters are screened.
    let response = run_json(&db, &["screen", &"abdalrahman ".repeat(84)[..1000], "--json"]);
    assert!(response["results"].is_array());

    let input = tmp.path().join("q.jsonl");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"{\"id\": \"ok\", \"name\": \"Banco Nacional de Cuba\"}\n");
    bytes.extend_from_slice(
        format!("{{\"id\": \"long\", \"name\": \"{}\"}}\n", "a".repeat(50_000)).as_bytes(),
    );
    bytes.extend_from_slice(
        format!("{{\"id\": \"huge\", \"name\": \"{}\"}}\n", "a".repeat(1 << 20)).as_bytes(),
    );
    bytes.extend_from_slice(b"{\"id\": \"utf8\", \"name\": \"Banco \xff\"}\n");
    bytes.extend_from_slice(b"{\"id\": \"typed\", \"name\": [\"Banco\"]}\n");
    bytes.extend_from_slice(b"{\"id\": \"last\", \"name\": \"Banco Nacional de Cuba\"}\n");
    fs::write(&input, bytes).unwrap();
    let out = tmp.path().join("r.jsonl");
    let output = run(
        &db,
        &["screen", "--input", input.to_str().unwrap(), "--output", out.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(String, Option<u64>, bool)> = lines
        .iter()
        .map(|l| {
            (l["id"].as_str().unwrap_or("").to_string(), l["line"].as_u64(), l["error"].is_string())
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("ok".to_string(), None, false),
            ("long".to_string(), Some(2), true),
            (String::new(), Some(3), true),
            ("utf8".to_string(), Some(4), true),
            ("typed".to_string(), Some(5), true),
            ("last".to_string(), None, false),
        ]
    );
    assert!(lines[1]["error"].as_str().unwrap().contains("limit of 1000"));
    assert!(lines[2]["error"].as_str().unwrap().contains("limit of 65536"));
    assert!(lines[3]["error"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(lines[5]["results"][0]["entity_id"], "ofac-sdn:306");
}

#[test]
fn a_batch_of_only_bad_lines_fails_with_the_first_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = store(tmp.path());
    let input = tmp.path().join("q.jsonl");
    fs::write(&input, "garbage\n\n{\"id\": 2, \"name\": 7}\n").unwrap();
    let out = tmp.path().join("r.jsonl");
    let output = run(
        &db,
        &["screen", "--input", input.to_str().unwrap(), "--output", out.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("no line of") && message.contains("line 1: not a JSON query"),
        "{message}"
    );
    // The pairs of `compare` likewise.
    let output = run(&db, &["compare", "--input", input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("no line of"), "{}", stderr(&output));
}

#[test]
fn compare_json_output_is_one_array_written_as_it_goes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("unused.redb");
    let input = tmp.path().join("pairs.jsonl");
    fs::write(
        &input,
        "{\"id\": \"p1\", \"a\": {\"name\": \"Xiaomi Corp\"}, \"b\": {\"name\": \"XIAOMI CORPORATION\"}}\n{\"id\": \"p2\", \"a\": {\"name\": 5}, \"b\": {}}\n",
    )
    .unwrap();
    let array = run_json(&db, &["compare", "--input", input.to_str().unwrap(), "--json"]);
    let array = array.as_array().unwrap();
    assert_eq!(array.len(), 2);
    assert_eq!((array[0]["id"].as_str(), array[0]["match"].as_bool()), (Some("p1"), Some(true)));
    assert_eq!((array[1]["id"].as_str(), array[1]["line"].as_u64()), (Some("p2"), Some(2)));
}
