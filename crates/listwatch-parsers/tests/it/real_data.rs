//! The parsers on every real OFAC file in the shared data folder.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use listwatch_parsers::{InputFile, Parsed, RemarkStats, ofac};

use crate::data_dir;

fn read_optional(dir: &Path, name: &str) -> Option<Vec<u8>> {
    fs::read(dir.join(name)).ok()
}

/// Parses the OFAC set in `dir`, with whichever of its files exist.
pub(crate) fn parse_dir(dir: &Path, flavor: ofac::Flavor) -> Parsed {
    let [main, add, alt, comments] = flavor.file_names();
    let main_bytes = fs::read(dir.join(main)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let add_bytes = read_optional(dir, add);
    let alt_bytes = read_optional(dir, alt);
    let comment_bytes = read_optional(dir, comments);
    let files = ofac::Files {
        main: InputFile { name: main, bytes: &main_bytes },
        addresses: add_bytes.as_deref().map(|bytes| InputFile { name: add, bytes }),
        aliases: alt_bytes.as_deref().map(|bytes| InputFile { name: alt, bytes }),
        comments: comment_bytes.as_deref().map(|bytes| InputFile { name: comments, bytes }),
    };
    ofac::parse(&files).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// The distinct first fields of a CSV file's records: an oracle for the ent_num set that does not
/// share code with the parser (Python's csv module reads these files the same way).
fn distinct_first_fields(path: &Path) -> BTreeSet<String> {
    let bytes = fs::read(path).unwrap();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[..]);
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r.len() > 1)
        .map(|r| r[0].trim().to_string())
        .collect()
}

fn ofac_dirs() -> Vec<(std::path::PathBuf, ofac::Flavor)> {
    let root = data_dir();
    let mut dirs = Vec::new();
    for (source, flavor) in [
        ("ofac-sdn", ofac::Flavor::Sdn),
        ("ofac-sdn-tiny", ofac::Flavor::Sdn),
        ("ofac-sdn-daily", ofac::Flavor::Sdn),
        ("ofac-consolidated", ofac::Flavor::Consolidated),
    ] {
        let mut dated: Vec<_> = fs::read_dir(root.join(source))
            .unwrap_or_else(|e| panic!("{}: {e} (set LISTWATCH_DATA)", root.join(source).display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_dir())
            .collect();
        dated.sort();
        dirs.extend(dated.into_iter().map(|dir| (dir, flavor)));
    }
    dirs
}

#[test]
fn every_ofac_file_parses_and_entity_counts_equal_distinct_ids() {
    if !crate::have_data() {
        return;
    }
    let mut total = RemarkStats::default();
    let mut n_sets = 0;
    for (dir, flavor) in ofac_dirs() {
        let parsed = parse_dir(&dir, flavor);
        let expected = distinct_first_fields(&dir.join(flavor.file_names()[0]));
        let found: BTreeSet<String> = parsed.entities.iter().map(|e| e.id.clone()).collect();
        assert_eq!(found, expected, "{}", dir.display());
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == listwatch_model::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
        eprintln!(
            "{}: {} entities, {} diagnostics, {}/{} remark items typed ({:.2}%)",
            dir.display(),
            parsed.entities.len(),
            parsed.diagnostics.len(),
            parsed.remark_stats.typed,
            parsed.remark_stats.items,
            100.0 * parsed.remark_stats.typed_share()
        );
        total.merge(&parsed.remark_stats);
        n_sets += 1;
    }
    assert_eq!(n_sets, 12);
    let mut untyped: Vec<_> = total.untyped_by_prefix.iter().collect();
    untyped.sort_by(|a, b| b.1.cmp(a.1));
    eprintln!(
        "all sets: {}/{} remark items typed ({:.2}%); most common untyped: {:?}",
        total.typed,
        total.items,
        100.0 * total.typed_share(),
        &untyped[..untyped.len().min(80)]
    );
    // Measured, not a target: the share must not regress below what the label table reaches today.
    assert!(total.typed_share() > 0.97, "typed share fell to {:.4}", total.typed_share());
}

#[test]
fn the_empty_daily_file_parses_to_no_entities() {
    if !crate::have_data() {
        return;
    }
    let parsed = parse_dir(&data_dir().join("ofac-sdn-daily/2024-05-04"), ofac::Flavor::Sdn);
    assert!(parsed.entities.is_empty());
    assert_eq!(parsed.files[0].records, 0);
}

#[test]
fn remarks_continued_in_the_comments_file_are_joined() {
    if !crate::have_data() {
        return;
    }
    let parsed = parse_dir(&data_dir().join("ofac-sdn/2021-07-07"), ofac::Flavor::Sdn);
    let entity = parsed.entities.iter().find(|e| e.id == "12300").unwrap();
    let remarks = entity.remarks.as_deref().unwrap();
    assert!(remarks.contains("S.A.S.; Linked To: RED MUNDIAL INMOBILIARIA"), "{remarks}");
    assert!(entity.links.iter().any(|l| l.name == "R D I S.A."), "{:?}", entity.links);
}

#[test]
fn the_consolidated_list_has_68_cmic_entries_with_their_dates() {
    if !crate::have_data() {
        return;
    }
    let parsed =
        parse_dir(&data_dir().join("ofac-consolidated/2025-12-19"), ofac::Flavor::Consolidated);
    let cmic: Vec<_> =
        parsed.entities.iter().filter(|e| e.programs.iter().any(|p| p == "CMIC-EO13959")).collect();
    assert_eq!(cmic.len(), 68);
    let mut by_listing = std::collections::BTreeMap::new();
    for entity in &cmic {
        let listing =
            entity.list_date(listwatch_model::ListDateKind::Listing).expect("listing date");
        *by_listing.entry(listing.date.to_string()).or_insert(0) += 1;
        assert!(
            entity.list_date(listwatch_model::ListDateKind::Effective).is_some(),
            "{}",
            entity.id
        );
        assert!(
            entity.list_date(listwatch_model::ListDateKind::Divestment).is_some(),
            "{}",
            entity.id
        );
    }
    let expected: std::collections::BTreeMap<String, i32> = [
        ("2021-06-03".to_string(), 59),
        ("2021-12-10".to_string(), 1),
        ("2021-12-16".to_string(), 8),
    ]
    .into();
    assert_eq!(by_listing, expected);
    let china_mobile = parsed.entities.iter().find(|e| e.id == "30923").unwrap();
    assert!(china_mobile.identifiers.iter().any(|i| i.value == "US16941M1099"));
}

#[test]
fn acronyms_and_spellings_in_parentheses_are_names_too() {
    if !crate::have_data() {
        return;
    }
    let sdn = parse_dir(&crate::data_dir().join("ofac-sdn/2021-07-07"), ofac::Flavor::Sdn);
    let names_of = |id: &str| -> Vec<String> {
        let entity = sdn.entities.iter().find(|e| e.id == id).unwrap();
        entity.names.iter().map(|n| n.value.clone()).collect()
    };
    let fif = names_of("7140");
    assert!(
        fif.iter().any(|n| n == "FIF") && fif.iter().any(|n| n == "FALAH-I-INSANIAT FOUNDATION")
    );
    assert!(fif.iter().any(|n| n == "FALAH-I-INSANIAT FOUNDATION (FIF)"), "the listed name stays");
    // Translations are not told from notes, so they give nothing ("PARTIDO COMUNISTA DEL PERU
    // (COMMUNIST PARTY OF PERU)"; the list gives the English name as an alias of its own).
    let shining_path = sdn.entities.iter().find(|e| e.id == "4715").unwrap();
    assert!(
        !shining_path
            .names
            .iter()
            .any(|n| n.remark.as_deref().is_some_and(|r| r.starts_with("from the listed name"))),
        "{:?}",
        shining_path.names
    );
    assert!(names_of("10929").iter().any(|n| n == "SANTOS, Ahmed"));
    // "(PVT)" is a kind of company, not a name.
    assert!(!names_of("8181").iter().any(|n| n == "PVT"));
}
