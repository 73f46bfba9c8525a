//! The real lists the tests screen against: the OFAC SDN list of 2024-05-03 and the
//! consolidated list of 2025-12-19, read from `$LISTWATCH_DATA` (default `../shared/data`
//! beside the workspace) through the parsers crate, and indexed once per test binary.

use std::path::PathBuf;
use std::sync::LazyLock;

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig};
use listwatch_model::Entity;
use listwatch_parsers::{InputFile, ofac};

/// The data folder.
pub(crate) fn data_dir() -> PathBuf {
    std::env::var_os("LISTWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// Whether the real list files are there. Without them a real-data test is skipped with a
/// printed reason, unless `LISTWATCH_REQUIRE_DATA=1` (as in CI), which makes their absence a
/// failure.
pub(crate) fn have_data() -> bool {
    let dir = data_dir();
    if dir.is_dir() {
        return true;
    }
    if std::env::var_os("LISTWATCH_REQUIRE_DATA").is_some_and(|v| v == "1") {
        panic!("LISTWATCH_REQUIRE_DATA=1 but the data folder {} does not exist", dir.display());
    }
    eprintln!(
        "skipping a real-data test: {} does not exist (set LISTWATCH_DATA to the shared data folder)",
        dir.display()
    );
    false
}

/// Parses one OFAC publication; optional files that are absent are skipped.
pub(crate) fn read_ofac(dir: &str, flavor: ofac::Flavor) -> Vec<Entity> {
    let dir = data_dir().join(dir);
    let names = flavor.file_names();
    let contents: Vec<Option<Vec<u8>>> =
        names.iter().map(|name| std::fs::read(dir.join(name)).ok()).collect();
    let input =
        |idx: usize| contents[idx].as_deref().map(|bytes| InputFile { name: names[idx], bytes });
    let files = ofac::Files {
        main: input(0).unwrap_or_else(|| panic!("{}: main file missing", dir.display())),
        addresses: input(1),
        aliases: input(2),
        comments: input(3),
    };
    ofac::parse(&files).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).entities
}

/// The entities of both lists, tagged with their list and version.
pub(crate) fn real_entities() -> Vec<IndexedEntity> {
    let sdn = read_ofac("ofac-sdn-daily/2024-05-03", ofac::Flavor::Sdn);
    let cons = read_ofac("ofac-consolidated/2025-12-19", ofac::Flavor::Consolidated);
    let tag = |list: &str, entities: Vec<Entity>| {
        let list = list.to_owned();
        entities.into_iter().map(move |entity| IndexedEntity {
            entity,
            list: list.clone(),
            version: 1,
        })
    };
    tag("ofac-sdn", sdn).chain(tag("ofac-consolidated", cons)).collect()
}

/// The index over both lists with the default configuration.
pub(crate) static INDEX: LazyLock<Index> =
    LazyLock::new(|| Index::build(real_entities(), &MatcherConfig::default()));
