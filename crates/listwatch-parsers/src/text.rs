//! Turning published bytes into text: UTF-8 with or without a byte-order mark, or Windows-1252,
//! which older publications used.

use std::borrow::Cow;

/// The characters Windows-1252 puts at 0x80..=0x9F; the rest of the high half is Latin-1.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}', '\u{017D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{9D}', '\u{017E}', '\u{0178}',
];

/// How the bytes were decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Windows1252,
}

/// Decodes a published file: UTF-8 (a leading byte-order mark is dropped), or, when the bytes are
/// not valid UTF-8, Windows-1252. Every byte sequence decodes, so nothing is lost.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), Encoding::Utf8),
        Err(_) => {
            let text = bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
                    _ => char::from(b),
                })
                .collect();
            (Cow::Owned(text), Encoding::Windows1252)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_loses_the_bom() {
        let (text, encoding) = decode("\u{FEFF}ÅLAND".as_bytes());
        assert_eq!(text, "ÅLAND");
        assert_eq!(encoding, Encoding::Utf8);
    }

    #[test]
    fn windows_1252_bytes_decode_to_their_characters() {
        let (text, encoding) = decode(b"JOS\xC9 \x93X\x94 \x80");
        assert_eq!(text, "JOSÉ \u{201C}X\u{201D} €");
        assert_eq!(encoding, Encoding::Windows1252);
    }
}
