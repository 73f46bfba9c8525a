//! Property tests: what goes in comes out, and a diff applied to its base gives its target.

use std::collections::BTreeMap;

use listwatch_model::{DateSpec, Entity, Schema, apply_changes, compare_source_ids};
use listwatch_store::Guard;
use proptest::prelude::*;

use crate::{Engine, list, test_store, version};

fn entity_strategy() -> impl Strategy<Value = Entity> {
    (
        0u32..40,
        prop::sample::select(vec!["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ÉCHO", "Хорошев"]),
        prop::option::of(1950i32..2000),
        prop::collection::vec(
            prop::sample::select(vec!["SDGT", "CUBA", "IRAN", "CMIC-EO13959"]),
            0..3,
        ),
        any::<bool>(),
    )
        .prop_map(|(id, name, year, programs, vessel)| {
            let schema = if vessel { Schema::Vessel } else { Schema::Person };
            let mut entity = Entity::new(id.to_string(), schema, name);
            entity.programs = programs.into_iter().map(String::from).collect();
            if let Some(year) = year {
                entity.birth_dates.push(DateSpec::parse_loose(&year.to_string()).unwrap());
            }
            entity
        })
}

/// A set of entities with unique ids, ordered as the store orders them.
fn entity_set() -> impl Strategy<Value = Vec<Entity>> {
    prop::collection::vec(entity_strategy(), 1..25).prop_map(|entities| {
        let by_id: BTreeMap<u32, Entity> =
            entities.into_iter().map(|e| (e.id.parse().unwrap(), e)).collect();
        by_id.into_values().collect()
    })
}

fn sorted(mut entities: Vec<Entity>) -> Vec<Entity> {
    entities.sort_by(|a, b| compare_source_ids(&a.id, &b.id));
    entities
}

/// A guard that lets any removal through: a share of 100% is never exceeded.
fn allow_all() -> Guard {
    Guard { max_removal_share: 1.0, allow_removal_of: None }
}

/// Cases per law: every case makes a store of its own, a database on PostgreSQL.
fn cases(engine: Engine) -> ProptestConfig {
    ProptestConfig::with_cases(if engine == Engine::Redb { 48 } else { 6 })
}

conformance! {
    fn imported_entities_read_back_unchanged(engine) {
        proptest!(cases(engine), |(entities in entity_set())| {
            let t = engine.store();
            t.store.import(version("2024-01-01", entities.clone()), &allow_all(), &mut |_| {}).unwrap();
            prop_assert_eq!(t.store.entities(&list(), 1).unwrap(), sorted(entities));
        });
    }

    fn a_diff_applied_to_its_base_gives_its_target(engine) {
        proptest!(cases(engine), |(a in entity_set(), b in entity_set())| {
            let t = engine.store();
            t.store.import(version("2024-01-01", a.clone()), &allow_all(), &mut |_| {}).unwrap();
            let outcome = t.store.import(version("2024-01-02", b.clone()), &allow_all(), &mut |_| {}).unwrap();
            if let listwatch_store::ImportOutcome::Unchanged(_) = outcome {
                prop_assert_eq!(sorted(a), sorted(b));
                return Ok(());
            }
            let diff = t.store.diff(&list(), 1, 2).unwrap();
            let to_entities = t.store.entities(&list(), 2).unwrap();
            let mut result: BTreeMap<String, Entity> = a.into_iter().map(|e| (e.id.clone(), e)).collect();
            for id in &diff.removed {
                prop_assert!(result.remove(id).is_some());
            }
            for id in &diff.added {
                let entity = to_entities.iter().find(|e| &e.id == id).unwrap().clone();
                prop_assert!(result.insert(id.clone(), entity).is_none());
            }
            for changed in &diff.changed {
                let entity = result.get_mut(&changed.id).unwrap();
                apply_changes(entity, &changed.fields).unwrap();
            }
            prop_assert_eq!(sorted(result.into_values().collect()), sorted(b));
        });
    }

    fn every_version_of_a_long_chain_reads_back_as_imported(engine) {
        proptest!(cases(engine), |(chain in prop::collection::vec(entity_set(), 2..80))| {
            // Long enough chains cross snapshot boundaries (on redb), so reads replay change
            // records from a snapshot and from version 1 alike.
            let t = engine.store();
            let mut committed: Vec<Vec<Entity>> = Vec::new();
            for (day, entities) in chain.into_iter().enumerate() {
                let published = listwatch_model::Date::parse_iso("2020-01-01").unwrap().add_days(day as i64).to_string();
                let outcome = t.store.import(version(&published, entities.clone()), &allow_all(), &mut |_| {}).unwrap();
                if let listwatch_store::ImportOutcome::Committed(_) = outcome {
                    committed.push(sorted(entities));
                }
            }
            for (idx, expected) in committed.iter().enumerate() {
                prop_assert_eq!(&t.store.entities(&list(), idx as u32 + 1).unwrap(), expected);
            }
        });
    }

    fn an_entity_is_first_seen_in_the_first_live_version_that_holds_it(engine) {
        let chain = prop::collection::vec((entity_set(), any::<bool>()), 1..8);
        proptest!(cases(engine), |(chain in chain)| {
            let t = engine.store();
            // Each committed version's entities, and whether it stays live.
            let mut committed: Vec<(Vec<Entity>, bool)> = Vec::new();
            for (day, (entities, retract)) in chain.into_iter().enumerate() {
                let published = listwatch_model::Date::parse_iso("2020-01-01").unwrap().add_days(day as i64).to_string();
                let outcome = t.store.import(version(&published, entities.clone()), &allow_all(), &mut |_| {}).unwrap();
                let listwatch_store::ImportOutcome::Committed(info) = outcome else { continue };
                let retraction = listwatch_store::Retraction {
                    reason: "a test".to_string(),
                    by: "tester".to_string(),
                    at: "2026-01-01T00:00:00Z".to_string(),
                };
                let retracted = retract && t.store.retract(&list(), info.version, retraction).is_ok();
                committed.push((entities, !retracted));
            }
            let current = committed.len();
            for ever in t.store.entities_ever(&list()).unwrap() {
                let id = &ever.entity.id;
                let state = |v: usize| committed[v].0.iter().find(|e| &e.id == id);
                let first = (0..current).find(|&v| committed[v].1 && state(v).is_some()).map(|v| v as u32 + 1);
                prop_assert_eq!(ever.first_version, first, "{}", id);
                // The last change: added, changed or removed.
                let last = (0..current).rev().find(|&v| state(v) != if v == 0 { None } else { state(v - 1) });
                prop_assert_eq!(Some(ever.last_version), last.map(|v| v as u32 + 1), "{}", id);
                prop_assert_eq!(ever.current, state(current - 1).is_some(), "{}", id);
            }
        });
    }
}

/// One OFAC main-file record written the way OFAC writes it.
fn ofac_record(id: u32, name: &str, kind: &str, programs: &[&str], remarks: &str) -> String {
    let quoted = |s: &str| {
        if s.is_empty() { "-0- ".to_string() } else { format!("\"{}\"", s.replace('"', "\"\"")) }
    };
    format!(
        "{id},{},{},{},-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,{}\r\n",
        quoted(name),
        quoted(kind),
        quoted(&programs.join("] [")),
        quoted(remarks)
    )
}

fn ofac_file() -> impl Strategy<Value = Vec<u8>> {
    let record = (
        0u32..60,
        "[A-Z][A-Z ,.'-]{0,24}[A-Z]",
        prop::sample::select(vec!["", "individual", "vessel", "aircraft"]),
        prop::collection::vec(
            prop::sample::select(vec!["SDGT", "CUBA", "CMIC-EO13959", "RUSSIA-EO14024"]),
            1..3,
        ),
        prop::collection::vec(
            prop::sample::select(vec![
                "DOB 12 Oct 1972",
                "alt. DOB circa 1960",
                "POB Havana, Cuba",
                "nationality Russia",
                "Passport P0017003 (Belize)",
                "a.k.a. 'BNC'",
                "ISIN US16941M1099",
                "Listing Date (CMIC) 03 Jun 2021",
                "Linked To: LAZARUS GROUP",
                "Member of the State Duma",
                "Digital Currency Address - XBT 12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz",
            ]),
            0..5,
        ),
    );
    prop::collection::vec(record, 1..20).prop_map(|records| {
        let mut seen = std::collections::HashSet::new();
        let mut text = String::new();
        for (id, name, kind, programs, remarks) in records {
            if seen.insert(id) {
                let remarks = if remarks.is_empty() {
                    String::new()
                } else {
                    format!("{}.", remarks.join("; "))
                };
                text.push_str(&ofac_record(id, &name, kind, &programs, &remarks));
            }
        }
        text.push('\u{1a}');
        text.into_bytes()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn parsed_publications_read_back_from_the_store_as_parsed(bytes in ofac_file()) {
        use listwatch_parsers::{ofac, InputFile};
        let parsed = ofac::parse(&ofac::Files {
            main: InputFile { name: "sdn.csv", bytes: &bytes },
            addresses: None,
            aliases: None,
            comments: None,
        })
        .unwrap();
        prop_assert!(parsed.diagnostics.iter().all(|d| d.severity != listwatch_model::Severity::Error), "{:?}", parsed.diagnostics);
        let t = test_store();
        t.store.import(version("2024-01-01", parsed.entities.clone()), &allow_all(), &mut |_| {}).unwrap();
        prop_assert_eq!(t.store.entities(&list(), 1).unwrap(), parsed.entities);
    }
}
