//! Fixture sets: the captures a fake archive serves, in memory or loaded from a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha1::{Digest, Sha1};

/// One archived response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureCapture {
    /// The URL as captured (`http://www.example.com/privacy`).
    pub original: String,
    /// 14-digit capture time.
    pub timestamp: String,
    /// The archived HTTP status.
    pub status: u16,
    /// The archived MIME type (CDX `mimetype`).
    pub mimetype: String,
    /// The archived response headers (replayed as `x-archive-orig-*`, `Content-Type` as is).
    pub headers: Vec<(String, String)>,
    /// The archived body.
    pub body: Vec<u8>,
    /// For an archived redirect: its target (absolute or relative to `original`).
    pub location: Option<String>,
    /// Serve `location` as is instead of rewriting it into the archive (pywb does this), to test
    /// that clients refuse redirects outside the archive.
    pub raw_location: bool,
}

impl FixtureCapture {
    /// A 200 `text/html` capture.
    pub fn html(original: &str, timestamp: &str, body: impl Into<Vec<u8>>) -> FixtureCapture {
        FixtureCapture {
            original: original.to_owned(),
            timestamp: timestamp.to_owned(),
            status: 200,
            mimetype: "text/html".into(),
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: body.into(),
            location: None,
            raw_location: false,
        }
    }

    /// An archived redirect.
    pub fn redirect(original: &str, timestamp: &str, status: u16, target: &str) -> FixtureCapture {
        FixtureCapture {
            status,
            location: Some(target.to_owned()),
            headers: vec![("Content-Type".into(), "text/html".into())],
            ..FixtureCapture::html(original, timestamp, Vec::new())
        }
    }

    /// The SURT key of the capture's URL.
    pub fn urlkey(&self) -> String {
        surt(&self.original)
    }

    /// Base32 SHA-1 of the body, as the CDX `digest` field.
    pub fn digest(&self) -> String {
        data_encoding::BASE32.encode(&Sha1::digest(&self.body))
    }

    /// A plausible compressed record length, as the CDX `length` field.
    pub fn record_length(&self) -> u64 {
        self.body.len() as u64 / 3 + 420
    }
}

/// Errors loading a fixture folder.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `captures.toml` is malformed.
    #[error("{path} is invalid: {detail}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// The captures of a fake archive, sorted as a CDX index (urlkey, then timestamp).
#[derive(Debug, Clone, Default)]
pub struct FixtureSet {
    captures: Vec<FixtureCapture>,
    /// `captures[i].urlkey()`, computed once: the index is searched by key.
    keys: Vec<String>,
    blocked: Vec<String>,
    domains: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFile {
    #[serde(default)]
    blocked: Vec<String>,
    #[serde(default)]
    capture: Vec<IndexCapture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexCapture {
    url: String,
    timestamp: String,
    #[serde(default = "default_status")]
    status: u16,
    #[serde(default = "default_mimetype")]
    mimetype: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<String>,
    location: Option<String>,
    #[serde(default)]
    raw_location: bool,
}

fn default_status() -> u16 {
    200
}

fn default_mimetype() -> String {
    "text/html".into()
}

impl FixtureSet {
    /// An empty set.
    pub fn new() -> FixtureSet {
        FixtureSet::default()
    }

    /// Loads `DIR/captures.toml` (and `DIR/domains.txt` when present). See the crate docs for
    /// the format.
    pub fn load(dir: &Path) -> Result<FixtureSet, FixtureError> {
        let index_path = dir.join("captures.toml");
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| FixtureError::Io {
                path: path.to_owned(),
                source,
            })
        };
        let text = String::from_utf8_lossy(&read(&index_path)?).into_owned();
        let index: IndexFile = toml::from_str(&text).map_err(|error| FixtureError::Invalid {
            path: index_path.clone(),
            detail: error.to_string(),
        })?;
        let mut set = FixtureSet::new();
        let mut loaded = Vec::with_capacity(index.capture.len());
        for blocked in index.blocked {
            set.block_site(&blocked);
        }
        for entry in index.capture {
            if entry.timestamp.len() != 14 || !entry.timestamp.bytes().all(|b| b.is_ascii_digit()) {
                return Err(FixtureError::Invalid {
                    path: index_path.clone(),
                    detail: format!(
                        "capture of {} has a timestamp that is not 14 digits: {:?}",
                        entry.url, entry.timestamp
                    ),
                });
            }
            let body = match &entry.body {
                Some(file) => {
                    let path = dir.join(file);
                    if !path.starts_with(dir) || file.contains("..") {
                        return Err(FixtureError::Invalid {
                            path: index_path.clone(),
                            detail: format!("body path {file:?} leaves the fixture folder"),
                        });
                    }
                    read(&path)?
                }
                None => Vec::new(),
            };
            let mut headers: Vec<(String, String)> = entry.headers.into_iter().collect();
            if !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".into(), entry.mimetype.clone()));
            }
            loaded.push(FixtureCapture {
                original: entry.url,
                timestamp: entry.timestamp,
                status: entry.status,
                mimetype: entry.mimetype,
                headers,
                body,
                location: entry.location,
                raw_location: entry.raw_location,
            });
        }
        set.extend(loaded);
        let domains_path = dir.join("domains.txt");
        if domains_path.is_file() {
            let text = String::from_utf8_lossy(&read(&domains_path)?).into_owned();
            set.domains = text
                .lines()
                .map(|line| line.split('#').next().unwrap_or("").trim())
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect();
        }
        Ok(set)
    }

    /// Adds a capture, keeping index order.
    pub fn add(&mut self, capture: FixtureCapture) {
        let key = capture.urlkey();
        let at = self.partition_point(&key, &capture.timestamp);
        self.keys.insert(at, key);
        self.captures.insert(at, capture);
    }

    /// Adds many captures at once (one sort instead of one insertion each).
    pub fn extend(&mut self, captures: impl IntoIterator<Item = FixtureCapture>) {
        let mut all: Vec<(String, FixtureCapture)> = std::mem::take(&mut self.captures)
            .into_iter()
            .zip(std::mem::take(&mut self.keys))
            .map(|(capture, key)| (key, capture))
            .collect();
        all.extend(captures.into_iter().map(|c| (c.urlkey(), c)));
        // Stable: captures with the same key and time keep the order they were given in.
        all.sort_by(|a, b| (&a.0, &a.1.timestamp).cmp(&(&b.0, &b.1.timestamp)));
        for (key, capture) in all {
            self.keys.push(key);
            self.captures.push(capture);
        }
    }

    /// Where a capture with this key and time goes in index order (after equal ones).
    fn partition_point(&self, key: &str, timestamp: &str) -> usize {
        let (mut low, mut high) = (0, self.keys.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if (
                self.keys[middle].as_str(),
                self.captures[middle].timestamp.as_str(),
            ) <= (key, timestamp)
            {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// Positions of the captures whose URL key starts with `prefix`, in index order.
    pub fn key_prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.keys.partition_point(|k| k.as_str() < prefix);
        let end = start + self.keys[start..].partition_point(|k| k.starts_with(prefix));
        start..end
    }

    /// The captures of one URL key, oldest first.
    pub fn with_key(&self, key: &str) -> &[FixtureCapture] {
        let start = self.keys.partition_point(|k| k.as_str() < key);
        let end = start + self.keys[start..].partition_point(|k| k == key);
        &self.captures[start..end]
    }

    /// The URL key of the capture at `index`.
    pub fn key_at(&self, index: usize) -> &str {
        &self.keys[index]
    }

    /// Marks a host (and its subdomains) as excluded from the archive.
    pub fn block_site(&mut self, host: &str) {
        self.blocked
            .push(host.trim().trim_start_matches("www.").to_ascii_lowercase());
    }

    /// Whether a URL's host is blocked.
    pub fn is_blocked(&self, url: &str) -> bool {
        let key = surt(url);
        let host = key.split(')').next().unwrap_or("");
        self.blocked.iter().any(|blocked| {
            let blocked_key = surt(blocked);
            let blocked_host = blocked_key.split(')').next().unwrap_or("");
            host == blocked_host || host.starts_with(&format!("{blocked_host},"))
        })
    }

    /// All captures in index order.
    pub fn captures(&self) -> &[FixtureCapture] {
        &self.captures
    }

    /// The domains named in `domains.txt`.
    pub fn domains(&self) -> &[String] {
        &self.domains
    }
}

/// The SURT form of a URL as the Wayback CDX index keys it: scheme and `www`/`wwwN.` dropped,
/// host labels reversed and comma-joined, lowercase, default ports dropped
/// (`http://www.Example.com:80/A?b=1` → `com,example)/a?b=1`).
pub fn surt(url: &str) -> String {
    let trimmed = url.trim();
    let rest = match trimmed.find("://") {
        Some(at) => &trimmed[at + 3..],
        None => trimmed,
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let authority = authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_ascii_lowercase();
    let host = authority
        .strip_suffix(":80")
        .or_else(|| authority.strip_suffix(":443"))
        .unwrap_or(&authority);
    let mut labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    if labels.len() > 2
        && labels.first().is_some_and(|first| {
            first
                .strip_prefix("www")
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
    {
        labels.remove(0);
    }
    labels.reverse();
    let path = path.split('#').next().unwrap_or("");
    let path = if path.is_empty() || path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_owned()
    };
    format!("{}){}", labels.join(","), path.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surt_keys_match_the_archive() {
        assert_eq!(surt("http://www.archive.org:80/"), "org,archive)/");
        assert_eq!(surt("https://WWW2.Example.com/A?b=1"), "com,example)/a?b=1");
        assert_eq!(surt("http://www.zew.de"), "de,zew)/");
        assert_eq!(surt("example.com/privacy"), "com,example)/privacy");
        assert_eq!(
            surt("http://sub.example.co.uk/x#frag"),
            "uk,co,example,sub)/x"
        );
        assert_eq!(surt("http://www.com/"), "com,www)/");
    }

    #[test]
    fn captures_stay_in_index_order_and_digests_are_base32_sha1() {
        let mut set = FixtureSet::new();
        set.add(FixtureCapture::html("http://b.com/", "20200101000000", "b"));
        set.add(FixtureCapture::html(
            "http://a.com/",
            "20210101000000",
            "a2",
        ));
        set.add(FixtureCapture::html(
            "https://www.a.com/",
            "20190101000000",
            "a1",
        ));
        let order: Vec<_> = set.captures().iter().map(|c| c.body.clone()).collect();
        assert_eq!(order, [b"a1".to_vec(), b"a2".to_vec(), b"b".to_vec()]);
        assert_eq!(
            FixtureCapture::html("http://x/", "20200101000000", "").digest(),
            "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"
        );
    }

    #[test]
    fn blocked_hosts_cover_subdomains() {
        let mut set = FixtureSet::new();
        set.block_site("www.blocked.com");
        assert!(set.is_blocked("http://blocked.com/privacy"));
        assert!(set.is_blocked("https://shop.blocked.com/"));
        assert!(!set.is_blocked("http://notblocked.com/"));
    }
}
