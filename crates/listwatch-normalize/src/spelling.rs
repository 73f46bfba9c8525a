//! Spellings of one name across languages: classes of equivalent given names (a data table,
//! `data/name_equivalents.tsv`) and a spelling key that writes the conventions of other
//! languages for Russian and other Slavic names one way (German w and sch, Dutch oe, Polish sz
//! and cz, Latvian and Lithuanian endings).

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::fold::fold;

#[cfg(test)]
mod tests;

const NAME_EQUIVALENTS_TSV: &str = include_str!("../data/name_equivalents.tsv");

/// Folded spelling to class number.
static CLASSES: LazyLock<HashMap<String, u16>> = LazyLock::new(|| {
    let mut classes = HashMap::new();
    let rows = NAME_EQUIVALENTS_TSV.lines().filter(|line| !line.starts_with('#'));
    for (class, line) in rows.filter(|line| !line.trim().is_empty()).enumerate() {
        let class = u16::try_from(class).unwrap_or(u16::MAX);
        for spelling in line.split('\t') {
            let folded = fold(spelling);
            // One word per spelling; the first class a spelling appears in keeps it.
            if !folded.is_empty() && !folded.contains(' ') {
                classes.entry(folded).or_insert(class);
            }
        }
    }
    classes
});

/// The class of equivalent given names a folded word belongs to, from the table of name
/// equivalents: Yevgeny, Evgeniy and Jewgeni share one, Yusuf, Youssef and Joseph another.
///
/// ```
/// use listwatch_normalize::given_name_class;
///
/// assert_eq!(given_name_class("jewgeni"), given_name_class("yevgeniy"));
/// assert_eq!(given_name_class("youssef"), given_name_class("joseph"));
/// assert_ne!(given_name_class("mikhail"), given_name_class("yevgeniy"));
/// assert_eq!(given_name_class("putin"), None);
/// ```
pub fn given_name_class(word: &str) -> Option<u16> {
    CLASSES.get(word).copied()
}

/// A key that two spellings of one name by the conventions of different languages share: the
/// folded word with German "w" for "v", "sch" and "tsch" ("Prigoschin", "Timtschenko"), Polish
/// "sz", "cz" and "rz", Dutch "oe" and French "ou" for "u" ("Poetin"), "x" for "ks", "kh" and
/// "zh" as "h" and "sh", "ts" and German "tz" as the "c" of Polish and Czech ("Hotincev"),
/// "-vich" however it is written ("Rabinowitz", "Milosevic"), Hungarian "sz", "s", "cs", "zs", "gy", "ty" and "ny" in a word that
/// shows Hungarian spelling ("Szergej", "Medvegyev", "Tyimcsenko"), "ye", "je" and "ie" at the
/// start as "e", "j" after a vowel as "y" (and a first "j" before a, o or u, in a word with
/// German or Polish spellings), endings "-iy", "-ij", "-yj", "-y", "-ii" and "-i"
/// alike, the Latvian "-s" and Lithuanian "-as" of a name dropped ("Putins", "Putinas"),
/// and doubled letters written once.
///
/// It is meant for equality: two words with one key are spellings of one name in all
/// likelihood. Words of fewer than four letters are returned as they are.
///
/// ```
/// use listwatch_normalize::spelling_key;
///
/// assert_eq!(spelling_key("iwanow"), spelling_key("ivanov"));
/// assert_eq!(spelling_key("poetin"), spelling_key("putin"));
/// assert_eq!(spelling_key("putinas"), spelling_key("putin"));
/// assert_eq!(spelling_key("prigoschin"), spelling_key("prigozhin"));
/// assert_eq!(spelling_key("timtschenko"), spelling_key("timchenko"));
/// assert_eq!(spelling_key("dmitrij"), spelling_key("dmitriy"));
/// assert_eq!(spelling_key("medvegyev"), spelling_key("medvedev"));
/// assert_eq!(spelling_key("tyimcsenko"), spelling_key("timchenko"));
/// assert_eq!(spelling_key("hotincev"), spelling_key("khotintsev"));
/// assert_eq!(spelling_key("jermakov"), spelling_key("ermakov"));
/// assert_eq!(spelling_key("rabinowitz"), spelling_key("rabinovich"));
/// assert_eq!(spelling_key("milosevic"), spelling_key("milosevich"));
/// assert_eq!(spelling_key("janukowytsch"), spelling_key("yanukovych"));
/// assert_ne!(spelling_key("jang"), spelling_key("yang"));
/// ```
pub fn spelling_key(word: &str) -> String {
    if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    let mut text = if is_hungarian_spelling(word) { hungarian(word) } else { word.to_owned() };
    // German and Polish write the "y" of "ya", "yu" and "yo" as "j" ("Janukowytsch", "Jakowlew",
    // "Juschtschenko"); read so only in a word that shows those spellings otherwise, since
    // English, Spanish and Korean "j" is another sound ("Jang" and "Yang" are two surnames).
    let germanic = ["w", "sch"].iter().any(|mark| word.contains(mark))
        || ["ij", "ej", "ow", "ew"].iter().any(|ending| word.ends_with(ending));
    if germanic
        && let Some(rest) = text.strip_prefix('j').filter(|r| r.starts_with(['a', 'o', 'u']))
    {
        text = format!("y{rest}");
    }
    // A first "e" is "ye", "je" or Ukrainian "ie" in some systems and "e" in others
    // ("Yermakov", "Jermakov", "Iermakov", "Ermakov").
    if let Some(rest) = ["je", "ye", "ie"].iter().find_map(|start| text.strip_prefix(start)) {
        text = format!("e{rest}");
    }
    for (from, to) in [
        ("tsch", "ch"),
        ("sch", "sh"),
        ("sz", "sh"),
        ("cz", "ch"),
        ("rz", "zh"),
        ("zh", "sh"),
        ("kh", "h"),
        ("x", "ks"),
        ("w", "v"),
        ("ts", "c"),
        ("tz", "c"),
        ("oe", "u"),
        ("ou", "u"),
        ("ph", "f"),
    ] {
        if text.contains(from) {
            text = text.replace(from, to);
        }
    }
    // German and Polish "j" after a vowel is "y" ("Malofejew", "Sergej").
    let bytes = text.as_bytes();
    let mut with_y = String::with_capacity(text.len());
    for (idx, &b) in bytes.iter().enumerate() {
        let after_vowel = idx > 0 && b"aeiou".contains(&bytes[idx - 1]);
        with_y.push(if b == b'j' && after_vowel { 'y' } else { char::from(b) });
    }
    text = with_y;
    // Endings: Latvian "-s" and Lithuanian "-as" after a consonant-final Russian name, then
    // the transliterations of "-ий" / "-ый".
    let n = text.len();
    if n >= 7 && ["ovas", "evas", "inas", "ynas"].iter().any(|e| text.ends_with(e)) {
        text.truncate(n - 2);
    } else if n >= 6
        && text.ends_with('s')
        && text.as_bytes().get(n - 2).is_some_and(|&b| !b"aeiouys".contains(&b))
    {
        text.truncate(n - 1);
    }
    // The patronymic-like ending "-vich" as Serbian, Croatian and Czech ("-vić", "-vič"),
    // Polish ("-wicz") and German and Yiddish ("-witz") write it.
    if text.len() >= 6 && text.ends_with("vic") {
        text.push('h');
    }
    for ending in ["iy", "ij", "yj", "ii", "yi"] {
        if text.len() >= 5 && text.ends_with(ending) {
            text.truncate(text.len() - 2);
            text.push('i');
            break;
        }
    }
    if text.len() >= 5 && text.ends_with('y') {
        text.pop();
        text.push('i');
    }
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if !key.ends_with(c) {
            key.push(c);
        }
    }
    key
}

/// Whether a folded word is written by Hungarian conventions: it has "sz", "cs" or "zs", "gy"
/// before a vowel, "tyi" or "nyi", or the ending "ics" (Hungarian "-vics" for "-vich"), and
/// none of the letters that Polish and German write and Hungarian does not ("w", "cz", "rz",
/// "sch"). Polish also
/// writes "sz", so a Polish word without those letters ("Szymon") is read as Hungarian; its
/// key then differs from the Polish reading by one letter at most, which edits still bridge.
fn is_hungarian_spelling(word: &str) -> bool {
    if ["w", "cz", "rz", "sch"].iter().any(|polish| word.contains(polish)) {
        return false;
    }
    let bytes = word.as_bytes();
    // "gy" before a vowel, and "ty" and "ny" before "i", which English spellings of Russian
    // names do not write ("Vlagyimir", "Putyin", "Jevgenyij").
    let soft = bytes.windows(3).any(|w| {
        (w[0] == b'g' && w[1] == b'y' && b"aeiou".contains(&w[2]))
            || (matches!(w[0], b't' | b'n') && w[1] == b'y' && w[2] == b'i')
    });
    ["sz", "cs", "zs"].iter().any(|digraph| word.contains(digraph)) || soft || word.ends_with("ics")
}

/// A Hungarian spelling written as English writes the sounds (the Hungarian academic rules for
/// writing Russian names, AkH. 12th edition, 217-219, in reverse): "sz" as "s", "s" as "sh",
/// "cs" as "ch", "zs" as "zh", "j" as "y", and the soft "gy", "ty", "ny" as "d", "t", "n"
/// ("Vlagyimir Putyin", "Gennagyij Tyimcsenko", "Vjacseszlav").
fn hungarian(word: &str) -> String {
    let bytes = word.as_bytes();
    let mut out = String::with_capacity(word.len() + 2);
    let mut idx = 0;
    while idx < bytes.len() {
        let next = bytes.get(idx + 1).copied();
        let (text, used) = match (bytes[idx], next) {
            (b's', Some(b'z')) => ("s", 2),
            (b'c', Some(b's')) => ("ch", 2),
            (b'z', Some(b's')) => ("zh", 2),
            (b'g', Some(b'y')) => ("d", 2),
            (b't', Some(b'y')) => ("t", 2),
            (b'n', Some(b'y')) => ("n", 2),
            (b's', _) => ("sh", 1),
            (b'j', _) => ("y", 1),
            (b, _) => {
                out.push(char::from(b));
                idx += 1;
                continue;
            }
        };
        out.push_str(text);
        idx += used;
    }
    out
}
