//! The format seam: every publication format behind one trait, and the registry that `import`,
//! `sync` and the tests look formats up in.
//!
//! A [`Format`] names the files a publication consists of ([`FileSpec`]: a role, the names
//! publishers give the file, whether it is required) and parses them, in that order, into a
//! [`Parsed`] publication. Where the files carry their own publication date (OFAC XML's
//! `Publish_Date`, the UN list's `dateGenerated`), the parser returns it in
//! [`Parsed::published`], so an import needs no `--published`.

use crate::{
    Delta, InputFile, Parsed, Result, bis_dpl, csv_list, dod_1260h, eu_fsf, ftm, ofac, ofac_xml,
    uk_sanctions, un_sc, us_csl,
};

/// One file of a publication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSpec {
    /// What the file holds (`main`, `addresses`, `aliases`, `comments`).
    pub role: &'static str,
    /// The names publishers give it, matched without regard to case.
    pub names: &'static [&'static str],
    /// Whether a publication without it is incomplete rather than partial: a required file
    /// missing is an error; an optional one missing narrows the version's coverage.
    pub required: bool,
}

/// A publication format: the files it reads, and how they become entities.
pub trait Format: Send + Sync {
    /// The format's name on the command line and in the store (`ofac-sdn`).
    fn name(&self) -> &'static str;

    /// One line for `--help`.
    fn description(&self) -> &'static str;

    /// The files of a publication, the required main file first.
    fn files(&self) -> &'static [FileSpec];

    /// Parses a publication: `files[i]` is the file of `self.files()[i]`, if it was found.
    fn parse(&self, files: &[Option<InputFile<'_>>]) -> Result<Parsed>;

    /// Refuses, from its first bytes ([`crate::limits::SNIFF_LEN`] of them), a file that is
    /// obviously not this format, so that a reader need not read a large file of garbage whole.
    /// `role` is the index of the file in [`Format::files`].
    fn sniff(&self, role: usize, head: &InputFile<'_>) -> Result<()> {
        let _ = (role, head);
        Ok(())
    }

    /// For a format whose files hold changes to the previous version rather than a whole
    /// publication (`ftm-delta`): the ops, in the order they apply. `None` for formats of whole
    /// publications (the default); for a delta format, [`Format::parse`] refuses the files.
    fn parse_delta(&self, files: &[Option<InputFile<'_>>]) -> Option<Result<Delta>> {
        let _ = files;
        None
    }

    /// Parses a file that holds a list's history into one publication per edition, oldest first,
    /// each with its [`Parsed::published`] date (the DoD 1260H editions table). A format whose
    /// files hold one publication returns it alone (the default).
    fn parse_editions(&self, files: &[Option<InputFile<'_>>]) -> Result<Vec<Parsed>> {
        Ok(vec![self.parse(files)?])
    }
}

/// OFAC's legacy CSV publications (SDN or consolidated).
struct OfacCsv {
    flavor: ofac::Flavor,
    name: &'static str,
    description: &'static str,
    files: &'static [FileSpec],
}

impl Format for OfacCsv {
    fn name(&self) -> &'static str {
        self.name
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn files(&self) -> &'static [FileSpec] {
        self.files
    }

    fn sniff(&self, _role: usize, head: &InputFile<'_>) -> Result<()> {
        ofac::sniff(head)
    }

    fn parse(&self, files: &[Option<InputFile<'_>>]) -> Result<Parsed> {
        let file = |idx: usize| files.get(idx).copied().flatten();
        let Some(main) = file(0) else {
            return Err(crate::Error::missing_file(self.files[0].names[0]));
        };
        debug_assert_eq!(self.flavor.file_names()[0], self.files[0].names[0]);
        ofac::parse(&ofac::Files { main, addresses: file(1), aliases: file(2), comments: file(3) })
    }
}

const fn spec(role: &'static str, names: &'static [&'static str], required: bool) -> FileSpec {
    FileSpec { role, names, required }
}

static OFAC_SDN: OfacCsv = OfacCsv {
    flavor: ofac::Flavor::Sdn,
    name: "ofac-sdn",
    description: "OFAC SDN list, legacy CSV (sdn.csv, and add.csv, alt.csv, sdn_comments.csv)",
    files: &[
        spec("main", &["sdn.csv"], true),
        spec("addresses", &["add.csv"], false),
        spec("aliases", &["alt.csv"], false),
        spec("comments", &["sdn_comments.csv"], false),
    ],
};

static OFAC_CONSOLIDATED: OfacCsv = OfacCsv {
    flavor: ofac::Flavor::Consolidated,
    name: "ofac-consolidated",
    description: "OFAC consolidated non-SDN list, legacy CSV (cons_prim.csv, and cons_add.csv, cons_alt.csv, cons_comments.csv)",
    files: &[
        spec("main", &["cons_prim.csv"], true),
        spec("addresses", &["cons_add.csv"], false),
        spec("aliases", &["cons_alt.csv"], false),
        spec("comments", &["cons_comments.csv"], false),
    ],
};

/// A module's `parse_editions` function.
type ParseEditions = fn(&InputFile<'_>) -> Result<Vec<Parsed>>;

/// A format of one main file, read by a module's `sniff`, `parse` and `parse_editions`.
struct SingleFile {
    name: &'static str,
    description: &'static str,
    files: &'static [FileSpec],
    sniff: fn(&InputFile<'_>) -> Result<()>,
    parse: fn(&InputFile<'_>) -> Result<Parsed>,
    parse_editions: Option<ParseEditions>,
}

impl SingleFile {
    fn main<'a>(&self, files: &[Option<InputFile<'a>>]) -> Result<InputFile<'a>> {
        files
            .first()
            .copied()
            .flatten()
            .ok_or_else(|| crate::Error::missing_file(self.files[0].names[0]))
    }
}

impl Format for SingleFile {
    fn name(&self) -> &'static str {
        self.name
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn files(&self) -> &'static [FileSpec] {
        self.files
    }

    fn sniff(&self, _role: usize, head: &InputFile<'_>) -> Result<()> {
        (self.sniff)(head)
    }

    fn parse(&self, files: &[Option<InputFile<'_>>]) -> Result<Parsed> {
        (self.parse)(&self.main(files)?)
    }

    fn parse_editions(&self, files: &[Option<InputFile<'_>>]) -> Result<Vec<Parsed>> {
        match self.parse_editions {
            Some(parse_editions) => parse_editions(&self.main(files)?),
            None => Ok(vec![self.parse(files)?]),
        }
    }
}

static UN_SC: SingleFile = SingleFile {
    name: "un-sc",
    description: "UN Security Council consolidated list, XML (UN_consolidated.xml or consolidated.xml)",
    files: &[spec("main", un_sc::FILE_NAMES, true)],
    sniff: un_sc::sniff,
    parse: un_sc::parse,
    parse_editions: None,
};

static OFAC_XML: SingleFile = SingleFile {
    name: "ofac-xml",
    description: "OFAC SDN or consolidated list, sdnList XML (sdn.xml or consolidated.xml)",
    files: &[spec("main", ofac_xml::FILE_NAMES, true)],
    sniff: ofac_xml::sniff,
    parse: ofac_xml::parse,
    parse_editions: None,
};

static EU_FSF: SingleFile = SingleFile {
    name: "eu-fsf",
    description: "EU consolidated financial sanctions list, XML export (xmlFullSanctionsList_1_1)",
    files: &[spec("main", &["xmlFullSanctionsList_1_1.xml", "export.xml", "eu_fsf.xml"], true)],
    sniff: eu_fsf::sniff,
    parse: eu_fsf::parse,
    parse_editions: None,
};

static UK_SANCTIONS: SingleFile = SingleFile {
    name: "uk-sanctions",
    description: "UK sanctions list, CSV (OFSI ConList.csv, or the UK Sanctions List CSV)",
    files: &[spec(
        "main",
        &["ConList.csv", "UK_Sanctions_List.csv", "UK-Sanctions-List.csv"],
        true,
    )],
    sniff: uk_sanctions::sniff,
    parse: uk_sanctions::parse,
    parse_editions: None,
};

static US_CSL: SingleFile = SingleFile {
    name: "us-csl",
    description: "US Consolidated Screening List, trade.gov CSV (csl.csv or consolidated.csv); --source-list picks source lists",
    files: &[spec("main", &["consolidated.csv", "csl.csv"], true)],
    sniff: us_csl::sniff,
    parse: us_csl::parse,
    parse_editions: None,
};

static BIS_DPL: SingleFile = SingleFile {
    name: "bis-dpl",
    description: "BIS Denied Persons List, tab-separated text (dpl.txt)",
    files: &[spec("main", &["dpl.txt"], true)],
    sniff: bis_dpl::sniff,
    parse: bis_dpl::parse,
    parse_editions: None,
};

static DOD_1260H: SingleFile = SingleFile {
    name: "dod-1260h",
    description: "DoD Section 1260H Chinese military companies, editions table (sanctions.csv): one version per edition",
    files: &[spec("main", &["sanctions.csv"], true)],
    sniff: dod_1260h::sniff,
    parse: dod_1260h::parse,
    parse_editions: Some(dod_1260h::parse_editions),
};

static CSV_LIST: SingleFile = SingleFile {
    name: "csv",
    description: "a firm's own list as CSV (list.csv): id, name, aliases, schema, birth_date, country, identifiers, program, listed_on, removed_on",
    files: &[spec("main", &["list.csv"], true)],
    sniff: csv_list::sniff,
    parse: csv_list::parse,
    parse_editions: None,
};

/// Every format, in the order `--help` lists them.
pub fn formats() -> &'static [&'static dyn Format] {
    static FORMATS: [&dyn Format; 12] = [
        &OFAC_SDN,
        &OFAC_CONSOLIDATED,
        &OFAC_XML,
        &UN_SC,
        &US_CSL,
        &BIS_DPL,
        &DOD_1260H,
        &CSV_LIST,
        &ftm::FTM,
        &ftm::FTM_DELTA,
        &EU_FSF,
        &UK_SANCTIONS,
    ];
    &FORMATS
}

/// The format of that name.
pub fn format(name: &str) -> Option<&'static dyn Format> {
    formats().iter().copied().find(|format| format.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_a_unique_name_and_a_required_main_file_first() {
        let mut names: Vec<&str> = formats().iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), formats().len());
        for format in formats() {
            assert!(format.files()[0].required, "{}", format.name());
            assert_eq!(format.files()[0].role, "main");
        }
        assert!(format("ofac-sdn").is_some());
        assert!(format("no-such-format").is_none());
    }

    #[test]
    fn the_ofac_formats_parse_through_the_seam() {
        let sdn = b"306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
        let parsed = format("ofac-sdn")
            .unwrap()
            .parse(&[Some(InputFile { name: "sdn.csv", bytes: sdn }), None, None, None])
            .unwrap();
        assert_eq!(parsed.entities.len(), 1);
        assert!(!parsed.coverage.aliases);
        assert!(format("ofac-sdn").unwrap().parse(&[None]).is_err());
    }
}
