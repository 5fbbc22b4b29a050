//! Unified diff of the bodies.

use crate::diff::{Comparison, HunkItem};
use crate::text::push_visibly_escaped;

/// Unchanged lines around each change in unified diffs and in the JSON hunks.
pub(crate) const UNIFIED_CONTEXT: usize = 3;

/// Renders the line-level unified diff of the two bodies, as `diff -u` would: `--- old_label`
/// and `+++ new_label` headers, then `@@ -a,b +c,d @@` hunks with 3 lines of context, lines
/// prefixed with `' '`, `-` or `+`, and `\ No newline at end of file` after a last line that
/// lacks its newline. `patch` applied to a file holding the old body produces the new body.
///
/// Identical bodies give an empty string (no headers), as `diff` prints nothing. The output is
/// read on terminals as often as by `patch`, so archived text never reaches it raw: control
/// characters other than `\n` and `\t` (ESC, BEL, `\r`, C1...) and bidirectional overrides are
/// written as visible escapes (`\x1b`, `\u{202e}`); every other byte is kept, so the diff of
/// texts without such characters applies exactly. `\r` and `\n` in the labels become spaces so
/// the header stays two lines.
pub fn render_unified(cmp: &Comparison, old_label: &str, new_label: &str) -> String {
    let hunks = cmp.hunks(UNIFIED_CONTEXT);
    if hunks.is_empty() {
        return String::new();
    }
    let label = |l: &str| l.replace(['\r', '\n'], " ");
    let mut out = String::with_capacity(4096);
    out.push_str("--- ");
    push_visibly_escaped(&mut out, &label(old_label));
    out.push_str("\n+++ ");
    push_visibly_escaped(&mut out, &label(new_label));
    out.push('\n');
    for hunk in hunks {
        out.push_str("@@ ");
        out.push_str(&hunk.header_ranges());
        out.push_str(" @@\n");
        for item in &hunk.items {
            match *item {
                HunkItem::Context { old, len, .. } => {
                    for line in &cmp.old_lines[old..old + len] {
                        push_line(&mut out, ' ', line);
                    }
                }
                HunkItem::Change(i) => {
                    let op = cmp.ops[i];
                    for line in &cmp.old_lines[op.old_range()] {
                        push_line(&mut out, '-', line);
                    }
                    for line in &cmp.new_lines[op.new_range()] {
                        push_line(&mut out, '+', line);
                    }
                }
            }
        }
    }
    out
}

fn push_line(out: &mut String, prefix: char, line: &str) {
    out.push(prefix);
    push_visibly_escaped(out, line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}
