//! Parsers for restricted-party list formats: bytes in, entities and diagnostics out.
//!
//! # Overview
//! Each format has a module named authority-then-list: [`ofac`], OFAC's legacy CSV publications
//! of the SDN and consolidated non-SDN lists; [`ofac_xml`], OFAC's `sdnList` XML publication of
//! either list; [`un_sc`], the UN Security Council consolidated list XML; [`us_csl`], the trade.gov
//! Consolidated Screening List; [`bis_dpl`], the BIS Denied Persons List; [`dod_1260h`], the DoD
//! Section 1260H list from its editions table (one publication per edition,
//! [`Format::parse_editions`]); [`csv_list`], a firm's own list as CSV; [`ftm`], OpenSanctions'
//! FollowTheMoney exports and deltas; [`eu_fsf`], the EU's financial sanctions XML export;
//! [`uk_sanctions`], the UK sanctions list CSV in both its layouts. The XML formats read their file
//! once with quick-xml's pull reader and gather one record at a time, never a tree of the whole
//! file. A parser takes [`InputFile`]s (a name and bytes: this crate does no I/O) and returns a
//! [`Parsed`]: the entities, the diagnostics, per-file record counts, the [`Coverage`] of the
//! publication, how many remark items were typed, and the publication date the files carry.
//! Every format is registered behind the [`Format`] trait ([`formats`], [`format()`]).
//!
//! A delta format (`ftm-delta`) holds changes rather than a whole publication:
//! [`Format::parse_delta`] returns a [`Delta`], whose [`DeltaOp`]s [`Delta::apply`] applies in
//! order to the entities of a list's current version.
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
//! OFAC's Advanced (SDN_ADVANCED) XML has no parser yet. The DPL and the 1260H list carry no
//! ids: theirs are derived (see each module). The 1260H editions are rebuilt from a transcribed
//! table, so an edition is only as complete as the table's start and end dates.
//!
//! [`eu_fsf`] and [`uk_sanctions`] were written from our reading of the publishers' layouts,
//! with fixtures of our own: neither a real file nor a format description was at hand to test
//! them against, so element and column names may differ from real files. Check the first real
//! import of each.
//!
//! The XML parsers read UTF-8 (or, failing that, Windows-1252) and ignore the encoding the XML
//! declaration names; entities other than XML's five and character references are kept as
//! written (`&name;`). `ofac-xml` keeps the `remarks` element verbatim in `Entity::remarks`, where
//! the CSV keeps every item; it does not keep the `uid`s of aliases, addresses and documents (the
//! CSV parser does not keep `alt_num` and `add_num` either). `un-sc` keeps `VERSIONNUM`,
//! `LIST_TYPE` and `LAST_DAY_UPDATED` as attributes, so a version bump by the UN shows as a
//! change; its listing dates are scoped by the UN list type (`Al-Qaida`, `DPRK`), which the
//! built-in `un-sc-listed` regime takes as the listing date.

#![warn(missing_docs)]

pub mod bis_dpl;
pub mod csv_list;
mod delimited;
mod delta;
pub mod dod_1260h;
mod error;
pub mod eu_fsf;
mod format;
pub mod ftm;
pub mod limits;
mod names;
pub mod ofac;
pub mod ofac_xml;
mod text;
pub mod uk_sanctions;
pub mod un_sc;
pub mod us_csl;
mod xml;

pub use delta::{Applied, Delta, DeltaOp, DeltaOpKind};
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
