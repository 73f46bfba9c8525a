//! Continuous monitoring: what a list change, a legal event or the passage of time means for the
//! parties and securities a user watches.
//!
//! # Overview
//!
//! A *watch* is a set of customers (screening queries) or holdings (securities), stored in
//! versions like a list. This crate decides, without I/O, which alerts a change raises:
//!
//! - [`CustomerIndex`] indexes a watch's customers, and [`delta_hits`] screens only the entities
//!   a list version added or changed against them, instead of every customer against the whole
//!   list. The customer index proposes pairs (a list entity's names are the queries); every
//!   proposed pair is then scored by the list index with [`Index::screen_among`], the customer as
//!   the query, which is exactly the score `listwatch screen` gives that customer against that
//!   entity: the same word weights (over the listed entities), the same direction, the same
//!   threshold. So a delta hit and a full re-screen agree on every pair the proposal finds.
//! - [`History`] reads the alerts and decisions stored so far; [`list_alerts`] and
//!   [`holding_alerts`] derive new alerts from it.
//!
//! # Invariants
//!
//! - An alert's id is a hash of its cause ([`alert_id`]): the same cause never yields two
//!   alerts, so re-running a derivation (a re-import, a second `monitor run` on the same day)
//!   raises nothing new. The store keeps the first alert of each id.
//! - A false-positive decision on an (item, entity) pair silences the pair until the material
//!   fields ([`Material`]) of either side differ from those the decided alert saw; the alert
//!   that reopens the pair says which fields changed.
//!
//! # Limitations
//!
//! - The proposal step is a reverse screen (list names against customer names) with a low
//!   floor ([`CANDIDATE_MIN_SCORE`]); a pair whose reverse score falls below it is not proposed.
//!   Word weights differ between the two indexes, so this is a bound checked by tests on real
//!   data, not a proof.

#![warn(missing_docs)]

mod alerts;
mod delta;

pub use alerts::{
    Changes, DIVESTMENT_NOTICES, History, HoldingView, Trigger, alert_id, customer_material,
    entity_material, holding_alerts, list_alerts,
};
pub use delta::{
    CANDIDATE_MIN_SCORE, CustomerIndex, Hit, ListEntity, customer_query, delta_hits, explain,
};

#[doc(no_inline)]
pub use listwatch_matcher::Index;
#[doc(no_inline)]
pub use listwatch_model::Material;
