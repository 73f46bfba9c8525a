//! The candidate index: every name of every indexed entity, searchable by token, by fuzzy
//! token keys and by identifier, and the screening that runs on it.
//!
//! # Layout
//!
//! - A *vocabulary* of the distinct tokens of all indexed names, each with its weight
//!   ([`token_weight`]: inverse document frequency over entities, or the fixed weight of its
//!   kind) and its consonant skeleton and sound key.
//! - *Fuzzy keys* to vocabulary tokens: each token's deletion neighbourhood (every string made
//!   by deleting up to two characters), skeleton and sound key. A query token looks its own keys
//!   up and verifies the tokens found; since two tokens are only similar if they share a key
//!   (see `token.rs`), this finds every similar token, and the result is cached per vocabulary
//!   token.
//! - *Postings*: for each vocabulary token, the names that contain it; for each first letter,
//!   the names with a word starting with it (for queries made of initials).
//! - *Identifier postings*: normalized strong identifiers to entities.
//!
//! # Candidate generation is recall-safe
//!
//! The name score of a candidate is at most `A / W`, where `W` is the weight of all query tokens
//! and `A` the weight of those it matches (see `align.rs`); other evidence adds at most
//! [`MatcherConfig::max_bonus`]. So an entity can only reach `min_score` if its name matches
//! query tokens of weight at least `(min_score - max_bonus) × W`. Sorting the query tokens by
//! weight, the shortest prefix whose complement weighs less than that must contain a matched
//! token: only the postings of that prefix (the rarest tokens) are read (prefix filtering).
//! Every entity found is then scored on all its names, exactly as a full scan would score it;
//! `tests/it/recall.rs` checks this against [`Index::screen_exhaustive`].
//!
//! # Scoring is bounded before it is aligned
//!
//! Aligning names is the costly step, and most candidates cannot reach the results. So each
//! candidate first gets an upper bound of its score from the query tokens its names can pair
//! with (looked up by vocabulary id in a table built once per query, [`NameBound`]), and
//! candidates are aligned best bound first, until the bound falls below both `min_score` and
//! the `limit`-th best score found (see [`Index::bound_name`] for why the bound holds). The
//! results are those of aligning everything, ties and explanations included; the recall test
//! checks it for limits 1, 5, 10 and unlimited.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use listwatch_model::{Entity, NameKind, Schema};

use crate::align::{Alignment, Candidate, Edge, QName, QTok, QUnit, align};
use crate::config::{MATCHER_VERSION, MatcherConfig};
use crate::evidence::{self, Evidence, Party, id_group, is_strong};
use crate::limits::MAX_FUZZY_LEN;
use crate::query::Query;
use crate::result::{
    Explanation, Feature, FeatureKind, ListVersion, MatcherInfo, ScreenResponse, ScreenResult,
    TokenMatch, round_score,
};
use crate::token::{
    self, Kind, MAX_TOKENS, Method, Tok, entity_name_tokens, name_readings, query_token_sets,
    similarity, token_keys,
};

/// An entity to index, with the list and version it comes from.
#[derive(Clone, Debug)]
pub struct IndexedEntity {
    /// The entity.
    pub entity: Entity,
    /// The list's name (`ofac-sdn`); the result's entity id is `<list>:<entity.id>`.
    pub list: String,
    /// The list version.
    pub version: u32,
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// A fast hasher for the vocabulary's words (FxHash's mixing, eight bytes at a time): a query
/// looks up every prefix of its words, and SipHash made those lookups cost more than the words
/// they find. Only lookups depend on it, never an answer.
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        // The multiplication leaves the high bits best mixed; the table indexes by low ones.
        self.0.rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.add(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }
}

/// The vocabulary's map from word to id.
type WordMap = HashMap<Box<str>, u32, BuildHasherDefault<WordHasher>>;

/// Lists of ids per key, stored flat.
#[derive(Default)]
struct Postings {
    offsets: Vec<u32>,
    values: Vec<u32>,
}

impl Postings {
    /// Builds from `(key, value)` pairs with keys below `n_keys`; values keep their order.
    fn build(n_keys: usize, pairs: &[(u32, u32)]) -> Postings {
        let mut offsets = vec![0u32; n_keys + 1];
        for &(key, _) in pairs {
            offsets[key as usize + 1] += 1;
        }
        for idx in 1..offsets.len() {
            offsets[idx] += offsets[idx - 1];
        }
        let mut fill = offsets.clone();
        let mut values = vec![0u32; pairs.len()];
        for &(key, value) in pairs {
            values[fill[key as usize] as usize] = value;
            fill[key as usize] += 1;
        }
        Postings { offsets, values }
    }

    fn get(&self, key: u32) -> &[u32] {
        let key = key as usize;
        match (self.offsets.get(key), self.offsets.get(key + 1)) {
            (Some(&start), Some(&end)) => &self.values[start as usize..end as usize],
            _ => &[],
        }
    }
}

/// An indexed entity, reduced to what screening reports and compares.
struct EntityRec {
    id: Box<str>,
    list: u32,
    schema: Schema,
    /// Names as published, primary first, then "Issuer Name" attributes.
    names: Box<[Box<str>]>,
    programs: Box<[Box<str>]>,
    party: Party,
    /// The range of this entity's entries in `Index::names`.
    name_entries: (u32, u32),
}

/// One indexed name (one fold variant of one name of one entity).
struct NameEntry {
    entity: u32,
    name_idx: u16,
    weak: bool,
    tokens: (u32, u32),
}

/// The distinct tokens of all indexed names.
#[derive(Default)]
struct Vocab {
    toks: Vec<Tok>,
    weights: Vec<f64>,
    /// What score bounds read of each token, packed apart from `toks` so that bounding a
    /// candidate touches one small array instead of a `Tok` per token.
    meta: Vec<TokMeta>,
    /// Each token's id by its text, but for legal forms.
    ids: WordMap,
    /// Each legal form's id by its text: a word that a company's name reads as a legal form
    /// ("pao", "ag") and the same word of a person's name are two tokens, each of its own kind.
    legal_form_ids: WordMap,
}

impl Vocab {
    /// The id of the token of `text` and `kind`, if listed.
    fn id(&self, text: &str, kind: Kind) -> Option<u32> {
        self.ids_of(kind).get(text).copied()
    }

    /// The map that holds the tokens of `kind`.
    fn ids_of(&self, kind: Kind) -> &WordMap {
        if kind == Kind::LegalForm { &self.legal_form_ids } else { &self.ids }
    }

    /// Adds the token of `text` and `kind` under the next id, and returns it.
    fn add(&mut self, text: &str, kind: Kind) -> u32 {
        let id = self.toks.len() as u32;
        self.toks.push(Tok::new(text, kind));
        let ids = if kind == Kind::LegalForm { &mut self.legal_form_ids } else { &mut self.ids };
        ids.insert(text.into(), id);
        id
    }
}

/// The facts about a vocabulary token that decide which alignment edges it can take part in,
/// and its weight: what bounding reads of each candidate token, in one place (with many
/// candidates, each read misses the cache).
#[derive(Clone, Copy, Debug)]
struct TokMeta {
    /// The token's weight (`Vocab::weights`).
    weight: f64,
    kind: Kind,
    /// The first byte of the text (0 for an empty text, which pairs with no initial).
    first: u8,
    /// Whether the text is one byte long (an initial equal to a one-letter query token).
    one_byte: bool,
    /// Whether the token ends as a patronymic ([`crate::token::is_patronymic`]).
    patronymic: bool,
}

/// The weight of a token of `kind` that appears in the names of `df` of `n_docs` entities.
pub(crate) fn token_weight(kind: Kind, df: u32, n_docs: usize, config: &MatcherConfig) -> f64 {
    match kind {
        Kind::LegalForm => config.legal_form_weight,
        Kind::Particle => config.particle_weight,
        Kind::StopWord => config.stop_word_weight,
        Kind::Initial => config.initial_weight,
        Kind::Normal => {
            let idf = ((n_docs as f64 + 1.0) / (f64::from(df) + 0.5)).ln().max(0.0);
            idf.powf(config.idf_exponent).max(config.min_token_weight)
        }
    }
}

/// The weight a query name needs to single out an entity: that of a word found in the names of
/// `df` of `n_docs` entities ([`MatcherConfig::informative_query_df`]).
pub(crate) fn informative_weight(df: f64, n_docs: usize, config: &MatcherConfig) -> f64 {
    if df <= 0.0 {
        return 0.0;
    }
    let idf = ((n_docs as f64 + 1.0) / (df + 0.5)).ln().max(0.0);
    idf.powf(config.idf_exponent).max(config.min_token_weight)
}

/// The search index over the names and identifiers of a set of entities.
///
/// Build it once per set of list versions ([`Index::build`]) and share it: it is `Send` and
/// `Sync`, and [`Index::screen`] takes `&self`.
pub struct Index {
    config: MatcherConfig,
    /// `config.config_hash()`, computed once.
    config_hash: String,
    list_versions: Vec<ListVersion>,
    entities: Vec<EntityRec>,
    names: Vec<NameEntry>,
    name_tokens: Vec<u32>,
    vocab: Vocab,
    postings: Postings,
    letters: Postings,
    fuzzy_keys: KeyMap<(u32, u32)>,
    fuzzy_values: Vec<u32>,
    identifiers: KeyMap<Vec<u32>>,
    n_docs: usize,
    expansions: Vec<OnceLock<Expansion>>,
    /// The vocabulary's words by their [`token::kana_key`], built on the first query in a
    /// syllabic script ([`token::Syllabic`]).
    kana_keys: OnceLock<candidates::KanaKeys>,
    /// The particles of the vocabulary that a word may start with, run into it
    /// ([`token::all_join_spellings`], in its order), with the spellings each may take there
    /// ([`token::join_spellings`]).
    join_particles: Vec<(u32, &'static [&'static str])>,
    /// The first entry in `names` of each entity, and the number of entries at the end: the
    /// entries of entity `e` are `entry_starts[e]..entry_starts[e + 1]` (a dense copy of
    /// `EntityRec::name_entries`, read for every candidate).
    entry_starts: Vec<u32>,
}

/// The vocabulary tokens similar to one token, by id, with similarity and method.
type Expansion = Box<[(u32, f32, Method)]>;

/// The bucket of a first letter or digit in `Index::letters`.
fn letter_bucket(byte: u8) -> Option<u32> {
    match byte {
        b'a'..=b'z' => Some(u32::from(byte - b'a')),
        b'0'..=b'9' => Some(26 + u32::from(byte - b'0')),
        _ => None,
    }
}

fn identifier_key(kind: listwatch_model::IdKind, normalized: &str) -> u64 {
    token::key_hash(id_group(kind) as u8, normalized.as_bytes())
}

mod bounds;
mod build;
mod candidates;
mod explain;
mod scoring;

use bounds::NameBound;
pub(crate) use explain::describe_alignment;
use explain::weak_loss;

impl Index {
    /// The configuration the index scores with.
    pub fn config(&self) -> &MatcherConfig {
        &self.config
    }

    /// The hash of the configuration ([`MatcherConfig::config_hash`]).
    pub fn config_hash(&self) -> &str {
        &self.config_hash
    }

    /// The list versions indexed, sorted.
    pub fn list_versions(&self) -> Vec<ListVersion> {
        let mut versions = self.list_versions.clone();
        versions.sort();
        versions
    }

    /// The matcher version, configuration hash and threshold.
    pub fn matcher_info(&self) -> MatcherInfo {
        MatcherInfo {
            version: MATCHER_VERSION,
            config_hash: self.config_hash.clone(),
            threshold: self.config.threshold,
        }
    }

    /// The number of entities indexed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether the index holds no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The number of names indexed (fold variants counted apart) and of distinct tokens.
    pub fn stats(&self) -> (usize, usize) {
        (self.names.len(), self.vocab.toks.len())
    }

    /// An estimate of the heap memory the index holds, in bytes.
    pub fn memory_bytes(&self) -> usize {
        let tok_bytes: usize = self
            .vocab
            .toks
            .iter()
            .map(|t| t.text.len() * 2 + t.skeleton.len() + t.sound.len() + t.spelling.len() + 64)
            .sum();
        let entity_bytes: usize = self
            .entities
            .iter()
            .map(|e| {
                e.id.len()
                    + e.names.iter().map(|n| n.len() + 16).sum::<usize>()
                    + e.programs.iter().map(|p| p.len() + 16).sum::<usize>()
                    + e.party.identifiers.len() * 48
                    + e.party.birth_dates.len() * 16
                    + e.party.countries.len() * 16
                    + std::mem::size_of::<EntityRec>()
            })
            .sum();
        tok_bytes
            + entity_bytes
            + self.vocab.meta.len() * std::mem::size_of::<TokMeta>()
            + self.entry_starts.len() * 4
            + self.names.len() * std::mem::size_of::<NameEntry>()
            + self.name_tokens.len() * 4
            + (self.postings.values.len() + self.postings.offsets.len()) * 4
            + (self.letters.values.len() + self.letters.offsets.len()) * 4
            + self.fuzzy_keys.len() * 24
            + self.fuzzy_values.len() * 4
            + self.identifiers.values().map(|v| v.len() * 4 + 40).sum::<usize>()
            + self.expansions.len() * std::mem::size_of::<OnceLock<Expansion>>()
            + self
                .expansions
                .iter()
                .filter_map(OnceLock::get)
                .map(|e| e.len() * std::mem::size_of::<(u32, f32, Method)>())
                .sum::<usize>()
    }

    /// Screens `query`: the entities scoring at least `min_score`, best first (ties by entity
    /// id), at most `limit` of them, each with its explanation.
    pub fn screen(&self, query: &Query, limit: usize) -> Vec<ScreenResult> {
        let prepared = self.prepare(query);
        let candidates = self.candidates(&prepared);
        self.score_best(&prepared, &candidates, limit)
    }

    /// [`Index::screen`] wrapped with the list versions and the matcher version and
    /// configuration hash, so the decision can be replayed.
    pub fn screen_response(&self, query: &Query, limit: usize) -> ScreenResponse {
        ScreenResponse {
            list_versions: self.list_versions(),
            matcher: self.matcher_info(),
            results: self.screen(query, limit),
        }
    }

    /// Scores `query` against the entities at `positions` only (a position is the entity's place
    /// in the sequence given to [`Index::build`], from 0), with the same weights and scorer as
    /// [`Index::screen`]: an entity's score here equals its score there. Delta screening uses it
    /// to score the few pairs another index proposed. Positions out of range are ignored.
    pub fn screen_among(
        &self,
        query: &Query,
        positions: &[u32],
        limit: usize,
    ) -> Vec<ScreenResult> {
        let prepared = self.prepare(query);
        let n = self.entities.len() as u32;
        let mut positions: Vec<u32> = positions.iter().copied().filter(|&p| p < n).collect();
        positions.sort_unstable();
        positions.dedup();
        self.score_all(&prepared, &positions, limit)
    }

    /// Like [`Index::screen`], but scores every indexed entity instead of the candidates the
    /// index finds, aligning every name of each (no score bounds). It is slow, and exists to
    /// check the index: for any query it returns the same results as [`Index::screen`].
    pub fn screen_exhaustive(&self, query: &Query, limit: usize) -> Vec<ScreenResult> {
        let prepared = self.prepare(query);
        let all: Vec<u32> = (0..self.entities.len() as u32).collect();
        self.score_all(&prepared, &all, limit)
    }
}

/// A prepared query.
pub(crate) struct Prepared {
    pub(crate) names: Vec<QName>,
    pub(crate) party: Party,
    pub(crate) invalid: Vec<Feature>,
    /// Indexes into `Index::list_versions` of the lists searched.
    pub(crate) lists: Vec<u32>,
}
