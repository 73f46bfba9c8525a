//! The batch readers on bytes: line numbers, ids recovered from bad lines, the bounds, and
//! property tests on arbitrary input (no panic, bounded output).

use proptest::prelude::*;

use super::*;
use listwatch_core::limits::{MAX_IDENTIFIERS, MAX_NAME_CHARS};

fn items(bytes: &[u8], csv: bool) -> Vec<BatchItem> {
    let mut reader = if csv {
        match QueryReader::csv(bytes) {
            Ok(reader) => reader,
            Err(_) => return Vec::new(),
        }
    } else {
        QueryReader::jsonl(bytes)
    };
    let mut out = Vec::new();
    while let Some(item) = reader.next_item().unwrap() {
        out.push(item);
    }
    out
}

/// (line, id, error) of every item; the error is `None` for a good query.
fn check(bytes: &[u8], csv: bool) -> Vec<(u64, serde_json::Value, Option<String>)> {
    items(bytes, csv).into_iter().map(|item| (item.line, item.id, item.query.err())).collect()
}

#[test]
fn bad_jsonl_lines_keep_their_number_and_id() {
    let mut input = b"{\"id\": \"q1\", \"name\": \"Banco\"}\n\n".to_vec();
    input.extend_from_slice(b"{\"id\": \"q3\", \"name\": \"Ban\xffco\"}\n");
    input.extend_from_slice(b"{\"id\": 4, \"name\": 12}\n");
    input.extend_from_slice(b"{\"id\": \"q5\", \"identifiers\": \"isin\"}\r\n");
    input.extend_from_slice(b"not json at all\n");
    let got = check(&input, false);
    let lines: Vec<u64> = got.iter().map(|g| g.0).collect();
    assert_eq!(lines, [1, 3, 4, 5, 6]);
    assert_eq!((got[0].1.as_str(), got[0].2.is_none()), (Some("q1"), true));
    assert_eq!(got[1].1, "q3");
    assert!(got[1].2.as_deref().unwrap().contains("not valid UTF-8 (invalid byte at column 26)"));
    assert_eq!(got[2].1, 4);
    assert!(got[2].2.as_deref().unwrap().contains("invalid type"), "{:?}", got[2]);
    assert_eq!(got[3].1, "q5");
    assert_eq!((got[4].1.clone(), got[4].2.is_some()), (serde_json::Value::Null, true));
}

#[test]
fn an_overlong_line_is_one_error_and_reading_goes_on() {
    let mut input = format!("{{\"id\": \"big\", \"name\": \"{}\"}}\n", "a".repeat(1 << 20));
    input.push_str("{\"id\": \"next\", \"name\": \"Banco\"}\n");
    let got = check(input.as_bytes(), false);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, 1);
    assert!(got[0].2.as_deref().unwrap().contains("more than the limit of 65536"));
    assert_eq!((got[1].0, got[1].1.as_str()), (2, Some("next")));
    // The same in CSV.
    let input = format!("id,name\nbig,{}\nnext,Banco\n", "a".repeat(1 << 20));
    let got = check(input.as_bytes(), true);
    assert_eq!(got.len(), 2);
    assert!(got[0].2.as_deref().unwrap().contains("limit"));
    assert_eq!((got[1].0, got[1].1.as_str()), (3, Some("next")));
}

#[test]
fn bad_csv_fields_name_the_column_and_keep_the_id() {
    let got = check(b"\xef\xbb\xbfID,Name,isin\nc1,Ban\xffco,\nc2,,US16941M1099\n", true);
    assert_eq!(got[0].0, 2);
    assert_eq!(got[0].1, "c1");
    assert!(got[0].2.as_deref().unwrap().starts_with("name: not valid UTF-8"), "{:?}", got[0]);
    assert_eq!((got[1].0, got[1].1.as_str(), got[1].2.is_none()), (3, Some("c2"), true));
}

#[test]
fn queries_are_bounded() {
    let query = |name: String, n_ids: usize| QueryInput {
        name: Some(name),
        identifiers: (0..n_ids)
            .map(|_| IdentifierInput { kind: "isin".into(), value: "US1".into(), country: None })
            .collect(),
        ..QueryInput::default()
    };
    assert!(query(format!("  {}  ", "é".repeat(MAX_NAME_CHARS)), 0).to_query(&[]).is_ok());
    let err = query("é".repeat(MAX_NAME_CHARS + 1), 0).to_query(&[]).unwrap_err();
    assert!(err.contains("1001 characters") && err.contains("limit of 1000"), "{err}");
    assert!(query("x".into(), MAX_IDENTIFIERS).to_query(&[]).is_ok());
    assert!(query("x".into(), MAX_IDENTIFIERS + 1).to_query(&[]).unwrap_err().contains("limit"));
}

/// Bytes that look somewhat like JSONL or CSV queries, mixed with arbitrary bytes.
fn lineish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"{\"id\": 1, \"name\": \"Banco\"}".to_vec()),
        Just(b"{\"id\": [1], \"name\": 2, \"identifiers\": [{\"type\": \"isin\"}]}".to_vec()),
        Just(b"id,name,isin,country".to_vec()),
        "[A-Za-z ]{0,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the bytes, in JSONL or CSV: no panic, at most one item per line, line numbers
    /// increasing, and what the reader keeps is bounded by a multiple of the input.
    #[test]
    fn any_bytes_give_one_item_or_error_per_line(
        bytes in prop_oneof![lineish(), proptest::collection::vec(any::<u8>(), 0..600)],
        csv in any::<bool>(),
    ) {
        let n_lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        let got = items(&bytes, csv);
        prop_assert!(got.len() <= n_lines);
        prop_assert!(got.windows(2).all(|w| w[0].line < w[1].line));
        prop_assert!(got.iter().all(|item| item.line as usize <= n_lines));
        let kept: usize = got.iter().map(|item| format!("{item:?}").len()).sum();
        prop_assert!(kept <= 8 * bytes.len() + 400 * got.len(), "kept {kept} for {} bytes", bytes.len());
        for item in &got {
            if let Ok(input) = &item.query {
                let _ = input.to_query(&[]);
            }
        }
    }
}
