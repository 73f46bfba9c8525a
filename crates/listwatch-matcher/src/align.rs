//! Name scoring: aligns the tokens of a query name with those of a candidate name and turns
//! the alignment into a score.
//!
//! Each query token has a weight (rare words weigh more; see [`crate::index`]). Query and
//! candidate tokens are paired greedily, best `similarity × weight` first, each token used once.
//! Besides one-to-one pairs, two or three query words may pair with one candidate word written
//! together ("abd al rahman" and "abdalrahman"), and a query word with two or three candidate
//! words written apart (exact text only). An initial pairs with a word it starts, but
//! contributes at most the initial weight. The score is
//!
//! ```text
//! name score = Σ similarity × pair weight / (Σ query weights + γ × Σ unmatched candidate weights)
//! ```
//!
//! so unmatched query words cost their full weight and unmatched candidate words (a middle
//! name, a patronymic) cost the share γ (`unmatched_candidate_cost`) of theirs, a word that
//! ends as a patronymic less (`patronymic_unmatched_cost`), a number more
//! (`unmatched_number_cost`: "Orion Tanager II" is another ship than "Orion Tanager"). Since a
//! pair
//! weight never exceeds the weights of the query tokens it covers, a candidate whose matched
//! query tokens weigh `A` scores at most `A / Σ query weights`: the bound that candidate
//! generation uses.
//!
//! `Index::bound_name` (in `index/bounds.rs`) bounds [`align`]'s score before aligning by listing,
//! per candidate token, every edge that could be built here: a new kind of edge, or a new
//! condition on one, must be reflected there, or screening may skip a result (the recall
//! test in `tests/it/recall.rs` compares it with a full scan).

use crate::config::MatcherConfig;
use crate::limits::MAX_FUZZY_LEN;
use crate::token::{self, Kind, Method, Tok, osa_distance};

/// A query name, prepared.
#[derive(Clone, Debug)]
pub(crate) struct QName {
    /// The tokens and their weights.
    pub(crate) toks: Vec<QTok>,
    /// Runs of two or three query tokens taken as one word.
    pub(crate) units: Vec<QUnit>,
    /// The sum of the token weights.
    pub(crate) total_weight: f64,
    /// What the name carries, from 0 to 1: its weight over the weight a name needs to single
    /// out an entity ([`QName::finish`]); name scores are multiplied by it, so a query of one
    /// letter, of particles or of one common word cannot alert on its name alone.
    pub(crate) scale: f64,
    /// Whether some token has an `extra_cost` below 1.
    pub(crate) has_extra: bool,
    /// The share of its weight that an extra name costs when it comes before every matched
    /// normal word (a given name in first position: "Jose" of "Jose Manuel AGUIRRE GALINDO"
    /// against "AGUIRRE GALINDO, Manuel"); at least the token's `extra_cost`.
    pub(crate) leading_extra_cost: f64,
    /// The share of an unmatched candidate token's weight that counts against the score: the
    /// configured one, or all of it for a query of one normal word, which must cover the
    /// candidate name to match it (a one-word query on a long name is a weak query).
    pub(crate) gamma: f64,
    /// The cost of an unmatched candidate patronymic (`patronymic_unmatched_cost`, at most
    /// `gamma`), when no matched candidate word ends as one.
    pub(crate) gamma_patronymic: f64,
    /// Whether the name reads as a Korean name: its syllables match only in their order
    /// ([`korean_order`]).
    pub(crate) korean: bool,
    /// The cost of an unmatched candidate number (`unmatched_number_cost`, at least `gamma`).
    pub(crate) gamma_number: f64,
    /// The normal tokens its writer marks as the family name ([`QName::mark_family`]), one bit
    /// per token; 0 when the name does not say.
    pub(crate) family: u64,
}

impl Default for QName {
    fn default() -> QName {
        QName {
            toks: Vec::new(),
            units: Vec::new(),
            total_weight: 0.0,
            scale: 1.0,
            has_extra: false,
            leading_extra_cost: 1.0,
            gamma: 0.0,
            gamma_patronymic: 0.0,
            korean: false,
            gamma_number: 0.0,
            family: 0,
        }
    }
}

/// A query token.
#[derive(Clone, Debug)]
pub(crate) struct QTok {
    pub(crate) tok: Tok,
    pub(crate) weight: f64,
    /// With an index: the vocabulary tokens similar to this one, by vocabulary id.
    pub(crate) expansion: Vec<(u32, f32, Method)>,
    /// The share of the weight this token costs when it is unmatched while the query's other
    /// words cover every word of the candidate name (an extra name: a patronymic, a middle
    /// name, a second surname); 1 for tokens that always cost their whole weight.
    pub(crate) extra_cost: f64,
}

impl QTok {
    /// A query token that costs its whole weight when unmatched.
    pub(crate) fn new(tok: Tok, weight: f64, expansion: Vec<(u32, f32, Method)>) -> QTok {
        QTok { tok, weight, expansion, extra_cost: 1.0 }
    }
}

/// Adjacent query tokens joined into one word.
#[derive(Clone, Debug)]
pub(crate) struct QUnit {
    pub(crate) first: usize,
    pub(crate) len: usize,
    /// The length of its shortest normal word.
    pub(crate) min_part_len: usize,
    /// The spellings of the particle it starts with ("al masri": "al", "el", "ul"), if any.
    pub(crate) lead_particle: Option<&'static [&'static str]>,
    pub(crate) tok: Tok,
    pub(crate) weight: f64,
    pub(crate) expansion: Vec<(u32, f32, Method)>,
}

impl QName {
    /// Sets what the name carries once its tokens are in: the scale (its total weight over
    /// `informative_weight`, at most 1) and, for a person's name of three or more words, the
    /// cost of each word as an extra name (`extra_name_cost`), and the cost of unmatched
    /// candidate words (`gamma`; higher for a `korean` name, whose given-name syllables are
    /// one name).
    pub(crate) fn finish(
        &mut self,
        person: bool,
        korean: bool,
        informative_weight: f64,
        config: &MatcherConfig,
    ) {
        let extra_name_cost = config.extra_name_cost;
        self.scale = if informative_weight > 0.0 {
            (self.total_weight / informative_weight).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let n_normal = self.toks.iter().filter(|t| t.tok.kind == Kind::Normal).count();
        self.gamma = if n_normal <= 1 {
            config.unmatched_candidate_cost.max(config.short_query_unmatched_cost)
        } else {
            config.unmatched_candidate_cost
        };
        self.korean = korean;
        if korean {
            self.gamma = self.gamma.max(config.korean_unmatched_candidate_cost);
        }
        // A query of one normal word must cover the candidate, and a Korean name's syllables are
        // one name: neither leaves a patronymic out.
        self.gamma_patronymic = if n_normal <= 1 || korean {
            self.gamma
        } else {
            config.patronymic_unmatched_cost.clamp(0.0, self.gamma)
        };
        self.gamma_number = config.unmatched_number_cost.max(self.gamma);
        self.has_extra = false;
        self.leading_extra_cost =
            config.leading_extra_name_cost.clamp(extra_name_cost.max(0.0), 1.0);
        for qt in &mut self.toks {
            qt.extra_cost = 1.0;
            if person && n_normal >= 3 && qt.tok.kind == Kind::Normal && extra_name_cost < 1.0 {
                qt.extra_cost = extra_name_cost.max(0.0);
                self.has_extra = true;
            }
        }
    }

    /// Marks the tokens of the family name, given the name's tokens with their marks
    /// ([`token::family_marks`]): each token of the name takes the mark of the next token of
    /// the same text, in order. A token the marks do not hold (a reading in other spellings, a
    /// number written in figures) is not marked, nor is any token after it.
    pub(crate) fn mark_family(&mut self, marks: &[(String, bool)]) {
        self.family = 0;
        let mut next = 0;
        for (i, qt) in self.toks.iter().enumerate().take(64) {
            let Some(at) = marks[next..].iter().position(|(text, _)| *text == *qt.tok.text) else {
                return;
            };
            next += at + 1;
            if marks[next - 1].1 && qt.tok.kind == Kind::Normal {
                self.family |= 1 << i;
            }
        }
    }

    /// Builds the joined units of the tokens: each run of two or three adjacent words of which
    /// at least one is a normal word and the others normal words or particles ("abd al",
    /// "abd al rahman", "bn al shiba"). In unvowelled script, the article before a sun letter is
    /// also joined as Arabic says it ("al sbar" as "asbar", the "Essabar" of Latin spellings).
    ///
    /// Without `derive_keys` a unit's token is [`Tok::bare`]: its caller derives the keys when
    /// it needs them (the index, for the few units that come close to a listed word).
    pub(crate) fn build_units(&mut self, derive_keys: bool) {
        let n = self.toks.len();
        for first in 0..n {
            for len in [2usize, 3] {
                if first + len > n {
                    continue;
                }
                let run = &self.toks[first..first + len];
                // Words written together in one spelling are apart in another: "abd al hkim"
                // (Arabic script, the article split off) is "Abdul Hakim", "bn al shiba" is
                // "Binalshibh". A unit needs a normal word; particles may join it.
                // Latin queries keep to two normal words or normal-particle-normal: each unit
                // costs a lookup of every spelling a few edits away, and Latin spellings rarely
                // split a name at a particle.
                let joinable = |t: &QTok| matches!(t.tok.kind, Kind::Normal | Kind::Particle);
                let normal = |t: &QTok| t.tok.kind == Kind::Normal;
                // A particle may also lead a Latin unit, run into the name on the other side
                // ("al masri" and "almasri", "bin al shibh" and "binalshibh").
                let particle = |t: &QTok| t.tok.kind == Kind::Particle;
                let ok = if run.iter().all(|t| t.tok.unvowelled) {
                    run.iter().all(joinable) && run.iter().any(normal)
                } else if len == 2 {
                    // A particle may also end one: "abd al" and "ab dal" are one name split
                    // in two places.
                    (normal(&run[0]) || particle(&run[0])) && normal(&run[1])
                        || normal(&run[0]) && particle(&run[1])
                } else {
                    (normal(&run[0]) || particle(&run[0])) && particle(&run[1]) && normal(&run[2])
                };
                if !ok {
                    continue;
                }
                let text: String = run.iter().map(|t| &*t.tok.text).collect();
                let weight: f64 = run.iter().map(|t| t.weight).sum();
                let unvowelled = run.iter().all(|t| t.tok.unvowelled);
                // Particles are short in every spelling ("al", "ul", "ud"); the words decide.
                let min_part_len = run
                    .iter()
                    .filter(|t| t.tok.kind == Kind::Normal)
                    .map(|t| t.tok.text.len())
                    .min()
                    .unwrap_or(0);
                let mut push = |text: &str| {
                    let mut tok = if derive_keys {
                        Tok::new(text, Kind::Normal)
                    } else {
                        Tok::bare(text, Kind::Normal)
                    };
                    tok.unvowelled = unvowelled;
                    self.units.push(QUnit {
                        first,
                        len,
                        min_part_len,
                        lead_particle: particle(&run[0])
                            .then(|| token::join_spellings(&run[0].tok.text)),
                        tok,
                        weight,
                        expansion: Vec::new(),
                    });
                };
                push(&text);
                // The article before a sun letter is said as the letter doubled: "shms al din"
                // is "Shamsuddin", "zia al rhman" is "Zia-ur-Rahman". A unit that ends with the
                // article takes the letter of the word after it: "abd al" before "rhmn" is
                // "Abdur" (of "Abdur Rahman"), before "slam" "Abdus".
                let sun = |t: &QTok| t.tok.text.starts_with(SUN_LETTERS);
                let article = run.iter().position(|t| &*t.tok.text == "al");
                if unvowelled && let Some(at) = article {
                    if at + 1 < len && sun(&run[at + 1]) {
                        let assimilated: String = run
                            .iter()
                            .enumerate()
                            .map(|(idx, t)| if idx == at { "a" } else { &*t.tok.text })
                            .collect();
                        push(&assimilated);
                    } else if at + 1 == len
                        && at > 0
                        && let Some(next) = self.toks.get(first + len)
                        && next.tok.unvowelled
                        && sun(next)
                        && !next.tok.text.starts_with('l')
                    {
                        let mut assimilated: String =
                            run[..at].iter().map(|t| &*t.tok.text).collect();
                        assimilated.push('a');
                        assimilated.push_str(&next.tok.text[..1]);
                        push(&assimilated);
                    }
                }
            }
        }
    }
}

impl QUnit {
    /// Whether the unit may pair with the candidate word `text` found by `method`. Joined
    /// words pair by spelling only (skeletons of long joined strings are too loose), except in
    /// unvowelled script, which has nothing but its skeleton; and a spelling a few edits away
    /// must differ by less than the unit's shortest word, or the unit would hide a whole extra
    /// word ("petropars uk" against "petropars", "va maskan" against "maskan").
    pub(crate) fn pairs_with(&self, text: &str, method: Method) -> bool {
        match method {
            Method::Exact => true,
            Method::Edit => {
                let limit = self.min_part_len.saturating_sub(1);
                limit > 0
                    && self.keeps_particle(text)
                    && osa_distance(self.tok.text.as_bytes(), text.as_bytes(), limit) <= limit
            }
            Method::Skeleton => self.tok.unvowelled,
            _ => false,
        }
    }

    /// Whether a word a few edits from the unit keeps the particle the unit starts with, in one
    /// of its spellings: "al masri" is "almasri" or "elmasri", but "al rhman" is not the
    /// "Rahman" of "Abdul Rahman", whose article went with the word before.
    fn keeps_particle(&self, text: &str) -> bool {
        self.lead_particle
            .is_none_or(|spellings| spellings.iter().any(|spelling| text.starts_with(spelling)))
    }
}

/// The first letters of the sun letters as unvowelled Arabic script folds them (t, th, d, dh, r,
/// z, s, sh, n, l): the article before them is said as the letter doubled.
const SUN_LETTERS: [char; 7] = ['t', 'd', 'r', 'z', 's', 'n', 'l'];

/// The candidate side of an alignment.
pub(crate) trait Candidate {
    /// The number of tokens.
    fn len(&self) -> usize;
    /// Token `j`.
    fn tok(&self, j: usize) -> &Tok;
    /// The weight of token `j`.
    fn weight(&self, j: usize) -> f64;
    /// The similarity of query token `i` and candidate token `j` (initials aside).
    fn sim(&self, query: &QName, i: usize, j: usize) -> Option<(f32, Method)>;
    /// The similarity of query unit `u` and candidate token `j`.
    fn unit_sim(&self, query: &QName, u: usize, j: usize) -> Option<(f32, Method)>;
    /// The tokens its writer marks as the family name, one bit per token ([`QName::family`]).
    /// Only a name given to `compare` has them: a listed name states its family name with a
    /// comma, which marks nothing.
    fn family(&self) -> u64 {
        0
    }
}

/// One aligned pair.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edge {
    pub(crate) q_mask: u64,
    pub(crate) c_mask: u64,
    pub(crate) sim: f32,
    pub(crate) method: Method,
    pub(crate) weight: f64,
}

/// The result of aligning two names.
#[derive(Clone, Debug, Default)]
pub(crate) struct Alignment {
    pub(crate) score: f64,
    pub(crate) pairs: Vec<Edge>,
    pub(crate) q_matched: u64,
    pub(crate) c_matched: u64,
}

fn bits(first: usize, len: usize) -> u64 {
    (((1u128 << len) - 1) as u64) << first
}

/// Aligns `query` with `candidate`. `edges` is scratch space, reused across calls; the pairs
/// are kept in the result only with `keep_pairs` (ranking needs scores alone, and allocating
/// per candidate would dominate the cost of a query).
pub(crate) fn align(
    query: &QName,
    candidate: &impl Candidate,
    initial_weight: f64,
    edges: &mut Vec<Edge>,
    keep_pairs: bool,
) -> Alignment {
    edges.clear();
    let n_c = candidate.len();
    if query.toks.is_empty() || n_c == 0 || query.total_weight <= 0.0 {
        return Alignment::default();
    }
    for (i, qt) in query.toks.iter().enumerate() {
        for j in 0..n_c {
            let ct = candidate.tok(j);
            let initial = qt.tok.kind == Kind::Initial || ct.kind == Kind::Initial;
            let found =
                if initial { initial_match(&qt.tok, ct) } else { candidate.sim(query, i, j) };
            if let Some((sim, method)) = found {
                let weight = if initial && qt.tok.text != ct.text {
                    qt.weight.min(initial_weight)
                } else {
                    qt.weight
                };
                edges.push(Edge { q_mask: 1 << i, c_mask: 1 << j, sim, method, weight });
            }
        }
        // A query word against candidate words written apart: exact text only, and only for
        // words of up to `MAX_FUZZY_LEN` bytes (as the index looks them up).
        if qt.tok.kind == Kind::Normal && (4..=MAX_FUZZY_LEN).contains(&qt.tok.text.len()) {
            for j in 0..n_c {
                for len in [2usize, 3] {
                    if j + len <= n_c && joins_to(candidate, j, len, &qt.tok.text) {
                        edges.push(Edge {
                            q_mask: 1 << i,
                            c_mask: bits(j, len),
                            sim: 1.0,
                            method: Method::Joined,
                            weight: qt.weight,
                        });
                    }
                }
            }
        }
        // An abbreviation against its letters written apart ("uk" and "U.K.", "ibm" and
        // "I.B.M."): exact letters only.
        if let Some(len) = acronym_len(&qt.tok) {
            for j in 0..n_c {
                if j + len <= n_c && spells(candidate, j, &qt.tok.text) {
                    edges.push(Edge {
                        q_mask: 1 << i,
                        c_mask: bits(j, len),
                        sim: 1.0,
                        method: Method::Joined,
                        weight: qt.weight,
                    });
                }
            }
        }
    }
    for (u, unit) in query.units.iter().enumerate() {
        for j in 0..n_c {
            if let Some((sim, _)) = candidate.unit_sim(query, u, j) {
                edges.push(Edge {
                    q_mask: bits(unit.first, unit.len),
                    c_mask: 1 << j,
                    sim,
                    method: Method::Joined,
                    weight: unit.weight,
                });
            }
        }
        // Words written apart on both sides, split in another place ("alq aida" and "al
        // qaida", "ala qsa" and "al aqsa"): the same letters, the first boundary moved, which
        // costs as much as a typo. Words that start alike pair one to one instead (and the
        // index need not look up a query's own words again: `index/bounds.rs`).
        if splits_apart(unit) {
            for j in 0..n_c {
                for len in [2usize, 3] {
                    if j + len <= n_c
                        && moved_first(candidate.tok(j), &query.toks[unit.first].tok.text)
                        && joins_to(candidate, j, len, &unit.tok.text)
                    {
                        edges.push(Edge {
                            q_mask: bits(unit.first, unit.len),
                            c_mask: bits(j, len),
                            sim: MOVED_SPLIT_SIM,
                            method: Method::Joined,
                            weight: unit.weight,
                        });
                    }
                }
            }
        }
    }
    // Best contribution first; ties broken by position so the result is deterministic.
    edges.sort_by(|a, b| {
        (f64::from(b.sim) * b.weight)
            .total_cmp(&(f64::from(a.sim) * a.weight))
            .then(a.q_mask.cmp(&b.q_mask))
            .then(a.c_mask.cmp(&b.c_mask))
    });
    let mut alignment = Alignment::default();
    let mut matched = 0.0;
    // Query words that only a candidate initial matched ("olegovich" and the "O." of "DROGANOV,
    // Aleksey O."), and what those edges added.
    let mut by_initial = 0u64;
    let mut by_initial_credit = 0.0;
    // A Korean name's one-to-one pairs, in the order chosen ([`korean_order`]).
    let mut korean_pairs: Vec<OnePair> = Vec::new();
    let mut korean_checkable = query.korean;
    for edge in edges.iter() {
        if edge.q_mask & alignment.q_matched != 0 || edge.c_mask & alignment.c_matched != 0 {
            continue;
        }
        alignment.q_matched |= edge.q_mask;
        alignment.c_matched |= edge.c_mask;
        let credit = f64::from(edge.sim) * edge.weight;
        matched += credit;
        if korean_checkable {
            if edge.q_mask.count_ones() == 1 && edge.c_mask.count_ones() == 1 {
                let (q, c) = (edge.q_mask.trailing_zeros(), edge.c_mask.trailing_zeros());
                korean_pairs.push((q as usize, c as usize, credit));
            } else {
                korean_checkable = false;
            }
        }
        if edge.method == Method::Initial
            && edge.weight < query.toks[edge.q_mask.trailing_zeros() as usize].weight
        {
            by_initial |= edge.q_mask;
            by_initial_credit += credit;
        }
        if keep_pairs {
            alignment.pairs.push(*edge);
        }
    }
    if korean_checkable && let Some((kept_credit, dropped)) = korean_order(&mut korean_pairs) {
        // Syllables matched out of order ("Yong Su" against "Su Yong") are not matched.
        matched = kept_credit;
        for (q, c, _) in dropped {
            alignment.q_matched &= !(1 << q);
            alignment.c_matched &= !(1 << c);
            alignment.pairs.retain(|edge| edge.q_mask != 1 << q);
        }
        by_initial = 0;
    }
    // A patronymic the query leaves out costs less, unless a matched word ends as one: then the
    // unmatched one may be the surname.
    let patronymic_matched =
        (0..n_c).any(|j| alignment.c_matched & (1 << j) != 0 && candidate.tok(j).patronymic);
    // A family name the candidate marks of which no word is matched is another family's: it
    // costs in full, as the query's does in `extra_name_relief`.
    let c_family = candidate.family();
    let other_family = c_family != 0 && c_family & alignment.c_matched == 0;
    let unmatched_cost: f64 = (0..n_c)
        .filter(|&j| alignment.c_matched & (1 << j) == 0)
        .map(|j| {
            let tok = candidate.tok(j);
            let gamma = if other_family && c_family & (1 << j) != 0 {
                1.0
            } else if tok.patronymic && !patronymic_matched {
                query.gamma_patronymic
            } else if tok.text.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                query.gamma_number
            } else {
                query.gamma
            };
            gamma * candidate.weight(j)
        })
        .sum();
    let score = |matched: f64, relief: f64| {
        let denominator = query.total_weight - relief + unmatched_cost;
        if denominator > 0.0 { (matched / denominator).min(1.0) * query.scale } else { 0.0 }
    };
    alignment.score = score(
        matched,
        extra_name_relief(query, candidate, alignment.q_matched, alignment.c_matched),
    );
    // A word that an initial of the candidate starts is the name the initial abbreviates: it may
    // count as an extra name (a patronymic the list gives by its initial) instead of as a word
    // matched at an initial's small weight, whichever scores higher. The initial is accounted
    // for either way. (`index/bounds.rs` bounds both: the word is credited nothing and costs
    // at least its `extra_cost`.)
    if by_initial != 0 && query.has_extra {
        let relief = extra_name_relief(
            query,
            candidate,
            alignment.q_matched & !by_initial,
            alignment.c_matched,
        );
        alignment.score = alignment.score.max(score(matched - by_initial_credit, relief));
    }
    alignment
}

/// A one-to-one pair of an alignment: query token, candidate token, credit.
type OnePair = (usize, usize, f64);

/// The syllables of a Korean name keep their order: the surname may stand first or last ("Kim
/// Jong Un", "Jong Un Kim"), but "Un Jong" is another given name. So the candidate positions of
/// the pairs, taken in query order, must be a rotation of an increasing sequence (at most one
/// descent, counting the step from the last back to the first). `None` when they are; otherwise
/// the credit of the pairs of the best subset that is, and the pairs left out of it.
fn korean_order(pairs: &mut [OnePair]) -> Option<(f64, Vec<OnePair>)> {
    fn in_order(positions: impl Iterator<Item = usize> + Clone) -> bool {
        let next = positions.clone().cycle().skip(1);
        positions.zip(next).filter(|(a, b)| a > b).count() <= 1
    }
    pairs.sort_unstable_by_key(|&(q, _, _)| q);
    if pairs.len() > 8 || in_order(pairs.iter().map(|&(_, c, _)| c)) {
        return None;
    }
    let n = pairs.len();
    let (mut best_credit, mut best_mask) = (0.0, 0u32);
    for mask in 0u32..(1 << n) {
        let kept = || (0..n).filter(move |&k| mask & (1 << k) != 0);
        if in_order(kept().map(|k| pairs[k].1)) {
            let credit: f64 = kept().map(|k| pairs[k].2).sum();
            if credit > best_credit {
                (best_credit, best_mask) = (credit, mask);
            }
        }
    }
    let dropped = (0..n).filter(|&k| best_mask & (1 << k) == 0).map(|k| pairs[k]).collect();
    Some((best_credit, dropped))
}

/// What the query's extra names take off its weight in the denominator: when every normal word
/// of the candidate is matched and at least two normal query words are, an unmatched query word
/// costs `extra_cost` of its weight instead of all of it (a patronymic, a middle name or a second
/// surname the list does not carry). A word before every matched normal word costs
/// `leading_extra_cost` instead: a given name in first position is another person's as often as
/// an omitted one ("Jose Manuel AGUIRRE GALINDO" is not "AGUIRRE GALINDO, Manuel"). A candidate
/// with a normal word or an initial of its own left over names someone else, or the same surname
/// with another given name: then every query word costs in full. So does a family name the
/// query marks ([`QName::family`]) of which no word is matched: "Qassim Abdullah Ali OGUNGBUYI"
/// gives a surname that "ABDULLAH ALI, Qassim" does not carry, where "Jose QUINTERO MERAZ" adds
/// a second surname to "QUINTERO, Jose".
///
/// Each word costs at least its `extra_cost`, which is what `index/bounds.rs` assumes.
fn extra_name_relief(
    query: &QName,
    candidate: &impl Candidate,
    q_matched: u64,
    c_matched: u64,
) -> f64 {
    if !query.has_extra {
        return 0.0;
    }
    // An initial of the candidate that no query word starts is a name the query gives
    // otherwise ("DROGANOV, Aleksey O." against "Aleksey Ivanovich DROGANOV"), as is a
    // one-letter surname ("O, Kuk-Ryol" against "Kuk Ryol SANTOS").
    let covered = (0..candidate.len()).all(|j| {
        c_matched & (1 << j) != 0 || !matches!(candidate.tok(j).kind, Kind::Normal | Kind::Initial)
    });
    let is_matched_normal =
        |i: usize| q_matched & (1 << i) != 0 && query.toks[i].tok.kind == Kind::Normal;
    let matched_normal = (0..query.toks.len()).filter(|&i| is_matched_normal(i)).count();
    if !covered || matched_normal < 2 {
        return 0.0;
    }
    let first_matched = (0..query.toks.len()).find(|&i| is_matched_normal(i)).unwrap_or(0);
    let other_family = query.family != 0 && query.family & q_matched == 0;
    (0..query.toks.len())
        .filter(|&i| q_matched & (1 << i) == 0)
        .map(|i| {
            let qt = &query.toks[i];
            let cost = if other_family && query.family & (1 << i) != 0 {
                1.0
            } else if i < first_matched {
                qt.extra_cost.max(query.leading_extra_cost)
            } else {
                qt.extra_cost
            };
            qt.weight * (1.0 - cost)
        })
        .sum()
}

/// The number of letters of a query word that may be an abbreviation written apart on the
/// other side: a normal word of [`MAX_ACRONYM_LEN`] letters at most (two at least).
pub(crate) fn acronym_len(tok: &Tok) -> Option<usize> {
    let len = tok.text.len();
    (tok.kind == Kind::Normal
        && (2..=MAX_ACRONYM_LEN).contains(&len)
        && tok.text.bytes().all(|b| b.is_ascii_lowercase()))
    .then_some(len)
}

/// The longest abbreviation matched against initials written apart.
pub(crate) const MAX_ACRONYM_LEN: usize = 4;

/// Whether candidate tokens from `j` are the initials spelling `text`, one letter each.
fn spells(candidate: &impl Candidate, j: usize, text: &str) -> bool {
    text.bytes().enumerate().all(|(k, letter)| {
        let tok = candidate.tok(j + k);
        tok.kind == Kind::Initial && tok.text.as_bytes() == [letter]
    })
}

/// The similarity of words written apart on both sides with the boundary in another place.
pub(crate) const MOVED_SPLIT_SIM: f32 = 0.95;

/// Whether a joined unit is compared with candidate words written apart ([`joins_to`]): a Latin
/// unit as long as the words the index looks up by their parts (`index/candidates.rs` and
/// `index/bounds.rs` assume the same).
pub(crate) fn splits_apart(unit: &QUnit) -> bool {
    !unit.tok.unvowelled && (4..=MAX_FUZZY_LEN).contains(&unit.tok.text.len())
}

/// How far the first boundary of words written apart may move: a normal first word is at most
/// this many letters longer or shorter than the query's own first word.
pub(crate) const MAX_BOUNDARY_MOVE: usize = 2;

/// Where a joined unit `text` whose own first word is `own_first` may be split into a moved
/// first word: within [`MAX_BOUNDARY_MOVE`] bytes of its own boundary, leaving at least one byte
/// on each side. The index's candidate search and score bounds read these splits, and
/// [`moved_first`] admits no normal first word outside them.
pub(crate) fn moved_splits(own_first: &str, text: &str) -> std::ops::RangeInclusive<usize> {
    own_first.len().saturating_sub(MAX_BOUNDARY_MOVE).max(1)
        ..=(own_first.len() + MAX_BOUNDARY_MOVE).min(text.len().saturating_sub(1))
}

/// Whether the candidate word `first` may start words written apart that a joined query unit
/// whose own first word is `own_first` pairs with: not that word itself (the words pair one to
/// one), and a normal word of about its length ([`MAX_BOUNDARY_MOVE`]); a particle in any
/// spelling.
pub(crate) fn moved_first(first: &Tok, own_first: &str) -> bool {
    *first.text != *own_first
        && (first.kind != Kind::Normal
            || first.text.len().abs_diff(own_first.len()) <= MAX_BOUNDARY_MOVE)
}

/// Whether candidate tokens `j..j + len` written together give `text`: two words, or three
/// with a particle in the middle; the first word may also be a particle run into the name
/// ("al masri" as "almasri", "bin al shibh" as "binalshibh"). A particle may be written in any
/// of its spellings ([`token::join_spellings`]: "abd al aziz" as "abdulaziz"); the last word is a
/// normal word.
fn joins_to(candidate: &impl Candidate, j: usize, len: usize, text: &str) -> bool {
    fn rest_joins(
        candidate: &impl Candidate,
        k: usize,
        end: usize,
        len: usize,
        j: usize,
        rest: &str,
    ) -> bool {
        if k == end {
            return rest.is_empty();
        }
        let tok = candidate.tok(k);
        let kind_ok = match (len, k - j) {
            (_, 0) => matches!(tok.kind, Kind::Normal | Kind::Particle),
            (3, 1) => tok.kind == Kind::Particle,
            // Two words may end with a particle after a normal word ("abd al" as "abdal").
            (2, 1) => {
                tok.kind == Kind::Normal
                    || tok.kind == Kind::Particle && candidate.tok(j).kind == Kind::Normal
            }
            _ => tok.kind == Kind::Normal,
        };
        if !kind_ok {
            return false;
        }
        if tok.kind == Kind::Particle {
            token::join_spellings(&tok.text).iter().any(|spelling| {
                rest.strip_prefix(spelling)
                    .is_some_and(|after| rest_joins(candidate, k + 1, end, len, j, after))
            })
        } else {
            rest.strip_prefix(&*tok.text)
                .is_some_and(|after| rest_joins(candidate, k + 1, end, len, j, after))
        }
    }
    rest_joins(candidate, j, j + len, len, j, text)
}

/// An initial against a word it starts, or two equal initials.
fn initial_match(a: &Tok, b: &Tok) -> Option<(f32, Method)> {
    let fits = |kind: Kind| matches!(kind, Kind::Initial | Kind::Normal);
    if !fits(a.kind) || !fits(b.kind) {
        return None;
    }
    let first = |tok: &Tok| tok.text.as_bytes().first().copied();
    (first(a).is_some() && first(a) == first(b)).then_some((1.0, Method::Initial))
}

#[cfg(test)]
mod korean_order_tests {
    use super::korean_order;

    fn kept(candidate_positions: &[usize]) -> Option<Vec<usize>> {
        let mut pairs: Vec<_> =
            candidate_positions.iter().enumerate().map(|(q, &c)| (q, c, 1.0)).collect();
        korean_order(&mut pairs).map(|(credit, dropped)| {
            assert_eq!(credit, (candidate_positions.len() - dropped.len()) as f64);
            dropped.iter().map(|&(q, _, _)| q).collect()
        })
    }

    #[test]
    fn the_surname_may_move_but_the_given_name_keeps_its_order() {
        // "Kim Jong Un" and "Jong Un Kim" against "KIM, Jong Un".
        assert_eq!(kept(&[0, 1, 2]), None);
        assert_eq!(kept(&[1, 2, 0]), None);
        assert_eq!(kept(&[1, 0]), None);
        // "Un Jong Kim", "Kim Un Jong": one syllable of the given name is left out.
        assert_eq!(kept(&[2, 1, 0]).map(|dropped| dropped.len()), Some(1));
        assert_eq!(kept(&[0, 2, 1]).map(|dropped| dropped.len()), Some(1));
        assert_eq!(kept(&[3, 2, 1, 0]).map(|dropped| dropped.len()), Some(2));
    }
}
