//! Exit codes, and the error types that choose them.
//!
//! 0 success, 1 error, 2 usage (bad flags or arguments), 3 refused by an integrity guard, 4
//! nothing matched (the store does not know the entity or list a query names), 5 a check found
//! something (`screen --fail-on-match`, `portfolio check --fail-on ...`).
//!
//! A closed standard output (`listwatch diff ofac-sdn | head -1`) ends the program quietly: no
//! message, and exit code 1 when output was lost (the answer was not delivered in full), as with
//! any other error; the exit code is 0 only when everything was written.

use std::fmt;

/// The exit code for a usage error.
pub(crate) const USAGE: u8 = 2;
/// The exit code for an import refused by an integrity guard.
pub(crate) const REFUSED: u8 = 3;
/// The exit code for a query naming an entity or list the store does not know.
pub(crate) const NO_MATCH: u8 = 4;
/// The exit code for a check that found something (a match, a restricted holding).
pub(crate) const FOUND: u8 = 5;

/// A mistake in how the command was called: a bad argument value, an id of the wrong shape.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A query named something the store does not know: an entity, a list, a version.
#[derive(Debug)]
pub(crate) struct NoMatchError(pub(crate) String);

impl fmt::Display for NoMatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NoMatchError {}

/// A check ran to the end and found what the caller asked to be told about (the output is
/// complete; the exit code carries the finding).
#[derive(Debug)]
pub(crate) struct FoundError(pub(crate) String);

impl fmt::Display for FoundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FoundError {}

/// Shorthand for a usage error (exit 2).
pub(crate) fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Shorthand for "nothing matched" (exit 4).
pub(crate) fn no_match(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(NoMatchError(message.into()))
}

/// Shorthand for "the check found something" (exit 5).
pub(crate) fn found(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(FoundError(message.into()))
}

/// A core error as the command line reports it: an invalid value is a usage error (exit 2), an
/// unknown list nothing matched (exit 4), a store error keeps its own message and exit code.
pub(crate) fn from_core(err: listwatch_core::Error) -> anyhow::Error {
    match err {
        listwatch_core::Error::Invalid(message) => usage(message),
        listwatch_core::Error::UnknownList(list) => {
            no_match(format!("no such list in the store: {list}"))
        }
        listwatch_core::Error::Store(err) => anyhow::Error::new(err),
        other => anyhow::anyhow!("{other}"),
    }
}

pub(crate) fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.downcast_ref::<UsageError>().is_some() {
            return USAGE;
        }
        if cause.downcast_ref::<NoMatchError>().is_some() {
            return NO_MATCH;
        }
        if cause.downcast_ref::<FoundError>().is_some() {
            return FOUND;
        }
        match cause.downcast_ref::<listwatch_store::Error>() {
            Some(listwatch_store::Error::Refused(_)) => return REFUSED,
            Some(listwatch_store::Error::NotFound(_)) => return NO_MATCH,
            _ => {}
        }
    }
    1
}

/// Whether the error is a write to a closed pipe (directly, or inside a JSON or CSV error).
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return io.kind() == BrokenPipe;
        }
        if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
            return json.io_error_kind() == Some(BrokenPipe);
        }
        if let Some(csv) = cause.downcast_ref::<csv::Error>()
            && let csv::ErrorKind::Io(io) = csv.kind()
        {
            return io.kind() == BrokenPipe;
        }
        false
    })
}

/// An I/O error on `path` in words: what failed, the cause as the OS reports it, and what to do
/// (`cannot read the folder X: Permission denied (os error 13); the user running listwatch
/// needs ...`).
pub(crate) fn io_error(
    action: &str,
    path: &std::path::Path,
    err: &std::io::Error,
) -> anyhow::Error {
    use std::io::ErrorKind;
    let shown = path.display();
    if err.kind() == ErrorKind::NotFound {
        if let Ok(target) = std::fs::read_link(path) {
            return anyhow::anyhow!(
                "{shown} is a symbolic link to {}, which does not exist: fix the link",
                target.display()
            );
        }
        return anyhow::anyhow!("{shown} does not exist: check the path");
    }
    let advice = match err.kind() {
        ErrorKind::PermissionDenied => {
            "; the user running listwatch needs permission to read it, and to search every folder \
             on its path"
        }
        ErrorKind::StorageFull => "; free some space on that disk, then run the command again",
        ErrorKind::IsADirectory => "; name a file here, not a folder",
        // `ErrorKind::FilesystemLoop` (ELOOP) cannot be named on stable Rust; its name can.
        kind if format!("{kind:?}") == "FilesystemLoop" => {
            "; a symbolic link on the path leads back to itself: fix the link"
        }
        _ => "",
    };
    anyhow::anyhow!("cannot {action} {shown}: {err}{advice}")
}

/// The error and its causes on one line, outermost first.
pub(crate) fn render(err: &anyhow::Error) -> String {
    err.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ")
}
