//! Hangul syllables to Latin, after the Revised Romanization of Korean (2000).
//!
//! Each syllable becomes a word of its own ("김정은" -> "gim jeong eun"), the way lists write
//! Korean given names ("Kim Jong Un", "Jong-un"). Sound changes across syllables are not applied,
//! and a final consonant takes its plain value ("ㄱ" -> "k", "ㄹ" -> "l").

use super::Sink;

const FIRST_SYLLABLE: u32 = 0xAC00;
const N_MEDIALS: u32 = 21;
const N_FINALS: u32 = 28;

const INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];

const MEDIALS: [&str; N_MEDIALS as usize] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];

const FINALS: [&str; N_FINALS as usize] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// Transliterates one precomposed Hangul syllable; returns `None` for any other character.
pub(crate) fn transliterate(c: char, sink: &mut impl Sink) -> Option<usize> {
    let syllable_idx = u32::from(c).checked_sub(FIRST_SYLLABLE)?;
    let initial = INITIALS.get((syllable_idx / (N_MEDIALS * N_FINALS)) as usize)?;
    let medial = MEDIALS.get((syllable_idx / N_FINALS % N_MEDIALS) as usize)?;
    let last = FINALS.get((syllable_idx % N_FINALS) as usize)?;
    sink.push_str(" ");
    sink.push_str(initial);
    sink.push_str(medial);
    sink.push_str(last);
    sink.push_str(" ");
    Some(1)
}
