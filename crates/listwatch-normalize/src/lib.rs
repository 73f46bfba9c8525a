//! Text normalization for the names on sanctions lists: folding, transliteration and tokenization.
//!
//! Sanctions lists spell the same person, company or vessel in many ways: upper or lower case,
//! with or without diacritics, in Cyrillic, Arabic or Chinese script, surname first or last,
//! with "Ltd" or "Limited". This crate turns any such spelling into a small, comparable form.
//! It is pure: no I/O, no global state besides lazily built lookup tables, and no function panics
//! on any input.
//!
//! # Overview
//!
//! - [`fold`] maps any Unicode text to *folded* text: lowercase ASCII letters and digits in words
//!   separated by single spaces. It composes NFKC, lowercasing, diacritic stripping and
//!   transliteration (Cyrillic, Greek, Arabic, Hebrew, Georgian, Ethiopic, Thai, Burmese, Khmer, the Indic
//!   scripts, Hangul, kana and Han by tables of this crate, other scripts through `deunicode`).
//!   [`is_folded`] tells whether text is already folded.
//! - [`han_readings`] and [`fold_variants`] give every pinyin reading of polyphonic Han
//!   characters, so that an index can store all of them.
//! - [`tokenize`] splits text into [`Token`]s and tags each as a legal form ("ltd", "sdn bhd",
//!   "有限公司"), a particle ("al", "bin", "van"), an honorific ("mr", "sheikh"), a stop word
//!   ("and", "of"), an initial or a plain word. Legal forms come from a data table,
//!   [`legal_forms`], and carry a canonical form so "corp" and "corporation" compare equal.
//! - [`person_name_variants`] handles name order ("KHOROSHEV, Dmitry Yuryevich") and honorifics.
//! - [`given_name_class`] groups given names that are one name across languages (a data table,
//!   `data/name_equivalents.tsv`); [`spelling_key`] writes other languages' spellings of a name
//!   (German w and sch, Dutch oe, Latvian -s) one way.
//! - [`leading_title_words`] finds the titles, offices and ranks that lead a person's name in
//!   many languages ("President", "Präsident", "генерал", "الشيخ").
//! - [`name_parts`] splits a name that carries a former name, an alias or a trade name ("Ocean
//!   Pioneer (ex-Cape Diamond)", "X, f.k.a. Y", "X d/b/a Y") into the names it holds.
//! - [`skeleton`] gives a consonant-skeleton blocking key ("mohammed", "muhammad" -> "mhmd").
//!
//! # Example
//!
//! ```
//! use listwatch_normalize::{TokenKind, fold, person_name_variants, skeleton, tokenize};
//!
//! assert_eq!(fold("Хорошев Дмитрий"), "khoroshev dmitriy");
//! assert_eq!(fold("O'Brien-Smith, Seán"), "obrien smith sean");
//! assert_eq!(fold("中国有限公司"), "zhong guo you xian gong si");
//!
//! let tokens = tokenize("Acme Trading Co., Ltd.");
//! assert_eq!(tokens.len(), 3);
//! assert_eq!(tokens[2].text(), "co ltd");
//! assert!(matches!(tokens[2].kind(), TokenKind::LegalForm(_)));
//! assert_eq!(tokens[2].canonical(), "company limited");
//!
//! assert_eq!(
//!     person_name_variants("KHOROSHEV, Dmitry Yuryevich"),
//!     ["dmitry yuryevich khoroshev", "khoroshev dmitry yuryevich"],
//! );
//! assert_eq!(skeleton("Muhammad"), skeleton("mohamed"));
//! ```
//!
//! # API themes
//!
//! - Every function accepts any `&str` and never panics. Functions that work on folded text
//!   ([`tokenize`], [`skeleton`]) fold their input first unless [`is_folded`] already holds, which
//!   costs one scan.
//! - Folding is idempotent: `fold(&fold(x)) == fold(x)`, and everything this crate returns as text
//!   is folded.
//!
//! # Limitations
//!
//! - Transliteration is one scheme per script, character by character, with no language
//!   detection: Cyrillic follows BGN/PCGN for Russian (so Ukrainian "г" becomes "g", not "h");
//!   Hangul follows Revised Romanization ("김" -> "gim", while lists often write "Kim"; the
//!   McCune-Reischauer spellings are [`fold_variants`], and [`korean_romanization`] writes every
//!   system's spelling of a Korean name one way); a name in Han characters alone also gets its
//!   Korean (hanja) reading in [`fold_variants`], by the `hanja_hangul` crate's tables; Japanese
//!   kanji are read as Chinese pinyin and Korean hanja, never with Japanese readings.
//! - Arabic is written without short vowels, so folded Arabic ("محمد" -> "mhmd") rarely equals the
//!   Latin spelling a list gives ("Mohammed"); compare such names through [`skeleton`] keys.
//! - Han characters get their most common reading in [`fold`]; polyphones can be wrong, which is
//!   why [`fold_variants`] exists. There is no Wade–Giles or Cantonese.
//! - [`tokenize`] classifies tokens without knowing whether the name is a person or a company:
//!   "sa" is always a legal form and "de" always a particle. Callers decide what to ignore.

#![warn(missing_docs)]

mod fold;
mod former;
mod korean;
mod legal_form;
mod person;
mod skeleton;
mod spelling;
mod title;
mod token;
mod translit;

pub use crate::fold::{fold, fold_variants, han_readings, is_folded};
pub use crate::former::name_parts;
pub use crate::korean::{korean_romanization, korean_romanizations};
pub use crate::legal_form::{LegalForm, legal_form, legal_forms};
pub use crate::person::person_name_variants;
pub use crate::skeleton::skeleton;
pub use crate::spelling::{given_name_class, spelling_key};
pub use crate::title::{is_title, leading_title_words};
pub use crate::token::{
    Token, TokenKind, starts_with_run_in_legal_form, tokenize, tokenize_whole_words, word_kind,
};
