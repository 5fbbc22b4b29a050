//! The realistic profile: heavy-tailed like a real archive, with the truth written alongside.
//!
//! Per domain (each from its own generator seeded by the seed and the domain's number, so a
//! domain does not depend on the ones before it):
//! - policy captures: 9 in 10 domains have 5-50 (log-uniform), 1 in 10 has 1,000-20,000
//!   (a Pareto tail, exponent 1.5: median ~1,600, mean ~2,350);
//! - text versions: light domains 1-4, heavy ones 5-18; about 1 change in 10 is followed
//!   within 29 days by another (a short-lived version), about 1 in 20 reverts to the text
//!   before the previous one (A -> B -> A);
//! - HTML churn: on light domains 85% of captures carry a new token (a new digest), the rest
//!   are exact re-captures; on heavy domains a text version has a log-normal number of digests
//!   (median 20, tail to hundreds), each re-captured many times. A digest differs from the
//!   next only in what the converter drops: the CSRF token in `<meta>`, a hidden input and a
//!   script, the rotating ad slot in the sidebar, the build comment and the served date in the
//!   footer. Template redesigns (0-4 a domain) change the navigation and wrap the content:
//!   bytes differ, text the same. A real change rewrites one or two paragraphs (sometimes
//!   adds a section) and the "last updated" line;
//! - 3 in 10 domains move the policy from `/privacy.html` to `/legal/privacy-policy`, the
//!   old URL then captured as a 301 to the new one; 1% of policy captures are 404s;
//! - one homepage capture a month, linking the policy URL of its time.
//!
//! A digest is one body file (`bodies/DOMAIN-pN.html`, shared by its re-captures): the folder
//! holds as many policy files as the archive has distinct policy digests.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::{GeneratedArchive, Profile, Rng, TrueVersion, WORDS, documents, time};

/// Policy page captures of a realistic archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PolicyCount {
    /// Captures of a policy page (status 200) before digest collapse: the archive's rows.
    pub captures: usize,
    /// Distinct digests among them: what downloading every digest fetches.
    pub digests: usize,
}

const HEAVY_PERCENT: u64 = 10;
const LIGHT_CAPTURES: (f64, f64) = (5.0, 51.0);
const HEAVY_CAPTURES: (f64, f64) = (1000.0, 20_000.0);
const HEAVY_TAIL_EXPONENT: f64 = 1.5;
const DIGESTS_MEDIAN: f64 = 20.0;
const DIGESTS_SIGMA: f64 = 0.9;
const DIGESTS_MAX: usize = 600;
const LIGHT_NEW_DIGEST_PERCENT: u64 = 85;
const SHORT_LIVED_PERCENT: u64 = 10;
const REVERSION_PERCENT: u64 = 5;
const MOVE_PERCENT: u64 = 30;
const NOT_FOUND_PERMILLE: u64 = 10;
const SHORT_LIVED_SECONDS: i64 = 29 * 86_400;
const OLD_PATH: &str = "/privacy.html";
const NEW_PATH: &str = "/legal/privacy-policy";

/// Uniform in [0, 1).
fn unit(rng: &mut Rng) -> f64 {
    (rng.next() >> 11) as f64 / (1u64 << 53) as f64
}

/// About normal (Irwin-Hall of 12): arithmetic only, so the same on every machine.
fn normal(rng: &mut Rng) -> f64 {
    (0..12).map(|_| unit(rng)).sum::<f64>() - 6.0
}

fn log_uniform(rng: &mut Rng, (low, high): (f64, f64)) -> usize {
    (low * (high / low).powf(unit(rng))).floor() as usize
}

/// A Pareto draw truncated to [low, high] (inverse CDF).
fn pareto(rng: &mut Rng, (low, high): (f64, f64), exponent: f64) -> usize {
    let tail = (low / high).powf(exponent);
    let x = low * (1.0 - unit(rng) * (1.0 - tail)).powf(-1.0 / exponent);
    (x.floor() as usize).clamp(low as usize, high as usize)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Policy {
        text: usize,
        layout: usize,
        digest: usize,
    },
    NotFound,
}

#[derive(Debug, Clone, Copy)]
struct PolicyCapture {
    seconds: i64,
    moved: bool,
    page: Page,
}

/// One domain, planned before anything is written.
struct DomainPlan {
    name: String,
    /// Policy URL captures in time order.
    policy: Vec<PolicyCapture>,
    /// Monthly homepage captures: time, layout, whether the policy has moved.
    homepages: Vec<(i64, usize, bool)>,
    /// Captures of the old policy URL after the move (301s).
    redirects: Vec<i64>,
    /// For each text after the first, the text it was derived from.
    parents: Vec<usize>,
    truth: Vec<TrueVersion>,
    counts: PolicyCount,
}

fn domain_name(index: usize) -> String {
    format!("site{index:05}.example.com")
}

fn policy_url(domain: &str, moved: bool) -> String {
    format!(
        "http://www.{domain}{}",
        if moved { NEW_PATH } else { OLD_PATH }
    )
}

/// Plans domain `index` of the archive made with `seed`.
fn plan_domain(seed: u64, index: usize) -> DomainPlan {
    let mut mixed = seed ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    let rng = &mut Rng((mixed ^ (mixed >> 31)) | 1);
    let name = domain_name(index);
    let heavy = rng.chance(HEAVY_PERCENT);
    let count = if heavy {
        pareto(rng, HEAVY_CAPTURES, HEAVY_TAIL_EXPONENT)
    } else {
        log_uniform(rng, LIGHT_CAPTURES).min(50)
    };
    let first_year = if heavy {
        2000 + rng.below(8)
    } else {
        2000 + rng.below(16)
    } as i64;
    let first_month = 1 + rng.below(12) as i64;
    let start = time::seconds_at(first_year, first_month, 1 + rng.below(28) as i64);
    let end = time::seconds_at(2022, 1, 1);
    let span = (end - start) as u64;
    let mut times: Vec<i64> = (0..count).map(|_| start + rng.below(span) as i64).collect();
    times.sort_unstable();
    times.dedup();
    let n = times.len();

    // Text changes, at capture indices (a change shows from that capture on).
    let wanted = if heavy {
        5 + rng.below(14) as usize
    } else {
        match rng.below(100) {
            0..55 => 0,
            55..85 => 1,
            85..95 => 2,
            _ => 3,
        }
    }
    .min(n.saturating_sub(1));
    let mut changes = BTreeSet::new();
    for _ in 0..wanted * 4 {
        if changes.len() == wanted {
            break;
        }
        changes.insert(1 + rng.below(n as u64 - 1) as usize);
    }
    for at in changes.clone() {
        if !rng.chance(SHORT_LIVED_PERCENT) {
            continue;
        }
        let within = times[at + 1..].partition_point(|&t| t < times[at] + SHORT_LIVED_SECONDS);
        if within > 0 {
            changes.insert(at + 1 + rng.below(within as u64) as usize);
        }
    }
    // The text of each segment between changes.
    let mut parents = Vec::new();
    let mut segment_texts = vec![0usize];
    for _ in &changes {
        let k = segment_texts.len();
        let text = if k >= 2
            && segment_texts[k - 2] != segment_texts[k - 1]
            && rng.chance(REVERSION_PERCENT)
        {
            segment_texts[k - 2]
        } else {
            parents.push(segment_texts[k - 1]);
            parents.len()
        };
        segment_texts.push(text);
    }
    let redesigns: Vec<i64> = {
        let mut at: Vec<i64> = (0..if heavy {
            1 + rng.below(4)
        } else {
            rng.below(3)
        })
            .map(|_| start + rng.below(span) as i64)
            .collect();
        at.sort_unstable();
        at
    };
    let layout_at = |t: i64| redesigns.iter().filter(|&&r| r <= t).count();
    let move_at =
        (n >= 2 && rng.chance(MOVE_PERCENT)).then(|| times[1 + rng.below(n as u64 - 1) as usize]);
    let moved_at = |t: i64| move_at.is_some_and(|m| t >= m);

    // Digests: a new one at every change, redesign and move, and by churn within a segment.
    let mut policy = Vec::with_capacity(n);
    let mut digest = 0usize;
    let boundaries: Vec<usize> = std::iter::once(0)
        .chain(changes.iter().copied())
        .chain(std::iter::once(n))
        .collect();
    for (segment, window) in boundaries.windows(2).enumerate() {
        let (from, to) = (window[0], window[1]);
        let length = to - from;
        let cuts: BTreeSet<usize> = if heavy {
            let draw = DIGESTS_MEDIAN * (DIGESTS_SIGMA * normal(rng)).exp();
            let digests = (draw.round() as usize).clamp(1, DIGESTS_MAX).min(length);
            let mut positions: Vec<usize> = (from + 1..to).collect();
            for i in 0..digests - 1 {
                let j = i + rng.below((positions.len() - i) as u64) as usize;
                positions.swap(i, j);
            }
            positions.truncate(digests - 1);
            positions.into_iter().collect()
        } else {
            (from + 1..to)
                .filter(|_| rng.chance(LIGHT_NEW_DIGEST_PERCENT))
                .collect()
        };
        for (i, &seconds) in times.iter().enumerate().take(to).skip(from) {
            let (layout, moved) = (layout_at(seconds), moved_at(seconds));
            let same_look = policy.last().is_some_and(|last: &PolicyCapture| {
                last.moved == moved
                    && matches!(last.page, Page::Policy { layout: l, .. } if l == layout)
            });
            if i > from && (cuts.contains(&i) || !same_look) || i == from && i > 0 {
                digest += 1;
            }
            policy.push(PolicyCapture {
                seconds,
                moved,
                page: Page::Policy {
                    text: segment_texts[segment],
                    layout,
                    digest,
                },
            });
        }
    }
    for capture in &mut policy {
        if rng.below(1000) < NOT_FOUND_PERMILLE {
            capture.page = Page::NotFound;
        }
    }

    let mut homepages = Vec::new();
    let (mut year, mut month) = (first_year, first_month);
    while year < 2022 {
        let t = time::seconds_at(year, month, 1 + rng.below(28) as i64) + rng.below(86_400) as i64;
        homepages.push((t, layout_at(t), moved_at(t)));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    let mut redirects: Vec<i64> = match move_at {
        Some(at) => (0..1 + rng.below(3))
            .map(|_| at + rng.below((end - at) as u64) as i64)
            .collect(),
        None => Vec::new(),
    };
    redirects.sort_unstable();
    redirects.dedup();

    let (truth, counts) = truth_of(&name, &policy);
    DomainPlan {
        name,
        policy,
        homepages,
        redirects,
        parents,
        truth,
        counts,
    }
}

/// The versions the policy captures show: pages in time order, adjacent equal texts merged.
fn truth_of(domain: &str, policy: &[PolicyCapture]) -> (Vec<TrueVersion>, PolicyCount) {
    let mut truth: Vec<TrueVersion> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut counts = PolicyCount::default();
    let mut last_digest = None;
    for capture in policy {
        let Page::Policy { text, digest, .. } = capture.page else {
            continue;
        };
        let at = (
            time::stamp(capture.seconds),
            policy_url(domain, capture.moved),
        );
        counts.captures += 1;
        let new_digest = last_digest != Some(digest);
        // Digests are numbered in time order and never shared by two texts: a new number is
        // a new digest.
        if new_digest {
            counts.digests += 1;
        }
        last_digest = Some(digest);
        match truth.last_mut() {
            Some(version) if version.text == text => {
                version.last = at;
                version.captures += 1;
                version.digests += usize::from(new_digest);
            }
            _ => {
                if let Some(previous) = truth.last_mut() {
                    previous.until = Some(at.0.clone());
                }
                truth.push(TrueVersion {
                    domain: domain.to_owned(),
                    seq: truth.len() + 1,
                    text,
                    first: at.clone(),
                    last: at,
                    until: None,
                    reversion: !seen.insert(text),
                    captures: 1,
                    digests: 1,
                });
            }
        }
    }
    (truth, counts)
}

/// A paragraph of 24 to 39 words drawn from `words`, ending in a full stop.
pub(crate) fn paragraph(rng: &mut Rng, words: &[&str]) -> String {
    let mut text = String::new();
    for w in 0..24 + rng.below(16) {
        if w > 0 {
            text.push(' ');
        }
        text.push_str(words[rng.below(words.len() as u64) as usize]);
    }
    text.push('.');
    text
}

/// The policy text `text` of a domain, as paragraphs: text 0 is drawn afresh, every later
/// one rewrites one or two paragraphs of its parent and sometimes adds a section.
fn texts(seed: u64, plan: &DomainPlan) -> Vec<Vec<String>> {
    let mut rng = Rng((seed ^ 0x5eed_7e47_0000_0000 ^ fnv(&plan.name)) | 1);
    let paragraph = |rng: &mut Rng| paragraph(rng, &WORDS);
    let mut all: Vec<Vec<String>> = vec![(0..8).map(|_| paragraph(&mut rng)).collect()];
    for &parent in &plan.parents {
        let mut text = all[parent].clone();
        for _ in 0..1 + rng.below(2) {
            let at = rng.below(text.len() as u64) as usize;
            text[at] = paragraph(&mut rng);
        }
        if rng.chance(20) {
            text.push(paragraph(&mut rng));
            text.push(paragraph(&mut rng));
        }
        all.push(text);
    }
    all
}

pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The content the converter keeps: the same bytes for the same text, whatever the churn.
fn content(domain: &str, text: usize, paragraphs: &[String]) -> String {
    let mut html = format!(
        "<div id=\"content\"><h1>Privacy Policy</h1><p>Last updated: revision {} of the privacy policy of {domain}.</p>",
        text + 1
    );
    for (i, pair) in paragraphs.chunks(2).enumerate() {
        let _ = write!(html, "<h2>Section {}</h2>", i + 1);
        for paragraph in pair {
            let _ = write!(html, "<p>{paragraph}</p>");
        }
    }
    html.push_str("</div>");
    html
}

/// A policy page: `content` inside the layout's chrome, with this digest's churn.
fn policy_page(domain: &str, content: &str, layout: usize, token: u64, served: i64) -> String {
    let nav: String = ["About", "Shop", "Help", "Careers", "Press"]
        .iter()
        .take(2 + layout % 4)
        .map(|item| {
            format!(
                "<li><a href=\"/{}\">{item}</a></li>",
                item.to_ascii_lowercase()
            )
        })
        .collect();
    let (open, close) = if layout % 2 == 1 {
        (
            format!("<div id=\"page\" class=\"container-{layout}\">"),
            "</div>",
        )
    } else {
        (String::new(), "")
    };
    let ad = token % 9973;
    format!(
        "<!DOCTYPE html><html><head><title>Privacy Policy - {domain}</title><meta name=\"csrf-token\" content=\"{token:016x}\"><link rel=\"stylesheet\" href=\"/static/site-{layout}.css\"><script>window.__session=\"{token:016x}\";</script></head><body><div id=\"nav\"><ul><li><a href=\"/\">Home</a></li>{nav}</ul><form action=\"/search\"><input type=\"hidden\" name=\"csrf\" value=\"{token:016x}\"></form></div><div class=\"sidebar\" id=\"ad-rail\"><a href=\"/ads/click?slot={ad}\"><img src=\"/ads/{ad}.gif\" width=\"300\" height=\"250\" alt=\"\"></a></div>{open}{content}{close}<!-- rendered by app-{} request {token:016x} --><div id=\"footer\">&copy; {domain} &middot; served {}</div></body></html>\n",
        token % 64,
        time::date(served)
    )
}

/// `footer` follows the copyright (empty: the homepage as it always was).
fn homepage(domain: &str, layout: usize, moved: bool, footer: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>{domain}</title></head><body><div id=\"nav\"><ul><li><a href=\"/\">Home</a></li><li><a href=\"/about\">About</a></li><li><a href=\"{}\">Privacy Policy</a></li></ul></div><div id=\"main\"><h1>Welcome to {domain}</h1><p>Layout {layout}. Our products and services for you.</p></div><div id=\"footer\">&copy; {domain}{footer}</div></body></html>\n",
        if moved { NEW_PATH } else { OLD_PATH }
    )
}

/// Writes the realistic archive of `count` domains (see the module docs), with `truth.jsonl`
/// (privacy policies only); with `other_documents`, the sites also have the documents of
/// [`crate::documents`], from their first homepage capture to the end of 2021.
pub(crate) fn write(
    dir: &Path,
    count: usize,
    seed: u64,
    other_documents: bool,
) -> std::io::Result<GeneratedArchive> {
    std::fs::create_dir_all(dir.join("bodies"))?;
    let mut entries = String::from("blocked = []\n\n");
    let mut truth_lines = String::new();
    let mut archive = GeneratedArchive {
        profile: Profile::Realistic,
        domains: Vec::with_capacity(count),
        captures: 0,
        policy_captures: Some(PolicyCount::default()),
        expected_versions: 0,
        expected_by_type: BTreeMap::new(),
        domains_by_type: BTreeMap::new(),
        truth: Vec::new(),
    };
    let mut others = documents::Written::default();
    let mut totals = PolicyCount::default();
    let not_found = "bodies/404.html";
    std::fs::write(
        dir.join(not_found),
        "<html><body><h1>Not Found</h1></body></html>\n",
    )?;
    for index in 0..count {
        let plan = plan_domain(seed, index);
        let domain = plan.name.as_str();
        let texts = texts(seed, &plan);
        let contents: Vec<String> = texts
            .iter()
            .enumerate()
            .map(|(text, paragraphs)| content(domain, text, paragraphs))
            .collect();
        let mut token_rng = Rng((seed ^ fnv(domain).rotate_left(17)) | 1);
        let documents = match plan.homepages.first() {
            Some(&(first, ..)) if other_documents => {
                documents::plan(seed, index, first, time::seconds_at(2022, 1, 1))
            }
            _ => Vec::new(),
        };
        let footer = documents::footer_links(&documents);
        let mut written_homes = BTreeSet::new();
        for &(seconds, layout, moved) in &plan.homepages {
            let file = format!("bodies/{domain}-home-{layout}-{}.html", u8::from(moved));
            if written_homes.insert(file.clone()) {
                std::fs::write(dir.join(&file), homepage(domain, layout, moved, &footer))?;
            }
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}/\"\ntimestamp = \"{}\"\nbody = \"{file}\"\n\n",
                time::stamp(seconds)
            );
        }
        let mut last_written = None;
        for capture in &plan.policy {
            let url = policy_url(domain, capture.moved);
            let stamp = time::stamp(capture.seconds);
            match capture.page {
                Page::NotFound => {
                    let _ = write!(
                        entries,
                        "[[capture]]\nurl = \"{url}\"\ntimestamp = \"{stamp}\"\nstatus = 404\nbody = \"{not_found}\"\n\n"
                    );
                }
                Page::Policy {
                    text,
                    layout,
                    digest,
                } => {
                    let file = format!("bodies/{domain}-p{digest}.html");
                    if last_written != Some(digest) {
                        let token = token_rng.next();
                        let page =
                            policy_page(domain, &contents[text], layout, token, capture.seconds);
                        std::fs::write(dir.join(&file), page)?;
                        last_written = Some(digest);
                    }
                    let _ = write!(
                        entries,
                        "[[capture]]\nurl = \"{url}\"\ntimestamp = \"{stamp}\"\nbody = \"{file}\"\n\n"
                    );
                }
            }
        }
        for &seconds in &plan.redirects {
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"{}\"\ntimestamp = \"{}\"\nstatus = 301\nlocation = \"{NEW_PATH}\"\n\n",
                policy_url(domain, false),
                time::stamp(seconds)
            );
        }
        documents::write(dir, seed, domain, &documents, &mut entries, &mut others)?;
        archive.captures += plan.homepages.len() + plan.policy.len() + plan.redirects.len();
        totals.captures += plan.counts.captures;
        totals.digests += plan.counts.digests;
        for version in &plan.truth {
            truth_lines.push_str(&version.to_json());
            truth_lines.push('\n');
        }
        archive.domains.push(plan.name.clone());
        archive.truth.extend(plan.truth);
    }
    std::fs::write(dir.join("captures.toml"), entries)?;
    std::fs::write(dir.join("domains.txt"), archive.domains.join("\n") + "\n")?;
    std::fs::write(dir.join("truth.jsonl"), truth_lines)?;
    archive.expected_versions = archive.truth.len();
    archive.captures += others.captures;
    archive.expected_by_type = others.versions;
    archive.domains_by_type = others.domains;
    archive.policy_captures = Some(totals);
    Ok(archive)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn median(mut values: Vec<usize>) -> usize {
        values.sort_unstable();
        values[values.len() / 2]
    }

    #[test]
    fn a_thousand_domains_have_the_shape_of_a_real_archive() {
        let plans: Vec<DomainPlan> = (0..1000).map(|i| plan_domain(1, i)).collect();
        let counts: Vec<usize> = plans.iter().map(|p| p.counts.captures).collect();
        let heavy = counts.iter().filter(|&&c| c > 1000).count();
        assert!(
            (5..=50).contains(&median(counts.clone())),
            "{}",
            median(counts)
        );
        assert!((50..=150).contains(&heavy), "{heavy} heavy domains");
        assert!(counts.iter().all(|&c| c <= 20_000));

        let truth: Vec<&TrueVersion> = plans.iter().flat_map(|p| &p.truth).collect();
        let digests = median(truth.iter().map(|v| v.digests).collect());
        assert!(
            (10..=40).contains(&digests),
            "median {digests} digests a version"
        );
        assert!(truth.iter().any(|v| v.digests >= 200), "a tail to hundreds");

        let changes = truth.len() - plans.iter().filter(|p| !p.truth.is_empty()).count();
        let reversions = truth.iter().filter(|v| v.reversion).count();
        let share = reversions as f64 / changes as f64;
        assert!(
            (0.02..=0.08).contains(&share),
            "{reversions} of {changes} changes"
        );
        let short = truth
            .iter()
            .filter(|v| v.until.is_some() && v.lasted_seconds() < 30 * 86_400)
            .count();
        assert!(short * 50 >= changes, "{short} short-lived of {changes}");

        let moved = plans.iter().filter(|p| !p.redirects.is_empty()).count();
        assert!((200..=400).contains(&moved), "{moved} moved");
        let total: usize = plans.iter().map(|p| p.counts.digests).sum();
        assert!(total <= 60_000, "{total} digests to download");
        // Monthly homepages: at least one a month from the first policy year on.
        assert!(plans.iter().all(|p| p.homepages.len() >= 12 * 6));
    }

    /// The captures of `captures.toml`, by URL host: (url, timestamp, status, body).
    type Rows = BTreeMap<String, Vec<(String, String, i64, Option<String>)>>;

    fn read_index(dir: &Path) -> Rows {
        let text = std::fs::read_to_string(dir.join("captures.toml")).expect("index");
        let index: toml::Table = toml::from_str(&text).expect("valid TOML");
        let mut rows = Rows::new();
        for capture in index["capture"].as_array().expect("captures") {
            let url = capture["url"].as_str().expect("url").to_owned();
            let host = url
                .split('/')
                .nth(2)
                .expect("host")
                .trim_start_matches("www.");
            rows.entry(host.to_owned()).or_default().push((
                url.clone(),
                capture["timestamp"].as_str().expect("timestamp").to_owned(),
                capture
                    .get("status")
                    .and_then(|s| s.as_integer())
                    .unwrap_or(200),
                capture
                    .get("body")
                    .and_then(|b| b.as_str())
                    .map(str::to_owned),
            ));
        }
        for list in rows.values_mut() {
            list.sort_by(|a, b| a.1.cmp(&b.1));
        }
        rows
    }

    #[test]
    fn the_truth_is_what_the_written_captures_show() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let archive = write(dir.path(), 60, 7, false).expect("written");
        let rows = read_index(dir.path());
        let lines = std::fs::read_to_string(dir.path().join("truth.jsonl")).expect("truth");
        let json: Vec<String> = archive.truth.iter().map(TrueVersion::to_json).collect();
        assert_eq!(lines.lines().collect::<Vec<_>>(), json);
        assert_eq!(archive.expected_versions, archive.truth.len());
        assert_eq!(archive.captures, rows.values().map(Vec::len).sum::<usize>());
        let mut digests = 0;
        for domain in &archive.domains {
            // Read the versions back from the bytes: the content block of each policy page.
            let mut found: Vec<(String, String, String, String, usize, BTreeSet<String>)> =
                Vec::new();
            for (url, timestamp, status, body) in &rows[domain] {
                if url.ends_with('/') {
                    let page =
                        std::fs::read_to_string(dir.path().join(body.as_ref().expect("body")))
                            .expect("homepage");
                    let linked = if page.contains(NEW_PATH) {
                        NEW_PATH
                    } else {
                        OLD_PATH
                    };
                    let current = rows[domain]
                        .iter()
                        .rfind(|r| r.2 == 200 && !r.0.ends_with('/') && r.1 <= *timestamp);
                    if let Some(policy) = current {
                        assert!(
                            policy.0.ends_with(linked),
                            "{domain} {timestamp} links {linked}"
                        );
                    }
                    continue;
                }
                if *status == 301 {
                    assert!(url.ends_with(OLD_PATH));
                    continue;
                }
                let Some(body) = body.as_ref().filter(|_| *status == 200) else {
                    continue;
                };
                let page = std::fs::read_to_string(dir.path().join(body)).expect("page");
                let start = page.find("<div id=\"content\">").expect("content");
                let end = start + page[start..].find("</div>").expect("end of content");
                let block = page[start..end].to_owned();
                match found.last_mut() {
                    Some(last) if last.0 == block => {
                        (last.3, last.4) = (timestamp.clone(), last.4 + 1);
                        last.5.insert(body.clone());
                    }
                    _ => found.push((
                        block,
                        timestamp.clone(),
                        url.clone(),
                        timestamp.clone(),
                        1,
                        BTreeSet::from([body.clone()]),
                    )),
                }
            }
            let truth: Vec<&TrueVersion> = archive
                .truth
                .iter()
                .filter(|v| &v.domain == domain)
                .collect();
            assert_eq!(truth.len(), found.len(), "{domain}");
            for (k, (version, read)) in truth.iter().zip(&found).enumerate() {
                assert_eq!(version.seq, k + 1);
                assert_eq!((&version.first.0, &version.first.1), (&read.1, &read.2));
                assert_eq!(version.last.0, read.3);
                assert_eq!((version.captures, version.digests), (read.4, read.5.len()));
                let earlier = found[..k.saturating_sub(1)].iter().any(|f| f.0 == read.0);
                assert_eq!(version.reversion, earlier, "{domain} version {}", k + 1);
                assert_eq!(version.until.as_ref(), found.get(k + 1).map(|f| &f.1));
                digests += read.5.len();
            }
        }
        let counts = archive.policy_captures.expect("counted");
        assert_eq!(counts.digests, digests);
    }

    #[test]
    fn churn_keeps_the_text_and_changes_change_it() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let archive = write(dir.path(), 20, 3, false).expect("written");
        let rows = read_index(dir.path());
        let mut hashes: BTreeMap<(String, usize), String> = BTreeMap::new();
        let mut converted = 0;
        for domain in &archive.domains {
            let versions: Vec<&TrueVersion> = archive
                .truth
                .iter()
                .filter(|v| &v.domain == domain)
                .collect();
            for version in &versions {
                // Six captures spread over the version, first and last included.
                let inside: Vec<&(String, String, i64, Option<String>)> = rows[domain]
                    .iter()
                    .filter(|r| {
                        r.2 == 200
                            && !r.0.ends_with('/')
                            && r.1 >= version.first.0
                            && r.1 <= version.last.0
                    })
                    .collect();
                let picks = (0..6).map(|k| inside[k * (inside.len() - 1) / 5]);
                for row in picks {
                    let bytes = std::fs::read(dir.path().join(row.3.as_ref().expect("body")))
                        .expect("page");
                    let snapshot =
                        policy_text::snapshot_url("https://web.archive.org", &row.1, &row.0);
                    let document =
                        policy_text::convert(&bytes, Some("text/html"), domain, &snapshot)
                            .expect("converts");
                    let hash = policy_text::document::text_hash(document.body()).expect("text");
                    converted += 1;
                    let known = hashes
                        .entry((domain.clone(), version.text))
                        .or_insert_with(|| hash.clone());
                    assert_eq!(
                        *known, hash,
                        "{domain} version {} at {}",
                        version.seq, row.1
                    );
                }
            }
        }
        let distinct: BTreeSet<&String> = hashes.values().collect();
        assert_eq!(
            distinct.len(),
            hashes.len(),
            "different texts, different hashes"
        );
        assert!(converted > 100, "{converted}");
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let (a, b, c) = (
            tempfile::tempdir().expect("a"),
            tempfile::tempdir().expect("b"),
            tempfile::tempdir().expect("c"),
        );
        write(a.path(), 25, 11, false).expect("a");
        write(b.path(), 25, 11, false).expect("b");
        write(c.path(), 25, 12, false).expect("c");
        let hash = crate::tests::folder_hash;
        assert_eq!(hash(a.path()), hash(b.path()));
        assert_ne!(hash(a.path()), hash(c.path()));
    }
}
