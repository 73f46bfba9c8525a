//! Matching names for sanctions screening.
//!
//! This crate will hold the candidate index and the scoring engine. For now it holds their
//! building blocks, the *score* area:
//!
//! - [`metrics`]: string similarity and distance — Jaro, Jaro–Winkler (with and without the
//!   long-string tolerance), Levenshtein, unrestricted Damerau–Levenshtein, Hamming.
//! - [`phonetic`]: phonetic codes — Soundex, Metaphone, NYSIIS, the Match Rating Approach, and
//!   Double Metaphone.
//!
//! # Example
//!
//! ```
//! use listwatch_matcher::{metrics, phonetic};
//!
//! assert!(metrics::jaro_winkler("khoroshev", "khoroshiev") > 0.95);
//! assert_eq!(metrics::damerau_levenshtein("qaddafi", "qadadfi"), 1);
//! assert_eq!(phonetic::soundex("Tymczak"), "T522");
//! assert_eq!(phonetic::double_metaphone("Gadhafi"), phonetic::double_metaphone("Qaddafi"));
//! ```
//!
//! # API themes
//!
//! - Everything is deterministic, does no I/O, and accepts any `&str` without panicking.
//! - Metrics work on Unicode scalar values (`char`s), not bytes and not grapheme clusters.
//!   Pass text through `listwatch_normalize::fold` first to compare names across scripts and
//!   spellings; the metrics themselves do not normalize.
//! - Metrics, Soundex, Metaphone, NYSIIS and the Match Rating Approach reproduce the Python and
//!   Rust library jellyfish; its published test vectors run as conformance tests (see
//!   `tests/it/conformance.rs`). Where this crate departs from jellyfish, the function says so.
//!
//! # Limitations
//!
//! - The phonetic codes are designed for English (and Double Metaphone for names of European
//!   origin); on other text they are only loosely meaningful.
//! - Metrics on strings longer than 64 characters allocate a scratch buffer per call.

#![warn(missing_docs)]

pub mod metrics;
pub mod phonetic;
