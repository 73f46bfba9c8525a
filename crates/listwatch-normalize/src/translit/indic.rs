//! The Indic scripts of the ISCII layout (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya,
//! Tamil, Telugu, Kannada, Malayalam) to Latin, as names are written in English: each script's
//! Unicode block puts the same letter at the same offset, so one table serves all nine.
//!
//! A consonant carries the inherent vowel "a" unless a vowel sign or a virama follows it; at the
//! end of a word of more than one letter the inherent vowel is not said ("राम" -> "ram"), unless
//! the consonant ends a conjunct ("नरेंद्र" -> "narendra"), nor between a vowel and a consonant
//! with a vowel sign ("क़ासमानी" -> "qasmani"). Long vowels are written as short
//! ones, as lists write these names ("मोदी" -> "modi").

use super::Sink;

/// The first and last code points of the nine blocks.
const FIRST: u32 = 0x0900;
const LAST: u32 = 0x0D7F;

/// The Latin letters of a consonant at `offset` within its block.
fn consonant(offset: u32) -> Option<&'static str> {
    Some(match offset {
        0x15 => "k",
        0x16 => "kh",
        0x17 => "g",
        0x18 => "gh",
        0x19 => "n",
        0x1A => "ch",
        0x1B => "chh",
        0x1C => "j",
        0x1D => "jh",
        0x1E => "n",
        0x1F => "t",
        0x20 => "th",
        0x21 => "d",
        0x22 => "dh",
        0x23 => "n",
        0x24 => "t",
        0x25 => "th",
        0x26 => "d",
        0x27 => "dh",
        0x28 | 0x29 => "n",
        0x2A => "p",
        0x2B => "ph",
        0x2C => "b",
        0x2D => "bh",
        0x2E => "m",
        0x2F => "y",
        0x30 | 0x31 => "r",
        0x32 | 0x33 => "l",
        0x34 => "zh",
        0x35 => "v",
        0x36 | 0x37 => "sh",
        0x38 => "s",
        0x39 => "h",
        0x58 => "q",
        0x59 => "kh",
        0x5A => "gh",
        0x5B => "z",
        0x5C | 0x5D => "r",
        0x5E => "f",
        0x5F => "y",
        _ => return None,
    })
}

/// The Latin letters of an independent vowel or a vowel sign at `offset`.
fn vowel(offset: u32) -> Option<&'static str> {
    Some(match offset {
        0x05 | 0x06 | 0x3E => "a",
        0x07 | 0x08 | 0x3F | 0x40 => "i",
        0x09 | 0x0A | 0x41 | 0x42 => "u",
        0x0B | 0x43 | 0x44 | 0x60 => "ri",
        0x0C | 0x61 | 0x62 | 0x63 => "li",
        0x0D..=0x0F | 0x45..=0x47 => "e",
        0x10 | 0x48 => "ai",
        0x11..=0x13 | 0x49..=0x4B => "o",
        0x14 | 0x4C | 0x57 => "au",
        _ => return None,
    })
}

const VIRAMA: u32 = 0x4D;
const NUKTA: u32 = 0x3C;

/// The offset of `c` within its Indic block, if it is in one.
fn offset(c: char) -> Option<u32> {
    let code = u32::from(c);
    (FIRST..=LAST).contains(&code).then(|| (code - FIRST) % 0x80)
}

fn is_vowel_sign(offset: u32) -> bool {
    matches!(offset, 0x3E..=0x4C | 0x57 | 0x62 | 0x63)
}

/// Transliterates the Indic character at `char_idx`; `None` for a character this module leaves
/// to the fallback (digits, punctuation, signs it does not know).
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let here = offset(chars[char_idx])?;
    if let Some(latin) = consonant(here) {
        // A nukta after the consonant writes a sound of Persian and Arabic loans ("ज़" is
        // "z", "क़" is "q", "फ़" is "f").
        let mut next_idx = char_idx + 1;
        let mut nukta = false;
        while chars.get(next_idx).copied().and_then(offset) == Some(NUKTA) {
            next_idx += 1;
            nukta = true;
        }
        let latin = match (nukta, here) {
            (true, 0x15) => "q",
            (true, 0x16) => "kh",
            (true, 0x17) => "gh",
            (true, 0x1C) => "z",
            (true, 0x21) => "r",
            (true, 0x22) => "rh",
            (true, 0x2B) => "f",
            _ => latin,
        };
        sink.push_str(latin);
        let next = chars.get(next_idx).copied().and_then(offset);
        let silent = match next {
            Some(VIRAMA) => true,
            Some(next) if is_vowel_sign(next) => true,
            // Between a vowel and a consonant with a vowel sign, the inherent vowel is not
            // said ("क़ासमानी" -> "qasmani", not "qasamani").
            Some(next) if consonant(next).is_some() => {
                let prev = char_idx.checked_sub(1).and_then(|idx| chars.get(idx)).copied();
                let after_vowel = prev.and_then(offset).is_some_and(|p| vowel(p).is_some());
                let mut after_next = next_idx + 1;
                while chars.get(after_next).copied().and_then(offset) == Some(NUKTA) {
                    after_next += 1;
                }
                let next_has_sign =
                    chars.get(after_next).copied().and_then(offset).is_some_and(is_vowel_sign);
                after_vowel && next_has_sign
            }
            Some(next) if vowel(next).is_some() => false,
            Some(0x01..=0x03) => false,
            // The end of the word: the inherent vowel is dropped after a lone consonant of a
            // word of more than one letter.
            _ => {
                let prev = char_idx.checked_sub(1).and_then(|idx| chars.get(idx)).copied();
                let after_virama = prev.and_then(offset) == Some(VIRAMA);
                let starts_word = prev.and_then(offset).is_none();
                !after_virama && !starts_word
            }
        };
        if !silent {
            sink.push_str("a");
        }
        return Some(1);
    }
    if let Some(latin) = vowel(here) {
        sink.push_str(latin);
        return Some(1);
    }
    match here {
        0x01 | 0x02 => sink.push_str("n"),
        0x03 => sink.push_str("h"),
        VIRAMA | NUKTA | 0x3D | 0x00 => {}
        0x66..=0x6F => {
            let digit = char::from(b'0' + (here - 0x66) as u8);
            let mut buf = [0u8; 4];
            sink.push_str(digit.encode_utf8(&mut buf));
        }
        _ => return None,
    }
    Some(1)
}

/// Readings of a name in an Indic script as those scripts write foreign names, folded: a word
/// that ends in a conjunct without a vowel sign also without the inherent vowel that Indian
/// names keep there ("नरेंद्र", Narendra) and foreign ones drop ("अलेक्सांद्र", Aleksandr); and
/// Bengali as it writes foreign names ([`bengali_as_foreign_name`]).
pub(crate) fn foreign_readings(text: &str) -> Vec<String> {
    let mut readings = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let folded = crate::fold::fold(text);
    let folded_words: Vec<&str> = folded.split(' ').collect();
    let is_consonant = |c: char| offset(c).and_then(consonant).is_some();
    if folded_words.len() == words.len() {
        let mut changed = false;
        let read: Vec<&str> = words
            .iter()
            .zip(&folded_words)
            .map(|(word, folded)| {
                let tail: Vec<char> = word.chars().rev().take(3).collect();
                let conjunct_end = tail.len() == 3
                    && is_consonant(tail[0])
                    && offset(tail[1]) == Some(VIRAMA)
                    && is_consonant(tail[2]);
                match folded.strip_suffix('a') {
                    Some(stem) if conjunct_end && stem.len() >= 3 => {
                        changed = true;
                        stem
                    }
                    _ => folded,
                }
            })
            .collect();
        if changed {
            readings.push(read.join(" "));
        }
    }
    if text.contains(['ভ', 'জ']) {
        readings.push(crate::fold::fold(&bengali_as_foreign_name(text)));
    }
    readings
}

/// Bengali text as Bengali writes foreign names: "ভ" and "জ" as the "v" and "z" it has no
/// letters of its own for ("ভলোদিমির জেলেনস্কি", Volodymyr Zelensky), and a consonant
/// between a vowel sign and a conjunct without its inherent vowel ("নস্কি", -nski).
fn bengali_as_foreign_name(text: &str) -> String {
    let bengali = |c: char| ('\u{0980}'..='\u{09FF}').contains(&c);
    let is_consonant = |c: char| bengali(c) && offset(c).and_then(consonant).is_some();
    let is_sign = |c: char| bengali(c) && offset(c).is_some_and(is_vowel_sign);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (idx, &c) in chars.iter().enumerate() {
        match c {
            'ভ' => out.push('v'),
            'জ' => out.push('z'),
            _ => out.push(c),
        }
        let before_conjunct = chars.get(idx + 1).is_some_and(|&next| is_consonant(next))
            && chars.get(idx + 2).is_some_and(|&c| bengali(c) && offset(c) == Some(VIRAMA));
        if is_consonant(c)
            && !matches!(c, 'ভ' | 'জ')
            && idx > 0
            && is_sign(chars[idx - 1])
            && before_conjunct
        {
            out.push('\u{09CD}');
        }
    }
    out
}
