//! `listwatch timeline`: every dated step of an entity's life, past and scheduled.

use std::io::Write;

use anyhow::Result;

use super::{Ctx, parse_date, parse_entity_id};
use listwatch_model::{Date, EntityId};

use crate::catalog::record;
use crate::output::{clean, print_json};

/// Show an entity's timeline: what the list versions show, the dates the list data and the
/// regimes give, and the recorded legal events, each with its source.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The entity id, `<list>:<id in the source>`.
    id: String,
    /// Use only the list versions published and the events known by this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    known_on: Option<String>,
    /// Print the timeline as JSON.
    #[arg(long)]
    json: bool,
}

/// The timeline of `id` with what was known on `known_on`; an entity in no version and with no
/// event is a no-match error.
pub(crate) fn steps(
    store: &listwatch_store::Store,
    regimes: &listwatch_status::Regimes,
    id: &EntityId,
    known_on: Option<Date>,
) -> Result<Vec<listwatch_status::TimelineEvent>> {
    let record = listwatch_status::known_on(&record(store, &id.to_string())?, known_on);
    if record.observations.is_empty() && record.events.is_empty() {
        return Err(crate::failure::no_match(format!(
            "{id} is in no version of {} and has no recorded events",
            id.list
        )));
    }
    Ok(listwatch_status::timeline(&record, regimes))
}

/// The JSON of `timeline --json` (and of `GET /entities/{id}/timeline`).
pub(crate) fn timeline_json(
    id: &EntityId,
    known_on: Option<Date>,
    steps: &[listwatch_status::TimelineEvent],
) -> serde_json::Value {
    serde_json::json!({"entity_id": id.to_string(), "known_on": known_on, "events": steps})
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let id = parse_entity_id(&args.id)?;
    let known_on = args.known_on.as_deref().map(|v| parse_date("--known-on", v)).transpose()?;
    let store = ctx.open_existing()?;
    let steps = steps(&store, ctx.regimes(), &id, known_on)?;
    if args.json {
        return print_json(&timeline_json(&id, known_on, &steps));
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{id}")?;
    for step in &steps {
        writeln!(
            out,
            "  {}  {:<26} {:<12} {}",
            step.date,
            step.kind,
            format!("[{}]", step.basis.as_str()),
            clean(&step.source)
        )?;
    }
    writeln!(
        out,
        "basis: designated = the list's own date; observed = seen in a publication (on or off the list by that day); rule = computed by a regime; recorded = a legal event"
    )?;
    Ok(())
}
