//! FollowTheMoney: the entity shape of OpenSanctions and yente (`id`, `caption`, `schema`,
//! `properties` of string lists, `datasets`, ...), rendered from the model's `Entity`, and the
//! query examples of `/match` read into the matcher's `Query`.

use std::collections::BTreeMap;

use serde::Serialize;

use listwatch_core::catalog::Entry;
use listwatch_core::snapshot::Snapshot;
use listwatch_matcher::{Query, QueryIdentifier};
use listwatch_model::{Entity, Gender, IdKind, NameKind, Schema};
use listwatch_status::VersionRef;

/// An entity as yente's `EntityResponse` has it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct FtmEntity {
    /// `<list>:<id in the source>`.
    pub(crate) id: String,
    /// The primary name.
    pub(crate) caption: String,
    /// The FollowTheMoney schema.
    #[schema(value_type = String)]
    pub(crate) schema: &'static str,
    /// FtM properties, each a list of strings.
    #[schema(value_type = BTreeMap<String, Vec<String>>)]
    pub(crate) properties: BTreeMap<&'static str, Vec<String>>,
    pub(crate) datasets: Vec<String>,
    pub(crate) referents: Vec<String>,
    pub(crate) target: bool,
    /// The publication date of the first live version that held the entity.
    pub(crate) first_seen: Option<String>,
    /// The publication date of the last live version that held it (the current one if listed).
    pub(crate) last_seen: Option<String>,
    /// The publication date of the version that last changed it (its removal, if removed).
    pub(crate) last_change: Option<String>,
}

/// The FtM schema of a model schema.
pub(crate) fn schema_name(schema: Schema) -> &'static str {
    match schema {
        Schema::Person => "Person",
        Schema::Organization => "Organization",
        Schema::Company => "Company",
        Schema::Vessel => "Vessel",
        Schema::Aircraft => "Airplane",
        Schema::Security => "Security",
    }
}

/// What an FtM schema named in a query asks for: `None` for any party (`Thing`,
/// `LegalEntity`), else the model schema. An unknown name is `Err`.
pub(crate) fn parse_schema(name: &str) -> Result<Option<Schema>, ()> {
    Ok(Some(match name.trim() {
        "Thing" | "LegalEntity" | "" => return Ok(None),
        "Person" => Schema::Person,
        "Organization" | "PublicBody" => Schema::Organization,
        "Company" => Schema::Company,
        "Vessel" => Schema::Vessel,
        "Airplane" => Schema::Aircraft,
        "Security" => Schema::Security,
        _ => return Err(()),
    }))
}

/// The schemata a query may name.
pub(crate) const SCHEMATA: &[&str] = &[
    "Thing",
    "LegalEntity",
    "Person",
    "Organization",
    "PublicBody",
    "Company",
    "Vessel",
    "Airplane",
    "Security",
];

/// The FtM property of an identifier kind, for an entity of `schema`.
fn id_property(kind: IdKind, schema: Schema) -> &'static str {
    match kind {
        IdKind::Passport | IdKind::DiplomaticPassport if schema == Schema::Person => {
            "passportNumber"
        }
        IdKind::Passport | IdKind::DiplomaticPassport => "idNumber",
        IdKind::NationalId | IdKind::Ssn | IdKind::DriversLicense => "idNumber",
        IdKind::TaxId => "taxNumber",
        IdKind::RegistrationNumber => "registrationNumber",
        IdKind::Uscc => "uniqueEntityId",
        IdKind::Isin => "isin",
        IdKind::EquityTicker => "ticker",
        IdKind::Imo => "imoNumber",
        IdKind::Mmsi => "mmsi",
        IdKind::CallSign => "callSign",
        IdKind::SwiftBic => "swiftBic",
        IdKind::Lei => "leiCode",
        IdKind::Email => "email",
        IdKind::Website => "website",
        IdKind::Phone => "phone",
        IdKind::DigitalCurrencyAddress => "cryptoWallet",
        IdKind::AircraftSerial => "serialNumber",
        IdKind::AircraftTail => "registrationNumber",
        IdKind::Other => "idNumber",
    }
}

/// The query properties that carry an identifier (see [`property_id_kind`]).
pub(crate) const IDENTIFIER_PROPERTIES: &[&str] = &[
    "passportNumber",
    "idNumber",
    "nationalId",
    "taxNumber",
    "innCode",
    "vatCode",
    "registrationNumber",
    "ogrnCode",
    "okpoCode",
    "uniqueEntityId",
    "isin",
    "ticker",
    "imoNumber",
    "mmsi",
    "callSign",
    "swiftBic",
    "bicCode",
    "leiCode",
    "email",
    "website",
    "phone",
    "serialNumber",
];

/// The identifier kind a query property names, if any.
fn property_id_kind(property: &str) -> Option<IdKind> {
    Some(match property {
        "passportNumber" => IdKind::Passport,
        "idNumber" | "nationalId" => IdKind::NationalId,
        "taxNumber" | "innCode" | "vatCode" => IdKind::TaxId,
        "registrationNumber" | "ogrnCode" | "okpoCode" => IdKind::RegistrationNumber,
        "uniqueEntityId" => IdKind::Uscc,
        "isin" => IdKind::Isin,
        "ticker" => IdKind::EquityTicker,
        "imoNumber" => IdKind::Imo,
        "mmsi" => IdKind::Mmsi,
        "callSign" => IdKind::CallSign,
        "swiftBic" | "bicCode" => IdKind::SwiftBic,
        "leiCode" => IdKind::Lei,
        "email" => IdKind::Email,
        "website" => IdKind::Website,
        "phone" => IdKind::Phone,
        "serialNumber" => IdKind::AircraftSerial,
        _ => return None,
    })
}

/// Renders a catalog entry as an FtM entity. `first_seen` is the publication date of the first
/// live version that held the entity, `last_seen` that of the current version for a listed
/// entity (of the last version that held it otherwise), `last_change` that of the version that
/// last changed it.
pub(crate) fn render(snapshot: &Snapshot, entry: &Entry) -> FtmEntity {
    let entity = &entry.entity;
    let seen = snapshot.catalog.seen(entry);
    let stamp = |version: Option<VersionRef>| version.map(|v| format!("{}T00:00:00", v.published));
    FtmEntity {
        id: entry.entity_id(),
        caption: entity.primary_name().to_string(),
        schema: schema_name(entity.schema),
        properties: properties(entity),
        datasets: vec![entry.list.to_string()],
        referents: Vec::new(),
        target: entry.current,
        first_seen: stamp(seen.first),
        last_seen: stamp(seen.last),
        last_change: stamp(seen.last_change),
    }
}

/// The FtM properties of an entity: names by kind, dates, places, countries, identifiers, the
/// programs, vessel particulars and the remarks.
pub(crate) fn properties(entity: &Entity) -> BTreeMap<&'static str, Vec<String>> {
    let mut props: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut add = |key: &'static str, value: String| {
        let values = props.entry(key).or_default();
        if !value.is_empty() && !values.contains(&value) {
            values.push(value);
        }
    };
    for name in &entity.names {
        let key = match name.kind {
            NameKind::Primary => "name",
            NameKind::Aka | NameKind::Nka => "alias",
            NameKind::Fka | NameKind::WeakFka => "previousName",
            NameKind::WeakAka => "weakAlias",
        };
        add(key, name.value.clone());
    }
    let person = entity.schema == Schema::Person;
    for date in &entity.birth_dates {
        add(if person { "birthDate" } else { "incorporationDate" }, date.to_string());
    }
    for place in &entity.birth_places {
        add("birthPlace", place.clone());
    }
    for country in &entity.nationalities {
        add(if person { "nationality" } else { "jurisdiction" }, country.to_ascii_lowercase());
    }
    for country in &entity.citizenships {
        add("citizenship", country.to_ascii_lowercase());
    }
    if let Some(gender) = entity.gender {
        add("gender", if gender == Gender::Male { "male" } else { "female" }.to_string());
    }
    if let Some(title) = &entity.title {
        add("position", title.clone());
    }
    for address in &entity.addresses {
        add("address", address.one_line());
        if let Some(country) = &address.country {
            add("country", country.to_ascii_lowercase());
        }
    }
    for id in &entity.identifiers {
        add(id_property(id.kind, entity.schema), id.value.clone());
    }
    for program in &entity.programs {
        add("program", program.clone());
    }
    add("topics", "sanction".to_string());
    if let Some(vessel) = &entity.vessel {
        for (key, value) in [
            ("type", &vessel.vessel_type),
            ("flag", &vessel.flag),
            ("tonnage", &vessel.tonnage),
            ("grossRegisteredTonnage", &vessel.gross_registered_tonnage),
        ] {
            if let Some(value) = value {
                add(key, value.clone());
            }
        }
    }
    if let Some(remarks) = &entity.remarks {
        add("notes", remarks.clone());
    }
    props.retain(|_, values| !values.is_empty());
    props
}

/// A query example of `/match`, read: one matcher query per name (a query without a name but
/// with identifiers screens by identifiers alone).
#[derive(Debug)]
pub(crate) struct Example {
    pub(crate) queries: Vec<Query>,
}

/// The values of a property: a string or a list of strings (anything else is an error).
fn values(property: &str, value: &serde_json::Value) -> Result<Vec<String>, String> {
    match value {
        serde_json::Value::String(s) => Ok(vec![s.clone()]),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                serde_json::Value::String(s) => Ok(s.clone()),
                serde_json::Value::Number(n) => Ok(n.to_string()),
                _ => Err(format!("properties.{property}: expected strings")),
            })
            .collect(),
        serde_json::Value::Number(n) => Ok(vec![n.to_string()]),
        serde_json::Value::Null => Ok(Vec::new()),
        _ => Err(format!("properties.{property}: expected a string or a list of strings")),
    }
}

/// Reads a query example into matcher queries over `lists`.
pub(crate) fn example(
    schema: Option<Schema>,
    properties: &serde_json::Map<String, serde_json::Value>,
    lists: &[String],
) -> Result<Example, String> {
    let mut names = Vec::new();
    let mut first = Vec::new();
    let mut last = Vec::new();
    let mut countries = Vec::new();
    let mut birth_date = None;
    let mut gender = None;
    let mut identifiers = Vec::new();
    for (property, value) in properties {
        let values = values(property, value)?;
        match property.as_str() {
            "name" | "alias" | "weakAlias" | "previousName" => names.extend(values),
            "firstName" | "middleName" => first.extend(values),
            "lastName" | "fatherName" => last.extend(values),
            "birthDate" | "incorporationDate" => {
                if let Some(text) = values.first().filter(|t| !t.trim().is_empty()) {
                    birth_date = Some(
                        listwatch_model::DateSpec::parse_loose(text)
                            .map_err(|e| format!("properties.{property}: {e}"))?,
                    );
                }
            }
            "country" | "nationality" | "citizenship" | "jurisdiction" | "mainCountry" => {
                countries.extend(values)
            }
            "gender" => {
                gender = match values.first().map(|g| g.trim().to_ascii_lowercase()).as_deref() {
                    Some("male" | "m") => Some(Gender::Male),
                    Some("female" | "f") => Some(Gender::Female),
                    _ => None,
                }
            }
            other => {
                if let Some(kind) = property_id_kind(other) {
                    identifiers.extend(values.into_iter().map(|value| QueryIdentifier {
                        kind,
                        value,
                        country: None,
                    }));
                }
            }
        }
    }
    if names.is_empty() && !(first.is_empty() && last.is_empty()) {
        names.push(format!("{} {}", first.join(" "), last.join(" ")).trim().to_string());
    }
    names.retain(|n| !n.trim().is_empty());
    names.dedup();
    if let Some(long) =
        names.iter().find(|n| n.chars().count() > listwatch_core::limits::MAX_NAME_CHARS)
    {
        return Err(format!(
            "a name is {} characters long, more than the limit of {}",
            long.chars().count(),
            listwatch_core::limits::MAX_NAME_CHARS
        ));
    }
    if identifiers.len() > listwatch_core::limits::MAX_IDENTIFIERS {
        return Err(format!(
            "{} identifiers, more than the limit of {}",
            identifiers.len(),
            listwatch_core::limits::MAX_IDENTIFIERS
        ));
    }
    if identifiers
        .iter()
        .any(|i| i.value.chars().count() > listwatch_core::limits::MAX_IDENTIFIER_CHARS)
    {
        return Err(format!(
            "an identifier is longer than the limit of {} characters",
            listwatch_core::limits::MAX_IDENTIFIER_CHARS
        ));
    }
    countries.truncate(listwatch_core::limits::MAX_COUNTRIES);
    if names.len() > 16 {
        return Err(format!("{} names, more than the limit of 16", names.len()));
    }
    if names.is_empty() && identifiers.is_empty() {
        return Err("a query needs a name or an identifier in its properties".to_string());
    }
    let base = Query {
        name: None,
        schema,
        birth_date,
        countries,
        gender,
        identifiers,
        lists: lists.to_vec(),
    };
    let queries = if names.is_empty() {
        vec![base]
    } else {
        names.into_iter().map(|name| Query { name: Some(name), ..base.clone() }).collect()
    };
    Ok(Example { queries })
}

#[cfg(test)]
mod identifier_properties {
    use super::*;

    #[test]
    fn every_identifier_property_is_read_as_an_identifier() {
        for property in IDENTIFIER_PROPERTIES {
            assert!(property_id_kind(property).is_some(), "{property}");
        }
        for property in ["name", "birthDate", "country", "gender", "notes"] {
            assert!(property_id_kind(property).is_none(), "{property}");
        }
    }
}
