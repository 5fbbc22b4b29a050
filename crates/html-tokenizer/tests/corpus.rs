//! Differential test: every development corpus page parses to the same tree as html5ever's.

mod common;

#[test]
fn corpus_pages_parse_identically() {
    let pages = common::corpus_pages();
    assert!(!pages.is_empty(), "no corpus pages found");
    let mut failures = Vec::new();
    for (name, text) in &pages {
        if let Err(report) = common::compare(text) {
            failures.push(format!("{name}:\n{report}"));
        }
    }
    println!("corpus: {} pages, {} differ", pages.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
