//! Hiragana and katakana to Latin, after modified Hepburn as Japanese passports write it.
//!
//! A run of kana is read as one word. Contracted sounds are joined ("きょ" -> "kyo", "しゃ" ->
//! "sha"), the small "っ" doubles the next consonant ("きって" -> "kitte", "っち" -> "tchi"),
//! and long vowels are written once, as on passports: "ー" is dropped, and "う" after an "o" or
//! "u" is dropped ("とうきょう" -> "tokyo"). Small vowels after a syllable replace its vowel
//! ("ファ" -> "fa", "ティ" -> "ti").

use super::Sink;

/// Romaji for hiragana U+3041..=U+3096, in code point order; "っ" is empty (handled apart).
const HIRAGANA: [&str; 86] = [
    "a", "a", "i", "i", "u", "u", "e", "e", "o", "o", // ぁ..お
    "ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko", "go", // か..ご
    "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo", // さ..ぞ
    "ta", "da", "chi", "ji", "", "tsu", "zu", "te", "de", "to", "do", // た..ど
    "na", "ni", "nu", "ne", "no", // な..の
    "ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo",
    "po", // は..ぽ
    "ma", "mi", "mu", "me", "mo", // ま..も
    "ya", "ya", "yu", "yu", "yo", "yo", // ゃ..よ
    "ra", "ri", "ru", "re", "ro", // ら..ろ
    "wa", "wa", "i", "e", "o", "n", // ゎ..ん
    "vu", "ka", "ke", // ゔ ゕ ゖ
];

const SMALL_TSU: char = 'っ';
const LONG_VOWEL_MARK: char = 'ー';

/// Transliterates the run of kana starting at `char_idx`; returns how many characters it took.
pub(crate) fn transliterate(
    chars: &[char],
    char_idx: usize,
    sink: &mut impl Sink,
) -> Option<usize> {
    let n_kana = chars[char_idx..].iter().take_while(|&&c| is_kana(c)).count();
    if n_kana == 0 {
        return None;
    }
    let mut romaji = String::with_capacity(n_kana * 3);
    // Length of the romaji of the last syllable written, for the rules that rewrite it.
    let mut last_syllable = 0usize;
    let mut geminate = false;
    for &c in &chars[char_idx..char_idx + n_kana] {
        let c = to_hiragana(c);
        match c {
            SMALL_TSU => geminate = true,
            LONG_VOWEL_MARK => {}
            'ゝ' | 'ゞ' => {
                // Iteration marks repeat the previous syllable (its voicing is not changed).
                let start = romaji.len().saturating_sub(last_syllable);
                let repeated = romaji.get(start..).unwrap_or_default().to_owned();
                romaji.push_str(&repeated);
            }
            'ゃ' | 'ゅ' | 'ょ' if last_syllable >= 2 && romaji.ends_with('i') => {
                // "ki" + "ya" -> "kya", but "shi"/"chi"/"ji" + "ya" -> "sha"/"cha"/"ja".
                romaji.pop();
                let glide = romaji_of(c).get(1..).unwrap_or_default();
                if !(romaji.ends_with("sh") || romaji.ends_with("ch") || romaji.ends_with('j')) {
                    romaji.push('y');
                    last_syllable += 1;
                }
                romaji.push_str(glide);
            }
            'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' if last_syllable >= 2 && ends_with_vowel(&romaji) =>
            {
                romaji.pop();
                romaji.push_str(romaji_of(c));
            }
            'う' if romaji.ends_with('o') || romaji.ends_with('u') => {}
            _ => {
                let syllable = romaji_of(c);
                if geminate {
                    // Hepburn doubles "ch" as "tch".
                    match syllable.chars().next() {
                        Some('c') => romaji.push('t'),
                        Some(first) if !is_vowel(first) => romaji.push(first),
                        _ => {}
                    }
                    geminate = false;
                }
                romaji.push_str(syllable);
                last_syllable = syllable.len();
            }
        }
    }
    sink.push_str(&romaji);
    Some(n_kana)
}

/// Whether `c` is hiragana, katakana, the long vowel mark or an iteration mark.
fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'..='\u{30FE}')
}

/// Maps katakana to the hiragana with the same sound; other characters are returned unchanged.
fn to_hiragana(c: char) -> char {
    match c {
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}' | '\u{30FE}' => {
            char::from_u32(u32::from(c) - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// Romaji of one hiragana, or of the katakana-only letters "ヷ".."ヺ".
fn romaji_of(c: char) -> &'static str {
    match c {
        'ヷ' => "va",
        'ヸ' => "vi",
        'ヹ' => "ve",
        'ヺ' => "vo",
        _ => u32::from(c)
            .checked_sub(0x3041)
            .and_then(|offset| HIRAGANA.get(offset as usize))
            .copied()
            .unwrap_or(""),
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

fn ends_with_vowel(text: &str) -> bool {
    text.chars().next_back().is_some_and(is_vowel)
}
