//! Exit codes, and the error types that choose them.
//!
//! 0 success, 1 error, 2 usage (bad flags or arguments), 3 refused by an integrity guard.

use std::fmt;

/// The exit code for a usage error.
pub(crate) const USAGE: u8 = 2;
/// The exit code for an import refused by an integrity guard.
pub(crate) const REFUSED: u8 = 3;
/// The exit code for a query that matches nothing in the store.
pub(crate) const NO_MATCH: u8 = 4;

/// The exit code for a check that found what the caller asked it to fail on.
pub(crate) const FOUND: u8 = 5;

/// A check found what `--fail-on` names; the output was written in full.
#[derive(Debug)]
pub(crate) struct Found(pub(crate) String);

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Found {}

/// Shorthand for a check that found something.
pub(crate) fn found(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Found(message.into()))
}

/// A query that names nothing the store knows.
#[derive(Debug)]
pub(crate) struct NoMatch(pub(crate) String);

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NoMatch {}

/// Shorthand for a query that matches nothing.
pub(crate) fn no_match(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(NoMatch(message.into()))
}

/// A mistake in how the command was called: a bad argument value, an id of the wrong shape.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Shorthand for a usage error.
pub(crate) fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

pub(crate) fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.downcast_ref::<UsageError>().is_some() {
            return USAGE;
        }
        if cause.downcast_ref::<NoMatch>().is_some() {
            return NO_MATCH;
        }
        if cause.downcast_ref::<Found>().is_some() {
            return FOUND;
        }
        if let Some(listwatch_store::Error::Refused(_)) =
            cause.downcast_ref::<listwatch_store::Error>()
        {
            return REFUSED;
        }
    }
    1
}

pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line, outermost first.
pub(crate) fn render(err: &anyhow::Error) -> String {
    err.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ")
}
