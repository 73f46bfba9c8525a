//! Alert derivation: from hits, list changes, holding verdicts and the stored history to the
//! alerts to store, each with an id derived from its cause.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use listwatch_model::{
    Alert, AlertKind, Customer, Date, Decision, DecisionKind, Entity, Material, WatchItem,
    WatchItemKind,
};

use crate::delta::{Hit, explain};

/// An alert id from the parts of its cause: `a` and 16 hex digits of their SHA-256.
pub fn alert_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut id = String::with_capacity(17);
    id.push('a');
    for b in &digest[..8] {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values.dedup();
    values
}

fn identifier_key(kind: listwatch_model::IdKind, value: &str) -> String {
    format!("{kind:?}:{}", listwatch_model::normalize_identifier(kind, value))
}

/// A customer's material fields.
pub fn customer_material(customer: &Customer) -> Material {
    Material {
        names: sorted(customer.name.iter().map(|n| n.trim().to_string()).collect()),
        identifiers: sorted(
            customer.identifiers.iter().map(|i| identifier_key(i.kind, &i.value)).collect(),
        ),
        birth_dates: sorted(customer.birth_date.iter().map(|d| d.to_string()).collect()),
        countries: sorted(customer.countries.iter().map(|c| c.trim().to_uppercase()).collect()),
        programs: Vec::new(),
    }
}

/// A listed entity's material fields.
pub fn entity_material(entity: &Entity) -> Material {
    Material {
        names: sorted(entity.names.iter().map(|n| n.value.clone()).collect()),
        identifiers: sorted(
            entity.identifiers.iter().map(|i| identifier_key(i.kind, &i.value)).collect(),
        ),
        birth_dates: sorted(entity.birth_dates.iter().map(|d| d.to_string()).collect()),
        countries: sorted(
            entity
                .nationalities
                .iter()
                .chain(&entity.citizenships)
                .chain(entity.addresses.iter().filter_map(|a| a.country.as_ref()))
                .cloned()
                .collect(),
        ),
        programs: sorted(entity.programs.clone()),
    }
}

fn material_key(m: &Material) -> String {
    format!("{:?}", m)
}

/// What is known about one (watch, item, entity) pair.
#[derive(Clone, Debug, Default)]
struct Pair {
    /// Whether a match alert (hit, reopened, amended, relisted) was raised for it.
    matched: bool,
    /// The latest effective decision on any of its alerts, with the alert decided.
    decision: Option<(u64, DecisionKind, String, String)>,
}

/// The alerts and decisions stored so far, arranged for derivation.
pub struct History {
    alerts: HashMap<String, Alert>,
    pairs: HashMap<(String, String, String), Pair>,
    /// entity -> the (watch, item) pairs with a match alert
    by_entity: HashMap<String, Vec<(String, String)>>,
    /// (watch, item) -> the id of the latest holding-status alert
    last_holding: HashMap<(String, String), String>,
}

impl History {
    /// Arranges the stored alerts (in the order stored) and decisions.
    pub fn new(alerts: &[Alert], decisions: &[Decision]) -> History {
        let mut history = History {
            alerts: HashMap::new(),
            pairs: HashMap::new(),
            by_entity: HashMap::new(),
            last_holding: HashMap::new(),
        };
        for alert in alerts {
            history.add(alert.clone());
        }
        let superseded: HashSet<u64> =
            decisions.iter().filter_map(|d| d.decision.supersedes).collect();
        for d in decisions.iter().filter(|d| !superseded.contains(&d.id)) {
            let Some(alert) = history.alerts.get(&d.decision.alert) else { continue };
            let Some(entity) = &alert.entity else { continue };
            let key = (alert.watch.clone(), alert.item.clone(), entity.clone());
            let pair = history.pairs.entry(key).or_default();
            if pair.decision.as_ref().is_none_or(|(id, ..)| *id < d.id) {
                pair.decision =
                    Some((d.id, d.decision.decision, alert.id.clone(), d.decision.by.clone()));
            }
        }
        history
    }

    /// Takes in an alert just derived, so later derivations in the same run see it.
    pub fn add(&mut self, alert: Alert) {
        if self.alerts.contains_key(&alert.id) {
            return;
        }
        match alert.kind {
            AlertKind::Hit | AlertKind::Reopened | AlertKind::Amended | AlertKind::Relisted => {
                if let Some(entity) = &alert.entity {
                    let key = (alert.watch.clone(), alert.item.clone(), entity.clone());
                    let pair = self.pairs.entry(key).or_default();
                    if !pair.matched {
                        pair.matched = true;
                        self.by_entity
                            .entry(entity.clone())
                            .or_default()
                            .push((alert.watch.clone(), alert.item.clone()));
                    }
                }
            }
            AlertKind::HoldingStatus => {
                self.last_holding
                    .insert((alert.watch.clone(), alert.item.clone()), alert.id.clone());
            }
            AlertKind::Removed | AlertKind::DivestmentWindow => {}
        }
        self.alerts.insert(alert.id.clone(), alert);
    }

    /// Whether an alert with this id is stored.
    pub fn contains(&self, id: &str) -> bool {
        self.alerts.contains_key(id)
    }

    fn pair(&self, watch: &str, item: &str, entity: &str) -> Option<&Pair> {
        self.pairs.get(&(watch.to_string(), item.to_string(), entity.to_string()))
    }

    /// The effective false-positive decision on a pair: (decision number, who, decided alert).
    fn false_positive(&self, watch: &str, item: &str, entity: &str) -> Option<(u64, &str, &Alert)> {
        let (id, kind, alert, by) = self.pair(watch, item, entity)?.decision.as_ref()?;
        if *kind != DecisionKind::FalsePositive {
            return None;
        }
        Some((*id, by.as_str(), self.alerts.get(alert)?))
    }
}

/// What a list version changed, as the alerts need it.
pub struct Changes<'a> {
    /// The list.
    pub list: &'a str,
    /// The new version.
    pub version: u32,
    /// The version compared with (`None` for a first version).
    pub previous: Option<u32>,
    /// The new version's publication day.
    pub published: Date,
    /// Entities added.
    pub added: Vec<&'a Entity>,
    /// Entities changed, with the names of the fields that differ.
    pub changed: Vec<(&'a Entity, Vec<String>)>,
    /// Entities removed, as the previous version had them.
    pub removed: Vec<&'a Entity>,
}

impl Changes<'_> {
    fn source(&self) -> String {
        format!("{}@{}", self.list, self.version)
    }

    fn versions(&self) -> String {
        match self.previous {
            Some(p) => format!("{} version {p} to {}", self.list, self.version),
            None => format!("{} version {}", self.list, self.version),
        }
    }
}

/// What triggered a list-side derivation: a new list version, or a new watch version screened
/// against the current lists.
pub enum Trigger<'a> {
    /// A new list version.
    List(&'a Changes<'a>),
    /// A new watch version (its added and changed items), against the lists in force.
    Watch {
        /// `list@version` of every list screened.
        lists: Vec<String>,
        /// The day.
        day: Date,
        /// The entities of the hits, by `<list>:<id>`.
        entities: HashMap<String, &'a Entity>,
    },
}

fn item_label(item: &WatchItem) -> String {
    match &item.kind {
        WatchItemKind::Customer(c) => c
            .name
            .clone()
            .unwrap_or_else(|| c.identifiers.first().map(|i| i.value.clone()).unwrap_or_default()),
        WatchItemKind::Holding(h) => {
            h.isin.clone().or(h.ticker.clone()).or(h.issuer.clone()).unwrap_or_default()
        }
        WatchItemKind::Invalid(_) => String::new(),
    }
}

/// Derives the alerts a list change (or a watch change) raises for one watch: new matches
/// (hit, or reopened after a false-positive decision when either side changed materially),
/// amendments, removals and relistings of matched entities. Pairs decided false positives stay
/// quiet while neither side changes materially. Alerts already in `history` are left out, and
/// the new ones are added to it.
#[allow(clippy::too_many_arguments)]
pub fn list_alerts(
    watch: &str,
    watch_version: u32,
    items: &[WatchItem],
    hits: &[Hit],
    trigger: &Trigger<'_>,
    history: &mut History,
    created_at: &str,
) -> Vec<Alert> {
    let mut alerts: Vec<Alert> = Vec::new();
    let by_item: HashMap<&str, &WatchItem> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    // entity id -> (entity, how it changed: None for added, Some(fields) for changed)
    let mut entities: HashMap<String, (&Entity, Option<&[String]>)> = HashMap::new();
    let (sources, day) = match trigger {
        Trigger::List(changes) => {
            for e in &changes.added {
                entities.insert(format!("{}:{}", changes.list, e.id), (*e, None));
            }
            for (e, fields) in &changes.changed {
                entities
                    .insert(format!("{}:{}", changes.list, e.id), (*e, Some(fields.as_slice())));
            }
            (vec![changes.source()], changes.published)
        }
        Trigger::Watch { lists, day, entities: found } => {
            for (id, e) in found {
                entities.insert(id.clone(), (*e, Some(&[])));
            }
            (lists.clone(), *day)
        }
    };
    let base = |kind: AlertKind,
                id: String,
                item: &WatchItem,
                entity_id: &str,
                entity: &Entity,
                change: String|
     -> Alert {
        let item_material = match &item.kind {
            WatchItemKind::Customer(c) => Some(customer_material(c)),
            _ => None,
        };
        Alert {
            id,
            kind,
            watch: watch.to_string(),
            watch_version,
            item: item.id.clone(),
            item_label: item_label(item),
            entity: Some(entity_id.to_string()),
            entity_name: Some(entity.primary_name().to_string()),
            change,
            sources: sources.clone(),
            score: None,
            explanation: Vec::new(),
            day,
            created_at: created_at.to_string(),
            item_material,
            entity_material: Some(entity_material(entity)),
            verdict: None,
        }
    };
    let mut matched: HashSet<(String, String)> = HashSet::new();
    for hit in hits.iter().filter(|h| h.result.is_match) {
        let item = &items[hit.item];
        let WatchItemKind::Customer(customer) = &item.kind else { continue };
        let entity_id = hit.result.entity_id.as_str();
        let Some(&(entity, how)) = entities.get(entity_id) else { continue };
        matched.insert((item.id.clone(), entity_id.to_string()));
        let im = customer_material(customer);
        let em = entity_material(entity);
        let pair_matched = history.pair(watch, &item.id, entity_id).is_some_and(|p| p.matched);
        let (kind, id, change) = if let Some((decision, by, decided)) =
            history.false_positive(watch, &item.id, entity_id)
        {
            let mut fields: Vec<String> = Vec::new();
            if let Some(old) = &decided.item_material {
                fields
                    .extend(old.changed_fields(&im).iter().map(|f| format!("the customer's {f}")));
            }
            if let Some(old) = &decided.entity_material {
                fields.extend(old.changed_fields(&em).iter().map(|f| format!("the entry's {f}")));
            }
            if fields.is_empty() {
                continue;
            }
            (
                AlertKind::Reopened,
                alert_id(&[
                    "reopened",
                    watch,
                    &item.id,
                    entity_id,
                    &material_key(&im),
                    &material_key(&em),
                ]),
                format!(
                    "matches again after decision {decision} (false positive, by {by}) on alert {}: {} changed since",
                    decided.id,
                    fields.join(", ")
                ),
            )
        } else if pair_matched {
            let Trigger::List(changes) = trigger else { continue };
            let version = changes.version.to_string();
            match how {
                None => (
                    AlertKind::Relisted,
                    alert_id(&["relisted", watch, &item.id, entity_id, changes.list, &version]),
                    format!("{} is listed again in {}", entity_id, changes.versions()),
                ),
                Some(fields) => (
                    AlertKind::Amended,
                    alert_id(&["amended", watch, &item.id, entity_id, changes.list, &version]),
                    format!(
                        "{} was amended in {} ({})",
                        entity_id,
                        changes.versions(),
                        fields.join(", ")
                    ),
                ),
            }
        } else {
            let change = match trigger {
                Trigger::List(changes) => match how {
                    None => format!("{} was added in {}", entity_id, changes.versions()),
                    Some(fields) => format!(
                        "{} was amended in {} ({}) and now matches",
                        entity_id,
                        changes.versions(),
                        fields.join(", ")
                    ),
                },
                Trigger::Watch { .. } => {
                    format!(
                        "the customer, new or changed in watch version {watch_version}, matches {entity_id}"
                    )
                }
            };
            (AlertKind::Hit, alert_id(&["hit", watch, &item.id, entity_id]), change)
        };
        if history.contains(&id) {
            continue;
        }
        let mut alert = base(kind, id, item, entity_id, entity, change);
        alert.score = Some(hit.result.score);
        alert.explanation = explain(&hit.result);
        history.add(alert.clone());
        alerts.push(alert);
    }
    let Trigger::List(changes) = trigger else { return alerts };
    // Matched entities amended or removed, where the pair no longer matches (or is not screened).
    let mut follow = |entity: &Entity, kind: AlertKind, change: String, alerts: &mut Vec<Alert>| {
        let entity_id = format!("{}:{}", changes.list, entity.id);
        let pairs = history.by_entity.get(&entity_id).cloned().unwrap_or_default();
        for (w, item_id) in pairs {
            if w != watch || matched.contains(&(item_id.clone(), entity_id.clone())) {
                continue;
            }
            let Some(item) = by_item.get(item_id.as_str()) else { continue };
            if history.false_positive(watch, &item_id, &entity_id).is_some() {
                continue;
            }
            let id = alert_id(&[
                kind.as_str(),
                watch,
                &item_id,
                &entity_id,
                changes.list,
                &changes.version.to_string(),
            ]);
            if history.contains(&id) {
                continue;
            }
            let alert = base(kind, id, item, &entity_id, entity, change.clone());
            history.add(alert.clone());
            alerts.push(alert);
        }
    };
    for (entity, fields) in &changes.changed {
        let change = format!(
            "{}:{} was amended in {} ({}); it no longer matches",
            changes.list,
            entity.id,
            changes.versions(),
            fields.join(", ")
        );
        follow(entity, AlertKind::Amended, change, &mut alerts);
    }
    for entity in &changes.removed {
        let change =
            format!("{}:{} was removed in {}", changes.list, entity.id, changes.versions());
        follow(entity, AlertKind::Removed, change, &mut alerts);
    }
    alerts
}

/// A holding's verdict as of a day, as the status engine gives it.
#[derive(Clone, Debug)]
pub struct HoldingView {
    /// The item's id in the watch.
    pub item: String,
    /// `blocked`, `prohibited`, `suspended`, `pending`, `review`, `unknown`, `clear`
    /// (`invalid` rows are skipped).
    pub verdict: String,
    /// The listed entity behind the verdict.
    pub entity: Option<String>,
    /// Its name.
    pub entity_name: Option<String>,
    /// Since when the restriction holds.
    pub since: Option<Date>,
    /// The last day of the divestment window.
    pub divest_until: Option<Date>,
    /// Why, in words.
    pub reason: String,
    /// The events and versions behind the verdict.
    pub sources: Vec<String>,
}

/// Days before the end of a divestment window at which an alert is raised.
pub const DIVESTMENT_NOTICES: [i64; 3] = [1, 7, 30];

/// Derives the alerts of a holdings watch re-checked as of `as_of`: a verdict that differs from
/// the last one alerted (an item starts as `clear`), and a divestment window closing within 30,
/// 7 or 1 days (one alert per window and notice). `trigger` says what caused the re-check
/// (`monitor run`, a list version, an event) and `sources` names it.
#[allow(clippy::too_many_arguments)]
pub fn holding_alerts(
    watch: &str,
    watch_version: u32,
    items: &[WatchItem],
    views: &[HoldingView],
    as_of: Date,
    trigger: &str,
    sources: &[String],
    history: &mut History,
    created_at: &str,
) -> Vec<Alert> {
    let by_item: HashMap<&str, &WatchItem> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut alerts = Vec::new();
    let date = |d: Option<Date>| d.map_or("-".to_string(), |d| d.to_string());
    for view in views {
        if view.verdict == "invalid" {
            continue;
        }
        let Some(item) = by_item.get(view.item.as_str()) else { continue };
        let key = (watch.to_string(), view.item.clone());
        let previous = history.last_holding.get(&key).and_then(|id| history.alerts.get(id));
        let previous_verdict =
            previous.and_then(|a| a.verdict.clone()).unwrap_or_else(|| "clear".to_string());
        let mut all_sources: Vec<String> = sources.to_vec();
        all_sources.extend(view.sources.iter().cloned());
        let make = |kind: AlertKind, id: String, change: String| Alert {
            id,
            kind,
            watch: watch.to_string(),
            watch_version,
            item: view.item.clone(),
            item_label: item_label(item),
            entity: view.entity.clone(),
            entity_name: view.entity_name.clone(),
            change,
            sources: all_sources.clone(),
            score: None,
            explanation: vec![view.reason.clone()],
            day: as_of,
            created_at: created_at.to_string(),
            item_material: None,
            entity_material: None,
            verdict: Some(view.verdict.clone()),
        };
        if view.verdict != previous_verdict {
            let previous_id = previous.map_or("", |a| a.id.as_str());
            let id = alert_id(&[
                "holding",
                watch,
                &view.item,
                previous_id,
                &view.verdict,
                view.entity.as_deref().unwrap_or(""),
                &date(view.since),
                &date(view.divest_until),
            ]);
            if !history.contains(&id) {
                let change = format!(
                    "{previous_verdict} -> {} as of {as_of} ({trigger}){}{}",
                    view.verdict,
                    view.since.map_or(String::new(), |d| format!("; since {d}")),
                    view.divest_until.map_or(String::new(), |d| format!("; divest by {d}")),
                );
                let alert = make(AlertKind::HoldingStatus, id, change);
                history.add(alert.clone());
                alerts.push(alert);
            }
        }
        if let Some(until) = view.divest_until
            && matches!(view.verdict.as_str(), "prohibited" | "pending")
        {
            let left = until.to_days() - as_of.to_days();
            if let Some(notice) = DIVESTMENT_NOTICES.iter().find(|&&n| left >= 0 && left <= n) {
                let id = alert_id(&[
                    "divestment",
                    watch,
                    &view.item,
                    view.entity.as_deref().unwrap_or(""),
                    &until.to_string(),
                    &notice.to_string(),
                ]);
                if !history.contains(&id) {
                    let change = format!(
                        "the divestment window closes on {until}: {left} days left as of {as_of} (notice at {notice} days)"
                    );
                    let alert = make(AlertKind::DivestmentWindow, id, change);
                    history.add(alert.clone());
                    alerts.push(alert);
                }
            }
        }
    }
    alerts
}
