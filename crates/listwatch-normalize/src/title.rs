//! Titles, offices and ranks that callers write before a person's name ("President", "Dr.",
//! "Herr", "Präsident", "presidente", "général", "президент", "الشيخ"), in many languages.
//!
//! Lists rarely put these in a name, but screening queries often do. Unlike the honorifics of
//! [`tokenize`](crate::tokenize), which are dropped wherever they stand, most of these words are
//! also ordinary words of company names ("General Trading", "Premier Bank"), so they are only
//! recognised as a leading run ([`leading_title_words`]) and the caller decides whether the name
//! is a person's.

#[cfg(test)]
mod tests;

/// Folded titles, offices and ranks. Each is a word that, at the start of a person's name, names
/// a position rather than the person. Words that are also common given names ("Amir", "Don",
/// "Sultan", "Imam") or start many company names ("Premier", "Major") are left out; "major"
/// is a modifier ("major general").
const TITLES: &[&str] = &[
    // Heads of state and government, ministers, members of parliament, governors, judges,
    // diplomats: English, German, French, Spanish, Italian, Portuguese, Dutch, Polish, Russian
    // (folded from Cyrillic), Turkish.
    "president",
    "presidente",
    "presidenta",
    "praesident",
    "prasident",
    "prezident",
    "prezydent",
    "presidentti",
    "cumhurbaskani",
    "vicepresident",
    "vicepresidente",
    "chancellor",
    "kanzler",
    "bundeskanzler",
    "minister",
    "ministro",
    "ministra",
    "ministre",
    "ministr",
    "bundesminister",
    "secretary",
    "secretario",
    "senator",
    "senador",
    "senadora",
    "senatore",
    "senateur",
    "deputat",
    "deputado",
    "diputado",
    "diputada",
    "deputy",
    "governor",
    "gobernador",
    "governador",
    "gouverneur",
    "gubernator",
    "mayor",
    "alcalde",
    "burgermeister",
    "buergermeister",
    "judge",
    "juez",
    "richter",
    "ambassador",
    "embajador",
    "ambassadeur",
    "botschafter",
    "posol",
    "consul",
    "konsul",
    "chairman",
    "chairwoman",
    "director",
    "directeur",
    "direktor",
    "direttore",
    "ceo",
    // Military and police ranks.
    "general",
    "generala",
    "generalmajor",
    "generalleutnant",
    "generaloberst",
    "colonel",
    "coronel",
    "colonnello",
    "oberst",
    "polkovnik",
    "podpolkovnik",
    "lieutenant",
    "leytenant",
    "teniente",
    "tenente",
    "captain",
    "capitan",
    "kapitan",
    "capitaine",
    "hauptmann",
    "commander",
    "comandante",
    "commandant",
    "kommandeur",
    "admiral",
    "almirante",
    "amiral",
    "marshal",
    "marshall",
    "mariscal",
    "marechal",
    "marszalek",
    "brigadier",
    "brigadeiro",
    "sergeant",
    "sargento",
    "mayor",
    // Forms of address and academic or professional titles.
    "herr",
    "frau",
    "fraulein",
    "monsieur",
    "madame",
    "mademoiselle",
    "mme",
    "mlle",
    "senor",
    "senora",
    "senorita",
    "sr",
    "sra",
    "srta",
    "signor",
    "signora",
    "sig",
    "sra",
    "dona",
    "gospodin",
    "gospozha",
    "pan",
    "pani",
    "doctor",
    "doctora",
    "doktor",
    "docteur",
    "doutor",
    "dott",
    "dottore",
    "dottoressa",
    "professor",
    "profesor",
    "professeur",
    "professore",
    "ingeniero",
    "ingeniera",
    "ingenieur",
    "ingegnere",
    "engineer",
    "ing",
    "licenciado",
    "licenciada",
    "lic",
    "abogado",
    "arq",
    "mag",
    "dipl",
    // Religious and traditional titles.
    "ayatollah",
    "ayatullah",
    "hojatoleslam",
    "mufti",
    "prince",
    "princess",
    "prinz",
    "principe",
    "king",
    "queen",
    "shaikha",
    "sheikha",
    "sheykh",
    // The Persian and Arabic title of the Prophet's descendants ("Seyed Ali Khamenei"); "Sayed"
    // and "Syed" are also given names, and are left out.
    "seyed",
    "seyyed",
    "sayyid",
    // Arabic script, folded without short vowels (the article is split off as "al").
    "shikh",
    "shykh",
    "dktur",
    "dktwr",
    "ris",
    "rys",
    "wzir",
    "wzyr",
    "lwa",
    "aqid",
    "amid",
    "fariq",
    "mhndis",
    "ustadh",
    "ustaz",
    "raees",
    "rais",
    "wazir",
    "duktur",
    "liwa",
];

/// Words that only make a title together with one after them ("deputy minister", "vice
/// president", "major general", "monsieur le ministre").
const TITLE_MODIFIERS: &[&str] = &[
    "deputy",
    "vice",
    "prime",
    "first",
    "acting",
    "former",
    "ex",
    "chief",
    "supreme",
    "grand",
    "lieutenant",
    "major",
    "brigadier",
    "senior",
    "state",
    "stellvertretender",
    "vize",
    "vizepraesident",
    "le",
    "la",
    "el",
    "al",
    "der",
    "die",
    "de",
    "del",
    "di",
    "of",
    "the",
    "zamestitel",
    "pervyy",
    "general",
    "mayor",
];

/// Whether a folded word is a title, office or rank (one of the list above).
pub fn is_title(word: &str) -> bool {
    TITLES.contains(&word)
}

/// The number of leading words of `words` (folded) that form titles: a run of titles and title
/// modifiers that ends with a title ("president", "deputy minister", "monsieur le ministre",
/// "al shikh"). Zero when the name does not start with a title. The caller keeps at least one
/// word of the name.
///
/// ```
/// use listwatch_normalize::leading_title_words;
///
/// assert_eq!(leading_title_words(&["deputy", "minister", "olga", "shuvalova"]), 2);
/// assert_eq!(leading_title_words(&["al", "shikh", "ans", "khtab"]), 2);
/// assert_eq!(leading_title_words(&["prime", "holdings"]), 0);
/// ```
pub fn leading_title_words(words: &[&str]) -> usize {
    let mut end = 0;
    for (idx, word) in words.iter().enumerate() {
        if is_title(word) {
            end = idx + 1;
        } else if !TITLE_MODIFIERS.contains(word) {
            break;
        }
    }
    end
}
