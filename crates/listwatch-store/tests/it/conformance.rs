//! Store laws that need more than one handle or process, on both engines: crash safety at every
//! write of an import, copies between engines, PostgreSQL's own guarantees (append-only tables,
//! schema versions, concurrent writers).

use std::process::Command;

use listwatch_model::{Date, EventKind, NewEvent};
use listwatch_store::{Guard, ImportOutcome, Retraction, Store};

use crate::{Engine, TestStore, import, list, person, pg_available, version};

fn people(n: usize) -> Vec<listwatch_model::Entity> {
    (0..n).map(|i| person(&i.to_string(), &format!("PERSON {i}"))).collect()
}

/// The import a crash child runs: a second version, five of the ten entities changed.
fn second_version() -> listwatch_store::NewVersion {
    let mut entities = people(10);
    for entity in &mut entities[..5] {
        entity.programs.push("IRAN".to_string());
    }
    version("2024-02-01", entities)
}

/// The child process of the crash tests: imports the second version into the store named by
/// `LISTWATCH_CRASH_STORE`, where a failpoint kills it. Does nothing in a normal run.
#[test]
fn crash_child() {
    let Ok(location) = std::env::var("LISTWATCH_CRASH_STORE") else { return };
    let store = Store::open_location(&location).unwrap();
    import(&store, second_version()).unwrap();
}

/// Kills an import at each of its failpoints, in a child process, and checks that the store
/// opens at the last committed version, reads back whole, and takes the import again.
fn a_killed_import_leaves_the_last_committed_version(engine: Engine) {
    for failpoint in [
        "import:packs-written",
        "import:changes-written",
        "import:before-commit",
        "import:committed",
    ] {
        let t = engine.store();
        let location = engine.location(&t);
        import(&t.store, version("2024-01-01", people(10))).unwrap();
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["conformance::crash_child", "--exact", "--test-threads=1", "--nocapture"])
            .env("LISTWATCH_CRASH_STORE", &location)
            .env("LISTWATCH_FAILPOINT", failpoint)
            .status()
            .unwrap();
        assert!(!status.success(), "{failpoint}: the child was not killed");
        let store = Store::open_location(&location).unwrap();
        let expected = if failpoint == "import:committed" { 2 } else { 1 };
        let current = store.current(&list()).unwrap().unwrap();
        assert_eq!(current.version, expected, "{engine:?} killed at {failpoint}");
        assert_eq!(store.versions(&list()).unwrap().len(), expected as usize);
        assert_eq!(store.entities(&list(), current.version).unwrap().len(), 10);
        let again = import(&store, second_version()).unwrap();
        match failpoint {
            "import:committed" => assert!(matches!(again, ImportOutcome::Unchanged(_))),
            _ => assert!(matches!(again, ImportOutcome::Committed(ref v) if v.version == 2)),
        }
        assert_eq!(store.diff(&list(), 1, 2).unwrap().changed.len(), 5);
    }
}

#[test]
fn a_killed_import_leaves_the_last_committed_version_on_redb() {
    a_killed_import_leaves_the_last_committed_version(Engine::Redb);
}

#[test]
fn a_killed_import_leaves_the_last_committed_version_on_postgres() {
    if pg_available() {
        a_killed_import_leaves_the_last_committed_version(Engine::Postgres);
    }
}

fn event(entity: &str, supersedes: Option<u64>) -> NewEvent {
    NewEvent {
        entity: entity.to_string(),
        kind: EventKind::Injunction,
        date: Date::parse_iso("2024-01-15").unwrap(),
        effective: Date::parse_iso("2024-01-15").unwrap(),
        citation: "No. 21-cv-280".to_string(),
        url: None,
        scope: Vec::new(),
        author: "tester".to_string(),
        entered_at: "2024-01-15T12:00:00Z".to_string(),
        supersedes,
        note: None,
        known_since: None,
    }
}

/// A store with a bit of everything: two lists, changes, a removal and a relisting, a
/// retraction in the middle, and events with a correction.
fn fill(store: &Store) {
    let mut entities = people(30);
    import(store, version("2024-01-01", entities.clone())).unwrap();
    entities[3].programs.push("IRAN".to_string());
    entities.remove(7);
    import(store, version("2024-01-02", entities.clone())).unwrap();
    entities.push(person("7", "PERSON 7"));
    entities.push(person("100", "NEWCOMER"));
    import(store, version("2024-01-03", entities.clone())).unwrap();
    store
        .retract(
            &list(),
            2,
            Retraction {
                reason: "a truncated download".to_string(),
                by: "analyst".to_string(),
                at: "2024-01-04T00:00:00Z".to_string(),
            },
        )
        .unwrap();
    entities[0].names[0].value = "PERSON ZERO".to_string();
    import(store, version("2024-01-05", entities)).unwrap();
    let mut other = version("2024-01-01", people(3));
    other.list = listwatch_model::ListName::parse("other").unwrap();
    store.import(other, &Guard::default(), &mut |_| {}).unwrap();
    let first = store.add_event(event("test-list:3", None)).unwrap();
    store.add_event(event("test-list:3", Some(first.id))).unwrap();
    store.add_event(event("other:1", None)).unwrap();
    crate::monitor::fill(store);
}

/// Everything a store answers about its lists and events, for comparing two stores.
fn answers(store: &Store) -> String {
    let mut out = String::new();
    for info in store.lists().unwrap() {
        let name = &info.name;
        out.push_str(&format!("list {name} {} {}\n", info.format, info.current));
        for v in store.versions(name).unwrap() {
            out.push_str(&format!("{v:?}\n"));
            out.push_str(&format!("{:?}\n", store.entities(name, v.version).unwrap()));
            if v.version > 1 {
                out.push_str(&format!("{:?}\n", store.diff(name, v.version - 1, v.version)));
            }
        }
        out.push_str(&format!("{:?}\n", store.retractions(name).unwrap()));
        out.push_str(&format!("{:?}\n", store.live_versions(name).unwrap()));
        for ever in store.entities_ever(name).unwrap() {
            let entity = &ever.entity;
            out.push_str(&format!(
                "{} {:?} {} {}\n",
                entity.id, ever.first_version, ever.last_version, ever.current
            ));
            out.push_str(&format!("{:?}\n", store.history(name, &entity.id)));
            out.push_str(&format!("{:?}\n", store.observations(name, &entity.id).unwrap()));
            out.push_str(&format!("{:?}\n", store.entity(name, &entity.id, None).unwrap()));
        }
    }
    out.push_str(&format!("{:?}\n", store.events(None).unwrap()));
    out.push_str(&crate::monitor::answers(store));
    out
}

#[test]
fn both_engines_answer_alike_and_a_copy_round_trip_changes_nothing() {
    if !pg_available() {
        return;
    }
    let redb = Engine::Redb.store();
    let pg = Engine::Postgres.store();
    fill(&redb.store);
    fill(&pg.store);
    // The import times are the tests' own, so both engines hold the very same records.
    let on_redb = answers(&redb.store);
    assert_eq!(on_redb, answers(&pg.store), "the engines answer differently");

    // redb → PostgreSQL → redb.
    let copy = Engine::Postgres.store();
    let report = redb.store.copy_to(&copy.store).unwrap();
    assert_eq!((report.lists, report.versions, report.retractions, report.events), (2, 5, 1, 3));
    assert_eq!((report.watches, report.alerts, report.decisions, report.webhooks), (1, 2, 2, 2));
    assert_eq!(answers(&copy.store), on_redb);
    assert!(redb.store.differences(&copy.store, 10).unwrap().is_empty());
    let back = Engine::Redb.store();
    copy.store.copy_to(&back.store).unwrap();
    assert_eq!(answers(&back.store), on_redb);
    // Later imports go on from the copy as from the original.
    let next = version("2024-02-01", people(31));
    let on_original = import(&redb.store, next.clone()).unwrap();
    let on_copy = import(&back.store, next).unwrap();
    assert_eq!(format!("{on_original:?}"), format!("{on_copy:?}"));
    // A copy goes only into an empty store.
    assert!(redb.store.copy_to(&copy.store).is_err());
    // A monitoring record more on one side is a difference.
    let decision = listwatch_model::NewDecision {
        alert: "a-2".to_string(),
        decision: listwatch_model::DecisionKind::Escalated,
        reason: "to compliance".to_string(),
        by: "analyst".to_string(),
        at: "2024-01-06T00:00:00Z".to_string(),
        supersedes: None,
    };
    assert!(redb.store.differences(&back.store, 10).unwrap().is_empty());
    back.store.add_decision(decision).unwrap();
    let differences = redb.store.differences(&back.store, 10).unwrap();
    assert_eq!(differences, ["the decisions differ"]);
}

#[test]
fn postgres_refuses_to_change_or_remove_a_stored_row() {
    if !pg_available() {
        return;
    }
    let t: TestStore = Engine::Postgres.store();
    fill(&t.store);
    let url = t.database.as_ref().unwrap().url().to_string();
    for sql in [
        "UPDATE listwatch.versions SET content_hash = 'x'",
        "DELETE FROM listwatch.changes",
        "DELETE FROM listwatch.entities",
        "UPDATE listwatch.events SET entity = 'x:1'",
        "DELETE FROM listwatch.retractions",
        "TRUNCATE listwatch.events",
        "DELETE FROM listwatch.alerts",
        "UPDATE listwatch.decisions SET alert = 'x'",
        "DELETE FROM listwatch.watch_versions",
        "TRUNCATE listwatch.watch_items",
    ] {
        let err = listwatch_store::testing::execute(&url, sql).unwrap_err();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(t.store.events(None).unwrap().len(), 3);
}

#[test]
fn postgres_records_its_schema_version_and_refuses_a_newer_one() {
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    assert_eq!(t.store.format_version().unwrap(), listwatch_store::PG_SCHEMA_VERSION);
    // Opening again migrates nothing and keeps the data.
    import(&t.store, version("2024-01-01", people(3))).unwrap();
    let again = Store::connect(&url).unwrap();
    assert_eq!(again.entities(&list(), 1).unwrap().len(), 3);
    listwatch_store::testing::execute(&url, "UPDATE listwatch.schema_version SET version = 99")
        .unwrap();
    assert!(matches!(
        Store::connect(&url),
        Err(listwatch_store::Error::FormatTooNew { found: 99, .. })
    ));
}

#[test]
fn a_schema_1_database_is_migrated_to_hold_monitoring_and_keeps_its_versions() {
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    import(&t.store, version("2024-01-01", people(10))).unwrap();
    let mut second = people(9);
    second[0].programs.push("IRAN".to_string());
    import(&t.store, version("2024-01-02", second.clone())).unwrap();
    drop(t.store);
    // What schema 1 had: everything but the monitoring tables.
    listwatch_store::testing::execute(
        &url,
        "DROP TABLE listwatch.sync_state, listwatch.heads, listwatch.audit, listwatch.deliveries, listwatch.webhooks, listwatch.decisions,
             listwatch.alerts, listwatch.watch_items, listwatch.watch_versions, listwatch.watches;
         UPDATE listwatch.schema_version SET version = 1",
    )
    .unwrap();
    let store = Store::connect(&url).unwrap();
    assert_eq!(store.format_version().unwrap(), listwatch_store::PG_SCHEMA_VERSION);
    assert_eq!(store.entities(&list(), 1).unwrap().len(), 10);
    assert_eq!(store.entities(&list(), 2).unwrap(), second);
    // The next import is compared with the newest version, as the migration rebuilt it.
    let outcome = import(&store, version("2024-01-03", people(9))).unwrap();
    assert!(matches!(outcome, ImportOutcome::Committed(ref v) if v.changed == 1 && v.added == 0));
    assert!(store.watches().unwrap().is_empty());
    let hook = listwatch_model::Webhook {
        id: 0,
        url: "file:///tmp/alerts.jsonl".to_string(),
        secret: None,
        watch: None,
        added_at: "2024-01-01T00:00:00Z".to_string(),
    };
    assert_eq!(store.add_webhook(hook).unwrap().id, 1);
}

#[test]
fn concurrent_imports_into_postgres_take_turns() {
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    import(&t.store, version("2024-01-01", people(50))).unwrap();
    // Eight writers, each on its own connection, import the same next version: exactly one
    // commits it, the others find it unchanged.
    let outcomes: Vec<ImportOutcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                scope.spawn(move || {
                    let store = Store::connect(&url).unwrap();
                    import(&store, version("2024-01-02", people(51))).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let committed = outcomes.iter().filter(|o| matches!(o, ImportOutcome::Committed(_))).count();
    assert_eq!(committed, 1, "{outcomes:?}");
    assert_eq!(t.store.versions(&list()).unwrap().len(), 2);
    assert_eq!(t.store.version(&list(), None).unwrap().added, 1);
}

#[test]
fn an_unreachable_postgres_is_a_clear_error() {
    // Port 1 on loopback: nothing listens there.
    let err = match Store::connect("postgres://postgres@127.0.0.1:1/none") {
        Ok(_) => panic!("connected to port 1"),
        Err(err) => err.to_string(),
    };
    assert!(err.contains("cannot reach the PostgreSQL server"), "{err}");
}

#[test]
fn one_process_at_a_time_leads_a_task_and_another_takes_over() {
    let redb = Engine::Redb.store();
    assert!(redb.store.try_lead("sync").unwrap().is_some());
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    let other = Store::connect(&url).unwrap();
    let lease = t.store.try_lead("sync").unwrap().expect("the first asks leads");
    assert!(t.store.holds_lead(&lease));
    assert!(other.try_lead("sync").unwrap().is_none(), "two leaders at once");
    assert!(other.try_lead("monitor").unwrap().is_some(), "tasks are led apart");
    // Letting go closes the leader's connection, which the server notices a moment later.
    drop(lease);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while other.try_lead("sync").unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "nobody took over");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    // A leader that dies without letting go: its connection closes, and the lead is free.
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["conformance::lead_child", "--exact", "--test-threads=1", "--nocapture"])
        .env("LISTWATCH_LEAD_STORE", &url)
        .status()
        .unwrap();
    assert!(!status.success(), "the child was not killed");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if other.try_lead("audit").unwrap().is_some() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the dead leader's lead was never freed");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // A leader whose session ends under it (a restart, a network failure; here an administrator
    // ends it) knows it no longer leads, and another process takes the lead.
    let lease = t.store.try_lead("monitor").unwrap().expect("nobody else leads");
    assert!(t.store.holds_lead(&lease));
    listwatch_store::testing::execute(
        &url,
        "SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .unwrap();
    assert!(!t.store.holds_lead(&lease), "a lead lost with its session still counts as held");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while other.try_lead("monitor").unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "nobody took over the lost lead");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Audit record `n` (of at most nine): id `r<n>`, written at second `n` of 2026, its JSON the id.
fn audit_entry(n: u32) -> listwatch_store::AuditEntry {
    listwatch_store::AuditEntry {
        id: format!("r{n}"),
        at: format!("2026-01-01T00:00:0{n}Z"),
        key: "k".to_string(),
        body: format!("{{\"id\":\"r{n}\"}}"),
    }
}

/// An audit appender (a server's audit writer) appends batch after batch on its own connection;
/// a batch that fails with its session stores nothing, and the next connects again.
#[test]
fn an_audit_appender_connects_again_after_losing_its_session() {
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    let mut appender = t.store.audit_appender().unwrap();
    appender.append(&[audit_entry(1), audit_entry(2)]).unwrap();
    appender.append(&[audit_entry(3)]).unwrap();
    let ended = listwatch_store::testing::execute(
        &url,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = '{}'
               AND datname = current_database()",
            listwatch_store::AUDIT_APPLICATION
        ),
    );
    ended.unwrap();
    // The first batch after the session ended may fail, never half-stored; then it connects again.
    let mut failed = 0;
    for n in 4..=6 {
        if appender.append(&[audit_entry(n)]).is_err() {
            failed += 1;
        }
    }
    assert!(failed <= 1, "the appender did not connect again");
    let stored = t.store.audit(None, None).unwrap();
    let expected: Vec<String> =
        (1..=6).map(audit_entry).filter(|e| failed == 0 || e.id != "r4").map(|e| e.body).collect();
    assert_eq!(stored, expected);
}

/// A record whose transaction commits after a later record's is not passed over by a reader
/// paging the shared audit log: the read waits for the writes in progress.
#[test]
fn an_audit_page_waits_for_the_records_still_being_written() {
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    t.store.append_audit(&[audit_entry(1)]).unwrap();
    // Another server's writer draws the next seq, and has not committed yet.
    let slow = listwatch_store::testing::Session::connect(&url).unwrap();
    slow.execute(
        "BEGIN; INSERT INTO listwatch.audit (id, at, key, body)
         VALUES ('r2', '2026-01-01T00:00:02Z', 'k', '{\"id\":\"r2\"}')",
    )
    .unwrap();
    // A third commits a record after it.
    t.store.append_audit(&[audit_entry(3)]).unwrap();
    let (first, second) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let first = t.store.audit_page(None, None, Some("r1"), 10).unwrap().unwrap();
            let last = first.last().map(|body| body[7..9].to_string());
            let second = t.store.audit_page(None, None, last.as_deref(), 10).unwrap().unwrap();
            (first, second)
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        slow.execute("COMMIT").unwrap();
        reader.join().unwrap()
    });
    let bodies = |ns: &[u32]| ns.iter().map(|&n| audit_entry(n).body).collect::<Vec<_>>();
    assert_eq!(first, bodies(&[2, 3]), "a page passed over a record written late");
    assert!(second.is_empty());
}

/// A lead given up is free at once for another process: the lock is released before its
/// session closes, not when the server notices the close (a `sync` started right after another
/// ended found the lead taken).
#[test]
fn a_lead_given_up_is_free_at_once() {
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    let other = Store::connect(&url).unwrap();
    for round in 0..20 {
        // As a command that led and exits: the lease goes, then the store and its runtime.
        let leader = Store::connect(&url).unwrap();
        let lease = leader.try_lead("sync").unwrap().expect("nobody else leads");
        drop(lease);
        drop(leader);
        let taken = other.try_lead("sync").unwrap();
        assert!(taken.is_some(), "round {round}: the lead given up was still held");
    }
}

/// The child of the leadership test: takes the lead of `audit` and dies holding it.
#[test]
fn lead_child() {
    let Ok(url) = std::env::var("LISTWATCH_LEAD_STORE") else { return };
    let store = Store::connect(&url).unwrap();
    let lease = store.try_lead("audit").unwrap().expect("nobody else leads");
    std::mem::forget(lease);
    std::process::abort();
}

mod large {
    use super::*;

    conformance! {
        fn large_versions_read_back_whole_and_content_stored_before_is_stored_once(engine) {
            let t = engine.store();
            let first = people(3_000);
            import(&t.store, version("2024-01-01", first.clone())).unwrap();
            let mut second = first.clone();
            for entity in &mut second[..1_500] {
                entity.programs.push("IRAN".to_string());
            }
            let outcome = import(&t.store, version("2024-01-02", second.clone())).unwrap();
            assert!(matches!(outcome, ImportOutcome::Committed(ref v) if v.changed == 1_500));
            // Back to the first content: every entity of it is stored already.
            let outcome = import(&t.store, version("2024-01-03", first.clone())).unwrap();
            assert!(matches!(outcome, ImportOutcome::Committed(ref v) if v.changed == 1_500));
            assert_eq!(t.store.entities(&list(), 1).unwrap(), first);
            assert_eq!(t.store.entities(&list(), 2).unwrap(), second);
            assert_eq!(t.store.entities(&list(), 3).unwrap(), first);
            assert_eq!(t.store.diff(&list(), 2, 3).unwrap().changed.len(), 1_500);
            assert_eq!(t.store.history(&list(), "7").unwrap().len(), 3);
        }
    }
}

#[test]
fn a_postgres_store_keeps_the_sync_state_and_a_schema_2_database_is_migrated() {
    let redb = Engine::Redb.store();
    assert!(redb.store.sync_state().is_err(), "a redb store keeps its sync state in a file");
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    let url = t.database.as_ref().unwrap().url().to_string();
    assert_eq!(t.store.sync_state().unwrap(), None);
    t.store.put_sync_state(r#"{"sources":{}}"#).unwrap();
    t.store.put_sync_state(r#"{"sources":{"sdn":{}}}"#).unwrap();
    let other = Store::connect(&url).unwrap();
    assert_eq!(other.sync_state().unwrap().as_deref(), Some(r#"{"sources":{"sdn":{}}}"#));
    drop((t.store, other));
    // What schema 2 had: everything but the sync state, and a B-tree index of audit times.
    listwatch_store::testing::execute(
        &url,
        "DROP TABLE listwatch.sync_state; UPDATE listwatch.schema_version SET version = 2;
         DROP INDEX listwatch.audit_by_time;
         CREATE INDEX audit_by_time ON listwatch.audit (at)",
    )
    .unwrap();
    let store = Store::connect(&url).unwrap();
    assert_eq!(store.format_version().unwrap(), listwatch_store::PG_SCHEMA_VERSION);
    // Schema 4 indexes the audit times by page ranges.
    listwatch_store::testing::execute(
        &url,
        "DO $$ BEGIN
             IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'audit_by_time'
                            AND indexdef LIKE '%USING brin%') THEN
                 RAISE EXCEPTION 'the audit times are not indexed by BRIN';
             END IF;
         END $$",
    )
    .unwrap();
    assert_eq!(store.sync_state().unwrap(), None);
    store.put_sync_state("{}").unwrap();
    assert_eq!(store.sync_state().unwrap().as_deref(), Some("{}"));
}
