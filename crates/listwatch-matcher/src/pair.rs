//! Comparing two parties without an index, for the `compare` command.
//!
//! Without an index there are no document frequencies, so token weights come from a table of
//! them (`data/token_df.tsv`: a document count, then `token<TAB>frequency` rows). The table
//! shipped today is empty, so every normal word weighs the same (the smallest normal weight)
//! and legal forms, particles, stop words and initials weigh what their kinds weigh; filling it
//! from the real lists is future work (see the crate docs, "Limitations").

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::align::{Alignment, Candidate, Edge, QName, QTok, align};
use crate::config::{MATCHER_VERSION, MatcherConfig};
use crate::evidence::{self, Party};
use crate::index::{describe_alignment, token_weight};
use crate::query::Query;
use crate::result::{Explanation, Feature, FeatureKind, MatcherInfo, PairResult, round_score};
use crate::token::{Method, Tok, name_tokens, name_variants, similarity};

const TOKEN_DF_TSV: &str = include_str!("../data/token_df.tsv");

/// Document frequencies of common tokens, and the number of documents they were counted over.
pub(crate) struct TokenTable {
    pub(crate) n_docs: usize,
    pub(crate) df: HashMap<&'static str, u32>,
}

pub(crate) static TOKEN_TABLE: LazyLock<TokenTable> = LazyLock::new(|| {
    let mut n_docs = 1;
    let mut df = HashMap::new();
    for line in TOKEN_DF_TSV.lines() {
        if let Some(n) = line.strip_prefix("# documents\t") {
            n_docs = n.trim().parse().unwrap_or(1);
        } else if !line.starts_with('#')
            && let Some((token, count)) = line.split_once('\t')
        {
            df.insert(token, count.trim().parse().unwrap_or(0));
        }
    }
    TokenTable { n_docs, df }
});

/// Prepares one side's names with the table's weights.
fn prepare_names(raw: Option<&str>, config: &MatcherConfig) -> Vec<QName> {
    let table = &*TOKEN_TABLE;
    let mut names = Vec::new();
    let unvowelled = raw.is_some_and(crate::token::is_unvowelled_script);
    for variant in raw.map(name_variants).unwrap_or_default() {
        let tokens = name_tokens(&variant);
        if tokens.is_empty() {
            continue;
        }
        let mut qname = QName::default();
        for (text, kind) in tokens {
            let df = table.df.get(text.as_str()).copied().unwrap_or(1);
            let weight = token_weight(kind, df, table.n_docs, config);
            qname.total_weight += weight;
            let mut tok = Tok::new(&text, kind);
            tok.unvowelled = unvowelled;
            qname.toks.push(QTok { tok, weight, expansion: Vec::new() });
        }
        qname.build_units();
        for unit in &mut qname.units {
            unit.tok.unvowelled = unvowelled;
        }
        names.push(qname);
    }
    names
}

/// A prepared name as the candidate side of an alignment.
struct PlainName<'a>(&'a QName);

impl Candidate for PlainName<'_> {
    fn len(&self) -> usize {
        self.0.toks.len()
    }
    fn tok(&self, j: usize) -> &Tok {
        &self.0.toks[j].tok
    }
    fn weight(&self, j: usize) -> f64 {
        self.0.toks[j].weight
    }
    fn sim(&self, query: &QName, i: usize, j: usize) -> Option<(f32, Method)> {
        similarity(&query.toks[i].tok, &self.0.toks[j].tok)
    }
    fn unit_sim(&self, query: &QName, u: usize, j: usize) -> Option<(f32, Method)> {
        let unit = &query.units[u];
        // Joined Latin words match by spelling only, as in the index.
        let unvowelled = unit.tok.unvowelled || self.0.toks[j].tok.unvowelled;
        similarity(&unit.tok, &self.0.toks[j].tok)
            .filter(|&(_, method)| unvowelled || matches!(method, Method::Exact | Method::Edit))
    }
}

/// Compares two parties: names (in both directions, so the score is symmetric), identifiers,
/// schema, birth date, countries and gender, as screening would score `b` found for query `a`.
///
/// ```
/// use listwatch_matcher::{MatcherConfig, Query, score_pair};
///
/// let config = MatcherConfig::default();
/// let pair = score_pair(&Query::named("Хорошев Дмитрий Юрьевич"), &Query::named("KHOROSHEV, Dmitry Yuryevich"), &config);
/// assert!(pair.is_match, "{pair:?}");
/// let other = score_pair(&Query::named("Caribbean Trading Limited"), &Query::named("Pacific Trading Limited"), &config);
/// assert!(!other.is_match);
/// ```
pub fn score_pair(a: &Query, b: &Query, config: &MatcherConfig) -> PairResult {
    let matcher = MatcherInfo {
        version: MATCHER_VERSION,
        config_hash: config.config_hash(),
        threshold: config.threshold,
    };
    let (party_a, mut invalid) = Party::of_query(a);
    let (party_b, invalid_b) = Party::of_query(b);
    invalid.extend(invalid_b);
    if !evidence::schemas_compatible(a.schema, b.schema) {
        invalid.push(Feature {
            feature: FeatureKind::Schema,
            detail: format!(
                "{} vs {}",
                a.schema.map(|s| s.as_str()).unwrap_or(""),
                b.schema.map(|s| s.as_str()).unwrap_or("")
            ),
            contribution: -1.0,
        });
        let explanation = Explanation { features: invalid, ..Explanation::default() };
        return PairResult { score: 0.0, is_match: false, explanation, matcher };
    }
    let names_a = prepare_names(a.name.as_deref(), config);
    let names_b = prepare_names(b.name.as_deref(), config);
    let mut edges: Vec<Edge> = Vec::new();
    // (score, query side, candidate side, alignment)
    let mut best: Option<(f64, &QName, &QName, Alignment)> = None;
    for qa in &names_a {
        for qb in &names_b {
            for (query, candidate) in [(qa, qb), (qb, qa)] {
                let alignment = align(
                    query,
                    &PlainName(candidate),
                    config.unmatched_candidate_cost,
                    config.initial_weight,
                    &mut edges,
                    true,
                );
                if best.as_ref().is_none_or(|b| alignment.score > b.0) {
                    best = Some((alignment.score, query, candidate, alignment));
                }
            }
        }
    }
    let evidence = evidence::compare(&party_a, &party_b, config, true);
    let name_score = best.as_ref().map_or(0.0, |b| b.0);
    let base = if evidence.identifier_hit {
        config.identifier_score + (1.0 - config.identifier_score) * name_score
    } else {
        name_score
    };
    let score = if name_score > 0.0 || evidence.identifier_hit {
        round_score(base + evidence.adjustment)
    } else {
        0.0
    };
    let mut explanation = Explanation {
        name_score: best.as_ref().map(|b| round_score(b.0)),
        features: invalid,
        ..Explanation::default()
    };
    if let Some((_, query, candidate, alignment)) = &best {
        describe_alignment(
            query,
            |j| &*candidate.toks[j].tok.text,
            candidate.toks.len(),
            alignment,
            &mut explanation,
        );
    }
    explanation.features.extend(evidence.features);
    PairResult { score, is_match: score >= config.threshold, explanation, matcher }
}
