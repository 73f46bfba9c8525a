//! Integration tests of the parsers: golden files of trimmed excerpts, and the real published
//! files in `$LISTWATCH_DATA` (default `../shared/data` from the workspace root).

mod golden;
mod golden_formats;
mod limits;
mod limits_formats;
mod ofac_xml;
mod properties;
mod real_data;
mod real_formats;
mod real_ftm;
mod un_sc;

use std::path::PathBuf;

/// The folder with the real list files.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("LISTWATCH_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// Whether the real list files are there. Without them a real-data test is skipped with a
/// printed reason, unless `LISTWATCH_REQUIRE_DATA=1` (as in CI), which makes their absence a
/// failure.
pub fn have_data() -> bool {
    let dir = data_dir();
    if dir.is_dir() {
        return true;
    }
    if std::env::var_os("LISTWATCH_REQUIRE_DATA").is_some_and(|v| v == "1") {
        panic!("LISTWATCH_REQUIRE_DATA=1 but the data folder {} does not exist", dir.display());
    }
    eprintln!(
        "skipping a real-data test: {} does not exist (set LISTWATCH_DATA to the shared data folder)",
        dir.display()
    );
    false
}
