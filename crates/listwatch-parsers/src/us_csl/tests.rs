//! Unit tests of the CSL parser: source codes, the two orders of `ids` items, and ids.

use super::*;

fn parse_text(text: &str) -> Parsed {
    parse(&InputFile { name: "csl.csv", bytes: text.as_bytes() }).unwrap()
}

#[test]
fn source_texts_become_short_codes() {
    assert_eq!(
        source_code("Entity List (EL) - Bureau of Industry and Security"),
        ("EL".into(), true)
    );
    assert_eq!(
        source_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"),
        ("NS-MBS".into(), true)
    );
    assert_eq!(source_code("Brand New List (BNL) - Somewhere"), ("BNL".into(), false));
}

#[test]
fn ids_items_read_alike_in_both_orders() {
    let old = ofac_item("CN, 91330000733796106P, Unified Social Credit Code (USCC)");
    let new = ofac_item("Unified Social Credit Code (USCC), 91330000733796106P, CN");
    assert_eq!(old.as_deref(), Some("Unified Social Credit Code (USCC) 91330000733796106P (CN)"));
    assert_eq!(old, new);
    assert_eq!(
        ofac_item("03 Jun 2021, Listing Date (CMIC)").as_deref(),
        Some("Listing Date (CMIC) 03 Jun 2021")
    );
    assert_eq!(ofac_item("no label here, at all"), None);
}

#[test]
fn a_shared_id_stays_with_the_row_of_the_first_source_list_whatever_the_order() {
    let header = "_id,source,name\n";
    let ssi = "7,Sectoral Sanctions Identifications List (SSI) - Treasury Department,BANK\n";
    let sdn = "7,Specially Designated Nationals (SDN) - Treasury Department,BANK\n";
    for text in [format!("{header}{ssi}{sdn}"), format!("{header}{sdn}{ssi}")] {
        let parsed = parse_text(&text);
        let ids: Vec<(&str, &str)> =
            parsed.entities.iter().map(|e| (e.id.as_str(), e.programs[0].as_str())).collect();
        assert_eq!(ids, [("7", "SDN"), ("7-SSI", "SSI")]);
        assert_eq!(parsed.diagnostics.len(), 1);
    }
}

#[test]
fn a_repeated_header_is_skipped_and_a_cut_last_record_is_a_diagnostic() {
    let text = "_id,source,name,title\n_id,source,name,title\n1,Entity List (EL),ACME,\n2,Entity List (EL),\"CUT";
    let parsed = parse_text(text);
    assert_eq!(parsed.entities.len(), 1);
    assert!(parsed.diagnostics[0].message.contains("header line is repeated"));
    assert!(parsed.diagnostics[1].message.contains("truncated"), "{:?}", parsed.diagnostics);
}
