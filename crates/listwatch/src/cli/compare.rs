//! `listwatch compare`: score pairs of records with the screening scorer, for deduplication and
//! review.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use listwatch_matcher::score_pair;

use super::Ctx;
use super::screen::{QueryInput, config_with, lenient_id};
use crate::input::{Line, Lines, field_text};
use crate::limits::MAX_LINE_LEN;
use crate::output::{CsvOut, Format, OutputTarget, outln};
use crate::progress::Progress;

/// Score pairs of records, one JSON object per line: {"id", "a": {query}, "b": {query}}.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The pairs, JSONL, read a line at a time (a line is at most 64 KiB; a bad line becomes
    /// an error line with its number).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Where to write the scores (`-`: standard output, the default): .jsonl or .ndjson, .csv or
    /// .json (one array), from the name or --format.
    #[arg(long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// The format of --output, whatever its name [default for standard output: jsonl].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Print the scores to standard output as one JSON array (the same as --output - --format
    /// json).
    #[arg(long, conflicts_with_all = ["output", "format"])]
    json: bool,
    /// The score from which a pair is a match [default: the matcher's documented threshold].
    #[arg(long, value_name = "F")]
    threshold: Option<f64>,
}

#[derive(Deserialize)]
struct PairInput {
    #[serde(default)]
    id: Option<serde_json::Value>,
    a: QueryInput,
    b: QueryInput,
}

#[derive(Serialize)]
struct PairOutput<'a> {
    id: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    score: Option<f64>,
    #[serde(rename = "match")]
    is_match: Option<bool>,
    explanation: Option<listwatch_matcher::Explanation>,
    matcher: &'a listwatch_matcher::MatcherInfo,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let config = config_with(args.threshold)?;
    let format = if args.json { Some(Format::Json) } else { args.format };
    let target = OutputTarget::resolve(
        "--output",
        &args.output,
        format,
        &[Format::Jsonl, Format::Csv, Format::Json],
        Format::Jsonl,
        &[args.input.as_path()],
    )?;
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let mut lines = Lines::new(std::io::BufReader::with_capacity(1 << 16, file));
    let mut progress = Progress::new(ctx.quiet);
    let matcher_info = listwatch_matcher::MatcherInfo {
        version: listwatch_matcher::MATCHER_VERSION,
        config_hash: config.config_hash(),
        threshold: config.threshold,
    };
    let (mut n_pairs, mut n_matches, mut n_errors) = (0u64, 0u64, 0u64);
    let mut first_error: Option<(u64, String)> = None;
    // Pairs are read, scored and written one line at a time: memory stays proportional to a
    // line (at most `MAX_LINE_LEN` bytes), whatever the size of the input.
    target.write(|out| {
        let (mut csv_writer, mut raw) = if target.format == Format::Csv {
            (Some(CsvOut::new(out)), None)
        } else {
            (None, Some(out))
        };
        if let Some(writer) = csv_writer.as_mut() {
            writer.row(["id", "line", "error", "score", "match", "matcher"])?;
        }
        if let (Some(out), Format::Json) = (raw.as_mut(), target.format) {
            write!(out, "[")?;
        }
        loop {
            let line = lines
                .next_line()
                .with_context(|| format!("cannot read {}", args.input.display()))?;
            let Some(line) = line else { break };
            if line.too_long.is_none() && line.bytes.trim_ascii().is_empty() {
                continue;
            }
            n_pairs += 1;
            let result = score_line(&line, &config, &matcher_info);
            if let Some(error) = &result.error {
                n_errors += 1;
                first_error.get_or_insert_with(|| (line.number, error.clone()));
            }
            n_matches += u64::from(result.is_match == Some(true));
            match (&mut csv_writer, raw.as_mut()) {
                (Some(writer), _) => {
                    let id = match &result.id {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    writer.row([
                        id,
                        result.line.map(|l| l.to_string()).unwrap_or_default(),
                        result.error.clone().unwrap_or_default(),
                        result.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
                        result.is_match.map(|m| m.to_string()).unwrap_or_default(),
                        format!("{}#{}", matcher_info.version, matcher_info.config_hash),
                    ])?;
                }
                (None, Some(out)) if target.format == Format::Json => {
                    // The same text as one pretty-printed array, written an element at a time.
                    let text = serde_json::to_string_pretty(&result)?;
                    let separator = if n_pairs == 1 { "" } else { "," };
                    write!(out, "{separator}\n  {}", text.replace('\n', "\n  "))?;
                }
                (None, Some(out)) => {
                    let text = serde_json::to_string(&result)?;
                    outln!(out, "{text}")?;
                }
                (None, None) => {}
            }
            if n_pairs % 10_000 == 0 {
                progress.step(&format!("compared {n_pairs} pairs"));
            }
        }
        if let Some(writer) = csv_writer.as_mut() {
            writer.flush()?;
        }
        if let (Some(out), Format::Json) = (raw.as_mut(), target.format) {
            outln!(out, "{}", if n_pairs == 0 { "]" } else { "\n]" })?;
        }
        Ok(())
    })?;
    progress.finish();
    if !ctx.quiet {
        eprintln!(
            "compared {n_pairs} pairs: {n_matches} matches, {} non-matches, {n_errors} bad lines; results in {}",
            n_pairs - n_matches - n_errors,
            target.describe()
        );
    }
    if let Some((line, err)) = first_error
        && n_errors == n_pairs
    {
        anyhow::bail!(
            "no line of {} could be read: all {n_pairs} are bad (the first, line {line}: {err})",
            args.input.display()
        );
    }
    Ok(())
}

/// Scores one line of the input: a pair, or an error with the line number and the pair's `id`
/// when it can be read.
fn score_line<'a>(
    line: &Line,
    config: &listwatch_matcher::MatcherConfig,
    matcher: &'a listwatch_matcher::MatcherInfo,
) -> PairOutput<'a> {
    let error = |id: serde_json::Value, error: String| PairOutput {
        id,
        line: Some(line.number),
        error: Some(error),
        score: None,
        is_match: None,
        explanation: None,
        matcher,
    };
    if let Some(length) = line.too_long {
        return error(
            serde_json::Value::Null,
            format!("the line is {length} bytes long, more than the limit of {MAX_LINE_LEN}"),
        );
    }
    let text = match field_text("the line", &line.bytes) {
        Ok(text) => text,
        Err(err) => return error(lenient_id(&line.bytes), err),
    };
    let pair = match serde_json::from_str::<PairInput>(&text) {
        Ok(pair) => pair,
        Err(err) => {
            return error(
                lenient_id(&line.bytes),
                format!("not a pair {{\"id\", \"a\", \"b\"}}: {err}"),
            );
        }
    };
    let id = pair.id.clone().unwrap_or(serde_json::Value::Null);
    let queries = pair
        .a
        .to_query(&[])
        .map_err(|e| format!("a: {e}"))
        .and_then(|a| Ok((a, pair.b.to_query(&[]).map_err(|e| format!("b: {e}"))?)));
    match queries {
        Ok((a, b)) => {
            let result = score_pair(&a, &b, config);
            PairOutput {
                id,
                line: None,
                error: None,
                score: Some(result.score),
                is_match: Some(result.is_match),
                explanation: Some(result.explanation),
                matcher,
            }
        }
        Err(err) => error(id, err),
    }
}
