//! Conformance with the test vectors of jellyfish, read from disk when the tests run.
//!
//! The vectors are not part of this repository. They are read from
//! `$LISTWATCH_CONFORMANCE/jellyfish/*.csv`, where `LISTWATCH_CONFORMANCE` defaults to the
//! `shared/conformance` folder beside the repository. A missing folder fails the tests rather
//! than skipping them.
//!
//! Every row must pass. Similarities must be within 0.001 of the value written, the tolerance
//! jellyfish's own test harness (`src/testutils.rs`) applies to these files: the vectors are
//! written to 3 decimals, but not always rounded. "William"/"Williams" in
//! `jaro_winkler_longtol.csv` says 0.980 for 0.98056 (truncated), while "martha"/"marhta" says
//! 0.971 for 0.97083 (rounded); a unit test pins the exact value. A row that this crate
//! deliberately does not reproduce would go in [`KNOWN_EXCEPTIONS`] with the reason; there is
//! none.

use listwatch_matcher::{metrics, phonetic};
use std::path::PathBuf;

/// Rows not reproduced on purpose: (file name, line number, why).
const KNOWN_EXCEPTIONS: &[(&str, u64, &str)] = &[];

/// The CSV files this module tests; a new file in the folder fails
/// [`every_vector_file_is_tested`] until it gets a test.
const TESTED_FILES: &[&str] = &[
    "damerau_levenshtein.csv",
    "hamming.csv",
    "jaro_distance.csv",
    "jaro_winkler.csv",
    "jaro_winkler_longtol.csv",
    "levenshtein.csv",
    "match_rating_codex.csv",
    "match_rating_comparison.csv",
    "metaphone.csv",
    "nysiis.csv",
    "soundex.csv",
];

fn jellyfish_dir() -> PathBuf {
    let conformance_dir =
        std::env::var_os("LISTWATCH_CONFORMANCE").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        });
    conformance_dir.join("jellyfish")
}

/// Runs `check_row` on every row of `file` that is not a known exception, and fails with the
/// list of rows whose check failed.
fn check_file(file: &str, check_row: impl Fn(&[&str]) -> Result<(), String>) {
    let path = jellyfish_dir().join(file);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_path(&path).unwrap_or_else(|error| {
            panic!("cannot read {}: {error} (set LISTWATCH_CONFORMANCE)", path.display())
        });
    let mut failures = Vec::new();
    let mut n_rows = 0;
    for record in reader.records() {
        let record = record.unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let line = record.position().map_or(0, |position| position.line());
        if KNOWN_EXCEPTIONS.iter().any(|&(exception_file, exception_line, _)| {
            (exception_file, exception_line) == (file, line)
        }) {
            continue;
        }
        n_rows += 1;
        let fields: Vec<&str> = record.iter().collect();
        if let Err(failure) = check_row(&fields) {
            failures.push(format!("{file}:{line}: {fields:?}: {failure}"));
        }
    }
    assert!(n_rows > 0, "{} has no rows", path.display());
    assert!(failures.is_empty(), "{} failing rows:\n{}", failures.len(), failures.join("\n"));
}

fn check_similarity(file: &str, similarity: fn(&str, &str) -> f64) {
    check_file(file, |fields| {
        let [a, b, expected] = fields else { return Err("expected 3 columns".to_owned()) };
        let expected: f64 = expected.parse().map_err(|error| format!("bad number: {error}"))?;
        let actual = similarity(a, b);
        if (actual - expected).abs() < 0.001 { Ok(()) } else { Err(format!("got {actual}")) }
    });
}

fn check_distance(file: &str, distance: fn(&str, &str) -> usize) {
    check_file(file, |fields| {
        let [a, b, expected] = fields else { return Err("expected 3 columns".to_owned()) };
        let expected: usize = expected.parse().map_err(|error| format!("bad number: {error}"))?;
        let actual = distance(a, b);
        if actual == expected { Ok(()) } else { Err(format!("got {actual}")) }
    });
}

fn check_code(file: &str, code: fn(&str) -> String) {
    check_file(file, |fields| {
        let [text, expected] = fields else { return Err("expected 2 columns".to_owned()) };
        let actual = code(text);
        if actual == *expected { Ok(()) } else { Err(format!("got {actual:?}")) }
    });
}

#[test]
fn jaro_matches_jellyfish() {
    check_similarity("jaro_distance.csv", metrics::jaro);
}

#[test]
fn jaro_winkler_matches_jellyfish() {
    check_similarity("jaro_winkler.csv", metrics::jaro_winkler);
}

#[test]
fn jaro_winkler_long_tolerance_matches_jellyfish() {
    check_similarity("jaro_winkler_longtol.csv", metrics::jaro_winkler_long_tolerance);
}

#[test]
fn levenshtein_matches_jellyfish() {
    check_distance("levenshtein.csv", metrics::levenshtein);
}

#[test]
fn damerau_levenshtein_matches_jellyfish() {
    check_distance("damerau_levenshtein.csv", metrics::damerau_levenshtein);
}

#[test]
fn hamming_matches_jellyfish() {
    check_distance("hamming.csv", metrics::hamming);
}

#[test]
fn soundex_matches_jellyfish() {
    check_code("soundex.csv", phonetic::soundex);
}

#[test]
fn metaphone_matches_jellyfish() {
    check_code("metaphone.csv", phonetic::metaphone);
}

#[test]
fn nysiis_matches_jellyfish() {
    check_code("nysiis.csv", phonetic::nysiis);
}

#[test]
fn match_rating_codex_matches_jellyfish() {
    check_code("match_rating_codex.csv", phonetic::match_rating_codex);
}

#[test]
fn match_rating_comparison_matches_jellyfish() {
    check_file("match_rating_comparison.csv", |fields| {
        let [a, b, expected] = fields else { return Err("expected 3 columns".to_owned()) };
        let expected = match *expected {
            "True" => Some(true),
            "False" => Some(false),
            "None" => None,
            other => return Err(format!("bad expected value {other:?}")),
        };
        let actual = phonetic::match_rating_comparison(a, b);
        if actual == expected { Ok(()) } else { Err(format!("got {actual:?}")) }
    });
}

#[test]
fn every_vector_file_is_tested() {
    let dir = jellyfish_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| {
        panic!("cannot list {}: {error} (set LISTWATCH_CONFORMANCE)", dir.display())
    });
    let mut untested: Vec<String> = entries
        .filter_map(|entry| {
            entry.ok().map(|entry| entry.file_name().to_string_lossy().into_owned())
        })
        .filter(|name| name.ends_with(".csv") && !TESTED_FILES.contains(&name.as_str()))
        .collect();
    untested.sort();
    assert_eq!(untested, Vec::<String>::new(), "vector files without a test");
}
