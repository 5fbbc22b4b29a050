//! The uniform profile: today's gentle generator (20 to 200 captures a domain, 1.5 digests per
//! text). Its output for a seed must never change: `tests/soak.rs` and `tests/rebuild.rs` rely on
//! it, and a unit test pins its bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{GeneratedArchive, Profile, Rng, WORDS, documents, time};

/// Writes a fixture archive of `count` domains with 20 to 200 captures each: homepages every
/// month or so, a policy with 1 to 6 texts, exact re-captures (collapsed by the archive),
/// 0 to 3 template changes (new HTML and digest, same text), moved policy URLs with
/// redirects, 404 captures (3%), homepages without a link (5%), and blocked sites (2%). With
/// `other_documents`, the sites also have the documents of [`crate::documents`] (from their
/// own generator: the main one draws exactly what it draws without them).
pub(crate) fn write(
    dir: &Path,
    count: usize,
    seed: u64,
    other_documents: bool,
) -> std::io::Result<GeneratedArchive> {
    std::fs::create_dir_all(dir.join("bodies"))?;
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut index = String::from("blocked = [");
    let mut entries = String::new();
    let mut domains = Vec::new();
    let mut blocked = Vec::new();
    let (mut captures, mut expected_versions) = (0, 0);
    let mut others = documents::Written::default();
    let write_body = |name: &str, body: &str| -> std::io::Result<String> {
        let path = PathBuf::from("bodies").join(name);
        std::fs::write(dir.join(&path), body)?;
        Ok(path.display().to_string())
    };
    for i in 0..count {
        let domain = format!("site{i:05}.example.com");
        domains.push(domain.clone());
        if rng.chance(2) {
            blocked.push(format!("{domain:?}"));
            continue;
        }
        let total = 20 + rng.below(181) as usize;
        let homepages = total * 3 / 5;
        let start_year = 2004 + rng.below(8);
        let years = 2021 - start_year;
        let span_months = years * 12;
        let moved_at = rng.chance(30).then(|| rng.below(span_months));
        let link = !rng.chance(5);
        let text_changes: Vec<u64> = {
            let n = rng.below(6);
            let mut at: Vec<u64> = (0..n).map(|_| 1 + rng.below(span_months - 1)).collect();
            at.sort_unstable();
            at.dedup();
            at
        };
        let template_changes: Vec<u64> =
            (0..rng.below(4)).map(|_| rng.below(span_months)).collect();
        let stamp = |month: u64, rng: &mut Rng| {
            format!(
                "{:04}{:02}{:02}{:02}{:02}{:02}",
                start_year + month / 12,
                month % 12 + 1,
                1 + rng.below(28),
                rng.below(24),
                rng.below(60),
                rng.below(60)
            )
        };
        let policy_path = |month: u64| match moved_at {
            Some(at) if month >= at => "/legal/privacy-policy",
            _ => "/privacy.html",
        };
        let documents = if other_documents {
            let start = time::seconds_at(start_year as i64, 1, 1);
            documents::plan(seed, i, start, time::seconds_at(2021, 1, 1))
        } else {
            Vec::new()
        };
        let footer = documents::footer_links(&documents);
        for (n, home) in [false, true].into_iter().enumerate() {
            let body = homepage(
                &domain,
                home.then_some("/legal/privacy-policy"),
                link,
                n,
                &footer,
            );
            write_body(&format!("{domain}-home-{n}.html"), &body)?;
        }
        let mut months: Vec<u64> = (0..homepages).map(|_| rng.below(span_months)).collect();
        months.sort_unstable();
        for month in months {
            let moved = moved_at.is_some_and(|at| month >= at);
            captures += 1;
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}/\"\ntimestamp = \"{}\"\nbody = \"bodies/{domain}-home-{}.html\"\n\n",
                stamp(month, &mut rng),
                usize::from(moved)
            );
        }
        let mut months: Vec<u64> = (0..total - homepages)
            .map(|_| rng.below(span_months))
            .collect();
        months.sort_unstable();
        let mut last_version = None;
        for month in months {
            let version = text_changes.iter().filter(|&&at| at <= month).count();
            let path = policy_path(month);
            let timestamp = stamp(month, &mut rng);
            captures += 1;
            if rng.chance(3) {
                let _ = write!(
                    entries,
                    "[[capture]]\nurl = \"http://www.{domain}{path}\"\ntimestamp = \"{timestamp}\"\nstatus = 404\nbody = \"{}\"\n\n",
                    write_body(
                        &format!("{domain}-404.html"),
                        "<html><body><h1>Not Found</h1></body></html>"
                    )?
                );
                continue;
            }
            // Site templates change now and then (a new footer, a new script): the HTML and
            // its digest change, the policy text does not.
            let variant = template_changes.iter().filter(|&&at| at <= month).count();
            let name = format!("{domain}-privacy-{version}-{variant}.html");
            let body = policy(&domain, version, variant, seed);
            let file = write_body(&name, &body)?;
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}{path}\"\ntimestamp = \"{timestamp}\"\nbody = \"{file}\"\n\n"
            );
            if last_version != Some(version) {
                expected_versions += 1;
                last_version = Some(version);
            }
        }
        if let Some(at) = moved_at {
            captures += 1;
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}/privacy.html\"\ntimestamp = \"{}\"\nstatus = 301\nlocation = \"/legal/privacy-policy\"\n\n",
                stamp(at, &mut rng)
            );
        }
        documents::write(dir, seed, &domain, &documents, &mut entries, &mut others)?;
    }
    captures += others.captures;
    index.push_str(&blocked.join(", "));
    index.push_str("]\n\n");
    index.push_str(&entries);
    std::fs::write(dir.join("captures.toml"), index)?;
    std::fs::write(dir.join("domains.txt"), domains.join("\n") + "\n")?;
    Ok(GeneratedArchive {
        profile: Profile::Uniform,
        domains,
        captures,
        policy_captures: None,
        expected_versions,
        expected_by_type: others.versions,
        domains_by_type: others.domains,
        truth: Vec::new(),
    })
}

/// `footer` follows the copyright (empty: the homepage as it always was).
fn homepage(
    domain: &str,
    moved_to: Option<&str>,
    link: bool,
    variant: usize,
    footer: &str,
) -> String {
    let policy = moved_to.unwrap_or("/privacy.html");
    let link = if link {
        format!("<li><a href=\"{policy}\">Privacy Policy</a></li>")
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html><html><head><title>{domain}</title></head><body><div id=\"nav\"><ul><li><a href=\"/\">Home</a></li><li><a href=\"/about\">About</a></li><li><a href=\"/shop\">Shop</a></li>{link}</ul></div><div id=\"main\"><h1>Welcome to {domain}</h1><p>Layout {variant}. Our products and services for you.</p></div><div id=\"footer\">&copy; {domain}{footer}</div></body></html>\n"
    )
}

fn policy(domain: &str, version: usize, variant: usize, seed: u64) -> String {
    let mut rng = Rng((seed ^ (version as u64 + 1).wrapping_mul(0x51_7cc1_b727_220a)) | 1);
    let mut body = String::new();
    for section in 0..6 {
        let _ = write!(body, "<h2>Section {}</h2>", section + 1);
        for _ in 0..2 {
            body.push_str("<p>");
            for w in 0..40 {
                if w > 0 {
                    body.push(' ');
                }
                body.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
            }
            body.push_str(".</p>");
        }
    }
    format!(
        "<!DOCTYPE html><html><head><title>Privacy Policy - {domain}</title></head><body><div id=\"nav\"><a href=\"/\">Home</a></div><div id=\"content\"><h1>Privacy Policy</h1><p>Version {version} of the policy of {domain}.</p>{body}</div><!-- build {variant} --><div id=\"footer\">&copy; {domain}</div></body></html>\n"
    )
}
