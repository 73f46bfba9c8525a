//! What a caller screens: a name and any other attributes, or identifiers alone.

use listwatch_model::{DateSpec, Entity, Gender, IdKind, Schema};

/// A screening query, or one side of a pair comparison.
///
/// Every field is optional; a query with neither a name nor identifiers finds nothing.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Query {
    /// The name, in any script and order.
    pub name: Option<String>,
    /// What the party is; a person never matches a vessel. `Organization` and `Company` are
    /// compatible, and a `Security` matches companies (CMIC issuers) too.
    pub schema: Option<Schema>,
    /// Date of birth (or of establishment), at any precision.
    pub birth_date: Option<DateSpec>,
    /// Countries (nationality, citizenship, address, jurisdiction), as ISO 3166-1 alpha-2 codes
    /// or names.
    pub countries: Vec<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Identifiers (a query may consist of identifiers alone).
    pub identifiers: Vec<QueryIdentifier>,
    /// Only entities of these lists are returned (all lists when empty).
    pub lists: Vec<String>,
}

/// An identifier of a query.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueryIdentifier {
    /// Its kind.
    pub kind: IdKind,
    /// Its value, in any spacing and case.
    pub value: String,
    /// The issuing country, for passports and national ids (code or name).
    pub country: Option<String>,
}

impl Query {
    /// A query for a name alone.
    pub fn named(name: impl Into<String>) -> Query {
        Query { name: Some(name.into()), ..Query::default() }
    }

    /// A query built from a listed entity's primary name and attributes, so that a listed entry
    /// can be compared with another.
    pub fn from_entity(entity: &Entity) -> Query {
        let mut countries: Vec<String> =
            entity.nationalities.iter().chain(&entity.citizenships).cloned().collect();
        countries.dedup();
        Query {
            name: Some(entity.primary_name().to_owned()),
            schema: Some(entity.schema),
            birth_date: entity.birth_dates.first().copied(),
            countries,
            gender: entity.gender,
            identifiers: entity
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
}
