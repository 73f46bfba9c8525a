//! Person names: the orders in which lists write them, and honorifics to drop.

use crate::fold::fold;
use crate::token::{TokenKind, word_kind};

#[cfg(test)]
mod tests;

/// Folds a person's name in each order a list may use for it, without honorifics.
///
/// - With a comma, the part before the first comma is the surname, as in OFAC's
///   "KHOROSHEV, Dmitry Yuryevich": the result is the given names then the surname, and the
///   surname then the given names.
/// - Without a comma, a run of words in capitals among words that are not is taken for the
///   surname, as in "Dmitry KHOROSHEV" or "KHOROSHEV Dmitry": the result is the name as written,
///   then the other order(s).
/// - Otherwise the result is the name as written.
///
/// Honorifics ("mr", "dr", "sheikh", ...) are dropped unless nothing else is left. Particles
/// ("al", "bin", "van") are kept. Initials stay single letters ("J. R. R. Tolkien" ->
/// "j r r tolkien"). The result has no duplicates, and is empty only when the name folds to
/// nothing.
///
/// ```
/// use listwatch_normalize::person_name_variants;
///
/// assert_eq!(
///     person_name_variants("KHOROSHEV, Dmitry Yuryevich"),
///     ["dmitry yuryevich khoroshev", "khoroshev dmitry yuryevich"],
/// );
/// assert_eq!(person_name_variants("Sheikh Ahmed AL-ZAHRANI"), ["ahmed al zahrani", "al zahrani ahmed"]);
/// assert_eq!(person_name_variants("J. R. R. Tolkien"), ["j r r tolkien"]);
/// ```
pub fn person_name_variants(raw: &str) -> Vec<String> {
    let mut variants: Vec<String> = Vec::new();
    let mut push = |variant: String| {
        if !variant.is_empty() && !variants.contains(&variant) {
            variants.push(variant);
        }
    };
    if let Some((surname, given)) = raw.split_once([',', '，', '،']) {
        let surname = without_honorifics(&fold(surname));
        let given = without_honorifics(&fold(given));
        push(join(&given, &surname));
        push(join(&surname, &given));
    } else if let Some((before, surname, after)) = split_capitalized_surname(raw) {
        push(without_honorifics(&fold(raw)));
        let given = join(&without_honorifics(&fold(before)), &without_honorifics(&fold(after)));
        let surname = without_honorifics(&fold(surname));
        push(join(&given, &surname));
        push(join(&surname, &given));
    } else {
        push(without_honorifics(&fold(raw)));
    }
    variants
}

/// Joins two folded parts with a space, leaving out an empty one.
fn join(first: &str, second: &str) -> String {
    match (first.is_empty(), second.is_empty()) {
        (true, _) => second.to_owned(),
        (_, true) => first.to_owned(),
        _ => format!("{first} {second}"),
    }
}

/// Drops the honorifics of a folded name, unless they are all it has.
fn without_honorifics(folded: &str) -> String {
    let kept: Vec<&str> =
        folded.split(' ').filter(|word| word_kind(word) != TokenKind::Honorific).collect();
    if kept.is_empty() { folded.to_owned() } else { kept.join(" ") }
}

/// Splits `raw` around its one run of words written in capitals, if it also has words that are
/// not: returns the text before the run, the run, and the text after it.
fn split_capitalized_surname(raw: &str) -> Option<(&str, &str, &str)> {
    // Byte ranges of the words, split on whitespace.
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut word_start = None;
    for (byte_idx, c) in raw.char_indices().chain(std::iter::once((raw.len(), ' '))) {
        match (c.is_whitespace(), word_start) {
            (true, Some(start)) => {
                let word = &raw[start..byte_idx];
                words.push((start, byte_idx, is_capitalized(word)));
                word_start = None;
            }
            (false, None) => word_start = Some(byte_idx),
            _ => {}
        }
    }
    let first_caps = words.iter().position(|&(_, _, caps)| caps)?;
    let n_caps = words[first_caps..].iter().take_while(|&&(_, _, caps)| caps).count();
    let last_caps = first_caps + n_caps - 1;
    let caps_elsewhere = words[last_caps + 1..].iter().any(|&(_, _, caps)| caps);
    let mixed_case_word =
        words.iter().any(|&(start, end, caps)| !caps && has_lowercase(&raw[start..end]));
    if caps_elsewhere || !mixed_case_word {
        return None;
    }
    let run_start = words[first_caps].0;
    let run_end = words[last_caps].1;
    Some((&raw[..run_start], &raw[run_start..run_end], &raw[run_end..]))
}

/// A word in capitals has at least two letters with case, all uppercase ("AL-ZAHRANI", not the
/// initial "J.").
fn is_capitalized(word: &str) -> bool {
    let mut n_cased = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            n_cased += 1;
        }
    }
    n_cased >= 2
}

fn has_lowercase(word: &str) -> bool {
    word.chars().any(char::is_lowercase)
}
