//! Tests of the evidence besides names.

use super::*;

fn date(text: &str) -> DateSpec {
    DateSpec::parse_loose(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn check_dates(a: &str, b: &str, expected: DateAgreement) {
    assert_eq!(date_agreement(&date(a), &date(b)), expected, "{a} vs {b}");
}

#[test]
fn birth_dates_agree_by_day_year_digit_or_not_at_all() {
    check_dates("1962-05-14", "1962-05-14", DateAgreement::Exact);
    check_dates("1962-05-14", "1962-11-02", DateAgreement::Year);
    check_dates("1962-05-14", "1963-05-14", DateAgreement::Near);
    check_dates("1962-05-14", "1968-05-14", DateAgreement::Near);
    check_dates("1962-05-14", "1975-01-30", DateAgreement::Conflict);
    check_dates("1962", "1962-05-14", DateAgreement::Year);
    check_dates("1962", "1980", DateAgreement::Conflict);
}

#[test]
fn a_person_never_matches_a_vessel_and_companies_match_organizations() {
    assert!(!schemas_compatible(Some(Schema::Person), Some(Schema::Vessel)));
    assert!(schemas_compatible(Some(Schema::Company), Some(Schema::Organization)));
    assert!(schemas_compatible(None, Some(Schema::Vessel)));
}

#[test]
fn a_passport_from_another_country_is_not_a_hit() {
    let config = MatcherConfig::default();
    let party = |country: &'static str| Party {
        identifiers: vec![PartyId {
            kind: IdKind::Passport,
            normalized: "A1234567".into(),
            country: Some(country),
        }],
        ..Party::default()
    };
    assert!(compare(&party("RU"), &party("RU"), &config, false).identifier_hit);
    assert!(!compare(&party("RU"), &party("UA"), &config, false).identifier_hit);
}
