//! Cyrillic to Latin, after the BGN/PCGN 1947 system for Russian, without its diacritics.
//!
//! Letters of Ukrainian, Belarusian, Serbian, Macedonian, Kazakh and other languages that
//! Russian lacks get their usual BGN/PCGN value, but the shared letters keep the Russian value
//! (Ukrainian "г" is "g", not "h"): telling the languages apart would need the whole name.
//! The hard and soft signs are dropped, as the lists do ("Юрьевич" -> "yuryevich").

use super::Sink;

/// Transliterates the Cyrillic letter at `char_idx`; returns `None` for characters without an
/// entry here (they go to the generic fallback).
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let c = chars[char_idx];
    let latin = match c {
        // BGN/PCGN writes "ye" for "е" and "ё" at the start of a word and after a vowel, "й",
        // "ъ" or "ь": "Евгений" -> "yevgeniy", "Юрьевич" -> "yuryevich". The diaeresis of "ё"
        // is dropped, as diacritics are everywhere else.
        'е' | 'ё' => {
            let previous = char_idx.checked_sub(1).map(|idx| chars[idx]);
            match previous {
                Some(previous) if !is_ye_context(previous) => "e",
                _ => "ye",
            }
        }
        _ => letter(c)?,
    };
    sink.push_str(latin);
    Some(1)
}

/// Whether "е" after `previous` is written "ye".
fn is_ye_context(previous: char) -> bool {
    matches!(
        previous,
        'а' | 'е'
            | 'ё'
            | 'и'
            | 'о'
            | 'у'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
            | 'й'
            | 'ъ'
            | 'ь'
            | 'і'
            | 'ї'
            | 'є'
    ) || !super::is_word_char(previous)
}

/// The Latin value of a lowercase Cyrillic letter, other than "е" and "ё".
fn letter(c: char) -> Option<&'static str> {
    let latin = match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Ukrainian and Belarusian.
        'є' => "ye",
        'і' => "i",
        'ї' => "yi",
        'ґ' => "g",
        'ў' => "w",
        // Serbian and Macedonian.
        'ђ' => "dj",
        'ѓ' => "gj",
        'ѕ' => "dz",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'ќ' => "kj",
        'џ' => "dz",
        'ѐ' => "e",
        'ѝ' => "i",
        // Kazakh, Kyrgyz, Tajik, Tatar, Bashkir, Uzbek (Cyrillic).
        'ә' => "a",
        'ғ' => "gh",
        'қ' => "q",
        'ң' => "ng",
        'ө' => "o",
        'ұ' | 'ү' => "u",
        'һ' => "h",
        'ҳ' => "h",
        'ҷ' => "j",
        'ӣ' => "i",
        'ӯ' => "u",
        'ҝ' => "g",
        'ҹ' => "ch",
        'ӏ' => "",
        _ => return None,
    };
    Some(latin)
}
