//! OpenSanctions' FollowTheMoney (FtM) exports: `entities.ftm.json` (one entity per line, a
//! whole publication) and `entities.delta.json` (one `{"op": "ADD"|"MOD"|"DEL", "entity": ...}`
//! per line, changes to the previous version).
//!
//! The thing schemata (`Person`, `Organization`, `Company`, `LegalEntity`, `PublicBody`,
//! `Vessel`, `Airplane`, `Security`) become entities; their properties map onto the model
//! (`map` holds the tables), and a property without a typed field is kept as an attribute
//! named after it, counted in one summary diagnostic per file. The other schemata describe
//! things and are folded into them: an `Address` into the addresses of the things that point at
//! it, a `Sanction` into the programs and list dates of its entity, a `Passport` or
//! `Identification` into its holder's identifiers, and the relations (`Ownership`,
//! `Directorship`, `Family`, ...) into links on both sides. A record that points at nothing in
//! the file, and every record of a schema the model has no place for, is a diagnostic.

mod map;

use std::collections::{BTreeMap, HashMap};

use listwatch_model::{Coverage, Diagnostic, Entity, Severity, compare_source_ids};
use serde_json::Value;

use crate::delta::{Delta, DeltaOp, DeltaOpKind};
use crate::error::{Error, Result};
use crate::limits::{MAX_FIELD_LEN, SNIFF_LEN, cut, short_id};
use crate::{FileReport, InputFile, Parsed, RemarkStats};

/// One FtM record as the file wrote it.
#[derive(Clone, Debug)]
pub(crate) struct RawEntity {
    pub(crate) line: u64,
    pub(crate) id: String,
    pub(crate) schema: String,
    pub(crate) caption: Option<String>,
    /// Property values in the file's order of properties (sorted by name) and values.
    pub(crate) properties: BTreeMap<String, Vec<String>>,
    /// `datasets`, `referents`, `first_seen`, `last_seen`, `last_change`, `target`.
    pub(crate) meta: Vec<(String, String)>,
}

impl RawEntity {
    pub(crate) fn values(&self, property: &str) -> &[String] {
        self.properties.get(property).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn first(&self, property: &str) -> Option<&str> {
        self.values(property).first().map(String::as_str)
    }
}

/// What kind of line a JSON-lines file of FtM holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Entities,
    Delta,
}

/// Looks at the first bytes of a file and refuses it when it is not FtM JSON lines: every
/// non-blank line must start with `{`. An empty file passes (an empty delta is valid).
pub fn sniff(file: &InputFile<'_>) -> Result<()> {
    let head = &file.bytes[..file.bytes.len().min(SNIFF_LEN)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(first) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(());
    };
    if head[first] == b'{' {
        return Ok(());
    }
    let kind = match head[first] {
        b'<' => "an XML or HTML document",
        b'[' => "a JSON array",
        b'%' => "a PDF",
        b'P' if head[first..].starts_with(b"PK") => "a ZIP archive",
        0x1f => "a gzip archive",
        _ => "text that is not JSON",
    };
    Err(Error::not_format(
        file.name,
        None,
        format!(
            "the file looks like {kind}, not FollowTheMoney JSON lines (one {{\"id\", \"schema\", \"properties\"}} object per line)"
        ),
    ))
}

fn diagnostic(
    file: &str,
    line: Option<u64>,
    record: Option<&str>,
    field: Option<&str>,
    severity: Severity,
    message: String,
) -> Diagnostic {
    Diagnostic {
        severity,
        file: file.to_string(),
        line,
        record: record.map(short_id),
        field: field.map(str::to_string),
        message,
    }
}

/// A property value as text: strings as they are, a nested entity by its id, anything else as
/// JSON. Cut at [`MAX_FIELD_LEN`], with a warning.
fn value_text(
    value: &Value,
    file: &str,
    line: u64,
    id: &str,
    field: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let mut text = match value {
        Value::String(s) => s.clone(),
        Value::Object(map) => match map.get("id") {
            Some(Value::String(id)) => id.clone(),
            _ => value.to_string(),
        },
        other => other.to_string(),
    };
    if text.len() > MAX_FIELD_LEN {
        cut(&mut text, MAX_FIELD_LEN);
        diagnostics.push(diagnostic(
            file,
            Some(line),
            Some(id),
            Some(field),
            Severity::Warning,
            format!("the value is longer than the limit of {MAX_FIELD_LEN} bytes; it was cut to the limit"),
        ));
    }
    text
}

/// Reads one FtM entity object; `None` (with a diagnostic) when it has no id or schema.
fn raw_entity(
    object: &serde_json::Map<String, Value>,
    file: &str,
    line: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawEntity> {
    let id = match object.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.trim().to_string(),
        _ => {
            diagnostics.push(diagnostic(
                file,
                Some(line),
                None,
                Some("id"),
                Severity::Error,
                "the entity has no id; it was skipped".to_string(),
            ));
            return None;
        }
    };
    let mut id = id;
    cut(&mut id, 1024);
    let schema = match object.get("schema") {
        Some(Value::String(schema)) => schema.clone(),
        _ => String::new(),
    };
    let caption = match object.get("caption") {
        Some(Value::String(caption)) if !caption.trim().is_empty() => {
            let mut caption = caption.trim().to_string();
            cut(&mut caption, MAX_FIELD_LEN);
            Some(caption)
        }
        _ => None,
    };
    let mut properties = BTreeMap::new();
    match object.get("properties") {
        Some(Value::Object(props)) => {
            for (name, values) in props {
                let texts: Vec<String> = match values {
                    Value::Array(items) => items
                        .iter()
                        .map(|v| value_text(v, file, line, &id, name, diagnostics))
                        .collect(),
                    Value::Null => Vec::new(),
                    single => vec![value_text(single, file, line, &id, name, diagnostics)],
                };
                let texts: Vec<String> = texts
                    .into_iter()
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
                if !texts.is_empty() {
                    properties.insert(name.clone(), texts);
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => diagnostics.push(diagnostic(
            file,
            Some(line),
            Some(&id),
            Some("properties"),
            Severity::Warning,
            "`properties` is not an object; the entity's properties were ignored".to_string(),
        )),
    }
    let mut meta = Vec::new();
    for key in ["datasets", "referents"] {
        if let Some(Value::Array(items)) = object.get(key) {
            for item in items {
                meta.push((key.to_string(), value_text(item, file, line, &id, key, diagnostics)));
            }
        }
    }
    for key in ["first_seen", "last_seen", "last_change", "target"] {
        match object.get(key) {
            None | Some(Value::Null) => {}
            Some(value) => {
                meta.push((key.to_string(), value_text(value, file, line, &id, key, diagnostics)))
            }
        }
    }
    Some(RawEntity { line, id, schema, caption, properties, meta })
}

/// A line of the file: an entity, or a delta op with its entity (`None` for a DEL with only an
/// id).
enum Line {
    Entity(RawEntity),
    Op(DeltaOpKind, String, u64, Option<RawEntity>),
}

/// Reads the lines of a file. An error only when no line at all is an FtM object of the shape
/// expected, or the file is of the other shape (a delta given as entities, or the reverse).
fn read_lines(
    file: &InputFile<'_>,
    shape: Shape,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(Vec<Line>, u64)> {
    sniff(file)?;
    let (text, _) = crate::text::decode(file.bytes);
    if text.contains('\0') {
        return Err(Error::not_format(
            file.name,
            None,
            "the file holds NUL bytes, so it is binary data, not FollowTheMoney JSON lines",
        ));
    }
    let mut lines = Vec::new();
    let (mut n_records, mut n_good, mut n_other_shape) = (0u64, 0u64, 0u64);
    let mut first_bad: Option<(u64, String)> = None;
    for (idx, line_text) in text.lines().enumerate() {
        let line = idx as u64 + 1;
        let trimmed = line_text.trim();
        if trimmed.is_empty() {
            continue;
        }
        n_records += 1;
        let object = match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(object)) => object,
            Ok(_) | Err(_) => {
                let reason = match serde_json::from_str::<Value>(trimmed) {
                    Err(e) => format!("the line is not JSON ({e})"),
                    Ok(_) => "the line is JSON but not an object".to_string(),
                };
                first_bad.get_or_insert((line, reason.clone()));
                diagnostics.push(diagnostic(
                    file.name,
                    Some(line),
                    None,
                    None,
                    Severity::Error,
                    format!("{reason}; the line was skipped"),
                ));
                continue;
            }
        };
        let is_op = object.contains_key("op") && object.get("entity").is_some_and(Value::is_object);
        match (shape, is_op) {
            (Shape::Entities, false) => {
                if let Some(raw) = raw_entity(&object, file.name, line, diagnostics) {
                    n_good += 1;
                    lines.push(Line::Entity(raw));
                }
            }
            (Shape::Delta, true) => {
                let op = match object.get("op").and_then(Value::as_str) {
                    Some("ADD") => DeltaOpKind::Add,
                    Some("MOD") => DeltaOpKind::Mod,
                    Some("DEL") => DeltaOpKind::Del,
                    other => {
                        diagnostics.push(diagnostic(
                            file.name,
                            Some(line),
                            None,
                            Some("op"),
                            Severity::Error,
                            format!(
                                "unknown op {:?} (expected ADD, MOD or DEL); the line was skipped",
                                other.map(|o| {
                                    let mut o = o.to_string();
                                    cut(&mut o, 32);
                                    o
                                })
                            ),
                        ));
                        continue;
                    }
                };
                let Some(Value::Object(entity)) = object.get("entity") else { continue };
                let Some(raw) = raw_entity(entity, file.name, line, diagnostics) else {
                    continue;
                };
                n_good += 1;
                if op == DeltaOpKind::Del {
                    lines.push(Line::Op(op, raw.id, line, None));
                } else {
                    lines.push(Line::Op(op, raw.id.clone(), line, Some(raw)));
                }
            }
            (_, _) => {
                n_other_shape += 1;
                diagnostics.push(diagnostic(
                    file.name,
                    Some(line),
                    None,
                    None,
                    Severity::Error,
                    match shape {
                        Shape::Entities => "the line is a delta op ({\"op\", \"entity\"}), not an entity; it was skipped".to_string(),
                        Shape::Delta => "the line is an entity, not a delta op ({\"op\", \"entity\"}); it was skipped".to_string(),
                    },
                ));
            }
        }
    }
    // A last line that is not JSON, without a line break after it: a download cut short.
    let body = text.trim_end_matches([' ', '\t']);
    if n_good > 0 && !body.ends_with('\n') {
        let last = body.lines().last().unwrap_or("").trim();
        if !last.is_empty() && serde_json::from_str::<Value>(last).is_err() {
            return Err(Error::broken(
                file.name,
                Some(body.lines().count() as u64),
                "the last line is not JSON and the file does not end with a line break: the file was cut short",
            ));
        }
    }
    if n_records > 0 && n_good == 0 {
        let reason = if n_other_shape == n_records {
            match shape {
                Shape::Entities => "every line is a delta op: this is an FtM delta file (entities.delta.json); import it with the ftm-delta format".to_string(),
                Shape::Delta => "every line is an entity: this is a whole FtM export (entities.ftm.json); import it with the ftm format".to_string(),
            }
        } else {
            let (line, reason) = first_bad.unwrap_or((1, "no line holds an entity".to_string()));
            return Err(Error::not_format(
                file.name,
                Some(line),
                format!(
                    "{reason}: no line is a FollowTheMoney entity, so this is not FtM JSON lines"
                ),
            ));
        };
        return Err(Error::not_format(file.name, None, reason));
    }
    Ok((lines, n_records))
}

/// Parses a whole FtM export (`entities.ftm.json`).
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    let mut diagnostics = Vec::new();
    let (lines, n_records) = read_lines(file, Shape::Entities, &mut diagnostics)?;
    let raws: Vec<RawEntity> = lines
        .into_iter()
        .filter_map(|line| match line {
            Line::Entity(raw) => Some(raw),
            Line::Op(..) => None,
        })
        .collect();
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut duplicates = Vec::new();
    for (idx, raw) in raws.iter().enumerate() {
        if let Some(first) = seen.insert(&raw.id, raw.line) {
            diagnostics.push(diagnostic(
                file.name,
                Some(raw.line),
                Some(&raw.id),
                Some("id"),
                Severity::Error,
                format!(
                    "id {} appears again (first on line {first}); the later record was skipped",
                    raw.id
                ),
            ));
            duplicates.push(idx);
        }
    }
    let raws: Vec<RawEntity> = raws
        .into_iter()
        .enumerate()
        .filter(|(idx, _)| !duplicates.contains(idx))
        .map(|(_, raw)| raw)
        .collect();
    let mut entities: Vec<Entity> =
        map::assemble(&raws, file.name, &mut diagnostics).into_iter().map(|(_, e)| e).collect();
    entities.sort_by(|a, b| compare_source_ids(&a.id, &b.id));
    Ok(Parsed {
        entities,
        diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: n_records }],
        coverage: Coverage::FULL,
        remark_stats: RemarkStats::default(),
        // An FtM export carries no publication date of its own (only per-entity dates).
        published: None,
    })
}

/// Parses an FtM delta (`entities.delta.json`): the ops in file order. Records of the schemata
/// the model folds into things (a `Sanction`, an `Address`) are folded into the things the same
/// delta carries; one pointing at a thing the delta does not carry is a diagnostic.
pub fn parse_delta(file: &InputFile<'_>) -> Result<Delta> {
    let mut diagnostics = Vec::new();
    let (lines, n_records) = read_lines(file, Shape::Delta, &mut diagnostics)?;
    let raws: Vec<RawEntity> = lines
        .iter()
        .filter_map(|line| match line {
            Line::Op(_, _, _, Some(raw)) => Some(raw.clone()),
            _ => None,
        })
        .collect();
    let mut mapped: HashMap<u64, Entity> =
        map::assemble(&raws, file.name, &mut diagnostics).into_iter().collect();
    let mut ops = Vec::new();
    for line in lines {
        let Line::Op(kind, id, line, raw) = line else { continue };
        let entity = match raw {
            // A record the model folds into things (or a record that was skipped) is no op.
            Some(_) => match mapped.remove(&line) {
                Some(entity) => Some(entity),
                None => continue,
            },
            None => None,
        };
        ops.push(DeltaOp { line, kind, id, entity });
    }
    Ok(Delta {
        file: file.name.to_string(),
        ops,
        diagnostics,
        files: vec![FileReport { name: file.name.to_string(), records: n_records }],
        published: None,
    })
}

/// The `ftm` format: a whole FtM export.
pub(crate) struct Ftm;

/// The `ftm-delta` format: an FtM delta, applied to the list's current version.
pub(crate) struct FtmDelta;

pub(crate) static FTM: Ftm = Ftm;
pub(crate) static FTM_DELTA: FtmDelta = FtmDelta;

fn main_file<'a>(files: &[Option<InputFile<'a>>], name: &str) -> Result<InputFile<'a>> {
    files.first().copied().flatten().ok_or_else(|| Error::missing_file(name))
}

impl crate::Format for Ftm {
    fn name(&self) -> &'static str {
        "ftm"
    }

    fn description(&self) -> &'static str {
        "OpenSanctions FollowTheMoney export, JSON lines (entities.ftm.json)"
    }

    fn files(&self) -> &'static [crate::FileSpec] {
        &[crate::FileSpec { role: "main", names: &["entities.ftm.json"], required: true }]
    }

    fn sniff(&self, _role: usize, head: &InputFile<'_>) -> Result<()> {
        sniff(head)
    }

    fn parse(&self, files: &[Option<InputFile<'_>>]) -> Result<Parsed> {
        parse(&main_file(files, "entities.ftm.json")?)
    }
}

impl crate::Format for FtmDelta {
    fn name(&self) -> &'static str {
        "ftm-delta"
    }

    fn description(&self) -> &'static str {
        "OpenSanctions FollowTheMoney delta (entities.delta.json), applied to the list's current version"
    }

    fn files(&self) -> &'static [crate::FileSpec] {
        &[crate::FileSpec { role: "main", names: &["entities.delta.json"], required: true }]
    }

    fn sniff(&self, _role: usize, head: &InputFile<'_>) -> Result<()> {
        sniff(head)
    }

    fn parse(&self, files: &[Option<InputFile<'_>>]) -> Result<Parsed> {
        let file = main_file(files, "entities.delta.json")?;
        Err(Error::not_format(
            file.name,
            None,
            "a delta holds changes, not a whole publication: apply it to a list's current version (Format::parse_delta)",
        ))
    }

    fn parse_delta(&self, files: &[Option<InputFile<'_>>]) -> Option<Result<Delta>> {
        Some(main_file(files, "entities.delta.json").and_then(|file| parse_delta(&file)))
    }
}
