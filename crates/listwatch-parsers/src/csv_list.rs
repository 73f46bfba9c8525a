//! A firm's own list as CSV (`csv` on the command line): one row per entry, a header row
//! required, columns found by name in any order.
//!
//! | column | required | holds |
//! |---|---|---|
//! | `id` | yes | the entry's id in the firm's list, unique |
//! | `name` | yes | the primary name |
//! | `aliases` | no | other names, `;`-separated (a.k.a.) |
//! | `schema` | no | `Person`, `Organization`, `Company`, `Vessel`, `Aircraft` or `Security`; empty is `Organization` |
//! | `birth_date` | no | dates of birth, `;`-separated, ISO (`1970-03-04`, `1970`) or as lists write them (`4 Mar 1970`, `circa 1970`) |
//! | `country` | no | countries, `;`-separated: nationalities of a person, address countries of anything else |
//! | `identifiers` | no | `type:value` pairs, `;`-separated; `type` is a kind `listwatch` knows (`passport`, `isin`, `imo`, `lei`, ...) or any label (kept as `other` with that label) |
//! | `program` | no | programs, `;`-separated (the status regimes match on them) |
//! | `listed_on` | no | the day the entry was listed: a Listing list date scoped `csv` |
//! | `removed_on` | no | the day the entry was taken off: the row is not part of the list (a warning says so) |
//!
//! Any other column is kept as an attribute labelled with the column's name. Bad input is data:
//! a row without an id or a name, or with an id already used, is an error diagnostic and is
//! skipped; a date or identifier that cannot be read is a warning and is kept as an attribute.

use std::collections::HashSet;

use listwatch_model::{
    Address, Attribute, Coverage, DateSpec, Entity, IdKind, Identifier, ListDate, ListDateKind,
    Name, NameKind, Schema, Severity,
};

use crate::delimited::{self, field_diagnostic, split_values};
use crate::error::Result;
use crate::{FileReport, InputFile, Parsed, RemarkStats};

const EXPECTED: &str = "a listwatch CSV list (a header row with at least the columns id and name)";
const REQUIRED: &[&str] = &["id", "name"];
const COLUMNS: &[&str] = &[
    "id",
    "name",
    "aliases",
    "schema",
    "birth_date",
    "country",
    "identifiers",
    "program",
    "listed_on",
    "removed_on",
];

/// Refuses, from its first bytes, a file that is not such a CSV file.
pub fn sniff(head: &InputFile<'_>) -> Result<()> {
    delimited::sniff_header(head, b',', REQUIRED, EXPECTED)
}

/// Parses a firm's CSV list.
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    let mut diagnostics = Vec::new();
    let mut entities: Vec<Entity> = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    let summary = delimited::read(
        file,
        b',',
        REQUIRED,
        EXPECTED,
        &mut diagnostics,
        |header, record, diagnostics| {
            let get = |name: &str| record.get(header.index(name));
            let id = get("id").unwrap_or("");
            let mut problem = |field: &str, severity, message: String| {
                diagnostics.push(field_diagnostic(
                    file.name,
                    record.line,
                    id,
                    field,
                    severity,
                    message,
                ));
            };
            if id.is_empty() {
                problem("id", Severity::Error, "the row has no id; it was skipped".to_string());
                return;
            }
            let Some(name) = get("name") else {
                problem("name", Severity::Error, "the row has no name; it was skipped".to_string());
                return;
            };
            if let Some(removed) = get("removed_on") {
                problem(
                    "removed_on",
                    Severity::Warning,
                    format!("removed on {removed}: the entry is not part of the list"),
                );
                return;
            }
            if !ids.insert(id.to_string()) {
                problem(
                    "id",
                    Severity::Error,
                    format!("the id {id} is used by an earlier row; this row was skipped"),
                );
                return;
            }
            let schema = match get("schema") {
                None => Schema::Organization,
                Some(text) => Schema::parse(text).unwrap_or_else(|| {
                    problem(
                        "schema",
                        Severity::Warning,
                        format!("unknown schema {text:?} (expected Person, Organization, Company, Vessel, Aircraft or Security); read as an organization"),
                    );
                    Schema::Organization
                }),
            };
            let mut entity = Entity::new(id, schema, name);
            for alias in split_values(get("aliases"), ";") {
                entity.names.push(Name {
                    value: alias.to_string(),
                    kind: NameKind::Aka,
                    remark: None,
                });
            }
            for text in split_values(get("birth_date"), ";") {
                match DateSpec::parse_loose(text) {
                    Ok(date) => entity.birth_dates.push(date),
                    Err(err) => {
                        problem(
                            "birth_date",
                            Severity::Warning,
                            format!("{err}; kept as an attribute"),
                        );
                        entity.attributes.push(Attribute {
                            label: "birth_date".to_string(),
                            value: text.to_string(),
                        });
                    }
                }
            }
            for country in split_values(get("country"), ";") {
                if schema == Schema::Person {
                    entity.nationalities.push(country.to_string());
                } else {
                    entity
                        .addresses
                        .push(Address { country: Some(country.to_string()), ..Address::default() });
                }
            }
            for pair in split_values(get("identifiers"), ";") {
                let Some((kind_text, value)) = pair
                    .split_once(':')
                    .map(|(k, v)| (k.trim(), v.trim()))
                    .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                else {
                    problem(
                        "identifiers",
                        Severity::Warning,
                        format!("{pair:?} is not type:value; kept as an identifier of kind other"),
                    );
                    entity.identifiers.push(Identifier {
                        kind: IdKind::Other,
                        value: pair.to_string(),
                        country: None,
                        currency: None,
                        label: "identifier".to_string(),
                        details: None,
                    });
                    continue;
                };
                let kind = IdKind::parse(kind_text).unwrap_or(IdKind::Other);
                entity.identifiers.push(Identifier {
                    kind,
                    value: value.to_string(),
                    country: None,
                    currency: None,
                    label: kind_text.to_string(),
                    details: None,
                });
            }
            entity.programs =
                split_values(get("program"), ";").into_iter().map(str::to_string).collect();
            if let Some(listed) = get("listed_on") {
                match DateSpec::parse_loose(listed) {
                    Ok(date) => entity.list_dates.push(ListDate {
                        kind: ListDateKind::Listing,
                        date,
                        scope: "csv".to_string(),
                    }),
                    Err(err) => {
                        problem(
                            "listed_on",
                            Severity::Warning,
                            format!("{err}; kept as an attribute"),
                        );
                        entity.attributes.push(Attribute {
                            label: "listed_on".to_string(),
                            value: listed.to_string(),
                        });
                    }
                }
            }
            for (idx, column) in header.names.iter().enumerate() {
                if COLUMNS.iter().any(|c| delimited::column_key(c) == delimited::column_key(column))
                {
                    continue;
                }
                if let Some(value) = record.get(Some(idx)) {
                    entity
                        .attributes
                        .push(Attribute { label: column.clone(), value: value.to_string() });
                }
            }
            entities.push(entity);
        },
    )?;
    entities.sort_by(|a, b| listwatch_model::compare_source_ids(&a.id, &b.id));
    Ok(Parsed {
        entities,
        diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: summary.n_records }],
        coverage: Coverage::FULL,
        remark_stats: RemarkStats::default(),
        published: None,
    })
}
