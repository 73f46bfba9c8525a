//! `listwatch status`: was an entity restricted on a day, under which rule, since when and until
//! when, and says who?

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use listwatch_core::status::StatusAnswer;
use listwatch_model::Date;
use listwatch_status::{Basis, Question, Restriction, Status};

use super::{Ctx, parse_date};
use crate::catalog::{Catalog, ConsultationExt, Found};
use crate::output::{clean, print_json};

/// Show the status of an entity on a day: not-listed, unknown, pending, restricted, suspended or
/// removed, with the restrictions in force, what each date rests on, the list versions the answer
/// rests on, and the chain of events that leads there.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// An entity id (ofac-sdn:306), an ISIN, a ticker (941 HK), or a name.
    query: String,
    /// The day the question is about [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// Answer with only the list versions published and the events known by this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    known_on: Option<String>,
    /// Print the answer as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
pub(crate) struct RestrictionJson<'a> {
    kind: &'a str,
    since: Date,
    until: Option<Date>,
    rule: &'a str,
    basis: Basis,
}

#[derive(Serialize)]
pub(crate) struct MatchJson<'a> {
    entity_id: &'a str,
    list: &'a str,
    name: &'a str,
    found_by: &'static str,
    state: &'static str,
    reason: Option<&'a str>,
    in_force: Option<serde_json::Value>,
    restrictions: Vec<RestrictionJson<'a>>,
    rules: &'a [String],
    listed_since: Option<Date>,
    listed_basis: Option<Basis>,
    listed_note: Option<&'a str>,
    suspended_by: Option<&'a str>,
    suspended_since: Option<Date>,
    removed_on: Option<Date>,
    events: &'a [listwatch_status::TimelineEvent],
}

#[derive(Serialize)]
pub(crate) struct OverallJson {
    state: &'static str,
    reason: String,
}

#[derive(Serialize)]
pub(crate) struct StatusJson<'a> {
    query: &'a str,
    as_of: Date,
    known_on: Option<Date>,
    overall: OverallJson,
    consulted: Vec<serde_json::Value>,
    not_consulted: Vec<serde_json::Value>,
    matches: Vec<MatchJson<'a>>,
    /// The matches that are one party on several lists: `{name, members, tied_by}`.
    groups: Vec<serde_json::Value>,
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

/// The JSON of `status --json` (and of the server's `/status`).
pub(crate) fn status_json<'a>(query: &'a str, answer: &'a StatusAnswer) -> StatusJson<'a> {
    let how = answer.found;
    StatusJson {
        query,
        as_of: answer.as_of,
        known_on: answer.known_on,
        overall: OverallJson {
            state: answer.overall.state.as_str(),
            reason: answer.overall.reason.clone(),
        },
        consulted: answer.consultation.consulted_json(),
        not_consulted: answer.consultation.not_consulted_json(),
        groups: answer
            .groups
            .iter()
            .map(
                |g| serde_json::json!({"name": g.name, "members": g.members, "tied_by": g.tied_by}),
            )
            .collect(),
        matches: answer
            .matches
            .iter()
            .map(|m| {
                let s = &m.status;
                MatchJson {
                    entity_id: &m.entity_id,
                    list: &m.list,
                    name: &s.name,
                    found_by: found_by(how),
                    state: s.state.as_str(),
                    reason: s.reason.as_deref(),
                    in_force: s.in_force.map(
                        |v| serde_json::json!({"version": v.version, "published": v.published}),
                    ),
                    restrictions: s
                        .restrictions
                        .iter()
                        .map(|r| RestrictionJson {
                            kind: &r.kind,
                            since: r.since,
                            until: r.until,
                            rule: &r.rule,
                            basis: r.basis,
                        })
                        .collect(),
                    rules: &s.rules,
                    listed_since: s.listed_since,
                    listed_basis: s.listed_basis,
                    listed_note: s.listed_note.as_deref(),
                    suspended_by: s.suspended_by.as_deref(),
                    suspended_since: s.suspended_since,
                    removed_on: s.removed_on,
                    events: &s.events,
                }
            })
            .collect(),
    }
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let as_of = match &args.as_of {
        Some(value) => parse_date("--as-of", value)?,
        None => Date::today_utc(),
    };
    let known_on = args.known_on.as_deref().map(|v| parse_date("--known-on", v)).transpose()?;
    let store = ctx.open_existing()?;
    let catalog = Catalog::load(&store)?;
    let answer = listwatch_core::status::answer(
        &store,
        &catalog,
        ctx.regimes(),
        &args.query,
        Question { as_of, known_on },
    )
    .map_err(crate::failure::from_core)?;
    crate::audit::record_cli(
        ctx,
        &[crate::audit::status_record(
            "cli",
            "status",
            &args.query,
            Question { as_of, known_on },
            &answer,
        )],
    );
    let StatusAnswer { matches, consultation, .. } = &answer;
    let by_id = answer.by_id();
    let summary =
        OverallJson { state: answer.overall.state.as_str(), reason: answer.overall.reason.clone() };
    let answers: Vec<(String, String, &Status)> =
        matches.iter().map(|m| (m.entity_id.clone(), m.list.clone(), &m.status)).collect();
    if args.json {
        print_json(&status_json(&args.query, &answer))?;
    } else {
        let known = known_on.map(|d| format!(", as known on {d}")).unwrap_or_default();
        let mut out = std::io::stdout().lock();
        if answers.is_empty() {
            writeln!(
                out,
                "{}: nothing in the store matches (as of {as_of}{known}): {} ({})",
                clean(&args.query),
                summary.state,
                clean(&summary.reason)
            )?;
            for line in consultation.describe() {
                writeln!(out, "  {}", clean(&line))?;
            }
        }
        for (entity_id, _, answer) in &answers {
            print_status(&mut out, entity_id, answer, as_of, &known)?;
        }
        for group in &answer.groups {
            writeln!(
                out,
                "one party: {} is {} (tied by {})",
                clean(&group.name),
                group.members.join(", "),
                clean(&group.tied_by.join("; "))
            )?;
        }
        if answers.len() > 1
            || (!by_id && !consultation.not_consulted.is_empty() && !answers.is_empty())
        {
            writeln!(out, "overall: {} ({})", summary.state, clean(&summary.reason))?;
            if !by_id {
                for (_, reason) in &consultation.not_consulted {
                    writeln!(out, "  not consulted: {}", clean(reason))?;
                }
            }
        }
    }
    if answers.is_empty() {
        return Err(crate::failure::no_match(format!(
            "{}: no entity in the store matches",
            args.query
        )));
    }
    Ok(())
}

/// A restriction in words, with what its date rests on.
pub(crate) fn restriction_words(restriction: &Restriction, note: Option<&str>) -> String {
    let Restriction { kind, since, until, rule, basis } = restriction;
    let when = match (until, basis) {
        (Some(until), _) => format!("divestment allowed until {until}"),
        (None, Basis::Designated) => format!("{kind} since {since} (the list's own date)"),
        (None, Basis::Observed) => match note {
            Some(note) => format!("{kind}, on the list by {since} ({note})"),
            None => format!("{kind}, on the list by {since}"),
        },
        (None, Basis::Rule) => format!("{kind} from {since} (computed by the rule)"),
        (None, Basis::Recorded) => format!("{kind} since {since} (a recorded event)"),
    };
    format!("{when} (rule {rule})")
}

/// Prints one status as a short paragraph.
pub(crate) fn print_status(
    out: &mut impl Write,
    entity_id: &str,
    answer: &Status,
    as_of: Date,
    known: &str,
) -> Result<()> {
    writeln!(out, "{}  ({})", clean(&answer.name), clean(entity_id))?;
    writeln!(out, "  as of {as_of}{known}: {}", answer.state.as_str())?;
    match (&answer.in_force, &answer.reason) {
        (_, Some(reason)) => writeln!(out, "    why unknown: {}", clean(reason))?,
        (Some(v), None) => {
            writeln!(out, "    rests on version {} (published {})", v.version, v.published)?
        }
        (None, None) => {}
    }
    if let (Some(since), Some(basis)) = (answer.listed_since, answer.listed_basis) {
        let words = match basis {
            Basis::Designated => format!("listed {since} (the list's own date)"),
            Basis::Observed => match &answer.listed_note {
                Some(note) => format!("on the list by {since} ({note})"),
                None => format!("on the list by {since}"),
            },
            Basis::Rule => format!("listed {since} (computed by a rule)"),
            Basis::Recorded => format!("listed again {since} (a recorded event)"),
        };
        writeln!(out, "    {}", clean(&words))?;
    }
    for restriction in &answer.restrictions {
        let words = restriction_words(restriction, answer.listed_note.as_deref());
        writeln!(out, "    {}", clean(&words))?;
    }
    if let Some(citation) = &answer.suspended_by {
        writeln!(out, "    held by: {}", clean(citation))?;
    }
    for event in &answer.events {
        writeln!(
            out,
            "    {}  {:<26} [{}] {}",
            event.date,
            event.kind,
            event.basis.as_str(),
            clean(&event.source)
        )?;
    }
    Ok(())
}
