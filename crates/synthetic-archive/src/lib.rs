//! Synthetic archives for benchmarks and soak tests: `count` generated domains written as a
//! fixture folder (`captures.toml`, `bodies/`, `domains.txt`) that `fake-wayback` serves,
//! reproducible by its seed (same seed, same bytes), with the truth alongside. Two profiles:
//! [`Profile::Uniform`], the gentle generator the soak and rebuild tests pin, and
//! [`Profile::Realistic`], heavy-tailed like real archives, which also writes every true text
//! version with its exact first capture (`truth.jsonl`, [`GeneratedArchive::truth`]).
//! Opt-in ([`ArchiveOptions::other_documents`]), either profile's sites also have terms of
//! service, a cookie policy and an imprint (some German) linked from the homepage footer;
//! without it the output is byte for byte the privacy-only archive. The truth stays
//! privacy-only; the other documents' expected versions are counted per type
//! ([`GeneratedArchive::expected_by_type`]).
//!
//! Not for: serving anything (that is `fake-wayback`), converting pages (that is `policy-text`),
//! or real data (the corpus fixtures are).

#![forbid(unsafe_code)]

mod documents;
mod realistic;
mod time;
mod uniform;

use std::collections::BTreeMap;
use std::path::Path;

pub use document_type::DocumentType;
pub use realistic::PolicyCount;

/// Which generator writes the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// 20 to 200 captures a domain, 1.5 digests per text: today's generator, output unchanged.
    #[default]
    Uniform,
    /// Heavy-tailed capture counts and HTML churn, reversions, short-lived versions, moved
    /// URLs, monthly homepages; writes its truth.
    Realistic,
}

impl Profile {
    /// The profile's name on the command line (`uniform`, `realistic`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::Uniform => "uniform",
            Profile::Realistic => "realistic",
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile name that is neither `uniform` nor `realistic`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown archive profile {0:?}: give uniform or realistic")]
pub struct UnknownProfile(pub String);

impl std::str::FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(name: &str) -> Result<Profile, UnknownProfile> {
        match name {
            "uniform" => Ok(Profile::Uniform),
            "realistic" => Ok(Profile::Realistic),
            other => Err(UnknownProfile(other.to_owned())),
        }
    }
}

/// How an archive is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArchiveOptions {
    /// Which generator writes it.
    pub profile: Profile,
    /// Also write terms of service (on about 80% of the domains), a cookie policy (50%) and an
    /// imprint (40%), a third of those sites German (`/agb`, `/impressum`), each with a few
    /// texts over time, linked from the homepage footer. Off (the default), no byte changes.
    pub other_documents: bool,
}

/// What the generator made (also `generated.json` beside the archive, [`GeneratedArchive::read`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GeneratedArchive {
    /// The generator that made it.
    pub profile: Profile,
    /// The domains, in order (also in `domains.txt`).
    pub domains: Vec<String>,
    /// Captures written (homepages, policies, redirects, errors).
    pub captures: usize,
    /// Policy URL captures and their distinct digests (the realistic profile only).
    pub policy_captures: Option<PolicyCount>,
    /// Policy versions a perfect crawl finds (texts in time order, adjacent repeats merged).
    pub expected_versions: usize,
    /// For each other document type written ([`ArchiveOptions::other_documents`]), the
    /// versions a perfect crawl finds (empty when the option is off).
    pub expected_by_type: BTreeMap<DocumentType, usize>,
    /// For each other document type written, the domains that have it.
    pub domains_by_type: BTreeMap<DocumentType, usize>,
    /// Every true text version, domain by domain in time order (the realistic profile only;
    /// also `truth.jsonl`, one JSON object a line).
    pub truth: Vec<TrueVersion>,
}

/// One text version as the generator made it: the captures from `first` to `last` show the
/// same policy text, the capture before `first` (if any) another one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrueVersion {
    /// The domain.
    pub domain: String,
    /// 1, 2, 3... within the domain, in time order.
    pub seq: usize,
    /// The text's number within the domain: versions with the same number hold the same text.
    pub text: usize,
    /// The first capture showing it: 14-digit timestamp and URL as captured.
    pub first: (String, String),
    /// The last capture showing it before the next version.
    pub last: (String, String),
    /// The next version's first capture time (`None` for the current version).
    pub until: Option<String>,
    /// It holds the text of an earlier, not adjacent version (A -> B -> A).
    pub reversion: bool,
    /// Policy captures (archive rows, before digest collapse) showing it.
    pub captures: usize,
    /// Distinct digests among them: the HTML churn.
    pub digests: usize,
}

impl TrueVersion {
    /// How long it held, in seconds: to the next version's first capture, or for the current
    /// version to its last capture (0 when a timestamp does not read).
    pub fn lasted_seconds(&self) -> i64 {
        let end = self.until.as_deref().unwrap_or(&self.last.0);
        match (time::seconds_of(&self.first.0), time::seconds_of(end)) {
            (Some(start), Some(end)) => end - start,
            _ => 0,
        }
    }

    /// The object `truth.jsonl` holds for it, on one line.
    pub fn to_json(&self) -> String {
        let string = |value: &str| {
            let mut out = String::from("\"");
            for c in value.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        };
        format!(
            "{{\"domain\":{},\"seq\":{},\"text\":{},\"first_timestamp\":{},\"first_url\":{},\"last_timestamp\":{},\"last_url\":{},\"until\":{},\"reversion\":{},\"captures\":{},\"digests\":{}}}",
            string(&self.domain),
            self.seq,
            self.text,
            string(&self.first.0),
            string(&self.first.1),
            string(&self.last.0),
            string(&self.last.1),
            self.until
                .as_deref()
                .map_or_else(|| "null".to_owned(), string),
            self.reversion,
            self.captures,
            self.digests
        )
    }
}

/// Writes the uniform archive of `count` domains (see [`Profile::Uniform`]).
pub fn write_archive(dir: &Path, count: usize, seed: u64) -> std::io::Result<GeneratedArchive> {
    write_archive_with(dir, count, seed, Profile::Uniform)
}

/// Writes an archive of `count` domains made by `profile`, reproducible by `seed`.
pub fn write_archive_with(
    dir: &Path,
    count: usize,
    seed: u64,
    profile: Profile,
) -> std::io::Result<GeneratedArchive> {
    write_archive_with_options(
        dir,
        count,
        seed,
        ArchiveOptions {
            profile,
            other_documents: false,
        },
    )
}

/// Writes an archive of `count` domains as `options` say, reproducible by `seed`.
pub fn write_archive_with_options(
    dir: &Path,
    count: usize,
    seed: u64,
    options: ArchiveOptions,
) -> std::io::Result<GeneratedArchive> {
    let others = options.other_documents;
    match options.profile {
        Profile::Uniform => uniform::write(dir, count, seed, others),
        Profile::Realistic => realistic::write(dir, count, seed, others),
    }
}

/// The file, in the archive's folder, that [`GeneratedArchive::save`] writes.
pub const SUMMARY_FILE: &str = "generated.json";

impl GeneratedArchive {
    /// Writes what the generator made to `dir`'s [`SUMMARY_FILE`], for a process that did not
    /// generate the archive itself ([`GeneratedArchive::load`]).
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(SUMMARY_FILE), json)
    }

    /// Reads what [`GeneratedArchive::save`] wrote in `dir`.
    pub fn load(dir: &Path) -> std::io::Result<GeneratedArchive> {
        let bytes = std::fs::read(dir.join(SUMMARY_FILE))?;
        serde_json::from_slice(&bytes)
            .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))
    }

    /// Versions of `kind` a perfect crawl finds: [`GeneratedArchive::expected_versions`] for
    /// privacy, [`GeneratedArchive::expected_by_type`] for the others (0 when not written).
    pub fn expected_versions_of(&self, kind: DocumentType) -> usize {
        match kind {
            DocumentType::Privacy => self.expected_versions,
            other => self.expected_by_type.get(&other).copied().unwrap_or(0),
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const WORDS: [&str; 24] = [
    "information",
    "personal",
    "we",
    "collect",
    "share",
    "cookies",
    "partners",
    "your",
    "data",
    "use",
    "service",
    "may",
    "third",
    "parties",
    "access",
    "email",
    "address",
    "secure",
    "retain",
    "request",
    "children",
    "advertising",
    "analytics",
    "choices",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// FNV-1a over every file's relative path and bytes, in path order.
    pub(crate) fn folder_hash(dir: &Path) -> u64 {
        fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("readable folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    walk(&path, files);
                } else {
                    files.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(dir, &mut files);
        files.sort();
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for file in files {
            let name = file
                .strip_prefix(dir)
                .expect("inside")
                .display()
                .to_string();
            let bytes = std::fs::read(&file).expect("readable file");
            for byte in name.bytes().chain([0]).chain(bytes) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    }

    #[test]
    fn the_uniform_archive_is_byte_for_byte_what_it_always_was() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let generated = write_archive(dir.path(), 40, 20261202).expect("written");
        assert_eq!(
            (generated.captures, generated.expected_versions),
            (4752, 129)
        );
        assert_eq!(folder_hash(dir.path()), 0x63fa_84a5_3d90_afb6);
        assert!(generated.truth.is_empty() && generated.policy_captures.is_none());
    }

    #[test]
    fn what_the_generator_made_reads_back_from_its_summary() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let options = ArchiveOptions {
            profile: Profile::Realistic,
            other_documents: true,
        };
        let generated = write_archive_with_options(dir.path(), 12, 7, options).expect("written");
        assert!(!generated.truth.is_empty() && !generated.expected_by_type.is_empty());
        generated.save(dir.path()).expect("saved");
        assert_eq!(
            GeneratedArchive::load(dir.path()).expect("loaded"),
            generated
        );
        std::fs::write(dir.path().join(SUMMARY_FILE), b"{").expect("overwritten");
        let error = GeneratedArchive::load(dir.path()).expect_err("a broken summary");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    }

    /// The `[[capture]]` blocks of a written `captures.toml`, as text.
    fn capture_blocks(dir: &Path) -> Vec<String> {
        let index = std::fs::read_to_string(dir.join("captures.toml")).expect("index");
        index
            .split("[[capture]]\n")
            .skip(1)
            .map(str::to_owned)
            .collect()
    }

    fn field<'a>(block: &'a str, name: &str) -> Option<&'a str> {
        block.lines().find_map(|line| {
            line.strip_prefix(name)?
                .strip_prefix(" = \"")?
                .strip_suffix('"')
        })
    }

    /// The other documents only add: every capture of the archive without them is still
    /// there, every body file too with the same bytes, but for the homepages, which only gain
    /// their footer links; off, the options write the default bytes.
    #[test]
    fn other_documents_add_captures_and_footer_links_and_change_nothing_else() {
        for profile in [Profile::Uniform, Profile::Realistic] {
            let (plain, with, off) = (
                tempfile::tempdir().expect("a"),
                tempfile::tempdir().expect("b"),
                tempfile::tempdir().expect("c"),
            );
            let options = |other_documents| ArchiveOptions {
                profile,
                other_documents,
            };
            let a = write_archive_with(plain.path(), 30, 5, profile).expect("plain");
            let b = write_archive_with_options(with.path(), 30, 5, options(true)).expect("with");
            write_archive_with_options(off.path(), 30, 5, options(false)).expect("off");
            assert_eq!(
                folder_hash(plain.path()),
                folder_hash(off.path()),
                "{profile}"
            );
            assert!(a.expected_by_type.is_empty() && a.domains_by_type.is_empty());
            assert_eq!(a.expected_versions, b.expected_versions);
            assert_eq!(a.truth, b.truth);

            let old = capture_blocks(plain.path());
            let new = capture_blocks(with.path());
            let added: Vec<&String> = new.iter().filter(|b| !old.contains(b)).collect();
            assert!(old.iter().all(|block| new.contains(block)), "{profile}");
            assert_eq!(b.captures - a.captures, added.len());
            assert_eq!(new.len(), old.len() + added.len());
            let paths = [
                "/terms-of-service",
                "/agb",
                "/cookie-policy",
                "/cookie-richtlinie",
                "/imprint",
                "/legal-notice",
                "/impressum",
            ];
            for block in &added {
                let url = field(block, "url").expect("url");
                assert!(paths.iter().any(|p| url.ends_with(p)), "{url}");
            }
            for path in paths {
                assert!(
                    added
                        .iter()
                        .any(|b| field(b, "url").is_some_and(|u| u.ends_with(path))),
                    "{profile}: no {path}"
                );
            }

            for entry in std::fs::read_dir(plain.path().join("bodies")).expect("bodies") {
                let name = entry.expect("entry").file_name();
                let before = std::fs::read_to_string(plain.path().join("bodies").join(&name))
                    .expect("plain body");
                let after = std::fs::read_to_string(with.path().join("bodies").join(&name))
                    .expect("the same body with other documents");
                if !name.to_string_lossy().contains("-home-") {
                    assert_eq!(before, after, "{name:?}");
                    continue;
                }
                // A homepage gains its footer links and nothing else.
                let at = before.find("</div></body>").expect("the footer's end");
                assert_eq!(&after[..at], &before[..at]);
                assert!(after.ends_with(&before[at..]));
                let links = &after[at..after.len() - (before.len() - at)];
                assert!(
                    links.is_empty() || links.starts_with(" | <a href=\"/"),
                    "{links}"
                );
            }
        }
    }

    /// Each document's captures read back: the homepage links it, and its texts, read through
    /// the converter, are as many versions as the generator expects (template changes keep
    /// the text, changes change it).
    #[test]
    fn the_other_documents_hold_the_versions_expected() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let options = ArchiveOptions {
            profile: Profile::Uniform,
            other_documents: true,
        };
        let archive = write_archive_with_options(dir.path(), 24, 9, options).expect("written");
        let blocks = capture_blocks(dir.path());
        let kinds: [(DocumentType, &[&str]); 3] = [
            (DocumentType::Terms, &["/terms-of-service", "/agb"]),
            (
                DocumentType::Trackers,
                &["/cookie-policy", "/cookie-richtlinie"],
            ),
            (
                DocumentType::Imprint,
                &["/imprint", "/legal-notice", "/impressum"],
            ),
        ];
        let mut digests_repeated = 0;
        for (kind, paths) in kinds {
            let (mut versions, mut domains) = (0, 0);
            for domain in &archive.domains {
                // Captures of this kind on this domain, in time order.
                let mut rows: Vec<(&str, &str, &str)> = blocks
                    .iter()
                    .filter_map(|b| {
                        let url = field(b, "url")?;
                        let path = url.strip_prefix(&format!("http://www.{domain}"))?;
                        if !paths.contains(&path) {
                            return None;
                        }
                        Some((field(b, "timestamp")?, url, field(b, "body")?))
                    })
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                domains += 1;
                rows.sort();
                let home = blocks
                    .iter()
                    .find(|b| field(b, "url") == Some(&format!("http://www.{domain}/")))
                    .and_then(|b| field(b, "body"))
                    .expect("a homepage");
                let home = std::fs::read_to_string(dir.path().join(home)).expect("homepage");
                let path = &rows[0].1[format!("http://www.{domain}").len()..];
                assert!(
                    home.contains(&format!("<a href=\"{path}\">")),
                    "{domain} {path}"
                );
                let mut last: Option<String> = None;
                for (k, (timestamp, url, body)) in rows.iter().enumerate() {
                    digests_repeated += usize::from(k > 0 && rows[k - 1].2 == *body);
                    let bytes = std::fs::read(dir.path().join(body)).expect("body");
                    let snapshot =
                        policy_text::snapshot_url("https://web.archive.org", timestamp, url);
                    let document =
                        policy_text::convert(&bytes, Some("text/html"), domain, &snapshot)
                            .expect("converts");
                    assert!(document.body().len() > 500, "{url}: {}", document.body());
                    let hash = policy_text::document::text_hash(document.body()).expect("text");
                    if last.as_ref() != Some(&hash) {
                        versions += 1;
                        last = Some(hash);
                    }
                }
            }
            assert!(domains > 0, "{kind:?}");
            assert_eq!(
                archive.domains_by_type.get(&kind),
                Some(&domains),
                "{kind:?}"
            );
            assert_eq!(archive.expected_versions_of(kind), versions, "{kind:?}");
            assert!(versions > domains, "{kind:?}: some documents change");
        }
        assert!(digests_repeated > 0, "exact re-captures");
    }
}
