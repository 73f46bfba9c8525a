//! Greek to Latin, after ELOT 743 / UN 1987 (the scheme of Greek passports), without diacritics.
//!
//! Besides the letter table, the digraphs that passports write differently from their letters
//! are handled: "ου" -> "ou", "αυ"/"ευ"/"ηυ" -> "av"/"ev"/"iv", "γγ" -> "ng", "γκ" -> "g" at the
//! start of a word and "ng" inside it, "μπ" -> "b"/"mb", "ντ" -> "d"/"nd", "γξ" -> "nx",
//! "γχ" -> "nch". A diaeresis on the second letter ("ϊ", "ϋ") breaks a digraph.
//! Accents and breathings (including polytonic ones) are dropped.

use super::Sink;
use unicode_normalization::char::decompose_canonical;

/// Transliterates the Greek letter at `char_idx` (and the next one for a digraph); returns
/// `None` for characters without an entry here.
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let (c, _) = base(chars[char_idx]);
    let word_start = char_idx == 0 || !super::is_word_char(chars[char_idx - 1]);
    let next = chars.get(char_idx + 1).map(|&next| base(next));
    if let Some((next, false)) = next {
        let digraph = match (c, next) {
            ('ο', 'υ') => Some("ou"),
            ('α', 'υ') => Some("av"),
            ('ε', 'υ') => Some("ev"),
            ('η', 'υ') => Some("iv"),
            ('γ', 'γ') => Some("ng"),
            ('γ', 'κ') => Some(if word_start { "g" } else { "ng" }),
            ('γ', 'ξ') => Some("nx"),
            ('γ', 'χ') => Some("nch"),
            ('μ', 'π') => Some(if word_start { "b" } else { "mb" }),
            ('ν', 'τ') => Some(if word_start { "d" } else { "nd" }),
            _ => None,
        };
        if let Some(digraph) = digraph {
            sink.push_str(digraph);
            return Some(2);
        }
    }
    sink.push_str(letter(c)?);
    Some(1)
}

/// The base letter of a Greek character, and whether it carries a diaeresis.
fn base(c: char) -> (char, bool) {
    let mut base = c;
    let mut found_base = false;
    let mut diaeresis = false;
    decompose_canonical(c, |part| {
        if part == '\u{308}' {
            diaeresis = true;
        } else if !found_base {
            base = part;
            found_base = true;
        }
    });
    (base, diaeresis)
}

/// The Latin value of a lowercase Greek base letter.
fn letter(c: char) -> Option<&'static str> {
    let latin = match c {
        'α' => "a",
        'β' | 'ϐ' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' | 'ϵ' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' | 'ϑ' => "th",
        'ι' => "i",
        'κ' | 'ϰ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' | 'ϖ' => "p",
        'ρ' | 'ϱ' => "r",
        'σ' | 'ς' | 'ϲ' => "s",
        'τ' => "t",
        'υ' => "y",
        'φ' | 'ϕ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' => "o",
        _ => return None,
    };
    Some(latin)
}

/// Greek text as Greek writes foreign names, with those spellings in Latin letters, for
/// [`fold`](crate::fold) to finish: "μπ", "ντ" and "γκ" are b, d and g inside a word too
/// ("Αμπράμοβιτς", Abramovich; "Μεντβέντεφ", Medvedev; "Πριγκόζιν", Prigozhin), "τσ" and "τς"
/// ch ("Σέτσιν", Sechin), "τζ" j, "ου" u, "γ" before a front vowel y ("Γεβγκένι", Yevgeny;
/// "Γιούρι", Yuri), and a last "φ" after "ο" or "ε" the v of "-ov" and "-ev" ("Λαβρόφ",
/// Lavrov). Other letters are left as they are.
pub(crate) fn as_foreign_name(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lower = |idx: usize| chars.get(idx).map(|&c| base(c).0.to_lowercase().next().unwrap_or(c));
    let mut out = String::with_capacity(text.len() + 8);
    let mut idx = 0;
    while idx < chars.len() {
        let (c, next) = (lower(idx), lower(idx + 1));
        let word_end = |at: usize| !chars.get(at).is_some_and(|&c| super::is_word_char(c));
        // The Latin spelling and how many Greek letters it replaces.
        let latin = match (c, next) {
            (Some('γ'), Some('ε' | 'ι' | 'η' | 'υ')) => Some(("y", 1)),
            (Some('μ'), Some('π')) => Some(("b", 2)),
            (Some('ν'), Some('τ')) => Some(("d", 2)),
            (Some('γ'), Some('κ')) => Some(("g", 2)),
            (Some('τ'), Some('σ' | 'ς')) => Some(("ch", 2)),
            (Some('τ'), Some('ζ')) => Some(("j", 2)),
            (Some('ο'), Some('υ')) if !base(chars[idx + 1]).1 => Some(("u", 2)),
            (Some('ο'), Some('φ')) if word_end(idx + 2) => Some(("ov", 2)),
            (Some('ε'), Some('φ')) if word_end(idx + 2) => Some(("ev", 2)),
            _ => None,
        };
        match latin {
            Some((latin, len)) => {
                out.push_str(latin);
                idx += len;
            }
            None => {
                out.push(chars[idx]);
                idx += 1;
            }
        }
    }
    out
}

/// Whether `c` is a letter or mark of the Greek blocks (basic and extended, polytonic).
pub(crate) fn is_greek(c: char) -> bool {
    matches!(u32::from(c), 0x0370..=0x03FF | 0x1F00..=0x1FFF)
}
