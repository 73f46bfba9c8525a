//! `listwatch monitor`: the time-driven re-check of holdings (`run`) and the delivery of alerts
//! (`deliver`); and the glue that runs monitoring after an import, an event or a watch change.

use std::collections::HashMap;

use anyhow::Result;
use clap::Subcommand;

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig};
use listwatch_model::{Alert, Date, Entity, ListName, WatchInfo, WatchItem, WatchKind};
use listwatch_monitor::{
    Changes, CustomerIndex, History, ListEntity, Trigger, delta_hits, holding_alerts, list_alerts,
};
use listwatch_store::{Store, VersionInfo};

use super::{Ctx, parse_date};
use crate::cli::import::now_rfc3339;
use crate::output::{outln, to_stdout};

/// Re-check watched holdings as the days pass, and deliver alerts.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: MonitorCommand,
}

#[derive(Debug, Subcommand)]
enum MonitorCommand {
    /// Re-check every holdings watch as of a day: a prohibition taking effect, a divestment
    /// window closing in 30, 7 or 1 days. Running it twice on a day raises nothing new.
    Run(RunArgs),
    /// Deliver pending alerts to every webhook: each attempt claimed, so concurrent deliverers
    /// send an alert once to a webhook; bounded retries per run.
    Deliver(crate::cli::webhook::DeliverArgs),
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The day to check [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        MonitorCommand::Run(args) => {
            let as_of = match &args.as_of {
                Some(value) => parse_date("--as-of", value)?,
                None => Date::today_utc(),
            };
            let store = ctx.open_existing_for_writing()?;
            let alerts = recheck_holdings(ctx, &store, as_of, "monitor run", &[], None)?;
            report_new(ctx, &alerts)
        }
        MonitorCommand::Deliver(args) => crate::cli::webhook::deliver(ctx, args),
    }
}

/// Prints one line per new alert, unless quiet.
pub(crate) fn report_new(ctx: &Ctx, alerts: &[Alert]) -> Result<()> {
    if ctx.quiet {
        return Ok(());
    }
    to_stdout(|out| {
        outln!(out, "monitor: {} new alerts", alerts.len())?;
        for alert in alerts.iter().take(50) {
            outln!(
                out,
                "  {} {} {} {}: {}",
                alert.id,
                alert.kind.as_str(),
                crate::output::clean(&alert.watch),
                crate::output::clean(&alert.item_label),
                crate::output::clean(&alert.change)
            )?;
        }
        Ok(())
    })
}

fn live_watches(store: &Store, kind: WatchKind) -> Result<Vec<WatchInfo>> {
    Ok(store.watches()?.into_iter().filter(|w| w.kind == kind && w.removed_at.is_none()).collect())
}

fn history(store: &Store) -> Result<History> {
    Ok(History::new(&store.alerts()?, &store.decisions()?))
}

/// Re-checks the holdings watches as of a day and stores the alerts; only holdings pointing at
/// `entity` when it is given.
pub(crate) fn recheck_holdings(
    ctx: &Ctx,
    store: &Store,
    as_of: Date,
    trigger: &str,
    sources: &[String],
    entity: Option<&str>,
) -> Result<Vec<Alert>> {
    let watches = live_watches(store, WatchKind::Holdings)?;
    if watches.is_empty() {
        return Ok(Vec::new());
    }
    let mut history = history(store)?;
    let created_at = now_rfc3339();
    let mut alerts = Vec::new();
    for watch in watches {
        let items = store.watch_items(&watch.name, watch.current)?;
        let mut views = crate::cli::portfolio::watched::check(ctx, store, &items, as_of)?;
        if let Some(entity) = entity {
            views.retain(|v| v.entity.as_deref() == Some(entity));
        }
        alerts.extend(holding_alerts(
            &watch.name,
            watch.current,
            &items,
            &views,
            as_of,
            trigger,
            sources,
            &mut history,
            &created_at,
        ));
    }
    Ok(store.add_alerts(alerts)?)
}

/// The list index, each entity's position by `<list>:<id>`, the `list@version` names, and the
/// entities in index order.
pub(crate) type ListIndex = (Index, HashMap<String, u32>, Vec<String>, Vec<Entity>);

/// The index over the current version of every list, built from an open store, with each
/// entity's position by `<list>:<id>` and the `list@version` names.
pub(crate) fn list_index(store: &Store, config: &MatcherConfig) -> Result<ListIndex> {
    let mut entities = Vec::new();
    let mut names = Vec::new();
    let mut indexed = Vec::new();
    for info in store.lists()? {
        let Some(current) = store.current(&info.name)? else { continue };
        names.push(format!("{}@{}", info.name, current.version));
        for entity in store.entities(&info.name, current.version)? {
            indexed.push((info.name.to_string(), current.version));
            entities.push(entity);
        }
    }
    let positions = entities
        .iter()
        .zip(&indexed)
        .enumerate()
        .map(|(pos, (e, (list, _)))| (format!("{list}:{}", e.id), pos as u32))
        .collect();
    let index = Index::build(
        entities.iter().zip(&indexed).map(|(entity, (list, version))| IndexedEntity {
            entity: entity.clone(),
            list: list.clone(),
            version: *version,
        }),
        config,
    );
    Ok((index, positions, names, entities))
}

/// After a committed list version: screens what it added and changed against every customers
/// watch, follows matched entities it amended or removed, re-checks the holdings (as of today),
/// and stores the alerts.
pub(crate) fn after_list_version(
    ctx: &Ctx,
    store: &Store,
    list: &ListName,
    version: &VersionInfo,
) -> Result<Vec<Alert>> {
    let mut alerts = Vec::new();
    let customer_watches = live_watches(store, WatchKind::Customers)?;
    if !customer_watches.is_empty() {
        let previous = store
            .live_versions(list)?
            .into_iter()
            .filter(|v| v.version < version.version)
            .map(|v| v.version)
            .next_back();
        let current: HashMap<String, Entity> =
            store.entities(list, version.version)?.into_iter().map(|e| (e.id.clone(), e)).collect();
        let (added_ids, changed, removed_ids) = match previous {
            Some(previous) => {
                let diff = store.diff(list, previous, version.version)?;
                let changed: Vec<(String, Vec<String>)> = diff
                    .changed
                    .iter()
                    .map(|c| {
                        let mut fields: Vec<String> =
                            c.fields.iter().map(|f| f.field.to_string()).collect();
                        fields.dedup();
                        (c.id.clone(), fields)
                    })
                    .collect();
                (diff.added, changed, diff.removed)
            }
            None => (current.keys().cloned().collect(), Vec::new(), Vec::new()),
        };
        let before: HashMap<String, Entity> = match previous {
            Some(previous) if !removed_ids.is_empty() => {
                store.entities(list, previous)?.into_iter().map(|e| (e.id.clone(), e)).collect()
            }
            _ => HashMap::new(),
        };
        let changes = Changes {
            list: list.as_str(),
            version: version.version,
            previous,
            published: version.published,
            added: added_ids.iter().filter_map(|id| current.get(id)).collect(),
            changed: changed
                .iter()
                .filter_map(|(id, fields)| current.get(id).map(|e| (e, fields.clone())))
                .collect(),
            removed: removed_ids.iter().filter_map(|id| before.get(id)).collect(),
        };
        let config = MatcherConfig::default();
        let (index, positions, _, _) = list_index(store, &config)?;
        let ids: Vec<String> = changes
            .added
            .iter()
            .chain(changes.changed.iter().map(|(e, _)| e))
            .map(|e| format!("{list}:{}", e.id))
            .collect();
        let screened: Vec<ListEntity<'_>> = changes
            .added
            .iter()
            .chain(changes.changed.iter().map(|(e, _)| e))
            .zip(&ids)
            .filter_map(|(e, id)| {
                positions.get(id).map(|&position| ListEntity { entity: e, entity_id: id, position })
            })
            .collect();
        let mut history = history(store)?;
        let created_at = now_rfc3339();
        let trigger = Trigger::List(&changes);
        for watch in customer_watches {
            let items = store.watch_items(&watch.name, watch.current)?;
            let customers = CustomerIndex::build(&items);
            let hits = delta_hits(&customers, &index, &screened);
            alerts.extend(list_alerts(
                &watch.name,
                watch.current,
                &items,
                &hits,
                &trigger,
                &mut history,
                &created_at,
            ));
        }
    }
    let mut stored = store.add_alerts(alerts)?;
    let source = format!("{list}@{}", version.version);
    stored.extend(recheck_holdings(
        ctx,
        store,
        Date::today_utc(),
        &format!("{list} version {}", version.version),
        &[source],
        None,
    )?);
    Ok(stored)
}

/// After a new watch version: screens its new and changed customers against the current lists
/// (or checks its holdings as of `as_of`), and stores the alerts.
pub(crate) fn after_watch_version(
    ctx: &Ctx,
    store: &Store,
    watch: &str,
    version: u32,
    previous: &[WatchItem],
    as_of: Date,
) -> Result<Vec<Alert>> {
    let info = store.watch(watch)?;
    let items = store.watch_items(watch, version)?;
    if info.kind == WatchKind::Holdings {
        let trigger = format!("watch {watch} version {version}");
        return recheck_holdings(ctx, store, as_of, &trigger, &[], None);
    }
    let before: HashMap<&str, &WatchItem> = previous.iter().map(|i| (i.id.as_str(), i)).collect();
    let fresh: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| before.get(i.id.as_str()).is_none_or(|old| *old != *i))
        .map(|(idx, _)| idx)
        .collect();
    if fresh.is_empty() || store.lists()?.is_empty() {
        return Ok(Vec::new());
    }
    let config = MatcherConfig::default();
    let (index, positions, names, entities) = list_index(store, &config)?;
    let results: Vec<(usize, Vec<listwatch_matcher::ScreenResult>)> = {
        use rayon::prelude::*;
        fresh
            .par_iter()
            .filter_map(|&idx| match &items[idx].kind {
                listwatch_model::WatchItemKind::Customer(c) => {
                    let query = listwatch_monitor::customer_query(c);
                    Some((idx, index.screen(&query, 10)))
                }
                _ => None,
            })
            .collect()
    };
    let mut found: HashMap<String, &Entity> = HashMap::new();
    let mut hits = Vec::new();
    for (item, results) in results {
        for result in results.into_iter().filter(|r| r.is_match) {
            if let Some(&pos) = positions.get(&result.entity_id) {
                found.insert(result.entity_id.clone(), &entities[pos as usize]);
            }
            hits.push(listwatch_monitor::Hit { item, result });
        }
    }
    let trigger = Trigger::Watch { lists: names, day: as_of, entities: found };
    let mut history = history(store)?;
    let alerts = list_alerts(watch, version, &items, &hits, &trigger, &mut history, &now_rfc3339());
    Ok(store.add_alerts(alerts)?)
}
