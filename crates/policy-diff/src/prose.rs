//! The comparison of two versions as their reader sees them: both bodies rendered into display
//! blocks ([`crate::rendered`]), the blocks diffed, and each change classified — a change of
//! wording (word-diffed on the rendered text with [`crate::diff`]'s word diff), a change of
//! link targets only (same text, other targets: typically archive links or moved navigation),
//! or a change of formatting only (same text and targets, other emphasis or block kind).
//!
//! What it is not: a renderer (`html.rs` writes the page), and not the Markdown comparison
//! ([`crate::compare`]), which the other formats and the report's source view use.

use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

use crate::diff::{DiffStats, Piece, word_diff};
use crate::rendered::{Block, blocks};

/// Time allowed for the block diff before `similar` settles for a coarser edit script.
const BLOCK_DIFF_TIMEOUT: Duration = Duration::from_millis(300);

/// Time allowed for the word diffs of one comparison together.
const WORD_DIFF_BUDGET: Duration = Duration::from_millis(200);

/// What a change does to the text the reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    /// Words were added, removed or replaced.
    Wording,
    /// The same text, but some links point elsewhere.
    LinksOnly,
    /// The same text and link targets, styled or laid out differently.
    Formatting,
}

/// For each block of one side of a change, the byte ranges of its text that changed.
pub(crate) type Marks = Vec<Vec<Range<usize>>>;

/// One change: a run of old blocks replaced by a run of new blocks (either may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// What kind of change it is.
    pub kind: ChangeKind,
    /// The old blocks (indexes into [`ProseDiff::old`]).
    pub old: Range<usize>,
    /// The new blocks (indexes into [`ProseDiff::new`]).
    pub new: Range<usize>,
    /// For a wording change, per old block: the byte ranges of its text that were removed.
    pub old_marks: Marks,
    /// For a wording change, per new block: the byte ranges of its text that were added.
    pub new_marks: Marks,
}

/// Two rendered bodies and their changes, in document order.
#[derive(Debug, Clone)]
pub(crate) struct ProseDiff {
    /// The old body's blocks.
    pub old: Vec<Block>,
    /// The new body's blocks.
    pub new: Vec<Block>,
    /// The changes, in document order.
    pub changes: Vec<Change>,
    /// Words added and removed by the wording changes (the line counts stay 0).
    pub stats: DiffStats,
}

/// Renders both Markdown bodies and compares them block by block, then word by word inside
/// the wording changes. Bounded in time like [`crate::compare`].
pub(crate) fn diff(old_markdown: &str, new_markdown: &str) -> ProseDiff {
    let old = blocks(old_markdown);
    let new = blocks(new_markdown);
    let ops = capture_diff_slices_deadline(
        Algorithm::Myers,
        &old,
        &new,
        Instant::now().checked_add(BLOCK_DIFF_TIMEOUT),
    );
    let deadline = Instant::now().checked_add(WORD_DIFF_BUDGET);
    let mut stats = DiffStats::default();
    let mut changes = Vec::new();
    for op in &ops {
        if matches!(op, DiffOp::Equal { .. }) {
            continue;
        }
        let (or, nr) = (op.old_range(), op.new_range());
        for (kind, o, n) in classify(&old, &new, or, nr) {
            let (old_marks, new_marks) = if kind == ChangeKind::Wording {
                word_marks(&old[o.clone()], &new[n.clone()], deadline, &mut stats)
            } else {
                (Vec::new(), Vec::new())
            };
            changes.push(Change {
                kind,
                old: o,
                new: n,
                old_marks,
                new_marks,
            });
        }
    }
    ProseDiff {
        old,
        new,
        changes,
        stats,
    }
}

/// Splits one changed group of blocks into classified changes. Groups of equal length are
/// classified pair by pair (neighbouring pairs of one kind stay one change); others as a
/// whole, by their text joined.
fn classify(
    old: &[Block],
    new: &[Block],
    or: Range<usize>,
    nr: Range<usize>,
) -> Vec<(ChangeKind, Range<usize>, Range<usize>)> {
    if or.len() != nr.len() {
        let kind = kind_of(&old[or.clone()], &new[nr.clone()]);
        return vec![(kind, or, nr)];
    }
    let mut out: Vec<(ChangeKind, Range<usize>, Range<usize>)> = Vec::new();
    for k in 0..or.len() {
        let (o, n) = (or.start + k, nr.start + k);
        let kind = kind_of(&old[o..=o], &new[n..=n]);
        match out.last_mut() {
            Some((last, lo, ln)) if *last == kind => {
                lo.end = o + 1;
                ln.end = n + 1;
            }
            _ => out.push((kind, o..o + 1, n..n + 1)),
        }
    }
    out
}

/// The kind of a change from `old` blocks to `new` blocks.
fn kind_of(old: &[Block], new: &[Block]) -> ChangeKind {
    let text =
        |blocks: &[Block]| -> Vec<String> { blocks.iter().map(|b| b.text.clone()).collect() };
    let links = |blocks: &[Block]| -> Vec<String> {
        blocks
            .iter()
            .flat_map(|b| b.links.iter().cloned())
            .collect()
    };
    if old.is_empty() || new.is_empty() || text(old) != text(new) {
        ChangeKind::Wording
    } else if links(old) != links(new) {
        ChangeKind::LinksOnly
    } else {
        ChangeKind::Formatting
    }
}

/// The removed and added byte ranges of each old and new block, from a word diff of the
/// blocks' texts joined by line breaks.
fn word_marks(
    old: &[Block],
    new: &[Block],
    deadline: Option<Instant>,
    stats: &mut DiffStats,
) -> (Marks, Marks) {
    let join = |blocks: &[Block]| -> String {
        blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (old_text, new_text) = (join(old), join(new));
    let (mut old_changed, mut new_changed) = (Vec::new(), Vec::new());
    let (mut o, mut n) = (0, 0);
    for piece in word_diff(&old_text, &new_text, deadline, stats) {
        match piece {
            Piece::Same(t) => {
                o += t.len();
                n += t.len();
            }
            Piece::Changed { old, new } => {
                if !old.is_empty() {
                    old_changed.push(o..o + old.len());
                }
                if !new.is_empty() {
                    new_changed.push(n..n + new.len());
                }
                o += old.len();
                n += new.len();
            }
        }
    }
    (per_block(old, &old_changed), per_block(new, &new_changed))
}

/// Ranges of the joined text (blocks separated by one `\n`) cut into ranges of each block's
/// own text; the separators are dropped.
fn per_block(blocks: &[Block], ranges: &[Range<usize>]) -> Marks {
    let mut out = Vec::with_capacity(blocks.len());
    let mut base = 0;
    for block in blocks {
        let end = base + block.text.len();
        let mine: Vec<Range<usize>> = ranges
            .iter()
            .filter_map(|r| {
                let (s, e) = (r.start.max(base), r.end.min(end));
                (s < e).then(|| s - base..e - base)
            })
            .collect();
        out.push(mine);
        base = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_apart_from_wording() {
        let old = "**[Contact](https://web.archive.org/web/id_/http%3A//x.com/contact.html)**\n\n\
                   We keep your data for 30 days.\n\nUnchanged text.\n";
        let new = "**[Contact](https://web.archive.org/web/id_/http%3A//x.com/about/contact)**\n\n\
                   We keep your data for 90 days.\n\nUnchanged text.\n";
        let d = diff(old, new);
        let kinds: Vec<ChangeKind> = d.changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ChangeKind::LinksOnly, ChangeKind::Wording]);
        let wording = &d.changes[1];
        let block = &d.old[wording.old.start];
        let removed: Vec<&str> = wording.old_marks[0]
            .iter()
            .map(|r| &block.text[r.clone()])
            .collect();
        assert_eq!(removed, ["30"]);
        let block = &d.new[wording.new.start];
        let added: Vec<&str> = wording.new_marks[0]
            .iter()
            .map(|r| &block.text[r.clone()])
            .collect();
        assert_eq!(added, ["90"]);
        assert_eq!((d.stats.words_removed, d.stats.words_added), (1, 1));
    }

    #[test]
    fn formatting_and_source_only_changes() {
        // Bold added: formatting only. Trailing spaces and an escape spelled differently
        // change the Markdown but not what the reader sees: no change at all.
        let d = diff(
            "We sell data.\n\nA - b  \n",
            "We **sell** data.\n\nA \\- b\n",
        );
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, ChangeKind::Formatting);
    }

    #[test]
    fn added_and_removed_blocks_are_wording() {
        let d = diff(
            "One.\n\nTwo.\n",
            "One.\n\n  * New item.\n\nTwo.\n\n## Added\n",
        );
        assert_eq!(d.changes.len(), 2);
        assert!(d.changes.iter().all(|c| c.kind == ChangeKind::Wording));
        let added = |c: &Change| -> Vec<Vec<&str>> {
            c.new_marks
                .iter()
                .zip(&d.new[c.new.clone()])
                .map(|(marks, b)| marks.iter().map(|r| &b.text[r.clone()]).collect())
                .collect()
        };
        assert_eq!(added(&d.changes[0]), [["New item."]]);
        assert_eq!(added(&d.changes[1]), [["Added"]]);
    }
}
