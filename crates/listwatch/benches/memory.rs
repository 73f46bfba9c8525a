//! Peak memory of the command against what it keeps: importing the largest SDN publication
//! (ofac-sdn-daily/2024-05-03, 3.9 MB) against the store file it writes, and screening a batch of
//! a million lines made from real names against the size of the index, compared with a batch of
//! one line (the store load and index build alone): the batch should add memory proportional to
//! one chunk of 4,096 lines, not to the file.
//!
//! The peak is the child's maximum resident set size, read from `/usr/bin/time -v` when it is
//! there, else by polling `VmHWM` in `/proc/<pid>/status`. `cargo bench -p listwatch --bench
//! memory` uses 1,000,000 lines; under `cargo test --benches` it runs once with 10,000.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig};
use listwatch_parsers::{InputFile, ofac};

/// Runs `listwatch <args>` and returns its peak resident memory in bytes and its wall time.
fn peak_of(args: &[&str]) -> (u64, f64) {
    let started = Instant::now();
    let time = Path::new("/usr/bin/time");
    if time.exists() {
        let output = Command::new(time)
            .arg("-v")
            .arg(env!("CARGO_BIN_EXE_listwatch"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "listwatch {args:?}: {stderr}");
        let kb: u64 = stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
            .and_then(|v| v.trim().parse().ok())
            .expect("/usr/bin/time -v reports the maximum resident set size");
        return (kb * 1024, started.elapsed().as_secs_f64());
    }
    let mut child = common::listwatch()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb * 1024);
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "listwatch {args:?} failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (peak, started.elapsed().as_secs_f64())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn parse(dir: &str, flavor: ofac::Flavor) -> Vec<listwatch_model::Entity> {
    let dir = common::data_dir().join(dir);
    let names = flavor.file_names();
    let bytes: Vec<Option<Vec<u8>>> =
        names.iter().map(|n| std::fs::read(dir.join(n)).ok()).collect();
    let file = |i: usize| bytes[i].as_deref().map(|b| InputFile { name: names[i], bytes: b });
    ofac::parse(&ofac::Files {
        main: file(0).unwrap(),
        addresses: file(1),
        aliases: file(2),
        comments: file(3),
    })
    .unwrap()
    .entities
}

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let n_lines: usize = if measuring { 1_000_000 } else { 10_000 };
    let tmp = std::env::temp_dir().join(format!("listwatch-memory-files-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();

    // (a) Import the largest SDN publication into a fresh store.
    let sdn_dir = common::data_dir().join("ofac-sdn-daily/2024-05-03");
    let input_bytes: u64 =
        std::fs::read_dir(&sdn_dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    let db = tmp.join("import.redb");
    let (peak, secs) = peak_of(&[
        "--db",
        db.to_str().unwrap(),
        "-q",
        "import",
        "ofac-sdn",
        sdn_dir.to_str().unwrap(),
        "--published",
        "2024-05-03",
    ]);
    let store = std::fs::metadata(&db).unwrap().len();
    println!(
        "import ofac-sdn-daily/2024-05-03: peak {:.1} MB for {:.1} MB of input files and a {:.1} MB store ({:.1}x the store), {secs:.2} s",
        mb(peak),
        mb(input_bytes),
        mb(store),
        peak as f64 / store as f64
    );

    // (b) Screen a batch of real names against both lists.
    let (store_dir, db) = common::store_with_real_lists("memory");
    let sdn = parse("ofac-sdn-daily/2024-05-03", ofac::Flavor::Sdn);
    let cons = parse("ofac-consolidated/2025-12-19", ofac::Flavor::Consolidated);
    let names: Vec<String> =
        sdn.iter().chain(&cons).flat_map(|e| e.names.iter().map(|n| n.value.clone())).collect();
    let indexed = sdn
        .into_iter()
        .map(|entity| IndexedEntity { entity, list: "ofac-sdn".into(), version: 1 })
        .chain(cons.into_iter().map(|entity| IndexedEntity {
            entity,
            list: "ofac-consolidated".into(),
            version: 1,
        }));
    let index_bytes = Index::build(indexed, &MatcherConfig::default()).memory_bytes() as u64;
    let write_batch = |n: usize, path: &Path| {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        for idx in 0..n {
            let name = &names[idx * 7919 % names.len()];
            writeln!(out, "{}", serde_json::json!({"id": idx, "name": name})).unwrap();
        }
        out.flush().unwrap();
    };
    let mut peaks = Vec::new();
    for n in [1, n_lines] {
        let input = tmp.join(format!("batch-{n}.jsonl"));
        write_batch(n, &input);
        let output = tmp.join(format!("results-{n}.jsonl"));
        let (peak, secs) = peak_of(&[
            "--db",
            db.to_str().unwrap(),
            "-q",
            "screen",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--limit",
            "3",
        ]);
        let (input_len, output_len) =
            (std::fs::metadata(&input).unwrap().len(), std::fs::metadata(&output).unwrap().len());
        println!(
            "screen a batch of {n} lines ({:.1} MB in, {:.1} MB out): peak {:.1} MB, index {:.1} MB ({:.1}x the index), {secs:.2} s",
            mb(input_len),
            mb(output_len),
            mb(peak),
            mb(index_bytes),
            peak as f64 / index_bytes as f64
        );
        peaks.push((peak, input_len));
    }
    let (base, _) = peaks[0];
    let (big, input_len) = peaks[1];
    println!(
        "  the {n_lines}-line batch adds {:.1} MB over one line, for {:.1} MB of input",
        (big as f64 - base as f64) / 1e6,
        mb(input_len)
    );
    // The batch is read a chunk at a time: its peak does not grow with the file. (Generous: a
    // chunk of 4,096 queries with their results and the output buffers is a few tens of MB.)
    if measuring {
        assert!(big < base + 200_000_000, "a batch of {n_lines} lines added {} bytes", big - base);
    }
    std::fs::remove_dir_all(&tmp).unwrap();
    std::fs::remove_dir_all(&store_dir).unwrap();
}
