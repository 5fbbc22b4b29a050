//! The other legal documents a generated site may have beside its privacy policy (opt-in,
//! [`crate::ArchiveOptions::other_documents`]): terms of service on about 80% of the domains,
//! a cookie (trackers) policy on about 50%, an imprint on about 40%. About a third of the
//! sites with any of them are German (`/agb` "AGB", `/cookie-richtlinie` "Cookie-Richtlinie",
//! `/impressum` "Impressum"), the others English (`/terms-of-service`, `/cookie-policy`,
//! `/imprint` or `/legal-notice`). Each document has 4 to 15 captures from some time in the
//! domain's first third on, 1 to 3 texts in time order (a change rewrites a paragraph), template
//! changes that give new digests to the same text, and exact re-captures (the same digest
//! again). The homepage's footer links every document the site has, beside the privacy link.
//!
//! Each domain's documents come from their own generator (seeded by the seed and the domain's
//! number), so turning the option on changes no byte of the privacy pages and captures.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use document_type::DocumentType;

use crate::{Rng, time};

/// Share of domains (percent) with each document.
const SHARES: [(DocumentType, u64); 3] = [
    (DocumentType::Terms, 80),
    (DocumentType::Trackers, 50),
    (DocumentType::Imprint, 40),
];
const GERMAN_PERCENT: u64 = 33;
const REPEAT_PERCENT: u64 = 35;
const TEMPLATE_CHANGE_PERCENT: u64 = 20;

const TERMS_WORDS: [&str; 16] = [
    "agreement",
    "service",
    "terms",
    "account",
    "liability",
    "warranty",
    "law",
    "dispute",
    "license",
    "content",
    "users",
    "payment",
    "termination",
    "governing",
    "court",
    "rights",
];
const COOKIE_WORDS: [&str; 14] = [
    "cookies",
    "browser",
    "analytics",
    "session",
    "consent",
    "tracking",
    "pixels",
    "preferences",
    "advertising",
    "storage",
    "device",
    "settings",
    "partners",
    "duration",
];
const IMPRINT_WORDS: [&str; 14] = [
    "company",
    "registered",
    "office",
    "director",
    "register",
    "court",
    "number",
    "contact",
    "telephone",
    "email",
    "address",
    "responsible",
    "content",
    "editor",
];
const GERMAN_WORDS: [&str; 16] = [
    "vertrag",
    "kunden",
    "bestellung",
    "lieferung",
    "zahlung",
    "haftung",
    "gewährleistung",
    "widerruf",
    "recht",
    "gericht",
    "anbieter",
    "nutzung",
    "cookies",
    "einwilligung",
    "geschäftsführer",
    "anschrift",
];

/// One document of one site, planned before anything is written.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    kind: DocumentType,
    german: bool,
    path: &'static str,
    link_text: &'static str,
    title: &'static str,
    /// Captures in time order: seconds, text number, template number.
    captures: Vec<(i64, usize, usize)>,
}

/// What the documents of an archive add to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Written {
    /// Captures written.
    pub captures: usize,
    /// Versions a perfect crawl finds, per type.
    pub versions: BTreeMap<DocumentType, usize>,
    /// Domains with the type.
    pub domains: BTreeMap<DocumentType, usize>,
}

/// The documents of domain `index` of the archive made with `seed`, captured between `start`
/// and `end` (seconds since 1970).
pub(crate) fn plan(seed: u64, index: usize, start: i64, end: i64) -> Vec<Document> {
    let mut mixed = seed ^ (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03);
    mixed = (mixed ^ (mixed >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    mixed = (mixed ^ (mixed >> 32)).wrapping_mul(0x94d0_49bb_1331_11eb);
    let rng = &mut Rng((mixed ^ (mixed >> 31)) | 1);
    let german = rng.chance(GERMAN_PERCENT);
    let span = (end - start).max(1) as u64;
    let mut documents = Vec::new();
    for (kind, share) in SHARES {
        if !rng.chance(share) {
            continue;
        }
        let (path, link_text, title) = match (kind, german) {
            (DocumentType::Terms, false) => {
                ("/terms-of-service", "Terms of Service", "Terms of Service")
            }
            (DocumentType::Terms, true) => ("/agb", "AGB", "Allgemeine Geschäftsbedingungen"),
            (DocumentType::Trackers, false) => ("/cookie-policy", "Cookie Policy", "Cookie Policy"),
            (DocumentType::Trackers, true) => (
                "/cookie-richtlinie",
                "Cookie-Richtlinie",
                "Cookie-Richtlinie",
            ),
            (DocumentType::Imprint, true) => ("/impressum", "Impressum", "Impressum"),
            (_, _) if rng.chance(50) => ("/legal-notice", "Legal Notice", "Legal Notice"),
            (_, _) => ("/imprint", "Imprint", "Imprint"),
        };
        let first = start + rng.below(span / 3) as i64;
        let mut times: Vec<i64> = (0..4 + rng.below(12))
            .map(|_| first + rng.below((end - first).max(1) as u64) as i64)
            .collect();
        times.sort_unstable();
        times.dedup();
        let changes: Vec<usize> = {
            let mut at: Vec<usize> = (0..rng.below(3))
                .map(|_| 1 + rng.below(times.len().saturating_sub(1) as u64) as usize)
                .filter(|&i| i < times.len())
                .collect();
            at.sort_unstable();
            at.dedup();
            at
        };
        let mut captures = Vec::with_capacity(times.len());
        let mut template = 0;
        for (i, &seconds) in times.iter().enumerate() {
            let text = changes.iter().filter(|&&at| at <= i).count();
            // An exact re-capture keeps the template (and so the digest); otherwise the site's
            // template changes now and then: new bytes, the same text.
            if i > 0 && !rng.chance(REPEAT_PERCENT) && rng.chance(TEMPLATE_CHANGE_PERCENT) {
                template += 1;
            }
            captures.push((seconds, text, template));
        }
        documents.push(Document {
            kind,
            german,
            path,
            link_text,
            title,
            captures,
        });
    }
    documents
}

/// The footer links of a homepage, each after a separator (empty when there are none).
pub(crate) fn footer_links(documents: &[Document]) -> String {
    documents
        .iter()
        .map(|d| format!(" | <a href=\"{}\">{}</a>", d.path, d.link_text))
        .collect()
}

/// Writes the bodies of `documents` (one file per text and template) and appends their
/// captures to `entries`, counting them into `written`.
pub(crate) fn write(
    dir: &Path,
    seed: u64,
    domain: &str,
    documents: &[Document],
    entries: &mut String,
    written: &mut Written,
) -> std::io::Result<()> {
    for document in documents {
        let texts = texts(seed, domain, document);
        let mut bodies = BTreeSet::new();
        let mut last = None;
        let mut versions = 0;
        for &(seconds, text, template) in &document.captures {
            let file = format!(
                "bodies/{domain}-{}-{text}-{template}.html",
                document.kind.slug()
            );
            if bodies.insert(file.clone()) {
                std::fs::write(
                    dir.join(&file),
                    page(domain, document, text, &texts[text], template),
                )?;
            }
            let _ = write!(
                entries,
                "[[capture]]\nurl = \"http://www.{domain}{}\"\ntimestamp = \"{}\"\nbody = \"{file}\"\n\n",
                document.path,
                time::stamp(seconds)
            );
            written.captures += 1;
            if last != Some(text) {
                versions += 1;
                last = Some(text);
            }
        }
        *written.versions.entry(document.kind).or_insert(0) += versions;
        *written.domains.entry(document.kind).or_insert(0) += 1;
    }
    Ok(())
}

/// The paragraphs of each text of `document`: text 0 drawn afresh, each later one rewrites a
/// paragraph of the one before.
fn texts(seed: u64, domain: &str, document: &Document) -> Vec<Vec<String>> {
    let salt = crate::realistic::fnv(domain) ^ crate::realistic::fnv(document.kind.slug());
    let mut rng = Rng((seed ^ 0xd0c5_0000_0000_0000 ^ salt) | 1);
    let words: &[&str] = match (document.german, document.kind) {
        (true, _) => &GERMAN_WORDS,
        (false, DocumentType::Trackers) => &COOKIE_WORDS,
        (false, DocumentType::Imprint) => &IMPRINT_WORDS,
        (false, _) => &TERMS_WORDS,
    };
    let paragraph = |rng: &mut Rng| crate::realistic::paragraph(rng, words);
    let count = document.captures.last().map_or(0, |c| c.1) + 1;
    let mut all: Vec<Vec<String>> = vec![(0..6).map(|_| paragraph(&mut rng)).collect()];
    while all.len() < count {
        let mut text = all[all.len() - 1].clone();
        let at = rng.below(text.len() as u64) as usize;
        text[at] = paragraph(&mut rng);
        all.push(text);
    }
    all
}

fn page(
    domain: &str,
    document: &Document,
    text: usize,
    paragraphs: &[String],
    template: usize,
) -> String {
    let revision = if document.german {
        format!("Stand: Fassung {} für {domain}.", text + 1)
    } else {
        format!("Last updated: revision {} for {domain}.", text + 1)
    };
    let mut body = String::new();
    for (i, pair) in paragraphs.chunks(2).enumerate() {
        let _ = write!(body, "<h2>{}</h2>", i + 1);
        for paragraph in pair {
            let _ = write!(body, "<p>{paragraph}</p>");
        }
    }
    format!(
        "<!DOCTYPE html><html><head><title>{} - {domain}</title></head><body><div id=\"nav\"><a href=\"/\">Home</a></div><div id=\"content\"><h1>{}</h1><p>{revision}</p>{body}</div><!-- template {template} --><div id=\"footer\">&copy; {domain}</div></body></html>\n",
        document.title, document.title
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_languages_and_texts_are_as_documented() {
        let (start, end) = (time::seconds_at(2005, 1, 1), time::seconds_at(2021, 1, 1));
        let plans: Vec<Vec<Document>> = (0..1000).map(|i| plan(1, i, start, end)).collect();
        let share = |kind: DocumentType| {
            plans
                .iter()
                .filter(|p| p.iter().any(|d| d.kind == kind))
                .count()
        };
        assert!((740..=860).contains(&share(DocumentType::Terms)));
        assert!((440..=560).contains(&share(DocumentType::Trackers)));
        assert!((340..=460).contains(&share(DocumentType::Imprint)));
        let german = plans
            .iter()
            .filter(|p| p.first().is_some_and(|d| d.german))
            .count();
        assert!((230..=400).contains(&german), "{german} German sites");
        let documents: Vec<&Document> = plans.iter().flatten().collect();
        assert!(documents.iter().all(|d| {
            (1..=15).contains(&d.captures.len())
                && d.captures
                    .windows(2)
                    .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1)
                && d.captures.iter().all(|c| (start..end).contains(&c.0))
        }));
        assert!(
            documents
                .iter()
                .any(|d| d.captures.last().is_some_and(|c| c.1 == 2))
        );
        assert!(
            documents
                .iter()
                .any(|d| d.captures.last().is_some_and(|c| c.2 > 0))
        );
    }
}
