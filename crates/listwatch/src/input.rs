//! Reading line-oriented inputs (JSONL, CSV) with bounded memory: a line is held up to
//! [`MAX_LINE_LEN`] bytes whatever its length, and a CSV record (whose quoted fields may hold
//! line breaks) up to the same bound. Everything here works over `impl BufRead`, so the readers
//! are tested on bytes, without files.

use std::io::{self, BufRead};

use crate::limits::MAX_LINE_LEN;

/// A line as read: its bytes (without the line break), or how long it was when it exceeded the
/// limit (its first bytes are kept).
pub(crate) struct Line {
    pub(crate) number: u64,
    pub(crate) bytes: Vec<u8>,
    /// The line was longer than the limit: its length in bytes (the rest was skipped).
    pub(crate) too_long: Option<usize>,
}

/// Physical lines of a reader, numbered from 1, each cut at `max` bytes.
pub(crate) struct Lines<R> {
    reader: R,
    max: usize,
    number: u64,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R) -> Lines<R> {
        Lines::with_limit(reader, MAX_LINE_LEN)
    }

    pub(crate) fn with_limit(reader: R, max: usize) -> Lines<R> {
        Lines { reader, max, number: 0 }
    }

    /// The next line, or `None` at the end of the input.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        let mut length = 0usize;
        let mut read_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if available.is_empty() {
                if !read_any {
                    return Ok(None);
                }
                break;
            }
            read_any = true;
            let newline = available.iter().position(|&b| b == b'\n');
            let take = newline.unwrap_or(available.len());
            let room = self.max.saturating_sub(bytes.len());
            bytes.extend_from_slice(&available[..take.min(room)]);
            length += take;
            let used = take + usize::from(newline.is_some());
            self.reader.consume(used);
            if newline.is_some() {
                break;
            }
        }
        if bytes.last() == Some(&b'\r') && length <= self.max {
            bytes.pop();
            length -= 1;
        }
        self.number += 1;
        Ok(Some(Line {
            number: self.number,
            bytes,
            too_long: (length > self.max).then_some(length),
        }))
    }
}

/// A CSV record as read: the line it starts on, and its trimmed fields as bytes, or why it
/// could not be read.
pub(crate) struct CsvRecord {
    pub(crate) line: u64,
    pub(crate) fields: Result<Vec<Vec<u8>>, String>,
}

/// CSV records of a reader, each at most `MAX_LINE_LEN` bytes: lines are joined while a quoted
/// field is open (an odd number of quotes so far), and a record that grows past the limit is an
/// error that ends at the line where it passed it, so one unclosed quote costs one record, not
/// the rest of the file.
pub(crate) struct CsvRecords<R> {
    lines: Lines<R>,
    max: usize,
}

impl<R: BufRead> CsvRecords<R> {
    pub(crate) fn new(reader: R) -> CsvRecords<R> {
        CsvRecords::with_limit(reader, MAX_LINE_LEN)
    }

    pub(crate) fn with_limit(reader: R, max: usize) -> CsvRecords<R> {
        CsvRecords { lines: Lines::with_limit(reader, max), max }
    }

    /// The next non-blank record, or `None` at the end of the input.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<CsvRecord>> {
        let first = loop {
            match self.lines.next_line()? {
                None => return Ok(None),
                Some(line) if line.too_long.is_none() && line.bytes.trim_ascii().is_empty() => {}
                Some(line) => break line,
            }
        };
        let start = first.number;
        if let Some(length) = first.too_long {
            return Ok(Some(too_long(start, length, self.max)));
        }
        let mut text = first.bytes;
        let mut quotes = text.iter().filter(|&&b| b == b'"').count();
        while quotes % 2 == 1 {
            let Some(next) = self.lines.next_line()? else {
                return Ok(Some(CsvRecord {
                    line: start,
                    fields: Err("a quoted field is never closed before the end of the file".into()),
                }));
            };
            if next.too_long.is_some() || text.len() + 1 + next.bytes.len() > self.max {
                return Ok(Some(CsvRecord {
                    line: start,
                    fields: Err(format!(
                        "the record is longer than the limit of {} bytes (a quoted field that never closes?); it ends here at line {}",
                        self.max, next.number
                    )),
                }));
            }
            quotes += next.bytes.iter().filter(|&&b| b == b'"').count();
            text.push(b'\n');
            text.extend_from_slice(&next.bytes);
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(&text[..]);
        let mut record = csv::ByteRecord::new();
        let fields = match reader.read_byte_record(&mut record) {
            Ok(_) => Ok(record.iter().map(<[u8]>::to_vec).collect()),
            Err(err) => Err(format!("unreadable CSV record: {err}")),
        };
        Ok(Some(CsvRecord { line: start, fields }))
    }
}

fn too_long(line: u64, length: usize, max: usize) -> CsvRecord {
    CsvRecord {
        line,
        fields: Err(format!("the line is {length} bytes long, more than the limit of {max}")),
    }
}

/// A field as text: UTF-8, or an error naming the field and where the first bad byte is.
pub(crate) fn field_text(name: &str, bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|err| {
        format!(
            "{name}: not valid UTF-8 (invalid byte at column {})",
            err.utf8_error().valid_up_to() + 1
        )
    })
}

/// Text cut to at most `max` characters, for echoing input in messages.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
