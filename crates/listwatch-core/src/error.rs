//! What can go wrong in a use case: the caller's fault (a bad value, an unknown list), or the
//! store's.

/// The error of every use case of the core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value the caller gave is not valid (an entity id of the wrong shape); the message says
    /// which and why.
    #[error("{0}")]
    Invalid(String),
    /// The caller named a list the store does not hold.
    #[error("no such list in the store: {0}")]
    UnknownList(String),
    /// The store could not answer.
    #[error(transparent)]
    Store(#[from] listwatch_store::Error),
}

/// The result of a use case.
pub type Result<T> = std::result::Result<T, Error>;
