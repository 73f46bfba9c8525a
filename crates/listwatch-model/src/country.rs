//! Country names as lists write them ("Korea, North", "Burma", "Russia") mapped to ISO 3166-1
//! alpha-2 codes, so that a query's `RU` and an entry's "Russian Federation" compare equal.
//!
//! The table is `data/countries.tsv`, compiled in; its header says where the spellings come from.

use std::collections::HashMap;
use std::sync::LazyLock;

const COUNTRIES_TSV: &str = include_str!("../data/countries.tsv");

/// The lookup table: folded name or variant, and the upper-case code itself, to the code.
static TABLE: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut table = HashMap::new();
    for line in COUNTRIES_TSV.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((code, names)) = line.split_once('\t') else { continue };
        let code = code.trim();
        table.insert(code.to_ascii_lowercase(), code);
        for name in names.split('|') {
            let key = country_key(name);
            if !key.is_empty() {
                table.entry(key).or_insert(code);
            }
        }
    }
    table
});

/// Lowercases, keeps letters and digits, and joins the words with single spaces; a leading
/// "the" and a "region" prefix are kept, as the table spells them out where lists use them.
fn country_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_space && !key.is_empty() {
                key.push(' ');
            }
            pending_space = false;
            key.push(c);
        } else if c != '\'' && c != '\u{2019}' && c != '.' {
            pending_space = true;
        }
    }
    key
}

/// The ISO 3166-1 alpha-2 code of a country written as a name, a common variant, a nationality
/// adjective or the code itself, ignoring case and punctuation. Returns `None` for text the
/// table does not know (cities, regions that are not countries, the empty string).
///
/// ```
/// use listwatch_model::country_code;
///
/// assert_eq!(country_code("Korea, North"), Some("KP"));
/// assert_eq!(country_code("russian federation"), Some("RU"));
/// assert_eq!(country_code("ru"), Some("RU"));
/// assert_eq!(country_code("Burma"), Some("MM"));
/// assert_eq!(country_code("Atlantis"), None);
/// ```
pub fn country_code(name: &str) -> Option<&'static str> {
    let key = country_key(name);
    if key.is_empty() {
        return None;
    }
    TABLE.get(&key).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofac_spellings_map_to_their_codes() {
        for (name, code) in [
            ("Congo, Democratic Republic of the", "CD"),
            ("Congo, Republic of the", "CG"),
            ("Man, Isle of", "IM"),
            ("Cote d Ivoire", "CI"),
            ("Bahamas, The", "BS"),
            ("U.K.", "GB"),
            ("Region: Crimea", "UA"),
            ("North Macedonia, The Republic of", "MK"),
            ("Virgin Islands, British", "VG"),
            ("West Bank", "PS"),
            ("Iran", "IR"),
            ("中国", "CN"),
        ] {
            assert_eq!(country_code(name), Some(code), "{name}");
        }
    }

    #[test]
    fn every_row_of_the_table_has_a_two_letter_code_and_a_name() {
        for line in COUNTRIES_TSV.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (code, names) = line.split_once('\t').unwrap_or(("", ""));
            assert!(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()), "{line}");
            assert!(!names.trim().is_empty(), "{line}");
        }
    }

    #[test]
    fn odd_input_gives_none_without_panicking() {
        for text in ["", " ", "--", "\u{200f}", "x", "Zürich"] {
            assert_eq!(country_code(text), None, "{text:?}");
        }
    }
}
