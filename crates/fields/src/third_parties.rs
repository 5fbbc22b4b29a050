//! Named third parties and trackers: a table of well-known analytics, advertising, social,
//! payment, e-mail, support and infrastructure services with their aliases.
//!
//! Names are matched on word boundaries in sentences whose bare URLs were removed (a
//! `www.facebook.com` link target says less than the text around it). Most names match in any
//! case; names that are also ordinary words ("Segment", "Amazon", "Stripe", "Intercom", …) must
//! be capitalised, and the most ambiguous of them must not open the sentence. Plain "Google"
//! (or "Oracle") counts only where no more specific product (Google Analytics, AdSense, Oracle
//! BlueKai, …) matched the same words.

use crate::ThirdParty;
use crate::practices::{MAX_SENTENCE_CHARS, pass_of};
use crate::text::{Sentence, excerpt, without_urls};
use regex::{Regex, RegexSet};
use std::sync::LazyLock;

/// How a table entry matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Matches wherever the pattern does.
    Plain,
    /// A capitalised common word: must not be the first word of the sentence.
    NotInitial,
    /// A company name that also prefixes its products: counts only outside product matches.
    Generic,
}

use Rule::{Generic, NotInitial, Plain};

/// (canonical name, pattern, rule). Patterns are wrapped in `\b(?:…)\b`; `(?i)` marks the
/// case-insensitive ones.
const TABLE: &[(&str, &str, Rule)] = &[
    // Google and its products
    (
        "Google Analytics",
        r"(?i)Google\s+Analytics|Universal\s+Analytics|urchin\.js|ga\.js",
        Plain,
    ),
    ("Google Tag Manager", r"(?i)Google\s+Tag\s+Manager", Plain),
    (
        "DoubleClick",
        r"(?i)Double\s?Click(?:\s+DART)?|DART\s+cookies?",
        Plain,
    ),
    ("Google AdSense", r"(?i)(?:Google\s+)?Ad\s?Sense", Plain),
    (
        "Google Ads",
        r"(?i:(?:Google\s+)?Ad\s?Words|GoogleAds)|Google\s+Ads",
        Plain,
    ),
    ("Google Maps", r"(?i)Google\s+Maps", Plain),
    ("Google reCAPTCHA", r"(?i)(?:Google\s+)?reCAPTCHA", Plain),
    ("Google Firebase", r"(?i)(?:Google\s+)?Firebase", Plain),
    ("YouTube", r"(?i)YouTube", Plain),
    ("Google", r"Google", Generic),
    // Social networks
    ("Facebook", r"(?i)Facebook|Meta\s+Pixel", Plain),
    ("Instagram", r"(?i)Instagram", Plain),
    ("Twitter", r"(?i)Twitter", Plain),
    ("LinkedIn", r"(?i:LinkedIn)|Linked\s+In", Plain),
    ("Pinterest", r"(?i)Pinterest", Plain),
    ("Snapchat", r"(?i)Snapchat", Plain),
    ("TikTok", r"(?i)TikTok", Plain),
    ("Vimeo", r"(?i)Vimeo", Plain),
    ("SoundCloud", r"(?i)Sound\s?Cloud", Plain),
    ("Disqus", r"(?i)Disqus", Plain),
    ("AddThis", r"(?i)AddThis", Plain),
    ("ShareThis", r"(?i)ShareThis", Plain),
    ("Gravatar", r"(?i)Gravatar", Plain),
    // Analytics, testing, session replay
    (
        "Adobe Analytics",
        r"(?i)Omniture|SiteCatalyst|Adobe\s+Analytics|Adobe\s+Marketing\s+Cloud",
        Plain,
    ),
    ("Hotjar", r"(?i)Hotjar", Plain),
    ("Mixpanel", r"(?i)Mixpanel", Plain),
    ("Kissmetrics", r"(?i)Kiss\s?metrics", Plain),
    ("Crazy Egg", r"(?i)Crazy\s?Egg", Plain),
    ("Mouseflow", r"(?i)Mouseflow", Plain),
    ("FullStory", r"(?i)FullStory", Plain),
    ("Optimizely", r"(?i)Optimizely", Plain),
    (
        "Visual Website Optimizer",
        r"(?i)Visual\s+Website\s+Optimizer|VWO",
        Plain,
    ),
    ("Chartbeat", r"(?i)Chartbeat", Plain),
    ("Quantcast", r"(?i)Quantcast", Plain),
    ("comScore", r"(?i)comScore|Scorecard\s?Research", Plain),
    ("Nielsen", r"Nielsen", Plain),
    ("Matomo", r"(?i)Matomo|Piwik", Plain),
    ("StatCounter", r"(?i)StatCounter", Plain),
    ("Clicky", r"Clicky", NotInitial),
    ("Microsoft Clarity", r"(?i)Microsoft\s+Clarity", Plain),
    ("Amplitude", r"Amplitude", NotInitial),
    ("Segment", r"Segment(?:\.com|\.io)?", NotInitial),
    ("New Relic", r"(?i)New\s?Relic", Plain),
    ("Yandex", r"(?i)Yandex", Plain),
    ("Baidu", r"(?i)Baidu", Plain),
    ("Flurry", r"Flurry", Plain),
    ("AppsFlyer", r"(?i)AppsFlyer", Plain),
    ("Tealium", r"(?i)Tealium", Plain),
    // Advertising
    (
        "Bing Ads",
        r"(?i)Bing\s+Ads|Microsoft\s+Advertising|Microsoft\s+adCenter|adCenter|Bing\s+UET",
        Plain,
    ),
    ("Yahoo", r"(?i)Yahoo", Plain),
    ("AdRoll", r"(?i)AdRoll", Plain),
    ("Criteo", r"(?i)Criteo", Plain),
    ("AppNexus", r"(?i)AppNexus|Xandr", Plain),
    (
        "Rubicon Project",
        r"Rubicon(?:\s+Project)?|(?i:Magnite)",
        Plain,
    ),
    ("Taboola", r"(?i)Taboola", Plain),
    ("Outbrain", r"(?i)Outbrain", Plain),
    ("Media.net", r"(?i)Media\.net", Plain),
    ("Infolinks", r"(?i)Infolinks", Plain),
    ("Chitika", r"(?i)Chitika", Plain),
    ("Kontera", r"(?i)Kontera", Plain),
    ("Tribal Fusion", r"(?i)Tribal\s+Fusion", Plain),
    ("ValueClick", r"(?i)ValueClick", Plain),
    ("Advertising.com", r"(?i)Advertising\.com", Plain),
    ("PubMatic", r"(?i)PubMatic", Plain),
    ("OpenX", r"(?i)OpenX", Plain),
    ("Index Exchange", r"Index\s+Exchange", Plain),
    ("The Trade Desk", r"(?i)The\s+Trade\s+Desk", Plain),
    ("MediaMath", r"(?i)MediaMath", Plain),
    ("Sizmek", r"(?i)Sizmek", Plain),
    ("Sovrn", r"(?i)Sovrn", Plain),
    ("Ezoic", r"(?i)Ezoic", Plain),
    ("Mediavine", r"(?i)Mediavine", Plain),
    ("Oracle BlueKai", r"(?i)(?:Oracle\s+)?BlueKai", Plain),
    ("Oracle", r"Oracle", Generic),
    ("Lotame", r"(?i)Lotame", Plain),
    ("LiveRamp", r"(?i)LiveRamp", Plain),
    ("Acxiom", r"(?i)Acxiom", Plain),
    ("Experian", r"Experian", Plain),
    ("Tapad", r"(?i)Tapad", Plain),
    // Affiliate networks
    (
        "Commission Junction",
        r"(?i)Commission\s+Junction|CJ\s+Affiliate",
        Plain,
    ),
    ("Rakuten", r"(?i)Rakuten|LinkShare", Plain),
    ("Skimlinks", r"(?i)Skimlinks", Plain),
    ("VigLink", r"(?i)VigLink", Plain),
    ("Amazon", r"Amazon(?:\.com)?|AWS", Plain),
    // Payment
    ("PayPal", r"(?i)PayPal", Plain),
    ("Stripe", r"Stripe", Plain),
    ("Braintree", r"Braintree", Plain),
    ("Authorize.Net", r"(?i)Authorize\.Net", Plain),
    ("Shopify", r"(?i)Shopify", Plain),
    // E-mail, CRM, support, surveys
    ("Mailchimp", r"(?i)Mail\s?Chimp", Plain),
    ("Constant Contact", r"Constant\s+Contact", Plain),
    ("AWeber", r"(?i)AWeber", Plain),
    ("SendGrid", r"(?i)SendGrid", Plain),
    ("Klaviyo", r"(?i)Klaviyo", Plain),
    ("HubSpot", r"(?i)HubSpot", Plain),
    ("Salesforce", r"(?i)Salesforce|Pardot|ExactTarget", Plain),
    ("Zendesk", r"(?i)Zendesk|Zopim", Plain),
    ("Intercom", r"Intercom", NotInitial),
    ("Freshdesk", r"(?i)Freshdesk", Plain),
    ("Olark", r"(?i)Olark", Plain),
    ("SurveyMonkey", r"(?i)SurveyMonkey", Plain),
    ("Qualtrics", r"(?i)Qualtrics", Plain),
    // Infrastructure, registries
    ("Cloudflare", r"(?i)Cloud\s?flare", Plain),
    ("Akamai", r"(?i)Akamai", Plain),
    ("Verisign", r"(?i)Verisign", Plain),
    ("Nominet", r"(?i)Nominet", Plain),
];

struct Compiled {
    set: RegexSet,
    each: Vec<Regex>,
}

fn wrapped(pattern: &str) -> String {
    // A leading `(?i)` must stay in front to apply to the whole pattern.
    match pattern.strip_prefix("(?i)") {
        Some(rest) => format!(r"(?i)\b(?:{rest})\b"),
        None => format!(r"\b(?:{pattern})\b"),
    }
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let patterns: Vec<String> = TABLE.iter().map(|&(_, p, _)| wrapped(p)).collect();
    Compiled {
        set: RegexSet::new(&patterns).expect("third-party regex set"),
        each: patterns
            .iter()
            .map(|p| Regex::new(p).expect("third-party regex"))
            .collect(),
    }
});

/// The canonical names of every entry, sorted, without duplicates.
pub fn known_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = TABLE.iter().map(|&(n, _, _)| n).collect();
    names.sort_by_key(|n| n.to_lowercase());
    names.dedup();
    names
}

/// The named third parties in `sentences`, each once with the first sentence naming it (prose
/// before heading-like lines before headings, as for practices), sorted by name
/// (case-insensitively).
pub(crate) fn find_third_parties(sentences: &[Sentence]) -> Vec<ThirdParty> {
    let compiled = &*COMPILED;
    let mut found: Vec<ThirdParty> = Vec::new();
    let ordered = (0..3u8).flat_map(|pass| sentences.iter().filter(move |s| pass_of(s) == pass));
    for s in ordered {
        let text = without_urls(&s.text);
        let hits = compiled.set.matches(&text);
        if !hits.matched_any() {
            continue;
        }
        // Spans of specific (non-generic) matches, to mask generic names inside them.
        let mut specific: Vec<(usize, usize)> = Vec::new();
        let mut candidates: Vec<(usize, usize, usize)> = Vec::new(); // (entry, start, end)
        for idx in hits.iter() {
            let (_, _, rule) = TABLE[idx];
            for m in compiled.each[idx].find_iter(&text) {
                if rule == NotInitial && text[..m.start()].trim().is_empty() {
                    continue;
                }
                if rule != Generic {
                    specific.push((m.start(), m.end()));
                }
                candidates.push((idx, m.start(), m.end()));
            }
        }
        candidates.sort_by_key(|&(_, start, _)| start);
        for (idx, start, end) in candidates {
            let (name, _, rule) = TABLE[idx];
            if rule == Generic && specific.iter().any(|&(a, b)| start < b && a < end) {
                continue;
            }
            if found.iter().any(|t| t.name == name) {
                continue;
            }
            found.push(ThirdParty {
                name: name.to_string(),
                sentence: excerpt(&s.text, start, MAX_SENTENCE_CHARS),
            });
        }
    }
    found.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.name.cmp(&b.name))
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let sentences: Vec<Sentence> = crate::text::split_sentences(text)
            .into_iter()
            .map(|s| Sentence {
                text: s.trim().to_string(),
                heading: false,
            })
            .collect();
        find_third_parties(&sentences)
            .into_iter()
            .map(|t| t.name)
            .collect()
    }

    #[test]
    fn table_is_large_and_compiles() {
        assert!(known_names().len() >= 40);
        assert_eq!(COMPILED.each.len(), TABLE.len());
    }

    #[test]
    fn aliases_map_to_canonical_names() {
        assert_eq!(
            names(
                "We use Google Analytics, Omniture and the DoubleClick DART cookie. Ads by Google AdWords."
            ),
            [
                "Adobe Analytics",
                "DoubleClick",
                "Google Ads",
                "Google Analytics"
            ]
        );
        assert_eq!(
            names("Our partners include MailChimp and Pay Pal."),
            ["Mailchimp"]
        );
    }

    #[test]
    fn generic_google_only_outside_products() {
        assert_eq!(names("Google AdSense serves ads."), ["Google AdSense"]);
        assert_eq!(
            names("Google, as a third party vendor, uses cookies. We use Google Analytics."),
            ["Google", "Google Analytics"]
        );
    }

    #[test]
    fn seen_in_archived_policies() {
        assert_eq!(
            names(
                "With the exception of GoogleAds for non-subscribers, no third-party services are included. These services include youtube and sound cloud links, analysis tools such as Google analytics, e. g. OpenStreetMap instead of Google Maps."
            ),
            [
                "Google Ads",
                "Google Analytics",
                "Google Maps",
                "SoundCloud",
                "YouTube"
            ]
        );
        assert_eq!(
            names(
                "We may pass User Information to service providers, such as Oracle or Google, to allow them to provide services."
            ),
            ["Google", "Oracle"]
        );
    }

    #[test]
    fn common_words_need_capitals() {
        assert!(names("Each segment of the amazon basin is a stripe of forest.").is_empty());
        assert!(names("Segment information is stored.").is_empty());
        assert_eq!(
            names("We send events to Segment and payments to Stripe and books to Amazon."),
            ["Amazon", "Segment", "Stripe"]
        );
        assert!(names("Visit https://www.facebook.com/ for more.").is_empty());
    }
}
