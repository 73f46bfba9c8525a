//! Integration tests of the parsers: golden files of trimmed excerpts, and the real published
//! files in `$LISTWATCH_DATA` (default `../shared/data` from the workspace root).

mod golden;
mod real_data;

use std::path::PathBuf;

/// The folder with the real list files.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("LISTWATCH_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}
