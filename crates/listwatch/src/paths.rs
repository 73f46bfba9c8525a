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

/// Whether the store location is a PostgreSQL URL rather than a file.
pub(crate) fn is_postgres(db: &Path) -> bool {
    db.to_str().is_some_and(listwatch_store::is_postgres_url)
}

/// A store location fit to show: a PostgreSQL URL without its password.
pub(crate) fn shown(db: &Path) -> String {
    let text = db.display().to_string();
    if !is_postgres(db) {
        return text;
    }
    let Some((scheme, rest)) = text.split_once("://") else { return text };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => text,
    }
}

/// Where the files that live beside the store go (the audit log, the sync state): beside a store
/// file, its own path; for a PostgreSQL store, a path in the data folder named after the server
/// and the database (never the credentials), as `<data>/postgres/<host>_<port>_<database>`.
pub(crate) fn side_path(db: &Path) -> PathBuf {
    if !is_postgres(db) {
        return db.to_path_buf();
    }
    let text = db.display().to_string();
    let rest = text.split_once("://").map_or(text.as_str(), |(_, rest)| rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let name: String =
        rest.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    data_dir().unwrap_or_else(std::env::temp_dir).join("postgres").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_is_shown_without_its_password() {
        let url = Path::new("postgres://alice:s3cret@db.example:5432/lists?sslmode=disable");
        assert_eq!(shown(url), "postgres://alice:***@db.example:5432/lists?sslmode=disable");
        assert_eq!(
            shown(Path::new("postgres://postgres@127.0.0.1/x")),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(shown(Path::new("/data/listwatch.redb")), "/data/listwatch.redb");
    }

    #[test]
    fn files_beside_a_postgres_store_are_named_after_its_server_and_database() {
        let side = side_path(Path::new("postgres://alice:s3cret@db.example:5432/lists"));
        assert!(side.ends_with("postgres/db_example_5432_lists"), "{}", side.display());
        assert!(!side.display().to_string().contains("s3cret"));
        assert_eq!(side_path(Path::new("a/b.redb")), Path::new("a/b.redb"));
    }
}
