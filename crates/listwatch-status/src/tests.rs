//! Tests of regimes, timelines and as-of status: the Xiaomi case, the 68 real CMIC entries, and
//! the laws of the as-of answer.

use listwatch_model::{Coverage, Date, Entity, EventKind, LegalEvent, NewEvent, Schema};
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
            known_since: None,
        },
    }
}

/// The versions a record's observations name, plus the `extra` ones (number, publication day).
fn versions_of(observations: &[Observation], extra: &[(u32, &str)]) -> Vec<VersionRef> {
    let mut versions: Vec<VersionRef> = observations
        .iter()
        .map(|o| VersionRef { version: o.version, published: o.published, coverage: o.coverage })
        .chain(extra.iter().map(|&(version, published)| VersionRef {
            version,
            published: day(published),
            coverage: Coverage::FULL,
        }))
        .collect();
    versions.sort_by_key(|v| v.version);
    versions.dedup_by_key(|v| v.version);
    versions
}

fn xiaomi(events: Vec<LegalEvent>) -> Record {
    let mut record = Record {
        entity_id: "dod-ccmc:xiaomi".to_string(),
        list: "dod-ccmc".to_string(),
        versions: Vec::new(),
        observations: vec![
            Observation {
                coverage: Coverage::FULL,
                version: 5,
                published: day("2021-01-14"),
                entity: Some(company("xiaomi", "XIAOMI CORPORATION", "CCMC-EO13959")),
            },
            Observation {
                coverage: Coverage::FULL,
                version: 7,
                published: day("2021-06-03"),
                entity: None,
            },
        ],
        events,
    };
    // Version 4 of the list, published before Xiaomi's listing, did not hold it.
    record.versions = versions_of(&record.observations, &[(4, "2020-12-03"), (6, "2021-03-01")]);
    record
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

/// A user's regimes file `house.toml` with one regime of `fields` (id `house-rule`).
fn user_regime(fields: &str) -> Result<Regimes, Error> {
    let text = format!(
        "[[regime]]\nid = \"house-rule\"\nname = \"Our own rule\"\nauthority = \"Policy 7\"\n{fields}"
    );
    Regimes::from_file(&text, "house.toml").map(|user| user.then(Regimes::builtin()))
}

/// An SDN entity in program `program`, on the list since version 1 (2019-01-04).
fn sdn_record(program: &str) -> Record {
    let mut record = Record {
        entity_id: "ofac-sdn:306".to_string(),
        list: "ofac-sdn".to_string(),
        versions: Vec::new(),
        observations: vec![Observation {
            coverage: Coverage::FULL,
            version: 1,
            published: day("2019-01-04"),
            entity: Some(company("306", "BANCO NACIONAL DE CUBA", program)),
        }],
        events: Vec::new(),
    };
    record.versions = versions_of(&record.observations, &[]);
    record
}

#[test]
fn a_user_regime_for_every_program_does_not_replace_sdn_blocking() {
    let regimes = user_regime(
        "programs = [\"*\"]\nkind = \"securities\"\neffective_after_days = 36500\n\
         divestment_after_days = 36500",
    )
    .unwrap();
    // SDN blocking covers every SDN program; the user's "*" applies only where no built-in
    // regime is specific: a list of the user's own, in place of the generic fallback.
    assert_eq!(regimes.for_program("ofac-sdn", "SDGT").unwrap().id, "ofac-sdn-blocking");
    assert_eq!(regimes.for_program("ofac-sdn", "CMIC-EO13959").unwrap().id, "cmic-eo14032");
    assert_eq!(regimes.for_program("ofac-consolidated", "FSE-SY").unwrap().id, "fse");
    assert_eq!(
        regimes.for_program("my-list", "ANYTHING").unwrap().qualified_id(),
        "user:house-rule"
    );
    let answer = status(
        &sdn_record("SDGT"),
        Question { as_of: day("2020-01-01"), known_on: None },
        &regimes,
    );
    assert_eq!(answer.state, State::Restricted, "{answer:#?}");
    assert_eq!(answer.rules, ["ofac-sdn-blocking"]);
    assert_eq!(regimes.notes(), Vec::<String>::new());
    // Naming ofac-sdn with "*" does not change that either, and says so.
    let on_sdn = user_regime(
        "programs = [\"*\"]\nlists = [\"ofac-sdn\"]\nkind = \"restrictions\"\nrestrictions = [\"x\"]",
    )
    .unwrap();
    assert_eq!(on_sdn.for_program("ofac-sdn", "SDGT").unwrap().id, "ofac-sdn-blocking");
    assert_eq!(
        on_sdn.notes(),
        ["regime house-rule (from house.toml) names every program (\"*\") on ofac-sdn, where \
          built-in ofac-sdn-blocking covers every program: it applies there only to the programs \
          it names"]
    );
}

#[test]
fn a_user_regime_overrides_a_builtin_one_only_for_the_programs_it_names_and_says_so() {
    let regimes = user_regime(
        "programs = [\"SDGT\"]\nlists = [\"ofac-sdn\"]\nkind = \"restrictions\"\n\
         restrictions = [\"escalate\"]\neffective_after_days = 30",
    )
    .unwrap();
    assert_eq!(regimes.for_program("ofac-sdn", "SDGT").unwrap().id, "house-rule");
    assert_eq!(regimes.for_program("ofac-sdn", "CUBA").unwrap().id, "ofac-sdn-blocking");
    assert_eq!(
        regimes.notes(),
        [
            "regime house-rule (from house.toml) overrides built-in ofac-sdn-blocking for program SDGT"
        ]
    );
    let answer = status(
        &sdn_record("SDGT"),
        Question { as_of: day("2019-01-10"), known_on: None },
        &regimes,
    );
    assert_eq!(answer.state, State::Pending, "{answer:#?}");
    assert_eq!(answer.rules, ["user:house-rule"]);
    assert_eq!(answer.restrictions[0].rule, "user:house-rule");
    let steps = timeline(&sdn_record("SDGT"), &regimes);
    assert!(steps.iter().any(|s| s.source.starts_with("user:house-rule (Policy 7)")), "{steps:#?}");
    // A program no built-in regime names is an addition, not an override.
    let added = user_regime("programs = [\"MY-PROGRAM\"]\nkind = \"blocking\"").unwrap();
    assert_eq!(added.for_program("ofac-sdn", "MY-PROGRAM").unwrap().id, "house-rule");
    assert_eq!(
        added.notes(),
        [
            "regime house-rule (from house.toml) overrides built-in ofac-sdn-blocking for program MY-PROGRAM",
            "regime house-rule (from house.toml) overrides built-in un-sc-listed for program MY-PROGRAM"
        ],
        "on ofac-sdn, SDN blocking covers every program, and on un-sc the UN listing regime"
    );
    let elsewhere =
        user_regime("programs = [\"MY-PROGRAM\"]\nlists = [\"my-list\"]\nkind = \"blocking\"")
            .unwrap();
    assert_eq!(elsewhere.notes(), Vec::<String>::new());
    // An override of a securities program names the securities regime.
    let cmic = user_regime("programs = [\"cmic-eo13959\"]\nkind = \"blocking\"").unwrap();
    assert_eq!(
        cmic.notes(),
        [
            "regime house-rule (from house.toml) overrides built-in cmic-eo14032 for program cmic-eo13959"
        ]
    );
}

#[test]
fn regime_numbers_and_ids_are_checked() {
    let error = |fields: &str| user_regime(fields).unwrap_err().to_string();
    let securities = "programs = [\"X\"]\nkind = \"securities\"\n";
    assert_eq!(
        error(&format!("{securities}effective_after_days = -5\ndivestment_after_days = 10")),
        "regime house-rule: effective_after_days is -5; a day count runs from 0 to 36500"
    );
    assert_eq!(
        error(&format!("{securities}effective_after_days = 5\ndivestment_after_days = 36501")),
        "regime house-rule: divestment_after_days is 36501; a day count runs from 0 to 36500"
    );
    assert!(
        error(&format!("{securities}effective_after_days = 60\ndivestment_after_days = 30"))
            .starts_with(
                "regime house-rule: divestment_after_days (30) is before effective_after_days (60)"
            )
    );
    assert_eq!(
        error(securities),
        "regime house-rule: a securities regime needs divestment_after_days"
    );
    // The bounds themselves are allowed.
    assert!(
        user_regime(&format!(
            "{securities}effective_after_days = 0\ndivestment_after_days = 36500"
        ))
        .is_ok()
    );
}

#[test]
fn a_builtin_or_repeated_id_is_refused() {
    let text = |id: &str| {
        format!(
            "[[regime]]\nid = \"{id}\"\nname = \"n\"\nauthority = \"a\"\nprograms = [\"X\"]\n\
             kind = \"blocking\""
        )
    };
    let error = Regimes::from_file(&text("ofac-sdn-blocking"), "f").unwrap_err().to_string();
    assert!(
        error.starts_with("regime ofac-sdn-blocking: the id is a built-in regime's"),
        "{error}"
    );
    let twice = format!("{}\n{}", text("mine"), text("mine"));
    let error = Regimes::from_file(&twice, "f").unwrap_err().to_string();
    assert_eq!(error, "regime mine: the id is used twice; each regime needs an id of its own");
    let error = Regimes::from_file(&text("user:mine"), "f").unwrap_err().to_string();
    assert_eq!(error, "regime 1: an id is 1 to 64 letters, digits, '-', '_' or '.'");
}

#[test]
fn a_parse_error_gives_the_line_and_column_but_not_the_content() {
    let check = |text: &str, line: usize, column: usize, secret: &str| {
        let error = Regimes::from_file(text, "f").unwrap_err();
        assert_eq!((error.line(), error.column()), (Some(line), Some(column)), "{error}");
        assert!(!error.to_string().contains(secret), "{error}");
        assert!(error.message().starts_with("not a valid regimes file: "), "{error}");
    };
    // A password file's first line.
    check("root:x:0:0:root:/root:/bin/bash\n", 1, 32, "root");
    check("# comment\nregime = \"s3cret-value\"\n", 2, 10, "s3cret");
    check("[[regime]]\nid = \"x\"\nname = 5\n", 3, 8, "5");
    check("[[regime]]\n\"tok\u{e9}n s3cret\" = 1\n", 2, 1, "s3cret");
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
    let mut luokung = Record {
        entity_id: "dod-ccmc:luokung".to_string(),
        list: "dod-ccmc".to_string(),
        versions: Vec::new(),
        observations: vec![Observation {
            coverage: Coverage::FULL,
            version: 5,
            published: day("2021-01-14"),
            entity: Some(company("luokung", "LUOKUNG TECHNOLOGY CORP.", "CCMC-EO13959")),
        }],
        events: vec![event(1, EventKind::Relisting, "2021-03-09", "2021-03-09")],
    };
    luokung.versions = versions_of(&luokung.observations, &[]);
    let answer = check(&luokung, "2021-04-01", State::Pending);
    assert_eq!(answer.restrictions[0].since, day("2021-05-08"));
    assert_eq!(answer.listed_since, Some(day("2021-03-09")));
}

#[test]
fn an_sdn_listing_blocks_from_the_day_it_was_first_seen_and_says_so() {
    let mut record = Record {
        entity_id: "ofac-sdn:306".to_string(),
        list: "ofac-sdn".to_string(),
        versions: Vec::new(),
        observations: vec![Observation {
            coverage: Coverage::FULL,
            version: 1,
            published: day("2019-01-04"),
            entity: Some(company("306", "BANCO NACIONAL DE CUBA", "CUBA")),
        }],
        events: Vec::new(),
    };
    record.versions = versions_of(&record.observations, &[]);
    let answer = check(&record, "2020-01-01", State::Restricted);
    assert_eq!(answer.restrictions[0].kind, "blocked");
    // The store's first version is not a designation date: the entry was on the list by then.
    assert_eq!(answer.restrictions[0].basis, Basis::Observed);
    assert_eq!(answer.listed_basis, Some(Basis::Observed));
    assert!(answer.events[0].source.contains("first version in this store"), "{answer:#?}");
    // Before the store's first version nothing says whether it was listed.
    let before = check(&record, "2010-01-01", State::Unknown);
    assert_eq!(
        before.reason.as_deref(),
        Some(
            "no version of ofac-sdn published on or before 2010-01-01 (its first is version 1 of 2019-01-04)"
        )
    );
}

#[test]
fn a_directive_date_on_an_sdn_entry_does_not_date_its_blocking() {
    use listwatch_model::{DateSpec, ListDate, ListDateKind};
    let mut entity = company("48603", "SOME BANK", "RUSSIA-EO14024");
    entity.list_dates.push(ListDate {
        kind: ListDateKind::Listing,
        date: DateSpec::parse_loose("24 Feb 2022").unwrap(),
        scope: "EO 14024 Directive 2".to_string(),
    });
    let mut record = Record {
        entity_id: "ofac-sdn:48603".to_string(),
        list: "ofac-sdn".to_string(),
        versions: Vec::new(),
        observations: vec![Observation {
            coverage: Coverage::FULL,
            version: 2,
            published: day("2022-04-06"),
            entity: Some(entity),
        }],
        events: Vec::new(),
    };
    record.versions = versions_of(&record.observations, &[(1, "2022-03-24")]);
    let answer = check(&record, "2022-05-01", State::Restricted);
    assert_eq!(answer.listed_since, Some(day("2022-04-06")));
    assert_eq!(answer.restrictions[0].basis, Basis::Observed);
    assert!(answer.events[0].source.contains("not in version 1 (published 2022-03-24)"));
    check(&record, "2022-03-30", State::NotListed);
}

#[test]
fn an_amendment_is_reported_only_in_fields_both_versions_cover() {
    let mut with_alias = company("x", "XIAOMI CORPORATION", "CCMC-EO13959");
    with_alias.names.push(listwatch_model::Name {
        value: "XIAOMI".into(),
        kind: listwatch_model::NameKind::Aka,
        remark: None,
    });
    let main_file_only = Coverage { addresses: false, aliases: false, remark_continuations: false };
    let plain = company("x", "XIAOMI CORPORATION", "CCMC-EO13959");
    let mut record = Record {
        entity_id: "dod-ccmc:x".to_string(),
        list: "dod-ccmc".to_string(),
        versions: Vec::new(),
        observations: vec![
            Observation {
                coverage: Coverage::FULL,
                version: 1,
                published: day("2021-01-14"),
                entity: Some(with_alias.clone()),
            },
            Observation {
                coverage: main_file_only,
                version: 2,
                published: day("2021-02-01"),
                entity: Some(plain),
            },
            Observation {
                coverage: Coverage::FULL,
                version: 3,
                published: day("2021-03-01"),
                entity: Some(with_alias),
            },
        ],
        events: Vec::new(),
    };
    record.versions = versions_of(&record.observations, &[]);
    let kinds: Vec<String> =
        timeline(&record, &Regimes::builtin()).into_iter().map(|e| e.kind).collect();
    assert!(!kinds.contains(&"amended".to_string()), "{kinds:?}");
}

fn data_dir() -> std::path::PathBuf {
    match std::env::var_os("LISTWATCH_DATA") {
        Some(dir) => dir.into(),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// Whether the real list files are there. Without them a real-data test is skipped with a
/// printed reason, unless `LISTWATCH_REQUIRE_DATA=1` (as in CI), which makes their absence a
/// failure.
fn have_data() -> bool {
    let dir = data_dir();
    if dir.is_dir() {
        return true;
    }
    if std::env::var_os("LISTWATCH_REQUIRE_DATA").is_some_and(|v| v == "1") {
        panic!("LISTWATCH_REQUIRE_DATA=1 but the data folder {} does not exist", dir.display());
    }
    eprintln!(
        "skipping a real-data test: {} does not exist (set LISTWATCH_DATA to the shared data folder)",
        dir.display()
    );
    false
}

#[test]
fn all_68_real_cmic_entries_are_pending_and_restricted_on_their_own_dates() {
    if !have_data() {
        return;
    }
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
        let mut record = Record {
            entity_id: format!("ofac-consolidated:{}", entity.id),
            list: "ofac-consolidated".to_string(),
            versions: Vec::new(),
            observations: vec![Observation {
                coverage: Coverage::FULL,
                version: 1,
                published: day("2025-12-19"),
                entity: Some(entity.clone()),
            }],
            events: Vec::new(),
        };
        record.versions = versions_of(&record.observations, &[]);
        let ask = |as_of: Date| status(&record, Question { as_of, known_on: None }, &regimes);
        // The only version is from 2025: before the listing date nothing says it was not listed.
        assert_eq!(ask(listing.add_days(-1)).state, State::Unknown, "{}", entity.id);
        let pending = ask(listing);
        assert_eq!(pending.state, State::Pending, "{}", entity.id);
        // The 2025 publication's own Listing Date dates the listing.
        assert_eq!(pending.listed_basis, Some(Basis::Designated));
        assert_eq!(pending.restrictions[0].basis, Basis::Designated);
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
        assert_eq!(early.state, State::Unknown);
        assert!(early.reason.as_deref().unwrap().contains("known by 2021-12-31"), "{early:#?}");
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
                    coverage: Coverage::FULL,
                    version: idx as u32 + 1,
                    published,
                    entity: present
                        .then(|| company("xiaomi", "XIAOMI CORPORATION", "CCMC-EO13959")),
                });
            }
            Record {
                entity_id: "dod-ccmc:xiaomi".to_string(),
                list: "dod-ccmc".to_string(),
                versions: versions_of(&observations, &[]),
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
        known_record.versions.retain(|v| v.published <= known_on);
        known_record.observations.retain(|o| o.published <= known_on);
        known_record.events.retain(|e| e.known_on().unwrap() <= known_on);
        // Later versions may be appended, and later events recorded: the answer must not move.
        let regimes = Regimes::builtin();
        let question = Question { as_of, known_on: Some(known_on) };
        prop_assert_eq!(status(&record, question, &regimes), status(&known_record, question, &regimes));
    }

    #[test]
    fn not_listed_needs_a_known_version_in_force_that_does_not_hold_the_entity(
        record in record_strategy(), offset in 0i64..500, known in prop::option::of(0i64..500),
    ) {
        let as_of = day("2020-12-01").add_days(offset);
        let known_on = known.map(|k| day("2020-12-01").add_days(k));
        let answer = status(&record, Question { as_of, known_on }, &Regimes::builtin());
        let in_force = record.versions.iter().rev().find(|v| {
            v.published <= as_of && known_on.is_none_or(|k| v.published <= k)
        });
        match answer.state {
            State::NotListed => {
                let Some(in_force) = in_force else {
                    return Err(TestCaseError::fail("not-listed without a version in force"));
                };
                // The entity as that version has it: the last observation at or before it.
                let held = record
                    .observations
                    .iter()
                    .rev()
                    .find(|o| o.version <= in_force.version)
                    .is_some_and(|o| o.entity.is_some());
                prop_assert!(!held, "not-listed, but version {} holds it", in_force.version);
            }
            State::Unknown => prop_assert!(in_force.is_none()),
            _ => {}
        }
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
    let mut record = Record {
        entity_id: "dod-ccmc:x".to_string(),
        list: "dod-ccmc".to_string(),
        versions: Vec::new(),
        observations: vec![
            Observation {
                coverage: Coverage::FULL,
                version: 1,
                published: day("2021-01-14"),
                entity: Some(company("x", "XIAOMI CORPORATION", "CCMC-EO13959")),
            },
            Observation {
                coverage: Coverage::FULL,
                version: 2,
                published: day("2021-02-01"),
                entity: Some(amended.clone()),
            },
            Observation {
                coverage: Coverage::FULL,
                version: 3,
                published: day("2021-06-03"),
                entity: None,
            },
            Observation {
                coverage: Coverage::FULL,
                version: 4,
                published: day("2022-01-01"),
                entity: Some(amended),
            },
        ],
        events: Vec::new(),
    };
    record.versions = versions_of(&record.observations, &[]);
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

/// TOML-shaped text: regime tables with fields of any type, any value, in any order, and noise.
fn regimes_text() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "id",
        "name",
        "authority",
        "programs",
        "lists",
        "kind",
        "effective_after_days",
        "divestment_after_days",
        "restrictions",
        "date_scopes",
        "unknown",
    ]);
    let value = prop_oneof![
        "[a-z*-]{0,12}".prop_map(|s| format!("{s:?}")),
        any::<i64>().prop_map(|n| n.to_string()),
        prop::collection::vec("[A-Z0-9*-]{0,8}", 0..3).prop_map(|v| format!("{v:?}")),
        Just("\"securities\"".to_string()),
        Just("\"blocking\"".to_string()),
        ".{0,20}",
    ];
    prop::collection::vec(prop::collection::vec((key, value), 0..10), 0..4).prop_map(|tables| {
        tables
            .into_iter()
            .map(|fields| {
                let body: String =
                    fields.into_iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
                format!("[[regime]]\n{body}")
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_regimes_loader_never_panics_and_never_echoes_the_file(text in regimes_text()) {
        match Regimes::from_file(&text, "house.toml") {
            Ok(regimes) => {
                // What loads is usable: every regime answers for any program.
                let merged = regimes.then(Regimes::builtin());
                let _ = merged.for_entity("ofac-sdn", &["SDGT".to_string()]);
                let _ = merged.notes();
            }
            Err(err) => {
                let message = err.to_string();
                // No quoted value of the file comes back in the message.
                for line in text.lines() {
                    if let Some((_, value)) = line.split_once(" = ")
                        && value.len() > 6
                        && value.starts_with('"')
                    {
                        prop_assert!(!message.contains(value), "{message} echoes {value}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_regimes_loader_takes_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Regimes::from_file(&text, "house.toml");
    }
}
