//! Tests for the remarks mini-language.

use super::*;
use listwatch_model::{Entity, Schema};

fn parse(remarks: &str) -> (Entity, RemarkStats) {
    let mut entity = Entity::new("1", Schema::Organization, "X");
    entity.remarks = Some(remarks.to_string());
    let mut stats = RemarkStats::default();
    apply_remarks(&mut entity, &mut stats);
    (entity, stats)
}

#[test]
fn cmic_remarks_give_tickers_isins_dates_and_links() {
    let (entity, stats) = parse(
        "Equity Ticker CHL US; alt. Equity Ticker 941 HK; Issuer Name China Mobile Limited; ISIN US16941M1099; alt. ISIN HK0941009539; Target Type Public Company; Effective Date (CMIC) 02 Aug 2021; Purchase/Sales For Divestment Date (CMIC) 03 Jun 2022; Listing Date (CMIC) 03 Jun 2021; Linked To: CHINA MOBILE COMMUNICATIONS GROUP CO., LTD.",
    );
    assert_eq!(stats.items, 10);
    assert_eq!(stats.typed, 10);
    assert_eq!(entity.schema, Schema::Company);
    let tickers: Vec<_> = entity
        .identifiers_of(IdKind::EquityTicker)
        .map(|i| (i.value.as_str(), i.country.as_deref()))
        .collect();
    assert_eq!(tickers, [("CHL", Some("US")), ("941", Some("HK"))]);
    let isins: Vec<_> = entity.identifiers_of(IdKind::Isin).map(|i| i.value.as_str()).collect();
    assert_eq!(isins, ["US16941M1099", "HK0941009539"]);
    let listing = entity.list_date(ListDateKind::Listing).unwrap();
    assert_eq!((listing.date.to_string().as_str(), listing.scope.as_str()), ("2021-06-03", "CMIC"));
    assert_eq!(entity.list_date(ListDateKind::Effective).unwrap().date.to_string(), "2021-08-02");
    assert_eq!(entity.list_date(ListDateKind::Divestment).unwrap().date.to_string(), "2022-06-03");
    assert_eq!(entity.links[0].name, "CHINA MOBILE COMMUNICATIONS GROUP CO., LTD.");
}

#[test]
fn directive_dates_carry_their_scope() {
    let (entity, _) = parse(
        "Listing Date (EO 14024 Directive 3): 24 Feb 2022; Effective Date (EO 14024 Directive 3): 26 Mar 2022.",
    );
    assert_eq!(entity.list_dates[0].scope, "EO 14024 Directive 3");
    assert_eq!(entity.list_dates[1].date.to_string(), "2022-03-26");
}

#[test]
fn person_remarks_give_dates_places_documents_and_weak_aliases() {
    let (entity, stats) = parse(
        "DOB 28 Jul 1963; alt. DOB circa 1960; POB Toledo District, Belize; Passport P0017003 (Belize) issued 12 Jan 2010; SSN 561-77-9011 (United States); nationality Russia; citizen Mexico; Gender Male; a.k.a. 'BURTON BURGESS'.",
    );
    assert_eq!(stats.typed, stats.items);
    let dobs: Vec<String> = entity.birth_dates.iter().map(ToString::to_string).collect();
    assert_eq!(dobs, ["1963-07-28", "1960~"]);
    assert_eq!(entity.birth_places, ["Toledo District, Belize"]);
    let passport = entity.identifiers_of(IdKind::Passport).next().unwrap();
    assert_eq!(passport.value, "P0017003");
    assert_eq!(passport.country.as_deref(), Some("Belize"));
    assert_eq!(passport.details.as_deref(), Some("issued 12 Jan 2010"));
    assert_eq!(entity.gender, Some(Gender::Male));
    assert_eq!(entity.names[1].value, "BURTON BURGESS");
    assert_eq!(entity.names[1].kind, NameKind::WeakAka);
}

#[test]
fn digital_currency_addresses_keep_their_currency() {
    let (entity, _) = parse(
        "Digital Currency Address - XBT 12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz; alt. Digital Currency Address - ETH 0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c.",
    );
    let currencies: Vec<_> =
        entity.identifiers.iter().map(|i| i.currency.as_deref().unwrap()).collect();
    assert_eq!(currencies, ["XBT", "ETH"]);
    assert_eq!(entity.identifiers[0].value, "12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz");
}

#[test]
fn untyped_items_are_kept_and_counted() {
    let (entity, stats) =
        parse("Member of the State Duma; DOB 1962; Ba'th party regional command chairman.");
    assert_eq!(stats.items, 3);
    assert_eq!(stats.typed, 1);
    assert_eq!(
        entity.untyped_remarks,
        ["Member of the State Duma", "Ba'th party regional command chairman"]
    );
    assert_eq!(stats.untyped_by_prefix.get("Ba'th party"), Some(&1));
}

#[test]
fn a_bad_date_keeps_the_item_untyped() {
    let (entity, stats) = parse("DOB 31 Feb 1970.");
    assert_eq!(stats.typed, 0);
    assert_eq!(entity.untyped_remarks, ["DOB 31 Feb 1970"]);
}

#[test]
fn final_abbreviations_keep_their_full_stop() {
    let (entity, _) = parse("Linked To: R D I S.A.");
    assert_eq!(entity.links[0].name, "R D I S.A.");
    let (entity, _) = parse("Linked To: LAZARUS GROUP.");
    assert_eq!(entity.links[0].name, "LAZARUS GROUP");
}
