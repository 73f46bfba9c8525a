//! Page times of the console (`/ui`) on a store of the real SDN list (2022-03-24, then
//! 2024-05-03: two versions to compare) and the consolidated list (2025-12-19).
//!
//! `cargo bench -p listwatch --bench console` asks each page 5 times to warm up, then 40 times,
//! one request at a time over one kept-alive connection, and prints the first request's time
//! (a diff's first request decodes both versions, unless the server compared them in the
//! background when it started, as it does each list's two newest; later requests read the
//! console's diff cache; `from=2&to=1` is a pair nothing computed before), the
//! median, the 90th percentile and the maximum, client-side (request sent to body read); the
//! target is 50 ms per page. Under `cargo test --benches` each page is asked three times.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn main() {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    let (tmp, db) = common::store_with(
        "console",
        &[
            ("ofac-sdn", "ofac-sdn-daily/2022-03-24", "2022-03-24"),
            ("ofac-sdn", "ofac-sdn-daily/2024-05-03", "2024-05-03"),
            ("ofac-consolidated", "ofac-consolidated/2025-12-19", "2025-12-19"),
        ],
    );
    let mut server = common::listwatch()
        .args(["--db", db.to_str().unwrap(), "-q", "serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let mut started = String::new();
    let base = loop {
        let line = lines.next().expect("the server says where it listens").unwrap();
        if line.contains("indexed in") {
            started = line.clone();
        }
        if let Some(address) = common::listening_on(&line) {
            break address.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines.by_ref() {});
    println!("console: {started}");

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    // The first page starts a loopback session; its cookie and CSRF token serve the rest.
    let mut first = agent.get(format!("{base}/ui/screen")).call().unwrap();
    let cookie = first
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let html = first.body_mut().read_to_string().unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    // A holdings report in the session, for the holdings page and its download.
    let holdings =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/holdings.csv")).unwrap();
    let boundary = "listwatchbenchboundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf), ("as_of", "2024-05-03")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"holdings\"; filename=\"holdings.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&holdings);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let post = |agent: &ureq::Agent| {
        let started = Instant::now();
        let mut response = agent
            .post(format!("{base}/ui/holdings"))
            .header("Cookie", &cookie)
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .config()
            .max_redirects(0)
            .build()
            .send(&body[..])
            .unwrap();
        let _ = response.body_mut().read_to_vec();
        assert_eq!(response.status().as_u16(), 303, "the holdings upload");
        started.elapsed()
    };
    post(&agent);

    let pages = [
        "/ui/screen",
        "/ui/screen?name=Banco+Nacional+de+Cuba",
        "/ui/screen?name=%D0%9E%D0%BB%D0%B5%D0%B3+%D0%94%D0%B5%D1%80%D0%B8%D0%BF%D0%B0%D1%81%D0%BA%D0%B0",
        "/ui/entities/ofac-sdn:306",
        "/ui/entities/ofac-sdn:306?as_of=2024-05-03&known_on=2024-05-03",
        "/ui/lists",
        "/ui/lists/ofac-sdn/diff?from=1&to=2",
        "/ui/lists/ofac-sdn/diff?from=1&to=2&program=RUSSIA-EO14024",
        "/ui/lists/ofac-sdn/diff.csv?from=1&to=2",
        "/ui/lists/ofac-sdn/diff?from=2&to=1",
        "/ui/holdings",
        "/ui/holdings/report.csv",
        "/ui/events",
        "/ui/alerts",
        "/ui/static/console.css",
    ];
    let (warm, runs) = if measuring { (5, 40) } else { (1, 2) };
    let mut worst = Duration::ZERO;
    let mut report = |name: &str, first: Duration, mut times: Vec<Duration>| {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let (median, p90, max) = (
            times[times.len() / 2],
            times[(times.len() * 9 / 10).min(times.len() - 1)],
            times[times.len() - 1],
        );
        worst = worst.max(median).max(first);
        println!(
            "console: {name:<66} first {:>6.1} ms  median {:>6.1} ms  p90 {:>6.1} ms  max {:>6.1} ms",
            ms(first),
            ms(median),
            ms(p90),
            ms(max)
        );
    };
    for page in pages {
        let mut times = Vec::new();
        let mut first = Duration::ZERO;
        for run in 0..warm + runs {
            let started = Instant::now();
            let mut response =
                agent.get(format!("{base}{page}")).header("Cookie", &cookie).call().unwrap();
            let bytes = response.body_mut().read_to_vec().unwrap();
            let elapsed = started.elapsed();
            assert_eq!(
                response.status().as_u16(),
                200,
                "{page}: {}",
                String::from_utf8_lossy(&bytes)
            );
            if run == 0 {
                first = elapsed;
            }
            if run >= warm {
                times.push(elapsed);
            }
        }
        report(page, first, times);
    }
    let times: Vec<Duration> = (0..warm + runs).map(|_| post(&agent)).collect();
    report("POST /ui/holdings (examples/holdings.csv)", times[0], times[warm..].to_vec());
    println!(
        "console: the slowest page (first request or median) takes {:.1} ms (target 50 ms)",
        worst.as_secs_f64() * 1000.0
    );
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);
}
