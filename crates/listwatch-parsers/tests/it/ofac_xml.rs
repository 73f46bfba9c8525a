//! OFAC's sdnList XML on the real 2018-04-06 consolidated list, against the CSV set of the same
//! publication: the two must give the same entities, field for field, but for the differences
//! of the two publications themselves, each asserted here and listed in
//! `test_data/ofac_xml/README.md`.

use std::collections::BTreeMap;
use std::fs;

use listwatch_model::{Entity, diff_entities};
use listwatch_parsers::{InputFile, Parsed, ofac, ofac_xml};

use crate::data_dir;
use crate::real_data::parse_dir;

const XML: &str = "ofac-consolidated/2018-04-06/consolidated.xml";

fn parse_xml() -> Parsed {
    let bytes = fs::read(data_dir().join(XML)).unwrap();
    ofac_xml::parse(&InputFile { name: XML, bytes: &bytes }).unwrap_or_else(|e| panic!("{e}"))
}

/// The entity with every multi-valued field sorted (the publications list items in different
/// orders) and without the verbatim remarks.
fn normalized(entity: &Entity) -> Entity {
    let mut e = entity.clone();
    e.names[1..].sort();
    e.programs.sort();
    e.identifiers.sort();
    e.birth_dates.sort();
    e.birth_places.sort();
    e.nationalities.sort();
    e.citizenships.sort();
    e.addresses.sort();
    e.links.sort();
    e.list_dates.sort();
    e.attributes.sort();
    e.untyped_remarks.sort();
    e.remarks = None;
    e
}

/// `99,144` as the CSV writes the XML's `99144`.
fn thousands(digits: &str) -> String {
    let mut out = String::new();
    for (idx, c) in digits.chars().enumerate() {
        if idx > 0 && (digits.len() - idx).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_xml_publication_gives_the_entities_of_the_csv_set_of_the_same_day() {
    if !crate::have_data() {
        return;
    }
    let xml = parse_xml();
    let csv =
        parse_dir(&data_dir().join("ofac-consolidated/2018-04-06"), ofac::Flavor::Consolidated);
    assert_eq!(xml.published.map(|d| d.to_string()).as_deref(), Some("2018-04-06"));
    assert!(xml.diagnostics.is_empty(), "{:#?}", xml.diagnostics);
    // The same ids: 639 entries, Record_Count 639, and the same count by plain string search.
    let text = fs::read_to_string(data_dir().join(XML)).unwrap();
    assert_eq!(text.matches("<sdnEntry>").count(), 639);
    assert!(text.contains("<Record_Count>639</Record_Count>"));
    assert_eq!(xml.files[0].records, 639);
    let ids = |p: &Parsed| p.entities.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&xml), ids(&csv));

    let by_id: BTreeMap<&str, &Entity> = csv.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut n_reordered = 0;
    let mut n_tonnage = 0;
    let mut n_quotes = 0;
    let mut n_stops = 0;
    let mut failures = Vec::new();
    for from_xml in &xml.entities {
        let from_csv = by_id[from_xml.id.as_str()];
        if diff_entities(&normalized(from_csv), &normalized(from_xml)).is_empty()
            && diff_entities(from_csv, from_xml).iter().any(|c| c.field != "remarks")
        {
            n_reordered += 1;
        }
        let mut expected = normalized(from_xml);
        // 1. The CSV writes tonnages with thousands separators; the XML without.
        if let Some(vessel) = &mut expected.vessel {
            for value in
                [&mut vessel.tonnage, &mut vessel.gross_registered_tonnage].into_iter().flatten()
            {
                if value.len() > 3 && value.bytes().all(|b| b.is_ascii_digit()) {
                    *value = thousands(value);
                    n_tonnage += 1;
                }
            }
        }
        // 2. The CSV writes a double quote inside a value as a single quote.
        for name in &mut expected.names {
            if name.value.contains('"') {
                name.value = name.value.replace('"', "'");
                n_quotes += 1;
            }
        }
        for address in &mut expected.addresses {
            if let Some(street) = &mut address.street
                && street.contains('"')
            {
                *street = street.replace('"', "'");
                n_quotes += 1;
            }
        }
        expected.addresses.sort();
        expected.names[1..].sort();
        // 3. An item the CSV writes in the middle of its remarks keeps its own full stop
        // (`...ukraine.aspx#directives.; a.k.a. 'VEB'.`), where the XML's `remarks` element ends
        // with it and the full stop ends the remarks.
        let mut from_csv = normalized(from_csv);
        for attribute in &mut from_csv.attributes {
            if attribute.value.ends_with(".")
                && !expected.attributes.contains(attribute)
                && let Some(without) = attribute.value.strip_suffix('.')
                && expected
                    .attributes
                    .iter()
                    .any(|a| a.label == attribute.label && a.value == without)
            {
                attribute.value = without.to_string();
                n_stops += 1;
            }
        }
        from_csv.attributes.sort();
        let changes = diff_entities(&from_csv, &expected);
        if !changes.is_empty() {
            failures.push(format!("{}: {changes:#?}", from_xml.id));
        }

        // 4. The remarks: the XML's `remarks` element holds only what no other element holds,
        // and each of its items is an item of the CSV's remarks.
        if let Some(remarks) = &from_xml.remarks {
            let csv_remarks =
                by_id[from_xml.id.as_str()].remarks.as_deref().unwrap_or("").replace('"', "'");
            for item in remarks.split("; ") {
                let item = item.trim().trim_end_matches('.');
                let item = item.strip_prefix("(Linked To: ").map_or(item.to_string(), |rest| {
                    format!("Linked To: {}", &rest[..rest.len() - 1])
                });
                assert!(
                    csv_remarks.contains(&item.replace('"', "'")),
                    "{}: {item:?} not in {csv_remarks:?}",
                    from_xml.id
                );
            }
        }
    }
    assert!(failures.is_empty(), "{} entities differ:\n{}", failures.len(), failures.join("\n"));
    // The counts the README gives.
    println!("reordered {n_reordered}, tonnage {n_tonnage}, quotes {n_quotes}, stops {n_stops}");
    assert_eq!(n_tonnage, 104, "tonnage values written with thousands separators");
    assert_eq!(n_quotes, 2, "values with double quotes");
    assert_eq!(n_reordered, 270, "entities that list the same items in another order");
    assert_eq!(n_stops, 1, "items whose full stop only the CSV keeps");
    // Both type the same items alike: the XML's items are fewer (its typed elements are not
    // remark items in the CSV sense) but the share typed is as high.
    assert!(xml.remark_stats.typed_share() >= csv.remark_stats.typed_share() - 0.01);
}
