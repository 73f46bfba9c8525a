//! The store itself: opening, importing a version, and the queries over versions.

use std::collections::HashMap;
use std::path::Path;

use redb::{ReadableDatabase, ReadableTable};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use listwatch_model::{
    Coverage, Entity, EntityId, LegalEvent, ListName, NewEvent, compare_source_ids, diff_entities,
};

use crate::blobs::{BlobReader, PackWriter};
use crate::error::{Error, Refusal, Result};
use crate::schema::{self, BLOBS, CHANGES, EVENTS, LISTS, PACKS, RETRACTIONS, SNAPSHOTS, VERSIONS};
use crate::types::{
    ChangedEntity, Guard, Hash, HistoryChange, HistoryStep, ImportOutcome, ListInfo, NewVersion,
    Phase, Retraction, VersionDiff, VersionInfo,
};

/// An id and the hash of the entity's content.
type ManifestEntry = (String, Hash);

/// A change record: the id, and its new hash, or `None` for a removal.
type Change = (String, Option<Hash>);

/// After this many versions without a snapshot, the next version stores one.
const MAX_VERSIONS_BETWEEN_SNAPSHOTS: u32 = 64;

pub(crate) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Encoding into a growable Vec fails only if a Serialize impl reports an error, and the
    // crate's types have derived impls that never do.
    postcard::to_allocvec(value).unwrap_or_default()
}

pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    Ok(postcard::from_bytes(bytes)?)
}

fn hash_bytes(bytes: &[u8]) -> Hash {
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

/// A versioned store of restricted-party lists in one file.
///
/// [`Store::open`] opens it for reading and writing, creating the file if needed;
/// [`Store::open_read_only`] opens an existing store without ever writing to the file, so a
/// read-only file or mount serves every question. Several processes may open the same store:
/// readers see the last committed state, and writers take turns.
pub struct Store {
    db: Db,
}

/// The engine handle: read-write, or read-only (the file is opened without write access).
enum Db {
    ReadWrite(redb::Database),
    ReadOnly(redb::ReadOnlyDatabase),
}

/// Every handle uses the same concurrency mode, so that readers share the file with a writer.
pub(crate) fn builder() -> redb::Builder {
    let mut builder = redb::Builder::new();
    builder.set_concurrency_mode(redb::ConcurrencyMode::MultiWriter);
    builder
}

impl Store {
    /// Opens the store at `path` for reading and writing, migrating an older on-disk format.
    ///
    /// A missing store is created atomically: under a temporary name beside it, linked into place
    /// only once its header and tables are written, so a process killed at any point leaves either
    /// no store or a valid empty one. Temporary files that such a killed creation left behind are
    /// removed ([`crate::create::leftovers`] finds them).
    pub fn open(path: &Path) -> Result<Store> {
        crate::create::create_if_missing(path)?;
        let db = builder().create(path)?;
        schema::prepare(&db)?;
        Ok(Store { db: Db::ReadWrite(db) })
    }

    /// Opens an existing store without writing to its file: a read-only file or mount serves
    /// every query. A store that needs recovery after a crash, or a migration from an older
    /// on-disk format, is refused with [`Error::NeedsWrite`]: open it once with [`Store::open`].
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let db = match builder().open_read_only(path) {
            Ok(db) => db,
            Err(redb::DatabaseError::RepairAborted) => {
                return Err(Error::NeedsWrite(
                    "it was not closed cleanly and must be recovered".to_string(),
                ));
            }
            Err(err) => return Err(err.into()),
        };
        match schema::format_of(&db)? {
            Some(found) if found > schema::FORMAT_VERSION => {
                Err(Error::FormatTooNew { found, supported: schema::FORMAT_VERSION })
            }
            Some(found) if found == schema::FORMAT_VERSION => Ok(Store { db: Db::ReadOnly(db) }),
            Some(found) => Err(Error::NeedsWrite(format!(
                "it has on-disk format {found} and must be migrated to format {}",
                schema::FORMAT_VERSION
            ))),
            None => Err(Error::NeedsWrite("it is empty and must be initialised".to_string())),
        }
    }

    /// Whether this handle may write.
    pub fn is_read_only(&self) -> bool {
        matches!(self.db, Db::ReadOnly(_))
    }

    pub(crate) fn begin_read(&self) -> Result<redb::ReadTransaction> {
        Ok(match &self.db {
            Db::ReadWrite(db) => db.begin_read()?,
            Db::ReadOnly(db) => db.begin_read()?,
        })
    }

    fn writable(&mut self) -> Result<&mut redb::Database> {
        match &mut self.db {
            Db::ReadWrite(db) => Ok(db),
            Db::ReadOnly(_) => Err(Error::ReadOnly),
        }
    }

    pub(crate) fn begin_write(&self) -> Result<redb::WriteTransaction> {
        match &self.db {
            Db::ReadWrite(db) => Ok(db.begin_write()?),
            Db::ReadOnly(_) => Err(Error::ReadOnly),
        }
    }

    /// Rewrites the file without the space that earlier transactions freed. Returns whether
    /// anything was reclaimed. Fails, changing nothing, while another handle reads or writes.
    pub fn compact(&mut self) -> Result<bool> {
        self.writable()?.compact().map_err(|err| Error::Storage(err.to_string()))
    }

    /// Bytes of the file that hold no live data, and the file's total size in bytes.
    pub fn space(&self) -> Result<(u64, u64)> {
        let txn = self.begin_write()?;
        let stats = txn.stats()?;
        txn.abort()?;
        let total = stats.allocated_pages() * stats.page_size() as u64;
        Ok((stats.fragmented_bytes(), total))
    }

    /// The on-disk format version of the open store.
    pub fn format_version(&self) -> Result<u32> {
        let found = match &self.db {
            Db::ReadWrite(db) => schema::format_of(db)?,
            Db::ReadOnly(db) => schema::format_of(db)?,
        };
        Ok(found.unwrap_or(schema::FORMAT_VERSION))
    }

    /// The lists in the store, by name.
    pub fn lists(&self) -> Result<Vec<ListInfo>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(LISTS)?;
        let mut lists = Vec::new();
        for row in table.iter()? {
            let (_, value) = row?;
            lists.push(decode(value.value())?);
        }
        Ok(lists)
    }

    /// One list.
    pub fn list(&self, list: &ListName) -> Result<ListInfo> {
        let txn = self.begin_read()?;
        let table = txn.open_table(LISTS)?;
        read_list(&table, list)?.ok_or_else(|| not_found_list(list))
    }

    /// Every version of a list, retracted ones included, oldest first.
    pub fn versions(&self, list: &ListName) -> Result<Vec<VersionInfo>> {
        let txn = self.begin_read()?;
        if read_list(&txn.open_table(LISTS)?, list)?.is_none() {
            return Err(not_found_list(list));
        }
        let table = txn.open_table(VERSIONS)?;
        let mut versions = Vec::new();
        for row in table.range((list.as_str(), 0)..=(list.as_str(), u32::MAX))? {
            let (_, value) = row?;
            versions.push(decode(value.value())?);
        }
        Ok(versions)
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
        let txn = self.begin_read()?;
        read_retractions(&txn.open_table(RETRACTIONS)?, list)
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
        let txn = self.begin_write()?;
        let info = {
            let list_info =
                read_list(&txn.open_table(LISTS)?, list)?.ok_or_else(|| not_found_list(list))?;
            let info =
                read_version(&txn.open_table(VERSIONS)?, list, version)?.ok_or_else(|| {
                    Error::NotFound(format!(
                        "list {list} has no version {version} (it has 1 to {})",
                        list_info.current
                    ))
                })?;
            let mut table = txn.open_table(RETRACTIONS)?;
            if let Some(existing) = table.get((list.as_str(), version))? {
                let existing: Retraction = decode(existing.value())?;
                return Err(Error::Invalid(format!(
                    "{list} version {version} was already retracted by {} at {}: {}",
                    existing.by, existing.at, existing.reason
                )));
            }
            table.insert((list.as_str(), version), encode(&retraction).as_slice())?;
            info
        };
        crate::failpoint::hit("retract:before-commit");
        txn.commit()?;
        Ok(info)
    }

    /// One version of a list; `None` means the current one.
    pub fn version(&self, list: &ListName, version: Option<u32>) -> Result<VersionInfo> {
        let txn = self.begin_read()?;
        let info = read_list(&txn.open_table(LISTS)?, list)?.ok_or_else(|| not_found_list(list))?;
        let number = match version {
            Some(number) => number,
            None => {
                let retracted = read_retractions(&txn.open_table(RETRACTIONS)?, list)?;
                live_current(info.current, &retracted).ok_or_else(|| {
                    Error::NotFound(format!(
                        "every version of {list} is retracted; import a version first"
                    ))
                })?
            }
        };
        read_version(&txn.open_table(VERSIONS)?, list, number)?.ok_or_else(|| {
            Error::NotFound(format!(
                "list {list} has no version {number} (it has 1 to {})",
                info.current
            ))
        })
    }

    /// The entities of a version, ordered by id.
    pub fn entities(&self, list: &ListName, version: u32) -> Result<Vec<Entity>> {
        let txn = self.begin_read()?;
        self.version(list, Some(version))?;
        let manifest =
            read_manifest(&txn.open_table(SNAPSHOTS)?, &txn.open_table(CHANGES)?, list, version)?;
        let mut blobs = BlobReader::new(txn.open_table(BLOBS)?, txn.open_table(PACKS)?);
        manifest.iter().map(|(_, hash)| blobs.entity(hash)).collect()
    }

    /// An entity as it was in a version (`None`: the current one), with that version. Returns
    /// `None` if the entity was not in that version.
    pub fn entity(
        &self,
        list: &ListName,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<(VersionInfo, Entity)>> {
        let info = self.version(list, version)?;
        let txn = self.begin_read()?;
        let transitions = read_history(&txn.open_table(CHANGES)?, list, id, info.version)?;
        match transitions.last() {
            Some((_, Some(hash))) => {
                let mut blobs = BlobReader::new(txn.open_table(BLOBS)?, txn.open_table(PACKS)?);
                Ok(Some((info, blobs.entity(hash)?)))
            }
            _ => Ok(None),
        }
    }

    /// The difference between two versions of a list.
    pub fn diff(&self, list: &ListName, from: u32, to: u32) -> Result<VersionDiff> {
        let from_info = self.version(list, Some(from))?;
        let to_info = self.version(list, Some(to))?;
        let txn = self.begin_read()?;
        let snapshots = txn.open_table(SNAPSHOTS)?;
        let changes = txn.open_table(CHANGES)?;
        let mut blobs = BlobReader::new(txn.open_table(BLOBS)?, txn.open_table(PACKS)?);
        let before = read_manifest(&snapshots, &changes, list, from)?;
        let after = read_manifest(&snapshots, &changes, list, to)?;
        let coverage = from_info.coverage.intersect(to_info.coverage);
        let walk = walk_manifests(&before, &after);
        let mut changed = Vec::new();
        for (id, old, new) in walk.differing {
            let fields = compare_blobs(&mut blobs, old, new, coverage)?;
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
        let txn = self.begin_read()?;
        let transitions = live_transitions(&txn, list, id)?;
        if transitions.is_empty() {
            return Err(Error::NotFound(format!("{list}:{id} is in no version of {list}")));
        }
        let mut blobs = BlobReader::new(txn.open_table(BLOBS)?, txn.open_table(PACKS)?);
        let mut steps = Vec::new();
        let mut previous: Option<(VersionInfo, Option<Hash>)> = None;
        for (info, hash) in transitions {
            let change = match (&previous, hash) {
                (_, None) => HistoryChange::Removed,
                (None, Some(_)) => HistoryChange::Added,
                (Some((_, None)), Some(_)) => HistoryChange::Relisted,
                (Some((before, Some(old))), Some(new)) => {
                    let coverage = before.coverage.intersect(info.coverage);
                    let fields = compare_blobs(&mut blobs, old, &new, coverage)?;
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
        let txn = self.begin_read()?;
        let transitions = live_transitions(&txn, list, id)?;
        let mut blobs = BlobReader::new(txn.open_table(BLOBS)?, txn.open_table(PACKS)?);
        let mut observations = Vec::with_capacity(transitions.len());
        for (info, hash) in transitions {
            let entity = match hash {
                Some(hash) => Some(blobs.entity(&hash)?),
                None => None,
            };
            observations.push((info, entity));
        }
        Ok(observations)
    }

    /// Every entity the list has ever had, each as its last version had it, with the number of
    /// that version and whether the entity is in the current version.
    pub fn entities_ever(&self, list: &ListName) -> Result<Vec<(Entity, u32, bool)>> {
        let txn = self.begin_read()?;
        let info = read_list(&txn.open_table(LISTS)?, list)?.ok_or_else(|| not_found_list(list))?;
        let name = list.as_str();
        let mut last: HashMap<String, (u32, Option<Hash>, Option<Hash>)> = HashMap::new();
        for row in txn.open_table(CHANGES)?.range((name, 1)..=(name, info.current))? {
            let (key, value) = row?;
            let records: Vec<Change> = decode(value.value())?;
            for (id, hash) in records {
                let entry = last.entry(id).or_insert((0, None, None));
                entry.0 = key.value().1;
                entry.1 = hash;
                if hash.is_some() {
                    entry.2 = hash;
                }
            }
        }
        let mut blobs = BlobReader::new(txn.open_table(BLOBS)?, txn.open_table(PACKS)?);
        let mut entities = Vec::with_capacity(last.len());
        for (_, (version, current, seen)) in last {
            if let Some(hash) = seen {
                // A removal is recorded at the version that dropped the entity; its content is
                // the one before.
                entities.push((blobs.entity(&hash)?, version, current.is_some()));
            }
        }
        entities.sort_by(|a, b| compare_source_ids(&a.0.id, &b.0.id));
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
        let txn = self.begin_write()?;
        let id = {
            let mut events = txn.open_table(EVENTS)?;
            if let Some(superseded) = event.supersedes {
                let Some(value) = events.get(superseded)? else {
                    return Err(Error::NotFound(format!(
                        "there is no event {superseded} to supersede"
                    )));
                };
                let old: NewEvent = decode(value.value())?;
                if old.entity != event.entity {
                    return Err(Error::Invalid(format!(
                        "event {superseded} is about {}, not {}",
                        old.entity, event.entity
                    )));
                }
            }
            let id = events.last()?.map_or(1, |(key, _)| key.value() + 1);
            events.insert(id, encode(&event).as_slice())?;
            id
        };
        crate::failpoint::hit("event:before-commit");
        txn.commit()?;
        Ok(LegalEvent { id, event })
    }

    /// The recorded events, of one entity or of all, in the order recorded; superseded events
    /// included.
    pub fn events(&self, entity: Option<&str>) -> Result<Vec<LegalEvent>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(EVENTS)?;
        let mut events = Vec::new();
        for row in table.iter()? {
            let (key, value) = row?;
            let event: NewEvent = decode(value.value())?;
            if entity.is_none_or(|e| e == event.entity) {
                events.push(LegalEvent { id: key.value(), event });
            }
        }
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
        let txn = self.begin_write()?;
        let name = new.list.as_str();
        let list_info = read_list(&txn.open_table(LISTS)?, &new.list)?;
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
        let retracted = read_retractions(&txn.open_table(RETRACTIONS)?, &new.list)?;
        let current = match live_current(last_stored, &retracted) {
            Some(number) => read_version(&txn.open_table(VERSIONS)?, &new.list, number)?,
            None => None,
        };
        if encoded.is_empty() {
            return Err(Error::Refused(Refusal::Empty));
        }

        progress(Phase::Comparing);
        let after: Vec<ManifestEntry> =
            encoded.iter().map(|(id, hash, _)| (id.clone(), *hash)).collect();
        let (added, removed, changed) = match &current {
            Some(current) => {
                if current.content_hash == content_hash {
                    txn.abort()?;
                    return Ok(ImportOutcome::Unchanged(current.clone()));
                }
                if new.published < current.published {
                    return Err(Error::Refused(Refusal::OutOfOrder {
                        published: new.published.to_string(),
                        current: current.published.to_string(),
                    }));
                }
                let before = read_manifest(
                    &txn.open_table(SNAPSHOTS)?,
                    &txn.open_table(CHANGES)?,
                    &new.list,
                    current.version,
                )?;
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
                    let mut blobs = BlobReader::new(txn.open_table(BLOBS)?, txn.open_table(PACKS)?);
                    let mut n = 0u64;
                    for (_, old, new_hash) in &walk.differing {
                        let old_entity = blobs.entity(old)?;
                        // Every hash of the walk's "after" side was encoded above.
                        let bytes = by_hash.get(new_hash).copied().ok_or_else(|| {
                            Error::Invalid("a new entity's encoding went missing".to_string())
                        })?;
                        let new_entity: Entity = decode(bytes)?;
                        if coverage.project(&old_entity) != coverage.project(&new_entity) {
                            n += 1;
                        }
                    }
                    n
                };
                (walk.added.len() as u64, n_removed, n_changed)
            }
            None => (encoded.len() as u64, 0, 0),
        };
        // The change record is relative to the last version stored, retracted or not, so that
        // replaying change records rebuilds every version.
        let before_stored = if last_stored == 0 {
            Vec::new()
        } else {
            read_manifest(
                &txn.open_table(SNAPSHOTS)?,
                &txn.open_table(CHANGES)?,
                &new.list,
                last_stored,
            )?
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
            let mut packs = PackWriter::new(&txn)?;
            for (_, hash, bytes) in &encoded {
                if changed_hashes.contains(hash) {
                    packs.add(hash, bytes)?;
                }
            }
            packs.finish()?;
        }
        crate::failpoint::hit("import:packs-written");
        let mut info = list_info.unwrap_or(ListInfo {
            name: new.list.clone(),
            format: new.format.clone(),
            current: 0,
            last_snapshot: 0,
            changes_since_snapshot: 0,
        });
        // Version 1's change record lists every entity, so it serves as the first snapshot. Later,
        // a snapshot is stored once replaying the change records since the last one would read
        // more than half a snapshot's worth of records, or after many versions.
        let snapshot_due = if number == 1 {
            false
        } else {
            info.changes_since_snapshot += changes.len() as u64;
            number - info.last_snapshot.max(1) >= MAX_VERSIONS_BETWEEN_SNAPSHOTS
                || info.changes_since_snapshot * 2 > encoded.len() as u64
        };
        txn.open_table(CHANGES)?.insert((name, number), encode(&changes).as_slice())?;
        crate::failpoint::hit("import:changes-written");
        if snapshot_due {
            let manifest: Vec<ManifestEntry> =
                encoded.iter().map(|(id, hash, _)| (id.clone(), *hash)).collect();
            txn.open_table(SNAPSHOTS)?.insert((name, number), encode(&manifest).as_slice())?;
            info.last_snapshot = number;
            info.changes_since_snapshot = 0;
        }
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
        txn.open_table(VERSIONS)?.insert((name, number), encode(&version).as_slice())?;
        info.current = number;
        txn.open_table(LISTS)?.insert(name, encode(&info).as_slice())?;
        crate::failpoint::hit("import:before-commit");
        txn.commit()?;
        crate::failpoint::hit("import:committed");
        Ok(ImportOutcome::Committed(version))
    }
}

/// The newest version up to `last` that is not retracted.
fn live_current(last: u32, retracted: &[(u32, Retraction)]) -> Option<u32> {
    (1..=last).rev().find(|number| !retracted.iter().any(|(r, _)| r == number))
}

fn read_retractions(
    table: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    list: &ListName,
) -> Result<Vec<(u32, Retraction)>> {
    let mut retractions = Vec::new();
    for row in table.range((list.as_str(), 0)..=(list.as_str(), u32::MAX))? {
        let (key, value) = row?;
        retractions.push((key.value().1, decode(value.value())?));
    }
    Ok(retractions)
}

/// An entity's history over the live versions: each live version where its content (or its
/// presence) differs from the live version before, with that content's hash (`None`: absent).
/// The change records are physical (each relative to the version stored before it, retracted or
/// not), so an entity's state at a live version is the last change record at or before it.
fn live_transitions(
    txn: &redb::ReadTransaction,
    list: &ListName,
    id: &str,
) -> Result<Vec<(VersionInfo, Option<Hash>)>> {
    let info = read_list(&txn.open_table(LISTS)?, list)?.ok_or_else(|| not_found_list(list))?;
    let physical = read_history(&txn.open_table(CHANGES)?, list, id, u32::MAX)?;
    if physical.is_empty() {
        return Ok(Vec::new());
    }
    let retracted = read_retractions(&txn.open_table(RETRACTIONS)?, list)?;
    let versions = txn.open_table(VERSIONS)?;
    let read = |number: u32| -> Result<VersionInfo> {
        read_version(&versions, list, number)?
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

fn read_list(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    list: &ListName,
) -> Result<Option<ListInfo>> {
    match table.get(list.as_str())? {
        Some(value) => Ok(Some(decode(value.value())?)),
        None => Ok(None),
    }
}

fn read_version(
    table: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    list: &ListName,
    version: u32,
) -> Result<Option<VersionInfo>> {
    match table.get((list.as_str(), version))? {
        Some(value) => Ok(Some(decode(value.value())?)),
        None => Ok(None),
    }
}

/// The (version, hash or removal) records that name an entity, up to a version: its history,
/// read from the change records.
fn read_history(
    changes: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    list: &ListName,
    id: &str,
    up_to: u32,
) -> Result<Vec<(u32, Option<Hash>)>> {
    let name = list.as_str();
    let mut transitions = Vec::new();
    for row in changes.range((name, 1)..=(name, up_to))? {
        let (key, value) = row?;
        let records: Vec<Change> = decode(value.value())?;
        if let Ok(idx) = records.binary_search_by(|(x, _)| compare_source_ids(x, id)) {
            transitions.push((key.value().1, records[idx].1));
        }
    }
    Ok(transitions)
}

/// The manifest of a version: the nearest snapshot at or before it, with the later change records
/// replayed.
fn read_manifest(
    snapshots: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    changes: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    list: &ListName,
    version: u32,
) -> Result<Vec<ManifestEntry>> {
    let name = list.as_str();
    let (base, snapshot) = match snapshots.range((name, 0)..=(name, version))?.next_back() {
        Some(row) => {
            let (key, value) = row?;
            let manifest: Vec<ManifestEntry> = decode(value.value())?;
            (key.value().1, manifest)
        }
        // No snapshot yet: replay from version 1, whose change record lists every entity.
        None => (0, Vec::new()),
    };
    if base == version {
        return Ok(snapshot);
    }
    let mut current: HashMap<String, Hash> = snapshot.into_iter().collect();
    for row in changes.range((name, base + 1)..=(name, version))? {
        let (_, value) = row?;
        let records: Vec<Change> = decode(value.value())?;
        for (id, hash) in records {
            match hash {
                Some(hash) => current.insert(id, hash),
                None => current.remove(&id),
            };
        }
    }
    let mut manifest: Vec<ManifestEntry> = current.into_iter().collect();
    manifest.sort_by(|a, b| compare_source_ids(&a.0, &b.0));
    Ok(manifest)
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

fn compare_blobs<B, P>(
    blobs: &mut BlobReader<B, P>,
    old: &Hash,
    new: &Hash,
    coverage: Coverage,
) -> Result<Vec<listwatch_model::FieldChange>>
where
    B: ReadableTable<&'static [u8], (u64, u32, u32)>,
    P: ReadableTable<(u64, u32), &'static [u8]>,
{
    let old_entity = blobs.entity(old)?;
    let new_entity = blobs.entity(new)?;
    Ok(diff_entities(&coverage.project(&old_entity), &coverage.project(&new_entity)))
}
