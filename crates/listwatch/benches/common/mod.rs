//! What the end-to-end benchmarks share: the data folder, the binary, and a store holding the
//! real SDN list (2024-05-03) and consolidated list (2025-12-19).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder with the real list files: `$LISTWATCH_DATA`, else `../shared/data`.
pub(crate) fn data_dir() -> PathBuf {
    std::env::var_os("LISTWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// The `listwatch` binary under test.
pub(crate) fn listwatch() -> Command {
    Command::new(env!("CARGO_BIN_EXE_listwatch"))
}

/// A fresh temporary folder named after the benchmark, and a store in it with the real lists.
#[allow(dead_code)] // Each bench binary compiles this module; not every one calls each function.
pub(crate) fn store_with_real_lists(name: &str) -> (PathBuf, PathBuf) {
    store_with(
        name,
        &[
            ("ofac-sdn", "ofac-sdn-daily/2024-05-03", "2024-05-03"),
            ("ofac-consolidated", "ofac-consolidated/2025-12-19", "2025-12-19"),
        ],
    )
}

/// A fresh temporary folder named after the benchmark, and a store in it with the publications
/// given (format, folder under the data folder, publication date), imported in order.
pub(crate) fn store_with(name: &str, publications: &[(&str, &str, &str)]) -> (PathBuf, PathBuf) {
    let tmp = std::env::temp_dir().join(format!("listwatch-{name}-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let db = tmp.join("store.redb");
    for (format, dir, published) in publications {
        import(&db, format, &data_dir().join(dir), published);
    }
    (tmp, db)
}

fn import(db: &Path, format: &str, dir: &Path, published: &str) {
    let status = listwatch()
        .args(["--db", db.to_str().unwrap(), "-q", "import", format, dir.to_str().unwrap()])
        .args(["--published", published])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "importing {} failed", dir.display());
}

/// The address (`http://127.0.0.1:PORT`) a line of `listwatch serve`'s log says it listens on:
/// the log is text on a terminal and JSON lines otherwise, so the address ends at a space, a
/// quote or the end of the line.
#[allow(dead_code)] // Only the server benchmarks read a log.
pub(crate) fn listening_on(line: &str) -> Option<String> {
    let rest = line.split("listening on ").nth(1)?;
    Some(rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect())
}
