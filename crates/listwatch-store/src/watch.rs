//! Continuous monitoring in the store: watches and their versions, the alert outbox, review
//! decisions, webhooks and deliveries (format 4).

use redb::ReadableTable;

use listwatch_model::{
    Alert, Decision, Delivery, NewDecision, WatchInfo, WatchItem, WatchKind, WatchVersion, Webhook,
};

use crate::error::{Error, Result};
use crate::schema::{
    ALERT_ORDER, ALERTS, DECISIONS, DELIVERIES, WATCH_ITEMS, WATCH_VERSIONS, WATCHES, WEBHOOKS,
};
use crate::store::{Store, decode, encode};

/// Items per stored chunk of a watch version: a chunk is compressed and decoded as one.
const WATCH_CHUNK_ITEMS: usize = 16_384;

/// A watch version to store.
#[derive(Clone, Debug)]
pub struct NewWatchVersion {
    /// The watch's name.
    pub watch: String,
    /// What it holds; must equal the kind of its earlier versions.
    pub kind: WatchKind,
    /// The file, as given.
    pub source: String,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// When, RFC 3339 in UTC.
    pub stored_at: String,
    /// The items, ids unique.
    pub items: Vec<WatchItem>,
}

fn not_found_watch(name: &str) -> Error {
    Error::NotFound(format!("no watch named {name}; `listwatch watch list` shows the watches"))
}

fn read_items(
    table: &impl ReadableTable<(&'static str, u32, u32), &'static [u8]>,
    watch: &str,
    version: u32,
) -> Result<Vec<WatchItem>> {
    let mut items = Vec::new();
    for row in table.range((watch, version, 0)..=(watch, version, u32::MAX))? {
        let (_, value) = row?;
        let bytes = lz4_flex::decompress_size_prepended(value.value())
            .map_err(|err| Error::Corrupt(format!("watch {watch} version {version}: {err}")))?;
        let chunk: Vec<WatchItem> = decode(&bytes)?;
        items.extend(chunk);
    }
    Ok(items)
}

impl Store {
    /// Stores a new version of a watch, creating the watch at version 1. Returns the version and
    /// the items of the previous version (empty for a new watch), so the caller can screen the
    /// difference. A version with the same file checksum as the current one stores nothing and
    /// returns `None`.
    pub fn put_watch_version(
        &self,
        new: NewWatchVersion,
    ) -> Result<Option<(WatchVersion, Vec<WatchItem>)>> {
        if new.watch.trim().is_empty()
            || new.watch.len() > 64
            || !new.watch.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(Error::Invalid(format!(
                "watch name {:?}: use 1 to 64 letters, digits, '-', '_' or '.'",
                new.watch
            )));
        }
        let mut ids: Vec<&str> = new.items.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|p| p[0] == p[1]) {
            return Err(Error::Invalid(format!("item id {} appears twice in the watch", pair[0])));
        }
        let txn = self.begin_write()?;
        let result = {
            let mut watches = txn.open_table(WATCHES)?;
            let existing: Option<WatchInfo> = match watches.get(new.watch.as_str())? {
                Some(value) => Some(decode(value.value())?),
                None => None,
            };
            let mut versions = txn.open_table(WATCH_VERSIONS)?;
            let mut chunks = txn.open_table(WATCH_ITEMS)?;
            let (info, previous) = match existing {
                Some(info) => {
                    if info.kind != new.kind {
                        return Err(Error::Invalid(format!(
                            "watch {} holds {}, not {}",
                            info.name,
                            info.kind.as_str(),
                            new.kind.as_str()
                        )));
                    }
                    if info.removed_at.is_some() {
                        return Err(Error::Invalid(format!(
                            "watch {} was removed; add it under another name",
                            info.name
                        )));
                    }
                    let current: WatchVersion = decode(
                        versions
                            .get((new.watch.as_str(), info.current))?
                            .ok_or_else(|| Error::Corrupt("a watch version is missing".into()))?
                            .value(),
                    )?;
                    if current.sha256 == new.sha256 {
                        return Ok(None);
                    }
                    let items = read_items(&chunks, &new.watch, info.current)?;
                    (info, items)
                }
                None => (
                    WatchInfo {
                        name: new.watch.clone(),
                        kind: new.kind,
                        current: 0,
                        removed_at: None,
                    },
                    Vec::new(),
                ),
            };
            let before: std::collections::HashMap<&str, &WatchItem> =
                previous.iter().map(|i| (i.id.as_str(), i)).collect();
            let mut added = 0;
            let mut changed = 0;
            for item in &new.items {
                match before.get(item.id.as_str()) {
                    None => added += 1,
                    Some(old) if *old != item => changed += 1,
                    Some(_) => {}
                }
            }
            let removed = (previous.len() + added) as u64 - new.items.len() as u64;
            let number = info.current + 1;
            let version = WatchVersion {
                watch: new.watch.clone(),
                version: number,
                source: new.source,
                sha256: new.sha256,
                stored_at: new.stored_at,
                items: new.items.len() as u64,
                added: added as u64,
                removed,
                changed: changed as u64,
            };
            for (idx, chunk) in new.items.chunks(WATCH_CHUNK_ITEMS).enumerate() {
                let bytes = lz4_flex::compress_prepend_size(&encode(&chunk.to_vec()));
                chunks.insert((new.watch.as_str(), number, idx as u32), bytes.as_slice())?;
            }
            versions.insert((new.watch.as_str(), number), encode(&version).as_slice())?;
            let info = WatchInfo { current: number, ..info };
            watches.insert(new.watch.as_str(), encode(&info).as_slice())?;
            (version, previous)
        };
        txn.commit()?;
        Ok(Some(result))
    }

    /// Every watch, removed ones included, by name.
    pub fn watches(&self) -> Result<Vec<WatchInfo>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(WATCHES)?;
        let mut watches = Vec::new();
        for row in table.iter()? {
            watches.push(decode(row?.1.value())?);
        }
        Ok(watches)
    }

    /// One watch.
    pub fn watch(&self, name: &str) -> Result<WatchInfo> {
        let txn = self.begin_read()?;
        let table = txn.open_table(WATCHES)?;
        let value = table.get(name)?.ok_or_else(|| not_found_watch(name))?;
        decode(value.value())
    }

    /// The versions of a watch, oldest first.
    pub fn watch_versions(&self, name: &str) -> Result<Vec<WatchVersion>> {
        self.watch(name)?;
        let txn = self.begin_read()?;
        let table = txn.open_table(WATCH_VERSIONS)?;
        let mut versions = Vec::new();
        for row in table.range((name, 0)..=(name, u32::MAX))? {
            versions.push(decode(row?.1.value())?);
        }
        Ok(versions)
    }

    /// The items of a watch version.
    pub fn watch_items(&self, name: &str, version: u32) -> Result<Vec<WatchItem>> {
        let txn = self.begin_read()?;
        read_items(&txn.open_table(WATCH_ITEMS)?, name, version)
    }

    /// Stops monitoring a watch. Its versions, alerts and decisions stay in the store.
    pub fn remove_watch(&self, name: &str, at: &str) -> Result<WatchInfo> {
        let txn = self.begin_write()?;
        let info = {
            let mut table = txn.open_table(WATCHES)?;
            let mut info: WatchInfo =
                decode(table.get(name)?.ok_or_else(|| not_found_watch(name))?.value())?;
            if info.removed_at.is_some() {
                return Err(Error::Invalid(format!("watch {name} was already removed")));
            }
            info.removed_at = Some(at.to_string());
            table.insert(name, encode(&info).as_slice())?;
            info
        };
        txn.commit()?;
        Ok(info)
    }

    /// Stores the alerts whose ids are not stored yet, in one transaction, and returns those: an
    /// alert's id names its cause, so a cause already alerted is never stored twice.
    pub fn add_alerts(&self, alerts: Vec<Alert>) -> Result<Vec<Alert>> {
        if alerts.is_empty() {
            return Ok(Vec::new());
        }
        let txn = self.begin_write()?;
        let mut stored = Vec::new();
        {
            let mut table = txn.open_table(ALERTS)?;
            let mut order = txn.open_table(ALERT_ORDER)?;
            let mut next = order.last()?.map_or(1, |(key, _)| key.value() + 1);
            for alert in alerts {
                if table.get(alert.id.as_str())?.is_some() {
                    continue;
                }
                table.insert(alert.id.as_str(), encode(&alert).as_slice())?;
                order.insert(next, alert.id.as_str())?;
                next += 1;
                stored.push(alert);
            }
        }
        txn.commit()?;
        Ok(stored)
    }

    /// Every alert, in the order stored.
    pub fn alerts(&self) -> Result<Vec<Alert>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(ALERTS)?;
        let order = txn.open_table(ALERT_ORDER)?;
        let mut alerts = Vec::new();
        for row in order.iter()? {
            let (_, id) = row?;
            let value = table
                .get(id.value())?
                .ok_or_else(|| Error::Corrupt(format!("alert {} is missing", id.value())))?;
            alerts.push(decode(value.value())?);
        }
        Ok(alerts)
    }

    /// One alert.
    pub fn alert(&self, id: &str) -> Result<Alert> {
        let txn = self.begin_read()?;
        let table = txn.open_table(ALERTS)?;
        let value = table.get(id)?.ok_or_else(|| Error::NotFound(format!("no alert {id}")))?;
        decode(value.value())
    }

    /// Records a decision on an alert. Append-only: a correction names the decision it
    /// supersedes, which must be about the same alert.
    pub fn add_decision(&self, decision: NewDecision) -> Result<Decision> {
        if decision.reason.trim().is_empty() || decision.by.trim().is_empty() {
            return Err(Error::Invalid("a decision needs a reason and who made it".to_string()));
        }
        let txn = self.begin_write()?;
        let id = {
            if txn.open_table(ALERTS)?.get(decision.alert.as_str())?.is_none() {
                return Err(Error::NotFound(format!("no alert {}", decision.alert)));
            }
            let mut table = txn.open_table(DECISIONS)?;
            if let Some(superseded) = decision.supersedes {
                let value = table.get(superseded)?.ok_or_else(|| {
                    Error::NotFound(format!("there is no decision {superseded} to supersede"))
                })?;
                let old: NewDecision = decode(value.value())?;
                if old.alert != decision.alert {
                    return Err(Error::Invalid(format!(
                        "decision {superseded} is about alert {}, not {}",
                        old.alert, decision.alert
                    )));
                }
            }
            let id = table.last()?.map_or(1, |(key, _)| key.value() + 1);
            table.insert(id, encode(&decision).as_slice())?;
            id
        };
        txn.commit()?;
        Ok(Decision { id, decision })
    }

    /// Every decision, in the order recorded, superseded ones included.
    pub fn decisions(&self) -> Result<Vec<Decision>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(DECISIONS)?;
        let mut decisions = Vec::new();
        for row in table.iter()? {
            let (key, value) = row?;
            decisions.push(Decision { id: key.value(), decision: decode(value.value())? });
        }
        Ok(decisions)
    }

    /// Adds a webhook (its `id` is assigned).
    pub fn add_webhook(&self, mut webhook: Webhook) -> Result<Webhook> {
        let txn = self.begin_write()?;
        {
            let mut table = txn.open_table(WEBHOOKS)?;
            webhook.id = table.last()?.map_or(1, |(key, _)| key.value() + 1);
            table.insert(webhook.id, encode(&webhook).as_slice())?;
        }
        txn.commit()?;
        Ok(webhook)
    }

    /// Every webhook.
    pub fn webhooks(&self) -> Result<Vec<Webhook>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(WEBHOOKS)?;
        let mut hooks = Vec::new();
        for row in table.iter()? {
            hooks.push(decode(row?.1.value())?);
        }
        Ok(hooks)
    }

    /// The delivery state of every (webhook, alert) pair attempted so far.
    pub fn deliveries(&self, webhook: u64) -> Result<Vec<(String, Delivery)>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(DELIVERIES)?;
        let mut rows = Vec::new();
        for row in table.range((webhook, "")..(webhook + 1, ""))? {
            let (key, value) = row?;
            rows.push((key.value().1.to_string(), decode(value.value())?));
        }
        Ok(rows)
    }

    /// Records an attempt to deliver an alert.
    pub fn record_delivery(&self, webhook: u64, alert: &str, delivery: &Delivery) -> Result<()> {
        let txn = self.begin_write()?;
        txn.open_table(DELIVERIES)?.insert((webhook, alert), encode(delivery).as_slice())?;
        txn.commit()?;
        Ok(())
    }
}
