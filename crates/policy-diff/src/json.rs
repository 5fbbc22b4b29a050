//! JSON form of a comparison.

use serde_json::{Value, json};

use crate::VersionView;
use crate::diff::{Comparison, HunkItem, unified_start};
use crate::unified::UNIFIED_CONTEXT;

fn version_json(v: &VersionView) -> Value {
    json!({
        "seq": v.seq,
        "first_seen": v.first_seen,
        "valid_until": v.valid_until,
        "url": v.url,
        "title": v.title,
        "found_by_rebuild": v.found_by_rebuild,
        "relation": v.relation,
    })
}

fn line_json(tag: &str, text: &str) -> Value {
    json!({ "tag": tag, "text": text })
}

/// Renders a comparison as JSON:
///
/// ```json
/// {
///   "old": {"seq": 2, "first_seen": "20130110…", "valid_until": "20140929…", "url": "…", "title": "…",
///           "found_by_rebuild": false, "relation": "same-site"},
///   "new": {…},
///   "field_changes": [{"field": "stated_date", "old": "2013-01-10", "new": "2014-09-29",
///                      "summary": "last updated 2013-01-10 -> 2014-09-29"}],
///   "hunks": [{"old_start": 1, "old_lines": 3, "new_start": 1, "new_lines": 4,
///              "lines": [{"tag": "equal", "text": "# Privacy\n"}, {"tag": "delete", "text": "…"},
///                        {"tag": "insert", "text": "…"}]}],
///   "stats": {"lines_added": 1, "lines_removed": 0, "words_added": 12, "words_removed": 0}
/// }
/// ```
///
/// The hunks are those of [`render_unified`](crate::render_unified) (3 lines of context) and
/// their numbers are those of its `@@` headers: `old_start`/`new_start` are 1-based line
/// numbers, except that an empty range (`old_lines == 0`) starts at the number of the line
/// before it (0 at the top). Each line's `text` is the line exactly as in the body, including
/// its `\n` (absent only on a last line without one), so the hunks rebuild the new body from
/// the old one and back exactly. `tag` is `"equal"`, `"delete"` or `"insert"`; within a change
/// the deleted lines come before the inserted ones. Identical bodies give no hunks.
pub fn render_json(cmp: &Comparison) -> Value {
    let hunks: Vec<Value> = cmp
        .hunks(UNIFIED_CONTEXT)
        .iter()
        .map(|hunk| {
            let mut lines = Vec::new();
            for item in &hunk.items {
                match *item {
                    HunkItem::Context { old, len, .. } => lines.extend(
                        cmp.old_lines[old..old + len]
                            .iter()
                            .map(|l| line_json("equal", l)),
                    ),
                    HunkItem::Change(i) => {
                        let op = cmp.ops[i];
                        lines.extend(
                            cmp.old_lines[op.old_range()]
                                .iter()
                                .map(|l| line_json("delete", l)),
                        );
                        lines.extend(
                            cmp.new_lines[op.new_range()]
                                .iter()
                                .map(|l| line_json("insert", l)),
                        );
                    }
                }
            }
            json!({
                "old_start": unified_start(hunk.old_start, hunk.old_len),
                "old_lines": hunk.old_len,
                "new_start": unified_start(hunk.new_start, hunk.new_len),
                "new_lines": hunk.new_len,
                "lines": lines,
            })
        })
        .collect();
    json!({
        "old": version_json(cmp.old),
        "new": version_json(cmp.new),
        "field_changes": cmp.field_changes,
        "hunks": hunks,
        "stats": cmp.stats,
    })
}
