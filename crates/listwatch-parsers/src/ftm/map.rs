//! FtM records onto the model: the thing schemata become entities, property by property, and the
//! other schemata are folded into the things they describe.

use std::collections::{BTreeMap, HashMap};

use listwatch_model::{
    Address, Attribute, DateSpec, Diagnostic, Entity, Gender, IdKind, Identifier, Link, ListDate,
    ListDateKind, Name, NameKind, Schema, Severity, Vessel,
};

use super::{RawEntity, diagnostic};

/// The model's schema for an FtM thing schema; `None` for the schemata that are not things.
pub(crate) fn thing_schema(schema: &str) -> Option<Schema> {
    Some(match schema {
        "Person" => Schema::Person,
        "Organization" | "LegalEntity" | "PublicBody" => Schema::Organization,
        "Company" => Schema::Company,
        "Vessel" => Schema::Vessel,
        "Airplane" => Schema::Aircraft,
        "Security" => Schema::Security,
        _ => return None,
    })
}

/// Identifier properties: the FtM property, the kind, and the label kept with the value.
const IDENTIFIERS: &[(&str, IdKind, &str)] = &[
    ("passportNumber", IdKind::Passport, "Passport"),
    ("idNumber", IdKind::NationalId, "ID number"),
    ("registrationNumber", IdKind::RegistrationNumber, "Registration number"),
    ("taxNumber", IdKind::TaxId, "Tax number"),
    ("innCode", IdKind::TaxId, "INN"),
    ("vatCode", IdKind::TaxId, "VAT"),
    ("ogrnCode", IdKind::RegistrationNumber, "OGRN"),
    ("leiCode", IdKind::Lei, "LEI"),
    ("swiftBic", IdKind::SwiftBic, "SWIFT/BIC"),
    ("isin", IdKind::Isin, "ISIN"),
    ("isinCode", IdKind::Isin, "ISIN"),
    ("ticker", IdKind::EquityTicker, "Ticker"),
    ("imoNumber", IdKind::Imo, "IMO"),
    ("mmsi", IdKind::Mmsi, "MMSI"),
    ("callSign", IdKind::CallSign, "Call sign"),
    ("email", IdKind::Email, "Email"),
    ("phone", IdKind::Phone, "Phone"),
    ("website", IdKind::Website, "Website"),
    ("serialNumber", IdKind::AircraftSerial, "Serial number"),
    ("socialSecurityNumber", IdKind::Ssn, "Social security number"),
    ("kppCode", IdKind::Other, "KPP"),
    ("okpoCode", IdKind::Other, "OKPO"),
    ("dunsCode", IdKind::Other, "DUNS"),
    ("uniqueEntityId", IdKind::Other, "UEI"),
    ("permId", IdKind::Other, "PermID"),
    ("bikCode", IdKind::Other, "BIK"),
    ("cageCode", IdKind::Other, "CAGE"),
    ("npiCode", IdKind::Other, "NPI"),
    ("figiCode", IdKind::Other, "FIGI"),
    ("wikidataId", IdKind::Other, "Wikidata"),
];

/// Relation schemata: the two properties that point at the related records.
const RELATIONS: &[(&str, &str, &str)] = &[
    ("Ownership", "owner", "asset"),
    ("Directorship", "director", "organization"),
    ("Family", "person", "relative"),
    ("Associate", "person", "associate"),
    ("Membership", "member", "organization"),
    ("Employment", "employee", "employer"),
    ("Representation", "agent", "client"),
    ("Succession", "predecessor", "successor"),
    ("UnknownLink", "subject", "object"),
];

/// Properties of a thing read into typed fields (besides [`IDENTIFIERS`]).
const TYPED: &[&str] = &[
    "name",
    "alias",
    "weakAlias",
    "previousName",
    "abbreviation",
    "birthDate",
    "incorporationDate",
    "birthPlace",
    "nationality",
    "citizenship",
    "gender",
    "address",
    "addressEntity",
    "position",
    "title",
    "programId",
    "notes",
    "flag",
    "type",
    "tonnage",
    "grossRegisteredTonnage",
    "owner",
];

fn attribute(label: &str, value: &str) -> Attribute {
    Attribute { label: label.to_string(), value: value.to_string() }
}

/// Maps one thing record; the count of values kept as attributes goes to `unmapped`.
fn map_thing(
    raw: &RawEntity,
    schema: Schema,
    names: &HashMap<&str, &str>,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
    unmapped: &mut BTreeMap<String, u64>,
) -> Option<Entity> {
    let all_names = raw.values("name");
    let primary = raw.caption.as_deref().or(all_names.first().map(String::as_str));
    let Some(primary) = primary else {
        diagnostics.push(diagnostic(
            file,
            Some(raw.line),
            Some(&raw.id),
            Some("name"),
            Severity::Error,
            format!("the {} has neither a caption nor a name; it was skipped", raw.schema),
        ));
        return None;
    };
    let mut entity = Entity::new(raw.id.clone(), schema, primary);
    let push_name = |entity: &mut Entity, value: &str, kind: NameKind| {
        if !entity.names.iter().any(|n| n.value == value) {
            entity.names.push(Name { value: value.to_string(), kind, remark: None });
        }
    };
    for (property, kind) in [
        ("name", NameKind::Aka),
        ("alias", NameKind::Aka),
        ("abbreviation", NameKind::Aka),
        ("previousName", NameKind::Fka),
        ("weakAlias", NameKind::WeakAka),
    ] {
        for value in raw.values(property) {
            push_name(&mut entity, value, kind);
        }
    }
    if schema != Schema::Person && raw.schema != "Company" && raw.schema != "Organization" {
        entity.attributes.push(attribute("schema", &raw.schema));
    }
    for &(property, kind, label) in IDENTIFIERS {
        let kind = match (property, schema) {
            ("registrationNumber", Schema::Aircraft) => IdKind::AircraftTail,
            _ => kind,
        };
        for value in raw.values(property) {
            entity.identifiers.push(Identifier {
                kind,
                value: value.clone(),
                country: None,
                currency: None,
                label: label.to_string(),
                details: None,
            });
        }
    }
    for property in ["birthDate", "incorporationDate"] {
        for value in raw.values(property) {
            match DateSpec::parse_loose(value) {
                Ok(date) if !entity.birth_dates.contains(&date) => entity.birth_dates.push(date),
                Ok(_) => {}
                Err(e) => {
                    diagnostics.push(diagnostic(
                        file,
                        Some(raw.line),
                        Some(&raw.id),
                        Some(property),
                        Severity::Warning,
                        format!("{value:?} is not a date ({e}); kept as an attribute"),
                    ));
                    entity.attributes.push(attribute(property, value));
                }
            }
        }
    }
    entity.birth_places = raw.values("birthPlace").to_vec();
    entity.nationalities = raw.values("nationality").to_vec();
    entity.citizenships = raw.values("citizenship").to_vec();
    for value in raw.values("gender") {
        match value.to_ascii_lowercase().as_str() {
            "male" | "m" if entity.gender.is_none() => entity.gender = Some(Gender::Male),
            "female" | "f" if entity.gender.is_none() => entity.gender = Some(Gender::Female),
            _ => entity.attributes.push(attribute("gender", value)),
        }
    }
    let (title_from, rest) = if raw.values("position").is_empty() {
        ("title", None)
    } else {
        ("position", Some("title"))
    };
    if !raw.values(title_from).is_empty() {
        entity.title = Some(raw.values(title_from).join("; "));
    }
    if let Some(rest) = rest {
        for value in raw.values(rest) {
            entity.attributes.push(attribute(rest, value));
        }
    }
    for value in raw.values("programId") {
        if !entity.programs.contains(value) {
            entity.programs.push(value.clone());
        }
    }
    if !raw.values("notes").is_empty() {
        entity.remarks = Some(raw.values("notes").join("\n"));
    }
    if schema == Schema::Vessel {
        let join = |property: &str| {
            let values = raw.values(property);
            (!values.is_empty()).then(|| values.join("; "))
        };
        let owner = raw
            .values("owner")
            .iter()
            .map(|id| names.get(id.as_str()).copied().unwrap_or(id.as_str()))
            .collect::<Vec<_>>();
        let vessel = Vessel {
            vessel_type: join("type"),
            flag: join("flag"),
            owner: (!owner.is_empty()).then(|| owner.join("; ")),
            tonnage: join("tonnage"),
            gross_registered_tonnage: join("grossRegisteredTonnage"),
        };
        if vessel != Vessel::default() {
            entity.vessel = Some(vessel);
        }
    } else {
        for property in ["flag", "type", "tonnage", "grossRegisteredTonnage", "owner"] {
            for value in raw.values(property) {
                entity.attributes.push(attribute(property, value));
                *unmapped.entry(property.to_string()).or_default() += 1;
            }
        }
    }
    for (property, values) in &raw.properties {
        let typed = TYPED.contains(&property.as_str())
            || IDENTIFIERS.iter().any(|&(p, _, _)| p == property);
        if typed {
            continue;
        }
        for value in values {
            entity.attributes.push(attribute(property, value));
        }
        *unmapped.entry(property.clone()).or_default() += values.len() as u64;
    }
    for (key, value) in &raw.meta {
        entity.attributes.push(attribute(key, value));
    }
    Some(entity)
}

/// The address an FtM `Address` record describes.
fn address_of(raw: &RawEntity) -> Address {
    let join = |properties: &[&str]| {
        let parts: Vec<&str> =
            properties.iter().flat_map(|p| raw.values(p)).map(String::as_str).collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    };
    let street = join(&["street", "street2", "postOfficeBox"]);
    let city = join(&["postalCode", "city", "region", "state"]);
    let country = join(&["country"]);
    if street.is_none() && city.is_none() {
        return Address { street: join(&["full"]), city: None, country, remark: None };
    }
    Address { street, city, country, remark: join(&["remarks"]) }
}

/// Maps the records of one file (or delta) onto entities: each thing record gives an entity,
/// returned with the line it came from; the other records are folded into the things.
pub(crate) fn assemble(
    raws: &[RawEntity],
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(u64, Entity)> {
    let names: HashMap<&str, &str> = raws
        .iter()
        .filter_map(|raw| {
            raw.caption.as_deref().or(raw.first("name")).map(|name| (raw.id.as_str(), name))
        })
        .collect();
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (idx, raw) in raws.iter().enumerate() {
        by_id.entry(raw.id.as_str()).or_default().push(idx);
    }
    let mut unmapped = BTreeMap::new();
    // Slot per record: the entity of a thing record.
    let mut entities: Vec<Option<Entity>> = raws
        .iter()
        .map(|raw| {
            thing_schema(&raw.schema)
                .and_then(|schema| map_thing(raw, schema, &names, file, diagnostics, &mut unmapped))
        })
        .collect();
    let things_of = |id: &str, entities: &[Option<Entity>]| -> Vec<usize> {
        by_id.get(id).map_or(Vec::new(), |idxs| {
            idxs.iter().copied().filter(|&i| entities[i].is_some()).collect()
        })
    };

    // Addresses: from the records the things point at, then their own address lines.
    let mut used_addresses: Vec<bool> = vec![false; raws.len()];
    for (idx, raw) in raws.iter().enumerate() {
        let Some(entity) = entities[idx].as_mut() else { continue };
        let mut fulls: Vec<&str> = Vec::new();
        for address_id in raw.values("addressEntity") {
            let found = by_id
                .get(address_id.as_str())
                .and_then(|idxs| idxs.iter().copied().find(|&i| raws[i].schema == "Address"));
            match found {
                Some(address_idx) => {
                    used_addresses[address_idx] = true;
                    let address = address_of(&raws[address_idx]);
                    fulls.extend(raws[address_idx].values("full").iter().map(String::as_str));
                    if !entity.addresses.contains(&address) {
                        entity.addresses.push(address);
                    }
                }
                None => entity.attributes.push(attribute("addressEntity", address_id)),
            }
        }
        for line in raw.values("address") {
            let known = fulls.contains(&line.as_str())
                || entity.addresses.iter().any(|a| a.one_line() == *line);
            if !known {
                entity.addresses.push(Address {
                    street: Some(line.clone()),
                    city: None,
                    country: None,
                    remark: None,
                });
            }
        }
    }

    let mut no_place: BTreeMap<String, u64> = BTreeMap::new();
    let dangling = |raw: &RawEntity,
                    field: &str,
                    target: &str,
                    diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(diagnostic(
            file,
            Some(raw.line),
            Some(&raw.id),
            Some(field),
            Severity::Warning,
            format!(
                "the {} points at {target:?}, which is no person, organization, vessel, aircraft or security of this file; it was not kept",
                raw.schema
            ),
        ));
    };
    for (idx, raw) in raws.iter().enumerate() {
        if entities[idx].is_some() || thing_schema(&raw.schema).is_some() {
            continue;
        }
        match raw.schema.as_str() {
            "Address" => {
                if !used_addresses[idx] {
                    diagnostics.push(diagnostic(
                        file,
                        Some(raw.line),
                        Some(&raw.id),
                        None,
                        Severity::Warning,
                        "no entity of this file points at this Address; it was not kept"
                            .to_string(),
                    ));
                }
            }
            "Sanction" => {
                let targets = raw.values("entity");
                if targets.is_empty() {
                    dangling(raw, "entity", "", diagnostics);
                }
                for target in targets {
                    let things = things_of(target, &entities);
                    if things.is_empty() {
                        dangling(raw, "entity", target, diagnostics);
                    }
                    for thing in things {
                        let Some(entity) = entities[thing].as_mut() else { continue };
                        fold_sanction(raw, entity, file, diagnostics);
                    }
                }
            }
            "Passport" | "Identification" => {
                let holders = raw.values("holder");
                if holders.is_empty() {
                    dangling(raw, "holder", "", diagnostics);
                }
                for holder in holders {
                    let things = things_of(holder, &entities);
                    if things.is_empty() {
                        dangling(raw, "holder", holder, diagnostics);
                    }
                    for thing in things {
                        let Some(entity) = entities[thing].as_mut() else { continue };
                        entity.identifiers.push(identification(raw));
                    }
                }
            }
            schema => {
                let Some(&(_, side_a, side_b)) = RELATIONS.iter().find(|r| r.0 == schema) else {
                    *no_place
                        .entry(if schema.is_empty() {
                            "(none)".to_string()
                        } else {
                            schema.to_string()
                        })
                        .or_default() += 1;
                    continue;
                };
                let detail: Vec<&str> = ["relationship", "role"]
                    .iter()
                    .flat_map(|p| raw.values(p))
                    .map(String::as_str)
                    .collect();
                let detail = if detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", detail.join("; "))
                };
                let mut kept = false;
                for (from, to) in [(side_a, side_b), (side_b, side_a)] {
                    for from_id in raw.values(from) {
                        for to_id in raw.values(to) {
                            let name = names.get(to_id.as_str()).copied().unwrap_or(to_id);
                            for thing in things_of(from_id, &entities) {
                                let Some(entity) = entities[thing].as_mut() else { continue };
                                let link = Link {
                                    relation: format!(
                                        "{}: {to}{detail}",
                                        schema.to_ascii_lowercase()
                                    ),
                                    name: name.to_string(),
                                };
                                if !entity.links.contains(&link) {
                                    entity.links.push(link);
                                }
                                kept = true;
                            }
                        }
                    }
                }
                if !kept {
                    dangling(raw, side_a, raw.first(side_a).unwrap_or(""), diagnostics);
                }
            }
        }
    }
    for (schema, count) in no_place {
        diagnostics.push(diagnostic(
            file,
            None,
            None,
            Some("schema"),
            Severity::Warning,
            format!("{count} record(s) of schema {schema} have no place in the model; they were not kept"),
        ));
    }
    if !unmapped.is_empty() {
        let total: u64 = unmapped.values().sum();
        let list: Vec<String> = unmapped.iter().map(|(p, n)| format!("{p} {n}")).collect();
        diagnostics.push(diagnostic(
            file,
            None,
            None,
            Some("properties"),
            Severity::Warning,
            format!(
                "{total} property value(s) without a typed field were kept as attributes: {}",
                list.join(", ")
            ),
        ));
    }
    raws.iter()
        .zip(entities)
        .filter_map(|(raw, entity)| entity.map(|entity| (raw.line, entity)))
        .collect()
}

/// A `Passport` or `Identification` record as an identifier of its holder.
fn identification(raw: &RawEntity) -> Identifier {
    let kind_text = raw.first("type").unwrap_or("");
    let lower = kind_text.to_ascii_lowercase();
    let kind = if raw.schema == "Passport" || lower.contains("passport") {
        if lower.contains("diplomatic") { IdKind::DiplomaticPassport } else { IdKind::Passport }
    } else if lower.contains("tax") || lower.contains("inn") {
        IdKind::TaxId
    } else if lower.contains("regist") {
        IdKind::RegistrationNumber
    } else if lower.is_empty() || lower.contains("national") || lower.contains("id") {
        IdKind::NationalId
    } else {
        IdKind::Other
    };
    let value = raw.first("number").or(raw.first("passportNumber")).unwrap_or("").to_string();
    let details: Vec<String> = raw
        .properties
        .iter()
        .filter(|(p, _)| !matches!(p.as_str(), "holder" | "number" | "passportNumber" | "country"))
        .map(|(p, values)| format!("{p}: {}", values.join(", ")))
        .collect();
    Identifier {
        kind,
        value,
        country: raw.first("country").map(str::to_string),
        currency: None,
        label: if kind_text.is_empty() { raw.schema.clone() } else { kind_text.to_string() },
        details: (!details.is_empty()).then(|| details.join("; ")),
    }
}

/// Folds a `Sanction` into its entity: its program ids, its listing date (`listingDate`, else
/// `startDate`) and start date as list dates scoped by the program, and every other property as
/// one `sanction` attribute.
fn fold_sanction(
    raw: &RawEntity,
    entity: &mut Entity,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for program in raw.values("programId") {
        if !entity.programs.contains(program) {
            entity.programs.push(program.clone());
        }
    }
    let scope = raw
        .first("programId")
        .or(raw.first("program"))
        .or(raw.first("authority"))
        .unwrap_or("")
        .to_string();
    let mut date = |property: &str| -> Option<DateSpec> {
        let value = raw.first(property)?;
        match DateSpec::parse_loose(value) {
            Ok(date) => Some(date),
            Err(e) => {
                diagnostics.push(diagnostic(
                    file,
                    Some(raw.line),
                    Some(&raw.id),
                    Some(property),
                    Severity::Warning,
                    format!("{value:?} is not a date ({e}); it is kept in the sanction attribute"),
                ));
                None
            }
        }
    };
    let listing = date("listingDate");
    let start = date("startDate");
    let mut push = |kind: ListDateKind, date: DateSpec| {
        let list_date = ListDate { kind, date, scope: scope.clone() };
        if !entity.list_dates.contains(&list_date) {
            entity.list_dates.push(list_date);
        }
    };
    match (listing, start) {
        (Some(listing), Some(start)) => {
            push(ListDateKind::Listing, listing);
            if start != listing {
                push(ListDateKind::Effective, start);
            }
        }
        (Some(date), None) | (None, Some(date)) => push(ListDateKind::Listing, date),
        (None, None) => {}
    }
    let summary: Vec<String> = raw
        .properties
        .iter()
        .filter(|(p, _)| p.as_str() != "entity")
        .map(|(p, values)| format!("{p}: {}", values.join(", ")))
        .collect();
    if !summary.is_empty() {
        let mut value = summary.join("; ");
        crate::limits::cut(&mut value, crate::limits::MAX_FIELD_LEN);
        let attr = attribute("sanction", &value);
        if !entity.attributes.contains(&attr) {
            entity.attributes.push(attr);
        }
    }
}
