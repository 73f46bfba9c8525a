//! Building the screening index over the current (non-retracted) version of every list.

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig};
use listwatch_model::{Coverage, Date, ListName};
use listwatch_store::Store;

use crate::catalog::lacks;
use crate::{Error, Result};

/// A list version a screening ran against, with what it lacks: a version built from the main
/// file alone has no aliases, so a name known only as an alias cannot match.
#[derive(Clone, Debug, PartialEq)]
pub struct ScreenedList {
    /// The list.
    pub list: String,
    /// Its current version.
    pub version: u32,
    /// That version's publication date.
    pub published: Date,
    /// Which files the version was built from.
    pub coverage: Coverage,
    /// What the version lacks, in words (`aliases`, `addresses`).
    pub lacks: Vec<&'static str>,
}

impl ScreenedList {
    /// `ofac-sdn@9`, with `(lacks aliases+addresses)` when it does.
    pub fn short(&self) -> String {
        if self.lacks.is_empty() {
            format!("{}@{}", self.list, self.version)
        } else {
            format!("{}@{}(lacks {})", self.list, self.version, self.lacks.join("+"))
        }
    }
}

/// An index with the list versions it holds, and the lists it left out.
pub struct Screening {
    /// The index.
    pub index: Index,
    /// The list versions indexed.
    pub lists: Vec<ScreenedList>,
    /// Lists every version of which is retracted: nothing of them is screened.
    pub all_retracted: Vec<ListName>,
}

/// Builds the index over the current version of every list (or of the given lists): the newest
/// version that is not retracted. A list whose every version is retracted is left out and named
/// in [`Screening::all_retracted`]; a list named in `lists` that the store does not hold is
/// [`Error::UnknownList`]. `progress` is told each step in words.
pub fn build_index(
    store: &Store,
    config: &MatcherConfig,
    lists: &[String],
    progress: &mut dyn FnMut(&str),
) -> Result<Screening> {
    let mut entities = Vec::new();
    let mut screened = Vec::new();
    let mut all_retracted = Vec::new();
    let infos = store.lists()?;
    for info in &infos {
        if !lists.is_empty() && !lists.iter().any(|l| l == info.name.as_str()) {
            continue;
        }
        let Some(current) = store.current(&info.name)? else {
            all_retracted.push(info.name.clone());
            continue;
        };
        progress(&format!("reading {} version {}", info.name, current.version));
        for entity in store.entities(&info.name, current.version)? {
            entities.push(IndexedEntity {
                entity,
                list: info.name.to_string(),
                version: current.version,
            });
        }
        screened.push(ScreenedList {
            list: info.name.to_string(),
            version: current.version,
            published: current.published,
            coverage: current.coverage,
            lacks: lacks(current.coverage),
        });
    }
    if let Some(unknown) =
        lists.iter().find(|list| !infos.iter().any(|info| info.name.as_str() == list.as_str()))
    {
        return Err(Error::UnknownList(unknown.clone()));
    }
    progress(&format!("indexing {} entities", entities.len()));
    Ok(Screening { index: Index::build(entities, config), lists: screened, all_retracted })
}

/// Builds the index over exactly the given list versions (retracted or not, current or not), to
/// recompute a recorded decision: the store keeps every version, and a word's weight depends on
/// every entity indexed, so the index must hold what it held then. A list or version the store
/// does not hold is [`Error::UnknownList`] or the store's error.
pub fn build_index_at(
    store: &Store,
    config: &MatcherConfig,
    versions: &[(String, u32)],
) -> Result<Index> {
    let infos = store.lists()?;
    let mut entities = Vec::new();
    for (list, version) in versions {
        let Some(info) = infos.iter().find(|info| info.name.as_str() == list.as_str()) else {
            return Err(Error::UnknownList(list.clone()));
        };
        for entity in store.entities(&info.name, *version)? {
            entities.push(IndexedEntity { entity, list: list.clone(), version: *version });
        }
    }
    Ok(Index::build(entities, config))
}
