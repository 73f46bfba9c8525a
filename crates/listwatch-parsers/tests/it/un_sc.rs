//! The UN parser on the real UN consolidated lists of the shared data folder.

use std::collections::BTreeSet;
use std::fs;

use listwatch_model::{DateSpec, Gender, IdKind, ListDateKind, NameKind, PartialDate, Schema};
use listwatch_parsers::{InputFile, Parsed, un_sc};

use crate::data_dir;

const FILES: [(&str, &str, u64); 2] = [
    ("un-consolidated/2018-10-29/consolidated.xml", "2018-10-29", 1093),
    ("un-consolidated/2026-02-27/UN_consolidated.xml", "2026-02-27", 1003),
];

pub(crate) fn parse(path: &str) -> Parsed {
    let bytes = fs::read(data_dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    un_sc::parse(&InputFile { name: path, bytes: &bytes }).unwrap_or_else(|e| panic!("{e}"))
}

/// The DATAIDs of a file by plain string search: an oracle that shares no code with the parser.
fn dataids(path: &str) -> (usize, BTreeSet<String>) {
    let text = fs::read_to_string(data_dir().join(path)).unwrap();
    let n_records = text.matches("<INDIVIDUAL>").count() + text.matches("<ENTITY>").count();
    let ids = text
        .split("<DATAID>")
        .skip(1)
        .map(|rest| rest[..rest.find("</DATAID>").unwrap()].trim().to_string())
        .collect();
    (n_records, ids)
}

#[test]
fn every_un_file_parses_to_one_entity_per_record() {
    if !crate::have_data() {
        return;
    }
    for (path, published, n_expected) in FILES {
        let parsed = parse(path);
        let (n_records, ids) = dataids(path);
        assert_eq!(n_records as u64, n_expected, "{path}");
        assert_eq!(parsed.files[0].records, n_expected, "{path}");
        assert_eq!(parsed.entities.len() as u64, n_expected, "{path}");
        let found: BTreeSet<String> = parsed.entities.iter().map(|e| e.id.clone()).collect();
        assert_eq!(found, ids, "{path}");
        assert_eq!(parsed.published.map(|d| d.to_string()).as_deref(), Some(published));
        assert_eq!(parsed.coverage, listwatch_model::Coverage::FULL);
        // Every element is known: no warning about unknown elements, no record skipped.
        assert!(parsed.diagnostics.is_empty(), "{path}: {:#?}", parsed.diagnostics);
        let n_persons = parsed.entities.iter().filter(|e| e.schema == Schema::Person).count();
        let text = fs::read_to_string(data_dir().join(path)).unwrap();
        assert_eq!(n_persons, text.matches("<INDIVIDUAL>").count(), "{path}");
        for entity in &parsed.entities {
            assert_eq!(entity.programs.len(), 1, "{path}: {}", entity.id);
            let listing =
                entity.list_date(ListDateKind::Listing).expect("every record has LISTED_ON");
            assert_eq!(listing.scope, entity.programs[0]);
        }
    }
}

#[test]
fn known_un_entries_carry_their_fields() {
    if !crate::have_data() {
        return;
    }
    let old = parse(FILES[0].0);
    let ri = old.entities.iter().find(|e| e.id == "6908555").unwrap();
    assert_eq!(ri.primary_name(), "RI WON HO");
    assert_eq!(ri.schema, Schema::Person);
    assert_eq!(ri.programs, ["DPRK"]);
    assert_eq!(ri.birth_dates, [DateSpec::parse_loose("1964-07-17").unwrap()]);
    let passport = ri.identifiers_of(IdKind::Passport).next().unwrap();
    assert_eq!(passport.value, "381310014");
    assert_eq!(ri.nationalities, ["Democratic People's Republic of Korea"]);
    assert_eq!(ri.identifiers_of(IdKind::Other).next().unwrap().value, "KPi.033");
    let listing = ri.list_date(ListDateKind::Listing).unwrap();
    assert_eq!((listing.date.to_string().as_str(), listing.scope.as_str()), ("2016-11-30", "DPRK"));
    assert!(ri.remarks.as_deref().unwrap().starts_with("Ri Won Ho is a DPRK Ministry"));

    let new = parse(FILES[1].0);
    let badege = new.entities.iter().find(|e| e.id == "6907993").unwrap();
    assert_eq!(badege.primary_name(), "ERIC BADEGE");
    assert_eq!(badege.gender, Some(Gender::Male));
    assert_eq!(badege.birth_dates, [DateSpec::On(PartialDate::year_only(1971).unwrap())]);
    assert_eq!(badege.addresses[0].country.as_deref(), Some("Rwanda"));
    assert_eq!(badege.addresses[0].remark.as_deref(), Some("as of early 2016"));
    let kakolele = new.entities.iter().find(|e| e.id == "6907994").unwrap();
    let aliases: Vec<&str> = kakolele.names[1..].iter().map(|n| n.value.as_str()).collect();
    assert_eq!(aliases, ["FRANK KAKORERE", "FRANK KAKORERE BWAMBALE", "AIGLE BLANC"]);
    assert!(kakolele.names[1..].iter().all(|n| n.kind == NameKind::Aka));

    // Every kind of name the list has: original script, strong, weak, former.
    let kinds: BTreeSet<NameKind> =
        new.entities.iter().flat_map(|e| e.names.iter().map(|n| n.kind)).collect();
    assert!(kinds.contains(&NameKind::WeakAka) && kinds.contains(&NameKind::Fka), "{kinds:?}");
    let original = new
        .entities
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.remark.as_deref() == Some("original script"))
        .count();
    assert!(original > 300, "{original}");
    // All three kinds of date of birth.
    let dates: Vec<&DateSpec> = new.entities.iter().flat_map(|e| &e.birth_dates).collect();
    assert!(dates.iter().any(|d| matches!(d, DateSpec::Circa(_))));
    assert!(dates.iter().any(|d| matches!(d, DateSpec::Between(..))));
}

#[test]
fn the_two_un_versions_differ_by_112_added_and_202_removed() {
    if !crate::have_data() {
        return;
    }
    let ids = |parsed: &Parsed| -> BTreeSet<String> {
        parsed.entities.iter().map(|e| e.id.clone()).collect()
    };
    let old = ids(&parse(FILES[0].0));
    let new = ids(&parse(FILES[1].0));
    assert_eq!(new.difference(&old).count(), 112);
    assert_eq!(old.difference(&new).count(), 202);
    // The independent read agrees.
    let (_, old_oracle) = dataids(FILES[0].0);
    let (_, new_oracle) = dataids(FILES[1].0);
    assert_eq!((old, new), (old_oracle, new_oracle));
}

#[test]
fn aliases_holding_several_names_are_split() {
    if !crate::have_data() {
        return;
    }
    let new = parse(FILES[1].0);
    let names = || new.entities.iter().flat_map(|e| &e.names);
    // 85 alias elements of the 2026 list hold several names or a parenthesis; no alias is left
    // holding a list of spellings.
    let aliases = || new.entities.iter().flat_map(|e| &e.names[1..]);
    assert!(aliases().all(|n| !n.value.contains(';')), "an alias still holds a ';'");
    let baghdadi = new
        .entities
        .iter()
        .find(|e| e.names.iter().any(|n| n.value.contains("al-Badri")))
        .expect("the listing of Ibrahim Awwad Ibrahim Ali al-Badri");
    let aliases: Vec<&str> = baghdadi.names.iter().map(|n| n.value.as_str()).collect();
    assert!(aliases.contains(&"Abu Bakr al-Baghdadi"), "{aliases:?}");
    assert!(aliases.contains(&"أبو بكر البغدادي الحسيني القريشي"), "{aliases:?}");
    let soleimani = names().filter(|n| n.value.contains("Sulaym")).count();
    assert!(soleimani >= 4, "{soleimani}");
    // An entity's listed name that holds several names gives each as an alias too.
    let cagl = new
        .entities
        .iter()
        .find(|e| e.primary_name().starts_with("COMPAGNIE AERIENNE DES GRANDS LACS"))
        .expect("the listing of CAGL");
    let cagl_names: Vec<&str> = cagl.names.iter().map(|n| n.value.as_str()).collect();
    for name in
        ["COMPAGNIE AERIENNE DES GRANDS LACS", "CAGL", "GREAT LAKES BUSINESS COMPANY", "GLBC"]
    {
        assert!(cagl_names.contains(&name), "{name} in {cagl_names:?}");
    }
    // A note in parentheses is the name's remark, not part of it.
    let el_para = names().find(|n| n.value == "EL PARA").expect("the alias EL PARA");
    assert_eq!(el_para.remark.as_deref(), Some("COMBAT NAME"));
}
