//! The status use case: resolve a query (entity id, ISIN, ticker or name), answer each entity it
//! finds as of a day, and combine the answers into one, saying which lists were consulted.

use listwatch_model::{Date, EntityId};
use listwatch_status::{Question, Regimes, State, Status, status};
use listwatch_store::Store;

use crate::Result;
use crate::catalog::{Catalog, Consultation, Found, record};

/// The answer about one entity the query found.
#[derive(Clone, Debug)]
pub struct MatchStatus {
    /// `<list>:<id>`.
    pub entity_id: String,
    /// The list.
    pub list: String,
    /// Its status on the day.
    pub status: Status,
}

/// The answers of every list combined.
#[derive(Clone, Debug, PartialEq)]
pub struct Overall {
    /// The combined state.
    pub state: State,
    /// Why, in words.
    pub reason: String,
}

/// The answer to a status question.
#[derive(Clone, Debug)]
pub struct StatusAnswer {
    /// The day asked about.
    pub as_of: Date,
    /// Only what was known by this day, if given.
    pub known_on: Option<Date>,
    /// How the query found its entities.
    pub found: Found,
    /// One answer per entity found.
    pub matches: Vec<MatchStatus>,
    /// The answers combined.
    pub overall: Overall,
    /// The lists the answer rests on, and those it could not consult.
    pub consultation: Consultation,
    /// The matches that are one party listed on several lists (or twice on one), tied by a
    /// strong identifier or a name they share; a match tied to no other is in no group.
    pub groups: Vec<Group>,
}

/// Entities of several lists (or several entries of one) that are one party.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The primary name of its first member.
    pub name: String,
    /// The members, `<list>:<id>`, in the order found.
    pub members: Vec<String>,
    /// What ties them: `isin US16941M1099`, `name china mobile`.
    pub tied_by: Vec<String>,
}

/// Strong identifiers, as kind and normal form, of an entity: those that name one party
/// wherever they appear.
fn strong_keys(entity: &listwatch_model::Entity) -> Vec<String> {
    use listwatch_model::IdKind;
    entity
        .identifiers
        .iter()
        .filter(|id| {
            matches!(
                id.kind,
                IdKind::Isin
                    | IdKind::Uscc
                    | IdKind::Lei
                    | IdKind::Imo
                    | IdKind::Mmsi
                    | IdKind::SwiftBic
            )
        })
        .map(|id| {
            format!(
                "{} {}",
                id.kind.as_str(),
                listwatch_model::normalize_identifier(id.kind, &id.value)
            )
        })
        .filter(|key| key.len() > 8)
        .collect()
}

/// The name keys of an entity (a name without legal forms and stop words, folded, of two words
/// or more) that may tie it to another list's entry: its primary name; and for the DoD 1260H
/// list, whose rows print a company's other names as the list's own, every name. Other lists'
/// aliases are left out: a group's alias ("CHINA MOBILE") is often its subsidiary's name.
fn name_keys(list: &str, entity: &listwatch_model::Entity) -> Vec<String> {
    let every_name = list == "dod-1260h";
    let mut keys: Vec<String> = entity
        .names
        .iter()
        .enumerate()
        .filter(|(idx, _)| every_name || *idx == 0)
        .map(|(_, n)| crate::catalog::name_key(&n.value).join(" "))
        .filter(|key| key.split(' ').count() >= 2)
        .map(|key| format!("name {key}"))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Groups the entities `ids` of the catalog that share a strong identifier or a name key (of
/// two words or more), transitively. Groups of one are left out.
pub fn groups(catalog: &Catalog, ids: &[String]) -> Vec<Group> {
    let entries: Vec<&crate::catalog::Entry> =
        ids.iter().filter_map(|id| catalog.get(id)).collect();
    let keys: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let mut keys = strong_keys(&e.entity);
            keys.extend(name_keys(e.list.as_str(), &e.entity));
            keys
        })
        .collect();
    // Union-find over the entries, joined through shared keys.
    let mut parent: Vec<usize> = (0..entries.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut ties: Vec<(usize, String)> = Vec::new();
    for (idx, entry_keys) in keys.iter().enumerate() {
        for key in entry_keys {
            match owner.get(key.as_str()) {
                Some(&other) => {
                    let (a, b) = (root(&mut parent, idx), root(&mut parent, other));
                    if a != b {
                        parent[a] = b;
                    }
                    ties.push((idx, key.clone()));
                    ties.push((other, key.clone()));
                }
                None => {
                    owner.insert(key, idx);
                }
            }
        }
    }
    let mut groups: Vec<(usize, Group)> = Vec::new();
    for (idx, entry) in entries.iter().enumerate() {
        let r = root(&mut parent, idx);
        let id = entry.entity_id();
        match groups.iter_mut().find(|(root, _)| *root == r) {
            Some((_, group)) => group.members.push(id),
            None => groups.push((
                r,
                Group {
                    name: entry.entity.primary_name().to_string(),
                    members: vec![id],
                    tied_by: Vec::new(),
                },
            )),
        }
    }
    for (idx, key) in ties {
        let r = root(&mut parent, idx);
        if let Some((_, group)) = groups.iter_mut().find(|(root, _)| *root == r)
            && !group.tied_by.contains(&key)
        {
            group.tied_by.push(key);
        }
    }
    groups.into_iter().map(|(_, g)| g).filter(|g| g.members.len() > 1).collect()
}

impl StatusAnswer {
    /// Whether the query named one entity by its id (an answer about one list only).
    pub fn by_id(&self) -> bool {
        self.found == Found::Id
    }
}

/// One answer from every list's: a restriction anywhere wins; otherwise `unknown` (a list that
/// could not be consulted may hold it) beats `removed` and `not-listed`.
///
/// An entity id asks about one list only; a name, ISIN or ticker asks about every list, so a list
/// that could not be consulted makes an answer without a listing `unknown`.
pub fn overall(matches: &[MatchStatus], consultation: &Consultation, by_id: bool) -> Overall {
    let states = matches.iter().map(|m| m.status.state);
    let unconsulted =
        if by_id || consultation.not_consulted.is_empty() { None } else { Some(State::Unknown) };
    let state = State::combine(states.chain(unconsulted)).unwrap_or(State::NotListed);
    let reason = match state {
        State::Unknown => {
            let mut reasons: Vec<String> = matches
                .iter()
                .filter_map(|m| m.status.reason.as_ref().map(|r| format!("{}: {r}", m.entity_id)))
                .collect();
            if !by_id {
                reasons.extend(consultation.not_consulted.iter().map(|(_, r)| r.clone()));
            }
            reasons.join("; ")
        }
        State::NotListed if matches.is_empty() => {
            "no list consulted holds anything that matches the query".to_string()
        }
        _ => {
            let ids: Vec<&str> = matches
                .iter()
                .filter(|m| m.status.state == state)
                .map(|m| m.entity_id.as_str())
                .collect();
            format!("{}: {}", state.as_str(), ids.join(", "))
        }
    };
    Overall { state, reason }
}

/// Answers `query` (an entity id, an ISIN, a ticker or a name) as of `question.as_of`: each
/// entity found, its status, and the combined answer. An entity id the store does not know asks
/// about its list only: `not-listed` when that list has a version in force, else `unknown`.
pub fn answer(
    store: &Store,
    catalog: &Catalog,
    regimes: &Regimes,
    query: &str,
    question: Question,
) -> Result<StatusAnswer> {
    let Question { as_of, known_on } = question;
    let consultation = catalog.consulted(as_of, known_on);
    let (found, how) = catalog.resolve(query);
    let mut matches = Vec::new();
    for idx in found {
        let entry = &catalog.entries[idx];
        let entity_id = entry.entity_id();
        let answer = status(&record(store, &entity_id)?, question, regimes);
        matches.push(MatchStatus { entity_id, list: entry.list.to_string(), status: answer });
    }
    let by_id = how == Found::Id;
    let mut summary = overall(&matches, &consultation, by_id);
    if matches.is_empty()
        && let Ok(id) = EntityId::parse(query.trim())
    {
        // An id the store does not know asks about one list only.
        summary = match consultation.consulted.iter().find(|(list, _)| *list == id.list) {
            Some((_, version)) => Overall {
                state: State::NotListed,
                reason: format!(
                    "{id} is not in {} version {} (published {}), the version in force on {as_of}",
                    id.list, version.version, version.published
                ),
            },
            None => Overall {
                state: State::Unknown,
                reason: consultation
                    .not_consulted
                    .iter()
                    .find(|(list, _)| *list == id.list)
                    .map_or(format!("the store holds no list named {}", id.list), |(_, r)| {
                        r.clone()
                    }),
            },
        };
    }
    let ids: Vec<String> = matches.iter().map(|m| m.entity_id.clone()).collect();
    let groups = groups(catalog, &ids);
    Ok(StatusAnswer {
        as_of,
        known_on,
        found: how,
        matches,
        overall: summary,
        consultation,
        groups,
    })
}
