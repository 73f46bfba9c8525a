//! Comparing two parties without an index, for the `compare` command.
//!
//! Without an index there are no document frequencies, so token weights come from a table of
//! them (`data/token_df.tsv`: a document count, then `token<TAB>frequency` rows), counted over
//! the real OFAC lists by a test that also keeps the table current. A word the table lacks is
//! rare (seen in at most one listed entity) and weighs the most.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::align::{Alignment, Candidate, Edge, QName, QTok, align};
use crate::config::{MATCHER_VERSION, MatcherConfig};
use crate::evidence::{self, Party};
use crate::index::{describe_alignment, informative_weight, token_weight};
use crate::query::Query;
use crate::result::{Explanation, Feature, FeatureKind, MatcherInfo, PairResult, round_score};
use crate::token::{Method, Tok, name_readings, query_token_sets, similarity};
use listwatch_model::Schema;

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
fn prepare_names(raw: Option<&str>, schema: Option<Schema>, config: &MatcherConfig) -> Vec<QName> {
    let table = &*TOKEN_TABLE;
    let mut names = Vec::new();
    let unvowelled = raw.is_some_and(crate::token::is_unvowelled_script);
    let informative_weight = informative_weight(config.informative_query_df, table.n_docs, config);
    // Only a person's extra names cost less than their weight (`QName::finish`).
    let family =
        raw.filter(|_| schema == Some(Schema::Person)).and_then(crate::token::family_marks);
    for reading in raw.map(name_readings).unwrap_or_default() {
        for tokens in query_token_sets(&reading, schema) {
            if tokens.is_empty() {
                continue;
            }
            let mut qname = QName::default();
            for (text, kind) in tokens {
                let df = table.df.get(text.as_str()).copied().unwrap_or(1);
                let weight = token_weight(kind, df, table.n_docs, config);
                qname.total_weight += weight;
                let mut tok = Tok::new(&text, kind).with_patronymic_class();
                tok.unvowelled = unvowelled;
                tok.syllabic = reading.syllabic;
                qname.toks.push(QTok::new(tok, weight, Vec::new()));
            }
            qname.finish(
                schema == Some(Schema::Person),
                reading.korean,
                informative_weight,
                config,
            );
            if let Some(marks) = &family {
                qname.mark_family(marks);
            }
            qname.build_units(true);
            for unit in &mut qname.units {
                unit.tok.unvowelled = unvowelled;
            }
            names.push(qname);
        }
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
        let other = &self.0.toks[j].tok;
        // As in the index (`QUnit::pairs_with`); a skeleton also counts when this side is
        // unvowelled.
        similarity(&unit.tok, other).filter(|&(_, method)| {
            unit.pairs_with(&other.text, method) || (method == Method::Skeleton && other.unvowelled)
        })
    }
    fn family(&self) -> u64 {
        self.0.family
    }
}

/// Compares two parties: names (in both directions, so the score is symmetric), identifiers,
/// schema, birth date, countries and gender, as screening would score `b` found for query `a`;
/// but for one thing that an index cannot afford, a Slavic patronymic corresponding to its forms
/// in other languages ("Mykolaiovych", "Nikolaevich"; `Tok::with_patronymic_class`).
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
    let schema = a.schema.or(b.schema);
    let mut names_a = prepare_names(a.name.as_deref(), schema, config);
    let mut names_b = prepare_names(b.name.as_deref(), schema, config);
    // A pair is as informative as its less informative name: both directions are scaled by the
    // smaller scale of the two sides, so the score stays symmetric and a name compared with
    // itself scores at least as much as with any other ("a c" and "ac" are not more alike than
    // "a c" and itself).
    let best_scale = |names: &[QName]| names.iter().map(|q| q.scale).fold(0.0, f64::max);
    let pair_scale = best_scale(&names_a).min(best_scale(&names_b));
    for qname in names_a.iter_mut().chain(names_b.iter_mut()) {
        qname.scale = pair_scale;
    }
    let mut edges: Vec<Edge> = Vec::new();
    // (score, query side, candidate side, alignment)
    let mut best: Option<(f64, &QName, &QName, Alignment)> = None;
    for qa in &names_a {
        for qb in &names_b {
            for (query, candidate) in [(qa, qb), (qb, qa)] {
                let alignment =
                    align(query, &PlainName(candidate), config.initial_weight, &mut edges, true);
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

#[cfg(test)]
mod token_table_tests {
    //! The shipped token table must be what the real lists give; `UPDATE_EXPECT=1` rewrites it.

    use std::collections::{HashMap, HashSet};
    use std::path::PathBuf;

    use listwatch_model::Entity;
    use listwatch_parsers::{InputFile, ofac};

    use crate::token::{entity_name_tokens, name_readings};

    fn data() -> PathBuf {
        std::env::var_os("LISTWATCH_DATA").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
        })
    }

    /// Whether the real list files are there. Without them a real-data test is skipped with a
    /// printed reason, unless `LISTWATCH_REQUIRE_DATA=1` (as in CI), which makes their absence a
    /// failure.
    fn have_data() -> bool {
        let dir = data();
        if dir.is_dir() {
            return true;
        }
        if std::env::var_os("LISTWATCH_REQUIRE_DATA").is_some_and(|v| v == "1") {
            panic!("LISTWATCH_REQUIRE_DATA=1 but the data folder {} does not exist", dir.display());
        }
        eprintln!(
            "skipping a real-data test: {} does not exist (set LISTWATCH_DATA to the shared data folder)",
            dir.display()
        );
        false
    }

    fn parse(dir: &str, flavor: ofac::Flavor) -> Vec<Entity> {
        let dir = data().join(dir);
        let names = flavor.file_names();
        let contents: Vec<Option<Vec<u8>>> =
            names.iter().map(|n| std::fs::read(dir.join(n)).ok()).collect();
        let input = |idx: usize| {
            contents[idx].as_deref().map(|bytes| InputFile { name: names[idx], bytes })
        };
        let files = ofac::Files {
            main: input(0).expect("main file"),
            addresses: input(1),
            aliases: input(2),
            comments: input(3),
        };
        ofac::parse(&files).expect("the real files parse").entities
    }

    /// Entity-level document frequencies over the newest SDN list, the consolidated list, and
    /// the entries of the 2021 SDN set (which has the alias file the newest scrape lacks).
    fn compute() -> String {
        let mut documents: HashMap<String, Entity> = HashMap::new();
        for entity in parse("ofac-sdn/2021-07-07", ofac::Flavor::Sdn) {
            documents.insert(format!("sdn:{}", entity.id), entity);
        }
        for entity in parse("ofac-sdn-daily/2024-05-03", ofac::Flavor::Sdn) {
            let key = format!("sdn:{}", entity.id);
            // Keep the 2021 record's aliases where the entry was already listed then.
            if let Some(old) = documents.get_mut(&key) {
                let aliases: Vec<_> = old.names.iter().skip(1).cloned().collect();
                let mut merged = entity;
                merged.names.extend(aliases);
                *old = merged;
            } else {
                documents.insert(key, entity);
            }
        }
        for entity in parse("ofac-consolidated/2025-12-19", ofac::Flavor::Consolidated) {
            documents.insert(format!("cons:{}", entity.id), entity);
        }
        let mut df: HashMap<String, u32> = HashMap::new();
        for entity in documents.values() {
            let mut names: Vec<&str> = entity.names.iter().map(|n| n.value.as_str()).collect();
            names.extend(
                entity
                    .attributes
                    .iter()
                    .filter(|a| a.label.eq_ignore_ascii_case("Issuer Name"))
                    .map(|a| a.value.as_str()),
            );
            let mut tokens: HashSet<String> = HashSet::new();
            for name in names {
                for reading in name_readings(name) {
                    tokens.extend(
                        entity_name_tokens(&reading, entity.schema)
                            .into_iter()
                            .map(|(text, _)| text),
                    );
                }
            }
            for token in tokens {
                *df.entry(token).or_default() += 1;
            }
        }
        let mut rows: Vec<(String, u32)> = df.into_iter().filter(|(_, n)| *n >= 2).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut text = String::from(
            "# Entity-level document frequencies of name tokens (see src/pair.rs): a document count,\n\
             # then one \"token<TAB>frequency\" row per token seen in two or more entities.\n\
             # Counted over the OFAC SDN list of 2024-05-03 (with the aliases of 2021-07-07) and the\n\
             # consolidated list of 2025-12-19; regenerate with UPDATE_EXPECT=1 cargo test -p\n\
             # listwatch-matcher token_table.\n",
        );
        text.push_str(&format!("# documents\t{}\n", documents.len()));
        for (token, n) in rows {
            text.push_str(&format!("{token}\t{n}\n"));
        }
        text
    }

    #[test]
    fn the_token_table_is_what_the_real_lists_give() {
        if !have_data() {
            return;
        }
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/token_df.tsv");
        let actual = compute();
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &actual).unwrap();
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        assert!(
            expected == actual,
            "data/token_df.tsv is out of date with the tokenizer or the lists; run UPDATE_EXPECT=1 cargo test -p listwatch-matcher token_table"
        );
    }
}
