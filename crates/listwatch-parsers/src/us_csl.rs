//! The US Consolidated Screening List (trade.gov CSL): one CSV file that merges eleven or more
//! export-control and sanctions lists of the Departments of Commerce, State and the Treasury.
//!
//! # Layout
//! A header row, then one row per listed party and source list: `_id, source, entity_number,
//! type, programs, name, title, addresses, federal_register_notice, start_date, end_date,
//! standard_order, license_requirement, license_policy, call_sign, vessel_type, gross_tonnage,
//! gross_registered_tonnage, vessel_flag, vessel_owner, remarks, source_list_url, alt_names,
//! citizenships, dates_of_birth, nationalities, places_of_birth, source_information_url, ids`.
//! Columns are found by name, so the 2019 layout without `_id` reads too. Multi-valued cells are
//! `; `-joined.
//!
//! # Source lists
//! Each row's `source` ("Entity List (EL) - Bureau of Industry and Security") is normalized to a
//! short code ([`SOURCE_LISTS`]: `EL`, `MEU`, `DPL`, `UVL`, `ISN`, `DTC`, `CMIC`, `SDN`, `SSI`,
//! `PLC`, `CAP`, `NS-MBS`, `FSE`), which becomes the entity's **first program** (the status
//! crate's regimes match on programs) and a `source_list` attribute (what
//! `listwatch import --source-list` filters on); the row's own `programs` follow it. The full
//! `source` text is kept as the `source` attribute. A source the table does not know keeps the
//! text in parentheses as its code (`(XYZ)`), or the whole text, with a warning.
//!
//! # Ids
//! - `_id` where the file has it (OFAC rows carry the ent_num, the others a hash trade.gov made).
//! - Else (the 2019 layout) `entity_number` where present (it is the OFAC ent_num, so these ids
//!   equal the later files' `_id`), else `csl-` and a 16-hex-digit SHA-256 of the source code
//!   and the name with case and spaces folded: stable across reorderings and other rows' edits.
//! - The same id on several rows (the CSL lists a party once per source list: an SDN that is also
//!   on the SSI and CAPTA lists has three rows with one `_id`): the row of the source list that
//!   comes first in [`SOURCE_LISTS`] keeps the id and every other row gets `<id>-<CODE>`
//!   (`18725-SSI`), with a warning. Rows of the same source list and id (`<id>-<CODE>-2`, in file
//!   order) also get a warning. The choice does not depend on row order.
//!
//! # Fields
//! `type` (Individual, Entity, Vessel, Aircraft; empty is an organization); `alt_names` are
//! a.k.a. names; `addresses` are split on `; ` with a trailing two-letter country code taken as
//! the country; `dates_of_birth` are parsed leniently (one that does not parse is a warning and
//! is kept as an attribute); `start_date` is a Listing [`ListDate`] scoped by the source code;
//! `ids` items are typed with the OFAC remarks table, whichever of the two orders the file uses
//! (2019 and 2022: `CN, 91330000733796106P, Unified Social Credit Code (USCC)`; 2023 on:
//! `Unified Social Credit Code (USCC), 91330000733796106P, CN`), so CMIC tickers, ISINs, USCCs
//! and the `Listing Date (CMIC)` / `Effective Date (CMIC)` / divestment dates become identifiers
//! and [`ListDate`]s scoped `CMIC`, as in the OFAC parser; an item that cannot be typed is kept in
//! `untyped_remarks` and counted in [`RemarkStats`]. Every other column
//! (`federal_register_notice`, `end_date`, `standard_order`, `license_requirement`,
//! `license_policy`, the URLs, and columns this parser does not know) is kept as an attribute
//! labelled with the column name.
//!
//! # Quirks of the real files
//! The 2023 file repeats its header line (skipped with a warning) and ends in the middle of its
//! last record (an error diagnostic: the record is skipped).

use std::collections::HashMap;

use listwatch_model::{
    Address, Attribute, Coverage, DateSpec, Diagnostic, Entity, IdKind, Identifier, ListDate,
    ListDateKind, Name, NameKind, Schema, Severity, Vessel,
};

use crate::delimited::{self, field_diagnostic, split_values, stable_hash};
use crate::error::Result;
use crate::ofac::remarks::{RemarkStats, apply_item, find_label};
use crate::{FileReport, InputFile, Parsed};

/// The source lists of the CSL: the code, and the words of the `source` text that name it. The
/// order is the precedence for a duplicated id (the SDN row keeps it).
pub const SOURCE_LISTS: &[(&str, &str)] = &[
    ("SDN", "Specially Designated Nationals (SDN)"),
    ("EL", "Entity List (EL)"),
    ("MEU", "Military End User (MEU) List"),
    ("DPL", "Denied Persons List (DPL)"),
    ("UVL", "Unverified List (UVL)"),
    ("ISN", "Nonproliferation Sanctions (ISN)"),
    ("DTC", "ITAR Debarred (DTC)"),
    ("CMIC", "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC)"),
    ("SSI", "Sectoral Sanctions Identifications List (SSI)"),
    ("PLC", "Palestinian Legislative Council List (PLC)"),
    ("CAP", "Capta List (CAP)"),
    ("NS-MBS", "Non-SDN Menu-Based Sanctions List (NS-MBS List)"),
    ("FSE", "Foreign Sanctions Evaders (FSE)"),
];

const EXPECTED: &str =
    "a trade.gov Consolidated Screening List CSV file (a header row with source, name, ...)";
const REQUIRED: &[&str] = &["source", "name"];

/// The columns this parser maps to fields; every other column becomes an attribute.
const MAPPED: &[&str] = &[
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "start_date",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "ids",
];

/// Where the mapped columns are in a file's header, found once per file.
struct Columns {
    /// The index of each of [`MAPPED`], in its order.
    indices: Vec<Option<usize>>,
    /// Whether each header column is one of [`MAPPED`].
    mapped: Vec<bool>,
}

impl Columns {
    fn new(header: &delimited::Header) -> Columns {
        let keys: Vec<String> = MAPPED.iter().map(|m| delimited::column_key(m)).collect();
        Columns {
            indices: MAPPED.iter().map(|m| header.index(m)).collect(),
            mapped: header.names.iter().map(|n| keys.contains(&delimited::column_key(n))).collect(),
        }
    }

    fn index(&self, name: &str) -> Option<usize> {
        MAPPED.iter().position(|m| *m == name).and_then(|i| self.indices[i])
    }
}

/// The short code of a CSL `source` text, and whether the table knew it.
pub fn source_code(source: &str) -> (String, bool) {
    let source = source.trim();
    for (code, words) in SOURCE_LISTS {
        if source.starts_with(words) || source == *code {
            return ((*code).to_string(), true);
        }
    }
    // An unknown list: the text in the first parentheses, as the CSL writes codes.
    if let Some(open) = source.find('(')
        && let Some(close) = source[open..].find(')')
    {
        let inner = source[open + 1..open + close].trim().trim_end_matches(" List").to_string();
        if !inner.is_empty() {
            return (inner, false);
        }
    }
    (source.to_string(), false)
}

/// Refuses, from its first bytes, a file that is not a CSL CSV file.
pub fn sniff(head: &InputFile<'_>) -> Result<()> {
    delimited::sniff_header(head, b',', REQUIRED, EXPECTED)
}

/// One row, before ids are made unique.
struct Row {
    entity: Entity,
    code: String,
    line: u64,
    base_id: String,
}

/// Parses a CSL CSV file.
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    let mut diagnostics = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut stats = RemarkStats::default();
    let mut warned_sources: Vec<String> = Vec::new();
    let mut columns: Option<Columns> = None;
    let summary = delimited::read(
        file,
        b',',
        REQUIRED,
        EXPECTED,
        &mut diagnostics,
        |header, record, diagnostics| {
            let columns = columns.get_or_insert_with(|| Columns::new(header));
            let col = |name: &str| columns.index(name);
            let Some(name) = record.get(col("name")) else {
                diagnostics.push(field_diagnostic(
                    file.name,
                    record.line,
                    record.get(col("_id")).unwrap_or(""),
                    "name",
                    Severity::Error,
                    "the row has no name; it was skipped".to_string(),
                ));
                return;
            };
            let source = record.get(col("source")).unwrap_or("");
            let (code, known) = source_code(source);
            if !known && !warned_sources.contains(&code) {
                warned_sources.push(code.clone());
                diagnostics.push(field_diagnostic(
                    file.name,
                    record.line,
                    record.get(col("_id")).unwrap_or(""),
                    "source",
                    Severity::Warning,
                    format!("unknown source list {source:?}; its rows get the code {code:?}"),
                ));
            }
            let base_id = match (record.get(col("_id")), record.get(col("entity_number"))) {
                (Some(id), _) => id.to_string(),
                (None, Some(number)) if col("_id").is_none() => number.to_string(),
                _ => {
                    let folded: String = name
                        .split_whitespace()
                        .map(str::to_uppercase)
                        .collect::<Vec<_>>()
                        .join(" ");
                    format!("csl-{}", stable_hash(&[&code, &folded]))
                }
            };
            let entity = row_entity(
                file.name,
                header,
                columns,
                &record,
                name,
                &code,
                source,
                &base_id,
                &mut stats,
                diagnostics,
            );
            rows.push(Row { entity, code, line: record.line, base_id });
        },
    )?;

    // Make ids unique, independently of row order: the row of the source list first in
    // SOURCE_LISTS keeps a shared id.
    let rank = |code: &str| SOURCE_LISTS.iter().position(|(c, _)| *c == code).unwrap_or(usize::MAX);
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (idx, row) in rows.iter().enumerate() {
        by_id.entry(row.base_id.clone()).or_default().push(idx);
    }
    let mut new_ids: Vec<(usize, String, String)> = Vec::new();
    for group in by_id.values().filter(|g| g.len() > 1) {
        let mut group = group.clone();
        group.sort_by_key(|&idx| (rank(&rows[idx].code), rows[idx].code.clone(), idx));
        let mut seen: HashMap<&str, u32> = HashMap::new();
        for &idx in &group[1..] {
            let row = &rows[idx];
            let n = seen.entry(row.code.as_str()).or_insert(0);
            *n += 1;
            let same_list = row.code == rows[group[0]].code;
            let id = if same_list || *n > 1 {
                format!("{}-{}-{}", row.base_id, row.code, *n + u32::from(same_list))
            } else {
                format!("{}-{}", row.base_id, row.code)
            };
            new_ids.push((idx, id, rows[group[0]].code.clone()));
        }
    }
    new_ids.sort();
    for (idx, id, keeper) in new_ids {
        let row = &rows[idx];
        diagnostics.push(field_diagnostic(
            file.name,
            row.line,
            &row.base_id,
            "_id",
            Severity::Warning,
            format!(
                "the id {} is also on another row (of the {} list); this row of the {} list gets the id {id}",
                row.base_id,
                keeper,
                row.code
            ),
        ));
        rows[idx].entity.id = id;
    }

    let mut entities: Vec<Entity> = rows.into_iter().map(|row| row.entity).collect();
    // The order of `compare_source_ids` (numbers by value first, then text), with each id parsed
    // once rather than at every comparison.
    entities.sort_by_cached_key(|e| match e.id.parse::<u64>() {
        Ok(n) => (0, n, String::new()),
        Err(_) => (1, 0, e.id.clone()),
    });
    Ok(Parsed {
        entities,
        diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: summary.n_records }],
        coverage: Coverage::FULL,
        remark_stats: stats,
        published: None,
    })
}

#[allow(clippy::too_many_arguments)]
fn row_entity(
    file: &str,
    header: &delimited::Header,
    columns: &Columns,
    record: &delimited::Record<'_>,
    name: &str,
    code: &str,
    source: &str,
    id: &str,
    stats: &mut RemarkStats,
    diagnostics: &mut Vec<Diagnostic>,
) -> Entity {
    let get = |name: &str| record.get(columns.index(name));
    let schema = match get("type").map(str::to_ascii_lowercase).as_deref() {
        None => Schema::Organization,
        Some("individual") => Schema::Person,
        Some("entity") => Schema::Organization,
        Some("vessel") => Schema::Vessel,
        Some("aircraft") => Schema::Aircraft,
        Some(other) => {
            diagnostics.push(field_diagnostic(
                file,
                record.line,
                id,
                "type",
                Severity::Warning,
                format!("unknown type {other:?} (expected Individual, Entity, Vessel or Aircraft); read as an organization"),
            ));
            Schema::Organization
        }
    };
    let mut entity = Entity::new(id, schema, name);
    entity.programs.push(code.to_string());
    for program in split_values(get("programs"), ";") {
        if !entity.programs.iter().any(|p| p == program) {
            entity.programs.push(program.to_string());
        }
    }
    entity.attributes.push(Attribute { label: "source_list".to_string(), value: code.to_string() });
    if !source.is_empty() {
        entity
            .attributes
            .push(Attribute { label: "source".to_string(), value: source.to_string() });
    }
    entity.title = get("title").map(str::to_string);
    for alias in split_values(get("alt_names"), ";") {
        entity.names.push(Name { value: alias.to_string(), kind: NameKind::Aka, remark: None });
    }
    for address in split_values(get("addresses"), ";") {
        entity.addresses.push(split_address(address));
    }
    if let Some(start) = get("start_date") {
        match DateSpec::parse_loose(start) {
            Ok(date) => entity.list_dates.push(ListDate {
                kind: ListDateKind::Listing,
                date,
                scope: code.to_string(),
            }),
            Err(err) => {
                diagnostics.push(field_diagnostic(
                    file,
                    record.line,
                    id,
                    "start_date",
                    Severity::Warning,
                    format!("{err}; kept as an attribute"),
                ));
                entity
                    .attributes
                    .push(Attribute { label: "start_date".to_string(), value: start.to_string() });
            }
        }
    }
    if let Some(call_sign) = get("call_sign") {
        entity.identifiers.push(Identifier {
            kind: IdKind::CallSign,
            value: call_sign.to_string(),
            country: None,
            currency: None,
            label: "Call Sign".to_string(),
            details: None,
        });
    }
    let vessel = Vessel {
        vessel_type: get("vessel_type").map(str::to_string),
        flag: get("vessel_flag").map(str::to_string),
        owner: get("vessel_owner").map(str::to_string),
        tonnage: get("gross_tonnage").map(str::to_string),
        gross_registered_tonnage: get("gross_registered_tonnage").map(str::to_string),
    };
    if vessel != Vessel::default() {
        entity.vessel = Some(vessel);
    }
    entity.citizenships =
        split_values(get("citizenships"), ";").into_iter().map(str::to_string).collect();
    entity.nationalities =
        split_values(get("nationalities"), ";").into_iter().map(str::to_string).collect();
    entity.birth_places =
        split_values(get("places_of_birth"), ";").into_iter().map(str::to_string).collect();
    for dob in split_values(get("dates_of_birth"), ";") {
        match DateSpec::parse_loose(dob) {
            Ok(date) => entity.birth_dates.push(date),
            Err(err) => {
                diagnostics.push(field_diagnostic(
                    file,
                    record.line,
                    id,
                    "dates_of_birth",
                    Severity::Warning,
                    format!("{err}; kept as an attribute"),
                ));
                entity.attributes.push(Attribute {
                    label: "dates_of_birth".to_string(),
                    value: dob.to_string(),
                });
            }
        }
    }
    for item in split_values(get("ids"), "; ") {
        stats.items += 1;
        match ofac_item(item) {
            Some(text) if apply_item(&mut entity, &text) => stats.typed += 1,
            _ => {
                let prefix: Vec<&str> = item.split_whitespace().take(2).collect();
                *stats.untyped_by_prefix.entry(prefix.join(" ")).or_default() += 1;
                entity.untyped_remarks.push(item.to_string());
            }
        }
    }
    entity.remarks = get("remarks").map(str::to_string);
    // Every other column, known or not, is kept under its own name.
    for (idx, column) in header.names.iter().enumerate() {
        if columns.mapped[idx] {
            continue;
        }
        if let Some(value) = record.get(Some(idx)) {
            entity.attributes.push(Attribute { label: column.clone(), value: value.to_string() });
        }
    }
    entity
}

/// Splits `3037 S. 69TH DRIVE, PHONEIX, AZ, 85043, US` into the text and its trailing two-letter
/// country code, where it has one.
fn split_address(text: &str) -> Address {
    let (street, country) = match text.rsplit_once(", ") {
        Some((rest, country))
            if country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()) =>
        {
            (Some(rest.to_string()), Some(country.to_string()))
        }
        _ if text.len() == 2 && text.chars().all(|c| c.is_ascii_uppercase()) => {
            (None, Some(text.to_string()))
        }
        _ => (Some(text.to_string()), None),
    };
    Address { street, city: None, country, remark: None }
}

/// True when `text` is a label of the OFAC remarks table, alone or with a scope
/// (`Listing Date (CMIC)`).
fn is_label(text: &str) -> bool {
    find_label(text).is_some_and(|(_, _, rest)| {
        rest.is_empty() || (rest.starts_with('(') && rest.trim_end_matches(':').ends_with(')'))
    })
}

/// Rewrites a CSL `ids` item as the OFAC remark item it came from: `CN, 9133..., Unified Social
/// Credit Code (USCC)` (label last) or `Unified Social Credit Code (USCC), 9133..., CN` (label
/// first) both give `Unified Social Credit Code (USCC) 9133... (CN)`. `None` when neither end is
/// a known label.
fn ofac_item(item: &str) -> Option<String> {
    let parts: Vec<&str> = item.split(", ").map(str::trim).collect();
    if parts.len() < 2 {
        return None;
    }
    let is_country = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase());
    let (label, value, country) = if is_label(parts[0]) {
        let (value, country) = match &parts[1..] {
            [value @ .., country] if !value.is_empty() && is_country(country) => {
                (value.join(", "), Some(*country))
            }
            value => (value.join(", "), None),
        };
        (parts[0], value, country)
    } else if is_label(parts[parts.len() - 1]) {
        let rest = &parts[..parts.len() - 1];
        let (value, country) = match rest {
            [country, value @ ..] if !value.is_empty() && is_country(country) => {
                (value.join(", "), Some(*country))
            }
            value => (value.join(", "), None),
        };
        (parts[parts.len() - 1], value, country)
    } else {
        return None;
    };
    Some(match country {
        Some(country) => format!("{label} {value} ({country})"),
        None => format!("{label} {value}"),
    })
}

#[cfg(test)]
mod tests;
