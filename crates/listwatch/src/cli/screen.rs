//! `listwatch screen`: screen one name (and its identifiers, date of birth, countries) against the
//! current version of every list, or a file of queries by the million.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use listwatch_core::screening::ScreenedList;
use listwatch_matcher::{Index, MatcherConfig, ScreenResponse};
use listwatch_model::IdKind;

use super::Ctx;
use crate::failure::{found, usage};
use crate::input::{CsvRecords, Lines, field_text};
use crate::limits::{BATCH_CHUNK, MAX_LINE_LEN};
use crate::output::{CsvOut, Format, OutputTarget, Table, outln, print_json, to_stdout};
use crate::progress::Progress;

/// Screen a name, identifiers or a file of queries against the current version of every list.
///
/// Identifiers are TYPE=VALUE (isin=US16941M1099, imo=9187629); for documents with an issuing
/// country, TYPE:CC=VALUE (passport:RU=4005504207).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The name to screen, in any script and order (at most 1,000 characters).
    name: Option<String>,
    /// What the party is: Person, Organization, Company, Vessel, Aircraft or Security.
    #[arg(long)]
    schema: Option<String>,
    /// Date of birth or of establishment: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    dob: Option<String>,
    /// A country (ISO code or name) of nationality, citizenship, address or jurisdiction; repeat
    /// for several.
    #[arg(long, value_name = "CC")]
    country: Vec<String>,
    /// Gender: male or female.
    #[arg(long)]
    gender: Option<String>,
    /// An identifier, TYPE=VALUE or TYPE:CC=VALUE; repeat for several.
    #[arg(long = "id", value_name = "TYPE=VALUE")]
    ids: Vec<String>,
    /// Only this list; repeat for several [default: every list].
    #[arg(long = "list", value_name = "NAME")]
    lists: Vec<String>,
    /// The score from which a result is a match [default: the matcher's documented threshold].
    #[arg(long, value_name = "F")]
    threshold: Option<f64>,
    /// At most this many results per query.
    #[arg(long, value_name = "N", default_value_t = 10)]
    limit: usize,
    /// Batch mode: a CSV (with a header) or JSONL file of queries, read a line at a time. A
    /// line that cannot be read (invalid UTF-8, a wrong field, over 64 KiB) becomes an error
    /// line with its number; when no line can be read the exit code is 1.
    #[arg(long, value_name = "FILE", requires = "output", conflicts_with = "name")]
    input: Option<PathBuf>,
    /// Batch mode: where to write the results (`-`: standard output); the format comes from the
    /// name (.jsonl or .ndjson, .csv) or --format.
    #[arg(long, value_name = "FILE", requires = "input")]
    output: Option<PathBuf>,
    /// Batch mode: the format of --output, whatever its name.
    #[arg(long, value_enum, requires = "output")]
    format: Option<Format>,
    /// Exit with code 5 when any query has a result at or above the threshold (after writing all
    /// the output).
    #[arg(long)]
    fail_on_match: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) use listwatch_core::query::{IdentifierInput, OneOrMany, QueryInput};

/// Parses `TYPE=VALUE` or `TYPE:CC=VALUE`.
fn parse_id_flag(text: &str) -> Result<IdentifierInput> {
    let (kind, value) =
        text.split_once('=').ok_or_else(|| usage(format!("--id {text:?}: expected TYPE=VALUE")))?;
    let (kind, country) = match kind.split_once(':') {
        Some((kind, country)) => (kind, Some(country.to_string())),
        None => (kind, None),
    };
    if kind.trim().is_empty() {
        return Err(usage(format!("--id {text:?}: expected TYPE=VALUE, with a type")));
    }
    Ok(IdentifierInput { kind: kind.to_string(), value: value.to_string(), country })
}

/// A list version a screening ran against, as the JSON output shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ScreenedListJson {
    list: String,
    version: u32,
    published: listwatch_model::Date,
    coverage: listwatch_model::Coverage,
    lacks: Vec<&'static str>,
}

impl From<&ScreenedList> for ScreenedListJson {
    fn from(l: &ScreenedList) -> ScreenedListJson {
        ScreenedListJson {
            list: l.list.clone(),
            version: l.version,
            published: l.published,
            coverage: l.coverage,
            lacks: l.lacks.clone(),
        }
    }
}

/// Builds the index over the current version of every list (or of the given lists): the newest
/// version that is not retracted. A list whose every version is retracted is left out, with a
/// warning.
pub(crate) fn build_index(
    ctx: &Ctx,
    config: &MatcherConfig,
    lists: &[String],
    progress: &mut Progress,
) -> Result<(Index, Vec<ScreenedList>)> {
    let store = ctx.open_existing()?;
    let screening = listwatch_core::screening::build_index(&store, config, lists, &mut |step| {
        progress.step(step)
    })
    .map_err(|err| match err {
        listwatch_core::Error::UnknownList(list) => {
            usage(format!("--list {list}: no such list in the store"))
        }
        other => crate::failure::from_core(other),
    })?;
    if !ctx.quiet {
        for list in &screening.all_retracted {
            eprintln!(
                "listwatch: warning: every version of {list} is retracted; it is not screened"
            );
        }
    }
    Ok((screening.index, screening.lists))
}

pub(crate) fn config_with(threshold: Option<f64>) -> Result<MatcherConfig> {
    let mut config = MatcherConfig::default();
    if let Some(threshold) = threshold {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(usage(format!("--threshold must be between 0 and 1, not {threshold}")));
        }
        config.threshold = threshold;
    }
    Ok(config)
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let config = config_with(args.threshold)?;
    if args.limit == 0 {
        return Err(usage("--limit must be at least 1"));
    }
    if let (Some(input), Some(output)) = (&args.input, &args.output) {
        let target = OutputTarget::resolve(
            "--output",
            output,
            args.format,
            &[Format::Jsonl, Format::Csv],
            Format::Jsonl,
            &[input.as_path()],
        )?;
        let n_matched = batch(ctx, &config, &args.lists, args.limit, input, &target)?;
        if args.fail_on_match && n_matched > 0 {
            return Err(found(format!(
                "{n_matched} {} a result at or above the threshold {}",
                if n_matched == 1 { "query has" } else { "queries have" },
                config.threshold
            )));
        }
        return Ok(());
    }
    let input = QueryInput {
        name: args.name.clone(),
        schema: args.schema.clone(),
        birth_date: args.dob.clone(),
        countries: Some(args.country.clone()),
        gender: args.gender.clone(),
        identifiers: args.ids.iter().map(|i| parse_id_flag(i)).collect::<Result<_>>()?,
        ..QueryInput::default()
    };
    let query = input.to_query(&args.lists).map_err(usage)?;
    let warnings = input.warnings();
    let mut progress = Progress::new(ctx.quiet);
    let (index, screened) = build_index(ctx, &config, &args.lists, &mut progress)?;
    progress.finish();
    let response = index.screen_response(&query, args.limit);
    crate::audit::record_cli(
        ctx,
        &[screen_record(
            "cli",
            "screen",
            serde_json::to_value(&input)?,
            &index,
            &query,
            args.limit,
            &response.results,
        )],
    );
    if args.json {
        // The matcher's list versions, with their publication dates and what each lacks.
        let mut value = serde_json::to_value(&response)?;
        let screened: Vec<ScreenedListJson> = screened.iter().map(Into::into).collect();
        value["list_versions"] = serde_json::to_value(&screened)?;
        if !warnings.is_empty() {
            value["warnings"] = serde_json::to_value(&warnings)?;
        }
        print_json(&value)?;
    } else {
        for warning in &warnings {
            eprintln!("listwatch: warning: {}", crate::output::clean(warning));
        }
        to_stdout(|out| print_response(out, &response, &screened))?;
    }
    if args.fail_on_match && response.results.iter().any(|r| r.is_match) {
        return Err(found(format!(
            "a result is at or above the threshold {}",
            response.matcher.threshold
        )));
    }
    Ok(())
}

fn print_response(
    out: &mut crate::output::Stdout,
    response: &ScreenResponse,
    screened: &[ScreenedList],
) -> Result<()> {
    let versions: Vec<String> =
        response.list_versions.iter().map(|v| format!("{} v{}", v.list, v.version)).collect();
    for list in screened.iter().filter(|l| !l.lacks.is_empty()) {
        outln!(
            out,
            "warning: {} version {} (published {}) lacks {}: a name known only from them cannot match",
            list.list,
            list.version,
            list.published,
            list.lacks.join(" and ")
        )?;
    }
    outln!(
        out,
        "screened against {} with {} (config {}, threshold {})",
        versions.join(", "),
        response.matcher.version,
        &response.matcher.config_hash[..12.min(response.matcher.config_hash.len())],
        response.matcher.threshold
    )?;
    if response.results.is_empty() {
        outln!(out, "no results")?;
        return Ok(());
    }
    let mut table =
        Table::new(&["SCORE", "MATCH", "ENTITY", "NAME", "MATCHED NAME", "PROGRAMS", "WHY"]);
    for result in &response.results {
        let mut why: Vec<String> = result
            .explanation
            .tokens
            .iter()
            .map(|t| {
                if t.query == t.candidate {
                    t.query.clone()
                } else {
                    format!("{}~{}", t.query, t.candidate)
                }
            })
            .collect();
        why.extend(
            result
                .explanation
                .features
                .iter()
                .map(|f| format!("{} {:+.2}", f.detail, f.contribution)),
        );
        table.row(vec![
            format!("{:.3}", result.score),
            if result.is_match { "yes".to_string() } else { "no".to_string() },
            result.entity_id.clone(),
            crate::output::ellipsize(&result.name, 40),
            crate::output::ellipsize(&result.matched_name, 40),
            result.programs.join(" "),
            crate::output::ellipsize(&why.join("; "), 80),
        ]);
    }
    table.print(out)
}

/// The audit record of one screened query.
pub(crate) fn screen_record(
    key: &str,
    endpoint: &str,
    input: serde_json::Value,
    index: &Index,
    query: &listwatch_matcher::Query,
    limit: usize,
    results: &[listwatch_matcher::ScreenResult],
) -> crate::audit::Record {
    crate::audit::Record::new(
        key,
        endpoint,
        &input,
        crate::audit::index_versions(index),
        &crate::audit::screen_results(results),
    )
    .screening(
        index,
        crate::audit::Replay {
            queries: vec![query.clone()],
            fetch: limit,
            limit,
            ..crate::audit::Replay::default()
        },
    )
}

/// One line of batch output (also the server's `/screen`).
#[derive(Serialize)]
pub(crate) struct BatchLine<'a> {
    pub(crate) id: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    pub(crate) results: &'a [listwatch_matcher::ScreenResult],
    pub(crate) list_versions: &'a [ScreenedListJson],
    pub(crate) matcher: &'a listwatch_matcher::MatcherInfo,
    /// How the query was read, when the caller should know (an identifier type listwatch does
    /// not know, compared as untyped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<String>,
}

/// One line (or CSV record) of a batch input: its number, the input's `id` when it can be read
/// (even from a bad line), and the query or why the line is bad.
#[derive(Debug)]
pub(crate) struct BatchItem {
    pub(crate) line: u64,
    pub(crate) id: serde_json::Value,
    pub(crate) query: std::result::Result<QueryInput, String>,
}

/// The results of one query of a batch, or why it could not be screened.
type Answer = std::result::Result<Vec<listwatch_matcher::ScreenResult>, String>;

/// The `id` of a JSON line that did not parse as a query, read leniently: the line as any JSON
/// value (lossily decoded), its `id` member.
pub(crate) fn lenient_id(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_str::<serde_json::Value>(&String::from_utf8_lossy(bytes))
        .ok()
        .and_then(|mut value| value.get_mut("id").map(serde_json::Value::take))
        .unwrap_or(serde_json::Value::Null)
}

/// Reads a batch input line by line (CSV with a header, or JSONL), in bounded memory: one query
/// or one error per line, with its line number and its `id` when it can be read.
pub(crate) enum QueryReader<R> {
    Jsonl(Lines<R>),
    Csv { records: CsvRecords<R>, headers: Vec<String> },
}

impl QueryReader<std::io::BufReader<std::fs::File>> {
    /// Opens a batch file: CSV when its name ends in `.csv`, JSONL otherwise.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let reader = std::io::BufReader::with_capacity(1 << 16, file);
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            QueryReader::csv(reader).with_context(|| format!("{}:1", path.display()))
        } else {
            Ok(QueryReader::jsonl(reader))
        }
    }
}

impl<R: BufRead> QueryReader<R> {
    pub(crate) fn jsonl(reader: R) -> QueryReader<R> {
        QueryReader::Jsonl(Lines::new(reader))
    }

    /// Reads the header row; an input without one is an error.
    pub(crate) fn csv(reader: R) -> Result<QueryReader<R>> {
        let mut records = CsvRecords::new(reader);
        let header =
            records.next_record()?.context("cannot read the CSV header: the file is empty")?;
        let fields =
            header.fields.map_err(|err| anyhow::anyhow!("cannot read the CSV header: {err}"))?;
        let headers = fields
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        Ok(QueryReader::Csv { records, headers })
    }

    /// The next query or bad line, or `None` at the end of the input. Blank lines are skipped.
    pub(crate) fn next_item(&mut self) -> std::io::Result<Option<BatchItem>> {
        match self {
            QueryReader::Jsonl(lines) => loop {
                let Some(line) = lines.next_line()? else { return Ok(None) };
                if let Some(length) = line.too_long {
                    return Ok(Some(BatchItem {
                        line: line.number,
                        id: serde_json::Value::Null,
                        query: Err(format!(
                            "the line is {length} bytes long, more than the limit of {MAX_LINE_LEN}"
                        )),
                    }));
                }
                if line.bytes.trim_ascii().is_empty() {
                    continue;
                }
                return Ok(Some(jsonl_item(line.number, &line.bytes)));
            },
            QueryReader::Csv { records, headers } => {
                let Some(record) = records.next_record()? else { return Ok(None) };
                Ok(Some(csv_item(headers, record)))
            }
        }
    }
}

fn jsonl_item(number: u64, bytes: &[u8]) -> BatchItem {
    let text = match field_text("the line", bytes) {
        Ok(text) => text,
        Err(err) => return BatchItem { line: number, id: lenient_id(bytes), query: Err(err) },
    };
    match serde_json::from_str::<QueryInput>(&text) {
        Ok(input) => BatchItem {
            line: number,
            id: input.id.clone().unwrap_or(serde_json::Value::Null),
            query: Ok(input),
        },
        Err(err) => BatchItem {
            line: number,
            id: lenient_id(bytes),
            query: Err(format!("not a JSON query: {err}")),
        },
    }
}

fn csv_item(headers: &[String], record: crate::input::CsvRecord) -> BatchItem {
    let fields = match record.fields {
        Ok(fields) => fields,
        Err(err) => {
            return BatchItem { line: record.line, id: serde_json::Value::Null, query: Err(err) };
        }
    };
    let mut input = QueryInput::default();
    let mut error = None;
    for (header, bytes) in headers.iter().zip(&fields) {
        if bytes.is_empty() {
            continue;
        }
        if header == "id" {
            input.id = Some(serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()));
            continue;
        }
        let value = match field_text(header, bytes) {
            Ok(value) => value,
            Err(err) => {
                error.get_or_insert(err);
                continue;
            }
        };
        match header.as_str() {
            "name" => input.name = Some(value),
            "schema" => input.schema = Some(value),
            "birth_date" | "dob" => input.birth_date = Some(value),
            "country" | "countries" => input.country = Some(OneOrMany::One(value)),
            "gender" => input.gender = Some(value),
            other => {
                if IdKind::parse(other).is_some() {
                    input.identifiers.push(IdentifierInput {
                        kind: other.to_string(),
                        value,
                        country: None,
                    });
                }
            }
        }
    }
    let id = input.id.clone().unwrap_or(serde_json::Value::Null);
    BatchItem { line: record.line, id, query: error.map_or(Ok(input), Err) }
}

/// Screens a batch file into `target`; returns how many queries have a match.
fn batch(
    ctx: &Ctx,
    config: &MatcherConfig,
    lists: &[String],
    limit: usize,
    input: &Path,
    target: &OutputTarget,
) -> Result<u64> {
    let mut progress = Progress::new(ctx.quiet);
    let (index, list_versions) = build_index(ctx, config, lists, &mut progress)?;
    progress.step(&format!("reading {}", input.display()));
    let mut reader = QueryReader::open(input)?;
    let matcher = index.matcher_info();
    let list_versions_json: Vec<ScreenedListJson> = list_versions.iter().map(Into::into).collect();
    let mut n_queries = 0usize;
    let mut first_error: Option<(u64, String)> = None;
    let started = std::time::Instant::now();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    target.write(|out| {
        let (mut csv_writer, mut jsonl) = if target.format == Format::Csv {
            (Some(CsvOut::new(out)), None)
        } else {
            (None, Some(out))
        };
        if let Some(writer) = csv_writer.as_mut() {
            writer.row([
                "id",
                "line",
                "error",
                "rank",
                "entity_id",
                "list",
                "name",
                "matched_name",
                "score",
                "match",
                "programs",
                "list_versions",
                "matcher",
            ])?;
        }
        let versions = list_versions.iter().map(ScreenedList::short).collect::<Vec<_>>().join(" ");
        let matcher_text = format!("{}#{}", matcher.version, matcher.config_hash);
        // The input is read a chunk at a time, which keeps memory proportional to a chunk and
        // lets the progress line move; within a chunk every core works.
        let mut chunk: Vec<BatchItem> = Vec::with_capacity(BATCH_CHUNK);
        loop {
            chunk.clear();
            while chunk.len() < BATCH_CHUNK {
                let item = reader
                    .next_item()
                    .with_context(|| format!("cannot read {}", input.display()))?;
                let Some(item) = item else { break };
                chunk.push(item);
            }
            if chunk.is_empty() {
                break;
            }
            n_queries += chunk.len();
            // Each query is read, screened and given its audit record on every core; the
            // output is then written in input order.
            let answers: Vec<(Answer, Option<crate::audit::Record>, &BatchItem)> = chunk
                .par_iter()
                .map(|item| {
                    let query = match &item.query {
                        Ok(input) => input.to_query(lists).map(|query| (input, query)),
                        Err(err) => Err(err.clone()),
                    };
                    match query {
                        Ok((input, query)) => {
                            let results = index.screen(&query, limit);
                            let record = screen_record(
                                "cli",
                                "screen --input",
                                // A query input of strings always serializes.
                                serde_json::to_value(input).unwrap_or_default(),
                                &index,
                                &query,
                                limit,
                                &results,
                            );
                            (Ok(results), Some(record), item)
                        }
                        Err(err) => (Err(err), None, item),
                    }
                })
                .collect();
            let mut records = Vec::new();
            for (answer, record, item) in answers {
                records.extend(record);
                let (id, line) = (item.id.clone(), &item.line);
                let (results, error) = match answer {
                    Ok(results) => {
                        *counts
                            .entry(if results.iter().any(|r| r.is_match) {
                                "with a match"
                            } else {
                                "without a match"
                            })
                            .or_default() += 1;
                        (results, None)
                    }
                    Err(err) => {
                        *counts.entry("bad input lines").or_default() += 1;
                        first_error.get_or_insert_with(|| (*line, err.clone()));
                        (Vec::new(), Some(err))
                    }
                };
                match csv_writer.as_mut() {
                    Some(writer) => {
                        let id_text = match &id {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        let line = line.to_string();
                        if results.is_empty() {
                            writer.row([
                                id_text.as_str(),
                                &line,
                                error.as_deref().unwrap_or(""),
                                "",
                                "",
                                "",
                                "",
                                "",
                                "",
                                "",
                                "",
                                &versions,
                                &matcher_text,
                            ])?;
                        }
                        for (rank, r) in results.iter().enumerate() {
                            writer.row([
                                id_text.as_str(),
                                &line,
                                "",
                                &(rank + 1).to_string(),
                                &r.entity_id,
                                &r.list,
                                &r.name,
                                &r.matched_name,
                                &format!("{:.4}", r.score),
                                if r.is_match { "true" } else { "false" },
                                &r.programs.join(" "),
                                &versions,
                                &matcher_text,
                            ])?;
                        }
                    }
                    None => {
                        let Some(out) = jsonl.as_mut() else { continue };
                        let line_out = BatchLine {
                            id,
                            line: error.as_ref().map(|_| *line),
                            error,
                            results: &results,
                            list_versions: &list_versions_json,
                            matcher: &matcher,
                            warnings: item
                                .query
                                .as_ref()
                                .map(QueryInput::warnings)
                                .unwrap_or_default(),
                        };
                        let text = serde_json::to_string(&line_out)?;
                        outln!(out, "{text}")?;
                    }
                }
            }
            crate::audit::record_cli(ctx, &records);
            let rate = n_queries as f64 / started.elapsed().as_secs_f64().max(1e-9);
            progress.step(&format!("screened {n_queries} queries ({rate:.0}/s)"));
        }
        if let Some(writer) = csv_writer.as_mut() {
            writer.flush()?;
        }
        Ok(())
    })?;
    progress.finish();
    let elapsed = started.elapsed().as_secs_f64();
    let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    eprintln!(
        "screened {n_queries} queries in {elapsed:.2} s ({:.0}/s): {}; results in {}",
        n_queries as f64 / elapsed.max(1e-9),
        summary.join(", "),
        target.describe()
    );
    if let Some((line, err)) = &first_error
        && counts.get("bad input lines").copied() == Some(n_queries as u64)
    {
        anyhow::bail!(
            "no line of {} could be read: all {n_queries} are bad (the first, line {line}: {err})",
            input.display()
        );
    }
    Ok(counts.get("with a match").copied().unwrap_or(0))
}

#[cfg(test)]
mod tests;
