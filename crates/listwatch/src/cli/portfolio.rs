//! `listwatch portfolio check`: check a holdings file against the lists as of a day.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use serde::Serialize;

use listwatch_model::{Date, IdKind, normalize_identifier, validate_identifier};
use listwatch_status::{Question, State, Status, status};

use super::{Ctx, parse_date};
use crate::catalog::{Catalog, record};
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

/// The verdict on one holding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Verdict {
    Blocked,
    Prohibited,
    Suspended,
    Pending,
    Review,
    Unknown,
    Invalid,
    Clear,
}

impl Verdict {
    const ALL: [Verdict; 8] = [
        Verdict::Blocked,
        Verdict::Prohibited,
        Verdict::Suspended,
        Verdict::Pending,
        Verdict::Review,
        Verdict::Unknown,
        Verdict::Invalid,
        Verdict::Clear,
    ];

    fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s.trim().to_ascii_lowercase())
    }

    fn as_str(self) -> &'static str {
        match self {
            Verdict::Blocked => "blocked",
            Verdict::Prohibited => "prohibited",
            Verdict::Suspended => "suspended",
            Verdict::Pending => "pending",
            Verdict::Review => "review",
            Verdict::Unknown => "unknown",
            Verdict::Invalid => "invalid",
            Verdict::Clear => "clear",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
struct Holding {
    row: u64,
    isin: Option<String>,
    ticker: Option<String>,
    status: Verdict,
    entity_id: Option<String>,
    since: Option<Date>,
    divest_until: Option<Date>,
    rule: Option<String>,
    reason: String,
    sources: Vec<String>,
}

impl Holding {
    /// A verdict with no listed entity behind it.
    fn unlisted(
        row: u64,
        isin: Option<String>,
        ticker: Option<String>,
        status: Verdict,
        reason: String,
    ) -> Holding {
        Holding {
            row,
            isin,
            ticker,
            status,
            entity_id: None,
            since: None,
            divest_until: None,
            rule: None,
            reason,
            sources: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    as_of: Date,
    known_on: Option<Date>,
    /// The lists the verdicts rest on, each with its version in force on `as_of`.
    consulted: Vec<serde_json::Value>,
    /// The lists without a version in force on `as_of` (or known by `known_on`), with why.
    not_consulted: Vec<serde_json::Value>,
    holdings: &'a [Holding],
}

/// A holdings row as read: the columns the check uses.
#[derive(Debug, Default)]
struct Row {
    isin: Option<String>,
    ticker: Option<String>,
    exchange: Option<String>,
    issuer: Option<String>,
    quantity: Option<String>,
}

/// Maps an exchange as users write it (a MIC, a common name, or a country code) to the country
/// code OFAC's `Equity Ticker` items use.
fn exchange_country(exchange: &str) -> String {
    let upper = exchange.trim().to_ascii_uppercase();
    let country = match upper.as_str() {
        "XNYS" | "NYSE" | "XNAS" | "NASDAQ" | "ARCX" | "BATS" | "OTC" | "XOTC" | "UN" | "UW"
        | "UQ" => "US",
        "XHKG" | "HKEX" | "SEHK" | "HKG" => "HK",
        "XSHG" | "SSE" | "XSHE" | "SZSE" | "CH" | "CG" | "CS" => "CN",
        "XETR" | "XFRA" | "FWB" | "GR" | "GY" => "DE",
        "XLON" | "LSE" | "LN" => "GB",
        "XSES" | "SGX" | "SP" => "SG",
        _ => return upper,
    };
    country.to_string()
}

/// Reads a holdings CSV a row at a time, in bounded memory: each row (at most `MAX_LINE_LEN`
/// bytes) is a [`Row`] or why it is unreadable, with its number (1 for the first row after the
/// header).
struct HoldingsReader<R> {
    records: CsvRecords<R>,
    columns: [Option<usize>; 5],
    n_rows: u64,
}

impl<R: BufRead> HoldingsReader<R> {
    /// Reads the header; `name` names the input in messages.
    fn new(reader: R, name: &str) -> Result<HoldingsReader<R>> {
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
    fn next_row(&mut self) -> std::io::Result<Option<(u64, std::result::Result<Row, String>)>> {
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

/// Turns an entity's status into a holding verdict.
fn verdict_of(answer: &Status) -> (Verdict, Option<Date>, Option<Date>) {
    let since = |kind: &str| answer.restrictions.iter().find(|r| r.kind == kind).map(|r| r.since);
    let divest = answer
        .restrictions
        .iter()
        .find(|r| r.kind == "divestment-allowed-until")
        .and_then(|r| r.until);
    match answer.state {
        State::Restricted if since("blocked").is_some() => {
            (Verdict::Blocked, since("blocked"), None)
        }
        State::Restricted if since("purchase-prohibited").is_some() => {
            (Verdict::Prohibited, since("purchase-prohibited"), divest)
        }
        // Other restrictions (sectoral directives and the like) depend on the instrument.
        State::Restricted => (Verdict::Review, answer.restrictions.first().map(|r| r.since), None),
        State::Pending => (
            Verdict::Pending,
            since("purchase-prohibited").or(answer.restrictions.first().map(|r| r.since)),
            divest,
        ),
        State::Suspended => (Verdict::Suspended, answer.listed_since, None),
        State::Unknown => (Verdict::Unknown, None, None),
        State::NotListed | State::Removed => (Verdict::Clear, None, None),
    }
}

struct Checker<'a> {
    ctx_store: &'a listwatch_store::Store,
    catalog: &'a Catalog,
    regimes: &'a listwatch_status::Regimes,
    question: Question,
    /// Why no verdict can be `clear`: the lists without a version in force on the day.
    unconsulted: Vec<String>,
    cache: HashMap<usize, Status>,
}

impl Checker<'_> {
    fn status_of(&mut self, idx: usize) -> Result<&Status> {
        if !self.cache.contains_key(&idx) {
            let entity_id = self.catalog.entries[idx].entity_id();
            let answer = status(&record(self.ctx_store, &entity_id)?, self.question, self.regimes);
            self.cache.insert(idx, answer);
        }
        Ok(&self.cache[&idx])
    }

    /// The most severe verdict among the entities a holding points at.
    fn judge(
        &mut self,
        found: &[usize],
        how: &str,
        row: u64,
        isin: Option<String>,
        ticker: Option<String>,
    ) -> Result<Holding> {
        let mut best: Option<Holding> = None;
        for &idx in found {
            let entity_id = self.catalog.entries[idx].entity_id();
            let answer = self.status_of(idx)?.clone();
            let (verdict, since, divest_until) = verdict_of(&answer);
            let reason = match verdict {
                Verdict::Unknown => format!(
                    "{how} {} ({entity_id}): {}",
                    answer.name,
                    answer.reason.clone().unwrap_or_default()
                ),
                Verdict::Clear => format!(
                    "{how} {} ({entity_id}), which is {} as of {}",
                    answer.name,
                    answer.state.as_str(),
                    self.question.as_of
                ),
                Verdict::Suspended => format!(
                    "{how} {} ({entity_id}); restrictions held by {}",
                    answer.name,
                    answer.suspended_by.clone().unwrap_or_default()
                ),
                _ => format!(
                    "{how} {} ({entity_id}), {} as of {}",
                    answer.name,
                    answer.state.as_str(),
                    self.question.as_of
                ),
            };
            let holding = Holding {
                row,
                isin: isin.clone(),
                ticker: ticker.clone(),
                status: verdict,
                entity_id: Some(entity_id),
                since,
                divest_until,
                rule: answer.rules.first().cloned(),
                reason,
                sources: answer
                    .events
                    .iter()
                    .map(|e| format!("{} {}: {}", e.date, e.kind, e.source))
                    .collect(),
            };
            if best.as_ref().is_none_or(|b| holding.status < b.status) {
                best = Some(holding);
            }
        }
        let best = best.unwrap_or_else(|| {
            Holding::unlisted(
                row,
                isin,
                ticker,
                Verdict::Clear,
                "not on any list in the store".to_string(),
            )
        });
        Ok(self.unless_unconsulted(best))
    }

    /// A `clear` verdict needs every list consulted: a list without a version in force on the
    /// day may hold the security, so the verdict is `unknown` instead.
    fn unless_unconsulted(&self, mut holding: Holding) -> Holding {
        if holding.status == Verdict::Clear && !self.unconsulted.is_empty() {
            holding.status = Verdict::Unknown;
            holding.reason = format!("{}; but {}", holding.reason, self.unconsulted.join("; "));
        }
        holding
    }

    fn check(&mut self, row_number: u64, row: std::result::Result<Row, String>) -> Result<Holding> {
        let invalid =
            |row: u64, isin: Option<String>, ticker: Option<String>, reason: String| Holding {
                row,
                isin,
                ticker,
                status: Verdict::Invalid,
                entity_id: None,
                since: None,
                divest_until: None,
                rule: None,
                reason,
                sources: Vec::new(),
            };
        let row = match row {
            Ok(row) => row,
            Err(reason) => return Ok(invalid(row_number, None, None, reason)),
        };
        if let Some(quantity) = &row.quantity
            && quantity.replace([',', '_'], "").parse::<f64>().is_err()
        {
            return Ok(invalid(
                row_number,
                row.isin,
                row.ticker,
                format!("quantity {quantity:?} is not a number"),
            ));
        }
        if let Some(raw) = &row.isin {
            let isin = normalize_identifier(IdKind::Isin, raw);
            if let Err(err) = validate_identifier(IdKind::Isin, &isin) {
                return Ok(invalid(row_number, row.isin.clone(), row.ticker, err.to_string()));
            }
            let found = self.catalog.by_isin(&isin).to_vec();
            if !found.is_empty() {
                return self.judge(&found, "ISIN of", row_number, Some(isin), row.ticker);
            }
        }
        if let Some(ticker) = &row.ticker {
            let country = row.exchange.as_deref().map(exchange_country);
            let found = self.catalog.by_ticker(ticker, country.as_deref()).to_vec();
            if !found.is_empty() {
                return self.judge(&found, "ticker of", row_number, row.isin, Some(ticker.clone()));
            }
        }
        if let Some(issuer) = &row.issuer {
            let (found, _) = self.catalog.by_name(issuer);
            if !found.is_empty() {
                // A name alone never decides: a person must look.
                let mut holding =
                    self.judge(&found, "issuer name resembles", row_number, row.isin, row.ticker)?;
                if holding.status != Verdict::Clear {
                    holding.reason = format!(
                        "{}; matched by issuer name only, so a person must review it (the listed status would be {})",
                        holding.reason,
                        holding.status.as_str()
                    );
                    holding.status = Verdict::Review;
                    holding.since = None;
                    holding.divest_until = None;
                }
                return Ok(holding);
            }
        }
        if row.isin.is_none() && row.ticker.is_none() && row.issuer.is_none() {
            return Ok(invalid(
                row_number,
                None,
                None,
                "the row has no isin, ticker or issuer".to_string(),
            ));
        }
        Ok(self.unless_unconsulted(Holding::unlisted(
            row_number,
            row.isin.map(|i| normalize_identifier(IdKind::Isin, &i)),
            row.ticker,
            Verdict::Clear,
            "no list consulted names this security or issuer".to_string(),
        )))
    }
}

fn write_output(path: &Path, holdings: &Path, report: &Report<'_>) -> Result<()> {
    use crate::output::{CsvOut, Format, OutputTarget, outln};
    let target = OutputTarget::resolve(
        "--output",
        path,
        None,
        &[Format::Csv, Format::Jsonl, Format::Json],
        Format::Json,
        &[holdings],
    )?;
    target.write(|out| match target.format {
        Format::Csv => {
            let mut writer = CsvOut::new(out);
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
            for h in report.holdings {
                let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
                writer.row([
                    h.row.to_string(),
                    h.isin.clone().unwrap_or_default(),
                    h.ticker.clone().unwrap_or_default(),
                    h.status.as_str().to_string(),
                    h.entity_id.clone().unwrap_or_default(),
                    date(h.since),
                    date(h.divest_until),
                    h.rule.clone().unwrap_or_default(),
                    h.reason.clone(),
                    h.sources.join(" | "),
                ])?;
            }
            writer.flush()
        }
        Format::Jsonl => {
            for h in report.holdings {
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
    let mut checker = Checker {
        ctx_store: &store,
        catalog: &catalog,
        regimes,
        question: Question { as_of, known_on },
        unconsulted: consultation.not_consulted.iter().map(|(_, reason)| reason.clone()).collect(),
        cache: HashMap::new(),
    };
    let mut holdings = Vec::new();
    while let Some((row_number, row)) =
        rows.next_row().with_context(|| format!("cannot read {name}"))?
    {
        if row_number % 10_000 == 0 {
            progress.step(&format!("checking holdings: {row_number}"));
        }
        holdings.push(checker.check(row_number, row)?);
    }
    progress.finish();
    let report = Report {
        as_of,
        known_on,
        consulted: consultation.consulted_json(),
        not_consulted: consultation.not_consulted_json(),
        holdings: &holdings,
    };
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
        let mut checker = Checker {
            ctx_store: store,
            catalog: &catalog,
            regimes: ctx.regimes(),
            question: Question { as_of, known_on: None },
            unconsulted: consultation
                .not_consulted
                .iter()
                .map(|(_, reason)| reason.clone())
                .collect(),
            cache: HashMap::new(),
        };
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
