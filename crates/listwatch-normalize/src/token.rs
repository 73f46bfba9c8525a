//! Tokens of folded names, each tagged as a legal form, particle, honorific, stop word, initial
//! or plain word.

use crate::fold::{fold, is_folded};
use crate::legal_form::{self, LegalForm};
use std::borrow::Cow;

#[cfg(test)]
mod tests;

/// One token of a folded name.
///
/// A token is usually one word; a legal form of several words ("sdn bhd", "you xian gong si")
/// is one token whose text holds the words separated by single spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    text: String,
    kind: TokenKind,
}

/// What a token is, as far as the word alone tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word of the name itself.
    Normal,
    /// A single letter, usually an initial ("j" in "j r r tolkien").
    Initial,
    /// A company legal form such as "ltd" or "s a", from the [`legal_forms`](crate::legal_forms)
    /// table.
    LegalForm(&'static LegalForm),
    /// A name particle: Arabic "al", "bin", "abu"; Dutch and German "van", "von", "der";
    /// Romance "de", "da", "del", "la".
    Particle,
    /// A title or honorific: "mr", "dr", "sheikh", "haji", military ranks.
    Honorific,
    /// A stop word of company names: "and", "of", "the", "for".
    StopWord,
}

impl Token {
    /// The token of a legal form, written as the table writes it.
    fn legal_form(legal_form: &'static LegalForm) -> Token {
        Token { text: legal_form.form().to_owned(), kind: TokenKind::LegalForm(legal_form) }
    }

    /// The folded text of the token.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What the token is.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The text to compare: the canonical form for a legal form ("corp" -> "corporation"), the
    /// text itself otherwise.
    pub fn canonical(&self) -> &str {
        match self.kind {
            TokenKind::LegalForm(legal_form) => legal_form.canonical(),
            _ => &self.text,
        }
    }
}

/// Splits a name into tagged tokens.
///
/// `text` is folded first unless it already is (see [`is_folded`](crate::is_folded)). Legal
/// forms are matched on whole words, longest first, anywhere in the name, so "Acme Sdn Bhd"
/// gives the tokens "acme" and "sdn bhd"; a few forms run into the first word are split off
/// ("OOOALKON" gives "ooo" and "alkon"). Every other word is classified alone; the
/// classification does not depend on whether the name is a person's or a company's. A plain
/// word that abbreviates a common word of company names is written out ("Intl" gives the token
/// "international"; the table is `data/abbreviations.tsv`).
///
/// ```
/// use listwatch_normalize::{TokenKind, tokenize};
///
/// let kinds: Vec<TokenKind> = tokenize("Dr. J. van der Berg").iter().map(|token| token.kind()).collect();
/// assert_eq!(
///     kinds,
///     [TokenKind::Honorific, TokenKind::Initial, TokenKind::Particle, TokenKind::Particle, TokenKind::Normal],
/// );
/// ```
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with(text, true)
}

/// [`tokenize`] without splitting a legal form off the first word it may have been run into:
/// the other reading of a name whose first word only looks like one ("Zaouali", or "ZAOKNNIK"
/// typed for "ZAKONNIK"). [`starts_with_run_in_legal_form`] tells whether the two differ.
///
/// ```
/// use listwatch_normalize::{starts_with_run_in_legal_form, tokenize, tokenize_whole_words};
///
/// assert!(starts_with_run_in_legal_form("oooalkon"));
/// assert_eq!(tokenize("oooalkon").len(), 2);
/// assert_eq!(tokenize_whole_words("oooalkon").len(), 1);
/// assert!(!starts_with_run_in_legal_form("ooo alkon"));
/// ```
pub fn tokenize_whole_words(text: &str) -> Vec<Token> {
    tokenize_with(text, false)
}

/// Whether [`tokenize`] splits a legal form off the first word of the folded name `folded`.
pub fn starts_with_run_in_legal_form(folded: &str) -> bool {
    let mut words = folded.split(' ').filter(|word| !word.is_empty());
    let Some(first) = words.next() else { return false };
    // A legal form of several words that starts with the first word takes precedence.
    let rest: Vec<&str> = std::iter::once(first).chain(words.take(3)).collect();
    legal_form::longest_at(&rest).is_none() && run_in_legal_form(first).is_some()
}

fn tokenize_with(text: &str, split_run_in: bool) -> Vec<Token> {
    let folded = if is_folded(text) { Cow::Borrowed(text) } else { Cow::Owned(fold(text)) };
    let words: Vec<&str> = folded.split(' ').filter(|word| !word.is_empty()).collect();
    let mut tokens = Vec::with_capacity(words.len());
    let mut word_idx = 0;
    while word_idx < words.len() {
        if let Some((legal_form, n_words)) = legal_form::longest_at(&words[word_idx..]) {
            tokens.push(Token::legal_form(legal_form));
            word_idx += n_words;
        } else {
            let mut word = words[word_idx];
            if word_idx == 0
                && split_run_in
                && let Some((legal_form, rest)) = run_in_legal_form(word)
            {
                tokens.push(Token::legal_form(legal_form));
                word = rest;
                // The rest may be a legal form itself ("oookompaniya").
                if let Some((legal_form, 1)) = legal_form::longest_at(&[word]) {
                    tokens.push(Token::legal_form(legal_form));
                    word_idx += 1;
                    continue;
                }
            }
            let kind = word_kind(word);
            let text = match kind {
                TokenKind::Normal => expand_abbreviation(word).unwrap_or(word),
                _ => word,
            };
            tokens.push(Token { text: text.to_owned(), kind });
            word_idx += 1;
        }
    }
    tokens
}

/// Legal forms that data entry runs into a company's name ("OOOALKON", "ZAOVNESHTORGSERVIS",
/// "CJSCBELTECHEXPORT") and that start no word of any name on the OFAC lists. "pao" (Paolo),
/// "ao" (Aozma), "pt" (Pterus), "too" (Toomaj) and "tov" (tovarystvo) start real words, so
/// they are left alone.
const RUN_IN_LEGAL_FORMS: &[&str] = &["ojsc", "cjsc", "pjsc", "jsc", "ooo", "oao", "zao", "llc"];

/// A legal form run into the first word of a name, and the rest of the word (three letters at
/// least): "oooalkon" is "ooo" and "alkon".
fn run_in_legal_form(word: &str) -> Option<(&'static LegalForm, &str)> {
    RUN_IN_LEGAL_FORMS.iter().find_map(|form| {
        let rest = word.strip_prefix(form)?;
        if rest.len() < 3 || !rest.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let (legal_form, _) = legal_form::longest_at(&[form])?;
        Some((legal_form, rest))
    })
}

/// The abbreviations of common words of company names (`data/abbreviations.tsv`), by
/// abbreviation.
static ABBREVIATIONS: std::sync::LazyLock<std::collections::HashMap<&'static str, &'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("../data/abbreviations.tsv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t'))
            .map(|(abbreviation, word)| (abbreviation.trim(), word.trim()))
            .collect()
    });

/// The word a folded abbreviation of a company name stands for ("intl" -> "international",
/// "mfg" -> "manufacturing"), if it is one of `data/abbreviations.tsv`.
pub(crate) fn expand_abbreviation(word: &str) -> Option<&'static str> {
    ABBREVIATIONS.get(word).copied()
}

/// Classifies one folded word that is not part of a legal form.
///
/// ```
/// use listwatch_normalize::{TokenKind, word_kind};
///
/// assert_eq!(word_kind("al"), TokenKind::Particle);
/// assert_eq!(word_kind("sheikh"), TokenKind::Honorific);
/// assert_eq!(word_kind("ghali"), TokenKind::Normal);
/// ```
pub fn word_kind(word: &str) -> TokenKind {
    if PARTICLES.contains(&word) {
        TokenKind::Particle
    } else if HONORIFICS.contains(&word) {
        TokenKind::Honorific
    } else if STOP_WORDS.contains(&word) {
        TokenKind::StopWord
    } else if word.len() == 1 && word.bytes().all(|byte| byte.is_ascii_lowercase()) {
        TokenKind::Initial
    } else {
        TokenKind::Normal
    }
}

/// Name particles. Words that are also common given names ("ben") are left out.
const PARTICLES: &[&str] = &[
    // Arabic, Persian, Urdu, Malay; "bn", "abn" and "bnt" are how Arabic-script "بن", "ابن" and
    // "بنت" fold, without short vowels.
    "al", "el", "ul", "ud", "ur", "bin", "ibn", "bint", "binti", "abu", "abou", "aboul", "abul",
    "umm", "ould", "bn", "abn", "bnt",
    // Tuareg "son of" ("Iyad ag Ghali"), and as Arabic script writes it ("اغ"); a company's
    // "AG" is its legal form, found before any word is classified.
    "ag", "agh", // Dutch, German, Scandinavian.
    "van", "von", "der", "den", "ter", "ten", "zu", "af", // Romance languages.
    "de", "da", "di", "del", "della", "des", "du", "la", "le", "dos", "das",
];

/// Titles, honorifics and ranks, which lists put in names but which are not part of them.
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "hon",
    "sheikh", "shaikh", "sheik", "shiekh", "shaykh", "haji", "hajji", "hadji", "hajj", "mullah",
    "mulla", "maulana", "mawlana", "maulvi", "gen", "col", "capt", "lt", "maj", "adm", "brig",
    "sgt",
];

/// Stop words of company names.
const STOP_WORDS: &[&str] =
    &["and", "of", "the", "for", "in", "on", "at", "to", "by", "an", "with", "und", "et"];
