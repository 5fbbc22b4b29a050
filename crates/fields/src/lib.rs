//! Field extraction for one privacy-policy or terms-of-service version.
//!
//! The input is a version's title and the body of the Markdown that the `crawler` converter
//! writes for a policy page, in the style of the Princeton-Leuven corpus (the header line and the
//! `# TITLE` line are split off by `policy_text::document`): an html2text-style body (`#` headings, `  * ` bullets, `**bold**`,
//! `_italic_`, `[text](url)` links, backslash escapes such as `1\.`). [`extract`] turns it into
//! [`PolicyFields`]: the title, the policy's own "last updated"/"effective" date, e-mail addresses
//! and phone numbers, headings, word count, Flesch-Kincaid grade, language, which data practices
//! the text talks about, and which well-known third parties it names. For a terms-of-service
//! version, [`extract_terms`] gives the terms' own small set instead ([`TermsFields`]: stated
//! date, governing law, arbitration and class-action waiver, unilateral-change clause).
//!
//! What it is not: it does not fetch anything, does not parse HTML (the Markdown is its only
//! input), and does not store anything. It is a pure function of the text, with rule-based
//! (keyword and regular-expression) extraction tuned on the corpus's dev pages; see
//! `tests/labels/dev.toml` for the hand labels and `tests/labels.rs` for the precision and recall
//! it reaches (`tests/labels/terms.toml` and `tests/terms.rs` for the terms fields).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The extractor's version, recorded with every version's fields. Bump it in the commit that
/// changes what [`extract`] gives for any text, so that `crawler rebuild` can tell fields an
/// older extractor made.
pub const VERSION: &str = "fields 1";

mod contacts;
mod dates;
mod language;
mod practices;
mod readability;
mod terms;
mod text;
mod third_parties;

use serde::{Deserialize, Serialize};

pub use terms::{Arbitration, Evidence, GoverningLaw, TERMS_VERSION, TermsFields, extract_terms};
pub use third_parties::known_names as known_third_parties;

/// The fields extracted from one policy version. Built by [`extract`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyFields {
    /// The text of the `# TITLE` line; `None` for `# None`, an empty title or no title line.
    pub title: Option<String>,
    /// The policy's own date ("last updated", "effective"), if it states one.
    pub stated_date: Option<StatedDate>,
    /// E-mail addresses, lowercased, without duplicates, in order of first appearance
    /// (`mailto:` link targets included).
    pub emails: Vec<String>,
    /// Phone numbers as written (North American and `+`-prefixed international forms), without
    /// duplicates (two numbers with the same digits are one), in order of appearance.
    pub phones: Vec<String>,
    /// The text of the body's `#`..`######` headings (not the title line), markup stripped.
    pub headings: Vec<String>,
    /// Words in the body text (tokens holding a letter or digit), markup and link URLs stripped;
    /// the header line and the title are not counted.
    pub word_count: u32,
    /// Flesch-Kincaid grade level of the body, rounded to 0.1; `None` without any word.
    pub flesch_kincaid_grade: Option<f64>,
    /// ISO 639-1 code of the body's language (`"en"`, `"fr"`, …); `None` under 20 words or when
    /// undetectable.
    pub language: Option<String>,
    /// The practices the text talks about, in [`Practice::all`] order, each once.
    pub practices: Vec<PracticeSignal>,
    /// The well-known third parties the text names, each once, sorted by name.
    pub third_parties: Vec<ThirdParty>,
}

/// A date the policy states for itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatedDate {
    /// The date, ISO `YYYY-MM-DD`.
    pub date: String,
    /// What the date says about the policy.
    pub kind: DateKind,
    /// The matched text, from the keyword to the end of the date (markup stripped), e.g.
    /// `"last modified on 9/29/2014"`.
    pub phrase: String,
}

/// What a stated date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    /// "Last updated / modified / revised", "Dernière mise à jour", "Stand", …
    LastUpdated,
    /// "Effective (as of / date)", "en vigueur", "gültig ab", …
    Effective,
    /// Another dated statement ("Dated …", "Date: …").
    Other,
}

/// A data practice a policy may talk about.
///
/// Serialised as snake_case strings (`"third_party_sharing"`), the same as [`Practice::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Practice {
    /// Cookies, web beacons, pixel tags.
    Cookies,
    /// Personal data shared with, disclosed to or collected by third parties, partners,
    /// advertisers or service providers.
    ThirdPartySharing,
    /// Selling or renting personal data (not selling goods or the business).
    SellingData,
    /// Children, minors, COPPA, "under 13/16".
    Children,
    /// The EU General Data Protection Regulation and its vocabulary.
    Gdpr,
    /// California privacy law: CCPA, CalOPPA, "Shine the Light", "California residents".
    Ccpa,
    /// Do Not Track signals.
    DoNotTrack,
    /// The EU-US Safe Harbor or Privacy Shield frameworks.
    SafeHarbor,
    /// SSL, TLS, HTTPS, encryption.
    Encryption,
    /// How long data is retained.
    DataRetention,
    /// Opting out, unsubscribing, withdrawing consent.
    OptOut,
}

impl Practice {
    /// Every practice, in declaration order (the order of [`PolicyFields::practices`]).
    pub fn all() -> &'static [Practice] {
        &[
            Practice::Cookies,
            Practice::ThirdPartySharing,
            Practice::SellingData,
            Practice::Children,
            Practice::Gdpr,
            Practice::Ccpa,
            Practice::DoNotTrack,
            Practice::SafeHarbor,
            Practice::Encryption,
            Practice::DataRetention,
            Practice::OptOut,
        ]
    }

    /// The snake_case name, as serialised (`"opt_out"`).
    pub fn name(&self) -> &'static str {
        match self {
            Practice::Cookies => "cookies",
            Practice::ThirdPartySharing => "third_party_sharing",
            Practice::SellingData => "selling_data",
            Practice::Children => "children",
            Practice::Gdpr => "gdpr",
            Practice::Ccpa => "ccpa",
            Practice::DoNotTrack => "do_not_track",
            Practice::SafeHarbor => "safe_harbor",
            Practice::Encryption => "encryption",
            Practice::DataRetention => "data_retention",
            Practice::OptOut => "opt_out",
        }
    }

    /// The practice with this snake_case name, if any.
    pub fn from_name(name: &str) -> Option<Practice> {
        Practice::all().iter().copied().find(|p| p.name() == name)
    }
}

/// A practice the policy talks about, with the sentence that shows it.
///
/// A signal means the policy *addresses* the practice: "we do not sell your data" is a
/// [`Practice::SellingData`] signal too. Deciding whether the site does it or not is left to the
/// reader of `sentence`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeSignal {
    /// The practice.
    pub practice: Practice,
    /// The first sentence that matched, trimmed, markup stripped, at most about 300 characters
    /// (cut around the match, with `…` where cut).
    pub sentence: String,
}

/// A well-known third party named by the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThirdParty {
    /// The canonical name, e.g. `"Google Analytics"` (for "Universal Analytics" too).
    pub name: String,
    /// The first sentence naming it, as in [`PracticeSignal::sentence`].
    pub sentence: String,
}

/// Extracts the fields of one policy version from its Markdown.
///
/// Never panics, whatever the input (empty, header only, huge, not Markdown at all); fields that
/// are not found are `None` or empty.
///
/// ```
/// // (Lines are joined here because rustdoc hides doc-test lines that start with `#`.)
/// let body = [
///     "",
///     "## Cookies",
///     "",
///     "We use **cookies** and [Google Analytics](https://example.com/ga). \
///      Write to [privacy@example.com](mailto:privacy@example.com).",
///     "",
///     "_Last updated: March 3, 2018_",
/// ]
/// .join("\n");
/// let f = fields::extract(Some("Privacy Policy"), &body);
/// assert_eq!(f.title.as_deref(), Some("Privacy Policy"));
/// assert_eq!(f.headings, ["Cookies"]);
/// assert_eq!(f.emails, ["privacy@example.com"]);
/// let date = f.stated_date.expect("a date");
/// assert_eq!((date.date.as_str(), date.kind), ("2018-03-03", fields::DateKind::LastUpdated));
/// assert_eq!(f.practices[0].practice, fields::Practice::Cookies);
/// assert_eq!(f.third_parties[0].name, "Google Analytics");
/// ```
pub fn extract(title: Option<&str>, body: &str) -> PolicyFields {
    let doc = text::Document::new(title, body);
    let sentences = doc.sentences();
    let counts = readability::counts(&sentences);
    let language = language::detect(&doc.plain_text(), counts.words);
    let english = language.as_deref().is_none_or(|l| l == "en");
    PolicyFields {
        title: doc.title.clone(),
        stated_date: dates::find_stated_date(&doc.lines, english),
        emails: contacts::find_emails(&doc.body),
        phones: contacts::find_phones(&doc.lines),
        headings: doc
            .lines
            .iter()
            .filter(|l| l.heading && !l.text.is_empty())
            .map(|l| l.text.clone())
            .collect(),
        word_count: counts.words,
        flesch_kincaid_grade: readability::flesch_kincaid_grade(counts),
        language,
        practices: practices::find_practices(&sentences),
        third_parties: third_parties::find_third_parties(&sentences),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields of a whole corpus-style document.
    fn extract_md(markdown: &str) -> PolicyFields {
        let document = policy_text::document::Document::parse(markdown);
        extract(document.title, document.body)
    }

    const HEADER: &str = "> *The following text is extracted and transformed from the example.com privacy policy that was archived on 2019-05-18. Please check the [original snapshot on the Wayback Machine](https://web.archive.org/web/20190518100759id_/https%3A//example.com/privacy) for the most accurate reproduction.*\n\n";

    #[test]
    fn whole_document() {
        let md = format!(
            "{HEADER}# Privacy Policy\n\n## What we collect\n\nWe use **cookies** and _Google Analytics_. \
             Contact [privacy@Example.com](mailto:privacy@example.com) or call (480) 505-8800.\n\n\
             ### Children\n\nWe do not knowingly collect data from children under 13.\n\n\
             Last updated: 2019-05-12\n"
        );
        let f = extract_md(&md);
        assert_eq!(f.title.as_deref(), Some("Privacy Policy"));
        assert_eq!(f.headings, ["What we collect", "Children"]);
        assert_eq!(f.emails, ["privacy@example.com"]);
        assert_eq!(f.phones, ["(480) 505-8800"]);
        assert_eq!(
            f.stated_date,
            Some(StatedDate {
                date: "2019-05-12".into(),
                kind: DateKind::LastUpdated,
                phrase: "Last updated: 2019-05-12".into()
            })
        );
        let practices: Vec<Practice> = f.practices.iter().map(|p| p.practice).collect();
        assert_eq!(practices, [Practice::Cookies, Practice::Children]);
        assert_eq!(f.third_parties.len(), 1);
        assert_eq!(f.third_parties[0].name, "Google Analytics");
        // "What we collect" 3 + 12 + "Children" 1 + 10 + "Last updated: 2019-05-12" 3
        assert_eq!(f.word_count, 29);
        assert_eq!(f.language.as_deref(), Some("en"));
        assert!(f.flesch_kincaid_grade.is_some());
    }

    #[test]
    fn non_english_documents_read_numeric_dates_day_first() {
        let fr = format!(
            "{HEADER}# Politique de confidentialité\n\nNous collectons des informations vous concernant \
             lorsque vous utilisez notre site et nous les utilisons pour fournir et améliorer nos \
             services. Nous ne vendons jamais vos données personnelles à des tiers.\n\n\
             Mise à jour : 05/06/2019\n"
        );
        let f = extract_md(&fr);
        assert_eq!(f.language.as_deref(), Some("fr"));
        assert_eq!(f.stated_date.map(|d| d.date).as_deref(), Some("2019-06-05"));
        let de = format!(
            "{HEADER}# Datenschutzerklärung\n\nWir erheben Informationen über Sie, wenn Sie unsere \
             Website nutzen, und verwenden sie, um unsere Dienste bereitzustellen und zu verbessern. \
             Wir verkaufen Ihre Daten nicht an Dritte weiter.\n\nZuletzt geändert am 05.06.2019\n"
        );
        let f = extract_md(&de);
        assert_eq!(f.language.as_deref(), Some("de"));
        assert_eq!(f.stated_date.map(|d| d.date).as_deref(), Some("2019-06-05"));
        // The same date in an English policy is US order.
        let en = format!(
            "{HEADER}# Privacy\n\nWe collect information about you when you use our website and we \
             use it to provide and improve our services to you and to keep the site safe.\n\n\
             Last modified on 05/06/2019\n"
        );
        assert_eq!(
            extract_md(&en).stated_date.map(|d| d.date).as_deref(),
            Some("2019-05-06")
        );
    }

    #[test]
    fn header_and_title_are_not_body() {
        let f = extract_md(&format!("{HEADER}# None\n"));
        assert_eq!(f.title, None);
        assert_eq!(f.word_count, 0);
        assert_eq!(f.flesch_kincaid_grade, None);
        assert_eq!(f.language, None);
        assert!(
            f.stated_date.is_none(),
            "the header's archive date is not the policy's"
        );
    }

    #[test]
    fn no_panic_on_weird_input() {
        let long_stars = "*".repeat(1 << 20);
        let brackets = "[".repeat(100_000) + &"](".repeat(100_000) + &")".repeat(1000);
        let mixed: String = (0..200_000u32)
            .map(|i| char::from_u32(i % 0x3000).unwrap_or('x'))
            .collect();
        let inputs: Vec<String> = vec![
            String::new(),
            HEADER.to_string(),
            "# ".into(),
            "#".into(),
            "\n\n\n".into(),
            long_stars,
            brackets,
            mixed,
            "[unclosed](http://x.com \"title".into(),
            "**_~~`\\".into(),
            "\u{0}\u{1}\u{fffd}\r\n\r# T\r\n".into(),
            "Last updated: 99/99/9999 12.13.14.15 Feb 30, 2020 +1 (000) 000-0000".into(),
            "é".repeat(10_000) + "Last updated: 1 mai 2019",
            "a@".repeat(50_000),
            "_".repeat(100_000),
            "1.".repeat(100_000),
        ];
        for input in &inputs {
            let f = extract_md(input);
            // Serialisable too.
            let json = serde_json::to_string(&f).unwrap_or_default();
            assert!(!json.is_empty());
        }
    }

    #[test]
    fn practice_names_round_trip() {
        for &p in Practice::all() {
            assert_eq!(Practice::from_name(p.name()), Some(p));
            let json = serde_json::to_string(&p).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", p.name()));
        }
        assert_eq!(Practice::all().len(), 11);
    }

    #[test]
    fn fields_round_trip_through_json() {
        let f = extract_md(&format!(
            "{HEADER}# T\n\nEffective as of March 3, 2018. We use cookies and Stripe.\n"
        ));
        let json = serde_json::to_string(&f).unwrap_or_default();
        assert!(json.contains("\"kind\":\"effective\""));
        let back: Option<PolicyFields> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(f));
    }
}
