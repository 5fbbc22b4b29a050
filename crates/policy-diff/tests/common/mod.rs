//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use policy_diff::VersionView;

/// A version with the given body and no fields.
pub fn view<'a>(seq: i64, first_seen: &'a str, body: &'a str) -> VersionView<'a> {
    VersionView {
        seq,
        first_seen,
        valid_until: None,
        capture_count: 1,
        url: "http://example.com/privacy",
        title: Some("Privacy Policy"),
        body,
        fields: None,
        found_by_rebuild: false,
        relation: None,
    }
}

/// A small xorshift64 generator: deterministic pseudo-random numbers without extra crates.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "we",
    "collect",
    "your",
    "personal",
    "information",
    "cookies",
    "third",
    "parties",
    "may",
    "share",
    "data",
    "with",
    "partners",
    "privacy",
    "policy",
    "the",
    "and",
    "of",
    "to",
    "you",
    "email",
    "address",
    "GDPR",
    "rights",
    "opt-out",
    "<b>",
    "&amp;",
    "\"quoted\"",
    "don't",
    "é",
    "Google",
    "Analytics",
    "retention",
    "30",
    "days.",
    "(see",
    "below)",
    "**bold**",
    "_it_",
    "1\\.",
    "[link](http://x.com/a?b=c&d=e)",
    "  ",
    "\t",
];

/// One line of 0..12 random words (sometimes a heading or a bullet).
pub fn line(rng: &mut XorShift) -> String {
    let n = rng.below(13);
    let mut words: Vec<&str> = (0..n).map(|_| rng.pick(WORDS)).collect();
    if n > 0 && rng.chance(10) {
        words.insert(0, "##");
    } else if n > 0 && rng.chance(10) {
        words.insert(0, "  *");
    }
    words.join(" ")
}

/// A random body: 0..40 lines, blank lines common, the final newline sometimes missing.
pub fn body(rng: &mut XorShift) -> String {
    let n = rng.below(41);
    let mut lines: Vec<String> = Vec::with_capacity(n);
    for _ in 0..n {
        lines.push(if rng.chance(30) {
            String::new()
        } else {
            line(rng)
        });
    }
    join_lines(&lines, rng.chance(80))
}

pub fn join_lines(lines: &[String], final_newline: bool) -> String {
    let mut s = lines.join("\n");
    if final_newline && !lines.is_empty() {
        s.push('\n');
    }
    s
}

/// A random edit of `old`: lines changed, inserted, deleted, duplicated, words changed; the
/// final newline sometimes toggled. Sometimes a completely new body.
pub fn mutate(rng: &mut XorShift, old: &str) -> String {
    if rng.chance(5) {
        return body(rng);
    }
    let mut lines: Vec<String> = old.lines().map(str::to_string).collect();
    let edits = rng.below(6);
    for _ in 0..edits {
        let at = if lines.is_empty() {
            0
        } else {
            rng.below(lines.len() + 1)
        };
        match rng.below(5) {
            0 => lines.insert(at.min(lines.len()), line(rng)),
            1 if at < lines.len() => {
                lines.remove(at);
            }
            2 if at < lines.len() => {
                let mut words: Vec<String> = lines[at].split(' ').map(str::to_string).collect();
                let k = rng.below(words.len());
                words[k] = rng.pick(WORDS).to_string();
                if rng.chance(50) {
                    words.insert(rng.below(words.len() + 1), rng.pick(WORDS).to_string());
                }
                lines[at] = words.join(" ");
            }
            3 if at < lines.len() => {
                let copy = lines[at].clone();
                lines.insert(at, copy);
            }
            _ => lines.insert(at.min(lines.len()), String::new()),
        }
    }
    let had_newline = old.ends_with('\n') || old.is_empty();
    let newline = if rng.chance(15) {
        !had_newline
    } else {
        had_newline
    };
    join_lines(&lines, newline)
}

/// A fresh, empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("policy-diff-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}
