//! Every dated OFAC SDN version imported in order: the diffs equal what the files themselves say.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::{data_dir, run, run_json};

/// The eight dated SDN publications, in publication order.
const DATED: [&str; 8] = [
    "ofac-sdn/2019-01-04",
    "ofac-sdn/2021-07-07",
    "ofac-sdn-daily/2021-08-18",
    "ofac-sdn-daily/2021-12-22",
    "ofac-sdn-daily/2021-12-30",
    "ofac-sdn-daily/2022-03-21",
    "ofac-sdn-daily/2022-03-24",
    "ofac-sdn-daily/2024-05-03",
];

/// ent_num → trimmed fields of each `sdn.csv` record, read with the csv crate alone: an oracle that
/// shares no code with the parser.
fn rows(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let bytes = fs::read(dir.join("sdn.csv")).unwrap();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[..]);
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| r.len() == 12)
        .map(|r| (r[0].trim().to_string(), r.iter().map(|f| f.trim().to_string()).collect()))
        .collect()
}

fn ids_with_comments(dir: &Path) -> BTreeSet<String> {
    let Ok(bytes) = fs::read(dir.join("sdn_comments.csv")) else { return BTreeSet::new() };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[..]);
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| r.len() == 2)
        .map(|r| r[0].trim().to_string())
        .collect()
}

fn ids_of(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let id = v.as_str().or_else(|| v["id"].as_str()).unwrap();
            id.strip_prefix("ofac-sdn:").expect("entity ids are <list>:<id>").to_string()
        })
        .collect()
}

/// The `versions.csv` index: commit time's date → (added, removed, changed) relative to the
/// previous scrape.
fn scrape_index() -> BTreeMap<String, (u64, u64, u64)> {
    let text = fs::read_to_string(data_dir().join("ofac-sdn-daily/versions.csv")).unwrap();
    let mut index = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let parse = |s: &str| s.parse::<u64>().unwrap_or(0);
        index.insert(cols[1][..10].to_string(), (parse(cols[5]), parse(cols[6]), parse(cols[7])));
    }
    index
}

#[test]
fn dated_sdn_versions_import_and_their_diffs_equal_the_id_set_differences() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    let data = data_dir();
    let scrapes = scrape_index();
    let mut previous: Option<&str> = None;
    for (idx, dated) in DATED.iter().enumerate() {
        let dir = data.join(dated);
        let published = &dated[dated.len() - 10..];
        let import = run_json(
            &db,
            &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", published, "--json"],
        );
        assert_eq!(import["status"], "committed");
        assert_eq!(import["version"], idx as u64 + 1);
        assert_eq!(import["published"], published);
        let now = rows(&dir);
        assert_eq!(
            import["entities"],
            now.len() as u64,
            "{dated}: entities equal the distinct ent_nums"
        );
        for key in [
            "list",
            "version",
            "published",
            "entities",
            "added",
            "removed",
            "changed",
            "diagnostics",
        ] {
            assert!(import.get(key).is_some(), "import --json lacks {key}");
        }
        let Some(before_dated) = previous else {
            previous = Some(dated);
            continue;
        };
        let before_dir = data.join(before_dated);
        let before = rows(&before_dir);
        let diff = run_json(&db, &["diff", "ofac-sdn", "--json"]);
        assert_eq!(
            (diff["from"].as_u64(), diff["to"].as_u64()),
            (Some(idx as u64), Some(idx as u64 + 1))
        );

        let expected_added: BTreeSet<String> =
            now.keys().filter(|id| !before.contains_key(*id)).cloned().collect();
        let expected_removed: BTreeSet<String> =
            before.keys().filter(|id| !now.contains_key(*id)).cloned().collect();
        let row_changed: BTreeSet<String> = now
            .iter()
            .filter(|(id, row)| before.get(*id).is_some_and(|b| b != *row))
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(ids_of(&diff["added"]), expected_added, "{before_dated} -> {dated}: added");
        assert_eq!(
            ids_of(&diff["removed"]),
            expected_removed,
            "{before_dated} -> {dated}: removed"
        );
        assert_eq!(import["added"], expected_added.len() as u64);
        assert_eq!(import["removed"], expected_removed.len() as u64);

        let changed = ids_of(&diff["changed"]);
        assert_eq!(import["changed"], changed.len() as u64);
        // Every entry whose main-file record changed is reported changed.
        assert!(
            row_changed.is_subset(&changed),
            "{before_dated} -> {dated}: missing {:?}",
            row_changed.difference(&changed).collect::<Vec<_>>()
        );
        // Any other change comes from the companion files: remarks continued in the comments file
        // (which the daily scrapes lack), or addresses and aliases where both versions have them.
        let both_full = before_dir.join("alt.csv").exists() && dir.join("alt.csv").exists();
        let explained: BTreeSet<String> =
            ids_with_comments(&before_dir).union(&ids_with_comments(&dir)).cloned().collect();
        for id in changed.difference(&row_changed) {
            assert!(
                both_full || explained.contains(id),
                "{before_dated} -> {dated}: {id} changed without a reason in the files"
            );
        }
        // Consecutive scrapes must agree with the scrape index exactly.
        if let (Some(a), Some(b)) =
            (before_dated.strip_prefix("ofac-sdn-daily/"), dated.strip_prefix("ofac-sdn-daily/"))
        {
            let consecutive = scrapes.range(a.to_string()..=b.to_string()).count() == 2;
            if consecutive {
                let (added, removed, changed_n) = scrapes[b];
                assert_eq!(
                    (
                        expected_added.len() as u64,
                        expected_removed.len() as u64,
                        changed.len() as u64
                    ),
                    (added, removed, changed_n),
                    "{a} -> {b} against versions.csv"
                );
            }
        }
        eprintln!(
            "{before_dated} -> {dated}: +{} -{} ~{} (main-file rows changed: {})",
            expected_added.len(),
            expected_removed.len(),
            changed.len(),
            row_changed.len()
        );
        previous = Some(dated);
    }

    // The failed download of 2024-05-04 is refused: exit 3, nothing recorded.
    let empty = data.join("ofac-sdn-daily/2024-05-04");
    let output =
        run(&db, &["import", "ofac-sdn", empty.to_str().unwrap(), "--published", "2024-05-04"]);
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("holds no entities"));
    // Whatever the flags say: an empty file is never recorded.
    for flags in [
        &["--allow-mass-removal", "14965"][..],
        &["--max-removal", "100"][..],
        &["--max-removal", "100", "--allow-mass-removal", "14965"][..],
    ] {
        let mut args =
            vec!["import", "ofac-sdn", empty.to_str().unwrap(), "--published", "2024-05-04"];
        args.extend_from_slice(flags);
        let output = run(&db, &args);
        assert_eq!(output.status.code(), Some(3), "{flags:?}");
    }
    let versions = run_json(&db, &["versions", "ofac-sdn", "--json"]);
    assert_eq!(versions.as_array().unwrap().len(), 8);

    // The same content again creates no version.
    let again = data.join("ofac-sdn-daily/2024-05-03");
    let import = run_json(
        &db,
        &["import", "ofac-sdn", again.to_str().unwrap(), "--published", "2024-05-05", "--json"],
    );
    assert_eq!(
        (import["status"].as_str(), import["version"].as_u64(), import["added"].as_u64()),
        (Some("unchanged"), Some(8), Some(0))
    );

    // An entry's life across the versions: Banco Nacional de Cuba is in every one of them.
    let history = run_json(&db, &["history", "ofac-sdn:306", "--json"]);
    assert_eq!(history["steps"][0]["change"], "added");
    assert_eq!(history["steps"][0]["version"], 1);
    let shown = run_json(&db, &["show", "ofac-sdn:306", "--version", "2", "--json"]);
    assert_eq!(shown["id"], "ofac-sdn:306");
    assert_eq!(shown["names"][0]["value"], "BANCO NACIONAL DE CUBA");
    assert_eq!(shown["published"], "2021-07-07");
}

#[test]
fn both_consolidated_publications_import_and_diff() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    let data = data_dir();
    let first = run_json(
        &db,
        &[
            "import",
            "ofac-consolidated",
            data.join("ofac-consolidated/2018-04-06").to_str().unwrap(),
            "--published",
            "2018-04-06",
            "--json",
        ],
    );
    assert_eq!(first["entities"], 639);
    // 275 of 639 removed is 43%: over the default guard, so it must be allowed explicitly.
    let refused = run(
        &db,
        &[
            "import",
            "ofac-consolidated",
            data.join("ofac-consolidated/2025-12-19").to_str().unwrap(),
            "--published",
            "2025-12-19",
        ],
    );
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-mass-removal 275"));
    // A confirmation with the wrong count is refused too.
    let wrong = run(
        &db,
        &[
            "import",
            "ofac-consolidated",
            data.join("ofac-consolidated/2025-12-19").to_str().unwrap(),
            "--published",
            "2025-12-19",
            "--allow-mass-removal",
            "274",
        ],
    );
    assert_eq!(wrong.status.code(), Some(3));
    let second = run_json(
        &db,
        &[
            "import",
            "ofac-consolidated",
            data.join("ofac-consolidated/2025-12-19").to_str().unwrap(),
            "--published",
            "2025-12-19",
            "--allow-mass-removal",
            "275",
            "--json",
        ],
    );
    assert_eq!(
        (second["entities"].as_u64(), second["added"].as_u64(), second["removed"].as_u64()),
        (Some(442), Some(78), Some(275))
    );
    let xiaomi_free = run_json(&db, &["show", "ofac-consolidated:30923", "--json"]);
    assert_eq!(xiaomi_free["list_dates"][0]["date"], "2021-08-02");
}
