//! Golden files: each folder under `test_data/ofac/ok/` is a publication excerpt with an
//! `expected.json` beside it; each file under `test_data/ofac/err/` is a broken main file with a
//! `.expected` file holding the error. `UPDATE_EXPECT=1 cargo test` rewrites the expected files.

use std::fs;
use std::path::{Path, PathBuf};

use listwatch_parsers::{InputFile, ofac};
use serde_json::json;

fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/ofac")
}

pub(crate) fn check(expected_path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(expected_path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(expected_path).unwrap_or_else(|_| {
        panic!("{} is missing; run with UPDATE_EXPECT=1 to create it", expected_path.display())
    });
    assert!(
        expected == actual,
        "{} differs from the parser's output; run with UPDATE_EXPECT=1 to accept the new output, then review the diff\n--- actual ---\n{actual}",
        expected_path.display()
    );
}

fn parse_folder(dir: &Path) -> Result<listwatch_parsers::Parsed, listwatch_parsers::Error> {
    let flavor = if dir.join("cons_prim.csv").exists() {
        ofac::Flavor::Consolidated
    } else {
        ofac::Flavor::Sdn
    };
    let names = flavor.file_names();
    let contents: Vec<Option<Vec<u8>>> =
        names.iter().map(|name| fs::read(dir.join(name)).ok()).collect();
    let input =
        |idx: usize| contents[idx].as_deref().map(|bytes| InputFile { name: names[idx], bytes });
    let main = input(0).expect("a main file");
    ofac::parse(&ofac::Files { main, addresses: input(1), aliases: input(2), comments: input(3) })
}

#[test]
fn ok_excerpts_parse_to_their_golden_output() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(test_data().join("ok"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 5);
    for dir in dirs {
        let parsed = parse_folder(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let files: Vec<_> =
            parsed.files.iter().map(|f| json!({"name": f.name, "records": f.records})).collect();
        let output = json!({
            "files": files,
            "coverage": parsed.coverage,
            "remark_items": parsed.remark_stats.items,
            "remark_items_typed": parsed.remark_stats.typed,
            "diagnostics": parsed.diagnostics,
            "entities": parsed.entities,
        });
        let text = serde_json::to_string_pretty(&output).unwrap() + "\n";
        check(&dir.join("expected.json"), &text);
    }
}

#[test]
fn broken_main_files_are_refused_with_file_line_and_reason() {
    let mut files: Vec<PathBuf> = fs::read_dir(test_data().join("err"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 4);
    for path in files {
        let bytes = fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let result = ofac::parse(&ofac::Files {
            main: InputFile { name, bytes: &bytes },
            addresses: None,
            aliases: None,
            comments: None,
        });
        let err = match result {
            Err(err) => err,
            Ok(parsed) => {
                panic!("{name} parsed to {} entities; expected an error", parsed.entities.len())
            }
        };
        check(&path.with_extension("expected"), &format!("{:?}: {err}\n", err.kind));
    }
}

/// The golden files of a one-file XML format: `test_data/<folder>/ok/*.xml`, each with a
/// `.expected.json` beside it, and `test_data/<folder>/err/*.xml`, each with a `.expected` error.
fn check_xml_format(folder: &str, format_name: &str) {
    let format = listwatch_parsers::format(format_name).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data").join(folder);
    let xml_files = |dir: &str| {
        let mut files: Vec<PathBuf> = fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        files.sort();
        files
    };
    let ok = xml_files("ok");
    assert!(!ok.is_empty(), "{folder}");
    for path in ok {
        let bytes = fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let parsed = format
            .parse(&[Some(InputFile { name, bytes: &bytes })])
            .unwrap_or_else(|e| panic!("{e}"));
        let output = json!({
            "published": parsed.published.map(|d| d.to_string()),
            "records": parsed.files[0].records,
            "coverage": parsed.coverage,
            "remark_items": parsed.remark_stats.items,
            "remark_items_typed": parsed.remark_stats.typed,
            "diagnostics": parsed.diagnostics,
            "entities": parsed.entities,
        });
        let text = serde_json::to_string_pretty(&output).unwrap() + "\n";
        check(&path.with_extension("expected.json"), &text);
    }
    for path in xml_files("err") {
        let bytes = fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let err = match format.parse(&[Some(InputFile { name, bytes: &bytes })]) {
            Err(err) => err,
            Ok(parsed) => {
                panic!("{name} parsed to {} entities; expected an error", parsed.entities.len())
            }
        };
        // The sniff agrees with the parser on a file that is not the format at all.
        if err.kind == listwatch_parsers::ErrorKind::NotFormat {
            assert!(format.sniff(0, &InputFile { name, bytes: &bytes }).is_err(), "{name}");
        }
        check(&path.with_extension("expected"), &format!("{:?}: {err}\n", err.kind));
    }
}

#[test]
fn un_sc_excerpts_parse_to_their_golden_output() {
    check_xml_format("un_sc", "un-sc");
}

#[test]
fn ofac_xml_excerpts_parse_to_their_golden_output() {
    check_xml_format("ofac_xml", "ofac-xml");
}

/// The single-file formats: each file under `test_data/<module>/ok/` parses, edition by edition,
/// to the `<stem>.expected.json` beside it.
#[test]
fn single_file_excerpts_parse_to_their_golden_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data");
    for (module, format_name) in [
        ("us_csl", "us-csl"),
        ("bis_dpl", "bis-dpl"),
        ("dod_1260h", "dod-1260h"),
        ("csv_list", "csv"),
    ] {
        let format = listwatch_parsers::format(format_name).unwrap();
        let mut files: Vec<PathBuf> = fs::read_dir(root.join(module).join("ok"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv" || x == "txt"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{module}");
        for path in files {
            let bytes = fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_str().unwrap();
            let editions = format
                .parse_editions(&[Some(InputFile { name, bytes: &bytes })])
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let output: Vec<_> = editions
                .iter()
                .map(|parsed| {
                    json!({
                        "published": parsed.published,
                        "records": parsed.files[0].records,
                        "diagnostics": parsed.diagnostics,
                        "entities": parsed.entities,
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&output).unwrap() + "\n";
            let stem = path.file_stem().unwrap().to_str().unwrap();
            check(&path.with_file_name(format!("{stem}.expected.json")), &text);
        }
    }
}
