//! The command line and the server on a PostgreSQL store (`--db postgres://…`): the main
//! commands answer as they do on a redb file, `store copy` moves a store both ways and verifies
//! it, and three servers on one database all switch within a second to a version another process
//! imports, told by the database (LISTEN/NOTIFY) rather than by their poll, and go on serving
//! when one of them is killed.
//!
//! Each test creates a database of its own on the server of `LISTWATCH_PG_URL` and drops it
//! afterwards; without a reachable server the tests skip with the reason, or fail under
//! `LISTWATCH_REQUIRE_PG=1` (as in CI).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use listwatch_store::testing::TestDatabase;

use crate::serve::{Server, http};
use crate::{fixture, run, run_json};

fn import(db: &Path, name: &str, published: &str, extra: &[&str]) -> std::process::Output {
    let dir = fixture(&format!("ok/{name}"));
    let mut args = vec!["import", "ofac-sdn", dir.to_str().unwrap(), "--published", published];
    args.extend_from_slice(extra);
    run(db, &args)
}

const FIRST: &str = "0001_sdn_set_with_addresses_aliases_and_continued_remarks";
const SECOND: &str = "0004_tiny_set_with_dangling_references";

/// Two versions, the second a mass removal that must be confirmed, a retraction of nothing
/// (refused), and a legal event.
fn fill(db: &Path) {
    assert!(import(db, FIRST, "2021-07-07", &[]).status.success());
    let refused = import(db, SECOND, "2021-08-01", &[]);
    assert_eq!(refused.status.code(), Some(3), "{}", String::from_utf8_lossy(&refused.stderr));
    let confirmed = import(db, SECOND, "2021-08-01", &["--allow-mass-removal", "5"]);
    assert!(confirmed.status.success(), "{}", String::from_utf8_lossy(&confirmed.stderr));
    let unchanged = import(db, SECOND, "2021-08-02", &["--json"]);
    assert!(unchanged.status.success());
    let event = run(
        db,
        &[
            "event",
            "add",
            "ofac-sdn:306",
            "--kind",
            "delisting",
            "--date",
            "2021-09-01",
            "--citation",
            "No. 1",
        ],
    );
    assert!(event.status.success(), "{}", String::from_utf8_lossy(&event.stderr));
}

/// The answers of the main read commands, as text.
fn answers(db: &Path) -> Vec<String> {
    let mut all = Vec::new();
    for args in [
        vec!["versions", "--json"],
        vec!["diff", "ofac-sdn", "--from", "1", "--to", "2", "--json"],
        vec!["show", "ofac-sdn:306", "--version", "1"],
        vec!["show", "ofac-sdn:306"],
        vec!["history", "ofac-sdn:306"],
        vec!["history", "ofac-sdn:2674"],
        vec!["status", "ofac-sdn:306", "--as-of", "2021-10-01", "--json"],
        vec!["status", "ofac-sdn:2674", "--as-of", "2021-07-10", "--json"],
        vec!["screen", "BANCO NACIONAL DE CUBA", "--json"],
        vec!["entities", "ofac-sdn", "--version", "1"],
        vec!["event", "list"],
    ] {
        let output = run(db, &args);
        assert!(
            output.status.success() || output.status.code() == Some(4),
            "listwatch {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        all.push(format!("{args:?}\n{}", String::from_utf8_lossy(&output.stdout)));
    }
    all
}

/// The answers with every time of day (`2026-11-30T12:00:00Z`: when a version was imported, when
/// an event was recorded) masked: two stores filled a moment apart differ only there.
fn without_times(answers: Vec<String>) -> Vec<String> {
    let is_time = |b: &[u8]| {
        b.len() >= 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z'
            && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
                .iter()
                .all(|&i| b[i].is_ascii_digit())
    };
    answers
        .into_iter()
        .map(|answer| {
            let bytes = answer.as_bytes();
            let mut out = String::with_capacity(answer.len());
            let mut i = 0;
            while i < bytes.len() {
                if is_time(&bytes[i..]) {
                    out.push_str("<time>");
                    i += 20;
                } else {
                    let c = answer[i..].chars().next().unwrap();
                    out.push(c);
                    i += c.len_utf8();
                }
            }
            out
        })
        .collect()
}

fn database() -> Option<TestDatabase> {
    TestDatabase::create()
}

#[test]
fn the_main_commands_answer_on_postgres_as_on_a_file() {
    let Some(pg) = database() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lw.redb");
    let url = PathBuf::from(pg.url());
    fill(&file);
    fill(&url);
    let (on_file, on_pg) = (answers(&file), answers(&url));
    // The import and event times are the only differences.
    assert_eq!(without_times(on_pg.clone()), without_times(on_file));
    assert!(on_pg[0].contains("\"version\": 2"), "{}", on_pg[0]);
    // $LISTWATCH_DB chooses the store as --db does.
    let by_env = std::process::Command::new(env!("CARGO_BIN_EXE_listwatch"))
        .args(["versions", "--json"])
        .env("LISTWATCH_DB", pg.url())
        .output()
        .unwrap();
    assert!(by_env.status.success());
    assert_eq!(
        format!("{:?}\n{}", ["versions", "--json"], String::from_utf8_lossy(&by_env.stdout)),
        on_pg[0]
    );
}

#[test]
fn a_store_copied_to_postgres_and_back_answers_alike() {
    let Some(pg) = database() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (file, back) = (dir.path().join("lw.redb"), dir.path().join("back.redb"));
    fill(&file);
    let retract = run(&file, &["versions", "retract", "ofac-sdn", "2", "--reason", "test"]);
    assert!(retract.status.success(), "{}", String::from_utf8_lossy(&retract.stderr));
    // Two decisions in the audit log, which travels with the store.
    for name in ["TNK Trading International", "Banco Nacional de Cuba"] {
        let screened = run(&file, &["screen", name, "--json"]);
        assert!(screened.status.success(), "{}", String::from_utf8_lossy(&screened.stderr));
    }
    let original = answers(&file);
    // (`answers` screens and asks the status too, and those decisions are recorded as well.)
    let audit = run_json(&file, &["audit", "--json"]);
    assert!(audit.as_array().unwrap().len() > 2, "{audit}");

    let to_pg = run(&file, &["store", "copy", "--from", file.to_str().unwrap(), "--to", pg.url()]);
    assert!(to_pg.status.success(), "{}", String::from_utf8_lossy(&to_pg.stderr));
    let said = String::from_utf8_lossy(&to_pg.stdout);
    assert!(said.contains("1 lists, 2 versions") && said.contains("verified"), "{said}");
    assert!(said.contains(&format!("{} audit records", audit.as_array().unwrap().len())), "{said}");
    assert_eq!(run_json(Path::new(pg.url()), &["audit", "--json"]), audit);
    assert_eq!(answers(Path::new(pg.url())), original);

    let on_pg = run_json(Path::new(pg.url()), &["audit", "--json"]);
    let to_file =
        run(&file, &["store", "copy", "--from", pg.url(), "--to", back.to_str().unwrap()]);
    assert!(to_file.status.success(), "{}", String::from_utf8_lossy(&to_file.stderr));
    assert_eq!(run_json(&back, &["audit", "--json"]), on_pg);
    assert_eq!(answers(&back), original);
    // The round trip keeps each record byte for byte.
    let lines = |db: &Path| {
        let mut path = db.as_os_str().to_owned();
        path.push(".audit.jsonl");
        std::fs::read_to_string(path).unwrap()
    };
    let (there_and_back, written) = (lines(&back), lines(&file));
    assert!(there_and_back.starts_with(&written), "{there_and_back}\n---\n{written}");
    let first = audit[0]["id"].as_str().unwrap();
    let replayed = run_json(&back, &["audit", "replay", first, "--json"]);
    assert_eq!(replayed["identical"], true, "{replayed}");

    // A copy goes only into a new file or an empty database.
    let again = run(&file, &["store", "copy", "--from", file.to_str().unwrap(), "--to", pg.url()]);
    assert!(!again.status.success());
    let again = run(&file, &["store", "copy", "--from", pg.url(), "--to", back.to_str().unwrap()]);
    assert!(!again.status.success());
}

#[test]
fn servers_on_one_database_switch_together_and_survive_one_killed() {
    let Some(pg) = database() else { return };
    let url = PathBuf::from(pg.url());
    assert!(import(&url, FIRST, "2024-01-01", &[]).status.success());
    // They poll once a minute: only the database's notification can make them switch in time.
    let mut servers: Vec<Server> = (0..3).map(|_| Server::start_polling(&url, 60_000)).collect();
    let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = |ports: Vec<u16>| {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for round in 0.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let port = ports[round % ports.len()];
                let response = http(port, "GET", "/lists", "").expect("the request is answered");
                let lists: serde_json::Value =
                    serde_json::from_str(&response.body).unwrap_or_default();
                let version = lists[0]["version"].as_u64().unwrap_or(0);
                seen.push((Instant::now(), port, response.status, version));
                // Steady load, leaving the two cores room for the servers' snapshot builds.
                std::thread::sleep(Duration::from_millis(10));
            }
            seen
        })
    };
    let clients: Vec<_> = ports.iter().map(|&port| load(vec![port])).collect();
    std::thread::sleep(Duration::from_millis(300));
    let imported = run_json(
        &url,
        &[
            "import",
            "ofac-sdn",
            fixture(&format!("ok/{SECOND}")).to_str().unwrap(),
            "--published",
            "2024-02-01",
            "--allow-mass-removal",
            "5",
            "--json",
        ],
    );
    assert_eq!(imported["version"], 2, "{imported}");
    let committed = Instant::now();
    std::thread::sleep(Duration::from_millis(2000));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for client in clients {
        let seen = client.join().unwrap();
        assert!(seen.len() > 10, "only {} requests were sent", seen.len());
        assert!(seen.iter().all(|(_, _, status, _)| *status == 200), "a request failed");
        let switched = seen
            .iter()
            .find(|(_, _, _, version)| *version == 2)
            .map(|(at, _, _, _)| at.saturating_duration_since(committed))
            .expect("the answers switch to the new version");
        eprintln!("a server switched {switched:?} after the import ended");
        // Typically 25-60 ms (debug build); clients that never paused once starved the servers
        // of the two cores past a second.
        assert!(switched <= Duration::from_secs(1), "the switch took {switched:?}");
    }

    // One instance dies; a client that tries the next instance on a refused connection (what a
    // load balancer does) sees no failed request, and the others go on.
    servers.remove(0).kill();
    let mut answered = 0;
    for round in 0..60 {
        let response = ports[round % 3..]
            .iter()
            .chain(&ports[..round % 3])
            .find_map(|&port| http(port, "GET", "/lists", "").ok())
            .expect("a live instance answers");
        assert_eq!(response.status, 200);
        answered += 1;
    }
    assert_eq!(answered, 60);
    for server in servers {
        assert!(server.stop().success());
    }
}

/// A store with a watch whose customers match the entities of the first fixture: an alert each.
fn with_alerts(db: &Path, dir: &Path) -> usize {
    assert!(import(db, FIRST, "2021-07-07", &[]).status.success());
    let customers = dir.join("customers.csv");
    std::fs::write(
        &customers,
        "id,name\nc1,Banco Nacional de Cuba\nc2,Iran Aircraft Manufacturing Industrial Company\nc3,Jorge Milton Cifuentes Villa\nc4,TNK Trading International\nc5,Artem Mikhaylovich Lifshits\n",
    )
    .unwrap();
    let added = run(db, &["watch", "add", "clients", customers.to_str().unwrap()]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let n_alerts = run_json(db, &["alerts", "--json"]).as_array().unwrap().len();
    assert!(n_alerts >= 4, "{n_alerts} alerts");
    n_alerts
}

/// Four `monitor deliver` processes started together on one store deliver each alert to each of
/// two webhooks exactly once.
fn concurrent_deliverers_deliver_each_alert_once(db: &Path, dir: &Path) {
    let n_alerts = with_alerts(db, dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let receiver = crate::monitor::Receiver::start(port);
    for path in ["one", "two"] {
        let url = format!("http://127.0.0.1:{port}/{path}");
        let added = run(db, &["webhook", "add", &url, "--secret", path]);
        assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    }
    let children: Vec<_> = (0..4)
        .map(|_| {
            crate::command(db)
                .args(["monitor", "deliver", "--backoff-ms", "10"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut n_reported = 0;
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let text = String::from_utf8_lossy(&output.stdout).to_string();
        let n: usize = text.split_whitespace().nth(1).unwrap().parse().unwrap();
        n_reported += n;
    }
    let received = receiver.stop();
    let mut pairs: Vec<(String, String)> = received
        .iter()
        .map(|(key, signature, body)| {
            let hook = if *signature == crate::monitor::expected_signature("one", body) {
                "one"
            } else {
                "two"
            };
            (hook.to_string(), key.clone())
        })
        .collect();
    pairs.sort();
    let n_received = pairs.len();
    pairs.dedup();
    assert_eq!(pairs.len(), n_received, "an alert was delivered twice to one webhook");
    assert_eq!(n_received, 2 * n_alerts, "every alert reaches both webhooks");
    assert_eq!(n_reported, 2 * n_alerts, "the processes' counts add up");
    let listed = run_json(db, &["webhook", "list", "--json"]);
    assert!(listed.as_array().unwrap().iter().all(|h| h["pending"] == 0), "{listed}");
}

#[test]
fn concurrent_deliverers_deliver_each_alert_once_on_postgres() {
    let Some(pg) = database() else { return };
    let dir = tempfile::tempdir().unwrap();
    concurrent_deliverers_deliver_each_alert_once(&PathBuf::from(pg.url()), dir.path());
}

#[test]
fn concurrent_deliverers_deliver_each_alert_once_on_redb() {
    let dir = tempfile::tempdir().unwrap();
    concurrent_deliverers_deliver_each_alert_once(&dir.path().join("lw.redb"), dir.path());
}

/// Waits up to `limit` for `done`, returning how long it took.
fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

/// Three `serve --sync` instances on one database: one leads, syncs and delivers; killed with
/// SIGKILL, another takes the lead within seconds, syncs the next publication and delivers its
/// alerts. Every alert reaches the webhook exactly once.
#[test]
fn the_sync_leader_is_killed_and_another_takes_over_delivering_each_alert_once() {
    let Some(pg) = database() else { return };
    let db = PathBuf::from(pg.url());
    let dir = tempfile::tempdir().unwrap();
    let publication = dir.path().join("publication");
    std::fs::create_dir_all(&publication).unwrap();
    let files = ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"];
    let publish = |name: &str| {
        for file in files {
            std::fs::copy(fixture(&format!("ok/{name}/{file}")), publication.join(file)).unwrap();
        }
    };
    publish(SECOND);
    assert!(import(&db, SECOND, "2021-07-01", &[]).status.success());
    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "id,name\nc1,Banco Nacional de Cuba\nc2,Iran Aircraft Manufacturing Industrial Company\nc3,Jorge Milton Cifuentes Villa\nc4,TNK Trading International\nc5,Artem Mikhaylovich Lifshits\n",
    )
    .unwrap();
    assert!(run(&db, &["watch", "add", "clients", customers.to_str().unwrap()]).status.success());
    let n_first = run_json(&db, &["alerts", "--json"]).as_array().unwrap().len();
    assert!(n_first >= 1, "the watch matches the first publication");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let receiver = crate::monitor::Receiver::start(port);
    let url = format!("http://127.0.0.1:{port}/hooks");
    assert!(run(&db, &["webhook", "add", &url]).status.success());
    let urls: Vec<String> = files
        .iter()
        .map(|f| format!("{:?}", format!("file://{}", publication.join(f).display())))
        .collect();
    let config = dir.path().join("sources.toml");
    std::fs::write(
        &config,
        format!(
            "retries = 0\n[[source]]\nname = \"sdn\"\nformat = \"ofac-sdn\"\nlist = \"ofac-sdn\"\nurls = [{}]\n",
            urls.join(", ")
        ),
    )
    .unwrap();
    let flags = [
        "--sync",
        "--sync-config",
        config.to_str().unwrap(),
        "--sync-every",
        "1",
        "--sync-tick-ms",
        "200",
        "--sync-max-removal",
        "100",
    ];
    let mut servers: Vec<Server> = (0..3).map(|_| Server::start_with(&db, &flags)).collect();
    let leads =
        |servers: &[Server]| servers.iter().filter(|s| s.logged("this instance leads")).count();
    wait_for(Duration::from_secs(20), "a leader", || leads(&servers) == 1);
    let leader = servers.iter().position(|s| s.logged("this instance leads")).unwrap();
    wait_for(Duration::from_secs(20), "the first alerts delivered", || {
        run_json(&db, &["webhook", "list", "--json"])[0]["pending"] == 0
    });
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(leads(&servers), 1, "one instance at a time leads");

    servers.remove(leader).kill();
    publish(FIRST);
    let took_over = wait_for(Duration::from_secs(10), "another leader", || leads(&servers) == 1);
    eprintln!("another instance took the lead {took_over:?} after the leader was killed");
    wait_for(Duration::from_secs(30), "the next publication synced", || {
        run_json(&db, &["versions", "--json"]).as_array().unwrap().len() == 2
    });
    wait_for(Duration::from_secs(20), "the new alerts delivered", || {
        run_json(&db, &["webhook", "list", "--json"])[0]["pending"] == 0
    });
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(leads(&servers), 1, "one instance at a time leads");
    for server in servers {
        assert!(server.stop().success());
    }
    let alerts = run_json(&db, &["alerts", "--json"]);
    let n_alerts = alerts.as_array().unwrap().len();
    assert!(n_alerts > n_first, "the next publication raised alerts");
    let received = receiver.stop();
    let mut keys: Vec<&str> = received.iter().map(|(key, _, _)| key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), received.len(), "an alert was delivered twice");
    assert_eq!(received.len(), n_alerts, "every alert is delivered");
}

/// Two servers on one database write their decisions to the one audit log in the database: each
/// serves both servers' records and the command line's, and a record made by one replays from
/// the command line.
#[test]
fn servers_on_one_database_share_one_audit_log() {
    let Some(pg) = database() else { return };
    let db = PathBuf::from(pg.url());
    assert!(import(&db, FIRST, "2024-01-01", &[]).status.success());
    let servers: Vec<Server> = (0..2).map(|_| Server::start(&db)).collect();
    for (n, server) in servers.iter().enumerate() {
        let body = serde_json::json!({
            "queries": {format!("q{n}"): {"schema": "Company", "properties": {"name": ["Banco Nacional de Cuba"]}}}
        })
        .to_string();
        let answer = http(server.port, "POST", "/match/default", &body).unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let screened = run(&db, &["screen", "TNK Trading International", "--json"]);
    assert!(screened.status.success(), "{}", String::from_utf8_lossy(&screened.stderr));
    for server in &servers {
        let response = http(server.port, "GET", "/audit", "").unwrap();
        assert_eq!(response.status, 200, "{}", response.body);
        let records: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        let records = records.as_array().or_else(|| records["records"].as_array()).unwrap();
        let endpoints: Vec<&str> =
            records.iter().map(|r| r["endpoint"].as_str().unwrap()).collect();
        assert_eq!(endpoints, ["POST /match", "POST /match", "screen"], "{records:#?}");
    }
    // The database's log a page at a time.
    let first_page = http(servers[0].port, "GET", "/audit?limit=2", "").unwrap();
    let first_page: serde_json::Value = serde_json::from_str(&first_page.body).unwrap();
    assert_eq!(first_page["records"].as_array().unwrap().len(), 2, "{first_page}");
    let next = first_page["next"].as_str().unwrap();
    let second_page =
        http(servers[1].port, "GET", &format!("/audit?limit=2&after={next}"), "").unwrap();
    let second_page: serde_json::Value = serde_json::from_str(&second_page.body).unwrap();
    assert_eq!(second_page["records"].as_array().unwrap().len(), 1, "{second_page}");
    assert_eq!(second_page["next"], serde_json::Value::Null);
    assert_eq!(second_page["records"][0]["endpoint"], "screen");
    let records = run_json(&db, &["audit", "--json"]);
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 3);
    let ids: std::collections::BTreeSet<&str> =
        records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3, "each record once");
    let first = records[0]["id"].as_str().unwrap();
    let replayed = run_json(&db, &["audit", "replay", first, "--json"]);
    assert_eq!(replayed["identical"], true, "{replayed}");
    let by_key = run_json(&db, &["audit", "--json", "--key", "cli", "--since", "2000-01-01"]);
    assert_eq!(by_key.as_array().unwrap().len(), 1);
    for server in servers {
        assert!(server.stop().success());
    }
}
