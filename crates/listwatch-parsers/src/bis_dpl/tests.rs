//! Unit tests of the DPL parser: derived ids and merged addresses.

use super::*;

const HEADER: &str =
    "\"Name\"\t\"Street_Address\"\t\"City\"\t\"Country\"\t\"Effective_Date\"\t\"FR_Citation\"\n";

#[test]
fn rows_of_one_party_and_order_are_one_entity_whatever_their_order() {
    let a = "\" ACME LTD\"\t\"1 MAIN ST\"\t\"DUBAI\"\t\"AE\"\t\"01/02/2020\"\t\"85 F.R. 1\"\n";
    let b = "\"ACME  LTD.\"\t\"2 SIDE ST\"\t\"SHARJAH\"\t\"AE\"\t\"01/02/2020\"\t\"85 F.R. 1\"\n";
    let one =
        parse(&InputFile { name: "dpl.txt", bytes: format!("{HEADER}{a}{b}").as_bytes() }).unwrap();
    let two =
        parse(&InputFile { name: "dpl.txt", bytes: format!("{HEADER}{b}{a}").as_bytes() }).unwrap();
    assert_eq!(one.entities, two.entities);
    assert_eq!(one.entities.len(), 1);
    assert_eq!(one.entities[0].addresses.len(), 2);
    assert_eq!(one.entities[0].id, id_key("ACME LTD", "01/02/2020"));
    assert_eq!(one.entities[0].list_dates[0].date.to_string(), "2020-01-02");
}

#[test]
fn a_file_without_the_dpl_columns_is_not_the_format() {
    let err = parse(&InputFile { name: "dpl.txt", bytes: b"a\tb\n1\t2\n" }).unwrap_err();
    assert!(err.to_string().contains("Effective_Date"), "{err}");
}
