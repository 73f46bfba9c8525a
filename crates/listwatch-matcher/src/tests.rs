//! Unit tests of the public API on small hand-made indexes.

use listwatch_model::{Entity, IdKind, Identifier, NameKind, Schema};
use proptest::prelude::*;

use crate::{Index, IndexedEntity, MatcherConfig, PairResult, Query, QueryIdentifier, score_pair};

fn index(entities: Vec<Entity>) -> Index {
    Index::build(
        entities.into_iter().map(|entity| IndexedEntity {
            entity,
            list: "test".into(),
            version: 1,
        }),
        &MatcherConfig::default(),
    )
}

fn check(index: &Index, query: &Query, expected_top: Option<&str>) {
    let results = index.screen(query, 5);
    let top = results.first().filter(|r| r.is_match).map(|r| r.entity_id.as_str());
    assert_eq!(top, expected_top, "{query:?}: {results:#?}");
}

fn sample() -> Index {
    let mut vessel = Entity::new("1", Schema::Vessel, "OCEAN STAR");
    vessel.identifiers.push(Identifier {
        kind: IdKind::Imo,
        value: "IMO 9187629".into(),
        country: None,
        currency: None,
        label: "IMO".into(),
        details: None,
    });
    let mut person = Entity::new("2", Schema::Person, "OCEAN, Star");
    person.names.push(listwatch_model::Name {
        value: "STAR OCEAN".into(),
        kind: NameKind::WeakAka,
        remark: None,
    });
    index(vec![
        vessel,
        person,
        Entity::new("3", Schema::Company, "XIAOMI CORPORATION"),
        Entity::new("4", Schema::Company, "PACIFIC TRADING LIMITED"),
    ])
}

#[test]
fn legal_forms_are_weak_tokens_not_deleted() {
    let index = sample();
    check(&index, &Query::named("Xiaomi Corp"), Some("test:3"));
    check(&index, &Query::named("Caribbean Trading Limited"), None);
}

#[test]
fn a_person_never_matches_a_vessel() {
    let index = sample();
    let query = Query { schema: Some(Schema::Person), ..Query::named("Ocean Star") };
    let results = index.screen(&query, 5);
    assert!(results.iter().all(|r| r.entity_id != "test:1"), "{results:#?}");
}

#[test]
fn an_identifier_alone_finds_its_entity() {
    let index = sample();
    let query = Query {
        identifiers: vec![QueryIdentifier {
            kind: IdKind::Imo,
            value: "9187629".into(),
            country: None,
        }],
        ..Query::default()
    };
    check(&index, &query, Some("test:1"));
}

#[test]
fn results_carry_the_versions_and_config_hash() {
    let index = sample();
    let response = index.screen_response(&Query::named("xiaomi"), 5);
    assert_eq!(response.list_versions.len(), 1);
    assert_eq!(response.matcher.config_hash, MatcherConfig::default().config_hash());
    let json = serde_json::to_string(&response.results[0]).unwrap_or_default();
    for field in ["entity_id", "\"match\"", "matched_name", "programs", "explanation"] {
        assert!(json.contains(field), "{field} in {json}");
    }
}

#[test]
fn empty_and_odd_queries_find_nothing_without_panicking() {
    let index = sample();
    for name in ["", " ", "\u{200f}", "🙂🙂", "-- , --", "a", "\u{0301}\u{0301}"] {
        let _ = index.screen(&Query::named(name), 5);
        let _ = score_pair(&Query::named(name), &Query::named(name), &MatcherConfig::default());
    }
    assert!(index.screen(&Query::default(), 5).is_empty());
}

/// The laws of `score_pair` for two parties: their score is the same either way round, and `a`
/// scores itself at least as high as it scores `b`. Returns `a`'s score against itself.
fn check_pair_laws(a: &Query, b: &Query) -> Result<PairResult, TestCaseError> {
    let config = MatcherConfig::default();
    let ab = score_pair(a, b, &config);
    let ba = score_pair(b, a, &config);
    prop_assert_eq!(ab.score, ba.score);
    let aa = score_pair(a, a, &config);
    prop_assert!(aa.score >= ab.score);
    Ok(aa)
}

fn person(name: &str) -> Query {
    Query { schema: Some(Schema::Person), ..Query::named(name) }
}

proptest! {
    #[test]
    fn score_pair_is_symmetric_in_names_and_a_name_matches_itself(a in "\\PC{0,30}", b in "\\PC{0,30}") {
        check_pair_laws(&Query::named(a), &Query::named(b))?;
    }

    #[test]
    fn score_pair_is_symmetric_for_people_whose_surname_is_in_capitals(
        a in "[A-Z][a-z]{2,6}( [A-Z][a-z]{2,6}){0,2} [A-Z]{3,8}",
        b in "[A-Z][a-z]{2,6}( [A-Z][a-z]{2,6}){0,2} [A-Z]{3,8}",
    ) {
        let aa = check_pair_laws(&person(&a), &person(&b))?;
        prop_assert!(aa.is_match);
    }

    #[test]
    fn score_pair_is_symmetric_for_foreign_names_in_chinese_characters(
        a in "[谢尔盖拉夫罗弗基米普京亚历山大卢卡申科维克托斯伊戈钦]{1,5}([·・][谢尔盖拉夫罗弗基米普京亚历山大卢卡申科维克托斯伊戈钦]{1,5}){1,2}",
        b in "[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){1,2}",
    ) {
        let aa = check_pair_laws(&person(&a), &person(&b))?;
        // A name of words of two syllables or more, as foreign names are, matches itself; one
        // of one-syllable words ("拉・弗", "la fu") is as weak as such a Latin name.
        if a.split(['·', '・']).all(|word| word.chars().count() >= 2) {
            prop_assert!(aa.is_match);
        }
    }
}

#[test]
fn an_identifier_of_an_unnamed_type_is_compared_with_every_identifier() {
    let mut person = Entity::new("7", Schema::Person, "PETROV, Ivan");
    person.identifiers.push(Identifier {
        kind: IdKind::Passport,
        value: "7201 448811".into(),
        country: Some("Russia".into()),
        currency: None,
        label: "Passport".into(),
        details: None,
    });
    let index = index(vec![person]);
    let untyped = |value: &str| Query {
        identifiers: vec![QueryIdentifier {
            kind: IdKind::Other,
            value: value.into(),
            country: None,
        }],
        ..Query::named("Ivan Petrof")
    };
    // A misspelt name, so that the name alone scores below 1.
    let score = |query: &Query| index.screen(query, 1)[0].score;
    let (with_same, with_other, without) = (
        score(&untyped("7201448811")),
        score(&untyped("9999999999")),
        score(&Query::named("Ivan Petrof")),
    );
    assert!(with_same > without, "{with_same} vs {without}");
    // An untyped number that differs says nothing against the candidate.
    assert_eq!(with_other, without);
}

#[test]
fn a_leading_extra_given_name_costs_in_full_and_a_middle_one_does_not() {
    let index = index(vec![
        Entity::new("1", Schema::Person, "AGUIRRE GALINDO, Manuel"),
        Entity::new("2", Schema::Person, "KOLOKOLTSEV, Vladimir"),
    ]);
    // Another person's first name before the listed name.
    check(&index, &person("Jose Manuel Aguirre Galindo"), None);
    // A patronymic or a second given name after the first matched word.
    check(&index, &person("Vladimir Alexandrovich Kolokoltsev"), Some("test:2"));
    check(&index, &person("Manuel Jose Aguirre Galindo"), Some("test:1"));
}

#[test]
fn a_family_name_in_capitals_that_matches_nothing_is_another_familys() {
    let index = index(vec![
        Entity::new("1", Schema::Person, "ABDULLAH ALI, Qassim"),
        Entity::new("2", Schema::Person, "QUINTERO, Jose"),
        Entity::new("3", Schema::Person, "KOLOKOLTSEV, Vladimir"),
    ]);
    // The given names cover the listed name; the surname is someone else's.
    check(&index, &person("Qassim Abdullah Ali OGUNGBUYI"), None);
    // Nothing marks the last word as the surname: it may be an extra name.
    check(&index, &person("Qassim Abdullah Ali Ogungbuyi"), Some("test:1"));
    // A second surname beside a matched one, a patronymic before one.
    check(&index, &person("Jose QUINTERO MERAZ"), Some("test:2"));
    check(&index, &person("Vladimir Alexandrovich KOLOKOLTSEV"), Some("test:3"));
    // `compare` says the same whichever side writes the surname in capitals.
    let config = MatcherConfig::default();
    let (a, b) = (person("Qassim Abdullah Ali OGUNGBUYI"), person("ABDULLAH ALI, Qassim"));
    assert!(!score_pair(&a, &b, &config).is_match);
    assert!(!score_pair(&b, &a, &config).is_match);
    let (a, b) = (person("Qassim Abdullah Ali Ogungbuyi"), person("ABDULLAH ALI, Qassim"));
    assert!(score_pair(&a, &b, &config).is_match);
}

#[test]
fn a_foreign_name_in_chinese_characters_finds_its_latin_spelling() {
    let index = index(vec![
        Entity::new("1", Schema::Person, "LAVROV, Sergei Viktorovich"),
        Entity::new("2", Schema::Person, "LUKASHENKA, Alyaksandr Ryhorovich"),
        Entity::new("3", Schema::Person, "PUTIN, Vladimir Vladimirovich"),
        Entity::new("4", Schema::Person, "POTANIN, Vladimir Olegovich"),
    ]);
    check(&index, &person("谢尔盖·拉夫罗夫"), Some("test:1"));
    check(&index, &person("亚历山大·卢卡申科"), Some("test:2"));
    check(&index, &person("弗拉基米尔·普京"), Some("test:3"));
    check(&index, &person("弗拉基米尔·波塔宁"), Some("test:4"));
    // The same given name and another surname.
    check(&index, &person("谢尔盖·布林"), None);
    // Without the middle dot, the characters are read as a Chinese name.
    check(&index, &person("拉夫罗夫"), None);
    let config = MatcherConfig::default();
    let (a, b) = (person("谢尔盖·拉夫罗夫"), person("Sergei Lavrov"));
    assert!(score_pair(&a, &b, &config).is_match && score_pair(&b, &a, &config).is_match);
    assert!(!score_pair(&person("弗拉基米尔·波塔宁"), &person("Vladimir Putin"), &config).is_match);
}

#[test]
fn a_call_sign_finds_its_vessel() {
    let mut vessel = Entity::new("1", Schema::Vessel, "HS BURAQ");
    vessel.identifiers.push(Identifier {
        kind: IdKind::CallSign,
        value: "5LIK9".into(),
        country: None,
        currency: None,
        label: "Call Sign".into(),
        details: None,
    });
    let index = index(vec![vessel, Entity::new("2", Schema::Vessel, "BURAQ STAR")]);
    let query = Query {
        schema: Some(Schema::Vessel),
        identifiers: vec![QueryIdentifier {
            kind: IdKind::CallSign,
            value: "5lik9".into(),
            country: None,
        }],
        ..Query::named("Buraq")
    };
    check(&index, &query, Some("test:1"));
}

#[test]
fn a_first_word_that_only_starts_like_a_legal_form_is_also_read_whole() {
    let index = index(vec![
        Entity::new("1", Schema::Organization, "ZAKONNIK"),
        Entity::new("2", Schema::Company, "OOO ALKON"),
        Entity::new("3", Schema::Person, "ZAOUALI, Karim"),
    ]);
    // "ZAKONNIK" typed with two letters swapped starts with "ZAO", a legal form.
    check(&index, &Query::named("ZAOKNNIK"), Some("test:1"));
    // A legal form run into the name is still split off.
    check(&index, &Query::named("OOOALKON"), Some("test:2"));
    // A surname that starts like one is a surname.
    let person = Query { schema: Some(Schema::Person), ..Query::named("Karim Zaouali") };
    check(&index, &person, Some("test:3"));
}

#[test]
fn korean_names_match_across_romanizations_and_keep_their_syllables() {
    let index = index(vec![
        Entity::new("1", Schema::Person, "RI, Pyong Chol"),
        Entity::new("2", Schema::Person, "RI, Su Yong"),
    ]);
    check(&index, &person("Lee Byung-chul"), Some("test:1"));
    check(&index, &person("리병철"), Some("test:1"));
    check(&index, &person("Su Yong Lee"), Some("test:2"));
    // Another given name: a syllable left out, or the syllables in another order.
    check(&index, &person("Lee Chul"), None);
    check(&index, &person("Yong Su Lee"), None);
}

#[test]
fn compounds_of_arabic_names_meet_every_latin_spelling() {
    let config = MatcherConfig::default();
    let score = |a: &str, b: &str| score_pair(&person(a), &person(b), &config).score;
    // Written as one word or apart in Arabic script, the compound reads the same.
    for arabic in ["عبدالرحمن ياسين", "عبد الرحمن ياسين", "عبدالرحمان ياسين"]
    {
        for latin in ["Abdul Rahman Yasin", "Abdur Rahman Yasin", "Abdulrahman Yasin"] {
            assert!(score(arabic, latin) >= config.threshold, "{arabic} ~ {latin}");
        }
    }
    // The article the Latin spelling runs into the word before ("Abdul") is not read into
    // the word after it: "al rhman" does not stand for "Rahman" and leave "Abdul" over.
    assert!(score("عبد الرحمان", "Abdul Rahman") > 0.85);
    assert!(score("نورالدين زرهوني", "Noureddine Zerhouni") >= config.threshold);
    assert!(score("عبدالعزيز حقاني", "Abdul Rahim Haqqani") < config.threshold);
}

#[test]
fn a_compound_ending_in_a_particle_meets_the_same_letters_split_elsewhere() {
    let config = MatcherConfig::default();
    let score = |a: &str, b: &str| score_pair(&person(a), &person(b), &config).score;
    // One word against a normal word and the particle after it, and two words against the same
    // letters with the boundary moved past the particle: both directions, as in screening.
    for (a, b) in [
        ("Sundus Abdal Ghafar", "ABD AL-GHAFAR, Sundus"),
        ("Hasan Jama-lal-Din", "JAMAL-AL-DIN, Hasan"),
        ("Ghazi Nas-ral Din", "NASR AL DIN, Ghazi"),
    ] {
        assert!(score(a, b) >= config.threshold, "{a} ~ {b}");
        let listed = Entity::new("1", Schema::Person, b);
        let other = Entity::new("2", Schema::Person, "AL-DIN, Hasan Nasr");
        check(&index(vec![listed, other]), &person(a), Some("test:1"));
    }
    // The letters must be the same: another given name stays another person.
    assert!(score("Omar Jama-lal-Din", "JAMAL-AL-DIN, Hasan") < config.threshold);
}

#[test]
fn a_persons_words_are_words_where_a_company_would_read_a_legal_form() {
    let config = MatcherConfig::default();
    let score = |a: &str, b: &str| score_pair(&person(a), &person(b), &config).score;
    // "PAO" is a surname here, not the Russian public joint-stock company: a query without it
    // is not this person, and one with it is.
    assert!(score("Hua Chiang Li", "PAO, Hua Chiang") < config.threshold);
    assert!(score("Hua Chiang Pao", "PAO, Hua Chiang") >= config.threshold);
    // "AB" as the first letters of "ABD" and "ag", the Tuareg "son of", in Latin and Arabic.
    for (a, b) in [
        ("Abdullah Muhammad Rajab AB-DAL-RAHMAN", "ABD AL-RAHMAN, Abdullah Muhammad Rajab"),
        ("Iyad Ag Ghali", "GHALI, Iyad ag"),
        ("اياد اغ غالي", "GHALI, Iyad ag"),
    ] {
        assert!(score(a, b) >= config.threshold, "{a} ~ {b}");
    }
    // One index holds the word both ways: the company's legal form and the person's word.
    let company = Entity::new("1", Schema::Company, "ALPHA HOLDING AG");
    let listed = Entity::new("2", Schema::Person, "GHALI, Iyad ag");
    let index = index(vec![company, listed]);
    check(&index, &person("Iyad Ag Ghali"), Some("test:2"));
    let company_query = Query {
        name: Some("Alpha Holding Aktiengesellschaft".into()),
        schema: Some(Schema::Company),
        ..Query::default()
    };
    check(&index, &company_query, Some("test:1"));
    // A query of unknown schema with a legal form inside the name is read as a person's too.
    let unknown = Query { name: Some("Rajab AB-DAL-RAHMAN".into()), ..Query::default() };
    let listed = Entity::new("3", Schema::Person, "ABD AL-RAHMAN, Rajab");
    let index = crate::tests::index(vec![listed, Entity::new("4", Schema::Company, "AB DAL")]);
    check(&index, &unknown, Some("test:3"));
    let config = MatcherConfig::default();
    let listed = Query::named("ABD AL-RAHMAN, Rajab");
    assert!(score_pair(&unknown, &listed, &config).is_match);
}
