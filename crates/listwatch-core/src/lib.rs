//! The application core of listwatch: the use cases the command line and the server share, over
//! an immutable [`Snapshot`] of the store.
//!
//! - [`catalog`]: find entities across every list by id, ISIN, ticker or name; gather what is
//!   known about one for the status engine; say which lists an answer about a day consults.
//! - [`screening`]: build the screening index over the current version of every list.
//! - [`query`]: the query format of batch files and of the server, checked into a matcher query.
//! - [`status`]: answer "was it restricted on that day?" for a query, per entity and combined.
//! - [`holdings`]: verdicts on securities holdings.
//! - [`events`]: the checks a legal event passes before it is recorded.
//! - [`snapshot`]: all of the above built once, and swapped atomically when the store changes.
//!
//! The core knows no command-line flag, no HTTP and no wire shape: front ends translate its
//! types into their own.

mod error;

pub mod catalog;
pub mod events;
pub mod holdings;
pub mod limits;
pub mod query;
pub mod screening;
pub mod snapshot;
pub mod status;

pub use error::{Error, Result};
pub use snapshot::{Fingerprint, SharedSnapshot, Snapshot};
