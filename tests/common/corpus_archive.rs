//! The corpus archive: the 18 reference pairs of `tests/corpus/dev` as the archive a new user
//! would meet. Each policy page is served at the real URL and 14-digit time its snapshot URL
//! names; each domain's homepage `http://DOMAIN/` is archived ten days before and a month after
//! it, with a footer link "Privacy Policy" to that URL (issue 14's test archive).

use std::path::{Path, PathBuf};

use fake_wayback::{FixtureCapture, FixtureSet};
use wayback::Timestamp;

use super::repo;

/// The five pairs whose policy lives on another host (issue 14's table).
pub const OFF_SITE: [&str; 5] = [
    "bookbao.org",
    "delimitdesign.com",
    "jobdig.com",
    "lesentrepreneursduweb.com",
    "lessframework.com",
];

/// The thirteen pairs whose policy lives on the domain itself (or a subdomain of it).
pub const ON_SITE: [&str; 13] = [
    "chaimusic.us",
    "goodheregames.com",
    "lineage2warpgate.com",
    "marcosorder.com",
    "newaboutindia.com",
    "online-calculator.org",
    "online-filmi.com",
    "online-television.net",
    "paraphrase-online.com",
    "shocklet.in",
    "tracking101.com",
    "visionbill.com",
    "zooescape.com",
];

/// One reference pair read from the corpus folder.
#[derive(Debug, Clone)]
pub struct CorpusPair {
    /// The site domain the header names.
    pub domain: String,
    /// The 14-digit capture time of the snapshot URL.
    pub timestamp: String,
    /// The policy's URL, percent-decoded from the snapshot URL.
    pub policy_url: String,
    /// The page: the `.html` file's bytes after its header comment.
    pub page: Vec<u8>,
    /// The published Markdown (`.md`).
    pub markdown: Vec<u8>,
    /// The pair's file name without extension, `DOMAIN__TIMESTAMP`.
    pub stem: String,
}

/// The corpus folder.
pub fn corpus_dir() -> PathBuf {
    repo().join("tests/corpus/dev")
}

/// Every pair of `tests/corpus/dev`, sorted by file name. Panics on a malformed pair: the
/// corpus is the test's own input.
pub fn corpus_pairs() -> Vec<CorpusPair> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .collect();
    pages.sort();
    pages.iter().map(|path| read_pair(path)).collect()
}

fn read_pair(path: &Path) -> CorpusPair {
    let name = path.display();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (header, page) =
        policy_text::split_corpus_file(&text).unwrap_or_else(|| panic!("{name}: no header"));
    let (timestamp, quoted) = header
        .snapshot_url
        .strip_prefix("https://web.archive.org/web/")
        .and_then(|rest| rest.split_once("id_/"))
        .unwrap_or_else(|| panic!("{name}: snapshot URL {}", header.snapshot_url));
    assert!(
        timestamp.len() == 14 && timestamp.bytes().all(|b| b.is_ascii_digit()),
        "{name}: timestamp {timestamp}"
    );
    let policy_url = percent_decode(quoted).unwrap_or_else(|| panic!("{name}: URL {quoted}"));
    // The crawl writes the snapshot URL from the decoded URL: it must quote back to the same.
    assert_eq!(
        policy_text::snapshot_url("https://web.archive.org", timestamp, &policy_url),
        header.snapshot_url,
        "{name}: the decoded URL quotes back"
    );
    let markdown_path = path.with_extension("md");
    let markdown = std::fs::read(&markdown_path)
        .unwrap_or_else(|e| panic!("{}: {e}", markdown_path.display()));
    CorpusPair {
        domain: header.domain.clone(),
        timestamp: timestamp.to_owned(),
        policy_url,
        page: page.as_bytes().to_vec(),
        markdown,
        stem: path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Python's `urllib.parse.unquote` for ASCII escapes: `%XX` to its byte; `None` for a broken
/// escape or a result that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `timestamp` moved by `days` (negative: earlier).
pub fn shifted(timestamp: &str, days: i64) -> String {
    Timestamp::parse(timestamp)
        .ok()
        .and_then(|t| t.add_seconds(days * 86_400))
        .unwrap_or_else(|| panic!("{timestamp} + {days} days"))
        .to_string()
}

/// Escapes text for an HTML attribute or text node.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A small plain homepage whose footer links "Privacy Policy" to `policy_url`.
pub fn homepage(domain: &str, year: &str, policy_url: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>{domain}</title></head><body>\n\
         <div id=\"header\"><h1>{domain}</h1></div>\n\
         <div id=\"content\"><p>Welcome to {domain}.</p><p><a href=\"/about\">About us</a></p></div>\n\
         <div id=\"footer\"><a href=\"/contact\">Contact</a> | \
         <a href=\"{href}\">Privacy Policy</a><p>&copy; {year} {domain}</p></div>\n\
         </body></html>\n",
        href = escape_html(policy_url),
    )
}

/// The archive of the pairs: each policy at its real URL and time (status 200, `text/html`),
/// each homepage ten days before and thirty days after it.
pub fn corpus_archive(pairs: &[CorpusPair]) -> FixtureSet {
    let mut captures = Vec::new();
    for pair in pairs {
        captures.push(FixtureCapture::html(
            &pair.policy_url,
            &pair.timestamp,
            pair.page.clone(),
        ));
        let home = format!("http://{}/", pair.domain);
        for days in [-10, 30] {
            let at = shifted(&pair.timestamp, days);
            let page = homepage(&pair.domain, &at[..4], &pair.policy_url);
            captures.push(FixtureCapture::html(&home, &at, page));
        }
    }
    let mut set = FixtureSet::new();
    set.extend(captures);
    set
}

/// Writes the pairs' domains, one a line, to `path`.
pub fn write_domains(pairs: &[CorpusPair], path: &Path) {
    let list: String = pairs.iter().map(|p| format!("{}\n", p.domain)).collect();
    std::fs::write(path, list).expect("write domains file");
}
