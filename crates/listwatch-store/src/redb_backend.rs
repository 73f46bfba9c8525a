//! The embedded engine: one redb file (format and migrations in `schema.rs`).

use std::collections::HashMap;
use std::path::Path;

use redb::{ReadableDatabase, ReadableTable};

use listwatch_model::{
    Alert, Decision, Delivery, Entity, LegalEvent, ListName, NewDecision, NewEvent, WatchInfo,
    WatchItem, WatchVersion, Webhook, compare_source_ids,
};

use crate::backend::{Change, ManifestEntry, MonitorRead, MonitorWrite, StoreRead, StoreWrite};
use crate::blobs::{BlobReader, PackWriter};
use crate::error::{Error, Result};
use crate::schema::{
    self, ALERT_ORDER, ALERTS, BLOBS, CHANGES, DECISIONS, DELIVERIES, EVENTS, LISTS, PACKS,
    RETRACTIONS, SNAPSHOTS, VERSIONS, WATCH_ITEMS, WATCH_VERSIONS, WATCHES, WEBHOOKS,
};
use crate::store::{decode, encode};
use crate::types::{Hash, ListInfo, Retraction, VersionInfo};
use crate::watch::{decode_items, encode_items};

/// After this many versions without a snapshot, the next version stores one.
const MAX_VERSIONS_BETWEEN_SNAPSHOTS: u32 = 64;

/// The engine handle: read-write, or read-only (the file is opened without write access).
pub(crate) enum RedbStore {
    ReadWrite(redb::Database),
    ReadOnly(redb::ReadOnlyDatabase),
}

/// Every handle uses the same concurrency mode, so that readers share the file with a writer.
pub(crate) fn builder() -> redb::Builder {
    let mut builder = redb::Builder::new();
    builder.set_concurrency_mode(redb::ConcurrencyMode::MultiWriter);
    builder
}

impl RedbStore {
    pub(crate) fn open(path: &Path) -> Result<RedbStore> {
        crate::create::create_if_missing(path)?;
        let db = builder().create(path)?;
        schema::prepare(&db)?;
        Ok(RedbStore::ReadWrite(db))
    }

    pub(crate) fn open_read_only(path: &Path) -> Result<RedbStore> {
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
            Some(found) if found == schema::FORMAT_VERSION => Ok(RedbStore::ReadOnly(db)),
            Some(found) => Err(Error::NeedsWrite(format!(
                "it has on-disk format {found} and must be migrated to format {}",
                schema::FORMAT_VERSION
            ))),
            None => Err(Error::NeedsWrite("it is empty and must be initialised".to_string())),
        }
    }

    pub(crate) fn is_read_only(&self) -> bool {
        matches!(self, RedbStore::ReadOnly(_))
    }

    pub(crate) fn begin_read(&self) -> Result<redb::ReadTransaction> {
        Ok(match self {
            RedbStore::ReadWrite(db) => db.begin_read()?,
            RedbStore::ReadOnly(db) => db.begin_read()?,
        })
    }

    pub(crate) fn begin_write(&self) -> Result<redb::WriteTransaction> {
        match self {
            RedbStore::ReadWrite(db) => Ok(db.begin_write()?),
            RedbStore::ReadOnly(_) => Err(Error::ReadOnly),
        }
    }

    pub(crate) fn compact(&mut self) -> Result<bool> {
        match self {
            RedbStore::ReadWrite(db) => db.compact().map_err(|err| Error::Storage(err.to_string())),
            RedbStore::ReadOnly(_) => Err(Error::ReadOnly),
        }
    }

    pub(crate) fn space(&self) -> Result<(u64, u64)> {
        let txn = self.begin_write()?;
        let stats = txn.stats()?;
        txn.abort()?;
        let total = stats.allocated_pages() * stats.page_size() as u64;
        Ok((stats.fragmented_bytes(), total))
    }

    pub(crate) fn format_version(&self) -> Result<u32> {
        let found = match self {
            RedbStore::ReadWrite(db) => schema::format_of(db)?,
            RedbStore::ReadOnly(db) => schema::format_of(db)?,
        };
        Ok(found.unwrap_or(schema::FORMAT_VERSION))
    }

    pub(crate) fn read(&self) -> Result<Box<dyn StoreRead + '_>> {
        Ok(Box::new(RedbRead(self.begin_read()?)))
    }

    pub(crate) fn write(&self) -> Result<Box<dyn StoreWrite + '_>> {
        Ok(Box::new(RedbWrite(self.begin_write()?)))
    }
}

/// A redb read transaction.
struct RedbRead(redb::ReadTransaction);

/// A redb write transaction.
struct RedbWrite(redb::WriteTransaction);

/// The reads are the same on both kinds of transaction: their tables share `ReadableTable`.
macro_rules! redb_reads {
    ($txn:ty) => {
        impl StoreRead for $txn {
            fn lists(&mut self) -> Result<Vec<ListInfo>> {
                let table = self.0.open_table(LISTS)?;
                let mut lists = Vec::new();
                for row in table.iter()? {
                    let (_, value) = row?;
                    lists.push(decode(value.value())?);
                }
                Ok(lists)
            }

            fn list(&mut self, list: &ListName) -> Result<Option<ListInfo>> {
                read_list(&self.0.open_table(LISTS)?, list)
            }

            fn versions(&mut self, list: &ListName) -> Result<Vec<VersionInfo>> {
                let table = self.0.open_table(VERSIONS)?;
                let mut versions = Vec::new();
                for row in table.range((list.as_str(), 0)..=(list.as_str(), u32::MAX))? {
                    let (_, value) = row?;
                    versions.push(decode(value.value())?);
                }
                Ok(versions)
            }

            fn version(&mut self, list: &ListName, version: u32) -> Result<Option<VersionInfo>> {
                read_version(&self.0.open_table(VERSIONS)?, list, version)
            }

            fn retractions(&mut self, list: &ListName) -> Result<Vec<(u32, Retraction)>> {
                read_retractions(&self.0.open_table(RETRACTIONS)?, list)
            }

            fn manifest(&mut self, list: &ListName, version: u32) -> Result<Vec<ManifestEntry>> {
                read_manifest(
                    &self.0.open_table(SNAPSHOTS)?,
                    &self.0.open_table(CHANGES)?,
                    list,
                    version,
                )
            }

            fn history(
                &mut self,
                list: &ListName,
                id: &str,
                up_to: u32,
            ) -> Result<Vec<(u32, Option<Hash>)>> {
                read_history(&self.0.open_table(CHANGES)?, list, id, up_to)
            }

            fn changes(&mut self, list: &ListName, up_to: u32) -> Result<Vec<(u32, Vec<Change>)>> {
                let name = list.as_str();
                let mut records = Vec::new();
                for row in self.0.open_table(CHANGES)?.range((name, 1)..=(name, up_to))? {
                    let (key, value) = row?;
                    records.push((key.value().1, decode(value.value())?));
                }
                Ok(records)
            }

            fn entities(&mut self, hashes: &[Hash]) -> Result<Vec<Entity>> {
                let mut blobs =
                    BlobReader::new(self.0.open_table(BLOBS)?, self.0.open_table(PACKS)?);
                hashes.iter().map(|hash| blobs.entity(hash)).collect()
            }

            fn events(&mut self) -> Result<Vec<LegalEvent>> {
                let table = self.0.open_table(EVENTS)?;
                let mut events = Vec::new();
                for row in table.iter()? {
                    let (key, value) = row?;
                    events.push(LegalEvent { id: key.value(), event: decode(value.value())? });
                }
                Ok(events)
            }

            fn event(&mut self, id: u64) -> Result<Option<NewEvent>> {
                match self.0.open_table(EVENTS)?.get(id)? {
                    Some(value) => Ok(Some(decode(value.value())?)),
                    None => Ok(None),
                }
            }
        }
    };
}

redb_reads!(RedbRead);
redb_reads!(RedbWrite);

/// The monitoring reads (format 4), the same on both kinds of transaction.
macro_rules! redb_monitor_reads {
    ($txn:ty) => {
        impl MonitorRead for $txn {
            fn watches(&mut self) -> Result<Vec<WatchInfo>> {
                let table = self.0.open_table(WATCHES)?;
                let mut watches = Vec::new();
                for row in table.iter()? {
                    watches.push(decode(row?.1.value())?);
                }
                Ok(watches)
            }

            fn watch(&mut self, name: &str) -> Result<Option<WatchInfo>> {
                let table = self.0.open_table(WATCHES)?;
                let value = table.get(name)?;
                value.map(|value| decode(value.value())).transpose()
            }

            fn watch_versions(&mut self, name: &str) -> Result<Vec<WatchVersion>> {
                let table = self.0.open_table(WATCH_VERSIONS)?;
                let mut versions = Vec::new();
                for row in table.range((name, 0)..=(name, u32::MAX))? {
                    versions.push(decode(row?.1.value())?);
                }
                Ok(versions)
            }

            fn watch_version(&mut self, name: &str, version: u32) -> Result<Option<WatchVersion>> {
                let table = self.0.open_table(WATCH_VERSIONS)?;
                let value = table.get((name, version))?;
                value.map(|value| decode(value.value())).transpose()
            }

            fn watch_items(&mut self, name: &str, version: u32) -> Result<Vec<WatchItem>> {
                let table = self.0.open_table(WATCH_ITEMS)?;
                let mut items = Vec::new();
                for row in table.range((name, version, 0)..=(name, version, u32::MAX))? {
                    items.extend(decode_items(name, version, row?.1.value())?);
                }
                Ok(items)
            }

            fn alerts(&mut self) -> Result<Vec<Alert>> {
                let table = self.0.open_table(ALERTS)?;
                let order = self.0.open_table(ALERT_ORDER)?;
                let mut alerts = Vec::new();
                for row in order.iter()? {
                    let (_, id) = row?;
                    let value = table.get(id.value())?.ok_or_else(|| {
                        Error::Corrupt(format!("alert {} is missing", id.value()))
                    })?;
                    alerts.push(decode(value.value())?);
                }
                Ok(alerts)
            }

            fn alert(&mut self, id: &str) -> Result<Option<Alert>> {
                let table = self.0.open_table(ALERTS)?;
                let value = table.get(id)?;
                value.map(|value| decode(value.value())).transpose()
            }

            fn decisions(&mut self) -> Result<Vec<Decision>> {
                let table = self.0.open_table(DECISIONS)?;
                let mut decisions = Vec::new();
                for row in table.iter()? {
                    let (key, value) = row?;
                    decisions.push(Decision { id: key.value(), decision: decode(value.value())? });
                }
                Ok(decisions)
            }

            fn decision(&mut self, id: u64) -> Result<Option<NewDecision>> {
                let table = self.0.open_table(DECISIONS)?;
                let value = table.get(id)?;
                value.map(|value| decode(value.value())).transpose()
            }

            fn webhooks(&mut self) -> Result<Vec<Webhook>> {
                let table = self.0.open_table(WEBHOOKS)?;
                let mut hooks = Vec::new();
                for row in table.iter()? {
                    hooks.push(decode(row?.1.value())?);
                }
                Ok(hooks)
            }

            fn deliveries(&mut self, webhook: u64) -> Result<Vec<(String, Delivery)>> {
                let table = self.0.open_table(DELIVERIES)?;
                let mut rows = Vec::new();
                let end = webhook.checked_add(1).map(|next| (next, ""));
                let rows_of = match end {
                    Some(end) => table.range((webhook, "")..end)?,
                    None => table.range((webhook, "")..)?,
                };
                for row in rows_of {
                    let (key, value) = row?;
                    rows.push((key.value().1.to_string(), decode(value.value())?));
                }
                Ok(rows)
            }

            fn delivery(&mut self, webhook: u64, alert: &str) -> Result<Option<Delivery>> {
                let table = self.0.open_table(DELIVERIES)?;
                let value = table.get((webhook, alert))?;
                value.map(|value| decode(value.value())).transpose()
            }
        }
    };
}

redb_monitor_reads!(RedbRead);
redb_monitor_reads!(RedbWrite);

impl MonitorWrite for RedbWrite {
    fn put_watch(&mut self, info: &WatchInfo) -> Result<()> {
        self.0.open_table(WATCHES)?.insert(info.name.as_str(), encode(info).as_slice())?;
        Ok(())
    }

    fn put_watch_version(&mut self, version: &WatchVersion, items: &[WatchItem]) -> Result<()> {
        let name = version.watch.as_str();
        let mut chunks = self.0.open_table(WATCH_ITEMS)?;
        for (idx, chunk) in encode_items(items).iter().enumerate() {
            chunks.insert((name, version.version, idx as u32), chunk.as_slice())?;
        }
        self.0
            .open_table(WATCH_VERSIONS)?
            .insert((name, version.version), encode(version).as_slice())?;
        Ok(())
    }

    fn append_alert(&mut self, alert: &Alert) -> Result<()> {
        let mut order = self.0.open_table(ALERT_ORDER)?;
        let next = order.last()?.map_or(1, |(key, _)| key.value() + 1);
        order.insert(next, alert.id.as_str())?;
        self.0.open_table(ALERTS)?.insert(alert.id.as_str(), encode(alert).as_slice())?;
        Ok(())
    }

    fn append_decision(&mut self, decision: &NewDecision) -> Result<u64> {
        let mut table = self.0.open_table(DECISIONS)?;
        let id = table.last()?.map_or(1, |(key, _)| key.value() + 1);
        table.insert(id, encode(decision).as_slice())?;
        Ok(id)
    }

    fn append_webhook(&mut self, webhook: &Webhook) -> Result<u64> {
        let mut table = self.0.open_table(WEBHOOKS)?;
        let id = table.last()?.map_or(1, |(key, _)| key.value() + 1);
        let webhook = Webhook { id, ..webhook.clone() };
        table.insert(id, encode(&webhook).as_slice())?;
        Ok(id)
    }

    fn put_delivery(&mut self, webhook: u64, alert: &str, delivery: &Delivery) -> Result<()> {
        self.0.open_table(DELIVERIES)?.insert((webhook, alert), encode(delivery).as_slice())?;
        Ok(())
    }
}

impl StoreWrite for RedbWrite {
    fn put_entities(&mut self, encodings: &[(Hash, &[u8])]) -> Result<()> {
        let mut packs = PackWriter::new(&self.0)?;
        for (hash, bytes) in encodings {
            packs.add(hash, bytes)?;
        }
        packs.finish()
    }

    fn put_changes(
        &mut self,
        list: &mut ListInfo,
        version: u32,
        changes: &[Change],
        manifest: &[ManifestEntry],
    ) -> Result<()> {
        let name = list.name.as_str().to_string();
        // Version 1's change record lists every entity, so it serves as the first snapshot. Later,
        // a snapshot is stored once replaying the change records since the last one would read
        // more than half a snapshot's worth of records, or after many versions.
        let snapshot_due = if version == 1 {
            false
        } else {
            list.changes_since_snapshot += changes.len() as u64;
            version - list.last_snapshot.max(1) >= MAX_VERSIONS_BETWEEN_SNAPSHOTS
                || list.changes_since_snapshot * 2 > manifest.len() as u64
        };
        self.0
            .open_table(CHANGES)?
            .insert((name.as_str(), version), encode(&changes).as_slice())?;
        if snapshot_due {
            self.0
                .open_table(SNAPSHOTS)?
                .insert((name.as_str(), version), encode(&manifest).as_slice())?;
            list.last_snapshot = version;
            list.changes_since_snapshot = 0;
        }
        Ok(())
    }

    fn put_version(&mut self, list: &ListInfo, version: &VersionInfo) -> Result<()> {
        let name = list.name.as_str();
        self.0.open_table(VERSIONS)?.insert((name, version.version), encode(version).as_slice())?;
        self.0.open_table(LISTS)?.insert(name, encode(list).as_slice())?;
        Ok(())
    }

    fn put_retraction(
        &mut self,
        list: &ListName,
        version: u32,
        retraction: &Retraction,
    ) -> Result<()> {
        self.0
            .open_table(RETRACTIONS)?
            .insert((list.as_str(), version), encode(retraction).as_slice())?;
        Ok(())
    }

    fn append_event(&mut self, event: &NewEvent) -> Result<u64> {
        let mut events = self.0.open_table(EVENTS)?;
        let id = events.last()?.map_or(1, |(key, _)| key.value() + 1);
        events.insert(id, encode(event).as_slice())?;
        Ok(id)
    }

    fn commit(self: Box<Self>) -> Result<()> {
        self.0.commit()?;
        Ok(())
    }
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
