//! The bounds of the single-file formats (`ftm`, `ftm-delta`, `eu-fsf`, `uk-sanctions`):
//! whatever the bytes, the parser neither panics nor keeps more than a small multiple of its
//! input, and a field longer than the limit is cut with a diagnostic.

use std::time::Instant;

use listwatch_parsers::limits::MAX_FIELD_LEN;
use listwatch_parsers::{InputFile, Parsed, format};
use proptest::prelude::*;

/// Bytes of the JSON size of what a parse kept.
fn kept(parsed: &Parsed) -> usize {
    serde_json::to_string(&parsed.entities).unwrap().len()
        + serde_json::to_string(&parsed.diagnostics).unwrap().len()
}

/// Runs every single-file format on `bytes`: no panic, bounded time and output.
fn check_any(bytes: &[u8]) -> Result<(), TestCaseError> {
    for name in ["ftm", "ftm-delta", "eu-fsf", "uk-sanctions"] {
        let format = format(name).unwrap();
        let started = Instant::now();
        let file = InputFile { name: "input", bytes };
        let _ = format.sniff(0, &file);
        let files = [Some(file)];
        match format.parse_delta(&files) {
            Some(Ok(delta)) => {
                let size = serde_json::to_string(&delta.diagnostics).unwrap().len()
                    + delta.ops.iter().map(|op| op.id.len() + 64).sum::<usize>()
                    + delta
                        .ops
                        .iter()
                        .filter_map(|op| op.entity.as_ref())
                        .map(|e| serde_json::to_string(e).unwrap().len())
                        .sum::<usize>();
                prop_assert!(
                    size <= 60 * bytes.len() + 4096,
                    "{name}: kept {size} for {} bytes",
                    bytes.len()
                );
            }
            Some(Err(_)) => {}
            None => {
                if let Ok(parsed) = format.parse(&files) {
                    prop_assert!(
                        kept(&parsed) <= 60 * bytes.len() + 4096,
                        "{name}: kept {} for {} bytes",
                        kept(&parsed),
                        bytes.len()
                    );
                }
            }
        }
        prop_assert!(started.elapsed().as_secs() < 5, "{name}");
    }
    Ok(())
}

/// Inputs near each format: JSON lines, XML of the EU export's elements, CSV with the UK header.
fn near_formats() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        Just("{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"X\"]}}\n".to_string()),
        Just("{\"op\": \"DEL\", \"entity\": {\"id\": \"a\"}}\n".to_string()),
        Just("{\"id\": \"s\", \"schema\": \"Sanction\", \"properties\": {\"entity\": [\"a\"], \"startDate\": [\"2020\"]}}\n".to_string()),
        Just("<export generationDate=\"2024-01-01\">".to_string()),
        Just("<sanctionEntity logicalId=\"1\"><nameAlias wholeName=\"N\"/>".to_string()),
        Just("<birthdate year=\"99999\" monthOfYear=\"0\"/></sanctionEntity>".to_string()),
        Just("Last Updated,01/01/2020\n".to_string()),
        Just("Name 6,Name 1,DOB,Group Type,Alias Type,Regime,Listed On,Group ID\n".to_string()),
        Just("X,Y,00/13/2000,Individual,AKA,R,32/01/2020,1\n".to_string()),
        "[ -~]{0,20}".prop_map(String::from),
        Just("\"".to_string()),
        Just("\n".to_string()),
    ];
    proptest::collection::vec(pieces, 0..30).prop_map(|p| p.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_bytes_parse_without_panic_in_bounded_time_and_space(
        bytes in prop_oneof![near_formats(), proptest::collection::vec(any::<u8>(), 0..600)],
    ) {
        check_any(&bytes)?;
    }
}

#[test]
fn a_field_longer_than_the_limit_is_cut_with_a_warning_in_every_format() {
    let long = "x".repeat(MAX_FIELD_LEN * 2);
    let ftm = format!(
        "{{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {{\"name\": [\"{long}\"]}}}}\n"
    );
    let eu = format!(
        "<export generationDate=\"2024-01-01\"><sanctionEntity logicalId=\"1\"><nameAlias wholeName=\"{long}\"/></sanctionEntity></export>"
    );
    let uk = format!("Name 6,Group Type,Alias Type,Group ID\n{long},Entity,Primary name,1\n");
    for (name, text) in [("ftm", ftm), ("eu-fsf", eu), ("uk-sanctions", uk)] {
        let parsed = format(name)
            .unwrap()
            .parse(&[Some(InputFile { name: "input", bytes: text.as_bytes() })])
            .unwrap();
        assert_eq!(parsed.entities.len(), 1, "{name}");
        assert!(parsed.entities[0].names[0].value.len() <= MAX_FIELD_LEN, "{name}");
        if name != "eu-fsf" {
            assert!(
                parsed.diagnostics.iter().any(|d| d.message.contains("limit")),
                "{name}: {:?}",
                parsed.diagnostics
            );
        }
    }
}
