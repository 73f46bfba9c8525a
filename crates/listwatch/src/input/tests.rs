use proptest::prelude::*;

use super::*;

fn lines(bytes: &[u8], max: usize) -> Vec<(u64, Vec<u8>, Option<usize>)> {
    let mut reader = Lines::with_limit(bytes, max);
    let mut out = Vec::new();
    while let Some(line) = reader.next_line().unwrap() {
        out.push((line.number, line.bytes, line.too_long));
    }
    out
}

/// A record's line and its fields or error.
type Numbered = (u64, Result<Vec<Vec<u8>>, String>);

fn records(bytes: &[u8], max: usize) -> Vec<Numbered> {
    let mut reader = CsvRecords::with_limit(bytes, max);
    let mut out = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        out.push((record.line, record.fields));
    }
    out
}

#[test]
fn lines_are_numbered_cut_at_the_limit_and_crlf_is_a_line_break() {
    let got = lines(b"ab\r\ncdefgh\n\nlast", 4);
    assert_eq!(
        got,
        [
            (1, b"ab".to_vec(), None),
            (2, b"cdef".to_vec(), Some(6)),
            (3, Vec::new(), None),
            (4, b"last".to_vec(), None)
        ]
    );
    assert!(lines(b"", 4).is_empty());
}

#[test]
fn a_quoted_line_break_joins_lines_and_an_unclosed_quote_costs_one_record() {
    let got = records(b"a,\"b\nc\",d\n\nx,y\n", 100);
    assert_eq!(got[0], (1, Ok(vec![b"a".to_vec(), b"b\nc".to_vec(), b"d".to_vec()])));
    assert_eq!(got[1], (4, Ok(vec![b"x".to_vec(), b"y".to_vec()])));
    // The unclosed quote swallows lines up to the limit, then reading goes on.
    let got = records(b"1,\"open\n2,a\n3,b\n4,c\n", 12);
    assert_eq!(got[0].0, 1);
    assert!(got[0].1.as_ref().unwrap_err().contains("limit of 12"), "{:?}", got[0]);
    assert_eq!(got.last().unwrap(), &(4, Ok(vec![b"4".to_vec(), b"c".to_vec()])));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the bytes: no panic, a line never holds more than the limit, and every line
    /// break gives at most one line.
    #[test]
    fn any_bytes_give_bounded_lines(bytes in proptest::collection::vec(any::<u8>(), 0..2000), max in 1usize..64) {
        let n_breaks = bytes.iter().filter(|&&b| b == b'\n').count();
        let got = lines(&bytes, max);
        prop_assert!(got.len() <= n_breaks + 1);
        prop_assert!(got.iter().all(|(_, line, _)| line.len() <= max));
        let got = records(&bytes, max);
        prop_assert!(got.len() <= n_breaks + 1);
        for (_, fields) in &got {
            if let Ok(fields) = fields {
                prop_assert!(fields.iter().map(Vec::len).sum::<usize>() <= max);
            }
        }
    }
}
