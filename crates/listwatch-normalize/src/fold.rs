//! Folding: from any Unicode text to lowercase ASCII words separated by single spaces.

use crate::korean::korean_romanizations;
use crate::translit::{self, Sink, han};

#[cfg(test)]
mod tests;

/// Folds `text` to lowercase ASCII letters and digits in words separated by single spaces.
///
/// The steps are: NFKC; lowercasing; transliteration of non-Latin scripts (see the crate docs);
/// diacritics stripped after NFKD; letters without a decomposition mapped by hand
/// (ł ø ß đ ı æ œ þ -> l o ss d i ae oe th). Apostrophes inside a word are dropped
/// ("O'Brien" -> "obrien"); every other character that is not a letter or digit, hyphens
/// included, separates words. Each Han character becomes a word of its own, its pinyin without
/// tones.
///
/// The result is idempotent: `fold(&fold(x)) == fold(x)`.
///
/// ```
/// use listwatch_normalize::fold;
///
/// assert_eq!(fold("  Łódź–Straße  "), "lodz strasse");
/// assert_eq!(fold("Αλέξης Τσίπρας"), "alexis tsipras");
/// assert_eq!(fold("Jean-Pierre  O’Neil"), "jean pierre oneil");
/// ```
pub fn fold(text: &str) -> String {
    let mut writer = FoldWriter::with_capacity(text.len());
    translit::transliterate(text, &mut writer);
    writer.finish()
}

/// Tells whether `text` is already folded, that is whether [`fold`] would return it unchanged.
///
/// Folded text is made of words of ASCII lowercase letters and digits, separated by single
/// spaces, with no space at either end. The empty string is folded.
pub fn is_folded(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut previous_was_space = false;
    for &byte in bytes {
        match byte {
            b'a'..=b'z' | b'0'..=b'9' => previous_was_space = false,
            b' ' if !previous_was_space => previous_was_space = true,
            _ => return false,
        }
    }
    true
}

/// Returns the pinyin readings of a Han character, without tones, most common first.
///
/// Readings that differ only by tone are given once. Readings are folded (`"lü"` is given as
/// `"lu"`). Characters that are not Han, or that the pinyin table does not know, give an empty
/// list.
///
/// ```
/// use listwatch_normalize::han_readings;
///
/// assert_eq!(han_readings('行'), ["xing", "hang", "heng"]);
/// assert_eq!(han_readings('中'), ["zhong"]);
/// assert!(han_readings('a').is_empty());
/// ```
pub fn han_readings(c: char) -> Vec<&'static str> {
    han::readings(c)
}

/// Folds `text` once per combination of the readings of its polyphonic Han characters.
///
/// The first variant is always [`fold`]`(text)`. Further variants change the readings of the
/// Han characters, the last character first, in the order [`han_readings`] gives them. At most
/// `max_variants` strings are returned (but at least one), since the number of combinations grows
/// exponentially with the number of polyphonic characters.
///
/// A name in Han characters alone also gets its Korean (hanja) reading, folded and in the
/// spelling of [`korean_romanization`](crate::korean_romanization), after at most
/// `max_variants - 2` pinyin variants: a Korean name may be written in hanja, and Chinese writes
/// Korean names in Han characters ("金正恩", Kim Jong Un). A Hangul name also gets its
/// McCune-Reischauer spellings. Arabic script with the letters ض, ذ, ظ or ث also gets its
/// Persian, Dari, Pashto and Urdu reading, where they sound z and s ("فضل" is "fdl" in Arabic,
/// "fzl" as "Fazl"). Arabic script with ج, ظ or ش also gets a reading for each with its regional
/// spelling: jim as Egyptian "g" ("جمال" is "gmal" as "Gamal"), za as the "d" of North African,
/// Iraqi and Somali spellings ("حافظ" is "hafd" as "Hafedh"), shin as the French "ch" of North
/// African spellings ("رشيد" is "rchid" as "Rachid"). Greek text also gets the spelling of
/// foreign names in Greek ("Σεργκέι Λαβρόφ" as "sergei lavrov"). Other text has a single variant.
///
/// ```
/// use listwatch_normalize::fold_variants;
///
/// assert_eq!(fold_variants("银行", 8), ["yin xing", "yin hang", "yin heng", "eun haeng"]);
/// assert_eq!(fold_variants("Bank", 8), ["bank"]);
/// ```
pub fn fold_variants(text: &str, max_variants: usize) -> Vec<String> {
    // A name in Han characters alone may be Korean (hanja, or a Korean name as Chinese writes
    // it: "金正恩" for Kim Jong Un): two places are kept for its Korean reading.
    let han_only = is_han_name(text);
    let pinyin_variants = if han_only { max_variants.saturating_sub(2) } else { max_variants };
    let mut variants = han_variants(text, pinyin_variants.max(1));
    if han_only {
        let hangul = hanja_hangul::Converter::global().convert(text);
        if hangul != text {
            let folded = fold(&hangul);
            let korean = korean_romanizations(&folded);
            for variant in std::iter::once(folded).chain(korean) {
                add_variant(&mut variants, max_variants, variant);
            }
        }
    }
    if is_hangul_name(text)
        && let Some(folded) = variants.first().cloned()
    {
        // The first syllable alone voiceless ("pak bong nam"), or every syllable ("ri pyong
        // chol"): North Korean spellings do both.
        for every_syllable in [false, true] {
            add_variant(&mut variants, max_variants, hangul_mr(&folded, every_syllable));
        }
    }
    // Russian and other Cyrillic names in the scholarly transliteration of Czech, Slovak,
    // Croatian and Slovene texts and of ISO 9 ("Vjačeslav Michajlovič Šuvalov"), also in the
    // English style of the US and UN lists ("Vyacheslav Mikhaylovich Shuvalov").
    if variants.len() < max_variants && text.contains(['č', 'š', 'ž', 'Č', 'Š', 'Ž']) {
        add_variant(&mut variants, max_variants, fold(&scholarly_as_english(text)));
    }
    // Greek text as Greek writes foreign names ("Σεργκέι Λαβρόφ", Sergei Lavrov).
    if variants.len() < max_variants && text.chars().any(crate::translit::greek::is_greek) {
        add_variant(
            &mut variants,
            max_variants,
            fold(&crate::translit::greek::as_foreign_name(text)),
        );
    }
    // Thai text as Thai writes foreign names ("เซอร์เกย์ ลาฟรอฟ", Sergey Lavrov).
    if variants.len() < max_variants && text.chars().any(crate::translit::thai::is_thai) {
        add_variant(
            &mut variants,
            max_variants,
            fold(&crate::translit::thai::as_foreign_name(text)),
        );
    }
    // Letters of Hebrew and Arabic script, which alone have other readings, and which write no
    // Korean names.
    let unvowelled = text.chars().any(|c| matches!(u32::from(c), 0x0590..=0x08FF));
    for reading in SCRIPT_READINGS.iter().filter(|_| unvowelled) {
        if variants.len() < max_variants
            && let Some(read) = read_letters(text, reading)
        {
            add_variant(&mut variants, max_variants, fold(&read));
        }
    }
    // A Hebrew name whose family name keeps bet, kaf and pe hard, as family names from other
    // languages do, while its given names read them by their place ("אביגדור ליברמן" is Avigdor
    // Lieberman).
    if let Some((given, family)) = text.trim_end().rsplit_once(' ')
        && let Some(hard) = read_letters(family, HEBREW_HARD)
    {
        add_variant(&mut variants, max_variants, fold(&format!("{given} {hard}")));
    }
    // Arabic script writing a foreign name, where fa and a consonant waw write "v" ("لافروف" and
    // "لاوروف" are Lavrov, "فولودين" Volodin), which Arabic and Persian lack.
    let arabic = text
        .chars()
        .any(|c| matches!(u32::from(c), 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF));
    // Each reading so far gets one (an Arabic-script fold writes "f" only for fa).
    if arabic {
        for variant in variants.clone() {
            if variant.contains(['f', 'w']) {
                add_variant(&mut variants, max_variants, variant.replace(['f', 'w'], "v"));
            }
        }
    }
    if text.chars().any(|c| matches!(u32::from(c), 0x0900..=0x0D7F)) {
        for variant in crate::translit::indic::foreign_readings(text) {
            add_variant(&mut variants, max_variants, variant);
        }
    }
    // Cyrillic of Kazakh, Uzbek, Kyrgyz and Tajik (told by a letter of their own; "і" and "ў"
    // are Ukrainian and Belarusian too), whose official Latin spellings write "ж" as "j"
    // ("Қасым-Жомарт Тоқаев" is Kassym-Jomart Tokayev), where those of Russian write "zh".
    if text.contains(['ж', 'Ж']) && text.chars().any(|c| CENTRAL_ASIAN_LETTERS.contains(c)) {
        add_variant(&mut variants, max_variants, fold(&text.replace(['ж', 'Ж'], "j")));
    }
    // A Korean name, in Hangul or romanized by any system, also in the one spelling that every
    // system's spelling of it shares; not one in Hebrew or Arabic script, whose consonant
    // spellings ("dud lui") would pass for romanized syllables.
    if let Some(first) = variants.first().filter(|_| !unvowelled) {
        for korean in korean_romanizations(first) {
            add_variant(&mut variants, max_variants, korean);
        }
    }
    variants
}

/// Other readings of letters of Arabic and Hebrew script, each giving a variant of its own (a name
/// is spelt in one region's or one tradition's way), as letters mapped to the text whose folding
/// spells them so.
const SCRIPT_READINGS: &[&[(char, &str)]] = &[
    // Hebrew: vav as the consonant "v" ("דוד" is "David"); het and kaf as the "ch" of names
    // spelt the Yiddish and German way ("Chaim", "Zicherman"), alone and with that vav; tsadi
    // as "z" ("Zvi", "Zion"); shin as sin, "s" ("ישראל" is "Yisrael"); and the last three with
    // pe as "p" at once, as names of Yiddish origin are spelt ("גופשטיין" is "Gopstein"). The
    // hard reading of bet, kaf and pe follows.
    &[('ו', "װ")],
    &[('ח', "צ׳"), ('כ', "צ׳"), ('ך', "צ׳")],
    &[('ו', "װ"), ('ח', "צ׳"), ('כ', "צ׳"), ('ך', "צ׳")],
    &[('צ', "ז"), ('ץ', "ז")],
    &[('ש', "ס")],
    &[
        ('ח', "צ׳"),
        ('כ', "צ׳"),
        ('ך', "צ׳"),
        ('צ', "ז"),
        ('ץ', "ז"),
        ('ש', "ס"),
        ('פ', "p"),
        ('ף', "p"),
    ],
    // Bet, kaf and pe hard in every place, as names and loanwords often keep them ("ליברמן" is
    // "Lieberman", "ארבל" "Arbel", "אקספרס" "Express"), where the rule of the letter's place
    // reads "v", "kh" and "f".
    HEBREW_HARD,
    // Persian, Dari, Pashto and Urdu, where ض, ذ and ظ sound z and ث sounds s ("فضل" is "Fazl").
    &[('ض', "ز"), ('ذ', "ز"), ('ظ', "ز"), ('ث', "س")],
    // Egyptian jim, "g" ("Gamal", "Naguib", "Ragab", "Hegazy").
    &[('ج', "گ")],
    // Eastern Pashto, where ښ and ږ sound "kh" and "g" ("Pakhtun" for "Pashtun").
    &[('ښ', "خ"), ('ږ', "گ")],
    // North African, Iraqi and Somali za, "d", "dh" or "th" ("Hafedh", "Abdelhafid", "Nadhim",
    // "Kathim", "Dahir"), which the "d" of this reading meets by sound.
    &[('ظ', "د")],
    // North African shin in French spelling, "ch" ("Rachid", "Achour", "Chaouch", "Cheikh"),
    // which the "ch" of Persian che spells.
    &[('ش', "چ")],
];

/// Cyrillic letters of Kazakh, Uzbek, Kyrgyz and Tajik that Russian lacks, in both cases.
const CENTRAL_ASIAN_LETTERS: &str = "әӘғҒқҚңҢөӨұҰүҮһҺҳҲҷҶӣӢӯӮ";

/// Hebrew bet, kaf and pe read hard ([`SCRIPT_READINGS`]).
const HEBREW_HARD: &[(char, &str)] = &[('ב', "b"), ('כ', "k"), ('ך', "k"), ('פ', "p"), ('ף', "p")];

/// `text` with the letters of `reading` replaced by what it maps them to; `None` if it has none
/// of them.
fn read_letters(text: &str, reading: &[(char, &str)]) -> Option<String> {
    let other = |c: char| reading.iter().find(|&&(letter, _)| letter == c).map(|&(_, to)| to);
    if !text.chars().any(|c| other(c).is_some()) {
        return None;
    }
    let mut read = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match other(c) {
            Some(to) => read.push_str(to),
            None => read.push(c),
        }
    }
    Some(read)
}

/// Adds `variant` unless it is there already or `max_variants` are.
fn add_variant(variants: &mut Vec<String>, max_variants: usize, variant: String) {
    if variants.len() < max_variants && !variants.contains(&variant) {
        variants.push(variant);
    }
}

/// A name in the scholarly transliteration of Cyrillic written as English writes it: "č" (and
/// Croatian "ć") as "ch", "š" as "sh", "ž" as "zh", "ch" (Cyrillic х) as "kh", any other "c"
/// (ц) as "ts", and "j" as "y" ("ja", "ju", "je" and "й"). Letter case is not kept; the result
/// is folded.
fn scholarly_as_english(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().flat_map(char::to_lowercase).peekable();
    while let Some(c) = chars.next() {
        match c {
            'č' | 'ć' => out.push_str("ch"),
            'š' => out.push_str("sh"),
            'ž' => out.push_str("zh"),
            'c' if chars.peek() == Some(&'h') => {
                chars.next();
                out.push_str("kh");
            }
            'c' => out.push_str("ts"),
            'j' => out.push('y'),
            other => out.push(other),
        }
    }
    out
}

/// Whether `text` is written in Han characters (its letters are Han characters).
fn is_han_name(text: &str) -> bool {
    written_in(text, han::is_han)
}

/// Whether `text` is written in Hangul (its letters are Hangul syllables).
fn is_hangul_name(text: &str) -> bool {
    written_in(text, |c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// Whether `text` has letters, all of them of the script `is_of`.
fn written_in(text: &str, is_of: impl Fn(char) -> bool) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(is_of)
}

/// A folded Hangul name (Revised Romanization, one syllable a word) in the spelling of the
/// McCune-Reischauer tradition that North Korean names and the lists use, without its
/// diacritics: a plain initial stop is voiceless ("gim" -> "kim", "bak" -> "pak", "dong" ->
/// "tong"; in the first syllable only unless `every_syllable`), "eo" and "eu" are "o" and "u"
/// ("jeong eun" -> "jong un", "byeong cheol" -> "pyong chol").
fn hangul_mr(folded: &str, every_syllable: bool) -> String {
    folded
        .split(' ')
        .enumerate()
        .map(|(idx, syllable)| {
            let first = if idx == 0 || every_syllable { syllable.as_bytes().first() } else { None };
            let mut word = match first {
                Some(b'g') if !syllable.starts_with("gg") => format!("k{}", &syllable[1..]),
                Some(b'd') if !syllable.starts_with("dd") => format!("t{}", &syllable[1..]),
                Some(b'b') if !syllable.starts_with("bb") => format!("p{}", &syllable[1..]),
                _ => syllable.to_owned(),
            };
            word = word.replace("eo", "o").replace("eu", "u");
            word
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Han-reading variants of [`fold_variants`].
fn han_variants(text: &str, max_variants: usize) -> Vec<String> {
    let mut recorder = PieceRecorder::default();
    translit::transliterate(text, &mut recorder);
    let pieces = recorder.pieces;

    // One list of readings per Han piece; a character without readings keeps its default output.
    let readings: Vec<Vec<&'static str>> = pieces
        .iter()
        .filter_map(|piece| match piece {
            Piece::Han(c) => Some(han::readings(*c)),
            Piece::Text(_) => None,
        })
        .map(|readings| if readings.is_empty() { vec![""] } else { readings })
        .collect();

    let max_variants = max_variants.max(1);
    let mut variants: Vec<String> = Vec::new();
    // `choice` is a mixed-radix counter over the readings of each Han piece, last digit fastest.
    let mut choice = vec![0usize; readings.len()];
    loop {
        let mut writer = FoldWriter::with_capacity(text.len());
        let mut han_idx = 0;
        for piece in &pieces {
            match piece {
                Piece::Text(text) => writer.push_str(text),
                Piece::Han(c) => {
                    let reading = readings[han_idx][choice[han_idx]];
                    if reading.is_empty() {
                        writer.push_han(*c);
                    } else {
                        writer.push_word(reading);
                    }
                    han_idx += 1;
                }
            }
        }
        let variant = writer.finish();
        if !variants.contains(&variant) {
            variants.push(variant);
        }
        if variants.len() >= max_variants || !advance(&mut choice, &readings) {
            return variants;
        }
    }
}

/// Moves the mixed-radix counter `choice` one step; returns false once it has wrapped around.
fn advance(choice: &mut [usize], readings: &[Vec<&'static str>]) -> bool {
    for (digit, options) in choice.iter_mut().zip(readings).rev() {
        *digit += 1;
        if *digit < options.len() {
            return true;
        }
        *digit = 0;
    }
    false
}

/// What the transliteration emits between `FoldWriter` characters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    Nothing,
    /// A word separator: written as one space before the next letter or digit.
    Space,
    /// An apostrophe right after a letter or digit: dropped if a letter or digit follows.
    Apostrophe,
}

/// The last stage of folding: keeps ASCII letters and digits, lowercases them, drops apostrophes
/// inside words, and turns everything else into single spaces between words.
pub(crate) struct FoldWriter {
    folded: String,
    pending: Pending,
}

impl FoldWriter {
    pub(crate) fn with_capacity(capacity: usize) -> FoldWriter {
        FoldWriter { folded: String::with_capacity(capacity), pending: Pending::Nothing }
    }

    pub(crate) fn finish(self) -> String {
        self.folded
    }

    fn push_alphanumeric(&mut self, c: char) {
        if self.pending == Pending::Space && !self.folded.is_empty() {
            self.folded.push(' ');
        }
        self.folded.push(c.to_ascii_lowercase());
        self.pending = Pending::Nothing;
    }

    /// Writes `word` as a word of its own.
    fn push_word(&mut self, word: &str) {
        self.pending = Pending::Space;
        self.push_str(word);
        self.pending = Pending::Space;
    }
}

impl Sink for FoldWriter {
    fn push_str(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' => self.push_alphanumeric(c),
                '\'' | '`' => {
                    // Only an apostrophe straight after a letter or digit can be inside a word.
                    if self.pending == Pending::Nothing && !self.folded.is_empty() {
                        self.pending = Pending::Apostrophe;
                    } else if self.pending != Pending::Apostrophe {
                        self.pending = Pending::Space;
                    }
                }
                _ => self.pending = Pending::Space,
            }
        }
    }

    fn push_han(&mut self, c: char) {
        match han::default_reading(c) {
            Some(reading) => self.push_word(reading),
            None => self.push_word(deunicode::deunicode_char(c).unwrap_or(" ")),
        }
    }
}

/// A piece of transliterated text, kept apart so that Han readings can be varied.
enum Piece {
    Text(String),
    Han(char),
}

/// A [`Sink`] that records the transliteration as pieces instead of folding it.
#[derive(Default)]
struct PieceRecorder {
    pieces: Vec<Piece>,
}

impl Sink for PieceRecorder {
    fn push_str(&mut self, text: &str) {
        if let Some(Piece::Text(last)) = self.pieces.last_mut() {
            last.push_str(text);
        } else {
            self.pieces.push(Piece::Text(text.to_owned()));
        }
    }

    fn push_han(&mut self, c: char) {
        self.pieces.push(Piece::Han(c));
    }
}
