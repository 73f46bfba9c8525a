//! Reading one file of OFAC's legacy CSV dialect into rows of optional fields.
//!
//! The dialect: no header row, the unquoted null marker `-0- `, double-quoted text, CRLF or LF line
//! endings, and a trailing Ctrl-Z (0x1A) byte. A row with the wrong number of columns becomes a
//! diagnostic; a file that has the wrong column count throughout, a quote that never closes, or a
//! last record cut short is refused as a whole.

use listwatch_model::{Diagnostic, Severity};

use crate::InputFile;
use crate::error::{Error, Result};
use crate::limits::{MAX_FIELD_LEN, cut};
use crate::text::{Encoding, decode};

/// One record, with its 1-based starting line and its fields (`None` for the null marker or an
/// empty field).
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) fields: Vec<Option<String>>,
}

impl Row {
    pub(crate) fn field(&self, idx: usize) -> Option<&str> {
        self.fields.get(idx).and_then(|f| f.as_deref())
    }
}

/// The rows of a file and the number of records read (good or bad).
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) rows: Vec<Row>,
    pub(crate) n_records: u64,
}

fn field_value(raw: &[u8]) -> Option<String> {
    // The text was decoded to UTF-8 before the CSV reader saw it, and the reader splits only at
    // ASCII delimiters, so every field is valid UTF-8.
    let text = String::from_utf8_lossy(raw);
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "-0-" { None } else { Some(trimmed.to_string()) }
}

/// Reads `file` as a table of `n_columns` columns. `layout` names the layout in messages
/// (`sdn.csv: ent_num, SDN_Name, ...`).
pub(crate) fn read_table(
    file: &InputFile<'_>,
    n_columns: usize,
    layout: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Table> {
    refuse_other_kinds(file, layout)?;
    let (text, encoding) = decode(file.bytes);
    if encoding == Encoding::Windows1252 {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            file: file.name.to_string(),
            line: None,
            record: None,
            field: None,
            message: "the file is not valid UTF-8; it was decoded as Windows-1252".to_string(),
        });
    }
    if text.contains('\0') {
        return Err(Error::not_format(
            file.name,
            None,
            format!("the file holds NUL bytes, so it is binary data, not {layout}"),
        ));
    }
    let body = text.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{1A}');
    if body.is_empty() {
        return Ok(Table { rows: Vec::new(), n_records: 0 });
    }
    let ends_cleanly = text.len() != body.len();

    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::new();
    let mut n_records = 0u64;
    let mut n_bad = 0u64;
    let mut first_bad: Option<(u64, usize)> = None;
    let mut last: Option<(u64, usize)> = None;
    // The CSV reader's line numbers drift on CRLF input, so lines are counted here from byte
    // offsets: the line of a record is one more than the line breaks before its first byte.
    let mut counted_to = 0usize;
    let mut line = 1u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                let line = err.position().map(|p| p.line());
                return Err(Error::broken(file.name, line, format!("unreadable CSV: {err}")));
            }
        }
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).max(counted_to);
        // With CRLF line ends the reader reports a record as starting at the `\n` of the previous
        // line end; the record's first byte is after it.
        while matches!(body.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += body.as_bytes()[counted_to..start].iter().filter(|&&b| b == b'\n').count() as u64;
        counted_to = start;
        n_records += 1;
        last = Some((line, record.len()));
        if n_records == 1 && looks_like_header(&record) {
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                file: file.name.to_string(),
                line: Some(line),
                record: None,
                field: None,
                message: "skipped a header row; OFAC files have none".to_string(),
            });
            n_records -= 1;
            continue;
        }
        if record.len() != n_columns {
            n_bad += 1;
            first_bad.get_or_insert((line, record.len()));
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.name.to_string(),
                line: Some(line),
                record: record.get(0).and_then(field_value).map(|mut id| {
                    cut(&mut id, 32);
                    id
                }),
                field: None,
                message: format!(
                    "expected {n_columns} columns ({layout}), found {}; the record was skipped",
                    record.len()
                ),
            });
            continue;
        }
        let mut fields: Vec<Option<String>> = record.iter().map(field_value).collect();
        for (idx, field) in fields.iter_mut().enumerate() {
            let Some(text) = field else { continue };
            if text.len() <= MAX_FIELD_LEN {
                continue;
            }
            let found = text.len();
            cut(text, MAX_FIELD_LEN);
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                file: file.name.to_string(),
                line: Some(line),
                record: record.get(0).and_then(field_value).map(|mut id| {
                    cut(&mut id, 32);
                    id
                }),
                field: Some(column_name(layout, idx)),
                message: format!(
                    "the field is {found} bytes long, more than the limit of {MAX_FIELD_LEN}; it was cut to the limit"
                ),
            });
        }
        rows.push(Row { line, fields });
    }

    // A valid file has an even number of quote characters: every quoted field opens and closes,
    // and an embedded quote is doubled. An odd count means a quote that never closes, and the CSV
    // reader has then swallowed the rest of the file into the last record.
    if body.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
        // The first record with the wrong number of columns is where the stray quote shifted
        // the fields; failing that, the runaway quote swallowed the last record.
        let line = first_bad.or(last).map(|(line, _)| line);
        return Err(Error::broken(
            file.name,
            line,
            "a quoted field is never closed (unbalanced quotes): the records from here on are garbled",
        ));
    }
    if let Some((line, n_found)) = first_bad
        && n_records > 0
        && (n_bad * 2 > n_records || rows.is_empty())
    {
        return Err(Error::not_format(
            file.name,
            Some(line),
            format!(
                "this is not {layout}: {n_bad} of {n_records} records have the wrong number of columns (expected {n_columns}, found {n_found} here)"
            ),
        ));
    }
    if let Some((line, n_found)) = last
        && !ends_cleanly
        && n_found < n_columns
    {
        return Err(Error::broken(
            file.name,
            Some(line),
            format!(
                "the file ends in the middle of a record ({n_found} of {n_columns} columns and no final line break): it looks truncated"
            ),
        ));
    }
    Ok(Table { rows, n_records })
}

/// The name of column `idx` in a layout description (`sdn.csv: ent_num, SDN_Name, ...`), or
/// `column N` (1-based).
fn column_name(layout: &str, idx: usize) -> String {
    layout
        .split_once(": ")
        .and_then(|(_, columns)| columns.split(", ").nth(idx))
        .map_or_else(|| format!("column {}", idx + 1), str::to_string)
}

/// Refuses a file whose first bytes say it is another kind of document (see [`sniff`]), naming
/// that kind. `layout` names what was expected.
pub(crate) fn refuse_other_kinds(file: &InputFile<'_>, layout: &str) -> Result<()> {
    match sniff(file.bytes) {
        Some(kind) => Err(Error::not_format(
            file.name,
            None,
            format!(
                "the file looks like {kind}, not {layout}; the OFAC formats read OFAC's legacy CSV \
                 files (sdn.csv, add.csv, alt.csv, sdn_comments.csv; cons_prim.csv and its \
                 companions for the consolidated list)"
            ),
        )),
        None => Ok(()),
    }
}

/// What a file that cannot be an OFAC CSV file looks like, from its first bytes: an XML or HTML
/// document, JSON, a PDF, a ZIP or gzip archive, UTF-16 text. OFAC's records start with a number
/// (or a header row), never with `<`, `{` or `[`.
pub(crate) fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let magic: [(&[u8], &str); 5] = [
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (unpack it and import the folder)"),
        (b"\x1f\x8b", "a gzip archive (unpack it first)"),
        (b"\xff\xfe", "UTF-16 text (save it as UTF-8)"),
        (b"\xfe\xff", "UTF-16 text (save it as UTF-8)"),
    ];
    if let Some((_, kind)) = magic.iter().find(|(prefix, _)| bytes.starts_with(prefix)) {
        return Some(kind);
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let head: Vec<u8> = text[start..].iter().take(64).map(u8::to_ascii_lowercase).collect();
    match head.first()? {
        b'<' if head.starts_with(b"<!doctype html") || head.starts_with(b"<html") => {
            Some("an HTML page (a download that returned a web page?)")
        }
        b'<' => Some("an XML document (a UN list, or OFAC's XML publication?)"),
        b'{' | b'[' => Some("a JSON document"),
        _ => None,
    }
}

fn looks_like_header(record: &csv::ByteRecord) -> bool {
    record.get(0).is_some_and(|first| {
        let lower = String::from_utf8_lossy(first).to_ascii_lowercase();
        lower.contains("ent_num") || lower.contains("ent num")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &[u8]) -> Vec<u64> {
        let mut diagnostics = Vec::new();
        let table =
            read_table(&InputFile { name: "t.csv", bytes }, 2, "test", &mut diagnostics).unwrap();
        table.rows.iter().map(|row| row.line).collect()
    }

    #[test]
    fn line_numbers_count_crlf_and_lf_alike() {
        let lf = b"1,\"a\"\n2,\"b\nwith a line break\"\n3,\"c\"\n";
        let crlf = b"1,\"a\"\r\n2,\"b\r\nwith a line break\"\r\n3,\"c\"\r\n\x1a";
        assert_eq!(lines_of(lf), [1, 2, 4]);
        assert_eq!(lines_of(crlf), [1, 2, 4]);
    }

    #[test]
    fn files_of_other_kinds_are_named_from_their_first_bytes() {
        let kind =
            |bytes: &[u8]| sniff(bytes).map(|k| k.split(' ').take(3).collect::<Vec<_>>().join(" "));
        assert_eq!(kind(b"\xef\xbb\xbf  <?xml version"), Some("an XML document".to_string()));
        assert_eq!(kind(b"\n<!DOCTYPE html><html>"), Some("an HTML page".to_string()));
        assert_eq!(kind(b"[{\"id\": 1}]"), Some("a JSON document".to_string()));
        assert_eq!(kind(b"%PDF-1.7"), Some("a PDF document".to_string()));
        assert_eq!(kind(b"PK\x03\x04\x14\x00"), Some("a ZIP archive".to_string()));
        assert_eq!(kind(b"\xff\xfe3\x000\x00"), Some("UTF-16 text (save".to_string()));
        assert_eq!(kind(b"306,\"BANCO NACIONAL DE CUBA\",-0- "), None);
        assert_eq!(kind(b"ent_num,SDN_Name"), None);
        assert_eq!(kind(b""), None);
    }

    #[test]
    fn null_markers_and_padding_become_none() {
        let mut diagnostics = Vec::new();
        let file = InputFile { name: "t.csv", bytes: b"1,-0- \r\n2,\" x \"\r\n" };
        let table = read_table(&file, 2, "test", &mut diagnostics).unwrap();
        assert_eq!(table.rows[0].field(1), None);
        assert_eq!(table.rows[1].field(1), Some("x"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn any_bytes_give_rows_or_an_error_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
                let mut diagnostics = Vec::new();
                let _ = read_table(&InputFile { name: "t.csv", bytes: &bytes }, 12, "test", &mut diagnostics);
            }

            #[test]
            fn csv_like_text_never_panics_the_whole_parser(text in "([0-9]{1,3},(\"[A-Za-z ,';.]{0,20}\"|-0- )(,(\"[A-Za-z ;.']{0,12}\"|-0- )){0,12}\r?\n){0,6}") {
                let file = InputFile { name: "sdn.csv", bytes: text.as_bytes() };
                let _ = crate::ofac::parse(&crate::ofac::Files { main: file, addresses: Some(file), aliases: Some(file), comments: Some(file) });
            }
        }
    }
}
