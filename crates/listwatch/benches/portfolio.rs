//! Portfolio benchmark: `listwatch portfolio check` on 100,000 holdings against the real SDN list
//! (2024-05-03) and the consolidated list (2025-12-19), end to end: process start, store load,
//! reading the CSV, checking every row, writing the CSV report.
//!
//! A quarter of the rows hold ISINs of real CMIC companies, a quarter tickers, a quarter ISINs no
//! list names, and the rest issuer names. `cargo bench -p listwatch --bench portfolio` measures;
//! under `cargo test --benches` it runs once on 2,000 rows.

mod common;

use std::time::Instant;

/// A valid ISIN for a country and a nine-character body: the check digit is the one that
/// validates (found by trying all ten through the model's validator).
fn isin(country: &str, n: u64) -> String {
    let body = format!("{country}{n:09}");
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|candidate| {
            listwatch_model::validate_identifier(listwatch_model::IdKind::Isin, candidate).is_ok()
        })
        .unwrap_or(body)
}

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let n_rows = if measuring { 100_000 } else { 2_000 };
    let (tmp, db) = common::store_with_real_lists("portfolio");
    let cmic_isins = [
        "US16941M1099",
        "HK0941009539",
        "CNE100000PM8",
        "US1694261033",
        "CNE1000002V2",
        "KYG8020E1199",
        "HK0883013259",
    ];
    let tickers = [("941", "HK"), ("CHA", "US"), ("002415", "CN"), ("ZZZZ", "US")];
    let issuers = [
        "China Mobile Limited",
        "Acme Widgets Inc",
        "Hangzhou Hikvision Digital Technology",
        "Banco Nacional de Cuba",
    ];
    let mut csv = String::from("isin,ticker,exchange,issuer,quantity\n");
    for row in 0..n_rows as u64 {
        match row % 4 {
            0 => csv.push_str(&format!(
                "{},,,,{}\n",
                cmic_isins[(row / 4) as usize % cmic_isins.len()],
                row
            )),
            1 => {
                let (ticker, exchange) = tickers[(row / 4) as usize % tickers.len()];
                csv.push_str(&format!(",{ticker},{exchange},,{row}\n"));
            }
            2 => csv.push_str(&format!("{},,,,{row}\n", isin("US", row))),
            _ => {
                csv.push_str(&format!(",,,{},{row}\n", issuers[(row / 4) as usize % issuers.len()]))
            }
        }
    }
    let holdings = tmp.join("holdings.csv");
    std::fs::write(&holdings, csv).unwrap();
    let report = tmp.join("report.csv");

    let iterations = if measuring { 7 } else { 1 };
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        let output = common::listwatch()
            .args([
                "--db",
                db.to_str().unwrap(),
                "-q",
                "portfolio",
                "check",
                holdings.to_str().unwrap(),
                "--as-of",
                "2021-09-01",
                "--output",
                report.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        if times.len() == 1 {
            print!("{}", String::from_utf8_lossy(&output.stdout));
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "portfolio check of {n_rows} holdings (end to end, one process): median {:.0} ms, min {:.0} ms, max {:.0} ms over {iterations} runs (target <= 1000 ms for 100,000)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    std::fs::remove_dir_all(&tmp).unwrap();
}
