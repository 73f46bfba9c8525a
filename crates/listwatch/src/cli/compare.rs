//! `listwatch compare`: score pairs of records with the screening scorer, for deduplication and
//! review.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use listwatch_matcher::score_pair;

use super::Ctx;
use super::screen::{QueryInput, config_with};
use crate::progress::Progress;

/// Score pairs of records, one JSON object per line: {"id", "a": {query}, "b": {query}}.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The pairs, JSONL.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Where to write the scores, JSONL.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
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
    let text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let file = std::fs::File::create(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut progress = Progress::new(ctx.quiet);
    let matcher_info = listwatch_matcher::MatcherInfo {
        version: listwatch_matcher::MATCHER_VERSION,
        config_hash: config.config_hash(),
        threshold: config.threshold,
    };
    let (mut n_pairs, mut n_matches, mut n_errors) = (0u64, 0u64, 0u64);
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
        match parsed {
            Ok((id, a, b)) => {
                let result = score_pair(&a, &b, &config);
                n_matches += u64::from(result.is_match);
                serde_json::to_writer(
                    &mut out,
                    &PairOutput {
                        id,
                        line: None,
                        error: None,
                        score: Some(result.score),
                        is_match: Some(result.is_match),
                        explanation: Some(result.explanation),
                        matcher: &matcher_info,
                    },
                )?;
            }
            Err(error) => {
                n_errors += 1;
                serde_json::to_writer(
                    &mut out,
                    &PairOutput {
                        id: serde_json::Value::Null,
                        line: Some(idx as u64 + 1),
                        error: Some(error),
                        score: None,
                        is_match: None,
                        explanation: None,
                        matcher: &matcher_info,
                    },
                )?;
            }
        }
        out.write_all(b"\n")?;
        if n_pairs % 10_000 == 0 {
            progress.step(&format!("compared {n_pairs} pairs"));
        }
    }
    out.flush()?;
    progress.finish();
    eprintln!(
        "compared {n_pairs} pairs: {n_matches} matches, {} non-matches, {n_errors} bad lines; results in {}",
        n_pairs - n_matches - n_errors,
        args.output.display()
    );
    Ok(())
}
