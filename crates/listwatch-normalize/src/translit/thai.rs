//! Thai to Latin by the Royal Thai General System of Transcription (RTGS, Royal Institute of
//! Thailand, 1999), without its hyphens: "สุวิทย์ พวงเพชร" -> "suwit phuangphet".
//!
//! Thai writes no spaces between the syllables of a word and leaves short vowels unwritten, so
//! syllables are found by rule: a leading vowel (เ แ โ ใ ไ) belongs to the consonant after it,
//! a consonant after a vowel closes its syllable unless a vowel sign follows it, a consonant
//! without a vowel sign takes the inherent "o" before a final and "a" otherwise, "ว" and "อ"
//! between consonants are the vowels "ua" and "o". Finals are read by RTGS's table (ร, ล, ญ,
//! ณ as "n"; ด, ต, จ, ช, ซ, ศ, ษ, ส as "t"; ...); a consonant under the thanthakhat (์) is
//! silent, and so is "ร" after a final at the end of a word ("เพชร" -> "phet"). Tone marks are
//! not written. Without a dictionary a few words split otherwise than Thai speakers do; the
//! matcher's edit distance absorbs most such differences.

use super::{Sink, script_run};

/// Whether `c` is in the Thai block.
pub(crate) fn is_thai(c: char) -> bool {
    ('\u{0E01}'..='\u{0E5B}').contains(&c)
}

fn is_consonant(c: char) -> bool {
    ('\u{0E01}'..='\u{0E2E}').contains(&c)
}

fn is_leading_vowel(c: char) -> bool {
    ('\u{0E40}'..='\u{0E44}').contains(&c)
}

/// Vowel signs written after, above or below their consonant.
fn is_vowel_sign(c: char) -> bool {
    matches!(c, '\u{0E30}'..='\u{0E39}' | '\u{0E45}' | '\u{0E47}')
}

/// The initial and final sounds of a consonant (U+0E01 to U+0E2E).
fn sounds(c: char) -> (&'static str, &'static str) {
    const TABLE: [(&str, &str); 46] = [
        ("k", "k"),   // ก
        ("kh", "k"),  // ข
        ("kh", "k"),  // ฃ
        ("kh", "k"),  // ค
        ("kh", "k"),  // ฅ
        ("kh", "k"),  // ฆ
        ("ng", "ng"), // ง
        ("ch", "t"),  // จ
        ("ch", "t"),  // ฉ
        ("ch", "t"),  // ช
        ("s", "t"),   // ซ
        ("ch", "t"),  // ฌ
        ("y", "n"),   // ญ
        ("d", "t"),   // ฎ
        ("t", "t"),   // ฏ
        ("th", "t"),  // ฐ
        ("th", "t"),  // ฑ
        ("th", "t"),  // ฒ
        ("n", "n"),   // ณ
        ("d", "t"),   // ด
        ("t", "t"),   // ต
        ("th", "t"),  // ถ
        ("th", "t"),  // ท
        ("th", "t"),  // ธ
        ("n", "n"),   // น
        ("b", "p"),   // บ
        ("p", "p"),   // ป
        ("ph", "p"),  // ผ
        ("f", "p"),   // ฝ
        ("ph", "p"),  // พ
        ("f", "p"),   // ฟ
        ("ph", "p"),  // ภ
        ("m", "m"),   // ม
        ("y", "i"),   // ย
        ("r", "n"),   // ร
        ("rue", ""),  // ฤ
        ("l", "n"),   // ล
        ("lue", ""),  // ฦ
        ("w", "o"),   // ว
        ("s", "t"),   // ศ
        ("s", "t"),   // ษ
        ("s", "t"),   // ส
        ("h", ""),    // ห
        ("l", "n"),   // ฬ
        ("", ""),     // อ
        ("h", ""),    // ฮ
    ];
    let idx = (u32::from(c) - 0x0E01) as usize;
    TABLE.get(idx).copied().unwrap_or(("", ""))
}

/// Whether `first` and `second` begin a syllable together (กร, ปล, กว, ...).
fn is_cluster(first: char, second: char) -> bool {
    matches!(second, 'ร' | 'ล' | 'ว')
        && matches!(first, 'ก' | 'ข' | 'ค' | 'ต' | 'ป' | 'ผ' | 'พ' | 'ท' | 'ศ' | 'ส' | 'ซ')
}

/// Transliterates the run of Thai characters starting at `char_idx`; returns how many
/// characters were consumed.
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let run = script_run(chars, char_idx, is_thai);
    sink.push_str(&transliterate_run(run, false));
    Some(run.len())
}

/// Thai text as Thai writes foreign names, Thai runs in Latin letters and the rest as it is
/// ("เซอร์เกย์ ลาฟรอฟ" -> "serkey lavrov", Sergey Lavrov). Thai spells a foreign name letter by
/// letter and marks the letters it does not pronounce, so this reading writes what RTGS leaves
/// out: a consonant under the thanthakhat, a final by its own sound rather than the one a Thai
/// final takes (ล "l", not "n"; ด "d", not "t"), and "ฟ" after a vowel as the "v" of Russian
/// names (-ov, -ev). A consonant followed by another with a vowel of its own takes no inherent
/// vowel (a cluster: "ดมีตรี" is "dmitri"), and "เ-อ" is "e" ("เดอร์" is "der").
pub(crate) fn as_foreign_name(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut idx = 0;
    while idx < chars.len() {
        if is_thai(chars[idx]) {
            let run = script_run(&chars, idx, is_thai);
            out.push_str(&transliterate_run(run, true));
            idx += run.len().max(1);
        } else {
            out.push(chars[idx]);
            idx += 1;
        }
    }
    out
}

/// A run of Thai characters in Latin letters, by RTGS or, if `foreign`, as a foreign name
/// ([`as_foreign_name`]).
fn transliterate_run(run: &[char], foreign: bool) -> String {
    // Tone marks and repetition signs dropped; a consonant under the thanthakhat is silent, and
    // so is a consonant between it and another consonant ("จันทร์" -> "chan").
    let mut word: Vec<char> = Vec::with_capacity(run.len());
    for &c in run {
        match c {
            '\u{0E48}'..='\u{0E4B}'
            | '\u{0E46}'
            | '\u{0E2F}'
            | '\u{0E4F}'
            | '\u{0E5A}'
            | '\u{0E5B}' => {}
            '\u{0E4C}' | '\u{0E4D}' | '\u{0E4E}' if foreign => {}
            '\u{0E4C}' | '\u{0E4D}' | '\u{0E4E}' => {
                // The thanthakhat: the consonant before it is silent (and any vowel sign on it).
                while word.last().is_some_and(|&v| is_vowel_sign(v)) {
                    word.pop();
                }
                if word.last().is_some_and(|&v| is_consonant(v)) {
                    word.pop();
                    let n = word.len();
                    if n >= 2 && is_consonant(word[n - 1]) && is_consonant(word[n - 2]) {
                        word.pop();
                    }
                }
            }
            _ => word.push(c),
        }
    }
    let mut out = String::with_capacity(word.len() * 2);
    let mut idx = 0;
    while idx < word.len() {
        idx += syllable(&word, idx, foreign, &mut out).max(1);
    }
    out
}

/// Writes the syllable at `start`, by RTGS or as a foreign name; returns how many characters
/// it took.
fn syllable(word: &[char], start: usize, foreign: bool, out: &mut String) -> usize {
    let at = |idx: usize| word.get(idx).copied();
    let mut idx = start;
    let c = word[idx];
    if let Some(digit) = c.to_digit(10).filter(|_| ('\u{0E50}'..='\u{0E59}').contains(&c)) {
        out.push(char::from(b'0' + digit as u8));
        return 1;
    }
    let lead = is_leading_vowel(c).then_some(c);
    if lead.is_some() {
        idx += 1;
    }
    let Some(first) = at(idx).filter(|&c| is_consonant(c)) else {
        if let Some(lead) = lead {
            out.push_str(leading_alone(lead));
        }
        return (idx - start).max(1);
    };
    idx += 1;
    // The onset: a consonant, a leading "ห" that only sets the tone of a sonorant, or a cluster.
    let mut onset = sounds(first).0.to_owned();
    if first == 'ห'
        && let Some(next) =
            at(idx).filter(|c| matches!(c, 'ง' | 'ญ' | 'น' | 'ม' | 'ย' | 'ร' | 'ล' | 'ว'))
        && at(idx + 1).is_some_and(|c| is_vowel_sign(c) || is_consonant(c))
    {
        onset = sounds(next).0.to_owned();
        idx += 1;
    } else if let Some(second) = at(idx).filter(|&s| is_cluster(first, s))
        && at(idx + 1).is_some_and(is_vowel_sign)
    {
        match (first, second) {
            ('ท', 'ร') => onset = "s".to_owned(),
            ('ศ' | 'ส' | 'ซ', 'ร') => {}
            _ => onset.push_str(sounds(second).0),
        }
        idx += 1;
    }
    // The vowel.
    let mut signs: Vec<char> = Vec::new();
    while let Some(v) = at(idx).filter(|&v| is_vowel_sign(v)) {
        signs.push(v);
        idx += 1;
    }
    let has = |v: char| signs.contains(&v);
    let mut inherent = false;
    let vowel: &str = match lead {
        Some('เ') if has('ี') && at(idx) == Some('ย') => {
            idx += 1;
            "ia"
        }
        Some('เ') if has('ื') && at(idx) == Some('อ') => {
            idx += 1;
            "uea"
        }
        Some('เ') if has('า') => {
            if has('ะ') {
                "o"
            } else {
                "ao"
            }
        }
        Some('เ') if signs.is_empty() && at(idx) == Some('อ') => {
            idx += 1;
            if foreign { "e" } else { "oe" }
        }
        Some('เ') if has('ิ') => "oe",
        Some('เ') => "e",
        Some('แ') => "ae",
        Some('โ') => "o",
        Some(_) => "ai",
        None if has('ั') && at(idx) == Some('ว') => {
            idx += 1;
            "ua"
        }
        None if has('ำ') => "am",
        None if has('ิ') || has('ี') => "i",
        None if has('ึ') => "ue",
        None if has('ื') => {
            if at(idx) == Some('อ') {
                idx += 1;
            }
            "ue"
        }
        None if has('ุ') || has('ู') => "u",
        None if has('ั') || has('ะ') || has('า') || has('ๅ') => "a",
        None if at(idx) == Some('ว') && at(idx + 1).is_some_and(is_consonant) => {
            idx += 1;
            "ua"
        }
        None if at(idx) == Some('อ') => {
            idx += 1;
            "o"
        }
        // A foreign cluster: the next consonant has a vowel of its own.
        None if foreign
            && at(idx).is_some_and(is_consonant)
            && at(idx + 1).is_some_and(is_vowel_sign) =>
        {
            out.push_str(&onset);
            return idx - start;
        }
        None => {
            inherent = true;
            "a"
        }
    };
    // The final: a consonant after the vowel that no vowel sign follows and that does not begin
    // a cluster with a vowel of its own.
    let mut coda = "";
    if let Some(f) = at(idx).filter(|&f| is_consonant(f))
        && !at(idx + 1).is_some_and(is_vowel_sign)
        && !(at(idx + 1).is_some_and(|s| is_cluster(f, s))
            && at(idx + 2).is_some_and(is_vowel_sign))
        && (!inherent || at(idx + 1).is_none_or(|n| !is_vowel_sign(n)))
    {
        coda = match f {
            'ฟ' if foreign => "v",
            'ง' | 'ว' | 'อ' if foreign => sounds(f).1,
            _ if foreign => sounds(f).0,
            _ => sounds(f).1,
        };
        idx += 1;
        // "ร" after a final at the end of a word is silent ("เพชร", "มิตร").
        if !foreign && at(idx) == Some('ร') && idx + 1 == word.len() {
            idx += 1;
        }
    }
    // "ไทย": a final "ย" after a vowel ending in "i" is not heard again.
    if coda == "i" && vowel.ends_with('i') && !inherent {
        coda = "";
    }
    out.push_str(&onset);
    if inherent {
        out.push_str(if coda.is_empty() { "a" } else { "o" });
    } else {
        out.push_str(vowel);
    }
    out.push_str(coda);
    idx - start
}

/// A leading vowel with no consonant after it.
fn leading_alone(lead: char) -> &'static str {
    match lead {
        'เ' => "e",
        'แ' => "ae",
        'โ' => "o",
        _ => "ai",
    }
}
