//! Parse benchmarks: the OFAC SDN set of 2021-07-07 (about 3.5 MB in four files), each UN
//! consolidated list (1.6 MB and 2.0 MB of XML; target: at most 100 ms each in release), and the
//! full trade.gov CSL of 2022-05-06 (14,160 rows, 5.8 MB unpacked; target: at most 150 ms).
//!
//! `cargo bench -p listwatch-parsers` measures; under `cargo test --benches` it runs once, so the
//! benchmark cannot rot. The data comes from `$LISTWATCH_DATA` (default `../shared/data`).

use std::path::PathBuf;
use std::time::Instant;

use std::io::Read;

use listwatch_parsers::{InputFile, Parsed, ofac, un_sc, us_csl};

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let data = std::env::var_os("LISTWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = data.join("ofac-sdn/2021-07-07");
    let names = ofac::Flavor::Sdn.file_names();
    let contents: Vec<Vec<u8>> = names
        .iter()
        .map(|name| {
            std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        })
        .collect();
    let n_bytes: usize = contents.iter().map(Vec::len).sum();
    let input = |idx: usize| InputFile { name: names[idx], bytes: &contents[idx] };
    let files = ofac::Files {
        main: input(0),
        addresses: Some(input(1)),
        aliases: Some(input(2)),
        comments: Some(input(3)),
    };

    let iterations = if measuring { 30 } else { 1 };
    report("ofac-sdn/2021-07-07", n_bytes, iterations, || {
        ofac::parse(&files).expect("the real files parse")
    });
    for path in [
        "un-consolidated/2018-10-29/consolidated.xml",
        "un-consolidated/2026-02-27/UN_consolidated.xml",
    ] {
        let bytes = std::fs::read(data.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        report(path, bytes.len(), iterations, || {
            un_sc::parse(&InputFile { name: path, bytes: &bytes }).expect("the real file parses")
        });
    }
    bench_csl(&data, measuring);
}

/// Parses `iterations` times and prints the median, minimum and maximum.
fn report(what: &str, n_bytes: usize, iterations: usize, parse: impl Fn() -> Parsed) {
    let mut times = Vec::with_capacity(iterations);
    let mut n_entities = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        let parsed = parse();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        n_entities = parsed.entities.len();
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "parse {what} ({:.1} MB, {n_entities} entities): median {median:.1} ms, min {:.1} ms, max {:.1} ms over {iterations} runs ({:.0} MB/s)",
        n_bytes as f64 / 1e6,
        times[0],
        times[times.len() - 1],
        n_bytes as f64 / 1e6 / (median / 1000.0)
    );
}

fn bench_csl(data: &std::path::Path, measuring: bool) {
    let path = data.join("trade-gov-csl/2022-05-06/consolidated.csv.gz");
    let packed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(&packed[..]).read_to_end(&mut bytes).expect("gzip");
    let file = InputFile { name: "consolidated.csv", bytes: &bytes };
    let iterations = if measuring { 30 } else { 1 };
    report("trade-gov-csl/2022-05-06", bytes.len(), iterations, || {
        us_csl::parse(&file).expect("the real file parses")
    });
}
