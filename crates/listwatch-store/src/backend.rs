//! The storage seam: what an engine must read and write, one transaction at a time.
//!
//! The store's laws (guards, manifests, comparisons, live versions, histories) are written once,
//! in `store.rs`, over these two traits; an engine (redb in `redb_backend.rs`, PostgreSQL in
//! `postgres.rs`) only stores and finds records. Engine-specific work (compaction, file space,
//! snapshot cadence, packs) stays inside the engine.

use listwatch_model::{
    Alert, Decision, Delivery, Entity, LegalEvent, ListName, NewDecision, NewEvent, WatchInfo,
    WatchItem, WatchVersion, Webhook,
};

use crate::error::Result;
use crate::types::{Hash, ListInfo, Retraction, VersionInfo};

/// An id and the hash of the entity's content.
pub(crate) type ManifestEntry = (String, Hash);

/// A change record's entry: the id, and its new hash, or `None` for a removal.
pub(crate) type Change = (String, Option<Hash>);

/// Reads of one consistent view of the store (a read transaction, or a write transaction before
/// it writes).
pub(crate) trait StoreRead: MonitorRead {
    /// Every list, by name.
    fn lists(&mut self) -> Result<Vec<ListInfo>>;
    /// One list, if it exists.
    fn list(&mut self, list: &ListName) -> Result<Option<ListInfo>>;
    /// Every stored version of a list, oldest first.
    fn versions(&mut self, list: &ListName) -> Result<Vec<VersionInfo>>;
    /// One stored version.
    fn version(&mut self, list: &ListName, version: u32) -> Result<Option<VersionInfo>>;
    /// The retractions of a list, by version.
    fn retractions(&mut self, list: &ListName) -> Result<Vec<(u32, Retraction)>>;
    /// The (id, hash) pairs of a stored version, ordered by `compare_source_ids`.
    fn manifest(&mut self, list: &ListName, version: u32) -> Result<Vec<ManifestEntry>>;
    /// The change records naming `id` up to a version: (version, new hash or removal), oldest
    /// first.
    fn history(
        &mut self,
        list: &ListName,
        id: &str,
        up_to: u32,
    ) -> Result<Vec<(u32, Option<Hash>)>>;
    /// Every change record of a list up to a version, oldest first, each ordered by
    /// `compare_source_ids`.
    fn changes(&mut self, list: &ListName, up_to: u32) -> Result<Vec<(u32, Vec<Change>)>>;
    /// The entities with these content hashes, in the same order.
    fn entities(&mut self, hashes: &[Hash]) -> Result<Vec<Entity>>;
    /// Every legal event, by id.
    fn events(&mut self) -> Result<Vec<LegalEvent>>;
    /// One legal event.
    fn event(&mut self, id: u64) -> Result<Option<NewEvent>>;
}

/// The writes of one transaction; nothing is visible to others before [`StoreWrite::commit`],
/// and a transaction dropped uncommitted leaves the store as it was. A write transaction excludes
/// every other writer from its start, so what it read stays true until it commits.
pub(crate) trait StoreWrite: StoreRead + MonitorWrite {
    /// Stores entity encodings by hash, skipping those stored already.
    fn put_entities(&mut self, encodings: &[(Hash, &[u8])]) -> Result<()>;
    /// Stores the change record of a new version (relative to the version stored before it).
    /// `manifest` is the new version's whole manifest, for engines that keep snapshots of it;
    /// `list` is updated with what the engine keeps about them.
    fn put_changes(
        &mut self,
        list: &mut ListInfo,
        version: u32,
        changes: &[Change],
        manifest: &[ManifestEntry],
    ) -> Result<()>;
    /// Stores a version's record and the list's, making it the list's newest version.
    fn put_version(&mut self, list: &ListInfo, version: &VersionInfo) -> Result<()>;
    /// Records a retraction.
    fn put_retraction(
        &mut self,
        list: &ListName,
        version: u32,
        retraction: &Retraction,
    ) -> Result<()>;
    /// Appends a legal event, returning its id (one more than the last).
    fn append_event(&mut self, event: &NewEvent) -> Result<u64>;
    /// Commits every write of the transaction, or none.
    fn commit(self: Box<Self>) -> Result<()>;
}

/// The monitoring records of one consistent view: watches and their versions, alerts, decisions,
/// webhooks and deliveries. Engine-independent rules (names, duplicate ids, checksum-equal
/// versions, one alert per cause, supersedes) are `watch.rs`'s; an engine only finds records.
pub(crate) trait MonitorRead {
    /// Every watch, removed ones included, by name.
    fn watches(&mut self) -> Result<Vec<WatchInfo>>;
    /// One watch.
    fn watch(&mut self, name: &str) -> Result<Option<WatchInfo>>;
    /// The versions of a watch, oldest first.
    fn watch_versions(&mut self, name: &str) -> Result<Vec<WatchVersion>>;
    /// One version of a watch.
    fn watch_version(&mut self, name: &str, version: u32) -> Result<Option<WatchVersion>>;
    /// The items of a watch version, in the order stored.
    fn watch_items(&mut self, name: &str, version: u32) -> Result<Vec<WatchItem>>;
    /// Every alert, in the order stored.
    fn alerts(&mut self) -> Result<Vec<Alert>>;
    /// One alert.
    fn alert(&mut self, id: &str) -> Result<Option<Alert>>;
    /// Every decision, in the order recorded.
    fn decisions(&mut self) -> Result<Vec<Decision>>;
    /// One decision.
    fn decision(&mut self, id: u64) -> Result<Option<NewDecision>>;
    /// Every webhook, by number.
    fn webhooks(&mut self) -> Result<Vec<Webhook>>;
    /// The deliveries to a webhook attempted so far, by alert id.
    fn deliveries(&mut self, webhook: u64) -> Result<Vec<(String, Delivery)>>;
    /// The delivery of one alert to one webhook, if one was attempted.
    fn delivery(&mut self, webhook: u64, alert: &str) -> Result<Option<Delivery>>;
}

/// The monitoring writes of one transaction (committed with [`StoreWrite::commit`]).
pub(crate) trait MonitorWrite {
    /// Stores a watch's record (new, or its current version or removal changed).
    fn put_watch(&mut self, info: &WatchInfo) -> Result<()>;
    /// Stores a new watch version with all its items.
    fn put_watch_version(&mut self, version: &WatchVersion, items: &[WatchItem]) -> Result<()>;
    /// Appends an alert whose id is not stored yet, after the others.
    fn append_alert(&mut self, alert: &Alert) -> Result<()>;
    /// Appends a decision, returning its number (one more than the last).
    fn append_decision(&mut self, decision: &NewDecision) -> Result<u64>;
    /// Appends a webhook, returning its number (one more than the last).
    fn append_webhook(&mut self, webhook: &Webhook) -> Result<u64>;
    /// Stores the state of a delivery, replacing the one before.
    fn put_delivery(&mut self, webhook: u64, alert: &str, delivery: &Delivery) -> Result<()>;
}
