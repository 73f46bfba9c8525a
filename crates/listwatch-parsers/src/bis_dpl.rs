//! The BIS Denied Persons List (`dpl.txt`): tab-separated text, every field double-quoted, with a
//! header row `Name, Street_Address, City, State, Country, Postal_Code, Effective_Date,
//! Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation`.
//!
//! # Ids
//! The DPL has no id column, so the id is derived: `dpl-` and the first 16 hex digits of the
//! SHA-256 of **the folded name without spaces and the effective date** (`fold` of the normalizer
//! crate: case, accents, punctuation and spacing do not count, so `AL NASER AIRLINES` and
//! `ALNASER AIRLINES` are one name; the date as printed, `MM/DD/YYYY`). The id does not depend on
//! the row's position, so a reordered file gives the same ids and entities.
//!
//! Rows with the same key are one party under one order at several addresses (BIS prints a row
//! per address): they are one entity whose addresses (and differing attributes) are merged and
//! sorted, taking the name from the row whose content sorts first, so row order never matters.
//!
//! Why this key: over the three dated files in the shared data the data README's key (name,
//! street, effective date) counts rows, so a party with three addresses is three entries and a
//! street BIS edits (a prison address replaced, a typo fixed) turns into a removal plus an
//! addition. An order is one denial of one party, and (name, effective date) identifies it.
//! Measured (`the_dated_dpl_files_diff_by_the_derived_id`): 546 rows / 414 entities (2019-06-29)
//! -> 581 / 459 (2022-09-07): +171 -126, 1 changed -> 665 / 545 (2023-11-30): +183 -97, 11
//! changed; by (name, street, effective date) the same files give +220 -184 and +227 -142 over
//! row keys. The name alone would join a party's successive orders (a renewed denial has a new
//! effective date and is a new listing), so it was not chosen.
//!
//! # Fields
//! `Name` (leading spaces trimmed) is the primary name; the address columns make one
//! [`Address`]; `Effective_Date` is a Listing
//! [`ListDate`] scoped `DPL` (a date that does not parse is a warning
//! and is kept as an attribute); `Expiration_Date`, `Standard_Order`, `Last_Update`, `Action`,
//! `FR_Citation` and any column this parser does not know are attributes named after their
//! column. Every entity has the program `DPL`.

use std::collections::HashMap;

use listwatch_model::{
    Address, Attribute, Coverage, DateSpec, Entity, ListDate, ListDateKind, Schema, Severity,
};

use crate::delimited::{self, field_diagnostic, stable_hash};
use crate::error::Result;
use crate::{FileReport, InputFile, Parsed, RemarkStats};

const EXPECTED: &str = "a BIS Denied Persons List file (tab-separated, with a header row Name, Street_Address, ..., Effective_Date, ...)";
const REQUIRED: &[&str] = &["Name", "Effective_Date"];
const ADDRESS_COLUMNS: &[&str] = &["Street_Address", "City", "State", "Country", "Postal_Code"];

/// Refuses, from its first bytes, a file that is not a DPL file.
pub fn sniff(head: &InputFile<'_>) -> Result<()> {
    delimited::sniff_header(head, b'\t', REQUIRED, EXPECTED)
}

/// The key a DPL row's id is derived from: the folded name and the effective date as printed.
pub fn id_key(name: &str, effective_date: &str) -> String {
    let name = listwatch_normalize::fold(name).replace(' ', "");
    format!("dpl-{}", stable_hash(&[&name, effective_date.trim()]))
}

/// Parses a DPL file.
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    let mut diagnostics = Vec::new();
    let mut rows: Vec<(Entity, u64, String)> = Vec::new();
    let summary = delimited::read(
        file,
        b'\t',
        REQUIRED,
        EXPECTED,
        &mut diagnostics,
        |header, record, diagnostics| {
            let get = |name: &str| record.get(header.index(name));
            let Some(name) = get("Name") else {
                diagnostics.push(field_diagnostic(
                    file.name,
                    record.line,
                    "",
                    "Name",
                    Severity::Error,
                    "the row has no name; it was skipped".to_string(),
                ));
                return;
            };
            let effective = get("Effective_Date").unwrap_or("");
            let id = id_key(name, effective);
            // A party is a person or a company; the DPL does not say which.
            let mut entity = Entity::new(id.clone(), Schema::Organization, name);
            entity.programs.push("DPL".to_string());
            let address = Address {
                street: get("Street_Address").map(str::to_string),
                city: [get("City"), get("State"), get("Postal_Code")]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
                country: get("Country").map(str::to_string),
                remark: None,
            };
            let address = Address { city: address.city.filter(|c| !c.is_empty()), ..address };
            if address != Address::default() {
                entity.addresses.push(address);
            }
            if !effective.is_empty() {
                match parse_us_date(effective) {
                    Some(date) => entity.list_dates.push(ListDate {
                        kind: ListDateKind::Listing,
                        date,
                        scope: "DPL".to_string(),
                    }),
                    None => {
                        diagnostics.push(field_diagnostic(
                            file.name,
                            record.line,
                            &id,
                            "Effective_Date",
                            Severity::Warning,
                            format!("{effective:?} is not a MM/DD/YYYY date; kept as an attribute"),
                        ));
                        entity.attributes.push(Attribute {
                            label: "Effective_Date".to_string(),
                            value: effective.to_string(),
                        });
                    }
                }
            }
            for (idx, column) in header.names.iter().enumerate() {
                let key = delimited::column_key(column);
                let mapped = ["name", "effectivedate"].contains(&key.as_str())
                    || ADDRESS_COLUMNS.iter().any(|c| delimited::column_key(c) == key);
                if mapped {
                    continue;
                }
                if let Some(value) = record.get(Some(idx)) {
                    entity.attributes.push(Attribute {
                        label: column.split(" (").next().unwrap_or(column).to_string(),
                        value: value.to_string(),
                    });
                }
            }
            rows.push((entity, record.line, id));
        },
    )?;

    // Rows sharing a key are one party under one order at several addresses: one entity, its
    // addresses and attributes merged and sorted, so that the row order does not matter.
    // Sorted by content first, so that the row an entity's name comes from does not depend on
    // the row order.
    rows.sort_by_cached_key(|(entity, _, id)| (id.clone(), format!("{entity:?}")));
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut entities: Vec<Entity> = Vec::new();
    let mut merged: Vec<bool> = Vec::new();
    for (entity, _, id) in rows {
        match by_id.get(&id) {
            Some(&idx) => {
                let into = &mut entities[idx];
                into.addresses.extend(entity.addresses);
                for attribute in entity.attributes {
                    if !into.attributes.contains(&attribute) {
                        into.attributes.push(attribute);
                    }
                }
                for date in entity.list_dates {
                    if !into.list_dates.contains(&date) {
                        into.list_dates.push(date);
                    }
                }
                merged[idx] = true;
            }
            None => {
                by_id.insert(id, entities.len());
                entities.push(entity);
                merged.push(false);
            }
        }
    }
    for (entity, merged) in entities.iter_mut().zip(merged) {
        if merged {
            entity.addresses.sort();
            entity.addresses.dedup();
            entity.attributes.sort();
            entity.list_dates.sort();
        }
    }
    entities.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Parsed {
        entities,
        diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: summary.n_records }],
        coverage: Coverage::FULL,
        remark_stats: RemarkStats::default(),
        published: None,
    })
}

/// Parses `MM/DD/YYYY` (BIS's form), or what [`DateSpec::parse_loose`] reads.
pub(crate) fn parse_us_date(text: &str) -> Option<DateSpec> {
    let parts: Vec<&str> = text.trim().split('/').collect();
    if let [month, day, year] = parts.as_slice()
        && year.len() == 4
    {
        let date =
            listwatch_model::Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
                .ok()?;
        return Some(DateSpec::On(date.into()));
    }
    DateSpec::parse_loose(text).ok()
}

#[cfg(test)]
mod tests;
