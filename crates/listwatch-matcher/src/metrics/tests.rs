//! Tests of the string metrics: worked examples, then properties against naive references.

use super::{
    damerau_levenshtein, hamming, jaro, jaro_winkler, jaro_winkler_long_tolerance, levenshtein,
    levenshtein_slices,
};
use proptest::prelude::*;

fn check_similarity(metric: fn(&str, &str) -> f64, a: &str, b: &str, expected: f64) {
    let actual = metric(a, b);
    assert!((actual - expected).abs() < 0.0005, "({a:?}, {b:?}): {actual} != {expected}");
}

fn check_distance(metric: fn(&str, &str) -> usize, a: &str, b: &str, expected: usize) {
    assert_eq!(metric(a, b), expected, "({a:?}, {b:?})");
}

#[test]
fn two_empty_strings_are_identical() {
    check_similarity(jaro, "", "", 1.0);
    check_similarity(jaro_winkler, "", "", 1.0);
    check_similarity(jaro_winkler_long_tolerance, "", "", 1.0);
    check_distance(levenshtein, "", "", 0);
    check_distance(damerau_levenshtein, "", "", 0);
    check_distance(hamming, "", "", 0);
}

#[test]
fn non_ascii_strings_are_compared_by_char_not_by_byte() {
    check_distance(levenshtein, "Müller", "Muller", 1);
    check_distance(damerau_levenshtein, "Хорошев", "Хоршоев", 1);
    check_distance(hamming, "中国", "中國", 1);
    check_similarity(jaro, "é", "é", 1.0);
    check_similarity(jaro_winkler, "Дмитрий", "Дмитри", 0.971);
}

#[test]
fn strings_longer_than_the_stack_buffers_give_the_same_results() {
    let long_a = "ab".repeat(100);
    let long_b = "ba".repeat(100);
    check_distance(levenshtein, &long_a, &long_b, 2);
    check_distance(damerau_levenshtein, &long_a, &long_b, 2);
    let long_a_accented = format!("{long_a}é");
    let long_b_accented = format!("{long_b}é");
    check_distance(levenshtein, &long_a_accented, &long_b_accented, 2);
    check_distance(hamming, &long_a_accented, &long_b_accented, 200);
    check_similarity(jaro, &long_a_accented, &long_a_accented, 1.0);
}

#[test]
fn unrestricted_damerau_levenshtein_edits_transposed_pairs_again() {
    // The optimal string alignment distance would be 3 here.
    check_distance(damerau_levenshtein, "ca", "abc", 2);
    check_distance(damerau_levenshtein, "abcdef", "badcfe", 3);
}

#[test]
fn the_winkler_boost_needs_a_jaro_similarity_above_0_7() {
    // Jaro("abcxyzq", "abdefgh") is below 0.7, so the common prefix "ab" adds nothing.
    let jaro_similarity = jaro("abcxyzq", "abdefgh");
    assert!(jaro_similarity < 0.7);
    check_similarity(jaro_winkler, "abcxyzq", "abdefgh", jaro_similarity);
}

#[test]
fn long_tolerance_values_are_exact_where_the_jellyfish_vectors_truncate() {
    // jaro_winkler_longtol.csv writes 0.980 for this pair.
    check_similarity(jaro_winkler_long_tolerance, "William", "Williams", 0.980_556);
    check_similarity(jaro_winkler_long_tolerance, "martha", "marhta", 0.970_833);
}

/// Full-matrix Levenshtein, the textbook definition.
fn naive_levenshtein(a: &[char], b: &[char]) -> usize {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (row_idx, row) in table.iter_mut().enumerate() {
        row[0] = row_idx;
    }
    for (col_idx, cell) in table[0].iter_mut().enumerate() {
        *cell = col_idx;
    }
    for row_idx in 1..=a.len() {
        for col_idx in 1..=b.len() {
            let cost = usize::from(a[row_idx - 1] != b[col_idx - 1]);
            table[row_idx][col_idx] = (table[row_idx - 1][col_idx - 1] + cost)
                .min(table[row_idx - 1][col_idx] + 1)
                .min(table[row_idx][col_idx - 1] + 1);
        }
    }
    table[a.len()][b.len()]
}

/// Short strings over a small alphabet, with a non-ASCII letter, so that edits overlap often.
fn small_alphabet_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![Just('a'), Just('b'), Just('c'), Just('é')], 0..12)
        .prop_map(String::from_iter)
}

proptest! {
    #[test]
    fn levenshtein_agrees_with_the_textbook_table(a in small_alphabet_text(), b in small_alphabet_text()) {
        let a_chars: Vec<char> = a.chars().collect();
        let b_chars: Vec<char> = b.chars().collect();
        prop_assert_eq!(levenshtein(&a, &b), naive_levenshtein(&a_chars, &b_chars));
    }

    #[test]
    fn ascii_bytes_and_decoded_chars_give_the_same_distance(a in "[a-d]{0,80}", b in "[a-d]{0,80}") {
        let a_chars: Vec<char> = a.chars().collect();
        let b_chars: Vec<char> = b.chars().collect();
        prop_assert_eq!(levenshtein_slices(a.as_bytes(), b.as_bytes()), levenshtein_slices(&a_chars, &b_chars));
    }

    #[test]
    fn distances_are_metrics(a in small_alphabet_text(), b in small_alphabet_text(), c in small_alphabet_text()) {
        for distance in [levenshtein, damerau_levenshtein] {
            prop_assert_eq!(distance(&a, &a), 0);
            prop_assert_eq!(distance(&a, &b), distance(&b, &a));
            prop_assert!(distance(&a, &c) <= distance(&a, &b) + distance(&b, &c));
        }
        prop_assert!(damerau_levenshtein(&a, &b) <= levenshtein(&a, &b));
        prop_assert!(levenshtein(&a, &b) <= hamming(&a, &b));
    }

    #[test]
    fn similarities_are_bounded_symmetric_and_maximal_on_equal_strings(a in any::<String>(), b in any::<String>()) {
        for similarity in [jaro, jaro_winkler, jaro_winkler_long_tolerance] {
            let score = similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&score), "{}", score);
            prop_assert!((similarity(&a, &a) - 1.0).abs() < 1e-12);
        }
        prop_assert!((jaro(&a, &b) - jaro(&b, &a)).abs() < 1e-12);
        prop_assert!(jaro_winkler(&a, &b) >= jaro(&a, &b));
        prop_assert!(jaro_winkler_long_tolerance(&a, &b) >= jaro_winkler(&a, &b));
    }
}
