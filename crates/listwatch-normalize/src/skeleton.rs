//! Consonant skeletons: blocking keys that survive the vowel spellings of transliterated names.

use crate::fold::{fold, is_folded};
use std::borrow::Cow;

#[cfg(test)]
mod tests;

/// The consonant skeleton of a word: its first letter, then its other letters without vowels,
/// with runs of the same letter written once.
///
/// Vowels here are a, e, i, o, u and y, since transliterations of Arabic, Persian and Russian
/// names swap "y" with "i" and "e" ("Husayn", "Hussein"). The key is meant for blocking
/// (finding candidates), not for scoring: unrelated names share keys.
///
/// `text` is folded first unless it already is; each word gets its own skeleton, and the
/// skeletons are joined with single spaces.
///
/// ```
/// use listwatch_normalize::skeleton;
///
/// assert_eq!(skeleton("mohammed"), "mhmd");
/// assert_eq!(skeleton("Muhammad"), "mhmd");
/// assert_eq!(skeleton("Mohamed"), "mhmd");
/// assert_eq!(skeleton("Hussein Husayn"), "hsn hsn");
/// ```
pub fn skeleton(text: &str) -> String {
    let folded = if is_folded(text) { Cow::Borrowed(text) } else { Cow::Owned(fold(text)) };
    let mut skeleton = String::with_capacity(folded.len());
    for (word_idx, word) in folded.split(' ').filter(|word| !word.is_empty()).enumerate() {
        if word_idx > 0 {
            skeleton.push(' ');
        }
        let mut chars = word.chars();
        let Some(first) = chars.next() else { continue };
        skeleton.push(first);
        let mut last = first;
        // Runs are collapsed after the vowels are dropped: "nasser" and "naser" both give "nsr".
        for c in chars.filter(|&c| !is_vowel(c)) {
            if c != last {
                skeleton.push(c);
                last = c;
            }
        }
    }
    skeleton
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}
