//! Batch screening benchmark: `listwatch screen --input --output` on queries made from the real
//! SDN list (2024-05-03) and the consolidated list (2025-12-19), end to end in one process.
//!
//! Queries: a third are listed names with a typo or their words reordered, a third exact listed
//! names, a third names made by recombining words of different entries (mostly no match). The
//! command reports its own screening rate (index build excluded) on standard error; the total
//! time includes process start, store load and index build. `cargo bench -p listwatch --bench
//! screen` measures 60,000 queries; under `cargo test --benches` it runs 600.

mod common;

use std::time::Instant;

use listwatch_parsers::{InputFile, ofac};

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let n_queries = if measuring { 60_000 } else { 600 };
    let (tmp, db) = common::store_with_real_lists("screen");
    let data = common::data_dir();
    let sdn = std::fs::read(data.join("ofac-sdn-daily/2024-05-03/sdn.csv")).unwrap();
    let parsed = ofac::parse(&ofac::Files {
        main: InputFile { name: "sdn.csv", bytes: &sdn },
        addresses: None,
        aliases: None,
        comments: None,
    })
    .unwrap();
    let names: Vec<&str> = parsed.entities.iter().map(|e| e.primary_name()).collect();
    let words: Vec<&str> =
        names.iter().flat_map(|n| n.split_whitespace()).filter(|w| w.len() > 3).collect();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut lines = String::new();
    for idx in 0..n_queries {
        let name = names[(next() % names.len() as u64) as usize];
        let query = match idx % 3 {
            0 => {
                let mut chars: Vec<char> = name.chars().collect();
                if chars.len() > 4 {
                    let at = 1 + (next() % (chars.len() as u64 - 2)) as usize;
                    chars.swap(at, at + 1);
                }
                let typo: String = chars.into_iter().collect();
                let mut parts: Vec<&str> = typo.split(", ").collect();
                parts.reverse();
                parts.join(" ")
            }
            1 => name.to_string(),
            _ => (0..3)
                .map(|_| words[(next() % words.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" "),
        };
        lines.push_str(&serde_json::json!({"id": idx, "name": query}).to_string());
        lines.push('\n');
    }
    let input = tmp.join("queries.jsonl");
    std::fs::write(&input, lines).unwrap();
    let output = tmp.join("results.jsonl");

    let iterations = if measuring { 3 } else { 1 };
    for _ in 0..iterations {
        let start = Instant::now();
        let result = common::listwatch()
            .args([
                "--db",
                db.to_str().unwrap(),
                "-q",
                "screen",
                "--input",
                input.to_str().unwrap(),
                "--output",
                output.to_str().unwrap(),
                "--limit",
                "5",
            ])
            .output()
            .unwrap();
        let total = start.elapsed().as_secs_f64();
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
        print!("{}", String::from_utf8_lossy(&result.stderr));
        println!(
            "  total {total:.2} s for {n_queries} queries including process start, store load and index build ({:.0} queries/s overall)",
            n_queries as f64 / total
        );
    }
    std::fs::remove_dir_all(&tmp).unwrap();
}
