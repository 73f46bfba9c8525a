//! Where the store lives: `--db PATH`, else `$LISTWATCH_DB`, else the platform's data folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The store's file name inside the data folder.
const FILE_NAME: &str = "listwatch.redb";

/// The platform data folder for listwatch: `$XDG_DATA_HOME/listwatch` or
/// `~/.local/share/listwatch` on Linux and other Unix systems, `~/Library/Application
/// Support/listwatch` on macOS, `%APPDATA%\listwatch` on Windows.
fn data_dir() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return env("APPDATA").map(|dir| dir.join("listwatch"));
    }
    if cfg!(target_os = "macos") {
        return env("HOME").map(|home| home.join("Library/Application Support/listwatch"));
    }
    env("XDG_DATA_HOME")
        .or_else(|| env("HOME").map(|home| home.join(".local/share")))
        .map(|dir| dir.join("listwatch"))
}

/// Resolves the store path from the `--db` flag (clap already read `$LISTWATCH_DB` into it).
pub(crate) fn store_path(flag: Option<&Path>) -> Result<PathBuf> {
    match flag {
        Some(path) => Ok(path.to_path_buf()),
        None => data_dir()
            .map(|dir| dir.join(FILE_NAME))
            .context("cannot find a data folder (no HOME); pass --db PATH or set LISTWATCH_DB"),
    }
}
