//! Registrars' and parking services' templates: a pure rule that tells when a version's text is
//! the page a registrar serves for a parked, expired or for-sale domain (or its policy), so
//! that studies can filter such versions out (`versions.parked`, the export's `parked`).
//!
//! The rule is general: what the text says ("this domain is parked", "buy this domain",
//! "this domain has expired"), and where the homepage's link led (an off-site URL naming a
//! parked or expired domain's page, as `pageid=privacy_parkedpage` or `?source=expired`). The
//! export adds the shared hashes: a text flagged for one domain is parked for every domain that
//! holds it. No list of registrars or domains.
//!
//! Not for: policy generators' or parent companies' shared texts (`shared_text_domains` counts
//! those), or pages that are no policy at all ([`crate::not_policy`]).

use std::sync::LazyLock;

use regex::Regex;
use store::{Parked, Relation};

/// What parking pages say about the domain they stand in for.
static PARKING_WORDS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\bthis (?:domain|domain name|web ?site|web ?page|page) (?:is|has been|was) ",
        r"(?:parked|for sale|registered (?:at|with|by))\b",
        r"|\b(?:domain|domain name) (?:may be|is|might be) for sale\b",
        r"|\bbuy this domain\b",
        r"|\bparked (?:free|for free|courtesy of|by)\b",
        r"|\bthis (?:domain|domain name) (?:has )?expired\b",
        r"|\b(?:domain|domain name) (?:has|is) expired\b",
        r"|\bexpired domain\b",
    ))
    .ok()
});

/// Why a version's text (`title`, `body`, found at `url`, which lives where `relation` says)
/// is a registrar's or parking template, or `None`.
pub(crate) fn parked(
    url: &str,
    relation: Relation,
    title: Option<&str>,
    body: &str,
) -> Option<Parked> {
    if let Some(words) = PARKING_WORDS.as_ref()
        && (words.is_match(body) || title.is_some_and(|t| words.is_match(t)))
    {
        return Some(Parked::Words);
    }
    (relation == Relation::LinkedOffsite && names_a_parking_page(url)).then_some(Parked::Link)
}

/// Whether a URL's path or query names a parked, expired or for-sale domain's page
/// (`ShowDoc.aspx?pageid=privacy_parkedpage`, `/privacy?source=expired`, `/forsale`).
fn names_a_parking_page(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    let rest = format!("{} {}", url.path(), url.query().unwrap_or("")).to_lowercase();
    rest.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| {
            word.starts_with("parked")
                || word.starts_with("parking")
                || word == "expired"
                || word == "forsale"
                || word == "domainforsale"
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "\nWe collect information you give us and use cookies.\n";

    #[test]
    fn a_parking_page_says_so() {
        for text in [
            "This domain is parked free, courtesy of GoDaddy.com.",
            "This domain may be for sale. Buy this domain.",
            "The domain name has expired. Renew it now.",
            "This web page is parked FREE, courtesy of a registrar.",
            "This domain was registered at Namecheap.",
        ] {
            let body = format!("\n{text}\n");
            assert_eq!(
                parked("http://a.com/", Relation::SameSite, None, &body),
                Some(Parked::Words),
                "{text}"
            );
        }
    }

    #[test]
    fn a_policy_that_talks_about_domains_is_not_parked() {
        for text in [
            "If you registered with us, we keep your email address.",
            "When your subscription has expired, we delete your data.",
            "Your personal information is not for sale.",
            "We register domain names for our customers.",
        ] {
            let body = format!("\n{text}\n");
            assert_eq!(
                parked("http://a.com/privacy", Relation::SameSite, None, &body),
                None,
                "{text}"
            );
        }
    }

    #[test]
    fn an_offsite_link_to_a_parked_or_expired_page_is_parked() {
        for url in [
            "http://www.godaddy.com/agreements/ShowDoc.aspx?pageid=privacy_parkedpage",
            "https://www.hover.com/privacy?source=expired",
            "https://registrar.example/parking/privacy",
        ] {
            assert_eq!(
                parked(url, Relation::LinkedOffsite, Some("Privacy"), POLICY),
                Some(Parked::Link),
                "{url}"
            );
            // The same words on the site's own URL are the site's business.
            assert_eq!(
                parked(url, Relation::SameSite, Some("Privacy"), POLICY),
                None
            );
        }
        for url in [
            "https://www.linkup.com/privacy",
            "https://privacypolicy.news/privacy-policy.html",
            "https://www.sparkedideas.com/privacy",
            "https://www.example.com/privacy?expiredsession=1",
        ] {
            assert_eq!(
                parked(url, Relation::LinkedOffsite, Some("Privacy"), POLICY),
                None,
                "{url}"
            );
        }
    }
}
