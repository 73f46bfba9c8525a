//! `listwatch status`: was an entity restricted on a day, under which rule, since when and until
//! when, and says who?

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use listwatch_model::Date;
use listwatch_status::{Basis, Question, Restriction, State, Status, status};

use super::{Ctx, parse_date};
use crate::catalog::{Catalog, Consultation, Found, record};
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
struct RestrictionJson<'a> {
    kind: &'a str,
    since: Date,
    until: Option<Date>,
    rule: &'a str,
    basis: Basis,
}

#[derive(Serialize)]
struct MatchJson<'a> {
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
struct OverallJson {
    state: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct StatusJson<'a> {
    query: &'a str,
    as_of: Date,
    known_on: Option<Date>,
    overall: OverallJson,
    consulted: Vec<serde_json::Value>,
    not_consulted: Vec<serde_json::Value>,
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

/// One answer from every list's: a restriction anywhere wins; otherwise `unknown` (a list that
/// could not be consulted may hold it) beats `removed` and `not-listed`.
///
/// An entity id asks about one list only; a name, ISIN or ticker asks about every list, so a list
/// that could not be consulted makes an answer without a listing `unknown`.
fn overall(
    answers: &[(String, String, Status)],
    consultation: &Consultation,
    by_id: bool,
) -> OverallJson {
    let states = answers.iter().map(|(_, _, s)| s.state);
    let unconsulted =
        if by_id || consultation.not_consulted.is_empty() { None } else { Some(State::Unknown) };
    let state = State::combine(states.chain(unconsulted)).unwrap_or(State::NotListed);
    let reason = match state {
        State::Unknown => {
            let mut reasons: Vec<String> = answers
                .iter()
                .filter_map(|(id, _, s)| s.reason.as_ref().map(|r| format!("{id}: {r}")))
                .collect();
            if !by_id {
                reasons.extend(consultation.not_consulted.iter().map(|(_, r)| r.clone()));
            }
            reasons.join("; ")
        }
        State::NotListed if answers.is_empty() => {
            "no list consulted holds anything that matches the query".to_string()
        }
        _ => {
            let ids: Vec<&str> = answers
                .iter()
                .filter(|(_, _, s)| s.state == state)
                .map(|(id, _, _)| id.as_str())
                .collect();
            format!("{}: {}", state.as_str(), ids.join(", "))
        }
    };
    OverallJson { state: state.as_str(), reason }
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let as_of = match &args.as_of {
        Some(value) => parse_date("--as-of", value)?,
        None => Date::today_utc(),
    };
    let known_on = args.known_on.as_deref().map(|v| parse_date("--known-on", v)).transpose()?;
    let store = ctx.open_existing()?;
    let regimes = ctx.regimes();
    let catalog = Catalog::load(&store)?;
    let consultation = catalog.consulted(as_of, known_on);
    let (found, how) = catalog.resolve(&args.query);
    let mut answers: Vec<(String, String, Status)> = Vec::new();
    for idx in found {
        let entry = &catalog.entries[idx];
        let entity_id = entry.entity_id();
        let answer = status(&record(&store, &entity_id)?, Question { as_of, known_on }, regimes);
        answers.push((entity_id, entry.list.to_string(), answer));
    }
    let by_id = how == Found::Id;
    let mut summary = overall(&answers, &consultation, by_id);
    if answers.is_empty()
        && let Ok(id) = listwatch_model::EntityId::parse(args.query.trim())
    {
        // An id the store does not know asks about one list only.
        summary = match consultation.consulted.iter().find(|(list, _)| *list == id.list) {
            Some((_, version)) => OverallJson {
                state: State::NotListed.as_str(),
                reason: format!(
                    "{id} is not in {} version {} (published {}), the version in force on {as_of}",
                    id.list, version.version, version.published
                ),
            },
            None => OverallJson {
                state: State::Unknown.as_str(),
                reason: consultation
                    .not_consulted
                    .iter()
                    .find(|(list, _)| *list == id.list)
                    .map_or(format!("the store holds no list named {}", id.list), |(_, r)| {
                        r.clone()
                    }),
            },
        };
    }
    if args.json {
        print_json(&StatusJson {
            query: &args.query,
            as_of,
            known_on,
            overall: summary,
            consulted: consultation.consulted_json(),
            not_consulted: consultation.not_consulted_json(),
            matches: answers
                .iter()
                .map(|(entity_id, list, s)| MatchJson {
                    entity_id,
                    list,
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
                })
                .collect(),
        })?;
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
