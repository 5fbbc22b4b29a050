//! Turns an archived policy page into the Markdown of the Princeton-Leuven privacy-policy corpus,
//! byte for byte: the header line, `# TITLE`, and the body that Readability.js 0.3.0 and
//! html2text 2020.1.16 made for it (both reimplemented in Rust; neither runs here).
//!
//! Not for: fetching pages, choosing which page is a policy, or extracting fields.

#![forbid(unsafe_code)]

pub mod document;
mod markdown;
mod tokens;

pub use markdown::render_article;

use document_type::DocumentType;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// The converter's version, recorded with every text it makes (`texts.converter` in the
/// store). Bump it in the commit that changes the Markdown for any page, so that
/// `crawler rebuild` can tell the texts an older converter made.
pub const CONVERTER_VERSION: &str = "policy-text 1";

/// A converted policy page.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// The page's `<title>` as `document.title` reads it; `None` when the page has none.
    pub title: Option<String>,
    /// The corpus-style Markdown, header included ([`document::write`]).
    pub markdown: String,
    /// The encoding the bytes were decoded from.
    pub encoding: &'static str,
    /// Where the body starts in `markdown`.
    body_start: usize,
}

impl PolicyDocument {
    /// The body: what follows the `# TITLE` line ([`document::Document::body`]).
    pub fn body(&self) -> &str {
        &self.markdown[self.body_start..]
    }
}

/// Why a page could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The snapshot URL is not a Wayback `id_` URL with a 14-digit timestamp.
    #[error("snapshot URL {0:?} is not like https://web.archive.org/web/YYYYMMDDhhmmssid_/URL")]
    BadSnapshotUrl(String),
    /// The snapshot URL could not serve as the base of relative links, or the page is not a
    /// readable document (nested too deep, built too large, or over the time budget).
    #[error(transparent)]
    Readability(#[from] readability::ReadabilityError),
}

impl ConvertError {
    /// Whether the conversion stopped at its time budget (the page may convert on a less busy
    /// machine), rather than on the page itself.
    pub fn is_out_of_time(&self) -> bool {
        matches!(
            self,
            ConvertError::Readability(readability::ReadabilityError::OutOfTime)
        )
    }
}

/// The time one page may take to convert in [`convert`]; beyond it the conversion stops with
/// [`readability::ReadabilityError::OutOfTime`]. Real pages take milliseconds (an 8 MiB page
/// well under a second).
pub const TIME_BUDGET: Duration = Duration::from_secs(5);

/// Converts an archived page to the corpus Markdown. `content_type` is the HTTP header, if
/// known (for the charset); `domain` is the site the policy belongs to; `snapshot_url` is the
/// capture's `id_` URL, written in the header and used as the base of relative links. The
/// conversion may take [`TIME_BUDGET`].
pub fn convert(
    html_bytes: &[u8],
    content_type: Option<&str>,
    domain: &str,
    snapshot_url: &str,
) -> Result<PolicyDocument, ConvertError> {
    convert_within(html_bytes, content_type, domain, snapshot_url, TIME_BUDGET)
}

/// [`convert`] with another time budget.
pub fn convert_within(
    html_bytes: &[u8],
    content_type: Option<&str>,
    domain: &str,
    snapshot_url: &str,
    budget: Duration,
) -> Result<PolicyDocument, ConvertError> {
    let deadline = Instant::now().checked_add(budget);
    // The header needs the snapshot's date: refuse a bad URL before the work.
    if document::header_line(domain, DocumentType::Privacy, snapshot_url).is_none() {
        return Err(ConvertError::BadSnapshotUrl(snapshot_url.to_owned()));
    }
    let decoded = charset::decode_html(html_bytes, content_type);
    let extraction = readability::extract(&decoded.text, snapshot_url, deadline)?;
    let (title, body) = match &extraction.article {
        Some(article) => (
            article.document_title.as_deref().map(document_title),
            render_article(&article.content_html),
        ),
        // A page Readability gave up on keeps the text of its first `<title>`.
        None => (
            extraction.first_title.as_deref().map(document_title),
            render_article(""),
        ),
    };
    laid_out(domain, snapshot_url, title, &body, decoded.encoding.name())
}

/// Assembles a [`PolicyDocument`] from a title and a body made by another converter (a PDF's
/// text): the same header line (a privacy policy's, as [`convert`] writes; versions write
/// their own type's), `# TITLE` and body as [`convert`] writes. `body_markdown` is the
/// body without its leading blank line; `encoding` names what the bytes were read as.
pub fn assemble(
    domain: &str,
    snapshot_url: &str,
    title: Option<&str>,
    body_markdown: &str,
    encoding: &'static str,
) -> Result<PolicyDocument, ConvertError> {
    laid_out(
        domain,
        snapshot_url,
        title.map(document_title),
        body_markdown,
        encoding,
    )
}

/// The document of `title` (already collapsed) and `body` (without its leading blank line)
/// in the corpus layout, with a privacy policy's header line.
fn laid_out(
    domain: &str,
    snapshot_url: &str,
    title: Option<String>,
    body: &str,
    encoding: &'static str,
) -> Result<PolicyDocument, ConvertError> {
    let markdown = document::write(
        domain,
        DocumentType::Privacy,
        snapshot_url,
        title.as_deref(),
        &format!("\n{body}"),
    )
    .ok_or_else(|| ConvertError::BadSnapshotUrl(snapshot_url.to_owned()))?;
    Ok(PolicyDocument {
        title,
        body_start: document::body_offset(&markdown),
        markdown,
        encoding,
    })
}

/// `document.title`: ASCII whitespace collapsed to single spaces and stripped.
fn document_title(raw: &str) -> String {
    raw.split([' ', '\t', '\n', '\u{c}', '\r'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The corpus's snapshot URL for a capture: `{archive}/web/{timestamp}id_/{quote(url)}`, where
/// `quote` is Python's `urllib.parse.quote` with `/` safe.
pub fn snapshot_url(archive: &str, timestamp: &str, original_url: &str) -> String {
    let mut quoted = String::with_capacity(original_url.len() + 8);
    for byte in original_url.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-' | b'~' | b'/') {
            quoted.push(byte as char);
        } else {
            quoted.push_str(&format!("%{byte:02X}"));
        }
    }
    format!(
        "{}/web/{timestamp}id_/{quoted}",
        archive.trim_end_matches('/')
    )
}

/// The leading comment of a corpus `.html` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusHeader {
    /// The site domain.
    pub domain: String,
    /// The capture date, `YYYY-MM-DD`.
    pub date: String,
    /// The snapshot URL.
    pub snapshot_url: String,
}

/// Splits a corpus `.html` file into its header comment and the page that follows it.
pub fn split_corpus_file(text: &str) -> Option<(CorpusHeader, &str)> {
    static HEADER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\A<!--The following is the downloaded HTML source of the (\S+) privacy policy that was archived on (\d{4}-\d{2}-\d{2})\.\n Please check the original snapshot on the Wayback Machine \((\S+)\) for the most accurate reproduction\.-->\n\n")
            .expect("a constant, valid pattern")
    });
    let caps = HEADER.captures(text)?;
    let end = caps.get(0)?.end();
    Some((
        CorpusHeader {
            domain: caps[1].to_owned(),
            date: caps[2].to_owned(),
            snapshot_url: caps[3].to_owned(),
        },
        &text[end..],
    ))
}

/// Line-level similarity in [0, 1]: `2·M / T` where `M` counts the lines of the longest
/// matching alignment and `T` the lines of both texts (`similar`'s ratio over lines).
pub fn line_similarity(a: &str, b: &str) -> f64 {
    f64::from(similar::TextDiff::from_lines(a, b).ratio())
}
