//! The explanation of a result: the aligned tokens, the unmatched ones and the features.

use super::*;

impl Index {
    /// Sorts scored entities best first (ties by entity id), keeps `limit`, and explains them.
    pub(super) fn explain_best(
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
}

/// What the weak-alias factor took off a name score.
pub(super) fn weak_loss(scaled: f64, factor: f64) -> f64 {
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
