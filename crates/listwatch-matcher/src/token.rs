//! Tokens of names as the engine sees them: folded words tagged with a kind, their blocking
//! keys, and the similarity of two tokens.
//!
//! The similarity is defined so that candidate generation can be exact: two tokens are similar
//! only if they are equal, within a few edits (optimal string alignment distance), or share a
//! consonant skeleton, a sound key, a spelling key (another language's spelling of one name) or
//! a class of equivalent given names. Each of these has a key that the index stores: the token
//! itself and its deletion neighbourhood for edits, the skeleton, the sound key, the spelling
//! key, the class. Two similar
//! tokens therefore always share a key, and a token's lookup finds every similar token.

use listwatch_model::Schema;
use listwatch_normalize::{
    TokenKind, fold, fold_variants, given_name_class, korean_romanization, korean_romanizations,
    leading_title_words, name_parts, spelling_key, starts_with_run_in_legal_form, tokenize,
    tokenize_whole_words, word_kind,
};

use crate::metrics::jaro_winkler;

use crate::limits::{MAX_EDIT_LEN, MAX_FUZZY_LEN};
pub(crate) use crate::limits::{MAX_HAN_VARIANTS, MAX_READINGS, MAX_TOKENS};

/// What a token is, for weighting and comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A word of the name itself; weighted by rarity and compared fuzzily.
    Normal,
    /// A single letter.
    Initial,
    /// A legal form, by its canonical text ("corporation" for "corp").
    LegalForm,
    /// "al", "bin", "van", "de".
    Particle,
    /// "and", "of", "the".
    StopWord,
}

impl Kind {
    /// Only normal words without digits are compared fuzzily; numbers must be equal.
    /// Words longer than [`MAX_FUZZY_LEN`] are compared by equality alone.
    pub(crate) fn is_fuzzy(self, text: &str) -> bool {
        self == Kind::Normal
            && (2..=MAX_FUZZY_LEN).contains(&text.len())
            && !text.bytes().any(|b| b.is_ascii_digit())
    }
}

/// How two tokens were found to correspond.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Equal after folding (legal forms: equal canonical forms).
    Exact,
    /// A few edits apart (a typo or a transliteration variant).
    Edit,
    /// Equal sound keys (`gadhafi`, `qaddafi`).
    Phonetic,
    /// Equal consonant skeletons (`mhmd`, `mohammed`): how unvowelled Arabic meets Latin.
    Skeleton,
    /// An initial and a word that starts with it.
    Initial,
    /// Words written together on one side and apart on the other (`abdul rahman`, `abdulrahman`).
    Joined,
    /// Spellings of one name by the conventions of different languages (`iwanow`, `ivanov`;
    /// `poetin`, `putin`; `putins`, `putin`).
    Spelling,
    /// Given names that are one name across languages (`yevgeniy`, `jewgeni`; `yusuf`, `joseph`),
    /// from the table of name equivalents.
    Equivalent,
}

impl Method {
    /// The name used in explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Edit => "edit",
            Method::Phonetic => "phonetic",
            Method::Skeleton => "skeleton",
            Method::Initial => "initial",
            Method::Joined => "joined",
            Method::Spelling => "spelling",
            Method::Equivalent => "equivalent",
        }
    }
}

/// A token with the derived texts that comparison needs.
#[derive(Clone, Debug)]
pub(crate) struct Tok {
    pub(crate) text: Box<str>,
    pub(crate) kind: Kind,
    pub(crate) skeleton: Box<str>,
    pub(crate) sound: Box<str>,
    /// Folded from a script that leaves short vowels unwritten (Arabic, Persian, Urdu, Hebrew):
    /// such tokens are compared by skeleton and sound key without further conditions.
    pub(crate) unvowelled: bool,
    /// Read from a script that writes a foreign name syllable by syllable ([`Syllabic`]), and
    /// compared with Latin words by their consonants.
    pub(crate) syllabic: Option<Syllabic>,
    /// The spelling key (`listwatch_normalize::spelling_key`), for fuzzy words of four letters
    /// or more; empty otherwise.
    pub(crate) spelling: Box<str>,
    /// The class of equivalent given names (`listwatch_normalize::given_name_class`); for a
    /// patronymic in pair comparison, the class of the father's name it is made of
    /// ([`Tok::with_patronymic_class`]).
    pub(crate) class: Option<u16>,
    /// A normal word with the ending of an East Slavic, Turkic or Azerbaijani patronymic
    /// ([`is_patronymic`]).
    pub(crate) patronymic: bool,
}

impl Tok {
    pub(crate) fn new(text: &str, kind: Kind) -> Tok {
        let fuzzy = kind.is_fuzzy(text);
        Tok {
            text: text.into(),
            kind,
            skeleton: if fuzzy { consonant_skeleton(text).into() } else { Box::default() },
            sound: if fuzzy { sound_key(text).into() } else { Box::default() },
            unvowelled: false,
            syllabic: None,
            spelling: if fuzzy && text.len() >= 4 {
                spelling_key(text).into()
            } else {
                Box::default()
            },
            class: if fuzzy { given_name_class(text) } else { None },
            patronymic: kind == Kind::Normal && is_patronymic(text),
        }
    }
}

impl Tok {
    /// The token with the class of its father's name if it is a Slavic patronymic
    /// ([`patronymic_class`]). Only pair comparison reads patronymics so: in an index, the
    /// class key would join every entity with a patronymic of a common father's name to the
    /// candidates of a query with one (measured: the median query on a million entities 40%
    /// slower).
    pub(crate) fn with_patronymic_class(mut self) -> Tok {
        if self.patronymic && self.class.is_none() && self.kind.is_fuzzy(&self.text) {
            self.class = patronymic_class(&self.text);
        }
        self
    }
}

impl Tok {
    /// A token without its derived texts (no skeleton, sound key, spelling key or class): only
    /// for a token that is never compared before [`Tok::new`] replaces it.
    pub(crate) fn bare(text: &str, kind: Kind) -> Tok {
        Tok {
            text: text.into(),
            kind,
            skeleton: Box::default(),
            sound: Box::default(),
            unvowelled: false,
            syllabic: None,
            spelling: Box::default(),
            class: None,
            patronymic: false,
        }
    }
}

/// The class of a Slavic patronymic: that of the father's given name it is made of, so that
/// its Russian, Ukrainian and Belarusian forms correspond ("nikolaevich", "mykolaiovych",
/// "mikalaevich"; "vladimirovna", "volodymyrivna"), marked apart from given-name classes (a
/// patronymic is not its father's name) and by gender ("-ovich" is not "-ovna").
fn patronymic_class(word: &str) -> Option<u16> {
    const MALE: &[&str] =
        &["ovich", "evich", "ovych", "evych", "avich", "ovitch", "evitch", "owitsch", "ewitsch"];
    const FEMALE: &[&str] = &["ovna", "evna", "ivna", "owna", "ewna", "auna"];
    let strip = |endings: &[&str]| endings.iter().find_map(|ending| word.strip_suffix(ending));
    let (stem, female) =
        strip(MALE).map(|stem| (stem, false)).or_else(|| strip(FEMALE).map(|stem| (stem, true)))?;
    if stem.len() < 3 {
        return None;
    }
    // The father's name as the patronymic keeps it ("sergeevich": "serge", "sergey"), or with a
    // final "i", "y" or "j" of its stem dropped ("mykolaiovych": "mykola").
    let trimmed = stem.trim_end_matches(['i', 'y', 'j']);
    let class = [stem, trimmed]
        .iter()
        .flat_map(|base| ["", "y", "i", "iy", "a"].map(|end| format!("{base}{end}")))
        .find_map(|name| given_name_class(&name))?;
    let gender = if female { PATRONYMIC_CLASS_FEMALE } else { 0 };
    (class < PATRONYMIC_CLASS_FEMALE).then_some(PATRONYMIC_CLASS | class | gender)
}

/// The bit that marks a patronymic's class ([`patronymic_class`]).
const PATRONYMIC_CLASS: u16 = 0x8000;
/// The bit that marks a woman's patronymic's class.
const PATRONYMIC_CLASS_FEMALE: u16 = 0x4000;

/// Whether a folded word ends as a patronymic does: Russian, Ukrainian and Belarusian
/// ("Arkadyevich", "Romanovych", "Ryhoravich", "Ivanovna", "Petrivna", "Ryhorauna", "Illichna",
/// and as French and German write them: "Anatolievitch", "Anatoljewitsch", "Iwanowna"), or
/// Turkic and Azerbaijani ("Mammadoglu", "Mammad oglu", "Aliyeva kyzy"). Some surnames end so
/// too ("Abramovich"), which is why a patronymic's lower cost applies only when no matched word
/// of the name ends so.
pub(crate) fn is_patronymic(word: &str) -> bool {
    const SLAVIC: &[&str] = &[
        "ovich", "evich", "avich", "ovych", "evych", "vitch", "witsch", "ovna", "evna", "owna",
        "ewna", "ivna", "auna", "ichna",
    ];
    // Also written apart, after the father's name.
    const TURKIC: &[&str] = &["oglu", "ogly", "ogli", "kyzy", "qizi", "kizi"];
    let ends = |endings: &[&str]| endings.iter().any(|ending| word.ends_with(ending));
    TURKIC.contains(&word) || (word.len() >= 6 && (ends(SLAVIC) || ends(TURKIC)))
}

/// Whether `text` holds letters of a script that does not write short vowels.
pub(crate) fn is_unvowelled_script(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(u32::from(c), 0x0590..=0x05FF | 0x0600..=0x06FF | 0x0750..=0x077F
            | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
    })
}

/// A script that writes a foreign name syllable by syllable, giving each consonant a vowel:
/// words read from it are compared with Latin words by their consonants alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Syllabic {
    /// Kana ("ra-bu-ro-fu", Lavrov), and Hangul read as a foreign name
    /// ([`hangul_foreign_name`]): every consonant of the name is written, so the keys of both
    /// spellings are equal ([`kana_similarity`]).
    Kana,
    /// Chinese characters read in pinyin ([`han_foreign_name`]): Chinese syllables end in no
    /// consonant but n and ng, so Chinese drops or merges some of the name's ("亚历山大",
    /// ya-li-shan-da, is Aleksandr) and may only leave some out ([`pinyin_similarity`]).
    Pinyin,
}

impl Syllabic {
    /// The similarity of a word read from this script and a Latin word, if they are one name
    /// ([`kana_similarity`], [`pinyin_similarity`]).
    pub(crate) fn similarity(self, syllabic: &str, latin: &str) -> Option<f32> {
        match self {
            Syllabic::Kana => kana_similarity(syllabic, latin),
            Syllabic::Pinyin => pinyin_similarity(syllabic, latin),
        }
    }
}

/// Whether `text` holds kana (hiragana, katakana or their half-width forms), as Japanese writes
/// foreign names.
pub(crate) fn is_kana_script(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(u32::from(c), 0x3041..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D))
}

/// The key of a folded word that a foreign name written in kana and its Latin spelling share:
/// its consonants by the classes Japanese hears them in, vowels dropped (kana gives each
/// consonant one: "raburofu" is "Lavrov"), the first letter kept as the class of a consonant or
/// "a" for a vowel, a consonant written twice in a row once. The classes: l and r ("r"); b, v, w, f, h and Russian
/// kh ("b": "ブ", "フ", "ハ"); d, j, z, zh ("z": "ジ" is both "di" and "zhi"); t, ch ("t": "チ"
/// is "ti"); s, sh, ts ("s"); k, g, q, c, ck ("k": a last g is "ク"); x as "ks". With
/// `initial_u_as_v`, a first "u" before a consonant is the "v" or "w" that "ウ" writes
/// ("ウラジーミル", Vladimir).
pub(crate) fn kana_key(word: &str, initial_u_as_v: bool) -> String {
    consonant_classes(word, initial_u_as_v, false)
}

/// The classes of [`kana_key`], with a `.` where vowels come between two of them if
/// `mark_vowels` ("ar.ks.nzr" for "aleksandr").
fn consonant_classes(word: &str, initial_u_as_v: bool, mark_vowels: bool) -> String {
    fn push(key: &mut String, last: &mut u8, class: u8) {
        if class != *last {
            key.push(char::from(class));
            *last = class;
        }
    }
    let is_vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let bytes = word.as_bytes();
    let mut key = String::with_capacity(bytes.len());
    let mut last = 0u8;
    let mut idx = 0;
    while idx < bytes.len() {
        let b = bytes[idx];
        let next = bytes.get(idx + 1).copied();
        let (class, len) = match (b, next) {
            (b'u', Some(n)) if idx == 0 && initial_u_as_v && !is_vowel(n) => (b'b', 1),
            (b'k', Some(b'h')) | (b'p', Some(b'h')) => (b'b', 2),
            (b's', Some(b'h')) | (b't', Some(b's' | b'z')) => (b's', 2),
            (b'c', Some(b'h')) | (b't', Some(b'h')) => (b't', 2),
            (b'z', Some(b'h')) | (b'd', Some(b'z' | b'j')) => (b'z', 2),
            (b'c', Some(b'k')) => (b'k', 2),
            (b'c', Some(b'e' | b'i' | b'y')) => (b's', 1),
            (b'x', _) => {
                push(&mut key, &mut last, b'k');
                (b's', 1)
            }
            (b'c' | b'k' | b'g' | b'q', _) => (b'k', 1),
            (b'l' | b'r', _) => (b'r', 1),
            (b'b' | b'v' | b'w' | b'f' | b'h', _) => (b'b', 1),
            (b'd' | b'j' | b'z', _) => (b'z', 1),
            (vowel, _) if is_vowel(vowel) => {
                if idx == 0 {
                    push(&mut key, &mut last, b'a');
                } else if mark_vowels && last != 0 {
                    key.push('.');
                }
                // Kana writes every consonant, so a consonant written twice with a vowel
                // between stays twice ("potanin" is not "putin").
                last = 0;
                idx += 1;
                continue;
            }
            (other, _) => (other, 1),
        };
        push(&mut key, &mut last, class);
        idx += len;
    }
    key
}

/// The shortest [`kana_key`] that counts: two consonants are too common a frame.
pub(crate) const MIN_KANA_KEY: usize = 3;

/// The similarity of a word folded from kana and a Latin word, if they share a [`kana_key`]:
/// [`KANA_SIM`] for a key of at least [`MIN_KANA_KEY`] classes (a first "u" also read as "v");
/// [`SHORT_SYLLABIC_SIM`] for a key of two, as short names have ("アリー", Ali; "ザラ", Zala),
/// when their first vowels agree as well ([`first_vowels_agree`]: "ユーリー", Yuri, is not
/// "Ilya").
pub(crate) fn kana_similarity(kana: &str, latin: &str) -> Option<f32> {
    let key = kana_key(latin, false);
    let same = kana_key(kana, false) == key;
    if key.len() >= MIN_KANA_KEY && (same || (kana.starts_with('u') && kana_key(kana, true) == key))
    {
        Some(KANA_SIM)
    } else if key.len() == MIN_PINYIN_KEY && same && first_vowels_agree(kana, latin) {
        Some(SHORT_SYLLABIC_SIM)
    } else {
        None
    }
}

/// Whether a word folded from kana and a Latin word share a [`kana_key`] of at least
/// [`MIN_KANA_KEY`] classes.
#[cfg(test)]
pub(crate) fn kana_meets(kana: &str, latin: &str) -> bool {
    kana_similarity(kana, latin) == Some(KANA_SIM)
}

/// Whether the first vowels of a syllabic word and a Latin word are of one kind: a; e, i or y;
/// o or u. A glide before a vowel does not count ("yuri", "iurii", "xie"), and pinyin "ao" is
/// the o that Chinese writes with it (绍, shao, for "sho"). What a key of two consonants leaves
/// to tell short names apart ("youli", Yuri, is not "Ilya"; "ari" is Ali, not "Eli").
pub(crate) fn first_vowels_agree(syllabic: &str, latin: &str) -> bool {
    fn first_vowel(word: &str) -> Option<u8> {
        let is_vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
        let bytes = word.as_bytes();
        let start = bytes.iter().position(|&b| is_vowel(b))?;
        let mut idx = start;
        // A glide: a y, i or u before another vowel.
        while matches!(bytes[idx], b'y' | b'i' | b'u')
            && bytes.get(idx + 1).is_some_and(|&b| is_vowel(b))
        {
            idx += 1;
        }
        Some(match (bytes[idx], bytes.get(idx + 1)) {
            (b'a', Some(b'o')) => b'o',
            (b'a', _) => b'a',
            (b'e' | b'i' | b'y', _) => b'e',
            _ => b'o',
        })
    }
    first_vowel(syllabic).is_some() && first_vowel(syllabic) == first_vowel(latin)
}

/// The similarity of a syllabic word and a Latin word whose keys have two consonant classes:
/// short names, whose frame says less.
pub(crate) const SHORT_SYLLABIC_SIM: f32 = 0.85;

/// The classes of [`kana_key`] as bits, for the sets of them that a pinyin consonant may stand
/// for ([`pinyin_key`]).
pub(crate) fn class_bit(class: u8) -> u16 {
    match class {
        b'a' => 1,
        b'b' => 1 << 1,
        b'k' => 1 << 2,
        b'm' => 1 << 3,
        b'n' => 1 << 4,
        b'p' => 1 << 5,
        b'r' => 1 << 6,
        b's' => 1 << 7,
        b't' => 1 << 8,
        b'z' => 1 << 9,
        _ => 1 << 10,
    }
}

/// The key of a foreign name's word read in pinyin, written together ("xieergai" for 谢尔盖,
/// Sergei): for each consonant, the set of [`kana_key`] classes it may stand for in the Latin
/// spelling, vowels dropped, a first vowel kept as "a". Chinese writes a foreign consonant with
/// the nearest of its own, and one of them stands for several: b and d for p and t as well
/// (彼得, bi-de, Peter), t for d (唐纳德, tang-na-de, Donald), j for a soft t or d and for k or g
/// (普京, pu-jing, Putin; 基里尔, ji-li-er, Kirill), q for ch, ts and k, x for s, r for r
/// and zh (普里戈任, Prigozhin), h for kh, h and g. A syllable's last n or ng stands for n or m
/// (特朗普, Trump), and is the same n as a next syllable's first (根纳季, Gennady); "wu" is the
/// vowel u (乌斯马诺夫, Usmanov), another w is v.
pub(crate) fn pinyin_key(word: &str) -> Vec<u16> {
    let bits = |classes: &[u8]| classes.iter().fold(0u16, |set, &class| set | class_bit(class));
    let is_vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'v' | b'y');
    let bytes = word.as_bytes();
    let mut key: Vec<u16> = Vec::with_capacity(bytes.len() / 2);
    // Whether a vowel came since the last consonant: a consonant written twice with a vowel
    // between stays twice, as in kana ("potanin" is not "putin").
    let mut vowel_since = true;
    let mut idx = 0;
    while idx < bytes.len() {
        let b = bytes[idx];
        let next = bytes.get(idx + 1).copied();
        let after = bytes.get(idx + 2).copied();
        if b == b'w' && next == Some(b'u') || is_vowel(b) {
            let len = if b == b'w' { 2 } else { 1 };
            if idx == 0 {
                key.push(bits(b"a"));
            }
            vowel_since = true;
            idx += len;
            continue;
        }
        // A syllable's last n or ng: before another consonant or at the end of the word.
        let nasal_len = match (b, next, after) {
            (b'n', Some(b'g'), after) if after.is_none_or(|a| !is_vowel(a)) => 2,
            (b'n', next, _) if idx > 0 && next.is_none_or(|n| !is_vowel(n)) => 1,
            _ => 0,
        };
        if nasal_len > 0 {
            idx += nasal_len;
            // The same n as the next syllable's first.
            if bytes.get(idx) != Some(&b'n') {
                key.push(bits(b"nm"));
                vowel_since = false;
            }
            continue;
        }
        let (set, len) = match (b, next) {
            (b'z', Some(b'h')) => (bits(b"z"), 2),
            (b'c', Some(b'h')) => (bits(b"t"), 2),
            (b's', Some(b'h')) => (bits(b"s"), 2),
            (b'b', _) => (bits(b"bp"), 1),
            (b'p', _) => (bits(b"p"), 1),
            (b'm', _) => (bits(b"m"), 1),
            (b'f' | b'w', _) => (bits(b"b"), 1),
            (b'd' | b't', _) => (bits(b"zt"), 1),
            (b'n', _) => (bits(b"n"), 1),
            (b'l', _) => (bits(b"r"), 1),
            (b'g' | b'k', _) => (bits(b"k"), 1),
            (b'h', _) => (bits(b"bk"), 1),
            (b'j', _) => (bits(b"zkt"), 1),
            (b'q', _) => (bits(b"tks"), 1),
            (b'x', _) => (bits(b"s"), 1),
            (b'r', _) => (bits(b"rz"), 1),
            (b'z', _) => (bits(b"zs"), 1),
            (b'c', _) => (bits(b"st"), 1),
            (b's', _) => (bits(b"s"), 1),
            (other, _) => (class_bit(other), 1),
        };
        if vowel_since || key.last() != Some(&set) {
            key.push(set);
        }
        vowel_since = false;
        idx += len;
    }
    key
}

/// The similarity of a foreign name's word read in pinyin and a Latin word, if they are one
/// name: the pinyin word's [`pinyin_key`] follows the Latin word's [`kana_key`] in order,
/// starting with its first, and leaves out at most one of every three consonants after the
/// first and a last r, never adding one. Chinese leaves out what its syllables cannot hold: an r
/// or l before a consonant or last (维克托, Viktor; 罗滕贝格, Rotenberg) and the k of "ks"
/// (亚历山大 for Aleksandr), which are all it may leave out, besides a last h after a vowel,
/// which is no sound (纳斯鲁拉, Nasrallah). A key of three consonants or more
/// is as close as kana ([`KANA_SIM`]); one of two, short given names and surnames (尤里 for
/// Yuri, 彼得 for Petr), may leave out only a last r or h and is weaker.
pub(crate) fn pinyin_similarity(pinyin: &str, latin: &str) -> Option<f32> {
    let han = pinyin_key(pinyin);
    // The Latin word's key, with a "." where vowels come between classes.
    let marked = consonant_classes(latin, false, true).into_bytes();
    let key: Vec<u8> = marked.iter().copied().filter(|&class| class != b'.').collect();
    if !pinyin_key_may_meet(&han, &key) {
        return None;
    }
    // Each Latin consonant (and a first vowel), and whether Chinese may leave it out.
    // A last h after a vowel is not a sound ("nasrallah", "haniyeh").
    let silent_h = latin.len() >= 2
        && latin.ends_with('h')
        && matches!(latin.as_bytes()[latin.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u');
    let classes: Vec<(u8, bool)> = marked
        .iter()
        .enumerate()
        .filter(|&(_, &class)| class != b'.')
        .map(|(idx, &class)| {
            // An r or l before a consonant or last ("berg", "donald", "viktor"); the k of "ks"
            // ("aleksandr"); a silent h. A key of two consonants may leave out only a last r or h.
            let droppable = match (class, marked.get(idx + 1)) {
                (b'r', None) => true,
                (b'b', None) => silent_h,
                (b'r', Some(&next)) => next != b'.' && han.len() >= MIN_KANA_KEY,
                (b'k', Some(b's')) => han.len() >= MIN_KANA_KEY,
                _ => false,
            };
            (class, droppable)
        })
        .collect();
    // reach[j]: whether the pinyin consonants so far meet the first j Latin ones, leaving out
    // only consonants Chinese may leave out; the first is never left out.
    let mut reach = vec![false; classes.len() + 1];
    reach[0] = true;
    for (idx, &set) in han.iter().enumerate() {
        let mut next = vec![false; classes.len() + 1];
        for (j, _) in reach[..classes.len()].iter().enumerate().filter(|(_, reached)| **reached) {
            // Leave out Latin consonants from j on while they may be.
            let mut k = j;
            loop {
                if set & class_bit(classes[k].0) != 0 {
                    next[k + 1] = true;
                }
                if idx == 0 || !classes[k].1 || k + 1 >= classes.len() {
                    break;
                }
                k += 1;
            }
        }
        reach = next;
    }
    // What is left after the last pinyin consonant must all be left out.
    let end = (0..=classes.len()).rev().take_while(|&j| j == classes.len() || classes[j].1);
    if !end.into_iter().any(|j| reach[j]) {
        return None;
    }
    if han.len() >= MIN_KANA_KEY {
        Some(KANA_SIM)
    } else {
        first_vowels_agree(pinyin, latin).then_some(SHORT_SYLLABIC_SIM)
    }
}

/// Whether a pinyin word's key may meet a Latin word by its [`kana_key`], as
/// [`pinyin_similarity`] counts but not knowing which Latin consonants Chinese may leave out:
/// for finding candidates in a map of the vocabulary by key.
pub(crate) fn pinyin_key_may_meet(han: &[u16], latin: &[u8]) -> bool {
    if han.len() < MIN_PINYIN_KEY || latin.len() < han.len() {
        return false;
    }
    // One of every three consonants after the first, and a last r or h.
    let budget = (latin.len() - 1) / 3 + usize::from(matches!(latin.last(), Some(b'r' | b'b')));
    let left_out = latin.len() - han.len();
    if left_out > budget || (han.len() < MIN_KANA_KEY && left_out > 1) {
        return false;
    }
    if han[0] & class_bit(latin[0]) == 0 {
        return false;
    }
    let mut rest = latin[1..].iter();
    // Matching each consonant to the earliest Latin one it may stand for finds an order if
    // there is one.
    han[1..].iter().all(|&set| rest.any(|&class| set & class_bit(class) != 0))
}

/// The shortest [`pinyin_key`] that counts.
pub(crate) const MIN_PINYIN_KEY: usize = 2;

/// The consonant skeleton of a folded word: its first letter (any vowel written `a`), then its
/// other letters without vowels, `w` and `y` (which transliterations swap with `u` and `i`:
/// "huwaysh", "huish"), runs written once; spellings of one sound are written alike first ("dj"
/// as "j", "q" as "k", "ph" as "f", "c" as "s" or "k", "x" as "ks").
pub(crate) fn consonant_skeleton(word: &str) -> String {
    // Spellings of one sound that French, English and Arabic-school transliterations of the same
    // letter use: "dj" and "j" (Djamel, Jamal), "q" and "k" (Qasim, Kasim), "ph" and "f", "c"
    // as "s" before a front vowel (Faycal, Faisal) and as "k" elsewhere, and "x" as the "ks"
    // that other scripts write (Alexander, "ألكسندر").
    let bytes = word.as_bytes();
    let mut letters: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let b = bytes[idx];
        let next = bytes.get(idx + 1).copied();
        match (b, next) {
            (b'd', Some(b'j')) => {
                letters.push(b'j');
                idx += 2;
                continue;
            }
            (b'p', Some(b'h')) => {
                letters.push(b'f');
                idx += 2;
                continue;
            }
            // "tch" and the "tsh" of Arabic script's تش are one "ch" (Tchaikovsky, "يانوكوفيتش").
            (b't', Some(b'c' | b's')) if bytes.get(idx + 2) == Some(&b'h') => {
                letters.push(b'c');
                letters.push(b'h');
                idx += 3;
                continue;
            }
            (b'q', _) => letters.push(b'k'),
            (b'x', _) => letters.extend_from_slice(b"ks"),
            (b'c', Some(b'e' | b'i' | b'y')) => letters.push(b's'),
            (b'c', Some(b'h')) => letters.push(b'c'),
            (b'c', _) => letters.push(b'k'),
            _ => letters.push(b),
        }
        idx += 1;
    }
    let mut skeleton = String::with_capacity(letters.len());
    let mut last = 0u8;
    for (pos, &b) in letters.iter().enumerate() {
        let vowel = matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w');
        if pos == 0 {
            let first = if vowel { b'a' } else { b };
            skeleton.push(first as char);
            last = first;
        } else if !vowel && b != last {
            skeleton.push(b as char);
            last = b;
        }
    }
    skeleton
}

/// One reading of a raw name ([`name_readings`]).
pub(crate) struct Reading {
    /// A folded variant of the name.
    pub(crate) text: String,
    /// Whether a legal form run into the first word is split off (`split_run_in` of
    /// [`name_tokens`]).
    pub(crate) split_run_in: bool,
    /// Whether the variant reads as a Korean name (`listwatch_normalize::korean_romanization`).
    pub(crate) korean: bool,
    /// Whether English number words are read as figures ([`numbers`]): a name with number
    /// words is read both ways, so that "Fourth Ocean" meets "4th Ocean" and its typo "Foruth
    /// Ocean" alike.
    pub(crate) number_words: bool,
    /// Whether it is a foreign name in a script that gives each consonant a vowel, compared
    /// with Latin words by their consonants ([`Syllabic`]): a name in kana, or a foreign name in
    /// Hangul or Chinese characters read with each word's syllables together
    /// ([`hangul_foreign_name`], [`han_foreign_name`]).
    pub(crate) syllabic: Option<Syllabic>,
}

/// The readings of a raw name. Its folded variants (at most [`MAX_HAN_VARIANTS`]): one per Han
/// reading, a Hangul name's other romanizations, and the rest of [`fold_variants`]; a romanized
/// Korean name also in the spellings of [`korean_romanizations`]. Each variant is read with a
/// legal form run into its first word split off, and again whole when its first word may be a
/// legal form run into a name ("OOOALKON") or a name that only starts like one ("ZAOUALI"): a
/// token list per reading, and the better reading wins.
///
/// A name that carries other names of the same party ("Ocean Pioneer (ex-Cape Diamond)", "X,
/// f.k.a. Y"; `listwatch_normalize::name_parts`) is read whole and as each of them.
pub(crate) fn name_readings(raw: &str) -> Vec<Reading> {
    let parts = name_parts(raw);
    let mut readings = if parts.len() == 1 {
        readings_of_one(raw)
    } else {
        parts.into_iter().flat_map(readings_of_one).collect()
    };
    readings.truncate(MAX_READINGS);
    readings
}

/// The readings of one name ([`name_readings`]).
fn readings_of_one(raw: &str) -> Vec<Reading> {
    // A foreign name in Chinese characters is read only with each word's syllables together: a
    // syllable read as a word of its own ("xie er gai") is no name, and such words made the
    // query several times slower.
    if let Some(text) = han_foreign_name(raw) {
        return vec![Reading {
            text,
            split_run_in: true,
            korean: false,
            number_words: false,
            syllabic: Some(Syllabic::Pinyin),
        }];
    }
    let kana = is_kana_script(raw).then_some(Syllabic::Kana);
    let variants: Vec<(String, bool)> = if raw.is_ascii() {
        let folded = fold(raw);
        // The Korean spellings of a Korean name read as Korean too.
        let korean = korean_romanizations(&folded);
        let folded_is_korean = !korean.is_empty();
        let spellings = korean.into_iter().filter(|spelling| *spelling != folded);
        let spellings: Vec<(String, bool)> = spellings.map(|spelling| (spelling, true)).collect();
        std::iter::once((folded, folded_is_korean)).chain(spellings).collect()
    } else {
        fold_variants(raw, MAX_HAN_VARIANTS)
            .into_iter()
            .map(|variant| {
                let korean = korean_romanization(&variant).is_some();
                (variant, korean)
            })
            .collect()
    };
    let mut readings = Vec::with_capacity(variants.len());
    for (text, korean) in variants {
        let whole = starts_with_run_in_legal_form(&text).then(|| text.clone());
        let with_figures = has_number_word(&text);
        for (text, split_run_in) in std::iter::once((text, true)).chain(whole.map(|t| (t, false))) {
            if with_figures {
                let text = text.clone();
                readings.push(Reading {
                    text,
                    split_run_in,
                    korean,
                    number_words: true,
                    syllabic: kana,
                });
            }
            readings.push(Reading {
                text,
                split_run_in,
                korean,
                number_words: false,
                syllabic: kana,
            });
        }
    }
    if let Some(text) = hangul_foreign_name(raw) {
        readings.push(Reading {
            text,
            split_run_in: true,
            korean: false,
            number_words: false,
            syllabic: Some(Syllabic::Kana),
        });
    }
    readings
}

/// A foreign name written in Hangul, folded with each word's syllables together ("세르게이
/// 라브로프" as "sereugei rabeurofu"), and a last "프" as the f or v it writes ("-ov", "-ev"):
/// Hangul gives a foreign consonant a vowel as kana does ("으"), which [`kana_key`] drops. A
/// Hangul name reads as foreign when a word has four syllables or more, or when it has two
/// words of which one has three or more (a Korean name is a one-syllable surname and a
/// two-syllable given name, written together or apart). `None` for other names.
pub(crate) fn hangul_foreign_name(raw: &str) -> Option<String> {
    let is_syllable = |c: char| ('\u{AC00}'..='\u{D7A3}').contains(&c);
    let words: Vec<&str> = raw.split_whitespace().collect();
    if !raw.chars().filter(|c| c.is_alphabetic()).all(is_syllable) {
        return None;
    }
    let syllables = |word: &str| word.chars().filter(|&c| is_syllable(c)).count();
    let longest = words.iter().map(|w| syllables(w)).max()?;
    if longest < 4 && (words.len() < 2 || longest < 3) {
        return None;
    }
    let joined: Vec<String> = words
        .iter()
        .map(|word| {
            let folded: String = fold(word).split(' ').collect();
            match folded.strip_suffix("peu") {
                Some(stem) if !stem.is_empty() => format!("{stem}fu"),
                _ => folded,
            }
        })
        .filter(|word| !word.is_empty())
        .collect();
    (!joined.is_empty()).then(|| joined.join(" "))
}

/// The characters that join the words of a foreign name written in Chinese characters: the
/// middle dot (U+00B7) and its look-alikes, the katakana middle dot among them.
const NAME_DOTS: [char; 7] =
    ['\u{00B7}', '\u{2027}', '\u{2022}', '\u{30FB}', '\u{FF65}', '\u{2219}', '\u{22C5}'];

/// A foreign name written in Chinese characters, read in pinyin with each word's syllables
/// together ("谢尔盖·拉夫罗夫" as "xieergai lafuluofu"): Chinese writes a foreign name syllable
/// by syllable with its words joined by a middle dot, which a Chinese name never has. `None`
/// for a name that is not all Chinese characters or has no such dot between two words.
pub(crate) fn han_foreign_name(raw: &str) -> Option<String> {
    let is_han = |c: char| {
        matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
            | 0x20000..=0x2FA1F)
    };
    if !raw.contains(NAME_DOTS) || !raw.chars().filter(|c| c.is_alphabetic()).all(is_han) {
        return None;
    }
    let joined: Vec<String> = raw
        .split(|c: char| NAME_DOTS.contains(&c) || c.is_whitespace())
        .map(|word| word.chars().map(transliteration_reading).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect();
    (joined.len() >= 2).then(|| joined.join(" "))
}

/// The pinyin of a character in a foreign name written in Chinese characters: its most common
/// reading, but for the characters whose reading in foreign names is another ("什" is "shen" in
/// 什么 and "shi" in 什科娃, -shkova).
fn transliteration_reading(c: char) -> String {
    let reading = match c {
        '什' => "shi",
        '乐' | '樂' => "le",
        '柏' => "bo",
        '茜' => "xi",
        '都' => "du",
        '车' | '車' => "che",
        _ => return fold(c.encode_utf8(&mut [0; 4])).replace(' ', ""),
    };
    reading.to_owned()
}

/// The tokens of a folded name, honorifics dropped, legal forms by their canonical text; with
/// `split_run_in`, a legal form run into the first word is split off ("OOOALKON"). A person's
/// name (`person`) has no legal forms: its words are words, whatever company they could name
/// elsewhere ("PAO" in "PAO, Hua Chiang", "AG" in "GHALI, Iyad ag", "AB" in "AB-DAL-RAHMAN"),
/// and none is split.
pub(crate) fn name_tokens(folded: &str, split_run_in: bool, person: bool) -> Vec<(String, Kind)> {
    let tokenized =
        if split_run_in && !person { tokenize(folded) } else { tokenize_whole_words(folded) };
    // The matcher's kind of a token's kind; none for an honorific, which is dropped.
    let kind_of = |kind: TokenKind| match kind {
        TokenKind::Normal => Some(Kind::Normal),
        TokenKind::Initial => Some(Kind::Initial),
        TokenKind::LegalForm(_) => Some(Kind::LegalForm),
        TokenKind::Particle => Some(Kind::Particle),
        TokenKind::StopWord => Some(Kind::StopWord),
        TokenKind::Honorific => None,
    };
    let mut tokens: Vec<(String, Kind)> = Vec::with_capacity(tokenized.len());
    for token in &tokenized {
        if person && matches!(token.kind(), TokenKind::LegalForm(_)) {
            // The form's words as the table spells them, which is how the name wrote them but
            // for a typo the table forgave, each of the kind it has as a word.
            for word in token.text().split(' ') {
                if let Some(kind) = kind_of(word_kind(word)) {
                    tokens.push((word.to_owned(), kind));
                }
            }
        } else if let Some(kind) = kind_of(token.kind()) {
            tokens.push((token.canonical().to_owned(), kind));
        }
    }
    join_acronym(&mut tokens);
    tokens.truncate(MAX_TOKENS);
    tokens
}

/// Joins the initials of a name that has no other word (legal forms, particles and stop words
/// aside) into one word: such a name is an acronym written with dots or spaces ("I.C.I.C. KFT.",
/// "A B C Ltd"), which its own letters written together ("ICIC") name as well. A name with a
/// word keeps its initials ("J. R. Smith").
fn join_acronym(tokens: &mut Vec<(String, Kind)>) {
    let initials = tokens.iter().filter(|(_, kind)| *kind == Kind::Initial).count();
    if initials < 2 || tokens.iter().any(|(_, kind)| *kind == Kind::Normal) {
        return;
    }
    let mut joined: Vec<(String, Kind)> = Vec::with_capacity(tokens.len());
    // Whether the last token pushed is an initial or a run of them joined.
    let mut in_run = false;
    for (text, kind) in tokens.drain(..) {
        match joined.last_mut() {
            Some((last, last_kind)) if kind == Kind::Initial && in_run => {
                last.push_str(&text);
                *last_kind = Kind::Normal;
            }
            _ => {
                in_run = kind == Kind::Initial;
                joined.push((text, kind));
            }
        }
    }
    *tokens = joined;
}

/// The tokens of a folded name of a listed entity: [`name_tokens`] with numbers written one way
/// ([`numbers`]).
pub(crate) fn entity_name_tokens(reading: &Reading, schema: Schema) -> Vec<(String, Kind)> {
    let mut tokens = name_tokens(&reading.text, reading.split_run_in, schema == Schema::Person);
    numbers(&mut tokens, schema == Schema::Vessel, reading.number_words);
    tokens
}

/// Writes the numbers of a name one way: English numbers and ordinals in words or with a suffix
/// in Arabic figures ("forty four" and "fourty-four" as "44", "first" and "1st" as "1"), a Roman
/// numeral after a word too ("ark iii" as "ark 3"; a one-letter numeral only at the end of a
/// vessel's name, where it cannot be an initial: "argo i" as "argo 1"), and "no" or "nr" before
/// a number dropped ("almacen junior no 2"). A vessel's name also loses the ship prefix it
/// starts with ("M/V", "MT").
pub(crate) fn numbers(tokens: &mut Vec<(String, Kind)>, vessel: bool, words: bool) {
    number_words(tokens, words);
    if vessel {
        let word = |idx: usize| tokens.get(idx).map(|(text, _)| text.as_str());
        let n_prefix = match (word(0), word(1)) {
            (Some("mv" | "mt" | "ms" | "mts" | "ss" | "my"), _) => 1,
            (Some("m"), Some("v" | "t" | "s" | "y")) => 2,
            _ => 0,
        };
        if n_prefix > 0 && tokens.len() > n_prefix {
            tokens.drain(..n_prefix);
        }
    }
    let n = tokens.len();
    for idx in 1..n {
        let after_word = tokens[idx - 1].1 == Kind::Normal;
        let text = tokens[idx].0.as_str();
        // One letter is an initial, and "xi" a name, except at the end of a vessel's name.
        let value = match text {
            "i" | "v" | "x" | "xi" if !(vessel && idx + 1 == n) => None,
            _ => roman_numeral(text),
        };
        if let Some(value) = value
            && after_word
        {
            tokens[idx] = (value.to_string(), Kind::Normal);
        }
    }
    let is_number = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let mut idx = 0;
    while idx + 1 < tokens.len() {
        if matches!(tokens[idx].0.as_str(), "no" | "nr" | "num") && is_number(&tokens[idx + 1].0) {
            tokens.remove(idx);
        } else {
            idx += 1;
        }
    }
}

/// The value of a Roman numeral from 1 to 39 written the usual way ("xiv"), if `text` is one.
fn roman_numeral(text: &str) -> Option<u32> {
    const UNITS: [&str; 10] = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"];
    let tens = text.bytes().take_while(|&b| b == b'x').count();
    let units = UNITS.iter().position(|&u| u == &text[tens..])?;
    let value = 10 * tens as u32 + units as u32;
    (tens <= 3 && value > 0).then_some(value)
}

/// English numbers in words from zero to nineteen, by value.
const NUMBER_UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
/// The tens in words (and a common misspelling of forty).
const NUMBER_TENS: [(&str, u32); 9] = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fourty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];
/// English ordinals in words from first to twelfth.
const NUMBER_ORDINALS: [&str; 12] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth",
];

/// The value of an English number word: a unit, a ten or an ordinal.
fn number_word(word: &str) -> Option<u32> {
    let position = |table: &[&str]| table.iter().position(|&w| w == word).map(|v| v as u32);
    position(&NUMBER_UNITS)
        .or_else(|| NUMBER_TENS.iter().find(|&&(tens, _)| tens == word).map(|&(_, v)| v))
        .or_else(|| position(&NUMBER_ORDINALS).map(|v| v + 1))
}

/// Whether a folded name has an English number word ([`number_words`]).
fn has_number_word(folded: &str) -> bool {
    folded.split(' ').any(|word| number_word(word).is_some())
}

/// Ordinals with a suffix ("1st", "22nd") and, with `words`, English numbers from one to
/// ninety-nine and ordinals from first to twelfth in words, written in Arabic figures.
fn number_words(tokens: &mut Vec<(String, Kind)>, words: bool) {
    let value = |text: &str| -> Option<u32> {
        words.then(|| number_word(text)).flatten().or_else(|| {
            let (digits, suffix) =
                text.split_at(text.bytes().take_while(u8::is_ascii_digit).count());
            let ordinal = matches!(suffix, "st" | "nd" | "rd" | "th");
            (ordinal && (1..=6).contains(&digits.len())).then(|| digits.parse().ok()).flatten()
        })
    };
    if !tokens.iter().any(|(text, kind)| *kind == Kind::Normal && value(text).is_some()) {
        return;
    }
    let mut out: Vec<(String, Kind)> = Vec::with_capacity(tokens.len());
    let mut idx = 0;
    while idx < tokens.len() {
        let (text, kind) = &tokens[idx];
        let Some(mut number) = (*kind == Kind::Normal).then(|| value(text)).flatten() else {
            out.push(tokens[idx].clone());
            idx += 1;
            continue;
        };
        idx += 1;
        // "forty four": a ten followed by a unit.
        if words
            && NUMBER_TENS.iter().any(|&(t, _)| t == text)
            && let Some((next, Kind::Normal)) = tokens.get(idx)
            && let Some(u) =
                NUMBER_UNITS[1..10].iter().position(|&w| w == next).map(|v| v as u32 + 1)
        {
            number += u;
            idx += 1;
        }
        out.push((number.to_string(), Kind::Normal));
    }
    *tokens = out;
}

/// The tokens of a folded query name: [`name_tokens`], without the titles, offices and ranks
/// that lead a name that may be a person's ("president", "deputy minister", "herr", "генерал",
/// "الشيخ"; see `listwatch_normalize::leading_title_words`). A name with a legal form, or of
/// another schema, is a company's, where such words are words of the name ("General Trading
/// LLC"). A person's name keeps at least one normal word; a name of unknown schema keeps two
/// ("General Motors" stays whole, "General Mikhail Malyshev" loses its title).
pub(crate) fn query_tokens(reading: &Reading, schema: Option<Schema>) -> Vec<(String, Kind)> {
    tokens_of_query(reading, schema, schema == Some(Schema::Person))
}

/// The token sequences a query's reading is scored by: its [`query_tokens`], and for a name of
/// unknown schema with a legal form between two of its words ("Iyad AG Ghali", "Rajab
/// AB-DAL-RAHMAN"), also the tokens of a person's name, which has no legal forms: such a name
/// may be a person's, whose words the index holds as words.
pub(crate) fn query_token_sets(
    reading: &Reading,
    schema: Option<Schema>,
) -> Vec<Vec<(String, Kind)>> {
    let tokens = query_tokens(reading, schema);
    let inner = 1..tokens.len().saturating_sub(1);
    let inner_form = tokens
        .iter()
        .enumerate()
        .any(|(i, (_, kind))| *kind == Kind::LegalForm && inner.contains(&i));
    if schema.is_some() || !inner_form {
        return vec![tokens];
    }
    let as_person = tokens_of_query(reading, schema, true);
    vec![tokens, as_person]
}

/// [`query_tokens`], with legal forms read as words for a person's name (`person`).
fn tokens_of_query(reading: &Reading, schema: Option<Schema>, person: bool) -> Vec<(String, Kind)> {
    let mut tokens = name_tokens(&reading.text, reading.split_run_in, person);
    numbers(&mut tokens, schema == Some(Schema::Vessel), reading.number_words);
    let words_kept = match schema {
        Some(Schema::Person) => 1,
        None => 2,
        Some(_) => return tokens,
    };
    if !tokens.iter().any(|(_, kind)| *kind == Kind::LegalForm) {
        let words: Vec<&str> = tokens.iter().map(|(text, _)| text.as_str()).collect();
        let n_titles = leading_title_words(&words);
        let n_normal_after =
            tokens[n_titles..].iter().filter(|(_, kind)| *kind == Kind::Normal).count();
        if n_titles > 0 && n_normal_after >= words_kept {
            tokens.drain(..n_titles);
        }
    }
    tokens
}

/// The tokens of a person's name in order, each with whether its writer marks it as part of
/// the family name by the convention of passports and many lists: the family name in capitals,
/// the given names not ("Qassim Abdullah Ali OGUNGBUYI", "ZHANG Wei"). `None` when the name does
/// not follow it: no word in capitals, no word in lower case, or words in capitals that are not
/// one run at the start or the end of the name ("Dr. John SMITH Jr.", "ACME Trading GMBH
/// Berlin"). A word counts as written in capitals when it has two letters or more and none in
/// lower case; words without two letters (initials, numbers) count as neither.
pub(crate) fn family_marks(raw: &str) -> Option<Vec<(String, bool)>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Case {
        Capitals,
        Lower,
        Neither,
    }
    let case = |word: &str| {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if word.chars().any(char::is_lowercase) {
            Case::Lower
        } else if letters >= 2 && word.chars().any(char::is_uppercase) {
            Case::Capitals
        } else {
            Case::Neither
        }
    };
    let words: Vec<(&str, Case)> = raw.split_whitespace().map(|w| (w, case(w))).collect();
    let cased: Vec<usize> = (0..words.len()).filter(|&i| words[i].1 != Case::Neither).collect();
    let capitals: Vec<usize> =
        cased.iter().copied().filter(|&i| words[i].1 == Case::Capitals).collect();
    let (&first, &last) = (capitals.first()?, capitals.last()?);
    if capitals.len() == cased.len() {
        return None;
    }
    // One run of capitals among the cased words, at one end.
    let run = cased.iter().filter(|&&i| (first..=last).contains(&i)).count();
    if run != capitals.len() || (first != cased[0] && last != cased[cased.len() - 1]) {
        return None;
    }
    let mut marks = Vec::new();
    for (word, case) in &words {
        for (text, _) in name_tokens(&fold(word), false, true) {
            marks.push((text, *case == Case::Capitals));
        }
    }
    Some(marks)
}

/// The similarity of a word in kana and a Latin word of the same [`kana_key`]: as close as a
/// spelling in kana gets to a Latin one, as equal skeletons are for unvowelled script.
pub(crate) const KANA_SIM: f32 = 0.9;

/// The most edits allowed between two fuzzy tokens, by the longer one's length.
pub(crate) fn allowed_edits(max_len: usize) -> usize {
    match max_len {
        // Short words differ by one letter too often ("jing", "jang"; "hala", "hula").
        0..=4 => 0,
        5..=7 => 1,
        8..=MAX_EDIT_LEN => 2,
        _ => 0,
    }
}

/// How deep a token's deletion neighbourhood must go so that every token within
/// [`allowed_edits`] of it shares a deletion variant with it (the other token may be up to two
/// characters longer).
pub(crate) fn deletion_depth(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        6..=MAX_EDIT_LEN => 2,
        _ => 0,
    }
}

/// Calls `emit` with every string obtained by deleting up to `depth` characters of `text`
/// (ASCII), `text` itself included. Duplicates may be emitted. The definition of the strings
/// whose keys [`deletion_keys`] gives.
#[cfg(test)]
pub(crate) fn deletion_variants(text: &str, depth: usize, emit: &mut impl FnMut(&[u8])) {
    let bytes = text.as_bytes();
    emit(bytes);
    if depth == 0 || bytes.len() < 2 {
        return;
    }
    let mut buf = [0u8; MAX_EDIT_LEN + 2];
    let n = bytes.len().min(MAX_EDIT_LEN + 2);
    for skip in 0..n {
        let mut len = 0;
        for (idx, &b) in bytes[..n].iter().enumerate() {
            if idx != skip {
                buf[len] = b;
                len += 1;
            }
        }
        emit(&buf[..len]);
        if depth >= 2 && len >= 2 {
            let mut buf2 = [0u8; MAX_EDIT_LEN + 2];
            for skip2 in skip..len {
                let mut len2 = 0;
                for (idx, &b) in buf[..len].iter().enumerate() {
                    if idx != skip2 {
                        buf2[len2] = b;
                        len2 += 1;
                    }
                }
                emit(&buf2[..len2]);
            }
        }
    }
}

/// The optimal string alignment distance of two byte strings (Levenshtein plus swaps of
/// adjacent characters), or `limit + 1` once it is certain to exceed `limit`.
pub(crate) fn osa_distance(a: &[u8], b: &[u8], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    if a.len() > MAX_EDIT_LEN + 2 || b.len() > MAX_EDIT_LEN + 2 {
        return if a == b { 0 } else { limit + 1 };
    }
    const W: usize = MAX_EDIT_LEN + 3;
    let mut prev2 = [0usize; W];
    let mut prev = [0usize; W];
    let mut cur = [0usize; W];
    for (j, cell) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(prev2[j - 2] + 1);
            }
            cur[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return limit + 1;
        }
        prev2 = prev;
        prev = cur;
    }
    prev[b.len()].min(limit + 1)
}

/// A sound key: letters grouped by how transliterations confuse them, then the consonant
/// skeleton of the result. `gadhafi`, `qaddafi` and `kadafi` share `kdf`; `shaikh` and `sheikh`
/// share `sk`.
///
/// It is hand-made for transliterated names, where Double Metaphone's English rules (and its
/// four-character cut) merge too much: "international" and "interior" share its code `ANTR`.
pub(crate) fn sound_key(word: &str) -> String {
    let bytes = word.as_bytes();
    let mut mapped: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let b = bytes[idx];
        let next = bytes.get(idx + 1).copied();
        let (out, used) = match (b, next) {
            (b'p', Some(b'h')) => (b'f', 2),
            (b'k' | b'g' | b'd' | b't' | b's' | b'z' | b'c', Some(b'h')) => {
                let base = match b {
                    b'k' | b'g' => b'k',
                    b'd' | b't' => b't',
                    b'c' | b's' | b'z' => b's',
                    _ => b,
                };
                (base, 2)
            }
            (b'c', Some(b'e' | b'i' | b'y')) => (b's', 1),
            (b'c' | b'q' | b'g' | b'k', _) => (b'k', 1),
            (b'd', _) => (b't', 1),
            (b'z', _) => (b's', 1),
            (b'x', _) => (b's', 1),
            (b'w' | b'v', _) => (b'v', 1),
            (b'j', _) => (b'j', 1),
            (b'b', _) => (b'p', 1),
            (b'h', _) if idx > 0 => (b'a', 1),
            _ => (b, 1),
        };
        mapped.push(out);
        idx += used;
    }
    let mut key = String::with_capacity(mapped.len());
    let mut last = 0u8;
    for (pos, &b) in mapped.iter().enumerate() {
        let vowel = matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
        if pos == 0 {
            // A leading vowel is kept as one class, so "ali" and "eli" agree.
            let first = if vowel || b == b'h' { b'a' } else { b };
            key.push(first as char);
            last = first;
        } else if !vowel && b != last {
            key.push(b as char);
            last = b;
        } else if !vowel {
            last = b;
        } else {
            last = 0;
        }
    }
    // Runs were collapsed only when adjacent: drop the repeats that vowels separated in the
    // mapping ("qaddafi" -> k t t f -> after vowels -> "ktf"), keeping order.
    let mut collapsed = String::with_capacity(key.len());
    for c in key.chars() {
        if !collapsed.ends_with(c) {
            collapsed.push(c);
        }
    }
    collapsed
}

/// The similarity of two long words that differ only in vowels, letter for letter
/// ([`same_consonant_frame`]): that of one typo.
const VOWEL_FRAME_SIM: f32 = 0.9;

/// Whether `a` and `b`, of one length and at least seven letters, differ and have the same
/// letters in the same places but for vowels (a, e, i, o, u).
fn same_consonant_frame(a: &[u8], b: &[u8]) -> bool {
    let vowel = |c: &u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    a.len() == b.len()
        && a.len() >= 7
        && a != b
        && a.iter().zip(b).all(|(x, y)| x == y || (vowel(x) && vowel(y)))
}

/// The Jaro-Winkler similarity of `a` and `b` with their first letters taken as equal.
fn same_start_jaro_winkler(a: &str, b: &str) -> f32 {
    fn same_start(text: &str) -> String {
        let rest = text.char_indices().nth(1).map_or("", |(idx, _)| &text[idx..]);
        format!("#{rest}")
    }
    jaro_winkler(&same_start(a), &same_start(b)) as f32
}

/// The similarity of two tokens from 0 (not similar at all) to 1 (equal), and how they match.
///
/// Fuzzy matches are capped at 0.97, so an exact match always ranks first.
pub(crate) fn similarity(a: &Tok, b: &Tok) -> Option<(f32, Method)> {
    if a.kind == Kind::LegalForm || b.kind == Kind::LegalForm {
        return (a.kind == b.kind && a.text == b.text).then_some((1.0, Method::Exact));
    }
    if a.text == b.text {
        return Some((1.0, Method::Exact));
    }
    if a.kind == Kind::Particle || b.kind == Kind::Particle {
        // Spellings of one particle ("bn", "bin", "ibn"; "ben", which is also a given name and
        // so a normal word) correspond; other particles are compared by equality only.
        let same = particle_spellings(&a.text).is_some_and(|class| class.contains(&&*b.text));
        return same.then_some((0.95, Method::Edit));
    }
    if !a.kind.is_fuzzy(&a.text) || !b.kind.is_fuzzy(&b.text) {
        return None;
    }
    let (ta, tb) = (a.text.as_bytes(), b.text.as_bytes());
    let max_len = ta.len().max(tb.len());
    let limit = allowed_edits(max_len);
    let (distance, edit_ok) = if limit > 0 {
        let distance = osa_distance(ta, tb, limit);
        (distance, distance <= limit)
    } else {
        (1, is_short_swap(ta, tb))
    };
    // A two-letter word written in an unvowelled script is a whole name ("th" for طه, Taha), so
    // its skeleton counts; a two-letter Latin word is too short for a skeleton to mean anything.
    let long_enough = |tok: &Tok| tok.text.len() >= 3 || tok.unvowelled;
    let skeleton_ok =
        a.skeleton.len() >= 2 && a.skeleton == b.skeleton && long_enough(a) && long_enough(b);
    let sound_ok = a.sound.len() >= 2 && a.sound == b.sound && ta.len() >= 3 && tb.len() >= 3;
    // Skeletons and sound keys bridge unvowelled spellings (Arabic script folds to "mhmd",
    // "hsin") and full ones. Between two Latin spellings they are too loose on their own
    // ("putin" and "potanin" share a skeleton), so there the spellings must also be close.
    // Short Latin words need their first two letters to agree as well ("jing", "jang").
    let close = |jw: f32| jw >= 0.85 && (ta.len().min(tb.len()) >= 5 || ta.get(..2) == tb.get(..2));
    let unvowelled = a.unvowelled || b.unvowelled;
    // Spellings by another language's conventions, and given names of one class: neither
    // needs the spellings to be close ("jewgeni", "yevgeniy"; "yusuf", "joseph").
    let spelling_ok = !a.spelling.is_empty() && a.spelling == b.spelling;
    let class_ok = a.class.is_some() && a.class == b.class;
    // A foreign name in kana, Hangul or Chinese characters against a Latin one: by the
    // consonants that script hears.
    let syllabic_sim = match (a.syllabic, b.syllabic) {
        (Some(script), None) => script.similarity(&a.text, &b.text),
        (None, Some(script)) => script.similarity(&b.text, &a.text),
        _ => None,
    };
    if !(edit_ok || skeleton_ok || sound_ok || spelling_ok || class_ok || syllabic_sim.is_some()) {
        return None;
    }
    let jw = jaro_winkler(&a.text, &b.text) as f32;
    let edit_sim = 1.0 - distance.min(max_len) as f32 / max_len as f32;
    let mut best = (0.0f32, Method::Edit);
    if edit_ok {
        best = (0.5 * jw + 0.5 * edit_sim, Method::Edit);
    }
    // Long words with the same letters in the same places but for vowels are one name
    // transliterated twice ("hezbollah" and "hizballah", "mohammed" and "muhammad"): the
    // consonants of a long word carry it, where short names a vowel apart are often others
    // ("jamil", "jamal"), which stay at the skeleton's similarity.
    if same_consonant_frame(ta, tb) && best.0 < VOWEL_FRAME_SIM {
        best = (VOWEL_FRAME_SIM, Method::Skeleton);
    }
    // An unvowelled spelling cannot agree with a full one better than by its consonants: equal
    // skeletons are as close as such a pair gets, and score like a one-letter typo. Sound keys
    // stay weaker: they merge letters (b and p, m and n) that Arabic script keeps apart.
    let (sound_sim, skeleton_sim) = if unvowelled { (0.85, 0.9) } else { (0.85, 0.8) };
    // A first letter that transliterations spell differently ("Qaddafi", "Gaddafi", "Kadafi";
    // "Qasim", "Kasem") is one sound when the sound keys agree: the spellings are compared as
    // if they started alike.
    let sound_jw =
        if sound_ok && ta[0] != tb[0] { same_start_jaro_winkler(&a.text, &b.text) } else { jw };
    if sound_ok && (unvowelled || close(sound_jw)) && best.0 < sound_sim {
        best = (sound_sim.max(0.5 * jw + 0.5 * edit_sim), Method::Phonetic);
    }
    if skeleton_ok && (unvowelled || close(jw)) && best.0 < skeleton_sim {
        best = (skeleton_sim, Method::Skeleton);
    }
    if spelling_ok && best.0 < SPELLING_SIM {
        best = (SPELLING_SIM, Method::Spelling);
    }
    if class_ok && best.0 < EQUIVALENT_SIM {
        best = (EQUIVALENT_SIM, Method::Equivalent);
    }
    if let Some(sim) = syllabic_sim
        && best.0 < sim
    {
        best = (sim, Method::Phonetic);
    }
    (best.0 > 0.0).then_some((best.0.min(0.97), best.1))
}

/// Whether two words of three or four letters differ only by two adjacent letters swapped after
/// the first ("adb" typed for "abd"): the one typo that short words are allowed, since other
/// edits turn a short name into another too often ("jing" and "jang") while a swap rarely does,
/// and names that differ in their first letter are other names more often ("amr", "mar").
/// The deletion keys of such words share a variant (delete either swapped letter), so the
/// index finds the pair.
fn is_short_swap(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || !(3..=4).contains(&a.len()) {
        return false;
    }
    let Some(i) = (1..a.len() - 1).find(|&i| a[i] != b[i]) else { return false };
    a[0] == b[0] && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

/// The similarity of two spellings of one name by different languages' conventions: like a
/// one-letter typo of a long word.
const SPELLING_SIM: f32 = 0.95;

/// The similarity of two given names of one class of equivalents: a little below a spelling
/// variant, since "Joseph" for "Yusuf" is a translation rather than a spelling.
const EQUIVALENT_SIM: f32 = 0.9;

/// Spellings of the same name particle, as Latin transliterations and folded Arabic script write
/// it: "son of", "daughter of", "father of", "son of" (Maghreb). `None` for other words.
pub(crate) fn particle_spellings(text: &str) -> Option<&'static [&'static str]> {
    PARTICLE_CLASSES.iter().copied().find(|class| class.contains(&text))
}

/// The classes of [`particle_spellings`].
const PARTICLE_CLASSES: &[&[&str]] = &[
    &["bin", "bn", "ben", "ibn", "ibni", "abn", "bni"],
    &["bint", "bnt", "binti", "bent"],
    // "Aboul" and "Abul" are "abu al" run together ("Aboul Fotouh", "Abul Kalam").
    &["abu", "abou", "abo", "abi", "bu", "abw", "aboul", "abul"],
    &["ould", "wld", "uld", "walad"],
    &["ag", "agh"],
];

/// The spellings a particle may take when it is run into a name: the Arabic article in its
/// Latin spellings ("al", "el", "ul"), the spellings of "son of" and "father of"
/// ([`particle_spellings`]), or the particle itself.
pub(crate) fn join_spellings(text: &str) -> &'static [&'static str] {
    const ARTICLE: &[&str] = &["al", "el", "ul"];
    if ARTICLE.contains(&text) {
        return ARTICLE;
    }
    particle_spellings(text).unwrap_or_else(|| match PARTICLE_SELF.iter().find(|p| **p == text) {
        Some(p) => std::slice::from_ref(p),
        None => &[],
    })
}

/// Particles that are run into names only in their own spelling.
const PARTICLE_SELF: &[&str] = &[
    "ud", "ur", "umm", "van", "von", "der", "den", "ter", "ten", "zu", "af", "de", "da", "di",
    "del", "della", "des", "du", "la", "le", "dos", "das",
];

/// Every spelling [`join_spellings`] gives for some particle: what a word run into a name may
/// start with.
pub(crate) fn all_join_spellings() -> impl Iterator<Item = &'static str> {
    ["al", "el", "ul"]
        .into_iter()
        .chain(PARTICLE_CLASSES.iter().flat_map(|class| class.iter().copied()))
        .chain(PARTICLE_SELF.iter().copied())
}

/// FNV-1a over a namespace byte and `bytes`: the keys of the index's hash maps. Collisions only
/// add candidates, which scoring then rejects.
pub(crate) fn key_hash(namespace: u8, bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in std::iter::once(&namespace).chain(bytes) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Key namespaces.
pub(crate) const NS_DELETION: u8 = 1;
pub(crate) const NS_SKELETON: u8 = 2;
pub(crate) const NS_SOUND: u8 = 3;
pub(crate) const NS_SPELLING: u8 = 4;
pub(crate) const NS_CLASS: u8 = 5;

/// The base of the polynomial hash of [`deletion_keys`] (odd, so powers never vanish).
const DELETION_BASE: u64 = 0x9e37_79b9_7f4a_7c15;

/// `DELETION_BASE` to the powers 0 to `MAX_EDIT_LEN + 2`.
const DELETION_POWERS: [u64; MAX_EDIT_LEN + 3] = {
    let mut powers = [1u64; MAX_EDIT_LEN + 3];
    let mut idx = 1;
    while idx < powers.len() {
        powers[idx] = powers[idx - 1].wrapping_mul(DELETION_BASE);
        idx += 1;
    }
    powers
};

/// The key of a deletion variant from the polynomial hash of its bytes and its length
/// (a 64-bit finalizer, so that nearby hashes spread over the whole key).
fn deletion_key(poly: u64, len: usize) -> u64 {
    let mut key = poly ^ ((len as u64) << 56) ^ (u64::from(NS_DELETION) << 48);
    key = (key ^ (key >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    key = (key ^ (key >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    key ^ (key >> 31)
}

/// Calls `emit` with the key of every string obtained by deleting up to `depth` bytes of
/// `text` (`deletion_variants`), `text` itself included; duplicates may be emitted.
///
/// The key is a function of the variant's bytes alone: a polynomial hash, which prefix hashes
/// give for each variant in constant time (a query word of 20 letters has 211 variants, and
/// hashing each from its bytes was the largest cost of looking up an unknown word).
pub(crate) fn deletion_keys(text: &[u8], depth: usize, emit: &mut impl FnMut(u64)) {
    let digit = |b: u8| u64::from(b) + 1;
    let n = text.len();
    if depth == 0 || !(2..=MAX_EDIT_LEN + 2).contains(&n) {
        let poly =
            text.iter().fold(0u64, |h, &b| h.wrapping_mul(DELETION_BASE).wrapping_add(digit(b)));
        emit(deletion_key(poly, n));
        return;
    }
    // prefix[k]: the hash of text[..k].
    let mut prefix = [0u64; MAX_EDIT_LEN + 3];
    for (k, &b) in text.iter().enumerate() {
        prefix[k + 1] = prefix[k].wrapping_mul(DELETION_BASE).wrapping_add(digit(b));
    }
    let pow = &DELETION_POWERS;
    // The hash of text[i..j].
    let part = |i: usize, j: usize| prefix[j].wrapping_sub(prefix[i].wrapping_mul(pow[j - i]));
    emit(deletion_key(prefix[n], n));
    for p in 0..n {
        // text without byte p.
        let poly = prefix[p].wrapping_mul(pow[n - 1 - p]).wrapping_add(part(p + 1, n));
        emit(deletion_key(poly, n - 1));
        if depth >= 2 && n >= 3 {
            // text without bytes p and q.
            for q in p + 1..n {
                let poly = prefix[p]
                    .wrapping_mul(pow[n - 2 - p])
                    .wrapping_add(part(p + 1, q).wrapping_mul(pow[n - 1 - q]))
                    .wrapping_add(part(q + 1, n));
                emit(deletion_key(poly, n - 2));
            }
        }
    }
}

/// Calls `emit` with every blocking key of a token.
pub(crate) fn token_keys(tok: &Tok, emit: &mut impl FnMut(u64)) {
    if !tok.kind.is_fuzzy(&tok.text) {
        return;
    }
    deletion_keys(tok.text.as_bytes(), deletion_depth(tok.text.len()), emit);
    if tok.skeleton.len() >= 2 && (tok.text.len() >= 3 || tok.unvowelled) {
        emit(key_hash(NS_SKELETON, tok.skeleton.as_bytes()));
    }
    if tok.sound.len() >= 2 && tok.text.len() >= 3 {
        emit(key_hash(NS_SOUND, tok.sound.as_bytes()));
    }
    if !tok.spelling.is_empty() {
        emit(key_hash(NS_SPELLING, tok.spelling.as_bytes()));
    }
    if let Some(class) = tok.class {
        emit(key_hash(NS_CLASS, &class.to_le_bytes()));
    }
}

#[cfg(test)]
mod tests;
