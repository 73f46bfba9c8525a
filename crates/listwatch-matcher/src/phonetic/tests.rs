//! Tests of the phonetic codes beyond the jellyfish conformance vectors.

use super::{
    double_metaphone, match_rating_codex, match_rating_comparison, metaphone, nysiis, soundex,
};
use proptest::prelude::*;

fn check_double_metaphone(text: &str, primary: &str, alternate: &str) {
    assert_eq!(double_metaphone(text), (primary.to_owned(), alternate.to_owned()), "{text:?}");
}

#[test]
fn double_metaphone_groups_transliterations_of_the_same_name() {
    check_double_metaphone("Mohammed", "MHMT", "MHMT");
    check_double_metaphone("Muhammad", "MHMT", "MHMT");
    check_double_metaphone("Qaddafi", "KTF", "KTF");
    check_double_metaphone("Gadhafi", "KTF", "KTF");
    check_double_metaphone("Schmidt", "XMT", "SMT");
}

#[test]
fn double_metaphone_accepts_letters_with_diacritics() {
    check_double_metaphone("Zürich", "SRX", "SRK");
    check_double_metaphone("Çelik", "SLK", "SLK");
    check_double_metaphone("Ñandú", "NNT", "NNT");
    check_double_metaphone("Хорошев", "", "");
    check_double_metaphone("", "", "");
}

#[test]
fn codes_of_empty_text_are_empty() {
    assert_eq!(soundex(""), "");
    assert_eq!(metaphone(""), "");
    assert_eq!(nysiis(""), "");
    assert_eq!(match_rating_codex(""), "");
    assert_eq!(match_rating_comparison("", ""), Some(true));
}

#[test]
fn nysiis_handles_prefixes_and_suffixes_that_cover_the_whole_name() {
    assert_eq!(nysiis("KN"), "N");
    assert_eq!(nysiis("IE"), "Y");
    assert_eq!(nysiis("KNT"), "D");
    assert_eq!(nysiis("SCH"), "S");
}

proptest! {
    #[test]
    fn no_phonetic_code_panics_on_any_text(text in any::<String>()) {
        let _ = soundex(&text);
        let _ = metaphone(&text);
        let _ = nysiis(&text);
        let _ = match_rating_codex(&text);
        let _ = match_rating_comparison(&text, "Smith");
        let (primary, alternate) = double_metaphone(&text);
        prop_assert!(primary.len() <= 4 && alternate.len() <= 4);
    }

    #[test]
    fn double_metaphone_never_panics_on_ascii_letter_soup(text in "[A-Za-z ]{0,30}") {
        let (primary, alternate) = double_metaphone(&text);
        prop_assert!(primary.is_ascii() && alternate.is_ascii());
    }

    #[test]
    fn match_rating_comparison_is_symmetric(a in "[A-Za-z ]{0,12}", b in "[A-Za-z ]{0,12}") {
        prop_assert_eq!(match_rating_comparison(&a, &b), match_rating_comparison(&b, &a));
    }
}
