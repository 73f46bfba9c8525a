//! `listwatch history`: the life of one entity across every version of its list.

use anyhow::Result;
use serde::Serialize;

use listwatch_model::FieldChange;
use listwatch_store::HistoryChange;

use super::{Ctx, parse_entity_id};
use crate::failure::no_match;
use crate::output::{outln, print_json, to_stdout};

/// Show every version in which an entity was added, changed, removed or listed again.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The entity id, `<list>:<id in the source>` (e.g. ofac-sdn:306).
    id: String,
    /// Print the history as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
pub(crate) struct StepJson<'a> {
    version: u32,
    published: String,
    imported_at: &'a str,
    change: &'static str,
    fields: &'a [FieldChange],
}

#[derive(Serialize)]
pub(crate) struct HistoryJson<'a> {
    id: String,
    list: &'a str,
    steps: Vec<StepJson<'a>>,
    /// The legal events recorded about the entity, superseded ones included.
    events: &'a [listwatch_model::LegalEvent],
}

/// The history of `id` and its events; an entity in no version and with no event is a no-match
/// error.
pub(crate) fn gather(
    store: &listwatch_store::Store,
    id: &listwatch_model::EntityId,
) -> Result<(Vec<listwatch_store::HistoryStep>, Vec<listwatch_model::LegalEvent>)> {
    let events = store.events(Some(&id.to_string()))?;
    let steps = match store.history(&id.list, &id.source_id) {
        Ok(steps) => steps,
        // An entity known only through recorded events still has a history.
        Err(listwatch_store::Error::NotFound(_)) if !events.is_empty() => Vec::new(),
        Err(listwatch_store::Error::NotFound(what)) => {
            return Err(no_match(format!("{id}: {what}")));
        }
        Err(err) => return Err(err.into()),
    };
    Ok((steps, events))
}

/// The JSON of `history --json` (and of `GET /entities/{id}/history`).
pub(crate) fn history_json<'a>(
    id: &'a listwatch_model::EntityId,
    steps: &'a [listwatch_store::HistoryStep],
    events: &'a [listwatch_model::LegalEvent],
) -> HistoryJson<'a> {
    HistoryJson {
        id: id.to_string(),
        list: id.list.as_str(),
        steps: steps
            .iter()
            .map(|step| {
                let (change, fields) = describe(&step.change);
                StepJson {
                    version: step.version.version,
                    published: step.version.published.to_string(),
                    imported_at: &step.version.imported_at,
                    change,
                    fields,
                }
            })
            .collect(),
        events,
    }
}

fn describe(change: &HistoryChange) -> (&'static str, &[FieldChange]) {
    match change {
        HistoryChange::Added => ("added", &[]),
        HistoryChange::Relisted => ("relisted", &[]),
        HistoryChange::Removed => ("removed", &[]),
        HistoryChange::Changed { fields } => ("changed", fields.as_slice()),
    }
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let id = parse_entity_id(&args.id)?;
    let store = ctx.open_existing()?;
    let (steps, events) = gather(&store, &id)?;
    if args.json {
        return print_json(&history_json(&id, &steps, &events));
    }
    to_stdout(|out| {
        outln!(out, "{id}")?;
        for step in &steps {
            let (change, fields) = describe(&step.change);
            outln!(
                out,
                "  version {:>4}  published {}  {change}",
                step.version.version,
                step.version.published
            )?;
            for field in fields {
                super::diff::print_field_change(out, "      ", field)?;
            }
        }
        Ok(())
    })
}
