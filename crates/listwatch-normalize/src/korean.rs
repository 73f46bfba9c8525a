//! Korean names romanized by different systems, written one way.
//!
//! One Korean name has several Latin spellings: the Revised Romanization of South Korea
//! ("Jeong Gyeong Taek"), McCune-Reischauer without its diacritics ("Chong Kyong Taek"), the
//! North Korean system the lists use for DPRK nationals ("Jong Kyong Thaek"), and the popular
//! spellings of passports ("Jung Kyung Taek", "Lee", "Park", "Choi", a given name written as one
//! word: "Byungchul"). [`korean_romanization`] reads each word of a folded name as a romanized
//! syllable, or a given name as two, and writes it in one spelling, so that the spellings of one
//! name share it.

use crate::token::{TokenKind, word_kind};

/// Initial consonants, with the letter they are written as: plain, aspirated and tense
/// consonants are one ("g", "k", "kh", "kk"), since the systems disagree on which is which.
const INITIALS: &[(&str, &str)] = &[
    ("tch", "j"),
    ("kk", "k"),
    ("gg", "k"),
    ("kh", "k"),
    ("tt", "t"),
    ("dd", "t"),
    ("th", "t"),
    ("pp", "p"),
    ("bb", "p"),
    ("ph", "p"),
    ("ss", "s"),
    ("sh", "s"),
    ("jj", "j"),
    ("ch", "j"),
    ("ts", "j"),
    ("g", "k"),
    ("k", "k"),
    ("d", "t"),
    ("t", "t"),
    ("b", "p"),
    ("p", "p"),
    ("j", "j"),
    ("s", "s"),
    ("h", "h"),
    ("m", "m"),
    ("n", "n"),
    ("r", "r"),
    ("l", "r"),
    ("", ""),
];

/// Vowels, with the letters they are written as. The systems and popular spellings write ㅓ as
/// "eo", "o" or "u", ㅡ as "eu" or "u", and ㅕ as "yeo", "yo" or "yu" ("Byung", "Hyun"), so
/// those vowels are one with ㅗ and ㅜ, and with ㅛ and ㅠ ("Young" is a popular ㅕ too); ㅢ
/// is one with ㅣ, as it sounds after a consonant ("Hui" and "Hee").
const VOWELS: &[(&str, &str)] = &[
    ("yeo", "yo"),
    ("yae", "ye"),
    ("wae", "we"),
    ("weo", "wo"),
    ("eui", "i"),
    ("yoo", "yo"),
    ("you", "yo"),
    ("ae", "e"),
    ("ya", "ya"),
    ("eo", "o"),
    ("ye", "ye"),
    ("wa", "wa"),
    ("oe", "we"),
    ("oi", "we"),
    ("yo", "yo"),
    ("wo", "wo"),
    ("we", "we"),
    ("wi", "wi"),
    ("yu", "yo"),
    ("eu", "o"),
    ("ui", "i"),
    ("ee", "i"),
    ("oo", "o"),
    ("yi", "i"),
    ("a", "a"),
    ("e", "e"),
    ("o", "o"),
    ("u", "o"),
    ("i", "i"),
];

/// Final consonants, with the letter they are written as.
const FINALS: &[(&str, &str)] = &[
    ("ng", "ng"),
    ("kk", "k"),
    ("k", "k"),
    ("g", "k"),
    ("n", "n"),
    ("l", "l"),
    ("r", "l"),
    ("m", "m"),
    ("p", "p"),
    ("b", "p"),
    ("t", "t"),
    ("d", "t"),
    ("s", "t"),
    ("", ""),
];

/// Popular spellings that the syllable rules do not read: the surnames 박 ("Park") and
/// 이 ("Rhee").
const SPELLINGS: &[(&str, &str)] = &[("park", "pak"), ("rhee", "i")];

/// Names of more words are not read as Korean: a Korean name has a surname and a given name of
/// one or two syllables, written in two to four words.
const MAX_WORDS: usize = 4;

/// Korean surnames, romanized (one spelling each is enough: they are compared in the spelling
/// of [`korean_romanization`]). The most common surnames of South Korea's census and the
/// surnames of the DPRK nationals on the OFAC and UN lists.
const SURNAMES: &[&str] = &[
    "kim", "lee", "pak", "choe", "jong", "kang", "jo", "yun", "jang", "rim", "han", "oh", "so",
    "sin", "kwon", "hwang", "an", "song", "ryu", "hong", "jon", "ko", "mun", "yang", "son", "pae",
    "paek", "ho", "nam", "sim", "ro", "ha", "kwak", "sung", "cha", "ju", "u", "ku", "min", "jin",
    "ji", "om", "chae", "won", "chon", "pang", "kong", "hyon", "ham", "pyon", "yom", "yo", "chu",
    "to", "sok", "sol", "ma", "kil", "yon", "wi", "pyo", "myong", "ki", "pan", "wang", "kum", "ok",
    "yuk", "in", "maeng", "je", "mo", "tak", "kuk", "ye", "kyong", "pong", "sa", "pu", "tae",
    "kye", "tong", "ryang", "thae", "hyun", "seo", "pyun", "bae", "baek", "heo",
];

/// The surnames in the spelling of [`korean_romanization`].
static SURNAME_SPELLINGS: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| SURNAMES.iter().filter_map(|surname| syllable(surname)).collect());

/// A folded name read as a Korean name, written in one spelling, a syllable a word as the lists
/// write Korean names; `None` unless the name has two to four words, every one of them reads as
/// a romanized syllable or as two written together (a given name, "Jongun"), and the first or
/// the last is a Korean surname.
///
/// Consonants that the systems write differently are written one way (plain, aspirated and
/// tense alike), so are the vowels they confuse (ㅓ, ㅗ, ㅜ and ㅡ; ㅕ, ㅛ and ㅠ), and an initial
/// "r" or "l" follows the South Korean initial sound law ("Ri", "Lee", "Yi" and "I"; "Ryu" and
/// "Yu"; "Ro" and "No"). A syllable of one vowel is written with a second letter ("yi", "oh"),
/// since it is a name, not an initial, and so is one spelt like a stop word or a particle
/// ("anh" for "An", "onh" for "Un"). It is meant for equality, a key rather than a spelling:
/// two names that share it are spellings of one Korean name in all likelihood.
///
/// (The given name's syllables are kept apart rather than joined into one word: joined, two
/// given names one syllable apart, "Song Nam" and "Bong Nam", become words one letter apart,
/// which fuzzy matching pairs.)
///
/// ```
/// use listwatch_normalize::korean_romanization;
///
/// let dprk = korean_romanization("jong kyong thaek");
/// assert_eq!(dprk, korean_romanization("jeong gyeong taek"));
/// assert_eq!(dprk, korean_romanization("chong kyong taek"));
/// assert_eq!(korean_romanization("lee byung chul").as_deref(), Some("yi pyong jol"));
/// assert_eq!(korean_romanization("ri pyong chol").as_deref(), Some("yi pyong jol"));
/// assert_eq!(korean_romanization("vladimir putin"), None);
/// assert_eq!(korean_romanization("kim"), None);
/// ```
pub fn korean_romanization(folded: &str) -> Option<String> {
    korean_romanizations(folded).into_iter().next()
}

/// Every reading of [`korean_romanization`] (at most three): a given name written as one word
/// may split into syllables in two ways ("honam" is "ho nam" or "hon am"), and each is kept.
/// Empty where [`korean_romanization`] is `None`.
///
/// ```
/// use listwatch_normalize::korean_romanizations;
///
/// assert_eq!(korean_romanizations("lee honam"), ["yi honh am", "yi ho nam"]);
/// assert_eq!(korean_romanizations("lee ho nam"), ["yi ho nam"]);
/// ```
pub fn korean_romanizations(folded: &str) -> Vec<String> {
    let words: Vec<&str> = folded.split(' ').filter(|word| !word.is_empty()).collect();
    if !(2..=MAX_WORDS).contains(&words.len()) {
        return Vec::new();
    }
    let is_surname = |word: &str| syllable(word).is_some_and(|s| SURNAME_SPELLINGS.contains(&s));
    if !is_surname(words[0]) && !is_surname(words[words.len() - 1]) {
        return Vec::new();
    }
    let mut readings: Vec<Vec<String>> = vec![Vec::new()];
    for word in &words {
        let splits = word_syllables(word);
        if splits.is_empty() {
            return Vec::new();
        }
        readings = readings
            .iter()
            .flat_map(|reading| {
                splits.iter().map(move |split| {
                    let mut reading = reading.clone();
                    reading.extend(split.iter().cloned());
                    reading
                })
            })
            .filter(|reading| reading.len() <= MAX_WORDS + 1)
            .take(MAX_READINGS)
            .collect();
    }
    readings
        .into_iter()
        .map(|syllables| syllables.into_iter().map(word).collect::<Vec<_>>().join(" "))
        .collect()
}

/// The most readings [`korean_romanizations`] gives.
const MAX_READINGS: usize = 3;

/// A syllable in the spelling of [`korean_romanization`] as a word of its own.
fn word(syllable: String) -> String {
    let mut word = match syllable.as_str() {
        "i" => "yi".to_string(),
        vowel if vowel.len() == 1 => format!("{vowel}h"),
        _ => syllable,
    };
    // A syllable spelt like a stop word or a particle ("an", "in", "on", "al") would weigh next
    // to nothing; an "h" keeps it a name.
    if word_kind(&word) != TokenKind::Normal {
        word.push('h');
    }
    word
}

/// The ways a word reads as syllables in the spelling of [`korean_romanization`]: one syllable,
/// or else a given name of two written together ("Jongun", "Byungchul"), every split where
/// both halves read as syllables, the longest first syllable first ("jong un", then "jon gun").
fn word_syllables(word: &str) -> Vec<Vec<String>> {
    if let Some(one) = syllable(word) {
        return vec![vec![one]];
    }
    (2..word.len().saturating_sub(1))
        .rev()
        .filter_map(|split| {
            let (first, second) = (word.get(..split)?, word.get(split..)?);
            Some(vec![syllable(first)?, syllable(second)?])
        })
        .collect()
}

/// One romanized syllable in the spelling of [`korean_romanization`].
fn syllable(word: &str) -> Option<String> {
    let word = SPELLINGS.iter().find(|(from, _)| *from == word).map_or(word, |(_, to)| to);
    // The "h" this spelling adds to a syllable spelt like a stop word ("anh").
    let word = match word.strip_suffix('h') {
        Some(rest) if rest.ends_with(['n', 'l', 't', 'm', 'p', 'k']) => rest,
        _ => word,
    };
    for (initial, initial_as) in INITIALS {
        let Some(rest) = word.strip_prefix(initial) else { continue };
        for (vowel, vowel_as) in VOWELS {
            let Some(rest) = rest.strip_prefix(vowel) else { continue };
            // An "h" after the vowel lengthens it in popular spellings ("Ahn", "Oh", "Roh").
            let rest = match rest.strip_prefix('h') {
                Some(after) if after.is_empty() || after == "n" => after,
                _ => rest,
            };
            let Some((_, final_as)) = FINALS.iter().find(|(last, _)| *last == rest) else {
                continue;
            };
            // The initial sound law: "r" (and "n") before "i" and "y" is dropped, other "r"s are
            // "n"s.
            let initial_as = match *initial_as {
                "r" | "n" if vowel_as.starts_with(['i', 'y']) => "",
                "r" => "n",
                other => other,
            };
            return Some(format!("{initial_as}{vowel_as}{final_as}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_share_it() {
        let names: &[&[&str]] = &[
            &["kim jong un", "gim jeong eun", "kim chong un", "kim jung eun"],
            &["ri pyong chol", "lee byung chul", "yi byeong cheol", "rhee pyong chol"],
            &["thae hyong chol", "tae hyeong cheol", "tae hyung chul"],
            &["pak pong ju", "park bong joo", "bak bong ju", "pak pong chu"],
            &["choe ryong hae", "choi yong hae", "chwe ryong hae"],
            &["phyo il sok", "pyo il seok", "pyo il suk"],
            &["o kuk ryol", "oh geuk ryeol", "o kuk yol"],
            &["ryu yong gil", "yu yeong gil", "yoo young gil"],
            &["an myong hun", "ahn myeong hun"],
            &["kim kyok sik", "gim gyeok sik", "kim kyuk shik"],
            // Given names written as one word.
            &["kim jong un", "kim jongun", "gim jeongeun", "kim chongun"],
            &["ri pyong chol", "lee byungchul", "ri pyongchol"],
        ];
        for spellings in names {
            let key = korean_romanization(spellings[0]);
            assert!(key.is_some(), "{}", spellings[0]);
            for spelling in &spellings[1..] {
                assert_eq!(korean_romanization(spelling), key, "{spelling}");
            }
        }
    }

    #[test]
    fn different_names_differ() {
        for (a, b) in [
            ("kim jong un", "kim jong nam"),
            ("kim yong chol", "kim yong nam"),
            ("pak pong ju", "pak pong nam"),
            ("ri pyong chol", "ri yong gil"),
            ("jang jin", "chang chin sung"),
            ("ri yong il", "ho yong il"),
        ] {
            assert_ne!(korean_romanization(a), korean_romanization(b), "{a} / {b}");
        }
    }

    #[test]
    fn every_syllable_is_a_normal_word() {
        for name in ["an myong hun", "kim jong un", "in chol", "o kuk ryol", "ri il", "to al"] {
            let spelling = korean_romanization(name).expect(name);
            for word in spelling.split(' ') {
                assert_eq!(word_kind(word), TokenKind::Normal, "{word} of {name}");
            }
            // The spelling is its own spelling.
            assert_eq!(korean_romanization(&spelling).as_deref(), Some(&*spelling), "{name}");
        }
    }

    #[test]
    fn the_spelling_of_every_syllable_is_its_own_spelling() {
        for (initial, _) in INITIALS {
            for (vowel, _) in VOWELS {
                for (last, _) in FINALS {
                    let name = format!("kim {initial}{vowel}{last}");
                    if let Some(spelling) = korean_romanization(&name) {
                        assert_eq!(
                            korean_romanization(&spelling).as_deref(),
                            Some(&*spelling),
                            "{name}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn names_that_are_not_korean_syllables_have_none() {
        for name in [
            "vladimir putin",
            "ali khan",
            "maria garcia lopez",
            "ahmed",
            "jose manuel aguirre",
            "kim jong un kim jong il",
            "zhang wei",
        ] {
            assert_eq!(korean_romanization(name), None, "{name}");
        }
    }
}
