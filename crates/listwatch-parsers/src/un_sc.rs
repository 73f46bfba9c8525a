//! The UN Security Council consolidated list, XML (`consolidated.xml`, `UN_consolidated.xml`):
//! `CONSOLIDATED_LIST` with a `dateGenerated` attribute (the publication date), then
//! `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY` records.
//!
//! Mapping: the id is `DATAID`; the primary name joins `FIRST_NAME` .. `FOURTH_NAME` in the list's
//! order; `NAME_ORIGINAL_SCRIPT` is a name of its own (remark `original script`); aliases of
//! `QUALITY` Good (or `a.k.a.`) are strong aliases, Low ones weak (`f.k.a.` a former name);
//! `UN_LIST_TYPE` is the program and the scope of the `LISTED_ON` listing date;
//! `REFERENCE_NUMBER` an identifier (`UN Reference Number`, not a strong one); dates of birth of
//! type EXACT, APPROXIMATELY and BETWEEN become [`DateSpec`]s; documents become identifiers with
//! their issuing country; `COMMENTS1` is the remarks; `TITLE` values the title, `DESIGNATION`
//! values attributes. Every other element (`VERSIONNUM`, `LIST_TYPE`, `LAST_DAY_UPDATED`, notes,
//! elements this parser does not know) is kept as a labelled attribute.
//!
//! The file is the whole list: its [`Coverage`] is [`Coverage::FULL`].

use std::collections::HashSet;

use listwatch_model::{
    Address, Attribute, Coverage, Date, DateSpec, Diagnostic, Entity, Gender, IdKind, Identifier,
    ListDate, ListDateKind, Name, NameKind, PartialDate, Schema, Severity, compare_source_ids,
};

use crate::error::Result;
use crate::limits::{MAX_ENT_NUM_DIGITS, MAX_FIELD_LEN, cut};
use crate::names::{Given, is_note, parenthesis_gives, trailing_parenthesis};
use crate::xml::{self, Node, Piece, clean};
use crate::{FileReport, InputFile, Parsed, RemarkStats};

/// The names the UN gives the file.
pub const FILE_NAMES: &[&str] = &["UN_consolidated.xml", "consolidated.xml"];

const WHAT: &str = "a UN Security Council consolidated list (<CONSOLIDATED_LIST>)";

/// Refuses, from its first bytes, a file that is not a UN consolidated list: not XML, or XML with
/// another root element.
pub fn sniff(file: &InputFile<'_>) -> Result<()> {
    xml::sniff_root(file, "CONSOLIDATED_LIST", WHAT)
}

struct Ctx<'a> {
    file: &'a str,
    diagnostics: Vec<Diagnostic>,
    /// Unknown element names already reported once.
    reported: HashSet<String>,
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

/// Parses a UN consolidated list.
///
/// Returns an error only when the file is not this format (another root element) or is not
/// well-formed XML; a bad record becomes a diagnostic.
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    sniff(file)?;
    let (text, _) = crate::text::decode(file.bytes);
    let mut ctx = Ctx { file: file.name, diagnostics: Vec::new(), reported: HashSet::new() };
    let mut entities: Vec<Entity> = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut n_records = 0u64;
    let mut published = None;
    let gather = |path: &[String]| match path.len() {
        2 => !matches!(path[1].as_str(), "INDIVIDUALS" | "ENTITIES"),
        3 => true,
        _ => false,
    };
    xml::walk(file.name, &text, &gather, &mut |piece| match piece {
        Piece::Root(root) => {
            published = publication_date(&mut ctx, root);
        }
        Piece::Element(path, node) => {
            let known = path.len() == 3
                && matches!(
                    (path[1].as_str(), path[2].as_str()),
                    ("INDIVIDUALS", "INDIVIDUAL") | ("ENTITIES", "ENTITY")
                );
            if !known {
                ctx.push(
                    Severity::Warning,
                    node.line,
                    None,
                    Some(&node.name),
                    format!(
                        "unexpected element <{}> under <{}>; ignored",
                        node.name,
                        path[..path.len() - 1].join("/")
                    ),
                );
                return;
            }
            n_records += 1;
            if let Some(entity) = record(&mut ctx, &node)
                && !duplicate(&mut ctx, &mut ids, &entity, node.line)
            {
                entities.push(entity);
            }
        }
        Piece::StrayText(path, line) => ctx.push(
            Severity::Warning,
            line,
            None,
            None,
            format!("text directly under <{}> is not part of any record; ignored", path.join("/")),
        ),
    })?;
    entities.sort_by(|a, b| compare_source_ids(&a.id, &b.id));
    Ok(Parsed {
        entities,
        diagnostics: ctx.diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: n_records }],
        coverage: Coverage::FULL,
        remark_stats: RemarkStats::default(),
        published,
    })
}

fn duplicate(ctx: &mut Ctx<'_>, ids: &mut HashSet<String>, entity: &Entity, line: u64) -> bool {
    if ids.insert(entity.id.clone()) {
        return false;
    }
    ctx.push(
        Severity::Error,
        line,
        Some(&entity.id),
        Some("DATAID"),
        format!("DATAID {} appears twice; the later record was skipped", entity.id),
    );
    true
}

/// `dateGenerated="2018-10-29T19:09:49.856-04:00"`: the day the list was generated, as written
/// (its own time zone).
fn publication_date(ctx: &mut Ctx<'_>, root: &Node) -> Option<Date> {
    let Some(value) = root.attribute("dateGenerated") else {
        ctx.push(
            Severity::Warning,
            root.line,
            None,
            Some("dateGenerated"),
            "the list has no dateGenerated attribute: its publication date must be given".into(),
        );
        return None;
    };
    match value.get(..10).map(Date::parse_iso) {
        Some(Ok(date)) => Some(date),
        _ => {
            let mut shown = value.to_string();
            cut(&mut shown, 40);
            ctx.push(
                Severity::Warning,
                root.line,
                None,
                Some("dateGenerated"),
                format!("dateGenerated {shown:?} does not start with a date (YYYY-MM-DD)"),
            );
            None
        }
    }
}

/// A date as the UN writes it: `1964-07-17`, sometimes with a time zone (`1958-09-12-05:00`).
fn un_date(text: &str) -> Option<PartialDate> {
    let text = text.trim();
    let date = match text.get(10..) {
        Some(zone)
            if !zone.is_empty()
                && (zone == "Z"
                    || (zone.len() == 6
                        && zone.starts_with(['+', '-'])
                        && zone.as_bytes()[3] == b':')) =>
        {
            &text[..10]
        }
        _ => text,
    };
    PartialDate::parse_iso(date).ok()
}

fn values(node: &Node, name: &str) -> Vec<String> {
    node.children
        .iter()
        .filter(|c| c.name == name)
        .flat_map(|c| c.children.iter().filter(|v| v.name == "VALUE"))
        .filter_map(|v| v.value().map(clean))
        .collect()
}

fn join(parts: &[Option<&str>], sep: &str) -> Option<String> {
    let parts: Vec<String> =
        parts.iter().flatten().map(|p| clean(p)).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() { None } else { Some(parts.join(sep)) }
}

const RECORD_FIELDS: &[&str] = &[
    "DATAID",
    "VERSIONNUM",
    "FIRST_NAME",
    "SECOND_NAME",
    "THIRD_NAME",
    "FOURTH_NAME",
    "UN_LIST_TYPE",
    "REFERENCE_NUMBER",
    "LISTED_ON",
    "GENDER",
    "NAME_ORIGINAL_SCRIPT",
    "COMMENTS1",
    "DESIGNATION",
    "TITLE",
    "NATIONALITY",
    "LIST_TYPE",
    "LAST_DAY_UPDATED",
    "INDIVIDUAL_ALIAS",
    "ENTITY_ALIAS",
    "INDIVIDUAL_ADDRESS",
    "ENTITY_ADDRESS",
    "INDIVIDUAL_DATE_OF_BIRTH",
    "INDIVIDUAL_PLACE_OF_BIRTH",
    "INDIVIDUAL_DOCUMENT",
    "SORT_KEY",
    "SORT_KEY_LAST_MOD",
    "SUBMITTED_BY",
    "SUBMITTED_ON",
];

/// Labels of elements kept as attributes as they are.
const ATTRIBUTE_FIELDS: &[(&str, &str)] = &[
    ("VERSIONNUM", "Version Number"),
    ("SORT_KEY", "Sort Key"),
    ("SORT_KEY_LAST_MOD", "Sort Key Last Modified"),
    ("SUBMITTED_BY", "Submitted By"),
    ("SUBMITTED_ON", "Submitted On"),
];

fn record(ctx: &mut Ctx<'_>, node: &Node) -> Option<Entity> {
    let line = node.line;
    let id = node.text_of("DATAID").map(str::to_string);
    let Some(id) = id.filter(|id| {
        !id.is_empty() && id.len() <= MAX_ENT_NUM_DIGITS && id.bytes().all(|b| b.is_ascii_digit())
    }) else {
        let mut shown = node.text_of("DATAID").unwrap_or("").to_string();
        cut(&mut shown, 40);
        ctx.push(
            Severity::Error,
            line,
            None,
            Some("DATAID"),
            format!(
                "expected a DATAID of at most {MAX_ENT_NUM_DIGITS} digits, found {shown:?}; the record was skipped"
            ),
        );
        return None;
    };
    for cut_node in node.descendants().into_iter().filter(|n| n.cut) {
        ctx.push(
            Severity::Warning,
            cut_node.line,
            Some(&id),
            Some(&cut_node.name),
            format!("the field is longer than the limit of {MAX_FIELD_LEN} bytes; it was cut to the limit"),
        );
    }
    let schema = if node.name == "INDIVIDUAL" { Schema::Person } else { Schema::Organization };
    let parts: Vec<Option<&str>> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .map(|name| node.text_of(name))
        .collect();
    let primary = join(&parts, " ");
    let original = node.text_of("NAME_ORIGINAL_SCRIPT").map(clean);
    let Some(primary) = primary.or_else(|| original.clone()) else {
        ctx.push(
            Severity::Error,
            line,
            Some(&id),
            Some("FIRST_NAME"),
            "the record has no name (FIRST_NAME .. FOURTH_NAME, NAME_ORIGINAL_SCRIPT); it was skipped"
                .into(),
        );
        return None;
    };
    let mut entity = Entity::new(id.clone(), schema, primary.clone());
    // An entity's name may hold several names and acronyms as an alias element does
    // ("COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)",
    // "KHATIBA IMAM AL-BUKHARI (KIB)"): the name is kept as listed, and each name in it is an
    // alias besides. A person's name parts are names, not lists.
    if schema != Schema::Person {
        for value in alias_names(&primary, false).0.into_iter().filter(|v| *v != primary) {
            entity.names.push(Name {
                value,
                kind: NameKind::Aka,
                remark: Some("in the listed name".into()),
            });
        }
    }
    if let Some(original) = original.filter(|o| *o != primary) {
        entity.names.push(Name {
            value: original,
            kind: NameKind::Aka,
            remark: Some("original script".into()),
        });
    }
    if let Some(program) = node.text_of("UN_LIST_TYPE").map(clean) {
        entity.programs.push(program);
    }
    if let Some(reference) = node.text_of("REFERENCE_NUMBER").map(clean) {
        entity.identifiers.push(Identifier {
            kind: IdKind::Other,
            value: reference,
            country: None,
            currency: None,
            label: "UN Reference Number".into(),
            details: None,
        });
    }
    if let Some(listed) = node.text_of("LISTED_ON") {
        match un_date(listed) {
            Some(date) => entity.list_dates.push(ListDate {
                kind: ListDateKind::Listing,
                date: DateSpec::On(date),
                scope: entity.programs.first().cloned().unwrap_or_default(),
            }),
            None => bad_value(
                ctx,
                &mut entity,
                line,
                "LISTED_ON",
                "Listed On",
                listed,
                "a date YYYY-MM-DD",
            ),
        }
    }
    if let Some(gender) = node.text_of("GENDER") {
        match gender.trim().to_ascii_lowercase().as_str() {
            "male" => entity.gender = Some(Gender::Male),
            "female" => entity.gender = Some(Gender::Female),
            _ => entity.attributes.push(Attribute { label: "Gender".into(), value: clean(gender) }),
        }
    }
    entity.remarks = node.text_of("COMMENTS1").map(str::to_string);
    let titles = values(node, "TITLE");
    if !titles.is_empty() {
        entity.title = Some(titles.join("; "));
    }
    for designation in values(node, "DESIGNATION") {
        entity.attributes.push(Attribute { label: "Designation".into(), value: designation });
    }
    entity.nationalities = values(node, "NATIONALITY");
    for value in values(node, "LIST_TYPE") {
        entity.attributes.push(Attribute { label: "List Type".into(), value });
    }
    for value in values(node, "LAST_DAY_UPDATED") {
        entity.attributes.push(Attribute { label: "Last Day Updated".into(), value });
    }
    for &(name, label) in ATTRIBUTE_FIELDS {
        for child in node.children.iter().filter(|c| c.name == name) {
            if let Some(value) = child.value() {
                entity.attributes.push(Attribute { label: label.into(), value: clean(value) });
            }
        }
    }
    for child in &node.children {
        match child.name.as_str() {
            "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => alias(ctx, &mut entity, child),
            "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => address(ctx, &mut entity, child),
            "INDIVIDUAL_DATE_OF_BIRTH" => birth_date(ctx, &mut entity, child),
            "INDIVIDUAL_PLACE_OF_BIRTH" => birth_place(ctx, &mut entity, child),
            "INDIVIDUAL_DOCUMENT" => document(ctx, &mut entity, child),
            name if RECORD_FIELDS.contains(&name) => {
                leftovers(ctx, &mut entity, child, &["VALUE"]);
            }
            _ => unknown(ctx, &mut entity, None, child),
        }
    }
    // Strong names first after the primary name and the original script, then the weak ones,
    // each in the list's order.
    entity.names.sort_by_key(|name| match name.kind {
        NameKind::Primary => 0,
        _ if name.kind.is_weak() => 2,
        _ => 1,
    });
    Some(entity)
}

fn bad_value(
    ctx: &mut Ctx<'_>,
    entity: &mut Entity,
    line: u64,
    field: &str,
    label: &str,
    value: &str,
    expected: &str,
) {
    let mut shown = clean(value);
    cut(&mut shown, 40);
    ctx.push(
        Severity::Warning,
        line,
        Some(&entity.id),
        Some(field),
        format!("expected {expected}, found {shown:?}; kept as the attribute {label:?}"),
    );
    entity.attributes.push(Attribute { label: label.into(), value: clean(value) });
}

/// An element this parser does not know: kept as an attribute (label `PARENT/NAME`) with its
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
        ctx.push(
            Severity::Warning,
            node.line,
            Some(&entity.id.clone()),
            Some(&label),
            format!("unknown element <{label}>; its text is kept as an attribute (reported once per file)"),
        );
    }
}

/// Children of a composite element other than `known`: kept as attributes.
fn leftovers(ctx: &mut Ctx<'_>, entity: &mut Entity, node: &Node, known: &[&str]) {
    for child in node.children.iter().filter(|c| !known.contains(&c.name.as_str())) {
        unknown(ctx, entity, Some(&node.name), child);
    }
}

fn alias(ctx: &mut Ctx<'_>, entity: &mut Entity, node: &Node) {
    leftovers(
        ctx,
        entity,
        node,
        &["QUALITY", "ALIAS_NAME", "NOTE", "DATE_OF_BIRTH", "CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"],
    );
    let remark = join(
        &[
            node.text_of("NOTE"),
            node.text_of("DATE_OF_BIRTH").map(|d| format!("date of birth {d}")).as_deref(),
            node.text_of("CITY_OF_BIRTH").map(|c| format!("city of birth {c}")).as_deref(),
            node.text_of("COUNTRY_OF_BIRTH").map(|c| format!("country of birth {c}")).as_deref(),
        ],
        "; ",
    );
    let Some(value) = node.text_of("ALIAS_NAME").map(clean) else {
        if let Some(remark) = remark {
            entity.attributes.push(Attribute { label: "Alias".into(), value: remark });
        }
        return;
    };
    let quality = node.text_of("QUALITY").map(clean).unwrap_or_default();
    let kind = match quality.to_ascii_lowercase().as_str() {
        "good" | "a.k.a." | "" => NameKind::Aka,
        "low" => NameKind::WeakAka,
        "f.k.a." => NameKind::Fka,
        _ => {
            let mut shown = quality.clone();
            cut(&mut shown, 40);
            ctx.push(
                Severity::Warning,
                node.line,
                Some(&entity.id),
                Some("QUALITY"),
                format!("unknown alias QUALITY {shown:?} (expected Good, Low, a.k.a. or f.k.a.); read as a strong alias"),
            );
            NameKind::Aka
        }
    };
    let (values, note) = alias_names(&value, entity.schema == Schema::Person);
    let remark = match (remark, note) {
        (Some(remark), Some(note)) => Some(format!("{note}; {remark}")),
        (remark, note) => remark.or(note),
    };
    for value in values {
        entity.names.push(Name { value, kind, remark: remark.clone() });
    }
}

/// The names one `ALIAS_NAME` holds, and a note it carries besides them. The list writes several
/// spellings in one element ("Qasim Soleimani; Qasem Sulaimani"), sometimes enumerated ("a) ...
/// b) ..."), gives the name in another script, another spelling or an acronym in parentheses
/// ("Jin Tiesan (金铁三)", "Amir Khazmat (original script: Амир Хазмат)", "Libyan Foreign
/// Investment Company (LFIC)", or its last word alone: "Lom-ali Butayev (Butaev)", read as
/// "Lom-ali Butaev"), nests such parentheses, and adds notes in parentheses or after ", born"
/// ("EL PARA (COMBAT NAME)", "(... - sub-unit name)"). Each name is screened on its own, so
/// none is lost inside a longer string; the notes become the names' remark. Text with none of
/// this is one name, unchanged.
fn alias_names(value: &str, person: bool) -> (Vec<String>, Option<String>) {
    let mut notes: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    alias_parts(value, person, 0, &mut names, &mut notes);
    if names.is_empty() {
        names.push(value.trim().to_string());
    }
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    (names, note)
}

/// Adds the names and notes of `value` ([`alias_names`]); `depth` bounds the nesting followed.
fn alias_parts(
    value: &str,
    person: bool,
    depth: usize,
    names: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let add = |names: &mut Vec<String>, name: &str| {
        let name = name.trim();
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    // Names separated by ";" outside parentheses, each read on its own.
    let parts = top_level_parts(value);
    if parts.len() > 1 {
        for part in parts {
            alias_parts(part, person, depth, names, notes);
        }
        return;
    }
    let mut text = value.trim();
    if let Some(at) = text.to_ascii_lowercase().find(", born ") {
        notes.push(text[at + 2..].trim().to_string());
        text = text[..at].trim();
    }
    // The parentheses that end the text, the last one first, while each gives names or notes;
    // one that does not ("(UNION OF THE COMOROS)", "(martyrs)") stays part of the name.
    let mut alternatives: Vec<Vec<String>> = Vec::new();
    while depth < 3
        && let Some(open) = trailing_parenthesis(text)
    {
        let outside = text[..open].trim();
        let mut inner = text[open + 1..text.len() - 1].trim();
        const ORIGINAL: &str = "original script:";
        let original =
            inner.get(..ORIGINAL.len()).is_some_and(|p| p.eq_ignore_ascii_case(ORIGINAL));
        if original {
            inner = &inner[ORIGINAL.len()..];
        }
        let inner_parts = top_level_parts(inner);
        let (mut found, mut found_notes) = (Vec::new(), Vec::new());
        for part in &inner_parts {
            let (mut part_names, mut part_notes) = (Vec::new(), Vec::new());
            alias_parts(part, person, depth + 1, &mut part_names, &mut part_notes);
            if part_names.len() == 1 && is_note(&part_names[0]) {
                found_notes.push(part.trim().to_string());
            } else {
                found.extend(part_names);
                found_notes.extend(part_notes);
            }
        }
        // A list of spellings or a name declared the original script are names of their own;
        // one name alone gives what [`parenthesis_gives`] says ("Lom-ali Butayev (Butaev)" is
        // "Lom-ali Butaev").
        let given = match found.as_slice() {
            [] => Some(Vec::new()),
            [other] if !original && inner_parts.len() == 1 => {
                parenthesis_gives(outside, other, person).map(|given| match given {
                    Given::Name(name) | Given::Spelling(name) => vec![name],
                })
            }
            _ => Some(found),
        };
        let Some(given) = given else { break };
        text = outside;
        notes.extend(found_notes);
        alternatives.push(given);
    }
    for part in split_enumeration(text) {
        add(names, part);
    }
    for other in alternatives.iter().rev().flatten() {
        add(names, other);
    }
}

/// `text` split at the ";" that stand outside parentheses.
fn top_level_parts(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Splits an enumeration written in one alias ("Mohammad Sabet b) M. Javad Kareemi Sabet") at
/// its markers: a single letter and ")" at the start or after a space.
fn split_enumeration(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for at in 0..bytes.len().saturating_sub(1) {
        let starts_word = at == 0 || bytes[at - 1] == b' ';
        let after = bytes.get(at + 2).copied();
        if starts_word
            && bytes[at].is_ascii_lowercase()
            && bytes[at + 1] == b')'
            && after.is_none_or(|b| b == b' ')
        {
            cuts.push((at, at + 2));
        }
    }
    let mut parts: Vec<&str> = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for (cut_start, cut_end) in cuts {
        parts.push(&text[start..cut_start]);
        start = cut_end;
    }
    parts.push(&text[start..]);
    parts.into_iter()
}

fn address(ctx: &mut Ctx<'_>, entity: &mut Entity, node: &Node) {
    leftovers(
        ctx,
        entity,
        node,
        &["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE"],
    );
    let address = Address {
        street: node.text_of("STREET").map(clean),
        city: join(
            &[node.text_of("CITY"), node.text_of("STATE_PROVINCE"), node.text_of("ZIP_CODE")],
            ", ",
        ),
        country: node.text_of("COUNTRY").map(clean),
        remark: node.text_of("NOTE").map(clean),
    };
    if address != Address::default() {
        entity.addresses.push(address);
    }
}

fn birth_place(ctx: &mut Ctx<'_>, entity: &mut Entity, node: &Node) {
    leftovers(ctx, entity, node, &["STREET", "CITY", "STATE_PROVINCE", "COUNTRY", "NOTE"]);
    let place = join(
        &[
            node.text_of("STREET"),
            node.text_of("CITY"),
            node.text_of("STATE_PROVINCE"),
            node.text_of("COUNTRY"),
        ],
        ", ",
    );
    let note = node.text_of("NOTE").map(clean);
    match (place, note) {
        (Some(place), Some(note)) => entity.birth_places.push(format!("{place} ({note})")),
        (Some(place), None) => entity.birth_places.push(place),
        (None, Some(note)) => {
            entity.attributes.push(Attribute { label: "Place of Birth".into(), value: note })
        }
        (None, None) => {}
    }
}

fn birth_date(ctx: &mut Ctx<'_>, entity: &mut Entity, node: &Node) {
    leftovers(ctx, entity, node, &["TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE"]);
    if let Some(note) = node.text_of("NOTE") {
        entity
            .attributes
            .push(Attribute { label: "Date of Birth Note".into(), value: clean(note) });
    }
    let kind = node.text_of("TYPE_OF_DATE").map(|t| t.trim().to_ascii_uppercase());
    let year = |name: &str| {
        node.text_of(name)
            .map(|y| (y, y.trim().parse::<i32>().ok().and_then(|y| PartialDate::year_only(y).ok())))
    };
    let single = match (node.text_of("DATE"), year("YEAR")) {
        (Some(date), _) => Some((date, un_date(date))),
        (None, Some(year)) => Some(year),
        (None, None) => None,
    };
    let range = match (year("FROM_YEAR"), year("TO_YEAR")) {
        (Some((from_text, from)), Some((to_text, to))) => {
            let spec = match (from, to) {
                (Some(from), Some(to)) if to.last_day() >= from.first_day() => {
                    Some(DateSpec::Between(from, to))
                }
                _ => None,
            };
            Some((format!("{} to {}", from_text.trim(), to_text.trim()), spec))
        }
        (Some((text, _)), None) | (None, Some((text, _))) => Some((text.trim().to_string(), None)),
        (None, None) => None,
    };
    let (raw, spec) = match (kind.as_deref(), single, range) {
        (_, None, None) => return,
        (_, _, Some((raw, spec))) => (raw, spec),
        (Some("APPROXIMATELY"), Some((raw, date)), None) => {
            (raw.to_string(), date.map(DateSpec::Circa))
        }
        (Some("EXACT") | None, Some((raw, date)), None) => {
            (raw.to_string(), date.map(DateSpec::On))
        }
        (Some(other), Some((raw, _)), None) => {
            let mut shown = other.to_string();
            cut(&mut shown, 40);
            ctx.push(
                Severity::Warning,
                node.line,
                Some(&entity.id),
                Some("TYPE_OF_DATE"),
                format!(
                    "unknown TYPE_OF_DATE {shown:?} (expected EXACT, APPROXIMATELY or BETWEEN)"
                ),
            );
            (raw.to_string(), None)
        }
    };
    match spec {
        Some(spec) => entity.birth_dates.push(spec),
        None => {
            let id_line = node.line;
            bad_value(
                ctx,
                entity,
                id_line,
                "INDIVIDUAL_DATE_OF_BIRTH",
                "Date of Birth",
                &raw,
                "a date YYYY-MM-DD, a year, or a range of years",
            )
        }
    }
}

fn document_kind(label: &str) -> IdKind {
    let lower = label.to_lowercase();
    if lower.contains("diplomatic") && lower.contains("pass") {
        IdKind::DiplomaticPassport
    } else if lower.contains("passport")
        || lower.contains("pasaporte")
        || lower.contains("passeport")
    {
        IdKind::Passport
    } else if lower.contains("social security") {
        IdKind::Ssn
    } else if lower.contains("driver") {
        IdKind::DriversLicense
    } else if lower.contains("fiscal code") || lower.contains("tax") {
        IdKind::TaxId
    } else if lower.contains("national identif")
        || lower.contains("identity card")
        || lower.contains("identification card")
        || lower.contains("national identity")
    {
        IdKind::NationalId
    } else {
        IdKind::Other
    }
}

fn document(ctx: &mut Ctx<'_>, entity: &mut Entity, node: &Node) {
    leftovers(
        ctx,
        entity,
        node,
        &[
            "TYPE_OF_DOCUMENT",
            "TYPE_OF_DOCUMENT2",
            "NUMBER",
            "ISSUING_COUNTRY",
            "COUNTRY_OF_ISSUE",
            "CITY_OF_ISSUE",
            "DATE_OF_ISSUE",
            "NOTE",
        ],
    );
    let label = node
        .text_of("TYPE_OF_DOCUMENT")
        .or_else(|| node.text_of("TYPE_OF_DOCUMENT2"))
        .map(clean)
        .unwrap_or_else(|| "Document".to_string());
    let issuing = node.text_of("ISSUING_COUNTRY").map(clean);
    let of_issue = node.text_of("COUNTRY_OF_ISSUE").map(clean);
    let country = issuing.clone().or_else(|| of_issue.clone());
    let second_type = node.text_of("TYPE_OF_DOCUMENT").and(node.text_of("TYPE_OF_DOCUMENT2"));
    let details = join(
        &[
            second_type,
            node.text_of("CITY_OF_ISSUE").map(|c| format!("issued in {}", clean(c))).as_deref(),
            of_issue
                .filter(|_| issuing.is_some())
                .map(|c| format!("country of issue {c}"))
                .as_deref(),
            node.text_of("DATE_OF_ISSUE").map(|d| format!("issued {}", d.trim())).as_deref(),
            node.text_of("NOTE"),
        ],
        "; ",
    );
    match node.text_of("NUMBER").map(clean) {
        Some(number) => entity.identifiers.push(Identifier {
            kind: document_kind(&label),
            value: number,
            country,
            currency: None,
            label,
            details,
        }),
        None => {
            let value = join(&[country.as_deref(), details.as_deref()], "; ");
            if node.child("TYPE_OF_DOCUMENT").is_some() || value.is_some() {
                let value = value.unwrap_or_default();
                if !value.is_empty() || node.text_of("TYPE_OF_DOCUMENT").is_some() {
                    entity.attributes.push(Attribute { label, value });
                }
            }
        }
    }
}

#[cfg(test)]
mod alias_tests {
    use super::alias_names;

    fn names(value: &str) -> (Vec<String>, Option<String>) {
        alias_names(value, true)
    }

    fn entity_names(value: &str) -> (Vec<String>, Option<String>) {
        alias_names(value, false)
    }

    #[test]
    fn one_alias_element_may_hold_several_names() {
        assert_eq!(names("Ali Omar").0, ["Ali Omar"]);
        assert_eq!(names("Fazel Rahim; Fazil Rahim").0, ["Fazel Rahim", "Fazil Rahim"]);
        assert_eq!(
            names("Mohammed Sabet; Mohammad Sabet b) M. Javad Kareemi Sabet").0,
            ["Mohammed Sabet", "Mohammad Sabet", "M. Javad Kareemi Sabet"]
        );
        assert_eq!(names("a) Abu Ali b) Abu Omar").0, ["Abu Ali", "Abu Omar"]);
        // Another script or spelling in parentheses is a name of its own.
        assert_eq!(names("Jin Tiesan (金铁三)").0, ["Jin Tiesan", "金铁三"]);
        assert_eq!(names("Lom-ali Butayev (Butaev)").0, ["Lom-ali Butayev", "Lom-ali Butaev"]);
        assert_eq!(
            names("Amir Khazmat (original script: Амир Хазмат)").0,
            ["Amir Khazmat", "Амир Хазмат"]
        );
        assert_eq!(
            names("أبو بكر البغدادي (Abu Bakr al-Baghdadi al-Husayni; Abu Bakr al-Baghdadi)").0,
            ["أبو بكر البغدادي", "Abu Bakr al-Baghdadi al-Husayni", "Abu Bakr al-Baghdadi"]
        );
    }

    #[test]
    fn notes_in_an_alias_become_its_remark() {
        assert_eq!(
            names("EL PARA (COMBAT NAME)"),
            (vec!["EL PARA".to_string()], Some("COMBAT NAME".to_string()))
        );
        assert_eq!(
            names("Hilarion Santos, III (third)"),
            (vec!["Hilarion Santos, III".to_string()], Some("third".to_string()))
        );
        let (values, note) = names("Safia Farkash Al-Hadad, born 1 Jan. 1953 (passport no. 038)");
        assert_eq!(values, ["Safia Farkash Al-Hadad"]);
        assert_eq!(note.as_deref(), Some("born 1 Jan. 1953 (passport no. 038)"));
        // Acronyms, nested parentheses and notes among the spellings.
        assert_eq!(
            entity_names("Libyan Foreign Investment Company (LFIC)").0,
            ["Libyan Foreign Investment Company", "LFIC"]
        );
        let (values, note) = entity_names(
            "Hay’at Tahrir al-Sham (HTS) (هيئة تحرير الشام (original script); Hayat Tahrir al-Sham; Assembly for the Liberation of Syria)",
        );
        assert_eq!(
            values,
            [
                "Hay’at Tahrir al-Sham",
                "HTS",
                "هيئة تحرير الشام",
                "Hayat Tahrir al-Sham",
                "Assembly for the Liberation of Syria"
            ]
        );
        assert_eq!(note.as_deref(), Some("original script"));
        // "ASL" is no acronym of "Ansar al Charia in Libya": the parenthesis stays.
        assert_eq!(
            entity_names("أنصار الشريعة بليبيا (Ansar al Charia in Libya (ASL))").0,
            ["أنصار الشريعة بليبيا", "Ansar al Charia in Libya (ASL)"]
        );
        // Places, translations and single words are part of an entity's name.
        for value in [
            "AL-HARAMAIN FOUNDATION (UNION OF THE COMOROS)",
            "AL-HARAMAYN FOUNDATION (KENYA)",
            "Riyadus-Salikhin Battalion of Shahids (martyrs)",
        ] {
            assert_eq!(entity_names(value).0, [value]);
        }
        assert_eq!(
            names("شبكة أنصار المجاهدين (Ansar al-Mujahideen Network - sub-unit name)"),
            (
                vec!["شبكة أنصار المجاهدين".to_string()],
                Some("Ansar al-Mujahideen Network - sub-unit name".to_string())
            )
        );
        assert_eq!(names("SECOND ACADEMY (KPE.018)").1.as_deref(), Some("KPE.018"));
        // Parentheses that are the whole value, or not at its end, are left alone.
        assert_eq!(names("(unknown)").0, ["(unknown)"]);
        assert_eq!(names("Abu (the elder) Ali").0, ["Abu (the elder) Ali"]);
    }
}
