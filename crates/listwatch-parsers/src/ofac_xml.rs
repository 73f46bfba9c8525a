//! OFAC's `sdnList` XML publication (`sdn.xml`, `consolidated.xml`; namespace
//! `http://tempuri.org/sdnList.xsd`): `publshInformation` (sic) with `Publish_Date` (MM/DD/YYYY)
//! and `Record_Count`, then one `sdnEntry` per entry. The SDN and consolidated lists share the
//! layout, so one format reads both.
//!
//! The XML holds as elements what the legacy CSV holds as remark items (dates and places of
//! birth, nationalities, citizenships, documents and other identifiers, weak aliases). Each such
//! element is written as the item the CSV would hold (`DOB 1962`, `Passport L18507193 (Iran)`,
//! `a.k.a. 'X'`) and typed by the same remark typing ([`crate::ofac`]'s `LABELS`), so both
//! publications type an item alike; the free-text `remarks` element is split into items and
//! typed the same way. The entity's `remarks` field keeps the `remarks` element verbatim (the
//! CSV's holds every item).
//!
//! Not kept: the `uid`s of sub-items (alias, address, document uids), as the CSV parser does not
//! keep `alt_num` and `add_num`. Every element this parser does not know is kept as a labelled
//! attribute and reported once per file.

use std::collections::HashSet;

use listwatch_model::{
    Address, Attribute, Coverage, Date, Diagnostic, Entity, IdKind, Identifier, Name, NameKind,
    Schema, Severity, Vessel, compare_source_ids,
};

use crate::error::Result;
use crate::limits::{MAX_ENT_NUM_DIGITS, MAX_FIELD_LEN, cut};
use crate::ofac::remarks::{apply_remark_item, split_items};
use crate::xml::{self, Node, Piece};
use crate::{FileReport, InputFile, Parsed, RemarkStats};

/// The names OFAC gives the files.
pub const FILE_NAMES: &[&str] = &["sdn.xml", "consolidated.xml"];

const WHAT: &str = "OFAC's sdnList XML (<sdnList>)";

/// Refuses, from its first bytes, a file that is not OFAC's `sdnList` XML.
pub fn sniff(file: &InputFile<'_>) -> Result<()> {
    xml::sniff_root(file, "sdnList", WHAT)
}

struct Ctx<'a> {
    file: &'a str,
    diagnostics: Vec<Diagnostic>,
    reported: HashSet<String>,
    stats: RemarkStats,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        severity: Severity,
        line: u64,
        record: Option<&str>,
        field: Option<&str>,
        message: String,
    ) {
        let diagnostic = crate::xml::diagnostic(self.file, severity, line, record, field, message);
        self.diagnostics.push(diagnostic);
    }
}

/// Parses an OFAC `sdnList` XML file.
///
/// Returns an error only when the file is not this format (another root element) or is not
/// well-formed XML; a bad entry becomes a diagnostic.
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    sniff(file)?;
    let (text, _) = crate::text::decode(file.bytes);
    let mut ctx = Ctx {
        file: file.name,
        diagnostics: Vec::new(),
        reported: HashSet::new(),
        stats: RemarkStats::default(),
    };
    let mut entities: Vec<Entity> = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut n_records = 0u64;
    let mut published = None;
    let mut record_count: Option<(u64, u64)> = None;
    let gather = |path: &[String]| path.len() == 2;
    xml::walk(file.name, &text, &gather, &mut |piece| match piece {
        Piece::Root(_) => {}
        Piece::Element(_, node) => match node.name.as_str() {
            "sdnEntry" => {
                n_records += 1;
                if let Some(entity) = entry(&mut ctx, &node) {
                    if ids.insert(entity.id.clone()) {
                        entities.push(entity);
                    } else {
                        ctx.push(
                            Severity::Error,
                            node.line,
                            Some(&entity.id),
                            Some("uid"),
                            format!("uid {} appears twice; the later entry was skipped", entity.id),
                        );
                    }
                }
            }
            "publshInformation" => {
                published = publish_date(&mut ctx, &node);
                record_count = declared_count(&mut ctx, &node).map(|n| (n, node.line));
            }
            other => ctx.push(
                Severity::Warning,
                node.line,
                None,
                Some(other),
                format!("unexpected element <{other}> under <sdnList>; ignored"),
            ),
        },
        Piece::StrayText(path, line) => ctx.push(
            Severity::Warning,
            line,
            None,
            None,
            format!("text directly under <{}> is not part of any entry; ignored", path.join("/")),
        ),
    })?;
    if let Some((declared, line)) = record_count
        && declared != n_records
    {
        ctx.push(
            Severity::Warning,
            line,
            None,
            Some("Record_Count"),
            format!(
                "Record_Count says {declared} entries, but the file holds {n_records} sdnEntry elements: the publication may be incomplete"
            ),
        );
    }
    for entity in &mut entities {
        crate::names::add_parenthesized_names(entity);
    }
    entities.sort_by(|a, b| compare_source_ids(&a.id, &b.id));
    Ok(Parsed {
        entities,
        diagnostics: ctx.diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: n_records }],
        coverage: Coverage::FULL,
        remark_stats: ctx.stats,
        published,
    })
}

/// `Publish_Date`, written MM/DD/YYYY.
fn publish_date(ctx: &mut Ctx<'_>, node: &Node) -> Option<Date> {
    let Some(text) = node.text_of("Publish_Date") else {
        ctx.push(
            Severity::Warning,
            node.line,
            None,
            Some("Publish_Date"),
            "the file has no Publish_Date: its publication date must be given".into(),
        );
        return None;
    };
    let parts: Vec<&str> = text.trim().split('/').collect();
    let date = match parts.as_slice() {
        [month, day, year] => match (month.parse(), day.parse(), year.parse::<i32>()) {
            (Ok(month), Ok(day), Ok(year)) if year.to_string().len() == 4 => {
                Date::new(year, month, day).ok()
            }
            _ => None,
        },
        _ => None,
    };
    if date.is_none() {
        let mut shown = text.to_string();
        cut(&mut shown, 40);
        ctx.push(
            Severity::Warning,
            node.line,
            None,
            Some("Publish_Date"),
            format!("Publish_Date {shown:?} is not a date written MM/DD/YYYY"),
        );
    }
    date
}

fn declared_count(ctx: &mut Ctx<'_>, node: &Node) -> Option<u64> {
    let text = node.text_of("Record_Count")?;
    match text.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            let mut shown = text.to_string();
            cut(&mut shown, 40);
            ctx.push(
                Severity::Warning,
                node.line,
                None,
                Some("Record_Count"),
                format!("Record_Count {shown:?} is not a number"),
            );
            None
        }
    }
}

/// A value as published, trimmed (inner spaces are kept: the CSV keeps them too).
fn clean(text: &str) -> String {
    text.trim().to_string()
}

/// `lastName, firstName` as the CSV writes names, or the last name alone.
fn full_name(node: &Node) -> Option<String> {
    let last = node.text_of("lastName").map(clean);
    let first = node.text_of("firstName").map(clean);
    match (last, first) {
        (Some(last), Some(first)) => Some(format!("{last}, {first}")),
        (Some(name), None) | (None, Some(name)) => Some(name),
        (None, None) => None,
    }
}

/// The children of the list element `list` that are named `item`.
fn items<'n>(node: &'n Node, list: &str, item: &'n str) -> impl Iterator<Item = &'n Node> {
    node.children
        .iter()
        .filter(move |c| c.name == list)
        .flat_map(move |l| l.children.iter().filter(move |c| c.name == item))
}

const ENTRY_FIELDS: &[&str] = &[
    "uid",
    "firstName",
    "lastName",
    "title",
    "sdnType",
    "remarks",
    "programList",
    "idList",
    "akaList",
    "addressList",
    "nationalityList",
    "citizenshipList",
    "dateOfBirthList",
    "placeOfBirthList",
    "vesselInfo",
];

fn entry(ctx: &mut Ctx<'_>, node: &Node) -> Option<Entity> {
    let line = node.line;
    let raw_id = node.text_of("uid").unwrap_or("");
    if raw_id.is_empty()
        || raw_id.len() > MAX_ENT_NUM_DIGITS
        || !raw_id.bytes().all(|b| b.is_ascii_digit())
    {
        let mut shown = raw_id.to_string();
        cut(&mut shown, 40);
        ctx.push(
            Severity::Error,
            line,
            None,
            Some("uid"),
            format!(
                "expected a uid of at most {MAX_ENT_NUM_DIGITS} digits, found {shown:?}; the entry was skipped"
            ),
        );
        return None;
    }
    let id = raw_id.to_string();
    for cut_node in node.descendants().into_iter().filter(|n| n.cut) {
        ctx.push(
            Severity::Warning,
            cut_node.line,
            Some(&id),
            Some(&cut_node.name),
            format!(
                "the field is longer than the limit of {MAX_FIELD_LEN} bytes; it was cut to the limit"
            ),
        );
    }
    let Some(name) = full_name(node) else {
        ctx.push(
            Severity::Error,
            line,
            Some(&id),
            Some("lastName"),
            "the entry has no name; it was skipped".into(),
        );
        return None;
    };
    let sdn_type = node.text_of("sdnType").map(clean);
    let schema = match sdn_type.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("individual") => Schema::Person,
        Some("vessel") => Schema::Vessel,
        Some("aircraft") => Schema::Aircraft,
        Some("entity") | None => Schema::Organization,
        Some(_) => {
            let mut shown = sdn_type.clone().unwrap_or_default();
            cut(&mut shown, 40);
            ctx.push(
                Severity::Warning,
                line,
                Some(&id),
                Some("sdnType"),
                format!("unknown sdnType {shown:?} (expected Individual, Entity, Vessel or Aircraft); read as an organization"),
            );
            Schema::Organization
        }
    };
    let mut entity = Entity::new(id.clone(), schema, name);
    entity.programs =
        items(node, "programList", "program").filter_map(|p| p.value().map(clean)).collect();
    entity.title = node.text_of("title").map(clean);

    // Vessel particulars, with the call sign first among the identifiers as in the CSV.
    if let Some(info) = node.child("vesselInfo") {
        if let Some(call_sign) = info.text_of("callSign").map(clean) {
            entity.identifiers.push(Identifier {
                kind: IdKind::CallSign,
                value: call_sign,
                country: None,
                currency: None,
                label: "Call Sign".into(),
                details: None,
            });
        }
        let vessel = Vessel {
            vessel_type: info.text_of("vesselType").map(clean),
            tonnage: info.text_of("tonnage").map(clean),
            gross_registered_tonnage: info.text_of("grossRegisteredTonnage").map(clean),
            flag: info.text_of("vesselFlag").map(clean),
            owner: info.text_of("vesselOwner").map(clean),
        };
        if vessel != Vessel::default() {
            entity.vessel = Some(vessel);
        }
        leftovers(
            ctx,
            &mut entity,
            info,
            &[
                "callSign",
                "vesselType",
                "tonnage",
                "grossRegisteredTonnage",
                "vesselFlag",
                "vesselOwner",
            ],
        );
    }

    // Strong aliases are names of their own; weak ones are typed as the CSV's remark items.
    let mut remark_items: Vec<String> = Vec::new();
    for aka in items(node, "akaList", "aka") {
        leftovers(ctx, &mut entity, aka, &["uid", "type", "category", "lastName", "firstName"]);
        let Some(value) = full_name(aka) else { continue };
        let kind_text = aka.text_of("type").map(clean).unwrap_or_default();
        let weak = aka.text_of("category").is_some_and(|c| c.trim().eq_ignore_ascii_case("weak"));
        if weak {
            remark_items.push(format!(
                "{} '{value}'",
                if kind_text.is_empty() { "a.k.a." } else { &kind_text }
            ));
            continue;
        }
        let kind = match kind_text.to_ascii_lowercase().as_str() {
            "a.k.a." | "" => NameKind::Aka,
            "f.k.a." => NameKind::Fka,
            "n.k.a." => NameKind::Nka,
            _ => {
                let mut shown = kind_text.clone();
                cut(&mut shown, 40);
                ctx.push(
                    Severity::Warning,
                    aka.line,
                    Some(&id),
                    Some("type"),
                    format!("unknown alias type {shown:?} (expected a.k.a., f.k.a. or n.k.a.); read as a.k.a."),
                );
                NameKind::Aka
            }
        };
        entity.names.push(Name { value, kind, remark: None });
    }

    for address in items(node, "addressList", "address") {
        leftovers(
            ctx,
            &mut entity,
            address,
            &[
                "uid",
                "address1",
                "address2",
                "address3",
                "city",
                "stateOrProvince",
                "postalCode",
                "country",
            ],
        );
        let join = |parts: &[Option<&str>], sep: &str| -> Option<String> {
            let parts: Vec<String> =
                parts.iter().flatten().map(|p| clean(p)).filter(|p| !p.is_empty()).collect();
            if parts.is_empty() { None } else { Some(parts.join(sep)) }
        };
        let street = join(
            &[
                address.text_of("address1"),
                address.text_of("address2"),
                address.text_of("address3"),
            ],
            ", ",
        );
        // The CSV's City/State/Province/Postal Code column: `Rome, RM 00187`, `Tehran 11365`.
        let city_state = join(&[address.text_of("city"), address.text_of("stateOrProvince")], ", ");
        let city = join(&[city_state.as_deref(), address.text_of("postalCode")], " ");
        let address =
            Address { street, city, country: address.text_of("country").map(clean), remark: None };
        if address != Address::default() {
            entity.addresses.push(address);
        }
    }

    // The items the CSV writes into the remarks, in the CSV's order of kinds.
    let main = |item: &Node| item.text_of("mainEntry").is_none_or(|m| m.trim() != "false");
    let alt = |item: &Node| if main(item) { "" } else { "alt. " };
    for (list, item, field, label) in [
        ("dateOfBirthList", "dateOfBirthItem", "dateOfBirth", "DOB"),
        ("placeOfBirthList", "placeOfBirthItem", "placeOfBirth", "POB"),
        ("nationalityList", "nationality", "country", "nationality"),
        ("citizenshipList", "citizenship", "country", "citizen"),
    ] {
        for element in items(node, list, item) {
            leftovers(ctx, &mut entity, element, &["uid", field, "mainEntry"]);
            if let Some(value) = element.text_of(field) {
                remark_items.push(format!("{}{label} {}", alt(element), clean(value)));
            }
        }
    }
    for id_node in items(node, "idList", "id") {
        leftovers(
            ctx,
            &mut entity,
            id_node,
            &["uid", "idType", "idNumber", "idCountry", "issueDate", "expirationDate"],
        );
        let mut item = [id_node.text_of("idType"), id_node.text_of("idNumber")]
            .iter()
            .flatten()
            .map(|p| clean(p))
            .collect::<Vec<_>>()
            .join(" ");
        if item.is_empty() {
            continue;
        }
        if let Some(country) = id_node.text_of("idCountry") {
            item.push_str(&format!(" ({})", clean(country)));
        }
        if let Some(issued) = id_node.text_of("issueDate") {
            item.push_str(&format!(" issued {}", clean(issued)));
        }
        if let Some(expires) = id_node.text_of("expirationDate") {
            item.push_str(&format!(" expires {}", clean(expires)));
        }
        remark_items.push(item);
    }
    // An element's value may hold several items (`Not on the SDN List ...; U.S. Persons Must
    // Continue to Block ...`), which the CSV's remarks split at `; `: split them alike.
    for item in remark_items.iter().flat_map(|item| item.split("; ")) {
        apply_remark_item(&mut entity, item.trim(), &mut ctx.stats);
    }
    if let Some(remarks) = node.text_of("remarks") {
        for item in split_items(remarks) {
            // `(Linked To: NATIONAL IRANIAN TANKER COMPANY)`: the XML wraps some items in
            // parentheses that the CSV does not write.
            let item = item
                .strip_prefix('(')
                .and_then(|i| i.strip_suffix(')'))
                .filter(|i| i.starts_with("Linked To:"))
                .unwrap_or(item);
            apply_remark_item(&mut entity, item, &mut ctx.stats);
        }
        entity.remarks = Some(remarks.to_string());
    }
    for child in &node.children {
        if !ENTRY_FIELDS.contains(&child.name.as_str()) {
            unknown(ctx, &mut entity, None, child);
        } else if child.name.ends_with("List") {
            let item_names: &[&str] = match child.name.as_str() {
                "programList" => &["program"],
                "idList" => &["id"],
                "akaList" => &["aka"],
                "addressList" => &["address"],
                "nationalityList" => &["nationality"],
                "citizenshipList" => &["citizenship"],
                "dateOfBirthList" => &["dateOfBirthItem"],
                _ => &["placeOfBirthItem"],
            };
            leftovers(ctx, &mut entity, child, item_names);
        }
    }
    // Strong aliases first after the primary name, then the weak ones: the CSV parser's order.
    entity.names.sort_by_key(|name| match name.kind {
        NameKind::Primary => 0,
        _ if name.kind.is_weak() => 2,
        _ => 1,
    });
    Some(entity)
}

/// An element this parser does not know: kept as an attribute (label `parent/name`) with its
/// text and its children's, and reported once per file and name.
fn unknown(ctx: &mut Ctx<'_>, entity: &mut Entity, parent: Option<&str>, node: &Node) {
    let label = match parent {
        Some(parent) => format!("{parent}/{}", node.name),
        None => node.name.clone(),
    };
    let texts: Vec<String> =
        node.descendants().into_iter().filter_map(|n| n.value().map(clean)).collect();
    if !texts.is_empty() {
        entity.attributes.push(Attribute { label: label.clone(), value: texts.join("; ") });
    }
    if ctx.reported.insert(label.clone()) {
        let id = entity.id.clone();
        ctx.push(
            Severity::Warning,
            node.line,
            Some(&id),
            Some(&label),
            format!("unknown element <{label}>; its text is kept as an attribute (reported once per file)"),
        );
    }
}

fn leftovers(ctx: &mut Ctx<'_>, entity: &mut Entity, node: &Node, known: &[&str]) {
    for child in node.children.iter().filter(|c| !known.contains(&c.name.as_str())) {
        unknown(ctx, entity, Some(&node.name), child);
    }
}
