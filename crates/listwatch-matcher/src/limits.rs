//! The bounds that keep the cost of one query proportional to its length.
//!
//! A query name of `n` bytes costs `O(n)` to fold and tokenize, then at most [`MAX_TOKENS`]
//! tokens are looked up. Each token costs `O(len)` to hash and key, plus at most
//! `MAX_FUZZY_LEN²` for the search of words written apart (every prefix of the token is looked up
//! in the vocabulary), plus its deletion neighbourhood, which is empty beyond [`MAX_EDIT_LEN`].
//! So a query costs `O(n + MAX_TOKENS × MAX_FUZZY_LEN²)` before candidates are scored, and the
//! scoring depends on the index, not on the length of the query. Without these bounds one token
//! of 300 KB took half a minute (every prefix was hashed, which is quadratic in its length).

/// Han names have a variant per reading of their polyphonic characters, and two for their Korean
/// reading; at most this many are indexed or queried per name.
pub(crate) const MAX_HAN_VARIANTS: usize = 6;

/// A name is read at most this many ways: its variants (at most [`MAX_HAN_VARIANTS`]), each
/// with a legal form run into its first word split off or not and with number words or figures,
/// for itself and each of the names it carries (`listwatch_normalize::name_parts`). Real names
/// need a handful; the bound keeps a crafted one from multiplying the work of a query.
pub(crate) const MAX_READINGS: usize = 24;

/// Names are cut to this many tokens (alignment uses 64-bit masks, and no real name comes close).
pub(crate) const MAX_TOKENS: usize = 24;

/// Tokens longer than this are compared by equality, skeleton and sound key only: their deletion
/// neighbourhoods would be large. 24 keeps run-together company names such as
/// "transkomplektkholding" / "transkomplektholding" (21 and 20 letters) within reach.
pub(crate) const MAX_EDIT_LEN: usize = 24;

/// Tokens longer than this (in bytes) are compared by equality alone: no skeleton, sound key or
/// Jaro-Winkler (quadratic in the length), and no search for the same word written apart. The
/// longest word of a name on the real OFAC lists has 27 letters, so normal names are unaffected.
pub(crate) const MAX_FUZZY_LEN: usize = 64;
