//! What the store records about lists and versions, and what its queries return.

use serde::{Deserialize, Serialize};

use listwatch_model::{Coverage, Date, Diagnostic, Entity, FieldChange, ListName};

/// A content hash: the first 16 bytes of the SHA-256 of an entity's stored encoding.
pub type Hash = [u8; 16];

/// A list in the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListInfo {
    /// The list's name.
    pub name: ListName,
    /// The format its versions were imported from (`ofac-sdn`).
    pub format: String,
    /// The newest version, 0 when there is none.
    pub current: u32,
    /// The newest version stored as a full snapshot.
    pub(crate) last_snapshot: u32,
    /// Change records stored since that snapshot.
    pub(crate) changes_since_snapshot: u64,
}

/// One published file of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    /// The file name.
    pub name: String,
    /// SHA-256 of the file, in lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Records read from it.
    pub records: u64,
}

/// A committed, immutable version of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// The list.
    pub list: ListName,
    /// The version number, from 1, in import order (which is publication order).
    pub version: u32,
    /// The publication date.
    pub published: Date,
    /// When it was imported, RFC 3339 in UTC.
    pub imported_at: String,
    /// The format it was imported from.
    pub format: String,
    /// Where it was imported from, as given.
    pub source: String,
    /// SHA-256 (lowercase hex) over the version's content: the entity ids and contents and the
    /// coverage. Equal hashes mean equal content.
    pub content_hash: String,
    /// The published files.
    pub files: Vec<FileInfo>,
    /// Entities in this version.
    pub entities: u64,
    /// Entities added since the previous version.
    pub added: u64,
    /// Entities removed since the previous version.
    pub removed: u64,
    /// Entities changed since the previous version.
    pub changed: u64,
    /// Which parts of the publication the version was built from.
    pub coverage: Coverage,
    /// Remark items seen by the parser.
    pub remark_items: u64,
    /// Remark items typed by the parser.
    pub remark_items_typed: u64,
    /// The parser's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// A version to import.
#[derive(Clone, Debug)]
pub struct NewVersion {
    /// The list.
    pub list: ListName,
    /// The format.
    pub format: String,
    /// Where it came from, as given.
    pub source: String,
    /// The publication date.
    pub published: Date,
    /// The import time, RFC 3339 in UTC.
    pub imported_at: String,
    /// The published files.
    pub files: Vec<FileInfo>,
    /// The entities; ids must be unique.
    pub entities: Vec<Entity>,
    /// Which parts of the publication were present.
    pub coverage: Coverage,
    /// Remark items seen.
    pub remark_items: u64,
    /// Remark items typed.
    pub remark_items_typed: u64,
    /// The parser's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// The integrity guard of an import.
///
/// An empty publication is never recorded, whatever the guard says: an empty file is a failed
/// download, not a list that delisted everyone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Guard {
    /// The largest share of the current entities an import may remove, from 0 to 1.
    pub max_removal_share: f64,
    /// Let through an import that removes more than the share allows, if it removes exactly this
    /// many entities: a real mass delisting must be confirmed by its count.
    pub allow_removal_of: Option<u64>,
}

impl Default for Guard {
    fn default() -> Guard {
        Guard { max_removal_share: 0.2, allow_removal_of: None }
    }
}

/// Why, by whom and when a version was retracted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retraction {
    /// Why the version is wrong (a wrong publication date, a broken file).
    pub reason: String,
    /// Who retracted it.
    pub by: String,
    /// When, RFC 3339 in UTC.
    pub at: String,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportOutcome {
    /// A new version was committed.
    Committed(VersionInfo),
    /// The content equals the current version's; nothing was written.
    Unchanged(VersionInfo),
}

/// The steps of an import, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Encoding and hashing entities.
    Hashing,
    /// Comparing with the current version.
    Comparing,
    /// Writing the new version.
    Writing,
}

/// An entity a list has ever had ([`crate::Store::entities_ever`]).
#[derive(Clone, Debug, PartialEq)]
pub struct EverEntity {
    /// The entity as the last version that held it had it.
    pub entity: Entity,
    /// The first live (not retracted) version that held it; `None` when only retracted versions
    /// did.
    pub first_version: Option<u32>,
    /// The version of its last change: the one that added it, last changed it or removed it.
    pub last_version: u32,
    /// Whether it is in the list's current version.
    pub current: bool,
}

/// An entity that changed between two versions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangedEntity {
    /// The source id.
    pub id: String,
    /// The fields that changed.
    pub fields: Vec<FieldChange>,
}

/// The difference between two versions of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionDiff {
    /// The older version.
    pub from: VersionInfo,
    /// The newer version.
    pub to: VersionInfo,
    /// Ids of entities only in `to`.
    pub added: Vec<String>,
    /// Ids of entities only in `from`.
    pub removed: Vec<String>,
    /// Entities in both whose content differs.
    pub changed: Vec<ChangedEntity>,
    /// Fields not compared because one of the versions does not cover them.
    pub not_compared: Vec<&'static str>,
}

/// What happened to an entity in one version.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum HistoryChange {
    /// First listed.
    Added,
    /// Listed again after a removal.
    Relisted,
    /// Changed.
    Changed {
        /// The fields that changed.
        fields: Vec<FieldChange>,
    },
    /// Removed.
    Removed,
}

/// One step of an entity's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryStep {
    /// The version where it happened.
    pub version: VersionInfo,
    /// What happened.
    pub change: HistoryChange,
}
