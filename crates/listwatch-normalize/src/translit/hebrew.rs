//! Hebrew script to Latin, consonant by consonant, as the English spellings of Israeli names
//! write it ("דן גרטלר" -> "dn grtlr", Dan Gertler; "ינון לוי" -> "ynun lui", Yinon Levi).
//!
//! Hebrew, like Arabic, writes few vowels: the aim is a spelling whose
//! [`skeleton`](crate::skeleton) key equals the key of the usual Latin spellings. The choices:
//!
//! - Points (niqqud) and cantillation marks are dropped, so pointed and bare text agree.
//! - Alef and ayin are "a", which the skeleton drops after a word's first letter.
//! - Bet, kaf and pe are "b", "k" and "p" at the start of a word and "v", "kh" and "f" after
//!   it ("אברהם" -> "avrhm", "מיכאל" -> "mikhal", "יוסף" -> "yusf"), as they are said
//!   without points in most names.
//! - Vav is "v" at the start of a word and written twice, and "u" elsewhere ("נתניהו" ->
//!   "ntnihu"); yod likewise is "y" or "i". A name whose vav is a consonant ("דוד", David) also
//!   gets a reading with "v" (see `fold_variants`).
//! - He at the end of a word is the vowel "a" ("יהודה" -> "yhuda", "משה" -> "msha").
//! - Het is "h" ("Hasdai", "Haim"), shin "sh", tsadi "tz" ("Yitzhak", "Peretz"), and a geresh
//!   after gimel, zayin and tsadi gives "j", "zh" and "ch" ("טנג'יל", Tanjil).

use super::Sink;

/// Transliterates the Hebrew character at `char_idx`; returns `None` for characters without an
/// entry here (points and punctuation go to the generic fallback).
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let c = chars[char_idx];
    let previous = previous_letter(chars, char_idx);
    let next = next_letter(chars, char_idx + 1);
    let word_start = previous.is_none();
    let word_end = next.is_none();
    // A geresh (or an apostrophe typed for it) after gimel, zayin or tsadi marks a sound Hebrew
    // has no letter for.
    let geresh = chars.get(char_idx + 1).is_some_and(|&g| matches!(g, '\u{05F3}' | '\''));
    if geresh {
        let latin = match c {
            'ג' => Some("j"),
            'ז' => Some("zh"),
            'צ' | 'ץ' => Some("ch"),
            _ => None,
        };
        if let Some(latin) = latin {
            sink.push_str(latin);
            return Some(2);
        }
    }
    let latin = match c {
        'א' | 'ע' => "a",
        'ב' if word_start => "b",
        'ב' => "v",
        'ג' => "g",
        'ד' => "d",
        'ה' if word_end && !word_start => "a",
        'ה' => "h",
        // Two vavs are the consonant; the first of them writes it.
        'ו' if previous == Some('ו') => "",
        'ו' if word_start || next == Some('ו') => "v",
        // Before a last yod, as in "לוי" (Levi) and "הלוי" (Halevi), vav is the consonant.
        'ו' if next == Some('י') && next_letter(chars, char_idx + 2).is_none() => "v",
        'ו' => "u",
        'װ' => "v",
        'ז' => "z",
        'ח' => "h",
        'ט' | 'ת' => "t",
        'י' if previous == Some('י') => "",
        'י' if word_start || next == Some('י') => "y",
        'י' => "i",
        'ײ' => "y",
        'ױ' => "ui",
        'כ' if word_start => "k",
        'כ' | 'ך' => "kh",
        'ל' => "l",
        'מ' | 'ם' => "m",
        'נ' | 'ן' => "n",
        'ס' => "s",
        'פ' if word_start => "p",
        'פ' | 'ף' => "f",
        'צ' | 'ץ' => "tz",
        'ק' => "k",
        'ר' => "r",
        'ש' => "sh",
        _ => return None,
    };
    sink.push_str(latin);
    Some(1)
}

/// Points, cantillation marks and the other combining marks of the Hebrew block.
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0591}'
            ..='\u{05BD}'
                | '\u{05BF}'
                | '\u{05C1}'
                | '\u{05C2}'
                | '\u{05C4}'
                | '\u{05C5}'
                | '\u{05C7}'
    )
}

/// Whether `c` is a Hebrew letter (the ligatures of two letters included).
fn is_letter(c: char) -> bool {
    matches!(c, '\u{05D0}'..='\u{05EA}' | '\u{05F0}'..='\u{05F2}')
}

/// Marks, and the geresh (or an apostrophe for it), which stand inside a word.
fn is_inside_word(c: char) -> bool {
    is_mark(c) || matches!(c, '\u{05F3}' | '\'')
}

/// The nearest Hebrew letter before `char_idx` within the same word, skipping marks.
fn previous_letter(chars: &[char], char_idx: usize) -> Option<char> {
    chars[..char_idx].iter().rev().copied().find(|&c| !is_inside_word(c)).filter(|&c| is_letter(c))
}

/// The nearest Hebrew letter at or after `char_idx` within the same word, skipping marks.
fn next_letter(chars: &[char], char_idx: usize) -> Option<char> {
    chars.get(char_idx..)?.iter().copied().find(|&c| !is_inside_word(c)).filter(|&c| is_letter(c))
}
