//! Delta screening: the entities a list version added or changed, against a watch's customers.

use std::collections::HashMap;

use rayon::prelude::*;

use listwatch_matcher::{
    Index, IndexedEntity, MatcherConfig, Query, QueryIdentifier, ScreenResult,
};
use listwatch_model::{Customer, Entity, Name, Schema, WatchItem, WatchItemKind};

/// The lowest reverse score (a list name as the query, customers as the candidates) at which a
/// pair is proposed for scoring. A customer whose words are all in a listed name scores at least
/// about 0.55 in reverse when the listed name has up to twice as many words; 0.45 leaves room
/// for the different word weights of the two indexes.
pub const CANDIDATE_MIN_SCORE: f64 = 0.45;

/// Proposals kept per list name: the reverse screen's `limit`.
const CANDIDATES_PER_NAME: usize = 500;

/// The customers of one watch version, indexed by name and identifiers.
pub struct CustomerIndex {
    index: Index,
    /// For each indexed customer: its position in the watch's items, and its query.
    customers: Vec<(usize, Query)>,
    /// Item id -> position in `customers`.
    positions: HashMap<String, u32>,
}

/// The query `screen` would run for a customer.
pub fn customer_query(customer: &Customer) -> Query {
    Query {
        name: customer.name.clone(),
        schema: customer.schema,
        birth_date: customer.birth_date,
        countries: customer.countries.clone(),
        gender: customer.gender,
        identifiers: customer
            .identifiers
            .iter()
            .map(|id| QueryIdentifier {
                kind: id.kind,
                value: id.value.clone(),
                country: id.country.clone(),
            })
            .collect(),
        lists: Vec::new(),
    }
}

/// A customer as an entity to index: its name and identifiers (the proposal step reads nothing
/// else).
fn customer_entity(id: &str, customer: &Customer) -> Entity {
    let mut entity = Entity::new(
        id,
        customer.schema.unwrap_or(Schema::Company),
        customer.name.clone().unwrap_or_default(),
    );
    if customer.name.is_none() {
        entity.names.clear();
    }
    entity.identifiers = customer.identifiers.clone();
    entity
}

impl CustomerIndex {
    /// Indexes the customers among `items` (holdings and unreadable lines are skipped).
    pub fn build(items: &[WatchItem]) -> CustomerIndex {
        let config = MatcherConfig { min_score: CANDIDATE_MIN_SCORE, ..MatcherConfig::default() };
        let customers: Vec<(usize, &Customer)> = items
            .iter()
            .enumerate()
            .filter_map(|(idx, item)| match &item.kind {
                WatchItemKind::Customer(c) => Some((idx, c)),
                _ => None,
            })
            .collect();
        let index = Index::build(
            customers.iter().map(|&(idx, c)| IndexedEntity {
                entity: customer_entity(&items[idx].id, c),
                list: "watch".to_string(),
                version: 0,
            }),
            &config,
        );
        let positions = customers
            .iter()
            .enumerate()
            .map(|(pos, &(idx, _))| (items[idx].id.clone(), pos as u32))
            .collect();
        let customers = customers.into_iter().map(|(idx, c)| (idx, customer_query(c))).collect();
        CustomerIndex { index, customers, positions }
    }

    /// The number of customers indexed.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Whether no customer is indexed.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Customers (their positions in this index) that may match `entity`: each of its names,
    /// and its identifiers, as reverse queries.
    fn propose(&self, entity: &Entity) -> Vec<u32> {
        let identifiers: Vec<QueryIdentifier> = entity
            .identifiers
            .iter()
            .map(|id| QueryIdentifier {
                kind: id.kind,
                value: id.value.clone(),
                country: id.country.clone(),
            })
            .collect();
        let mut names: Vec<&str> = entity.names.iter().map(|n: &Name| n.value.as_str()).collect();
        for attribute in &entity.attributes {
            if attribute.label.eq_ignore_ascii_case("Issuer Name") {
                names.push(attribute.value.as_str());
            }
        }
        let mut found = Vec::new();
        let mut first = true;
        for name in names {
            let query = Query {
                name: Some(name.to_string()),
                // Identifiers once: they find the same customers under every name.
                identifiers: if first { identifiers.clone() } else { Vec::new() },
                ..Query::default()
            };
            first = false;
            for result in self.index.screen(&query, CANDIDATES_PER_NAME) {
                if let Some(pos) = self.position(&result.entity_id) {
                    found.push(pos);
                }
            }
        }
        if entity.names.is_empty() && !identifiers.is_empty() {
            let query = Query { identifiers, ..Query::default() };
            for result in self.index.screen(&query, CANDIDATES_PER_NAME) {
                if let Some(pos) = self.position(&result.entity_id) {
                    found.push(pos);
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The position of an indexed customer from its result id (`watch:<item id>`).
    fn position(&self, entity_id: &str) -> Option<u32> {
        self.positions.get(entity_id.strip_prefix("watch:")?).copied()
    }
}

/// A list entity that a version added or changed, with its place in the list index.
#[derive(Clone, Copy, Debug)]
pub struct ListEntity<'a> {
    /// The entity as the new version has it.
    pub entity: &'a Entity,
    /// The entity's id in results (`<list>:<id>`).
    pub entity_id: &'a str,
    /// Its position in the list index (the order given to [`Index::build`]).
    pub position: u32,
}

/// A customer that matches a changed entity, scored as `screen` scores it.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The customer's position in the watch's items.
    pub item: usize,
    /// The result: score, `is_match` at the list index's threshold, and the explanation.
    pub result: ScreenResult,
}

/// Screens the changed entities against a watch's customers: proposals from the customer index,
/// each scored by the list index with the customer as the query. Returns every pair scoring at
/// least the list index's `min_score` (callers keep `is_match` for alerts), by item then score.
pub fn delta_hits(customers: &CustomerIndex, list: &Index, changed: &[ListEntity<'_>]) -> Vec<Hit> {
    // customer position -> the list positions proposed for it
    let proposals: Vec<(u32, u32)> = changed
        .par_iter()
        .flat_map_iter(|le| customers.propose(le.entity).into_iter().map(move |c| (c, le.position)))
        .collect();
    let mut by_customer: HashMap<u32, Vec<u32>> = HashMap::new();
    for (customer, position) in proposals {
        by_customer.entry(customer).or_default().push(position);
    }
    let mut work: Vec<(u32, Vec<u32>)> = by_customer.into_iter().collect();
    work.sort_unstable_by_key(|(c, _)| *c);
    let mut hits: Vec<Hit> = work
        .par_iter()
        .flat_map_iter(|(customer, positions)| {
            let (item, query) = &customers.customers[*customer as usize];
            list.screen_among(query, positions, positions.len())
                .into_iter()
                .map(move |result| Hit { item: *item, result })
        })
        .collect();
    hits.sort_by(|a, b| {
        a.item
            .cmp(&b.item)
            .then(b.result.score.total_cmp(&a.result.score))
            .then_with(|| a.result.entity_id.cmp(&b.result.entity_id))
    });
    hits
}

/// A result's explanation, one line per aligned word pair and per other piece of evidence.
pub fn explain(result: &ScreenResult) -> Vec<String> {
    let e = &result.explanation;
    let mut lines = vec![format!(
        "score {:.4} on {:?} (name score {})",
        result.score,
        result.matched_name,
        e.name_score.map_or("-".to_string(), |s| format!("{s:.4}"))
    )];
    for t in &e.tokens {
        lines.push(format!(
            "{} ~ {} ({}, similarity {:.2}, weight {:.2})",
            t.query,
            t.candidate,
            t.method.as_str(),
            t.similarity,
            t.weight
        ));
    }
    if !e.unmatched_query_tokens.is_empty() {
        lines.push(format!("unmatched in the customer: {}", e.unmatched_query_tokens.join(" ")));
    }
    if !e.unmatched_candidate_tokens.is_empty() {
        lines.push(format!("unmatched in the entry: {}", e.unmatched_candidate_tokens.join(" ")));
    }
    for f in &e.features {
        lines.push(format!("{:?}: {} ({:+.2})", f.feature, f.detail, f.contribution));
    }
    lines
}
