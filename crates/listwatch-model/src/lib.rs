//! The listwatch domain model: restricted-party list entries, their names, identifiers and dates,
//! and the field-level differences between two versions of an entry.
//!
//! This crate does no I/O. Parsers produce [`Entity`] values, the store keeps them, and the matcher
//! and the status engine read them.
//!
//! # Overview
//! - [`Entity`]: one entry of a list, with a [`Schema`] (person, company, vessel, ...), [`Name`]s of
//!   each [`NameKind`], typed [`Identifier`]s, birth dates as [`DateSpec`]s, addresses, programs,
//!   [`Link`]s to other entries, the designation's [`ListDate`]s, and the remarks kept verbatim.
//! - [`Date`], [`PartialDate`], [`DateSpec`]: dates as lists write them, exact, partial,
//!   approximate or ranges, printed as ISO 8601 / EDTF (`1965`, `1965-03`, `1960~`, `1960/1962`).
//! - [`ListName`] and [`EntityId`]: `<list>:<id in the source>`, e.g. `ofac-sdn:48603`.
//! - [`Coverage`]: which parts of a multi-file publication a version was built from.
//! - [`Diagnostic`]: a problem in input, with file, line, record, field and message.
//! - [`diff_entities`] and [`apply_changes`]: field-level differences, and their application.
//!
//! # Example
//! ```
//! use listwatch_model::{DateSpec, Entity, Schema, diff_entities};
//!
//! let before = Entity::new("306", Schema::Organization, "BANCO NACIONAL DE CUBA");
//! let mut after = before.clone();
//! after.birth_dates.push(DateSpec::parse_loose("circa 1950").unwrap());
//! let changes = diff_entities(&before, &after);
//! assert_eq!(changes[0].field, "birth_dates");
//! assert_eq!(after.birth_dates[0].to_string(), "1950~");
//! ```

#![warn(missing_docs)]

mod country;
mod date;
mod diff;
mod entity;
mod event;
mod ids;
mod list;
mod watch;

pub use country::country_code;
pub use date::{Date, DateError, DateSpec, PartialDate};
pub use diff::{FIELDS, FieldChange, FieldValue, apply_changes, diff_entities};
pub use entity::{
    Address, Attribute, Entity, Gender, IdKind, Identifier, Link, ListDate, ListDateKind, Name,
    NameKind, Schema, Vessel,
};
pub use event::{EventKind, LegalEvent, NewEvent};
pub use ids::{InvalidIdentifier, normalize_identifier, validate_identifier};
pub use list::{Coverage, Diagnostic, EntityId, ListName, Severity, compare_source_ids};
pub use watch::{
    Alert, AlertKind, Customer, Decision, DecisionKind, Delivery, HoldingRow, Material,
    NewDecision, WatchInfo, WatchItem, WatchItemKind, WatchKind, WatchVersion, Webhook,
};
