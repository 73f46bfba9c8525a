//! Reading a delimited text file with a header row (the CSL's CSV, the DPL's tab-separated text,
//! the DoD editions table, a firm's own CSV), record by record, into trimmed fields looked up by
//! column name.
//!
//! Shared rules: the text is UTF-8 (a byte-order mark is dropped) or else Windows-1252, with a
//! warning; a file whose first bytes say it is another kind of document, that holds NUL bytes, or
//! whose header lacks the format's required columns is an [`Error`]; a repeat of the header line is
//! skipped with a warning; a record with the wrong number of fields is an error diagnostic and is
//! skipped (one cut short at the end of a file is called truncated); a field longer than
//! [`MAX_FIELD_LEN`] is cut with a warning. Records are streamed: the reader keeps one at a time.

use listwatch_model::{Diagnostic, Severity};

use crate::InputFile;
use crate::error::{Error, Result};
use crate::limits::{MAX_FIELD_LEN, cut};
use crate::text::{Encoding, decode};

/// The header of a file: column names and where each is.
#[derive(Debug)]
pub(crate) struct Header {
    pub(crate) names: Vec<String>,
}

impl Header {
    /// The index of the column named `name`, compared without regard to case, spaces and `_`.
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        let key = column_key(name);
        self.names.iter().position(|n| column_key(n) == key)
    }
}

/// A column name compared loosely: lowercase, without spaces, `_` and anything in parentheses
/// (`Effective_Date (MM/DD/YYYY)` is `effectivedate`).
pub(crate) fn column_key(name: &str) -> String {
    let name = name.split('(').next().unwrap_or(name);
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// One record: its 1-based starting line and its fields, trimmed.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    pub(crate) line: u64,
    pub(crate) fields: &'a [String],
}

impl Record<'_> {
    /// The field at `idx`, `None` when the column is missing or the field empty.
    pub(crate) fn get(&self, idx: Option<usize>) -> Option<&str> {
        idx.and_then(|i| self.fields.get(i)).map(String::as_str).filter(|s| !s.is_empty())
    }
}

/// What reading a file found, besides the records handed to the callback.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// Records read, good and bad (the header and its repeats are not records).
    pub(crate) n_records: u64,
}

/// Refuses a file whose first bytes say it is another kind of document (XML, JSON, a PDF, an
/// archive, UTF-16), or binary data. `expected` names the format in the message.
pub(crate) fn refuse_other_kinds(file: &InputFile<'_>, expected: &str) -> Result<()> {
    let head = &file.bytes[..file.bytes.len().min(crate::limits::SNIFF_LEN)];
    if let Some(kind) = crate::ofac::table::sniff(head) {
        return Err(Error::not_format(
            file.name,
            None,
            format!("the file looks like {kind}, not {expected}"),
        ));
    }
    if head.contains(&0) {
        return Err(Error::not_format(
            file.name,
            None,
            format!("the file holds NUL bytes, so it is binary data, not {expected}"),
        ));
    }
    Ok(())
}

/// Checks the first line of a file (from its first bytes) for the `required` columns, so that a
/// reader can refuse a file that is not the format before reading it whole.
pub(crate) fn sniff_header(
    file: &InputFile<'_>,
    delimiter: u8,
    required: &[&str],
    expected: &str,
) -> Result<()> {
    refuse_other_kinds(file, expected)?;
    let head = &file.bytes[..file.bytes.len().min(crate::limits::SNIFF_LEN)];
    let (text, _) = decode(head);
    if text.trim().is_empty() {
        return Ok(());
    }
    let first_line = text.lines().next().unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(first_line.as_bytes());
    let mut record = csv::StringRecord::new();
    let names: Vec<String> = match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(|f| f.trim().to_string()).collect(),
        _ => Vec::new(),
    };
    check_header(file.name, &Header { names }, required, expected)
}

fn check_header(name: &str, header: &Header, required: &[&str], expected: &str) -> Result<()> {
    let missing: Vec<&str> =
        required.iter().copied().filter(|column| header.index(column).is_none()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut found = header.names.join(", ");
    cut(&mut found, 200);
    Err(Error::not_format(
        name,
        Some(1),
        format!(
            "this is not {expected}: the header row lacks the column(s) {} (found: {found})",
            missing.join(", ")
        ),
    ))
}

/// Reads `file` as delimited text with a header row holding at least the `required` columns, and
/// calls `each` with the header and every well-formed record, in file order.
pub(crate) fn read(
    file: &InputFile<'_>,
    delimiter: u8,
    required: &[&str],
    expected: &str,
    diagnostics: &mut Vec<Diagnostic>,
    mut each: impl FnMut(&Header, Record<'_>, &mut Vec<Diagnostic>),
) -> Result<Summary> {
    refuse_other_kinds(file, expected)?;
    let (text, encoding) = decode(file.bytes);
    if encoding == Encoding::Windows1252 {
        diagnostics.push(file_diagnostic(
            file.name,
            None,
            Severity::Warning,
            "the file is not valid UTF-8; it was decoded as Windows-1252".to_string(),
        ));
    }
    let body = text.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{1A}');
    let mut summary = Summary::default();
    if body.is_empty() {
        return Ok(summary);
    }
    let ends_cleanly = text.len() != body.len();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut header: Option<Header> = None;
    let mut fields: Vec<String> = Vec::new();
    let mut n_bad = 0u64;
    // The diagnostic of the last record read and its field count, when that record was bad.
    let mut last_bad: Option<(usize, usize)> = None;
    // Lines are counted from byte offsets: the CSV reader's own line numbers drift on CRLF input.
    let mut counted_to = 0usize;
    let mut line = 1u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                // The text is UTF-8 by now, so the only errors left are I/O ones on a slice, which
                // cannot happen; say so rather than panic.
                let line = err.position().map(|p| p.line());
                return Err(Error::broken(file.name, line, format!("unreadable text: {err}")));
            }
        }
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).max(counted_to);
        while matches!(body.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += body.as_bytes()[counted_to..start.min(body.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted_to = start.min(body.len());
        let Some(header) = &header else {
            let names: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
            let found = Header { names };
            check_header(file.name, &found, required, expected)?;
            header = Some(found);
            continue;
        };
        if record.len() == header.names.len()
            && record.iter().zip(&header.names).all(|(field, name)| field.trim() == name)
        {
            diagnostics.push(file_diagnostic(
                file.name,
                Some(line),
                Severity::Warning,
                "the header line is repeated here; the repeat was skipped".to_string(),
            ));
            continue;
        }
        summary.n_records += 1;
        if record.len() != header.names.len() {
            n_bad += 1;
            let n_lines = record.iter().map(|f| f.matches('\n').count()).sum::<usize>();
            let message = format!(
                "expected {} fields (as the header has), found {}{}; the record was skipped",
                header.names.len(),
                record.len(),
                if n_lines > 0 {
                    format!(" in a record spanning {} lines (a quote left open?)", n_lines + 1)
                } else {
                    String::new()
                }
            );
            let mut id = record.get(0).unwrap_or("").trim().to_string();
            cut(&mut id, 32);
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.name.to_string(),
                line: Some(line),
                record: Some(id).filter(|s| !s.is_empty()),
                field: None,
                message,
            });
            last_bad = Some((diagnostics.len() - 1, record.len()));
            continue;
        }
        last_bad = None;
        fields.clear();
        for (idx, field) in record.iter().enumerate() {
            let mut value = field.trim().to_string();
            if value.len() > MAX_FIELD_LEN {
                let found = value.len();
                cut(&mut value, MAX_FIELD_LEN);
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    file: file.name.to_string(),
                    line: Some(line),
                    record: None,
                    field: header.names.get(idx).cloned(),
                    message: format!(
                        "the field is {found} bytes long, more than the limit of {MAX_FIELD_LEN}; it was cut to the limit"
                    ),
                });
            }
            fields.push(value);
        }
        each(header, Record { line, fields: &fields }, diagnostics);
    }
    let Some(header) = header else {
        return Ok(summary);
    };
    if let Some((idx, n_fields)) = last_bad
        && !ends_cleanly
        && n_fields < header.names.len()
    {
        diagnostics[idx].message = format!(
            "the file ends in the middle of this record ({n_fields} of {} fields and no final line break): it looks truncated; the record was skipped",
            header.names.len()
        );
    }
    if n_bad > 0 && n_bad * 2 > summary.n_records && summary.n_records > 2 {
        return Err(Error::not_format(
            file.name,
            None,
            format!(
                "this is not {expected}: {n_bad} of {} records do not have the header's number of fields",
                summary.n_records
            ),
        ));
    }
    Ok(summary)
}

/// A diagnostic about a file or a line, not a record.
pub(crate) fn file_diagnostic(
    file: &str,
    line: Option<u64>,
    severity: Severity,
    message: String,
) -> Diagnostic {
    Diagnostic { severity, file: file.to_string(), line, record: None, field: None, message }
}

/// A diagnostic about one field of one record.
pub(crate) fn field_diagnostic(
    file: &str,
    line: u64,
    record: &str,
    field: &str,
    severity: Severity,
    message: String,
) -> Diagnostic {
    let mut record = record.to_string();
    cut(&mut record, 32);
    Diagnostic {
        severity,
        file: file.to_string(),
        line: Some(line),
        record: Some(record).filter(|r| !r.is_empty()),
        field: Some(field.to_string()),
        message,
    }
}

/// Splits a multi-valued field on `sep`, trimming and dropping empty parts.
pub(crate) fn split_values<'a>(value: Option<&'a str>, sep: &'a str) -> Vec<&'a str> {
    value
        .map(|v| v.split(sep).map(str::trim).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// A stable id from text: the first 16 hex digits (64 bits) of the SHA-256 of the parts joined
/// with a unit separator. Stable across runs, platforms and Rust versions (unlike `std`'s
/// hasher).
pub(crate) fn stable_hash(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (idx, part) in parts.iter().enumerate() {
        if idx > 0 {
            hasher.update([0x1f]);
        }
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}
