//! `listwatch compare`: score pairs of records with the screening scorer, for deduplication and
//! review.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use listwatch_matcher::score_pair;

use super::Ctx;
use super::screen::{QueryInput, config_with};
use crate::output::{CsvOut, Format, OutputTarget, outln};
use crate::progress::Progress;

/// Score pairs of records, one JSON object per line: {"id", "a": {query}, "b": {query}}.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The pairs, JSONL.
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
    let text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let mut progress = Progress::new(ctx.quiet);
    let matcher_info = listwatch_matcher::MatcherInfo {
        version: listwatch_matcher::MATCHER_VERSION,
        config_hash: config.config_hash(),
        threshold: config.threshold,
    };
    let (mut n_pairs, mut n_matches, mut n_errors) = (0u64, 0u64, 0u64);
    let mut results = Vec::new();
    for (idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        n_pairs += 1;
        let parsed = serde_json::from_str::<PairInput>(line)
            .map_err(|e| format!("not a pair {{\"id\", \"a\", \"b\"}}: {e}"))
            .and_then(|pair| {
                Ok((
                    pair.id.clone().unwrap_or(serde_json::Value::Null),
                    pair.a.to_query(&[])?,
                    pair.b.to_query(&[])?,
                ))
            });
        results.push(match parsed {
            Ok((id, a, b)) => {
                let result = score_pair(&a, &b, &config);
                n_matches += u64::from(result.is_match);
                PairOutput {
                    id,
                    line: None,
                    error: None,
                    score: Some(result.score),
                    is_match: Some(result.is_match),
                    explanation: Some(result.explanation),
                    matcher: &matcher_info,
                }
            }
            Err(error) => {
                n_errors += 1;
                PairOutput {
                    id: serde_json::Value::Null,
                    line: Some(idx as u64 + 1),
                    error: Some(error),
                    score: None,
                    is_match: None,
                    explanation: None,
                    matcher: &matcher_info,
                }
            }
        });
        if n_pairs % 10_000 == 0 {
            progress.step(&format!("compared {n_pairs} pairs"));
        }
    }
    target.write(|out| match target.format {
        Format::Csv => {
            let mut writer = CsvOut::new(out);
            writer.row(["id", "line", "error", "score", "match", "matcher"])?;
            for result in &results {
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
            writer.flush()
        }
        Format::Json => {
            let text = serde_json::to_string_pretty(&results)?;
            outln!(out, "{text}")?;
            Ok(())
        }
        Format::Jsonl => {
            for result in &results {
                let text = serde_json::to_string(result)?;
                outln!(out, "{text}")?;
            }
            Ok(())
        }
    })?;
    progress.finish();
    if !ctx.quiet {
        eprintln!(
            "compared {n_pairs} pairs: {n_matches} matches, {} non-matches, {n_errors} bad lines; results in {}",
            n_pairs - n_matches - n_errors,
            target.describe()
        );
    }
    Ok(())
}
