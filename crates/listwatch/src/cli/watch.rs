//! `listwatch watch`: register, list, show, update and remove watches (customers or holdings).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use sha2::{Digest, Sha256};

use listwatch_model::{Customer, Date, IdKind, Identifier, WatchItem, WatchItemKind, WatchKind};
use listwatch_store::NewWatchVersion;

use super::{Ctx, parse_date};
use crate::cli::import::now_rfc3339;
use crate::cli::screen::QueryReader;
use crate::failure::usage;
use crate::output::{Table, clean, outln, print_json, to_stdout};

/// Watch a set of customers or holdings: every new list version, legal event and day that
/// changes their standing raises an alert.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: WatchCommand,
}

#[derive(Debug, Subcommand)]
enum WatchCommand {
    /// Register a watch from a file: customers (the `screen --input` format: CSV with a header,
    /// or JSONL) or holdings (the `portfolio check` CSV). It is screened at once.
    Add(AddArgs),
    /// Replace a watch's file: a new version; its new and changed items are screened.
    Update(UpdateArgs),
    /// The watches.
    List(ListArgs),
    /// One watch: its versions and items.
    Show(ShowArgs),
    /// Stop monitoring a watch (its versions, alerts and decisions are kept).
    Remove(RemoveArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    Customers,
    Holdings,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// The watch's name (letters, digits, '-', '_', '.').
    name: String,
    /// The file.
    file: PathBuf,
    /// What the file holds.
    #[arg(long, value_enum, default_value = "customers")]
    kind: Kind,
    /// The day holdings are first checked as of [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct UpdateArgs {
    /// The watch.
    name: String,
    /// The new file.
    file: PathBuf,
    /// The day holdings are checked as of [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// The watch.
    name: String,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct RemoveArgs {
    /// The watch.
    name: String,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        WatchCommand::Add(a) => {
            let kind = match a.kind {
                Kind::Customers => WatchKind::Customers,
                Kind::Holdings => WatchKind::Holdings,
            };
            let store = ctx.open_for_writing()?;
            if store.watch(&a.name).is_ok() {
                return Err(usage(format!(
                    "a watch named {} exists; `listwatch watch update` replaces its file",
                    a.name
                )));
            }
            put(ctx, &store, &a.name, kind, &a.file, a.as_of.as_deref(), a.json)
        }
        WatchCommand::Update(a) => {
            let store = ctx.open_existing_for_writing()?;
            let info = store.watch(&a.name).map_err(|e| usage(e.to_string()))?;
            put(ctx, &store, &a.name, info.kind, &a.file, a.as_of.as_deref(), a.json)
        }
        WatchCommand::List(a) => {
            let store = ctx.open_existing()?;
            let watches = store.watches()?;
            if a.json {
                return print_json(&watches);
            }
            let mut table = Table::new(&["NAME", "KIND", "VERSION", "STATE"]);
            for w in &watches {
                table.row(vec![
                    w.name.clone(),
                    w.kind.as_str().to_string(),
                    w.current.to_string(),
                    w.removed_at
                        .as_ref()
                        .map_or("watched".to_string(), |at| format!("removed {at}")),
                ]);
            }
            to_stdout(|out| table.print(out))
        }
        WatchCommand::Show(a) => {
            let store = ctx.open_existing()?;
            let info = store.watch(&a.name).map_err(|e| crate::failure::no_match(e.to_string()))?;
            let versions = store.watch_versions(&a.name)?;
            let items = store.watch_items(&a.name, info.current)?;
            if a.json {
                return print_json(&serde_json::json!({
                    "watch": info, "versions": versions, "items": items,
                }));
            }
            to_stdout(|out| {
                outln!(
                    out,
                    "{} ({}), version {}{}",
                    clean(&info.name),
                    info.kind.as_str(),
                    info.current,
                    info.removed_at.as_ref().map_or(String::new(), |at| format!(", removed {at}"))
                )?;
                for v in &versions {
                    outln!(
                        out,
                        "  version {}: {} items ({} added, {} removed, {} changed) from {} at {}",
                        v.version,
                        v.items,
                        v.added,
                        v.removed,
                        v.changed,
                        clean(&v.source),
                        v.stored_at
                    )?;
                }
                for item in items.iter().take(20) {
                    outln!(out, "  {} {}", clean(&item.id), clean(&describe(item)))?;
                }
                if items.len() > 20 {
                    outln!(out, "  ... and {} more", items.len() - 20)?;
                }
                Ok(())
            })
        }
        WatchCommand::Remove(a) => {
            let store = ctx.open_existing_for_writing()?;
            let info =
                store.remove_watch(&a.name, &now_rfc3339()).map_err(|e| ctx.write_error(e))?;
            to_stdout(|out| {
                outln!(
                    out,
                    "watch {} is no longer monitored; its alerts are kept",
                    clean(&info.name)
                )?;
                Ok(())
            })
        }
    }
}

fn describe(item: &WatchItem) -> String {
    match &item.kind {
        WatchItemKind::Customer(c) => c.name.clone().unwrap_or_default(),
        WatchItemKind::Holding(h) => [&h.isin, &h.ticker, &h.issuer]
            .iter()
            .filter_map(|v| v.as_deref())
            .collect::<Vec<_>>()
            .join(" "),
        WatchItemKind::Invalid(why) => format!("(invalid: {why})"),
    }
}

/// Reads a watch file, stores it as the watch's next version and screens what is new in it.
fn put(
    ctx: &Ctx,
    store: &listwatch_store::Store,
    name: &str,
    kind: WatchKind,
    file: &Path,
    as_of: Option<&str>,
    json: bool,
) -> Result<()> {
    let as_of = match as_of {
        Some(value) => parse_date("--as-of", value)?,
        None => Date::today_utc(),
    };
    let items = match kind {
        WatchKind::Customers => read_customers(file)?,
        WatchKind::Holdings => crate::cli::portfolio::watched::read_items(file)?,
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let sha256: String =
        Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().concat();
    let stored = store
        .put_watch_version(NewWatchVersion {
            watch: name.to_string(),
            kind,
            source: file.display().to_string(),
            sha256,
            stored_at: now_rfc3339(),
            items,
        })
        .map_err(|e| match e {
            listwatch_store::Error::Invalid(why) => usage(why),
            other => ctx.write_error(other),
        })?;
    let Some((version, previous)) = stored else {
        return to_stdout(|out| {
            outln!(
                out,
                "watch {}: the file equals the current version; nothing stored",
                clean(name)
            )?;
            Ok(())
        });
    };
    let alerts = crate::cli::monitor::after_watch_version(
        ctx,
        store,
        name,
        version.version,
        &previous,
        as_of,
    )?;
    if json {
        return print_json(&serde_json::json!({
            "watch": name, "version": version, "new_alerts": alerts.len(),
        }));
    }
    to_stdout(|out| {
        outln!(
            out,
            "watch {} version {}: {} items ({} added, {} removed, {} changed)",
            clean(name),
            version.version,
            version.items,
            version.added,
            version.removed,
            version.changed
        )?;
        Ok(())
    })?;
    crate::cli::monitor::report_new(ctx, &alerts)
}

/// Reads a customers file (the batch screening format) into watch items; a line that cannot be
/// read is kept as an invalid item, so the ids stay stable.
fn read_customers(path: &Path) -> Result<Vec<WatchItem>> {
    let mut reader = QueryReader::open(path)?;
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while let Some(item) =
        reader.next_item().with_context(|| format!("cannot read {}", path.display()))?
    {
        let id = match &item.id {
            serde_json::Value::Null => format!("line-{}", item.line),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let id = if seen.insert(id.clone()) { id } else { format!("{id}#line-{}", item.line) };
        seen.insert(id.clone());
        let kind = match item.query.and_then(|input| input.to_query(&[])) {
            Ok(query) => WatchItemKind::Customer(Customer {
                name: query.name,
                schema: query.schema,
                birth_date: query.birth_date,
                countries: query.countries,
                gender: query.gender,
                identifiers: query
                    .identifiers
                    .into_iter()
                    .map(|i| identifier(i.kind, i.value, i.country))
                    .collect(),
            }),
            Err(why) => WatchItemKind::Invalid(why),
        };
        items.push(WatchItem { id, kind });
    }
    Ok(items)
}

fn identifier(kind: IdKind, value: String, country: Option<String>) -> Identifier {
    Identifier { kind, value, country, currency: None, label: String::new(), details: None }
}
