//! The DoD Section 1260H list of "Chinese military companies", from its editions table: one row
//! per listing period, `Name` (as printed), `Clean Name`, `Alias`, `Previous Name`,
//! `Parent Name`, `Note`, `Start date` (the edition that added it), `End date` (the edition or
//! notice that removed it), `Source Url`.
//!
//! # Editions
//! The official list is a PDF per edition; the table is its only machine-readable history. The
//! editions are the distinct start and end dates (in the shared data: 2021-06-03, 2022-10-05,
//! 2024-01-31, 2025-01-07, the 2026-02-17 removals, 2026-06-08). [`parse_editions`] rebuilds one
//! publication per edition, dated by it ([`Parsed::published`]): a company is on the edition of
//! day `E` when one of its rows has `Start date <= E` and no `End date`, or an `End date` after
//! `E`. [`parse`] returns the newest edition.
//!
//! # Companies
//! The same company is printed under different names across editions ("AVIC Xi'an Aircraft
//! Industry Group Company Ltd." and "AVIC Xi’an Aircraft ..."; "... Aviation Industry Corporation
//! of China Ltd." and "..., Ltd."). Rows are linked into companies in two passes:
//! 1. rows whose `Clean Name` has the same key are one company: the key is the name's words
//!    folded by the normalizer (case, accents, punctuation, apostrophes), without legal forms and
//!    stop words;
//! 2. a row whose `Previous Name` or `Alias` has the key of another company's `Clean Name` is
//!    linked to it (a rename), **unless** both companies have a row added by the same edition:
//!    one edition printing both names as separate entries says they are two companies, and the
//!    link is refused.
//!
//! Every link between two different printed clean names, and every refusal, is a warning
//! diagnostic naming both rows. A company's id is its earliest clean name, folded, words joined
//! by `-` (`aviation-industry-corporation-of-china-ltd`); a clash gets `-2`. Each edition's entity
//! is built from the company's newest row in force: `Clean Name` is the primary name, `Alias` are
//! a.k.a. names, `Previous Name` and the company's earlier clean names are f.k.a. names,
//! `Parent Name` is a [`Link`] of relation `parent`, `Note`, `Name` (as printed) and `Source Url`
//! are attributes; the program is `DOD-1260H`, and the first edition of the company's current
//! stretch on the list is its Listing [`ListDate`] scoped `1260H`.
//!
//! Per-edition counts of the shared data (`dod-1260h/2026-08-20/sanctions.csv`) are checked by
//! the test `the_dod_editions_have_their_counts`.

use std::collections::{BTreeSet, HashMap};

use listwatch_model::{
    Attribute, Coverage, Date, DateSpec, Diagnostic, Entity, Link, ListDate, ListDateKind, Name,
    NameKind, Schema, Severity,
};
use listwatch_normalize::{fold, tokenize};

use crate::delimited::{self, field_diagnostic, split_values};
use crate::error::Result;
use crate::{FileReport, InputFile, Parsed, RemarkStats};

const EXPECTED: &str = "the DoD 1260H editions table (a CSV header row with Name, Clean Name, Start date, End date, ...)";
const REQUIRED: &[&str] = &["Name", "Start date"];
const COLUMNS: &[&str] = &[
    "Name",
    "Clean Name",
    "Alias",
    "Previous Name",
    "Parent Name",
    "Note",
    "Start date",
    "End date",
    "Source Url",
];

/// The program of every entity of this list.
pub const PROGRAM: &str = "DOD-1260H";

/// One listing period.
#[derive(Debug)]
struct Row {
    line: u64,
    printed: String,
    clean: String,
    aliases: Vec<String>,
    previous: Vec<String>,
    parent: Option<String>,
    note: Option<String>,
    source_url: Option<String>,
    start: Date,
    end: Option<Date>,
    extra: Vec<Attribute>,
}

impl Row {
    fn in_force(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|end| end > day)
    }
}

/// The key rows are linked by: the folded words of a name, each legal form in its canonical
/// spelling ("Co., Ltd." and "Company Limited" are one key; "Group" and "Company" are not).
pub fn name_key(name: &str) -> String {
    let words: Vec<String> = tokenize(name).iter().map(|t| t.canonical().to_string()).collect();
    if words.is_empty() { fold(name) } else { words.join(" ") }
}

/// The start dates of the rows of the group whose root is `root`.
fn group_starts(rows: &[Row], parent: &mut [usize], root: usize) -> BTreeSet<Date> {
    (0..rows.len()).filter(|&r| find(parent, r) == root).map(|r| rows[r].start).collect()
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Refuses, from its first bytes, a file that is not the editions table.
pub fn sniff(head: &InputFile<'_>) -> Result<()> {
    delimited::sniff_header(head, b',', REQUIRED, EXPECTED)
}

/// The newest edition of the table (an empty publication without a date when it has none).
pub fn parse(file: &InputFile<'_>) -> Result<Parsed> {
    let mut editions = parse_editions(file)?;
    Ok(editions.pop().unwrap_or_else(|| Parsed {
        entities: Vec::new(),
        diagnostics: Vec::new(),
        files: vec![FileReport { name: file.name.to_string(), records: 0 }],
        coverage: Coverage::FULL,
        remark_stats: RemarkStats::default(),
        published: None,
    }))
}

fn parse_day(text: &str) -> Option<Date> {
    DateSpec::parse_loose(text).ok().and_then(DateSpec::exact)
}

/// Every edition of the table, oldest first, each dated by its edition day.
pub fn parse_editions(file: &InputFile<'_>) -> Result<Vec<Parsed>> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let summary = delimited::read(
        file,
        b',',
        REQUIRED,
        EXPECTED,
        &mut diagnostics,
        |header, record, diagnostics| {
            let get = |name: &str| record.get(header.index(name));
            let printed = get("Name").unwrap_or("");
            let clean = get("Clean Name").unwrap_or(printed);
            let mut problem = |field: &str, message: String| {
                diagnostics.push(field_diagnostic(
                    file.name,
                    record.line,
                    clean,
                    field,
                    Severity::Error,
                    message,
                ));
            };
            if clean.is_empty() {
                problem("Name", "the row has no name; it was skipped".to_string());
                return;
            }
            let Some(start) = get("Start date").and_then(parse_day) else {
                problem(
                    "Start date",
                    format!(
                        "{:?} is not a date (YYYY-MM-DD); the row was skipped",
                        get("Start date").unwrap_or("")
                    ),
                );
                return;
            };
            let end = match get("End date") {
                None => None,
                Some(text) => match parse_day(text) {
                    Some(end) if end > start => Some(end),
                    _ => {
                        problem(
                            "End date",
                            format!(
                                "{text:?} is not a date after the start date {start}; the row was skipped"
                            ),
                        );
                        return;
                    }
                },
            };
            let mut extra = Vec::new();
            for (idx, column) in header.names.iter().enumerate() {
                if COLUMNS.iter().any(|c| delimited::column_key(c) == delimited::column_key(column))
                {
                    continue;
                }
                if let Some(value) = record.get(Some(idx)) {
                    extra.push(Attribute { label: column.clone(), value: value.to_string() });
                }
            }
            rows.push(Row {
                line: record.line,
                printed: printed.to_string(),
                clean: clean.to_string(),
                aliases: split_values(get("Alias"), ";").into_iter().map(str::to_string).collect(),
                previous: split_values(get("Previous Name"), ";")
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                parent: get("Parent Name").map(str::to_string),
                note: get("Note").map(str::to_string),
                source_url: get("Source Url").map(str::to_string),
                start,
                end,
                extra,
            });
        },
    )?;

    let groups = link_rows(file.name, &rows, &mut diagnostics);
    let ids = company_ids(&rows, &groups);

    let mut days: BTreeSet<Date> = BTreeSet::new();
    for row in &rows {
        days.insert(row.start);
        days.extend(row.end);
    }
    let days: Vec<Date> = days.into_iter().collect();
    if days.len() > crate::limits::MAX_EDITIONS {
        return Err(crate::Error::not_format(
            file.name,
            None,
            format!(
                "the table has {} distinct start and end dates, more than the limit of {} editions: this is not an editions table",
                days.len(),
                crate::limits::MAX_EDITIONS
            ),
        ));
    }
    let mut editions = Vec::with_capacity(days.len());
    for (day_idx, &day) in days.iter().enumerate() {
        let mut entities = Vec::new();
        for (group, id) in groups.iter().zip(&ids) {
            let present = |d: Date| group.iter().any(|&r| rows[r].in_force(d));
            // The newest row in force; ties go to the later line.
            let Some(&current) = group
                .iter()
                .filter(|&&r| rows[r].in_force(day))
                .max_by_key(|&&r| (rows[r].start, rows[r].line))
            else {
                continue;
            };
            // The first edition of the current stretch on the list.
            let mut since = day;
            for &earlier in days[..day_idx].iter().rev() {
                if !present(earlier) {
                    break;
                }
                since = earlier;
            }
            entities.push(company_entity(id, &rows, group, current, since));
        }
        entities.sort_by(|a, b| a.id.cmp(&b.id));
        editions.push(Parsed {
            entities,
            diagnostics: diagnostics.clone(),
            files: vec![FileReport { name: file.name.to_string(), records: summary.n_records }],
            coverage: Coverage::FULL,
            remark_stats: RemarkStats::default(),
            published: Some(day),
        });
    }
    Ok(editions)
}

fn company_entity(id: &str, rows: &[Row], group: &[usize], current: usize, since: Date) -> Entity {
    let row = &rows[current];
    let mut entity = Entity::new(id, Schema::Company, row.clean.as_str());
    let add_name = |entity: &mut Entity, value: &str, kind: NameKind| {
        if !entity.names.iter().any(|n| n.value == value) {
            entity.names.push(Name { value: value.to_string(), kind, remark: None });
        }
    };
    for alias in &row.aliases {
        add_name(&mut entity, alias, NameKind::Aka);
    }
    for previous in &row.previous {
        add_name(&mut entity, previous, NameKind::Fka);
    }
    let mut earlier: Vec<&Row> =
        group.iter().map(|&r| &rows[r]).filter(|r| r.start < row.start).collect();
    earlier.sort_by_key(|r| (r.start, r.line));
    for other in earlier {
        if name_key(&other.clean) != name_key(&row.clean) {
            add_name(&mut entity, &other.clean, NameKind::Fka);
        }
    }
    entity.programs.push(PROGRAM.to_string());
    if let Some(parent) = &row.parent {
        entity.links.push(Link { relation: "parent".to_string(), name: parent.clone() });
    }
    entity.list_dates.push(ListDate {
        kind: ListDateKind::Listing,
        date: DateSpec::On(since.into()),
        scope: "1260H".to_string(),
    });
    if row.printed != row.clean && !row.printed.is_empty() {
        entity.attributes.push(Attribute { label: "Name".to_string(), value: row.printed.clone() });
    }
    if let Some(note) = &row.note {
        entity.attributes.push(Attribute { label: "Note".to_string(), value: note.clone() });
    }
    if let Some(url) = &row.source_url {
        entity.attributes.push(Attribute { label: "Source Url".to_string(), value: url.clone() });
    }
    entity.attributes.extend(row.extra.iter().cloned());
    entity
}

/// Groups rows into companies (see the module docs), each group sorted by start and line.
fn link_rows(file: &str, rows: &[Row], diagnostics: &mut Vec<Diagnostic>) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..rows.len()).collect();
    let keys: Vec<String> = rows.iter().map(|r| name_key(&r.clean)).collect();
    let mut link_note = |a: usize, b: usize, how: &str, refused: bool| {
        let (first, second) = if (rows[a].start, rows[a].line) <= (rows[b].start, rows[b].line) {
            (a, b)
        } else {
            (b, a)
        };
        diagnostics.push(field_diagnostic(
            file,
            rows[second].line,
            &rows[second].clean,
            "Clean Name",
            Severity::Warning,
            format!(
                "{} {:?} (line {}, added {}) {} {:?} (line {}, added {}) {how}",
                if refused { "did not link" } else { "linked" },
                rows[second].clean,
                rows[second].line,
                rows[second].start,
                if refused { "to" } else { "to the same company as" },
                rows[first].clean,
                rows[first].line,
                rows[first].start,
            ),
        ));
    };
    // Pass 1: the same clean name, once folded.
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    for (idx, key) in keys.iter().enumerate() {
        match by_key.get(key.as_str()) {
            Some(&first) => {
                let (a, b) = (find(&mut parent, first), find(&mut parent, idx));
                if rows[first].clean == rows[idx].clean {
                    parent[b] = a;
                    continue;
                }
                let shared = group_starts(rows, &mut parent, a)
                    .intersection(&group_starts(rows, &mut parent, b))
                    .next()
                    .copied();
                match shared {
                    Some(day) => link_note(
                        idx,
                        first,
                        &format!(
                            "(the same name once folded): both are printed as separate entries of the {day} edition"
                        ),
                        true,
                    ),
                    None => {
                        parent[b] = a;
                        link_note(
                            first,
                            idx,
                            "(the same name once case, punctuation and legal forms are folded)",
                            false,
                        );
                    }
                }
            }
            None => {
                by_key.insert(key, idx);
            }
        }
    }
    // Pass 2: a previous name or an alias that is another company's clean name.
    for idx in 0..rows.len() {
        let weak = rows[idx]
            .previous
            .iter()
            .map(|n| (n, "previous name"))
            .chain(rows[idx].aliases.iter().map(|n| (n, "alias")));
        for (name, what) in weak {
            let Some(&other) = by_key.get(name_key(name).as_str()) else { continue };
            let (a, b) = (find(&mut parent, idx), find(&mut parent, other));
            if a == b {
                continue;
            }
            let shared = group_starts(rows, &mut parent, a)
                .intersection(&group_starts(rows, &mut parent, b))
                .next()
                .copied();
            match shared {
                Some(day) => link_note(
                    idx,
                    other,
                    &format!(
                        "by its {what} {name:?}: both are printed as separate entries of the {day} edition"
                    ),
                    true,
                ),
                None => {
                    parent[b] = a;
                    link_note(idx, other, &format!("by its {what} {name:?}"), false);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for idx in 0..rows.len() {
        let root = find(&mut parent, idx);
        groups.entry(root).or_default().push(idx);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    for group in &mut groups {
        group.sort_by_key(|&r| (rows[r].start, rows[r].line));
    }
    groups.sort_by_key(|g| (rows[g[0]].start, rows[g[0]].line));
    groups
}

/// A stable id per company: its earliest clean name, folded, words joined by `-`.
fn company_ids(rows: &[Row], groups: &[Vec<usize>]) -> Vec<String> {
    let mut used: HashMap<String, u32> = HashMap::new();
    groups
        .iter()
        .map(|group| {
            let mut base = fold(&rows[group[0]].clean).replace(' ', "-");
            crate::limits::cut(&mut base, 80);
            if base.is_empty() {
                base = "company".to_string();
            }
            let n = used.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}-{n}") }
        })
        .collect()
}

#[cfg(test)]
mod tests;
