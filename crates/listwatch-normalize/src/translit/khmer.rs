//! Khmer to Latin, syllable by syllable, after the UNGEGN romanization of Khmer (the system the
//! United Nations Group of Experts on Geographical Names adopted from Cambodia's), without its
//! diacritics and with the spellings Cambodian names take in English: "ហ៊ុន សែន" -> "hun sen",
//! "ប៉ុល ពត" -> "pol pot", "នួន ជា" -> "nuon chea".
//!
//! Each consonant belongs to one of two series, which decides how a vowel sign after it is read
//! ("ា" is "a" after a first-series consonant and "ea" after a second-series one); the signs
//! ៉ and ៊ move a consonant to the other series (and ៉ makes ប a "p"). A syllable is an initial
//! consonant, the consonants stacked under it (coeng, ្), a vowel (the series' inherent "a" or
//! "o" when none is written) and perhaps a final consonant: a consonant that no vowel sign
//! follows and that does not start a stack of its own. Words are written without spaces, so
//! the syllables of one word are joined. Without a dictionary some words split otherwise than
//! Khmer speakers do; the matcher's edit distance absorbs most such differences.

use super::{Sink, script_run};

const COENG: char = '\u{17D2}';
const NIKAHIT: char = '\u{17C6}';
const REAHMUK: char = '\u{17C7}';
const MUUSIKATOAN: char = '\u{17C9}';
const TRIISAP: char = '\u{17CA}';

/// Whether `c` is in the Khmer block.
pub(crate) fn is_khmer(c: char) -> bool {
    ('\u{1780}'..='\u{17F9}').contains(&c)
}

/// A consonant's sound and whether it is of the second (o) series.
fn consonant(c: char) -> Option<(&'static str, bool)> {
    const TABLE: [(&str, bool); 35] = [
        ("k", false),   // ក
        ("kh", false),  // ខ
        ("k", true),    // គ
        ("kh", true),   // ឃ
        ("ng", true),   // ង
        ("ch", false),  // ច
        ("chh", false), // ឆ
        ("ch", true),   // ជ
        ("chh", true),  // ឈ
        ("nh", true),   // ញ
        ("d", false),   // ដ
        ("th", false),  // ឋ
        ("d", true),    // ឌ
        ("th", true),   // ឍ
        ("n", false),   // ណ
        ("t", false),   // ត
        ("th", false),  // ថ
        ("t", true),    // ទ
        ("th", true),   // ធ
        ("n", true),    // ន
        ("b", false),   // ប
        ("ph", false),  // ផ
        ("p", true),    // ព
        ("ph", true),   // ភ
        ("m", true),    // ម
        ("y", true),    // យ
        ("r", true),    // រ
        ("l", true),    // ល
        ("v", true),    // វ
        ("sh", false),  // ឝ
        ("ss", false),  // ឞ
        ("s", false),   // ស
        ("h", false),   // ហ
        ("l", false),   // ឡ
        ("", false),    // អ, the carrier of a vowel
    ];
    let idx = u32::from(c).checked_sub(0x1780)? as usize;
    TABLE.get(idx).copied()
}

/// A dependent vowel sign read after a consonant of the first and of the second series.
fn vowel(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '\u{17B6}' => ("a", "ea"),    // ា
        '\u{17B7}' => ("e", "i"),     // ិ
        '\u{17B8}' => ("ei", "i"),    // ី
        '\u{17B9}' => ("oe", "ue"),   // ឹ
        '\u{17BA}' => ("eu", "eu"),   // ឺ
        '\u{17BB}' => ("o", "u"),     // ុ
        '\u{17BC}' => ("ou", "u"),    // ូ
        '\u{17BD}' => ("uo", "uo"),   // ួ
        '\u{17BE}' => ("aeu", "eu"),  // ើ
        '\u{17BF}' => ("oea", "oea"), // ឿ
        '\u{17C0}' => ("ie", "ie"),   // ៀ
        '\u{17C1}' => ("e", "e"),     // េ
        '\u{17C2}' => ("e", "e"),     // ែ (UNGEGN "ae"; names write "e": "Sen")
        '\u{17C3}' => ("ai", "ey"),   // ៃ
        '\u{17C4}' => ("ao", "o"),    // ោ
        '\u{17C5}' => ("au", "ov"),   // ៅ
        _ => return None,
    })
}

/// An independent vowel.
fn independent(c: char) -> Option<&'static str> {
    const TABLE: [&str; 17] = [
        "a", "a", "e", "ei", "o", "ou", "ou", "ov", "rue", "rue", "lue", "lue", "ae", "ai", "ao",
        "ao", "au",
    ];
    let idx = u32::from(c).checked_sub(0x17A3)? as usize;
    TABLE.get(idx).copied()
}

/// Signs that change nothing in the Latin spelling (bantoc, the marks of silence and of
/// abbreviation, the Sanskrit signs).
fn is_silent_sign(c: char) -> bool {
    matches!(c, '\u{17C8}' | '\u{17CB}'..='\u{17D1}' | '\u{17D3}' | '\u{17DD}')
}

/// Transliterates the run of Khmer characters starting at `char_idx`; returns how many
/// characters were consumed.
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let run = script_run(chars, char_idx, is_khmer);
    let mut out = String::with_capacity(run.len() * 2);
    let mut idx = 0;
    while idx < run.len() {
        let c = run[idx];
        if consonant(c).is_some() {
            idx += syllable(run, idx, &mut out);
        } else if let Some(text) = independent(c) {
            out.push_str(text);
            idx += 1;
            idx += final_consonant(run, idx, &mut out);
        } else if ('\u{17E0}'..='\u{17E9}').contains(&c) {
            out.push(char::from(b'0' + (u32::from(c) - 0x17E0) as u8));
            idx += 1;
        } else if ('\u{17D4}'..='\u{17DA}').contains(&c) {
            // Punctuation: a word break.
            if !out.ends_with(' ') {
                out.push(' ');
            }
            idx += 1;
        } else {
            // A sign without its consonant (a stack's coeng after a final), or a silent one.
            idx += 1;
        }
    }
    sink.push_str(&out);
    Some(run.len())
}

/// Writes the syllable whose initial consonant is at `start`; returns how many characters it
/// took.
fn syllable(run: &[char], start: usize, out: &mut String) -> usize {
    let Some((sound, mut second)) = consonant(run[start]) else { return 1 };
    let mut idx = start + 1;
    let mut initial = String::from(sound);
    // The series signs, and stacked consonants.
    loop {
        match run.get(idx) {
            Some(&MUUSIKATOAN) => {
                if run[start] == 'ប' {
                    initial = String::from("p");
                }
                second = false;
                idx += 1;
            }
            Some(&TRIISAP) => {
                second = true;
                idx += 1;
            }
            Some(&COENG) if run.get(idx + 1).is_some_and(|&c| consonant(c).is_some()) => {
                let (stacked, _) = consonant(run[idx + 1]).unwrap_or(("", false));
                initial.push_str(stacked);
                idx += 2;
            }
            Some(&c) if is_silent_sign(c) => idx += 1,
            _ => break,
        }
    }
    out.push_str(&initial);
    let mut vowel_written = false;
    // Whether "ំ" or "ះ" closed the syllable, which then takes no final consonant.
    let mut closed = false;
    while let Some(&c) = run.get(idx) {
        if let Some((first_series, second_series)) = vowel(c) {
            out.push_str(if second { second_series } else { first_series });
            vowel_written = true;
            idx += 1;
        } else if c == NIKAHIT {
            // "ំ" closes the syllable with "m", after the inherent vowel or a written one.
            if !vowel_written {
                out.push_str(if second { "u" } else { "a" });
                vowel_written = true;
            }
            out.push('m');
            closed = true;
            idx += 1;
        } else if c == REAHMUK {
            if !vowel_written {
                out.push('a');
                vowel_written = true;
            }
            out.push('h');
            closed = true;
            idx += 1;
        } else if is_silent_sign(c) {
            idx += 1;
        } else {
            break;
        }
    }
    if !vowel_written {
        // The inherent vowel of the series.
        out.push_str(if second { "o" } else { "a" });
    }
    if closed {
        return idx - start;
    }
    idx + final_consonant(run, idx, out) - start
}

/// Writes the consonant at `idx` if it closes the syllable before it: no vowel sign or series
/// sign follows it (a stack under it starts the next syllable). Returns how many characters it
/// took (0 when it starts a syllable of its own).
fn final_consonant(run: &[char], idx: usize, out: &mut String) -> usize {
    let Some(&c) = run.get(idx) else { return 0 };
    let Some((sound, _)) = consonant(c) else { return 0 };
    if sound.is_empty() {
        return 0;
    }
    let next = run.get(idx + 1).copied();
    let opens =
        |c: char| vowel(c).is_some() || matches!(c, MUUSIKATOAN | TRIISAP | NIKAHIT | REAHMUK);
    if next.is_some_and(opens) {
        return 0;
    }
    // A final, also over a stack, whose stacked consonant starts the next syllable ("រង្ស៊ី",
    // rang-si); silent signs after it go with it.
    out.push_str(sound);
    let mut used = 1;
    while run.get(idx + used).is_some_and(|&c| is_silent_sign(c)) {
        used += 1;
    }
    used
}
