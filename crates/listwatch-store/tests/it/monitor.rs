//! The monitoring laws on both engines: watch versions, one alert per cause, append-only
//! decisions that supersede only their own alert's, webhooks, and deliveries that concurrent
//! deliverers claim so that each alert reaches each webhook once.

use std::collections::HashMap;
use std::sync::Mutex;

use listwatch_model::{
    Alert, AlertKind, Customer, Date, DecisionKind, Delivery, NewDecision, WatchItem,
    WatchItemKind, WatchKind, Webhook,
};
use listwatch_store::{Error, NewWatchVersion, Store};

use crate::{Engine, pg_available};

fn customer(id: &str, name: &str) -> WatchItem {
    WatchItem {
        id: id.to_string(),
        kind: WatchItemKind::Customer(Customer {
            name: Some(name.to_string()),
            schema: None,
            birth_date: None,
            countries: Vec::new(),
            gender: None,
            identifiers: Vec::new(),
        }),
    }
}

fn watch_version(name: &str, sha: &str, items: Vec<WatchItem>) -> NewWatchVersion {
    NewWatchVersion {
        watch: name.to_string(),
        kind: WatchKind::Customers,
        source: "customers.csv".to_string(),
        sha256: sha.repeat(64 / sha.len()),
        stored_at: "2024-01-03T00:00:00Z".to_string(),
        items,
    }
}

fn alert(id: &str, item: &str) -> Alert {
    Alert {
        id: id.to_string(),
        kind: AlertKind::Hit,
        watch: "clients".to_string(),
        watch_version: 1,
        item: item.to_string(),
        item_label: format!("customer {item}"),
        entity: Some("test-list:4".to_string()),
        entity_name: Some("XIAOMI CORPORATION".to_string()),
        change: "added in test-list version 2".to_string(),
        sources: vec!["test-list@2".to_string()],
        score: Some(0.95),
        explanation: vec!["xiaomi = xiaomi".to_string()],
        day: Date::parse_iso("2024-01-02").unwrap(),
        created_at: "2024-01-03T00:00:00Z".to_string(),
        item_material: None,
        entity_material: None,
        verdict: None,
    }
}

fn decision(alert: &str, kind: DecisionKind, supersedes: Option<u64>) -> NewDecision {
    NewDecision {
        alert: alert.to_string(),
        decision: kind,
        reason: "checked the passport".to_string(),
        by: "analyst".to_string(),
        at: "2024-01-04T00:00:00Z".to_string(),
        supersedes,
    }
}

fn webhook(url: &str) -> Webhook {
    Webhook {
        id: 0,
        url: url.to_string(),
        secret: None,
        watch: None,
        added_at: "2024-01-04T00:00:00Z".to_string(),
    }
}

/// A watch of two versions, two alerts, a decision and its correction, two webhooks and a
/// delivery.
pub(crate) fn fill(store: &Store) {
    store.put_watch_version(watch_version("clients", "a", vec![customer("c1", "A")])).unwrap();
    let second = vec![customer("c1", "A"), customer("c2", "B")];
    store.put_watch_version(watch_version("clients", "b", second)).unwrap();
    store.add_alerts(vec![alert("a-2", "c2"), alert("a-1", "c1")]).unwrap();
    let first = store.add_decision(decision("a-1", DecisionKind::FalsePositive, None)).unwrap();
    store.add_decision(decision("a-1", DecisionKind::TrueMatch, Some(first.id))).unwrap();
    store.add_webhook(webhook("http://127.0.0.1:9/one")).unwrap();
    store.add_webhook(webhook("file:///tmp/two.jsonl")).unwrap();
    let delivered = Delivery {
        attempts: 2,
        delivered_at: Some("2024-01-05T00:00:00Z".to_string()),
        last_error: None,
        next_attempt_at: 0,
    };
    store.record_delivery(2, "a-1", &delivered).unwrap();
}

/// Everything a store answers about monitoring, for comparing two stores.
pub(crate) fn answers(store: &Store) -> String {
    let mut out = format!("{:?}\n", store.watches().unwrap());
    for watch in store.watches().unwrap() {
        for version in store.watch_versions(&watch.name).unwrap() {
            out.push_str(&format!("{version:?}\n"));
            out.push_str(&format!("{:?}\n", store.watch_items(&watch.name, version.version)));
        }
    }
    out.push_str(&format!("{:?}\n", store.alerts().unwrap()));
    out.push_str(&format!("{:?}\n", store.decisions().unwrap()));
    for hook in store.webhooks().unwrap() {
        out.push_str(&format!("{hook:?} {:?}\n", store.deliveries(hook.id).unwrap()));
    }
    out
}

conformance! {
    fn a_watch_is_versioned_and_a_file_with_the_same_checksum_stores_nothing(engine) {
        let t = engine.store();
        let first = vec![customer("c1", "A"), customer("c2", "B"), customer("c3", "C")];
        let (v1, before) =
            t.store.put_watch_version(watch_version("clients", "a", first.clone())).unwrap().unwrap();
        assert_eq!((v1.version, v1.items, v1.added, before.len()), (1, 3, 3, 0));
        assert!(t.store.put_watch_version(watch_version("clients", "a", Vec::new())).unwrap().is_none());
        let second = vec![customer("c1", "A"), customer("c2", "B2"), customer("c4", "D")];
        let (v2, before) =
            t.store.put_watch_version(watch_version("clients", "b", second.clone())).unwrap().unwrap();
        assert_eq!((v2.version, v2.added, v2.removed, v2.changed), (2, 1, 1, 1));
        assert_eq!(before, first);
        assert_eq!(t.store.watch_items("clients", 1).unwrap(), first);
        assert_eq!(t.store.watch_items("clients", 2).unwrap(), second);
        let versions = t.store.watch_versions("clients").unwrap();
        assert_eq!(versions, vec![v1, v2]);
        assert_eq!(t.store.watch("clients").unwrap().current, 2);
        assert_eq!(t.store.watches().unwrap().len(), 1);
    }

    fn a_large_watch_reads_back_whole_across_its_chunks(engine) {
        let t = engine.store();
        let items: Vec<WatchItem> =
            (0..40_000).map(|i| customer(&format!("c{i}"), &format!("NAME {i}"))).collect();
        t.store.put_watch_version(watch_version("big", "a", items.clone())).unwrap().unwrap();
        assert_eq!(t.store.watch_items("big", 1).unwrap(), items);
    }

    fn bad_watches_are_refused_with_the_reason(engine) {
        let t = engine.store();
        for name in ["", "has space", "a/b", &"x".repeat(65)] {
            let err = t.store.put_watch_version(watch_version(name, "a", Vec::new())).unwrap_err();
            assert!(matches!(err, Error::Invalid(_)), "{name:?}: {err}");
        }
        let twice = vec![customer("c1", "A"), customer("c1", "B")];
        let err = t.store.put_watch_version(watch_version("clients", "a", twice)).unwrap_err();
        assert!(err.to_string().contains("c1 appears twice"), "{err}");
        t.store.put_watch_version(watch_version("clients", "a", vec![customer("c1", "A")])).unwrap();
        let mut holdings = watch_version("clients", "b", Vec::new());
        holdings.kind = WatchKind::Holdings;
        let err = t.store.put_watch_version(holdings).unwrap_err();
        assert!(err.to_string().contains("holds customers"), "{err}");
        assert!(matches!(t.store.watch("nobody"), Err(Error::NotFound(_))));
        assert!(matches!(t.store.watch_versions("nobody"), Err(Error::NotFound(_))));
        assert!(t.store.watches().unwrap().iter().all(|w| w.name == "clients"));
    }

    fn a_removed_watch_keeps_its_versions_and_takes_no_new_one(engine) {
        let t = engine.store();
        t.store.put_watch_version(watch_version("clients", "a", vec![customer("c1", "A")])).unwrap();
        let removed = t.store.remove_watch("clients", "2024-02-01T00:00:00Z").unwrap();
        assert_eq!(removed.removed_at.as_deref(), Some("2024-02-01T00:00:00Z"));
        assert!(matches!(t.store.remove_watch("clients", "later"), Err(Error::Invalid(_))));
        assert!(matches!(t.store.remove_watch("nobody", "later"), Err(Error::NotFound(_))));
        let err =
            t.store.put_watch_version(watch_version("clients", "b", Vec::new())).unwrap_err();
        assert!(err.to_string().contains("was removed"), "{err}");
        assert_eq!(t.store.watch_items("clients", 1).unwrap().len(), 1);
        assert_eq!(t.store.watch("clients").unwrap(), removed);
    }

    fn a_cause_is_alerted_once_and_alerts_keep_their_order(engine) {
        let t = engine.store();
        let stored = t
            .store
            .add_alerts(vec![alert("a-2", "c2"), alert("a-1", "c1"), alert("a-2", "c2")])
            .unwrap();
        assert_eq!(stored.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a-2", "a-1"]);
        let again = t.store.add_alerts(vec![alert("a-1", "c1"), alert("a-3", "c3")]).unwrap();
        assert_eq!(again.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a-3"]);
        let all = t.store.alerts().unwrap();
        assert_eq!(all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a-2", "a-1", "a-3"]);
        assert_eq!(t.store.alert("a-1").unwrap(), alert("a-1", "c1"));
        assert!(matches!(t.store.alert("a-9"), Err(Error::NotFound(_))));
        assert!(t.store.add_alerts(Vec::new()).unwrap().is_empty());
    }

    fn decisions_are_appended_and_supersede_only_a_decision_on_their_alert(engine) {
        let t = engine.store();
        t.store.add_alerts(vec![alert("a-1", "c1"), alert("a-2", "c2")]).unwrap();
        let first = t.store.add_decision(decision("a-1", DecisionKind::FalsePositive, None)).unwrap();
        assert_eq!(first.id, 1);
        let other = t.store.add_decision(decision("a-2", DecisionKind::Escalated, None)).unwrap();
        let err = t
            .store
            .add_decision(decision("a-1", DecisionKind::TrueMatch, Some(other.id)))
            .unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{err}");
        let err = t.store.add_decision(decision("a-1", DecisionKind::TrueMatch, Some(9))).unwrap_err();
        assert!(matches!(err, Error::NotFound(_)), "{err}");
        let err = t.store.add_decision(decision("a-9", DecisionKind::TrueMatch, None)).unwrap_err();
        assert!(matches!(err, Error::NotFound(_)), "{err}");
        let mut blank = decision("a-1", DecisionKind::TrueMatch, None);
        blank.reason = " ".to_string();
        assert!(matches!(t.store.add_decision(blank), Err(Error::Invalid(_))));
        let fix = t
            .store
            .add_decision(decision("a-1", DecisionKind::TrueMatch, Some(first.id)))
            .unwrap();
        let all = t.store.decisions().unwrap();
        assert_eq!(all.iter().map(|d| d.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(all[0], first);
        assert_eq!(all[2], fix);
        assert_eq!(all[2].decision.supersedes, Some(1));
    }

    fn webhooks_are_numbered_and_deliveries_recorded(engine) {
        let t = engine.store();
        t.store.add_alerts(vec![alert("a-1", "c1"), alert("a-2", "c2")]).unwrap();
        let one = t.store.add_webhook(webhook("http://127.0.0.1:9/one")).unwrap();
        let two = t.store.add_webhook(webhook("file:///tmp/two.jsonl")).unwrap();
        assert_eq!((one.id, two.id), (1, 2));
        assert_eq!(t.store.webhooks().unwrap(), vec![one.clone(), two.clone()]);
        assert!(t.store.deliveries(1).unwrap().is_empty());
        let failed = Delivery {
            attempts: 1,
            delivered_at: None,
            last_error: Some("refused".to_string()),
            next_attempt_at: 5,
        };
        t.store.record_delivery(1, "a-1", &failed).unwrap();
        // A claim dropped without a record changes nothing.
        drop(t.store.claim_delivery(1, "a-2").unwrap().unwrap());
        let claim = t.store.claim_delivery(1, "a-1").unwrap().unwrap();
        assert_eq!(claim.delivery(), &failed);
        let done = Delivery {
            attempts: 2,
            delivered_at: Some("2024-01-05T00:00:00Z".to_string()),
            last_error: None,
            next_attempt_at: 0,
        };
        claim.record(&done).unwrap();
        assert_eq!(t.store.deliveries(1).unwrap(), vec![("a-1".to_string(), done)]);
        assert!(t.store.deliveries(2).unwrap().is_empty());
        assert!(t.store.claim_delivery(1, "a-1").unwrap().is_none(), "delivered already");
        assert!(t.store.claim_delivery(2, "a-1").unwrap().is_some(), "not to the other webhook");
        assert!(matches!(t.store.claim_delivery(1, "a-9"), Err(Error::NotFound(_))));
        assert!(matches!(t.store.claim_delivery(9, "a-1"), Err(Error::NotFound(_))));
    }
}

/// Several deliverers, each with a store handle of its own where the engine allows one, go over
/// every (webhook, alert) pair at once; each "sends" what it claims and records it delivered.
fn concurrent_deliverers_send_each_alert_once(engine: Engine) {
    let t = engine.store();
    let ids: Vec<String> = (0..60).map(|i| format!("a-{i}")).collect();
    t.store.add_alerts(ids.iter().map(|id| alert(id, id)).collect()).unwrap();
    t.store.add_webhook(webhook("http://127.0.0.1:9/one")).unwrap();
    t.store.add_webhook(webhook("http://127.0.0.1:9/two")).unwrap();
    let location = engine.location(&t);
    let sent: Mutex<HashMap<(u64, String), u32>> = Mutex::new(HashMap::new());
    std::thread::scope(|scope| {
        for worker in 0..4 {
            let (store, ids, sent, location) = (&t.store, &ids, &sent, &location);
            scope.spawn(move || {
                let own;
                let store = match engine {
                    Engine::Postgres => {
                        own = Store::open_location(location).unwrap();
                        &own
                    }
                    Engine::Redb => store,
                };
                // Each worker starts elsewhere in the list, so they meet on every pair.
                let mut order: Vec<&String> = ids.iter().collect();
                order.rotate_left(worker * 15);
                for hook in [1, 2] {
                    for id in &order {
                        let Some(claim) = store.claim_delivery(hook, id).unwrap() else {
                            continue;
                        };
                        *sent.lock().unwrap().entry((hook, id.to_string())).or_default() += 1;
                        std::thread::sleep(std::time::Duration::from_millis(1));
                        let delivery = Delivery {
                            attempts: claim.delivery().attempts + 1,
                            delivered_at: Some(format!("worker {worker}")),
                            last_error: None,
                            next_attempt_at: 0,
                        };
                        claim.record(&delivery).unwrap();
                    }
                }
            });
        }
    });
    let sent = sent.into_inner().unwrap();
    assert_eq!(sent.len(), 120, "every alert reaches every webhook");
    let twice: Vec<_> = sent.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    for hook in [1, 2] {
        let deliveries = t.store.deliveries(hook).unwrap();
        assert_eq!(deliveries.len(), 60);
        assert!(deliveries.iter().all(|(_, d)| d.attempts == 1 && d.delivered_at.is_some()));
    }
}

#[test]
fn concurrent_deliverers_send_each_alert_once_on_redb() {
    concurrent_deliverers_send_each_alert_once(Engine::Redb);
}

#[test]
fn concurrent_deliverers_send_each_alert_once_on_postgres() {
    if pg_available() {
        concurrent_deliverers_send_each_alert_once(Engine::Postgres);
    }
}

/// A PostgreSQL deliverer that holds a claim keeps every other off that pair, and off no other.
#[test]
fn a_held_claim_is_skipped_by_other_processes_on_postgres() {
    if !pg_available() {
        return;
    }
    let t = Engine::Postgres.store();
    t.store.add_alerts(vec![alert("a-1", "c1"), alert("a-2", "c2")]).unwrap();
    t.store.add_webhook(webhook("http://127.0.0.1:9/one")).unwrap();
    let other = Store::open_location(&Engine::Postgres.location(&t)).unwrap();
    let held = t.store.claim_delivery(1, "a-1").unwrap().unwrap();
    assert!(other.claim_delivery(1, "a-1").unwrap().is_none(), "a held claim is skipped");
    assert!(other.claim_delivery(1, "a-2").unwrap().is_some(), "other pairs are free");
    // An import or a decision goes on while a claim is held.
    other.add_decision(decision("a-2", DecisionKind::Escalated, None)).unwrap();
    drop(held);
    assert!(other.claim_delivery(1, "a-1").unwrap().is_some(), "a dropped claim frees the pair");
}
