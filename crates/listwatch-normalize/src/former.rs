//! Names that carry other names: "Ocean Pioneer (ex-Cape Diamond)", "BEIRUT CEDAR TRADING SAL,
//! f.k.a. LEBANON CEDAR IMPORT EXPORT SAL", "Acme Ltd d/b/a Acme Freight". Customer files and
//! payment messages write a vessel's or a company's former name, alias or trade name into the name
//! field, and some lists do too; each of those is a name of the same party.

/// A marker that introduces another name of the same party.
struct Marker {
    /// The marker in lowercase, as written (letters outside ASCII only in lowercase: "già").
    text: &'static str,
    /// Whether the marker counts only after an opening parenthesis, a comma or a semicolon, or
    /// written in lowercase in a name that is not: a bare word that can be a word of a name
    /// ("Aka Maru", "Ex Libris").
    needs_context: bool,
}

const MARKERS: &[Marker] = &[
    Marker { text: "formerly known as", needs_context: false },
    Marker { text: "also known as", needs_context: false },
    Marker { text: "doing business as", needs_context: false },
    Marker { text: "trading as", needs_context: false },
    Marker { text: "formerly", needs_context: false },
    Marker { text: "previously", needs_context: false },
    Marker { text: "f.k.a.", needs_context: false },
    Marker { text: "f.k.a", needs_context: false },
    Marker { text: "f/k/a", needs_context: false },
    Marker { text: "a.k.a.", needs_context: false },
    Marker { text: "a.k.a", needs_context: false },
    Marker { text: "a/k/a", needs_context: false },
    Marker { text: "d.b.a.", needs_context: false },
    Marker { text: "d/b/a", needs_context: false },
    Marker { text: "t/a", needs_context: false },
    // German, French, Spanish, Italian, Portuguese and Dutch for "formerly".
    Marker { text: "ehemals", needs_context: false },
    Marker { text: "vormals", needs_context: false },
    Marker { text: "anciennement", needs_context: false },
    Marker { text: "antes", needs_context: true },
    Marker { text: "già", needs_context: true },
    Marker { text: "antigo", needs_context: true },
    Marker { text: "voorheen", needs_context: false },
    Marker { text: "fka", needs_context: true },
    Marker { text: "aka", needs_context: true },
    Marker { text: "dba", needs_context: true },
    Marker { text: "ex", needs_context: true },
];

/// The most names one name gives.
const MAX_PARTS: usize = 6;

/// The names a name holds: itself first, then, when it carries other names of the same party
/// behind a marker ("ex", "f.k.a.", "formerly", "a.k.a.", "d/b/a", "trading as" and their
/// abbreviations, in or out of parentheses), its own name without them and each of the others.
/// Qualifiers after another name ("until 2019") are dropped. A name without markers gives only
/// itself; at most six names.
///
/// ```
/// use listwatch_normalize::name_parts;
///
/// assert_eq!(name_parts("Ocean Pioneer (ex-Cape Diamond)"), ["Ocean Pioneer (ex-Cape Diamond)", "Ocean Pioneer", "Cape Diamond"]);
/// assert_eq!(
///     name_parts("MV Stamatia Horizon (ex-Elenitsa Z, ex-Aegean Lynx)")[1..],
///     ["MV Stamatia Horizon", "Elenitsa Z", "Aegean Lynx"],
/// );
/// assert_eq!(name_parts("Ex Libris Publishing"), ["Ex Libris Publishing"]);
/// assert_eq!(name_parts("KAZE AKA MARU"), ["KAZE AKA MARU"]);
/// ```
pub fn name_parts(raw: &str) -> Vec<&str> {
    let mut parts = vec![raw];
    let cuts = marker_cuts(raw);
    if cuts.is_empty() {
        return parts;
    }
    let own_end = cuts[0].0;
    let mut pieces: Vec<&str> = Vec::new();
    for (k, &(_, after)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(raw.len(), |&(start, _)| start);
        // A parenthesis closed before the next marker ends the other name: what follows it is
        // the party's own name again ("Foo (ex Bar) Ltd" is rare; keep "Bar").
        let piece = &raw[after..end];
        let piece = match piece.find(')') {
            Some(close) => &piece[..close],
            None => piece,
        };
        pieces.push(piece);
    }
    let own = clean(&raw[..own_end]);
    if !own.is_empty() {
        parts.push(own);
    }
    for piece in pieces {
        let piece = drop_qualifier(clean(piece));
        if !piece.is_empty() && !parts.contains(&piece) {
            parts.push(piece);
        }
        if parts.len() == MAX_PARTS {
            break;
        }
    }
    parts
}

/// Where markers stand in `raw`: (start of the marker, end of it), in order. A marker counts
/// when it is a whole word (or "ex-"/"ex:" before a word), something stands before it, and a
/// word follows.
fn marker_cuts(raw: &str) -> Vec<(usize, usize)> {
    // ASCII lowercase keeps every byte in its place, so offsets in `lower` are offsets in `raw`
    // (full lowercasing changes the byte length of some letters: "İ", "ẞ").
    let lower = raw.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let has_uppercase = raw.chars().any(char::is_uppercase);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let boundary_before = at == 0 || !is_word_byte(bytes[at - 1]);
        let found = boundary_before
            .then(|| MARKERS.iter().find(|m| lower[at..].starts_with(m.text)))
            .flatten();
        let Some(marker) = found else {
            at += lower[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut end = at + marker.text.len();
        let dotted = marker.text.ends_with('.');
        // "ex-Cape Diamond", "ex: Cape Diamond".
        if !dotted && end < bytes.len() && matches!(bytes[end], b'-' | b':' | b'.') {
            end += 1;
        }
        let word_after =
            lower[end..].trim_start().chars().next().is_some_and(char::is_alphanumeric);
        let separated_after = end == bytes.len()
            || !is_word_byte(bytes[end])
            || matches!(bytes[end - 1], b'-' | b':' | b'.');
        let before = lower[..at].trim_end();
        let something_before = before.chars().any(char::is_alphanumeric);
        let context = before.ends_with(['(', ',', ';', '[']);
        // A bare lowercase marker in a name with capitals stands out ("Kalliopi Dawn ex Orion
        // Tanager"); in a name written all in one case it may be a word of the name.
        let stands_out =
            has_uppercase && !raw[at..at + marker.text.len()].chars().any(char::is_uppercase);
        let counts = word_after
            && separated_after
            && something_before
            && (!marker.needs_context || context || stands_out);
        if counts {
            cuts.push((at, end));
            at = end;
        } else {
            at += 1;
        }
    }
    cuts
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// A piece without the brackets, commas and spaces around it.
fn clean(piece: &str) -> &str {
    piece.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | ';' | ':' | '-')
    })
}

/// Another name without a qualifier of time after it ("Lindos Harrier until 2019").
fn drop_qualifier(piece: &str) -> &str {
    let lower = piece.to_ascii_lowercase();
    for word in [" until ", " till ", " since ", " from ", " to "] {
        if let Some(at) = lower.rfind(word) {
            let rest = &lower[at + word.len()..];
            if rest.trim().chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '/' || c == '-')
                && rest.trim().chars().any(|c| c.is_ascii_digit())
            {
                return clean(&piece[..at]);
            }
        }
    }
    piece
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::name_parts;

    proptest! {
        #[test]
        fn a_name_gives_itself_first_then_distinct_pieces_of_it(
            text in "[A-Za-z ().,;/:-]{0,40}|(.{0,12}( \\(ex-| f\\.k\\.a\\. |, formerly | d/b/a | ex ).{0,12}){1,3}",
        ) {
            let parts = name_parts(&text);
            prop_assert_eq!(parts[0], text.as_str());
            prop_assert!(parts.len() <= 6);
            for (k, part) in parts.iter().enumerate().skip(1) {
                prop_assert!(!part.is_empty());
                prop_assert!(text.contains(part));
                prop_assert!(!parts[..k].contains(part));
            }
        }
    }

    fn others(raw: &str) -> Vec<&str> {
        name_parts(raw).into_iter().skip(1).collect()
    }

    #[test]
    fn former_names_in_parentheses() {
        assert_eq!(others("Ocean Pioneer (ex-Cape Diamond)"), ["Ocean Pioneer", "Cape Diamond"]);
        assert_eq!(others("MTC 8801 (ex LMT 22)"), ["MTC 8801", "LMT 22"]);
        assert_eq!(
            others("FV KIM HOCK LEONG 33 (EX KIM SOON 23)"),
            ["FV KIM HOCK LEONG 33", "KIM SOON 23"]
        );
        assert_eq!(
            others("Superior Harvester (ex Duluth Harvester, ex Iron Range Harvester)"),
            ["Superior Harvester", "Duluth Harvester", "Iron Range Harvester"]
        );
        assert_eq!(
            others("Theodosia K (ex-Lindos Harrier until 2019)"),
            ["Theodosia K", "Lindos Harrier"]
        );
        assert_eq!(
            others("M/T Rosalind Meadow (f.k.a. Meadow Spirit)"),
            ["M/T Rosalind Meadow", "Meadow Spirit"]
        );
        assert_eq!(
            others(
                "Kenari Food Distribution Sdn. Bhd. (formerly known as Kenari Frozen Foods Sdn. Bhd.)"
            ),
            ["Kenari Food Distribution Sdn. Bhd.", "Kenari Frozen Foods Sdn. Bhd."]
        );
    }

    #[test]
    fn former_names_after_a_comma_or_bare() {
        assert_eq!(
            others("BEIRUT CEDAR TRADING SAL, f.k.a. LEBANON CEDAR IMPORT EXPORT SAL"),
            ["BEIRUT CEDAR TRADING SAL", "LEBANON CEDAR IMPORT EXPORT SAL"]
        );
        assert_eq!(
            others("Dalgleish Rope Works Ltd, formerly Dalgleish & Muir Ropes Ltd"),
            ["Dalgleish Rope Works Ltd", "Dalgleish & Muir Ropes Ltd"]
        );
        assert_eq!(
            others("Olmsbury Grain Corporation f/k/a Olmsbury Milling Corporation"),
            ["Olmsbury Grain Corporation", "Olmsbury Milling Corporation"]
        );
        assert_eq!(others("Kalliopi Dawn ex Orion Tanager"), ["Kalliopi Dawn", "Orion Tanager"]);
        assert_eq!(others("Qamar Al Khaleej ex-Rimal Star"), ["Qamar Al Khaleej", "Rimal Star"]);
        assert_eq!(
            others("Acme Holdings Ltd d/b/a Acme Freight"),
            ["Acme Holdings Ltd", "Acme Freight"]
        );
    }

    #[test]
    fn words_that_only_look_like_markers_stay() {
        for name in [
            "Ex Libris Publishing",
            "KAZE AKA MARU",
            "Kaze Aka Maru",
            "EXPRESS TRADING",
            "Texas Exports (ex)",
            "ALEXANDRA FORMERLYNX",
            "Banco Ex",
            "Dba",
            "ANTES GROUP",
        ] {
            assert_eq!(name_parts(name), [name], "{name}");
        }
    }

    #[test]
    fn any_text_gives_itself_first_and_at_most_six_names() {
        for name in [
            "",
            "(",
            "ex",
            "a (ex-",
            "a (ex- )",
            "Ωmega (ex-Ålpha)",
            "İstanbul ex Ankara",
            "a ex b ex c ex d ex e ex f ex g ex h",
            // Letters whose lowercase is longer and shorter in bytes, which kept the total
            // length of a lowercased copy but moved the places within it.
            "ẞ Kaze aka Maru İ",
            "İ Kaze (aka Maru) ẞ",
            "ẞẞ a ex b İİ",
        ] {
            let parts = name_parts(name);
            assert_eq!(parts[0], name);
            assert!(parts.len() <= 6, "{name}: {parts:?}");
            assert!(parts.iter().skip(1).all(|p| !p.is_empty()), "{name}: {parts:?}");
        }
    }
}
