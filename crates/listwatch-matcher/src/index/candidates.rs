//! Preparing a query (tokens, weights, expansions, joined units) and finding the candidate
//! entities whose names can reach the results (prefix filtering; see the module docs).

use std::ops::Bound;

use super::*;
use crate::token::Syllabic;

impl Index {
    /// Normalizes the query: name variants with token weights and expansions, and the party.
    pub(super) fn prepare(&self, query: &Query) -> Prepared {
        let (party, invalid) = Party::of_query(query);
        let mut names = Vec::new();
        if let Some(raw) = &query.name {
            let unvowelled = token::is_unvowelled_script(raw);
            let informative_weight =
                informative_weight(self.config.informative_query_df, self.n_docs, &self.config);
            // Only a person's extra names cost less than their weight (`QName::finish`).
            let family =
                (query.schema == Some(Schema::Person)).then(|| token::family_marks(raw)).flatten();
            for reading in name_readings(raw) {
                for tokens in query_token_sets(&reading, query.schema) {
                    if tokens.is_empty() {
                        continue;
                    }
                    let mut qname = QName::default();
                    for (text, kind) in tokens {
                        // A listed word's derived texts were computed at build (`Tok::new` is a
                        // function of text and kind).
                        let mut tok = match self.vocab.id(&text, kind) {
                            Some(id) if self.vocab.toks[id as usize].kind == kind => {
                                self.vocab.toks[id as usize].clone()
                            }
                            _ => Tok::new(&text, kind),
                        };
                        tok.unvowelled = unvowelled;
                        tok.syllabic = reading.syllabic;
                        let expansion = self.expand(&tok);
                        let weight = self.query_weight(&tok, &expansion);
                        qname.total_weight += weight;
                        qname.toks.push(QTok::new(tok, weight, expansion));
                    }
                    qname.finish(
                        query.schema == Some(Schema::Person),
                        reading.korean,
                        informative_weight,
                        &self.config,
                    );
                    if let Some(marks) = &family {
                        qname.mark_family(marks);
                    }
                    qname.build_units(false);
                    for unit in &mut qname.units {
                        unit.expansion = self.unit_expansion(unit);
                    }
                    names.push(qname);
                }
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

    /// The vocabulary tokens a joined unit pairs with ([`QUnit::pairs_with`]), sorted by id,
    /// with their similarity. The unit's token comes bare from `build_units` and gets its keys
    /// here when they are needed.
    ///
    /// Joined Latin words match by spelling only: skeletons and sound keys of long joined
    /// strings are too loose ("dmitriy yuryevich" vs "dmitrievich"). Unvowelled script has
    /// nothing but its skeleton.
    pub(super) fn unit_expansion(&self, unit: &mut QUnit) -> Vec<(u32, f32, Method)> {
        let text = &*unit.tok.text;
        let known = self.vocab.ids.contains_key(text);
        if unit.tok.unvowelled || known || token::particle_spellings(text).is_some() {
            // `expand` reads the cached expansion of a known Latin word, not the token's keys.
            if unit.tok.unvowelled || !known {
                let unvowelled = unit.tok.unvowelled;
                unit.tok = Tok::new(text, Kind::Normal);
                unit.tok.unvowelled = unvowelled;
            }
            let mut expansion = self.expand(&unit.tok);
            expansion.retain(|&(id, _, method)| {
                unit.pairs_with(&self.vocab.toks[id as usize].text, method)
            });
            return expansion;
        }
        // An unknown Latin unit that is no particle's spelling pairs only by a few edits: the
        // method must be `Edit` (`QUnit::pairs_with`), which `similarity` gives only to words
        // within `allowed_edits`, and those share a deletion key with the unit. So the other
        // keys need no lookup, and a word more edits away than the unit allows needs no
        // similarity (nor the unit its keys).
        let limit = unit.min_part_len.saturating_sub(1);
        if limit == 0 || !Kind::Normal.is_fuzzy(text) {
            return Vec::new();
        }
        let mut seen: Vec<u32> = Vec::new();
        token::deletion_keys(text.as_bytes(), token::deletion_depth(text.len()), &mut |key| {
            if let Some(&(start, end)) = self.fuzzy_keys.get(&key) {
                seen.extend_from_slice(&self.fuzzy_values[start as usize..end as usize]);
            }
        });
        seen.sort_unstable();
        seen.dedup();
        let mut full: Option<Tok> = None;
        let mut found = Vec::new();
        for id in seen {
            let candidate = &self.vocab.toks[id as usize];
            if candidate.kind != Kind::Normal || !candidate.kind.is_fuzzy(&candidate.text) {
                continue;
            }
            let max_len = text.len().max(candidate.text.len());
            let edits = token::allowed_edits(max_len).min(limit);
            if edits == 0
                || token::osa_distance(text.as_bytes(), candidate.text.as_bytes(), edits) > edits
            {
                continue;
            }
            let tok = full.get_or_insert_with(|| Tok::new(text, Kind::Normal));
            if let Some((sim, method)) = similarity(tok, candidate)
                && unit.pairs_with(&candidate.text, method)
            {
                found.push((id, sim, method));
            }
        }
        if let Some(tok) = full {
            unit.tok = tok;
        }
        found
    }

    /// The vocabulary tokens similar to `tok`, sorted by id, with their similarity.
    pub(super) fn expand(&self, tok: &Tok) -> Vec<(u32, f32, Method)> {
        match self.vocab.id(&tok.text, tok.kind) {
            // Only the expansions of Latin query tokens are cached: those of unvowelled ones
            // are larger, since their similarity is looser.
            Some(id) if !tok.unvowelled && tok.syllabic.is_none() => self.expansions[id as usize]
                .get_or_init(|| self.compute_expansion(tok, Some(id)).into_boxed_slice())
                .to_vec(),
            Some(id) => self.compute_expansion(tok, Some(id)),
            None => self.compute_expansion(tok, None),
        }
    }

    pub(super) fn compute_expansion(
        &self,
        tok: &Tok,
        exact: Option<u32>,
    ) -> Vec<(u32, f32, Method)> {
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
            if let Some(script) = tok.syllabic {
                self.syllabic_candidates(tok, script, &mut seen);
            }
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

    /// The vocabulary words that a word read from a syllabic script may meet
    /// ([`token::Syllabic::similarity`] judges them), from a map of the vocabulary by
    /// [`token::kana_key`] that the first such query builds: a word in kana or Hangul looks up
    /// its own key; one in Chinese characters, the keys that start with a class its first
    /// consonant may stand for and are not too long for it.
    fn syllabic_candidates(&self, tok: &Tok, script: Syllabic, found: &mut Vec<u32>) {
        let keys = self.kana_keys.get_or_init(|| {
            let mut keys: KanaKeys = BTreeMap::new();
            for (id, vocab_tok) in self.vocab.toks.iter().enumerate() {
                if vocab_tok.kind.is_fuzzy(&vocab_tok.text) {
                    let key = token::kana_key(&vocab_tok.text, false);
                    if key.len() >= token::MIN_PINYIN_KEY {
                        keys.entry(kana_map_key(key)).or_default().push(id as u32);
                    }
                }
            }
            keys
        });
        if script == Syllabic::Pinyin {
            let han = token::pinyin_key(&tok.text);
            if han.len() < token::MIN_PINYIN_KEY {
                return;
            }
            // Latin keys as long as the pinyin key, or longer by what Chinese may leave out.
            let (shortest, longest) = (han.len(), 2 * han.len() + 2);
            let bound = |first: u8, len: usize| {
                (first, len.min(usize::from(u8::MAX)) as u8, Box::default())
            };
            for first in b'a'..=b'z' {
                if han[0] & token::class_bit(first) == 0 {
                    continue;
                }
                let range = (
                    Bound::Included(bound(first, shortest)),
                    Bound::Excluded(bound(first, longest + 1)),
                );
                for ((_, _, key), ids) in keys.range(range) {
                    if token::pinyin_key_may_meet(&han, key.as_bytes()) {
                        found.extend_from_slice(ids);
                    }
                }
            }
            return;
        }
        let mut look = |key: String| {
            if let Some(ids) = keys.get(&kana_map_key(key)) {
                found.extend_from_slice(ids);
            }
        };
        look(token::kana_key(&tok.text, false));
        if tok.text.starts_with('u') {
            look(token::kana_key(&tok.text, true));
        }
    }

    /// A query token's weight: its vocabulary weight, but no more than that of a spelling of it
    /// by another language's conventions (a rare spelling of a common name, "Akhmed" for
    /// "Ahmed", is as common as the name); for an unknown word, the weight of the most similar
    /// known word (a typo of a common name stays common); for an unknown word like no other,
    /// the weight of a word seen once.
    pub(super) fn query_weight(&self, tok: &Tok, expansion: &[(u32, f32, Method)]) -> f64 {
        if tok.kind != Kind::Normal {
            return token_weight(tok.kind, 0, self.n_docs, &self.config);
        }
        if let Some(id) = self.vocab.id(&tok.text, tok.kind) {
            return expansion
                .iter()
                .filter(|&&(_, _, method)| method == Method::Spelling)
                .map(|&(other, _, _)| self.vocab.weights[other as usize])
                .fold(self.vocab.weights[id as usize], f64::min);
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
    pub(super) fn candidates(&self, prepared: &Prepared) -> Vec<u32> {
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
                    if crate::align::splits_apart(unit) {
                        let own_first = &*qname.toks[unit.first].tok.text;
                        self.apart_candidates(&unit.tok.text, Some(own_first), &mut entries);
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
    pub(super) fn token_candidates(&self, qtok: &QTok, entries: &mut Vec<u32>) {
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
                if (4..=MAX_FUZZY_LEN).contains(&text.len()) {
                    self.apart_candidates(text, None, entries);
                }
            }
            _ => {}
        }
    }

    /// The names that write `text` apart, as two or three words ([`crate::align`]'s
    /// `joins_to`). For a joined unit, `own_first` is its first word: names whose first word
    /// is a normal word other than one about as long ([`crate::align::moved_first`]) are not
    /// needed.
    pub(super) fn apart_candidates(
        &self,
        text: &str,
        own_first: Option<&str>,
        entries: &mut Vec<u32>,
    ) {
        let splits = match own_first {
            Some(own) => crate::align::moved_splits(own, text),
            None => 1..=text.len().saturating_sub(1),
        };
        // Their first part is a known word that starts this one; the rarest known prefix-suffix
        // split is enough, but every known prefix is read to stay simple and exact.
        for split in splits {
            if let Some(prefix) = text.get(..split)
                && Some(prefix) != own_first
                && let Some(&id) = self.vocab.ids.get(prefix)
                && self.vocab.toks[id as usize].kind == Kind::Normal
                && self.has_known_suffix(&text[split..])
            {
                entries.extend_from_slice(self.postings.get(id));
            }
        }
        // Names that write a particle apart from the rest of this word ("al masri" for
        // "almasri", "bin al shibh" for "binalshibh"): the rest, or the rest after a second
        // particle, is a known word in all of them.
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

    /// The vocabulary id of a known normal word.
    pub(super) fn normal_id(&self, text: &str) -> Option<u32> {
        self.vocab
            .ids
            .get(text)
            .copied()
            .filter(|&id| self.vocab.toks[id as usize].kind == Kind::Normal)
    }

    /// Whether `rest` is a known normal word or a particle (the second of two words: "abd al"),
    /// or a particle followed by a known normal word.
    pub(super) fn has_known_suffix(&self, rest: &str) -> bool {
        let is_normal = |text: &str| self.normal_id(text).is_some();
        if is_normal(rest) || self.is_particle_spelling(rest) {
            return true;
        }
        // A particle in the middle may be written in any of its spellings ("abdulaziz" for
        // "abd al aziz"), known to the vocabulary or not.
        (1..rest.len())
            .any(|split| self.is_particle_spelling(&rest[..split]) && is_normal(&rest[split..]))
    }

    /// Whether `text` is a particle of the vocabulary or a spelling of one.
    fn is_particle_spelling(&self, text: &str) -> bool {
        self.vocab
            .ids
            .get(text)
            .is_some_and(|&id| self.vocab.toks[id as usize].kind == Kind::Particle)
            || token::all_join_spellings().any(|p| p == text)
    }
}

/// The vocabulary's words by [`token::kana_key`], under the key's first class and length as well,
/// so that the keys a Chinese reading may meet are a range ([`Index::syllabic_candidates`]).
pub(super) type KanaKeys = BTreeMap<(u8, u8, Box<str>), Vec<u32>>;

/// The entry of a key in [`KanaKeys`].
fn kana_map_key(key: String) -> (u8, u8, Box<str>) {
    let first = key.as_bytes().first().copied().unwrap_or(0);
    (first, key.len().min(usize::from(u8::MAX)) as u8, key.into())
}
