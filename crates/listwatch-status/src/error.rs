//! The error of this crate: a regimes file that cannot be used.

use std::fmt;

/// A regimes file that does not parse or breaks a rule.
///
/// The message never quotes the file's content beyond short key names, so pointing
/// `--regimes` at an unrelated file does not print what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    position: Option<(usize, usize)>,
    message: String,
}

/// This crate's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Error {
        Error { position: None, message: message.into() }
    }

    pub(crate) fn at(position: Option<(usize, usize)>, message: impl Into<String>) -> Error {
        Error { position, message: message.into() }
    }

    /// The line of the file the error is on (from 1), when known.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|(line, _)| line)
    }

    /// The column of the error on its line (from 1, in characters), when known.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|(_, column)| column)
    }

    /// What is wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "line {line}, column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}
