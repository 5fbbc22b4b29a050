//! Unified diffs: exact output on small cases, and `patch` turning the old body into the new
//! one (and back with `-R`).

mod common;

use std::path::Path;
use std::process::Command;

use common::{XorShift, body, mutate, temp_dir, view};
use policy_diff::{compare, render_unified};

fn unified(old: &str, new: &str) -> String {
    let (o, n) = (
        view(1, "20120101000000", old),
        view(2, "20130101000000", new),
    );
    render_unified(&compare(&o, &n), "a/policy.md", "b/policy.md")
}

fn patch_available() -> bool {
    Command::new("patch").arg("--version").output().is_ok()
}

/// Applies `diff` to a file holding `input` with the system `patch` (`-R` when `reverse`)
/// and returns the result.
fn run_patch(dir: &Path, input: &str, diff: &str, reverse: bool) -> String {
    let (src, patch_file, out) = (
        dir.join("policy.md"),
        dir.join("policy.patch"),
        dir.join("out.md"),
    );
    std::fs::write(&src, input).expect("write input");
    std::fs::write(&patch_file, diff).expect("write patch");
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new("patch");
    cmd.args(["--batch", "--fuzz=0", "--no-backup-if-mismatch", "-o"])
        .arg(&out)
        .arg("-i")
        .arg(&patch_file);
    if reverse {
        cmd.arg("-R");
    }
    let result = cmd.arg(&src).output().expect("run patch");
    assert!(
        result.status.success(),
        "patch failed: {}{}\n--- diff:\n{diff}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    // Every hunk must apply where its header says, without offset or fuzz.
    let said = String::from_utf8_lossy(&result.stdout);
    assert!(
        !said.contains("offset") && !said.contains("fuzz"),
        "{said}\n--- diff:\n{diff}"
    );
    std::fs::read_to_string(&out).unwrap_or_default()
}

/// Checks that the unified diff of `old` -> `new` turns `old` into `new` and back.
fn check_applies(name: &str, old: &str, new: &str) {
    let diff = unified(old, new);
    if old == new {
        assert_eq!(diff, "", "{name}");
        return;
    }
    let dir = temp_dir(name);
    assert_eq!(
        run_patch(&dir, old, &diff, false),
        new,
        "{name}: forward\n{diff}"
    );
    assert_eq!(
        run_patch(&dir, new, &diff, true),
        old,
        "{name}: reverse\n{diff}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exact_output() {
    assert_eq!(
        unified("a\nb\nc\n", "a\nB\nc\n"),
        "--- a/policy.md\n+++ b/policy.md\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
    );
    assert_eq!(
        unified("a\nb", "a\nc"),
        "--- a/policy.md\n+++ b/policy.md\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
    );
    // Only the final newline changes.
    assert_eq!(
        unified("a\nb\n", "a\nb"),
        "--- a/policy.md\n+++ b/policy.md\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"
    );
    // Pure insertion into an empty body, pure deletion of everything.
    assert_eq!(
        unified("", "x\ny\n"),
        "--- a/policy.md\n+++ b/policy.md\n@@ -0,0 +1,2 @@\n+x\n+y\n"
    );
    assert_eq!(
        unified("x\n", ""),
        "--- a/policy.md\n+++ b/policy.md\n@@ -1 +0,0 @@\n-x\n"
    );
    // Insertion after line 5 of 10: 3 lines of context on each side.
    let old: String = (1..=10).map(|i| format!("{i}\n")).collect();
    let new = old.replace("5\n", "5\nnew\n");
    assert_eq!(
        unified(&old, &new),
        "--- a/policy.md\n+++ b/policy.md\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n"
    );
    assert_eq!(unified("same\n", "same\n"), "");
}

#[test]
fn labels_stay_on_one_line() {
    let (o, n) = (view(1, "1", "a\n"), view(2, "2", "b\n"));
    let out = render_unified(&compare(&o, &n), "old\nlabel", "new\rlabel");
    assert!(out.starts_with("--- old label\n+++ new label\n@@ -1 +1 @@\n"));
}

#[test]
fn patch_applies_edge_cases() {
    if !patch_available() {
        eprintln!("`patch` not found; skipping");
        return;
    }
    let ten: String = (1..=10).map(|i| format!("line {i}\n")).collect();
    let cases: Vec<(&str, String, String)> = vec![
        (
            "change-at-start",
            ten.clone(),
            ten.replacen("line 1\n", "LINE ONE\n", 1),
        ),
        (
            "change-at-end",
            ten.clone(),
            ten.replace("line 10\n", "line ten\n"),
        ),
        ("missing-newline-old", "a\nb\nc".into(), "a\nB\nc\n".into()),
        ("missing-newline-new", "a\nb\nc\n".into(), "a\nb\nC".into()),
        ("missing-newline-both", "a\nb\nc".into(), "A\nb\nc".into()),
        ("newline-only", "a\nb\nc\n".into(), "a\nb\nc".into()),
        ("insert-start", ten.clone(), format!("new 1\nnew 2\n{ten}")),
        (
            "insert-middle",
            ten.clone(),
            ten.replace("line 5\n", "line 5\ninserted\n"),
        ),
        ("insert-end", ten.clone(), format!("{ten}appended\n")),
        ("insert-end-no-newline", "a\nb".into(), "a\nb\nc".into()),
        ("insert-into-empty", String::new(), "x\ny\n".into()),
        (
            "delete-start",
            ten.clone(),
            ten.replacen("line 1\nline 2\n", "", 1),
        ),
        ("delete-middle", ten.clone(), ten.replace("line 6\n", "")),
        (
            "delete-end",
            ten.clone(),
            ten.replace("line 9\nline 10\n", ""),
        ),
        ("delete-everything", ten.clone(), String::new()),
        (
            "two-hunks",
            ten.clone(),
            ten.replace("line 1\n", "x\n").replace("line 10\n", "y\n"),
        ),
        ("blank-lines", "a\n\n\nb\n\n".into(), "a\n\nb\n\n\n".into()),
    ];
    for (name, old, new) in &cases {
        check_applies(name, old, new);
    }
}

#[test]
fn patch_applies_to_random_pairs() {
    if !patch_available() {
        eprintln!("`patch` not found; skipping");
        return;
    }
    let mut rng = XorShift::new(7);
    for i in 0..60 {
        let old = body(&mut rng);
        let new = mutate(&mut rng, &old);
        check_applies(&format!("random-{i}"), &old, &new);
    }
}

/// Control sequences a hostile page could hold: clear screen, window title (OSC 0), clipboard
/// write (OSC 52), a hidden hyperlink (OSC 8), C1 CSI, a carriage return and a bidi override.
const HOSTILE: &str = "Hello \x1b[2J\x1b]0;pwned\x07 \x1b]52;c;cm0gLXJmIH4=\x07 \
\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ \u{9b}31m\r world \u{202E}txt.exe\n";

#[test]
fn archived_control_characters_are_shown_not_sent() {
    let out = unified("Hello world\n", HOSTILE);
    for raw in ['\x1b', '\x07', '\u{9b}', '\r', '\u{202E}'] {
        assert!(!out.contains(raw), "{raw:?} reached the diff: {out:?}");
    }
    assert!(
        out.contains(r"+Hello \x1b[2J\x1b]0;pwned\x07 \x1b]52;c;cm0gLXJmIH4=\x07"),
        "{out}"
    );
    assert!(out.contains(r"\x9b31m\x0d world \u{202e}txt.exe"), "{out}");
    let (o, n) = (view(1, "1", "a\n"), view(2, "2", "b\n"));
    let labelled = render_unified(&compare(&o, &n), "old\x1b]0;x\x07", "new");
    assert!(
        labelled.starts_with("--- old\\x1b]0;x\\x07\n+++ new\n"),
        "{labelled}"
    );
}

#[test]
fn patch_applies_to_texts_with_tabs_and_unicode() {
    if !patch_available() {
        eprintln!("`patch` not found; skipping");
        return;
    }
    check_applies(
        "tabs-unicode",
        "Politique\tde confidentialité\n\u{200F}שלום\nend\n",
        "Politique\tde confidentialité — mise à jour\n\u{200F}שלום\nend\n",
    );
}
