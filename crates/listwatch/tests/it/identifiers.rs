//! Identifiers as callers write them: the lists' own labels and FollowTheMoney property names are
//! read as their types, and a type listwatch does not know is compared as untyped, with a
//! warning, never an error that drops the query.

use crate::{fixture, run, run_json};

fn store() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let dir = fixture("ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks");
    let output = run(
        &db,
        &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", "2021-07-07", "--json"],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (tmp, db)
}

#[test]
fn labels_and_property_names_are_identifier_types() {
    let (_tmp, db) = store();
    for id in ["passportNumber=0291622", "Passport=0291622", "passport=0291622"] {
        let answer = run_json(&db, &["screen", "Daniel Moreno", "--id", id, "--json"]);
        assert!(answer.get("warnings").is_none(), "{id}: {answer:#}");
        assert_eq!(answer["results"][0]["entity_id"], "ofac-sdn:15102", "{id}");
    }
}

#[test]
fn an_unknown_identifier_type_is_a_warning_and_the_name_is_still_screened() {
    let (tmp, db) = store();
    let answer =
        run_json(&db, &["screen", "Daniel Moreno", "--id", "loyaltyCard=0291622", "--json"]);
    assert_eq!(answer["results"][0]["entity_id"], "ofac-sdn:15102");
    let warning = answer["warnings"][0].as_str().unwrap();
    assert!(warning.contains("loyaltyCard") && warning.contains("untyped"), "{warning}");
    // The untyped number equals the listed passport: it counts as evidence.
    let features = answer["results"][0]["explanation"]["features"].to_string();
    assert!(features.contains("0291622"), "{features}");
    // In a batch, the line is screened and carries the warning; it is not an error line.
    let input = tmp.path().join("q.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"c1\", \"name\": \"Daniel Moreno\", \"identifiers\": [{\"type\": \"loyaltyCard\", \"value\": \"0291622\"}]}\n",
    )
    .unwrap();
    let output = run(
        &db,
        &["screen", "--input", input.to_str().unwrap(), "--output", "-", "--format", "jsonl"],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(line.get("error").is_none(), "{line:#}");
    assert_eq!(line["results"][0]["entity_id"], "ofac-sdn:15102");
    assert!(line["warnings"][0].as_str().unwrap().contains("loyaltyCard"));
}
