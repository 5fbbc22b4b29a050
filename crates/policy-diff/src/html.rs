//! The self-contained HTML report: timeline plus side-by-side comparisons.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::diff::{Comparison, HunkItem, Piece};
use crate::terminal::heading;
use crate::text::{html_escape, push_html_escaped, thousands, ts_date};
use crate::{VersionView, word_count};

/// Unchanged lines shown around each change in the HTML side-by-side tables.
const HTML_CONTEXT: usize = 3;

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}\
table{border-collapse:collapse}\
th,td{border:1px solid #ccc;padding:.2em .4em;text-align:left;vertical-align:top}\
table.timeline td.num{text-align:right}\
table.timeline td.url{font-family:monospace;word-break:break-all}\
table.timeline tr.compared{background:#fff3c4;font-weight:bold}\
table.diff{width:100%;table-layout:fixed}\
table.diff td{font-family:monospace;font-size:.9em;white-space:pre-wrap;overflow-wrap:anywhere;width:50%}\
table.diff tr.hunk td{background:#eef;color:#555}\
table.diff td.old{background:#fff5f5}table.diff td.new{background:#f5fff5}\
table.diff td.empty{background:#f4f4f4}\
.ln{display:inline-block;min-width:3.5em;color:#999;user-select:none}\
del{background:#fbb;text-decoration:line-through}\
ins{background:#bfb;text-decoration:none}\
ul.changes li{font-family:monospace}";

/// Renders one self-contained HTML5 page for a domain: a title, the timeline as a table (the
/// versions that take part in a comparison highlighted), then for each comparison its heading,
/// its field changes as a list, line and word counts, and a side-by-side table (old | new) of the
/// changed body lines with 3 lines of context, `@@` rows between hunks, line numbers, and the
/// changed words wrapped in `<del>` (old column) and `<ins>` (new column).
///
/// The page has inline CSS only: no scripts, no external resources, no links (a
/// `Content-Security-Policy` meta tag forbids everything but the inline style as a second line of
/// defence). All archived text (domain, titles, URLs, bodies, field values) is HTML-escaped
/// (`&`, `<`, `>`, `"`, `'`); URLs are shown as text, never as `href` or `src`.
pub fn render_html(domain: &str, timeline: &[VersionView], comparisons: &[Comparison]) -> String {
    let domain = html_escape(domain);
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>Privacy policy history: {domain}</title>");
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>Privacy policy history: {domain}</h1>");

    push_timeline(&mut out, timeline, comparisons);
    for cmp in comparisons {
        push_comparison(&mut out, cmp);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn push_timeline(out: &mut String, timeline: &[VersionView], comparisons: &[Comparison]) {
    let compared: HashSet<i64> = comparisons
        .iter()
        .flat_map(|c| [c.old.seq, c.new.seq])
        .collect();
    out.push_str("<h2>Timeline</h2>\n");
    if timeline.is_empty() {
        out.push_str("<p>No versions.</p>\n");
        return;
    }
    out.push_str(
        "<table class=\"timeline\">\n<thead><tr><th>Version</th><th>First seen</th>\
         <th>Valid until</th><th>Captures</th><th>Words</th><th>URL</th><th>Title</th></tr></thead>\n<tbody>\n",
    );
    for v in timeline {
        if compared.contains(&v.seq) {
            out.push_str("<tr class=\"compared\">");
        } else {
            out.push_str("<tr>");
        }
        let _ = write!(
            out,
            "<td>v{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            v.seq,
            html_escape(&ts_date(v.first_seen)),
            html_escape(&v.valid_until.map_or_else(|| "now".to_string(), ts_date)),
            thousands(v.capture_count),
            thousands(word_count(v)),
        );
        out.push_str("<td class=\"url\">");
        push_html_escaped(out, v.url);
        out.push_str("</td><td>");
        push_html_escaped(out, v.title.unwrap_or(""));
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn push_comparison(out: &mut String, cmp: &Comparison) {
    let title = html_escape(&heading(cmp));
    let _ = writeln!(out, "<section class=\"comparison\">\n<h2>{title}</h2>");
    if cmp.field_changes.is_empty() {
        out.push_str("<p>No field changes.</p>\n");
    } else {
        out.push_str("<ul class=\"changes\">\n");
        for change in &cmp.field_changes {
            out.push_str("<li>");
            push_html_escaped(out, &change.summary);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    if cmp.body_unchanged() {
        out.push_str("<p>Text unchanged.</p>\n</section>\n");
        return;
    }
    let s = cmp.stats();
    let _ = writeln!(
        out,
        "<p class=\"stats\">Lines: +{} −{}. Words: +{} −{}.</p>",
        thousands(s.lines_added as i64),
        thousands(s.lines_removed as i64),
        thousands(s.words_added as i64),
        thousands(s.words_removed as i64),
    );
    let _ = writeln!(
        out,
        "<table class=\"diff\">\n<thead><tr><th>v{} ({})</th><th>v{} ({})</th></tr></thead>\n<tbody>",
        cmp.old.seq,
        html_escape(&ts_date(cmp.old.first_seen)),
        cmp.new.seq,
        html_escape(&ts_date(cmp.new.first_seen)),
    );
    for hunk in cmp.hunks(HTML_CONTEXT) {
        let _ = writeln!(
            out,
            "<tr class=\"hunk\"><td colspan=\"2\">@@ {} @@{}</td></tr>",
            hunk.header_ranges(),
            if cmp.whitespace_only(&hunk) {
                " whitespace only"
            } else {
                ""
            }
        );
        for item in &hunk.items {
            match *item {
                HunkItem::Context { old, new, len } => {
                    for k in 0..len {
                        let line = cmp.old_lines[old + k];
                        out.push_str("<tr class=\"ctx\"><td>");
                        push_line_number(out, old + k);
                        push_html_escaped(out, strip_newline(line));
                        out.push_str("</td><td>");
                        push_line_number(out, new + k);
                        push_html_escaped(out, strip_newline(line));
                        out.push_str("</td></tr>\n");
                    }
                }
                HunkItem::Change(i) => {
                    let op = cmp.ops[i];
                    let old_side = side_lines(&cmp.words[i], Side::Old);
                    let new_side = side_lines(&cmp.words[i], Side::New);
                    let rows = old_side.len().max(new_side.len());
                    for k in 0..rows {
                        out.push_str("<tr class=\"chg\">");
                        push_side_cell(out, old_side.get(k), op.old_range().start + k, Side::Old);
                        push_side_cell(out, new_side.get(k), op.new_range().start + k, Side::New);
                        out.push_str("</tr>\n");
                    }
                }
            }
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn strip_newline(line: &str) -> &str {
    line.strip_suffix('\n').unwrap_or(line)
}

fn push_line_number(out: &mut String, index: usize) {
    let _ = write!(out, "<span class=\"ln\">{}</span>", index + 1);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Old,
    New,
}

/// One line of one side of a changed group: its text in pieces, each marked changed or not.
type SideLine<'a> = Vec<(bool, &'a str)>;

/// Splits the word pieces of a changed group into the lines of one side.
fn side_lines<'a>(pieces: &[Piece<'a>], side: Side) -> Vec<SideLine<'a>> {
    let mut lines = Vec::new();
    let mut current: SideLine<'a> = Vec::new();
    for piece in pieces {
        let (text, changed) = match (*piece, side) {
            (Piece::Same(t), _) => (t, false),
            (Piece::Changed { old, .. }, Side::Old) => (old, true),
            (Piece::Changed { new, .. }, Side::New) => (new, true),
        };
        for part in text.split_inclusive('\n') {
            let content = strip_newline(part);
            if !content.is_empty() {
                current.push((changed, content));
            }
            if part.ends_with('\n') {
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

fn push_side_cell(out: &mut String, line: Option<&SideLine>, index: usize, side: Side) {
    let Some(line) = line else {
        out.push_str("<td class=\"empty\"></td>");
        return;
    };
    let (class, open, close) = match side {
        Side::Old => ("old", "<del>", "</del>"),
        Side::New => ("new", "<ins>", "</ins>"),
    };
    let _ = write!(out, "<td class=\"{class}\">");
    push_line_number(out, index);
    for &(changed, text) in line {
        if changed {
            out.push_str(open);
            push_html_escaped(out, text);
            out.push_str(close);
        } else {
            push_html_escaped(out, text);
        }
    }
    out.push_str("</td>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare;

    #[test]
    fn side_lines_match_the_line_diff() {
        let mut rng = crate::testgen::XorShift::new(5);
        for case in 0..300 {
            let (old_body, new_body) = crate::testgen::pair(&mut rng);
            let view = |seq, body| VersionView {
                seq,
                first_seen: "20200101000000",
                valid_until: None,
                capture_count: 1,
                url: "u",
                title: None,
                body,
                fields: None,
                found_by_rebuild: false,
                relation: None,
            };
            let (o, n) = (view(1, &old_body), view(2, &new_body));
            let cmp = compare(&o, &n);
            for (op, pieces) in cmp.ops.iter().zip(&cmp.words) {
                if pieces.is_empty() {
                    continue;
                }
                for (side, lines) in [
                    (Side::Old, &cmp.old_lines[op.old_range()]),
                    (Side::New, &cmp.new_lines[op.new_range()]),
                ] {
                    let split = side_lines(pieces, side);
                    let texts: Vec<String> = split
                        .iter()
                        .map(|l| l.iter().map(|&(_, t)| t).collect())
                        .collect();
                    let expected: Vec<&str> = lines.iter().map(|l| strip_newline(l)).collect();
                    assert_eq!(texts, expected, "case {case}");
                }
            }
        }
    }
}
