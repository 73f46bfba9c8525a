//! The UK sanctions list as CSV, in both layouts the UK has published:
//!
//! - the OFSI consolidated list (`ConList.csv`): a first line `Last Updated,<dd/mm/yyyy>`, then a
//!   header row (`Name 6, Name 1, ..., Name 5, Title, DOB, Town of Birth, Country of Birth,
//!   Nationality, Passport Details, NI Number, Position, Address 1..6, Post/Zip Code, Country,
//!   Other Information, Group Type, Alias Type, Regime, Listed On, Last Updated, Group ID`, with
//!   more columns in later editions), and one row per name: the rows of one entity share a
//!   `Group ID`;
//! - the UK Sanctions List (`UK_Sanctions_List.csv`): a first line with the report date, then a
//!   header row (`Last Updated, Unique ID, OFSI Group ID, ..., Name 6, Name 1..5, Name type,
//!   Alias strength, ..., Regime Name, Designation Type, ..., Date Designated, D.O.B, ...`), one
//!   row per name joined by `Unique ID`.
//!
//! Columns are found by their header names (case, spaces and punctuation ignored), so either
//! layout and the columns added over the years read alike; a column without a typed field is kept
//! as an attribute named after its header. Written from our reading of the layouts;
//! neither a real file nor the publishers' descriptions were at hand to test against, so the
//! fixtures are our own and column names may differ from real files.

use std::collections::HashMap;

use listwatch_model::{
    Address, Attribute, Coverage, Date, DateSpec, Diagnostic, Entity, Gender, IdKind, Identifier,
    Link, ListDate, ListDateKind, Name, NameKind, PartialDate, Schema, Severity, Vessel,
    compare_source_ids,
};

use crate::error::{Error, Result};
use crate::limits::{MAX_FIELD_LEN, SNIFF_LEN, cut, short_id};
use crate::{FileReport, InputFile, Parsed, RemarkStats};

/// A header name folded for lookup: lowercase letters and digits only.
fn fold(header: &str) -> String {
    header.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Refuses, from its first bytes, a file that is not a UK sanctions list CSV: another kind of
/// document, or text without a `Name 6` header in its first lines.
pub fn sniff(file: &InputFile<'_>) -> Result<()> {
    let head = &file.bytes[..file.bytes.len().min(SNIFF_LEN)];
    let (text, _) = crate::text::decode(head);
    let start = text.trim_start();
    if start.starts_with('<')
        || start.starts_with('{')
        || start.starts_with('[')
        || head.contains(&0)
    {
        return Err(Error::not_format(
            file.name,
            Some(1),
            "the file is XML, JSON or binary data, not a UK sanctions list CSV",
        ));
    }
    if text.trim().is_empty() {
        return Ok(());
    }
    if text.lines().take(5).any(|line| fold(line).contains("name6")) {
        return Ok(());
    }
    Err(Error::not_format(
        file.name,
        Some(1),
        "no header row with a `Name 6` column in the first lines: this is not a UK sanctions list CSV",
    ))
}

/// A date as the UK files write it: `dd/mm/yyyy` (`00` for an unknown day or month),
/// `dd-Mon-yyyy`, `yyyy-mm-dd` or `dd Month yyyy`.
fn uk_date(value: &str) -> Option<PartialDate> {
    let value = value.trim();
    let parts: Vec<&str> = value.split(['/', '-', ' ']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 3 {
        return PartialDate::parse_loose(value).ok();
    }
    let (day, month, year) = if parts[0].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        (parts[0], parts[1], parts[2])
    };
    let year: i32 = year.parse().ok().filter(|&y| y > 0)?;
    let month: u8 = match month.parse::<u8>() {
        Ok(m) => m,
        Err(_) => {
            const MONTHS: [&str; 12] = [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ];
            let lower = month.to_ascii_lowercase();
            MONTHS.iter().position(|m| lower.starts_with(m)).map(|m| m as u8 + 1)?
        }
    };
    let day: u8 = day.parse().ok()?;
    match (month, day) {
        (0, _) => PartialDate::year_only(year).ok(),
        (m, 0) => PartialDate::year_month(year, m).ok(),
        (m, d) => Date::new(year, m, d).ok().map(PartialDate::from),
    }
}

/// Splits OFSI's numbered enumerations, `(1) A (2) B`, into their items; other text is one item.
fn items(value: &str) -> Vec<String> {
    let value = value.trim();
    if !value.starts_with("(1)") {
        return vec![value.to_string()];
    }
    let mut out = Vec::new();
    let mut rest = value;
    let mut n = 1;
    while let Some(after) = rest.strip_prefix(&format!("({n})")) {
        n += 1;
        let next = format!("({n})");
        let end = after.find(&next).unwrap_or(after.len());
        let item = after[..end].trim().trim_end_matches(',').trim();
        if !item.is_empty() {
            out.push(item.to_string());
        }
        rest = &after[end..];
    }
    if !rest.trim().is_empty() {
        out.push(rest.trim().to_string());
    }
    out
}

/// The columns this parser reads into typed fields, by folded header name.
const TYPED: &[&str] = &[
    "name1",
    "name2",
    "name3",
    "name4",
    "name5",
    "name6",
    "title",
    "dob",
    "townofbirth",
    "countryofbirth",
    "nationality",
    "nationalityies",
    "passportdetails",
    "passportnumber",
    "passportadditionalinformation",
    "ninumber",
    "nationalidentificationnumber",
    "nationalidentificationdetails",
    "nationalidentifiernumber",
    "nationalidentifieradditionalinformation",
    "position",
    "address1",
    "address2",
    "address3",
    "address4",
    "address5",
    "address6",
    "addressline1",
    "addressline2",
    "addressline3",
    "addressline4",
    "addressline5",
    "addressline6",
    "postzipcode",
    "addresspostalcode",
    "country",
    "addresscountry",
    "otherinformation",
    "grouptype",
    "designationtype",
    "aliastype",
    "nametype",
    "aliasquality",
    "aliasstrength",
    "regime",
    "regimename",
    "listedon",
    "datedesignated",
    "uksanctionslistdatedesignated",
    "groupid",
    "uniqueid",
    "namenonlatinscript",
    "imonumber",
    "businessregistrationnumbers",
    "phonenumber",
    "website",
    "emailaddress",
    "gender",
    "currentbelievedflagofship",
    "typeofship",
    "tonnageofship",
    "currentowneroperators",
    "parentcompany",
    "subsidiaries",
];

/// One row, with its columns by folded header name.
struct Row<'a> {
    line: u64,
    fields: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        let value = self.fields.get(*self.columns.get(column)?)?.trim();
        (!value.is_empty()).then_some(value)
    }

    fn any(&self, columns: &[&str]) -> Option<&str> {
        columns.iter().find_map(|c| self.get(c))
    }
}

fn push_unique<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

/// Parses a UK sanctions list CSV, in either layout.
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    sniff(file)?;
    let mut diagnostics = Vec::new();
    let (text, encoding) = crate::text::decode(file.bytes);
    if encoding == crate::text::Encoding::Windows1252 {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            file: file.name.to_string(),
            line: None,
            record: None,
            field: None,
            message: "the file is not valid UTF-8; it was decoded as Windows-1252".to_string(),
        });
    }
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut published = None;
    let mut columns: Option<HashMap<String, usize>> = None;
    let mut headers: Vec<String> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut entities: Vec<Entity> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut n_records = 0u64;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                return Err(Error::broken(
                    file.name,
                    Some(line),
                    format!(
                        "the CSV is broken here ({err}); a file cut short or damaged is not imported"
                    ),
                ));
            }
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let Some(columns) = columns.as_ref() else {
            let first = fold(record.get(0).unwrap_or(""));
            if first.starts_with("lastupdated") || first.starts_with("reportdate") {
                if record.iter().any(|f| fold(f) == "name6") {
                    // No date line: this is already the header row.
                } else {
                    let rest: Vec<&str> = record.iter().collect();
                    let joined = rest.join(" ");
                    let date_text = joined
                        .split_once(':')
                        .map(|(_, d)| d)
                        .or_else(|| record.get(1))
                        .unwrap_or("");
                    published = uk_date(date_text).and_then(PartialDate::to_date);
                    if published.is_none() {
                        diagnostics.push(Diagnostic {
                            severity: Severity::Warning,
                            file: file.name.to_string(),
                            line: Some(line),
                            record: None,
                            field: Some("Last Updated".to_string()),
                            message: format!("the date line {joined:?} holds no date this parser reads; pass --published"),
                        });
                    }
                    continue;
                }
            }
            if !record.iter().any(|f| fold(f) == "name6") {
                return Err(Error::not_format(
                    file.name,
                    Some(line),
                    "the header row has no `Name 6` column: this is not a UK sanctions list CSV",
                ));
            }
            headers = record.iter().map(|h| h.trim().to_string()).collect();
            let mut map = HashMap::new();
            for (idx, header) in headers.iter().enumerate() {
                map.entry(fold(header)).or_insert(idx);
            }
            if !map.contains_key("groupid") && !map.contains_key("uniqueid") {
                return Err(Error::not_format(
                    file.name,
                    Some(line),
                    "the header row has neither a `Group ID` nor a `Unique ID` column: this is not a UK sanctions list CSV",
                ));
            }
            columns = Some(map);
            continue;
        };
        n_records += 1;
        let mut fields = record.clone();
        if fields.iter().any(|f| f.len() > MAX_FIELD_LEN) {
            let cut_fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let mut f = f.to_string();
                    cut(&mut f, MAX_FIELD_LEN);
                    f
                })
                .collect();
            fields = csv::StringRecord::from(cut_fields);
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                file: file.name.to_string(),
                line: Some(line),
                record: None,
                field: None,
                message: format!("a field is longer than the limit of {MAX_FIELD_LEN} bytes; it was cut to the limit"),
            });
        }
        let row = Row { line, fields: &fields, columns };
        read_row(&row, &headers, file.name, &mut entities, &mut index, &mut diagnostics);
    }
    if columns.is_none() && n_records == 0 && !text.trim().is_empty() {
        return Err(Error::not_format(
            file.name,
            None,
            "the file has no header row: this is not a UK sanctions list CSV",
        ));
    }
    entities.retain(|entity| {
        let named = !entity.names.is_empty();
        if !named {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.name.to_string(),
                line: None,
                record: Some(short_id(&entity.id)),
                field: Some("Name 6".to_string()),
                message: format!("no row of {} has a name; the entity was skipped", entity.id),
            });
        }
        named
    });
    for entity in &mut entities {
        entity.names.sort_by_key(|name| match name.kind {
            NameKind::Primary => 0,
            kind if kind.is_weak() => 2,
            _ => 1,
        });
    }
    entities.sort_by(|a, b| compare_source_ids(&a.id, &b.id));
    Ok(Parsed {
        entities,
        diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: n_records }],
        coverage: Coverage::FULL,
        remark_stats: RemarkStats::default(),
        published,
    })
}

fn read_row(
    row: &Row<'_>,
    headers: &[String],
    file: &str,
    entities: &mut Vec<Entity>,
    index: &mut HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let diag = |severity, record: Option<&str>, field: &str, message: String| Diagnostic {
        severity,
        file: file.to_string(),
        line: Some(row.line),
        record: record.map(short_id),
        field: Some(field.to_string()),
        message,
    };
    let Some(id) = row.any(&["uniqueid", "groupid"]) else {
        diagnostics.push(diag(
            Severity::Error,
            None,
            "Group ID",
            "the row has no Group ID / Unique ID; it was skipped".to_string(),
        ));
        return;
    };
    let name: Vec<&str> = ["name1", "name2", "name3", "name4", "name5", "name6"]
        .iter()
        .filter_map(|c| row.get(c))
        .collect();
    let name = name.join(" ");
    let schema = match row
        .any(&["grouptype", "designationtype"])
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("individual") => Schema::Person,
        Some("entity") => Schema::Organization,
        Some("ship") => Schema::Vessel,
        other => {
            diagnostics.push(diag(Severity::Warning, Some(id), "Group Type", format!("unknown group type {other:?} (expected Individual, Entity or Ship); read as an organization")));
            Schema::Organization
        }
    };
    let alias_type = row.any(&["aliastype", "nametype"]).unwrap_or("").to_ascii_lowercase();
    let weak = row
        .any(&["aliasquality", "aliasstrength"])
        .is_some_and(|q| q.to_ascii_lowercase().starts_with("low"));
    let kind = if alias_type.starts_with("primary name") && !alias_type.contains("variation") {
        NameKind::Primary
    } else if alias_type.contains("fka") || alias_type.contains("formerly") {
        if weak { NameKind::WeakFka } else { NameKind::Fka }
    } else if weak {
        NameKind::WeakAka
    } else {
        NameKind::Aka
    };
    let idx = match index.get(id) {
        Some(&idx) => idx,
        None => {
            let mut entity = Entity::new(id, schema, "");
            entity.names.clear();
            index.insert(id.to_string(), entities.len());
            entities.push(entity);
            entities.len() - 1
        }
    };
    let entity = &mut entities[idx];
    if entity.schema != schema {
        diagnostics.push(diag(
            Severity::Warning,
            Some(id),
            "Group Type",
            format!(
                "rows of {id} disagree on the group type; the first row's {} was kept",
                entity.schema
            ),
        ));
    }
    if name.is_empty() {
        diagnostics.push(diag(
            Severity::Warning,
            Some(id),
            "Name 6",
            "the row has no name".to_string(),
        ));
    } else {
        let kind = if kind == NameKind::Primary
            && entity.names.iter().any(|n| n.kind == NameKind::Primary)
        {
            NameKind::Aka
        } else {
            kind
        };
        match entity.names.iter_mut().find(|n| n.value == name) {
            Some(known) if kind == NameKind::Primary => known.kind = NameKind::Primary,
            Some(_) => {}
            None => entity.names.push(Name { value: name, kind, remark: None }),
        }
    }
    if let Some(script) = row.get("namenonlatinscript")
        && !entity.names.iter().any(|n| n.value == script)
    {
        entity.names.push(Name {
            value: script.to_string(),
            kind: NameKind::Aka,
            remark: Some("non-Latin script".to_string()),
        });
    }
    if let Some(title) = row.get("title") {
        push_unique(
            &mut entity.attributes,
            Attribute { label: "Title".to_string(), value: title.to_string() },
        );
    }
    if let Some(position) = row.get("position")
        && entity.title.is_none()
    {
        entity.title = Some(position.to_string());
    }
    for value in row
        .get("dob")
        .map(|v| v.split(';').map(str::trim).filter(|v| !v.is_empty()).collect::<Vec<_>>())
        .unwrap_or_default()
    {
        match uk_date(value) {
            Some(date) => push_unique(&mut entity.birth_dates, DateSpec::On(date)),
            None => diagnostics.push(diag(
                Severity::Warning,
                Some(id),
                "DOB",
                format!("{value:?} is not a date; kept as an attribute"),
            )),
        }
        if uk_date(value).is_none() {
            push_unique(
                &mut entity.attributes,
                Attribute { label: "DOB".to_string(), value: value.to_string() },
            );
        }
    }
    let place: Vec<&str> =
        ["townofbirth", "countryofbirth"].iter().filter_map(|c| row.get(c)).collect();
    if !place.is_empty() {
        push_unique(&mut entity.birth_places, place.join(", "));
    }
    for nationality in row.any(&["nationality", "nationalityies"]).map(items).unwrap_or_default() {
        push_unique(&mut entity.nationalities, nationality);
    }
    let push_id = |entity: &mut Entity,
                   kind: IdKind,
                   label: &str,
                   value: Option<&str>,
                   details: Option<&str>| {
        let Some(value) = value else { return };
        for item in items(value) {
            push_unique(
                &mut entity.identifiers,
                Identifier {
                    kind,
                    value: item,
                    country: None,
                    currency: None,
                    label: label.to_string(),
                    details: details.map(str::to_string),
                },
            );
        }
    };
    match row.get("passportnumber") {
        Some(number) => push_id(
            entity,
            IdKind::Passport,
            "Passport",
            Some(number),
            row.any(&["passportdetails", "passportadditionalinformation"]),
        ),
        None => push_id(entity, IdKind::Passport, "Passport", row.get("passportdetails"), None),
    }
    match row.any(&["nationalidentificationnumber", "nationalidentifiernumber"]) {
        Some(number) => push_id(
            entity,
            IdKind::NationalId,
            "National Identification Number",
            Some(number),
            row.any(&["nationalidentificationdetails", "nationalidentifieradditionalinformation"]),
        ),
        None => push_id(entity, IdKind::NationalId, "NI Number", row.get("ninumber"), None),
    }
    push_id(entity, IdKind::Imo, "IMO number", row.get("imonumber"), None);
    push_id(
        entity,
        IdKind::RegistrationNumber,
        "Business registration number",
        row.get("businessregistrationnumbers"),
        None,
    );
    push_id(entity, IdKind::Phone, "Phone number", row.get("phonenumber"), None);
    push_id(entity, IdKind::Website, "Website", row.get("website"), None);
    push_id(entity, IdKind::Email, "Email address", row.get("emailaddress"), None);
    let street: Vec<&str> = (1..=6)
        .filter_map(|n| {
            row.get(&format!("address{n}")).or_else(|| row.get(&format!("addressline{n}")))
        })
        .collect();
    let address = Address {
        street: (!street.is_empty()).then(|| street.join(", ")),
        city: row.any(&["postzipcode", "addresspostalcode"]).map(str::to_string),
        country: row.any(&["country", "addresscountry"]).map(str::to_string),
        remark: None,
    };
    if address != Address::default() {
        push_unique(&mut entity.addresses, address);
    }
    if let Some(info) = row.get("otherinformation") {
        let remarks = entity.remarks.get_or_insert_with(String::new);
        if !remarks.contains(info) {
            if !remarks.is_empty() {
                remarks.push('\n');
            }
            remarks.push_str(info);
            cut(remarks, MAX_FIELD_LEN);
        }
    }
    if entity.gender.is_none() {
        entity.gender = match row.get("gender").map(str::to_ascii_lowercase).as_deref() {
            Some("male") => Some(Gender::Male),
            Some("female") => Some(Gender::Female),
            _ => None,
        };
    }
    let regime = row.any(&["regime", "regimename"]).unwrap_or("");
    if !regime.is_empty() {
        push_unique(&mut entity.programs, regime.to_string());
    }
    if let Some(listed) = row.any(&["listedon", "datedesignated", "uksanctionslistdatedesignated"])
    {
        match uk_date(listed) {
            Some(date) => push_unique(
                &mut entity.list_dates,
                ListDate {
                    kind: ListDateKind::Listing,
                    date: DateSpec::On(date),
                    scope: regime.to_string(),
                },
            ),
            None => diagnostics.push(diag(
                Severity::Warning,
                Some(id),
                "Listed On",
                format!("{listed:?} is not a date; the listing date was not kept"),
            )),
        }
    }
    if entity.schema == Schema::Vessel {
        let vessel = entity.vessel.get_or_insert_with(Vessel::default);
        for (column, slot) in [
            ("currentbelievedflagofship", &mut vessel.flag),
            ("typeofship", &mut vessel.vessel_type),
            ("tonnageofship", &mut vessel.tonnage),
            ("currentowneroperators", &mut vessel.owner),
        ] {
            if slot.is_none() {
                *slot = row.get(column).map(str::to_string);
            }
        }
    }
    for (column, relation) in [("parentcompany", "parent company"), ("subsidiaries", "subsidiary")]
    {
        for name in row.get(column).map(items).unwrap_or_default() {
            push_unique(&mut entity.links, Link { relation: relation.to_string(), name });
        }
    }
    // Every other column is kept, labelled by its header.
    for (idx, header) in headers.iter().enumerate() {
        let folded = fold(header);
        if TYPED.contains(&folded.as_str())
            || (entity.schema != Schema::Vessel
                && matches!(
                    folded.as_str(),
                    "currentbelievedflagofship"
                        | "typeofship"
                        | "tonnageofship"
                        | "currentowneroperators"
                ))
        {
            continue;
        }
        if let Some(value) = row.fields.get(idx).map(str::trim).filter(|v| !v.is_empty()) {
            push_unique(
                &mut entity.attributes,
                Attribute { label: header.clone(), value: value.to_string() },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_dates_with_unknown_parts_are_partial() {
        assert_eq!(uk_date("00/00/1958").unwrap().to_string(), "1958");
        assert_eq!(uk_date("00/05/1960").unwrap().to_string(), "1960-05");
        assert_eq!(uk_date("07/01/1988").unwrap().to_string(), "1988-01-07");
        assert_eq!(uk_date("12-Mar-2024").unwrap().to_string(), "2024-03-12");
        assert_eq!(uk_date("2024-03-12").unwrap().to_string(), "2024-03-12");
        assert!(uk_date("soon").is_none());
    }

    #[test]
    fn numbered_enumerations_split_into_items() {
        assert_eq!(items("(1) Russia (2) Ukraine"), ["Russia", "Ukraine"]);
        assert_eq!(items("Russia"), ["Russia"]);
    }
}
