//! `listwatch serve` on a real loopback port: requests over TCP, a new version imported by
//! another process while a client sends requests without pause (none fails, and the answers
//! switch to the new version within about a second), and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::{command, fixture, run_json};

/// A response: status, headers (lowercase names) and body.
pub(crate) struct Response {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a new connection.
pub(crate) fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest) } else { rest.to_string() };
    Ok(Response { status, headers, body })
}

fn dechunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        text = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A running server and its port.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    /// The lines of its log, as they come.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// A server a failed test left running is killed, not left behind.
impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Server {
    pub(crate) fn start(db: &std::path::Path) -> Server {
        Server::start_polling(db, 250)
    }

    /// A server that looks at the store every `poll_ms`.
    pub(crate) fn start_polling(db: &std::path::Path, poll_ms: u64) -> Server {
        Server::start_with(db, &["--poll-ms", &poll_ms.to_string()])
    }

    /// A server with these flags besides its address.
    pub(crate) fn start_with(db: &std::path::Path, flags: &[&str]) -> Server {
        let mut child = command(db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(flags)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("listwatch serve starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let port = loop {
            let line = lines.next().expect("the server says where it listens").unwrap();
            if let Some(address) = crate::listening_on(&line) {
                break address.rsplit(':').next().unwrap().parse().unwrap();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.by_ref().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server { child, port, log }
    }

    /// Whether a line of its log so far contains `text`.
    pub(crate) fn logged(&self, text: &str) -> bool {
        self.log.lock().unwrap().iter().any(|line| line.contains(text))
    }

    /// Kills the server with SIGKILL, as a crash would.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM and returns the exit status.
    pub(crate) fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

fn import(db: &std::path::Path, name: &str, format: &str, published: &str) {
    let dir = fixture(&format!("ok/{name}"));
    run_json(db, &["import", format, dir.to_str().unwrap(), "--published", published, "--json"]);
}

#[test]
fn the_server_answers_on_a_real_port_and_switches_to_a_new_version_without_a_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lw.redb");
    import(
        &db,
        "0001_sdn_set_with_addresses_aliases_and_continued_remarks",
        "ofac-sdn",
        "2024-01-01",
    );
    let server = Server::start(&db);
    let port = server.port;

    let health = http(port, "GET", "/healthz", "").unwrap();
    assert_eq!(health.status, 200);
    assert!(health.header("x-request-id").is_some());
    let bad = http(port, "POST", "/match/default", "{oops").unwrap();
    assert_eq!(bad.status, 400);
    let error: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(error["error"]["code"], "invalid_json");
    assert_eq!(error["error"]["request_id"].as_str(), bad.header("x-request-id"));

    // A client that never pauses, while another process imports a second list.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let response = http(port, "GET", "/lists", "").expect("the request is answered");
                let lists: serde_json::Value =
                    serde_json::from_str(&response.body).unwrap_or_default();
                seen.push((Instant::now(), response.status, lists.as_array().map_or(0, Vec::len)));
            }
            seen
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    import(&db, "0002_cmic_entries_of_the_consolidated_list", "ofac-consolidated", "2024-02-01");
    let committed = Instant::now();
    std::thread::sleep(Duration::from_millis(2500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = client.join().unwrap();

    assert!(seen.len() > 20, "only {} requests were sent", seen.len());
    assert!(seen.iter().all(|(_, status, _)| *status == 200), "a request failed");
    let switched = seen
        .iter()
        .find(|(_, _, n)| *n == 2)
        .map(|(at, _, _)| at.saturating_duration_since(committed))
        .expect("the answers switch to the new version");
    assert!(switched <= Duration::from_millis(1500), "the switch took {switched:?}");
    assert!(
        seen.iter().skip_while(|(_, _, n)| *n < 2).all(|(_, _, n)| *n == 2),
        "an answer went back to the old snapshot"
    );
    let status = server.stop();
    assert!(status.success(), "the server stopped with {status:?}");
}

#[test]
fn watches_alerts_and_decisions_are_served_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lw.redb");
    import(&db, "0002_cmic_entries_of_the_consolidated_list", "ofac-consolidated", "2025-12-19");
    let holdings = dir.path().join("holdings.csv");
    std::fs::write(&holdings, "isin,quantity\nHK0941009539,1000\n").unwrap();
    let h = holdings.to_str().unwrap();
    run_json(
        &db,
        &["watch", "add", "book", h, "--kind", "holdings", "--as-of", "2021-07-01", "--json"],
    );
    let output = command(&db).args(["monitor", "run", "--as-of", "2021-08-02"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let server = Server::start(&db);
    let get = |path: &str| {
        let response = http(server.port, "GET", path, "").unwrap();
        assert_eq!(response.status, 200, "{path}: {}", response.body);
        serde_json::from_str::<serde_json::Value>(&response.body).unwrap()
    };
    let watches = get("/watches");
    assert_eq!(watches[0]["name"], "book", "{watches:#}");
    let alerts = get("/alerts?state=open");
    let alerts = alerts.as_array().unwrap();
    assert!(!alerts.is_empty());
    let id = alerts[0]["id"].as_str().unwrap().to_string();
    let one = get(&format!("/alerts/{id}"));
    assert_eq!(one["id"], id.as_str());
    assert_eq!(one["decisions"], serde_json::json!([]));
    // A decision, append-only; the alert is then closed.
    let body = r#"{"decision": "escalated", "reason": "sent to the desk", "by": "analyst"}"#;
    let response = http(server.port, "POST", &format!("/alerts/{id}/decision"), body).unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    let decided = get(&format!("/alerts/{id}"));
    assert_eq!(decided["decisions"].as_array().unwrap().len(), 1);
    // Bad decisions and unknown alerts are 4xx with the error body.
    let bad = http(
        server.port,
        "POST",
        &format!("/alerts/{id}/decision"),
        r#"{"decision": "maybe", "reason": "x", "by": "y"}"#,
    )
    .unwrap();
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("\"error\""));
    let unknown = http(server.port, "GET", "/alerts/no-such-alert", "").unwrap();
    assert_eq!(unknown.status, 404);
    let wrong_state = http(server.port, "GET", "/alerts?state=sideways", "").unwrap();
    assert_eq!(wrong_state.status, 400);
    assert!(server.stop().success());
}

#[test]
fn an_entitys_life_and_its_legal_events_are_served_and_recorded_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lw.redb");
    import(&db, "0002_cmic_entries_of_the_consolidated_list", "ofac-consolidated", "2025-12-19");
    let server = Server::start(&db);
    let get = |path: &str| {
        let response = http(server.port, "GET", path, "").unwrap();
        assert_eq!(response.status, 200, "{path}: {}", response.body);
        response
    };
    let json = |path: &str| serde_json::from_str::<serde_json::Value>(&get(path).body).unwrap();
    let lists = json("/lists");
    let list = lists[0]["list"].as_str().unwrap().to_string();
    // Browse and export the entries of the current version.
    let entries = json(&format!("/lists/{list}/entities"));
    let entries = entries.as_array().unwrap();
    assert!(!entries.is_empty());
    let id = entries[0]["entity_id"].as_str().unwrap().to_string();
    let csv = get(&format!("/lists/{list}/entities?format=csv"));
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(csv.body.lines().count(), entries.len() + 1, "{}", csv.body);
    assert!(csv.body.contains(&id));
    // A program no entry has is reported, as `entities --program` reports it, not an empty list.
    let unknown =
        http(server.port, "GET", &format!("/lists/{list}/entities?program=NO-SUCH"), "").unwrap();
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.body.contains("its programs"), "{}", unknown.body);
    // History and timeline, as the command line's JSON.
    let history = json(&format!("/entities/{id}/history"));
    assert_eq!(history["id"], id.as_str());
    assert_eq!(history["steps"][0]["change"], "added");
    let timeline = json(&format!("/entities/{id}/timeline"));
    assert_eq!(timeline["entity_id"], id.as_str());
    assert!(!timeline["events"].as_array().unwrap().is_empty());
    // Record an injunction: 201 with the event; it is listed and on the timeline.
    let body = serde_json::json!({
        "entity": id, "kind": "injunction", "date": "2021-03-12",
        "citation": "Example v. Department of Defense, No. 21-cv-280 (D.D.C.)", "author": "analyst",
    })
    .to_string();
    let recorded = http(server.port, "POST", "/events", &body).unwrap();
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let event: serde_json::Value = serde_json::from_str(&recorded.body).unwrap();
    assert_eq!(
        (&event["kind"], &event["id"]),
        (&serde_json::json!("injunction"), &serde_json::json!(1)),
        "{event:#}"
    );
    let events = json(&format!("/events?entity={id}"));
    assert_eq!(events.as_array().unwrap().len(), 1, "{events:#}");
    let timeline = json(&format!("/entities/{id}/timeline"));
    assert!(timeline.to_string().contains("injunction"), "{timeline:#}");
    // An event checked as the command line checks it: the error names what is wrong.
    let bad =
        serde_json::json!({"entity": id, "kind": "maybe", "date": "2021-03-12", "citation": "x"});
    let refused = http(server.port, "POST", "/events", &bad.to_string()).unwrap();
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("injunction"), "the error lists the kinds: {}", refused.body);
    let unknown = serde_json::json!({"entity": format!("{list}:no-such-id"), "kind": "note", "date": "2021-03-12", "citation": "x"});
    let refused = http(server.port, "POST", "/events", &unknown.to_string()).unwrap();
    assert_eq!(refused.status, 400, "{}", refused.body);
    let shape = http(server.port, "POST", "/events", r#"{"entity": 3}"#).unwrap();
    assert_eq!(shape.status, 422, "{}", shape.body);
    let missing =
        http(server.port, "GET", &format!("/entities/{list}:no-such-id/history"), "").unwrap();
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(server.stop().success());
}
