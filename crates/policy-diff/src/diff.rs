//! The comparison of two versions: a line diff of the bodies, word diffs inside the changed line
//! groups, and the grouping of changes into hunks that every renderer shares.

use std::ops::Range;
use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

use crate::VersionView;
use crate::changes::{FieldChange, field_changes, title_change};
use crate::text::{count_tokens, token_bounds};

/// Time allowed for the line diff of two bodies before `similar` settles for a valid but
/// possibly longer edit script.
const LINE_DIFF_TIMEOUT: Duration = Duration::from_millis(300);

/// Time allowed for all word diffs of one comparison together. Once spent, the remaining changed
/// line groups are still word-diffed, but `similar` approximates at once.
const WORD_DIFF_BUDGET: Duration = Duration::from_millis(200);

/// Line and word counts of a comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffStats {
    /// Lines of the new body that are not in the old one.
    pub lines_added: u64,
    /// Lines of the old body that are not in the new one.
    pub lines_removed: u64,
    /// Words (whitespace-separated tokens) inserted by the word diffs of the changed lines.
    pub words_added: u64,
    /// Words (whitespace-separated tokens) deleted by the word diffs of the changed lines.
    pub words_removed: u64,
}

/// A run of a changed line group at word level: text in both versions, or a change (old words
/// replaced by new words, either side possibly empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text present in both versions.
    Same(&'a str),
    /// `old` (empty for a pure insertion) became `new` (empty for a pure deletion).
    Changed { old: &'a str, new: &'a str },
}

/// One item of a hunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HunkItem {
    /// `len` unchanged lines from `old`/`new` (0-based line indexes).
    Context { old: usize, new: usize, len: usize },
    /// The changed line group `Comparison::ops[i]`.
    Change(usize),
}

/// Changes plus surrounding context lines, as in a unified diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hunk {
    /// 0-based index of the first old line.
    pub old_start: usize,
    /// Number of old lines.
    pub old_len: usize,
    /// 0-based index of the first new line.
    pub new_start: usize,
    /// Number of new lines.
    pub new_len: usize,
    /// Context and changes, in order.
    pub items: Vec<HunkItem>,
}

impl Hunk {
    /// `-a,b +c,d` as in a unified diff header: 1-based starts, the length omitted when it is 1,
    /// and for an empty range the number of the line before it.
    pub(crate) fn header_ranges(&self) -> String {
        format!(
            "-{} +{}",
            unified_range(self.old_start, self.old_len),
            unified_range(self.new_start, self.new_len)
        )
    }
}

/// The start of a range as written in a unified diff header (see [`Hunk::header_ranges`]).
pub(crate) fn unified_start(start: usize, len: usize) -> usize {
    if len == 0 { start } else { start + 1 }
}

fn unified_range(start: usize, len: usize) -> String {
    if len == 1 {
        format!("{}", start + 1)
    } else {
        format!("{},{}", unified_start(start, len), len)
    }
}

/// The comparison of two versions of a policy, built by [`compare`] and rendered by
/// [`render_terminal`](crate::render_terminal), [`render_unified`](crate::render_unified),
/// [`render_json`](crate::render_json) and [`render_html`](crate::render_html).
///
/// Holds the line diff of the two bodies and, for every changed line group, a word diff; both are
/// computed once, so rendering a comparison several ways costs no further diffing.
#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    /// The older version.
    pub old: &'a VersionView<'a>,
    /// The newer version.
    pub new: &'a VersionView<'a>,
    /// The differences between the extracted fields (and the URLs) of the two versions.
    pub field_changes: Vec<FieldChange>,
    /// The old body's lines, each with its `\n` (the last one may lack it).
    pub(crate) old_lines: Vec<&'a str>,
    /// The new body's lines.
    pub(crate) new_lines: Vec<&'a str>,
    /// The line diff (equal runs and changed line groups).
    pub(crate) ops: Vec<DiffOp>,
    /// For each entry of `ops`: the word-level pieces of a changed group, empty for equal runs.
    pub(crate) words: Vec<Vec<Piece<'a>>>,
    pub(crate) stats: DiffStats,
}

impl<'a> Comparison<'a> {
    /// Whether the two bodies are byte-for-byte identical.
    pub fn body_unchanged(&self) -> bool {
        self.ops.iter().all(|op| matches!(op, DiffOp::Equal { .. }))
    }

    /// Line and word counts of the differences between the bodies.
    pub fn stats(&self) -> DiffStats {
        self.stats
    }

    /// Groups the changes into hunks with `context` unchanged lines around each change; changes
    /// closer than `2 * context` lines share a hunk.
    pub(crate) fn hunks(&self, context: usize) -> Vec<Hunk> {
        let ops = &self.ops;
        let mut hunks = Vec::new();
        let mut current: Option<Vec<HunkItem>> = None;
        for (i, op) in ops.iter().enumerate() {
            match *op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => {
                    if let Some(mut items) = current.take() {
                        let last = i + 1 == ops.len();
                        if len > 2 * context || last {
                            let take = len.min(context);
                            if take > 0 {
                                items.push(HunkItem::Context {
                                    old: old_index,
                                    new: new_index,
                                    len: take,
                                });
                            }
                            hunks.push(items);
                        } else {
                            items.push(HunkItem::Context {
                                old: old_index,
                                new: new_index,
                                len,
                            });
                            current = Some(items);
                        }
                    }
                }
                _ => {
                    let items = current.get_or_insert_with(|| {
                        let mut items = Vec::new();
                        if let Some(DiffOp::Equal {
                            old_index,
                            new_index,
                            len,
                        }) = i.checked_sub(1).and_then(|p| ops.get(p)).copied()
                        {
                            let take = len.min(context);
                            if take > 0 {
                                items.push(HunkItem::Context {
                                    old: old_index + len - take,
                                    new: new_index + len - take,
                                    len: take,
                                });
                            }
                        }
                        items
                    });
                    items.push(HunkItem::Change(i));
                }
            }
        }
        if let Some(items) = current {
            hunks.push(items);
        }
        hunks
            .into_iter()
            .map(|items| self.hunk_from_items(items))
            .collect()
    }

    /// Whether every change in `hunk` only adds or removes whitespace (blank lines, spaces, a
    /// final newline): such hunks show no marked word, so the renderers say so.
    pub(crate) fn whitespace_only(&self, hunk: &Hunk) -> bool {
        hunk.items.iter().all(|item| match *item {
            HunkItem::Context { .. } => true,
            HunkItem::Change(i) => self.words[i].iter().all(|piece| match *piece {
                Piece::Same(_) => true,
                Piece::Changed { old, new } => old.trim().is_empty() && new.trim().is_empty(),
            }),
        })
    }

    fn hunk_from_items(&self, items: Vec<HunkItem>) -> Hunk {
        let ranges = |item: &HunkItem| -> (Range<usize>, Range<usize>) {
            match *item {
                HunkItem::Context { old, new, len } => (old..old + len, new..new + len),
                HunkItem::Change(i) => (self.ops[i].old_range(), self.ops[i].new_range()),
            }
        };
        let (old_start, new_start) = items
            .first()
            .map(|it| {
                let (o, n) = ranges(it);
                (o.start, n.start)
            })
            .unwrap_or_default();
        let (old_len, new_len) = items.iter().fold((0, 0), |(o, n), it| {
            let (or, nr) = ranges(it);
            (o + or.len(), n + nr.len())
        });
        Hunk {
            old_start,
            old_len,
            new_start,
            new_len,
            items,
        }
    }
}

/// Compares two versions: the field changes (see [`field_changes`]; when either version has no
/// fields, only the titles of the views are compared), a `"url"` change when the URLs differ,
/// a line diff of the bodies and a word diff inside each changed group of lines.
///
/// The work is linear in the size of the bodies plus the diff algorithm's cost on the changed
/// regions only, and it is bounded in time: past a few hundred milliseconds (only reached by
/// pathological inputs) the diffs fall back to coarser, still exact, edit scripts.
pub fn compare<'a>(old: &'a VersionView<'a>, new: &'a VersionView<'a>) -> Comparison<'a> {
    let mut changes = Vec::new();
    if old.url != new.url {
        changes.push(FieldChange {
            field: "url".into(),
            old: Some(old.url.to_string()),
            new: Some(new.url.to_string()),
            summary: format!("url {} -> {}", old.url, new.url),
        });
    }
    match (old.fields, new.fields) {
        (Some(of), Some(nf)) => changes.extend(field_changes(of, nf)),
        _ => changes.extend(title_change(old.title, new.title)),
    }

    let old_lines: Vec<&str> = old.body.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.body.split_inclusive('\n').collect();
    let ops = capture_diff_slices_deadline(
        Algorithm::Myers,
        &old_lines,
        &new_lines,
        Instant::now().checked_add(LINE_DIFF_TIMEOUT),
    );

    let old_offsets = line_offsets(&old_lines);
    let new_offsets = line_offsets(&new_lines);
    let word_deadline = Instant::now().checked_add(WORD_DIFF_BUDGET);
    let mut stats = DiffStats::default();
    let mut words = Vec::with_capacity(ops.len());
    for op in &ops {
        let (or, nr) = (op.old_range(), op.new_range());
        let old_text = &old.body[old_offsets[or.start]..old_offsets[or.end]];
        let new_text = &new.body[new_offsets[nr.start]..new_offsets[nr.end]];
        let pieces = match op {
            DiffOp::Equal { .. } => Vec::new(),
            DiffOp::Delete { .. } | DiffOp::Insert { .. } => {
                stats.words_removed += count_tokens(old_text);
                stats.words_added += count_tokens(new_text);
                vec![Piece::Changed {
                    old: old_text,
                    new: new_text,
                }]
            }
            DiffOp::Replace { .. } => word_diff(old_text, new_text, word_deadline, &mut stats),
        };
        if !matches!(op, DiffOp::Equal { .. }) {
            stats.lines_removed += or.len() as u64;
            stats.lines_added += nr.len() as u64;
        }
        words.push(pieces);
    }

    Comparison {
        old,
        new,
        field_changes: changes,
        old_lines,
        new_lines,
        ops,
        words,
        stats,
    }
}

/// Byte offset of the start of each line, plus the total length.
fn line_offsets(lines: &[&str]) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(lines.len() + 1);
    let mut at = 0;
    offsets.push(0);
    for l in lines {
        at += l.len();
        offsets.push(at);
    }
    offsets
}

/// Word diff of one changed group of lines. Tokens are runs of non-whitespace, runs of other
/// whitespace, and single `\n`s. Changes separated only by spaces (on one line) are merged, so
/// `the quick brown` -> `the slow red` reads `the [-quick brown-]{+slow red+}` as with
/// `git diff --word-diff`.
pub(crate) fn word_diff<'a>(
    old: &'a str,
    new: &'a str,
    deadline: Option<Instant>,
    stats: &mut DiffStats,
) -> Vec<Piece<'a>> {
    let ob = token_bounds(old);
    let nb = token_bounds(new);
    let otoks: Vec<&str> = ob.windows(2).map(|w| &old[w[0]..w[1]]).collect();
    let ntoks: Vec<&str> = nb.windows(2).map(|w| &new[w[0]..w[1]]).collect();
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &otoks, &ntoks, deadline);

    // Byte ranges in `old` and `new` of each run, merged as described above.
    let mut runs: Vec<(bool, Range<usize>, Range<usize>)> = Vec::with_capacity(ops.len());
    for op in &ops {
        let (or, nr) = (op.old_range(), op.new_range());
        let obytes = ob[or.start]..ob[or.end];
        let nbytes = nb[nr.start]..nb[nr.end];
        let changed = !matches!(op, DiffOp::Equal { .. });
        if changed {
            stats.words_removed += otoks[or].iter().filter(|t| is_word(t)).count() as u64;
            stats.words_added += ntoks[nr].iter().filter(|t| is_word(t)).count() as u64;
            let n = runs.len();
            let merge_back = match runs.as_slice() {
                [.., (true, _, _)] => Some(n - 1),
                [.., (true, _, _), (false, gap, _)] if is_space(&old[gap.clone()]) => Some(n - 2),
                _ => None,
            };
            if let Some(k) = merge_back {
                runs.truncate(k + 1);
                runs[k].1.end = obytes.end;
                runs[k].2.end = nbytes.end;
                continue;
            }
        }
        runs.push((changed, obytes, nbytes));
    }
    trim_whitespace_edges(old, new, runs)
        .into_iter()
        .map(|(changed, o, n)| {
            if changed {
                Piece::Changed {
                    old: &old[o],
                    new: &new[n],
                }
            } else {
                Piece::Same(&old[o])
            }
        })
        .collect()
}

/// A word-diff run: changed or not, its byte range in the old text and in the new text.
type Run = (bool, Range<usize>, Range<usize>);

/// Moves whitespace that both sides of a change start or end with out of the change, so
/// `and[- email-]{+ phone+}` reads `and [-email-]{+phone+}`.
fn trim_whitespace_edges(old: &str, new: &str, runs: Vec<Run>) -> Vec<Run> {
    fn push_same(out: &mut Vec<Run>, o: Range<usize>, n: Range<usize>) {
        if let Some((false, lo, ln)) = out.last_mut() {
            lo.end = o.end;
            ln.end = n.end;
        } else {
            out.push((false, o, n));
        }
    }
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    for (changed, o, n) in runs {
        if !changed {
            push_same(&mut out, o, n);
            continue;
        }
        let (os, ns) = (&old[o.clone()], &new[n.clone()]);
        let lead: usize = os
            .chars()
            .zip(ns.chars())
            .take_while(|(a, b)| a == b && a.is_whitespace())
            .map(|(a, _)| a.len_utf8())
            .sum();
        let trail: usize = os[lead..]
            .chars()
            .rev()
            .zip(ns[lead..].chars().rev())
            .take_while(|(a, b)| a == b && a.is_whitespace())
            .map(|(a, _)| a.len_utf8())
            .sum();
        if lead > 0 {
            push_same(&mut out, o.start..o.start + lead, n.start..n.start + lead);
        }
        out.push((
            true,
            o.start + lead..o.end - trail,
            n.start + lead..n.end - trail,
        ));
        if trail > 0 {
            push_same(&mut out, o.end - trail..o.end, n.end - trail..n.end);
        }
    }
    out
}

fn is_word(token: &&str) -> bool {
    !token.starts_with(char::is_whitespace)
}

/// Non-empty whitespace without a line break.
fn is_space(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_whitespace() && c != '\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(seq: i64, body: &'a str) -> VersionView<'a> {
        VersionView {
            seq,
            first_seen: "20130110000000",
            valid_until: None,
            capture_count: 1,
            url: "http://x.com/privacy",
            title: None,
            body,
            fields: None,
            found_by_rebuild: false,
            relation: None,
        }
    }

    #[test]
    fn word_pieces_merge_across_spaces() {
        let mut stats = DiffStats::default();
        let pieces = word_diff(
            "the quick brown fox\n",
            "the slow red fox\n",
            None,
            &mut stats,
        );
        assert_eq!(
            pieces,
            [
                Piece::Same("the "),
                Piece::Changed {
                    old: "quick brown",
                    new: "slow red"
                },
                Piece::Same(" fox\n"),
            ]
        );
        assert_eq!((stats.words_removed, stats.words_added), (2, 2));
    }

    #[test]
    fn stats_and_hunks() {
        let old_body = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
        let new_body = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl m\n";
        let (o, n) = (view(1, old_body), view(2, new_body));
        let cmp = compare(&o, &n);
        assert_eq!(
            cmp.stats(),
            DiffStats {
                lines_added: 2,
                lines_removed: 1,
                words_added: 3,
                words_removed: 1
            }
        );
        let hunks = cmp.hunks(3);
        assert_eq!(hunks.len(), 2);
        assert_eq!(hunks[0].header_ranges(), "-1,5 +1,5");
        assert_eq!(hunks[1].header_ranges(), "-9,3 +9,4");
        // The 9 equal lines between the changes: > 2 * 4, <= 2 * 5.
        assert_eq!(cmp.hunks(4).len(), 2);
        assert_eq!(cmp.hunks(5).len(), 1);
        assert_eq!(cmp.hunks(5)[0].header_ranges(), "-1,11 +1,12");
        assert!(!cmp.body_unchanged());
        assert!(compare(&o, &o).body_unchanged());
        assert!(compare(&o, &o).hunks(3).is_empty());
    }

    #[test]
    fn word_pieces_rebuild_each_changed_group() {
        let mut rng = crate::testgen::XorShift::new(99);
        for case in 0..300 {
            let (old_body, new_body) = crate::testgen::pair(&mut rng);
            let (o, n) = (view(1, &old_body), view(2, &new_body));
            let cmp = compare(&o, &n);
            for (op, pieces) in cmp.ops.iter().zip(&cmp.words) {
                if matches!(op, DiffOp::Equal { .. }) {
                    assert!(pieces.is_empty());
                    continue;
                }
                let (mut old_text, mut new_text) = (String::new(), String::new());
                for piece in pieces {
                    match *piece {
                        Piece::Same(t) => {
                            old_text.push_str(t);
                            new_text.push_str(t);
                        }
                        Piece::Changed { old, new } => {
                            assert!(!(old.is_empty() && new.is_empty()), "case {case}");
                            old_text.push_str(old);
                            new_text.push_str(new);
                        }
                    }
                }
                assert_eq!(
                    old_text,
                    cmp.old_lines[op.old_range()].concat(),
                    "case {case}"
                );
                assert_eq!(
                    new_text,
                    cmp.new_lines[op.new_range()].concat(),
                    "case {case}"
                );
                // Pieces alternate: no two Same or two Changed pieces in a row.
                for w in pieces.windows(2) {
                    assert_ne!(
                        matches!(w[0], Piece::Same(_)),
                        matches!(w[1], Piece::Same(_)),
                        "case {case}: {pieces:?}"
                    );
                }
            }
        }
    }
}
