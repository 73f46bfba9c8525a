//! Tests of regimes, timelines and as-of status: the Xiaomi case, the 68 real CMIC entries, and
//! the laws of the as-of answer.

use listwatch_model::{Date, Entity, EventKind, LegalEvent, NewEvent, Schema};
use proptest::prelude::*;

use super::*;

fn day(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn company(id: &str, name: &str, program: &str) -> Entity {
    let mut entity = Entity::new(id, Schema::Company, name);
    entity.programs.push(program.to_string());
    entity
}

fn event(id: u64, kind: EventKind, effective: &str, entered: &str) -> LegalEvent {
    LegalEvent {
        id,
        event: NewEvent {
            entity: "dod-ccmc:xiaomi".to_string(),
            kind,
            date: day(effective),
            effective: day(effective),
            citation: format!("{kind} citation"),
            url: None,
            scope: Vec::new(),
            author: "test".to_string(),
            entered_at: format!("{entered}T12:00:00Z"),
            supersedes: None,
            note: None,
        },
    }
}

fn xiaomi(events: Vec<LegalEvent>) -> Record {
    Record {
        entity_id: "dod-ccmc:xiaomi".to_string(),
        list: "dod-ccmc".to_string(),
        observations: vec![
            Observation {
                version: 5,
                published: day("2021-01-14"),
                entity: Some(company("xiaomi", "XIAOMI CORPORATION", "CCMC-EO13959")),
            },
            Observation { version: 7, published: day("2021-06-03"), entity: None },
        ],
        events,
    }
}

fn check(record: &Record, as_of: &str, expected: State) -> Status {
    let answer =
        status(record, Question { as_of: day(as_of), known_on: None }, &Regimes::builtin());
    assert_eq!(answer.state, expected, "{} as of {as_of}: {answer:#?}", record.entity_id);
    answer
}

#[test]
fn the_builtin_regimes_parse_and_cover_the_cmic_program() {
    let regimes = Regimes::builtin();
    assert!(regimes.iter().count() >= 8);
    assert_eq!(
        regimes.for_program("ofac-consolidated", "CMIC-EO13959").unwrap().id,
        "cmic-eo14032"
    );
    assert_eq!(regimes.for_program("ofac-sdn", "SDGT").unwrap().id, "ofac-sdn-blocking");
    assert_eq!(regimes.for_program("my-list", "ANYTHING").unwrap().id, "listed");
}

#[test]
fn user_regimes_come_before_the_builtin_ones() {
    let user = Regimes::from_toml(
        r#"
        [[regime]]
        id = "house-rule"
        name = "Our own rule"
        authority = "Compliance policy 7"
        programs = ["SDGT"]
        kind = "restrictions"
        restrictions = ["escalate"]
        "#,
    )
    .unwrap();
    let regimes = user.then(Regimes::builtin());
    assert_eq!(regimes.for_program("ofac-sdn", "SDGT").unwrap().id, "house-rule");
    assert!(Regimes::from_toml("[[regime]]\nid = 1").is_err());
    assert!(
        Regimes::from_toml(
            "[[regime]]\nid='x'\nname='x'\nauthority='x'\nprograms=['X']\nkind='securities'"
        )
        .is_err()
    );
}

#[test]
fn xiaomi_is_pending_then_suspended_then_removed() {
    let record = xiaomi(vec![
        event(1, EventKind::Injunction, "2021-03-12", "2021-03-12"),
        event(2, EventKind::Vacatur, "2021-05-25", "2021-05-25"),
    ]);
    check(&record, "2021-01-13", State::NotListed);
    let pending = check(&record, "2021-02-01", State::Pending);
    assert_eq!(pending.restrictions[0].kind, "purchase-prohibited");
    assert_eq!(pending.restrictions[0].since, day("2021-03-15"));
    assert_eq!(pending.restrictions[1].until, Some(day("2022-01-14")));
    let suspended = check(&record, "2021-03-13", State::Suspended);
    assert_eq!(suspended.suspended_by.as_deref(), Some("injunction citation"));
    assert_eq!(suspended.events.last().unwrap().kind, "injunction");
    check(&record, "2021-05-26", State::Removed);
    check(&record, "2022-01-01", State::Removed);
}

#[test]
fn an_injunction_changes_the_answer_from_its_effective_date_and_not_before() {
    let record = xiaomi(vec![event(1, EventKind::Injunction, "2021-04-01", "2021-04-01")]);
    check(&record, "2021-03-31", State::Restricted);
    check(&record, "2021-04-01", State::Suspended);
    let with_delisting = xiaomi(vec![
        event(1, EventKind::Injunction, "2021-04-01", "2021-04-01"),
        event(2, EventKind::Delisting, "2021-04-20", "2021-04-20"),
    ]);
    check(&with_delisting, "2021-04-19", State::Suspended);
    check(&with_delisting, "2021-04-20", State::Removed);
    let kinds: Vec<String> =
        timeline(&with_delisting, &Regimes::builtin()).into_iter().map(|e| e.kind).collect();
    // The divestment window of a listing that no longer stands is not part of the timeline.
    assert_eq!(kinds, ["listed", "purchase-prohibited", "injunction", "delisting", "removed"]);
}

#[test]
fn a_scoped_license_holds_only_the_restrictions_it_names() {
    let mut license = event(1, EventKind::GeneralLicense, "2021-04-01", "2021-04-01");
    license.event.scope = vec!["purchase-prohibited".to_string()];
    let record = xiaomi(vec![license]);
    check(&record, "2021-04-02", State::Suspended);
    let mut other = event(1, EventKind::GeneralLicense, "2021-04-01", "2021-04-01");
    other.event.scope = vec!["blocked".to_string()];
    let answer = check(&xiaomi(vec![other]), "2021-04-02", State::Restricted);
    assert_eq!(answer.restrictions[0].kind, "purchase-prohibited");
}

#[test]
fn a_superseded_event_has_no_effect_and_its_correction_does() {
    let wrong = event(1, EventKind::Vacatur, "2021-03-12", "2021-03-12");
    let mut fix = event(2, EventKind::Injunction, "2021-03-12", "2021-03-13");
    fix.event.supersedes = Some(1);
    let record = xiaomi(vec![wrong.clone(), fix]);
    check(&record, "2021-03-14", State::Suspended);
    // Known on the 12th, only the original was recorded.
    let answer = status(
        &record,
        Question { as_of: day("2021-03-14"), known_on: Some(day("2021-03-12")) },
        &Regimes::builtin(),
    );
    assert_eq!(answer.state, State::Removed);
}

#[test]
fn a_relisting_restarts_the_regime_clock() {
    let luokung = Record {
        entity_id: "dod-ccmc:luokung".to_string(),
        list: "dod-ccmc".to_string(),
        observations: vec![Observation {
            version: 5,
            published: day("2021-01-14"),
            entity: Some(company("luokung", "LUOKUNG TECHNOLOGY CORP.", "CCMC-EO13959")),
        }],
        events: vec![event(1, EventKind::Relisting, "2021-03-09", "2021-03-09")],
    };
    let answer = check(&luokung, "2021-04-01", State::Pending);
    assert_eq!(answer.restrictions[0].since, day("2021-05-08"));
    assert_eq!(answer.listed_since, Some(day("2021-03-09")));
}

#[test]
fn an_sdn_listing_blocks_from_the_listing_day() {
    let record = Record {
        entity_id: "ofac-sdn:306".to_string(),
        list: "ofac-sdn".to_string(),
        observations: vec![Observation {
            version: 1,
            published: day("2019-01-04"),
            entity: Some(company("306", "BANCO NACIONAL DE CUBA", "CUBA")),
        }],
        events: Vec::new(),
    };
    let answer = check(&record, "2020-01-01", State::Restricted);
    assert_eq!(answer.restrictions[0].kind, "blocked");
    check(&record, "2019-01-03", State::NotListed);
}

fn data_dir() -> std::path::PathBuf {
    match std::env::var_os("LISTWATCH_DATA") {
        Some(dir) => dir.into(),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

#[test]
fn all_68_real_cmic_entries_are_pending_and_restricted_on_their_own_dates() {
    use listwatch_model::ListDateKind;
    let dir = data_dir().join("ofac-consolidated/2025-12-19");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let (prim, add, alt, comments) = (
        read("cons_prim.csv"),
        read("cons_add.csv"),
        read("cons_alt.csv"),
        read("cons_comments.csv"),
    );
    let file = |name, bytes| listwatch_parsers::InputFile { name, bytes };
    let parsed = listwatch_parsers::ofac::parse(&listwatch_parsers::ofac::Files {
        main: file("cons_prim.csv", &prim),
        addresses: Some(file("cons_add.csv", &add)),
        aliases: Some(file("cons_alt.csv", &alt)),
        comments: Some(file("cons_comments.csv", &comments)),
    })
    .unwrap();
    let regimes = Regimes::builtin();
    let mut n_checked = 0;
    for entity in parsed.entities.iter().filter(|e| e.programs.iter().any(|p| p == "CMIC-EO13959"))
    {
        let date_of = |kind| entity.list_date(kind).unwrap().date.first_day();
        let (listing, effective, divestment) = (
            date_of(ListDateKind::Listing),
            date_of(ListDateKind::Effective),
            date_of(ListDateKind::Divestment),
        );
        let record = Record {
            entity_id: format!("ofac-consolidated:{}", entity.id),
            list: "ofac-consolidated".to_string(),
            observations: vec![Observation {
                version: 1,
                published: day("2025-12-19"),
                entity: Some(entity.clone()),
            }],
            events: Vec::new(),
        };
        let ask = |as_of: Date| status(&record, Question { as_of, known_on: None }, &regimes);
        assert_eq!(ask(listing.add_days(-1)).state, State::NotListed, "{}", entity.id);
        let pending = ask(listing);
        assert_eq!(pending.state, State::Pending, "{}", entity.id);
        assert_eq!(pending.restrictions[0].since, effective);
        assert_eq!(ask(effective.add_days(-1)).state, State::Pending);
        let restricted = ask(effective);
        assert_eq!(restricted.state, State::Restricted, "{}", entity.id);
        let kinds: Vec<(&str, Option<Date>)> =
            restricted.restrictions.iter().map(|r| (r.kind.as_str(), r.until)).collect();
        assert_eq!(
            kinds,
            [("purchase-prohibited", None), ("divestment-allowed-until", Some(divestment))]
        );
        let last_day = ask(divestment.add_days(-1));
        assert_eq!(last_day.restrictions.len(), 2);
        let after = ask(divestment);
        assert_eq!(after.state, State::Restricted);
        assert_eq!(
            after.restrictions.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
            ["purchase-prohibited"]
        );
        // What the firm could know in 2021: nothing, since this publication came out in 2025.
        let early = status(
            &record,
            Question { as_of: effective, known_on: Some(day("2021-12-31")) },
            &regimes,
        );
        assert_eq!(early.state, State::NotListed);
        n_checked += 1;
    }
    assert_eq!(n_checked, 68);
}

fn event_strategy() -> impl Strategy<Value = LegalEvent> {
    (1u64..40, prop::sample::select(EventKind::ALL.to_vec()), 0i64..400, 0i64..30, any::<bool>())
        .prop_map(|(id, kind, offset, delay, scoped)| {
            let effective = day("2021-01-01").add_days(offset);
            let mut e =
                event(id, kind, &effective.to_string(), &effective.add_days(delay).to_string());
            if scoped {
                e.event.scope = vec!["purchase-prohibited".to_string()];
            }
            e
        })
}

fn record_strategy() -> impl Strategy<Value = Record> {
    (
        prop::collection::vec(event_strategy(), 0..8),
        prop::collection::vec((0i64..400, any::<bool>()), 1..5),
    )
        .prop_map(|(mut events, versions)| {
            events.sort_by_key(|e| e.id);
            events.dedup_by_key(|e| e.id);
            let mut observations = Vec::new();
            let mut published = day("2020-12-01");
            for (idx, (gap, present)) in versions.into_iter().enumerate() {
                published = published.add_days(gap);
                observations.push(Observation {
                    version: idx as u32 + 1,
                    published,
                    entity: present
                        .then(|| company("xiaomi", "XIAOMI CORPORATION", "CCMC-EO13959")),
                });
            }
            Record {
                entity_id: "dod-ccmc:xiaomi".to_string(),
                list: "dod-ccmc".to_string(),
                observations,
                events,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_answer_never_depends_on_events_that_take_effect_later(record in record_strategy(), offset in 0i64..500) {
        let as_of = day("2020-12-01").add_days(offset);
        let mut earlier = record.clone();
        earlier.events.retain(|e| e.event.effective <= as_of);
        let regimes = Regimes::builtin();
        let question = Question { as_of, known_on: None };
        prop_assert_eq!(status(&record, question, &regimes), status(&earlier, question, &regimes));
    }

    #[test]
    fn known_on_never_depends_on_later_versions_or_events(record in record_strategy(), offset in 0i64..500, known in 0i64..500) {
        let as_of = day("2020-12-01").add_days(offset);
        let known_on = day("2020-12-01").add_days(known);
        let mut known_record = record.clone();
        known_record.observations.retain(|o| o.published <= known_on);
        known_record.events.retain(|e| e.entered_on().unwrap() <= known_on);
        // Later versions may be appended, and later events recorded: the answer must not move.
        let regimes = Regimes::builtin();
        let question = Question { as_of, known_on: Some(known_on) };
        prop_assert_eq!(status(&record, question, &regimes), status(&known_record, question, &regimes));
    }

    #[test]
    fn the_chain_is_in_date_order_and_ends_by_the_day_asked(record in record_strategy(), offset in 0i64..500) {
        let as_of = day("2020-12-01").add_days(offset);
        let answer = status(&record, Question { as_of, known_on: None }, &Regimes::builtin());
        prop_assert!(answer.events.windows(2).all(|w| w[0].date <= w[1].date));
        prop_assert!(answer.events.iter().all(|e| e.date <= as_of));
    }
}

#[test]
fn the_timeline_shows_listing_amendment_removal_and_relisting_with_their_versions() {
    let mut amended = company("x", "XIAOMI CORPORATION", "CCMC-EO13959");
    amended.names.push(listwatch_model::Name {
        value: "XIAOMI".into(),
        kind: listwatch_model::NameKind::Aka,
        remark: None,
    });
    let record = Record {
        entity_id: "dod-ccmc:x".to_string(),
        list: "dod-ccmc".to_string(),
        observations: vec![
            Observation {
                version: 1,
                published: day("2021-01-14"),
                entity: Some(company("x", "XIAOMI CORPORATION", "CCMC-EO13959")),
            },
            Observation { version: 2, published: day("2021-02-01"), entity: Some(amended.clone()) },
            Observation { version: 3, published: day("2021-06-03"), entity: None },
            Observation { version: 4, published: day("2022-01-01"), entity: Some(amended) },
        ],
        events: Vec::new(),
    };
    let steps = timeline(&record, &Regimes::builtin());
    let listed: Vec<(&str, String)> = steps
        .iter()
        .filter(|s| ["listed", "amended", "removed", "relisted"].contains(&s.kind.as_str()))
        .map(|s| (s.kind.as_str(), s.date.to_string()))
        .collect();
    assert_eq!(
        listed,
        [
            ("listed", "2021-01-14".into()),
            ("amended", "2021-02-01".into()),
            ("removed", "2021-06-03".into()),
            ("relisted", "2022-01-01".into())
        ]
    );
    assert!(steps.iter().any(|s| s.kind == "amended"
        && s.source.contains("version 2")
        && s.source.contains("names")));
    // The relisting starts the regime's clock again: purchases prohibited 60 days later.
    let answer = check(&record, "2022-02-01", State::Pending);
    assert_eq!(answer.restrictions[0].since, day("2022-03-02"));
}
