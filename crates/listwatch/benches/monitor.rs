//! Monitoring benchmark: a watch of 1,000,000 customers re-screened after the OFAC SDN change of
//! 2022-03-21 → 2022-03-24 (the Russia designations).
//!
//! The customers' names are recombined from the words of the real SDN names (a fixed-seed PRNG),
//! plus a few hundred customers that are true matches of the entities added on 2022-03-24 (their
//! names, and persons' names in the other order).
//!
//! It measures (a) end to end through the binary: `watch add` of the customers file after the
//! import of 2022-03-21 (timed apart), then the `import` of 2022-03-24 with its monitoring step
//! (target <= 10 s); and (b) the delta alone in one process, the watch's customer index and the
//! list index already built: `delta_hits` for the entities the version added or changed (target
//! <= 1 s). `cargo bench -p listwatch --bench monitor` measures; under `cargo test --benches` it
//! runs once on 5,000 customers.

// This benchmark builds its own store: the shared store of the other benches goes unused.
#[allow(dead_code)]
mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig};
use listwatch_model::{Customer, Entity, Schema, WatchItem, WatchItemKind};
use listwatch_monitor::{CustomerIndex, ListEntity, delta_hits};
use listwatch_parsers::{InputFile, ofac};

/// The entities of an SDN daily publication (the main file only, as published those days).
fn sdn(day: &str) -> Vec<Entity> {
    let path = common::data_dir().join("ofac-sdn-daily").join(day).join("sdn.csv");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let files = ofac::Files {
        main: InputFile { name: "sdn.csv", bytes: &bytes },
        addresses: None,
        aliases: None,
        comments: None,
    };
    ofac::parse(&files).expect("the real file parses").entities
}

/// SplitMix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The customers: `n` recombined names, then the true matches. Returns (id, name) pairs.
fn customers(n: usize, old: &[Entity], added: &[&Entity]) -> Vec<(String, String)> {
    let words: Vec<String> = old
        .iter()
        .flat_map(|e| e.names.iter())
        .flat_map(|name| name.value.split(|c: char| c.is_whitespace() || c == ','))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| w.chars().count() >= 2)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rng = Rng(0x5eed_2022_0324);
    let mut out = Vec::with_capacity(n + 2 * added.len());
    for i in 0..n {
        let k = 2 + rng.below(3);
        let name: Vec<&str> = (0..k).map(|_| words[rng.below(words.len())].as_str()).collect();
        out.push((format!("c{i}"), name.join(" ")));
    }
    for (i, entity) in added.iter().enumerate() {
        let primary = &entity.names[0].value;
        out.push((format!("t{i}"), primary.clone()));
        // A person's name as written the other way round ("GIVEN SURNAME").
        if let Some((surname, given)) = primary.split_once(", ") {
            out.push((format!("t{i}r"), format!("{given} {surname}")));
        }
    }
    out
}

fn csv_field(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

fn run(db: &Path, args: &[&str]) -> (f64, String) {
    let start = Instant::now();
    let output = common::listwatch().arg("--db").arg(db).args(args).output().unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    (elapsed, String::from_utf8_lossy(&output.stdout).into_owned())
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let n_customers = if measuring { 1_000_000 } else { 5_000 };
    let old = sdn("2022-03-21");
    let new = sdn("2022-03-24");
    let before: HashMap<&str, &Entity> = old.iter().map(|e| (e.id.as_str(), e)).collect();
    let added: Vec<&Entity> = new.iter().filter(|e| !before.contains_key(e.id.as_str())).collect();
    let changed: Vec<&Entity> =
        new.iter().filter(|e| before.get(e.id.as_str()).is_some_and(|o| *o != *e)).collect();
    let rows = customers(n_customers, &old, &added);
    let n_true = rows.len() - n_customers;
    println!(
        "ofac-sdn 2022-03-21 -> 2022-03-24: {} added, {} changed; watch of {} customers ({} true matches)",
        added.len(),
        changed.len(),
        rows.len(),
        n_true
    );

    // (b) The delta alone, in one process.
    let items: Vec<WatchItem> = rows
        .iter()
        .map(|(id, name)| WatchItem {
            id: id.clone(),
            kind: WatchItemKind::Customer(Customer {
                name: Some(name.clone()),
                schema: None::<Schema>,
                birth_date: None,
                countries: Vec::new(),
                gender: None,
                identifiers: Vec::new(),
            }),
        })
        .collect();
    let start = Instant::now();
    let customer_index = CustomerIndex::build(&items);
    let build_customers = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let list = Index::build(
        new.iter().map(|e| IndexedEntity {
            entity: e.clone(),
            list: "ofac-sdn".to_string(),
            version: 2,
        }),
        &MatcherConfig::default(),
    );
    let build_list = start.elapsed().as_secs_f64();
    let ids: Vec<String> = new.iter().map(|e| format!("ofac-sdn:{}", e.id)).collect();
    let position: HashMap<&str, u32> =
        new.iter().enumerate().map(|(pos, e)| (e.id.as_str(), pos as u32)).collect();
    let screened: Vec<ListEntity<'_>> = added
        .iter()
        .chain(&changed)
        .map(|e| {
            let pos = position[e.id.as_str()];
            ListEntity { entity: e, entity_id: &ids[pos as usize], position: pos }
        })
        .collect();
    let iterations = if measuring { 5 } else { 1 };
    let mut times = Vec::new();
    let mut hits = Vec::new();
    for _ in 0..iterations {
        let start = Instant::now();
        hits = delta_hits(&customer_index, &list, &screened);
        times.push(start.elapsed().as_secs_f64());
    }
    let matches: Vec<_> = hits.iter().filter(|h| h.result.is_match).collect();
    let true_found: BTreeSet<&str> = matches
        .iter()
        .map(|h| items[h.item].id.as_str())
        .filter(|id| id.starts_with('t'))
        .collect();
    println!(
        "delta in process: {} entities against {} customers: median {:.0} ms, min {:.0} ms over {iterations} runs (target <= 1000 ms for 1,000,000); {} pairs scored >= min_score, {} matches, {} of {} true-match customers found; customer index built in {:.1} s, list index in {:.2} s",
        screened.len(),
        customer_index.len(),
        median(&mut times) * 1000.0,
        times[0] * 1000.0,
        hits.len(),
        matches.len(),
        true_found.len(),
        n_true,
        build_customers,
        build_list
    );
    drop(customer_index);
    drop(list);

    // (a) End to end through the binary.
    let tmp = std::env::temp_dir().join(format!("listwatch-monitor-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let file = tmp.join("customers.csv");
    let mut csv = String::from("id,name\n");
    for (id, name) in &rows {
        csv.push_str(&format!("{id},{}\n", csv_field(name)));
    }
    std::fs::write(&file, csv).unwrap();
    let base = tmp.join("base.redb");
    let dir = |day: &str| common::data_dir().join("ofac-sdn-daily").join(day);
    let day21 = dir("2022-03-21");
    let (t_import21, _) = run(
        &base,
        &["-q", "import", "ofac-sdn", day21.to_str().unwrap(), "--published", "2022-03-21"],
    );
    let (t_watch, _) = run(&base, &["-q", "watch", "add", "customers", file.to_str().unwrap()]);
    println!(
        "setup: import of 2022-03-21 {t_import21:.1} s; watch add of {} customers (stores them and screens each against the list) {t_watch:.1} s",
        rows.len()
    );
    let day24 = dir("2022-03-24");
    let runs = if measuring { 3 } else { 1 };
    let mut times = Vec::new();
    let mut report = String::new();
    for i in 0..runs {
        let db = tmp.join(format!("run{i}.redb"));
        std::fs::copy(&base, &db).unwrap();
        let (elapsed, out) =
            run(&db, &["import", "ofac-sdn", day24.to_str().unwrap(), "--published", "2022-03-24"]);
        times.push(elapsed);
        report = out.lines().find(|l| l.starts_with("monitor:")).unwrap_or("").to_string();
        std::fs::remove_file(&db).unwrap();
    }
    println!(
        "import of 2022-03-24 with monitoring of {} customers (end to end, one process): median {:.2} s, min {:.2} s over {runs} runs (target <= 10 s for 1,000,000); {report}",
        rows.len(),
        median(&mut times),
        times[0]
    );
    std::fs::remove_dir_all(&tmp).unwrap();
}
