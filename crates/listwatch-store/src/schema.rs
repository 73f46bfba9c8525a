//! The on-disk layout: tables, the format version, and migrations between format versions.
//!
//! Format 1 tables:
//! - `meta`: `format_version` → u32 little-endian.
//! - `lists`: list name → [`ListInfo`](crate::ListInfo).
//! - `versions`: (list, version) → [`VersionInfo`](crate::VersionInfo).
//! - `changes`: (list, version) → the entities added, changed (with their new hash) and removed
//!   (without a hash) relative to the previous version.
//!   The change records of a list are also its entities' histories: an entity's history is the
//!   change records that name it.
//! - `snapshots`: (list, version) → the full manifest (every id with its hash), stored whenever the
//!   changes since the last snapshot grow large, so reading any version replays a bounded number
//!   of change records. Version 1 needs none: its change record is its manifest.
//! - `blobs`: hash → where the entity's encoding is: (pack, offset, length). Content-addressed: an
//!   entity unchanged between versions is stored once.
//! - `packs`: (pack, chunk) → a piece of a pack. A pack is the encodings of up to about 1 MiB of
//!   entities, concatenated and LZ4-compressed, then cut into chunks that each fill a 64 KiB
//!   allocation of the engine exactly (a value one byte larger would take twice the space).
//! - `meta` also holds `next_pack`, the number of the next pack.
//!
//! Format 2 adds:
//! - `events`: event number → a recorded legal event ([`NewEvent`](listwatch_model::NewEvent)).
//!   Append-only: an event is never changed or deleted; a correction is a new event that names the
//!   one it supersedes.
//!
//! Format 3 adds:
//! - `retractions`: (list, version) → a [`Retraction`](crate::Retraction): the version is taken
//!   out of every answer, and kept with the reason, who retracted it and when. Append-only.
//! - and re-encodes `events` with the event's `known_since` day (none for events recorded before).
//!
//! Format 4 adds continuous monitoring:
//! - `watches`: watch name → [`WatchInfo`](listwatch_model::WatchInfo).
//! - `watch_versions`: (watch, version) → [`WatchVersion`](listwatch_model::WatchVersion). A
//!   watch version is immutable, like a list version.
//! - `watch_items`: (watch, version, chunk) → LZ4-compressed postcard of up to
//!   `WATCH_CHUNK_ITEMS` [`WatchItem`](listwatch_model::WatchItem)s; every version holds all its
//!   items.
//! - `alerts`: alert id → [`Alert`](listwatch_model::Alert). The id is derived from the alert's
//!   cause; an alert whose id is present is never written again, so one cause makes one alert.
//! - `alert_order`: sequence number → alert id, the order alerts were stored in.
//! - `decisions`: decision number → [`NewDecision`](listwatch_model::NewDecision). Append-only:
//!   a correction is a new decision that names the one it supersedes.
//! - `webhooks`: number → [`Webhook`](listwatch_model::Webhook).
//! - `deliveries`: (webhook, alert id) → [`Delivery`](listwatch_model::Delivery): the outbox's
//!   state; an alert without a delivered row is pending for that webhook.
//!
//! Values are postcard encodings of the crate's serde types; dates travel as ISO strings.

use redb::{ReadableDatabase, TableDefinition};

use crate::error::{Error, Result};

pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
pub(crate) const LISTS: TableDefinition<&str, &[u8]> = TableDefinition::new("lists");
pub(crate) const VERSIONS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("versions");
pub(crate) const CHANGES: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("changes");
pub(crate) const SNAPSHOTS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("snapshots");
pub(crate) const BLOBS: TableDefinition<&[u8], (u64, u32, u32)> = TableDefinition::new("blobs");
pub(crate) const PACKS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("packs");
pub(crate) const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");
pub(crate) const RETRACTIONS: TableDefinition<(&str, u32), &[u8]> =
    TableDefinition::new("retractions");
pub(crate) const WATCHES: TableDefinition<&str, &[u8]> = TableDefinition::new("watches");
pub(crate) const WATCH_VERSIONS: TableDefinition<(&str, u32), &[u8]> =
    TableDefinition::new("watch_versions");
pub(crate) const WATCH_ITEMS: TableDefinition<(&str, u32, u32), &[u8]> =
    TableDefinition::new("watch_items");
pub(crate) const ALERTS: TableDefinition<&str, &[u8]> = TableDefinition::new("alerts");
pub(crate) const ALERT_ORDER: TableDefinition<u64, &str> = TableDefinition::new("alert_order");
pub(crate) const DECISIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("decisions");
pub(crate) const WEBHOOKS: TableDefinition<u64, &[u8]> = TableDefinition::new("webhooks");
pub(crate) const DELIVERIES: TableDefinition<(u64, &str), &[u8]> =
    TableDefinition::new("deliveries");

/// The format this build writes.
pub const FORMAT_VERSION: u32 = 4;

const FORMAT_KEY: &str = "format_version";

/// A step from format `from` to `from + 1`, run inside one write transaction.
type Migration = fn(&redb::WriteTransaction) -> Result<()>;

/// `MIGRATIONS[i]` upgrades format `i + 1` to `i + 2`. Each runs in the same transaction as the
/// format number's update, so a migration commits whole or not at all.
const MIGRATIONS: &[Migration] = &[v1_to_v2, v2_to_v3, v3_to_v4];

/// Format 2 adds the `events` table.
fn v1_to_v2(txn: &redb::WriteTransaction) -> Result<()> {
    txn.open_table(EVENTS)?;
    Ok(())
}

/// A legal event as format 2 stored it: without `known_since`.
#[derive(serde::Deserialize)]
struct EventV2 {
    entity: String,
    kind: listwatch_model::EventKind,
    date: listwatch_model::Date,
    effective: listwatch_model::Date,
    citation: String,
    url: Option<String>,
    scope: Vec<String>,
    author: String,
    entered_at: String,
    supersedes: Option<u64>,
    note: Option<String>,
}

/// Format 3 adds the `retractions` table and the events' `known_since`.
fn v2_to_v3(txn: &redb::WriteTransaction) -> Result<()> {
    use redb::ReadableTable;
    txn.open_table(RETRACTIONS)?;
    let mut events = txn.open_table(EVENTS)?;
    let mut rewritten = Vec::new();
    for row in events.iter()? {
        let (key, value) = row?;
        let old: EventV2 = crate::store::decode(value.value())?;
        let event = listwatch_model::NewEvent {
            entity: old.entity,
            kind: old.kind,
            date: old.date,
            effective: old.effective,
            citation: old.citation,
            url: old.url,
            scope: old.scope,
            author: old.author,
            entered_at: old.entered_at,
            supersedes: old.supersedes,
            note: old.note,
            known_since: None,
        };
        rewritten.push((key.value(), crate::store::encode(&event)));
    }
    for (key, bytes) in rewritten {
        events.insert(key, bytes.as_slice())?;
    }
    Ok(())
}

/// Format 4 adds the monitoring tables; nothing older changes.
fn v3_to_v4(txn: &redb::WriteTransaction) -> Result<()> {
    create_monitor_tables(txn)
}

fn create_monitor_tables(txn: &redb::WriteTransaction) -> Result<()> {
    txn.open_table(WATCHES)?;
    txn.open_table(WATCH_VERSIONS)?;
    txn.open_table(WATCH_ITEMS)?;
    txn.open_table(ALERTS)?;
    txn.open_table(ALERT_ORDER)?;
    txn.open_table(DECISIONS)?;
    txn.open_table(WEBHOOKS)?;
    txn.open_table(DELIVERIES)?;
    Ok(())
}

fn read_format(db: &impl ReadableDatabase) -> Result<Option<u32>> {
    let txn = db.begin_read()?;
    let table = match txn.open_table(META) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let Some(value) = table.get(FORMAT_KEY)? else { return Ok(None) };
    let bytes: [u8; 4] = value
        .value()
        .try_into()
        .map_err(|_| Error::Corrupt("the format version is not 4 bytes".to_string()))?;
    Ok(Some(u32::from_le_bytes(bytes)))
}

fn create_tables(txn: &redb::WriteTransaction) -> Result<()> {
    txn.open_table(META)?;
    txn.open_table(LISTS)?;
    txn.open_table(VERSIONS)?;
    txn.open_table(CHANGES)?;
    txn.open_table(SNAPSHOTS)?;
    txn.open_table(BLOBS)?;
    txn.open_table(PACKS)?;
    txn.open_table(EVENTS)?;
    txn.open_table(RETRACTIONS)?;
    create_monitor_tables(txn)?;
    Ok(())
}

/// Brings a freshly opened database to [`FORMAT_VERSION`]: initialises an empty one, migrates an
/// older one, refuses a newer one.
pub(crate) fn prepare(db: &redb::Database) -> Result<u32> {
    let found = read_format(db)?;
    if let Some(found) = found {
        if found > FORMAT_VERSION {
            return Err(Error::FormatTooNew { found, supported: FORMAT_VERSION });
        }
        if found == FORMAT_VERSION {
            return Ok(found);
        }
    }
    let txn = db.begin_write()?;
    let start = match found {
        None => {
            create_tables(&txn)?;
            FORMAT_VERSION
        }
        Some(found) => {
            for migration in &MIGRATIONS[(found - 1) as usize..] {
                migration(&txn)?;
            }
            create_tables(&txn)?;
            FORMAT_VERSION
        }
    };
    txn.open_table(META)?.insert(FORMAT_KEY, FORMAT_VERSION.to_le_bytes().as_slice())?;
    txn.commit()?;
    Ok(start)
}

/// The format of a database, without changing it.
pub(crate) fn format_of(db: &impl ReadableDatabase) -> Result<Option<u32>> {
    read_format(db)
}
