//! Continuous monitoring in the store: watches and their versions, the alert outbox, review
//! decisions, webhooks and deliveries (redb format 4, PostgreSQL schema 2).
//!
//! The rules are written once here, over the storage traits (`backend.rs`): watch names, unique
//! item ids, a version whose file checksum equals the current one stores nothing, one alert per
//! cause, decisions that supersede only a decision on the same alert, and the claim of a
//! delivery, which lets one process at a time attempt an alert for a webhook.

use listwatch_model::{
    Alert, Decision, Delivery, NewDecision, WatchInfo, WatchItem, WatchKind, WatchVersion, Webhook,
};

use crate::backend::StoreWrite;
use crate::error::{Error, Result};
use crate::store::{Store, decode, encode};

/// Items per stored chunk of a watch version: a chunk is compressed and decoded as one.
const WATCH_CHUNK_ITEMS: usize = 16_384;

/// A watch version's items as stored: LZ4-compressed postcard chunks of up to
/// `WATCH_CHUNK_ITEMS` items, in order.
pub(crate) fn encode_items(items: &[WatchItem]) -> Vec<Vec<u8>> {
    items
        .chunks(WATCH_CHUNK_ITEMS)
        .map(|chunk| lz4_flex::compress_prepend_size(&encode(&chunk.to_vec())))
        .collect()
}

/// The items of one stored chunk of a watch version.
pub(crate) fn decode_items(watch: &str, version: u32, chunk: &[u8]) -> Result<Vec<WatchItem>> {
    let bytes = lz4_flex::decompress_size_prepended(chunk)
        .map_err(|err| Error::Corrupt(format!("watch {watch} version {version}: {err}")))?;
    decode(&bytes)
}

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

/// The right to attempt one alert's delivery to one webhook ([`Store::claim_delivery`]): no
/// other process can claim the same pair until this one is recorded or dropped. Recording the
/// attempt ends the claim in the same transaction, so a delivery recorded as made is never
/// claimed again.
pub struct DeliveryClaim<'s> {
    txn: Box<dyn StoreWrite + 's>,
    webhook: u64,
    alert: String,
    delivery: Delivery,
}

impl DeliveryClaim<'_> {
    /// The delivery's state before this attempt (attempts so far, the last error).
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// Records the attempt and ends the claim.
    pub fn record(mut self, delivery: &Delivery) -> Result<()> {
        self.txn.put_delivery(self.webhook, &self.alert, delivery)?;
        self.txn.commit()
    }
}

fn not_found_watch(name: &str) -> Error {
    Error::NotFound(format!("no watch named {name}; `listwatch watch list` shows the watches"))
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
        let mut txn = self.write()?;
        let (info, previous) = match txn.watch(&new.watch)? {
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
                let current = txn
                    .watch_version(&new.watch, info.current)?
                    .ok_or_else(|| Error::Corrupt("a watch version is missing".into()))?;
                if current.sha256 == new.sha256 {
                    return Ok(None);
                }
                let items = txn.watch_items(&new.watch, info.current)?;
                (info, items)
            }
            None => (
                WatchInfo { name: new.watch.clone(), kind: new.kind, current: 0, removed_at: None },
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
        txn.put_watch(&WatchInfo { current: number, ..info })?;
        txn.put_watch_version(&version, &new.items)?;
        txn.commit()?;
        Ok(Some((version, previous)))
    }

    /// Every watch, removed ones included, by name.
    pub fn watches(&self) -> Result<Vec<WatchInfo>> {
        self.read()?.watches()
    }

    /// One watch.
    pub fn watch(&self, name: &str) -> Result<WatchInfo> {
        self.read()?.watch(name)?.ok_or_else(|| not_found_watch(name))
    }

    /// The versions of a watch, oldest first.
    pub fn watch_versions(&self, name: &str) -> Result<Vec<WatchVersion>> {
        let mut txn = self.read()?;
        if txn.watch(name)?.is_none() {
            return Err(not_found_watch(name));
        }
        txn.watch_versions(name)
    }

    /// The items of a watch version.
    pub fn watch_items(&self, name: &str, version: u32) -> Result<Vec<WatchItem>> {
        self.read()?.watch_items(name, version)
    }

    /// Stops monitoring a watch. Its versions, alerts and decisions stay in the store.
    pub fn remove_watch(&self, name: &str, at: &str) -> Result<WatchInfo> {
        let mut txn = self.write()?;
        let mut info = txn.watch(name)?.ok_or_else(|| not_found_watch(name))?;
        if info.removed_at.is_some() {
            return Err(Error::Invalid(format!("watch {name} was already removed")));
        }
        info.removed_at = Some(at.to_string());
        txn.put_watch(&info)?;
        txn.commit()?;
        Ok(info)
    }

    /// Stores the alerts whose ids are not stored yet, in one transaction, and returns those: an
    /// alert's id names its cause, so a cause already alerted is never stored twice.
    pub fn add_alerts(&self, alerts: Vec<Alert>) -> Result<Vec<Alert>> {
        if alerts.is_empty() {
            return Ok(Vec::new());
        }
        let mut txn = self.write()?;
        let mut stored: Vec<Alert> = Vec::new();
        for alert in alerts {
            if txn.alert(&alert.id)?.is_some() || stored.iter().any(|s| s.id == alert.id) {
                continue;
            }
            txn.append_alert(&alert)?;
            stored.push(alert);
        }
        txn.commit()?;
        Ok(stored)
    }

    /// Every alert, in the order stored.
    pub fn alerts(&self) -> Result<Vec<Alert>> {
        self.read()?.alerts()
    }

    /// One alert.
    pub fn alert(&self, id: &str) -> Result<Alert> {
        self.read()?.alert(id)?.ok_or_else(|| Error::NotFound(format!("no alert {id}")))
    }

    /// Records a decision on an alert. Append-only: a correction names the decision it
    /// supersedes, which must be about the same alert.
    pub fn add_decision(&self, decision: NewDecision) -> Result<Decision> {
        if decision.reason.trim().is_empty() || decision.by.trim().is_empty() {
            return Err(Error::Invalid("a decision needs a reason and who made it".to_string()));
        }
        let mut txn = self.write()?;
        if txn.alert(&decision.alert)?.is_none() {
            return Err(Error::NotFound(format!("no alert {}", decision.alert)));
        }
        if let Some(superseded) = decision.supersedes {
            let old = txn.decision(superseded)?.ok_or_else(|| {
                Error::NotFound(format!("there is no decision {superseded} to supersede"))
            })?;
            if old.alert != decision.alert {
                return Err(Error::Invalid(format!(
                    "decision {superseded} is about alert {}, not {}",
                    old.alert, decision.alert
                )));
            }
        }
        let id = txn.append_decision(&decision)?;
        txn.commit()?;
        Ok(Decision { id, decision })
    }

    /// Every decision, in the order recorded, superseded ones included.
    pub fn decisions(&self) -> Result<Vec<Decision>> {
        self.read()?.decisions()
    }

    /// Adds a webhook (its `id` is assigned).
    pub fn add_webhook(&self, mut webhook: Webhook) -> Result<Webhook> {
        let mut txn = self.write()?;
        webhook.id = txn.append_webhook(&webhook)?;
        txn.commit()?;
        Ok(webhook)
    }

    /// Every webhook.
    pub fn webhooks(&self) -> Result<Vec<Webhook>> {
        self.read()?.webhooks()
    }

    /// The delivery state of every (webhook, alert) pair attempted so far.
    pub fn deliveries(&self, webhook: u64) -> Result<Vec<(String, Delivery)>> {
        self.read()?.deliveries(webhook)
    }

    /// Records an attempt to deliver an alert, without a claim (a process that alone delivers).
    pub fn record_delivery(&self, webhook: u64, alert: &str, delivery: &Delivery) -> Result<()> {
        let mut txn = self.write()?;
        txn.put_delivery(webhook, alert, delivery)?;
        txn.commit()
    }

    /// Claims the next attempt to deliver `alert` to `webhook`: `None` when it was delivered
    /// already, or when another process holds its claim right now (it is attempting it). While a
    /// claim lives no other claim of the pair is given, in this process or any other; recording
    /// the attempt ([`DeliveryClaim::record`]) ends it in the same transaction. So processes that
    /// deliver concurrently never send an alert twice to a webhook once it was delivered.
    ///
    /// On PostgreSQL the claim is the pair's row locked `FOR UPDATE SKIP LOCKED` in a
    /// transaction of its own (other writers go on); on redb it is a write transaction (writers
    /// take turns).
    pub fn claim_delivery(&self, webhook: u64, alert: &str) -> Result<Option<DeliveryClaim<'_>>> {
        let Some(mut txn) = self.claim(webhook, alert)? else { return Ok(None) };
        if txn.alert(alert)?.is_none() {
            return Err(Error::NotFound(format!("no alert {alert}")));
        }
        if !txn.webhooks()?.iter().any(|hook| hook.id == webhook) {
            return Err(Error::NotFound(format!("no webhook {webhook}")));
        }
        let delivery = txn.delivery(webhook, alert)?.unwrap_or_default();
        if delivery.delivered_at.is_some() {
            return Ok(None);
        }
        Ok(Some(DeliveryClaim { txn, webhook, alert: alert.to_string(), delivery }))
    }
}
