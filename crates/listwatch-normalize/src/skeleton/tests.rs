//! Tests of consonant skeletons.

use super::skeleton;
use proptest::prelude::*;

fn check(input: &str, expected: &str) {
    assert_eq!(skeleton(input), expected, "skeleton({input:?})");
}

#[test]
fn spellings_of_muhammad_share_a_skeleton() {
    for spelling in ["mohammed", "muhammad", "mohamed", "Mohammad", "MUHAMMED", "mouhamed", "محمد"]
    {
        check(spelling, "mhmd");
    }
}

#[test]
fn spellings_of_other_arabic_names_share_a_skeleton() {
    check("Hussein", "hsn");
    check("Husayn", "hsn");
    check("حسين", "hsn");
    check("Nasser", "nsr");
    check("Naser", "nsr");
    check("Mahmoud", "mhmd");
    check("محمود", "mhmd");
    check("Yousef", "ysf");
    check("Yusuf", "ysf");
}

#[test]
fn the_first_letter_is_kept_even_if_it_is_a_vowel() {
    check("omar", "omr");
    check("a", "a");
}

#[test]
fn each_word_gets_its_own_skeleton() {
    check("Abu Bakr al-Baghdadi", "ab bkr al bghd");
    check("", "");
}

proptest! {
    #[test]
    fn skeletons_are_folded_and_never_longer_than_the_folded_text(text in any::<String>()) {
        let folded = crate::fold(&text);
        let key = skeleton(&text);
        prop_assert!(crate::is_folded(&key));
        prop_assert!(key.len() <= folded.len());
        prop_assert_eq!(key.split(' ').count(), folded.split(' ').count());
    }
}
