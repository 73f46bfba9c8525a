//! Streaming XML for the XML formats: quick-xml's pull reader walks the file once, and each
//! record (a UN `INDIVIDUAL`, an OFAC `sdnEntry`) is gathered into a small [`Node`] tree of its
//! own, handed to the format, and dropped. The whole file is never held as a tree.
//!
//! Byte positions become 1-based line numbers ([`LineIndex`]), so that diagnostics and errors
//! say where a record starts.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{Error, Result};
use crate::limits::{MAX_FIELD_LEN, MAX_XML_DEPTH};

/// One element of a record: its local name (any namespace prefix removed), attributes, text
/// (the concatenation of its own text pieces, entities resolved) and child elements.
#[derive(Clone, Debug, Default)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) text: String,
    /// The text was longer than [`MAX_FIELD_LEN`] and was cut to it.
    pub(crate) cut: bool,
    pub(crate) children: Vec<Node>,
    /// The 1-based line where the element starts.
    pub(crate) line: u64,
}

impl Node {
    /// The first child of that name.
    pub(crate) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child of that name, if it has any.
    pub(crate) fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(Node::value)
    }

    /// The trimmed text, if not empty.
    pub(crate) fn value(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }

    /// The value of an attribute.
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// This element and all below it, depth first (iteratively: depth is bounded anyway).
    pub(crate) fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
        out
    }
}

/// A diagnostic of an XML file at `line`, naming the record (its id cut to
/// [`crate::limits::MAX_DIAGNOSTIC_ID_LEN`] bytes) and the field where known.
pub(crate) fn diagnostic(
    file: &str,
    severity: listwatch_model::Severity,
    line: u64,
    record: Option<&str>,
    field: Option<&str>,
    message: String,
) -> listwatch_model::Diagnostic {
    listwatch_model::Diagnostic {
        severity,
        file: file.to_string(),
        line: Some(line),
        record: record.map(crate::limits::short_id),
        field: field.map(str::to_string),
        message,
    }
}

/// Whitespace runs (line breaks inside a pretty-printed value included) as one space, trimmed.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Byte offsets to 1-based line numbers, for offsets asked in increasing order.
pub(crate) struct LineIndex<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex { text: text.as_bytes(), offset: 0, line: 1 }
    }

    /// The line of a byte offset; an offset before the last one asked restarts the count.
    pub(crate) fn line_at(&mut self, offset: u64) -> u64 {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.text[self.offset..offset].iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = offset;
        self.line
    }
}

/// What [`walk`] reports.
pub(crate) enum Piece<'n> {
    /// The root element, without children (its attributes are what a format reads).
    Root(&'n Node),
    /// An element the format asked for by its path, with everything below it.
    Element(&'n [String], Node),
    /// Text directly under an element that is not gathered (outside every record), trimmed.
    StrayText(&'n [String], u64),
}

/// Walks an XML document, gathering each element whose path (root first, local names) `gather`
/// accepts into a [`Node`] and handing it to `visit`.
///
/// Malformed XML (a tag never closed, mismatched end tags, a document cut short) is a
/// [`Error::broken`] error with the line where the reader stopped; a document nested deeper than
/// [`MAX_XML_DEPTH`] is refused the same way.
pub(crate) fn walk(
    file: &str,
    text: &str,
    gather: &dyn Fn(&[String]) -> bool,
    visit: &mut dyn FnMut(Piece<'_>),
) -> Result<()> {
    let mut reader = Reader::from_str(text);
    // Keep whitespace-only text as events, so that the position before a start tag is the `<`.
    let mut lines = LineIndex::new(text);
    let mut path: Vec<String> = Vec::new();
    // The record being gathered: a stack of open nodes; the record is `open[0]`.
    let mut open: Vec<Node> = Vec::new();
    let mut seen_root = false;
    let broken = |lines: &mut LineIndex<'_>, at: u64, reason: String| {
        Error::broken(file, Some(lines.line_at(at)), reason)
    };
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                let at = reader.error_position();
                return Err(broken(&mut lines, at, format!("malformed XML: {err}")));
            }
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let is_empty = matches!(event, Event::Empty(_));
                let local = start.local_name();
                let name = local.as_ref().to_string();
                if path.is_empty() && seen_root {
                    return Err(broken(
                        &mut lines,
                        before,
                        format!("a second root element <{name}> after the first one closed"),
                    ));
                }
                if path.len() >= MAX_XML_DEPTH {
                    return Err(broken(
                        &mut lines,
                        before,
                        format!("elements nested deeper than {MAX_XML_DEPTH} levels: not a list"),
                    ));
                }
                let line = lines.line_at(before);
                let mut attributes = Vec::new();
                for attribute in start.attributes().with_checks(false).flatten() {
                    let key = attribute.key.local_name().as_ref().to_string();
                    let value = match attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    {
                        Ok(value) => value.into_owned(),
                        Err(_) => attribute.value.clone().into_owned(),
                    };
                    attributes.push((key, value));
                }
                let node = Node { name: name.clone(), attributes, line, ..Node::default() };
                path.push(name);
                if !seen_root {
                    seen_root = true;
                    visit(Piece::Root(&node));
                }
                if !open.is_empty() || gather(&path) {
                    open.push(node);
                }
                if is_empty {
                    close(&mut path, &mut open, visit);
                }
            }
            Event::End(_) => close(&mut path, &mut open, visit),
            Event::Text(piece) => {
                let content = piece.xml10_content();
                push_text(&mut open, &content, &path, &mut lines, before, visit);
            }
            Event::CData(piece) => {
                let content = piece.xml10_content();
                push_text(&mut open, &content, &path, &mut lines, before, visit);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match reference.as_ref() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "apos" => "'".to_string(),
                        "quot" => "\"".to_string(),
                        // An entity the document would have to declare: kept as written.
                        other => format!("&{other};"),
                    },
                };
                push_text(&mut open, &resolved, &path, &mut lines, before, visit);
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(name) = path.last() {
        let end = reader.buffer_position();
        return Err(broken(
            &mut lines,
            end,
            format!("the file ends inside <{name}>: it was cut short"),
        ));
    }
    if !seen_root {
        return Err(Error::not_format(file, None, "the file holds no XML element"));
    }
    Ok(())
}

fn push_text(
    open: &mut [Node],
    content: &str,
    path: &[String],
    lines: &mut LineIndex<'_>,
    at: u64,
    visit: &mut dyn FnMut(Piece<'_>),
) {
    match open.last_mut() {
        Some(node) => {
            if node.cut {
                return;
            }
            node.text.push_str(content);
            if node.text.len() > MAX_FIELD_LEN {
                crate::limits::cut(&mut node.text, MAX_FIELD_LEN);
                node.cut = true;
            }
        }
        None => {
            if !content.trim().is_empty() {
                visit(Piece::StrayText(path, lines.line_at(at)));
            }
        }
    }
}

fn close(path: &mut Vec<String>, open: &mut Vec<Node>, visit: &mut dyn FnMut(Piece<'_>)) {
    if let Some(node) = open.pop() {
        match open.last_mut() {
            Some(parent) => parent.children.push(node),
            None => visit(Piece::Element(path, node)),
        }
    }
    path.pop();
}

/// The name of the first element of `head` (the first bytes of a file), or why it has none:
/// the file does not start like XML.
pub(crate) fn root_name(head: &[u8]) -> Option<String> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut rest = head.trim_ascii_start();
    loop {
        if !rest.starts_with(b"<") {
            return None;
        }
        if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            // Skip the declaration, a comment or a doctype (without internal subsets).
            let end = rest.iter().position(|&b| b == b'>')?;
            rest = rest[end + 1..].trim_ascii_start();
            continue;
        }
        let name: Vec<u8> = rest[1..]
            .iter()
            .take_while(|&&b| !b.is_ascii_whitespace() && b != b'>' && b != b'/')
            .copied()
            .collect();
        let name = String::from_utf8_lossy(&name).into_owned();
        let local = name.rsplit(':').next().unwrap_or("").to_string();
        return Some(local);
    }
}

/// Refuses a file whose first element is not `expected`, naming what it is instead.
pub(crate) fn sniff_root(file: &crate::InputFile<'_>, expected: &str, what: &str) -> Result<()> {
    let head = &file.bytes[..file.bytes.len().min(crate::limits::SNIFF_LEN)];
    match root_name(head) {
        Some(name) if name == expected => Ok(()),
        Some(name) if name.is_empty() => Err(Error::not_format(
            file.name,
            Some(1),
            format!("the file does not start with an XML element: this is not {what}"),
        )),
        Some(name) => {
            let mut shown = name;
            crate::limits::cut(&mut shown, 40);
            Err(Error::not_format(
                file.name,
                None,
                format!(
                    "the XML document's root element is <{shown}>, not <{expected}>: this is not {what}"
                ),
            ))
        }
        None => Err(Error::not_format(
            file.name,
            Some(1),
            format!("the file {}: this is not {what}", other_kind(head)),
        )),
    }
}

/// What a file that does not start like XML looks like instead, from its first bytes.
fn other_kind(head: &[u8]) -> &'static str {
    let magic: [(&[u8], &str); 5] = [
        (b"%PDF", "is a PDF document"),
        (b"PK\x03\x04", "is a ZIP archive (unpack it first)"),
        (b"\x1f\x8b", "is a gzip archive (unpack it first)"),
        (b"\xff\xfe", "is UTF-16 text (save it as UTF-8)"),
        (b"\xfe\xff", "is UTF-16 text (save it as UTF-8)"),
    ];
    if let Some((_, kind)) = magic.iter().find(|(prefix, _)| head.starts_with(prefix)) {
        return kind;
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head).trim_ascii_start();
    match text.first() {
        Some(b'{' | b'[') => "looks like JSON",
        Some(b) if b.is_ascii_digit() || *b == b'"' => "looks like CSV",
        None => "is empty",
        _ => "does not start like XML (`<`)",
    }
}

#[cfg(test)]
mod tests;
