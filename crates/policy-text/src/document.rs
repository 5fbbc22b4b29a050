//! The corpus-style policy document: writing and reading its three parts (the header line that
//! names the site, the capture date and the snapshot, the `# TITLE` line, and the body), and the
//! one rule for when two captures hold the same text.
//!
//! The body of a capture depends on the capture's time only through the archive links that
//! relative links become (`https://web.archive.org/web/20170608160109id_/http%3A//a.com/x`):
//! [`BodyTemplate`] writes that timestamp as a placeholder, so one stored template serves every
//! capture of the same text, and [`comparable_body`] removes such timestamps from any body, so
//! that captures of one text compare equal.

use std::borrow::Cow;
use std::sync::LazyLock;

use document_type::DocumentType;
use sha1::{Digest, Sha1};

/// The start of every corpus header line.
const HEADER_START: &str = "> *The following text is extracted";

/// The placeholder a [`BodyTemplate`] writes for the capture's own timestamp in archive links.
const PLACEHOLDER: &str = "/{{timestamp}}id_/";

/// A corpus-style document split into its parts (borrowed from the Markdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Document<'a> {
    /// The header line (`> *The following text is extracted ...*`), if present.
    pub header: Option<&'a str>,
    /// The `# TITLE` line's text: `None` for `# None`, an empty title, or no title line.
    pub title: Option<&'a str>,
    /// What follows the title line (or the header, when there is no title line), as written.
    pub body: &'a str,
}

impl<'a> Document<'a> {
    /// Splits corpus-style Markdown (as [`write`] makes it, or a published corpus file) into
    /// its parts. Leading blank lines and the blank line after the header are skipped; the body
    /// is everything after the title line's newline, untouched.
    pub fn parse(markdown: &'a str) -> Document<'a> {
        let mut rest = skip_blank_lines(markdown);
        let mut header = None;
        if rest.starts_with(HEADER_START) {
            let (line, after) = split_first_line(rest);
            header = Some(line);
            rest = skip_blank_lines(after);
        }
        let (line, after) = split_first_line(rest);
        let line = line.trim_end();
        if line == "#" || line.starts_with("# ") {
            let title = line.trim_start_matches('#').trim();
            let title = (!title.is_empty() && title != "None").then_some(title);
            return Document {
                header,
                title,
                body: after,
            };
        }
        Document {
            header,
            title: None,
            body: rest,
        }
    }
}

/// The corpus header line for `domain`'s document of type `kind` captured at `snapshot_url`
/// (an `id_` URL: its timestamp gives the date). The privacy policy's is byte for byte the
/// corpus's; other types name themselves the same way ("the a.com terms of service that was
/// archived on ..."). `None` when the URL has no 14-digit timestamp.
pub fn header_line(domain: &str, kind: DocumentType, snapshot_url: &str) -> Option<String> {
    let date = snapshot_date(snapshot_url)?;
    let phrase = kind.phrase();
    Some(format!(
        "> *The following text is extracted and transformed from the {domain} {phrase} that was archived on {date}. Please check the [original snapshot on the Wayback Machine]({snapshot_url}) for the most accurate reproduction.*"
    ))
}

/// The whole corpus-style Markdown: the header line, a blank line, `# TITLE` (`# None` without
/// a title) and the body ([`Document::body`]: what follows the title line, starting with its
/// blank line). The inverse of [`Document::parse`]. `None` when the snapshot URL has no
/// 14-digit timestamp.
pub fn write(
    domain: &str,
    kind: DocumentType,
    snapshot_url: &str,
    title: Option<&str>,
    body: &str,
) -> Option<String> {
    let header = header_line(domain, kind, snapshot_url)?;
    Some(format!("{header}\n\n# {}\n{body}", title.unwrap_or("None")))
}

/// The byte offset where the body starts in Markdown made by [`write`].
pub(crate) fn body_offset(markdown: &str) -> usize {
    let body = Document::parse(markdown).body;
    markdown.len() - body.len()
}

/// `YYYY-MM-DD` from `/web/YYYYMMDDhhmmssid_/` (or any `/YYYYMMDDhhmmss??_/` path segment).
fn snapshot_date(snapshot_url: &str) -> Option<String> {
    static TIMESTAMP: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"/(\d{4})(\d{2})(\d{2})\d{6}(?:[a-z]{2}_)?/")
            .expect("a constant, valid pattern")
    });
    let caps = TIMESTAMP.captures(snapshot_url)?;
    Some(format!("{}-{}-{}", &caps[1], &caps[2], &caps[3]))
}

/// A body with the 14-digit timestamps of archive links removed (`/web/20170608160109id_/`
/// becomes `/web/id_/`): what versions compare, and what diffs show, so that a page captured
/// again shows no change in its links.
pub fn comparable_body(body: &str) -> Cow<'_, str> {
    static ARCHIVE_TIMESTAMP: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"/\d{14}id_/").expect("a constant, valid pattern"));
    ARCHIVE_TIMESTAMP.replace_all(body, "/id_/")
}

/// The hash that decides versions: base32 SHA-1 of the comparable body. `None` when the body
/// is empty (the page has no readable text: not a version).
///
/// Left out: the header line (it names the capture date), the `# TITLE` line (a title changes
/// with site-wide templates, not with the policy), and the 14-digit timestamps inside archive
/// links, so a page re-captured unchanged gives the same hash.
pub fn text_hash(body: &str) -> Option<String> {
    if body.trim().is_empty() {
        return None;
    }
    let normalized = comparable_body(body);
    Some(data_encoding::BASE32.encode(&Sha1::digest(normalized.trim_end().as_bytes())))
}

/// A capture's body with the capture's own timestamp in archive links written as a
/// placeholder: the same for every capture of one text at one URL, so it is stored once and
/// filled in for each capture. [`BodyTemplate::fill`] with the capture's timestamp gives the
/// body back exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyTemplate {
    text: String,
    /// Whether `text` holds placeholders (a body that already contains the placeholder's
    /// characters is kept as it is, so that filling never changes it).
    templated: bool,
}

impl BodyTemplate {
    /// The template of `body`, converted for the capture at `timestamp` (14 digits).
    pub fn of(body: &str, timestamp: &str) -> BodyTemplate {
        if body.contains(PLACEHOLDER) || !is_timestamp(timestamp) {
            return BodyTemplate {
                text: body.to_owned(),
                templated: false,
            };
        }
        BodyTemplate {
            text: body.replace(&format!("/{timestamp}id_/"), PLACEHOLDER),
            templated: true,
        }
    }

    /// A template as stored ([`BodyTemplate::text`], [`BodyTemplate::is_templated`]).
    pub fn from_stored(text: String, templated: bool) -> BodyTemplate {
        BodyTemplate { text, templated }
    }

    /// The stored form.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the stored form holds placeholders.
    pub fn is_templated(&self) -> bool {
        self.templated
    }

    /// The body of the capture at `timestamp`.
    pub fn fill(&self, timestamp: &str) -> Cow<'_, str> {
        if self.templated && is_timestamp(timestamp) {
            Cow::Owned(self.text.replace(PLACEHOLDER, &format!("/{timestamp}id_/")))
        } else {
            Cow::Borrowed(&self.text)
        }
    }

    /// Base32 SHA-1 of the stored form and its flag: the key it is stored under.
    pub fn key(&self) -> String {
        let mut hasher = Sha1::new();
        hasher.update([u8::from(self.templated)]);
        hasher.update(self.text.as_bytes());
        data_encoding::BASE32.encode(&hasher.finalize())
    }
}

fn is_timestamp(value: &str) -> bool {
    value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit())
}

fn skip_blank_lines(mut s: &str) -> &str {
    loop {
        let (line, after) = split_first_line(s);
        if line.trim().is_empty() && !after.is_empty() {
            s = after;
        } else if line.trim().is_empty() {
            return "";
        } else {
            return s;
        }
    }
}

fn split_first_line(s: &str) -> (&str, &str) {
    match s.find('\n') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(ts: &str, title: Option<&str>, body: &str) -> String {
        let snapshot = format!("https://web.archive.org/web/{ts}id_/http%3A//a.com/p");
        write("a.com", DocumentType::Privacy, &snapshot, title, body)
            .expect("a timestamped snapshot URL")
    }

    #[test]
    fn written_documents_parse_back_into_their_parts() {
        let markdown = doc("20100101000000", Some("Privacy | A"), "\nWe care.\n");
        assert_eq!(
            markdown,
            "> *The following text is extracted and transformed from the a.com privacy policy that was archived on 2010-01-01. Please check the [original snapshot on the Wayback Machine](https://web.archive.org/web/20100101000000id_/http%3A//a.com/p) for the most accurate reproduction.*\n\n# Privacy | A\n\nWe care.\n"
        );
        let parsed = Document::parse(&markdown);
        assert!(parsed.header.is_some_and(|h| h.ends_with("reproduction.*")));
        assert_eq!(parsed.title, Some("Privacy | A"));
        assert_eq!(parsed.body, "\nWe care.\n");
        assert_eq!(&markdown[body_offset(&markdown)..], "\nWe care.\n");
        let untitled = doc("20100101000000", None, "\nx\n");
        let parsed = Document::parse(&untitled);
        assert_eq!(
            write(
                "a.com",
                DocumentType::Privacy,
                "https://web.archive.org/web/20100101000000id_/http%3A//a.com/p",
                parsed.title,
                parsed.body
            )
            .as_deref(),
            Some(untitled.as_str()),
            "write is the inverse of parse"
        );
        assert!(untitled.contains("\n\n# None\n\n"));
        assert_eq!(Document::parse(&untitled).title, None);
    }

    #[test]
    fn text_without_header_or_title_is_all_body() {
        let parsed = Document::parse("\n\nJust text.\n");
        assert_eq!(
            parsed,
            Document {
                header: None,
                title: None,
                body: "Just text.\n"
            }
        );
        assert_eq!(Document::parse("# \nx").title, None);
        assert_eq!(Document::parse("").body, "");
    }

    #[test]
    fn a_snapshot_url_without_a_timestamp_has_no_header() {
        assert_eq!(
            header_line(
                "a.com",
                DocumentType::Privacy,
                "https://web.archive.org/web/x"
            ),
            None
        );
    }

    #[test]
    fn other_types_name_themselves_in_the_header() {
        let snapshot = "https://web.archive.org/web/20100101000000id_/http%3A//a.com/agb";
        let header = header_line("a.com", DocumentType::Terms, snapshot).expect("a timestamp");
        assert!(
            header.starts_with(
                "> *The following text is extracted and transformed from the a.com terms of service that was archived on 2010-01-01."
            ),
            "{header}"
        );
        let imprint = header_line("a.de", DocumentType::Imprint, snapshot).expect("a timestamp");
        assert!(imprint.contains("the a.de imprint that was archived on"));
    }

    #[test]
    fn recaptures_of_the_same_text_hash_alike() {
        let body = |ts: &str| {
            format!("\nWe [care](https://web.archive.org/web/{ts}id_/http%3A//a.com/x).\n")
        };
        let a = doc("20100101000000", Some("Privacy"), &body("20100101000000"));
        let b = doc(
            "20120505000000",
            Some("Privacy | A"),
            &body("20120505000000"),
        );
        let hash = |m: &str| text_hash(Document::parse(m).body);
        assert_eq!(hash(&a), hash(&b));
        assert!(hash(&a).is_some());
        let c = doc("20120505000000", Some("Privacy"), "\nWe do not care.\n");
        assert_ne!(hash(&a), hash(&c));
        assert_eq!(text_hash("\n\n"), None);
    }

    #[test]
    fn a_template_gives_each_capture_its_own_body_back() {
        let body = "[a](https://web.archive.org/web/20100101000000id_/http%3A//a.com/x) and \
                    [b](https://web.archive.org/web/19990101000000id_/http%3A//b.com/)\n";
        let template = BodyTemplate::of(body, "20100101000000");
        assert!(template.is_templated());
        assert_eq!(template.fill("20100101000000"), body);
        let later = body.replace("20100101000000", "20110202000000");
        assert_eq!(template.fill("20110202000000"), later);
        // The other capture of the same text at the same URL has the same template.
        assert_eq!(BodyTemplate::of(&later, "20110202000000"), template);
        assert_eq!(
            BodyTemplate::from_stored(template.text().to_owned(), true).key(),
            template.key()
        );
    }

    #[test]
    fn a_body_holding_the_placeholder_is_kept_as_it_is() {
        let body = "see /{{timestamp}}id_/ and /20100101000000id_/\n";
        let template = BodyTemplate::of(body, "20100101000000");
        assert!(!template.is_templated());
        assert_eq!(template.fill("20100101000000"), body);
        assert_eq!(template.fill("20990101000000"), body);
        assert_ne!(
            template.key(),
            BodyTemplate::from_stored(body.into(), true).key()
        );
    }
}
