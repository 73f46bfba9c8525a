//! Phonetic codes: Soundex, Metaphone, NYSIIS and the Match Rating Approach.
//!
//! They follow jellyfish rule for rule, including its quirks, so that its test vectors hold; the
//! docs of each function name the quirks. The screening engine does not use them: its own sound
//! key (in the token module) is tuned to the spellings of names on the lists.

use unicode_normalization::UnicodeNormalization;

#[cfg(test)]
mod tests;

/// The American Soundex code of `text`: its first character, then three digits.
///
/// As in jellyfish, the text is uppercased and NFKD-decomposed, its first character is kept
/// whatever it is ("¿" -> "¿000"), and any character other than a letter with a code, "H" or
/// "W" separates codes (so combining marks do too). The empty string gives an empty code.
///
/// ```
/// use listwatch_matcher::phonetic::soundex;
///
/// assert_eq!(soundex("Ashcroft"), "A261");
/// assert_eq!(soundex("Pfister"), "P236");
/// ```
pub fn soundex(text: &str) -> String {
    let mut chars = text.to_uppercase().nfkd().collect::<Vec<char>>().into_iter();
    let Some(first) = chars.next() else { return String::new() };
    let mut code = String::with_capacity(4);
    code.push(first);
    let mut n_digits = 0;
    let mut last_digit = soundex_digit(first);
    for c in chars {
        match soundex_digit(c) {
            Some(digit) => {
                if Some(digit) != last_digit {
                    code.push(digit);
                    n_digits += 1;
                    if n_digits == 3 {
                        break;
                    }
                }
                last_digit = Some(digit);
            }
            // "H" and "W" do not separate letters with the same code ("Ashcroft" -> "A261").
            None if c == 'H' || c == 'W' => {}
            None => last_digit = None,
        }
    }
    for _ in n_digits..3 {
        code.push('0');
    }
    code
}

fn soundex_digit(c: char) -> Option<char> {
    let digit = match c {
        'B' | 'F' | 'P' | 'V' => '1',
        'C' | 'G' | 'J' | 'K' | 'Q' | 'S' | 'X' | 'Z' => '2',
        'D' | 'T' => '3',
        'L' => '4',
        'M' | 'N' => '5',
        'R' => '6',
        _ => return None,
    };
    Some(digit)
}

/// The Metaphone code of `text` (Lawrence Philips, 1990), as jellyfish computes it.
///
/// The text is uppercased and NFKD-decomposed; characters other than A–Z and spaces are
/// skipped, and each run of spaces becomes one space in the code ("this is" -> "0S IS").
/// jellyfish quirks kept here: doubled letters other than "C" are read once before any other
/// rule, so "Aapti" loses its initial vowel ("PT"); "AE" at the start drops the "A".
///
/// ```
/// use listwatch_matcher::phonetic::metaphone;
///
/// assert_eq!(metaphone("metaphone"), "MTFN");
/// assert_eq!(metaphone("knight"), "NT");
/// assert_eq!(metaphone("Thompson"), "0MPSN");
/// ```
pub fn metaphone(text: &str) -> String {
    let upper = text.to_uppercase();
    let mut chars: Vec<char> = upper.nfkd().collect();
    if ["KN", "GN", "PN", "WR", "AE"].iter().any(|prefix| upper.starts_with(prefix)) {
        chars.remove(0);
    }
    let at = |idx: usize| chars.get(idx).copied().unwrap_or('*');
    let mut code = String::with_capacity(chars.len());
    let mut idx = 0;
    while idx < chars.len() {
        let c = chars[idx];
        let previous = idx.checked_sub(1).map(at);
        let next = at(idx + 1);
        let after_next = at(idx + 2);
        // Doubled letters are read once, except "CC" ("accept" -> "AKSPT").
        if c == next && c != 'C' {
            idx += 1;
            continue;
        }
        match c {
            // Vowels count only at the start of a word.
            'A' | 'E' | 'I' | 'O' | 'U' if previous.is_none_or(|previous| previous == ' ') => {
                code.push(c)
            }
            // "B" is silent in a final "MB" ("dumb").
            'B' if previous != Some('M') || next != '*' => code.push('B'),
            'C' => {
                if (next == 'I' && after_next == 'A') || next == 'H' {
                    code.push('X');
                    idx += 1;
                } else if is_iey(next) {
                    code.push('S');
                    idx += 1;
                } else {
                    code.push('K');
                }
            }
            'D' => {
                if next == 'G' && is_iey(after_next) {
                    code.push('J');
                    idx += 2;
                } else {
                    code.push('T');
                }
            }
            'F' | 'J' | 'L' | 'M' | 'N' | 'R' => code.push(c),
            'G' => {
                if is_iey(next) {
                    code.push('J');
                } else if (next == 'H' && after_next != '*' && !is_vowel(after_next))
                    || (next == 'N' && after_next == '*')
                {
                    // Silent in "GHT" ("night") and in a final "GN" ("sign").
                    idx += 1;
                } else {
                    code.push('K');
                }
            }
            'H' if previous.is_none_or(|previous| !is_vowel(previous)) || is_vowel(next) => {
                code.push('H')
            }
            'K' if previous != Some('C') => code.push('K'),
            'P' => {
                if next == 'H' {
                    code.push('F');
                    idx += 1;
                } else {
                    code.push('P');
                }
            }
            'Q' => code.push('K'),
            'S' => {
                if next == 'H' {
                    code.push('X');
                    idx += 1;
                } else if next == 'I' && (after_next == 'O' || after_next == 'A') {
                    code.push('X');
                    idx += 2;
                } else {
                    code.push('S');
                }
            }
            'T' => {
                if next == 'I' && (after_next == 'O' || after_next == 'A') {
                    code.push('X');
                } else if next == 'H' {
                    code.push('0');
                    idx += 1;
                } else if next != 'C' || after_next != 'H' {
                    code.push('T');
                }
            }
            'V' => code.push('F'),
            'W' => {
                if idx == 0 && next == 'H' {
                    code.push('W');
                    idx += 1;
                } else if is_vowel(next) {
                    code.push('W');
                }
            }
            'X' => {
                if idx > 0 {
                    code.push_str("KS");
                } else if next == 'H' || (next == 'I' && (after_next == 'O' || after_next == 'A')) {
                    code.push('X');
                } else {
                    code.push('S');
                }
            }
            'Y' if is_vowel(next) => code.push('Y'),
            'Z' => code.push('S'),
            ' ' if !code.is_empty() && !code.ends_with(' ') => code.push(' '),
            // Silent letters (the guards above) and characters other than A-Z.
            _ => {}
        }
        idx += 1;
    }
    code
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')
}

fn is_iey(c: char) -> bool {
    matches!(c, 'I' | 'E' | 'Y')
}

/// The NYSIIS code of `text` (New York State Identification and Intelligence System, 1970), as
/// jellyfish computes it: uppercased, not truncated to six characters.
///
/// jellyfish quirk kept here: a "W" after a vowel is replaced by that vowel itself, not by "A".
///
/// ```
/// use listwatch_matcher::phonetic::nysiis;
///
/// assert_eq!(nysiis("Catherine"), nysiis("Katherine"));
/// assert_eq!(nysiis("MacArthur"), "MCARTAR");
/// ```
pub fn nysiis(text: &str) -> String {
    let upper = text.to_uppercase();
    let mut chars: Vec<char> = upper.chars().collect();
    if chars.is_empty() {
        return String::new();
    }

    // Step 1: prefixes.
    if upper.starts_with("MAC") {
        chars[1] = 'C';
    } else if upper.starts_with("KN") {
        chars.remove(0);
    } else if upper.starts_with('K') {
        chars[0] = 'C';
    } else if upper.starts_with("PH") || upper.starts_with("PF") {
        chars[0] = 'F';
        chars[1] = 'F';
    } else if upper.starts_with("SCH") {
        chars[1] = 'S';
        chars[2] = 'S';
    }

    // Step 2: suffixes.
    if upper.ends_with("IE") || upper.ends_with("EE") {
        chars.truncate(chars.len().saturating_sub(2));
        chars.push('Y');
    } else if ["DT", "RT", "RD", "NT", "ND"].iter().any(|suffix| upper.ends_with(suffix)) {
        chars.truncate(chars.len().saturating_sub(2));
        chars.push('D');
    }

    // Step 3: the key starts with the first letter.
    let Some(&first) = chars.first() else { return String::new() };
    let mut key = vec![first];

    // Step 4: translate the other letters, skipping any that repeat the key's last letter.
    let at = |idx: usize| chars.get(idx).copied();
    let mut idx = 1;
    while idx < chars.len() {
        let c = chars[idx];
        let previous = chars[idx - 1];
        let next = at(idx + 1);
        let mut translated: [Option<char>; 2] = [Some(c), None];
        match c {
            'E' if next == Some('V') => {
                translated = [Some('A'), Some('F')];
                idx += 1;
            }
            'A' | 'E' | 'I' | 'O' | 'U' => translated[0] = Some('A'),
            'Q' => translated[0] = Some('G'),
            'Z' => translated[0] = Some('S'),
            'M' => translated[0] = Some('N'),
            'K' => translated[0] = Some(if next == Some('N') { 'N' } else { 'C' }),
            'S' if next == Some('C') && at(idx + 2) == Some('H') => {
                translated = [Some('S'), Some('S')];
                idx += 2;
            }
            'P' if next == Some('H') => {
                translated[0] = Some('F');
                idx += 1;
            }
            'H' if !is_vowel(previous) || next.is_none_or(|next| !is_vowel(next)) => {
                translated[0] = Some(if is_vowel(previous) { 'A' } else { previous });
            }
            'W' if is_vowel(previous) => translated[0] = Some(previous),
            _ => {}
        }
        let last_translated = translated[1].or(translated[0]);
        if last_translated != key.last().copied() {
            key.extend(translated.into_iter().flatten());
        }
        idx += 1;
    }

    // Steps 5 to 7: drop a final "S", turn a final "AY" into "Y", drop a final "A".
    if key.len() > 1 && key.last() == Some(&'S') {
        key.pop();
    }
    if key.ends_with(&['A', 'Y']) {
        key.remove(key.len() - 2);
    }
    if key.len() > 1 && key.last() == Some(&'A') {
        key.pop();
    }
    key.into_iter().collect()
}

/// The Match Rating Approach codex of `text` (Western Airlines, 1977).
///
/// The text is uppercased and its spaces dropped; vowels are dropped except a first one, and
/// doubled consonants are written once; a codex longer than six characters keeps its first
/// three and last three. Like jellyfish's Python version, any character other than a vowel or a
/// space counts as a consonant; jellyfish's Rust version instead rejects non-alphabetic text and
/// keeps spaces.
///
/// ```
/// use listwatch_matcher::phonetic::match_rating_codex;
///
/// assert_eq!(match_rating_codex("Catherine"), "CTHRN");
/// assert_eq!(match_rating_codex("Kathrynoglin"), "KTHGLN");
/// ```
pub fn match_rating_codex(text: &str) -> String {
    let mut codex: Vec<char> = Vec::new();
    let mut previous = None;
    for c in text.to_uppercase().chars().filter(|&c| c != ' ') {
        if codex.is_empty() || (!is_vowel(c) && Some(c) != previous) {
            codex.push(c);
        }
        previous = Some(c);
    }
    if codex.len() > 6 {
        codex.drain(3..codex.len() - 3);
    }
    codex.into_iter().collect()
}

/// Compares two names by the Match Rating Approach: `Some(true)` if they sound alike,
/// `Some(false)` if not, and `None` when their codexes differ in length by 3 or more, where the
/// method gives no answer.
///
/// ```
/// use listwatch_matcher::phonetic::match_rating_comparison;
///
/// assert_eq!(match_rating_comparison("Smith", "Smyth"), Some(true));
/// assert_eq!(match_rating_comparison("Michael", "Mike"), Some(false));
/// assert_eq!(match_rating_comparison("Tim", "Timothy"), None);
/// ```
pub fn match_rating_comparison(a: &str, b: &str) -> Option<bool> {
    let a: Vec<char> = match_rating_codex(a).chars().collect();
    let b: Vec<char> = match_rating_codex(b).chars().collect();
    if a.len().abs_diff(b.len()) >= 3 {
        return None;
    }
    let minimum_rating = match a.len() + b.len() {
        0..=4 => 5,
        5..=7 => 4,
        8..=11 => 3,
        _ => 2,
    };
    // Drop the characters that agree position by position from the left, then count those that
    // still disagree from the right.
    let mut a_left: Vec<char> = Vec::new();
    let mut b_left: Vec<char> = Vec::new();
    for idx in 0..a.len().max(b.len()) {
        let (a_char, b_char) = (a.get(idx), b.get(idx));
        if a_char != b_char {
            a_left.extend(a_char);
            b_left.extend(b_char);
        }
    }
    let (mut n_unmatched_a, mut n_unmatched_b) = (0usize, 0usize);
    for idx in 0..a_left.len().max(b_left.len()) {
        let a_char = a_left.len().checked_sub(idx + 1).map(|from_end| a_left[from_end]);
        let b_char = b_left.len().checked_sub(idx + 1).map(|from_end| b_left[from_end]);
        if a_char != b_char {
            n_unmatched_a += usize::from(a_char.is_some());
            n_unmatched_b += usize::from(b_char.is_some());
        }
    }
    let rating = 6 - n_unmatched_a.max(n_unmatched_b) as i64;
    Some(rating >= minimum_rating)
}
