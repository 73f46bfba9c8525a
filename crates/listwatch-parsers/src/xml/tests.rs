//! Unit tests of the streaming XML walk.

use super::*;

fn gathered(text: &str, depth: usize) -> Result<Vec<Node>> {
    let mut nodes = Vec::new();
    walk("t.xml", text, &|path: &[String]| path.len() == depth, &mut |piece| {
        if let Piece::Element(_, node) = piece {
            nodes.push(node);
        }
    })?;
    Ok(nodes)
}

#[test]
fn records_are_gathered_with_their_lines_and_resolved_text() {
    let text = "<?xml version=\"1.0\"?>\n<a>\n  <r><x>A &amp; B &#233;</x></r>\n  <r>\n<x><![CDATA[<c>]]></x></r>\n</a>\n";
    let nodes = gathered(text, 2).unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0].line, 3);
    assert_eq!(nodes[0].text_of("x"), Some("A & B é"));
    assert_eq!(nodes[1].line, 4);
    assert_eq!(nodes[1].text_of("x"), Some("<c>"));
}

#[test]
fn a_document_cut_short_is_broken_with_its_line() {
    let err = gathered("<a>\n<r><x>1</x></r>\n<r><x>", 2).unwrap_err();
    assert_eq!(err.kind, crate::ErrorKind::Broken);
    assert!(err.reason.contains("cut short"), "{err}");
    let err = gathered("<a>\n<r></x></r></a>", 2).unwrap_err();
    assert_eq!(err.line, Some(2), "{err}");
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    let text = "<a>".repeat(MAX_XML_DEPTH + 1);
    let err = gathered(&text, 2).unwrap_err();
    assert!(err.reason.contains("nested deeper"), "{err}");
}

#[test]
fn the_root_name_is_read_past_the_declaration_and_comments() {
    assert_eq!(
        root_name(b"\xEF\xBB\xBF<?xml version='1.0'?><!-- x --><ns:root a='1'>").as_deref(),
        Some("root")
    );
    assert_eq!(root_name(b"306,\"X\""), None);
}

#[test]
fn line_index_counts_newlines_before_an_offset() {
    let mut lines = LineIndex::new("a\nb\nc");
    assert_eq!(lines.line_at(0), 1);
    assert_eq!(lines.line_at(2), 2);
    assert_eq!(lines.line_at(5), 3);
    assert_eq!(lines.line_at(1), 1);
}
