//! Unit tests of the DoD 1260H editions table.

use super::*;

const HEADER: &str =
    "Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date,Source Url\n";

fn editions(rows: &str) -> Vec<Parsed> {
    parse_editions(&InputFile {
        name: "sanctions.csv",
        bytes: format!("{HEADER}{rows}").as_bytes(),
    })
    .unwrap()
}

#[test]
fn a_renamed_company_keeps_its_id_across_editions() {
    let parsed = editions(
        "Old Name Co.,Old Name Co.,,,,,2021-06-03,,\n\
         New Name Co.,New Name Co.,,Old Name Co.,Parent Group,,2025-01-07,,\n",
    );
    let ids: Vec<Vec<&str>> =
        parsed.iter().map(|p| p.entities.iter().map(|e| e.id.as_str()).collect()).collect();
    assert_eq!(ids, [vec!["old-name-co"], vec!["old-name-co"]]);
    let newest = &parsed[1].entities[0];
    assert_eq!(newest.primary_name(), "New Name Co.");
    assert!(newest.names.iter().any(|n| n.value == "Old Name Co." && n.kind == NameKind::Fka));
    assert_eq!(newest.links[0].relation, "parent");
    assert_eq!(newest.list_dates[0].date.to_string(), "2021-06-03");
    assert!(parsed[0].diagnostics.iter().any(|d| d.message.starts_with("linked")));
}

#[test]
fn two_names_printed_in_one_edition_are_never_linked() {
    let parsed = editions(
        "Acme Holdings,Acme Holdings,Acme,,,,2021-06-03,,\n\
         Acme,Acme,,,,,2021-06-03,,\n",
    );
    assert_eq!(parsed[0].entities.len(), 2);
    assert!(parsed[0].diagnostics.iter().any(|d| d.message.starts_with("did not link")));
}

#[test]
fn an_end_date_makes_an_edition_without_the_company() {
    let parsed = editions("A Co.,A Co.,,,,,2021-06-03,2022-01-01,\nB Co.,B Co.,,,,,2021-06-03,,\n");
    let counts: Vec<usize> = parsed.iter().map(|p| p.entities.len()).collect();
    assert_eq!(counts, [2, 1]);
    assert_eq!(parsed[1].published.unwrap().to_string(), "2022-01-01");
}
