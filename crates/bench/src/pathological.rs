//! `crawler bench pathological`: the converter's time on hostile pages, at growing sizes, to
//! show that it is linear in the page size whatever the page (or refused early).

use std::io::Write;
use std::time::{Duration, Instant};

use crate::BenchError;

/// What [`pathological`] measures.
#[derive(Debug, Clone)]
pub struct PathologicalOptions {
    /// Page sizes in KiB, smallest first.
    pub sizes_kib: Vec<usize>,
    /// Only the page kinds whose name contains one of these (all when empty).
    pub kind: Vec<String>,
    /// Conversions per page and size; the fastest counts.
    pub repeat: u32,
    /// Time budget of one conversion in seconds.
    pub budget_secs: f64,
}

/// A family of generated pages: its name and how to make one of about `size` bytes.
struct PageKind {
    name: &'static str,
    make: fn(usize) -> String,
}

/// `unit` repeated until the page holds about `size` bytes (`head` and `tail` around it).
fn repeated(head: &str, unit: &str, tail: &str, size: usize) -> String {
    let count = size.saturating_sub(head.len() + tail.len()) / unit.len().max(1);
    let mut page = String::with_capacity(size + unit.len());
    page.push_str(head);
    for _ in 0..count {
        page.push_str(unit);
    }
    page.push_str(tail);
    page
}

/// Units numbered `0..` (so no two are alike) until the page holds about `size` bytes.
fn numbered(head: &str, unit: impl Fn(usize) -> String, tail: &str, size: usize) -> String {
    let mut page = String::with_capacity(size + 64);
    page.push_str(head);
    let mut index = 0;
    while page.len() + tail.len() < size {
        page.push_str(&unit(index));
        index += 1;
    }
    page.push_str(tail);
    page
}

/// A thousand nested `<div>`s (just under the depth limit) around `inner`, repeated.
fn near_the_limit(unit: &str, size: usize) -> String {
    repeated(&"<div>".repeat(1000), unit, "", size)
}

const BODY: &str = "<!DOCTYPE html><html><head><title>Privacy</title></head><body>";

/// Every page kind measured, hostile to the tokenizer, the tree builder or Readability.
const KINDS: &[PageKind] = &[
    PageKind {
        name: "nested-div",
        make: |n| repeated(BODY, "<div>", "", n),
    },
    PageKind {
        name: "nested-span",
        make: |n| repeated(BODY, "<span>", "", n),
    },
    PageKind {
        name: "nested-b",
        make: |n| repeated(BODY, "<b>", "", n),
    },
    PageKind {
        name: "nested-b-distinct",
        make: |n| numbered(BODY, |i| format!("<b id={i}>"), "", n),
    },
    PageKind {
        name: "nested-a",
        make: |n| repeated(BODY, "<a href=x>", "", n),
    },
    PageKind {
        name: "nested-font",
        make: |n| numbered(BODY, |i| format!("<font size={i}>"), "", n),
    },
    PageKind {
        name: "nested-table",
        make: |n| repeated(BODY, "<table><tr><td>", "", n),
    },
    PageKind {
        name: "nested-ul-li",
        make: |n| repeated(BODY, "<ul><li>", "", n),
    },
    PageKind {
        name: "unclosed-li",
        make: |n| repeated(BODY, "<li>", "", n),
    },
    PageKind {
        name: "unclosed-p",
        make: |n| repeated(BODY, "<p>", "", n),
    },
    PageKind {
        name: "nested-select",
        make: |n| repeated(BODY, "<select><option>", "", n),
    },
    PageKind {
        name: "nested-template",
        make: |n| repeated(BODY, "<template>", "", n),
    },
    PageKind {
        name: "nested-svg",
        make: |n| repeated(BODY, "<svg>", "", n),
    },
    PageKind {
        name: "nested-math",
        make: |n| repeated(BODY, "<math><mi>", "", n),
    },
    PageKind {
        name: "nested-button-p",
        make: |n| repeated(BODY, "<button><p>", "", n),
    },
    PageKind {
        name: "attributes",
        make: |n| numbered("<div", |i| format!(" a{i}=v"), ">text</div>", n),
    },
    PageKind {
        name: "attributes-b",
        make: |n| numbered("<p><b", |i| format!(" a{i}"), "></p>", n) + &"<p>x</p>".repeat(1000),
    },
    PageKind {
        name: "attributes-body",
        make: |n| {
            let half = numbered("<body", |i| format!(" a{i}"), ">", n / 2);
            half.clone() + &half
        },
    },
    PageKind {
        name: "noahs-ark",
        make: |n| {
            let attributes: String = (0..60).map(|a| format!(" a{a}")).collect();
            let open: String = (0..400)
                .map(|i| format!("<b id={i}{attributes}>"))
                .collect();
            repeated(&open, "<b></b>", "", n)
        },
    },
    PageKind {
        name: "text",
        make: |n| repeated(BODY, "privacy ", "", n),
    },
    PageKind {
        name: "text-entities",
        make: |n| repeated(BODY, "&amp;&#x41;&copy", "", n),
    },
    PageKind {
        name: "comments",
        make: |n| repeated(BODY, "<!--x-->", "", n),
    },
    PageKind {
        name: "tables",
        make: |n| repeated(BODY, "<table><tr><td>x</td></tr></table>", "", n),
    },
    PageKind {
        name: "foster-parenting",
        make: |n| repeated("<table><tr>", "<div>x", "", n),
    },
    PageKind {
        name: "foster-text",
        make: |n| repeated("<table>", "x<b>y</b>", "", n),
    },
    PageKind {
        name: "misnested",
        make: |n| repeated(BODY, "<b><i></b></i>x", "", n),
    },
    PageKind {
        name: "adoption-agency",
        make: |n| repeated(BODY, "<a><div></a>x", "", n),
    },
    PageKind {
        name: "adoption-p",
        make: |n| repeated(BODY, "<b><p></b>x", "", n),
    },
    PageKind {
        name: "reconstruct",
        make: |n| {
            numbered(
                &format!(
                    "{BODY}<div>{}</div>",
                    (0..500).map(|i| format!("<b id={i}>")).collect::<String>()
                ),
                |_| "<div>x</div>".into(),
                "",
                n,
            )
        },
    },
    PageKind {
        name: "reconstruct-cells",
        make: |n| numbered(BODY, |i| format!("<table><td><div><b id={i}></div>"), "", n),
    },
    PageKind {
        name: "paragraphs",
        make: |n| repeated(BODY, "<p>We keep your data, as the law says.</p>", "", n),
    },
    PageKind {
        name: "links",
        make: |n| repeated(BODY, "<p><a href=\"/x\">a link</a>, text</p>", "", n),
    },
    PageKind {
        name: "deep-paragraphs",
        make: |n| near_the_limit("<p>We keep your data, as the law says.</p>", n),
    },
    PageKind {
        name: "deep-divs-text",
        make: |n| near_the_limit("<div>We keep your data, as the law says.</div>", n),
    },
    PageKind {
        name: "nested-divs-text",
        make: |n| repeated(BODY, "<div>We keep your data, and more.", "", n),
    },
];

/// Runs the benchmark: per page kind and size, the time of one conversion, as a table on `out`.
pub fn pathological(options: &PathologicalOptions, out: &mut dyn Write) -> Result<(), BenchError> {
    let kinds: Vec<&PageKind> = KINDS
        .iter()
        .filter(|kind| {
            options.kind.is_empty() || options.kind.iter().any(|k| kind.name.contains(k.as_str()))
        })
        .collect();
    if kinds.is_empty() || options.sizes_kib.is_empty() {
        return Err(BenchError::Usage(format!(
            "nothing to measure: no page kind matches {:?} (kinds: {}) or no size given",
            options.kind,
            KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
        )));
    }
    let budget = Duration::try_from_secs_f64(options.budget_secs).map_err(|_| {
        BenchError::Usage(format!(
            "--budget-secs must be a positive number of seconds, not {}",
            options.budget_secs
        ))
    })?;
    writeln!(
        out,
        "{:<20} {:>9} {:>10} {:>9} {:>7}  outcome",
        "page", "size", "seconds", "MB/s", "ratio"
    )?;
    let mut worst_ratio: f64 = 0.0;
    for kind in kinds {
        let mut previous: Option<(usize, f64)> = None;
        for &kib in &options.sizes_kib {
            let page = (kind.make)(kib.saturating_mul(1024));
            let mut seconds = f64::INFINITY;
            let mut outcome = None;
            for _ in 0..options.repeat.max(1) {
                let start = Instant::now();
                let converted = policy_text::convert_within(
                    page.as_bytes(),
                    Some("text/html; charset=utf-8"),
                    "example.com",
                    "https://web.archive.org/web/20200101000000id_/http%3A//example.com/privacy",
                    budget,
                );
                seconds = seconds.min(start.elapsed().as_secs_f64());
                outcome = Some(converted);
            }
            let Some(outcome) = outcome else { continue };
            // The time ratio between this size and the previous one, scaled to a doubling:
            // about 2 means linear, 4 quadratic.
            let ratio = previous.map(|(bytes, time)| {
                let growth = page.len() as f64 / bytes as f64;
                (seconds / time.max(1e-6)).powf(2f64.ln() / growth.ln())
            });
            if let Some(ratio) = ratio {
                worst_ratio = worst_ratio.max(ratio);
            }
            let described = match &outcome {
                Ok(document) => {
                    format!("converted ({} bytes of Markdown)", document.markdown.len())
                }
                Err(error) => format!("refused: {error}"),
            };
            writeln!(
                out,
                "{:<20} {:>9} {:>10.4} {:>9.1} {:>7}  {}",
                kind.name,
                page.len(),
                seconds,
                page.len() as f64 / 1e6 / seconds.max(1e-9),
                ratio.map_or("-".to_owned(), |r| format!("{r:.2}")),
                described
            )?;
            previous = Some((page.len(), seconds));
        }
    }
    writeln!(
        out,
        "worst time ratio per doubling of size: {worst_ratio:.2} (2 is linear)"
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_grows_with_the_size_asked() {
        for kind in KINDS {
            let (small, large) = ((kind.make)(256 * 1024), (kind.make)(512 * 1024));
            let growth = large.len().saturating_sub(small.len());
            assert!(
                (200 * 1024..=300 * 1024).contains(&growth),
                "{}: {} then {} bytes",
                kind.name,
                small.len(),
                large.len()
            );
        }
    }

    #[test]
    fn one_kind_at_two_sizes_makes_a_table() {
        let options = PathologicalOptions {
            sizes_kib: vec![4, 8],
            kind: vec!["nested-div".into()],
            repeat: 1,
            budget_secs: 60.0,
        };
        let mut out = Vec::new();
        pathological(&options, &mut out).expect("a table");
        let text = String::from_utf8(out).expect("UTF-8");
        // The header, nested-div and nested-divs-text at two sizes each, the summary.
        assert_eq!(text.lines().count(), 6, "{text}");
        assert!(text.starts_with("page "), "{text}");
        assert!(text.contains("\nnested-div "), "{text}");
        assert!(
            text.lines()
                .last()
                .is_some_and(|l| l.starts_with("worst time ratio"))
        );
    }

    #[test]
    fn no_matching_kind_is_a_usage_error() {
        let options = PathologicalOptions {
            sizes_kib: vec![4],
            kind: vec!["no-such-kind".into()],
            repeat: 1,
            budget_secs: 60.0,
        };
        assert!(matches!(
            pathological(&options, &mut Vec::new()),
            Err(BenchError::Usage(_))
        ));
    }
}
