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
//! [`timeline`] lays out every dated step with its source, and [`status`] answers a [`Question`]
//! (as of a day, knowing what was known on a day) with a [`State`] (`not-listed`, `pending`,
//! `restricted`, `suspended`, `removed`), the restrictions in force, and the chain of events that
//! leads there.
//!
//! # Laws
//! - The answer as of a day never depends on steps dated after it.
//! - With `known_on`, the answer never depends on versions published or events recorded after
//!   that day.
//! - A superseded event has no effect, but stays in the store's audit trail.
//!
//! # Example
//! ```
//! use listwatch_model::{Date, Entity, Schema};
//! use listwatch_status::{status, Observation, Question, Record, Regimes, State};
//!
//! let mut xiaomi = Entity::new("xiaomi", Schema::Company, "XIAOMI CORPORATION");
//! xiaomi.programs.push("CCMC-EO13959".to_string());
//! let day = |s: &str| Date::parse_iso(s).unwrap();
//! let record = Record {
//!     entity_id: "dod-ccmc:xiaomi".to_string(),
//!     list: "dod-ccmc".to_string(),
//!     observations: vec![Observation { version: 5, published: day("2021-01-14"), entity: Some(xiaomi) }],
//!     events: Vec::new(),
//! };
//! let answer = status(&record, Question { as_of: day("2021-02-01"), known_on: None }, &Regimes::builtin());
//! assert_eq!(answer.state, State::Pending);
//! assert_eq!(answer.restrictions[0].since, day("2021-03-15"));
//! ```

#![warn(missing_docs)]

mod regime;
mod status;

pub use regime::{Regime, RegimeKind, Regimes};
pub use status::{
    Observation, Question, Record, Restriction, State, Status, TimelineEvent, known_on, status,
    timeline,
};

#[cfg(test)]
mod tests;
