//! Store benchmark: importing one new SDN version into a store that holds the eight dated
//! versions, and the store's size against a store of one version.
//!
//! The new version is the 2024-05-03 publication with a day's worth of changes applied: 40
//! entries amended, 25 added (copies under new ids) and 5 removed, about OFAC's busier days.
//! The same imports into PostgreSQL (`LISTWATCH_PG_URL`, a database of its own), beside redb:
//! the newest SDN version into an empty store, and the next day's into a store of eight.
//! `cargo bench -p listwatch-store` measures; under `cargo test --benches` it runs once.

use std::path::{Path, PathBuf};
use std::time::Instant;

use listwatch_model::{Date, ListName};
use listwatch_parsers::{InputFile, Parsed, ofac};
use listwatch_store::testing::TestDatabase;
use listwatch_store::{Guard, NewVersion, Store};

const DATED: [&str; 8] = [
    "ofac-sdn/2019-01-04",
    "ofac-sdn/2021-07-07",
    "ofac-sdn-daily/2021-08-18",
    "ofac-sdn-daily/2021-12-22",
    "ofac-sdn-daily/2021-12-30",
    "ofac-sdn-daily/2022-03-21",
    "ofac-sdn-daily/2022-03-24",
    "ofac-sdn-daily/2024-05-03",
];

fn parse(dir: &Path) -> Parsed {
    let names = ofac::Flavor::Sdn.file_names();
    let contents: Vec<Option<Vec<u8>>> =
        names.iter().map(|n| std::fs::read(dir.join(n)).ok()).collect();
    let input =
        |idx: usize| contents[idx].as_deref().map(|bytes| InputFile { name: names[idx], bytes });
    ofac::parse(&ofac::Files {
        main: input(0).expect("sdn.csv"),
        addresses: input(1),
        aliases: input(2),
        comments: input(3),
    })
    .expect("the real files parse")
}

fn version(parsed: Parsed, published: &str) -> NewVersion {
    NewVersion {
        list: ListName::parse("ofac-sdn").unwrap(),
        format: "ofac-sdn".to_string(),
        source: "bench".to_string(),
        published: Date::parse_iso(published).unwrap(),
        imported_at: "2026-01-01T00:00:00Z".to_string(),
        files: Vec::new(),
        coverage: parsed.coverage,
        remark_items: parsed.remark_stats.items,
        remark_items_typed: parsed.remark_stats.typed,
        diagnostics: parsed.diagnostics,
        entities: parsed.entities,
    }
}

fn compacted_size(path: &Path) -> u64 {
    let mut store = Store::open(path).unwrap();
    while store.compact().unwrap() {}
    drop(store);
    std::fs::metadata(path).unwrap().len()
}

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let data = std::env::var_os("LISTWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let tmp = std::env::temp_dir().join(format!("listwatch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let guard = Guard::default();

    // A store with the eight dated versions.
    let eight = tmp.join("eight.redb");
    {
        let store = Store::open(&eight).unwrap();
        for dated in DATED {
            let published = &dated[dated.len() - 10..];
            store
                .import(version(parse(&data.join(dated)), published), &guard, &mut |_| {})
                .unwrap();
        }
    }
    // A store with one version: the newest.
    let one = tmp.join("one.redb");
    {
        let store = Store::open(&one).unwrap();
        store
            .import(version(parse(&data.join(DATED[7])), "2024-05-03"), &guard, &mut |_| {})
            .unwrap();
    }
    let (size_eight, size_one) = (compacted_size(&eight), compacted_size(&one));
    println!(
        "store size: eight versions {:.2} MB, one version {:.2} MB: ratio {:.2} (target <= 3)",
        size_eight as f64 / 1e6,
        size_one as f64 / 1e6,
        size_eight as f64 / size_one as f64
    );

    // The next day's publication.
    let mut next = parse(&data.join(DATED[7]));
    for entity in next.entities.iter_mut().step_by(370).take(40) {
        entity.programs.push("RUSSIA-EO14024".to_string());
    }
    next.entities.truncate(next.entities.len() - 5);
    let copies: Vec<_> = next.entities[..25]
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut copy = e.clone();
            copy.id = (90_000 + i).to_string();
            copy
        })
        .collect();
    next.entities.extend(copies);

    let iterations = if measuring { 15 } else { 1 };
    let mut times = Vec::with_capacity(iterations);
    for round in 0..iterations {
        let path = tmp.join(format!("run-{round}.redb"));
        std::fs::copy(&eight, &path).unwrap();
        let store = Store::open(&path).unwrap();
        let new = version(next.clone(), "2024-05-06");
        let start = Instant::now();
        let outcome = store.import(new, &guard, &mut |_| {}).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(
            matches!(outcome, listwatch_store::ImportOutcome::Committed(ref v) if v.version == 9 && v.added == 25 && v.removed == 5)
        );
        drop(store);
        std::fs::remove_file(&path).unwrap();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "import one new SDN version (14985 entities, 70 changes) into a store of eight: median {:.1} ms, min {:.1} ms, max {:.1} ms over {iterations} runs (target <= 1000 ms)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    postgres(&data, &next, iterations, &tmp);
    std::fs::remove_dir_all(&tmp).unwrap();
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The imports on PostgreSQL against the same on redb: the newest SDN version into an empty
/// store, and the next day's into a store of eight.
fn postgres(data: &Path, next: &Parsed, iterations: usize, tmp: &Path) {
    let Some(template) = TestDatabase::create() else { return };
    let guard = Guard::default();
    let newest = parse(&data.join(DATED[7]));
    let (mut first_redb, mut first_pg) = (Vec::new(), Vec::new());
    for round in 0..iterations {
        let path = tmp.join(format!("first-{round}.redb"));
        let store = Store::open(&path).unwrap();
        let start = Instant::now();
        store.import(version(newest.clone(), "2024-05-03"), &guard, &mut |_| {}).unwrap();
        first_redb.push(start.elapsed().as_secs_f64() * 1000.0);
        drop(store);
        std::fs::remove_file(&path).unwrap();

        let database = TestDatabase::create().unwrap();
        let store = Store::connect(database.url()).unwrap();
        let start = Instant::now();
        store.import(version(newest.clone(), "2024-05-03"), &guard, &mut |_| {}).unwrap();
        first_pg.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let (redb, pg) = (median(first_redb), median(first_pg));
    println!(
        "import the SDN 2024-05-03 version (14985 entities) into an empty store: redb {redb:.0} ms, PostgreSQL {pg:.0} ms median over {iterations} runs: {:.2}x (target <= 3x)",
        pg / redb
    );

    {
        let store = Store::connect(template.url()).unwrap();
        for dated in DATED {
            let published = &dated[dated.len() - 10..];
            store
                .import(version(parse(&data.join(dated)), published), &guard, &mut |_| {})
                .unwrap();
        }
    }
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let database = template.copy().unwrap();
        let store = Store::connect(database.url()).unwrap();
        let start = Instant::now();
        let outcome =
            store.import(version(next.clone(), "2024-05-06"), &guard, &mut |_| {}).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(
            matches!(outcome, listwatch_store::ImportOutcome::Committed(ref v) if v.version == 9 && v.added == 25 && v.removed == 5)
        );
    }
    println!(
        "import one new SDN version (14985 entities, 70 changes) into a PostgreSQL store of eight: median {:.1} ms over {iterations} runs",
        median(times)
    );
}
