//! The store's error type.

use std::fmt;

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Why an import was refused by an integrity guard.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Refusal {
    /// The import would remove more of the list's entities than the guard allows.
    MassRemoval {
        /// Entities the import would remove.
        removed: u64,
        /// Entities in the current version.
        current: u64,
        /// The largest share the guard allows, from 0 to 1.
        max_share: f64,
    },
    /// The publication holds no entities.
    Empty,
    /// The import removes more than the guard allows, and the count given to confirm a mass
    /// removal is not the count it removes.
    RemovalCountMismatch {
        /// The count given.
        confirmed: u64,
        /// Entities the import would remove.
        removed: u64,
        /// Entities in the current version.
        current: u64,
    },
    /// The publication date is earlier than the current version's.
    OutOfOrder {
        /// The new version's publication date.
        published: String,
        /// The current version's publication date.
        current: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::MassRemoval { removed, current, max_share } => write!(
                f,
                "the import would remove {removed} of {current} entities ({:.1}%, more than the {:.1}% allowed); an empty or truncated download looks like this. Check the files; if the removals are real, confirm their number with --allow-mass-removal {removed}",
                100.0 * *removed as f64 / (*current).max(1) as f64,
                100.0 * max_share
            ),
            Refusal::Empty => write!(
                f,
                "the publication holds no entities; an empty file is a failed download, not a list without entries, and is never recorded"
            ),
            Refusal::RemovalCountMismatch { confirmed, removed, current } => write!(
                f,
                "--allow-mass-removal {confirmed} confirms {confirmed} removals, but the import would remove {removed} of {current} entities; check the files, and confirm the real number if the removals are real"
            ),
            Refusal::OutOfOrder { published, current } => write!(
                f,
                "the publication date {published} is earlier than the current version's ({current}); versions must be imported in publication order"
            ),
        }
    }
}

/// An error of the store.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An integrity guard refused an import; the store is unchanged.
    Refused(Refusal),
    /// The list, version or entity does not exist.
    NotFound(String),
    /// The request is inconsistent (duplicate ids, a format that does not match the list's).
    Invalid(String),
    /// The store was written by a newer listwatch.
    FormatTooNew {
        /// The format version in the file.
        found: u32,
        /// The newest format this build reads.
        supported: u32,
    },
    /// Stored data could not be decoded.
    Corrupt(String),
    /// The store was opened read-only and cannot be written.
    ReadOnly,
    /// The store cannot be read without writing to it first (recovery, migration): the reason.
    NeedsWrite(String),
    /// The storage engine failed (I/O, locking).
    Storage(String),
    /// The store's engine does not offer this operation (say, monitoring on PostgreSQL).
    Unsupported(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused(refusal) => write!(f, "import refused: {refusal}"),
            Error::NotFound(what) | Error::Invalid(what) => write!(f, "{what}"),
            Error::FormatTooNew { found, supported } => write!(
                f,
                "the store has on-disk format {found}, but this listwatch reads formats up to {supported}: upgrade listwatch"
            ),
            Error::Corrupt(what) => write!(f, "the store is damaged: {what}"),
            Error::ReadOnly => write!(f, "the store was opened read-only"),
            Error::NeedsWrite(why) => write!(
                f,
                "the store cannot be read without writing to it first: {why}; run any command that writes (such as `listwatch import`) with write access to the file"
            ),
            Error::Storage(what) => write!(f, "storage error: {what}"),
            Error::Unsupported(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for Error {}

macro_rules! storage_errors {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Error {
            fn from(err: $ty) -> Error {
                Error::Storage(err.to_string())
            }
        }
    )*};
}
storage_errors!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<postcard::Error> for Error {
    fn from(err: postcard::Error) -> Error {
        Error::Corrupt(format!("undecodable record: {err}"))
    }
}
