//! Output helpers: aligned text tables for people, JSON for programs, result files written whole
//! or not at all.
//!
//! # Writing to standard output
//!
//! Never use `println!`: it panics when the reader has gone (`listwatch diff ofac-sdn | head -1`).
//! Write through [`to_stdout`] and [`outln!`], which return the error instead; `main` ends quietly
//! on a closed pipe:
//!
//! ```ignore
//! use crate::output::{outln, to_stdout};
//! to_stdout(|out| {
//!     outln!(out, "{} entities", n)?;
//!     table.print(out)?;
//!     Ok(())
//! })
//! ```
//!
//! # Writing result files
//!
//! [`OutputTarget::resolve`] turns an `--output` argument (and an optional `--format`) into a
//! destination and a format, refusing unknown extensions and a path that is the store or an input
//! file; [`OutputTarget::write`] writes to a temporary file in the same folder and renames it into
//! place only when complete, or to standard output for `-`. CSV goes through [`CsvOut`], which
//! escapes cells a spreadsheet would read as a formula.

use std::io::{BufWriter, StdoutLock, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::failure::usage;

/// `writeln!` for output helpers: `outln!(out, "{x}")?` where `out` is `&mut impl Write`. Returns
/// the `io::Result`, so a closed pipe becomes an error to propagate, not a panic.
macro_rules! outln {
    ($out:expr) => {
        ::std::io::Write::write_all(&mut *$out, b"\n")
    };
    ($out:expr, $($arg:tt)*) => {
        ::std::io::Write::write_fmt(&mut *$out, format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// Standard output, locked and buffered.
pub(crate) type Stdout = BufWriter<StdoutLock<'static>>;

/// Runs `write` on a locked, buffered standard output and flushes it, so that every write error
/// (a closed pipe included) comes back as an error.
pub(crate) fn to_stdout(write: impl FnOnce(&mut Stdout) -> Result<()>) -> Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(())
}

/// Text from a list or a user made safe to print on a terminal: every control character (C0,
/// tab included, DEL, and C1), line and paragraph separator, and bidirectional embedding,
/// override or isolate is shown as an escape (`\e` for ESC, `\n`, `\r`, `\t`, `\x07` for other C0 and DEL, `\u{9b}` for C1
/// and bidirectional controls), so a value can neither move the cursor, recolour the terminal,
/// start a line of its own, nor reorder what is printed after it. Other text comes back as it is.
///
/// Every human (non-JSON) output applies it to names, citations, notes, remarks, sources and
/// reasons; JSON output stays faithful (serde_json escapes control characters itself).
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && unsafe_char(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A text table with a header row, columns padded to their widest cell.
pub(crate) struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(headers: &[&str]) -> Table {
        Table { headers: headers.iter().map(ToString::to_string).collect(), rows: Vec::new() }
    }

    /// Adds a row; each cell is [`clean`]ed, so list and user data cannot break the table.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.into_iter().map(|cell| clean(&cell).into_owned()).collect());
    }

    pub(crate) fn print(&self, out: &mut impl Write) -> Result<()> {
        let n_columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (idx, cell) in row.iter().enumerate().take(n_columns) {
                widths[idx] = widths[idx].max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| -> String {
            let mut text = String::new();
            for (idx, cell) in cells.iter().enumerate().take(n_columns) {
                if idx + 1 == n_columns {
                    text.push_str(cell);
                } else {
                    let pad = widths[idx] - cell.chars().count();
                    text.push_str(cell);
                    text.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            text.trim_end().to_string()
        };
        writeln!(out, "{}", line(&self.headers))?;
        for row in &self.rows {
            writeln!(out, "{}", line(row))?;
        }
        Ok(())
    }
}

/// Writes a value as pretty JSON and a newline to standard output.
pub(crate) fn print_json(value: &impl Serialize) -> Result<()> {
    // Serialized first, so that a write error is an `io::Error` (serde_json hides it otherwise).
    let text = serde_json::to_string_pretty(value)?;
    to_stdout(|out| {
        outln!(out, "{text}")?;
        Ok(())
    })
}

/// Shortens text to `max` characters, marking the cut with an ellipsis.
pub(crate) fn ellipsize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// Characters of unchanged text kept on each side of a change.
const CONTEXT: usize = 20;

/// The parts of two long values that show their difference: the common prefix and suffix are
/// elided with `…` (keeping a little context), the differing middle is kept whole. Values of at
/// most `max` characters are returned as they are. Two different values never come back equal.
pub(crate) fn change_excerpts(before: &str, after: &str, max: usize) -> (String, String) {
    let (b, a): (Vec<char>, Vec<char>) = (before.chars().collect(), after.chars().collect());
    if b.len() <= max && a.len() <= max {
        return (before.to_string(), after.to_string());
    }
    let prefix = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let room = b.len().min(a.len()) - prefix;
    let suffix = b.iter().rev().zip(a.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    let excerpt = |chars: &[char]| -> String {
        let start = prefix.saturating_sub(CONTEXT);
        let end = (chars.len() - suffix + CONTEXT).min(chars.len());
        let mut text = String::new();
        if start > 0 {
            text.push('…');
        }
        text.extend(&chars[start..end]);
        if end < chars.len() {
            text.push('…');
        }
        text
    };
    (excerpt(&b), excerpt(&a))
}

/// Cuts text into lines of at most `width` characters (for long values in human output).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars.chunks(width.max(1)).map(|chunk| chunk.iter().collect()).collect()
}

/// The formats of result files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line (also `.ndjson`).
    Jsonl,
    /// One JSON document.
    Json,
}

impl Format {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Csv => &["csv"],
            Format::Jsonl => &["jsonl", "ndjson"],
            Format::Json => &["json"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Json => "json",
        }
    }
}

/// Where the store is, so that no `--output` can overwrite it (set once by `cli::run`).
static STORE: OnceLock<PathBuf> = OnceLock::new();

/// Records the store path; `--output` refuses to write over it.
pub(crate) fn protect_store(path: &Path) {
    let _ = STORE.set(path.to_path_buf());
}

/// Whether two paths name the same file: the same (device, inode) on Unix, else the same
/// canonical path. A path that does not exist is no other file.
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(meta_a), Ok(meta_b)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta_a.dev() == meta_b.dev() && meta_a.ino() == meta_b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (meta_a, meta_b);
        matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    }
}

/// Where results go: standard output (`--output -`) or a file.
#[derive(Clone, Debug)]
pub(crate) enum Destination {
    Stdout,
    File(PathBuf),
}

/// A checked `--output`: where, and in which format.
#[derive(Clone, Debug)]
pub(crate) struct OutputTarget {
    pub(crate) destination: Destination,
    pub(crate) format: Format,
}

impl OutputTarget {
    /// Checks an `--output` argument. The format is `format` if given, else the file's extension
    /// (`.csv`, `.jsonl`/`.ndjson`, `.json`), else (for `-`) `default`; it must be one of
    /// `supported`. The path may be neither the store nor one of `inputs` (same path, hard link or
    /// symbolic link).
    pub(crate) fn resolve(
        flag: &str,
        path: &Path,
        format: Option<Format>,
        supported: &[Format],
        default: Format,
        inputs: &[&Path],
    ) -> Result<OutputTarget> {
        let names = || {
            supported
                .iter()
                .flat_map(|f| f.extensions().iter().map(|e| format!(".{e}")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let destination = if path.as_os_str() == "-" {
            Destination::Stdout
        } else {
            Destination::File(path.to_path_buf())
        };
        let format = match (format, &destination) {
            (Some(format), _) => format,
            (None, Destination::Stdout) => default,
            (None, Destination::File(path)) => {
                let extension = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                supported
                    .iter()
                    .copied()
                    .find(|f| f.extensions().contains(&extension.as_str()))
                    .ok_or_else(|| {
                        usage(format!(
                            "{flag} {}: cannot tell the format from the file name; use a name ending in {} (or pass --format {})",
                            path.display(),
                            names(),
                            supported.iter().map(|f| f.name()).collect::<Vec<_>>().join("|")
                        ))
                    })?
            }
        };
        if !supported.contains(&format) {
            return Err(usage(format!(
                "{flag}: this command writes {} only, not {}",
                names(),
                format.name()
            )));
        }
        if let Destination::File(out) = &destination {
            if STORE.get().is_some_and(|store| same_file(out, store)) {
                return Err(usage(format!(
                    "{flag} {}: that is the store file; writing there would destroy it",
                    out.display()
                )));
            }
            if let Some(input) = inputs.iter().find(|input| same_file(out, input)) {
                return Err(usage(format!(
                    "{flag} {}: that is the input file {}; choose another name",
                    out.display(),
                    input.display()
                )));
            }
        }
        Ok(OutputTarget { destination, format })
    }

    /// What to call the destination in messages.
    pub(crate) fn describe(&self) -> String {
        match &self.destination {
            Destination::Stdout => "standard output".to_string(),
            Destination::File(path) => path.display().to_string(),
        }
    }

    /// Writes the results: to standard output, or to a temporary file beside the destination that
    /// is renamed into place only when `write` has succeeded (a failure leaves no half file, and
    /// an existing file stays as it was).
    pub(crate) fn write(&self, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        let path = match &self.destination {
            Destination::Stdout => return to_stdout(|out| write(out)),
            Destination::File(path) => path,
        };
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = path
            .file_name()
            .with_context(|| format!("{} is not a file name", path.display()))?
            .to_string_lossy();
        let temp = folder.join(format!(".{file_name}.{}.partial", std::process::id()));
        let result = (|| -> Result<()> {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .with_context(|| format!("cannot create {}", temp.display()))?;
            let mut out = BufWriter::new(file);
            write(&mut out)?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&temp, path)
                .with_context(|| format!("cannot move the results into {}", path.display()))?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result.with_context(|| format!("cannot write {}", path.display()))
    }
}

/// A CSV writer that escapes cells a spreadsheet would run as a formula: a cell that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
pub(crate) struct CsvOut<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    pub(crate) fn new(out: W) -> CsvOut<W> {
        CsvOut { writer: csv::Writer::from_writer(out) }
    }

    /// Writes one record.
    pub(crate) fn row<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<S> = cells.into_iter().collect();
        let escaped: Vec<std::borrow::Cow<'_, str>> =
            cells.iter().map(|cell| escape_csv_cell(cell.as_ref())).collect();
        self.writer.write_record(escaped.iter().map(|cell| cell.as_bytes()))?;
        Ok(())
    }

    /// Flushes the buffered records.
    pub(crate) fn flush(&mut self) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

/// `'` before a cell that a spreadsheet would read as a formula.
pub(crate) fn escape_csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_far_into_a_long_value_is_shown() {
        let base = "x".repeat(150);
        let (before, after) =
            change_excerpts(&format!("{base}A tail"), &format!("{base}B tail"), 100);
        assert_ne!(before, after);
        assert!(before.starts_with('…') && before.contains("A tail"), "{before}");
        assert!(after.contains("B tail"), "{after}");
        let (before, after) = change_excerpts("short", "shorter", 100);
        assert_eq!((before.as_str(), after.as_str()), ("short", "shorter"));
        // Only a longer tail: the shorter side shows its end.
        let (before, after) = change_excerpts(&base, &format!("{base}x"), 100);
        assert_ne!(before, after);
    }

    #[test]
    fn a_failed_write_leaves_no_file_and_the_old_one_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("report.csv");
        let target =
            OutputTarget::resolve("--output", &path, None, &[Format::Csv], Format::Csv, &[])
                .unwrap();
        let failing = |out: &mut dyn Write| -> Result<()> {
            out.write_all(b"half,")?;
            anyhow::bail!("the input broke")
        };
        assert!(target.write(failing).is_err());
        assert!(!path.exists());
        std::fs::write(&path, "old\n").unwrap();
        assert!(target.write(failing).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        target.write(|out| Ok(out.write_all(b"new\n")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let names: Vec<_> =
            std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["report.csv"]);
        let err = OutputTarget::resolve(
            "--output",
            &tmp.path().join("r.xlsx"),
            None,
            &[Format::Csv, Format::Jsonl],
            Format::Csv,
            &[],
        )
        .unwrap_err();
        assert_eq!(crate::failure::exit_code(&err), crate::failure::USAGE);
        assert!(err.to_string().contains(".csv, .jsonl, .ndjson"), "{err}");
    }

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(clean("Banco Nacional de Cuba"), "Banco Nacional de Cuba");
        assert!(matches!(clean("Ибрагим — إبراهيم"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(clean("\u{1b}[31mRED\n"), "\\e[31mRED\\n");
        assert_eq!(clean("a\tb\rc\u{0}d\u{7f}e"), "a\\tb\\rc\\x00d\\x7fe");
        assert_eq!(clean("\u{9b}31m\u{85}"), "\\u{9b}31m\\u{85}");
        assert_eq!(clean("abc\u{202e}def\u{2066}"), "abc\\u{202e}def\\u{2066}");
        assert_eq!(clean("\u{1b}]0;title\u{7}"), "\\e]0;title\\x07");
        assert_eq!(clean("x\u{8}y\u{2028}z"), "x\\x08y\\u{2028}z");
        let mut table = Table::new(&["name"]);
        table.row(vec!["evil\n\u{1b}[2J".to_string()]);
        let mut out = Vec::new();
        table.print(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "name\nevil\\n\\e[2J\n");
    }

    #[test]
    fn formula_cells_are_escaped() {
        for cell in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(escape_csv_cell(cell), format!("'{cell}"));
        }
        assert_eq!(escape_csv_cell("Banco"), "Banco");
    }
}
