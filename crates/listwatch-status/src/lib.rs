//! Timelines and as-of status: was an entity restricted on a given day, under which rule, since
//! when and until when, and says who?
//!
//! # Overview
//! A [`Record`] gathers what is known about one entity: the list versions in which it appeared,
//! changed or was removed ([`Observation`]s), and the legal events users recorded about it
//! (court injunctions and stays, vacaturs, agency delistings and relistings, general licenses,
//! notes). [`Regimes`] say, as data, how a program's listing becomes restrictions: blocking from
//! the listing for SDN programs; for the EO 13959 / EO 14032 securities programs, purchases
//! prohibited from the effective date (the list's own date, else 60 days after listing) and sales
//! only to divest until the divestment date (else 365 days after listing).
//!
//! [`timeline`] lays out every dated step with its source and its [`Basis`] (`designated` by the
//! list's own data, `observed` in a publication, computed by a `rule`, or `recorded` as a legal
//! event), and [`status`] answers a [`Question`] (as of a day, knowing what was known on a day)
//! with a [`State`] (`not-listed`, `unknown`, `pending`, `restricted`, `suspended`, `removed`),
//! the restrictions in force, the version of the list the answer rests on, and the chain of
//! events that leads there.
//!
//! # Coverage
//! An answer about a day rests on the version of the list in force on that day (the latest
//! published on or before it, and known by the day asked), and on later versions only for the
//! dates their own data gives (a Listing Date on or before the day). `not-listed` needs a version
//! in force that does not hold the entity; with no version in force and no such date the state is
//! `unknown`, with the reason. [`State::combine`] folds several lists' answers into one: a
//! restriction anywhere wins; otherwise `unknown` beats `removed` and `not-listed`.
//!
//! # Laws
//! - The answer as of a day never depends on steps dated after it.
//! - With `known_on`, the answer never depends on versions published or events known after
//!   that day.
//! - `not-listed` only when a version of the list known on the day asked, and in force on the
//!   day, exists and does not hold the entity.
//! - A superseded event has no effect, but stays in the store's audit trail.
//!
//! # Example
//! ```
//! use listwatch_model::{Coverage, Date, Entity, Schema};
//! use listwatch_status::{status, Basis, Observation, Question, Record, Regimes, State, VersionRef};
//!
//! let mut xiaomi = Entity::new("xiaomi", Schema::Company, "XIAOMI CORPORATION");
//! xiaomi.programs.push("CCMC-EO13959".to_string());
//! let day = |s: &str| Date::parse_iso(s).unwrap();
//! let coverage = Coverage::FULL;
//! let record = Record {
//!     entity_id: "dod-ccmc:xiaomi".to_string(),
//!     list: "dod-ccmc".to_string(),
//!     versions: vec![
//!         VersionRef { version: 4, published: day("2020-12-03"), coverage },
//!         VersionRef { version: 5, published: day("2021-01-14"), coverage },
//!     ],
//!     observations: vec![Observation {
//!         version: 5, published: day("2021-01-14"), coverage, entity: Some(xiaomi),
//!     }],
//!     events: Vec::new(),
//! };
//! let ask = |as_of| status(&record, Question { as_of: day(as_of), known_on: None }, &Regimes::builtin());
//! let answer = ask("2021-02-01");
//! assert_eq!(answer.state, State::Pending);
//! // The list gives no listing date: the entry was on the list by the version that shows it.
//! assert_eq!((answer.listed_since, answer.listed_basis), (Some(day("2021-01-14")), Some(Basis::Observed)));
//! assert_eq!(answer.restrictions[0].since, day("2021-03-15"));
//! assert_eq!(answer.restrictions[0].basis, Basis::Rule);
//! // Version 4 was in force on 2021-01-01 and did not hold it.
//! assert_eq!(ask("2021-01-01").state, State::NotListed);
//! // No version was published by 2020-06-01: nothing says whether it was listed.
//! assert_eq!(ask("2020-06-01").state, State::Unknown);
//! ```

#![warn(missing_docs)]

mod error;
mod regime;
mod status;

pub use error::{Error, Result};
pub use regime::{MAX_DAYS, Origin, Regime, RegimeKind, Regimes};
pub use status::{
    Basis, Observation, Question, Record, Restriction, State, Status, TimelineEvent, VersionRef,
    known_on, status, timeline,
};

#[cfg(test)]
mod tests;
