//! The FtM parsers on the OpenSanctions files of the shared data folder (CC BY-NC: read here,
//! never copied into the repository), checked against an independent read with
//! `serde_json::Value`: the lines, the records by schema, and the delta ops.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use listwatch_model::ListDateKind;
use listwatch_parsers::{DeltaOpKind, InputFile, ftm};
use serde_json::Value;

use crate::{data_dir, have_data};

fn opensanctions() -> PathBuf {
    data_dir().join("opensanctions")
}

/// The records of a JSON-lines file, read without the parser.
fn records(path: &Path) -> Vec<Value> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const THINGS: [&str; 8] = [
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "PublicBody",
    "Vessel",
    "Airplane",
    "Security",
];

fn check_whole_file(path: &Path) {
    let bytes = fs::read(path).unwrap();
    let parsed = ftm::parse(&InputFile { name: "entities.ftm.json", bytes: &bytes }).unwrap();
    let records = records(path);
    assert_eq!(parsed.files[0].records, records.len() as u64);
    let mut by_schema: BTreeMap<String, u64> = BTreeMap::new();
    for record in &records {
        *by_schema.entry(record["schema"].as_str().unwrap().to_string()).or_default() += 1;
    }
    let expected_ids: BTreeSet<&str> = records
        .iter()
        .filter(|r| THINGS.contains(&r["schema"].as_str().unwrap()))
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let ids: BTreeSet<&str> = parsed.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, expected_ids, "{}: {by_schema:?}", path.display());
    // Every name of every thing is kept.
    for record in records.iter().filter(|r| THINGS.contains(&r["schema"].as_str().unwrap())) {
        let entity = parsed.entities.iter().find(|e| e.id == record["id"]).unwrap();
        for name in record["properties"]["name"].as_array().into_iter().flatten() {
            assert!(entity.names.iter().any(|n| n.value == name.as_str().unwrap().trim()));
        }
    }
    assert!(
        parsed.diagnostics.iter().all(|d| d.severity == listwatch_model::Severity::Warning),
        "{:#?}",
        parsed.diagnostics
    );
}

#[test]
fn the_zala_export_maps_every_thing_and_folds_sanctions_addresses_and_relations() {
    if !have_data() {
        return;
    }
    let path = opensanctions().join("ftm-zala/entities.ftm.json");
    check_whole_file(&path);
    let bytes = fs::read(&path).unwrap();
    let parsed = ftm::parse(&InputFile { name: "entities.ftm.json", bytes: &bytes }).unwrap();
    let records = records(&path);
    // 6 persons and 11 companies.
    assert_eq!(parsed.entities.len(), 17);
    // Every Sanction whose entity is a thing of the file is folded into it.
    let sanctioned: BTreeSet<&str> = records
        .iter()
        .filter(|r| r["schema"] == "Sanction")
        .flat_map(|r| r["properties"]["entity"].as_array().unwrap())
        .map(|v| v.as_str().unwrap())
        .collect();
    for entity in &parsed.entities {
        let has_sanction = entity.attributes.iter().any(|a| a.label == "sanction");
        assert_eq!(has_sanction, sanctioned.contains(entity.id.as_str()), "{}", entity.id);
    }
    let n_listed =
        parsed.entities.iter().filter(|e| e.list_date(ListDateKind::Listing).is_some()).count();
    assert!(n_listed > 0);
    // Ownerships and directorships become links, and addresses are resolved.
    assert!(
        parsed.entities.iter().any(|e| e.links.iter().any(|l| l.relation.starts_with("ownership")))
    );
    assert!(parsed.entities.iter().any(|e| !e.addresses.is_empty()));
    // The one Passport record is its holder's identifier.
    let passports = parsed
        .entities
        .iter()
        .flat_map(|e| &e.identifiers)
        .filter(|i| i.kind == listwatch_model::IdKind::Passport)
        .count();
    assert!(passports >= 1);
}

#[test]
fn the_delta_chain_applies_in_the_order_of_its_version_index() {
    if !have_data() {
        return;
    }
    let dir = opensanctions().join("ftm-delta");
    let base = dir.join("t1/entities.ftm.json");
    check_whole_file(&base);
    let bytes = fs::read(&base).unwrap();
    let mut entities =
        ftm::parse(&InputFile { name: "entities.ftm.json", bytes: &bytes }).unwrap().entities;
    assert_eq!(entities.len(), 6);
    let index: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("t2/delta.json")).unwrap()).unwrap();
    let mut versions: Vec<&String> = index["versions"].as_object().unwrap().keys().collect();
    versions.sort();
    let mut counts = Vec::new();
    for version in versions {
        let path = dir.join("t2").join(version).join("entities.delta.json");
        let bytes = fs::read(&path).unwrap();
        let delta =
            ftm::parse_delta(&InputFile { name: "entities.delta.json", bytes: &bytes }).unwrap();
        // The ops equal the lines of the file, read without the parser.
        let expected: Vec<(String, String)> = records(&path)
            .iter()
            .map(|r| {
                (
                    r["op"].as_str().unwrap().to_string(),
                    r["entity"]["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let ops: Vec<(String, String)> =
            delta.ops.iter().map(|op| (op.kind.as_str().to_string(), op.id.clone())).collect();
        assert_eq!(ops, expected, "{version}");
        assert!(delta.ops.iter().all(|op| (op.kind == DeltaOpKind::Del) == op.entity.is_none()));
        let applied = delta.apply(entities);
        assert!(applied.diagnostics.is_empty(), "{version}: {:#?}", applied.diagnostics);
        entities = applied.entities;
        counts.push((entities.len(), applied.added, applied.modified, applied.removed));
    }
    let s = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
    assert_eq!(
        counts,
        [
            (6, s(&[]), s(&[]), s(&[])),
            (8, s(&["NK-2T3S8Hu29ktYnKSTgQp2wL", "NK-2sJaJRaPJcWUfMbHjTtWcL"]), s(&[]), s(&[])),
            (9, s(&["NK-500Poltergeist"]), s(&["NK-2T3S8Hu29ktYnKSTgQp2wL"]), s(&[])),
            (8, s(&[]), s(&[]), s(&["NK-500Poltergeist"])),
            (9, s(&["Q4365364"]), s(&[]), s(&[])),
        ]
    );
}
