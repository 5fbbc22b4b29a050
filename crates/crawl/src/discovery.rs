//! The pure half of discovery: scoring links and URLs as privacy-policy candidates, grouping
//! candidate captures into spans, and normalising URLs and domains. No I/O here. Private to the
//! crate: [`Keywords`] and [`normalize_domain`] are re-exported from its root.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use store::DocumentType;
use wayback::Capture;

/// The words discovery looks for, in link texts and in URLs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Keywords {
    /// Link texts that name a policy (lowercase; matched as whole text first, then contained).
    pub link_texts: Vec<String>,
    /// URL fragments of policy pages (lowercase, plain text; also the CDX filter).
    pub url_parts: Vec<String>,
}

/// The privacy policy's words (the default type's).
impl Default for Keywords {
    fn default() -> Keywords {
        Keywords {
            link_texts: [
                "privacy policy",
                "privacy statement",
                "privacy notice",
                "privacy & cookies",
                "privacy and cookies",
                "privacy",
                "datenschutz",
                "datenschutzerklärung",
                "politique de confidentialité",
                "confidentialité",
                "política de privacidad",
                "privacidad",
                "informativa sulla privacy",
                "privacybeleid",
            ]
            .map(String::from)
            .to_vec(),
            url_parts: [
                "privacy",
                "datenschutz",
                "confidentialit",
                "privacidad",
                "privacite",
                "privatsphare",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| (*w).to_owned()).collect()
}

impl Keywords {
    /// The built-in words of a document type, in English, German, French, Spanish, Italian and
    /// Dutch. URL parts are matched inside the whole URL, so they avoid short words that hide
    /// in others (`tos` is in `photos`).
    pub fn defaults_for(kind: DocumentType) -> Keywords {
        match kind {
            DocumentType::Privacy => Keywords::default(),
            DocumentType::Terms => Keywords {
                link_texts: words(&[
                    "terms of service",
                    "terms of use",
                    "terms and conditions",
                    "terms & conditions",
                    "terms",
                    "conditions of use",
                    "user agreement",
                    "legal terms",
                    "agb",
                    "allgemeine geschäftsbedingungen",
                    "nutzungsbedingungen",
                    "conditions générales",
                    "conditions générales d'utilisation",
                    "conditions générales de vente",
                    "conditions d'utilisation",
                    "cgu",
                    "cgv",
                    "términos y condiciones",
                    "términos de uso",
                    "condiciones de uso",
                    "condiciones generales",
                    "termini e condizioni",
                    "condizioni d'uso",
                    "termini di servizio",
                    "condizioni generali",
                    "algemene voorwaarden",
                    "gebruiksvoorwaarden",
                ]),
                url_parts: words(&[
                    "terms",
                    "conditions",
                    "user-agreement",
                    "agb",
                    "nutzungsbedingungen",
                    "cgu",
                    "cgv",
                    "terminos",
                    "condiciones",
                    "termini",
                    "condizioni",
                    "voorwaarden",
                ]),
            },
            DocumentType::Trackers => Keywords {
                link_texts: words(&[
                    "cookie policy",
                    "cookies policy",
                    "cookie notice",
                    "cookie statement",
                    "cookies",
                    "cookie settings",
                    "cookie-richtlinie",
                    "cookie-richtlinien",
                    "cookie-hinweise",
                    "politique de cookies",
                    "politique relative aux cookies",
                    "gestion des cookies",
                    "política de cookies",
                    "cookie policy e privacy",
                    "informativa sui cookie",
                    "informativa cookie",
                    "cookiebeleid",
                    "cookieverklaring",
                ]),
                url_parts: words(&["cookie"]),
            },
            DocumentType::Imprint => Keywords {
                link_texts: words(&[
                    "imprint",
                    "impressum",
                    "legal notice",
                    "legal information",
                    "mentions légales",
                    "mentions legales",
                    "aviso legal",
                    "note legali",
                    "colofon",
                ]),
                url_parts: words(&[
                    "impressum",
                    "imprint",
                    "mentions-legales",
                    "mentions_legales",
                    "mentionslegales",
                    "aviso-legal",
                    "avisolegal",
                    "aviso_legal",
                    "note-legali",
                    "notelegali",
                    "legal-notice",
                    "colofon",
                ]),
            },
        }
    }

    /// Whether a URL holds one of the URL parts (case-insensitive): what the CDX filter keeps.
    pub(crate) fn matches_url(&self, url: &str) -> bool {
        let url = url.to_lowercase();
        self.url_parts
            .iter()
            .any(|part| url.contains(&part.to_lowercase()))
    }

    /// How much a URL looks like a policy page by itself (0 when it does not at all).
    pub(crate) fn url_score(&self, url: &str) -> f64 {
        let Ok(parsed) = url::Url::parse(url) else {
            return 0.0;
        };
        let path = parsed.path().to_lowercase();
        if is_asset(&path) {
            return 0.0;
        }
        let query = parsed.query().unwrap_or("").to_lowercase();
        let haystack = format!("{path}?{query}");
        let Some(part) = self
            .url_parts
            .iter()
            .find(|p| haystack.contains(p.as_str()))
        else {
            return 0.0;
        };
        let mut score = 6.0;
        let policy_words = ["policy", "policies", "statement", "notice", "erklarung"];
        if part == "privacy" && policy_words.iter().any(|w| haystack.contains(w)) {
            score += 2.0;
        }
        let depth = path.split('/').filter(|s| !s.is_empty()).count();
        if depth > 3 {
            score -= 2.0;
        }
        if !query.is_empty() && !self.url_parts.iter().any(|p| path.contains(p.as_str())) {
            score -= 1.0;
        }
        score
    }

    /// How much a link (text and resolved URL) looks like the link to the policy.
    pub(crate) fn link_score(&self, text: &str, url: &str) -> f64 {
        let text = collapse_whitespace(text).to_lowercase();
        let mut score = 0.0;
        if self.link_texts.contains(&text) {
            score += 12.0;
        } else if let Some(k) = self.link_texts.iter().find(|k| text.contains(k.as_str())) {
            score += if k.starts_with("privacy") || k.len() > 8 {
                8.0
            } else {
                6.0
            };
            if text.chars().count() > 60 {
                score -= 5.0;
            }
        }
        let url_score = self.url_score(url);
        if text.is_empty() {
            // An image or icon link: the URL is all there is to go by.
            return url_score;
        }
        score + url_score / 2.0
    }
}

/// The words of every document type (`[crawl.keywords.TYPE]` in the configuration file;
/// a flat `[crawl.keywords]` table, as configurations before document types wrote it, is the
/// privacy policy's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeKeywords {
    /// The privacy policy's.
    pub privacy: Keywords,
    /// The terms of service's.
    pub terms: Keywords,
    /// The trackers (cookie) policy's.
    pub trackers: Keywords,
    /// The imprint's.
    pub imprint: Keywords,
}

impl Default for TypeKeywords {
    fn default() -> TypeKeywords {
        TypeKeywords {
            privacy: Keywords::defaults_for(DocumentType::Privacy),
            terms: Keywords::defaults_for(DocumentType::Terms),
            trackers: Keywords::defaults_for(DocumentType::Trackers),
            imprint: Keywords::defaults_for(DocumentType::Imprint),
        }
    }
}

impl TypeKeywords {
    /// The words of one type.
    pub fn of(&self, kind: DocumentType) -> &Keywords {
        match kind {
            DocumentType::Privacy => &self.privacy,
            DocumentType::Terms => &self.terms,
            DocumentType::Trackers => &self.trackers,
            DocumentType::Imprint => &self.imprint,
        }
    }

    /// The one CDX filter that lists the candidates of every type in `kinds` at once
    /// (case-insensitive: a URL holding any of their URL parts).
    pub(crate) fn cdx_filter(&self, kinds: &[DocumentType]) -> String {
        let mut alternatives: Vec<String> = Vec::new();
        for part in kinds
            .iter()
            .flat_map(|kind| self.of(*kind).url_parts.iter())
        {
            let part = regex::escape(&part.to_lowercase());
            if !alternatives.contains(&part) {
                alternatives.push(part);
            }
        }
        format!("original:(?i).*({}).*", alternatives.join("|"))
    }
}

impl<'de> Deserialize<'de> for TypeKeywords {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TypeKeywords, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct PerType {
            privacy: Option<Keywords>,
            terms: Option<Keywords>,
            trackers: Option<Keywords>,
            imprint: Option<Keywords>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            PerType(PerType),
            Flat(Keywords),
        }
        let defaults = TypeKeywords::default();
        match Form::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(
                "[crawl.keywords] takes one table per document type ([crawl.keywords.terms] with link_texts and url_parts, lists of lowercase strings), or link_texts and url_parts alone for the privacy policy",
            )
        })? {
            Form::Flat(privacy) => Ok(TypeKeywords {
                privacy,
                ..defaults
            }),
            Form::PerType(given) => Ok(TypeKeywords {
                privacy: given.privacy.unwrap_or(defaults.privacy),
                terms: given.terms.unwrap_or(defaults.terms),
                trackers: given.trackers.unwrap_or(defaults.trackers),
                imprint: given.imprint.unwrap_or(defaults.imprint),
            }),
        }
    }
}

/// Minimum [`Keywords::link_score`] of a homepage link to be taken as the policy link.
pub(crate) const LINK_THRESHOLD: f64 = 6.0;
/// Minimum [`Keywords::url_score`] to choose a URL without a homepage link.
pub(crate) const URL_THRESHOLD: f64 = 6.0;

fn is_asset(path: &str) -> bool {
    // `.pdf` is not one: some sites publish their policy only as a PDF (`pdf-text` reads it).
    const ASSETS: [&str; 15] = [
        ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".svg", ".woff", ".woff2", ".ttf",
        ".xml", ".json", ".txt", ".zip",
    ];
    ASSETS.iter().any(|ext| path.ends_with(ext))
}

/// Whether a CDX row can hold a policy page (HTML, or a redirect to one).
pub(crate) fn is_page_capture(capture: &Capture) -> bool {
    let mime = capture.mimetype.to_ascii_lowercase();
    let path_ok = url::Url::parse(&capture.original)
        .map(|u| !is_asset(&u.path().to_lowercase()))
        .unwrap_or(false);
    path_ok
        && (mime.contains("html")
            || mime == "application/pdf"
            || mime == "warc/revisit"
            || mime == "unk"
            || mime == "-"
            || capture.status.is_some_and(|s| (300..400).contains(&s)))
}

/// A listing resumed after its cursor, made equal to what the whole listing shows.
///
/// With `collapse=digest` the archive drops a row that repeats the digest of the row before it
/// (same URL key). A listing that starts after the cursor has no row before its first one, so
/// that first row comes back even when it repeats the last row listed before: left in, every
/// rerun would record one more capture of an unchanged text. Such a row is dropped here. Returns
/// the rows kept and the new tails of `listing` (the last kept row per URL key).
pub(crate) fn resume_listing(
    rows: Vec<Capture>,
    listing: &str,
    tails: &[store::ListingTail],
) -> (Vec<Capture>, Vec<store::ListingTail>) {
    let key_of = |capture: &Capture| {
        if capture.urlkey.is_empty() {
            capture.original.clone()
        } else {
            capture.urlkey.clone()
        }
    };
    let mut last: BTreeMap<String, (String, String, bool)> = tails
        .iter()
        .filter(|tail| tail.listing == listing)
        .map(|tail| {
            let previous = (tail.timestamp.clone(), tail.digest.clone(), false);
            (tail.urlkey.clone(), previous)
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        let key = key_of(&row);
        let first_of_key = seen.insert(key.clone());
        let repeats = last.get(&key).is_some_and(|(timestamp, digest, _)| {
            *digest == row.digest && row.timestamp > *timestamp
        });
        if first_of_key && repeats {
            continue;
        }
        last.insert(key, (row.timestamp.clone(), row.digest.clone(), true));
        kept.push(row);
    }
    let tails = last
        .into_iter()
        .filter(|(_, (_, _, changed))| *changed)
        .map(|(urlkey, (timestamp, digest, _))| store::ListingTail {
            listing: listing.to_owned(),
            urlkey,
            timestamp,
            digest,
        })
        .collect();
    (kept, tails)
}

/// `a b   c` from ` a\n b\tc `.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key under which two spellings of one page compare equal: host without `www.`, path
/// without a trailing slash, and the query; scheme, case of the host, port 80/443 and fragment
/// ignored (as the archive's SURT keys do).
pub(crate) fn match_key(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let host = strip_www(&host);
    let path = parsed.path().trim_end_matches('/').to_lowercase();
    Some(match parsed.query() {
        Some(query) => format!("{host}{path}?{query}"),
        None => format!("{host}{path}"),
    })
}

fn strip_www(host: &str) -> &str {
    match host.split_once('.') {
        Some((first, rest))
            if rest.contains('.')
                && first
                    .strip_prefix("www")
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            rest
        }
        _ => host,
    }
}

/// Whether `host` is `domain` or one of its subdomains.
pub(crate) fn host_in_domain(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The site part of a host for aliases: lowercase, without `www.`.
pub(crate) fn site_of(host: &str) -> String {
    strip_www(&host.trim_end_matches('.').to_ascii_lowercase()).to_owned()
}

/// A domain as typed that is not one; the message names the input and what to give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDomain {
    /// Not even a URL's host.
    #[error("{input:?} is not a domain ({detail}); give one like example.com")]
    Unreadable {
        /// What was typed.
        input: String,
        /// Why it cannot be read.
        detail: String,
    },
    /// An IP address or no host at all.
    #[error("{input:?} is not a domain name; give one like example.com")]
    NotAName {
        /// What was typed.
        input: String,
    },
    /// A single label (`localhost`) or longer than DNS allows.
    #[error("{input:?} is not a full domain name; give one like example.com")]
    NotFull {
        /// What was typed.
        input: String,
    },
}

/// Reads a domain as users type it (`Example.com`, `https://www.example.com/`, `example.com.`)
/// into its canonical form (`example.com`).
pub fn normalize_domain(input: &str) -> Result<String, InvalidDomain> {
    let trimmed = input.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("http://{trimmed}")
    };
    let parsed = url::Url::parse(&with_scheme).map_err(|error| InvalidDomain::Unreadable {
        input: input.to_owned(),
        detail: error.to_string(),
    })?;
    let host = match parsed.host() {
        Some(url::Host::Domain(host)) => host.to_owned(),
        _ => {
            return Err(InvalidDomain::NotAName {
                input: input.to_owned(),
            });
        }
    };
    let host = site_of(&host);
    if !host.contains('.') || host.len() > 253 {
        return Err(InvalidDomain::NotFull {
            input: input.to_owned(),
        });
    }
    Ok(host)
}

/// A policy link found on a homepage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PolicyLink {
    /// The resolved URL.
    pub(crate) url: String,
    /// The link text.
    pub(crate) text: String,
    /// Its [`Keywords::link_score`].
    pub(crate) score: f64,
    /// The text around it: its parent element's text without the link's own, whitespace
    /// collapsed, at most [`CONTEXT_CHARS`] characters ("Hosted by Wix —" for a footer link
    /// "Privacy" beside it).
    pub(crate) context: String,
    /// The class and id of its parent element (`addthis_toolbox`): how widgets mark what
    /// they insert.
    pub(crate) container: String,
    /// Hosts of what is embedded beside it (iframes, scripts, objects in its parent and
    /// grandparent): a map's or a video's attribution links its owner's policy.
    pub(crate) embeds: Vec<String>,
}

/// The hosts of iframes, scripts, embeds and objects inside a link's parent and grandparent.
fn embedded_hosts(link: &scraper::ElementRef<'_>, base: &url::Url) -> Vec<String> {
    static EMBEDS: std::sync::LazyLock<Option<scraper::Selector>> =
        std::sync::LazyLock::new(|| {
            scraper::Selector::parse("iframe[src], script[src], embed[src], object[data]").ok()
        });
    let Some(selector) = EMBEDS.as_ref() else {
        return Vec::new();
    };
    let mut hosts = Vec::new();
    for ancestor in link
        .ancestors()
        .take(2)
        .filter_map(scraper::ElementRef::wrap)
    {
        for embed in ancestor.select(selector) {
            let source = embed
                .value()
                .attr("src")
                .or_else(|| embed.value().attr("data"));
            if let Some(host) = source
                .and_then(|s| base.join(s.trim()).ok())
                .and_then(|u| u.host_str().map(str::to_owned))
                && !hosts.contains(&host)
            {
                hosts.push(host);
            }
        }
    }
    hosts
}

/// How much of a link's surrounding text [`PolicyLink::context`] keeps.
pub(crate) const CONTEXT_CHARS: usize = 200;

/// Most [`PageLinks::unscored`] links kept per page.
pub(crate) const UNSCORED_LINKS: usize = 20;

/// Words of a link (text or URL, lowercase) that speaks of privacy without scoring as a policy
/// link: a third party's "Data Policy", an analytics opt-out, an ad network's choices.
const TRAIL_WORDS: [&str; 12] = [
    "privacy", "policy", "policies", "opt out", "opt-out", "optout", "choices", "cookie", "data",
    "consent", "gdpr", "tracking",
];

/// The links of a page found by [`policy_links`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PageLinks {
    /// The links that may lead to its privacy policy, best first.
    pub(crate) policy: Vec<PolicyLink>,
    /// Off-site links that speak of privacy ([`TRAIL_WORDS`]) but score below
    /// [`LINK_THRESHOLD`], in page order, at most [`UNSCORED_LINKS`]: never followed, kept for
    /// the decision trail.
    pub(crate) unscored: Vec<PolicyLink>,
}

/// The links of a page that may lead to its privacy policy, best first, and the off-site ones
/// that speak of privacy without scoring as a policy link.
pub(crate) fn policy_links(html: &str, base_url: &str, keywords: &Keywords) -> PageLinks {
    let Ok(base) = url::Url::parse(base_url) else {
        return PageLinks::default();
    };
    let document = scraper::Html::parse_document(html);
    let Ok(selector) = scraper::Selector::parse("a[href], area[href]") else {
        return PageLinks::default();
    };
    let site = base.host_str().map(site_of).unwrap_or_default();
    let mut links: Vec<PolicyLink> = Vec::new();
    let mut unscored: Vec<PolicyLink> = Vec::new();
    for element in document.select(&selector) {
        let Some(href) = element.value().attr("href") else {
            continue;
        };
        let href = href.trim();
        if href.starts_with('#') || href.starts_with("mailto:") || href.starts_with("javascript:") {
            continue;
        }
        let Ok(mut resolved) = base.join(href) else {
            continue;
        };
        if !matches!(resolved.scheme(), "http" | "https") {
            continue;
        }
        resolved.set_fragment(None);
        let mut text = collapse_whitespace(&element.text().collect::<String>());
        if text.is_empty() {
            text = element
                .value()
                .attr("title")
                .map(collapse_whitespace)
                .unwrap_or_default();
        }
        let score = keywords.link_score(&text, resolved.as_str());
        let scored = score >= LINK_THRESHOLD;
        let trail = !scored
            && unscored.len() < UNSCORED_LINKS
            && resolved
                .host_str()
                .is_some_and(|host| !host_in_domain(host, &site))
            && {
                let words = format!(
                    "{} {}",
                    text.to_lowercase(),
                    resolved.as_str().to_lowercase()
                );
                TRAIL_WORDS.iter().any(|word| words.contains(word))
            };
        let kept = if scored { &links } else { &unscored };
        if (scored || trail) && !kept.iter().any(|l| l.url == resolved.as_str()) {
            let (context, container) = element
                .parent()
                .and_then(scraper::ElementRef::wrap)
                .map(|parent| {
                    let around = collapse_whitespace(&parent.text().collect::<String>());
                    let around = around.replacen(&text, " ", 1);
                    let context = collapse_whitespace(&around)
                        .chars()
                        .take(CONTEXT_CHARS)
                        .collect();
                    let names = [parent.value().attr("class"), parent.value().attr("id")];
                    let container = names.into_iter().flatten().collect::<Vec<_>>().join(" ");
                    (context, container)
                })
                .unwrap_or_default();
            let embeds = embedded_hosts(&element, &base);
            let link = PolicyLink {
                url: resolved.to_string(),
                text,
                score,
                context,
                container,
                embeds,
            };
            if scored {
                links.push(link);
            } else {
                unscored.push(link);
            }
        }
    }
    links.sort_by(|a, b| b.score.total_cmp(&a.score));
    PageLinks {
        policy: links,
        unscored,
    }
}

/// A span of time over which the same set of candidate URLs had captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    /// First candidate capture in the span.
    pub(crate) start: String,
    /// Last candidate capture in the span.
    pub(crate) end: String,
    /// Match keys of the candidate URLs alive in the span, sorted.
    pub(crate) keys: Vec<String>,
    /// Indexes (into the candidate list) of the captures in the span.
    pub(crate) captures: Vec<usize>,
}

/// Groups candidate captures into spans: a URL is alive from its first to its last capture,
/// and a new span starts whenever the set of live URLs changes.
pub(crate) fn spans(candidates: &[Capture]) -> Vec<Span> {
    let mut lifetimes: BTreeMap<String, (String, String)> = BTreeMap::new();
    for capture in candidates {
        let Some(key) = match_key(&capture.original) else {
            continue;
        };
        let entry = lifetimes
            .entry(key)
            .or_insert_with(|| (capture.timestamp.clone(), capture.timestamp.clone()));
        if capture.timestamp < entry.0 {
            entry.0 = capture.timestamp.clone();
        }
        if capture.timestamp > entry.1 {
            entry.1 = capture.timestamp.clone();
        }
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        (&candidates[a].timestamp, &candidates[a].original)
            .cmp(&(&candidates[b].timestamp, &candidates[b].original))
    });
    let mut spans: Vec<Span> = Vec::new();
    for index in order {
        let capture = &candidates[index];
        if match_key(&capture.original).is_none() {
            continue;
        }
        let at = &capture.timestamp;
        let keys: Vec<String> = lifetimes
            .iter()
            .filter(|(_, (first, last))| first <= at && at <= last)
            .map(|(key, _)| key.clone())
            .collect();
        match spans.last_mut() {
            Some(span) if span.keys == keys => {
                span.end = at.clone();
                span.captures.push(index);
            }
            _ => spans.push(Span {
                start: at.clone(),
                end: at.clone(),
                keys,
                captures: vec![index],
            }),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(urlkey: &str, timestamp: &str, digest: &str) -> Capture {
        Capture {
            urlkey: urlkey.into(),
            timestamp: timestamp.into(),
            original: format!("http://a.com/{urlkey}"),
            mimetype: "text/html".into(),
            status: Some(200),
            digest: digest.into(),
            length: None,
        }
    }

    fn tail(urlkey: &str, timestamp: &str, digest: &str) -> store::ListingTail {
        store::ListingTail {
            listing: String::new(),
            urlkey: urlkey.into(),
            timestamp: timestamp.into(),
            digest: digest.into(),
        }
    }

    #[test]
    fn a_resumed_listing_drops_the_first_row_that_repeats_its_urls_last_digest() {
        let tails = [
            tail("p", "20100101000000", "A"),
            tail("q", "20090101000000", "C"),
        ];
        let rows = vec![
            listed("p", "20100201000000", "A"), // hidden by collapse in the whole listing
            listed("p", "20100301000000", "B"),
            listed("p", "20100401000000", "A"), // a reversion: a real change
            listed("q", "20100501000000", "D"),
            listed("r", "20100601000000", "A"), // another URL: nothing before it
        ];
        let (kept, new_tails) = resume_listing(rows, "", &tails);
        let stamps: Vec<&str> = kept.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(
            stamps,
            [
                "20100301000000",
                "20100401000000",
                "20100501000000",
                "20100601000000"
            ]
        );
        assert_eq!(
            new_tails,
            [
                tail("p", "20100401000000", "A"),
                tail("q", "20100501000000", "D"),
                tail("r", "20100601000000", "A"),
            ]
        );
        // Nothing new but the hidden repeat: nothing kept, the tails stay as they were.
        let (kept, new_tails) =
            resume_listing(vec![listed("p", "20100201000000", "A")], "", &tails);
        assert!(kept.is_empty() && new_tails.is_empty());
        // Another listing's tails do not apply.
        let (kept, _) = resume_listing(
            vec![listed("p", "20100201000000", "A")],
            "alias.com",
            &tails,
        );
        assert_eq!(kept.len(), 1);
    }

    fn capture(url: &str, timestamp: &str) -> Capture {
        Capture {
            urlkey: String::new(),
            timestamp: timestamp.into(),
            original: url.into(),
            mimetype: "text/html".into(),
            status: Some(200),
            digest: "D".into(),
            length: None,
        }
    }

    #[test]
    fn domains_are_read_as_users_type_them() {
        assert_eq!(
            normalize_domain("Example.COM").as_deref(),
            Ok("example.com")
        );
        assert_eq!(
            normalize_domain("https://www.example.com/privacy").as_deref(),
            Ok("example.com")
        );
        assert_eq!(
            normalize_domain("shop.example.co.uk").as_deref(),
            Ok("shop.example.co.uk")
        );
        assert!(matches!(
            normalize_domain("localhost"),
            Err(InvalidDomain::NotFull { .. })
        ));
        assert!(matches!(
            normalize_domain("http://127.0.0.1/"),
            Err(InvalidDomain::NotAName { .. })
        ));
        let error = normalize_domain("exa mple.com").expect_err("space");
        assert!(error.to_string().contains("exa mple.com"), "{error}");
    }

    #[test]
    fn match_keys_ignore_scheme_www_and_trailing_slash() {
        assert_eq!(
            match_key("http://www.Example.com/Privacy/"),
            match_key("https://example.com/privacy")
        );
        assert_ne!(
            match_key("http://example.com/privacy?a=1"),
            match_key("http://example.com/privacy")
        );
        assert_eq!(match_key("not a url"), None);
    }

    #[test]
    fn policy_links_are_found_by_text_and_url_and_ranked() {
        let html = r##"<a href="/about">About us</a>
            <a href="privacy.pl">Privacy Policy</a>
            <a href="/blog/2019/why-privacy-matters-to-us-and-to-you-all-of-the-time-really">We think privacy matters a great deal to everyone who visits this site</a>
            <a href="mailto:privacy@example.com">privacy@example.com</a>
            <a href="/legal/datenschutz"><img alt="x"></a>"##;
        let links =
            policy_links(html, "http://example.com/index.html", &Keywords::default()).policy;
        assert_eq!(links[0].url, "http://example.com/privacy.pl");
        assert_eq!(links[0].text, "Privacy Policy");
        assert!(links.iter().all(|l| !l.url.starts_with("mailto")));
        assert!(
            links.iter().any(|l| l.url.ends_with("/legal/datenschutz")),
            "{links:?}"
        );
    }

    #[test]
    fn offsite_links_that_speak_of_privacy_without_scoring_are_kept_apart() {
        let html = r##"<a href="https://tools.google.com/dlpage/gaoptout">Opt out of Google Analytics</a>
            <a href="https://www.facebook.com/policy.php">Data Policy</a>
            <a href="/cookies">Cookies</a>
            <a href="https://www.example.org/shop">Our shop</a>
            <a href="https://twitter.com/en/privacy">Privacy</a>"##;
        let links = policy_links(html, "http://example.com/", &Keywords::default());
        let policy: Vec<&str> = links.policy.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(policy, ["https://twitter.com/en/privacy"]);
        let unscored: Vec<&str> = links.unscored.iter().map(|l| l.url.as_str()).collect();
        // The site's own cookie page and an off-site link without privacy words are not kept.
        assert_eq!(
            unscored,
            [
                "https://tools.google.com/dlpage/gaoptout",
                "https://www.facebook.com/policy.php"
            ]
        );
        assert!(links.unscored.iter().all(|l| l.score < LINK_THRESHOLD));
    }

    #[test]
    fn urls_are_scored_and_assets_rejected() {
        let k = Keywords::default();
        assert!(k.url_score("http://a.com/privacy-policy") > k.url_score("http://a.com/privacy"));
        assert!(k.url_score("http://a.com/privacy") >= URL_THRESHOLD);
        assert_eq!(k.url_score("http://a.com/img/privacy.png"), 0.0);
        assert_eq!(k.url_score("http://a.com/about"), 0.0);
        let all = TypeKeywords::default();
        assert!(
            all.cdx_filter(&[DocumentType::Privacy])
                .starts_with("original:(?i).*(privacy|")
        );
    }

    #[test]
    fn every_type_has_words_and_one_filter_lists_them_all() {
        let all = TypeKeywords::default();
        let cases = [
            (DocumentType::Terms, "http://a.de/agb.html", "AGB"),
            (
                DocumentType::Terms,
                "http://a.com/terms-of-use",
                "Terms of Use",
            ),
            (
                DocumentType::Terms,
                "http://a.fr/cgu",
                "Conditions générales d'utilisation",
            ),
            (
                DocumentType::Trackers,
                "http://a.com/cookie-policy",
                "Cookie Policy",
            ),
            (DocumentType::Imprint, "http://a.de/impressum", "Impressum"),
            (
                DocumentType::Imprint,
                "http://a.es/aviso-legal",
                "Aviso legal",
            ),
            (
                DocumentType::Imprint,
                "http://a.fr/mentions-legales",
                "Mentions légales",
            ),
        ];
        let filter = all.cdx_filter(&DocumentType::ALL);
        let pattern = regex::Regex::new(filter.trim_start_matches("original:")).expect("regex");
        for (kind, url, text) in cases {
            let words = all.of(kind);
            assert!(words.matches_url(url), "{kind}: {url}");
            assert!(pattern.is_match(url), "{url} is listed");
            assert!(
                words.link_score(text, url) >= LINK_THRESHOLD,
                "{kind}: {text}"
            );
            assert!(
                all.privacy.link_score(text, url) < LINK_THRESHOLD,
                "{text} is no privacy link"
            );
        }
        assert!(!all.terms.matches_url("http://a.com/photos/summer"));
        assert!(all.privacy.matches_url("http://a.com/PRIVACY"));
    }

    #[test]
    fn keywords_read_per_type_or_flat_as_before() {
        #[derive(Deserialize)]
        struct Wrap {
            keywords: TypeKeywords,
        }
        let flat: Wrap =
            toml::from_str("[keywords]\nlink_texts = [\"datenschutz\"]\nurl_parts = [\"ds\"]\n")
                .expect("flat");
        assert_eq!(flat.keywords.privacy.url_parts, ["ds"]);
        assert_eq!(
            flat.keywords.terms,
            Keywords::defaults_for(DocumentType::Terms)
        );
        let per_type: Wrap =
            toml::from_str("[keywords.terms]\nurl_parts = [\"legal/tos\"]\n").expect("per type");
        assert_eq!(per_type.keywords.terms.url_parts, ["legal/tos"]);
        assert_eq!(per_type.keywords.privacy, Keywords::default());
        let wrong = toml::from_str::<Wrap>("[keywords.faq]\nurl_parts = []\n").err();
        assert!(
            wrong.is_some_and(|e| e.to_string().contains("one table per document type")),
            "an unknown type is refused with the expected form"
        );
    }

    #[test]
    fn spans_change_when_the_set_of_live_urls_changes() {
        let candidates = [
            capture("http://a.com/privacy.html", "20070101000000"),
            capture("http://a.com/privacy.html", "20100101000000"),
            capture("http://a.com/legal/privacy", "20090101000000"),
            capture("http://a.com/legal/privacy", "20120101000000"),
            capture("http://a.com/privacy.html", "20080101000000"),
        ];
        let spans = spans(&candidates);
        let keys: Vec<Vec<&str>> = spans
            .iter()
            .map(|s| s.keys.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            keys,
            vec![
                vec!["a.com/privacy.html"],
                vec!["a.com/legal/privacy", "a.com/privacy.html"],
                vec!["a.com/legal/privacy"],
            ]
        );
        assert_eq!(spans[0].captures, vec![0, 4]);
        assert_eq!(spans[1].start, "20090101000000");
        assert_eq!(spans[1].end, "20100101000000");
        assert_eq!(spans[2].captures, vec![3]);
    }

    #[test]
    fn hosts_belong_to_their_domain() {
        assert!(host_in_domain("www.example.com", "example.com"));
        assert!(host_in_domain("example.com", "example.com"));
        assert!(!host_in_domain("badexample.com", "example.com"));
        assert_eq!(site_of("WWW.Smartfocus.com"), "smartfocus.com");
    }
}
