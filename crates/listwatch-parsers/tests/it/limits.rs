//! The bounds of `listwatch_parsers::limits`: a field longer than the limit is cut with a
//! diagnostic, an ent_num is a plain integer of at most ten digits, an obviously binary or
//! foreign file is refused from its first bytes, and whatever the bytes, the parser neither
//! panics nor keeps more than a small multiple of its input.

use std::time::Instant;

use listwatch_model::Severity;
use listwatch_parsers::limits::{MAX_ENT_NUM_DIGITS, MAX_FIELD_LEN, SNIFF_LEN};
use listwatch_parsers::{InputFile, Parsed, ofac};
use proptest::prelude::*;

fn parse(main: &[u8], comments: Option<&[u8]>) -> Parsed {
    ofac::parse(&ofac::Files {
        main: InputFile { name: "sdn.csv", bytes: main },
        addresses: None,
        aliases: None,
        comments: comments.map(|bytes| InputFile { name: "sdn_comments.csv", bytes }),
    })
    .unwrap()
}

fn row(ent_num: &str, name: &str, remarks: &str) -> String {
    format!(
        "{ent_num},\"{name}\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"{remarks}\"\r\n"
    )
}

#[test]
fn a_field_longer_than_the_limit_is_cut_with_a_warning() {
    let long = "x".repeat(MAX_FIELD_LEN * 3);
    let text = row("306", "BANCO NACIONAL DE CUBA", &long) + &row("307", "OTHER", "DOB 1960.");
    let parsed = parse(text.as_bytes(), None);
    assert_eq!(parsed.entities.len(), 2, "the record is kept, cut");
    let remarks = parsed.entities[0].remarks.as_deref().unwrap_or("");
    assert_eq!(remarks.len(), MAX_FIELD_LEN);
    let warning = parsed
        .diagnostics
        .iter()
        .find(|d| d.field.as_deref() == Some("Remarks"))
        .expect("a diagnostic names the field");
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.file, "sdn.csv");
    assert_eq!(warning.line, Some(1));
    assert_eq!(warning.record.as_deref(), Some("306"));
    assert!(warning.message.contains(&MAX_FIELD_LEN.to_string()), "{}", warning.message);
}

#[test]
fn remarks_joined_with_continuations_are_cut_at_the_limit() {
    let main = row("306", "BANCO NACIONAL DE CUBA", "a.k.a. 'BNC'");
    let piece = "y".repeat(MAX_FIELD_LEN / 2);
    let comments: String = (0..5).map(|_| format!("306,\"{piece}\"\r\n")).collect();
    let parsed = parse(main.as_bytes(), Some(comments.as_bytes()));
    assert!(parsed.entities[0].remarks.as_deref().unwrap().len() <= MAX_FIELD_LEN);
    assert!(parsed.diagnostics.iter().any(|d| d.file == "sdn_comments.csv"
        && d.field.as_deref() == Some("remarks")
        && d.message.contains("limit")));
}

#[test]
fn an_ent_num_longer_than_ten_digits_is_a_diagnostic() {
    let ten = "1".repeat(MAX_ENT_NUM_DIGITS);
    let text = row(&"1".repeat(23), "TOO LONG", "")
        + &row(&ten, "TEN DIGITS", "")
        + &row("7", "SEVEN", "");
    let parsed = parse(text.as_bytes(), None);
    let ids: Vec<&str> = parsed.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["7", ten.as_str()]);
    let diagnostic = &parsed.diagnostics[0];
    assert_eq!((diagnostic.line, diagnostic.field.as_deref()), (Some(1), Some("ent_num")));
    assert_eq!(diagnostic.severity, Severity::Error);
    assert!(diagnostic.message.contains("at most 10 digits"), "{}", diagnostic.message);
}

fn sniff(bytes: &[u8]) -> Result<(), String> {
    ofac::sniff(&InputFile { name: "sdn.csv", bytes }).map_err(|e| e.to_string())
}

#[test]
fn sniffing_refuses_binary_and_foreign_text_and_accepts_the_format() {
    assert!(sniff(b"\x7fELF\x02\x01\x01\0\0\0").unwrap_err().contains("binary"));
    assert!(sniff(&[0x01u8, 0x02, 0x03, 0x04, b'a']).unwrap_err().contains("binary"));
    let foreign = sniff(b"{\"name\": \"BANCO NACIONAL DE CUBA\"}\n<xml/>\n").unwrap_err();
    assert!(foreign.contains("sdn.csv") && foreign.contains("not an OFAC CSV"), "{foreign}");
    // Only the first bytes are read: a garbage line longer than the window is refused.
    assert!(sniff("z".repeat(SNIFF_LEN * 2).as_bytes()).is_err());
    for ok in [
        &b""[..],
        b"\x1a",
        b"\r\n\r\n",
        b"306,\"BANCO NACIONAL DE CUBA\",-0- \r\n",
        b"\xEF\xBB\xBF\"306\",\"X\"\n",
        b"ent_num,SDN_Name\n306,\"X\"\n",
        b"36,25,\"Ave. 1\",\"Havana\",\"Cuba\",-0- \r\n",
    ] {
        assert_eq!(sniff(ok), Ok(()), "{:?}", String::from_utf8_lossy(ok));
    }
}

#[test]
fn sniffing_accepts_every_real_file() {
    if !crate::have_data() {
        return;
    }
    let mut n = 0;
    for entry in walk(&crate::data_dir()) {
        let name = entry.file_name().unwrap().to_string_lossy().to_ascii_lowercase();
        let is_ofac = [
            "sdn.csv",
            "add.csv",
            "alt.csv",
            "sdn_comments.csv",
            "cons_prim.csv",
            "cons_add.csv",
            "cons_alt.csv",
            "cons_comments.csv",
        ]
        .contains(&name.as_str());
        if !is_ofac || !entry.to_string_lossy().contains("ofac") {
            continue;
        }
        let bytes = std::fs::read(&entry).unwrap();
        assert_eq!(sniff(&bytes[..bytes.len().min(SNIFF_LEN)]), Ok(()), "{}", entry.display());
        n += 1;
    }
    assert!(n > 10, "only {n} OFAC files found");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The size of what a parse keeps: its entities and diagnostics as JSON.
fn kept(parsed: &Parsed) -> usize {
    serde_json::to_string(&parsed.entities).unwrap().len()
        + serde_json::to_string(&parsed.diagnostics).unwrap().len()
}

/// Bytes that look somewhat like OFAC CSV: digits, quotes, commas, line breaks, null markers,
/// remark labels and arbitrary bytes.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"-0- ".to_vec()),
        Just(b"a.k.a. 'X'; DOB 1960; ".to_vec()),
        "[0-9]{1,12}".prop_map(String::into_bytes),
        "[A-Za-z ]{0,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..120).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes in any of the four files: no panic, an answer in bounded time, and the
    /// entities and diagnostics kept are at most a small multiple of the input (each record is
    /// kept once, each diagnostic quotes at most 32 bytes of it).
    #[test]
    fn any_bytes_parse_without_panic_in_bounded_time_and_space(
        main in prop_oneof![csvish(), proptest::collection::vec(any::<u8>(), 0..600)],
        other in csvish(),
    ) {
        let started = Instant::now();
        let _ = ofac::sniff(&InputFile { name: "sdn.csv", bytes: &main });
        let result = ofac::parse(&ofac::Files {
            main: InputFile { name: "sdn.csv", bytes: &main },
            addresses: Some(InputFile { name: "add.csv", bytes: &other }),
            aliases: Some(InputFile { name: "alt.csv", bytes: &other }),
            comments: Some(InputFile { name: "sdn_comments.csv", bytes: &other }),
        });
        prop_assert!(started.elapsed().as_secs() < 5);
        if let Ok(parsed) = result {
            let input = main.len() + 3 * other.len();
            prop_assert!(kept(&parsed) <= 40 * input + 4096, "kept {} for {input} bytes", kept(&parsed));
        }
    }
}

/// Bytes that look like an XML list now and then: tags of the UN and OFAC XML formats, entity
/// references, CDATA, and arbitrary bytes.
fn xmlish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"<CONSOLIDATED_LIST dateGenerated=\"2018-10-29T19:09:49\">".to_vec()),
        Just(b"<sdnList><publshInformation><Publish_Date>04/06/2018</Publish_Date><Record_Count>3</Record_Count></publshInformation>".to_vec()),
        Just(b"<INDIVIDUALS><INDIVIDUAL><DATAID>".to_vec()),
        Just(b"</DATAID><FIRST_NAME>A</FIRST_NAME>".to_vec()),
        Just(b"<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1960</FROM_YEAR><TO_YEAR>1950</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>".to_vec()),
        Just(b"<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>B</ALIAS_NAME></INDIVIDUAL_ALIAS>".to_vec()),
        Just(b"</INDIVIDUAL>".to_vec()),
        Just(b"<sdnEntry><uid>".to_vec()),
        Just(b"</uid><lastName>X</lastName><idList><id><idType>Passport</idType><idNumber>1</idNumber></id></idList>".to_vec()),
        Just(b"<remarks>DOB 1960; a.k.a. 'X'</remarks></sdnEntry>".to_vec()),
        Just(b"&amp;&#0;&#x110000;&bogus;<![CDATA[x]]><!-- c -->".to_vec()),
        Just(b"<a><a><a><a><a><a><a><a><a><a><a><a>".to_vec()),
        "[0-9]{1,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes given to the XML formats: no panic, an answer in bounded time, and what is kept
    /// a small multiple of the input.
    #[test]
    fn any_bytes_given_to_the_xml_formats_parse_without_panic_in_bounded_time_and_space(
        bytes in prop_oneof![xmlish(), proptest::collection::vec(any::<u8>(), 0..600)],
    ) {
        for format in ["un-sc", "ofac-xml"] {
            let format = listwatch_parsers::format(format).unwrap();
            let started = Instant::now();
            let file = InputFile { name: "list.xml", bytes: &bytes };
            let _ = format.sniff(0, &file);
            let result = format.parse(&[Some(file)]);
            prop_assert!(started.elapsed().as_secs() < 5);
            if let Ok(parsed) = result {
                prop_assert!(kept(&parsed) <= 40 * bytes.len() + 4096, "kept {} for {} bytes", kept(&parsed), bytes.len());
            }
        }
    }
}

#[test]
fn an_xml_field_longer_than_the_limit_is_cut_with_a_warning() {
    let long = "x".repeat(MAX_FIELD_LEN * 2);
    let text = format!(
        "<CONSOLIDATED_LIST dateGenerated=\"2026-02-27T00:00:09Z\"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><UN_LIST_TYPE>DRC</UN_LIST_TYPE><COMMENTS1>{long}</COMMENTS1></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
    );
    let parsed =
        listwatch_parsers::un_sc::parse(&InputFile { name: "un.xml", bytes: text.as_bytes() })
            .unwrap();
    assert_eq!(parsed.entities[0].remarks.as_deref().map(str::len), Some(MAX_FIELD_LEN));
    let warning = &parsed.diagnostics[0];
    assert_eq!(warning.field.as_deref(), Some("COMMENTS1"));
    assert_eq!(warning.record.as_deref(), Some("1"));
    assert_eq!(warning.line, Some(1));
}
