//! The EU's consolidated financial sanctions list in its XML export (the "FSF" file,
//! `xmlFullSanctionsList_1_1`): an `export` root with a `generationDate`, and one
//! `sanctionEntity` per listed party with its `subjectType`, `regulation`s, `nameAlias`es,
//! `citizen`ships, `birthdate`s, `identification`s, `address`es and `remark`s.
//!
//! Written from our reading of the format (the EU Financial Sanctions Files export); neither a
//! real file nor the publisher's XSD was at hand to test against, so the fixtures are our own and
//! element names may differ from real files. Element and attribute names are matched by their local names,
//! so the namespace prefix does not matter.

use listwatch_model::{
    Address, Coverage, Date, DateSpec, Diagnostic, Entity, Gender, IdKind, Identifier, ListDate,
    ListDateKind, Name, NameKind, PartialDate, Schema, Severity, compare_source_ids,
};
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Result};
use crate::limits::{MAX_FIELD_LEN, SNIFF_LEN, cut, short_id};
use crate::{FileReport, InputFile, Parsed, RemarkStats};

/// Refuses, from its first bytes, a file that is not an EU FSF XML export: it must be XML, and
/// its root (when the head shows it) must be `export`.
pub fn sniff(file: &InputFile<'_>) -> Result<()> {
    let head = &file.bytes[..file.bytes.len().min(SNIFF_LEN)];
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    let trimmed = text.trim_start();
    if !trimmed.starts_with('<') {
        return Err(Error::not_format(
            file.name,
            Some(1),
            "the file does not start with `<`: it is not XML, so not an EU financial sanctions export",
        ));
    }
    let mut reader = quick_xml::Reader::from_str(trimmed);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return if e.local_name().as_ref() == "export" {
                    Ok(())
                } else {
                    Err(Error::not_format(
                        file.name,
                        None,
                        format!(
                            "the root element is <{}>, not <export>: this is not an EU financial sanctions export",
                            e.name().as_ref()
                        ),
                    ))
                };
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).and_then(|a| {
        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok()?;
        let mut value = value.trim().to_string();
        cut(&mut value, MAX_FIELD_LEN);
        (!value.is_empty()).then_some(value)
    })
}

fn flag(e: &BytesStart<'_>, name: &str) -> bool {
    attr(e, name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The line of a byte offset.
fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// A date of the file: `YYYY-MM-DD`, possibly with a time and zone after it.
fn iso_date(value: &str) -> Option<Date> {
    Date::parse_iso(value.get(..10)?).ok()
}

/// The identification types of the export, by `identificationTypeCode`.
fn id_kind(code: &str, diplomatic: bool) -> IdKind {
    match code.to_ascii_lowercase().as_str() {
        "passport" if diplomatic => IdKind::DiplomaticPassport,
        "passport" => IdKind::Passport,
        "id" | "nationalid" => IdKind::NationalId,
        "regnumber" => IdKind::RegistrationNumber,
        "fiscalcode" | "tin" | "tax" | "vat" => IdKind::TaxId,
        "swiftbic" | "bic" => IdKind::SwiftBic,
        "imo" => IdKind::Imo,
        "ssn" => IdKind::Ssn,
        "drivinglicence" | "drivinglicense" => IdKind::DriversLicense,
        "email" => IdKind::Email,
        "phone" => IdKind::Phone,
        "website" => IdKind::Website,
        _ => IdKind::Other,
    }
}

/// A `birthdate` element as a date: the `birthdate` attribute, else `year`/`monthOfYear`/
/// `dayOfMonth`, else a `yearRangeFrom`..`yearRangeTo` range; `circa="true"` makes it
/// approximate.
fn birth_date(e: &BytesStart<'_>) -> Option<std::result::Result<DateSpec, String>> {
    let circa = flag(e, "circa");
    let number = |name: &str| attr(e, name).and_then(|v| v.parse::<i32>().ok()).filter(|&n| n > 0);
    let on = if let Some(full) = attr(e, "birthdate") {
        match PartialDate::parse_loose(&full) {
            Ok(date) => date,
            Err(err) => return Some(Err(format!("{full:?} is not a date ({err})"))),
        }
    } else if let Some(year) = number("year") {
        let date = match (number("monthOfYear"), number("dayOfMonth")) {
            (Some(month), Some(day)) => {
                Date::new(year, month as u8, day as u8).map(PartialDate::from)
            }
            (Some(month), None) => PartialDate::year_month(year, month as u8),
            _ => PartialDate::year_only(year),
        };
        match date {
            Ok(date) => date,
            Err(err) => {
                return Some(Err(format!(
                    "year {year} with its month and day is not a date ({err})"
                )));
            }
        }
    } else if let (Some(from), Some(to)) = (number("yearRangeFrom"), number("yearRangeTo")) {
        return Some(match (PartialDate::year_only(from), PartialDate::year_only(to)) {
            (Ok(a), Ok(b)) => Ok(DateSpec::Between(a, b)),
            _ => Err(format!("the year range {from}..{to} is not a range of years")),
        });
    } else {
        return None;
    };
    Some(Ok(if circa { DateSpec::Circa(on) } else { DateSpec::On(on) }))
}

/// What one `sanctionEntity` holds while it is read.
struct Record {
    line: u64,
    entity: Entity,
    designation_date: Option<DateSpec>,
    programmes: Vec<(String, Option<DateSpec>)>,
}

/// Parses an EU FSF XML export.
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    sniff(file)?;
    let (text, _) = crate::text::decode(file.bytes);
    let text = text.as_ref();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut published = None;
    let mut saw_root = false;
    let mut entities = Vec::new();
    let mut n_records = 0u64;
    let mut current: Option<Record> = None;
    // The text element being read inside a sanctionEntity (`remark`), with its text so far.
    let mut text_of: Option<(String, String)> = None;
    let diag =
        |line: u64, record: Option<&str>, field: &str, severity, message: String| Diagnostic {
            severity,
            file: file.name.to_string(),
            line: Some(line),
            record: record.map(short_id),
            field: Some(field.to_string()),
            message,
        };
    loop {
        let offset = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                let line = line_of(text, reader.error_position() as usize);
                if !saw_root {
                    return Err(Error::not_format(
                        file.name,
                        Some(line),
                        format!("not well-formed XML: {err}"),
                    ));
                }
                return Err(Error::broken(
                    file.name,
                    Some(line),
                    format!(
                        "the XML is broken here ({err}); a file cut short or damaged is not imported"
                    ),
                ));
            }
        };
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if !saw_root => {
                if e.local_name().as_ref() != "export" {
                    return Err(Error::not_format(
                        file.name,
                        Some(line_of(text, offset)),
                        "the root element is not <export>: this is not an EU financial sanctions export",
                    ));
                }
                saw_root = true;
                published = attr(&e, "generationDate").and_then(|d| iso_date(&d));
                if published.is_none() {
                    diagnostics.push(diag(
                        1,
                        None,
                        "generationDate",
                        Severity::Warning,
                        "the export has no readable generationDate; pass --published".to_string(),
                    ));
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                let line = line_of(text, offset);
                for long in e.attributes().flatten().filter(|a| a.value.len() > MAX_FIELD_LEN) {
                    diagnostics.push(diag(
                        line,
                        attr(&e, "logicalId").as_deref(),
                        long.key.local_name().as_ref(),
                        Severity::Warning,
                        format!("the value is longer than the limit of {MAX_FIELD_LEN} bytes; it was cut to the limit"),
                    ));
                }
                let local = e.local_name();
                let name = local.as_ref();
                if name == "sanctionEntity" {
                    n_records += 1;
                    let Some(id) = attr(&e, "logicalId") else {
                        diagnostics.push(diag(
                            line,
                            None,
                            "logicalId",
                            Severity::Error,
                            "the sanctionEntity has no logicalId; it was skipped".to_string(),
                        ));
                        current = None;
                        continue;
                    };
                    let mut entity = Entity::new(id.clone(), Schema::Organization, "");
                    entity.names.clear();
                    for (label, attribute) in [
                        ("euReferenceNumber", "euReferenceNumber"),
                        ("unitedNationId", "unitedNationId"),
                        ("designationDetails", "designationDetails"),
                    ] {
                        if let Some(value) = attr(&e, attribute) {
                            entity.attributes.push(listwatch_model::Attribute {
                                label: label.to_string(),
                                value,
                            });
                        }
                    }
                    let designation_date = attr(&e, "designationDate")
                        .and_then(|d| iso_date(&d))
                        .map(|d| DateSpec::On(d.into()));
                    current =
                        Some(Record { line, entity, designation_date, programmes: Vec::new() });
                    continue;
                }
                let Some(record) = current.as_mut() else { continue };
                let entity = &mut record.entity;
                match name {
                    "subjectType" => {
                        entity.schema = match attr(&e, "code").as_deref() {
                            Some("person") => Schema::Person,
                            Some("enterprise") => Schema::Organization,
                            other => {
                                diagnostics.push(diag(line, Some(&entity.id), "subjectType", Severity::Warning, format!("unknown subjectType code {other:?} (expected person or enterprise); read as an organization")));
                                Schema::Organization
                            }
                        };
                    }
                    "regulation" => {
                        let programme = attr(&e, "programme").unwrap_or_default();
                        let date = attr(&e, "publicationDate")
                            .or_else(|| attr(&e, "entryIntoForceDate"))
                            .and_then(|d| iso_date(&d))
                            .map(|d| DateSpec::On(d.into()));
                        if !programme.is_empty() && !entity.programs.contains(&programme) {
                            entity.programs.push(programme.clone());
                        }
                        if let Some(title) = attr(&e, "numberTitle") {
                            entity.attributes.push(listwatch_model::Attribute {
                                label: "regulation".to_string(),
                                value: title,
                            });
                        }
                        record.programmes.push((programme, date));
                    }
                    "nameAlias" => {
                        let whole = attr(&e, "wholeName").or_else(|| {
                            let parts: Vec<String> = ["firstName", "middleName", "lastName"]
                                .iter()
                                .filter_map(|p| attr(&e, p))
                                .collect();
                            (!parts.is_empty()).then(|| parts.join(" "))
                        });
                        let Some(whole) = whole else {
                            diagnostics.push(diag(
                                line,
                                Some(&entity.id),
                                "wholeName",
                                Severity::Warning,
                                "a nameAlias without a name; ignored".to_string(),
                            ));
                            continue;
                        };
                        let strong =
                            attr(&e, "strong").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
                        let kind = match (entity.names.is_empty(), strong) {
                            (true, _) => NameKind::Primary,
                            (false, true) => NameKind::Aka,
                            (false, false) => NameKind::WeakAka,
                        };
                        let remark = attr(&e, "nameLanguage").map(|l| format!("language: {l}"));
                        if !entity.names.iter().any(|n| n.value == whole) {
                            entity.names.push(Name { value: whole, kind, remark });
                        }
                        if entity.gender.is_none() {
                            entity.gender = match attr(&e, "gender").as_deref() {
                                Some("M") => Some(Gender::Male),
                                Some("F") => Some(Gender::Female),
                                _ => None,
                            };
                        }
                        for (label, attribute) in [("function", "function"), ("title", "title")] {
                            if let Some(value) = attr(&e, attribute) {
                                if label == "function" && entity.title.is_none() {
                                    entity.title = Some(value);
                                } else if !entity
                                    .attributes
                                    .iter()
                                    .any(|a| a.label == label && a.value == value)
                                {
                                    entity.attributes.push(listwatch_model::Attribute {
                                        label: label.to_string(),
                                        value,
                                    });
                                }
                            }
                        }
                    }
                    "citizen" => {
                        if let Some(country) =
                            attr(&e, "countryDescription").or_else(|| attr(&e, "countryIso2Code"))
                            && !entity.citizenships.contains(&country)
                        {
                            entity.citizenships.push(country);
                        }
                    }
                    "birthdate" => {
                        match birth_date(&e) {
                            Some(Ok(date)) if !entity.birth_dates.contains(&date) => {
                                entity.birth_dates.push(date);
                            }
                            Some(Ok(_)) => {}
                            Some(Err(message)) => diagnostics.push(diag(
                                line,
                                Some(&entity.id),
                                "birthdate",
                                Severity::Warning,
                                format!("{message}; the date was not kept"),
                            )),
                            None => {}
                        }
                        let place: Vec<String> = ["place", "city", "region", "countryDescription"]
                            .iter()
                            .filter_map(|p| attr(&e, p))
                            .collect();
                        if !place.is_empty() {
                            let place = place.join(", ");
                            if !entity.birth_places.contains(&place) {
                                entity.birth_places.push(place);
                            }
                        }
                    }
                    "identification" => {
                        let Some(number) = attr(&e, "number").or_else(|| attr(&e, "latinNumber"))
                        else {
                            diagnostics.push(diag(
                                line,
                                Some(&entity.id),
                                "identification",
                                Severity::Warning,
                                "an identification without a number; ignored".to_string(),
                            ));
                            continue;
                        };
                        let code = attr(&e, "identificationTypeCode").unwrap_or_default();
                        let mut details = Vec::new();
                        for (label, attribute) in [
                            ("issued by", "issuedBy"),
                            ("issued", "issuedDate"),
                            ("valid from", "validFrom"),
                            ("valid to", "validTo"),
                            ("name on document", "nameOnDocument"),
                            ("remark", "remark"),
                        ] {
                            if let Some(value) = attr(&e, attribute) {
                                details.push(format!("{label}: {value}"));
                            }
                        }
                        for (label, attribute) in [
                            ("diplomatic", "diplomatic"),
                            ("known expired", "knownExpired"),
                            ("known false", "knownFalse"),
                            ("reported lost", "reportedLost"),
                            ("revoked by issuer", "revokedByIssuer"),
                        ] {
                            if flag(&e, attribute) {
                                details.push(label.to_string());
                            }
                        }
                        entity.identifiers.push(Identifier {
                            kind: id_kind(&code, flag(&e, "diplomatic")),
                            value: number,
                            country: attr(&e, "countryDescription")
                                .or_else(|| attr(&e, "countryIso2Code")),
                            currency: None,
                            label: attr(&e, "identificationTypeDescription").unwrap_or(code),
                            details: (!details.is_empty()).then(|| details.join("; ")),
                        });
                    }
                    "address" => {
                        let join = |parts: &[&str]| {
                            let parts: Vec<String> =
                                parts.iter().filter_map(|p| attr(&e, p)).collect();
                            (!parts.is_empty()).then(|| parts.join(", "))
                        };
                        let address = Address {
                            street: join(&["street", "poBox"]),
                            city: join(&["zipCode", "city", "place", "region"]),
                            country: attr(&e, "countryDescription")
                                .or_else(|| attr(&e, "countryIso2Code")),
                            remark: join(&["contactInfo"]),
                        };
                        if address != Address::default() && !entity.addresses.contains(&address) {
                            entity.addresses.push(address);
                        }
                    }
                    "remark" => text_of = Some(("remark".to_string(), String::new())),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some((_, value)) = text_of.as_mut() {
                    value.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, value)) = text_of.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => value.push(c),
                        _ => match quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        {
                            Some(s) => value.push_str(s),
                            None => {
                                value.push('&');
                                value.push_str(&r.xml10_content());
                                value.push(';');
                            }
                        },
                    }
                }
            }
            Event::CData(t) => {
                if let Some((_, value)) = text_of.as_mut() {
                    value.push_str(&t.xml10_content());
                }
            }
            Event::End(e) => {
                let local = e.local_name();
                if local.as_ref() == "remark" {
                    if let (Some((_, mut value)), Some(record)) = (text_of.take(), current.as_mut())
                    {
                        cut(&mut value, MAX_FIELD_LEN);
                        let value = value.trim().to_string();
                        if !value.is_empty() {
                            let remarks = record.entity.remarks.get_or_insert_with(String::new);
                            if !remarks.is_empty() {
                                remarks.push('\n');
                            }
                            remarks.push_str(&value);
                            cut(remarks, MAX_FIELD_LEN);
                        }
                    }
                } else if local.as_ref() == "sanctionEntity"
                    && let Some(record) = current.take()
                {
                    finish(record, file.name, &mut diagnostics, &mut entities);
                }
            }
            _ => {}
        }
    }
    if !saw_root {
        return Err(Error::not_format(
            file.name,
            None,
            "the file holds no XML element: it is not an EU financial sanctions export",
        ));
    }
    entities.sort_by(|a: &Entity, b: &Entity| compare_source_ids(&a.id, &b.id));
    let mut seen = std::collections::HashSet::new();
    entities.retain(|e: &Entity| {
        let fresh = seen.insert(e.id.clone());
        if !fresh {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.name.to_string(),
                line: None,
                record: Some(short_id(&e.id)),
                field: Some("logicalId".to_string()),
                message: format!(
                    "logicalId {} appears twice; the later sanctionEntity was skipped",
                    e.id
                ),
            });
        }
        fresh
    });
    Ok(Parsed {
        entities,
        diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: n_records }],
        coverage: Coverage::FULL,
        remark_stats: RemarkStats::default(),
        published,
    })
}

/// Completes a `sanctionEntity`: its listing dates (the entity's `designationDate`, else each
/// regulation's publication date), scoped by programme.
fn finish(
    record: Record,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
    entities: &mut Vec<Entity>,
) {
    let Record { line, mut entity, designation_date, programmes } = record;
    if entity.names.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line: Some(line),
            record: Some(short_id(&entity.id)),
            field: Some("nameAlias".to_string()),
            message: "the sanctionEntity has no name; it was skipped".to_string(),
        });
        return;
    }
    let scopes: Vec<&(String, Option<DateSpec>)> = programmes.iter().collect();
    let mut push = |scope: &str, date: DateSpec| {
        let list_date = ListDate { kind: ListDateKind::Listing, date, scope: scope.to_string() };
        if !entity.list_dates.contains(&list_date) {
            entity.list_dates.push(list_date);
        }
    };
    match designation_date {
        Some(date) => {
            let scope = scopes.first().map_or("", |(p, _)| p.as_str());
            push(scope, date);
        }
        None => {
            // The earliest regulation of each programme lists the entity under it.
            let mut earliest: Vec<(&str, DateSpec)> = Vec::new();
            for (programme, date) in &scopes {
                let Some(date) = date else { continue };
                match earliest.iter_mut().find(|(p, _)| *p == programme.as_str()) {
                    Some((_, known)) if date.first_day() < known.first_day() => *known = *date,
                    Some(_) => {}
                    None => earliest.push((programme.as_str(), *date)),
                }
            }
            for (programme, date) in earliest {
                push(programme, date);
            }
        }
    }
    entities.push(entity);
}
