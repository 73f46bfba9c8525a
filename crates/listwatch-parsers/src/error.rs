//! The parsers' error type: input that is not the expected format at all.
//!
//! A single bad record is not an error: it becomes a [`listwatch_model::Diagnostic`] and the
//! other records still parse.

use std::fmt;

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// A file that cannot be read as the expected format: the whole import must stop.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    /// The file name.
    pub file: String,
    /// The 1-based line where the problem was found, where it has one.
    pub line: Option<u64>,
    /// What is wrong and what was expected.
    pub reason: String,
    /// What kind of problem it is.
    pub kind: ErrorKind,
}

/// What kind of problem made a file unreadable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file is not this format at all (wrong column count throughout, binary data, ...).
    NotFormat,
    /// The file is this format but broken: truncated mid-record, or a quote never closed.
    Broken,
}

impl Error {
    pub(crate) fn not_format(file: &str, line: Option<u64>, reason: impl Into<String>) -> Error {
        Error { file: file.to_string(), line, reason: reason.into(), kind: ErrorKind::NotFormat }
    }

    pub(crate) fn broken(file: &str, line: Option<u64>, reason: impl Into<String>) -> Error {
        Error { file: file.to_string(), line, reason: reason.into(), kind: ErrorKind::Broken }
    }

    /// A publication without its required main file.
    pub(crate) fn missing_file(name: &str) -> Error {
        Error {
            file: name.to_string(),
            line: None,
            reason: "the publication's main file is missing".to_string(),
            kind: ErrorKind::NotFormat,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for Error {}
