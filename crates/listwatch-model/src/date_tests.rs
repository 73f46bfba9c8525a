//! Tests for date parsing, printing and arithmetic.

use super::*;

fn check_spec(input: &str, expected: &str) {
    let spec = DateSpec::parse_loose(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(spec.to_string(), expected, "{input}");
    let reparsed: DateSpec = expected.parse().unwrap();
    assert_eq!(reparsed, spec, "round trip of {expected}");
}

#[test]
fn list_date_forms_parse_to_iso() {
    check_spec("10 Dec 1948", "1948-12-10");
    check_spec("Jan 1970", "1970-01");
    check_spec("1965", "1965");
    check_spec("circa 1960", "1960~");
    check_spec("1960 to 1962", "1960/1962");
    check_spec("03 Jun 2021", "2021-06-03");
    check_spec("12 October 1972", "1972-10-12");
    check_spec("2021-08-02", "2021-08-02");
    check_spec("approximately 1955", "1955~");
}

#[test]
fn an_impossible_iso_date_in_a_loose_field_says_what_is_wrong() {
    let check = |input: &str, expected: &str| {
        let err = DateSpec::parse_loose(input).unwrap_err().to_string();
        assert_eq!(err, expected, "{input}");
    };
    check("1952-02-30", "1952-02-30: February 1952 has 29 days");
    check("1951-02-29", "1951-02-29: 1951 is not a leap year: February 1951 has 28 days");
    check("1952-13", "1952-13: the month must be 01 to 12, not 13");
    check("circa 1952-02-30", "1952-02-30: February 1952 has 29 days");
}

#[test]
fn impossible_dates_are_refused() {
    assert!(DateSpec::parse_loose("31 Feb 2020").is_err());
    assert!(DateSpec::parse_loose("1962 to 1960").is_err());
    assert!(DateSpec::parse_loose("Smarch 1990").is_err());
    assert!(DateSpec::parse_loose("").is_err());
    assert!(Date::parse_iso("2021-13-01").is_err());
    assert!(Date::parse_iso("2021-06").is_err());
}

#[test]
fn leap_days_exist_only_in_leap_years() {
    assert!(Date::new(2020, 2, 29).is_ok());
    assert!(Date::new(2021, 2, 29).is_err());
    assert!(Date::new(1900, 2, 29).is_err());
    assert!(Date::new(2000, 2, 29).is_ok());
}

#[test]
fn day_arithmetic_matches_the_cmic_rules() {
    // EO 14032: listed 3 Jun 2021, purchases prohibited 60 days later (2 Aug 2021).
    let listed = Date::parse_iso("2021-06-03").unwrap();
    assert_eq!(listed.add_days(60).to_string(), "2021-08-02");
    assert_eq!(listed.add_days(365).to_string(), "2022-06-03");
    assert_eq!(Date::parse_iso("1970-01-01").unwrap().to_days(), 0);
    assert_eq!(Date::from_days(-1).unwrap().to_string(), "1969-12-31");
}

#[test]
fn partial_dates_span_their_period() {
    let year = PartialDate::parse_iso("1965").unwrap();
    assert_eq!(year.first_day().to_string(), "1965-01-01");
    assert_eq!(year.last_day().to_string(), "1965-12-31");
    let month = PartialDate::parse_iso("2024-02").unwrap();
    assert_eq!(month.last_day().to_string(), "2024-02-29");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn days_round_trip(days in -719_162i64..2_932_896) {
            let date = Date::from_days(days).unwrap();
            prop_assert_eq!(date.to_days(), days);
            prop_assert_eq!(Date::parse_iso(&date.to_string()).unwrap(), date);
        }

        #[test]
        fn loose_parsing_never_panics(s in "\\PC{0,40}") {
            let _ = DateSpec::parse_loose(&s);
        }
    }
}

#[test]
fn refused_dates_say_what_is_wrong_with_the_text() {
    let check = |input: &str, expected: &str| {
        let err = Date::parse_iso(input).unwrap_err().to_string();
        assert_eq!(err, expected, "{input}");
    };
    check("2021-02-30", "2021-02-30: February 2021 has 28 days");
    check("2021-02-29", "2021-02-29: 2021 is not a leap year: February 2021 has 28 days");
    check("2021-04-31", "2021-04-31: April 2021 has 30 days");
    check("2021-13-01", "2021-13-01: the month must be 01 to 12, not 13");
    check("2021-00-01", "2021-00-01: the month must be 01 to 12, not 00");
    check("2021-01-00", "2021-01-00: there is no day 00; days are 01 to 31");
    check("21-03-01", "21-03-01: expected YYYY-MM-DD with a four-digit year");
    check("01-03-2021", "01-03-2021: expected YYYY-MM-DD: the year comes first");
    check(
        "2021-3-1",
        "2021-3-1: expected YYYY-MM-DD with two-digit months and days (such as 2021-03-01)",
    );
    check("2021/03/01", "2021/03/01: expected YYYY-MM-DD, with '-' between the parts, not '/'");
    check("2021-06", "2021-06: expected a full date YYYY-MM-DD, not a month");
    check("yesterday", "yesterday: expected YYYY-MM-DD: \"yesterday\" is not a number");
    check("", "empty date: expected YYYY-MM-DD");
    assert_eq!(
        PartialDate::parse_iso("1965-13").unwrap_err().to_string(),
        "1965-13: the month must be 01 to 12, not 13"
    );
    assert_eq!(PartialDate::parse_iso("1965").unwrap().to_string(), "1965");
}
