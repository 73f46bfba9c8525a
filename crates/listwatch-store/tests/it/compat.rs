//! On-disk compatibility: a store written by each released format version still opens and reads
//! the same. `LISTWATCH_WRITE_COMPAT=1 cargo test -p listwatch-store compat` writes the fixture of
//! the current format; run it when the format changes, and keep the older fixtures.

use std::path::{Path, PathBuf};

use listwatch_model::{
    Alert, AlertKind, Customer, Date, DateSpec, Entity, EventKind, Material, NewEvent, WatchItem,
    WatchItemKind, WatchKind,
};
use listwatch_store::{FORMAT_VERSION, NewWatchVersion, Store};

use crate::{import, list, person, version};

fn fixture(format: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/compat/v{format}/store.redb"))
}

fn fixture_versions() -> Vec<Vec<Entity>> {
    let mut dob = person("2", "KHOROSHEV, Dmitry Yuryevich");
    dob.birth_dates.push(DateSpec::parse_loose("17 Apr 1993").unwrap());
    vec![
        vec![
            person("1", "BANCO NACIONAL DE CUBA"),
            person("2", "KHOROSHEV, Dmitry Yuryevich"),
            person("3", "HERMANN"),
        ],
        vec![
            person("1", "BANCO NACIONAL DE CUBA"),
            dob,
            person("3", "HERMANN"),
            person("4", "XIAOMI CORPORATION"),
        ],
    ]
}

#[test]
fn write_the_current_format_fixture_when_asked() {
    if std::env::var_os("LISTWATCH_WRITE_COMPAT").is_none() {
        return;
    }
    let path = fixture(FORMAT_VERSION);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&path);
    let store = Store::open(&path).unwrap();
    for (idx, entities) in fixture_versions().into_iter().enumerate() {
        import(&store, version(&format!("2024-01-0{}", idx + 1), entities)).unwrap();
    }
    store.add_event(fixture_event()).unwrap();
    store.put_watch_version(fixture_watch()).unwrap();
    store.add_alerts(vec![fixture_alert()]).unwrap();
}

/// The watch stored by fixtures of format 4 and later.
fn fixture_watch() -> NewWatchVersion {
    NewWatchVersion {
        watch: "customers".to_string(),
        kind: WatchKind::Customers,
        source: "customers.csv".to_string(),
        sha256: "00".repeat(32),
        stored_at: "2024-01-03T00:00:00Z".to_string(),
        items: vec![WatchItem {
            id: "c1".to_string(),
            kind: WatchItemKind::Customer(Customer {
                name: Some("Xiaomi Corp".to_string()),
                schema: None,
                birth_date: None,
                countries: vec!["CN".to_string()],
                gender: None,
                identifiers: Vec::new(),
            }),
        }],
    }
}

/// The alert stored by fixtures of format 4 and later.
fn fixture_alert() -> Alert {
    Alert {
        id: "a-0123456789abcdef".to_string(),
        kind: AlertKind::Hit,
        watch: "customers".to_string(),
        watch_version: 1,
        item: "c1".to_string(),
        item_label: "Xiaomi Corp".to_string(),
        entity: Some("test-list:4".to_string()),
        entity_name: Some("XIAOMI CORPORATION".to_string()),
        change: "added in test-list version 2".to_string(),
        sources: vec!["test-list@2".to_string()],
        score: Some(0.95),
        explanation: vec!["xiaomi = xiaomi".to_string()],
        day: Date::parse_iso("2024-01-02").unwrap(),
        created_at: "2024-01-03T00:00:00Z".to_string(),
        item_material: Some(Material::default()),
        entity_material: None,
        verdict: None,
    }
}

/// The event stored by fixtures of format 2 and later.
fn fixture_event() -> NewEvent {
    NewEvent {
        entity: "test-list:4".to_string(),
        kind: EventKind::Injunction,
        date: Date::parse_iso("2021-03-12").unwrap(),
        effective: Date::parse_iso("2021-03-12").unwrap(),
        citation: "Xiaomi Corp. v. Department of Defense, No. 21-cv-280 (D.D.C.)".to_string(),
        url: None,
        scope: Vec::new(),
        author: "compat".to_string(),
        entered_at: "2021-03-12T18:00:00Z".to_string(),
        supersedes: None,
        note: None,
        known_since: None,
    }
}

#[test]
fn every_format_fixture_opens_and_reads_the_same() {
    for format in 1..=FORMAT_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("store.redb");
        std::fs::copy(fixture(format), &copy)
            .unwrap_or_else(|e| panic!("fixture for format {format}: {e}"));
        let store = Store::open(&copy).unwrap();
        assert_eq!(store.format_version().unwrap(), FORMAT_VERSION);
        let expected = fixture_versions();
        let versions = store.versions(&list()).unwrap();
        assert_eq!(versions.len(), expected.len(), "format {format}");
        for (idx, entities) in expected.iter().enumerate() {
            assert_eq!(
                &store.entities(&list(), idx as u32 + 1).unwrap(),
                entities,
                "format {format}"
            );
        }
        let diff = store.diff(&list(), 1, 2).unwrap();
        assert_eq!((diff.added.as_slice(), diff.changed.len()), (["4".to_string()].as_slice(), 1));
        assert_eq!(store.history(&list(), "2").unwrap().len(), 2);
        let events = store.events(None).unwrap();
        if format >= 2 {
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].event, fixture_event());
        } else {
            assert!(events.is_empty(), "a migrated format 1 store has no events");
        }
        if format >= 4 {
            assert_eq!(store.watch_items("customers", 1).unwrap(), fixture_watch().items);
            assert_eq!(store.alerts().unwrap(), vec![fixture_alert()]);
        } else {
            assert!(store.watches().unwrap().is_empty(), "format {format}");
            assert!(store.alerts().unwrap().is_empty(), "format {format}");
        }
    }
}
