//! Synthetic archives for benchmarks and soak tests: `count` generated domains written as a
//! fixture folder (`captures.toml`, `bodies/`, `domains.txt`) that `fake-wayback` serves,
//! reproducible by its seed (same seed, same bytes), with the truth alongside. Two profiles:
//! [`Profile::Uniform`], the gentle generator the soak and rebuild tests pin, and
//! [`Profile::Realistic`], heavy-tailed like real archives, which also writes every true text
//! version with its exact first capture (`truth.jsonl`, [`GeneratedArchive::truth`]).
//!
//! Not for: serving anything (that is `fake-wayback`), converting pages (that is `policy-text`),
//! or real data (the corpus fixtures are).

#![forbid(unsafe_code)]

mod realistic;
mod time;
mod uniform;

use std::path::Path;

pub use realistic::PolicyCount;

/// Which generator writes the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// What the generator made.
#[derive(Debug, Clone)]
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
    /// Every true text version, domain by domain in time order (the realistic profile only;
    /// also `truth.jsonl`, one JSON object a line).
    pub truth: Vec<TrueVersion>,
}

/// One text version as the generator made it: the captures from `first` to `last` show the
/// same policy text, the capture before `first` (if any) another one.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    match profile {
        Profile::Uniform => uniform::write(dir, count, seed),
        Profile::Realistic => realistic::write(dir, count, seed),
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
}
