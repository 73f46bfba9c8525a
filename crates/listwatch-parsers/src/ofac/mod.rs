//! OFAC's legacy CSV publications: the SDN set (`sdn.csv`, `add.csv`, `alt.csv`,
//! `sdn_comments.csv`) and the consolidated non-SDN set (`cons_prim.csv`, `cons_add.csv`,
//! `cons_alt.csv`, `cons_comments.csv`), which share one layout.
//!
//! The main file is required; the address, alias and comment files are optional, and the
//! [`Coverage`] of the result says which were present. Records of the optional files that point at
//! an entry missing from the main file become diagnostics.

pub(crate) mod remarks;
pub(crate) mod table;

use std::collections::HashMap;

use listwatch_model::{
    Address, Coverage, Diagnostic, Entity, IdKind, Identifier, Name, NameKind, Schema, Severity,
    Vessel, compare_source_ids,
};

pub use remarks::RemarkStats;

use crate::error::Result;
use crate::limits::{MAX_ENT_NUM_DIGITS, MAX_FIELD_LEN, cut};
use crate::{FileReport, InputFile, Parsed};
use table::{Row, read_table};

/// Which of OFAC's two legacy CSV lists a set is. Only file names differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The SDN list: `sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`.
    Sdn,
    /// The consolidated non-SDN list: `cons_prim.csv`, `cons_add.csv`, `cons_alt.csv`,
    /// `cons_comments.csv`.
    Consolidated,
}

impl Flavor {
    /// The file names of the set, in the order main, addresses, aliases, comments.
    pub fn file_names(self) -> [&'static str; 4] {
        match self {
            Flavor::Sdn => ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"],
            Flavor::Consolidated => {
                ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]
            }
        }
    }
}

/// The files of one publication.
#[derive(Clone, Copy, Debug)]
pub struct Files<'a> {
    /// The main file (`sdn.csv` or `cons_prim.csv`).
    pub main: InputFile<'a>,
    /// The address file, if published.
    pub addresses: Option<InputFile<'a>>,
    /// The alias file, if published.
    pub aliases: Option<InputFile<'a>>,
    /// The remark continuation file, if published.
    pub comments: Option<InputFile<'a>>,
}

const MAIN_LAYOUT: &str = "an OFAC main file: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks";
const ADD_LAYOUT: &str = "an OFAC address file: ent_num, add_num, Address, City/State/Province/Postal Code, Country, Add_remarks";
const ALT_LAYOUT: &str = "an OFAC alias file: ent_num, alt_num, alt_type, alt_name, alt_remarks";
const COMMENTS_LAYOUT: &str = "an OFAC remarks continuation file: ent_num, remarks";

fn diagnostic(
    file: &str,
    row: &Row,
    field: Option<&str>,
    severity: Severity,
    message: String,
) -> Diagnostic {
    Diagnostic {
        severity,
        file: file.to_string(),
        line: Some(row.line),
        record: row.field(0).map(|id| {
            let mut id = id.to_string();
            cut(&mut id, 32);
            id
        }),
        field: field.map(str::to_string),
        message,
    }
}

fn ent_num<'r>(file: &str, row: &'r Row, diagnostics: &mut Vec<Diagnostic>) -> Option<&'r str> {
    match row.field(0) {
        Some(id) if id.len() <= MAX_ENT_NUM_DIGITS && id.bytes().all(|b| b.is_ascii_digit()) => {
            Some(id)
        }
        other => {
            let mut shown = other.unwrap_or("").to_string();
            let long = shown.len() > 40;
            cut(&mut shown, 40);
            diagnostics.push(diagnostic(
                file,
                row,
                Some("ent_num"),
                Severity::Error,
                format!(
                    "expected a plain integer ent_num of at most {MAX_ENT_NUM_DIGITS} digits, found {shown:?}{}; the record was skipped",
                    if long { " (cut)" } else { "" }
                ),
            ));
            None
        }
    }
}

/// Looks at the first bytes of a file (up to [`SNIFF_LEN`](crate::limits::SNIFF_LEN); `file.bytes`
/// may be the whole file or its start) and refuses it when it is obviously not an OFAC CSV file:
/// binary data (NUL bytes or mostly control characters), or text in which no line starts like a
/// record (an ent_num and a comma) or like a header. A reader calls it before reading the whole
/// file, so a large file of garbage is refused at the cost of its first bytes.
pub fn sniff(file: &InputFile<'_>) -> Result<()> {
    let head = &file.bytes[..file.bytes.len().min(crate::limits::SNIFF_LEN)];
    // Another kind of document (XML, JSON, a PDF, an archive) is named as such.
    table::refuse_other_kinds(&InputFile { name: file.name, bytes: head }, "an OFAC CSV file")?;
    let binary = |why: &str| {
        Err(crate::error::Error::not_format(
            file.name,
            None,
            format!("the file {why}, so it is binary data, not an OFAC CSV file"),
        ))
    };
    if head.contains(&0) {
        return binary("holds NUL bytes");
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n' | 0x0c | 0x1a))
        .count();
    if controls * 10 > head.len() {
        return binary("starts with mostly control characters");
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let looks_like_record = |line: &[u8]| {
        let line = line.trim_ascii_start();
        let line = line.strip_prefix(b"\"").unwrap_or(line);
        let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
        let rest = &line[digits..];
        let rest = rest.strip_prefix(b"\"").unwrap_or(rest).trim_ascii_start();
        (digits > 0 && rest.first() == Some(&b','))
            || line.windows(7).any(|w| w.eq_ignore_ascii_case(b"ent_num"))
    };
    let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty()).peekable();
    // Text of only blank lines or a trailing Ctrl-Z is an empty publication, for the parser to
    // judge.
    if lines.peek().is_none_or(|_| text.trim_ascii().iter().all(|&b| b == 0x1a)) {
        return Ok(());
    }
    if lines.any(looks_like_record) {
        return Ok(());
    }
    Err(crate::error::Error::not_format(
        file.name,
        Some(1),
        format!(
            "no line of the first {} bytes starts like an OFAC record (an ent_num and a comma): this is not an OFAC CSV file",
            head.len()
        ),
    ))
}

/// Parses an OFAC legacy CSV set.
///
/// Returns an error only when a file is not this format at all or is structurally broken; bad
/// records become diagnostics.
pub fn parse<'a>(files: &Files<'a>) -> Result<Parsed> {
    let mut diagnostics = Vec::new();
    let mut reports = Vec::new();

    let main = read_table(&files.main, 12, MAIN_LAYOUT, &mut diagnostics)?;
    reports.push(FileReport { name: files.main.name.to_string(), records: main.n_records });
    let main_name = files.main.name;

    let mut read_optional = |file: Option<InputFile<'a>>, n_columns, layout| -> Result<_> {
        let Some(file) = file else { return Ok(None) };
        let table = read_table(&file, n_columns, layout, &mut diagnostics)?;
        reports.push(FileReport { name: file.name.to_string(), records: table.n_records });
        Ok(Some((file.name, table)))
    };
    let comments = read_optional(files.comments, 2, COMMENTS_LAYOUT)?;
    let addresses = read_optional(files.addresses, 6, ADD_LAYOUT)?;
    let aliases = read_optional(files.aliases, 5, ALT_LAYOUT)?;

    let mut entities: Vec<Entity> = Vec::with_capacity(main.rows.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(main.rows.len());
    for row in &main.rows {
        let Some(id) = ent_num(main_name, row, &mut diagnostics) else { continue };
        if index.contains_key(id) {
            diagnostics.push(diagnostic(
                main_name,
                row,
                Some("ent_num"),
                Severity::Error,
                format!("ent_num {id} appears twice; the later record was skipped"),
            ));
            continue;
        }
        let Some(name) = row.field(1) else {
            diagnostics.push(diagnostic(
                main_name,
                row,
                Some("SDN_Name"),
                Severity::Error,
                "the record has no name; it was skipped".to_string(),
            ));
            continue;
        };
        let schema = match row.field(2).map(str::to_ascii_lowercase).as_deref() {
            None => Schema::Organization,
            Some("individual") => Schema::Person,
            Some("vessel") => Schema::Vessel,
            Some("aircraft") => Schema::Aircraft,
            Some(other) => {
                diagnostics.push(diagnostic(
                    main_name,
                    row,
                    Some("SDN_Type"),
                    Severity::Warning,
                    format!("unknown SDN_Type {other:?} (expected individual, vessel, aircraft or -0-); read as an organization"),
                ));
                Schema::Organization
            }
        };
        let mut entity = Entity::new(id, schema, name);
        entity.programs = row
            .field(3)
            .map(|programs| {
                programs
                    .split("] [")
                    .map(|p| p.trim_matches(['[', ']', ' ']).to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        entity.title = row.field(4).map(str::to_string);
        if let Some(call_sign) = row.field(5) {
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
            vessel_type: row.field(6).map(str::to_string),
            tonnage: row.field(7).map(str::to_string),
            gross_registered_tonnage: row.field(8).map(str::to_string),
            flag: row.field(9).map(str::to_string),
            owner: row.field(10).map(str::to_string),
        };
        if vessel != Vessel::default() {
            entity.vessel = Some(vessel);
        }
        entity.remarks = row.field(11).map(str::to_string);
        index.insert(id.to_string(), entities.len());
        entities.push(entity);
    }

    if let Some((file, table)) = &comments {
        for row in &table.rows {
            let Some(id) = ent_num(file, row, &mut diagnostics) else { continue };
            let Some(&idx) = index.get(id) else {
                diagnostics.push(diagnostic(file, row, None, Severity::Warning, format!("remarks continuation for ent_num {id}, which is not in {main_name}; ignored")));
                continue;
            };
            if let Some(more) = row.field(1) {
                // The continuation picks up mid-word where the main file cut off: join without a
                // separator.
                let remarks = entities[idx].remarks.get_or_insert_with(String::new);
                let before = remarks.len();
                if before >= MAX_FIELD_LEN {
                    continue;
                }
                remarks.push_str(more);
                if remarks.len() > MAX_FIELD_LEN {
                    cut(remarks, MAX_FIELD_LEN);
                    diagnostics.push(diagnostic(
                        file,
                        row,
                        Some("remarks"),
                        Severity::Warning,
                        format!("the remarks of ent_num {id} joined with their continuations are longer than the limit of {MAX_FIELD_LEN} bytes; they were cut to the limit"),
                    ));
                }
            }
        }
    } else {
        for entity in &entities {
            let Some(remarks) = &entity.remarks else { continue };
            if !remarks.trim_end().ends_with('.') && remarks.len() >= 900 {
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    file: main_name.to_string(),
                    line: None,
                    record: Some(entity.id.clone()),
                    field: Some("Remarks".to_string()),
                    message: "the remarks end mid-item and no comments file was given: they are probably continued there and are truncated here".to_string(),
                });
            }
        }
    }

    let mut remark_stats = RemarkStats::default();
    for entity in &mut entities {
        remarks::apply_remarks(entity, &mut remark_stats);
    }

    if let Some((file, table)) = &addresses {
        for row in &table.rows {
            let Some(id) = ent_num(file, row, &mut diagnostics) else { continue };
            let Some(&idx) = index.get(id) else {
                diagnostics.push(diagnostic(
                    file,
                    row,
                    None,
                    Severity::Warning,
                    format!("address for ent_num {id}, which is not in {main_name}; ignored"),
                ));
                continue;
            };
            let address = Address {
                street: row.field(2).map(str::to_string),
                city: row.field(3).map(str::to_string),
                country: row.field(4).map(str::to_string),
                remark: row.field(5).map(str::to_string),
            };
            if address != Address::default() {
                entities[idx].addresses.push(address);
            }
        }
    }

    if let Some((file, table)) = &aliases {
        for row in &table.rows {
            let Some(id) = ent_num(file, row, &mut diagnostics) else { continue };
            let Some(&idx) = index.get(id) else {
                diagnostics.push(diagnostic(
                    file,
                    row,
                    None,
                    Severity::Warning,
                    format!("alias for ent_num {id}, which is not in {main_name}; ignored"),
                ));
                continue;
            };
            let kind = match row.field(2).map(str::to_ascii_lowercase).as_deref() {
                Some("aka") => NameKind::Aka,
                Some("fka") => NameKind::Fka,
                Some("nka") => NameKind::Nka,
                other => {
                    diagnostics.push(diagnostic(
                        file,
                        row,
                        Some("alt_type"),
                        Severity::Warning,
                        format!(
                            "unknown alt_type {:?} (expected aka, fka or nka); read as aka",
                            other.unwrap_or("")
                        ),
                    ));
                    NameKind::Aka
                }
            };
            let Some(value) = row.field(3) else {
                diagnostics.push(diagnostic(
                    file,
                    row,
                    Some("alt_name"),
                    Severity::Error,
                    "the alias has no name; it was skipped".to_string(),
                ));
                continue;
            };
            entities[idx].names.push(Name {
                value: value.to_string(),
                kind,
                remark: row.field(4).map(str::to_string),
            });
        }
    }

    // Strong aliases first after the primary name, in file order, then the weak ones from the
    // remarks: the same order whichever file came first.
    for entity in &mut entities {
        crate::names::add_parenthesized_names(entity);
        entity.names.sort_by_key(|name| match name.kind {
            NameKind::Primary => 0,
            NameKind::Aka | NameKind::Fka | NameKind::Nka => 1,
            NameKind::WeakAka | NameKind::WeakFka => 2,
        });
    }
    entities.sort_by(|a, b| compare_source_ids(&a.id, &b.id));

    Ok(Parsed {
        entities,
        diagnostics,
        files: reports,
        coverage: Coverage {
            addresses: files.addresses.is_some(),
            aliases: files.aliases.is_some(),
            remark_continuations: files.comments.is_some(),
        },
        remark_stats,
        // The legacy CSV files carry no publication date.
        published: None,
    })
}
