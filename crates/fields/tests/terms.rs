//! Precision and recall of `fields::extract_terms` against the hand labels in
//! `tests/labels/terms.toml`, on the terms-of-service texts in `tests/terms/`.
//!
//! Run `cargo test -p fields --test terms -- --nocapture` to see the table and every
//! disagreement.

mod common;

use common::{Score, set};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The hand label of one text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    stated_date: Option<String>,
    governing_law: Option<String>,
    arbitration: Vec<String>,
    unilateral_change: bool,
}

/// Minimum precision and recall of every field.
const MIN: f64 = 0.9;
const FIELDS: [&str; 4] = [
    "stated_date",
    "governing_law",
    "arbitration",
    "unilateral_change",
];

#[test]
fn precision_and_recall_on_terms_labels() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let labels_path = root.join("labels/terms.toml");
    let labels_text = std::fs::read_to_string(&labels_path)
        .unwrap_or_else(|e| panic!("read {}: {e}", labels_path.display()));
    let labels: BTreeMap<String, Label> = toml::from_str(&labels_text)
        .unwrap_or_else(|e| panic!("parse {}: {e}", labels_path.display()));
    assert!(labels.len() >= 20, "only {} labelled texts", labels.len());

    // Every text is labelled and every label has its text.
    let dir = root.join("terms");
    let stems: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let labelled: BTreeSet<String> = labels.keys().cloned().collect();
    assert_eq!(stems, labelled, "texts and labels differ");

    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    let mut report = String::new();
    for (stem, label) in &labels {
        let path = dir.join(format!("{stem}.md"));
        let markdown = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let f = {
            let d = policy_text::document::Document::parse(&markdown);
            fields::extract_terms(d.title, d.body)
        };
        let arbitration = f.arbitration.as_ref();
        let comparisons: [(&str, BTreeSet<String>, BTreeSet<String>); 4] = [
            (
                "stated_date",
                set(f.stated_date.iter().map(|d| d.date.clone())),
                set(label.stated_date.clone()),
            ),
            (
                "governing_law",
                set(f.governing_law.iter().map(|g| g.jurisdiction.clone())),
                set(label.governing_law.clone()),
            ),
            (
                "arbitration",
                set([
                    arbitration
                        .and_then(|a| a.binding_arbitration.as_ref())
                        .map(|_| "binding_arbitration".to_string()),
                    arbitration
                        .and_then(|a| a.class_action_waiver.as_ref())
                        .map(|_| "class_action_waiver".to_string()),
                ]
                .into_iter()
                .flatten()),
                set(label.arbitration.clone()),
            ),
            (
                "unilateral_change",
                set(f.unilateral_change.iter().map(|_| "yes".to_string())),
                set(label.unilateral_change.then(|| "yes".to_string())),
            ),
        ];
        for (field, predicted, expected) in comparisons {
            let (missed, extra) = scores.entry(field).or_default().add(&predicted, &expected);
            if !missed.is_empty() || !extra.is_empty() {
                let _ = writeln!(
                    report,
                    "  {stem:<42} {field:<18} missed {missed:?} extra {extra:?}"
                );
            }
        }
    }

    println!("\nterms fields vs hand labels: {} texts", labels.len());
    println!(
        "{:<18} {:>4} {:>4} {:>4} {:>9} {:>9}",
        "field", "tp", "fp", "fn", "precision", "recall"
    );
    let mut failures = Vec::new();
    for field in FIELDS {
        let s = scores.get(field).copied().unwrap_or_default();
        println!(
            "{:<18} {:>4} {:>4} {:>4} {:>9.3} {:>9.3}",
            field,
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall()
        );
        assert!(s.tp + s.fn_ > 0, "{field}: no labelled positive");
        if s.precision() < MIN || s.recall() < MIN {
            failures.push(format!(
                "{field}: precision {:.3}, recall {:.3} (min {MIN})",
                s.precision(),
                s.recall()
            ));
        }
    }
    if report.is_empty() {
        println!("no disagreements");
    } else {
        println!("disagreements:\n{report}");
    }
    assert!(
        failures.is_empty(),
        "below threshold:\n{}",
        failures.join("\n")
    );
}
