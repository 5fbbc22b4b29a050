//! Practice signals: which data practices a policy talks about, each with the first sentence that
//! shows it.
//!
//! A signal means the policy *addresses* the practice, not that the site does it: "we do not sell
//! your information" is a [`Practice::SellingData`] signal, "this site does not use cookies" a
//! [`Practice::Cookies`] one. Telling "does" from "does not" needs more than keyword rules, and for
//! a policy's history the question "when did the policy start talking about X" is the useful one.
//!
//! Rules run on sentences with links reduced to their text and bare URLs removed. Prose
//! sentences are tried first, then heading-like ones (run-in headings such as "Children.", bold
//! pseudo-headings such as "Cookies and Web Beacons"), then `#` headings, so that the reported
//! sentence is informative where the policy has one.

use crate::text::{Sentence, excerpt, without_urls};
use crate::{Practice, PracticeSignal};
use regex::Regex;
use std::sync::LazyLock;

/// How long a reported sentence may be, in characters (plus `…` marks where it was cut).
pub(crate) const MAX_SENTENCE_CHARS: usize = 300;

fn re(p: &str) -> Regex {
    Regex::new(p).expect("practice regex")
}

static COOKIES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:cookies?|web\s+beacons?|pixel\s+tags?|clear\s+gifs?|flash\s+cookies?|local\s+storage\s+objects?)\b",
    )
});

static THIRD_PARTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:third[\s-]+part(?:y|ies)(?:'s)?|partners?|affiliates?|affiliated\s+compan(?:y|ies)|service\s+providers?|other\s+compan(?:y|ies)|outside\s+(?:parties|compan(?:y|ies))|advertisers?|advertising\s+(?:partners?|companies|networks?)|ad\s+(?:servers?|networks?)|vendors?|others)\b",
    )
});
/// Phrases that look like a third party but are not one.
static NOT_THIRD_PARTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:internet\s+service\s+providers?|(?:e-?mail|access|hosting|online)\s+service\s+providers?\s+\(ISPs?\))\b",
    )
});
static SHARING_VERB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:shar(?:e|es|ed|ing)|disclos\w*|transfer\w*|sell\w*|sold|rent\w*|lease\w*|trade\w*|provid\w*|give\w*|gave|pass(?:es|ed|ing)?|releas\w*|reveal\w*|(?:make|made|making)\s+\w*\s*available|collect\w*|receiv\w*|access\w*|obtain\w*|acquir\w*|track\w*|us(?:e|es|ed|ing)\s+(?:cookies|web\s+beacons|technology|your|the\s+information))\b",
    )
});

static SELL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:sell|sells|selling|sold|rent|rents|renting|rented|trade|trades|trading|traded|for\s+sale|lease|leases|leasing)\b",
    )
});
static PERSONAL_DATA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:information|data|details|e-?mail\s+(?:address(?:es)?|lists?)|(?:mailing|customer|user)\s+lists?|lists|personal|pii)\b",
    )
});
/// Selling goods, products or the business itself is not selling data.
static SELL_OTHER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:sell|sells|selling|sold|sale)\s+(?:(?:any|all|or|of|our|the|its|their|some|substantially|part|to)\s+)*(?:products?|goods|items|merchandise|business(?:es)?|assets?|company|stock|shares|tickets)\b|\b(?:products?|goods|items|merchandise)\s+(?:are|is|were|was|being)?\s*(?:sold|for\s+sale)\b",
    )
});

static CHILDREN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:child(?:ren)?(?:'s|’s)?|kids|minors?|COPPA|parental\s+consent|under\s+(?:the\s+age\s+of\s+)?(?:13|16|thirteen|sixteen)|under\s+age\s+(?:13|16))\b",
    )
});
static GDPR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:GDPR|General\s+Data\s+Protection\s+Regulation|Regulation\s+\(EU\)\s+2016/679|EU\s+data\s+subjects?|data\s+protection\s+officer|lawful\s+basis|legal\s+bas(?:is|es)\s+for\s+(?:the\s+)?processing|right\s+to\s+be\s+forgotten|right\s+to\s+data\s+portability|RGPD|DSGVO|Datenschutz-Grundverordnung|R[èe]glement\s+g[ée]n[ée]ral\s+sur\s+la\s+protection\s+des\s+donn[ée]es|Reglamento\s+General\s+de\s+Protecci[óo]n\s+de\s+Datos)\b",
    )
});
static CCPA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:CCPA|CPRA|California\s+Consumer\s+Privacy\s+Act|California\s+Privacy\s+Rights\s+Act|CalOPPA|California\s+Online\s+Privacy\s+Protection\s+Act|California\s+residents?|residents\s+of\s+California|Shine\s+the\s+Light|California\s+Civil\s+Code|Cal\.\s+Civ\.\s+Code|California\s+privacy\s+rights|California\s+Business\s+and\s+Professions\s+Code)\b",
    )
});
static DO_NOT_TRACK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\bDo[\s-]Not[\s-]Track\b|["“]do[\s-]not[\s-]track["”]|\bDNT\b|(?i:\bdo[\s-]not[\s-]track\s+(?:signals?|requests?|settings?|headers?|preferences?|mechanisms?|features?|options?|browser))"#,
    )
});
static SAFE_HARBOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:safe\s+harbou?r|privacy\s+shield)\b"));
static ENCRYPTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:SSL|TLS|HTTPS|encrypt\w*|Secure\s+Sockets?\s+Layers?|Transport\s+Layer\s+Security|cryptograph\w*)\b",
    )
});
static RETENTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:retain(?:s|ed|ing)?|retention)\b|\b(?:keep|keeps|kept|store|stores|stored|hold|holds|held|maintain|maintains|maintained|preserve[sd]?)\b[^.;]{0,80}?\b(?:indefinitely|for\s+(?:a|the)\s+(?:period|time|duration)|for\s+as\s+long\s+as|as\s+long\s+as|no\s+longer\s+than|for\s+up\s+to|for\s+(?:\d+|one|two|three|four|five|six|seven|ten|twelve|eighteen|twenty[\s-]four|thirty|sixty|ninety)\s+(?:hours?|days?|weeks?|months?|years?))\b|\b(?:delet|eras|destroy|purg|anonymi[sz])\w*\b[^.;]{0,60}?\b(?:after|within)\s+(?:\d+|one|two|three|six|twelve|thirty|ninety)\s+(?:days?|weeks?|months?|years?)\b",
    )
});
static OPT_OUT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:opt(?:ed|ing)?[\s-]?out|unsubscrib\w*|remove\s+(?:yourself|your\s+(?:name|e-?mail(?:\s+address)?))\s+from\s+(?:our|the|any)\s+(?:\w+\s+)?(?:mailing|e-?mail|distribution)\s+lists?|(?:do\s+not|don't|no\s+longer)\s+(?:want|wish)\s+to\s+receive|stop\s+receiving|withdraw\s+(?:your\s+)?consent)\b",
    )
});

/// Where in `text` the rule for `practice` matches, as a byte offset, if it does.
fn rule_matches(practice: Practice, text: &str) -> Option<usize> {
    let first = |r: &Regex| r.find(text).map(|m| m.start());
    match practice {
        Practice::Cookies => first(&COOKIES),
        Practice::ThirdPartySharing => {
            let text = blank(&NOT_THIRD_PARTY, text);
            let party = THIRD_PARTY.find(&text)?;
            // The verb must be another word than the party ("service *provider*").
            SHARING_VERB
                .is_match(&blank(&THIRD_PARTY, &text))
                .then_some(party.start())
        }
        Practice::SellingData => {
            let cleaned = blank(&SELL_OTHER, text);
            SELL.find_iter(&cleaned).find_map(|m| {
                let lo = floor(&cleaned, m.start().saturating_sub(80));
                let hi = ceil(&cleaned, m.end() + 80);
                PERSONAL_DATA
                    .is_match(&cleaned[lo..hi])
                    .then_some(m.start())
            })
        }
        Practice::Children => first(&CHILDREN),
        Practice::Gdpr => first(&GDPR),
        Practice::Ccpa => first(&CCPA),
        Practice::DoNotTrack => first(&DO_NOT_TRACK),
        Practice::SafeHarbor => first(&SAFE_HARBOR),
        Practice::Encryption => first(&ENCRYPTION),
        Practice::DataRetention => first(&RETENTION),
        Practice::OptOut => first(&OPT_OUT),
    }
}

/// `text` with every match of `re` replaced by spaces of the same byte length.
fn blank<'t>(re: &Regex, text: &'t str) -> std::borrow::Cow<'t, str> {
    re.replace_all(text, |c: &regex::Captures<'_>| {
        " ".repeat(c.get(0).map_or(0, |m| m.as_str().len()))
    })
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Prose sentences shorter than this (in words) are usually run-in headings ("Children.").
const MIN_PROSE_WORDS: usize = 4;

/// Lines of at most this many words without closing punctuation are usually bold pseudo-headings
/// (`**Cookies and Web Beacons**`).
const MAX_HEADING_LIKE_WORDS: usize = 8;

/// Which pass a sentence belongs to: 0 prose, 1 heading-like prose (under
/// [`MIN_PROSE_WORDS`] words, or at most [`MAX_HEADING_LIKE_WORDS`] words without closing
/// punctuation), 2 headings.
pub(crate) fn pass_of(s: &Sentence) -> u8 {
    if s.heading {
        return 2;
    }
    let n = crate::text::words(&s.text).count();
    let closed = s
        .text
        .trim_end_matches(['"', '\'', '”', '’', ')'])
        .ends_with(['.', '!', '?', ':', ';', ',']);
    if n < MIN_PROSE_WORDS || (n <= MAX_HEADING_LIKE_WORDS && !closed) {
        1
    } else {
        0
    }
}

/// The practices the sentences talk about, in [`Practice::all`] order, each with the first
/// sentence that matched: prose first, then heading-like prose, then headings (see [`pass_of`]).
pub(crate) fn find_practices(sentences: &[Sentence]) -> Vec<PracticeSignal> {
    let mut found: Vec<Option<PracticeSignal>> = vec![None; Practice::all().len()];
    for pass in 0..3u8 {
        for s in sentences.iter().filter(|s| pass_of(s) == pass) {
            if found.iter().all(Option::is_some) {
                break;
            }
            let cleaned = without_urls(&s.text);
            for (slot, &practice) in found.iter_mut().zip(Practice::all()) {
                if slot.is_some() {
                    continue;
                }
                if let Some(pos) = rule_matches(practice, &cleaned) {
                    // `without_urls` keeps byte offsets, so `pos` is valid in the sentence too.
                    *slot = Some(PracticeSignal {
                        practice,
                        sentence: excerpt(&s.text, floor(&s.text, pos), MAX_SENTENCE_CHARS),
                    });
                }
            }
        }
    }
    found.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practices(text: &str) -> Vec<Practice> {
        let sentences: Vec<Sentence> = crate::text::split_sentences(text)
            .into_iter()
            .map(|s| Sentence {
                text: s.trim().to_string(),
                heading: false,
            })
            .collect();
        find_practices(&sentences)
            .into_iter()
            .map(|p| p.practice)
            .collect()
    }

    #[test]
    fn each_rule_fires() {
        use Practice::*;
        assert_eq!(practices("Our site uses cookies."), [Cookies]);
        assert_eq!(
            practices("We may share your information with third parties."),
            [ThirdPartySharing]
        );
        assert_eq!(
            practices("We do not sell your personal information."),
            [SellingData]
        );
        assert_eq!(
            practices("We do not knowingly collect data from children under 13."),
            [Children]
        );
        assert_eq!(practices("Your rights under the GDPR."), [Gdpr]);
        assert_eq!(
            practices("California residents may request a list (Shine the Light)."),
            [Ccpa]
        );
        assert_eq!(
            practices("We do not respond to Do Not Track signals."),
            [DoNotTrack]
        );
        assert_eq!(
            practices("We comply with the EU-U.S. Privacy Shield Framework."),
            [SafeHarbor]
        );
        assert_eq!(practices("Payment pages use SSL."), [Encryption]);
        assert_eq!(
            practices("Logs are stored for 1 year and then deleted."),
            [DataRetention]
        );
        assert_eq!(practices("You may unsubscribe at any time."), [OptOut]);
    }

    #[test]
    fn obvious_false_positives_are_avoided() {
        assert!(
            practices(
                "Where we sell any or all of our business and/or our assets to a third party."
            )
            .iter()
            .all(|p| *p != Practice::SellingData)
        );
        assert!(
            practices("ZooEscape.com does not sell products for purchase by children.")
                .iter()
                .all(|p| *p != Practice::SellingData)
        );
        assert!(practices("We do not track your location.").is_empty());
        assert!(practices("You must be 18 or above to enter.").is_empty());
        assert!(practices("We keep an internal record of our communication with you.").is_empty());
        assert!(
            practices("Log files include your Internet Service Provider (ISP) and browser type.")
                .is_empty()
        );
    }

    #[test]
    fn sentence_is_reported_and_bounded() {
        let long = format!(
            "{} we use cookies {}.",
            "word ".repeat(200),
            "more ".repeat(200)
        );
        let sentences = vec![Sentence {
            text: long,
            heading: false,
        }];
        let found = find_practices(&sentences);
        assert_eq!(found.len(), 1);
        assert!(found[0].sentence.contains("cookies"));
        assert!(found[0].sentence.chars().count() <= MAX_SENTENCE_CHARS + 2);
    }
}
