//! The holdings reader on bytes: bad rows keep their number, and arbitrary input neither
//! panics nor keeps more than a multiple of its size.

use proptest::prelude::*;

use super::*;

fn rows(bytes: &[u8]) -> Result<Vec<(u64, std::result::Result<Row, String>)>> {
    let mut reader = HoldingsReader::new(bytes, "h.csv")?;
    let mut out = Vec::new();
    while let Some(row) = reader.next_row()? {
        out.push(row);
    }
    Ok(out)
}

#[test]
fn bad_rows_are_errors_with_their_row_number() {
    let input = format!(
        "isin,ticker,quantity\nUS1,AAA,1\nUS\u{0}2,BB,2\n{}\nUS3,CCC,3\n",
        "x".repeat(1 << 20)
    );
    let mut bytes = input.into_bytes();
    bytes.extend_from_slice(b"US\xff4,DDD,4\n");
    let got = rows(&bytes).unwrap();
    let numbers: Vec<u64> = got.iter().map(|r| r.0).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert_eq!(got[0].1.as_ref().unwrap().isin.as_deref(), Some("US1"));
    assert!(got[2].1.as_ref().unwrap_err().contains("limit"));
    assert_eq!(got[3].1.as_ref().unwrap().ticker.as_deref(), Some("CCC"));
    assert!(got[4].1.as_ref().unwrap_err().starts_with("isin: not valid UTF-8"));
    assert!(rows(b"name,amount\nx,1\n").unwrap_err().to_string().contains("none of the columns"));
    assert!(rows(b"").is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any bytes after a header: no panic, at most one row per line, bounded output.
    #[test]
    fn any_bytes_give_one_row_or_error_per_line(body in proptest::collection::vec(any::<u8>(), 0..800)) {
        let mut bytes = b"isin,ticker,exchange,issuer,quantity\n".to_vec();
        bytes.extend_from_slice(&body);
        let n_lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        let got = rows(&bytes).unwrap();
        prop_assert!(got.len() < n_lines);
        let kept: usize = got
            .iter()
            .map(|(_, row)| match row {
                Ok(row) => [&row.isin, &row.ticker, &row.exchange, &row.issuer, &row.quantity]
                    .iter()
                    .map(|f| f.as_ref().map_or(0, String::len))
                    .sum(),
                Err(err) => err.len(),
            })
            .sum();
        prop_assert!(kept <= 2 * bytes.len() + 200 * got.len());
    }
}
