//! The bounds on every input the command reads, in one place (README, "Limits").
//!
//! Each keeps the time and memory of a command proportional to what it keeps: a line is read
//! into a buffer of at most [`MAX_LINE_LEN`] bytes, a batch is screened [`BATCH_CHUNK`] lines at
//! a time, a query name is at most [`MAX_NAME_CHARS`](listwatch_core::limits::MAX_NAME_CHARS) characters, and an import file is refused
//! by its size before it is read. The parsers' bounds (a field of a list file, an ent_num) are in
//! `listwatch_parsers::limits`, the matcher's in its own `limits.rs`.

// The bounds on one query (its name, identifiers and countries) are the core's, shared with the
// server: `listwatch_core::limits`.

/// The longest line (or CSV record, a quoted field's line breaks included) of a batch input, a
/// pair file or a holdings file, in bytes: 64 KiB. A longer line becomes one error line (or an
/// `invalid` holding) with its number, and only its first 64 KiB are held in memory.
pub(crate) const MAX_LINE_LEN: usize = 64 * 1024;

/// How many lines of a batch are read, screened and written at a time: memory is proportional
/// to a chunk, not to the file.
pub(crate) const BATCH_CHUNK: usize = 4_096;

/// The largest file `import` reads, in bytes (1 GiB), checked from the file's metadata before
/// it is read. The largest real publication file is 3.9 MB.
pub(crate) const MAX_IMPORT_FILE: u64 = 1 << 30;
