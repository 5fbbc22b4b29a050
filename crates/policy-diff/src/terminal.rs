//! The terminal view of a comparison: heading, field changes, word-level diff.

use crate::diff::{Comparison, HunkItem, Piece};
use crate::text::{push_terminal_safe, terminal_safe, ts_date};

/// Unchanged lines shown around each change in the terminal view.
const TERMINAL_CONTEXT: usize = 2;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

/// The `v2 (2013-01-10) -> v3 (2014-09-29)` heading of a comparison (unescaped).
pub(crate) fn heading(cmp: &Comparison) -> String {
    format!(
        "v{} ({}) -> v{} ({})",
        cmp.old.seq,
        ts_date(cmp.old.first_seen),
        cmp.new.seq,
        ts_date(cmp.new.first_seen)
    )
}

/// Renders a comparison for a terminal.
///
/// The output is the heading `v2 (2013-01-10) -> v3 (2014-09-29)`, the field changes indented by
/// two spaces, one per line, then either `text unchanged` or, after a blank line, a word-level
/// diff of the bodies: one `@@ -a,b +c,d @@` line per hunk (line numbers of the bodies, as in a
/// unified diff; `@@ -a,b +c,d @@ whitespace only` when the hunk only adds or removes blank
/// lines or spaces, which show no marked word), each after a blank line and followed by the
/// changed lines with 2 unchanged lines of context around each change.
///
/// With `color == false`, removed words are written `[-like this-]` and added ones
/// `{+like this+}`, as `git diff --word-diff=plain` does. With `color == true`, removed words are
/// wrapped in ANSI red (`ESC[31m` … `ESC[0m`) and added ones in green (`ESC[32m` … `ESC[0m`); no
/// other escape sequence is written. Markers never span a line break (they are closed before it
/// and reopened after it), so each output line stands on its own.
///
/// Deciding whether to use colour (is stdout a terminal, `NO_COLOR`, …) is the caller's job.
/// Archived text is sanitised: control characters (ESC included) and bidirectional overrides
/// become U+FFFD and `\r` is dropped, so a policy cannot inject escape sequences. Every output
/// line ends with `\n`.
pub fn render_terminal(cmp: &Comparison, color: bool) -> String {
    let (del, ins) = if color {
        ((RED, RESET), (GREEN, RESET))
    } else {
        (("[-", "-]"), ("{+", "+}"))
    };
    let mut out = String::with_capacity(1024);
    push_terminal_safe(&mut out, &heading(cmp), true);
    out.push('\n');
    for change in &cmp.field_changes {
        out.push_str("  ");
        push_terminal_safe(&mut out, &change.summary, true);
        out.push('\n');
    }
    if cmp.body_unchanged() {
        out.push_str("text unchanged\n");
        return out;
    }
    for hunk in cmp.hunks(TERMINAL_CONTEXT) {
        out.push('\n');
        out.push_str("@@ ");
        out.push_str(&hunk.header_ranges());
        out.push_str(if cmp.whitespace_only(&hunk) {
            " @@ whitespace only\n"
        } else {
            " @@\n"
        });
        for item in &hunk.items {
            match *item {
                HunkItem::Context { old, len, .. } => {
                    for line in &cmp.old_lines[old..old + len] {
                        push_terminal_safe(&mut out, line, false);
                    }
                }
                HunkItem::Change(i) => {
                    for piece in &cmp.words[i] {
                        match *piece {
                            Piece::Same(text) => push_terminal_safe(&mut out, text, false),
                            Piece::Changed { old, new } => {
                                push_marked(&mut out, old, del);
                                push_marked(&mut out, new, ins);
                            }
                        }
                    }
                }
            }
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// Appends `text` wrapped in `open`/`close`, closing before each `\n` and reopening after it;
/// empty stretches get no markers.
fn push_marked(out: &mut String, text: &str, (open, close): (&str, &str)) {
    for (k, segment) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let safe = terminal_safe(segment, false);
        if !safe.is_empty() {
            out.push_str(open);
            out.push_str(&safe);
            out.push_str(close);
        }
    }
}
