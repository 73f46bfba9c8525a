//! Matching quality on sources the matcher's own case suite was not tuned on: an independent
//! check of the default threshold.
//!
//! - Pairs: OpenSanctions' ZALA cluster (names of one entity in Latin, Cyrillic and Ukrainian
//!   forms; negatives are names of different entities of the same schema) and the UN list (the
//!   name in its original script, mostly Arabic and Cyrillic, against the Latin name; negatives
//!   pair one entry's original script with another entry's Latin name).
//! - Screening: the strong names of the SDN list of 2021-07-07 as a customer file would have
//!   them (a person's given names first, one typo each) screened against that list plus the
//!   2025-12-19 consolidated list, expecting their entry among the first five; hard negatives
//!   are the given names of one listed person with the family name of another (unless that is
//!   itself a listed name).
//!
//! Prints precision, recall and F1 at the default threshold. `cargo bench -p listwatch --bench
//! quality`; under `cargo test --benches` it runs on a sample. `LISTWATCH_QUALITY_SAMPLE=4000`
//! draws ten times the default 400 screening queries and negatives (the whole list is about
//! 4,200 names and 4,600 negatives); `LISTWATCH_SHOW=N` prints N misses and false alerts.

use std::path::PathBuf;

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig, Query, score_pair};
use listwatch_model::Schema;
use listwatch_parsers::{InputFile, Parsed, ofac};

fn data() -> PathBuf {
    std::env::var_os("LISTWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// How many misses and false alerts to print of each kind: `LISTWATCH_SHOW`, 8 by default.
fn shown() -> usize {
    std::env::var("LISTWATCH_SHOW").ok().and_then(|v| v.parse().ok()).unwrap_or(8)
}

#[derive(Default)]
struct Tally {
    tp: u64,
    fp: u64,
    tn: u64,
    fn_: u64,
    misses: Vec<String>,
    false_alerts: Vec<String>,
}

impl Tally {
    fn add(&mut self, expected: bool, predicted: bool, label: impl FnOnce() -> String) {
        match (expected, predicted) {
            (true, true) => self.tp += 1,
            (false, false) => self.tn += 1,
            (true, false) => {
                self.fn_ += 1;
                if self.misses.len() < shown() {
                    self.misses.push(label());
                }
            }
            (false, true) => {
                self.fp += 1;
                if self.false_alerts.len() < shown() {
                    self.false_alerts.push(label());
                }
            }
        }
    }

    fn report(&self, what: &str) {
        let precision = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let recall = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f1 = 2.0 * precision * recall / (precision + recall).max(1e-9);
        println!(
            "{what}: {} positives, {} negatives; precision {precision:.3}, recall {recall:.3}, F1 {f1:.3}; false alerts {:.1}% of negatives",
            self.tp + self.fn_,
            self.tn + self.fp,
            100.0 * self.fp as f64 / (self.tn + self.fp).max(1) as f64
        );
        for miss in &self.misses {
            println!("    missed: {miss}");
        }
        for alert in &self.false_alerts {
            println!("    false alert: {alert}");
        }
    }
}

fn named(name: &str, schema: Option<Schema>) -> Query {
    Query { name: Some(name.to_string()), schema, ..Query::default() }
}

fn zala_pairs(config: &MatcherConfig, sample: usize) -> Tally {
    let text =
        std::fs::read_to_string(data().join("opensanctions/ftm-zala/entities.ftm.json")).unwrap();
    let mut entities: Vec<(Schema, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let schema = match value["schema"].as_str().unwrap_or("") {
            "Person" => Schema::Person,
            "Company" => Schema::Company,
            "Organization" | "LegalEntity" => Schema::Organization,
            _ => continue,
        };
        let names: Vec<String> = value["properties"]["name"].as_array().map_or(Vec::new(), |a| {
            a.iter().filter_map(|n| n.as_str().map(String::from)).collect()
        });
        if !names.is_empty() {
            entities.push((schema, names));
        }
    }
    // A non-Latin name of an entity against each of its Latin names, taking the best score, as
    // screening does; negatives take the best over another entity's Latin names.
    let is_latin =
        |name: &str| name.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_ascii_alphabetic());
    let best = |query: &str, schema: Schema, names: &[String]| {
        names
            .iter()
            .filter(|n| is_latin(n))
            .map(|n| score_pair(&named(query, Some(schema)), &named(n, Some(schema)), config))
            .max_by(|a, b| a.score.total_cmp(&b.score))
    };
    let mut tally = Tally::default();
    for (i, (schema, names)) in entities.iter().enumerate() {
        for query in names.iter().filter(|n| !is_latin(n)).take(sample) {
            if let Some(result) = best(query, *schema, names) {
                tally.add(true, result.is_match, || {
                    format!(
                        "{query} ~ {:?} ({:.2})",
                        names.iter().find(|n| is_latin(n)),
                        result.score
                    )
                });
            }
            let (other_schema, other) = &entities[(i * 7 + 3) % entities.len()];
            if other_schema == schema
                && other != names
                && let Some(result) = best(query, *schema, other)
            {
                tally.add(false, result.is_match, || {
                    format!("{query} ~ {:?} ({:.2})", other.first(), result.score)
                });
            }
        }
    }
    tally
}

/// The text of every `<tag>` inside `block`.
fn tags<'a>(block: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut rest = block;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        found.push(after[..end].trim());
        rest = &after[end + close.len()..];
    }
    found
}

fn un_pairs(config: &MatcherConfig, sample: usize) -> Tally {
    let text =
        std::fs::read_to_string(data().join("un-consolidated/2026-02-27/UN_consolidated.xml"))
            .unwrap();
    let mut people: Vec<(String, String)> = Vec::new();
    for block in text.split("<INDIVIDUAL>").skip(1) {
        // The last individual's block would otherwise run on over every entity of the list.
        let block = block.split("</INDIVIDUAL>").next().unwrap_or(block);
        let original = tags(block, "NAME_ORIGINAL_SCRIPT");
        let Some(original) = original.first().filter(|o| !o.is_empty()) else { continue };
        let latin: Vec<&str> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
            .iter()
            .flat_map(|t| tags(block, t))
            .filter(|s| !s.is_empty())
            .collect();
        if !latin.is_empty() {
            people.push((original.to_string(), latin.join(" ")));
        }
    }
    let mut tally = Tally::default();
    let step = (people.len() / sample.max(1)).max(1);
    for (original, latin) in people.iter().step_by(step) {
        let result = score_pair(
            &named(original, Some(Schema::Person)),
            &named(latin, Some(Schema::Person)),
            config,
        );
        tally.add(true, result.is_match, || format!("{original} ~ {latin} ({:.2})", result.score));
    }
    for (i, (original, _)) in people.iter().enumerate().step_by(step) {
        let (_, other) = &people[(i * 7 + 13) % people.len()];
        if other == &people[i].1 {
            continue;
        }
        let result = score_pair(
            &named(original, Some(Schema::Person)),
            &named(other, Some(Schema::Person)),
            config,
        );
        tally.add(false, result.is_match, || format!("{original} ~ {other} ({:.2})", result.score));
    }
    tally
}

fn parse(dir: &str, flavor: ofac::Flavor) -> Parsed {
    let dir = data().join(dir);
    let names = flavor.file_names();
    let contents: Vec<Option<Vec<u8>>> =
        names.iter().map(|n| std::fs::read(dir.join(n)).ok()).collect();
    let input =
        |idx: usize| contents[idx].as_deref().map(|bytes| InputFile { name: names[idx], bytes });
    ofac::parse(&ofac::Files {
        main: input(0).unwrap(),
        addresses: input(1),
        aliases: input(2),
        comments: input(3),
    })
    .unwrap()
}

/// One typo: two neighbouring letters swapped, in the longest word.
fn typo(name: &str) -> String {
    let longest = name.split_whitespace().max_by_key(|w| w.len()).unwrap_or("");
    if longest.len() < 5 || !longest.is_ascii() {
        return name.to_string();
    }
    let mut bytes = longest.as_bytes().to_vec();
    bytes.swap(2, 3);
    name.replacen(longest, &String::from_utf8_lossy(&bytes), 1)
}

fn screening(config: &MatcherConfig, sample: usize) {
    let sdn = parse("ofac-sdn/2021-07-07", ofac::Flavor::Sdn);
    let cons = parse("ofac-consolidated/2025-12-19", ofac::Flavor::Consolidated);
    let mut indexed: Vec<IndexedEntity> = sdn
        .entities
        .iter()
        .map(|e| IndexedEntity { entity: e.clone(), list: "ofac-sdn".into(), version: 1 })
        .collect();
    indexed.extend(cons.entities.iter().map(|e| IndexedEntity {
        entity: e.clone(),
        list: "ofac-consolidated".into(),
        version: 1,
    }));
    let index = Index::build(indexed, config);

    // Listed names as a customer file would have them: persons in given-name-first order with
    // one typo, organizations with one typo; strong aliases too.
    let mut tally = Tally::default();
    let (mut n_ranked, mut n_first) = (0u64, 0u64);
    let queries: Vec<(&str, String, Schema)> = sdn
        .entities
        .iter()
        .flat_map(|e| {
            // Names as listed: not those the parser derives from a parenthesis in one
            // ("FIF" of "FALAH-I-INSANIAT FOUNDATION (FIF)"), so the sample is drawn from the list.
            let listed = |n: &&listwatch_model::Name| {
                !n.kind.is_weak()
                    && !n.remark.as_deref().is_some_and(|r| r.starts_with("from the listed name"))
            };
            e.names.iter().filter(listed).map(move |n| {
                let reordered = match n.value.split_once(", ") {
                    Some((family, given)) if e.schema == Schema::Person => {
                        format!("{given} {family}")
                    }
                    _ => n.value.clone(),
                };
                (e.id.as_str(), typo(&reordered), e.schema)
            })
        })
        .collect();
    let step = (queries.len() / sample.max(1)).max(1);
    for (id, query, schema) in queries.iter().step_by(step) {
        let results = index.screen(&named(query, Some(*schema)), 5);
        let hit = results.iter().position(|r| r.entity_id == format!("ofac-sdn:{id}"));
        let matched = hit.is_some_and(|p| results[p].is_match);
        tally.add(true, matched, || {
            format!(
                "{query} -> ofac-sdn:{id} (top: {:?})",
                results.first().map(|r| (&r.entity_id, &r.name, r.score))
            )
        });
        if matched {
            n_ranked += 1;
            n_first +=
                u64::from(hit == Some(0) || results[0].score == results[hit.unwrap_or(0)].score);
        }
    }
    // Hard negatives: one person's given names with another person's family name, unless that
    // spells a name some entity of the lists is listed under ("'Ali KHAN" is an alias of KHAN,
    // Nasir Ali): a listed name is a match, not a negative. Names compare folded, in any order.
    let words = |name: &str| {
        let mut words: Vec<String> =
            listwatch_normalize::fold(name).split(' ').map(String::from).collect();
        words.sort_unstable();
        words
    };
    let listed: std::collections::HashSet<Vec<String>> = sdn
        .entities
        .iter()
        .chain(&cons.entities)
        .flat_map(|e| e.names.iter().filter(|n| !n.kind.is_weak()).map(|n| words(&n.value)))
        .collect();
    let people: Vec<&listwatch_model::Entity> = sdn
        .entities
        .iter()
        .filter(|e| e.schema == Schema::Person && e.primary_name().contains(", "))
        .collect();
    let step = (people.len() / sample.max(1)).max(1);
    for (i, person) in people.iter().enumerate().step_by(step) {
        let other = people[(i * 31 + 7) % people.len()];
        let (Some((family, _)), Some((other_family, given))) =
            (person.primary_name().split_once(", "), other.primary_name().split_once(", "))
        else {
            continue;
        };
        if family.eq_ignore_ascii_case(other_family) {
            continue;
        }
        let query = format!("{given} {family}");
        if listed.contains(&words(&query)) {
            continue;
        }
        let results = index.screen(&named(&query, Some(Schema::Person)), 3);
        let alert = results.iter().any(|r| r.is_match);
        tally.add(false, alert, || {
            format!(
                "{query} -> {:?}",
                results.iter().find(|r| r.is_match).map(|r| (&r.entity_id, &r.name, r.score))
            )
        });
    }
    tally.report("screening (2021 SDN names reordered with a typo; hard negatives)");
    println!(
        "    right entity ranked first (ties included) for {:.1}% of the true matches found",
        100.0 * n_first as f64 / n_ranked.max(1) as f64
    );
}

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    // LISTWATCH_QUALITY_SAMPLE draws more (or fewer) queries and negatives than the default 400.
    let sample = std::env::var("LISTWATCH_QUALITY_SAMPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if measuring { 400 } else { 20 });
    let mut config = MatcherConfig::default();
    // LISTWATCH_THRESHOLD tries another threshold, for choosing the default.
    if let Some(threshold) = std::env::var("LISTWATCH_THRESHOLD").ok().and_then(|t| t.parse().ok())
    {
        config.threshold = threshold;
    }
    println!("threshold {} ({})", config.threshold, config.config_hash());
    zala_pairs(&config, if measuring { 20 } else { 2 })
        .report("pairs, OpenSanctions ZALA cluster (Latin, Cyrillic, Ukrainian)");
    un_pairs(&config, sample).report("pairs, UN list original script against Latin");
    screening(&config, sample);
}
