//! Legal events that users record about an entity: court orders, agency delistings, licenses and
//! notes. Events are append-only; a correction is a new event that supersedes an earlier one.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// What kind of legal event it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A court enjoins the designation or its enforcement (a preliminary injunction, a TRO).
    Injunction,
    /// A court or agency stays the designation or its enforcement.
    Stay,
    /// A court vacates the designation: it is void.
    Vacatur,
    /// The agency removes the entity from the list.
    Delisting,
    /// The entity is listed again (or listed anew, as when a misspelt listing is corrected).
    Relisting,
    /// A general license authorizes transactions the listing would otherwise prohibit.
    GeneralLicense,
    /// A note with no effect on status.
    Note,
}

impl EventKind {
    /// All kinds, in declaration order.
    pub const ALL: [EventKind; 7] = [
        EventKind::Injunction,
        EventKind::Stay,
        EventKind::Vacatur,
        EventKind::Delisting,
        EventKind::Relisting,
        EventKind::GeneralLicense,
        EventKind::Note,
    ];

    /// The kind's name on the command line and in JSON (`injunction`, `general-license`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Injunction => "injunction",
            EventKind::Stay => "stay",
            EventKind::Vacatur => "vacatur",
            EventKind::Delisting => "delisting",
            EventKind::Relisting => "relisting",
            EventKind::GeneralLicense => "general-license",
            EventKind::Note => "note",
        }
    }

    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.as_str() == s.trim().to_ascii_lowercase())
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A legal event as a user records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    /// The entity, as `<list>:<id>`.
    pub entity: String,
    /// What happened.
    pub kind: EventKind,
    /// The date of the order, decision or notice.
    pub date: Date,
    /// The date it takes effect (often the same day).
    pub effective: Date,
    /// The citation: court, case number, document.
    pub citation: String,
    /// Where the source can be read.
    pub url: Option<String>,
    /// The restrictions it affects (`purchase-prohibited`, `blocked`, ...); empty means all.
    pub scope: Vec<String>,
    /// Who recorded it.
    pub author: String,
    /// When it was recorded, RFC 3339 in UTC.
    pub entered_at: String,
    /// The event this one corrects and replaces, if any.
    pub supersedes: Option<u64>,
    /// Free text.
    pub note: Option<String>,
    /// The day the event became known, when it is recorded after the fact (a back-filled court
    /// order). Questions asked "as known on" a day use it instead of the day it was recorded.
    pub known_since: Option<Date>,
}

/// A recorded legal event, with the number the store gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalEvent {
    /// The event's number in the store, from 1, in the order recorded.
    pub id: u64,
    /// The event.
    #[serde(flatten)]
    pub event: NewEvent,
}

impl LegalEvent {
    /// The day it was recorded (the date part of `entered_at`).
    pub fn entered_on(&self) -> Option<Date> {
        self.event.entered_at.get(..10).and_then(|day| Date::parse_iso(day).ok())
    }

    /// The day it became known: `known_since` when the event was back-filled, else the day it
    /// was recorded.
    pub fn known_on(&self) -> Option<Date> {
        self.event.known_since.or_else(|| self.entered_on())
    }

    /// Whether it was recorded after it became known (`known_since` before the day recorded).
    pub fn is_backfilled(&self) -> bool {
        match (self.event.known_since, self.entered_on()) {
            (Some(known), Some(entered)) => known < entered,
            _ => false,
        }
    }
}
