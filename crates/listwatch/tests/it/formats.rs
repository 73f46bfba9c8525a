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
