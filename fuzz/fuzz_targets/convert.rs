//! Fuzz target: the converter must never panic or hang, whatever the bytes.
//! Run with `cargo +nightly fuzz run convert -- -max_total_time=600` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks a content type hint, so charset decoding paths are exercised too.
    let (hint, html) = match data.split_first() {
        Some((first, rest)) => (*first, rest),
        None => (0, data),
    };
    let content_type = match hint % 4 {
        0 => None,
        1 => Some("text/html; charset=windows-1252"),
        2 => Some("text/html; charset=shift_jis"),
        _ => Some("text/html; charset=utf-8"),
    };
    let _ = policy_text::convert(
        html,
        content_type,
        "example.com",
        "https://web.archive.org/web/20200101000000id_/http%3A//example.com/privacy",
    );
});
