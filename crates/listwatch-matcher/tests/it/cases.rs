//! The declarative case suite (`test_data/cases/*.toml`): screening cases against the real OFAC
//! lists, and pair cases for `score_pair`. Prints precision, recall, F1, the hard-negative false
//! alert rate and the rank-1 rate, at the default threshold and over a sweep of thresholds, and
//! asserts floors slightly below what was measured.

use std::collections::BTreeMap;
use std::path::PathBuf;

use listwatch_matcher::{MatcherConfig, Query, ScreenResult, score_pair};
use serde::Deserialize;

/// One screening case.
#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    tags: Vec<String>,
    /// The entity id expected first, or "none" when nothing may match.
    expect: String,
    query: Query,
}

/// One pair case.
#[derive(Debug, Deserialize)]
struct Pair {
    id: String,
    tags: Vec<String>,
    expect: bool,
    a: Query,
    b: Query,
}

#[derive(Debug, Default, Deserialize)]
struct CaseFile {
    #[serde(default)]
    case: Vec<Case>,
    #[serde(default)]
    pair: Vec<Pair>,
}

fn case_files() -> Vec<(String, CaseFile)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let file: CaseFile =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.file_name().unwrap_or_default().to_string_lossy().into_owned(), file)
        })
        .collect()
}

/// Counts of one evaluation.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
    rank1: usize,
    positives_found: usize,
    hard_negatives: usize,
    hard_negative_alerts: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

/// Whether a case is in the held-out share of its file: one case in five, chosen by a stable hash
/// of its id (FNV-1a), so the share stays put as files grow. Matching changes are tuned on the
/// other four in five and judged on both; the two figures are printed side by side. (The suite
/// before this split was tuned on every case, so the held-out figures mean most for cases added
/// since.)
fn held_out(id: &str) -> bool {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    hash % 5 == 0
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// A case's outcome at `threshold`: a positive case is a true positive when its entity is a
/// match (and counts for rank 1 when it is also the first result); a negative case is a false
/// positive when anything matches.
fn evaluate(cases: &[(&Case, Vec<ScreenResult>)], threshold: f64) -> Counts {
    let mut counts = Counts::default();
    for (case, results) in cases {
        let matches: Vec<&ScreenResult> = results.iter().filter(|r| r.score >= threshold).collect();
        let hard = case.tags.iter().any(|t| t == "hard negative");
        if case.expect == "none" {
            if matches.is_empty() {
                counts.tn += 1;
            } else {
                counts.fp += 1;
            }
            if hard {
                counts.hard_negatives += 1;
                counts.hard_negative_alerts += usize::from(!matches.is_empty());
            }
        } else {
            counts.positives_found += 1;
            if matches.iter().any(|r| r.entity_id == case.expect) {
                counts.tp += 1;
                if matches.first().is_some_and(|r| r.entity_id == case.expect) {
                    counts.rank1 += 1;
                }
            } else {
                counts.fn_ += 1;
            }
        }
    }
    counts
}

#[test]
fn screening_cases_meet_the_quality_floors() {
    if !crate::data::have_data() {
        return;
    }
    let index = &*crate::data::INDEX;
    let threshold = index.config().threshold;
    let files = case_files();
    let cases: Vec<&Case> = files.iter().flat_map(|(_, f)| &f.case).collect();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut ids: Vec<&str> = cases.iter().map(|case| case.id.as_str()).collect();
    ids.sort_unstable();
    let n_ids = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n_ids, "case ids must be unique across files");
    let screened: Vec<(&Case, Vec<ScreenResult>)> =
        cases.iter().map(|case| (*case, index.screen(&case.query, 10))).collect();

    // Failures at the default threshold, for the reader: of the tuned share only, so that the
    // held-out share is judged by its figures and never looked at case by case.
    for (case, results) in screened.iter().filter(|(case, _)| !held_out(&case.id)) {
        let top = results.first();
        let ok = if case.expect == "none" {
            top.is_none_or(|r| r.score < threshold)
        } else {
            top.is_some_and(|r| r.entity_id == case.expect && r.score >= threshold)
        };
        if !ok {
            let expected_score =
                results.iter().find(|r| r.entity_id == case.expect).map(|r| r.score);
            println!(
                "MISS {:<50} expect {:<26} ({expected_score:?}) top {:?}",
                case.id,
                case.expect,
                top.map(|r| (&r.entity_id, &r.matched_name, r.score))
            );
        }
    }
    // Per-tag results.
    let mut by_tag: BTreeMap<&str, Vec<(&Case, Vec<ScreenResult>)>> = BTreeMap::new();
    for (case, results) in &screened {
        for tag in &case.tags {
            by_tag.entry(tag).or_default().push((case, results.clone()));
        }
    }
    for (tag, group) in &by_tag {
        let c = evaluate(group, threshold);
        println!(
            "tag {tag:<22} n={:<4} tp={:<4} fn={:<3} fp={:<3} tn={:<3} rank1={}",
            group.len(),
            c.tp,
            c.fn_,
            c.fp,
            c.tn,
            c.rank1
        );
    }
    println!("threshold  P      R      F1     hard-neg-FA  rank1");
    for step in 60..=95 {
        let t = f64::from(step) / 100.0;
        let c = evaluate(&screened, t);
        println!(
            "{t:.2}       {:.3}  {:.3}  {:.3}  {:.3}        {:.3}",
            c.precision(),
            c.recall(),
            c.f1(),
            ratio(c.hard_negative_alerts, c.hard_negatives),
            ratio(c.rank1, c.tp)
        );
    }
    for (share, wanted) in [("tuned", false), ("held-out", true)] {
        let part: Vec<(&Case, Vec<ScreenResult>)> = screened
            .iter()
            .filter(|(case, _)| held_out(&case.id) == wanted)
            .map(|(case, results)| (*case, results.clone()))
            .collect();
        let c = evaluate(&part, threshold);
        println!(
            "SHARE {share:<8} cases={:<4} P={:.3} R={:.3} F1={:.3} hard-negative false alerts={:.3} ({} of {}) rank-1={:.3}",
            part.len(),
            c.precision(),
            c.recall(),
            c.f1(),
            ratio(c.hard_negative_alerts, c.hard_negatives),
            c.hard_negative_alerts,
            c.hard_negatives,
            ratio(c.rank1, c.tp)
        );
    }
    // Per case file, tuned and held-out shares side by side.
    for (file, case_file) in &files {
        if case_file.case.is_empty() {
            continue;
        }
        let mut line = format!("FILE {file:<22}");
        for wanted in [false, true] {
            let part: Vec<(&Case, Vec<ScreenResult>)> = screened
                .iter()
                .filter(|(case, _)| {
                    held_out(&case.id) == wanted && case_file.case.iter().any(|c| c.id == case.id)
                })
                .map(|(case, results)| (*case, results.clone()))
                .collect();
            let c = evaluate(&part, threshold);
            line.push_str(&format!(
                " | {} n={:<3} P={:.3} R={:.3} F1={:.3} FA={}/{} rank-1={:.3}",
                if wanted { "held-out" } else { "tuned" },
                part.len(),
                c.precision(),
                c.recall(),
                c.f1(),
                c.hard_negative_alerts,
                c.hard_negatives,
                ratio(c.rank1, c.tp)
            ));
        }
        println!("{line}");
    }
    let c = evaluate(&screened, threshold);
    let hard_fa = ratio(c.hard_negative_alerts, c.hard_negatives);
    let rank1 = ratio(c.rank1, c.tp);
    println!(
        "SUITE cases={} threshold={threshold} P={:.3} R={:.3} F1={:.3} hard-negative false alerts={:.3} ({} of {}) rank-1={:.3}",
        screened.len(),
        c.precision(),
        c.recall(),
        c.f1(),
        hard_fa,
        c.hard_negative_alerts,
        c.hard_negatives,
        rank1
    );
    assert!(c.f1() >= F1_FLOOR, "F1 {:.3} below {F1_FLOOR}", c.f1());
    assert!(hard_fa <= HARD_NEGATIVE_CEILING, "hard-negative false alerts {hard_fa:.3}");
    assert!(rank1 >= RANK1_FLOOR, "rank-1 {rank1:.3} below {RANK1_FLOOR}");
}

// Floors a little below the values measured at the default threshold (see the crate docs,
// "Quality"): F1 0.981, hard-negative false alerts 3.8% (9 of 235), rank-1 100%, pair F1 0.995
// (matcher version 10 and 880 cases; version 8 and 781 cases: F1 0.986, 2.4% (5 of 205), 100%,
// 0.995; version 3 and 335 cases: F1 0.991, 1.8%, 100%, 0.994). The pair floor went from 0.98
// to 0.97 with version 14, when the Hebrew pairs came in with four misses (their file says
// which): the 318 pairs before them measure 0.983 with version 14, all 334 0.974.
const F1_FLOOR: f64 = 0.98;
const HARD_NEGATIVE_CEILING: f64 = 0.04;
const RANK1_FLOOR: f64 = 0.99;
const PAIR_F1_FLOOR: f64 = 0.97;

#[test]
fn pair_cases_meet_the_quality_floor() {
    let config = MatcherConfig::default();
    let files = case_files();
    let pairs: Vec<&Pair> = files.iter().flat_map(|(_, f)| &f.pair).collect();
    assert!(!pairs.is_empty());
    let mut counts = Counts::default();
    let mut by_tag: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for pair in &pairs {
        let result = score_pair(&pair.a, &pair.b, &config);
        let ok = result.is_match == pair.expect;
        match (pair.expect, result.is_match) {
            (true, true) => counts.tp += 1,
            (true, false) => counts.fn_ += 1,
            (false, true) => counts.fp += 1,
            (false, false) => counts.tn += 1,
        }
        for tag in &pair.tags {
            let entry = by_tag.entry(tag).or_default();
            entry.0 += 1;
            entry.1 += usize::from(ok);
        }
        if !ok {
            println!(
                "PAIR MISS {:<45} expect {} score {:.3} {:?} vs {:?}",
                pair.id, pair.expect, result.score, pair.a.name, pair.b.name
            );
        }
    }
    for (tag, (n, ok)) in &by_tag {
        println!("pair tag {tag:<20} n={n:<4} correct={ok}");
    }
    for (share, wanted) in [("tuned", false), ("held-out", true)] {
        let mut c = Counts::default();
        for pair in pairs.iter().filter(|p| held_out(&p.id) == wanted) {
            match (pair.expect, score_pair(&pair.a, &pair.b, &config).is_match) {
                (true, true) => c.tp += 1,
                (true, false) => c.fn_ += 1,
                (false, true) => c.fp += 1,
                (false, false) => c.tn += 1,
            }
        }
        println!(
            "PAIR SHARE {share:<8} n={} P={:.3} R={:.3} F1={:.3}",
            c.tp + c.fn_ + c.fp + c.tn,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    println!(
        "PAIRS n={} P={:.3} R={:.3} F1={:.3}",
        pairs.len(),
        counts.precision(),
        counts.recall(),
        counts.f1()
    );
    assert!(counts.f1() >= PAIR_F1_FLOOR, "pair F1 {:.3}", counts.f1());
}
