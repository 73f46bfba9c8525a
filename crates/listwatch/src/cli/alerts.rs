//! `listwatch alerts`: list, show, resolve and report the alerts monitoring raised.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use clap::Subcommand;
use serde_json::{Value, json};

use listwatch_model::{Alert, Decision, DecisionKind, NewDecision};

use super::{Ctx, parse_date};
use crate::cli::import::now_rfc3339;
use crate::failure::{no_match, usage};
use crate::output::{CsvOut, Table, clean, outln, print_json, to_stdout};

/// The alerts monitoring raised, and the review trail.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Option<AlertsCommand>,
    #[command(flatten)]
    list: ListArgs,
}

#[derive(Debug, Subcommand)]
enum AlertsCommand {
    /// One alert, with its decisions.
    Show(ShowArgs),
    /// Record a decision on an alert (append-only; --supersedes corrects an earlier one).
    Resolve(ResolveArgs),
    /// Every alert raised and every decision recorded in a period, for an auditor.
    Report(ReportArgs),
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only alerts raised on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Only alerts of this watch.
    #[arg(long, value_name = "NAME")]
    watch: Option<String>,
    /// Only open alerts (no decision, or escalated) or closed ones (true match, false positive).
    #[arg(long, value_enum)]
    state: Option<StateArg>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StateArg {
    Open,
    Closed,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// The alert's id.
    id: String,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct ResolveArgs {
    /// The alert's id.
    id: String,
    /// true-match, false-positive or escalated.
    #[arg(long)]
    decision: String,
    /// Why.
    #[arg(long)]
    reason: String,
    /// Who decides.
    #[arg(long)]
    by: String,
    /// The number of the earlier decision on this alert that this one corrects.
    #[arg(long, value_name = "N")]
    supersedes: Option<u64>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// The first day of the period.
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: String,
    /// The last day of the period.
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: String,
    /// csv or json.
    #[arg(long, value_enum, default_value = "json")]
    format: ReportFormat,
}

/// The effective decision of each alert: the latest that no later decision supersedes.
pub(crate) fn effective(decisions: &[Decision]) -> HashMap<String, &Decision> {
    let superseded: HashSet<u64> = decisions.iter().filter_map(|d| d.decision.supersedes).collect();
    let mut map: HashMap<String, &Decision> = HashMap::new();
    for d in decisions.iter().filter(|d| !superseded.contains(&d.id)) {
        map.insert(d.decision.alert.clone(), d);
    }
    map
}

pub(crate) fn is_open(decision: Option<&&Decision>) -> bool {
    decision.is_none_or(|d| d.decision.decision == DecisionKind::Escalated)
}

/// The JSON form of an alert (also the webhook body).
pub(crate) fn alert_json(alert: &Alert, decision: Option<&Decision>) -> Value {
    json!({
        "id": alert.id,
        "kind": alert.kind.as_str(),
        "watch": alert.watch,
        "watch_version": alert.watch_version,
        "item": alert.item,
        "item_label": alert.item_label,
        "entity": alert.entity,
        "entity_name": alert.entity_name,
        "change": alert.change,
        "sources": alert.sources,
        "score": alert.score,
        "verdict": alert.verdict,
        "explanation": alert.explanation,
        "day": alert.day,
        "created_at": alert.created_at,
        "state": if is_open(decision.as_ref()) { "open" } else { "closed" },
        "decision": decision.map(decision_json),
    })
}

pub(crate) fn decision_json(d: &Decision) -> Value {
    json!({
        "id": d.id,
        "alert": d.decision.alert,
        "decision": d.decision.decision.as_str(),
        "reason": d.decision.reason,
        "by": d.decision.by,
        "at": d.decision.at,
        "supersedes": d.decision.supersedes,
    })
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        None => list(ctx, args.list),
        Some(AlertsCommand::Show(a)) => {
            let store = ctx.open_existing()?;
            let alert = store.alert(&a.id).map_err(|e| no_match(e.to_string()))?;
            let decisions: Vec<Decision> =
                store.decisions()?.into_iter().filter(|d| d.decision.alert == a.id).collect();
            let current = effective(&decisions).get(&a.id).copied().cloned();
            if a.json {
                let mut value = alert_json(&alert, current.as_ref());
                value["decisions"] = decisions.iter().map(decision_json).collect();
                return print_json(&value);
            }
            to_stdout(|out| {
                outln!(out, "alert {} ({})", alert.id, alert.kind.as_str())?;
                outln!(out, "  watch:  {} version {}", clean(&alert.watch), alert.watch_version)?;
                outln!(out, "  item:   {} {}", clean(&alert.item), clean(&alert.item_label))?;
                if let Some(entity) = &alert.entity {
                    outln!(
                        out,
                        "  entity: {} {}",
                        clean(entity),
                        clean(alert.entity_name.as_deref().unwrap_or(""))
                    )?;
                }
                outln!(out, "  change: {}", clean(&alert.change))?;
                outln!(out, "  sources: {}", clean(&alert.sources.join(", ")))?;
                if let Some(score) = alert.score {
                    outln!(out, "  score:  {score:.4}")?;
                }
                for line in &alert.explanation {
                    outln!(out, "    {}", clean(line))?;
                }
                outln!(out, "  raised: {} (about {})", alert.created_at, alert.day)?;
                for d in &decisions {
                    outln!(
                        out,
                        "  decision {}: {} by {} at {}{}: {}",
                        d.id,
                        d.decision.decision.as_str(),
                        clean(&d.decision.by),
                        d.decision.at,
                        d.decision
                            .supersedes
                            .map_or(String::new(), |s| format!(" (supersedes {s})")),
                        clean(&d.decision.reason)
                    )?;
                }
                Ok(())
            })
        }
        Some(AlertsCommand::Resolve(a)) => {
            let decision = DecisionKind::parse(&a.decision).ok_or_else(|| {
                usage(format!(
                    "--decision {:?} is not one of true-match, false-positive, escalated",
                    a.decision
                ))
            })?;
            let store = ctx.open_existing_for_writing()?;
            let recorded = store
                .add_decision(NewDecision {
                    alert: a.id,
                    decision,
                    reason: a.reason,
                    by: a.by,
                    at: now_rfc3339(),
                    supersedes: a.supersedes,
                })
                .map_err(|e| match e {
                    listwatch_store::Error::NotFound(why) => no_match(why),
                    listwatch_store::Error::Invalid(why) => usage(why),
                    other => ctx.write_error(other),
                })?;
            to_stdout(|out| {
                outln!(
                    out,
                    "recorded decision {}: alert {} is {}",
                    recorded.id,
                    recorded.decision.alert,
                    recorded.decision.decision.as_str()
                )?;
                Ok(())
            })
        }
        Some(AlertsCommand::Report(a)) => report(ctx, a),
    }
}

fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let since = args.since.as_deref().map(|d| parse_date("--since", d)).transpose()?;
    let store = ctx.open_existing()?;
    let decisions = store.decisions()?;
    let effective = effective(&decisions);
    let alerts: Vec<Alert> = store
        .alerts()?
        .into_iter()
        .filter(|a| {
            since.is_none_or(|d| a.created_at.get(..10).unwrap_or("") >= d.to_string().as_str())
        })
        .filter(|a| args.watch.as_ref().is_none_or(|w| &a.watch == w))
        .filter(|a| match args.state {
            None => true,
            Some(StateArg::Open) => is_open(effective.get(&a.id)),
            Some(StateArg::Closed) => !is_open(effective.get(&a.id)),
        })
        .collect();
    if args.json {
        let values: Vec<Value> =
            alerts.iter().map(|a| alert_json(a, effective.get(&a.id).copied())).collect();
        return print_json(&values);
    }
    let mut table = Table::new(&["ID", "KIND", "WATCH", "ITEM", "ENTITY", "STATE", "CHANGE"]);
    for a in &alerts {
        table.row(vec![
            a.id.clone(),
            a.kind.as_str().to_string(),
            a.watch.clone(),
            crate::output::ellipsize(&a.item_label, 30),
            a.entity.clone().unwrap_or_default(),
            if is_open(effective.get(&a.id)) { "open" } else { "closed" }.to_string(),
            crate::output::ellipsize(&a.change, 70),
        ]);
    }
    to_stdout(|out| {
        outln!(out, "{} alerts", alerts.len())?;
        table.print(out)
    })
}

fn report(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    let from = parse_date("--from", &args.from)?.to_string();
    let to = parse_date("--to", &args.to)?.to_string();
    let store = ctx.open_existing()?;
    let in_period = |at: &str| {
        let day = at.get(..10).unwrap_or("");
        day >= from.as_str() && day <= to.as_str()
    };
    let decisions = store.decisions()?;
    let alerts: Vec<Alert> = store.alerts()?;
    let by_alert: HashMap<&str, Vec<&Decision>> =
        decisions.iter().fold(HashMap::new(), |mut map, d| {
            map.entry(d.decision.alert.as_str()).or_default().push(d);
            map
        });
    let effective = effective(&decisions);
    // Every alert raised in the period, and every alert decided in it.
    let chosen: Vec<&Alert> = alerts
        .iter()
        .filter(|a| {
            in_period(&a.created_at)
                || by_alert
                    .get(a.id.as_str())
                    .is_some_and(|ds| ds.iter().any(|d| in_period(&d.decision.at)))
        })
        .collect();
    match args.format {
        ReportFormat::Json => {
            let values: Vec<Value> = chosen
                .iter()
                .map(|a| {
                    let mut v = alert_json(a, effective.get(&a.id).copied());
                    v["decisions"] = by_alert
                        .get(a.id.as_str())
                        .map(|ds| ds.iter().map(|d| decision_json(d)).collect())
                        .unwrap_or(Value::Array(Vec::new()));
                    v
                })
                .collect();
            print_json(&json!({"from": from, "to": to, "alerts": values}))
        }
        ReportFormat::Csv => to_stdout(|out| {
            let mut writer = CsvOut::new(out);
            writer.row([
                "alert",
                "kind",
                "watch",
                "item",
                "item_label",
                "entity",
                "change",
                "score",
                "raised_at",
                "decision",
                "decision_kind",
                "reason",
                "by",
                "decided_at",
                "supersedes",
            ])?;
            for a in &chosen {
                let base = [
                    a.id.clone(),
                    a.kind.as_str().to_string(),
                    a.watch.clone(),
                    a.item.clone(),
                    a.item_label.clone(),
                    a.entity.clone().unwrap_or_default(),
                    a.change.clone(),
                    a.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
                    a.created_at.clone(),
                ];
                let ds = by_alert.get(a.id.as_str()).cloned().unwrap_or_default();
                if ds.is_empty() {
                    let mut row = base.to_vec();
                    row.extend(std::iter::repeat_n(String::new(), 6));
                    writer.row(row)?;
                }
                for d in ds {
                    let mut row = base.to_vec();
                    row.extend([
                        d.id.to_string(),
                        d.decision.decision.as_str().to_string(),
                        d.decision.reason.clone(),
                        d.decision.by.clone(),
                        d.decision.at.clone(),
                        d.decision.supersedes.map(|s| s.to_string()).unwrap_or_default(),
                    ]);
                    writer.row(row)?;
                }
            }
            writer.flush()
        }),
    }
}
