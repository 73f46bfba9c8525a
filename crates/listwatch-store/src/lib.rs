//! A versioned, embedded store of restricted-party lists.
//!
//! # Overview
//! A [`Store`] is one redb file ([`Store::open`]), or a PostgreSQL database that several processes
//! and machines share ([`Store::open_location`] with a `postgres://` URL; feature `postgres`, on by
//! default). Both engines obey the same laws, written once over the crate's storage traits, and
//! answer alike. A store holds lists; a list has versions, numbered from 1 in import order;
//! a version is immutable once committed ([`VersionInfo`]: publication date, import time, content
//! hash, per-file checksums, counts and diagnostics). The store answers:
//! - the versions of a list ([`Store::versions`]) and the entities of any version
//!   ([`Store::entities`], [`Store::entity`]);
//! - the difference between any two versions, with field-level before and after
//!   ([`Store::diff`]);
//! - the history of one entity across all versions ([`Store::history`]).
//!
//! # Storage
//! Entities are content-addressed: each distinct entity content is stored once, so a version
//! that changes 50 of 15,000 entries costs 50 entity records plus a small change record. A version
//! is read as the nearest full snapshot plus the change records after it. The layout and its
//! format version are described in the `schema` module; a store written by an older format is
//! migrated when opened, and one written by a newer format is refused.
//!
//! # Integrity
//! An import is one transaction on a crash-safe engine (redb, copy-on-write B-trees with
//! checksummed commits; PostgreSQL, which rolls back a transaction whose client died): after a
//! crash at any moment the store opens at the last committed version. An import that would remove more than a set share of a list is refused unless
//! allowed ([`Guard`]), so an empty or truncated download is never recorded as mass delisting.
//! Content equal to the current version creates no new version.
//!
//! # Example
//! ```
//! use listwatch_model::{Coverage, Date, Entity, ListName, Schema};
//! use listwatch_store::{Guard, ImportOutcome, NewVersion, Store};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let store = Store::open(&dir.path().join("listwatch.redb")).unwrap();
//! let list = ListName::parse("demo").unwrap();
//! let version = |day: &str, names: &[&str]| NewVersion {
//!     list: list.clone(),
//!     format: "test".to_string(),
//!     source: "example".to_string(),
//!     published: Date::parse_iso(day).unwrap(),
//!     imported_at: "2026-01-01T00:00:00Z".to_string(),
//!     files: Vec::new(),
//!     entities: names.iter().enumerate()
//!         .map(|(i, n)| Entity::new(i.to_string(), Schema::Person, *n))
//!         .collect(),
//!     coverage: Coverage::FULL,
//!     remark_items: 0,
//!     remark_items_typed: 0,
//!     diagnostics: Vec::new(),
//! };
//! store.import(version("2024-01-01", &["A", "B", "C", "D", "E"]), &Guard::default(), &mut |_| {}).unwrap();
//! store.import(version("2024-01-02", &["A", "B", "C", "D", "F"]), &Guard::default(), &mut |_| {}).unwrap();
//! let diff = store.diff(&list, 1, 2).unwrap();
//! assert_eq!(diff.changed[0].id, "4");
//! // An empty download is refused, not recorded as five removals.
//! assert!(store.import(version("2024-01-03", &[]), &Guard::default(), &mut |_| {}).is_err());
//! ```

#![warn(missing_docs)]

mod audit;
mod backend;
mod blobs;
mod create;
mod error;
pub mod failpoint;
#[cfg(feature = "postgres")]
mod postgres;
mod redb_backend;
mod schema;
mod store;
#[cfg(feature = "postgres")]
#[doc(hidden)]
pub mod testing;
mod types;
mod watch;

pub use audit::{AuditAppender, AuditEntry};
pub use create::{leftovers, remove_leftovers};
pub use error::{Error, Refusal, Result};
#[cfg(feature = "postgres")]
pub use postgres::{AUDIT_APPLICATION, PG_SCHEMA_VERSION};
pub use schema::FORMAT_VERSION;
pub use store::{CopyReport, Lease, Store, is_postgres_url};
pub use types::{
    ChangedEntity, EverEntity, FileInfo, Guard, Hash, HistoryChange, HistoryStep, ImportOutcome,
    ListInfo, NewVersion, Phase, Retraction, VersionDiff, VersionInfo,
};
pub use watch::{DeliveryClaim, NewWatchVersion};
