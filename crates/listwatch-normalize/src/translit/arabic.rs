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
//! - Compounds of a name with the article written as one word are written apart, as the
//!   article at the start of a word is ([`split_compounds`]): "عبدالعزيز" is "abd al aziz" and
//!   "نورالدين" is "nur al din", like "عبد العزيز" and "نور الدين", so a name means the same
//!   whichever way it is written, and Latin spellings that join ("Abdelaziz", "Noureddine") or
//!   split it ("Abdul Aziz") meet it as they meet the spaced form.

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

    // The article counts only when a word follows it: "ال" alone is spelled out. A noun that
    // starts with an alif written without its hamza ("الاسد", al-Assad; "الانصاري", al-Ansari;
    // "الاحد", al-Ahad) has three letters at least: "الاء" (Alaa) and "الا" are words.
    let article = word_start
        && c == 'ا'
        && chars.get(char_idx + 1) == Some(&'ل')
        && match next_letter(chars, char_idx + 2) {
            None => false,
            Some('ا') => noun_letters(chars, char_idx + 2) >= 3,
            Some(_) => true,
        };
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

/// The second parts of compounds that names run into their first part with the article
/// ("نورالدين", "نصرالله", "انوارالحق"), without the article: "the faith", "God", "the Merciful",
/// "the truth", "Islam".
const COMPOUND_ENDS: &[&str] = &["دين", "دین", "له", "رحمن", "رحمان", "حق", "اسلام", "إسلام"];

/// The first parts of compounds that run into the article of the name after them
/// ("عبدالعزيز", "ابوالفضل"): "servant of" and "father of".
const COMPOUND_STARTS: &[&str] = &["عبد", "ابو", "أبو"];

/// Writes apart the compounds of Arabic names written as one word, so that they read like the
/// spaced form: a space after a [`COMPOUND_STARTS`] word that the article follows
/// ("عبدالعزيز" as "عبد العزيز"), and before the article of a [`COMPOUND_ENDS`] word that ends a
/// word of two or more letters before it ("نورالدين" as "نور الدين"). A zero-width non-joiner
/// before the article, as Persian writes such compounds ("ذبیح‌الله"), is a space too. Marks
/// are left where they are; other text is unchanged.
pub(crate) fn split_compounds(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len() + 4);
    let mut start = 0;
    while start < chars.len() {
        if !is_word_char(chars[start]) {
            out.push(chars[start]);
            start += 1;
            continue;
        }
        let end = start + chars[start..].iter().take_while(|&&c| is_word_char(c)).count();
        split_word(&chars[start..end], &mut out);
        start = end;
    }
    out
}

/// Arabic letters, marks and the joiners Persian writes inside words.
fn is_word_char(c: char) -> bool {
    is_letter(c) || is_mark(c) || is_joiner(c) || matches!(c, 'ء' | 'ئ' | 'ؤ')
}

/// Writes one word to `out`, with the spaces of [`split_compounds`].
fn split_word(word: &[char], out: &mut Vec<char>) {
    // Every compound holds the article (marks aside); most words do not.
    let mut letters = word.iter().copied().filter(|&c| !is_mark(c) && !is_joiner(c));
    let mut previous = letters.next();
    let has_article = letters.any(|c| {
        let pair = previous == Some('ا') && c == 'ل';
        previous = Some(c);
        pair
    });
    if !has_article {
        out.extend_from_slice(word);
        return;
    }
    // The letters of the word with their positions, marks and joiners skipped.
    let letters: Vec<(usize, char)> =
        word.iter().copied().enumerate().filter(|&(_, c)| !is_mark(c) && !is_joiner(c)).collect();
    let text: String = letters.iter().map(|&(_, c)| c).collect();
    let n = letters.len();
    // Letter positions at which a space goes, before the letter.
    let mut breaks: Vec<usize> = Vec::new();
    for prefix in COMPOUND_STARTS {
        let len = prefix.chars().count();
        // The article, then a noun of two letters at least.
        if text.starts_with(prefix) && n >= len + 4 && text[prefix.len()..].starts_with("ال") {
            breaks.push(len);
            break;
        }
    }
    for end in COMPOUND_ENDS {
        let len = end.chars().count() + 2;
        let article_at = n.saturating_sub(len);
        if n >= len + 2
            && text.ends_with(end)
            && letters[article_at].1 == 'ا'
            && letters[article_at + 1].1 == 'ل'
            && !breaks.contains(&article_at)
        {
            breaks.push(article_at);
            break;
        }
    }
    let mut next_letter = 0;
    for (idx, &c) in word.iter().enumerate() {
        let at_break =
            next_letter < n && letters[next_letter].0 == idx && breaks.contains(&next_letter);
        if at_break {
            // A joiner just before the break is the break.
            if out.last().is_some_and(|&last| is_joiner(last)) {
                out.pop();
            }
            out.push(' ');
        }
        if next_letter < n && letters[next_letter].0 == idx {
            next_letter += 1;
        }
        out.push(c);
    }
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

/// The number of letters of the word from `char_idx` on, marks skipped.
fn noun_letters(chars: &[char], char_idx: usize) -> usize {
    chars[char_idx.min(chars.len())..]
        .iter()
        .copied()
        .take_while(|&c| is_letter(c) || is_mark(c))
        .filter(|&c| is_letter(c))
        .count()
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
        // Pashto, as Afghan Latin spellings write it ("ځدران" is "Zadran", "ګلبدین" "Gulbuddin");
        // ښ and ږ are said "sh" and "zh" in the south-west ([`crate::fold`] adds the eastern "kh"
        // and "g" as a reading).
        'ځ' => "z",
        'څ' => "s",
        'ښ' => "sh",
        'ږ' => "zh",
        'ګ' => "g",
        'ړ' => "r",
        'ټ' => "t",
        'ډ' => "d",
        'ڼ' => "n",
        'ۍ' => "i",
        'ې' => "e",
        // Kurdish (Sorani).
        'ڕ' => "r",
        'ڵ' => "l",
        'ۆ' => "o",
        'ێ' => "e",
        'ە' => "e",
        'ڤ' => "v",
        _ => return None,
    };
    Some(latin)
}
