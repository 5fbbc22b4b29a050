//! What makes two captures "the same text": the Markdown body, without the header line and the
//! title, and with archive links made independent of the capture's timestamp.

use std::sync::LazyLock;

use sha1::{Digest, Sha1};

/// The hash that decides versions: base32 SHA-1 of the policy body. `None` when the body is
/// empty (the page has no readable text: not a version).
///
/// Left out: the corpus header line (it names the capture date), the `# TITLE` line (a title
/// changes with site-wide templates, not with the policy), and the 14-digit timestamps inside
/// archive links (`/web/20170608160109id_/` and `/web/20180101000000id_/` point at the same
/// page), so a page re-captured unchanged gives the same hash.
pub fn policy_text_hash(markdown: &str) -> Option<String> {
    let body = policy_body(markdown);
    if body.trim().is_empty() {
        return None;
    }
    let normalized = comparable_body(body);
    Some(data_encoding::BASE32.encode(&Sha1::digest(normalized.trim_end().as_bytes())))
}

/// A body with the 14-digit timestamps of archive links removed (`/web/20170608160109id_/`
/// becomes `/web/id_/`): what versions compare, and what diffs show, so that a page captured
/// again shows no change in its links.
pub fn comparable_body(body: &str) -> std::borrow::Cow<'_, str> {
    static ARCHIVE_TIMESTAMP: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"/\d{14}id_/").expect("a constant, valid pattern"));
    ARCHIVE_TIMESTAMP.replace_all(body, "/id_/")
}

/// The body of a corpus-style document: what follows the header line and the `# TITLE` line.
pub fn policy_body(markdown: &str) -> &str {
    let mut rest = markdown;
    if rest.starts_with("> *The following text is extracted") {
        rest = rest.split_once('\n').map_or("", |(_, tail)| tail);
    }
    let rest = rest.trim_start_matches('\n');
    if rest.starts_with("# ") {
        return rest.split_once('\n').map_or("", |(_, tail)| tail);
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(date: &str, ts: &str, title: &str, body: &str) -> String {
        format!(
            "> *The following text is extracted and transformed from the a.com privacy policy that was archived on {date}. Please check the [original snapshot on the Wayback Machine](https://web.archive.org/web/{ts}id_/http%3A//a.com/p) for the most accurate reproduction.*\n\n# {title}\n\n{body}"
        )
    }

    #[test]
    fn recaptures_of_the_same_text_hash_alike() {
        let a = doc(
            "2010-01-01",
            "20100101000000",
            "Privacy",
            "We [care](https://web.archive.org/web/20100101000000id_/http%3A//a.com/x).\n",
        );
        let b = doc(
            "2012-05-05",
            "20120505000000",
            "Privacy | A",
            "We [care](https://web.archive.org/web/20120505000000id_/http%3A//a.com/x).\n",
        );
        assert_eq!(policy_text_hash(&a), policy_text_hash(&b));
        let c = doc(
            "2012-05-05",
            "20120505000000",
            "Privacy",
            "We do not care.\n",
        );
        assert_ne!(policy_text_hash(&a), policy_text_hash(&c));
    }

    #[test]
    fn an_empty_body_is_no_text() {
        assert_eq!(
            policy_text_hash(&doc("2010-01-01", "20100101000000", "None", "\n\n")),
            None
        );
        assert_eq!(policy_text_hash(""), None);
    }
}
