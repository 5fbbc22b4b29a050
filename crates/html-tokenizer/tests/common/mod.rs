//! Shared helpers for the differential tests (and the `tokenizer_equivalence` fuzz target, which
//! includes this file): parse with both tokenizers, dump, compare.

#![allow(dead_code)]

use std::fmt::Write;
use std::path::PathBuf;

use ego_tree::iter::Edge;
use html5ever::tendril::{StrTendril, TendrilSink};
use scraper::{Html, HtmlTreeSink, Node};

/// The document as html5ever's own driver parses it.
pub fn parse_with_html5ever(input: &str) -> Html {
    html5ever::driver::parse_document(HtmlTreeSink::new(Html::new_document()), Default::default())
        .one(StrTendril::from(input))
}

/// The document as our tokenizer feeding html5ever's tree builder parses it.
pub fn parse_with_ours(input: &str) -> Html {
    html_tokenizer::parse_document(HtmlTreeSink::new(Html::new_document()), input)
}

/// A full dump of the tree: every node kind, name (with namespace), attribute in order, text,
/// comment and DOCTYPE field, plus the quirks mode. Iterative, so deep trees are fine.
pub fn dump(html: &Html) -> String {
    let mut out = format!("quirks: {:?}\n", html.quirks_mode);
    let mut depth = 0usize;
    for edge in html.tree.root().traverse() {
        let node = match edge {
            Edge::Open(node) => node,
            Edge::Close(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
        };
        let indent = "  ".repeat(depth);
        depth += 1;
        let _ = match node.value() {
            Node::Document => writeln!(out, "{indent}#document"),
            Node::Fragment => writeln!(out, "{indent}#fragment"),
            Node::Doctype(d) => writeln!(
                out,
                "{indent}<!DOCTYPE {:?} {:?} {:?}>",
                &*d.name, &*d.public_id, &*d.system_id
            ),
            Node::Comment(c) => writeln!(out, "{indent}<!-- {:?} -->", &*c.comment),
            Node::Text(t) => writeln!(out, "{indent}{:?}", &*t.text),
            Node::Element(e) => {
                let _ = write!(
                    out,
                    "{indent}<{:?} {:?} {}",
                    e.name.prefix, e.name.ns, &*e.name.local
                );
                for (name, value) in &e.attrs {
                    let _ = write!(
                        out,
                        " [{:?} {:?} {}]={:?}",
                        name.prefix, name.ns, &*name.local, &**value
                    );
                }
                writeln!(out, ">")
            }
            Node::ProcessingInstruction(p) => {
                writeln!(out, "{indent}<?{:?} {:?}>", &*p.target, &*p.data)
            }
        };
    }
    out
}

/// Compares both parses of `input`; on a mismatch returns a report with the input (escaped) and
/// both dumps.
pub fn compare(input: &str) -> Result<(), String> {
    let theirs = dump(&parse_with_html5ever(input));
    let ours = dump(&parse_with_ours(input));
    if theirs == ours {
        return Ok(());
    }
    Err(format!(
        "trees differ for input {input:?}\n--- html5ever ---\n{theirs}--- ours ---\n{ours}"
    ))
}

/// The development corpus pages, as (file name, text).
pub fn corpus_pages() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/dev");
    let mut pages = Vec::new();
    let entries = std::fs::read_dir(&dir).expect("corpus directory exists");
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html") {
            let bytes = std::fs::read(&path).expect("corpus page is readable");
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            pages.push((
                name.unwrap_or_default(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    pages.sort();
    pages
}
