//! The self-contained HTML report: the timeline, then each change as the policy reads (the
//! rendered text of both versions, wording changes first, link-only and formatting-only
//! changes collapsed after them), with the Markdown source one click away.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;

use crate::diff::{Comparison, HunkItem, Piece};
use crate::prose::{self, Change, ChangeKind, ProseDiff};
use crate::rendered::{Block, BlockKind};
use crate::terminal::heading;
use crate::text::{html_escape, push_html_escaped, thousands, ts_date};
use crate::{VersionView, word_count};

/// Unchanged lines shown around each change in the Markdown source tables.
const HTML_CONTEXT: usize = 3;

/// Unchanged blocks (paragraphs, items, headings) shown before and after a wording change.
const CONTEXT_BLOCKS: usize = 1;

/// Further unchanged blocks on each side of a wording change, behind "More context".
const MORE_CONTEXT_BLOCKS: usize = 5;

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
ul.changes li{font-family:monospace}\
.change{margin:1em 0;padding:.3em .8em;border-left:4px solid #c60}\
.change.links,.change.formatting{border-left-color:#99b}\
p.where{font-weight:bold;margin:.3em 0}\
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}\
.sides>div{padding:0 .8em;border:1px solid #ddd;overflow-wrap:anywhere}\
.sides>div.old{background:#fffafa}.sides>div.new{background:#fafffa}\
p.side{font-size:.8em;color:#777;margin:.3em 0}p.none{color:#999;font-style:italic}\
.ctx{color:#666;overflow-wrap:anywhere}\
span.link{color:#1a4d8f;text-decoration:underline dotted;cursor:help}\
ul.md{padding-left:1.5em}li.num{list-style:none}li.d2{margin-left:1.5em}\
li.d3{margin-left:3em}li.d4{margin-left:4.5em}p.d1{margin-left:2em}p.d2{margin-left:3.5em}\
p.d3,p.d4{margin-left:5em}p.pre{font-family:monospace}\
summary{cursor:pointer;color:#1a4d8f}details{margin:.6em 0}\
ul.targets{font-size:.9em}ul.targets code{overflow-wrap:anywhere}";

/// Renders one self-contained HTML5 page for a domain: a title, the timeline as a table (the
/// versions that take part in a comparison highlighted), then for each comparison its heading,
/// its field changes as a list, line and word counts, and the changes as the policy reads:
///
/// - both bodies rendered from their Markdown (headings, lists, bold and italic, links shown by
///   their text with the target in a `title`, escapes undone) and diffed block by block, then
///   word by word;
/// - each wording change first, in document order, with its paragraphs side by side (old |
///   new, removed words in `<del>`, added ones in `<ins>`), the paragraph before and after it,
///   and more paragraphs each side in a `<details>` "More context";
/// - then, collapsed, the changes where only link targets moved ("Links changed, wording the
///   same": each link's text with its old and new target) and those where only formatting did;
/// - last, in a `<details>`, the Markdown source: a side-by-side table (old | new) of the
///   changed body lines with 3 lines of context, `@@` rows between hunks, line numbers, and the
///   changed words in `<del>` and `<ins>`.
///
/// The page has inline CSS only: no scripts, no external resources, no links (a
/// `Content-Security-Policy` meta tag forbids everything but the inline style as a second line of
/// defence). All archived text (domain, titles, URLs, bodies, link targets, field values) is
/// HTML-escaped (`&`, `<`, `>`, `"`, `'`); URLs are shown as text or in `title` attributes,
/// never as `href` or `src`.
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
        "<p class=\"stats\">Markdown source: lines +{} −{}, words +{} −{}.</p>",
        thousands(s.lines_added as i64),
        thousands(s.lines_removed as i64),
        thousands(s.words_added as i64),
        thousands(s.words_removed as i64),
    );
    let labels = [side_label(cmp.old), side_label(cmp.new)];
    push_prose(out, &prose::diff(cmp.old.body, cmp.new.body), &labels);
    out.push_str("<details class=\"source\"><summary>Markdown source, side by side</summary>\n");
    push_source_table(out, cmp);
    out.push_str("</details>\n</section>\n");
}

/// `v3 (2014-09-29)`, escaped.
fn side_label(v: &VersionView) -> String {
    format!("v{} ({})", v.seq, html_escape(&ts_date(v.first_seen)))
}

/// The changes as the reader sees them: wording changes first, each with its paragraphs and
/// more context on demand; then the link-only and the formatting-only changes, collapsed.
fn push_prose(out: &mut String, diff: &ProseDiff, labels: &[String; 2]) {
    let of_kind =
        |kind| -> Vec<&Change> { diff.changes.iter().filter(|c| c.kind == kind).collect() };
    let wording = of_kind(ChangeKind::Wording);
    let links = of_kind(ChangeKind::LinksOnly);
    let formatting = of_kind(ChangeKind::Formatting);
    let _ = writeln!(
        out,
        "<p class=\"summary\">As read: {} wording {} (+{} −{} words), {} link-only, {} formatting-only.</p>",
        wording.len(),
        if wording.len() == 1 {
            "change"
        } else {
            "changes"
        },
        thousands(diff.stats.words_added as i64),
        thousands(diff.stats.words_removed as i64),
        links.len(),
        formatting.len(),
    );
    if wording.is_empty() {
        out.push_str("<p class=\"same\">No wording changes: the text reads the same.</p>\n");
    }
    for (k, change) in wording.iter().enumerate() {
        push_wording_change(out, diff, change, (k + 1, wording.len()), labels);
    }
    if !links.is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"links\"><summary>Links changed, wording the same ({})</summary>",
            links.len()
        );
        for change in &links {
            push_link_change(out, diff, change);
        }
        out.push_str("</details>\n");
    }
    if !formatting.is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"formatting\"><summary>Formatting changed, wording the same ({})</summary>",
            formatting.len()
        );
        for change in &formatting {
            out.push_str("<div class=\"change formatting\">\n");
            push_sides(out, diff, change, labels);
            out.push_str("</div>\n");
        }
        out.push_str("</details>\n");
    }
}

fn push_wording_change(
    out: &mut String,
    diff: &ProseDiff,
    change: &Change,
    (k, n): (usize, usize),
    labels: &[String; 2],
) {
    out.push_str("<div class=\"change wording\">\n");
    let _ = write!(out, "<p class=\"where\">Wording change {k} of {n}");
    let before = &diff.new[..change.new.start];
    if let Some(heading) = before
        .iter()
        .rev()
        .find(|b| matches!(b.kind, BlockKind::Heading(_)))
    {
        out.push_str(", under “");
        push_html_escaped(out, &heading.text);
        out.push('”');
    }
    out.push_str("</p>\n");
    let after = &diff.new[change.new.end..];
    let near_before = before.len().saturating_sub(CONTEXT_BLOCKS);
    let far_before = near_before.saturating_sub(MORE_CONTEXT_BLOCKS);
    let near_after = CONTEXT_BLOCKS.min(after.len());
    let far_after = (near_after + MORE_CONTEXT_BLOCKS).min(after.len());
    push_context(out, &before[far_before..near_before], "More context before");
    push_context(out, &before[near_before..], "");
    push_sides(out, diff, change, labels);
    push_context(out, &after[..near_after], "");
    push_context(out, &after[near_after..far_after], "More context after");
    out.push_str("</div>\n");
}

/// Unchanged blocks around a change: shown, or inside a `<details>` with `summary`.
fn push_context(out: &mut String, blocks: &[Block], summary: &str) {
    if blocks.is_empty() {
        return;
    }
    if !summary.is_empty() {
        let _ = write!(out, "<details class=\"more\"><summary>{summary}</summary>");
    }
    out.push_str("<div class=\"ctx\">");
    push_blocks(out, blocks, None);
    out.push_str("</div>");
    if !summary.is_empty() {
        out.push_str("</details>");
    }
    out.push('\n');
}

/// The old and the new blocks of a change side by side, removed words in `<del>`, added in
/// `<ins>`.
fn push_sides(out: &mut String, diff: &ProseDiff, change: &Change, labels: &[String; 2]) {
    out.push_str("<div class=\"sides\">");
    for (side, blocks, marks, label) in [
        (
            Side::Old,
            &diff.old[change.old.clone()],
            &change.old_marks,
            &labels[0],
        ),
        (
            Side::New,
            &diff.new[change.new.clone()],
            &change.new_marks,
            &labels[1],
        ),
    ] {
        let class = match side {
            Side::Old => "old",
            Side::New => "new",
        };
        let _ = write!(out, "<div class=\"{class}\"><p class=\"side\">{label}</p>");
        if blocks.is_empty() {
            let _ = write!(out, "<p class=\"none\">Not in {label}.</p>");
        }
        push_blocks(
            out,
            blocks,
            (!marks.is_empty()).then_some((marks.as_slice(), side)),
        );
        out.push_str("</div>");
    }
    out.push_str("</div>\n");
}

/// A link-only change: the text once (as it reads in the new version) and, for each link
/// whose target changed, its text with the old and the new target.
fn push_link_change(out: &mut String, diff: &ProseDiff, change: &Change) {
    out.push_str("<div class=\"change links\">");
    push_blocks(out, &diff.new[change.new.clone()], None);
    let links = |blocks: &[Block]| -> Vec<(String, String)> {
        blocks
            .iter()
            .flat_map(|b| b.link_texts().into_iter().zip(b.links.iter().cloned()))
            .collect()
    };
    let old = links(&diff.old[change.old.clone()]);
    let new = links(&diff.new[change.new.clone()]);
    out.push_str("<ul class=\"targets\">");
    let mut push_target = |text: &str, from: Option<&str>, to: Option<&str>| {
        out.push_str("<li><span class=\"lt\">");
        push_html_escaped(
            out,
            if text.is_empty() {
                "(a link with no text)"
            } else {
                text
            },
        );
        out.push_str("</span>: ");
        for (n, target) in [from, to].into_iter().enumerate() {
            if n == 1 {
                out.push_str(" → ");
            }
            match target {
                Some(t) => {
                    out.push_str("<code>");
                    push_html_escaped(out, t);
                    out.push_str("</code>");
                }
                None => out.push_str("<em>no link</em>"),
            }
        }
        out.push_str("</li>");
    };
    if old.len() == new.len() {
        for ((text, from), (_, to)) in old.iter().zip(&new).filter(|(o, n)| o.1 != n.1) {
            push_target(text, Some(from), Some(to));
        }
    } else {
        for (text, from) in old.iter().filter(|o| !new.contains(o)) {
            push_target(text, Some(from), None);
        }
        for (text, to) in new.iter().filter(|n| !old.contains(n)) {
            push_target(text, None, Some(to));
        }
    }
    out.push_str("</ul></div>\n");
}

/// Writes display blocks as HTML: headings, list items (consecutive ones in one `<ul>`),
/// paragraphs, rules; with `marks`, the given byte ranges of each block's text wrapped in
/// `<del>` (old side) or `<ins>` (new side).
fn push_blocks(out: &mut String, blocks: &[Block], marks: Option<(&[Vec<Range<usize>>], Side)>) {
    let mut in_list = false;
    for (i, block) in blocks.iter().enumerate() {
        let item = matches!(block.kind, BlockKind::Bullet | BlockKind::Numbered(_));
        if item && !in_list {
            out.push_str("<ul class=\"md\">");
        } else if !item && in_list {
            out.push_str("</ul>");
        }
        in_list = item;
        let depth = block.depth.min(4);
        let block_marks = marks.and_then(|(m, side)| m.get(i).map(|m| (m.as_slice(), side)));
        let close = match block.kind {
            BlockKind::Heading(level) => {
                // The report's own headings are h1-h3: the policy's start at h4.
                let h = match level {
                    1 | 2 => 4,
                    3 => 5,
                    _ => 6,
                };
                let _ = write!(out, "<h{h} class=\"md\">");
                format!("</h{h}>")
            }
            BlockKind::Bullet => {
                let _ = write!(out, "<li class=\"d{depth}\">");
                "</li>".to_string()
            }
            BlockKind::Numbered(number) => {
                let _ = write!(
                    out,
                    "<li class=\"num d{depth}\"><span class=\"marker\">{number}.</span> "
                );
                "</li>".to_string()
            }
            BlockKind::Paragraph => {
                let _ = write!(out, "<p class=\"md d{depth}\">");
                "</p>".to_string()
            }
            BlockKind::Preformatted => {
                let _ = write!(out, "<p class=\"md pre d{depth}\">");
                "</p>".to_string()
            }
            BlockKind::Rule => {
                out.push_str("<hr>");
                continue;
            }
        };
        push_inline(out, block, block_marks);
        out.push_str(&close);
    }
    if in_list {
        out.push_str("</ul>");
    }
}

/// Writes a block's text, run by run: links as `<span class="link" title="TARGET">` (the
/// target shown on hover, never followed), bold, italic, struck and code runs in their
/// elements, marked ranges in `<del>`/`<ins>`, hard line breaks as `<br>`.
fn push_inline(out: &mut String, block: &Block, marks: Option<(&[Range<usize>], Side)>) {
    let mut cuts: Vec<usize> = block.runs.iter().map(|r| r.start).collect();
    cuts.push(0);
    cuts.push(block.text.len());
    if let Some((ranges, _)) = marks {
        cuts.extend(ranges.iter().flat_map(|r| [r.start, r.end]));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let (mut run, mut mark_at) = (0, 0);
    for w in cuts.windows(2) {
        let (start, end) = (w[0], w[1]);
        while run + 1 < block.runs.len() && block.runs[run + 1].start <= start {
            run += 1;
        }
        let Some(r) = block.runs.get(run) else {
            break;
        };
        // Marks are in order and apart: one pass over them for the whole block.
        let mark = marks.and_then(|(ranges, side)| {
            while ranges.get(mark_at).is_some_and(|m| m.end <= start) {
                mark_at += 1;
            }
            ranges
                .get(mark_at)
                .is_some_and(|m| m.start <= start && end <= m.end)
                .then_some(side)
        });
        let mut closes: Vec<&str> = Vec::new();
        match mark {
            Some(Side::Old) => {
                out.push_str("<del>");
                closes.push("</del>");
            }
            Some(Side::New) => {
                out.push_str("<ins>");
                closes.push("</ins>");
            }
            None => {}
        }
        if let Some(target) = r.link.and_then(|l| block.links.get(l)) {
            out.push_str("<span class=\"link\" title=\"");
            push_html_escaped(out, target);
            out.push_str("\">");
            closes.push("</span>");
        }
        for (on, open, close) in [
            (r.style.bold, "<strong>", "</strong>"),
            (r.style.italic, "<em>", "</em>"),
            (r.style.struck, "<s>", "</s>"),
            (r.style.code, "<code>", "</code>"),
        ] {
            if on {
                out.push_str(open);
                closes.push(close);
            }
        }
        for (n, line) in block.text[start..end].split('\n').enumerate() {
            if n > 0 {
                out.push_str("<br>");
            }
            push_html_escaped(out, line);
        }
        for close in closes.iter().rev() {
            out.push_str(close);
        }
    }
}

/// The Markdown source of the changes: a side-by-side table (old | new) of the changed body
/// lines with [`HTML_CONTEXT`] lines of context, `@@` rows between hunks, line numbers, and the
/// changed words wrapped in `<del>` (old column) and `<ins>` (new column).
fn push_source_table(out: &mut String, cmp: &Comparison) {
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
    out.push_str("</tbody>\n</table>\n");
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
