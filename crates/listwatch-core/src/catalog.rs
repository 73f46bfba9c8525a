//! Finding entities across every list of the store by id, ISIN, ticker or name, and gathering
//! what is known about them for the status engine.

use std::collections::HashMap;

use listwatch_model::Date;
use listwatch_model::{EntityId, IdKind, ListName, normalize_identifier};
use listwatch_normalize::{TokenKind, tokenize};
use listwatch_status::{Observation, Record, VersionRef};
use listwatch_store::{Store, VersionInfo};

use crate::{Error, Result};

/// One entity the store has ever had, as its last version had it.
pub struct Entry {
    /// The list it is on (or was last on).
    pub list: ListName,
    /// The entity as the last version that held it had it.
    pub entity: listwatch_model::Entity,
    /// The number of that version.
    pub last_version: u32,
    /// The first live version of the list that held it (`None` when only retracted versions
    /// did).
    pub first_version: Option<u32>,
    /// Whether the entity is in the list's current version.
    pub current: bool,
}

impl Entry {
    /// `<list>:<id>`.
    pub fn entity_id(&self) -> String {
        format!("{}:{}", self.list, self.entity.id)
    }
}

/// Every entity of every list, with lookups by identifier and name.
pub struct Catalog {
    /// Every entity, in list order then id order.
    pub entries: Vec<Entry>,
    /// Every list with its live versions, oldest first.
    pub lists: Vec<(ListName, Vec<VersionRef>)>,
    by_id: HashMap<String, usize>,
    by_isin: HashMap<String, Vec<usize>>,
    by_ticker: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    by_token: HashMap<String, Vec<usize>>,
}

/// The words of a name that identify it: folded, without legal forms and stop words.
pub fn name_key(name: &str) -> Vec<String> {
    tokenize(name)
        .into_iter()
        .filter(|t| !matches!(t.kind(), TokenKind::LegalForm(_) | TokenKind::StopWord))
        .map(|t| t.text().to_string())
        .collect()
}

/// When an entry was seen ([`Catalog::seen`]); each `None` when no live version answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seen {
    /// The first live version that held it.
    pub first: Option<VersionRef>,
    /// The last live version that held it.
    pub last: Option<VersionRef>,
    /// The version that last changed it.
    pub last_change: Option<VersionRef>,
}

/// How a query found an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// By its entity id.
    Id,
    /// By an ISIN it carries.
    Isin,
    /// By one of its equity tickers.
    Ticker,
    /// One of its names equals the query, legal forms aside.
    Name,
    /// Every word of the query is in one of its names.
    NameWords,
}

impl Catalog {
    /// Reads every list of the store.
    pub fn load(store: &Store) -> Result<Catalog> {
        let mut catalog = Catalog {
            entries: Vec::new(),
            lists: Vec::new(),
            by_id: HashMap::new(),
            by_isin: HashMap::new(),
            by_ticker: HashMap::new(),
            by_name: HashMap::new(),
            by_token: HashMap::new(),
        };
        for list in store.lists()? {
            let versions = store.live_versions(&list.name)?.iter().map(version_ref).collect();
            catalog.lists.push((list.name.clone(), versions));
            for ever in store.entities_ever(&list.name)? {
                let entity = ever.entity;
                let idx = catalog.entries.len();
                catalog.by_id.insert(format!("{}:{}", list.name, entity.id), idx);
                for identifier in &entity.identifiers {
                    match identifier.kind {
                        IdKind::Isin => catalog
                            .by_isin
                            .entry(normalize_identifier(IdKind::Isin, &identifier.value))
                            .or_default()
                            .push(idx),
                        IdKind::EquityTicker => {
                            let ticker =
                                normalize_identifier(IdKind::EquityTicker, &identifier.value);
                            catalog.by_ticker.entry(ticker.clone()).or_default().push(idx);
                            if let Some(country) = &identifier.country {
                                catalog
                                    .by_ticker
                                    .entry(format!("{ticker} {}", country.to_ascii_uppercase()))
                                    .or_default()
                                    .push(idx);
                            }
                        }
                        _ => {}
                    }
                }
                let mut names: Vec<&str> = entity.names.iter().map(|n| n.value.as_str()).collect();
                names.extend(
                    entity
                        .attributes
                        .iter()
                        .filter(|a| a.label == "Issuer Name")
                        .map(|a| a.value.as_str()),
                );
                for name in names {
                    let key = name_key(name);
                    for token in &key {
                        let postings = catalog.by_token.entry(token.clone()).or_default();
                        if postings.last() != Some(&idx) {
                            postings.push(idx);
                        }
                    }
                    let postings = catalog.by_name.entry(key.join(" ")).or_default();
                    if postings.last() != Some(&idx) {
                        postings.push(idx);
                    }
                }
                catalog.entries.push(Entry {
                    list: list.name.clone(),
                    entity,
                    last_version: ever.last_version,
                    first_version: ever.first_version,
                    current: ever.current,
                });
            }
        }
        Ok(catalog)
    }

    /// The live versions of `list`, oldest first (empty for a list the catalog lacks).
    pub fn versions(&self, list: &ListName) -> &[VersionRef] {
        self.lists.iter().find(|(name, _)| name == list).map_or(&[], |(_, versions)| versions)
    }

    /// When the entry was seen: the first live version that held it, the last live version that
    /// held it (the current version for a listed entity, the one before its removal otherwise),
    /// and the version that last changed it (its removal, for a removed entity).
    pub fn seen(&self, entry: &Entry) -> Seen {
        let versions = self.versions(&entry.list);
        let find = |number: u32| versions.iter().find(|v| v.version == number).copied();
        let last = if entry.current {
            versions.last().copied()
        } else {
            versions.iter().rev().find(|v| v.version < entry.last_version).copied()
        };
        Seen {
            first: entry.first_version.and_then(find),
            last,
            last_change: find(entry.last_version),
        }
    }

    /// Which lists an answer about `as_of` (knowing what was known on `known_on`) can rest on:
    /// each list's version in force then, and the lists with none.
    pub fn consulted(&self, as_of: Date, known_on: Option<Date>) -> Consultation {
        let mut consultation = Consultation::default();
        for (list, versions) in &self.lists {
            let known = |v: &&VersionRef| known_on.is_none_or(|k| v.published <= k);
            match versions.iter().filter(known).rev().find(|v| v.published <= as_of) {
                Some(version) => consultation.consulted.push((list.clone(), *version)),
                None => {
                    let known_by =
                        known_on.map(|k| format!(" and known by {k}")).unwrap_or_default();
                    let first = versions.first().map_or(" (it has no version)".to_string(), |v| {
                        format!(" (its first is version {} of {})", v.version, v.published)
                    });
                    consultation.not_consulted.push((
                        list.clone(),
                        format!(
                            "no version of {list} published on or before {as_of}{known_by}{first}"
                        ),
                    ));
                }
            }
        }
        consultation
    }

    /// The entry with this entity id (`<list>:<id>`), current or not.
    pub fn get(&self, entity_id: &str) -> Option<&Entry> {
        self.by_id.get(entity_id.trim()).map(|&idx| &self.entries[idx])
    }

    /// The entries carrying an ISIN (normalized).
    pub fn by_isin(&self, isin: &str) -> &[usize] {
        self.by_isin.get(isin).map_or(&[], Vec::as_slice)
    }

    /// The entries carrying a ticker, on an exchange of the given country if one is given.
    pub fn by_ticker(&self, ticker: &str, exchange_country: Option<&str>) -> &[usize] {
        let ticker = normalize_identifier(IdKind::EquityTicker, ticker);
        let key = match exchange_country {
            Some(country) => format!("{ticker} {}", country.trim().to_ascii_uppercase()),
            None => ticker,
        };
        self.by_ticker.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Entries one of whose names equals the query (legal forms aside); failing that, entries
    /// one of whose names holds every word of the query.
    pub fn by_name(&self, name: &str) -> (Vec<usize>, Found) {
        let key = name_key(name);
        if key.is_empty() {
            return (Vec::new(), Found::Name);
        }
        if let Some(exact) = self.by_name.get(&key.join(" ")) {
            return (exact.clone(), Found::Name);
        }
        let mut lists = key.iter().map(|t| self.by_token.get(t).map_or(&[][..], Vec::as_slice));
        let first = lists.next().unwrap_or(&[]);
        let mut found: Vec<usize> = first.to_vec();
        for postings in lists {
            found.retain(|idx| postings.contains(idx));
        }
        (found, Found::NameWords)
    }

    /// Resolves a query: an entity id, else an ISIN, else a ticker, else a name.
    pub fn resolve(&self, query: &str) -> (Vec<usize>, Found) {
        if let Some(&idx) = self.by_id.get(query.trim()) {
            return (vec![idx], Found::Id);
        }
        let isin = normalize_identifier(IdKind::Isin, query);
        if listwatch_model::validate_identifier(IdKind::Isin, &isin).is_ok() {
            return (self.by_isin(&isin).to_vec(), Found::Isin);
        }
        let words: Vec<&str> = query.split_whitespace().collect();
        let by_ticker = match words.as_slice() {
            [ticker] => self.by_ticker(ticker, None),
            [ticker, country] if country.len() == 2 => self.by_ticker(ticker, Some(country)),
            _ => &[],
        };
        if !by_ticker.is_empty() && query.len() <= 12 {
            return (by_ticker.to_vec(), Found::Ticker);
        }
        self.by_name(query)
    }
}

/// The lists an answer rests on, and those it could not consult.
#[derive(Clone, Debug, Default)]
pub struct Consultation {
    /// Each list with its version in force on the day asked.
    pub consulted: Vec<(ListName, VersionRef)>,
    /// Each list without one, with the reason.
    pub not_consulted: Vec<(ListName, String)>,
}

/// What a version built from part of a publication lacks, in words (`aliases`, `addresses`).
pub fn lacks(coverage: listwatch_model::Coverage) -> Vec<&'static str> {
    let mut lacks = Vec::new();
    if !coverage.aliases {
        lacks.push("aliases");
    }
    if !coverage.addresses {
        lacks.push("addresses");
    }
    lacks
}

/// A stored version as the status engine sees it.
pub fn version_ref(version: &VersionInfo) -> VersionRef {
    VersionRef {
        version: version.version,
        published: version.published,
        coverage: version.coverage,
    }
}

/// Everything the store knows about one entity, for the status engine: the live versions of its
/// list, what they show of it, and its events.
pub fn record(store: &Store, entity_id: &str) -> Result<Record> {
    let id = EntityId::parse(entity_id).map_err(Error::Invalid)?;
    let (versions, observations) = match store.live_versions(&id.list) {
        Ok(versions) => {
            let observations = store
                .observations(&id.list, &id.source_id)?
                .into_iter()
                .map(|(version, entity)| Observation {
                    version: version.version,
                    published: version.published,
                    coverage: version.coverage,
                    entity,
                })
                .collect();
            (versions.iter().map(version_ref).collect(), observations)
        }
        // Events may name an entity of a list the store does not hold (yet).
        Err(listwatch_store::Error::NotFound(_)) => (Vec::new(), Vec::new()),
        Err(err) => return Err(err.into()),
    };
    Ok(Record {
        entity_id: entity_id.to_string(),
        list: id.list.to_string(),
        versions,
        observations,
        events: store.events(Some(entity_id))?,
    })
}
