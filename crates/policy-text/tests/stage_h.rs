//! Stage H against html2text 2020.1.16's own outputs (goldens made by `golden/regenerate.py`):
//! Readability's article HTML of every corpus page, and snippets covering each rule.

use std::path::{Path, PathBuf};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn first_difference(ours: &str, theirs: &str) -> String {
    let line = ours
        .split('\n')
        .zip(theirs.split('\n'))
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| ours.split('\n').count().min(theirs.split('\n').count()));
    format!(
        "line {}: ours {:?} / html2text {:?}",
        line + 1,
        ours.split('\n').nth(line).unwrap_or("<end>"),
        theirs.split('\n').nth(line).unwrap_or("<end>")
    )
}

#[test]
fn corpus_article_html_renders_like_html2text() {
    let dir = golden().join("readable");
    let mut failures = Vec::new();
    let mut count = 0;
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("goldens")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    names.sort();
    for html_path in names {
        count += 1;
        let html = std::fs::read_to_string(&html_path).expect("read");
        let expected = std::fs::read_to_string(html_path.with_extension("md")).expect("read");
        let ours = policy_text::render_article(&html);
        if ours != expected {
            failures.push(format!(
                "{}: {}",
                html_path.display(),
                first_difference(&ours, &expected)
            ));
        }
    }
    assert!(count >= 18, "goldens missing: {count}");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn snippets_render_like_html2text() {
    let source = std::fs::read_to_string(golden().join("snippets.html")).expect("snippets");
    let mut failures = Vec::new();
    let mut count = 0;
    for block in source.split("\n=== ").map(|b| b.trim_start_matches("=== ")) {
        let Some((name, html)) = block.split_once('\n') else {
            continue;
        };
        let html = format!("{html}\n");
        let expected = std::fs::read_to_string(
            golden()
                .join("snippets")
                .join(format!("{}.md", name.trim())),
        )
        .expect("golden exists");
        count += 1;
        let ours = policy_text::render_article(&html);
        if ours != expected {
            failures.push(format!(
                "{name}: {}\n  ours:     {ours:?}\n  html2text: {expected:?}",
                first_difference(&ours, &expected)
            ));
        }
    }
    assert!(count >= 60, "snippets missing: {count}");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
