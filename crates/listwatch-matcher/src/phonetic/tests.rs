//! Tests of the phonetic codes beyond the jellyfish conformance vectors.

use super::{match_rating_codex, match_rating_comparison, metaphone, nysiis, soundex};
use proptest::prelude::*;

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
    }

    #[test]
    fn match_rating_comparison_is_symmetric(a in "[A-Za-z ]{0,12}", b in "[A-Za-z ]{0,12}") {
        prop_assert_eq!(match_rating_comparison(&a, &b), match_rating_comparison(&b, &a));
    }
}
