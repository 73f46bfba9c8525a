//! Transliteration: one pass over NFKC-normalized, lowercased text that writes Latin letters.
//!
//! Each script with a table of its own has a module here. A script module looks at the
//! character at an index (and its neighbours, for rules such as Cyrillic "е" -> "ye" at the start
//! of a word) and writes to a [`Sink`]. Characters of other scripts go through [`fallback`]:
//! NFKD, combining marks dropped, a few Latin letters mapped by hand, and `deunicode` for the rest.
//!
//! The output may still hold ASCII punctuation and uppercase letters; the fold writer cleans it.

pub(crate) mod arabic;
pub(crate) mod armenian;
pub(crate) mod cyrillic;
pub(crate) mod ethiopic;
pub(crate) mod georgian;
pub(crate) mod greek;
pub(crate) mod han;
pub(crate) mod hangul;
pub(crate) mod hebrew;
pub(crate) mod indic;
pub(crate) mod kana;
pub(crate) mod khmer;
pub(crate) mod myanmar;
pub(crate) mod thai;

#[cfg(test)]
mod tests;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Where transliterated text goes.
pub(crate) trait Sink {
    /// Writes Latin text. Non-ASCII characters in it are treated as word separators.
    fn push_str(&mut self, text: &str);
    /// Writes a Han character, which becomes a word of its own.
    fn push_han(&mut self, c: char);
}

/// Transliterates `text` into `sink`.
pub(crate) fn transliterate(text: &str, sink: &mut impl Sink) {
    if text.is_ascii() {
        // NFKC and transliteration leave ASCII unchanged; the sink lowercases it.
        sink.push_str(text);
        return;
    }
    let chars: Vec<char> = text
        .chars()
        // NFKC turns the acute accent into a space and a combining mark, so map it first: it is
        // typed as an apostrophe in names such as "O´Brien".
        .map(|c| if c == '\u{b4}' { '\'' } else { c })
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect();
    let chars = if chars.iter().any(|&c| matches!(u32::from(c), 0x0600..=0x06FF)) {
        arabic::split_compounds(&chars)
    } else {
        chars
    };
    let mut char_idx = 0;
    while char_idx < chars.len() {
        char_idx += transliterate_at(&chars, char_idx, sink).max(1);
    }
}

/// Transliterates the character at `char_idx` (and maybe the ones after it); returns how many
/// characters were consumed.
fn transliterate_at(chars: &[char], char_idx: usize, sink: &mut impl Sink) -> usize {
    let c = chars[char_idx];
    let consumed = match u32::from(c) {
        0x0000..=0x007F => {
            let mut buf = [0u8; 4];
            sink.push_str(c.encode_utf8(&mut buf));
            Some(1)
        }
        _ if greek::is_greek(c) => greek::transliterate(chars, char_idx, sink),
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
            cyrillic::transliterate(chars, char_idx, sink)
        }
        0x05D0..=0x05F2 => hebrew::transliterate(chars, char_idx, sink),
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF => {
            arabic::transliterate(chars, char_idx, sink)
        }
        0x0900..=0x0D7F => indic::transliterate(chars, char_idx, sink),
        0x0E01..=0x0E5B => thai::transliterate(chars, char_idx, sink),
        0x1000..=0x104F => myanmar::transliterate(chars, char_idx, sink),
        0x1780..=0x17F9 => khmer::transliterate(chars, char_idx, sink),
        0x0561..=0x0586 => armenian::transliterate(chars, char_idx, sink),
        0x10D0..=0x10F0 => georgian::transliterate(c, sink),
        0x1200..=0x137F => ethiopic::transliterate(c, sink),
        0x3041..=0x30FF => kana::transliterate(chars, char_idx, sink),
        0xAC00..=0xD7A3 => hangul::transliterate(c, sink),
        _ if han::is_han(c) => {
            sink.push_han(c);
            Some(1)
        }
        _ => None,
    };
    consumed.unwrap_or_else(|| {
        fallback(c, sink);
        1
    })
}

/// The run of characters of one script that starts at `start` (at least that character): the
/// scripts written syllable by syllable (Thai, Burmese, Khmer) are read a run at a time.
pub(crate) fn script_run(
    chars: &[char],
    start: usize,
    in_script: impl Fn(char) -> bool,
) -> &[char] {
    let len = chars[start..].iter().position(|&c| !in_script(c)).unwrap_or(chars.len() - start);
    &chars[start..start + len.max(1)]
}

/// Transliterates a character that no script module handled.
pub(crate) fn fallback(c: char, sink: &mut impl Sink) {
    if is_apostrophe(c) {
        sink.push_str("'");
        return;
    }
    if is_invisible(c) || is_diacritic(c) {
        return;
    }
    decompose_compatible(c, |part| {
        if is_diacritic(part) {
            return;
        }
        if part.is_ascii() {
            let mut buf = [0u8; 4];
            sink.push_str(part.encode_utf8(&mut buf));
        } else if let Some(latin) = latin_letter(part) {
            sink.push_str(latin);
        } else if part.is_alphanumeric() || is_combining_mark(part) {
            // Combining marks left here are vowel signs of Indic or Southeast Asian scripts, which
            // carry sounds: "हिन्दी" -> "hindii".
            sink.push_str(deunicode::deunicode_char(part).unwrap_or(" "));
        } else {
            // Symbols and punctuation separate words; deunicode would spell emoji out as words.
            sink.push_str(" ");
        }
    });
}

/// Combining marks that only decorate a letter: Latin, Greek and Cyrillic diacritics, Hebrew
/// points, kana voicing marks. They are dropped, so that text with and without them folds alike.
fn is_diacritic(c: char) -> bool {
    is_combining_mark(c)
        && matches!(c, '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05C7}'
            | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
            | '\u{3099}' | '\u{309A}' | '\u{FE20}'..='\u{FE2F}')
}

/// Characters written for an apostrophe inside names ("O’Brien", "Ma‘ruf", Hebrew geresh).
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{02B9}'
            | '\u{02BB}'
            | '\u{02BC}'
            | '\u{02BD}'
            | '\u{02BE}'
            | '\u{02BF}'
            | '\u{05F3}'
            | '\u{FF07}'
    )
}

/// Format characters that must join rather than split the letters around them: soft hyphen,
/// zero-width joiners, direction marks and embeddings, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200C}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Latin letters that have no decomposition, so NFKD leaves them whole.
///
/// Without this table `deunicode` would handle most of them too, but these are the ones the
/// lists use, and spelling them out here documents the choice.
fn latin_letter(c: char) -> Option<&'static str> {
    let latin = match c {
        'ł' => "l",
        'ø' => "o",
        'ß' => "ss",
        'đ' | 'ð' | 'ɖ' | 'ɗ' => "d",
        'ı' | 'ɨ' => "i",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        'ħ' => "h",
        'ŧ' => "t",
        'ŋ' => "ng",
        'ĸ' => "k",
        'ſ' => "s",
        'ȷ' => "j",
        'ƒ' => "f",
        'ɓ' => "b",
        'ƙ' => "k",
        'ƴ' => "y",
        'ʃ' => "sh",
        'ʒ' => "zh",
        'ə' | 'ɛ' => "e",
        'ɔ' => "o",
        // The glottal stop stands for an Arabic hamza or ain in scholarly romanization.
        'ʔ' | 'ʕ' => "'",
        _ => return None,
    };
    Some(latin)
}

/// Whether `c` is a letter or digit of any script; transliteration rules use it to find where
/// words start.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}
