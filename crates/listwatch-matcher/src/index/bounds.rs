//! Upper bounds of name scores, computed from the query tokens an indexed name can pair with,
//! before anything is aligned (see [`Index::bound_name`] for why they hold).

use super::*;

impl Index {
    /// Whether the configuration keeps score bounds valid: every step from alignment score to
    /// entity score must be non-decreasing in the name score (weak-alias factor at least 0,
    /// identifier score at most 1), token weights and the unmatched-candidate cost must not be
    /// negative. The defaults satisfy all of it; any other configuration is scored in full.
    pub(super) fn bounds_hold(&self) -> bool {
        let c = &self.config;
        c.weak_alias_factor >= 0.0
            && c.identifier_score <= 1.0
            && c.unmatched_candidate_cost >= 0.0
            && c.short_query_unmatched_cost >= 0.0
            && c.korean_unmatched_candidate_cost >= 0.0
            && c.patronymic_unmatched_cost >= 0.0
            && c.extra_name_cost >= 0.0
            && [c.legal_form_weight, c.particle_weight, c.stop_word_weight, c.initial_weight]
                .iter()
                .all(|&w| w >= 0.0)
            && c.min_token_weight >= 0.0
    }

    /// What the tokens of the indexed names can contribute to an alignment with `qname`: the
    /// alignment edges [`align`] could build, keyed by candidate token (see [`NameBound`]).
    pub(super) fn name_bound(&self, qname: &QName) -> NameBound {
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
                self.join_starts(text, &mut |id| {
                    hits.push(Hit { id, q, how: HitKind::JoinedStart, contribution: weight });
                });
            }
        }
        // Joined query words against candidate words written apart with the boundary moved:
        // the edge weighs the unit's weight times a similarity below 1, so each of its tokens
        // is credited at most its own weight, from the run's first candidate word on.
        for unit in qname.units.iter().filter(|unit| crate::align::splits_apart(unit)) {
            let own_first = &*qname.toks[unit.first].tok.text;
            self.moved_join_starts(&unit.tok.text, own_first, &mut |id| {
                for (i, qt) in qname.toks.iter().enumerate().skip(unit.first).take(unit.len) {
                    let (q, contribution) = (i as u8, qt.weight);
                    hits.push(Hit { id, q, how: HitKind::JoinedStart, contribution });
                }
            });
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
            gamma_patronymic: qname.gamma_patronymic,
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

    /// The vocabulary words that may start candidate words written apart that give `text`
    /// together: a particle one of whose spellings starts it ("al" for "almasri", and "el"
    /// too), or a normal word that does (every prefix is looked up, the empty and the whole
    /// word included, so no such edge is missed).
    fn join_starts(&self, text: &str, found: &mut impl FnMut(u32)) {
        for &(id, spellings) in &self.join_particles {
            if spellings.iter().any(|sp| text.starts_with(sp)) {
                found(id);
            }
        }
        for split in 0..=text.len() {
            if let Some(prefix) = text.get(..split)
                && let Some(&id) = self.vocab.ids.get(prefix)
                && self.vocab.meta.get(id as usize).is_some_and(|m| m.kind == Kind::Normal)
            {
                found(id);
            }
        }
    }

    /// The vocabulary words that may start candidate words written apart that give the joined
    /// unit `text` together, other than the unit's own first word `own_first` (`align` pairs
    /// no such run with the unit: [`crate::align::moved_first`]): a particle one of whose
    /// spellings starts it, or a normal word that does and is about as long as `own_first`,
    /// either followed by a known word, or a particle and a known word, that
    /// ends it (the candidate's other words are listed words too).
    fn moved_join_starts(&self, text: &str, own_first: &str, found: &mut impl FnMut(u32)) {
        for &(id, spellings) in &self.join_particles {
            if &*self.vocab.toks[id as usize].text != own_first
                && spellings
                    .iter()
                    .any(|sp| text.strip_prefix(sp).is_some_and(|rest| self.has_known_suffix(rest)))
            {
                found(id);
            }
        }
        for split in crate::align::moved_splits(own_first, text) {
            if let Some(prefix) = text.get(..split)
                && prefix != own_first
                && let Some(&id) = self.vocab.ids.get(prefix)
                && self.vocab.meta.get(id as usize).is_some_and(|m| m.kind == Kind::Normal)
                && self.has_known_suffix(&text[split..])
            {
                found(id);
            }
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
    /// weight), `1 × weight` for a word, or each word of a joined unit, against words written apart, and `similarity × wᵢ` for
    /// a joined unit, whose weight is the sum of its tokens' weights. Let `bᵢ` be the largest
    /// credit of query token `i` over the name's tokens. Since the chosen edges do not share
    /// query tokens, `M ≤ Σ bᵢ`. A candidate token that no edge can touch is unmatched in every
    /// alignment (the tokens an edge covers are all marked: a word written apart marks the two
    /// tokens after its first part too), so `D ≥ Σ query weights + γ × Σ` of their weights
    /// (`γ ≥ 0`, weights `≥ 0`: [`Index::bounds_hold`]). Hence `M / D ≤ Σ bᵢ / D_min`. The
    /// sums are formed in another order than in `align`, so the quotient is raised by a
    /// relative 1e-9, far above the rounding error of sums of at most 24 terms.
    pub(super) fn bound_name(&self, bound: &NameBound, tokens: &[u32]) -> f64 {
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
        // The weight of the candidate tokens no edge may cover, and whether one is a normal
        // word. An edge covers its first candidate token and those after it, so once token `j`
        // is read, whether it is touched is known.
        let (mut untouched, mut untouched_patronymic) = (0.0, 0.0);
        let mut untouched_normal = false;
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
            if touched & (1 << j) == 0 {
                // A patronymic may cost less ([`align`]): bounded by its lower cost.
                if meta.patronymic {
                    untouched_patronymic += meta.weight;
                } else {
                    untouched += meta.weight;
                }
                untouched_normal |= meta.kind == Kind::Normal;
            }
        }
        let matched: f64 = credits[..n_query].iter().sum();
        if matched <= 0.0 {
            return 0.0;
        }

        let gamma_part = bound.gamma * untouched
            + bound.gamma_patronymic.min(bound.gamma) * untouched_patronymic;
        let mut best = matched / (bound.total_weight + gamma_part);
        if bound.has_extra && !untouched_normal {
            best = best.max(extra_name_bound(bound, &credits[..n_query], gamma_part));
        }
        (best * (1.0 + 1e-9)).min(1.0) * bound.scale
    }
}

/// What one query name can gain from the tokens of an indexed name, for bounding name scores
/// before aligning ([`Index::bound_name`] says why the bound holds).
pub(super) struct NameBound {
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
    /// Its cost of an unmatched candidate patronymic ([`QName::gamma_patronymic`]).
    gamma_patronymic: f64,
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
pub(super) fn extra_name_bound(bound: &NameBound, credits: &[f64], gamma_part: f64) -> f64 {
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
pub(super) struct Hit {
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
pub(super) enum HitKind {
    /// One query token with one candidate token (not an initial).
    Token,
    /// Joined query tokens with one candidate token.
    Unit,
    /// A query word with candidate words written apart, starting at this token.
    JoinedStart,
}

/// Spreads a vocabulary id over 64 bits for [`KeyMap`], whose hasher passes keys through
/// (a bijection, so distinct ids stay distinct keys).
pub(super) fn mix_id(id: u32) -> u64 {
    u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}
