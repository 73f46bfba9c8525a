//! The cost of one query is bounded by a function of its length (see `limits.rs`): a name of one
//! token of a megabyte, or of many long tokens, is answered in about the time of its folding, not
//! in minutes. Debug builds are slow, so the time limits are generous; before the bounds, one
//! token of 300 KB took 24-32 s in release.

use std::time::{Duration, Instant};

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig, Query};
use listwatch_model::{Entity, Schema};

use crate::data::{INDEX, have_data};

fn small_index() -> Index {
    let entities = [
        Entity::new("1", Schema::Person, "DERIPASKA, Oleg Vladimirovich"),
        Entity::new("2", Schema::Company, "ABD AL RAHMAN TRADING CO"),
        Entity::new("3", Schema::Company, "AAAA AAAAB"),
    ];
    Index::build(
        entities.into_iter().map(|entity| IndexedEntity { entity, list: "t".into(), version: 1 }),
        &MatcherConfig::default(),
    )
}

/// Screens `name` and checks that the answer comes back within `limit`.
fn check(index: &Index, name: &str, limit: Duration) -> usize {
    let started = Instant::now();
    let results = index.screen(&Query::named(name), 10);
    let elapsed = started.elapsed();
    eprintln!("{} bytes: {elapsed:?}", name.len());
    assert!(elapsed < limit, "a name of {} bytes took {elapsed:?} (limit {limit:?})", name.len());
    results.len()
}

#[test]
fn a_one_megabyte_token_is_answered_quickly() {
    let index = small_index();
    for token in ["a", "x", "ab", "abdalrahman"] {
        let name = token.repeat(1_000_000 / token.len());
        check(&index, &name, Duration::from_secs(10));
    }
    // A megabyte of words: only the first tokens are kept.
    check(&index, &"abdal rahman ".repeat(80_000), Duration::from_secs(10));
}

#[test]
fn a_thousand_character_name_is_answered_quickly_against_the_real_lists() {
    if !have_data() {
        return;
    }
    let index = &*INDEX;
    for name in ["a".repeat(1000), "deripaska".repeat(111), "oleg deripaska ".repeat(66)] {
        check(index, &name, Duration::from_secs(5));
    }
    // Normal names still match after the bounds.
    assert!(check(index, "Oleg Deripaska", Duration::from_secs(5)) > 0);
}
