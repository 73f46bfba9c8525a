//! Integration tests of the store: imports, guards, diffs, histories, on-disk compatibility, and
//! the laws they obey.

use listwatch_model::{Coverage, Date, DateSpec, Entity, ListName, Schema};
use listwatch_store::testing::TestDatabase;
use listwatch_store::{Guard, ImportOutcome, NewVersion, Store};

/// A fresh store, kept alive with what holds it.
pub struct TestStore {
    /// The store (dropped first, before its database).
    pub store: Store,
    /// The folder that holds it (a redb store), removed when dropped.
    pub dir: tempfile::TempDir,
    /// The database that holds it (a PostgreSQL store), dropped when dropped.
    pub database: Option<TestDatabase>,
}

/// Opens a fresh redb store in a new temporary folder.
pub fn test_store() -> TestStore {
    Engine::Redb.store()
}

/// The engines every store law is checked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// One redb file.
    Redb,
    /// A PostgreSQL database.
    Postgres,
}

impl Engine {
    /// A fresh, empty store on this engine. For PostgreSQL, call only once [`pg_available`] said
    /// yes.
    pub fn store(self) -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        match self {
            Engine::Redb => {
                let store = Store::open(&dir.path().join("test.redb")).unwrap();
                TestStore { store, dir, database: None }
            }
            Engine::Postgres => {
                let database = TestDatabase::create().expect("PostgreSQL went away");
                let store = Store::connect(database.url()).unwrap();
                TestStore { store, dir, database: Some(database) }
            }
        }
    }

    /// Where the store is, as `--db` or [`Store::open_location`] takes it.
    pub fn location(self, t: &TestStore) -> String {
        match &t.database {
            Some(database) => database.url().to_string(),
            None => t.dir.path().join("test.redb").display().to_string(),
        }
    }
}

/// Whether the PostgreSQL tests can run: the server answers. When it does not, says why and
/// skips, or panics under `LISTWATCH_REQUIRE_PG=1`.
pub fn pg_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| TestDatabase::create().is_some())
}

/// Checks each law on both engines: `fn law(engine) { ... }` becomes a module `law` with the
/// tests `redb` and `postgres`.
macro_rules! conformance {
    ($(fn $name:ident($engine:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn law($engine: $crate::Engine) $body

            #[test]
            fn redb() {
                law($crate::Engine::Redb);
            }

            #[test]
            fn postgres() {
                if $crate::pg_available() {
                    law($crate::Engine::Postgres);
                }
            }
        }
    )*};
}

mod compat;
mod conformance;
mod laws;
mod monitor;

/// The list the tests use.
pub fn list() -> ListName {
    ListName::parse("test-list").unwrap()
}

/// A person under the SDGT program.
pub fn person(id: &str, name: &str) -> Entity {
    let mut entity = Entity::new(id, Schema::Person, name);
    entity.programs.push("SDGT".to_string());
    entity
}

/// A version of the test list published on `day`.
pub fn version(day: &str, entities: Vec<Entity>) -> NewVersion {
    NewVersion {
        list: list(),
        format: "test".to_string(),
        source: "memory".to_string(),
        published: Date::parse_iso(day).unwrap(),
        imported_at: "2026-01-01T00:00:00Z".to_string(),
        files: Vec::new(),
        entities,
        coverage: Coverage::FULL,
        remark_items: 0,
        remark_items_typed: 0,
        diagnostics: Vec::new(),
    }
}

/// Imports with the default guard.
pub fn import(store: &Store, new: NewVersion) -> listwatch_store::Result<ImportOutcome> {
    store.import(new, &Guard::default(), &mut |_| {})
}

mod guards {
    use super::*;
    use listwatch_store::{Error, Refusal};

    fn five() -> Vec<Entity> {
        ["A", "B", "C", "D", "E"]
            .iter()
            .enumerate()
            .map(|(i, n)| person(&i.to_string(), n))
            .collect()
    }

    conformance! {
        fn an_empty_publication_is_refused_and_the_current_version_stays_current(engine) {
            let t = engine.store();
            import(&t.store, version("2024-05-03", five())).unwrap();
            let err = import(&t.store, version("2024-05-04", Vec::new())).unwrap_err();
            assert!(matches!(err, Error::Refused(Refusal::Empty)), "{err}");
            assert_eq!(t.store.list(&list()).unwrap().current, 1);
            assert_eq!(t.store.entities(&list(), 1).unwrap().len(), 5);
        }

        fn an_empty_publication_is_refused_whatever_the_guard_allows(engine) {
            let t = engine.store();
            import(&t.store, version("2024-05-03", five())).unwrap();
            for guard in [
                Guard { max_removal_share: 1.0, allow_removal_of: None },
                Guard { max_removal_share: 0.2, allow_removal_of: Some(5) },
                Guard { max_removal_share: 1.0, allow_removal_of: Some(5) },
            ] {
                let err =
                    t.store.import(version("2024-05-04", Vec::new()), &guard, &mut |_| {}).unwrap_err();
                assert!(matches!(err, Error::Refused(Refusal::Empty)), "{guard:?}: {err}");
            }
            assert_eq!(t.store.versions(&list()).unwrap().len(), 1);
        }

        fn a_mass_removal_passes_only_when_its_count_is_confirmed(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", five())).unwrap();
            let wrong = Guard { allow_removal_of: Some(4), ..Guard::default() };
            let err = t
                .store
                .import(version("2024-01-02", five()[..2].to_vec()), &wrong, &mut |_| {})
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Refused(Refusal::RemovalCountMismatch {
                        confirmed: 4,
                        removed: 3,
                        current: 5
                    })
                ),
                "{err}"
            );
            assert!(err.to_string().contains("--allow-mass-removal 4"), "{err}");
            let right = Guard { allow_removal_of: Some(3), ..Guard::default() };
            let outcome = t
                .store
                .import(version("2024-01-02", five()[..2].to_vec()), &right, &mut |_| {})
                .unwrap();
            assert!(matches!(outcome, ImportOutcome::Committed(ref v) if v.removed == 3));
        }

        fn a_refused_mass_removal_names_the_count_to_confirm(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", five())).unwrap();
            let err = import(&t.store, version("2024-01-02", five()[..1].to_vec())).unwrap_err();
            assert!(err.to_string().contains("--allow-mass-removal 4"), "{err}");
        }

        fn removing_exactly_the_allowed_share_passes_and_one_more_is_refused(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", five())).unwrap();
            // 1 of 5 is 20%: allowed.
            let outcome = import(&t.store, version("2024-01-02", five()[..4].to_vec())).unwrap();
            assert!(matches!(outcome, ImportOutcome::Committed(ref v) if v.removed == 1));
            // 2 of 4 is 50%: refused, unless allowed.
            let err = import(&t.store, version("2024-01-03", five()[..2].to_vec())).unwrap_err();
            assert!(matches!(err, Error::Refused(_)));
            let allow = Guard { allow_removal_of: Some(2), ..Guard::default() };
            let outcome = t
                .store
                .import(version("2024-01-03", five()[..2].to_vec()), &allow, &mut |_| {})
                .unwrap();
            assert!(
                matches!(outcome, ImportOutcome::Committed(ref v) if v.removed == 2 && v.version == 3)
            );
        }

        fn identical_content_creates_no_version(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", five())).unwrap();
            let outcome = import(&t.store, version("2024-01-02", five())).unwrap();
            assert!(matches!(outcome, ImportOutcome::Unchanged(ref v) if v.version == 1));
            assert_eq!(t.store.versions(&list()).unwrap().len(), 1);
        }

        fn an_empty_first_import_is_refused(engine) {
            let t = engine.store();
            assert!(matches!(
                import(&t.store, version("2024-01-01", Vec::new())),
                Err(Error::Refused(Refusal::Empty))
            ));
            assert!(t.store.lists().unwrap().is_empty());
        }

        fn an_older_publication_is_refused(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-02", five())).unwrap();
            let err = import(&t.store, version("2024-01-01", five()[..4].to_vec())).unwrap_err();
            assert!(matches!(err, Error::Refused(Refusal::OutOfOrder { .. })), "{err}");
        }

        fn a_list_keeps_one_format(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", five())).unwrap();
            let mut other = version("2024-01-02", five());
            other.format = "other".to_string();
            assert!(matches!(import(&t.store, other), Err(Error::Invalid(_))));
        }

        fn duplicate_ids_are_refused(engine) {
            let t = engine.store();
            let err = import(&t.store, version("2024-01-01", vec![person("1", "A"), person("1", "B")]))
                .unwrap_err();
            assert!(matches!(err, Error::Invalid(_)), "{err}");
        }
    }
}

mod history {
    use super::*;
    use listwatch_store::HistoryChange;

    conformance! {
        fn an_entity_is_added_changed_removed_and_relisted(engine) {
            let t = engine.store();
            let others: Vec<Entity> = (10..20).map(|i| person(&i.to_string(), "OTHER")).collect();
            let with = |e: Entity| {
                let mut all = others.clone();
                all.push(e);
                all
            };
            import(&t.store, version("2024-01-01", with(person("1", "KHOROSHEV, Dmitry")))).unwrap();
            let mut changed = person("1", "KHOROSHEV, Dmitry");
            changed.birth_dates.push(DateSpec::parse_loose("17 Apr 1993").unwrap());
            import(&t.store, version("2024-02-01", with(changed.clone()))).unwrap();
            import(&t.store, version("2024-03-01", others.clone())).unwrap();
            import(&t.store, version("2024-04-01", with(changed))).unwrap();

            let steps = t.store.history(&list(), "1").unwrap();
            let kinds: Vec<(u32, &str)> = steps
                .iter()
                .map(|s| {
                    (
                        s.version.version,
                        match &s.change {
                            HistoryChange::Added => "added",
                            HistoryChange::Changed { .. } => "changed",
                            HistoryChange::Removed => "removed",
                            HistoryChange::Relisted => "relisted",
                        },
                    )
                })
                .collect();
            assert_eq!(kinds, [(1, "added"), (2, "changed"), (3, "removed"), (4, "relisted")]);
            let HistoryChange::Changed { fields } = &steps[1].change else { unreachable!() };
            assert_eq!(fields[0].field, "birth_dates");
            assert!(t.store.entity(&list(), "1", Some(3)).unwrap().is_none());
            let (v, entity) = t.store.entity(&list(), "1", Some(2)).unwrap().unwrap();
            assert_eq!((v.version, entity.birth_dates.len()), (2, 1));
        }

        fn fields_a_version_does_not_cover_are_not_reported_as_changes(engine) {
            let t = engine.store();
            let mut full = person("1", "BANCO NACIONAL DE CUBA");
            full.names.push(listwatch_model::Name {
                value: "NATIONAL BANK OF CUBA".into(),
                kind: listwatch_model::NameKind::Aka,
                remark: None,
            });
            import(&t.store, version("2024-01-01", vec![full])).unwrap();
            let mut main_only = version("2024-01-02", vec![person("1", "BANCO NACIONAL DE CUBA")]);
            main_only.coverage = Coverage { aliases: false, ..Coverage::FULL };
            let outcome = import(&t.store, main_only).unwrap();
            assert!(matches!(outcome, ImportOutcome::Committed(ref v) if v.changed == 0));
            let diff = t.store.diff(&list(), 1, 2).unwrap();
            assert!(diff.changed.is_empty());
            assert_eq!(diff.not_compared, ["names (aka/fka/nka)"]);
            assert_eq!(t.store.history(&list(), "1").unwrap().len(), 1);
        }
    }
}

mod retractions {
    use super::*;
    use listwatch_store::{Error, Retraction};

    fn retraction(reason: &str) -> Retraction {
        Retraction {
            reason: reason.to_string(),
            by: "analyst".to_string(),
            at: "2026-11-30T10:00:00Z".to_string(),
        }
    }

    fn people(names: &[&str]) -> Vec<Entity> {
        names.iter().enumerate().map(|(i, n)| person(&i.to_string(), n)).collect()
    }

    conformance! {
        fn a_version_with_the_wrong_date_is_retracted_and_its_content_imported_again(engine) {
            let t = engine.store();
            // Imported without its publication date: recorded as the day of the import.
            import(&t.store, version("2026-11-30", people(&["A", "B"]))).unwrap();
            // The same content with the real date is "unchanged", and an older date is refused.
            assert!(matches!(
                import(&t.store, version("2024-05-03", people(&["A", "B"]))),
                Ok(ImportOutcome::Unchanged(_)) | Err(Error::Refused(_))
            ));
            t.store.retract(&list(), 1, retraction("imported without --published")).unwrap();
            assert!(t.store.current(&list()).unwrap().is_none());
            let outcome = import(&t.store, version("2024-05-03", people(&["A", "B"]))).unwrap();
            let ImportOutcome::Committed(v2) = outcome else { panic!("{outcome:?}") };
            assert_eq!((v2.version, v2.added, v2.published.to_string()), (2, 2, "2024-05-03".into()));
            assert_eq!(t.store.current(&list()).unwrap().unwrap().version, 2);
            // The retracted version and its reason stay in the store.
            assert_eq!(t.store.versions(&list()).unwrap().len(), 2);
            let retracted = t.store.retractions(&list()).unwrap();
            assert_eq!(retracted.len(), 1);
            assert_eq!(retracted[0].0, 1);
            assert_eq!(retracted[0].1.reason, "imported without --published");
            // Answers rest on the live versions only.
            let live: Vec<u32> =
                t.store.live_versions(&list()).unwrap().iter().map(|v| v.version).collect();
            assert_eq!(live, vec![2]);
            let observations = t.store.observations(&list(), "0").unwrap();
            assert_eq!(observations.len(), 1);
            assert_eq!(observations[0].0.version, 2);
        }

        fn a_retracted_version_in_the_middle_leaves_no_trace_in_histories(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", people(&["A", "B", "C", "D", "E"]))).unwrap();
            // A bad version that drops E and renames A.
            import(&t.store, version("2024-01-02", people(&["A2", "B", "C", "D"]))).unwrap();
            import(&t.store, version("2024-01-03", people(&["A", "B", "C", "D", "E", "F"]))).unwrap();
            t.store.retract(&list(), 2, retraction("a truncated download")).unwrap();
            let history_of = |id: &str| -> Vec<(u32, String)> {
                t.store
                    .history(&list(), id)
                    .unwrap()
                    .into_iter()
                    .map(|step| (step.version.version, format!("{:?}", step.change)))
                    .collect()
            };
            assert_eq!(history_of("0"), vec![(1, "Added".to_string())]);
            assert_eq!(history_of("4"), vec![(1, "Added".to_string())]);
            assert_eq!(history_of("5"), vec![(3, "Added".to_string())]);
            // The next import compares with version 3, and version 3's content reads back whole.
            assert_eq!(t.store.entities(&list(), 3).unwrap().len(), 6);
            let outcome =
                import(&t.store, version("2024-01-04", people(&["A", "B", "C", "D", "E", "F"])))
                    .unwrap();
            assert!(matches!(outcome, ImportOutcome::Unchanged(ref v) if v.version == 3));
        }

        fn a_retraction_needs_a_reason_and_happens_once(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", people(&["A"]))).unwrap();
            assert!(matches!(t.store.retract(&list(), 1, retraction(" ")), Err(Error::Invalid(_))));
            assert!(matches!(t.store.retract(&list(), 2, retraction("x")), Err(Error::NotFound(_))));
            t.store.retract(&list(), 1, retraction("x")).unwrap();
            assert!(matches!(t.store.retract(&list(), 1, retraction("y")), Err(Error::Invalid(_))));
        }

        fn a_version_imported_after_a_retraction_stores_a_change_record_that_replays(engine) {
            let t = engine.store();
            import(&t.store, version("2024-01-01", people(&["A", "B"]))).unwrap();
            import(&t.store, version("2024-01-02", people(&["A", "B", "C"]))).unwrap();
            t.store.retract(&list(), 2, retraction("wrong date")).unwrap();
            import(&t.store, version("2024-01-05", people(&["A", "B", "C", "D"]))).unwrap();
            let v3 = t.store.version(&list(), Some(3)).unwrap();
            // Counted against the live version 1.
            assert_eq!((v3.added, v3.removed), (2, 0));
            assert_eq!(t.store.entities(&list(), 3).unwrap().len(), 4);
            assert_eq!(t.store.entities(&list(), 2).unwrap().len(), 3);
            assert_eq!(t.store.diff(&list(), 1, 3).unwrap().added, vec!["2", "3"]);
        }
    }
}

mod events {
    use super::*;
    use listwatch_model::{EventKind, NewEvent};

    fn event(kind: EventKind, date: &str, supersedes: Option<u64>) -> NewEvent {
        NewEvent {
            entity: "test-list:1".to_string(),
            kind,
            date: Date::parse_iso(date).unwrap(),
            effective: Date::parse_iso(date).unwrap(),
            citation: "No. 21-cv-280".to_string(),
            url: None,
            scope: Vec::new(),
            author: "tester".to_string(),
            entered_at: format!("{date}T12:00:00Z"),
            supersedes,
            note: None,
            known_since: None,
        }
    }

    conformance! {
        fn corrections_never_lose_an_event_from_the_audit_trail(engine) {
            // Each case gets a store of its own (a PostgreSQL database for that engine), so the
            // cases are fewer there.
            let cases = if engine == Engine::Redb { 24 } else { 6 };
            let config = proptest::prelude::ProptestConfig::with_cases(cases);
            proptest::proptest!(config, |(
                chain in proptest::collection::vec((0usize..8, proptest::bool::ANY), 1..12),
            )| {
                let t = engine.store();
                let mut ids: Vec<u64> = Vec::new();
                for (pick, correct) in chain {
                    let supersedes =
                        if correct && !ids.is_empty() { Some(ids[pick % ids.len()]) } else { None };
                    let added =
                        t.store.add_event(event(EventKind::Note, "2021-01-01", supersedes)).unwrap();
                    ids.push(added.id);
                }
                let trail: Vec<u64> =
                    t.store.events(Some("test-list:1")).unwrap().iter().map(|e| e.id).collect();
                proptest::prop_assert_eq!(trail, ids);
            });
        }

        fn a_superseding_correction_keeps_the_original_in_the_audit_trail(engine) {
            let t = engine.store();
            let first = t.store.add_event(event(EventKind::Injunction, "2021-03-12", None)).unwrap();
            let fix = t.store.add_event(event(EventKind::Stay, "2021-03-12", Some(first.id))).unwrap();
            let events = t.store.events(Some("test-list:1")).unwrap();
            assert_eq!(events.iter().map(|e| e.id).collect::<Vec<_>>(), [first.id, fix.id]);
            assert_eq!(events[0].event.kind, EventKind::Injunction);
            assert_eq!(events[1].event.supersedes, Some(first.id));
        }

        fn an_event_cannot_supersede_a_missing_event_or_another_entity(engine) {
            let t = engine.store();
            assert!(t.store.add_event(event(EventKind::Note, "2021-01-01", Some(7))).is_err());
            let first = t.store.add_event(event(EventKind::Note, "2021-01-01", None)).unwrap();
            let mut other = event(EventKind::Note, "2021-01-02", Some(first.id));
            other.entity = "test-list:2".to_string();
            assert!(t.store.add_event(other).is_err());
            let mut backwards = event(EventKind::Note, "2021-01-02", None);
            backwards.effective = Date::parse_iso("2021-01-01").unwrap();
            assert!(t.store.add_event(backwards).is_err());
            assert_eq!(t.store.events(None).unwrap().len(), 1);
        }
    }
}

mod read_only {
    use super::*;
    use listwatch_store::Error;

    #[test]
    fn a_read_only_handle_reads_everything_and_writes_nothing() {
        let t = test_store();
        let path = t.dir.path().join("test.redb");
        import(&t.store, version("2024-01-01", vec![person("1", "A"), person("2", "B")])).unwrap();
        drop(t.store);
        let before = std::fs::read(&path).unwrap();
        let store = Store::open_read_only(&path).unwrap();
        assert!(store.is_read_only());
        assert_eq!(store.entities(&list(), 1).unwrap().len(), 2);
        assert_eq!(store.history(&list(), "1").unwrap().len(), 1);
        assert!(matches!(
            store.import(
                version("2024-01-02", vec![person("1", "A")]),
                &Guard::default(),
                &mut |_| {}
            ),
            Err(Error::ReadOnly)
        ));
        drop(store);
        assert!(std::fs::read(&path).unwrap() == before, "a read-only handle wrote to the file");
    }

    #[test]
    fn an_older_format_needs_one_writable_open() {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("store.redb");
        std::fs::copy(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/v2/store.redb"),
            &copy,
        )
        .unwrap();
        assert!(matches!(Store::open_read_only(&copy), Err(Error::NeedsWrite(_))));
        drop(Store::open(&copy).unwrap());
        assert!(Store::open_read_only(&copy).is_ok());
    }
}
