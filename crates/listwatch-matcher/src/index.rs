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
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use listwatch_model::{Entity, NameKind, Schema};

use crate::align::{Alignment, Candidate, Edge, QName, QTok, align};
use crate::config::{MATCHER_VERSION, MatcherConfig};
use crate::evidence::{self, Evidence, Party, id_group, is_strong};
use crate::limits::MAX_FUZZY_LEN;
use crate::query::Query;
use crate::result::{
    Explanation, Feature, FeatureKind, ListVersion, MatcherInfo, ScreenResponse, ScreenResult,
    TokenMatch, round_score,
};
use crate::token::{
    self, Kind, MAX_TOKENS, Method, Tok, entity_name_tokens, name_variants, query_tokens,
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
    ids: HashMap<Box<str>, u32>,
}

/// The facts about a vocabulary token that decide which alignment edges it can take part in.
#[derive(Clone, Copy, Debug)]
struct TokMeta {
    kind: Kind,
    /// The first byte of the text (0 for an empty text, which pairs with no initial).
    first: u8,
    /// Whether the text is one byte long (an initial equal to a one-letter query token).
    one_byte: bool,
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

impl Index {
    /// Indexes every name (primary, aliases, weak aliases, CMIC issuer names) and every strong
    /// identifier of `entities`.
    pub fn build(
        entities: impl IntoIterator<Item = IndexedEntity>,
        config: &MatcherConfig,
    ) -> Index {
        let mut index = Index {
            config: config.clone(),
            list_versions: Vec::new(),
            entities: Vec::new(),
            names: Vec::new(),
            name_tokens: Vec::new(),
            vocab: Vocab::default(),
            postings: Postings::default(),
            letters: Postings::default(),
            fuzzy_keys: KeyMap::default(),
            fuzzy_values: Vec::new(),
            identifiers: KeyMap::default(),
            n_docs: 0,
            expansions: Vec::new(),
            entry_starts: Vec::new(),
        };
        let mut lists: HashMap<(String, u32), u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        let mut kinds: Vec<Kind> = Vec::new();
        let mut entity_tokens: Vec<u32> = Vec::new();
        let mut seen_sequences: Vec<(u32, u32)> = Vec::new();
        for IndexedEntity { entity, list, version } in entities {
            let entity_idx = index.entities.len() as u32;
            let n_lists = lists.len() as u32;
            let list_idx = *lists.entry((list.clone(), version)).or_insert(n_lists);
            let mut names: Vec<(Box<str>, NameKind)> =
                entity.names.iter().map(|n| (n.value.as_str().into(), n.kind)).collect();
            for attribute in &entity.attributes {
                if attribute.label.eq_ignore_ascii_case("Issuer Name") {
                    names.push((attribute.value.as_str().into(), NameKind::Aka));
                }
            }
            let first_entry = index.names.len() as u32;
            entity_tokens.clear();
            seen_sequences.clear();
            for (name_idx, (raw, kind)) in names.iter().enumerate() {
                for variant in name_variants(raw) {
                    let tokens = entity_name_tokens(&variant, entity.schema);
                    if tokens.is_empty() {
                        continue;
                    }
                    let start = index.name_tokens.len() as u32;
                    for (text, token_kind) in tokens {
                        let id = match index.vocab.ids.get(text.as_str()) {
                            Some(&id) => id,
                            None => {
                                let id = index.vocab.toks.len() as u32;
                                index.vocab.toks.push(Tok::new(&text, token_kind));
                                index.vocab.ids.insert(text.into_boxed_str(), id);
                                df.push(0);
                                kinds.push(token_kind);
                                id
                            }
                        };
                        index.name_tokens.push(id);
                        entity_tokens.push(id);
                    }
                    let end = index.name_tokens.len() as u32;
                    // The same tokens under another name kind add nothing but work.
                    let sequence = &index.name_tokens[start as usize..end as usize];
                    let duplicate = seen_sequences
                        .iter()
                        .any(|&(s, e)| index.name_tokens[s as usize..e as usize] == *sequence);
                    if duplicate {
                        index.name_tokens.truncate(start as usize);
                        continue;
                    }
                    seen_sequences.push((start, end));
                    index.names.push(NameEntry {
                        entity: entity_idx,
                        name_idx: name_idx.min(usize::from(u16::MAX)) as u16,
                        weak: kind.is_weak(),
                        tokens: (start, end),
                    });
                }
            }
            entity_tokens.sort_unstable();
            entity_tokens.dedup();
            for &id in &entity_tokens {
                df[id as usize] += 1;
            }
            let party = Party::of_entity(&entity);
            for id in party.identifiers.iter().filter(|id| is_strong(id.kind)) {
                let slot = index.identifiers.entry(identifier_key(id.kind, &id.normalized));
                let entities = slot.or_default();
                if entities.last() != Some(&entity_idx) {
                    entities.push(entity_idx);
                }
            }
            index.entities.push(EntityRec {
                id: format!("{list}:{}", entity.id).into(),
                list: list_idx,
                schema: entity.schema,
                names: names.into_iter().map(|(name, _)| name).collect(),
                programs: entity.programs.iter().map(|p| p.as_str().into()).collect(),
                party,
                name_entries: (first_entry, index.names.len() as u32),
            });
        }
        index.n_docs = index.entities.len();
        index.entry_starts = index
            .entities
            .iter()
            .map(|e| e.name_entries.0)
            .chain(std::iter::once(index.names.len() as u32))
            .collect();
        let n_docs = index.n_docs;
        index.vocab.weights = kinds
            .iter()
            .zip(&df)
            .map(|(&kind, &df)| token_weight(kind, df, n_docs, config))
            .collect();
        index.vocab.meta = index
            .vocab
            .toks
            .iter()
            .map(|tok| TokMeta {
                kind: tok.kind,
                first: tok.text.as_bytes().first().copied().unwrap_or(0),
                one_byte: tok.text.len() == 1,
            })
            .collect();

        // Name postings and first-letter postings.
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(index.name_tokens.len());
        let mut letter_pairs: Vec<(u32, u32)> = Vec::new();
        for (entry_idx, entry) in index.names.iter().enumerate() {
            let tokens = &index.name_tokens[entry.tokens.0 as usize..entry.tokens.1 as usize];
            let first_pair = pairs.len();
            let first_letter = letter_pairs.len();
            for &id in tokens {
                if !pairs[first_pair..].iter().any(|&(t, _)| t == id) {
                    pairs.push((id, entry_idx as u32));
                }
                let tok = &index.vocab.toks[id as usize];
                if tok.kind == Kind::Normal
                    && let Some(bucket) = tok.text.bytes().next().and_then(letter_bucket)
                    && !letter_pairs[first_letter..].iter().any(|&(b, _)| b == bucket)
                {
                    letter_pairs.push((bucket, entry_idx as u32));
                }
            }
        }
        index.postings = Postings::build(index.vocab.toks.len(), &pairs);
        index.letters = Postings::build(36, &letter_pairs);

        // Fuzzy keys of the vocabulary.
        let mut key_pairs: Vec<(u64, u32)> = Vec::new();
        for (id, tok) in index.vocab.toks.iter().enumerate() {
            token_keys(tok, &mut |key| key_pairs.push((key, id as u32)));
        }
        key_pairs.sort_unstable();
        key_pairs.dedup();
        index.fuzzy_values = key_pairs.iter().map(|&(_, id)| id).collect();
        let mut start = 0;
        while start < key_pairs.len() {
            let key = key_pairs[start].0;
            let mut end = start;
            while end < key_pairs.len() && key_pairs[end].0 == key {
                end += 1;
            }
            index.fuzzy_keys.insert(key, (start as u32, end as u32));
            start = end;
        }
        index.expansions = (0..index.vocab.toks.len()).map(|_| OnceLock::new()).collect();
        // The similar words of every listed word are found now rather than on first use, so the
        // first queries are as fast as the later ones (about a second per million entities).
        for (id, tok) in index.vocab.toks.iter().enumerate() {
            let expansion = index.compute_expansion(tok, Some(id as u32)).into_boxed_slice();
            let _ = index.expansions[id].set(expansion);
        }
        let mut list_versions: Vec<((String, u32), u32)> = lists.into_iter().collect();
        list_versions.sort_by_key(|&(_, idx)| idx);
        index.list_versions = list_versions
            .into_iter()
            .map(|((list, version), _)| ListVersion { list, version })
            .collect();
        index
    }

    /// The configuration the index scores with.
    pub fn config(&self) -> &MatcherConfig {
        &self.config
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
            config_hash: self.config.config_hash(),
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

    /// Normalizes the query: name variants with token weights and expansions, and the party.
    fn prepare(&self, query: &Query) -> Prepared {
        let (party, invalid) = Party::of_query(query);
        let mut names = Vec::new();
        if let Some(raw) = &query.name {
            let unvowelled = token::is_unvowelled_script(raw);
            let informative_weight =
                informative_weight(self.config.informative_query_df, self.n_docs, &self.config);
            for variant in name_variants(raw) {
                let tokens = query_tokens(&variant, query.schema);
                if tokens.is_empty() {
                    continue;
                }
                let mut qname = QName::default();
                for (text, kind) in tokens {
                    let mut tok = Tok::new(&text, kind);
                    tok.unvowelled = unvowelled;
                    let expansion = self.expand(&tok);
                    let weight = self.query_weight(&tok, &expansion);
                    qname.total_weight += weight;
                    qname.toks.push(QTok::new(tok, weight, expansion));
                }
                qname.finish(
                    query.schema == Some(Schema::Person),
                    informative_weight,
                    &self.config,
                );
                qname.build_units();
                for unit in &mut qname.units {
                    // Joined Latin words match by spelling only: skeletons and sound keys of
                    // long joined strings are too loose ("dmitriy yuryevich" vs
                    // "dmitrievich"). Unvowelled script has nothing but its skeleton.
                    let mut expansion = self.expand(&unit.tok);
                    expansion.retain(|&(id, _, method)| {
                        unit.pairs_with(&self.vocab.toks[id as usize].text, method)
                    });
                    unit.expansion = expansion;
                }
                names.push(qname);
            }
        }
        let lists: Vec<u32> = self
            .list_versions
            .iter()
            .enumerate()
            .filter(|(_, lv)| query.lists.is_empty() || query.lists.contains(&lv.list))
            .map(|(idx, _)| idx as u32)
            .collect();
        Prepared { names, party, invalid, lists }
    }

    /// The vocabulary tokens similar to `tok`, sorted by id, with their similarity.
    fn expand(&self, tok: &Tok) -> Vec<(u32, f32, Method)> {
        match self.vocab.ids.get(&*tok.text) {
            // Only the expansions of Latin query tokens are cached: those of unvowelled ones
            // are larger, since their similarity is looser.
            Some(&id) if !tok.unvowelled => self.expansions[id as usize]
                .get_or_init(|| self.compute_expansion(tok, Some(id)).into_boxed_slice())
                .to_vec(),
            Some(&id) => self.compute_expansion(tok, Some(id)),
            None => self.compute_expansion(tok, None),
        }
    }

    fn compute_expansion(&self, tok: &Tok, exact: Option<u32>) -> Vec<(u32, f32, Method)> {
        let mut found: Vec<(u32, f32, Method)> = Vec::new();
        if let Some(id) = exact {
            found.push((id, 1.0, Method::Exact));
        }
        if matches!(tok.kind, Kind::Particle | Kind::Normal) {
            // Other spellings of the same particle, where the lists use them.
            for spelling in token::particle_spellings(&tok.text).unwrap_or_default() {
                if let Some(&id) = self.vocab.ids.get(*spelling)
                    && Some(id) != exact
                    && let Some((sim, method)) = similarity(tok, &self.vocab.toks[id as usize])
                {
                    found.push((id, sim, method));
                }
            }
        }
        if tok.kind.is_fuzzy(&tok.text) {
            let mut seen: Vec<u32> = Vec::new();
            token_keys(tok, &mut |key| {
                if let Some(&(start, end)) = self.fuzzy_keys.get(&key) {
                    seen.extend_from_slice(&self.fuzzy_values[start as usize..end as usize]);
                }
            });
            seen.sort_unstable();
            seen.dedup();
            for id in seen {
                if Some(id) == exact {
                    continue;
                }
                if let Some((sim, method)) = similarity(tok, &self.vocab.toks[id as usize]) {
                    found.push((id, sim, method));
                }
            }
        }
        found.sort_by_key(|&(id, _, _)| id);
        found
    }

    /// A query token's weight: its vocabulary weight; for an unknown word, the weight of the
    /// most similar known word (a typo of a common name stays common); for an unknown word
    /// like no other, the weight of a word seen once.
    fn query_weight(&self, tok: &Tok, expansion: &[(u32, f32, Method)]) -> f64 {
        if tok.kind != Kind::Normal {
            return token_weight(tok.kind, 0, self.n_docs, &self.config);
        }
        if let Some(&id) = self.vocab.ids.get(&*tok.text) {
            return self.vocab.weights[id as usize];
        }
        let best = expansion.iter().max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(self.vocab.weights[b.0 as usize].total_cmp(&self.vocab.weights[a.0 as usize]))
        });
        match best {
            Some(&(id, _, _)) => self.vocab.weights[id as usize],
            None => token_weight(Kind::Normal, 1, self.n_docs, &self.config),
        }
    }

    /// The entities worth scoring: those with a query identifier, and those with a name that
    /// matches a token of each query name's decisive prefix (see the module docs).
    fn candidates(&self, prepared: &Prepared) -> Vec<u32> {
        let mut entities: Vec<u32> = Vec::new();
        for id in prepared.party.identifiers.iter().filter(|id| is_strong(id.kind)) {
            if let Some(found) = self.identifiers.get(&identifier_key(id.kind, &id.normalized)) {
                entities.extend_from_slice(found);
            }
        }
        let floor = (self.config.min_score - self.config.max_bonus()).max(0.0);
        let mut entries: Vec<u32> = Vec::new();
        for qname in &prepared.names {
            let mut order: Vec<usize> = (0..qname.toks.len()).collect();
            order.sort_by(|&a, &b| {
                qname.toks[b].weight.total_cmp(&qname.toks[a].weight).then(a.cmp(&b))
            });
            // A name scores at most `scale × A / D`, where `A` is the weight of the query
            // tokens it matches and `D` is at least the query's weight with extra names at
            // their reduced cost (`align.rs`); so it needs `A >= floor / scale × D_min`.
            if qname.scale <= 0.0 {
                continue;
            }
            let least_weight: f64 = qname.toks.iter().map(|qt| qt.weight * qt.extra_cost).sum();
            let needed = floor / qname.scale * least_weight;
            let mut rest = qname.total_weight;
            let mut prefix_mask = 0u64;
            for &i in &order {
                // Stop once the tokens left cannot reach the floor on their own.
                if rest < needed {
                    break;
                }
                prefix_mask |= 1 << i;
                rest -= qname.toks[i].weight;
                self.token_candidates(&qname.toks[i], &mut entries);
            }
            for unit in &qname.units {
                let mask = ((1u64 << unit.len) - 1) << unit.first;
                if mask & prefix_mask != 0 {
                    for &(id, _, _) in &unit.expansion {
                        entries.extend_from_slice(self.postings.get(id));
                    }
                }
            }
        }
        entries.sort_unstable();
        entries.dedup();
        entities.extend(entries.iter().map(|&e| self.names[e as usize].entity));
        entities.sort_unstable();
        entities.dedup();
        entities
    }

    /// The names that can match one query token.
    fn token_candidates(&self, qtok: &QTok, entries: &mut Vec<u32>) {
        for &(id, _, _) in &qtok.expansion {
            entries.extend_from_slice(self.postings.get(id));
        }
        let text = &*qtok.tok.text;
        let Some(&first) = text.as_bytes().first() else { return };
        match qtok.tok.kind {
            Kind::Initial => {
                if let Some(bucket) = letter_bucket(first) {
                    entries.extend_from_slice(self.letters.get(bucket));
                }
            }
            Kind::Normal => {
                // Names with the initial of this word.
                if let Some(&id) = self.vocab.ids.get(&text[..1])
                    && self.vocab.toks[id as usize].kind == Kind::Initial
                {
                    entries.extend_from_slice(self.postings.get(id));
                }
                // Names that write this word apart: their first part is a known word that
                // starts this one; the rarest known prefix-suffix split is enough, but every
                // known prefix is read to stay simple and exact.
                if (4..=MAX_FUZZY_LEN).contains(&text.len()) {
                    for split in 1..text.len() {
                        if let Some(&id) = self.vocab.ids.get(&text[..split])
                            && self.vocab.toks[id as usize].kind == Kind::Normal
                            && self.has_known_suffix(&text[split..])
                        {
                            entries.extend_from_slice(self.postings.get(id));
                        }
                    }
                    // Names that write a particle apart from the rest of this word ("al
                    // masri" for "almasri", "bin al shibh" for "binalshibh"): the rest, or
                    // the rest after a second particle, is a known word in all of them.
                    for first in token::all_join_spellings().filter(|p| text.starts_with(p)) {
                        let rest = &text[first.len()..];
                        if let Some(id) = self.normal_id(rest) {
                            entries.extend_from_slice(self.postings.get(id));
                        }
                        for second in token::all_join_spellings().filter(|p| rest.starts_with(p)) {
                            if let Some(id) = self.normal_id(&rest[second.len()..]) {
                                entries.extend_from_slice(self.postings.get(id));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The vocabulary id of a known normal word.
    fn normal_id(&self, text: &str) -> Option<u32> {
        self.vocab
            .ids
            .get(text)
            .copied()
            .filter(|&id| self.vocab.toks[id as usize].kind == Kind::Normal)
    }

    /// Whether `rest` is a known normal word, or a particle followed by one.
    fn has_known_suffix(&self, rest: &str) -> bool {
        let is_normal = |text: &str| {
            self.vocab
                .ids
                .get(text)
                .is_some_and(|&id| self.vocab.toks[id as usize].kind == Kind::Normal)
        };
        if is_normal(rest) {
            return true;
        }
        // A particle in the middle may be written in any of its spellings ("abdulaziz" for
        // "abd al aziz"), known to the vocabulary or not.
        (1..rest.len()).any(|split| {
            (self
                .vocab
                .ids
                .get(&rest[..split])
                .is_some_and(|&id| self.vocab.toks[id as usize].kind == Kind::Particle)
                || token::all_join_spellings().any(|p| p == &rest[..split]))
                && is_normal(&rest[split..])
        })
    }

    /// Scores every candidate entity, aligning all of its names, and returns the best `limit`
    /// with explanations. This is the reference that [`Index::score_best`] must agree with.
    fn score_all(
        &self,
        prepared: &Prepared,
        candidates: &[u32],
        limit: usize,
    ) -> Vec<ScreenResult> {
        let mut edges: Vec<Edge> = Vec::new();
        let mut scored: Vec<(f64, u32)> = Vec::new();
        for &entity_idx in candidates.iter() {
            if let Some(score) = self.score_entity(prepared, entity_idx, &mut edges, None) {
                scored.push((score, entity_idx));
            }
        }
        self.explain_best(prepared, scored, limit)
    }

    /// Scores the candidate entities and returns the best `limit` with explanations: the same
    /// results as [`Index::score_all`], but an entity is only aligned while the upper bound of
    /// its score can still reach the results.
    ///
    /// Each candidate first gets an upper bound of its score without aligning anything: the
    /// bound of each of its names ([`NameBound`]), through the same weak-alias factor,
    /// identifier formula, evidence adjustment and rounding as the score itself. Candidates are
    /// then aligned in decreasing order of bound; once `limit` results are known, a candidate
    /// whose bound is below the `limit`-th best score cannot enter them (a bound equal to it
    /// could still win the tie on entity id, so it is aligned), and nor can any candidate after
    /// it. Every score that enters the results is exact, so the ranking is the reference one.
    fn score_best(
        &self,
        prepared: &Prepared,
        candidates: &[u32],
        limit: usize,
    ) -> Vec<ScreenResult> {
        if limit == 0 {
            return Vec::new();
        }
        if !self.bounds_hold() {
            return self.score_all(prepared, candidates, limit);
        }
        let min_score = score_key(self.config.min_score);
        let bounds: Vec<NameBound> =
            prepared.names.iter().map(|qname| self.name_bound(qname)).collect();
        // Without a strong query identifier no candidate has an identifier hit (see
        // `evidence::compare`), and other evidence adds at most `max_adjustment`: bounds then
        // need no entity record, which is read only for the candidates worth aligning.
        let exact_evidence = prepared.party.identifiers.iter().any(|id| is_strong(id.kind));
        let most = Evidence {
            adjustment: evidence::max_adjustment(&prepared.party, &self.config),
            ..Evidence::default()
        };
        // The names of the candidates, gathered in simple loops first: with many entities
        // each of these reads misses the cache, and loops whose iterations do not depend on
        // each other let the processor overlap the misses.
        let ranges: Vec<(u32, u32)> = candidates
            .iter()
            .map(|&e| {
                let e = e as usize;
                (self.entry_starts[e], self.entry_starts[e + 1])
            })
            .collect();
        let mut entries: Vec<(u32, u32, bool)> = Vec::with_capacity(candidates.len() * 2);
        for &(start, end) in &ranges {
            for entry in &self.names[start as usize..end as usize] {
                entries.push((entry.tokens.0, entry.tokens.1, entry.weak));
            }
        }
        let mut tokens: Vec<u32> = Vec::with_capacity(entries.len() * 4);
        for &(start, end, _) in &entries {
            tokens.extend_from_slice(&self.name_tokens[start as usize..end as usize]);
        }
        // (bound key << 32 | position in `pending`); a max-heap, so building it is linear and
        // only the candidates actually aligned are popped in order.
        let mut queue: Vec<u64> = Vec::with_capacity(candidates.len());
        // (entity, bound of its best name score, its evidence if computed).
        let mut pending: Vec<(u32, f64, Option<Evidence>)> = Vec::with_capacity(candidates.len());
        let (mut next_entry, mut next_token) = (0usize, 0usize);
        for (&entity_idx, &(start, end)) in candidates.iter().zip(&ranges) {
            let mut name_bound: Option<f64> = None;
            let n_entries = (end - start) as usize;
            for &(tok_start, tok_end, weak) in &entries[next_entry..next_entry + n_entries] {
                let len = (tok_end - tok_start) as usize;
                let name = &tokens[next_token..next_token + len];
                next_token += len;
                let factor = if weak { self.config.weak_alias_factor } else { 1.0 };
                for bound in &bounds {
                    let value = self.bound_name(bound, name) * factor;
                    name_bound = Some(name_bound.map_or(value, |b| b.max(value)));
                }
            }
            next_entry += n_entries;
            let name_bound = name_bound.unwrap_or(0.0);
            let evidence = if exact_evidence {
                let entity = &self.entities[entity_idx as usize];
                if !self.passes_filters(prepared, entity) {
                    continue;
                }
                Some(evidence::compare(&prepared.party, &entity.party, &self.config, false))
            } else {
                None
            };
            // `entity_score` is non-decreasing in the name score and in the adjustment
            // (`bounds_hold`), so this bounds the entity's score; `None` means that no name
            // score can make it a result.
            let Some(bound) = self.entity_score(name_bound, evidence.as_ref().unwrap_or(&most))
            else {
                continue;
            };
            queue.push((score_key(bound) << 32) | pending.len() as u64);
            pending.push((entity_idx, name_bound, evidence));
        }
        let mut queue = BinaryHeap::from(queue);
        // The best `limit` scores so far, worst on top.
        let mut kept: BinaryHeap<Reverse<u64>> = BinaryHeap::new();
        let mut scored: Vec<(f64, u32)> = Vec::new();
        let mut edges: Vec<Edge> = Vec::new();
        while let Some(key) = queue.pop() {
            let bound = key >> 32;
            // The score a candidate needs to enter the results.
            let cutoff = match kept.peek() {
                Some(&Reverse(cutoff)) if kept.len() >= limit => cutoff,
                _ => min_score,
            };
            if bound < cutoff {
                break;
            }
            let Some((entity_idx, name_bound, evidence)) =
                pending.get((key & u64::from(u32::MAX)) as usize)
            else {
                continue;
            };
            let computed;
            let evidence = match evidence {
                Some(evidence) => evidence,
                None => {
                    let entity = &self.entities[*entity_idx as usize];
                    if !self.passes_filters(prepared, entity) {
                        continue;
                    }
                    computed =
                        evidence::compare(&prepared.party, &entity.party, &self.config, false);
                    // With the candidate's own evidence the bound may drop below the cut-off.
                    match self.entity_score(*name_bound, &computed) {
                        Some(tight) if score_key(tight) >= cutoff => {}
                        _ => continue,
                    }
                    &computed
                }
            };
            let name_score = self.best_name_score(prepared, &bounds, *entity_idx, &mut edges);
            let Some(score) = self.entity_score(name_score, evidence) else { continue };
            debug_assert!(score_key(score) <= bound, "a score bound was exceeded");
            scored.push((score, *entity_idx));
            kept.push(Reverse(score_key(score)));
            if kept.len() > limit {
                kept.pop();
            }
        }
        self.explain_best(prepared, scored, limit)
    }

    /// Sorts scored entities best first (ties by entity id), keeps `limit`, and explains them.
    fn explain_best(
        &self,
        prepared: &Prepared,
        mut scored: Vec<(f64, u32)>,
        limit: usize,
    ) -> Vec<ScreenResult> {
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.entities[a.1 as usize].id.cmp(&self.entities[b.1 as usize].id))
        });
        scored.truncate(limit);
        let mut edges: Vec<Edge> = Vec::new();
        scored
            .into_iter()
            .filter_map(|(_, entity_idx)| {
                let mut result = None;
                self.score_entity(prepared, entity_idx, &mut edges, Some(&mut result));
                result
            })
            .collect()
    }

    /// The best name score of an entity, as [`Index::score_entity`] computes it, skipping the
    /// alignments whose bound cannot beat the best score found so far (which cannot change the
    /// maximum).
    fn best_name_score(
        &self,
        prepared: &Prepared,
        bounds: &[NameBound],
        entity_idx: u32,
        edges: &mut Vec<Edge>,
    ) -> f64 {
        let entity = &self.entities[entity_idx as usize];
        let mut best: Option<f64> = None;
        for entry in &self.names[entity.name_entries.0 as usize..entity.name_entries.1 as usize] {
            let candidate = IndexedName {
                index: self,
                tokens: &self.name_tokens[entry.tokens.0 as usize..entry.tokens.1 as usize],
            };
            let factor = if entry.weak { self.config.weak_alias_factor } else { 1.0 };
            for (qname, bound) in prepared.names.iter().zip(bounds) {
                let bound = self.bound_name(bound, candidate.tokens) * factor;
                if best.is_some_and(|b| bound <= b) {
                    continue;
                }
                let alignment = align(qname, &candidate, self.config.initial_weight, edges, false);
                let score = alignment.score * factor;
                debug_assert!(score <= bound, "name score {score} above its bound {bound}");
                best = Some(best.map_or(score, |b| b.max(score)));
            }
        }
        best.unwrap_or(0.0)
    }

    /// Whether the query may find `entity` at all: one of its lists, a compatible schema.
    fn passes_filters(&self, prepared: &Prepared, entity: &EntityRec) -> bool {
        prepared.lists.contains(&entity.list)
            && evidence::schemas_compatible(prepared.party.schema, Some(entity.schema))
    }

    /// An entity's score from its best name score and its other evidence, if it reaches
    /// `min_score`.
    fn entity_score(&self, name_score: f64, evidence: &Evidence) -> Option<f64> {
        if name_score <= 0.0 && !evidence.identifier_hit {
            return None;
        }
        let base = if evidence.identifier_hit {
            self.config.identifier_score + (1.0 - self.config.identifier_score) * name_score
        } else {
            name_score
        };
        let score = round_score(base + evidence.adjustment);
        (score >= self.config.min_score).then_some(score)
    }

    /// Whether the configuration keeps score bounds valid: every step from alignment score to
    /// entity score must be non-decreasing in the name score (weak-alias factor at least 0,
    /// identifier score at most 1), token weights and the unmatched-candidate cost must not be
    /// negative. The defaults satisfy all of it; any other configuration is scored in full.
    fn bounds_hold(&self) -> bool {
        let c = &self.config;
        c.weak_alias_factor >= 0.0
            && c.identifier_score <= 1.0
            && c.unmatched_candidate_cost >= 0.0
            && c.short_query_unmatched_cost >= 0.0
            && c.extra_name_cost >= 0.0
            && [c.legal_form_weight, c.particle_weight, c.stop_word_weight, c.initial_weight]
                .iter()
                .all(|&w| w >= 0.0)
            && c.min_token_weight >= 0.0
    }

    /// What the tokens of the indexed names can contribute to an alignment with `qname`: the
    /// alignment edges [`align`] could build, keyed by candidate token (see [`NameBound`]).
    fn name_bound(&self, qname: &QName) -> NameBound {
        let mut hits: Vec<Hit> = Vec::new();
        let mut starts = [0u64; 256];
        let mut initials = [0u64; 256];
        let mut acronyms = [0u64; 256];
        let mut vs_initial = Vec::with_capacity(qname.toks.len());
        for (i, qt) in qname.toks.iter().enumerate() {
            let q = i as u8;
            let weight = qt.weight;
            let kind = qt.tok.kind;
            let text = &*qt.tok.text;
            // One-to-one edges with a candidate token that is not an initial: the similarity
            // comes from this token's expansion and the edge weighs the query token's weight.
            if kind != Kind::Initial {
                for &(id, sim, _) in &qt.expansion {
                    let contribution = f64::from(sim) * weight;
                    hits.push(Hit { id, q, how: HitKind::Token, contribution });
                }
            }
            // Initial edges (either side an initial, both sides normal words or initials,
            // same first byte): similarity 1, weight at most the query token's.
            if matches!(kind, Kind::Initial | Kind::Normal)
                && let Some(&first) = text.as_bytes().first()
            {
                starts[usize::from(first)] |= 1 << i;
                if kind == Kind::Initial {
                    initials[usize::from(first)] |= 1 << i;
                }
            }
            // An abbreviation against initials written apart starts at a candidate initial
            // of its first letter with the full weight, and covers the initials after it.
            if let Some(first) = crate::align::acronym_len(&qt.tok).and(text.bytes().next()) {
                acronyms[usize::from(first)] |= 1 << i;
            }
            // Against a one-byte candidate initial, the edge weighs the full weight only when
            // the texts are equal, which needs a one-byte query token.
            vs_initial.push(if text.len() == 1 {
                weight
            } else {
                weight.min(self.config.initial_weight)
            });
            // A query word against candidate words written apart: the first candidate word is
            // a normal word that starts the query word (every prefix is looked up, the empty
            // and the whole word included, so no such edge is missed).
            if kind == Kind::Normal && (4..=MAX_FUZZY_LEN).contains(&text.len()) {
                // Or the first candidate word is a particle one of whose spellings starts the
                // query word ("al" for "almasri", and "el" too).
                for particle in token::all_join_spellings() {
                    if let Some(&id) = self.vocab.ids.get(particle)
                        && self
                            .vocab
                            .meta
                            .get(id as usize)
                            .is_some_and(|m| m.kind == Kind::Particle)
                        && token::join_spellings(particle).iter().any(|sp| text.starts_with(sp))
                    {
                        hits.push(Hit { id, q, how: HitKind::JoinedStart, contribution: weight });
                    }
                }
                for split in 0..=text.len() {
                    if let Some(prefix) = text.get(..split)
                        && let Some(&id) = self.vocab.ids.get(prefix)
                        && self.vocab.meta.get(id as usize).is_some_and(|m| m.kind == Kind::Normal)
                    {
                        hits.push(Hit { id, q, how: HitKind::JoinedStart, contribution: weight });
                    }
                }
            }
        }
        // Joined query words against one candidate word: the edge weighs the sum of the
        // unit's token weights, times its similarity; each token's share is bounded apart.
        for unit in &qname.units {
            for &(id, sim, _) in &unit.expansion {
                for (i, qt) in qname.toks.iter().enumerate().skip(unit.first).take(unit.len) {
                    let contribution = f64::from(sim) * qt.weight;
                    hits.push(Hit { id, q: i as u8, how: HitKind::Unit, contribution });
                }
            }
        }
        hits.sort_unstable_by_key(|hit| hit.id);
        let mut hit_bits = vec![0u64; self.vocab.toks.len().div_ceil(64)];
        for hit in &hits {
            if let Some(word) = hit_bits.get_mut(hit.id as usize / 64) {
                *word |= 1 << (hit.id % 64);
            }
        }
        let mut by_id: KeyMap<(u32, u32)> = KeyMap::default();
        let mut start = 0;
        while start < hits.len() {
            let id = hits[start].id;
            let end = start + hits[start..].iter().take_while(|hit| hit.id == id).count();
            by_id.insert(mix_id(id), (start as u32, end as u32));
            start = end;
        }
        NameBound {
            scale: qname.scale,
            gamma: qname.gamma,
            has_extra: qname.has_extra,
            extra_costs: qname.toks.iter().map(|qt| qt.extra_cost).collect(),
            hit_bits,
            by_id,
            hits,
            starts,
            initials,
            acronyms,
            weights: qname.toks.iter().map(|qt| qt.weight).collect(),
            vs_initial,
            total_weight: qname.total_weight,
        }
    }

    /// An upper bound of `align(qname, name).score` for the indexed name of vocabulary ids
    /// `tokens`, where `bound` was built from `qname`.
    ///
    /// Why it is an upper bound. [`align`] scores `M / D` (capped at 1), where `M` is the sum
    /// of `similarity × weight` of edges with pairwise disjoint query tokens, and
    /// `D = Σ query weights + γ × Σ weights of unmatched candidate tokens`. Every edge that
    /// `align` can build has a counterpart in `bound`, looked up by its candidate tokens under
    /// the same conditions (token kinds, first bytes, expansions), and each of its query tokens
    /// `i` is credited at least its share of the edge: `similarity × weight` of the query token
    /// for one-to-one and initial edges (an initial edge weighs at most the query token's
    /// weight), `1 × weight` for a word against words written apart, and `similarity × wᵢ` for
    /// a joined unit, whose weight is the sum of its tokens' weights. Let `bᵢ` be the largest
    /// credit of query token `i` over the name's tokens. Since the chosen edges do not share
    /// query tokens, `M ≤ Σ bᵢ`. A candidate token that no edge can touch is unmatched in every
    /// alignment (the tokens an edge covers are all marked: a word written apart marks the two
    /// tokens after its first part too), so `D ≥ Σ query weights + γ × Σ` of their weights
    /// (`γ ≥ 0`, weights `≥ 0`: [`Index::bounds_hold`]). Hence `M / D ≤ Σ bᵢ / D_min`. The
    /// sums are formed in another order than in `align`, so the quotient is raised by a
    /// relative 1e-9, far above the rounding error of sums of at most 24 terms.
    fn bound_name(&self, bound: &NameBound, tokens: &[u32]) -> f64 {
        if bound.total_weight <= 0.0 || tokens.is_empty() {
            return 0.0;
        }
        let n_query = bound.weights.len();
        if n_query > MAX_TOKENS || tokens.len() > 64 {
            // Longer than any name tokenization yields; 1 bounds every score.
            return 1.0;
        }
        // The best credit of each query token.
        let mut credits = [0.0f64; MAX_TOKENS];
        // Candidate tokens some edge may cover.
        let mut touched = 0u64;
        for (j, &id) in tokens.iter().enumerate() {
            let Some(meta) = self.vocab.meta.get(id as usize) else { continue };
            if bound.may_hit(id)
                && let Some(&(start, end)) = bound.by_id.get(&mix_id(id))
            {
                for hit in bound.hits.get(start as usize..end as usize).unwrap_or_default() {
                    let reach: u64 = match hit.how {
                        // `align` pairs an initial by its first byte only.
                        HitKind::Token if meta.kind == Kind::Initial => continue,
                        HitKind::Token | HitKind::Unit => 1,
                        // The next one or two candidate tokens may complete the word.
                        HitKind::JoinedStart => 0b111,
                    };
                    if let Some(credit) = credits.get_mut(usize::from(hit.q)) {
                        *credit = credit.max(hit.contribution);
                    }
                    touched |= reach << j;
                }
            }
            let first = usize::from(meta.first);
            let mask = match meta.kind {
                Kind::Initial => bound.starts[first],
                Kind::Normal => bound.initials[first],
                _ => 0,
            };
            if meta.kind == Kind::Initial && meta.one_byte {
                let mut rest = bound.acronyms[first];
                if rest != 0 {
                    // The abbreviation's other letters are the next initials.
                    touched |= ((1u64 << crate::align::MAX_ACRONYM_LEN) - 1) << j;
                }
                while rest != 0 {
                    let i = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    credits[i] = credits[i].max(bound.weights[i]);
                }
            }
            if mask != 0 {
                touched |= 1 << j;
                let mut rest = mask;
                while rest != 0 {
                    let i = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    let value = if meta.kind == Kind::Initial && meta.one_byte {
                        bound.vs_initial[i]
                    } else {
                        bound.weights[i]
                    };
                    credits[i] = credits[i].max(value);
                }
            }
        }
        let matched: f64 = credits[..n_query].iter().sum();
        if matched <= 0.0 {
            return 0.0;
        }
        let mut untouched = 0.0;
        let mut untouched_normal = false;
        for (j, &id) in tokens.iter().enumerate() {
            if touched & (1 << j) == 0 {
                untouched += self.vocab.weights[id as usize];
                untouched_normal |=
                    self.vocab.meta.get(id as usize).is_none_or(|m| m.kind == Kind::Normal);
            }
        }
        let gamma_part = bound.gamma * untouched;
        let mut best = matched / (bound.total_weight + gamma_part);
        if bound.has_extra && !untouched_normal {
            best = best.max(extra_name_bound(bound, &credits[..n_query], gamma_part));
        }
        (best * (1.0 + 1e-9)).min(1.0) * bound.scale
    }

    /// The score of one entity, if it passes the filters and reaches `min_score`; with `out`,
    /// also its full result.
    fn score_entity(
        &self,
        prepared: &Prepared,
        entity_idx: u32,
        edges: &mut Vec<Edge>,
        out: Option<&mut Option<ScreenResult>>,
    ) -> Option<f64> {
        let entity = &self.entities[entity_idx as usize];
        if !self.passes_filters(prepared, entity) {
            return None;
        }
        let explain = out.is_some();
        let evidence = evidence::compare(&prepared.party, &entity.party, &self.config, explain);
        // The best name: (score, entry, variant, alignment).
        let mut best: Option<(f64, u32, usize, Alignment)> = None;
        for entry_idx in entity.name_entries.0..entity.name_entries.1 {
            let entry = &self.names[entry_idx as usize];
            let candidate = IndexedName {
                index: self,
                tokens: &self.name_tokens[entry.tokens.0 as usize..entry.tokens.1 as usize],
            };
            for (variant, qname) in prepared.names.iter().enumerate() {
                let alignment =
                    align(qname, &candidate, self.config.initial_weight, edges, explain);
                let factor = if entry.weak { self.config.weak_alias_factor } else { 1.0 };
                let score = alignment.score * factor;
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, entry_idx, variant, alignment));
                }
            }
        }
        let name_score = best.as_ref().map_or(0.0, |b| b.0);
        let score = self.entity_score(name_score, &evidence)?;
        if let Some(out) = out {
            let mut explanation = Explanation {
                name_score: best.as_ref().map(|b| round_score(b.0)),
                features: prepared.invalid.clone(),
                ..Explanation::default()
            };
            let mut matched_name = entity.names.first().map(|n| n.to_string()).unwrap_or_default();
            if let Some((_, entry_idx, variant, alignment)) = &best {
                let entry = &self.names[*entry_idx as usize];
                let tokens = &self.name_tokens[entry.tokens.0 as usize..entry.tokens.1 as usize];
                describe_alignment(
                    &prepared.names[*variant],
                    |j| &*self.vocab.toks[tokens[j] as usize].text,
                    tokens.len(),
                    alignment,
                    &mut explanation,
                );
                if entry.weak {
                    explanation.features.push(Feature {
                        feature: FeatureKind::WeakAlias,
                        detail: "matched a weak alias".to_owned(),
                        contribution: -round_score(weak_loss(
                            best.as_ref().map_or(0.0, |b| b.0),
                            self.config.weak_alias_factor,
                        )),
                    });
                }
                matched_name = entity
                    .names
                    .get(usize::from(entry.name_idx))
                    .map(|n| n.to_string())
                    .unwrap_or(matched_name);
            }
            explanation.features.extend(evidence.features);
            let list = &self.list_versions[entity.list as usize];
            *out = Some(ScreenResult {
                entity_id: entity.id.to_string(),
                list: list.list.clone(),
                version: list.version,
                name: entity.names.first().map(|n| n.to_string()).unwrap_or_default(),
                matched_name,
                score,
                is_match: score >= self.config.threshold,
                schema: entity.schema,
                programs: entity.programs.iter().map(|p| p.to_string()).collect(),
                explanation,
            });
        }
        Some(score)
    }
}

/// What the weak-alias factor took off a name score.
fn weak_loss(scaled: f64, factor: f64) -> f64 {
    if factor > 0.0 { scaled / factor - scaled } else { 0.0 }
}

/// Fills the token part of an explanation from an alignment.
pub(crate) fn describe_alignment<'a>(
    query: &QName,
    candidate_text: impl Fn(usize) -> &'a str,
    n_candidate: usize,
    alignment: &Alignment,
    explanation: &mut Explanation,
) {
    let join_query = |mask: u64| {
        (0..query.toks.len())
            .filter(|&i| mask & (1 << i) != 0)
            .map(|i| &*query.toks[i].tok.text)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let join_candidate = |mask: u64| {
        (0..n_candidate)
            .filter(|&j| mask & (1 << j) != 0)
            .map(&candidate_text)
            .collect::<Vec<_>>()
            .join(" ")
    };
    for pair in &alignment.pairs {
        explanation.tokens.push(TokenMatch {
            query: join_query(pair.q_mask),
            candidate: join_candidate(pair.c_mask),
            method: pair.method,
            similarity: round_score(f64::from(pair.sim)),
            weight: (pair.weight * 1000.0).round() / 1000.0,
        });
    }
    explanation.unmatched_query_tokens = (0..query.toks.len())
        .filter(|&i| alignment.q_matched & (1 << i) == 0)
        .map(|i| query.toks[i].tok.text.to_string())
        .collect();
    explanation.unmatched_candidate_tokens = (0..n_candidate)
        .filter(|&j| alignment.c_matched & (1 << j) == 0)
        .map(|j| candidate_text(j).to_owned())
        .collect();
}

/// A prepared query.
pub(crate) struct Prepared {
    pub(crate) names: Vec<QName>,
    pub(crate) party: Party,
    pub(crate) invalid: Vec<Feature>,
    /// Indexes into `Index::list_versions` of the lists searched.
    pub(crate) lists: Vec<u32>,
}

/// What one query name can gain from the tokens of an indexed name, for bounding name scores
/// before aligning ([`Index::bound_name`] says why the bound holds).
struct NameBound {
    /// A bit per vocabulary id, set for the ids in `hits`: most candidate tokens have none,
    /// and testing a bit is cheaper than a hash lookup.
    hit_bits: Vec<u64>,
    /// Vocabulary id (through [`mix_id`]) to its range of `hits`.
    by_id: KeyMap<(u32, u32)>,
    /// The edges a candidate token can take part in, by vocabulary id.
    hits: Vec<Hit>,
    /// First byte to the query tokens (normal words and initials) starting with it: what a
    /// candidate initial pairs with.
    starts: [u64; 256],
    /// First byte to the query initials with it: what a candidate normal word pairs with.
    initials: [u64; 256],
    /// First byte to the query words that may be abbreviations starting with it: what a
    /// candidate initial may start, as letters written apart.
    acronyms: [u64; 256],
    /// The query token weights.
    weights: Vec<f64>,
    /// Per query token, the most an edge with a one-byte candidate initial can weigh.
    vs_initial: Vec<f64>,
    /// The sum of the query token weights.
    total_weight: f64,
    /// The query name's scale ([`QName::scale`]).
    scale: f64,
    /// The query name's cost of unmatched candidate tokens ([`QName::gamma`]).
    gamma: f64,
    /// Whether some query token is an extra name with a reduced cost.
    has_extra: bool,
    /// Per query token, its cost as an unmatched extra name ([`QTok::extra_cost`]).
    extra_costs: Vec<f64>,
}

/// A bound of the alignment score when the query's extra names may cost less (`align.rs`,
/// `extra_name_relief`): a token `i` in the matched set `S` adds at most its credit `bᵢ` above
/// and its weight `wᵢ` below, one outside `S` adds `cᵢ × wᵢ` below. So the score is at most
/// `max over S of Σ_S bᵢ / (C + Σ_S dᵢ)`, with `C = Σ cᵢ wᵢ + γ U` and `dᵢ = (1 - cᵢ) wᵢ`.
/// Tokens with `dᵢ = 0` belong in the best `S`; of the others, the best `S` is a prefix in
/// decreasing order of `bᵢ / dᵢ` (a ratio of sums grows by adding any item whose own ratio
/// exceeds it), so every prefix is tried.
fn extra_name_bound(bound: &NameBound, credits: &[f64], gamma_part: f64) -> f64 {
    let mut numerator = 0.0;
    let mut denominator = gamma_part;
    let mut optional: Vec<(f64, f64)> = Vec::new();
    for (i, &credit) in credits.iter().enumerate() {
        let weight = bound.weights[i];
        let cost = bound.extra_costs.get(i).copied().unwrap_or(1.0);
        denominator += cost * weight;
        let d = (1.0 - cost) * weight;
        if d <= 0.0 {
            numerator += credit;
        } else if credit > 0.0 {
            optional.push((credit, d));
        }
    }
    optional.sort_by(|a, b| (b.0 / b.1).total_cmp(&(a.0 / a.1)));
    let mut best = if denominator > 0.0 { numerator / denominator } else { 1.0 };
    for (credit, d) in optional {
        numerator += credit;
        denominator += d;
        if denominator > 0.0 {
            best = best.max(numerator / denominator);
        }
    }
    best
}

impl NameBound {
    /// Whether `hits` may hold vocabulary id `id` (always, for an id outside the vocabulary).
    fn may_hit(&self, id: u32) -> bool {
        self.hit_bits.get(id as usize / 64).is_none_or(|word| word & (1 << (id % 64)) != 0)
    }
}

/// A query token's credit for an edge with a candidate token.
#[derive(Clone, Copy, Debug)]
struct Hit {
    /// The candidate token's vocabulary id.
    id: u32,
    /// The query token.
    q: u8,
    how: HitKind,
    /// The most the edge adds to the query token's share of the matched weight.
    contribution: f64,
}

/// Which alignment edge a [`Hit`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HitKind {
    /// One query token with one candidate token (not an initial).
    Token,
    /// Joined query tokens with one candidate token.
    Unit,
    /// A query word with candidate words written apart, starting at this token.
    JoinedStart,
}

/// Spreads a vocabulary id over 64 bits for [`KeyMap`], whose hasher passes keys through
/// (a bijection, so distinct ids stay distinct keys).
fn mix_id(id: u32) -> u64 {
    u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A rounded score (or bound) as an integer that orders like it: scores are multiples of
/// 0.0001 in 0..=1.
fn score_key(score: f64) -> u64 {
    (score.clamp(0.0, 1.0) * 10_000.0).round() as u64
}

/// An indexed name as the candidate side of an alignment.
struct IndexedName<'a> {
    index: &'a Index,
    tokens: &'a [u32],
}

fn lookup(expansion: &[(u32, f32, Method)], id: u32) -> Option<(f32, Method)> {
    expansion
        .binary_search_by_key(&id, |&(vid, _, _)| vid)
        .ok()
        .map(|pos| (expansion[pos].1, expansion[pos].2))
}

impl Candidate for IndexedName<'_> {
    fn len(&self) -> usize {
        self.tokens.len()
    }
    fn tok(&self, j: usize) -> &Tok {
        &self.index.vocab.toks[self.tokens[j] as usize]
    }
    fn weight(&self, j: usize) -> f64 {
        self.index.vocab.weights[self.tokens[j] as usize]
    }
    fn sim(&self, query: &QName, i: usize, j: usize) -> Option<(f32, Method)> {
        lookup(&query.toks[i].expansion, self.tokens[j])
    }
    fn unit_sim(&self, query: &QName, u: usize, j: usize) -> Option<(f32, Method)> {
        lookup(&query.units[u].expansion, self.tokens[j])
    }
}
