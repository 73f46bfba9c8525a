//! Golden files of the single-file formats (`ftm`, `ftm-delta`, `eu-fsf`, `uk-sanctions`): each
//! folder under `test_data/<format>/ok/` holds one input file with an `expected.json` beside it;
//! each file under `test_data/<format>/err/` is refused, with a `.expected` file holding the
//! error. `UPDATE_EXPECT=1 cargo test` rewrites the expected files. The fixtures are written by
//! hand (see each folder's README), not copied from published lists.

use std::fs;
use std::path::{Path, PathBuf};

use listwatch_parsers::{Format, InputFile, format};
use serde_json::json;

use crate::golden::check;

fn test_data(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data").join(folder)
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
}

/// The parser's output for one input file, as stable pretty JSON.
fn output(format: &dyn Format, name: &str, bytes: &[u8]) -> Result<String, String> {
    let files = [Some(InputFile { name, bytes })];
    let value = match format.parse_delta(&files) {
        Some(delta) => {
            let delta = delta.map_err(|e| format!("{:?}: {e}", e.kind))?;
            let ops: Vec<_> = delta
                .ops
                .iter()
                .map(|op| json!({"line": op.line, "op": op.kind.as_str(), "id": op.id, "entity": op.entity}))
                .collect();
            json!({"files": delta.files.iter().map(|f| json!({"name": f.name, "records": f.records})).collect::<Vec<_>>(),
                   "diagnostics": delta.diagnostics, "ops": ops})
        }
        None => {
            let parsed = format.parse(&files).map_err(|e| format!("{:?}: {e}", e.kind))?;
            json!({"files": parsed.files.iter().map(|f| json!({"name": f.name, "records": f.records})).collect::<Vec<_>>(),
                   "published": parsed.published.map(|d| d.to_string()),
                   "diagnostics": parsed.diagnostics, "entities": parsed.entities})
        }
    };
    Ok(serde_json::to_string_pretty(&value).unwrap() + "\n")
}

fn check_folder(folder: &str, format_of: impl Fn(&str) -> &'static str) {
    let ok = sorted(&test_data(folder).join("ok"));
    assert!(!ok.is_empty(), "{folder}");
    for dir in ok.iter().filter(|p| p.is_dir()) {
        let input = sorted(dir)
            .into_iter()
            .find(|p| p.file_name().is_some_and(|n| n != "expected.json"))
            .expect("an input file");
        let name = input.file_name().unwrap().to_str().unwrap();
        let format = format(format_of(name)).unwrap();
        let bytes = fs::read(&input).unwrap();
        format.sniff(0, &InputFile { name, bytes: &bytes }).unwrap();
        let text =
            output(format, name, &bytes).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        check(&dir.join("expected.json"), &text);
    }
    let err = sorted(&test_data(folder).join("err"));
    assert!(!err.is_empty(), "{folder}");
    for path in err.iter().filter(|p| p.extension().is_some_and(|x| x != "expected")) {
        let name = path.file_name().unwrap().to_str().unwrap();
        let bytes = fs::read(path).unwrap();
        let format = format(format_of(name)).unwrap();
        let sniffed = format.sniff(0, &InputFile { name, bytes: &bytes }).err();
        let parsed = output(format, name, &bytes).err();
        let err = parsed.unwrap_or_else(|| panic!("{name} parsed; expected an error"));
        let text = format!(
            "sniff: {}\nparse: {err}\n",
            sniffed.map_or("passes".to_string(), |e| format!("{:?}: {e}", e.kind))
        );
        check(&path.with_extension("expected"), &text);
    }
}

#[test]
fn ftm_fixtures_parse_to_their_golden_output() {
    check_folder("ftm", |name| {
        if name.contains("delta") || name.starts_with("0001") { "ftm-delta" } else { "ftm" }
    });
}

#[test]
fn eu_fsf_fixtures_parse_to_their_golden_output() {
    check_folder("eu_fsf", |_| "eu-fsf");
}

#[test]
fn uk_sanctions_fixtures_parse_to_their_golden_output() {
    check_folder("uk_sanctions", |_| "uk-sanctions");
}
