//! Screening benchmark on the OFAC SDN list of 2024-05-03 plus the consolidated list of
//! 2025-12-19: index build time and memory, and single-query latency (median and p99) over a
//! few thousand realistic queries (real names with typos, reordered and dropped words, other
//! scripts). With `LISTWATCH_BENCH_SCALE=1`, also a synthetic corpus of 1,000,000 entities made
//! by recombining real name tokens.
//!
//! `cargo bench -p listwatch-matcher` measures; under `cargo test --benches` it runs once,
//! quickly, so the benchmark cannot rot. The data comes from `$LISTWATCH_DATA` (default
//! `../shared/data`).

#[path = "../tests/it/data.rs"]
#[allow(dead_code, unreachable_pub)]
mod data;

use std::time::Instant;

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig, Query};
use listwatch_model::{Entity, NameKind};

/// A small deterministic random number generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn cyrillic(word: &str) -> String {
    word.to_lowercase()
        .chars()
        .map(|c| match c {
            'a' => 'а',
            'b' => 'б',
            'v' => 'в',
            'g' => 'г',
            'd' => 'д',
            'e' => 'е',
            'z' => 'з',
            'i' => 'и',
            'k' => 'к',
            'l' => 'л',
            'm' => 'м',
            'n' => 'н',
            'o' => 'о',
            'p' => 'п',
            'r' => 'р',
            's' => 'с',
            't' => 'т',
            'u' => 'у',
            'f' => 'ф',
            'y' => 'й',
            other => other,
        })
        .collect()
}

/// Realistic queries: mostly listed names, changed the way analysts' inputs differ from lists;
/// one in five is a name that is not listed (words of two different entries).
fn queries(entities: &[IndexedEntity], n: usize, seed: u64) -> Vec<Query> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let entity = &entities[rng.below(entities.len())].entity;
            let name = &entity.names[rng.below(entity.names.len())].value;
            let mut words: Vec<String> = name.split_whitespace().map(str::to_owned).collect();
            if words.is_empty() {
                return Query::named("");
            }
            let idx = rng.below(words.len());
            match rng.below(5) {
                0 => {
                    let mut chars: Vec<char> = words[idx].chars().collect();
                    if chars.len() > 3 {
                        chars.remove(1 + rng.below(chars.len() - 2));
                    }
                    words[idx] = chars.into_iter().collect();
                }
                1 => words.reverse(),
                2 => words[idx] = cyrillic(&words[idx]),
                3 => {
                    let other = &entities[rng.below(entities.len())].entity;
                    words.truncate(1);
                    words
                        .extend(other.primary_name().split_whitespace().skip(1).map(str::to_owned));
                }
                _ => {}
            }
            Query::named(words.join(" "))
        })
        .collect()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Screens each query once; returns the latencies in microseconds, sorted, and the hits.
fn latencies(index: &Index, queries: &[Query]) -> (Vec<f64>, usize) {
    let mut times = Vec::with_capacity(queries.len());
    let mut n_results = 0;
    for query in queries {
        let start = Instant::now();
        let results = index.screen(query, 10);
        times.push(start.elapsed().as_secs_f64() * 1e6);
        n_results += results.len();
    }
    times.sort_by(f64::total_cmp);
    (times, n_results)
}

fn report(label: &str, index: &Index, queries: &[Query]) {
    let (cold, n_results) = latencies(index, queries);
    let (warm, _) = latencies(index, queries);
    println!(
        "{label}: {} queries, {n_results} results; first pass median {:.1} µs, p99 {:.1} µs; second pass median {:.1} µs, p99 {:.1} µs ({:.0} queries/s on one core)",
        queries.len(),
        percentile(&cold, 0.5),
        percentile(&cold, 0.99),
        percentile(&warm, 0.5),
        percentile(&warm, 0.99),
        queries.len() as f64 / (warm.iter().sum::<f64>() / 1e6)
    );
}

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let config = MatcherConfig::default();
    let entities = data::real_entities();
    let builds = if measuring { 5 } else { 1 };
    let mut build_times = Vec::new();
    let mut index = None;
    for _ in 0..builds {
        let start = Instant::now();
        index = Some(Index::build(entities.clone(), &config));
        build_times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let Some(index) = index else { return };
    build_times.sort_by(f64::total_cmp);
    let (n_names, n_tokens) = index.stats();
    println!(
        "build ofac-sdn 2024-05-03 + ofac-consolidated 2025-12-19 ({} entities, {n_names} names, {n_tokens} distinct tokens): median {:.0} ms over {builds} builds; index memory estimate {:.1} MB; peak RSS {:.0} MB",
        index.len(),
        build_times[build_times.len() / 2],
        index.memory_bytes() as f64 / 1e6,
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    let n_queries = if measuring { 5000 } else { 50 };
    report("screen", &index, &queries(&entities, n_queries, 0x5eed));
    syllabic(&index);
    oversized(&index);

    if measuring && std::env::var_os("LISTWATCH_BENCH_SCALE").is_some_and(|v| v == "1") {
        drop(index);
        scale(&entities, &config);
    }
}

/// The time of queries far beyond any real name (the bound of `limits.rs` at work): one token of
/// a megabyte, a megabyte of words, a thousand characters of one repeated word.
fn oversized(index: &Index) {
    let names = [
        ("1 MB token", "a".repeat(1_000_000)),
        ("1 MB of words", "abdal rahman ".repeat(80_000)),
        ("1,000 characters", "deripaska".repeat(111)),
    ];
    let times: Vec<String> = names
        .iter()
        .map(|(what, name)| {
            let started = Instant::now();
            let _ = index.screen(&Query::named(name), 10);
            format!("{what} {:.0} µs", started.elapsed().as_secs_f64() * 1e6)
        })
        .collect();
    println!("oversized queries: {}", times.join(", "));
}

/// One million synthetic entities, each a recombination of real name words of entries of the
/// same schema.
fn scale(real: &[IndexedEntity], config: &MatcherConfig) {
    let mut rng = Rng(0xb16);
    let words: Vec<Vec<String>> = real
        .iter()
        .map(|e| e.entity.primary_name().split_whitespace().map(str::to_owned).collect())
        .collect();
    let synthetic: Vec<IndexedEntity> = (0..1_000_000)
        .map(|idx| {
            let template = &real[rng.below(real.len())];
            let n_words = 2 + rng.below(3);
            let name: Vec<&str> = (0..n_words)
                .filter_map(|_| {
                    let source = &words[rng.below(words.len())];
                    source.get(rng.below(source.len())).map(String::as_str)
                })
                .collect();
            let mut entity = Entity::new(idx.to_string(), template.entity.schema, name.join(" "));
            if rng.below(2) == 0 {
                let alias: Vec<&str> = name.iter().rev().copied().collect();
                entity.names.push(listwatch_model::Name {
                    value: alias.join(" "),
                    kind: NameKind::Aka,
                    remark: None,
                });
            }
            entity.birth_dates = template.entity.birth_dates.clone();
            entity.nationalities = template.entity.nationalities.clone();
            entity.programs = template.entity.programs.clone();
            IndexedEntity { entity, list: "synthetic".to_owned(), version: 1 }
        })
        .collect();
    let start = Instant::now();
    let index = Index::build(synthetic.iter().cloned(), config);
    let build = start.elapsed().as_secs_f64();
    println!(
        "build synthetic (1,000,000 entities): {build:.1} s; index memory estimate {:.0} MB; peak RSS {:.0} MB (including the input)",
        index.memory_bytes() as f64 / 1e6,
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    report("screen synthetic", &index, &queries(&synthetic, 2000, 0x5eed));
    syllabic(&index);
}

/// Foreign names in kana, Hangul and Chinese characters, which are compared with the index's
/// words by consonant keys: the first such query builds the map of the vocabulary by key.
fn syllabic(index: &Index) {
    const NAMES: [&str; 12] = [
        "谢尔盖·拉夫罗夫",
        "亚历山大·卢卡申科",
        "维克托·维克塞尔伯格",
        "弗拉基米尔·普京",
        "叶夫根尼·普里戈任",
        "謝爾蓋·拉夫羅夫",
        "セルゲイ・ラブロフ",
        "オレグ・デリパスカ",
        "ウラジーミル・プーチン",
        "세르게이 라브로프",
        "블라디미르 푸틴",
        "올레크 데리파스카",
    ];
    let queries: Vec<Query> = NAMES.iter().map(|name| Query::named(*name)).collect();
    let start = Instant::now();
    let _ = index.screen(&queries[0], 10);
    let first = start.elapsed().as_secs_f64() * 1000.0;
    let (times, _) = latencies(index, &queries);
    println!(
        "foreign names in kana, Hangul and Chinese characters: first query (builds the key map) {first:.1} ms; then median {:.0} µs, max {:.0} µs over {} names",
        percentile(&times, 0.5),
        times[times.len() - 1],
        queries.len()
    );
}
