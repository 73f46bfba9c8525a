//! Tests of person-name variants.

use super::person_name_variants;

fn check(raw: &str, expected: &[&str]) {
    assert_eq!(person_name_variants(raw), expected, "person_name_variants({raw:?})");
}

#[test]
fn ofac_surname_comma_given_names_gives_both_orders() {
    check(
        "KHOROSHEV, Dmitry Yuryevich",
        &["dmitry yuryevich khoroshev", "khoroshev dmitry yuryevich"],
    );
    check(
        "ХОРОШЕВ, Дмитрий Юрьевич",
        &["dmitriy yuryevich khoroshev", "khoroshev dmitriy yuryevich"],
    );
}

#[test]
fn a_name_without_comma_or_capitals_is_kept_as_written() {
    check("Dmitry Yuryevich Khoroshev", &["dmitry yuryevich khoroshev"]);
    check("JOHN SMITH", &["john smith"]);
}

#[test]
fn a_surname_in_capitals_gives_both_orders() {
    check("Dmitry KHOROSHEV", &["dmitry khoroshev", "khoroshev dmitry"]);
    check(
        "KHOROSHEV Dmitry Yuryevich",
        &["khoroshev dmitry yuryevich", "dmitry yuryevich khoroshev"],
    );
    check("Kim JONG UN", &["kim jong un", "jong un kim"]);
}

#[test]
fn honorifics_are_dropped_but_particles_kept() {
    check("Sheikh Ahmed AL-ZAHRANI", &["ahmed al zahrani", "al zahrani ahmed"]);
    check("Dr. Ayman al-Zawahiri", &["ayman al zawahiri"]);
    check("BAGHDADI, Abu Bakr, Sheikh", &["abu bakr baghdadi", "baghdadi abu bakr"]);
}

#[test]
fn a_name_that_is_only_an_honorific_keeps_it() {
    check("Mr.", &["mr"]);
}

#[test]
fn initials_stay_single_letters() {
    check("J. R. R. Tolkien", &["j r r tolkien"]);
    check("TOLKIEN, J.R.R.", &["j r r tolkien", "tolkien j r r"]);
}

#[test]
fn empty_parts_give_no_empty_variants() {
    check("", &[]);
    check(",", &[]);
    check("SMITH,", &["smith"]);
    check(", John", &["john"]);
}
