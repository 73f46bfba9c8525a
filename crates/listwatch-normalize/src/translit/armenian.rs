//! Armenian to Latin, after the BGN/PCGN system of 1981 without its apostrophes ("Սերժ
//! Սարգսյան" -> "serzh sargsyan", "Իլհամ Ալիև" -> "ilham aliev").
//!
//! The digraph "ու" is "u" ("Պուտին", Putin), "և" is "ev" ("yev" at the start of a word), "ե"
//! is "ye" and "ո" "vo" at the start of a word ("Երևան", Yerevan; "Ոսկանյան", Voskanyan).
//! The dispatcher lowercases and normalizes (NFKC) before it transliterates, so "և" comes as
//! "եւ".

use super::Sink;

/// The lowercase letters from U+0561 (ա) to U+0586 (ֆ), in order.
const LETTERS: [&str; 38] = [
    "a", "b", "g", "d", "e", "z", "e", "e", "t", "zh", "i", "l", "kh", "ts", "k", "h", "dz", "gh",
    "ch", "m", "y", "n", "sh", "o", "ch", "p", "j", "r", "s", "v", "t", "r", "ts", "w", "p", "k",
    "o", "f",
];

/// Whether `c` is a lowercase Armenian letter (U+0561 to U+0586).
fn is_letter(c: char) -> bool {
    ('\u{0561}'..='\u{0586}').contains(&c)
}

/// Transliterates the Armenian letter at `char_idx`; `None` for any other character.
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let c = chars[char_idx];
    if !is_letter(c) {
        return None;
    }
    let word_start = char_idx == 0 || !is_letter(chars[char_idx - 1]);
    let next = chars.get(char_idx + 1).copied();
    let (latin, len) = match c {
        'ո' if next == Some('ւ') => ("u", 2),
        'ո' if word_start => ("vo", 1),
        'ե' if next == Some('ւ') && word_start => ("yev", 2),
        'ե' if next == Some('ւ') => ("ev", 2),
        'ե' if word_start => ("ye", 1),
        _ => (*LETTERS.get((u32::from(c) - 0x0561) as usize)?, 1),
    };
    sink.push_str(latin);
    Some(len)
}
