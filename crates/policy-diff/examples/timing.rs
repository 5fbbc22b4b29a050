//! Times the default terminal view on synthetic data: a domain with 200 versions of ~30 KB,
//! each a few edits away from the previous one. Run with
//! `cargo run --release --example timing`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use policy_diff::{VersionView, compare, render_terminal, timeline_line};

struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "we",
    "collect",
    "personal",
    "information",
    "when",
    "you",
    "use",
    "our",
    "services",
    "and",
    "may",
    "share",
    "it",
    "with",
    "third",
    "parties",
    "such",
    "as",
    "advertising",
    "partners",
    "analytics",
    "providers",
    "cookies",
    "web",
    "beacons",
    "the",
    "of",
    "to",
    "in",
    "for",
    "your",
    "data",
    "privacy",
    "policy",
    "rights",
    "request",
    "access",
    "deletion",
    "retention",
    "period",
    "Google",
    "Analytics",
    "email",
    "address",
    "account",
    "security",
    "law",
    "enforcement",
];

fn paragraph(rng: &mut XorShift) -> String {
    let n = 40 + rng.below(80);
    let mut s: Vec<&str> = (0..n).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    if rng.below(6) == 0 {
        s.insert(0, "##");
        s.truncate(6);
    }
    s.join(" ") + "."
}

/// A ~30 KB body of paragraphs separated by blank lines.
fn first_body(rng: &mut XorShift) -> Vec<String> {
    let mut paras = Vec::new();
    let mut size = 0;
    while size < 30_000 {
        let p = paragraph(rng);
        size += p.len() + 2;
        paras.push(p);
    }
    paras
}

/// A few edits: a word changed in 1-3 paragraphs, sometimes a paragraph added or removed.
fn edit(rng: &mut XorShift, paras: &[String]) -> Vec<String> {
    let mut out = paras.to_vec();
    for _ in 0..1 + rng.below(3) {
        let i = rng.below(out.len());
        let mut words: Vec<String> = out[i].split(' ').map(str::to_string).collect();
        let k = rng.below(words.len());
        words[k] = WORDS[rng.below(WORDS.len())].to_uppercase();
        out[i] = words.join(" ");
    }
    match rng.below(4) {
        0 => {
            let p = paragraph(rng);
            out.insert(rng.below(out.len() + 1), p);
        }
        1 if out.len() > 1 => {
            out.remove(rng.below(out.len()));
        }
        _ => {}
    }
    out
}

fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..runs {
        black_box(f());
    }
    start.elapsed() / runs
}

fn main() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut versions = vec![first_body(&mut rng)];
    for _ in 1..200 {
        let next = edit(
            &mut rng,
            versions.last().map(Vec::as_slice).unwrap_or_default(),
        );
        versions.push(next);
    }
    let bodies: Vec<String> = versions.iter().map(|p| p.join("\n\n") + "\n").collect();
    let stamps: Vec<String> = (0..bodies.len())
        .map(|i| format!("{}0101000000", 2000 + i / 12))
        .collect();
    let views: Vec<VersionView> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| VersionView {
            seq: i as i64 + 1,
            first_seen: &stamps[i],
            valid_until: stamps.get(i + 1).map(String::as_str),
            capture_count: 3,
            url: "https://example.com/privacy",
            title: Some("Privacy Policy"),
            body,
            fields: None,
            found_by_rebuild: false,
            relation: None,
        })
        .collect();
    let avg = bodies.iter().map(String::len).sum::<usize>() / bodies.len();
    println!("{} versions, average body {} bytes", views.len(), avg);
    if std::env::args().any(|a| a == "--show") {
        let n = views.len();
        print!(
            "{}",
            render_terminal(&compare(&views[n - 2], &views[n - 1]), false)
        );
    }

    let n = views.len();
    let default_view = time(20, || {
        let mut out = String::new();
        for v in &views {
            out.push_str(&timeline_line(v));
            out.push('\n');
        }
        let cmp = compare(&views[n - 2], &views[n - 1]);
        out.push_str(&render_terminal(&cmp, true));
        out
    });
    println!("default view (200 timeline lines + last comparison): {default_view:?}");
    let timeline_only = time(20, || views.iter().map(timeline_line).collect::<Vec<_>>());
    let scan = time(20, || {
        bodies
            .iter()
            .map(|b| b.bytes().filter(u8::is_ascii_whitespace).count())
            .sum::<usize>()
    });
    println!("  (baseline: counting ASCII whitespace bytes in all bodies: {scan:?})");
    println!("  of which the 200 timeline lines (words counted in the bodies): {timeline_only:?}");

    let some_fields = fields::extract(None, "We use cookies.");
    let with_fields: Vec<VersionView> = views
        .iter()
        .map(|v| VersionView {
            fields: Some(&some_fields),
            ..*v
        })
        .collect();
    let default_with_fields = time(20, || {
        let mut out = String::new();
        for v in &with_fields {
            out.push_str(&timeline_line(v));
            out.push('\n');
        }
        let cmp = compare(&with_fields[n - 2], &with_fields[n - 1]);
        out.push_str(&render_terminal(&cmp, true));
        out
    });
    println!("default view, word counts taken from the fields: {default_with_fields:?}");

    let two = time(50, || {
        render_terminal(&compare(&views[n - 2], &views[n - 1]), false)
    });
    println!("compare + render_terminal, 2 versions of ~30 KB, a few changes: {two:?}");

    let far = time(20, || {
        render_terminal(&compare(&views[0], &views[n - 1]), false)
    });
    println!("compare + render_terminal, v1 -> v200 (hundreds of changes): {far:?}");

    let mut other = XorShift(42);
    let unrelated = first_body(&mut other).join("\n\n") + "\n";
    let u = VersionView {
        body: &unrelated,
        ..views[n - 1]
    };
    let worst = time(5, || render_terminal(&compare(&views[0], &u), false));
    println!("compare + render_terminal, two unrelated ~30 KB bodies: {worst:?}");

    let big_old = bodies[0].repeat(10);
    let big_new = bodies[n - 1].repeat(10);
    let (bo, bn) = (
        VersionView {
            body: &big_old,
            ..views[0]
        },
        VersionView {
            body: &big_new,
            ..views[n - 1]
        },
    );
    let big = time(5, || render_terminal(&compare(&bo, &bn), false));
    println!("compare + render_terminal, ~300 KB bodies, v1 -> v200 x10: {big:?}");

    let cmp = compare(&views[n - 2], &views[n - 1]);
    let html = time(20, || {
        policy_diff::render_html("example.com", &views, std::slice::from_ref(&cmp))
    });
    println!("render_html (200-row timeline + 1 comparison): {html:?}");
}
