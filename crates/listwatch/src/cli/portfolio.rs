//! `listwatch portfolio check`: check a holdings file against the lists as of a day.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use serde::Serialize;

use listwatch_core::holdings::{Checker, Holding, Row, Verdict};
use listwatch_model::Date;
use listwatch_status::Question;

use super::{Ctx, parse_date};
use crate::catalog::{Catalog, ConsultationExt};
use crate::input::{CsvRecords, field_text};
use crate::output::{Table, print_json};
use crate::progress::Progress;

/// Check securities holdings against the lists.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: PortfolioCommand,
}

#[derive(Debug, Subcommand)]
enum PortfolioCommand {
    /// Check a holdings CSV (columns: any of isin, ticker, exchange, issuer, quantity) as of a day.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The holdings CSV, with a header row, read a row at a time (a row is at most 64 KiB; a
    /// bad row is `invalid` with its row number).
    holdings: PathBuf,
    /// The day to check [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// Use only the list versions published and the events recorded by this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    known_on: Option<String>,
    /// Write the results to a file: .csv, .jsonl, or .json (the same document as --json).
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    /// Exit with code 5 when any holding gets one of these verdicts (comma-separated: blocked,
    /// prohibited, suspended, pending, review, unknown, invalid, clear), after writing the report.
    #[arg(long, value_name = "VERDICTS", value_delimiter = ',')]
    fail_on: Vec<String>,
}

/// A holding as the JSON output shows it.
#[derive(Serialize)]
pub(crate) struct HoldingJson<'a> {
    row: u64,
    isin: &'a Option<String>,
    ticker: &'a Option<String>,
    status: &'static str,
    entity_id: &'a Option<String>,
    since: Option<Date>,
    divest_until: Option<Date>,
    rule: &'a Option<String>,
    reason: &'a str,
    sources: &'a [String],
}

impl<'a> From<&'a Holding> for HoldingJson<'a> {
    fn from(h: &'a Holding) -> HoldingJson<'a> {
        HoldingJson {
            row: h.row,
            isin: &h.isin,
            ticker: &h.ticker,
            status: h.status.as_str(),
            entity_id: &h.entity_id,
            since: h.since,
            divest_until: h.divest_until,
            rule: &h.rule,
            reason: &h.reason,
            sources: &h.sources,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Report<'a> {
    as_of: Date,
    known_on: Option<Date>,
    /// The lists the verdicts rest on, each with its version in force on `as_of`.
    consulted: Vec<serde_json::Value>,
    /// The lists without a version in force on `as_of` (or known by `known_on`), with why.
    not_consulted: Vec<serde_json::Value>,
    holdings: Vec<HoldingJson<'a>>,
}

/// Reads a holdings CSV a row at a time, in bounded memory: each row (at most `MAX_LINE_LEN`
/// bytes) is a [`Row`] or why it is unreadable, with its number (1 for the first row after the
/// header).
pub(crate) struct HoldingsReader<R> {
    records: CsvRecords<R>,
    columns: [Option<usize>; 5],
    n_rows: u64,
}

impl<R: BufRead> HoldingsReader<R> {
    /// Reads the header; `name` names the input in messages.
    pub(crate) fn new(reader: R, name: &str) -> Result<HoldingsReader<R>> {
        let mut records = CsvRecords::new(reader);
        let header = records
            .next_record()
            .with_context(|| format!("cannot read {name}"))?
            .with_context(|| format!("{name}: cannot read the header row: the file is empty"))?;
        let headers: Vec<String> = header
            .fields
            .map_err(|err| {
                anyhow::anyhow!("{name}:{}: cannot read the header row: {err}", header.line)
            })?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let columns = [
            column("isin"),
            column("ticker"),
            column("exchange"),
            column("issuer"),
            column("quantity"),
        ];
        if columns[0].is_none() && columns[1].is_none() && columns[3].is_none() {
            anyhow::bail!(
                "{name}:1: the header has none of the columns isin, ticker, issuer (found: {})",
                crate::input::excerpt(&headers.join(", "), 200)
            );
        }
        Ok(HoldingsReader { records, columns, n_rows: 0 })
    }

    /// The next row, or `None` at the end of the input.
    pub(crate) fn next_row(
        &mut self,
    ) -> std::io::Result<Option<(u64, std::result::Result<Row, String>)>> {
        let Some(record) = self.records.next_record()? else { return Ok(None) };
        self.n_rows += 1;
        let row = record.fields.and_then(|fields| {
            let names = ["isin", "ticker", "exchange", "issuer", "quantity"];
            let mut values: [Option<String>; 5] = Default::default();
            for ((value, col), name) in values.iter_mut().zip(self.columns).zip(names) {
                if let Some(bytes) = col.and_then(|c| fields.get(c)).filter(|v| !v.is_empty()) {
                    *value = Some(field_text(name, bytes)?);
                }
            }
            let [isin, ticker, exchange, issuer, quantity] = values;
            Ok(Row { isin, ticker, exchange, issuer, quantity })
        });
        Ok(Some((self.n_rows, row)))
    }
}

/// The JSON document of `portfolio check --json` (and of the server's `/portfolio/check`).
pub(crate) fn report<'a>(
    as_of: Date,
    known_on: Option<Date>,
    consultation: &listwatch_core::catalog::Consultation,
    holdings: &'a [Holding],
) -> Report<'a> {
    Report {
        as_of,
        known_on,
        consulted: consultation.consulted_json(),
        not_consulted: consultation.not_consulted_json(),
        holdings: holdings.iter().map(HoldingJson::from).collect(),
    }
}

/// Writes the report's holdings as CSV (the `--output x.csv` of `portfolio check`, and the
/// console's download).
pub(crate) fn write_csv(out: impl std::io::Write, report: &Report<'_>) -> Result<()> {
    let mut writer = crate::output::CsvOut::new(out);
    writer.row([
        "row",
        "isin",
        "ticker",
        "status",
        "entity_id",
        "since",
        "divest_until",
        "rule",
        "reason",
        "sources",
    ])?;
    for h in &report.holdings {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        writer.row([
            h.row.to_string(),
            h.isin.clone().unwrap_or_default(),
            h.ticker.clone().unwrap_or_default(),
            h.status.to_string(),
            h.entity_id.clone().unwrap_or_default(),
            date(h.since),
            date(h.divest_until),
            h.rule.clone().unwrap_or_default(),
            h.reason.to_string(),
            h.sources.join(" | "),
        ])?;
    }
    writer.flush()
}

fn write_output(path: &Path, holdings: &Path, report: &Report<'_>) -> Result<()> {
    use crate::output::{Format, OutputTarget, outln};
    let target = OutputTarget::resolve(
        "--output",
        path,
        None,
        &[Format::Csv, Format::Jsonl, Format::Json],
        Format::Json,
        &[holdings],
    )?;
    target.write(|out| match target.format {
        Format::Csv => write_csv(out, report),
        Format::Jsonl => {
            for h in &report.holdings {
                let text = serde_json::to_string(h)?;
                outln!(out, "{text}")?;
            }
            Ok(())
        }
        Format::Json => {
            let text = serde_json::to_string_pretty(report)?;
            outln!(out, "{text}")?;
            Ok(())
        }
    })
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let PortfolioCommand::Check(args) = args.command;
    let as_of = match &args.as_of {
        Some(value) => parse_date("--as-of", value)?,
        None => Date::today_utc(),
    };
    let known_on = args.known_on.as_deref().map(|v| parse_date("--known-on", v)).transpose()?;
    let fail_on: Vec<Verdict> = args
        .fail_on
        .iter()
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            Verdict::parse(v).ok_or_else(|| {
                let all: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
                crate::failure::usage(format!(
                    "--fail-on {v:?} is not a verdict; the verdicts are {}",
                    all.join(", ")
                ))
            })
        })
        .collect::<Result<_>>()?;
    let mut progress = Progress::new(ctx.quiet);
    progress.step("loading the lists");
    let store = ctx.open_existing()?;
    let regimes = ctx.regimes();
    let catalog = Catalog::load(&store)?;
    let consultation = catalog.consulted(as_of, known_on);
    progress.step(&format!("reading {}", args.holdings.display()));
    let name = args.holdings.display().to_string();
    let file =
        std::fs::File::open(&args.holdings).with_context(|| format!("cannot read {name}"))?;
    let mut rows = HoldingsReader::new(std::io::BufReader::with_capacity(1 << 16, file), &name)?;
    let mut checker =
        Checker::new(&store, &catalog, regimes, Question { as_of, known_on }, &consultation);
    let mut holdings = Vec::new();
    while let Some((row_number, row)) =
        rows.next_row().with_context(|| format!("cannot read {name}"))?
    {
        if row_number % 10_000 == 0 {
            progress.step(&format!("checking holdings: {row_number}"));
        }
        holdings.push(checker.check(row_number, row).map_err(crate::failure::from_core)?);
    }
    progress.finish();
    crate::audit::record_cli(
        ctx,
        &[crate::audit::portfolio_record(
            "cli",
            "portfolio check",
            Question { as_of, known_on },
            &consultation,
            &holdings,
        )],
    );
    let report = report(as_of, known_on, &consultation, &holdings);
    if let Some(path) = &args.output {
        write_output(path, &args.holdings, &report)?;
    }
    if args.json {
        print_json(&report)?;
    } else {
        print_summary(&holdings, &consultation, as_of, args.output.is_some())?;
    }
    let failing: Vec<&Holding> = holdings.iter().filter(|h| fail_on.contains(&h.status)).collect();
    if let Some(first) = failing.first() {
        return Err(crate::failure::found(format!(
            "{} holdings have a verdict named by --fail-on (the first: row {}, {})",
            failing.len(),
            first.row,
            first.status.as_str()
        )));
    }
    Ok(())
}

fn print_summary(
    holdings: &[Holding],
    consultation: &crate::catalog::Consultation,
    as_of: Date,
    to_file: bool,
) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let mut counts: std::collections::BTreeMap<Verdict, usize> = Default::default();
    for h in holdings {
        *counts.entry(h.status).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(v, n)| format!("{n} {}", v.as_str())).collect();
    writeln!(out, "{} holdings checked as of {as_of}: {}", holdings.len(), summary.join(", "))?;
    for line in consultation.describe() {
        writeln!(out, "  {line}")?;
    }
    if to_file {
        return Ok(());
    }
    let mut table = Table::new(&[
        "ROW",
        "ISIN",
        "TICKER",
        "STATUS",
        "ENTITY",
        "SINCE",
        "DIVEST UNTIL",
        "REASON",
    ]);
    for h in holdings.iter().filter(|h| h.status != Verdict::Clear).take(200) {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        table.row(vec![
            h.row.to_string(),
            h.isin.clone().unwrap_or_default(),
            h.ticker.clone().unwrap_or_default(),
            h.status.as_str().to_string(),
            h.entity_id.clone().unwrap_or_default(),
            date(h.since),
            date(h.divest_until),
            crate::output::ellipsize(&h.reason, 90),
        ]);
    }
    table.print(&mut out)
}

#[cfg(test)]
mod tests;

/// Checks the holdings of a watch as of a day, for monitoring: each holding's verdict, the
/// entity behind it and why. Also reads the rows of a holdings file into watch items.
pub(crate) mod watched {
    use super::*;
    use listwatch_model::{HoldingRow, WatchItem, WatchItemKind};
    use listwatch_monitor::HoldingView;

    /// The holdings of a portfolio CSV as watch items (id: the row number).
    pub(crate) fn read_items(path: &Path) -> Result<Vec<WatchItem>> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
        let mut rows =
            HoldingsReader::new(std::io::BufReader::with_capacity(1 << 16, file), &name)?;
        let mut items = Vec::new();
        while let Some((number, row)) =
            rows.next_row().with_context(|| format!("cannot read {name}"))?
        {
            let kind = match row {
                Ok(Row { isin, ticker, exchange, issuer, quantity }) => {
                    WatchItemKind::Holding(HoldingRow { isin, ticker, exchange, issuer, quantity })
                }
                Err(reason) => WatchItemKind::Invalid(reason),
            };
            items.push(WatchItem { id: number.to_string(), kind });
        }
        Ok(items)
    }

    /// The verdict on each holding among `items` as of `as_of`.
    pub(crate) fn check(
        ctx: &Ctx,
        store: &listwatch_store::Store,
        items: &[WatchItem],
        as_of: Date,
    ) -> Result<Vec<HoldingView>> {
        let catalog = Catalog::load(store)?;
        let consultation = catalog.consulted(as_of, None);
        let mut checker = Checker::new(
            store,
            &catalog,
            ctx.regimes(),
            Question { as_of, known_on: None },
            &consultation,
        );
        let mut views = Vec::new();
        for (idx, item) in items.iter().enumerate() {
            let WatchItemKind::Holding(h) = &item.kind else { continue };
            let row = Row {
                isin: h.isin.clone(),
                ticker: h.ticker.clone(),
                exchange: h.exchange.clone(),
                issuer: h.issuer.clone(),
                quantity: h.quantity.clone(),
            };
            let holding = checker.check(idx as u64 + 1, Ok(row))?;
            let entity_name = holding.entity_id.as_ref().and_then(|id| {
                catalog
                    .entries
                    .iter()
                    .find(|e| &e.entity_id() == id)
                    .map(|e| e.entity.primary_name().to_string())
            });
            views.push(HoldingView {
                item: item.id.clone(),
                verdict: holding.status.as_str().to_string(),
                entity: holding.entity_id,
                entity_name,
                since: holding.since,
                divest_until: holding.divest_until,
                reason: holding.reason,
                sources: holding.sources,
            });
        }
        Ok(views)
    }
}
