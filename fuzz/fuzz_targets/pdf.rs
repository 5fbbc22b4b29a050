//! Fuzz target: PDF text extraction must never crash, overflow its stack or hang, whatever
//! the bytes. Run with
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run pdf fuzz/corpus/pdf -- -max_total_time=300 -timeout=10`.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = pdf_text::Limits {
        max_stream_bytes: 4 * 1024 * 1024,
        page_time: Duration::from_secs(1),
        total_time: Duration::from_secs(5),
        ..pdf_text::Limits::default()
    };
    if let Ok(text) = pdf_text::extract_with(data, &limits) {
        // A text is never empty: no text at all is `NoTextLayer`.
        assert!(text.pages > 0);
    }
});
