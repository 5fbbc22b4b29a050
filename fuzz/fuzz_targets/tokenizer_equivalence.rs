//! Fuzz target: `html_tokenizer::parse_document` must build exactly the tree that html5ever's own
//! driver (`html5ever::driver::parse_document(sink, Default::default()).one(input)`) builds.
//!
//! The input bytes are taken as lossy UTF-8 and parsed both ways into a
//! `scraper::HtmlTreeSink`, with the helpers of `crates/html-tokenizer/tests/common/mod.rs`:
//! each tree is dumped in full (node kind, element QualName with its prefix and namespace,
//! attributes in order, text, comment text, DOCTYPE name/public id/system id, processing
//! instructions) together with the quirks mode; any difference panics with both dumps. The dump
//! walks the tree iteratively, so deeply nested inputs cannot overflow the checker's stack.
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

use libfuzzer_sys::fuzz_target;

/// The parses, the dump and the comparison are the crate's own test helpers.
#[path = "../../crates/html-tokenizer/tests/common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    // The dump starts with the quirks mode, so a quirks-only difference is caught too.
    if let Err(report) = common::compare(&input) {
        panic!("html-tokenizer and html5ever disagree: {report}");
    }
});
