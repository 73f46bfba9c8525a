//! Continuous monitoring: watches (a set of customers or holdings, versioned like lists), the
//! alerts derived when a list, an event or the passage of time affects them, and the review
//! decisions on those alerts. Alerts and decisions are append-only.

use serde::{Deserialize, Serialize};

use crate::date::{Date, DateSpec};
use crate::entity::{Gender, Identifier, Schema};

/// What a watch holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WatchKind {
    /// Parties screened by name and identifiers (the batch screening input).
    Customers,
    /// Securities checked for their listed status (the portfolio CSV).
    Holdings,
}

impl WatchKind {
    /// `customers` or `holdings`.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchKind::Customers => "customers",
            WatchKind::Holdings => "holdings",
        }
    }
}

/// A customer of a watch: what a screening query carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// The name, in any script and order.
    pub name: Option<String>,
    /// What the party is, when known.
    pub schema: Option<Schema>,
    /// Date of birth or of establishment.
    pub birth_date: Option<DateSpec>,
    /// Countries, as given.
    pub countries: Vec<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Identifiers.
    pub identifiers: Vec<Identifier>,
}

/// A holding of a watch: the columns of the portfolio CSV.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldingRow {
    /// ISIN, as given.
    pub isin: Option<String>,
    /// Ticker.
    pub ticker: Option<String>,
    /// Exchange (MIC, name or country).
    pub exchange: Option<String>,
    /// Issuer name.
    pub issuer: Option<String>,
    /// Quantity, as given.
    pub quantity: Option<String>,
}

/// What one item of a watch is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WatchItemKind {
    /// A customer.
    Customer(Customer),
    /// A holding.
    Holding(HoldingRow),
    /// A line of the file that could not be read, with why (kept so the line numbers stay).
    Invalid(String),
}

/// One item of a watch: its id (the input's `id`, else its line or row number) and what it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchItem {
    /// Unique within a watch version.
    pub id: String,
    /// The item.
    pub kind: WatchItemKind,
}

/// A watch in the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchInfo {
    /// Its name.
    pub name: String,
    /// What it holds.
    pub kind: WatchKind,
    /// The newest version, from 1.
    pub current: u32,
    /// When it was removed (RFC 3339), if it was: a removed watch keeps its versions and alerts
    /// but is no longer monitored.
    pub removed_at: Option<String>,
}

/// One committed version of a watch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchVersion {
    /// The watch.
    pub watch: String,
    /// The version number, from 1.
    pub version: u32,
    /// The file it was read from, as given.
    pub source: String,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// When it was stored, RFC 3339 in UTC.
    pub stored_at: String,
    /// Items in this version.
    pub items: u64,
    /// Items added since the previous version.
    pub added: u64,
    /// Items removed since the previous version.
    pub removed: u64,
    /// Items changed since the previous version.
    pub changed: u64,
}

/// The fields of a party that make a match what it is: a change in any of them reopens a pair
/// that was decided a false positive. Each field is sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Material {
    /// Names.
    pub names: Vec<String>,
    /// Identifiers as `kind:value`.
    pub identifiers: Vec<String>,
    /// Birth dates.
    pub birth_dates: Vec<String>,
    /// Countries.
    pub countries: Vec<String>,
    /// Programs (listed entities only).
    pub programs: Vec<String>,
}

impl Material {
    /// The names of the fields that differ between `self` and `other`.
    pub fn changed_fields(&self, other: &Material) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.names != other.names {
            fields.push("names");
        }
        if self.identifiers != other.identifiers {
            fields.push("identifiers");
        }
        if self.birth_dates != other.birth_dates {
            fields.push("birth dates");
        }
        if self.countries != other.countries {
            fields.push("countries");
        }
        if self.programs != other.programs {
            fields.push("programs");
        }
        fields
    }
}

/// Why an alert was raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AlertKind {
    /// A new match above the threshold between a customer and a listed entity.
    Hit,
    /// A pair decided a false positive matches again after either side changed materially.
    Reopened,
    /// A matched entity was amended.
    Amended,
    /// A matched entity was removed from its list.
    Removed,
    /// A matched entity, removed earlier, is listed again.
    Relisted,
    /// A holding's verdict changed.
    HoldingStatus,
    /// A holding's divestment window closes soon.
    DivestmentWindow,
}

impl AlertKind {
    /// The kind's name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Hit => "hit",
            AlertKind::Reopened => "reopened",
            AlertKind::Amended => "amended",
            AlertKind::Removed => "removed",
            AlertKind::Relisted => "relisted",
            AlertKind::HoldingStatus => "holding-status",
            AlertKind::DivestmentWindow => "divestment-window",
        }
    }
}

/// An alert: derived from one cause, identified by it, stored once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// A stable id derived from the cause: the same cause always gives the same id.
    pub id: String,
    /// What kind of cause.
    pub kind: AlertKind,
    /// The watch.
    pub watch: String,
    /// The watch version the item was read from.
    pub watch_version: u32,
    /// The item's id in the watch.
    pub item: String,
    /// The item as a person reads it (a name, an ISIN).
    pub item_label: String,
    /// The entity (`<list>:<id>`), if one is involved.
    pub entity: Option<String>,
    /// The entity's primary name.
    pub entity_name: Option<String>,
    /// What changed, in words (with the list versions or the event behind it).
    pub change: String,
    /// The list versions (`list@version`) and events (`event:N`) behind the alert.
    pub sources: Vec<String>,
    /// The match score, for matches.
    pub score: Option<f64>,
    /// How the score came about, or why the holding has its verdict, one line each.
    pub explanation: Vec<String>,
    /// The day the alert is about (the as-of day of a holding check, else the publication day).
    pub day: Date,
    /// When the alert was stored, RFC 3339 in UTC.
    pub created_at: String,
    /// The item's material fields when the alert was raised (customers only).
    pub item_material: Option<Material>,
    /// The entity's material fields when the alert was raised.
    pub entity_material: Option<Material>,
    /// A holding's verdict (`prohibited`, `suspended`, ...), for holding alerts.
    pub verdict: Option<String>,
}

/// A reviewer's decision on an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DecisionKind {
    /// The item is the listed party.
    TrueMatch,
    /// The item is not the listed party: the pair stays quiet until either side changes.
    FalsePositive,
    /// Handed on to someone else; the alert stays open.
    Escalated,
}

impl DecisionKind {
    /// All kinds.
    pub const ALL: [DecisionKind; 3] =
        [DecisionKind::TrueMatch, DecisionKind::FalsePositive, DecisionKind::Escalated];

    /// `true-match`, `false-positive` or `escalated`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::TrueMatch => "true-match",
            DecisionKind::FalsePositive => "false-positive",
            DecisionKind::Escalated => "escalated",
        }
    }

    /// Parses a decision name.
    pub fn parse(s: &str) -> Option<DecisionKind> {
        DecisionKind::ALL.into_iter().find(|kind| kind.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// A decision to record. Decisions are append-only: a correction is a new decision on the same
/// alert that names the one it supersedes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewDecision {
    /// The alert decided.
    pub alert: String,
    /// The decision.
    pub decision: DecisionKind,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub by: String,
    /// When it was recorded, RFC 3339 in UTC.
    pub at: String,
    /// The earlier decision on the same alert this one corrects.
    pub supersedes: Option<u64>,
}

/// A recorded decision with its number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Its number, from 1, in the order recorded.
    pub id: u64,
    /// The decision.
    pub decision: NewDecision,
}

/// Where alerts are delivered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// Its number, from 1.
    pub id: u64,
    /// `http://...` or `file:///path.jsonl`.
    pub url: String,
    /// The HMAC secret signing each body, if any.
    pub secret: Option<String>,
    /// Only alerts of this watch (all when `None`).
    pub watch: Option<String>,
    /// When it was added, RFC 3339 in UTC.
    pub added_at: String,
}

/// The delivery of one alert to one webhook.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Attempts made.
    pub attempts: u32,
    /// When it was delivered (RFC 3339), once it was.
    pub delivered_at: Option<String>,
    /// The last failure.
    pub last_error: Option<String>,
    /// Unix seconds before which the next attempt waits (exponential backoff).
    pub next_attempt_at: u64,
}
