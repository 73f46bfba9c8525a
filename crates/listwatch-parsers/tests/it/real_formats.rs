//! The CSL, DPL and DoD 1260H parsers on every real file in the shared data folder, with counts
//! checked against an independent read with the csv crate.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use listwatch_model::{Entity, ListDateKind, Severity};
use listwatch_parsers::{InputFile, Parsed, bis_dpl, dod_1260h, us_csl};

use crate::data_dir;

fn read(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|x| x == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out).unwrap();
        out
    } else {
        bytes
    }
}

const CSL_FILES: [&str; 4] = [
    "trade-gov-csl/2019-12-03/csl.csv",
    "trade-gov-csl/2022-05-06/consolidated.csv.gz",
    "trade-gov-csl/2023-11-30/csl.csv",
    "trade-gov-csl/2025-06-25/consolidated.csv",
];

/// Rows per `source` by the csv crate alone: complete records that are not a header line.
fn rows_per_source(bytes: &[u8]) -> BTreeMap<String, usize> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader.headers().unwrap().clone();
    let source = header.iter().position(|h| h == "source").unwrap();
    let mut counts = BTreeMap::new();
    for record in reader.records() {
        let Ok(record) = record else { continue };
        if record.len() != header.len() || record == header {
            continue;
        }
        *counts.entry(record[source].to_string()).or_insert(0) += 1;
    }
    counts
}

fn csl(path: &str) -> (Parsed, Vec<u8>) {
    let bytes = read(&data_dir().join(path));
    let parsed = us_csl::parse(&InputFile { name: path, bytes: &bytes })
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    (parsed, bytes)
}

fn attribute<'a>(entity: &'a Entity, label: &str) -> Option<&'a str> {
    entity.attributes.iter().find(|a| a.label == label).map(|a| a.value.as_str())
}

#[test]
fn every_csl_file_parses_with_the_rows_of_each_source_list() {
    if !crate::have_data() {
        return;
    }
    for path in CSL_FILES {
        let (parsed, bytes) = csl(path);
        let expected: BTreeMap<String, usize> = rows_per_source(&bytes)
            .into_iter()
            .map(|(source, n)| (us_csl::source_code(&source).0, n))
            .collect();
        let mut found: BTreeMap<String, usize> = BTreeMap::new();
        for entity in &parsed.entities {
            *found.entry(attribute(entity, "source_list").unwrap().to_string()).or_insert(0) += 1;
            assert_eq!(entity.programs[0], attribute(entity, "source_list").unwrap());
        }
        assert_eq!(found, expected, "{path}");
        let ids: BTreeSet<&str> = parsed.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), parsed.entities.len(), "{path}: ids are unique");
        let errors: Vec<_> =
            parsed.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        eprintln!(
            "{path}: {} entities, {} diagnostics ({} errors), ids items {}/{} typed; {found:?}",
            parsed.entities.len(),
            parsed.diagnostics.len(),
            errors.len(),
            parsed.remark_stats.typed,
            parsed.remark_stats.items
        );
        if path.contains("2023") {
            // The file ends in the middle of its last record.
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].message.contains("truncated"), "{}", errors[0].message);
            assert!(
                parsed.diagnostics.iter().any(|d| d.message.contains("header line is repeated"))
            );
        } else {
            assert!(errors.is_empty(), "{path}: {errors:?}");
        }
    }
}

#[test]
fn the_2022_csl_has_14160_rows_and_68_cmic_entries_with_their_dates() {
    if !crate::have_data() {
        return;
    }
    for path in [CSL_FILES[1], CSL_FILES[2]] {
        let (parsed, _) = csl(path);
        let cmic: Vec<&Entity> =
            parsed.entities.iter().filter(|e| e.programs[0] == "CMIC").collect();
        assert_eq!(cmic.len(), 68, "{path}");
        for entity in &cmic {
            for kind in [ListDateKind::Listing, ListDateKind::Effective, ListDateKind::Divestment] {
                assert!(
                    entity.list_dates.iter().any(|d| d.kind == kind && d.scope == "CMIC"),
                    "{path} {}: {kind:?} {:?}",
                    entity.id,
                    entity.list_dates
                );
            }
            assert!(entity.programs.iter().any(|p| p == "CMIC-EO13959"));
        }
        let telecom = cmic.iter().find(|e| e.id == "30882").expect("China Telecom");
        assert!(telecom.identifiers.iter().any(|i| i.value == "US1694261033"), "{path}");
        assert!(
            telecom.identifiers.iter().any(|i| i.kind == listwatch_model::IdKind::EquityTicker
                && i.value == "CHA"
                && i.country.as_deref() == Some("US")),
            "{path}: {:?}",
            telecom.identifiers
        );
        if path.contains("2022") {
            assert_eq!(parsed.entities.len(), 14160);
            assert_eq!(parsed.files[0].records, 14160);
            let by_code =
                |code: &str| parsed.entities.iter().filter(|e| e.programs[0] == code).count();
            assert_eq!(by_code("SDN"), 10026);
            assert_eq!(by_code("EL"), 2001);
            assert_eq!(by_code("DPL"), 462);
        }
    }
}

#[test]
fn a_csl_id_shared_by_several_source_lists_stays_with_the_sdn_row() {
    if !crate::have_data() {
        return;
    }
    let (parsed, _) = csl(CSL_FILES[1]);
    let ids: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| id.starts_with("18725"))
        .collect();
    assert_eq!(ids, ["18725", "18725-CAP", "18725-SSI"]);
    let sdn = parsed.entities.iter().find(|e| e.id == "18725").unwrap();
    assert_eq!(sdn.programs[0], "SDN");
    let n_renamed = parsed.diagnostics.iter().filter(|d| d.field.as_deref() == Some("_id")).count();
    eprintln!("2022 CSL: {n_renamed} rows got a derived id");
}

const DPL_DATES: [&str; 3] = ["2019-06-29", "2022-09-07", "2023-11-30"];

fn dpl(date: &str, bytes: Option<&[u8]>) -> Parsed {
    let path = data_dir().join(format!("bis-dpl/{date}/dpl.txt"));
    let own;
    let bytes = match bytes {
        Some(bytes) => bytes,
        None => {
            own = read(&path);
            &own
        }
    };
    bis_dpl::parse(&InputFile { name: "dpl.txt", bytes }).unwrap()
}

/// Distinct (name, effective date) pairs by the csv crate alone, names compared by their letters
/// and digits in lowercase.
fn distinct_dpl_keys(bytes: &[u8]) -> (usize, usize) {
    let mut reader = csv::ReaderBuilder::new().delimiter(b'\t').from_reader(bytes);
    let mut keys = BTreeSet::new();
    let mut n_rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        n_rows += 1;
        let name: String = record[0]
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        keys.insert((name, record[6].trim().to_string()));
    }
    (n_rows, keys.len())
}

#[test]
fn every_dpl_file_parses_to_one_entity_per_name_and_effective_date() {
    if !crate::have_data() {
        return;
    }
    for date in DPL_DATES {
        let bytes = read(&data_dir().join(format!("bis-dpl/{date}/dpl.txt")));
        let parsed = dpl(date, Some(&bytes));
        let (n_rows, n_keys) = distinct_dpl_keys(&bytes);
        assert_eq!(parsed.files[0].records as usize, n_rows, "{date}");
        assert_eq!(parsed.entities.len(), n_keys, "{date}");
        assert!(parsed.diagnostics.iter().all(|d| d.severity == Severity::Warning), "{date}");
        eprintln!("bis-dpl/{date}: {n_rows} rows, {} entities", parsed.entities.len());
    }
}

#[test]
fn reordering_the_dpl_file_does_not_change_its_entities() {
    if !crate::have_data() {
        return;
    }
    let bytes = read(&data_dir().join("bis-dpl/2023-11-30/dpl.txt"));
    let text = String::from_utf8(bytes).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let third = lines.len() / 3;
    lines.rotate_left(third);
    let shuffled = std::iter::once(header).chain(lines).collect::<Vec<_>>().join("\n") + "\n";
    let a = dpl("2023-11-30", None);
    let b = dpl("2023-11-30", Some(shuffled.as_bytes()));
    assert_eq!(a.entities, b.entities);
}

#[test]
fn the_dated_dpl_files_diff_by_the_derived_id() {
    if !crate::have_data() {
        return;
    }
    let versions: Vec<BTreeMap<String, Entity>> = DPL_DATES
        .iter()
        .map(|date| dpl(date, None).entities.into_iter().map(|e| (e.id.clone(), e)).collect())
        .collect();
    let mut counts = Vec::new();
    for pair in versions.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let added = b.keys().filter(|id| !a.contains_key(*id)).count();
        let removed = a.keys().filter(|id| !b.contains_key(*id)).count();
        let changed = a.iter().filter(|(id, e)| b.get(*id).is_some_and(|f| f != *e)).count();
        counts.push((a.len(), b.len(), added, removed, changed));
    }
    eprintln!("bis-dpl diffs (from, to, added, removed, changed): {counts:?}");
    // The data README's rough counts by (name, street, effective date), over rows: 545 -> 581
    // (+224/-188) -> 665 (+230/-146). By (name, effective date), one entity per party and order,
    // a party's several addresses are one entity and an edited street is a change, not a
    // removal and an addition.
    assert_eq!(counts, [(414, 459, 171, 126, 1), (459, 545, 183, 97, 11)]);
}

fn dod() -> Vec<Parsed> {
    let bytes = read(&data_dir().join("dod-1260h/2026-08-20/sanctions.csv"));
    dod_1260h::parse_editions(&InputFile { name: "sanctions.csv", bytes: &bytes }).unwrap()
}

fn holds(edition: &Parsed, name: &str) -> bool {
    edition.entities.iter().any(|e| e.names.iter().any(|n| n.value.contains(name)))
}

#[test]
fn the_dod_editions_have_their_counts() {
    if !crate::have_data() {
        return;
    }
    let editions = dod();
    let summary: Vec<(String, usize)> =
        editions.iter().map(|e| (e.published.unwrap().to_string(), e.entities.len())).collect();
    let links = editions[0].diagnostics.iter().filter(|d| d.message.starts_with("linked")).count();
    let refused =
        editions[0].diagnostics.iter().filter(|d| d.message.starts_with("did not link")).count();
    eprintln!("dod-1260h editions: {summary:?}; {links} links, {refused} refused");
    let counts: Vec<(&str, usize)> = summary.iter().map(|(d, n)| (d.as_str(), *n)).collect();
    assert_eq!(
        counts,
        [
            ("2021-06-03", 47),
            ("2022-10-05", 60),
            ("2024-01-31", 73),
            ("2025-01-07", 142),
            ("2026-02-17", 132),
            ("2026-06-08", 204)
        ]
    );
    assert_eq!((links, refused), (16, 1));
}

#[test]
fn megvii_cxmt_and_avic_are_on_the_editions_they_should_be() {
    if !crate::have_data() {
        return;
    }
    let editions = dod();
    let on = |name: &str| -> Vec<bool> { editions.iter().map(|e| holds(e, name)).collect() };
    assert_eq!(on("Megvii"), [false, false, true, false, false, false]);
    assert_eq!(on("ChangXin Memory"), [false, false, false, true, false, true]);
    assert_eq!(on("Aviation Industry Corporation of China"), [true; 6]);
    let avic: BTreeSet<&str> = editions
        .iter()
        .flat_map(|e| &e.entities)
        .filter(|e| e.primary_name().starts_with("Aviation Industry Corporation of China"))
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(avic.len(), 1, "one company, one id: {avic:?}");
}
