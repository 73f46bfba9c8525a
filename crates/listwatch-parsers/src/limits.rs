//! The bounds on what one record may hold, so that what a parser keeps is proportional to a
//! sane publication, whatever the input.

/// The longest field kept, in bytes (64 KiB). A longer field is cut at this length (at a
/// character boundary) and the record gets a warning diagnostic naming the field and the limit.
/// The longest field of the real OFAC publications is a remarks field of about 1 KB (remarks
/// continued in the comments file, joined, stay under 10 KB); without the bound one 52 MB
/// remarks field was stored whole and made every later screening cost 2 s and 660 MB.
///
/// Cut rather than skipped: the record is still a listed party, and screening must find it.
pub const MAX_FIELD_LEN: usize = 64 * 1024;

/// The most digits an OFAC `ent_num` may have: it is a plain integer (the real ones have up to
/// 5 digits). A longer one (or any other text) makes the record a diagnostic, not an entity.
pub const MAX_ENT_NUM_DIGITS: usize = 10;

/// The deepest nesting of XML elements read (the UN and OFAC XML lists nest five levels deep).
/// A deeper document is refused as not a list, so that one record's tree stays small and no
/// recursion over it can exhaust the stack.
pub const MAX_XML_DEPTH: usize = 32;

/// How many bytes of the start of a file [`crate::ofac::sniff`] looks at.
pub const SNIFF_LEN: usize = 64 * 1024;

/// Cuts `text` to at most `max` bytes at a character boundary.
pub(crate) fn cut(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// The most bytes of a record id a diagnostic quotes.
pub const MAX_DIAGNOSTIC_ID_LEN: usize = 32;

/// A record id as a diagnostic quotes it: at most [`MAX_DIAGNOSTIC_ID_LEN`] bytes.
pub(crate) fn short_id(id: &str) -> String {
    let mut id = id.to_string();
    cut(&mut id, MAX_DIAGNOSTIC_ID_LEN);
    id
}

/// The most editions one editions table may hold (the DoD 1260H table has 6). Each edition is a
/// whole publication, so without the bound a table of n rows with n distinct dates would give n
/// publications of up to n entities each. A table with more distinct dates is refused.
pub const MAX_EDITIONS: usize = 100;
