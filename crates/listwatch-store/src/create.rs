//! Creating a store file atomically, and cleaning up after a creation that was killed.
//!
//! A new store is written under a temporary name beside its final one (`.<name>.<pid>.creating`)
//! and linked into place only once its header and tables are committed, so a process killed at
//! any moment leaves either no store or a valid empty one. Linking (rather than renaming) never
//! replaces a store another process created at the same moment.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::failpoint;
use crate::schema;

/// The temporary name a process creating `path` writes to.
fn temporary(path: &Path, pid: u32) -> PathBuf {
    let name = path.file_name().map_or_else(|| "store".into(), |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.{pid}.creating"))
}

/// The process id in a temporary name of `path`, if `candidate` is one.
fn creator_pid(path: &Path, candidate: &Path) -> Option<u32> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let file = candidate.file_name()?.to_string_lossy().into_owned();
    let rest = file.strip_prefix(&format!(".{name}."))?;
    rest.strip_suffix(".creating")?.parse().ok()
}

/// Whether a process is running. Where that cannot be told, it is assumed to run, so that a
/// creation in progress is never disturbed.
fn is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new(&format!("/proc/{pid}")).exists() } else { true }
}

/// The temporary files that killed creations of the store at `path` left behind: those whose
/// creating process no longer runs.
pub fn leftovers(path: &Path) -> Vec<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|candidate| {
            creator_pid(path, candidate)
                .is_some_and(|pid| pid != std::process::id() && !is_running(pid))
        })
        .collect();
    found.sort();
    found
}

/// Removes what [`leftovers`] finds and returns the files removed.
pub fn remove_leftovers(path: &Path) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for leftover in leftovers(path) {
        std::fs::remove_file(&leftover).map_err(|err| {
            Error::Storage(format!("cannot remove the leftover {}: {err}", leftover.display()))
        })?;
        removed.push(leftover);
    }
    Ok(removed)
}

/// Creates an empty store at `path` if there is none, atomically.
pub(crate) fn create_if_missing(path: &Path) -> Result<()> {
    if path.try_exists().map_err(|err| io_error(path, "cannot look at", err))? {
        return Ok(());
    }
    let temporary = temporary(path, std::process::id());
    let result = write_empty(&temporary).and_then(|()| {
        failpoint::hit("create:before-link");
        match std::fs::hard_link(&temporary, path) {
            Ok(()) => Ok(()),
            // Another process created the store first: use theirs.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(err) => Err(io_error(path, "cannot create", err)),
        }
    });
    failpoint::hit("create:linked");
    let _ = std::fs::remove_file(&temporary);
    result?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The new name must survive a power loss too; a failure here loses nothing written.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// Writes an empty store of the current format at `path`.
fn write_empty(path: &Path) -> Result<()> {
    let db = crate::redb_backend::builder().create(path)?;
    failpoint::hit("create:file");
    schema::prepare(&db)?;
    failpoint::hit("create:header");
    Ok(())
}

fn io_error(path: &Path, what: &str, err: std::io::Error) -> Error {
    Error::Storage(format!("{what} {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_name_names_its_creator() {
        let path = Path::new("/data/listwatch.redb");
        let temporary = temporary(path, 4242);
        assert_eq!(temporary, Path::new("/data/.listwatch.redb.4242.creating"));
        assert_eq!(creator_pid(path, &temporary), Some(4242));
        assert_eq!(creator_pid(path, Path::new("/data/.other.redb.4242.creating")), None);
        assert_eq!(creator_pid(path, Path::new("/data/listwatch.redb")), None);
    }
}
