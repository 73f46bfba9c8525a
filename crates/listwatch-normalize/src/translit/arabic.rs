//! Arabic script (Arabic, Persian, Urdu letters) to Latin, consonant by consonant.
//!
//! Arabic writes long vowels only, so no table gets "Mohammed" from "محمد"; the aim here is a
//! consistent spelling whose [`skeleton`](crate::skeleton) key equals the key of the usual Latin
//! spellings. The choices, each made for that aim:
//!
//! - Short-vowel marks, shadda and tatweel are dropped, so vocalized and bare text agree.
//! - Alif is "a"; ain is "a" too ("علي" -> "ali", "سعيد" -> "said"); hamza alone and on a yeh
//!   seat is dropped ("الطائي" -> "al tai").
//! - Waw is "w" at the start of a word (or of the noun after the article) and next to an alif
//!   ("مروان" -> "mrwan", "الوليد" -> "al wlid"), and "u" elsewhere ("محمود" -> "mhmud"); yeh
//!   likewise is "y" or "i" ("حسين" -> "hsin").
//! - The article "ال" at the start of a word becomes the word "al" ("المجيد" -> "al mjid"),
//!   matching the hyphenated Latin "al-Majid".
//! - Ta marbuta is "a" ("فاطمة" -> "fatma").

use super::Sink;

/// Transliterates the Arabic-script character at `char_idx`; returns `None` for characters
/// without an entry here (digits and punctuation go to the generic fallback).
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let c = chars[char_idx];
    if is_mark(c) {
        return Some(1);
    }
    let previous = previous_letter(chars, char_idx);
    let next = next_letter(chars, char_idx + 1);
    let word_start = previous.is_none();

    // The article counts only when a word follows it: "ال" alone, or "الا...", is spelled out.
    let article = word_start
        && c == 'ا'
        && chars.get(char_idx + 1) == Some(&'ل')
        && next_letter(chars, char_idx + 2).is_some_and(|after| after != 'ا');
    if article {
        sink.push_str("al ");
        return Some(2);
    }

    let next_to_alif = previous == Some('ا') || next == Some('ا');
    // After the article, a letter starts the noun: "الوليد" is "al walid", not "al ulid".
    let after_article = char_idx >= 2
        && chars[char_idx - 1] == 'ل'
        && chars[char_idx - 2] == 'ا'
        && previous_letter(chars, char_idx - 2).is_none();
    let noun_start = word_start || after_article;
    let latin = match c {
        'و' if noun_start || next_to_alif => "w",
        'و' => "u",
        'ي' | 'ی' if noun_start || next_to_alif => "y",
        'ي' | 'ی' => "i",
        _ => letter(c)?,
    };
    sink.push_str(latin);
    Some(1)
}

/// Vowel marks, shadda, sukun, superscript alif, tatweel and Quranic annotation signs.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}'
        | '\u{06D6}'..='\u{06ED}' | '\u{08D3}'..='\u{08FF}')
}

/// Whether `c` is a letter of the Arabic script (not a mark, digit or punctuation).
fn is_letter(c: char) -> bool {
    (!is_mark(c) && letter(c).is_some()) || matches!(c, 'و' | 'ي' | 'ی')
}

/// The nearest Arabic letter before `char_idx` within the same word, skipping marks.
fn previous_letter(chars: &[char], char_idx: usize) -> Option<char> {
    chars[..char_idx]
        .iter()
        .rev()
        .copied()
        .find(|&c| !is_mark(c) && !is_joiner(c))
        .filter(|&c| is_letter(c))
}

/// The nearest Arabic letter at or after `char_idx` within the same word, skipping marks.
fn next_letter(chars: &[char], char_idx: usize) -> Option<char> {
    chars
        .get(char_idx..)?
        .iter()
        .copied()
        .find(|&c| !is_mark(c) && !is_joiner(c))
        .filter(|&c| is_letter(c))
}

/// Zero-width characters that Persian writes inside words.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// The Latin value of an Arabic-script letter other than waw and yeh.
fn letter(c: char) -> Option<&'static str> {
    let latin = match c {
        'ء' => "",
        'ا' | 'آ' | 'أ' | 'ٱ' | 'ى' | 'ة' | 'ع' => "a",
        'إ' => "i",
        'ؤ' => "u",
        // Hamza on a yeh seat is a glottal stop, which Latin spellings write as an apostrophe or
        // not at all ("الطائي" is "al-Ta'i"): dropped, like hamza alone.
        'ئ' => "",
        'ب' => "b",
        'ت' => "t",
        'ث' => "th",
        'ج' => "j",
        'ح' => "h",
        'خ' => "kh",
        'د' => "d",
        'ذ' => "dh",
        'ر' => "r",
        'ز' => "z",
        'س' => "s",
        'ش' => "sh",
        'ص' => "s",
        'ض' => "d",
        'ط' => "t",
        'ظ' => "z",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        'ه' | 'ھ' | 'ۀ' => "h",
        // Persian and Urdu.
        'پ' => "p",
        'چ' => "ch",
        'ژ' => "zh",
        'گ' => "g",
        'ٹ' => "t",
        'ڈ' => "d",
        'ڑ' => "r",
        'ں' => "n",
        'ے' => "e",
        _ => return None,
    };
    Some(latin)
}
