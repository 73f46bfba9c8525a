//! `listwatch event`: record legal events (court orders, delistings, licenses, notes) and list
//! them. Events are append-only; `--supersedes N` records a correction.

use anyhow::{Context, Result};
use clap::Subcommand;

use listwatch_core::events::{EventInput, check_event, entity_known};

use super::{Ctx, parse_entity_id};
use crate::failure::usage;
use crate::output::{Table, clean, print_json};

/// Record and list legal events about entities.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: EventCommand,
}

// Parsed once per process: the size of the larger variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum EventCommand {
    /// Record a legal event about an entity.
    Add(AddArgs),
    /// List the recorded events, of one entity or of all, superseded ones included.
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// The entity id, `<list>:<id in the source>`.
    id: String,
    /// What happened: injunction, stay, vacatur, delisting, relisting, general-license or note.
    #[arg(long)]
    kind: String,
    /// The date of the order, decision or notice.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: String,
    /// The date it takes effect [default: --date].
    #[arg(long, value_name = "YYYY-MM-DD")]
    effective: Option<String>,
    /// The citation: court, case number, document.
    #[arg(long)]
    citation: String,
    /// Where the source can be read.
    #[arg(long)]
    url: Option<String>,
    /// A restriction it affects, one the regimes know (blocked, purchase-prohibited,
    /// divestment-allowed-until, ...); repeat for several. None means all.
    #[arg(long, value_name = "RESTRICTION")]
    scope: Vec<String>,
    /// The day the event became known, when it is recorded after the fact: questions asked
    /// "as known on" a day count it from then [default: today, the day it is recorded].
    #[arg(long, value_name = "YYYY-MM-DD")]
    known_since: Option<String>,
    /// Record the event even though no version of its list has ever held the entity.
    #[arg(long)]
    allow_unknown_entity: bool,
    /// Who records it [default: $LISTWATCH_AUTHOR, else $USER].
    #[arg(long)]
    author: Option<String>,
    /// The number of an earlier event this one corrects.
    #[arg(long, value_name = "N")]
    supersedes: Option<u64>,
    /// Free text.
    #[arg(long)]
    note: Option<String>,
    /// Print the recorded event as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only the events of this entity.
    id: Option<String>,
    /// Print the events as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        EventCommand::Add(args) => add(ctx, args),
        EventCommand::List(args) => list(ctx, args),
    }
}

fn add(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let author = args
        .author
        .or_else(|| std::env::var("LISTWATCH_AUTHOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".to_string());
    let input = EventInput {
        entity: args.id,
        kind: args.kind,
        date: args.date,
        effective: args.effective,
        citation: args.citation,
        url: args.url,
        scope: args.scope,
        known_since: args.known_since,
        author,
        entered_at: crate::cli::import::now_rfc3339(),
        supersedes: args.supersedes,
        note: args.note,
    };
    let today = listwatch_model::Date::today_utc();
    let new_event =
        check_event(input, ctx.regimes(), today, &|field| format!("--{field}")).map_err(usage)?;
    let id = parse_entity_id(&new_event.entity)?;
    let kind = new_event.kind;
    let effective = new_event.effective;
    let store = if args.allow_unknown_entity {
        ctx.open_for_writing()?
    } else {
        ctx.open_existing_for_writing()?
    };
    if !entity_known(&store, &id)? {
        if !args.allow_unknown_entity {
            return Err(usage(format!(
                "{id} is in no version of {} in the store, and events are never deleted: check the id (`listwatch status NAME` finds it), or pass --allow-unknown-entity to record it all the same",
                id.list
            )));
        }
        if !args.json && !ctx.quiet {
            eprintln!(
                "listwatch: note: {id} is in no version of its list; the event is recorded all the same"
            );
        }
    }
    let event = store.add_event(new_event).map_err(|e| ctx.write_error(e))?;
    let alerts = crate::cli::monitor::recheck_holdings(
        ctx,
        &store,
        listwatch_model::Date::today_utc(),
        &format!("event {} ({kind})", event.id),
        &[format!("event:{}", event.id)],
        Some(&event.event.entity),
    )
    .context("the event is recorded, but re-checking the watched holdings failed; `listwatch monitor run` retries")?;
    if args.json {
        return print_json(&event);
    }
    crate::cli::monitor::report_new(ctx, &alerts)?;
    crate::output::to_stdout(|out| {
        crate::output::outln!(
            out,
            "recorded event {}: {} {} effective {} ({})",
            event.id,
            clean(&event.event.entity),
            kind,
            effective,
            clean(&event.event.citation)
        )?;
        Ok(())
    })
}

/// A legal event to record, as `POST /events` takes it (JSON); checked by the core's
/// `check_event`, as `event add` checks its flags.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventRequest {
    /// The entity id, `<list>:<id in the source>`.
    #[schema(pattern = "^[a-z0-9][a-z0-9._-]*:\\S")]
    pub(crate) entity: String,
    /// injunction, stay, vacatur, delisting, relisting, general-license or note.
    #[schema(pattern = "^(injunction|stay|vacatur|delisting|relisting|general-license|note)$")]
    pub(crate) kind: String,
    /// The date of the order, decision or notice (YYYY-MM-DD).
    #[schema(format = Date)]
    pub(crate) date: String,
    /// The date it takes effect, not before `date` [default: `date`].
    #[serde(default)]
    #[schema(format = Date)]
    pub(crate) effective: Option<String>,
    /// The citation: court, case number, document.
    #[schema(min_length = 1, pattern = "\\S")]
    pub(crate) citation: String,
    /// Where the source can be read.
    #[serde(default)]
    pub(crate) url: Option<String>,
    /// The restrictions it affects, ones the regimes know; none means all.
    #[serde(default)]
    pub(crate) scope: Vec<String>,
    /// The day the event became known, when it is recorded after the fact: not before `date`,
    /// not after today.
    #[serde(default)]
    #[schema(format = Date)]
    pub(crate) known_since: Option<String>,
    /// Record it even though no version of its list has ever held the entity.
    #[serde(default)]
    pub(crate) allow_unknown_entity: bool,
    /// Who records it [default: the API key's name].
    #[serde(default)]
    pub(crate) author: Option<String>,
    /// The number of an earlier event this one corrects.
    #[serde(default)]
    pub(crate) supersedes: Option<u64>,
    /// Free text.
    #[serde(default)]
    pub(crate) note: Option<String>,
}

/// Records `request` as `event add` records its flags (the same checks, through the core, with
/// the JSON field names in messages), then re-checks the watched holdings it touches. `caller`
/// is the author when the request names none.
pub(crate) fn record(
    ctx: &Ctx,
    request: EventRequest,
    caller: &str,
) -> Result<listwatch_model::LegalEvent> {
    let input = EventInput {
        entity: request.entity,
        kind: request.kind,
        date: request.date,
        effective: request.effective,
        citation: request.citation,
        url: request.url,
        scope: request.scope,
        known_since: request.known_since,
        author: request
            .author
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| caller.to_string()),
        entered_at: crate::cli::import::now_rfc3339(),
        supersedes: request.supersedes,
        note: request.note,
    };
    let today = listwatch_model::Date::today_utc();
    let new_event = check_event(input, ctx.regimes(), today, &|field| field.replace('-', "_"))
        .map_err(usage)?;
    let id = parse_entity_id(&new_event.entity)?;
    let store = ctx.open_existing_for_writing()?;
    if !request.allow_unknown_entity && !entity_known(&store, &id)? {
        return Err(usage(format!(
            "{id} is in no version of {} in the store, and events are never deleted: check the id, or send \"allow_unknown_entity\": true to record it all the same",
            id.list
        )));
    }
    let event = store.add_event(new_event).map_err(|e| ctx.write_error(e))?;
    crate::cli::monitor::recheck_holdings(
        ctx,
        &store,
        today,
        &format!("event {} ({})", event.id, event.event.kind),
        &[format!("event:{}", event.id)],
        Some(&event.event.entity),
    )
    .context("the event is recorded, but re-checking the watched holdings failed; `listwatch monitor run` retries")?;
    Ok(event)
}

/// The events of one entity (or of all), as `event list --json` prints them: each marked
/// `backfilled` when it was recorded after it became known.
pub(crate) fn events_json(
    store: &listwatch_store::Store,
    entity: Option<&str>,
) -> Result<Vec<serde_json::Value>> {
    store
        .events(entity)?
        .iter()
        .map(|e| {
            let mut value = serde_json::to_value(e)?;
            value["backfilled"] = serde_json::Value::Bool(e.is_backfilled());
            Ok(value)
        })
        .collect()
}

fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let entity = args.id.as_deref().map(parse_entity_id).transpose()?.map(|id| id.to_string());
    let store = ctx.open_existing()?;
    if args.json {
        return print_json(&events_json(&store, entity.as_deref())?);
    }
    let events = store.events(entity.as_deref())?;
    let superseded: Vec<u64> = events.iter().filter_map(|e| e.event.supersedes).collect();
    let mut table = Table::new(&[
        "ID",
        "ENTITY",
        "KIND",
        "DATE",
        "EFFECTIVE",
        "RECORDED",
        "BY",
        "CITATION",
        "NOTE",
    ]);
    for e in &events {
        let mut note = String::new();
        if let Some(n) = e.event.supersedes {
            note.push_str(&format!("corrects {n}"));
        }
        if superseded.contains(&e.id) {
            note.push_str("superseded");
        }
        if e.is_backfilled()
            && let Some(known) = e.event.known_since
        {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str(&format!("back-filled: known since {known}"));
        }
        table.row(vec![
            e.id.to_string(),
            e.event.entity.clone(),
            e.event.kind.to_string(),
            e.event.date.to_string(),
            e.event.effective.to_string(),
            e.event.entered_at.clone(),
            e.event.author.clone(),
            crate::output::ellipsize(&e.event.citation, 60),
            note,
        ]);
    }
    table.print(&mut std::io::stdout().lock())
}
