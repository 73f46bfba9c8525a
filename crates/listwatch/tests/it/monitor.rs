//! Continuous monitoring on real data: delta screening after an import, holdings re-checked as
//! days pass and events are recorded, suppression after a false-positive decision.

use std::path::Path;

use crate::{data_dir, have_data, run, run_json};

fn ok(db: &Path, args: &[&str]) -> String {
    let output = run(db, args);
    assert!(
        output.status.success(),
        "listwatch {args:?} failed with {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn import(db: &Path, format: &str, dir: &str, day: &str) {
    let path = data_dir().join(dir);
    ok(db, &["import", format, path.to_str().unwrap(), "--published", day, "--quiet"]);
}

fn alerts(db: &Path) -> Vec<serde_json::Value> {
    run_json(db, &["alerts", "--json"]).as_array().unwrap().clone()
}

#[test]
fn the_russia_day_raises_each_expected_alert_once() {
    if !have_data() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.redb");
    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "id,name\nc1,JSC NPO High Precision Systems\nc2,Vertolety Rossii AO\nc3,\"GREF, Herman Oskarovich\"\nc4,Tactical Missiles Corporation\nx1,Jane Q Nobody Trading\n",
    )
    .unwrap();
    import(&db, "ofac-sdn", "ofac-sdn-daily/2022-03-21", "2022-03-21");
    ok(&db, &["watch", "add", "clients", customers.to_str().unwrap()]);
    assert!(alerts(&db).is_empty(), "nothing of 2022-03-24 is on the list yet");
    import(&db, "ofac-sdn", "ofac-sdn-daily/2022-03-24", "2022-03-24");
    let raised = alerts(&db);
    let mut items: Vec<&str> = raised.iter().map(|a| a["item"].as_str().unwrap()).collect();
    items.sort_unstable();
    assert_eq!(items, ["c1", "c2", "c3", "c4"], "{raised:#?}");
    assert!(raised.iter().all(|a| a["kind"] == "hit" && a["sources"][0] == "ofac-sdn@2"));
    // Re-importing the same publication and re-adding the same file raise nothing new.
    import(&db, "ofac-sdn", "ofac-sdn-daily/2022-03-24", "2022-03-24");
    ok(&db, &["watch", "update", "clients", customers.to_str().unwrap()]);
    assert_eq!(alerts(&db).len(), 4);
    // A watch update screens its new customers against the current lists.
    std::fs::write(
        &customers,
        "id,name\nc1,JSC NPO High Precision Systems\nc2,Vertolety Rossii AO\nc3,\"GREF, Herman Oskarovich\"\nc4,Tactical Missiles Corporation\nx1,Jane Q Nobody Trading\nc5,NPK Tekhmash OAO\n",
    )
    .unwrap();
    ok(&db, &["watch", "update", "clients", customers.to_str().unwrap()]);
    let raised = alerts(&db);
    assert_eq!(raised.len(), 5);
    assert_eq!(raised[4]["item"], "c5");
}

#[test]
fn a_false_positive_stays_quiet_until_the_entity_names_change() {
    if !have_data() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.redb");
    let customers = dir.path().join("customers.csv");
    std::fs::write(&customers, "id,name\nc3,\"GREF, Herman Oskarovich\"\n").unwrap();
    import(&db, "ofac-sdn", "ofac-sdn-daily/2022-03-21", "2022-03-21");
    ok(&db, &["watch", "add", "clients", customers.to_str().unwrap()]);
    import(&db, "ofac-sdn", "ofac-sdn-daily/2022-03-24", "2022-03-24");
    let raised = alerts(&db);
    assert_eq!(raised.len(), 1);
    let id = raised[0]["id"].as_str().unwrap().to_string();
    let entity = raised[0]["entity"].as_str().unwrap().to_string();
    ok(
        &db,
        &[
            "alerts",
            "resolve",
            &id,
            "--decision",
            "false-positive",
            "--reason",
            "another Gref",
            "--by",
            "analyst",
        ],
    );
    assert_eq!(
        run_json(&db, &["alerts", "--state", "open", "--json"]).as_array().unwrap().len(),
        0
    );
    // A version that amends the entity without touching its material fields: quiet.
    let source = data_dir().join("ofac-sdn-daily/2022-03-24/sdn.csv");
    let text = std::fs::read_to_string(&source).unwrap();
    let ent = entity.trim_start_matches("ofac-sdn:");
    let line = text.lines().find(|l| l.starts_with(&format!("{ent},"))).unwrap().to_string();
    let v3 = dir.path().join("v3");
    std::fs::create_dir_all(&v3).unwrap();
    let amended =
        line.replacen("\"-0- \"", "\"Chairman\"", 1).replacen(",-0- ,", ",\"Chairman\",", 1);
    std::fs::write(v3.join("sdn.csv"), text.replace(&line, &amended)).unwrap();
    ok(&db, &["import", "ofac-sdn", v3.to_str().unwrap(), "--published", "2022-03-25", "--quiet"]);
    assert_eq!(alerts(&db).len(), 1, "a title change is not material");
    // A version that changes the entity's names: the pair reopens, saying what changed.
    let v4 = dir.path().join("v4");
    std::fs::create_dir_all(&v4).unwrap();
    let renamed = amended.replacen("GREF, Herman Oskarovich", "GREF, German Oskarovich", 1);
    assert_ne!(renamed, amended);
    std::fs::write(v4.join("sdn.csv"), text.replace(&line, &renamed)).unwrap();
    ok(&db, &["import", "ofac-sdn", v4.to_str().unwrap(), "--published", "2022-03-26", "--quiet"]);
    let raised = alerts(&db);
    assert_eq!(raised.len(), 2, "{raised:#?}");
    assert_eq!(raised[1]["kind"], "reopened");
    assert!(raised[1]["change"].as_str().unwrap().contains("the entry's names"), "{raised:#?}");
    // The auditor's report has both alerts and the decision.
    let report = run_json(&db, &["alerts", "report", "--from", "2000-01-01", "--to", "2100-01-01"]);
    assert_eq!(report["alerts"].as_array().unwrap().len(), 2);
    assert_eq!(report["alerts"][0]["decisions"][0]["decision"], "false-positive");
}

#[test]
fn cmic_holdings_alert_on_the_effective_day_before_the_divestment_deadline_and_on_an_injunction() {
    if !have_data() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.redb");
    let holdings = dir.path().join("holdings.csv");
    std::fs::write(&holdings, "isin,quantity\nHK0941009539,1000\nUS0378331005,5\n").unwrap();
    import(&db, "ofac-consolidated", "ofac-consolidated/2025-12-19", "2025-12-19");
    let h = holdings.to_str().unwrap();
    ok(&db, &["watch", "add", "book", h, "--kind", "holdings", "--as-of", "2021-07-01"]);
    let day = |d: &str| ok(&db, &["monitor", "run", "--as-of", d]);
    for d in ["2021-08-02", "2021-08-02", "2022-05-05", "2022-05-28", "2022-06-02", "2022-06-02"] {
        day(d);
    }
    let all = alerts(&db);
    // Apple is on no list, but no list version was in force in 2021: unknown, said once.
    let apple: Vec<&serde_json::Value> = all.iter().filter(|a| a["item"] == "2").collect();
    assert_eq!(apple.len(), 1);
    assert_eq!(apple[0]["verdict"], "unknown");
    let raised: Vec<serde_json::Value> = all.into_iter().filter(|a| a["item"] == "1").collect();
    let kinds: Vec<(String, String)> = raised
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["verdict"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("holding-status", "pending"),
        ("holding-status", "prohibited"),
        ("divestment-window", "prohibited"),
        ("divestment-window", "prohibited"),
        ("divestment-window", "prohibited"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(kinds, expected, "{raised:#?}");
    let entity = raised[1]["entity"].as_str().unwrap().to_string();
    ok(
        &db,
        &[
            "event",
            "add",
            &entity,
            "--kind",
            "injunction",
            "--date",
            "2022-06-10",
            "--citation",
            "test order",
            "--quiet",
        ],
    );
    let raised: Vec<serde_json::Value> =
        alerts(&db).into_iter().filter(|a| a["item"] == "1").collect();
    assert_eq!(raised.len(), 6, "{raised:#?}");
    assert_eq!(raised[5]["verdict"], "suspended");
    assert!(raised[5]["sources"][0].as_str().unwrap().starts_with("event:"));
    // Re-checking after the injunction took effect raises nothing new.
    day("2022-06-20");
    day("2022-06-20");
    assert_eq!(alerts(&db).iter().filter(|a| a["item"] == "1").count(), 6);
}

/// A webhook receiver on 127.0.0.1: answers each POST with `status`, and keeps every request's
/// idempotency key, signature and body.
pub(crate) struct Receiver {
    received: std::sync::Arc<std::sync::Mutex<Vec<(String, String, String)>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    pub(crate) fn start(port: u16) -> Receiver {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (sink, halt) = (received.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !halt.load(std::sync::atomic::Ordering::SeqCst)
                && std::time::Instant::now() < deadline
            {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut key, mut signature, mut length) = (String::new(), String::new(), 0);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    let value = line.split_once(':').map_or("", |(_, v)| v.trim()).to_string();
                    if lower.starts_with("idempotency-key:") {
                        key = value;
                    } else if lower.starts_with("x-listwatch-signature:") {
                        signature = value;
                    } else if lower.starts_with("content-length:") {
                        length = value.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                sink.lock().unwrap().push((key, signature, String::from_utf8(body).unwrap()));
                let mut stream = stream;
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            }
        });
        Receiver { received, stop, thread: Some(thread) }
    }

    pub(crate) fn stop(mut self) -> Vec<(String, String, String)> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
        self.received.lock().unwrap().clone()
    }
}

/// The signature a receiver expects: HMAC-SHA256 of the body under the secret, computed with the
/// `hmac` crate (independently of listwatch's own code).
pub(crate) fn expected_signature(secret: &str, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[test]
fn every_alert_is_delivered_once_signed_across_a_receiver_outage_and_restarts() {
    if !have_data() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.redb");
    let holdings = dir.path().join("holdings.csv");
    std::fs::write(&holdings, "isin,quantity\nHK0941009539,1000\n").unwrap();
    import(&db, "ofac-consolidated", "ofac-consolidated/2025-12-19", "2025-12-19");
    let h = holdings.to_str().unwrap();
    ok(&db, &["watch", "add", "book", h, "--kind", "holdings", "--as-of", "2021-07-01"]);
    ok(&db, &["monitor", "run", "--as-of", "2021-08-02"]);
    let n_alerts = alerts(&db).len();
    assert!(n_alerts >= 2, "{n_alerts} alerts");
    // A port nothing listens on yet: the receiver is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/hooks/listwatch");
    ok(&db, &["webhook", "add", &url, "--secret", "s3cret"]);
    let output = run(&db, &["monitor", "deliver", "--attempts", "2", "--backoff-ms", "10"]);
    assert_eq!(output.status.code(), Some(1), "nothing could be delivered");
    assert!(String::from_utf8_lossy(&output.stderr).contains("pending"));
    // A scheduled run that honours the backoff leaves the receiver alone for now.
    let output = run(&db, &["monitor", "deliver", "--due-only"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("delivered 0 alerts; 0 still pending"), "{said}");
    assert!(said.contains(&format!("{n_alerts} alerts wait for their next attempt")), "{said}");
    // The receiver comes up; each run of `monitor deliver` is a new process (a restart).
    let receiver = Receiver::start(port);
    ok(&db, &["monitor", "deliver", "--backoff-ms", "10"]);
    ok(&db, &["monitor", "deliver", "--backoff-ms", "10"]);
    // A new alert after the restart is delivered too, and only it.
    ok(&db, &["monitor", "run", "--as-of", "2022-05-28"]);
    let n_after = alerts(&db).len();
    assert!(n_after > n_alerts);
    ok(&db, &["monitor", "deliver", "--backoff-ms", "10"]);
    let received = receiver.stop();
    let mut keys: Vec<&str> = received.iter().map(|(key, _, _)| key.as_str()).collect();
    keys.sort_unstable();
    let n_keys = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n_keys, "an alert was delivered twice: {keys:?}");
    assert_eq!(n_keys, n_after, "every alert is delivered");
    for (key, signature, body) in &received {
        assert_eq!(signature, &expected_signature("s3cret", body), "alert {key}");
        let alert: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(alert["id"].as_str(), Some(key.as_str()));
    }
}

/// The entities of an SDN daily publication (main file only).
fn sdn_entities(day: &str) -> Vec<listwatch_model::Entity> {
    let bytes = std::fs::read(data_dir().join("ofac-sdn-daily").join(day).join("sdn.csv")).unwrap();
    let files = listwatch_parsers::ofac::Files {
        main: listwatch_parsers::InputFile { name: "sdn.csv", bytes: &bytes },
        addresses: None,
        aliases: None,
        comments: None,
    };
    listwatch_parsers::ofac::parse(&files).unwrap().entities
}

/// The customers of the sample watch: names recombined from the old list's words (a fixed-seed
/// generator), the names of the added and changed entities, and near misses of them (a word
/// dropped, a word added, a letter dropped, the words reordered).
fn sample_customers(
    old: &[listwatch_model::Entity],
    new: &[&listwatch_model::Entity],
    n_random: usize,
) -> Vec<listwatch_model::WatchItem> {
    use listwatch_model::{Customer, WatchItem, WatchItemKind};
    let words: Vec<String> = old
        .iter()
        .flat_map(|e| e.names.iter())
        .flat_map(|n| n.value.split(|c: char| c.is_whitespace() || c == ','))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| w.chars().count() >= 2)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut state: u64 = 0x5eed_2022_0321;
    let mut next = move |n: usize| {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    let mut names: Vec<String> = (0..n_random)
        .map(|_| {
            let k = 2 + next(3);
            (0..k).map(|_| words[next(words.len())].as_str()).collect::<Vec<_>>().join(" ")
        })
        .collect();
    for entity in new {
        for name in entity.names.iter().take(3) {
            let value = name.value.replace(',', "");
            let tokens: Vec<&str> = value.split_whitespace().collect();
            names.push(name.value.clone());
            if tokens.len() >= 2 {
                let mut reordered = tokens.clone();
                reordered.rotate_left(1);
                names.push(reordered.join(" "));
                names.push(tokens[..tokens.len() - 1].join(" "));
                names.push(format!("{value} {}", words[next(words.len())]));
            }
            if let Some(longest) = tokens.iter().max_by_key(|t| t.len()).filter(|t| t.len() > 4) {
                let cut = &longest[..longest.len() - 1];
                names.push(value.replacen(longest, cut, 1));
            }
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| WatchItem {
            id: format!("c{i}"),
            kind: WatchItemKind::Customer(Customer {
                name: Some(name),
                schema: None,
                birth_date: None,
                countries: Vec::new(),
                gender: None,
                identifiers: Vec::new(),
            }),
        })
        .collect()
}

/// Delta screening after 2022-03-21 → 2022-03-24 finds exactly what screening the whole watch
/// against each version finds for the added and changed entities: the matches against
/// 2022-03-24 of those entities, and so (less the matches against 2022-03-21) every new match.
#[test]
fn delta_screening_finds_what_a_full_re_screen_finds() {
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    use listwatch_matcher::{Index, IndexedEntity, MatcherConfig};
    use listwatch_model::WatchItemKind;
    use listwatch_monitor::{CustomerIndex, ListEntity, customer_query, delta_hits};

    if !have_data() {
        return;
    }
    let old = sdn_entities("2022-03-21");
    let new = sdn_entities("2022-03-24");
    let before: HashMap<&str, &listwatch_model::Entity> =
        old.iter().map(|e| (e.id.as_str(), e)).collect();
    let screened_entities: Vec<&listwatch_model::Entity> =
        new.iter().filter(|e| before.get(e.id.as_str()).is_none_or(|o| *o != *e)).collect();
    assert!(screened_entities.len() > 100, "{} added or changed", screened_entities.len());
    let items = sample_customers(&old, &screened_entities, 3_000);
    let index = |entities: &[listwatch_model::Entity], version: u32| {
        Index::build(
            entities.iter().map(|e| IndexedEntity {
                entity: e.clone(),
                list: "ofac-sdn".to_string(),
                version,
            }),
            &MatcherConfig::default(),
        )
    };
    let (old_index, new_index) = (index(&old, 1), index(&new, 2));
    // (item, entity id) -> score, of every match a full screen of the watch finds.
    let full = |index: &Index| -> BTreeMap<(usize, String), f64> {
        let mut found = BTreeMap::new();
        for (idx, item) in items.iter().enumerate() {
            let WatchItemKind::Customer(c) = &item.kind else { continue };
            for r in index.screen(&customer_query(c), 1_000).into_iter().filter(|r| r.is_match) {
                found.insert((idx, r.entity_id), r.score);
            }
        }
        found
    };
    let (full_old, full_new) = (full(&old_index), full(&new_index));
    let screened_ids: BTreeSet<String> =
        screened_entities.iter().map(|e| format!("ofac-sdn:{}", e.id)).collect();
    let expected: BTreeMap<(usize, String), f64> =
        full_new.into_iter().filter(|((_, id), _)| screened_ids.contains(id)).collect();

    let positions: HashMap<&str, u32> =
        new.iter().enumerate().map(|(pos, e)| (e.id.as_str(), pos as u32)).collect();
    let ids: Vec<String> = screened_entities.iter().map(|e| format!("ofac-sdn:{}", e.id)).collect();
    let changed: Vec<ListEntity<'_>> = screened_entities
        .iter()
        .zip(&ids)
        .map(|(e, id)| ListEntity { entity: e, entity_id: id, position: positions[e.id.as_str()] })
        .collect();
    let customers = CustomerIndex::build(&items);
    let delta: BTreeMap<(usize, String), f64> = delta_hits(&customers, &new_index, &changed)
        .into_iter()
        .filter(|h| h.result.is_match)
        .map(|h| ((h.item, h.result.entity_id), h.result.score))
        .collect();

    let name = |idx: usize| match &items[idx].kind {
        WatchItemKind::Customer(c) => c.name.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let missed: Vec<String> = expected
        .iter()
        .filter(|(pair, _)| !delta.contains_key(*pair))
        .map(|((idx, id), score)| format!("{:?} ~ {id} ({score:.3})", name(*idx)))
        .collect();
    let extra: Vec<String> = delta
        .iter()
        .filter(|(pair, _)| !expected.contains_key(*pair))
        .map(|((idx, id), score)| format!("{:?} ~ {id} ({score:.3})", name(*idx)))
        .collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "the delta missed {} of {} matches: {missed:#?}\nand found {} a full screen does not: {extra:#?}",
        missed.len(),
        expected.len(),
        extra.len()
    );
    for (pair, score) in &delta {
        assert!((score - expected[pair]).abs() < 1e-9, "{pair:?}: {score} != {}", expected[pair]);
    }
    // The new matches: what the alerts of the import hold.
    let new_matches = expected.keys().filter(|pair| !full_old.contains_key(*pair)).count();
    assert!(new_matches > 200, "{new_matches} new matches");
    assert!(expected.keys().any(|(idx, _)| items[*idx].id == "c3000"));
}
