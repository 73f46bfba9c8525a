//! `listwatch timeline`: every dated step of an entity's life, past and scheduled.

use std::io::Write;

use anyhow::Result;

use super::{Ctx, parse_date, parse_entity_id};
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

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let id = parse_entity_id(&args.id)?;
    let known_on = args.known_on.as_deref().map(|v| parse_date("--known-on", v)).transpose()?;
    let store = ctx.open_existing()?;
    let regimes = ctx.regimes();
    let record = listwatch_status::known_on(&record(&store, &id.to_string())?, known_on);
    if record.observations.is_empty() && record.events.is_empty() {
        return Err(crate::failure::no_match(format!(
            "{id} is in no version of {} and has no recorded events",
            id.list
        )));
    }
    let steps = listwatch_status::timeline(&record, regimes);
    if args.json {
        return print_json(
            &serde_json::json!({"entity_id": id.to_string(), "known_on": known_on, "events": steps}),
        );
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
