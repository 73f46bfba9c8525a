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

#[test]
fn the_un_list_imports_with_its_own_date_and_diffs_by_dataid() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("un.redb");
    let data = crate::data_dir();
    let old = data.join("un-consolidated/2018-10-29/consolidated.xml");
    let new = data.join("un-consolidated/2026-02-27/UN_consolidated.xml");
    // No --published: the list's own dateGenerated dates each version.
    let first = run_json(&db, &["import", "un-sc", old.to_str().unwrap(), "--json"]);
    assert_eq!(first["published"], "2018-10-29");
    assert_eq!(first["entities"], 1093);
    let second = run_json(&db, &["import", "un-sc", new.to_str().unwrap(), "--json"]);
    assert_eq!(second["published"], "2026-02-27");
    assert_eq!(second["entities"], 1003);
    let diff = run_json(&db, &["diff", "un-sc", "--json"]);
    assert_eq!(diff["added"].as_array().unwrap().len(), 112);
    assert_eq!(diff["removed"].as_array().unwrap().len(), 202);
    // A folder imports too: the format finds UN_consolidated.xml in it.
    let db2 = tmp.path().join("un2.redb");
    let dir =
        run_json(&db2, &["import", "un-sc", new.parent().unwrap().to_str().unwrap(), "--json"]);
    assert_eq!(dir["entities"], 1003);
}

#[test]
fn the_ofac_xml_list_imports_with_its_own_date() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("x.redb");
    let xml = crate::data_dir().join("ofac-consolidated/2018-04-06/consolidated.xml");
    let import = run_json(&db, &["import", "ofac-xml", xml.to_str().unwrap(), "--json"]);
    assert_eq!(import["published"], "2018-04-06");
    assert_eq!(import["entities"], 639);
    // The wrong XML format is refused from the file's first bytes.
    let un = crate::data_dir().join("un-consolidated/2018-10-29/consolidated.xml");
    let output = run(&tmp.path().join("y.redb"), &["import", "ofac-xml", un.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CONSOLIDATED_LIST"));
}

/// The OpenSanctions files of the shared data folder (CC BY-NC: read in tests, never copied).
fn opensanctions() -> std::path::PathBuf {
    crate::data_dir().join("opensanctions")
}

#[test]
fn an_ftm_export_imports_its_things_as_entities() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let path = opensanctions().join("ftm-zala/entities.ftm.json");
    let out = run_json(
        &db,
        &[
            "import",
            "ftm",
            path.to_str().unwrap(),
            "--list",
            "zala",
            "--published",
            "2026-08-11",
            "--json",
        ],
    );
    assert_eq!(out["entities"], 17, "6 persons and 11 companies: {out}");
    let entities = run_json(&db, &["entities", "zala", "--json"]);
    assert_eq!(entities.as_array().map(Vec::len), Some(17), "{entities}");
    // A file that is not FtM is refused before it is parsed.
    let sdn = fixture(SET).join("sdn.csv");
    let output = run(
        &db,
        &["import", "ftm", sdn.to_str().unwrap(), "--list", "zala", "--published", "2026-08-11"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn ftm_deltas_apply_in_order_to_the_current_version() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let dir = opensanctions().join("ftm-delta");
    // A delta needs a version to apply to.
    let first = dir.join("t2/20240527194702-wnk/entities.delta.json");
    let output = run(
        &db,
        &[
            "import",
            "ftm-delta",
            first.to_str().unwrap(),
            "--list",
            "os",
            "--published",
            "2024-05-27",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    let base = dir.join("t1/entities.ftm.json");
    let out = run_json(
        &db,
        &[
            "import",
            "ftm",
            base.to_str().unwrap(),
            "--list",
            "os",
            "--published",
            "2024-05-27",
            "--json",
        ],
    );
    assert_eq!(out["entities"], 6);
    // The version ids of delta.json give the order and the publication dates.
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("t2/delta.json")).unwrap()).unwrap();
    let mut versions: Vec<String> =
        index["versions"].as_object().unwrap().keys().cloned().collect();
    versions.sort();
    let mut seen = Vec::new();
    for version in &versions {
        let published = format!("{}-{}-{}", &version[..4], &version[4..6], &version[6..8]);
        let path = dir.join("t2").join(version).join("entities.delta.json");
        let out = run_json(
            &db,
            &[
                "import",
                "ftm-delta",
                path.to_str().unwrap(),
                "--list",
                "os",
                "--published",
                &published,
                "--json",
            ],
        );
        let misfits =
            out["diagnostics"].as_array().unwrap().iter().filter(|d| d["field"] == "op").count();
        assert_eq!(misfits, 0, "{version}: {out}");
        seen.push((
            out["status"].as_str().unwrap().to_string(),
            out["entities"].as_u64().unwrap(),
            out["added"].as_u64().unwrap(),
            out["changed"].as_u64().unwrap(),
            out["removed"].as_u64().unwrap(),
        ));
    }
    let row = |status: &str, n, a, c, r| (status.to_string(), n, a, c, r);
    assert_eq!(
        seen,
        [
            row("unchanged", 6, 0, 0, 0),
            row("committed", 8, 2, 0, 0),
            row("committed", 9, 1, 1, 0),
            row("committed", 8, 0, 0, 1),
            row("committed", 9, 1, 0, 0),
        ]
    );
    // The changed ids of each version, as the store's diff reports them.
    let diff = run_json(&db, &["diff", "os", "--from", "2", "--to", "3", "--json"]);
    let text = diff.to_string();
    assert!(
        text.contains("NK-500Poltergeist") && text.contains("NK-2T3S8Hu29ktYnKSTgQp2wL"),
        "{text}"
    );
    let diff = run_json(&db, &["diff", "os", "--from", "3", "--to", "4", "--json"]);
    assert!(diff.to_string().contains("NK-500Poltergeist"), "{diff}");
    // A DEL of an id the current version lacks is a diagnostic, not a silent no-op.
    let again = dir.join("t2/20240528074703-npf/entities.delta.json");
    let out = run_json(
        &db,
        &[
            "import",
            "ftm-delta",
            again.to_str().unwrap(),
            "--list",
            "os",
            "--published",
            "2024-05-28",
            "--json",
        ],
    );
    assert_eq!(out["status"], "unchanged");
    let misfit = out["diagnostics"].as_array().unwrap().iter().find(|d| d["field"] == "op");
    let message = misfit.and_then(|d| d["message"].as_str()).unwrap_or("");
    assert!(message.contains("DEL of NK-500Poltergeist"), "{out}");
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

#[test]
fn a_zip_archive_imports_as_the_folder_it_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("sdn.zip");
    {
        let file = std::fs::File::create(&archive).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for entry in std::fs::read_dir(fixture(SET)).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().to_uppercase();
            if !name.ends_with(".CSV") {
                continue;
            }
            // In a folder of the archive, and in upper case, as some publishers ship them.
            zip.start_file(format!("sdn_set/{name}"), options).unwrap();
            zip.write_all(&std::fs::read(entry.path()).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    let plain = run_json(
        &tmp.path().join("plain.redb"),
        &[
            "import",
            "ofac-sdn",
            fixture(SET).to_str().unwrap(),
            "--published",
            "2021-07-07",
            "--json",
        ],
    );
    let zipped = run_json(
        &tmp.path().join("zipped.redb"),
        &["import", "ofac-sdn", archive.to_str().unwrap(), "--published", "2021-07-07", "--json"],
    );
    assert_eq!(plain["entities"], zipped["entities"]);
    assert_eq!(zipped["lacks"], serde_json::json!([]));
    let a = run_json(&tmp.path().join("plain.redb"), &["versions", "--json"]);
    let b = run_json(&tmp.path().join("zipped.redb"), &["versions", "--json"]);
    assert_eq!(a[0]["content_hash"], b[0]["content_hash"]);
    // An archive without the main file says what it holds.
    let other = tmp.path().join("other.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&other).unwrap());
        zip.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"nothing here").unwrap();
        zip.start_file("notes.txt", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"nor here").unwrap();
        zip.finish().unwrap();
    }
    let output = run(
        &tmp.path().join("o.redb"),
        &["import", "ofac-sdn", other.to_str().unwrap(), "--published", "2021-07-07"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("readme.txt"));
}
