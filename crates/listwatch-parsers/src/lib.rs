//! Parsers for restricted-party list formats: bytes in, entities and diagnostics out.
//!
//! # Overview
//! Each format has a module named authority-then-list: [`ofac`], OFAC's legacy CSV publications
//! of the SDN and consolidated non-SDN lists; [`us_csl`], the trade.gov Consolidated Screening
//! List; [`bis_dpl`], the BIS Denied Persons List; [`dod_1260h`], the DoD Section 1260H list from
//! its editions table (one publication per edition, [`Format::parse_editions`]); [`csv_list`], a
//! firm's own list as CSV. Each is registered behind the [`Format`] trait ([`formats`]). A parser takes [`InputFile`]s (a name
//! and bytes: this crate does no I/O) and returns a [`Parsed`]: the entities, the diagnostics,
//! per-file record counts, the [`Coverage`] of the publication, and how many remark items were
//! typed.
//!
//! # API themes
//! - **Bad input is data, not an error.** A malformed record becomes a [`Diagnostic`] with the
//!   file, line, record id and field, and the other records still parse.
//! - **Only a file that is not the format, or is structurally broken, is an [`Error`]**: the wrong
//!   column count throughout, a quote that never closes, a last record cut short.
//! - **Nothing is dropped silently.** A remark item that cannot be typed is kept verbatim in
//!   `Entity::untyped_remarks` and counted in [`RemarkStats`].
//! - Parsers never panic on input; property tests feed them arbitrary bytes.
//!
//! # Example
//! ```
//! use listwatch_parsers::{ofac, InputFile};
//!
//! let sdn = b"306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n\x1a";
//! let files = ofac::Files {
//!     main: InputFile { name: "sdn.csv", bytes: sdn },
//!     addresses: None,
//!     aliases: None,
//!     comments: None,
//! };
//! let parsed = ofac::parse(&files).unwrap();
//! assert_eq!(parsed.entities[0].names[1].value, "BNC");
//! assert!(parsed.diagnostics.is_empty());
//! ```
//!
//! # Limitations
//! OFAC's XML formats and the UN, EU and UK lists have no parser here. The DPL and the 1260H list
//! carry no ids: theirs are derived (see each module). The 1260H editions are rebuilt from a
//! transcribed table, so an edition is only as complete as the table's start and end dates.

#![warn(missing_docs)]

pub mod bis_dpl;
pub mod csv_list;
mod delimited;
pub mod dod_1260h;
mod error;
mod format;
pub mod limits;
pub mod ofac;
mod text;
pub mod us_csl;

pub use error::{Error, ErrorKind, Result};
pub use format::{FileSpec, Format, format, formats};
pub use ofac::RemarkStats;

use listwatch_model::{Coverage, Diagnostic, Entity};

/// A file handed to a parser: its name (for messages) and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct InputFile<'a> {
    /// The file's name, as messages should show it.
    pub name: &'a str,
    /// The file's content.
    pub bytes: &'a [u8],
}

/// How many records a file held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The file's name.
    pub name: String,
    /// Records read, good and bad (a header row and the trailing Ctrl-Z are not records).
    pub records: u64,
}

/// What a parser produced from one publication.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The entities, ordered by source id.
    pub entities: Vec<Entity>,
    /// Problems found, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Record counts per file.
    pub files: Vec<FileReport>,
    /// Which parts of the publication were present.
    pub coverage: Coverage,
    /// Remark items typed and untyped.
    pub remark_stats: RemarkStats,
    /// The publication date the files themselves carry, where they carry one (OFAC XML's
    /// `Publish_Date`, the UN list's `dateGenerated`); `None` for formats without one.
    pub published: Option<listwatch_model::Date>,
}
