//! Every format of the registry on arbitrary bytes and on CSV-like text: no panic, an answer in
//! bounded time, and what is kept is at most a small multiple of the input.

use std::time::Instant;

use listwatch_parsers::{InputFile, Parsed, formats};
use proptest::prelude::*;

fn kept(parsed: &Parsed) -> usize {
    serde_json::to_string(&parsed.entities).unwrap().len()
        + serde_json::to_string(&parsed.diagnostics).unwrap().len()
}

/// Bytes that look like the header-row formats: their column names, delimiters, quotes, dates.
fn delimitedish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"_id,source,name,ids,alt_names,type,start_date\n".to_vec()),
        Just(b"Name\tStreet_Address\tEffective_Date\n".to_vec()),
        Just(b"Name,Clean Name,Alias,Previous Name,Start date,End date\n".to_vec()),
        Just(b"id,name,aliases,identifiers,schema,listed_on,removed_on\n".to_vec()),
        Just(b",".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"; ".to_vec()),
        Just(b"Entity List (EL) - Bureau of Industry and Security".to_vec()),
        Just(b"CN, 91330000733796106P, Unified Social Credit Code (USCC)".to_vec()),
        Just(b"isin:US16941M1099".to_vec()),
        "20[0-9]{2}-0[1-9]-[0-2][0-9]".prop_map(String::into_bytes),
        "[0-1][0-9]/[0-3][0-9]/19[0-9]{2}".prop_map(String::into_bytes),
        "[A-Za-z ]{0,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_parse_in_every_format_without_panic_and_within_bounds(
        bytes in prop_oneof![delimitedish(), proptest::collection::vec(any::<u8>(), 0..600)],
    ) {
        for format in formats() {
            let started = Instant::now();
            let file = InputFile { name: format.files()[0].names[0], bytes: &bytes };
            let _ = format.sniff(0, &file);
            let mut files: Vec<Option<InputFile<'_>>> = vec![Some(file)];
            files.extend(format.files().iter().skip(1).map(|_| Some(file)));
            if let Ok(editions) = format.parse_editions(&files) {
                prop_assert!(editions.len() <= listwatch_parsers::limits::MAX_EDITIONS);
                for parsed in &editions {
                    let input = bytes.len() * format.files().len();
                    prop_assert!(
                        kept(parsed) <= 40 * input + 4096,
                        "{} kept {} for {input} bytes",
                        format.name(),
                        kept(parsed)
                    );
                }
            }
            let _ = format.parse(&files);
            prop_assert!(started.elapsed().as_secs() < 5, "{}", format.name());
        }
    }
}
