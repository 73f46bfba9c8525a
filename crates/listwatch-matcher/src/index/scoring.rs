//! Scoring candidates: every candidate aligned ([`Index::score_all`], the reference) or best
//! bound first until no bound can reach the results ([`Index::score_best`]).

use super::*;

impl Index {
    /// Scores every candidate entity, aligning all of its names, and returns the best `limit`
    /// with explanations. This is the reference that [`Index::score_best`] must agree with.
    pub(super) fn score_all(
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
    pub(super) fn score_best(
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

    /// The best name score of an entity, as [`Index::score_entity`] computes it, skipping the
    /// alignments whose bound cannot beat the best score found so far (which cannot change the
    /// maximum).
    pub(super) fn best_name_score(
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
    pub(super) fn passes_filters(&self, prepared: &Prepared, entity: &EntityRec) -> bool {
        prepared.lists.contains(&entity.list)
            && evidence::schemas_compatible(prepared.party.schema, Some(entity.schema))
    }

    /// An entity's score from its best name score and its other evidence, if it reaches
    /// `min_score`.
    pub(super) fn entity_score(&self, name_score: f64, evidence: &Evidence) -> Option<f64> {
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

    /// The score of one entity, if it passes the filters and reaches `min_score`; with `out`,
    /// also its full result.
    pub(super) fn score_entity(
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

/// A rounded score (or bound) as an integer that orders like it: scores are multiples of
/// 0.0001 in 0..=1.
pub(super) fn score_key(score: f64) -> u64 {
    (score.clamp(0.0, 1.0) * 10_000.0).round() as u64
}

/// An indexed name as the candidate side of an alignment.
pub(super) struct IndexedName<'a> {
    index: &'a Index,
    tokens: &'a [u32],
}

pub(super) fn lookup(expansion: &[(u32, f32, Method)], id: u32) -> Option<(f32, Method)> {
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
