//! The cost of one query is bounded by a function of its length (see `limits.rs`): a name of one
//! token of a megabyte, or of many long tokens, is answered, not left running for hours. Before
//! the bounds, one token of 300 KB took 24-32 s in release and the cost grew with the square of
//! the length, so a megabyte took hours in a debug build. The guard here is a minute, far above
//! what a bounded query takes even in a debug build on a loaded machine (a few seconds), so it
//! fails only on a return of the unbounded cost; how fast such queries are is measured by
//! `cargo bench -p listwatch-matcher` (its "oversized queries" line).

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

/// What a bounded query can never take, debug build and loaded machine included.
const HANG: Duration = Duration::from_secs(60);

/// Screens `name` and checks that the answer comes back at all (within [`HANG`]).
fn check(index: &Index, name: &str) -> usize {
    let started = Instant::now();
    let results = index.screen(&Query::named(name), 10);
    let elapsed = started.elapsed();
    eprintln!("{} bytes: {elapsed:?}", name.len());
    assert!(
        elapsed < HANG,
        "a name of {} bytes took {elapsed:?}: is its cost unbounded?",
        name.len()
    );
    results.len()
}

#[test]
fn a_one_megabyte_token_is_answered_quickly() {
    let index = small_index();
    for token in ["a", "x", "ab", "abdalrahman"] {
        let name = token.repeat(1_000_000 / token.len());
        check(&index, &name);
    }
    // A megabyte of words: only the first tokens are kept.
    check(&index, &"abdal rahman ".repeat(80_000));
}

#[test]
fn a_thousand_character_name_is_answered_quickly_against_the_real_lists() {
    if !have_data() {
        return;
    }
    let index = &*INDEX;
    for name in ["a".repeat(1000), "deripaska".repeat(111), "oleg deripaska ".repeat(66)] {
        check(index, &name);
    }
    // Normal names still match after the bounds.
    assert!(check(index, "Oleg Deripaska") > 0);
}
