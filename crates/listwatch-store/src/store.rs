//! The store itself: opening, importing a version, and the queries over versions.
//!
//! Everything here is engine-independent: the laws (guards, content-equal imports, live
//! versions, manifests and comparisons) are written once over the [`StoreRead`] and
//! [`StoreWrite`] traits of `backend.rs`, which each engine implements.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use listwatch_model::{
    Coverage, Entity, EntityId, LegalEvent, ListName, NewEvent, compare_source_ids, diff_entities,
};

use crate::backend::{Change, ManifestEntry, StoreRead, StoreWrite};
use crate::error::{Error, Refusal, Result};
use crate::redb_backend::RedbStore;
use crate::types::{
    ChangedEntity, EverEntity, Guard, Hash, HistoryChange, HistoryStep, ImportOutcome, ListInfo,
    NewVersion, Phase, Retraction, VersionDiff, VersionInfo,
};

pub(crate) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Encoding into a growable Vec fails only if a Serialize impl reports an error, and the
    // crate's types have derived impls that never do.
    postcard::to_allocvec(value).unwrap_or_default()
}

pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    Ok(postcard::from_bytes(bytes)?)
}

pub(crate) fn hash_bytes(bytes: &[u8]) -> Hash {
    let digest = Sha256::digest(bytes);
    let mut hash = [0u8; 16];
    hash.copy_from_slice(&digest[..16]);
    hash
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A versioned store of restricted-party lists: one redb file, or a PostgreSQL database.
///
/// [`Store::open`] opens a file for reading and writing, creating it if needed;
/// [`Store::open_read_only`] opens an existing file without ever writing to it, so a read-only
/// file or mount serves every question. [`Store::connect`] opens a PostgreSQL database (feature
/// `postgres`), and [`Store::open_location`] chooses by the location's form. Several processes
/// may open the same store: readers see the last committed state, and writers take turns.
pub struct Store {
    engine: Engine,
}

/// The engine behind a store.
enum Engine {
    Redb(RedbStore),
    #[cfg(feature = "postgres")]
    Postgres(Box<crate::postgres::PgStore>),
}

/// Whether a store location names a PostgreSQL database (`postgres://…` or `postgresql://…`)
/// rather than a file.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

impl Store {
    /// Opens the store at `path` for reading and writing, migrating an older on-disk format.
    ///
    /// A missing store is created atomically: under a temporary name beside it, linked into place
    /// only once its header and tables are written, so a process killed at any point leaves either
    /// no store or a valid empty one. Temporary files that such a killed creation left behind are
    /// removed ([`crate::create::leftovers`] finds them).
    pub fn open(path: &Path) -> Result<Store> {
        Ok(Store { engine: Engine::Redb(RedbStore::open(path)?) })
    }

    /// Opens an existing store without writing to its file: a read-only file or mount serves
    /// every query. A store that needs recovery after a crash, or a migration from an older
    /// on-disk format, is refused with [`Error::NeedsWrite`]: open it once with [`Store::open`].
    pub fn open_read_only(path: &Path) -> Result<Store> {
        Ok(Store { engine: Engine::Redb(RedbStore::open_read_only(path)?) })
    }

    /// Opens the PostgreSQL database at `url` (`postgres://user@host:port/database`), creating
    /// or migrating the store's tables in it.
    #[cfg(feature = "postgres")]
    pub fn connect(url: &str) -> Result<Store> {
        Ok(Store { engine: Engine::Postgres(Box::new(crate::postgres::PgStore::connect(url)?)) })
    }

    /// Opens a store by its location: a PostgreSQL URL ([`is_postgres_url`]) is connected to,
    /// anything else is a file path opened for reading and writing.
    pub fn open_location(location: &str) -> Result<Store> {
        if is_postgres_url(location) {
            #[cfg(feature = "postgres")]
            return Store::connect(location);
            #[cfg(not(feature = "postgres"))]
            return Err(Error::Unsupported(
                "this listwatch was built without PostgreSQL support (feature `postgres`)"
                    .to_string(),
            ));
        }
        Store::open(Path::new(location))
    }

    /// Which engine holds the store: `redb` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match &self.engine {
            Engine::Redb(_) => "redb",
            #[cfg(feature = "postgres")]
            Engine::Postgres(_) => "postgres",
        }
    }

    /// On a PostgreSQL store, a signal raised when any process commits a write (a version, a
    /// retraction, an event) through `LISTEN`/`NOTIFY`, so that a server swaps its snapshot at
    /// once instead of at its next poll; `None` on a redb store. Does not block.
    #[cfg(feature = "postgres")]
    pub fn changes(&self) -> Option<std::sync::Arc<tokio::sync::Notify>> {
        match &self.engine {
            Engine::Redb(_) => None,
            Engine::Postgres(db) => Some(db.changes()),
        }
    }

    /// Takes the lead for `task` (such as `sync`), a task that one process at a time should run
    /// among all that share the store: `None` when another process leads. On PostgreSQL this is a
    /// session-level advisory lock on a connection of its own, held while the [`Lease`] lives and
    /// released when it is dropped or its process dies, so another process can take over. A
    /// redb store is on one machine, where writers already take turns: the lead is always given.
    pub fn try_lead(&self, task: &str) -> Result<Option<Lease>> {
        match &self.engine {
            Engine::Redb(_) => Ok(Some(Lease { task: task.to_string(), held: Held::Always })),
            #[cfg(feature = "postgres")]
            Engine::Postgres(db) => Ok(db
                .try_lead(task)?
                .map(|lead| Lease { task: task.to_string(), held: Held::Session(Box::new(lead)) })),
        }
    }

    /// Whether `lease` (taken through this store) still holds its lead. A PostgreSQL lead lives as
    /// long as its session: when the connection breaks (the server restarted, the network went,
    /// an administrator ended the session) the lock is gone and another process may lead, so a
    /// leader asks this before each round of its work and stops leading on `false`. A question
    /// the database does not answer within a few seconds counts as `false`.
    pub fn holds_lead(&self, lease: &Lease) -> bool {
        match (&self.engine, &lease.held) {
            (_, Held::Always) => true,
            #[cfg(feature = "postgres")]
            (Engine::Postgres(db), Held::Session(client)) => db.holds_lead(client, &lease.task),
            #[cfg(feature = "postgres")]
            (Engine::Redb(_), Held::Session(_)) => false,
        }
    }

    /// Whether this handle may write.
    pub fn is_read_only(&self) -> bool {
        match &self.engine {
            Engine::Redb(db) => db.is_read_only(),
            #[cfg(feature = "postgres")]
            Engine::Postgres(_) => false,
        }
    }

    pub(crate) fn read(&self) -> Result<Box<dyn StoreRead + '_>> {
        match &self.engine {
            Engine::Redb(db) => db.read(),
            #[cfg(feature = "postgres")]
            Engine::Postgres(db) => db.read(),
        }
    }

    pub(crate) fn write(&self) -> Result<Box<dyn StoreWrite + '_>> {
        match &self.engine {
            Engine::Redb(db) => db.write(),
            #[cfg(feature = "postgres")]
            Engine::Postgres(db) => db.write(),
        }
    }

    /// The PostgreSQL engine, if the store is one.
    #[cfg(feature = "postgres")]
    pub(crate) fn pg(&self) -> Option<&crate::postgres::PgStore> {
        match &self.engine {
            Engine::Redb(_) => None,
            Engine::Postgres(db) => Some(db),
        }
    }

    /// A transaction holding the claim of one delivery (see [`Store::claim_delivery`]): `None`
    /// when another process holds it.
    pub(crate) fn claim(
        &self,
        webhook: u64,
        alert: &str,
    ) -> Result<Option<Box<dyn StoreWrite + '_>>> {
        match &self.engine {
            Engine::Redb(db) => {
                // Writers take turns on a redb store: a write transaction is the claim.
                let _ = (webhook, alert);
                db.write().map(Some)
            }
            #[cfg(feature = "postgres")]
            Engine::Postgres(db) => db.claim(webhook, alert),
        }
    }

    /// Rewrites the file without the space that earlier transactions freed. Returns whether
    /// anything was reclaimed. Fails, changing nothing, while another handle reads or writes.
    /// A PostgreSQL store reclaims its own space (autovacuum): nothing is done.
    pub fn compact(&mut self) -> Result<bool> {
        match &mut self.engine {
            Engine::Redb(db) => db.compact(),
            #[cfg(feature = "postgres")]
            Engine::Postgres(_) => Ok(false),
        }
    }

    /// Bytes of the file that hold no live data, and the file's total size in bytes (a
    /// PostgreSQL store: `(0, 0)`, its server manages space).
    pub fn space(&self) -> Result<(u64, u64)> {
        match &self.engine {
            Engine::Redb(db) => db.space(),
            #[cfg(feature = "postgres")]
            Engine::Postgres(_) => Ok((0, 0)),
        }
    }

    /// The on-disk format version of the open store (of a PostgreSQL store: its schema version).
    pub fn format_version(&self) -> Result<u32> {
        match &self.engine {
            Engine::Redb(db) => db.format_version(),
            #[cfg(feature = "postgres")]
            Engine::Postgres(db) => db.schema_version(),
        }
    }

    /// The lists in the store, by name.
    pub fn lists(&self) -> Result<Vec<ListInfo>> {
        self.read()?.lists()
    }

    /// One list.
    pub fn list(&self, list: &ListName) -> Result<ListInfo> {
        self.read()?.list(list)?.ok_or_else(|| not_found_list(list))
    }

    /// Every version of a list, retracted ones included, oldest first.
    pub fn versions(&self, list: &ListName) -> Result<Vec<VersionInfo>> {
        let mut txn = self.read()?;
        if txn.list(list)?.is_none() {
            return Err(not_found_list(list));
        }
        txn.versions(list)
    }

    /// The versions of a list that answers rest on: every version but the retracted ones, oldest
    /// first.
    pub fn live_versions(&self, list: &ListName) -> Result<Vec<VersionInfo>> {
        let retracted = self.retractions(list)?;
        let mut versions = self.versions(list)?;
        versions.retain(|v| !retracted.iter().any(|(number, _)| *number == v.version));
        Ok(versions)
    }

    /// The current version of a list: the newest that is not retracted. `None` when every
    /// version is retracted.
    pub fn current(&self, list: &ListName) -> Result<Option<VersionInfo>> {
        Ok(self.live_versions(list)?.pop())
    }

    /// The retracted versions of a list, with why, by whom and when.
    pub fn retractions(&self, list: &ListName) -> Result<Vec<(u32, Retraction)>> {
        self.read()?.retractions(list)
    }

    /// Takes a version out of every answer, keeping it and the retraction in the store: its
    /// content can then be imported again (say, with the right publication date). A retraction
    /// is final.
    pub fn retract(
        &self,
        list: &ListName,
        version: u32,
        retraction: Retraction,
    ) -> Result<VersionInfo> {
        if retraction.reason.trim().is_empty() {
            return Err(Error::Invalid("a retraction needs a reason".to_string()));
        }
        let mut txn = self.write()?;
        let list_info = txn.list(list)?.ok_or_else(|| not_found_list(list))?;
        let info = txn.version(list, version)?.ok_or_else(|| {
            Error::NotFound(format!(
                "list {list} has no version {version} (it has 1 to {})",
                list_info.current
            ))
        })?;
        if let Some((_, existing)) =
            txn.retractions(list)?.into_iter().find(|(number, _)| *number == version)
        {
            return Err(Error::Invalid(format!(
                "{list} version {version} was already retracted by {} at {}: {}",
                existing.by, existing.at, existing.reason
            )));
        }
        txn.put_retraction(list, version, &retraction)?;
        crate::failpoint::hit("retract:before-commit");
        txn.commit()?;
        Ok(info)
    }

    /// One version of a list; `None` means the current one.
    pub fn version(&self, list: &ListName, version: Option<u32>) -> Result<VersionInfo> {
        version_in(&mut *self.read()?, list, version)
    }

    /// The entities of a version, ordered by id.
    pub fn entities(&self, list: &ListName, version: u32) -> Result<Vec<Entity>> {
        let mut txn = self.read()?;
        version_in(&mut *txn, list, Some(version))?;
        let manifest = txn.manifest(list, version)?;
        let hashes: Vec<Hash> = manifest.iter().map(|(_, hash)| *hash).collect();
        txn.entities(&hashes)
    }

    /// An entity as it was in a version (`None`: the current one), with that version. Returns
    /// `None` if the entity was not in that version.
    pub fn entity(
        &self,
        list: &ListName,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<(VersionInfo, Entity)>> {
        let mut txn = self.read()?;
        let info = version_in(&mut *txn, list, version)?;
        let transitions = txn.history(list, id, info.version)?;
        match transitions.last() {
            Some((_, Some(hash))) => {
                let entity = txn.entities(&[*hash])?.pop().ok_or_else(missing_entity)?;
                Ok(Some((info, entity)))
            }
            _ => Ok(None),
        }
    }

    /// The difference between two versions of a list.
    pub fn diff(&self, list: &ListName, from: u32, to: u32) -> Result<VersionDiff> {
        let mut txn = self.read()?;
        let from_info = version_in(&mut *txn, list, Some(from))?;
        let to_info = version_in(&mut *txn, list, Some(to))?;
        let before = txn.manifest(list, from)?;
        let after = txn.manifest(list, to)?;
        let coverage = from_info.coverage.intersect(to_info.coverage);
        let walk = walk_manifests(&before, &after);
        let mut hashes = Vec::with_capacity(walk.differing.len() * 2);
        for (_, old, new) in &walk.differing {
            hashes.push(**old);
            hashes.push(**new);
        }
        let entities = txn.entities(&hashes)?;
        let mut changed = Vec::new();
        for ((id, _, _), pair) in walk.differing.iter().zip(entities.chunks(2)) {
            let fields = compare(&pair[0], &pair[1], coverage);
            if !fields.is_empty() {
                changed.push(ChangedEntity { id: id.to_string(), fields });
            }
        }
        Ok(VersionDiff {
            added: walk.added.into_iter().map(|(id, _)| id.to_string()).collect(),
            removed: walk.removed.into_iter().map(str::to_string).collect(),
            changed,
            not_compared: coverage.uncovered_fields(),
            from: from_info,
            to: to_info,
        })
    }

    /// Every version at which an entity was added, changed, removed or listed again, oldest first.
    /// Retracted versions are left out: the history goes from one live version to the next.
    pub fn history(&self, list: &ListName, id: &str) -> Result<Vec<HistoryStep>> {
        let mut txn = self.read()?;
        let transitions = live_transitions(&mut *txn, list, id)?;
        if transitions.is_empty() {
            return Err(Error::NotFound(format!("{list}:{id} is in no version of {list}")));
        }
        let entities = entities_by_hash(&mut *txn, transitions.iter().filter_map(|(_, h)| *h))?;
        let entity = |hash: &Hash| entities.get(hash).ok_or_else(missing_entity);
        let mut steps = Vec::new();
        let mut previous: Option<(VersionInfo, Option<Hash>)> = None;
        for (info, hash) in transitions {
            let change = match (&previous, hash) {
                (_, None) => HistoryChange::Removed,
                (None, Some(_)) => HistoryChange::Added,
                (Some((_, None)), Some(_)) => HistoryChange::Relisted,
                (Some((before, Some(old))), Some(new)) => {
                    let coverage = before.coverage.intersect(info.coverage);
                    let fields = compare(entity(old)?, entity(&new)?, coverage);
                    if fields.is_empty() {
                        // Only the coverage differs (say, a version without the alias file):
                        // nothing changed that both versions vouch for.
                        previous = Some((info, hash));
                        continue;
                    }
                    HistoryChange::Changed { fields }
                }
            };
            steps.push(HistoryStep { version: info.clone(), change });
            previous = Some((info, hash));
        }
        Ok(steps)
    }

    /// The live versions at which an entity was added, changed or removed, each with the entity
    /// as that version has it (`None` for a removal), oldest first. Empty if no live version ever
    /// had it. Retracted versions are left out.
    pub fn observations(
        &self,
        list: &ListName,
        id: &str,
    ) -> Result<Vec<(VersionInfo, Option<Entity>)>> {
        let mut txn = self.read()?;
        let transitions = live_transitions(&mut *txn, list, id)?;
        let entities = entities_by_hash(&mut *txn, transitions.iter().filter_map(|(_, h)| *h))?;
        let mut observations = Vec::with_capacity(transitions.len());
        for (info, hash) in transitions {
            let entity = match hash {
                Some(hash) => Some(entities.get(&hash).ok_or_else(missing_entity)?.clone()),
                None => None,
            };
            observations.push((info, entity));
        }
        Ok(observations)
    }

    /// Every entity the list has ever had, each as its last version had it, with the first live
    /// version that held it, the version of its last change (added, changed or removed), and
    /// whether the entity is in the current version.
    pub fn entities_ever(&self, list: &ListName) -> Result<Vec<EverEntity>> {
        let live: Vec<u32> = self.live_versions(list)?.iter().map(|v| v.version).collect();
        // The first live version in `from..before`.
        let first_live = |from: u32, before: u32| {
            live.get(live.partition_point(|&v| v < from)).copied().filter(|&v| v < before)
        };
        let mut txn = self.read()?;
        let info = txn.list(list)?.ok_or_else(|| not_found_list(list))?;
        struct Seen {
            last_version: u32,
            current: Option<Hash>,
            content: Option<Hash>,
            present_since: Option<u32>,
            first_live: Option<u32>,
        }
        let mut seen: HashMap<String, Seen> = HashMap::new();
        for (version, records) in txn.changes(list, info.current)? {
            for (id, hash) in records {
                let entry = seen.entry(id).or_insert(Seen {
                    last_version: 0,
                    current: None,
                    content: None,
                    present_since: None,
                    first_live: None,
                });
                entry.last_version = version;
                entry.current = hash;
                match hash {
                    Some(_) => {
                        entry.content = hash;
                        entry.present_since.get_or_insert(version);
                    }
                    None => {
                        if let Some(since) = entry.present_since.take() {
                            entry.first_live = entry.first_live.or(first_live(since, version));
                        }
                    }
                }
            }
        }
        // A removal is recorded at the version that dropped the entity; its content is the one
        // before.
        let kept: Vec<(Hash, Seen)> = seen
            .into_values()
            .filter_map(|mut s| {
                if let Some(since) = s.present_since {
                    s.first_live = s.first_live.or(first_live(since, u32::MAX));
                }
                Some((s.content?, s))
            })
            .collect();
        let hashes: Vec<Hash> = kept.iter().map(|(hash, _)| *hash).collect();
        let mut entities: Vec<EverEntity> = txn
            .entities(&hashes)?
            .into_iter()
            .zip(kept)
            .map(|(entity, (_, s))| EverEntity {
                entity,
                first_version: s.first_live,
                last_version: s.last_version,
                current: s.current.is_some(),
            })
            .collect();
        entities.sort_by(|a, b| compare_source_ids(&a.entity.id, &b.entity.id));
        Ok(entities)
    }

    /// Records a legal event. Events are append-only: a correction is a new event that
    /// supersedes an earlier one of the same entity, and both stay in the audit trail.
    pub fn add_event(&self, event: NewEvent) -> Result<LegalEvent> {
        EntityId::parse(&event.entity).map_err(Error::Invalid)?;
        if event.effective < event.date {
            return Err(Error::Invalid(format!(
                "the event takes effect on {} but is dated {}: the effective date cannot come first",
                event.effective, event.date
            )));
        }
        let mut txn = self.write()?;
        if let Some(superseded) = event.supersedes {
            let Some(old) = txn.event(superseded)? else {
                return Err(Error::NotFound(format!(
                    "there is no event {superseded} to supersede"
                )));
            };
            if old.entity != event.entity {
                return Err(Error::Invalid(format!(
                    "event {superseded} is about {}, not {}",
                    old.entity, event.entity
                )));
            }
        }
        let id = txn.append_event(&event)?;
        crate::failpoint::hit("event:before-commit");
        txn.commit()?;
        Ok(LegalEvent { id, event })
    }

    /// The recorded events, of one entity or of all, in the order recorded; superseded events
    /// included.
    pub fn events(&self, entity: Option<&str>) -> Result<Vec<LegalEvent>> {
        let mut events = self.read()?.events()?;
        events.retain(|e| entity.is_none_or(|entity| entity == e.event.entity));
        Ok(events)
    }

    /// Imports a new version of a list, atomically: it commits whole or not at all.
    ///
    /// Content equal to the current version's creates no version ([`ImportOutcome::Unchanged`]).
    /// The [`Guard`] refuses an import that removes too much, and the store refuses a publication
    /// older than the current version; a refusal changes nothing.
    pub fn import(
        &self,
        new: NewVersion,
        guard: &Guard,
        progress: &mut dyn FnMut(Phase),
    ) -> Result<ImportOutcome> {
        progress(Phase::Hashing);
        let mut encoded: Vec<(String, Hash, Vec<u8>)> = new
            .entities
            .iter()
            .map(|entity| {
                let bytes = encode(entity);
                (entity.id.clone(), hash_bytes(&bytes), bytes)
            })
            .collect();
        encoded.sort_by(|a, b| compare_source_ids(&a.0, &b.0));
        if let Some(pair) = encoded.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(Error::Invalid(format!(
                "entity id {} appears twice in the new version",
                pair[0].0
            )));
        }
        let content_hash = {
            let mut hasher = Sha256::new();
            hasher.update(encode(&new.coverage));
            for (id, hash, _) in &encoded {
                hasher.update(id.as_bytes());
                hasher.update([0]);
                hasher.update(hash);
            }
            hex(&hasher.finalize())
        };

        // The write transaction is taken before reading the current version, so two concurrent
        // imports cannot both diff against the same "current".
        let mut txn = self.write()?;
        let list_info = txn.list(&new.list)?;
        if let Some(info) = &list_info
            && info.format != new.format
        {
            return Err(Error::Invalid(format!(
                "list {} holds {} versions; this publication is {}. Import it under another --list name",
                new.list, info.format, new.format
            )));
        }
        // The last version stored, which the change record is relative to, and the current
        // version, which answers rest on and the new one is compared with: they differ when the
        // last versions were retracted.
        let last_stored = list_info.as_ref().map_or(0, |info| info.current);
        let retracted = txn.retractions(&new.list)?;
        let current = match live_current(last_stored, &retracted) {
            Some(number) => txn.version(&new.list, number)?,
            None => None,
        };
        if encoded.is_empty() {
            return Err(Error::Refused(Refusal::Empty));
        }

        progress(Phase::Comparing);
        let after: Vec<ManifestEntry> =
            encoded.iter().map(|(id, hash, _)| (id.clone(), *hash)).collect();
        // The current version's manifest, read once the guards need it.
        let mut current_manifest: Option<(u32, Vec<ManifestEntry>)> = None;
        let (added, removed, changed) = match &current {
            Some(current) => {
                if current.content_hash == content_hash {
                    return Ok(ImportOutcome::Unchanged(current.clone()));
                }
                if new.published < current.published {
                    return Err(Error::Refused(Refusal::OutOfOrder {
                        published: new.published.to_string(),
                        current: current.published.to_string(),
                    }));
                }
                let before = txn.manifest(&new.list, current.version)?;
                let walk = walk_manifests(&before, &after);
                let n_removed = walk.removed.len() as u64;
                let n_current = before.len() as u64;
                if n_removed as f64 > guard.max_removal_share * n_current as f64 {
                    match guard.allow_removal_of {
                        Some(confirmed) if confirmed == n_removed => {}
                        Some(confirmed) => {
                            return Err(Error::Refused(Refusal::RemovalCountMismatch {
                                confirmed,
                                removed: n_removed,
                                current: n_current,
                            }));
                        }
                        None => {
                            return Err(Error::Refused(Refusal::MassRemoval {
                                removed: n_removed,
                                current: n_current,
                                max_share: guard.max_removal_share,
                            }));
                        }
                    }
                }
                let n_changed = if current.coverage == new.coverage {
                    walk.differing.len() as u64
                } else {
                    // The hashes differ, but perhaps only in fields one version does not cover.
                    let coverage = current.coverage.intersect(new.coverage);
                    let by_hash: HashMap<&Hash, &[u8]> =
                        encoded.iter().map(|(_, h, b)| (h, b.as_slice())).collect();
                    let old_hashes: Vec<Hash> =
                        walk.differing.iter().map(|(_, old, _)| **old).collect();
                    let old_entities = txn.entities(&old_hashes)?;
                    let mut n = 0u64;
                    for ((_, _, new_hash), old_entity) in walk.differing.iter().zip(&old_entities) {
                        // Every hash of the walk's "after" side was encoded above.
                        let bytes = by_hash.get(new_hash).copied().ok_or_else(|| {
                            Error::Invalid("a new entity's encoding went missing".to_string())
                        })?;
                        let new_entity: Entity = decode(bytes)?;
                        if coverage.project(old_entity) != coverage.project(&new_entity) {
                            n += 1;
                        }
                    }
                    n
                };
                let counts = (walk.added.len() as u64, n_removed, n_changed);
                current_manifest = Some((current.version, before));
                counts
            }
            None => (encoded.len() as u64, 0, 0),
        };
        // The change record is relative to the last version stored, retracted or not, so that
        // replaying change records rebuilds every version.
        let before_stored = match current_manifest {
            _ if last_stored == 0 => Vec::new(),
            // Without retracted versions at the end, the last version stored is the current one.
            Some((version, manifest)) if version == last_stored => manifest,
            _ => txn.manifest(&new.list, last_stored)?,
        };
        let walk = walk_manifests(&before_stored, &after);
        let mut changes: Vec<Change> = Vec::new();
        changes.extend(
            walk.added
                .iter()
                .map(|(id, hash)| (id.to_string(), Some(**hash)))
                .chain(walk.differing.iter().map(|(id, _, hash)| (id.to_string(), Some(**hash)))),
        );
        changes.extend(walk.removed.iter().map(|id| (id.to_string(), None)));
        changes.sort_by(|a, b| compare_source_ids(&a.0, &b.0));

        progress(Phase::Writing);
        let number = last_stored + 1;
        {
            let changed_hashes: std::collections::HashSet<&Hash> =
                changes.iter().filter_map(|(_, h)| h.as_ref()).collect();
            let mut seen = std::collections::HashSet::new();
            let new_encodings: Vec<(Hash, &[u8])> = encoded
                .iter()
                .filter(|(_, hash, _)| changed_hashes.contains(hash) && seen.insert(*hash))
                .map(|(_, hash, bytes)| (*hash, bytes.as_slice()))
                .collect();
            txn.put_entities(&new_encodings)?;
        }
        crate::failpoint::hit("import:packs-written");
        let mut info = list_info.unwrap_or(ListInfo {
            name: new.list.clone(),
            format: new.format.clone(),
            current: 0,
            last_snapshot: 0,
            changes_since_snapshot: 0,
        });
        txn.put_changes(&mut info, number, &changes, &after)?;
        crate::failpoint::hit("import:changes-written");
        let version = VersionInfo {
            list: new.list.clone(),
            version: number,
            published: new.published,
            imported_at: new.imported_at,
            format: new.format,
            source: new.source,
            content_hash,
            files: new.files,
            entities: encoded.len() as u64,
            added,
            removed,
            changed,
            coverage: new.coverage,
            remark_items: new.remark_items,
            remark_items_typed: new.remark_items_typed,
            diagnostics: new.diagnostics,
        };
        info.current = number;
        txn.put_version(&info, &version)?;
        crate::failpoint::hit("import:before-commit");
        txn.commit()?;
        crate::failpoint::hit("import:committed");
        Ok(ImportOutcome::Committed(version))
    }

    /// Copies every list, version (retracted ones included, with their retractions), entity and
    /// legal event of this store into `target`, which must hold none of them, keeping version
    /// numbers, import records and event ids. One write transaction: the copy is whole or absent.
    /// Monitoring records (watches, alerts, decisions, webhooks) are not copied.
    pub fn copy_to(&self, target: &Store) -> Result<CopyReport> {
        let mut source = self.read()?;
        let mut txn = target.write()?;
        if !txn.lists()?.is_empty()
            || !txn.events()?.is_empty()
            || !txn.watches()?.is_empty()
            || !txn.alerts()?.is_empty()
            || !txn.webhooks()?.is_empty()
        {
            return Err(Error::Invalid(
                "the target store is not empty: copy into a new store".to_string(),
            ));
        }
        let mut report = CopyReport::default();
        for list in source.lists()? {
            let versions = source.versions(&list.name)?;
            let records = source.changes(&list.name, list.current)?;
            if records.len() != versions.len() {
                return Err(Error::Corrupt(format!(
                    "{} has {} versions but {} change records",
                    list.name,
                    versions.len(),
                    records.len()
                )));
            }
            let mut info = ListInfo {
                name: list.name.clone(),
                format: list.format.clone(),
                current: 0,
                last_snapshot: 0,
                changes_since_snapshot: 0,
            };
            let mut manifest: HashMap<String, Hash> = HashMap::new();
            for (version, (number, changes)) in versions.iter().zip(records) {
                if version.version != number {
                    return Err(Error::Corrupt(format!(
                        "{} version {} has no change record",
                        list.name, version.version
                    )));
                }
                let mut hashes: Vec<Hash> = changes.iter().filter_map(|(_, h)| *h).collect();
                hashes.sort_unstable();
                hashes.dedup();
                let entities = source.entities(&hashes)?;
                let encodings: Vec<Vec<u8>> = entities.iter().map(encode).collect();
                for (hash, bytes) in hashes.iter().zip(&encodings) {
                    if hash_bytes(bytes) != *hash {
                        return Err(Error::Corrupt(format!(
                            "an entity of {} version {number} does not match its hash",
                            list.name
                        )));
                    }
                }
                let pairs: Vec<(Hash, &[u8])> =
                    hashes.iter().copied().zip(encodings.iter().map(Vec::as_slice)).collect();
                txn.put_entities(&pairs)?;
                report.entities += hashes.len() as u64;
                for (id, hash) in &changes {
                    match hash {
                        Some(hash) => manifest.insert(id.clone(), *hash),
                        None => manifest.remove(id),
                    };
                }
                let mut sorted: Vec<ManifestEntry> =
                    manifest.iter().map(|(id, hash)| (id.clone(), *hash)).collect();
                sorted.sort_by(|a, b| compare_source_ids(&a.0, &b.0));
                txn.put_changes(&mut info, number, &changes, &sorted)?;
                info.current = number;
                txn.put_version(&info, version)?;
                report.versions += 1;
            }
            for (number, retraction) in source.retractions(&list.name)? {
                txn.put_retraction(&list.name, number, &retraction)?;
                report.retractions += 1;
            }
            report.lists += 1;
        }
        for event in source.events()? {
            let id = txn.append_event(&event.event)?;
            if id != event.id {
                return Err(Error::Corrupt(format!(
                    "event {} would be copied as event {id}: the source's event ids have a gap",
                    event.id
                )));
            }
            report.events += 1;
        }
        copy_monitoring(&mut *source, &mut *txn, &mut report)?;
        txn.commit()?;
        Ok(report)
    }
}

impl Store {
    /// The differences between what this store and `other` hold: lists, versions (records and
    /// entities), retractions and legal events; empty when they hold the same. At most `limit`
    /// differences are told. This is how a copy is verified.
    pub fn differences(&self, other: &Store, limit: usize) -> Result<Vec<String>> {
        let mut found = Vec::new();
        let mut differ = |what: String| {
            if found.len() < limit {
                found.push(what);
            }
        };
        let summary = |lists: Vec<ListInfo>| -> Vec<(ListName, String, u32)> {
            lists.into_iter().map(|l| (l.name, l.format, l.current)).collect()
        };
        let (mine, theirs) = (summary(self.lists()?), summary(other.lists()?));
        if mine != theirs {
            differ(format!("the lists differ: {mine:?} and {theirs:?}"));
        }
        for (list, _, _) in mine.iter().filter(|l| theirs.contains(l)) {
            let (versions, their_versions) = (self.versions(list)?, other.versions(list)?);
            if versions != their_versions {
                differ(format!("the version records of {list} differ"));
                continue;
            }
            if self.retractions(list)? != other.retractions(list)? {
                differ(format!("the retractions of {list} differ"));
            }
            for version in &versions {
                if self.entities(list, version.version)? != other.entities(list, version.version)? {
                    differ(format!("the entities of {list} version {} differ", version.version));
                }
            }
        }
        if self.events(None)? != other.events(None)? {
            differ("the legal events differ".to_string());
        }
        let watches = self.watches()?;
        if watches != other.watches()? {
            differ("the watches differ".to_string());
        } else {
            for watch in &watches {
                let versions = self.watch_versions(&watch.name)?;
                if versions != other.watch_versions(&watch.name)? {
                    differ(format!("the versions of watch {} differ", watch.name));
                    continue;
                }
                for version in &versions {
                    if self.watch_items(&watch.name, version.version)?
                        != other.watch_items(&watch.name, version.version)?
                    {
                        differ(format!(
                            "the items of watch {} version {} differ",
                            watch.name, version.version
                        ));
                    }
                }
            }
        }
        if self.alerts()? != other.alerts()? {
            differ("the alerts differ".to_string());
        }
        if self.decisions()? != other.decisions()? {
            differ("the decisions differ".to_string());
        }
        let webhooks = self.webhooks()?;
        if webhooks != other.webhooks()? {
            differ("the webhooks differ".to_string());
        } else {
            for hook in &webhooks {
                if self.deliveries(hook.id)? != other.deliveries(hook.id)? {
                    differ(format!("the deliveries to webhook {} differ", hook.id));
                }
            }
        }
        Ok(found)
    }
}

/// Copies the monitoring records (watches and their versions, alerts in order, decisions,
/// webhooks, deliveries) into an empty target, keeping every number.
fn copy_monitoring(
    source: &mut dyn StoreRead,
    txn: &mut dyn StoreWrite,
    report: &mut CopyReport,
) -> Result<()> {
    for watch in source.watches()? {
        txn.put_watch(&watch)?;
        for version in source.watch_versions(&watch.name)? {
            let items = source.watch_items(&watch.name, version.version)?;
            txn.put_watch_version(&version, &items)?;
        }
        report.watches += 1;
    }
    for alert in source.alerts()? {
        txn.append_alert(&alert)?;
        report.alerts += 1;
    }
    let gap = |what: &str, from: u64, to: u64| {
        Error::Corrupt(format!("{what} {from} would be copied as {what} {to}: the ids have a gap"))
    };
    for decision in source.decisions()? {
        let id = txn.append_decision(&decision.decision)?;
        if id != decision.id {
            return Err(gap("decision", decision.id, id));
        }
        report.decisions += 1;
    }
    for hook in source.webhooks()? {
        let id = txn.append_webhook(&hook)?;
        if id != hook.id {
            return Err(gap("webhook", hook.id, id));
        }
        for (alert, delivery) in source.deliveries(hook.id)? {
            txn.put_delivery(hook.id, &alert, &delivery)?;
        }
        report.webhooks += 1;
    }
    Ok(())
}

/// The lead of a task, taken by [`Store::try_lead`]; given up when dropped. Whether it still
/// holds is [`Store::holds_lead`].
pub struct Lease {
    task: String,
    held: Held,
}

/// What holds a lead.
enum Held {
    /// Nothing: a redb store gives the lead to every process on its machine.
    Always,
    /// The PostgreSQL session holding the advisory lock.
    #[cfg(feature = "postgres")]
    Session(Box<crate::postgres::PgLead>),
}

impl Lease {
    /// The task led.
    pub fn task(&self) -> &str {
        &self.task
    }
}

/// What [`Store::copy_to`] copied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Lists copied.
    pub lists: u64,
    /// Versions copied, retracted ones included.
    pub versions: u64,
    /// Entity contents written (a content shared by versions counts once per version that
    /// introduced it).
    pub entities: u64,
    /// Retractions copied.
    pub retractions: u64,
    /// Legal events copied.
    pub events: u64,
    /// Watches copied, with every version.
    pub watches: u64,
    /// Alerts copied.
    pub alerts: u64,
    /// Decisions copied.
    pub decisions: u64,
    /// Webhooks copied, with their deliveries.
    pub webhooks: u64,
}

/// One version of a list in a transaction; `None` means the current one.
fn version_in(
    txn: &mut dyn StoreRead,
    list: &ListName,
    version: Option<u32>,
) -> Result<VersionInfo> {
    let info = txn.list(list)?.ok_or_else(|| not_found_list(list))?;
    let number = match version {
        Some(number) => number,
        None => {
            let retracted = txn.retractions(list)?;
            live_current(info.current, &retracted).ok_or_else(|| {
                Error::NotFound(format!(
                    "every version of {list} is retracted; import a version first"
                ))
            })?
        }
    };
    txn.version(list, number)?.ok_or_else(|| {
        Error::NotFound(format!(
            "list {list} has no version {number} (it has 1 to {})",
            info.current
        ))
    })
}

/// The entities of some hashes, by hash.
fn entities_by_hash(
    txn: &mut dyn StoreRead,
    hashes: impl Iterator<Item = Hash>,
) -> Result<HashMap<Hash, Entity>> {
    let mut hashes: Vec<Hash> = hashes.collect();
    hashes.sort_unstable();
    hashes.dedup();
    let entities = txn.entities(&hashes)?;
    Ok(hashes.into_iter().zip(entities).collect())
}

fn missing_entity() -> Error {
    Error::Corrupt("an entity record is missing".to_string())
}

/// The newest version up to `last` that is not retracted.
fn live_current(last: u32, retracted: &[(u32, Retraction)]) -> Option<u32> {
    (1..=last).rev().find(|number| !retracted.iter().any(|(r, _)| r == number))
}

/// An entity's history over the live versions: each live version where its content (or its
/// presence) differs from the live version before, with that content's hash (`None`: absent).
/// The change records are physical (each relative to the version stored before it, retracted or
/// not), so an entity's state at a live version is the last change record at or before it.
fn live_transitions(
    txn: &mut dyn StoreRead,
    list: &ListName,
    id: &str,
) -> Result<Vec<(VersionInfo, Option<Hash>)>> {
    let info = txn.list(list)?.ok_or_else(|| not_found_list(list))?;
    let physical = txn.history(list, id, u32::MAX)?;
    if physical.is_empty() {
        return Ok(Vec::new());
    }
    let retracted = txn.retractions(list)?;
    let mut read = |number: u32| -> Result<VersionInfo> {
        txn.version(list, number)?
            .ok_or_else(|| Error::Corrupt(format!("history names missing version {list} {number}")))
    };
    if retracted.is_empty() {
        return physical.into_iter().map(|(number, hash)| Ok((read(number)?, hash))).collect();
    }
    let mut transitions = Vec::new();
    let mut physical_state: Option<Hash> = None;
    // The state at the previous live version; `None` before the first one.
    let mut live_state: Option<Option<Hash>> = None;
    let mut next = 0;
    for number in physical[0].0..=info.current {
        while next < physical.len() && physical[next].0 <= number {
            physical_state = physical[next].1;
            next += 1;
        }
        if retracted.iter().any(|(r, _)| *r == number) {
            continue;
        }
        let changed = match live_state {
            None => physical_state.is_some(),
            Some(before) => before != physical_state,
        };
        if changed {
            transitions.push((read(number)?, physical_state));
        }
        live_state = Some(physical_state);
    }
    Ok(transitions)
}

fn not_found_list(list: &ListName) -> Error {
    Error::NotFound(format!(
        "no list named {list} in the store; `listwatch versions` shows the lists"
    ))
}

struct Walk<'a> {
    added: Vec<(&'a str, &'a Hash)>,
    removed: Vec<&'a str>,
    differing: Vec<(&'a str, &'a Hash, &'a Hash)>,
}

/// Merges two sorted manifests into added, removed and differing ids.
fn walk_manifests<'a>(before: &'a [ManifestEntry], after: &'a [ManifestEntry]) -> Walk<'a> {
    let mut walk = Walk { added: Vec::new(), removed: Vec::new(), differing: Vec::new() };
    let (mut i, mut j) = (0, 0);
    while i < before.len() || j < after.len() {
        let order = match (before.get(i), after.get(j)) {
            (Some(b), Some(a)) => compare_source_ids(&b.0, &a.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, _) => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                walk.removed.push(&before[i].0);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                walk.added.push((&after[j].0, &after[j].1));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                if before[i].1 != after[j].1 {
                    walk.differing.push((&before[i].0, &before[i].1, &after[j].1));
                }
                i += 1;
                j += 1;
            }
        }
    }
    walk
}

fn compare(old: &Entity, new: &Entity, coverage: Coverage) -> Vec<listwatch_model::FieldChange> {
    diff_entities(&coverage.project(old), &coverage.project(new))
}
