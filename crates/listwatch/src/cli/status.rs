//! `listwatch status`: was an entity restricted on a day, under which rule, since when and until
//! when, and says who?

use anyhow::Result;
use serde::Serialize;

use listwatch_model::Date;
use listwatch_status::{Question, Status, status};

use super::{Ctx, parse_date};
use crate::catalog::{Catalog, Found, record};
use crate::output::print_json;

/// Show the status of an entity on a day: not-listed, pending, restricted, suspended or removed,
/// with the restrictions in force and the chain of events that leads there.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// An entity id (ofac-sdn:306), an ISIN, a ticker (941 HK), or a name.
    query: String,
    /// The day the question is about [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// Answer with only the list versions published and the events recorded by this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    known_on: Option<String>,
    /// Print the answer as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct MatchJson<'a> {
    entity_id: &'a str,
    list: &'a str,
    name: &'a str,
    found_by: &'static str,
    state: &'static str,
    restrictions: Vec<serde_json::Value>,
    rules: &'a [String],
    listed_since: Option<Date>,
    suspended_by: Option<&'a str>,
    suspended_since: Option<Date>,
    removed_on: Option<Date>,
    events: &'a [listwatch_status::TimelineEvent],
}

#[derive(Serialize)]
struct StatusJson<'a> {
    query: &'a str,
    as_of: Date,
    known_on: Option<Date>,
    matches: Vec<MatchJson<'a>>,
}

pub(crate) fn found_by(found: Found) -> &'static str {
    match found {
        Found::Id => "entity_id",
        Found::Isin => "isin",
        Found::Ticker => "ticker",
        Found::Name => "name",
        Found::NameWords => "name_words",
    }
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let as_of = match &args.as_of {
        Some(value) => parse_date("--as-of", value)?,
        None => Date::today_utc(),
    };
    let known_on = args.known_on.as_deref().map(|v| parse_date("--known-on", v)).transpose()?;
    let store = ctx.open_existing()?;
    let regimes = ctx.regimes()?;
    let catalog = Catalog::load(&store)?;
    let (found, how) = catalog.resolve(&args.query);
    let mut answers: Vec<(String, String, Status)> = Vec::new();
    for idx in found {
        let entry = &catalog.entries[idx];
        let entity_id = entry.entity_id();
        let answer = status(&record(&store, &entity_id)?, Question { as_of, known_on }, &regimes);
        answers.push((entity_id, entry.list.to_string(), answer));
    }
    if args.json {
        return print_json(&StatusJson {
            query: &args.query,
            as_of,
            known_on,
            matches: answers
                .iter()
                .map(|(entity_id, list, s)| MatchJson {
                    entity_id,
                    list,
                    name: &s.name,
                    found_by: found_by(how),
                    state: s.state.as_str(),
                    restrictions: s
                        .restrictions
                        .iter()
                        .map(|r| serde_json::json!({"kind": r.kind, "since": r.since, "until": r.until, "rule": r.rule}))
                        .collect(),
                    rules: &s.rules,
                    listed_since: s.listed_since,
                    suspended_by: s.suspended_by.as_deref(),
                    suspended_since: s.suspended_since,
                    removed_on: s.removed_on,
                    events: &s.events,
                })
                .collect(),
        });
    }
    let known = known_on.map(|d| format!(", as known on {d}")).unwrap_or_default();
    if answers.is_empty() {
        println!("{}: nothing in the store matches (as of {as_of}{known})", args.query);
        return Ok(());
    }
    for (entity_id, _, answer) in &answers {
        print_status(entity_id, answer, as_of, &known);
    }
    Ok(())
}

/// Prints one status as a short paragraph.
pub(crate) fn print_status(entity_id: &str, answer: &Status, as_of: Date, known: &str) {
    println!("{}  ({entity_id})", answer.name);
    println!("  as of {as_of}{known}: {}", answer.state.as_str());
    for restriction in &answer.restrictions {
        match restriction.until {
            Some(until) => println!("    {} {until} (rule {})", restriction.kind, restriction.rule),
            None => println!(
                "    {} since {} (rule {})",
                restriction.kind, restriction.since, restriction.rule
            ),
        }
    }
    if let Some(citation) = &answer.suspended_by {
        println!("    held by: {citation}");
    }
    for event in &answer.events {
        println!("    {}  {:<26} {}", event.date, event.kind, event.source);
    }
}
