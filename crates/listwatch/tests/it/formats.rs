//! The format registry behind `import`: every format by name, compressed files read
//! transparently, and a publication's own date.

use std::io::Write;

use crate::{fixture, run, run_json};

const SET: &str = "ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks";

#[test]
fn import_lists_every_registered_format() {
    let tmp = tempfile::tempdir().unwrap();
    let output = run(&tmp.path().join("s.redb"), &["import", "--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    for format in listwatch_parsers::formats() {
        assert!(help.contains(format.name()), "{} missing from:\n{help}", format.name());
    }
    let output = run(&tmp.path().join("s.redb"), &["import", "no-such-format", "x"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn gzip_compressed_files_import_as_the_plain_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = fixture(SET);
    let packed = tmp.path().join("packed");
    std::fs::create_dir_all(&packed).unwrap();
    for entry in std::fs::read_dir(&plain).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".csv") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let file = std::fs::File::create(packed.join(format!("{name}.gz"))).unwrap();
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        encoder.write_all(&bytes).unwrap();
        encoder.finish().unwrap();
    }
    let import = |dir: &std::path::Path, db: &str| {
        run_json(
            &tmp.path().join(db),
            &["import", "ofac-sdn", dir.to_str().unwrap(), "--published", "2021-07-07", "--json"],
        )
    };
    let from_plain = import(&plain, "plain.redb");
    let from_packed = import(&packed, "packed.redb");
    assert_eq!(from_plain["entities"], from_packed["entities"]);
    assert_eq!(from_packed["lacks"], serde_json::json!([]), "every companion file was found");
    let a = run_json(&tmp.path().join("plain.redb"), &["versions", "--json"]);
    let b = run_json(&tmp.path().join("packed.redb"), &["versions", "--json"]);
    assert_eq!(a[0]["content_hash"], b[0]["content_hash"]);
    // A truncated gzip file is refused, not read as a short publication.
    let main = packed.join("sdn.csv.gz");
    let bytes = std::fs::read(&main).unwrap();
    std::fs::write(&main, &bytes[..bytes.len() / 2]).unwrap();
    let output = run(
        &tmp.path().join("cut.redb"),
        &["import", "ofac-sdn", packed.to_str().unwrap(), "--published", "2021-07-07"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
}

fn data(path: &str) -> String {
    crate::data_dir().join(path).display().to_string()
}

#[test]
fn source_list_keeps_only_the_chosen_lists_of_the_csl() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let csl = data("trade-gov-csl/2023-11-30/csl.csv");
    let import = |extra: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> =
            ["import", "us-csl", &csl, "--published", "2023-11-30", "--json"]
                .map(String::from)
                .to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    fn refs(args: &[String]) -> Vec<&str> {
        args.iter().map(String::as_str).collect()
    }
    let all = run_json(&db, &refs(&import(&[])));
    assert_eq!(all["entities"], 4226);
    let bis = run_json(
        &db,
        &refs(&import(&["--list", "bis", "--source-list", "EL", "--source-list", "meu"])),
    );
    assert_eq!(bis["entities"], 919 + 71);
    let output = run(&db, &refs(&import(&["--list", "x", "--source-list", "NOPE"])));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("NOPE") && stderr.contains("CMIC, DPL, DTC, EL"), "{stderr}");
}

#[test]
fn the_dod_editions_import_as_one_version_each_and_answer_status_on_every_day() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let table = data("dod-1260h/2026-08-20/sanctions.csv");
    let imported = run_json(&db, &["import", "dod-1260h", &table, "--json"]);
    let days: Vec<&str> =
        imported.as_array().unwrap().iter().map(|v| v["published"].as_str().unwrap()).collect();
    assert_eq!(
        days,
        ["2021-06-03", "2022-10-05", "2024-01-31", "2025-01-07", "2026-02-17", "2026-06-08"]
    );
    // Again: the older editions are skipped with a note, the newest equals the current version,
    // and nothing new is created.
    let again = run_json(&db, &["import", "dod-1260h", &table, "--json"]);
    let statuses: Vec<&str> =
        again.as_array().unwrap().iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["skipped", "skipped", "skipped", "skipped", "skipped", "unchanged"]);
    let versions = run_json(&db, &["versions", "dod-1260h", "--json"]);
    assert_eq!(versions.as_array().unwrap().len(), 6);
    let diff = run_json(&db, &["diff", "dod-1260h", "--from", "4", "--to", "5", "--json"]);
    let removed: Vec<&str> =
        diff["removed"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert!(removed.contains(&"dod-1260h:changxin-memory-technologies-inc"), "{removed:?}");
    let history = run(&db, &["history", "dod-1260h:beijing-megvii-technology-co-ltd"]);
    let history = String::from_utf8_lossy(&history.stdout);
    assert!(
        history.contains("2024-01-31  added") && history.contains("2025-01-07  removed"),
        "{history}"
    );
    let state = |id: &str, day: &str| -> String {
        let answer =
            run_json(&db, &["status", &format!("dod-1260h:{id}"), "--as-of", day, "--json"]);
        answer["overall"]["state"].as_str().unwrap_or("").to_string()
    };
    let days = ["2021-07-01", "2023-01-01", "2024-06-01", "2025-06-01", "2026-03-01", "2026-07-01"];
    let megvii: Vec<String> =
        days.iter().map(|d| state("beijing-megvii-technology-co-ltd", d)).collect();
    assert_eq!(megvii, ["not-listed", "not-listed", "restricted", "removed", "removed", "removed"]);
    let cxmt: Vec<String> =
        days.iter().map(|d| state("changxin-memory-technologies-inc", d)).collect();
    assert_eq!(
        cxmt,
        ["not-listed", "not-listed", "not-listed", "restricted", "removed", "restricted"]
    );
    let avic: Vec<String> =
        days.iter().map(|d| state("aviation-industry-corporation-of-china-ltd", d)).collect();
    assert_eq!(avic, ["restricted"; 6]);
}

#[test]
fn a_firms_csv_list_imports_with_its_extra_columns_as_attributes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/watchlist.csv");
    let imported = run_json(
        &db,
        &[
            "import",
            "csv",
            example.to_str().unwrap(),
            "--list",
            "house",
            "--published",
            "2025-01-02",
            "--json",
        ],
    );
    assert_eq!(imported["entities"], 3, "the removed row is not on the list");
    assert_eq!(imported["diagnostics"].as_array().unwrap().len(), 1);
    let shown = run_json(&db, &["show", "house:w2", "--json"]);
    let text = shown.to_string();
    assert!(
        text.contains("Иван Петров")
            && text.contains("7001234567")
            && text.contains("politically exposed"),
        "{text}"
    );
}
