//! `listwatch audit`: read the audit log of decisions, and replay a recorded screening.

use anyhow::Result;

use super::{Ctx, parse_date};
use crate::audit::{AuditLog, replay};
use crate::failure::{found, no_match};
use crate::output::{Table, clean, outln, print_json, to_stdout};

/// Show the recorded decisions (screenings, status answers, holdings checks), oldest first, or
/// replay one.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Only the decisions made on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Only the decisions of this API key (its name; `cli` for the command line).
    #[arg(long, value_name = "NAME")]
    key: Option<String>,
    /// Print the records as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Recompute a recorded screening from the list versions and the matcher configuration it
    /// used, and show any difference (exit 5 when there is one).
    Replay {
        /// The record's id.
        id: String,
        /// Print the recorded and recomputed results as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let log = AuditLog::of(ctx)?;
    if let Some(Action::Replay { id, json }) = args.action {
        let Some(record) = log.find(&id)? else {
            return Err(no_match(format!("no record {} in the audit log", clean(&id))));
        };
        let store = ctx.open_existing()?;
        let replayed = replay(&store, &record)?;
        let same = replayed.recorded == replayed.recomputed;
        if json {
            print_json(&serde_json::json!({
                "id": record.id,
                "identical": same,
                "recorded": replayed.recorded,
                "recomputed": replayed.recomputed,
            }))?;
        } else {
            let versions: Vec<String> =
                record.list_versions.iter().map(|v| format!("{}@{}", v.list, v.version)).collect();
            to_stdout(|out| {
                outln!(
                    out,
                    "replayed {} ({}) against {}",
                    record.id,
                    record.endpoint,
                    versions.join(" ")
                )?;
                if same {
                    outln!(
                        out,
                        "identical: {} results",
                        replayed.recorded.as_array().map_or(0, Vec::len)
                    )?;
                } else {
                    outln!(out, "different:")?;
                    outln!(out, "  recorded:   {}", replayed.recorded)?;
                    outln!(out, "  recomputed: {}", replayed.recomputed)?;
                }
                Ok(())
            })?;
        }
        if !same {
            return Err(found(format!("the replay of {} differs from the record", record.id)));
        }
        return Ok(());
    }
    let since = args.since.as_deref().map(|v| parse_date("--since", v)).transpose()?;
    let records = log.read(since, args.key.as_deref())?;
    if args.json {
        return print_json(&records);
    }
    to_stdout(|out| {
        let mut table = Table::new(&["ID", "AT", "KEY", "ENDPOINT", "LISTS", "RESULTS"]);
        for record in &records {
            let versions: Vec<String> =
                record.list_versions.iter().map(|v| format!("{}@{}", v.list, v.version)).collect();
            let results = match serde_json::from_str(record.results.get()) {
                Ok(serde_json::Value::Array(items)) => format!("{} results", items.len()),
                _ => crate::output::ellipsize(record.results.get(), 60),
            };
            table.row(vec![
                record.id.clone(),
                record.at.clone(),
                record.key.clone(),
                record.endpoint.clone(),
                crate::output::ellipsize(&versions.join(" "), 40),
                results,
            ]);
        }
        table.print(out)
    })
}
