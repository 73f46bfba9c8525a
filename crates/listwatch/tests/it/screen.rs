//! Screening from the command line: one query, a batch file with a bad line, and pair
//! comparison, on the real consolidated list and the demo data.

use std::path::Path;

use crate::{data_dir, run, run_json};

fn store(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("store.redb");
    let cons = data_dir().join("ofac-consolidated/2025-12-19");
    run_json(
        &db,
        &[
            "import",
            "ofac-consolidated",
            cons.to_str().unwrap(),
            "--published",
            "2025-12-19",
            "--json",
        ],
    );
    let sdn = data_dir().join("ofac-sdn/2021-07-07");
    run_json(
        &db,
        &["import", "ofac-sdn", sdn.to_str().unwrap(), "--published", "2021-07-07", "--json"],
    );
    db
}

#[test]
fn one_query_returns_ranked_explained_results_with_versions_and_matcher() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = store(tmp.path());
    let response = run_json(&db, &["screen", "China Mobile Ltd", "--json"]);
    let first = &response["results"][0];
    assert_eq!(first["entity_id"], "ofac-consolidated:30923");
    assert_eq!(first["match"], true);
    for key in
        ["entity_id", "list", "name", "matched_name", "score", "match", "programs", "explanation"]
    {
        assert!(first.get(key).is_some(), "a result lacks {key}");
    }
    let versions: Vec<(&str, u64)> = response["list_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["list"].as_str().unwrap(), v["version"].as_u64().unwrap()))
        .collect();
    assert_eq!(versions, [("ofac-consolidated", 1), ("ofac-sdn", 1)]);
    assert!(response["matcher"]["config_hash"].as_str().is_some_and(|h| !h.is_empty()));
    // An identifier alone is a query, and a strong identifier decides.
    let by_isin = run_json(&db, &["screen", "--id", "isin=us16941m1099", "--json"]);
    assert_eq!(by_isin["results"][0]["entity_id"], "ofac-consolidated:30923");
    assert_eq!(by_isin["results"][0]["match"], true);
    // The threshold in force is part of the replayable configuration.
    let strict = run_json(&db, &["screen", "China Mobile Ltd", "--threshold", "0.99", "--json"]);
    assert_ne!(strict["matcher"]["config_hash"], response["matcher"]["config_hash"]);
    // Usage errors.
    assert_eq!(run(&db, &["screen"]).status.code(), Some(2));
    assert_eq!(run(&db, &["screen", "x", "--schema", "Robot"]).status.code(), Some(2));
    assert_eq!(run(&db, &["screen", "x", "--id", "isbn"]).status.code(), Some(2));
    // An identifier type listwatch does not know is screened as untyped, with a warning
    // (issue 12: never an error that drops the query).
    let untyped = run_json(&db, &["screen", "x", "--id", "isbn=123", "--json"]);
    assert!(untyped["warnings"][0].as_str().unwrap().contains("isbn"));
    assert_eq!(run(&db, &["screen", "x", "--threshold", "2"]).status.code(), Some(2));
}

#[test]
fn a_batch_reports_a_bad_line_with_its_number_and_goes_on() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = store(tmp.path());
    let input = tmp.path().join("queries.jsonl");
    std::fs::write(
        &input,
        concat!(
            "{\"id\": \"q1\", \"name\": \"Banco Nacional de Cuba\", \"schema\": \"Organization\"}\n",
            "{\"id\": \"q2\", \"name\": \n",
            "{\"id\": \"q3\", \"identifiers\": [{\"type\": \"isin\", \"value\": \"CNE100000PM8\"}], \"unknown\": 1}\n",
            "{\"id\": \"q4\", \"name\": \"Completely Unlisted Bakery\"}\n",
        ),
    )
    .unwrap();
    let output = tmp.path().join("results.jsonl");
    let result = run(
        &db,
        &["screen", "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()],
    );
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], "q1");
    assert_eq!(lines[0]["results"][0]["entity_id"], "ofac-sdn:306");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().is_some());
    assert_eq!(lines[2]["results"][0]["entity_id"], "ofac-consolidated:30946");
    assert!(lines[3]["results"].as_array().unwrap().iter().all(|r| r["match"] == false));
    assert!(
        lines.iter().all(|l| l["matcher"]["version"].is_string() && l["list_versions"].is_array())
    );

    // CSV in, CSV out.
    let csv_in = tmp.path().join("queries.csv");
    std::fs::write(&csv_in, "id,name,schema,birth_date,country,isin\nc1,Banco Nacional de Cuba,,,CU,\nc2,,,,,US16941M1099\n").unwrap();
    let csv_out = tmp.path().join("results.csv");
    let result = run(
        &db,
        &["screen", "--input", csv_in.to_str().unwrap(), "--output", csv_out.to_str().unwrap()],
    );
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let text = std::fs::read_to_string(&csv_out).unwrap();
    assert!(text.starts_with("id,line,error,rank,entity_id"), "{text}");
    assert!(text.contains("c1,2,,1,ofac-sdn:306"), "{text}");
    assert!(text.contains("ofac-consolidated:30923"), "{text}");
}

#[test]
fn compare_scores_pairs_with_the_same_scorer() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("unused.redb");
    let input = tmp.path().join("pairs.jsonl");
    std::fs::write(
        &input,
        concat!(
            "{\"id\": \"p1\", \"a\": {\"name\": \"Xiaomi Corp\"}, \"b\": {\"name\": \"XIAOMI CORPORATION\"}}\n",
            "{\"id\": \"p2\", \"a\": {\"name\": \"Caribbean Trading Limited\"}, \"b\": {\"name\": \"Pacific Trading Limited\"}}\n",
            "not json\n",
        ),
    )
    .unwrap();
    let output = tmp.path().join("scores.jsonl");
    let result = run(
        &db,
        &["compare", "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()],
    );
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!((lines[0]["id"].as_str(), lines[0]["match"].as_bool()), (Some("p1"), Some(true)));
    assert_eq!((lines[1]["id"].as_str(), lines[1]["match"].as_bool()), (Some("p2"), Some(false)));
    for key in ["id", "score", "match", "explanation"] {
        assert!(lines[0].get(key).is_some(), "a pair result lacks {key}");
    }
    assert_eq!(lines[2]["line"], 3);
}
