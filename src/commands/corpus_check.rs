//! `crawler corpus-check DIR`: measures the converter against reference pairs.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::UsageError;
use crate::cli::CorpusCheckArgs;
use crate::commands::convert::convert_file;

/// The comparison of one pair.
struct PairResult {
    name: String,
    similarity: f64,
    first_difference: Option<(usize, String)>,
}

pub fn run(args: CorpusCheckArgs) -> anyhow::Result<()> {
    let pairs = find_pairs(&args.dir)?;
    let mut results = Vec::with_capacity(pairs.len());
    for (html_path, md_path) in pairs {
        let name = html_path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected = std::fs::read_to_string(&md_path)
            .with_context(|| format!("cannot read {}", md_path.display()))?;
        let bytes = std::fs::read(&html_path)
            .with_context(|| format!("cannot read {}", html_path.display()))?;
        let result = match convert_file(&bytes, None, None) {
            Ok(document) => compare(name, &document.markdown, &expected),
            Err(error) => PairResult {
                name,
                similarity: 0.0,
                first_difference: Some((0, format!("conversion failed: {error:#}"))),
            },
        };
        println!("{}", format_pair(&result));
        results.push(result);
    }
    println!("{}", summary_line(&results));
    Ok(())
}

/// Lists the `X.html` files of `dir` that have an `X.md` beside them, sorted by name.
fn find_pairs(dir: &Path) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        UsageError(format!(
            "cannot read the folder {}: {error}; give a folder of X.html/X.md pairs",
            dir.display()
        ))
    })?;
    let mut pairs = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "html") {
            let md = path.with_extension("md");
            if md.is_file() {
                pairs.push((path, md));
            }
        }
    }
    pairs.sort();
    Ok(pairs)
}

fn compare(name: String, actual: &str, expected: &str) -> PairResult {
    let first_difference = actual
        .split('\n')
        .zip(expected.split('\n'))
        .position(|(a, e)| a != e)
        .or_else(|| {
            let (a, e) = (actual.split('\n').count(), expected.split('\n').count());
            (a != e).then(|| a.min(e))
        })
        .map(|index| {
            let line = expected.split('\n').nth(index).unwrap_or("<end of file>");
            (index + 1, line.to_owned())
        });
    PairResult {
        name,
        similarity: policy_text::line_similarity(actual, expected),
        first_difference,
    }
}

fn format_pair(result: &PairResult) -> String {
    match &result.first_difference {
        None => format!("{:.4}  exact  {}", result.similarity, result.name),
        Some((line, text)) => {
            let shown: String = text.chars().take(80).collect();
            format!(
                "{:.4}  line {line}: expected {shown:?}  {}",
                result.similarity, result.name
            )
        }
    }
}

fn summary_line(results: &[PairResult]) -> String {
    let exact = results
        .iter()
        .filter(|r| r.first_difference.is_none())
        .count();
    let mut scores: Vec<f64> = results.iter().map(|r| r.similarity).collect();
    scores.sort_by(f64::total_cmp);
    let median = bench::median(&scores);
    let mean = if scores.is_empty() {
        0.0
    } else {
        scores.iter().sum::<f64>() / scores.len() as f64
    };
    format!(
        "corpus-check: {} pairs, {exact} exact, median similarity {median:.4}, mean similarity {mean:.4}",
        results.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(similarity: f64, exact: bool) -> PairResult {
        PairResult {
            name: String::new(),
            similarity,
            first_difference: (!exact).then(|| (1, String::new())),
        }
    }

    #[test]
    fn summary_counts_exact_pairs_and_takes_the_median() {
        let results = [
            result(1.0, true),
            result(0.5, false),
            result(0.8, false),
            result(1.0, true),
        ];
        assert_eq!(
            summary_line(&results),
            "corpus-check: 4 pairs, 2 exact, median similarity 0.9000, mean similarity 0.8250"
        );
    }

    #[test]
    fn first_difference_reports_the_expected_line() {
        let pair = compare("x".into(), "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(pair.first_difference, Some((2, "B".to_owned())));
        let pair = compare("x".into(), "a\n", "a\nmore\n");
        assert_eq!(pair.first_difference, Some((2, "more".to_owned())));
        assert!(
            compare("x".into(), "same\n", "same\n")
                .first_difference
                .is_none()
        );
    }
}
