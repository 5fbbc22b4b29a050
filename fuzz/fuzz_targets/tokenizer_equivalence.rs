//! Fuzz target: `html_tokenizer::parse_document` must build exactly the tree that html5ever's own
//! driver (`html5ever::driver::parse_document(sink, Default::default()).one(input)`) builds.
//!
//! The input bytes are taken as lossy UTF-8 and parsed both ways into a
//! `scraper::HtmlTreeSink`. Each tree is dumped in full (node kind, element QualName with its
//! namespace, attributes in order with prefix and namespace, text, comment text, DOCTYPE
//! name/public id/system id, processing instructions) together with the quirks mode; any
//! difference panics with both dumps. The dump walks the tree with an explicit stack, so deeply
//! nested inputs cannot overflow the stack of the checker itself.
//!
//! Run from `fuzz/` (nightly, one process):
//!
//! ```text
//! mkdir -p corpus/tokenizer_equivalence && cp ../tests/corpus/dev/*.html corpus/tokenizer_equivalence/
//! cargo +nightly fuzz run tokenizer_equivalence -- -max_total_time=900 -max_len=20000
//! ```
//!
//! A mismatch is saved under `artifacts/tokenizer_equivalence/`; shrink it with
//! `cargo +nightly fuzz tmin tokenizer_equivalence artifacts/tokenizer_equivalence/crash-...`.
#![no_main]

use std::fmt::Write;

use ego_tree::NodeRef;
use html5ever::tendril::{StrTendril, TendrilSink};
use libfuzzer_sys::fuzz_target;
use scraper::{Html, HtmlTreeSink, Node};

/// The document as html5ever's own driver parses it.
fn parse_with_html5ever(input: &str) -> Html {
    html5ever::driver::parse_document(HtmlTreeSink::new(Html::new_document()), Default::default())
        .one(StrTendril::from(input))
}

/// The document as html-tokenizer feeding html5ever's tree builder parses it.
fn parse_with_html_tokenizer(input: &str) -> Html {
    html_tokenizer::parse_document(HtmlTreeSink::new(Html::new_document()), input)
}

/// A full dump of the document: quirks mode, then one line per node in document order, indented
/// by depth. Walks the tree with an explicit stack (no recursion).
fn dump(html: &Html) -> String {
    let mut out = format!("quirks: {:?}\n", html.quirks_mode);
    let mut stack: Vec<(NodeRef<'_, Node>, usize)> = vec![(html.tree.root(), 0)];
    while let Some((node, depth)) = stack.pop() {
        let indent = "  ".repeat(depth);
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
        // Children pushed last-first, so they pop in document order.
        stack.extend(node.children().rev().map(|child| (child, depth + 1)));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let theirs = parse_with_html5ever(&input);
    let ours = parse_with_html_tokenizer(&input);
    // `dump` starts with the quirks mode, so comparing dumps compares it too; checked on its
    // own as well so that a quirks-only difference is named as such.
    let quirks_differ = theirs.quirks_mode != ours.quirks_mode;
    let (theirs, ours) = (dump(&theirs), dump(&ours));
    if quirks_differ || theirs != ours {
        panic!(
            "html-tokenizer and html5ever disagree (quirks mode differs: {quirks_differ}) \
             for input {input:?}\n--- html5ever ---\n{theirs}--- html-tokenizer ---\n{ours}"
        );
    }
});
