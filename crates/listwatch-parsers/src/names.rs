//! Names that lists write inside other names: a parenthesis at the end of a name that gives an
//! acronym or another spelling of a word ("FALAH-I-INSANIAT FOUNDATION (FIF)", "SANTOS, Ahmad
//! (Ahmed)").
//!
//! Screening compares whole names, so such a name finds neither its acronym nor its other
//! spelling alone. [`add_parenthesized_names`] adds them as names of
//! the entity next to the name as listed, which stays as it is.

use listwatch_model::{Entity, Name, Schema};

/// Adds to `entity` the names that a parenthesis at the end of one of its names gives
/// ([`parenthesized_names`]), each right after the name it came from and of its kind.
pub(crate) fn add_parenthesized_names(entity: &mut Entity) {
    let person = entity.schema == Schema::Person;
    let derived: Vec<Vec<String>> =
        entity.names.iter().map(|name| parenthesized_names(&name.value, person)).collect();
    if derived.iter().all(Vec::is_empty) {
        return;
    }
    let listed = std::mem::take(&mut entity.names);
    for (name, values) in listed.iter().zip(derived) {
        entity.names.push(name.clone());
        for value in values {
            let known = listed.iter().chain(&entity.names).any(|n| n.value == value);
            if !known {
                let remark = Some(format!("from the listed name \"{}\"", name.value));
                entity.names.push(Name { value, kind: name.kind, remark });
            }
        }
    }
}

/// The names a parenthesis that ends `value` gives, besides `value` itself ([`parenthesis_gives`]):
/// the name without the parenthesis and the name the parenthesis holds, or the name with another
/// spelling of its last word.
///
/// Anything else gives nothing: notes ("(PVT)", "(HK)", "(LEBANON BRANCH)", anything with
/// digits), legal forms, translations (which rules cannot tell from notes), other single words
/// ("(MARTYRS)"), and parentheses inside a name ("ANGULO OROBIO (SEGUNDO), Jose Francisco").
pub(crate) fn parenthesized_names(value: &str, person: bool) -> Vec<String> {
    let text = value.trim();
    let Some(open) = trailing_parenthesis(text) else { return Vec::new() };
    let inner = text[open + 1..text.len() - 1].trim();
    let outside = text[..open].trim();
    if inner.is_empty() || inner.contains(['(', ')', ';']) || is_note(inner) {
        return Vec::new();
    }
    match parenthesis_gives(outside, inner, person) {
        Some(Given::Name(name)) => vec![outside.to_string(), name],
        Some(Given::Spelling(name)) => vec![name],
        None => Vec::new(),
    }
}

/// What one name in parentheses after a name (`outside`) gives.
#[derive(Debug, PartialEq)]
pub(crate) enum Given {
    /// A name of its own: the name in another script, or an acronym of the name's words.
    Name(String),
    /// The name with its last word spelt as the parenthesis spells it.
    Spelling(String),
}

/// What `inner`, one name written in parentheses after `outside`, gives: the name in another
/// script or an acronym (its letters are initials of the name's words, in order: "(FIF)",
/// "(IRGC)") is a name of its own; a person's one word in the same script spells the last word
/// of a name of two words or more ("SANTOS, Ahmad (Ahmed)" is "SANTOS, Ahmed"). Other words
/// are as often a note ("(LEBANON BRANCH)", "(OFF SHORE)"), a legal form ("(ZAKRYTOE
/// AKTSIONERNOE OBSHCHESTVO)") or a place as a translation, and the name without them may be
/// another entity's (a branch's parent): they give nothing.
pub(crate) fn parenthesis_gives(outside: &str, inner: &str, person: bool) -> Option<Given> {
    if is_latin(inner) != is_latin(outside) || is_acronym_of(inner, outside) {
        return Some(Given::Name(inner.to_string()));
    }
    let last = outside.split_whitespace().last()?;
    if person && inner.split_whitespace().count() == 1 && outside.split_whitespace().count() >= 2 {
        let kept = &outside[..outside.len() - last.len()];
        return Some(Given::Spelling(format!("{kept}{inner}")));
    }
    None
}

/// The byte offset of the "(" of a parenthesis that ends `text` and follows some text, if any.
pub(crate) fn trailing_parenthesis(text: &str) -> Option<usize> {
    if !text.ends_with(')') {
        return None;
    }
    let mut depth = 0usize;
    for (at, c) in text.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return (at > 0 && !text[..at].trim().is_empty()).then_some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a parenthesis after a name says something about it rather than naming it: digits, a
/// kind of company ("PVT", "HK" are too short to tell apart from acronyms, so two letters or
/// fewer count here), or words such as "name", "born", "passport", "third", "script".
pub(crate) fn is_note(inner: &str) -> bool {
    const NOTE_WORDS: &[&str] = &[
        "name",
        "born",
        "birth",
        "passport",
        "identity",
        "false",
        "alias",
        "nickname",
        "formerly",
        "previously",
        "maiden",
        "combat",
        "guerre",
        "kunya",
        "third",
        "second",
        "junior",
        "senior",
        "spelling",
        "also",
        "script",
        "original",
        "sub",
        "pvt",
        "private",
        "ltd",
    ];
    let lower = inner.to_lowercase();
    inner.chars().any(|c| c.is_ascii_digit())
        || inner.chars().filter(|c| c.is_alphabetic()).count() <= 2
        || lower.split(|c: char| !c.is_alphanumeric()).any(|word| NOTE_WORDS.contains(&word))
}

/// Whether the letters of `text` are Latin ones.
fn is_latin(text: &str) -> bool {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c))
}

/// Whether `acronym` (three letters or more) is made of initials of the words of `name`, in
/// order, each word giving at most one ("FIF" of "FALAH-I-INSANIAT FOUNDATION", "ISISWAP" of
/// "Islamic State of Iraq and Syria West Africa Province"); words are split at hyphens and
/// slashes too.
fn is_acronym_of(acronym: &str, name: &str) -> bool {
    let letters: Vec<char> =
        acronym.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect();
    if letters.len() < 3 {
        return false;
    }
    let mut wanted = letters.iter().peekable();
    for word in
        name.split(|c: char| c.is_whitespace() || c == '-' || c == '/').filter(|w| !w.is_empty())
    {
        let first = word.chars().find(|c| c.is_alphabetic()).map(|c| c.to_lowercase().next());
        if let (Some(&&next), Some(Some(first))) = (wanted.peek(), first)
            && next == first
        {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::{is_acronym_of, parenthesized_names};

    #[test]
    fn a_trailing_parenthesis_gives_an_acronym_a_translation_or_a_spelling() {
        assert_eq!(
            parenthesized_names("FALAH-I-INSANIAT FOUNDATION (FIF)", false),
            ["FALAH-I-INSANIAT FOUNDATION", "FIF"]
        );
        assert_eq!(parenthesized_names("SANTOS, Ahmad (Ahmed)", true), ["SANTOS, Ahmed"]);
        assert_eq!(
            parenthesized_names("KANAAN, Maustaf Fawzi (Faouzi)", true),
            ["KANAAN, Maustaf Faouzi"]
        );
    }

    #[test]
    fn notes_single_words_and_inner_parentheses_give_nothing() {
        for (value, person) in [
            ("ZIMBABWE DEFENCE INDUSTRIES (PVT) LTD.", false),
            ("M AND S SYNDICATE (PVT)", false),
            ("PO YING JEWELLERY (HK)", false),
            ("RIYADUS-SALIKHIN BATTALION OF SHAHIDS (MARTYRS)", false),
            ("PASDARAN-E ENGHELAB-E ISLAMI (PASDARAN)", false),
            ("ANGULO OROBIO (SEGUNDO), Jose Francisco", true),
            ("SECOND ACADEMY OF NATURAL SCIENCES (KPE.018)", false),
            ("Jose (Pepe) Luis", true),
            ("(FIF)", false),
            ("SANTOS, Ahmad (Ahmed Ali)", true),
            ("PARTIDO COMUNISTA DEL PERU (COMMUNIST PARTY OF PERU)", false),
            ("IMAM KHOMEINI RELIEF COMMITTEE (LEBANON BRANCH)", false),
            ("BANK VTB 24 (ZAKRYTOE AKTSIONERNOE OBSHCHESTVO)", false),
        ] {
            assert!(parenthesized_names(value, person).is_empty(), "{value}");
        }
    }

    #[test]
    fn acronyms_are_initials_in_order() {
        assert!(is_acronym_of("IRGC", "ISLAMIC REVOLUTIONARY GUARD CORPS"));
        assert!(is_acronym_of("ISISWAP", "Islamic State of Iraq and Syria West Africa Province"));
        assert!(is_acronym_of("LRM/A", "Lord’s Resistance Movement/Army"));
        assert!(!is_acronym_of("MARTYRS", "BATTALION OF SHAHIDS"));
        assert!(!is_acronym_of("AB", "Alpha Beta"));
        assert!(!is_acronym_of("CGI", "GENERAL COMMERCE INTERNATIONAL"));
    }
}
