//! Myanmar (Burmese) to Latin, as Burmese names are romanized in practice: the common
//! romanization of personal names, close to the Myanmar Language Commission's (MLC) system of
//! 1980 for consonants, with the spellings names use for rhymes ("aung", "aing", "ein", "in",
//! "myint"): "မင်းအောင်လှိုင်" -> "min aung hlaing".
//!
//! A syllable is an initial consonant (or the vowel carrier အ, or an independent vowel), medials
//! (ျ ြ y, ွ w, ှ h), vowel signs, and a final consonant killed by the asat (်); tone marks are
//! dropped. Burmese writes no spaces between the syllables of a name; the lists write each
//! syllable as a word ("Min Aung Hlaing"), so each syllable folds to a word of its own.

use super::{Sink, script_run};

/// The first character of the block and the last one handled.
const FIRST: u32 = 0x1000;
const LAST: u32 = 0x104F;

/// Whether `c` is a Myanmar letter or sign this module reads.
pub(crate) fn is_myanmar(c: char) -> bool {
    (FIRST..=LAST).contains(&u32::from(c))
}

const ASAT: char = '\u{103A}';
const VIRAMA: char = '\u{1039}';
const DOT_BELOW: char = '\u{1037}';
const VISARGA: char = '\u{1038}';
const ANUSVARA: char = '\u{1036}';

/// The initial sound of a consonant (U+1000 to U+1021); `None` for other characters.
fn consonant(c: char) -> Option<&'static str> {
    const CONSONANTS: [&str; 34] = [
        "k", "kh", "g", "g", "ng", "s", "s", "z", "z", "ny", "ny", "t", "ht", "d", "d", "n", "t",
        "ht", "d", "d", "n", "p", "ph", "b", "b", "m", "y", "y", "l", "w", "th", "h", "l", "",
    ];
    let idx = u32::from(c).checked_sub(FIRST)?;
    CONSONANTS.get(idx as usize).copied()
}

/// The class of a consonant as a final (under an asat): what the rhyme tables below key on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Final {
    None,
    Ng,
    N,
    T,
    K,
    S,
    Ny,
    Y,
}

fn final_class(c: char) -> Final {
    match c {
        'က' => Final::K,
        'င' => Final::Ng,
        'စ' => Final::S,
        'ည' | 'ဉ' => Final::Ny,
        'တ' | 'ဋ' | 'ပ' => Final::T,
        'န' | 'ဏ' | 'မ' => Final::N,
        'ယ' => Final::Y,
        _ => Final::T,
    }
}

/// Whether the consonant at `idx` is a final: killed by an asat (perhaps after the creaky-tone
/// dot) or stacked over the next consonant by the virama.
fn is_final_at(chars: &[char], idx: usize) -> bool {
    if consonant(chars[idx]).is_none() {
        return false;
    }
    match chars.get(idx + 1) {
        Some(&ASAT) | Some(&VIRAMA) => true,
        Some(&DOT_BELOW) => chars.get(idx + 2) == Some(&ASAT),
        _ => false,
    }
}

/// Transliterates the run of Myanmar characters starting at `char_idx`; returns how many
/// characters were consumed.
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let run = script_run(chars, char_idx, is_myanmar);
    let mut out = String::with_capacity(run.len() * 2);
    let mut idx = 0;
    while idx < run.len() {
        // Syllables are written apart; the digits of a number are not ("၁၀" is "10").
        let digit_after_digit =
            out.ends_with(|c: char| c.is_ascii_digit()) && matches!(run[idx], '၀'..='၉');
        if !out.is_empty() && !out.ends_with(' ') && !digit_after_digit {
            out.push(' ');
        }
        idx += syllable(run, idx, &mut out).max(1);
    }
    sink.push_str(&out);
    Some(run.len())
}

/// Writes the syllable at `idx`; returns how many characters it took.
fn syllable(run: &[char], start: usize, out: &mut String) -> usize {
    let c = run[start];
    let initial = match c {
        'ဣ' | 'ဤ' => Some("i"),
        'ဥ' | 'ဦ' => Some("u"),
        'ဧ' => Some("e"),
        'ဩ' | 'ဪ' => Some("aw"),
        '၀'..='၉' => {
            out.push(char::from(b'0' + (u32::from(c) - 0x1040) as u8));
            return 1;
        }
        _ => None,
    };
    if let Some(vowel) = initial {
        out.push_str(vowel);
        let mut idx = start + 1;
        while idx < run.len() && matches!(run[idx], DOT_BELOW | VISARGA | '\u{102E}' | ASAT) {
            idx += 1;
        }
        return idx - start;
    }
    let Some(sound) = consonant(c) else {
        // A stray sign: dropped.
        return 1;
    };
    let mut idx = start + 1;
    // Medials.
    let (mut medial_y, mut medial_w, mut medial_h) = (false, false, false);
    while let Some(&m) = run.get(idx) {
        match m {
            '\u{103B}' | '\u{103C}' => medial_y = true,
            '\u{103D}' => medial_w = true,
            '\u{103E}' => medial_h = true,
            _ => break,
        }
        idx += 1;
    }
    // Vowel signs and tone marks.
    let (mut a, mut i, mut u, mut e, mut ai, mut anusvara, mut creaky, mut high) =
        (false, false, false, false, false, false, false, false);
    let mut asat_on_vowel = false;
    while let Some(&v) = run.get(idx) {
        match v {
            '\u{102B}' | '\u{102C}' => a = true,
            '\u{102D}' | '\u{102E}' => i = true,
            '\u{102F}' | '\u{1030}' => u = true,
            '\u{1031}' => e = true,
            '\u{1032}' => ai = true,
            ANUSVARA => anusvara = true,
            DOT_BELOW => creaky = true,
            VISARGA => high = true,
            // "ော်": the asat on a vowel only marks its tone.
            ASAT => asat_on_vowel = true,
            _ => break,
        }
        idx += 1;
    }
    // The final consonant, with its asat and tone marks.
    let mut fin = if anusvara { Final::N } else { Final::None };
    if idx < run.len() && is_final_at(run, idx) && !asat_on_vowel {
        fin = final_class(run[idx]);
        idx += 1;
        while let Some(&m) = run.get(idx) {
            match m {
                ASAT | VIRAMA => {}
                DOT_BELOW => creaky = true,
                VISARGA => high = true,
                _ => break,
            }
            idx += 1;
        }
    }
    // The initial with its medials.
    let onset: &str = match (c, medial_y, medial_h) {
        ('ခ', true, _) => "ch",
        ('က', true, _) => "ky",
        ('ဂ', true, _) => "gy",
        ('င', true, _) => "ny",
        ('ရ' | 'ယ', _, true) | ('လ', true, true) => "sh",
        _ => "",
    };
    if onset.is_empty() {
        if medial_h && c != 'ဟ' {
            out.push('h');
        }
        out.push_str(sound);
        if medial_y {
            out.push('y');
        }
    } else {
        out.push_str(onset);
    }
    // The rhyme.
    let rhyme: &str = match (fin, a, i, u, e, ai) {
        (Final::None, _, _, true, false, _) if i => {
            if high {
                "oe"
            } else {
                "o"
            }
        }
        (Final::None, true, _, _, true, _) => "aw",
        (Final::None, _, _, _, true, _) => "e",
        (Final::None, _, _, _, _, true) => "e",
        (Final::None, _, true, _, _, _) => "i",
        (Final::None, _, _, true, _, _) => "u",
        (Final::None, ..) => "a",
        (Final::Ng, true, _, _, true, _) => "aung",
        (Final::Ng, _, true, true, _, _) => "aing",
        (Final::K, true, _, _, true, _) => "auk",
        (Final::K, _, true, true, _, _) => "aik",
        (Final::N, _, true, _, _, _) => "ein",
        (Final::T, _, true, _, _, _) => "eit",
        (Final::K, _, true, _, _, _) => "eik",
        (Final::N, _, _, true, _, _) => "on",
        (Final::T, _, _, true, _, _) => "ot",
        (Final::K, _, _, true, _, _) => "ok",
        (Final::Ng, ..) => "in",
        (Final::N, ..) if medial_w => "un",
        (Final::T, ..) if medial_w => "ut",
        (Final::N, ..) => "an",
        (Final::T, ..) => "at",
        (Final::K, ..) => "et",
        (Final::S, ..) => "it",
        (Final::Ny, ..) => "i",
        (Final::Y, ..) => "e",
    };
    // A medial w before a vowel is written ("swe", "kwa"); before "un" and "ut" it is the vowel.
    if medial_w && !matches!(rhyme, "un" | "ut") {
        out.push('w');
    }
    out.push_str(rhyme);
    // The creaky tone of a nasal rhyme is written "t" in names ("Myint", "Thant").
    if creaky && matches!(rhyme, "in" | "an") {
        out.push('t');
    }
    idx - start
}
