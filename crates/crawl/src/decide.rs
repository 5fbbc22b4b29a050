//! The decisions of discovery, as pure functions of what was already listed and read: which
//! homepage rows are samples and which two a span reads, which candidate URL of a span is the
//! policy (confirmed URL, homepage link, URL keywords), whether a homepage redirect means the
//! site moved, and which homepage link to follow when no URL was chosen.
//!
//! No network, no store, no async: `discover` lists, reads the homepages these functions ask
//! for, and calls them.

use std::collections::{BTreeMap, BTreeSet};

use store::{Alias, Decision, DecisionMethod, Relation};
use wayback::{Capture, Timestamp};

use crate::discovery::{
    self, Keywords, LINK_THRESHOLD, PolicyLink, Span, URL_THRESHOLD, match_key,
};

/// A homepage capture as discovery read it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HomepageRead {
    /// The capture read (its timestamp is the sample's).
    pub(crate) capture: Capture,
    /// Where playback landed, after the archive's redirects.
    pub(crate) found_url: String,
    /// The timestamp of the capture playback landed on.
    pub(crate) found_timestamp: String,
    /// Its policy links, best first.
    pub(crate) links: Vec<PolicyLink>,
    /// Its off-site links that speak of privacy but score below the policy-link threshold
    /// (`discovery::PageLinks::unscored`): never followed, refused in the decision trail.
    pub(crate) unscored: Vec<PolicyLink>,
}

/// One homepage row per `months` period (the first 200 of the period, else its first row),
/// oldest first. Rows whose timestamp names no real time are left out.
pub(crate) fn sample_homepages(rows: &[Capture], months: u32) -> Vec<Capture> {
    let months = months.max(1);
    let period = |c: &Capture| -> Option<u32> {
        let at = Timestamp::parse(&c.timestamp).ok()?;
        Some((u32::from(at.year()) * 12 + u32::from(at.month()) - 1) / months)
    };
    let mut by_period: BTreeMap<u32, Capture> = BTreeMap::new();
    for row in rows {
        let Some(key) = period(row) else { continue };
        let is_ok = row.status == Some(200);
        match by_period.get(&key) {
            Some(current) if current.status == Some(200) || !is_ok => {}
            _ => {
                by_period.insert(key, row.clone());
            }
        }
    }
    by_period.into_values().collect()
}

/// The homepage row to read to see whether the site moved: the newest, if it is a redirect.
pub(crate) fn redirect_to_check(homepage_rows: &[Capture]) -> Option<&Capture> {
    homepage_rows
        .last()
        .filter(|last| last.status.is_some_and(|s| (300..400).contains(&s)))
}

/// The site a homepage redirect led to, when it is neither the domain's nor a known alias's:
/// the domain moved there.
pub(crate) fn moved_to(read: &HomepageRead, domain: &str, aliases: &[Alias]) -> Option<String> {
    let host = host_of(&read.found_url)?;
    (!discovery::host_in_domain(&host, domain) && !aliases.iter().any(|a| a.host == host))
        .then_some(host)
}

/// Adds the page a homepage redirect led to as a homepage sample of its own time (it keeps
/// the redirect row's URL and digest), and returns that sample.
pub(crate) fn add_landed_sample(samples: &mut Vec<Capture>, redirect: &HomepageRead) -> Capture {
    let mut landed = redirect.capture.clone();
    landed.timestamp = redirect.found_timestamp.clone();
    samples.push(landed.clone());
    samples.sort_by(|a, b| a.timestamp.cmp(&b.timestamp));
    landed
}

/// The homepage samples a span's decision reads, in the order to read them: the two nearest
/// the span's middle. None when the span's only URL is confirmed (no read can change that).
pub(crate) fn samples_for<'a>(
    span: &Span,
    samples: &'a [Capture],
    confirmed: &BTreeSet<String>,
) -> Vec<&'a Capture> {
    if only_confirmed(span, confirmed).is_some() {
        return Vec::new();
    }
    let middle = midpoint(&span.start, &span.end);
    let mut nearest: Vec<&Capture> = samples.iter().collect();
    nearest.sort_by_key(|c| as_number(&c.timestamp).unwrap_or(0).abs_diff(middle));
    nearest.truncate(2);
    nearest
}

/// The middle of a span, as [`Timestamp::as_number`] (for "nearest sample").
///
/// It averages the 14-digit numbers, not the times: kept as it was so that the same samples
/// are read and the same decisions made. Unreadable bounds count as 0 (start) and as the
/// start (end).
fn midpoint(start: &str, end: &str) -> u64 {
    let a = as_number(start).unwrap_or(0);
    let b = as_number(end).unwrap_or(a);
    a / 2 + b / 2
}

fn as_number(timestamp: &str) -> Option<u64> {
    Timestamp::parse(timestamp).ok().map(|t| t.as_number())
}

/// The link of a homepage read that points at one of the span's candidate URLs (the best
/// such link). Once a read has one, the span's decision needs no further read.
pub(crate) fn link_hit<'a>(span: &Span, read: &'a HomepageRead) -> Option<&'a PolicyLink> {
    read.links
        .iter()
        .find(|link| match_key(&link.url).is_some_and(|key| span.keys.contains(&key)))
}

/// Whether a homepage read links `url` as a policy (by match key).
pub(crate) fn links_to(read: &HomepageRead, url: &str) -> bool {
    let key = match_key(url);
    key.is_some() && read.links.iter().any(|link| match_key(&link.url) == key)
}

/// The span's key when it has only one and that one is confirmed.
fn only_confirmed<'a>(span: &'a Span, confirmed: &BTreeSet<String>) -> Option<&'a String> {
    match span.keys.as_slice() {
        [only] if confirmed.contains(only) => Some(only),
        _ => None,
    }
}

/// Decides which candidate URL of a span is the policy, and says why. `reads` are the homepage
/// reads made for it, in the order read ([`samples_for`], unreadable ones left out);
/// `confirmed` the match keys known as the policy.
///
/// In order: the span's only URL confirmed; a link on a read homepage to one of the span's
/// URLs (the first read with one); the only confirmed URL among several; the URL with the
/// best [`Keywords::url_score`], if it reaches [`URL_THRESHOLD`] and no other URL ties it.
/// Otherwise nothing is chosen.
pub(crate) fn decide(
    span: &Span,
    candidates: &[Capture],
    reads: &[HomepageRead],
    confirmed: &BTreeSet<String>,
    keywords: &Keywords,
) -> Decision {
    let url_of = |key: &str| {
        span.captures
            .iter()
            .filter_map(|&i| candidates.get(i))
            .find(|c| match_key(&c.original).as_deref() == Some(key))
            .map(|c| c.original.clone())
    };
    let mut decision = Decision {
        period_start: span.start.clone(),
        period_end: span.end.clone(),
        policy_url: None,
        method: DecisionMethod::None,
        homepage_url: None,
        homepage_timestamp: None,
        link_text: None,
        score: None,
        candidates: span.keys.iter().filter_map(|k| url_of(k)).collect(),
        note: None,
    };
    if let Some(only) = only_confirmed(span, confirmed) {
        decision.policy_url = url_of(only);
        decision.method = DecisionMethod::Confirmed;
        return decision;
    }
    for read in reads {
        if let Some(link) = link_hit(span, read) {
            let key = match_key(&link.url).unwrap_or_default();
            decision.policy_url = url_of(&key);
            decision.method = DecisionMethod::HomepageLink;
            decision.homepage_url = Some(read.found_url.clone());
            decision.homepage_timestamp = Some(read.found_timestamp.clone());
            decision.link_text = Some(link.text.clone());
            decision.score = Some(link.score);
            return decision;
        }
    }
    let known: Vec<&String> = span
        .keys
        .iter()
        .filter(|k| confirmed.contains(*k))
        .collect();
    if let [only] = known.as_slice() {
        decision.policy_url = url_of(only);
        decision.method = DecisionMethod::Confirmed;
        return decision;
    }
    let mut scored: Vec<(f64, String)> = span
        .keys
        .iter()
        .filter_map(|k| url_of(k))
        .map(|url| (keywords.url_score(&url), url))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    if let Some((score, url)) = scored.first()
        && *score >= URL_THRESHOLD
        && scored.get(1).is_none_or(|second| second.0 < *score)
    {
        decision.policy_url = Some(url.clone());
        decision.method = DecisionMethod::UrlKeywords;
        decision.score = Some(*score);
    }
    decision
}

/// The captures of a span that the decision made the policy's (those of its chosen URL).
pub(crate) fn policy_captures<'a>(
    span: &Span,
    candidates: &'a [Capture],
    decision: &Decision,
) -> Vec<&'a Capture> {
    let Some(key) = decision.policy_url.as_deref().and_then(match_key) else {
        return Vec::new();
    };
    span.captures
        .iter()
        .filter_map(|&i| candidates.get(i))
        .filter(|c| match_key(&c.original).as_deref() == Some(key.as_str()))
        .collect()
}

/// The homepage samples to read for a policy link when no candidate URL was chosen
/// (`confirmed` empty once every span is decided): the newest two, newest first.
pub(crate) fn unlisted_samples<'a>(
    samples: &'a [Capture],
    confirmed: &BTreeSet<String>,
) -> Vec<&'a Capture> {
    if !confirmed.is_empty() {
        return Vec::new();
    }
    samples.iter().rev().take(2).collect()
}

/// The homepage link to follow when no candidate URL was chosen, and the links refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UnlistedChoice<'a> {
    /// The link to list, if any: the best one on the site (the domain or an alias), else the
    /// best off-site one that [`offsite_refusal`] lets through.
    pub(crate) link: Option<&'a PolicyLink>,
    /// Whether that link leaves the site.
    pub(crate) offsite: bool,
    /// Off-site links refused, with why (for the decision trail).
    pub(crate) refused: Vec<(&'a PolicyLink, String)>,
}

/// Chooses the policy link of a homepage read when no candidate URL was chosen. A link on the
/// site beats any off-site one; an off-site link is taken only when it reads as the site's own
/// policy ([`offsite_refusal`]).
pub(crate) fn unlisted_choice<'a>(
    read: &'a HomepageRead,
    domain: &str,
    aliases: &[Alias],
    keywords: &Keywords,
) -> UnlistedChoice<'a> {
    let alias_hosts: Vec<String> = aliases.iter().map(|a| a.host.clone()).collect();
    let on_site =
        |link: &PolicyLink| relation(&link.url, domain, &alias_hosts) != Relation::LinkedOffsite;
    if let Some(link) = read.links.iter().find(|link| on_site(link)) {
        return UnlistedChoice {
            link: Some(link),
            offsite: false,
            refused: Vec::new(),
        };
    }
    let mut refused = Vec::new();
    for link in &read.links {
        match offsite_refusal(link, keywords) {
            None => {
                return UnlistedChoice {
                    link: Some(link),
                    offsite: true,
                    refused,
                };
            }
            Some(why) => refused.push((link, why)),
        }
    }
    refused.extend(read.unscored.iter().map(|link| {
        let why = format!(
            "not a policy link (its text and URL score {:.1}, below {LINK_THRESHOLD})",
            link.score
        );
        (link, why)
    }));
    UnlistedChoice {
        link: None,
        offsite: false,
        refused,
    }
}

/// Why an off-site homepage link is not the site's own policy (`None`: it is). A site that
/// keeps its policy elsewhere (a parent company, a sister site, a registrar's parked page, a
/// policy generator) links it as its policy, with nothing but a policy name as its text; a
/// link to a third party's policy names the third party, sits beside its name ("Hosted by
/// Wix — Privacy"), or leads to a tool (an opt-out, a share button).
pub(crate) fn offsite_refusal(link: &PolicyLink, keywords: &Keywords) -> Option<String> {
    let text = discovery::collapse_whitespace(&link.text).to_lowercase();
    let text = text.trim_matches(|c: char| !c.is_alphanumeric());
    if text.is_empty() {
        return Some("an off-site link with no text".to_owned());
    }
    if !keywords.link_texts.iter().any(|k| k == text) {
        return Some(format!(
            "an off-site link whose text names more than a policy ({:?})",
            link.text
        ));
    }
    let Ok(url) = url::Url::parse(&link.url) else {
        return Some("an off-site link that is not a URL".to_owned());
    };
    let path = format!(
        "{}{}?{}",
        url.host_str().unwrap_or(""),
        url.path(),
        url.query().unwrap_or("")
    )
    .to_lowercase();
    const TOOLS: [&str; 8] = [
        "optout",
        "opt-out",
        "opt_out",
        "share",
        "intent/",
        "choices",
        "unsubscribe",
        "consent",
    ];
    if let Some(tool) = TOOLS.iter().find(|t| path.contains(*t)) {
        return Some(format!(
            "an off-site tool, not a policy (its URL has {tool:?})"
        ));
    }
    if let Some(owner) = url.host_str().and_then(owner_label) {
        if link
            .embeds
            .iter()
            .filter_map(|host| owner_label(host))
            .any(|embedded| embedded == owner)
        {
            return Some(format!(
                "an off-site link beside its owner's embed (a map, a video, a widget from {})",
                url.host_str().unwrap_or_default()
            ));
        }
        if letters(&link.container).contains(&owner) {
            return Some(format!(
                "an off-site link inside its owner's widget ({:?})",
                link.container
            ));
        }
        if letters(&link.context).contains(&owner) && uses_a_service(&link.context) {
            return Some(format!(
                "an off-site link beside a service of its owner ({:?} next to {:?})",
                link.text, link.context
            ));
        }
    }
    None
}

/// Whether text says the page uses a service ("Hosted by Wix", "Share via AddThis",
/// "This site uses Google Analytics", "Cookies by Cookiebot"), rather than that it belongs to
/// someone ("A Harbour Media Group publication", "© 2018 Example Corp").
fn uses_a_service(context: &str) -> bool {
    const SERVICE: [&str; 14] = [
        "hosted",
        "powered",
        "built with",
        "made with",
        "created with",
        "provided by",
        "served by",
        "uses",
        "using",
        "via",
        "share",
        "cookies by",
        "consent",
        "payments by",
    ];
    let context = context.to_lowercase();
    SERVICE.iter().any(|word| context.contains(word))
}

/// The name a host's owner goes by: the label before the public suffix (`wix` for
/// `www.wix.com`, `bbc` for `www.bbc.co.uk`), when it is long enough to mean something.
fn owner_label(host: &str) -> Option<String> {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    let n = labels.len();
    if n < 2 {
        return None;
    }
    // `co.uk`, `com.au`, `org.br`...: a short second-level label under a country code.
    let owner = if n >= 3 && labels[n - 1].len() == 2 && labels[n - 2].len() <= 3 {
        labels[n - 3]
    } else {
        labels[n - 2]
    };
    let owner = letters(owner);
    (owner.len() >= 3).then_some(owner)
}

/// Lowercase letters and digits only (`GoDaddy.com` → `godaddycom`).
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The decision for an unlisted policy link, from the listing of its URL (`rows`, oldest
/// first); `None` when the archive has no page capture of it. `note` says why an off-site
/// link was taken.
pub(crate) fn unlisted_decision(
    read: &HomepageRead,
    link: &PolicyLink,
    rows: &[Capture],
    note: Option<String>,
) -> Option<Decision> {
    let (first, last) = (rows.first()?, rows.last()?);
    Some(Decision {
        period_start: first.timestamp.clone(),
        period_end: last.timestamp.clone(),
        policy_url: Some(first.original.clone()),
        method: DecisionMethod::HomepageLink,
        homepage_url: Some(read.found_url.clone()),
        homepage_timestamp: Some(read.found_timestamp.clone()),
        link_text: Some(link.text.clone()),
        score: Some(link.score),
        candidates: vec![first.original.clone()],
        note,
    })
}

/// The decision trail of a followed link the archive holds no page capture of: no policy.
pub(crate) fn unarchived_decision(read: &HomepageRead, link: &PolicyLink) -> Decision {
    Decision {
        period_start: read.found_timestamp.clone(),
        period_end: read.found_timestamp.clone(),
        policy_url: None,
        method: DecisionMethod::None,
        homepage_url: Some(read.found_url.clone()),
        homepage_timestamp: Some(read.found_timestamp.clone()),
        link_text: Some(link.text.clone()),
        score: Some(link.score),
        candidates: vec![link.url.clone()],
        note: Some(format!(
            "{}: linked as the policy, but the archive holds no page capture of it",
            link.url
        )),
    }
}

/// The decision trail of a homepage read whose off-site policy links were all refused: no
/// policy, and why each link is not the site's.
pub(crate) fn refusal_decision(
    read: &HomepageRead,
    refused: &[(&PolicyLink, String)],
) -> Option<Decision> {
    let (best, _) = refused.first()?;
    let note = refused
        .iter()
        .map(|(link, why)| format!("{}: {why}", link.url))
        .collect::<Vec<_>>()
        .join("; ");
    Some(Decision {
        period_start: read.found_timestamp.clone(),
        period_end: read.found_timestamp.clone(),
        policy_url: None,
        method: DecisionMethod::None,
        homepage_url: Some(read.found_url.clone()),
        homepage_timestamp: Some(read.found_timestamp.clone()),
        link_text: Some(best.text.clone()),
        score: Some(best.score),
        candidates: refused.iter().map(|(link, _)| link.url.clone()).collect(),
        note: Some(format!("refused: {note}")),
    })
}

/// Where a policy URL lives, seen from `domain` (which moved to `aliases`).
pub(crate) fn relation(url: &str, domain: &str, aliases: &[String]) -> Relation {
    let Some(host) = host_of(url) else {
        return Relation::LinkedOffsite;
    };
    if discovery::host_in_domain(&host, domain) {
        Relation::SameSite
    } else if aliases
        .iter()
        .any(|alias| discovery::host_in_domain(&host, alias))
    {
        Relation::Alias
    } else {
        Relation::LinkedOffsite
    }
}

/// The site (lowercase, without `www.`) of a URL's host.
fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(discovery::site_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(url: &str, timestamp: &str, status: u16) -> Capture {
        Capture {
            urlkey: String::new(),
            timestamp: timestamp.into(),
            original: url.into(),
            mimetype: "text/html".into(),
            status: Some(status),
            digest: format!("D{timestamp}"),
            length: None,
        }
    }

    fn homepage(timestamp: &str) -> Capture {
        row("http://a.com/", timestamp, 200)
    }

    fn link(url: &str, text: &str, score: f64) -> PolicyLink {
        beside(url, text, score, "")
    }

    fn beside(url: &str, text: &str, score: f64, context: &str) -> PolicyLink {
        PolicyLink {
            url: url.into(),
            text: text.into(),
            score,
            context: context.into(),
            container: String::new(),
            embeds: Vec::new(),
        }
    }

    fn read(timestamp: &str, links: Vec<PolicyLink>) -> HomepageRead {
        HomepageRead {
            capture: homepage(timestamp),
            found_url: "http://www.a.com/".into(),
            found_timestamp: timestamp.into(),
            links,
            unscored: Vec::new(),
        }
    }

    fn alias(host: &str) -> Alias {
        Alias {
            host: host.into(),
            since: "20150101000000".into(),
            policy_cursor: None,
        }
    }

    fn keys(urls: &[&str]) -> BTreeSet<String> {
        urls.iter().filter_map(|u| match_key(u)).collect()
    }

    /// One span over the candidates (all of them alive together).
    fn one_span(candidates: &[Capture]) -> Span {
        let spans = discovery::spans(candidates);
        assert_eq!(spans.len(), 1, "{spans:?}");
        spans[0].clone()
    }

    /// Two URLs alive from 2012 to 2014: a keyword URL and one the homepage links to.
    fn two_urls() -> Vec<Capture> {
        vec![
            row("http://a.com/privacy-policy", "20120101000000", 200),
            row(
                "http://a.com/legal/terms-and-privacy",
                "20120101000000",
                200,
            ),
            row("http://a.com/privacy-policy", "20140101000000", 200),
            row(
                "http://a.com/legal/terms-and-privacy",
                "20140101000000",
                200,
            ),
        ]
    }

    #[test]
    fn a_confirmed_single_url_is_chosen_without_reading_a_homepage() {
        let candidates = vec![
            row("http://a.com/about/privacy", "20120101000000", 200),
            row("http://www.a.com/about/privacy/", "20130101000000", 200),
        ];
        let span = one_span(&candidates);
        let confirmed = keys(&["https://a.com/about/privacy"]);
        let samples = [homepage("20120601000000")];
        assert!(samples_for(&span, &samples, &confirmed).is_empty());
        // A homepage read pointing elsewhere cannot change it.
        let reads = [read(
            "20120601000000",
            vec![link("http://a.com/other-privacy", "Privacy", 12.0)],
        )];
        let decision = decide(&span, &candidates, &reads, &confirmed, &Keywords::default());
        assert_eq!(decision.method, DecisionMethod::Confirmed);
        assert_eq!(
            decision.policy_url.as_deref(),
            Some("http://a.com/about/privacy")
        );
        assert_eq!(decision.candidates, ["http://a.com/about/privacy"]);
        assert_eq!((decision.score, decision.link_text), (None, None));
        assert_eq!(decision.period_start, "20120101000000");
        assert_eq!(decision.period_end, "20130101000000");
    }

    #[test]
    fn a_homepage_link_beats_url_keywords() {
        let candidates = two_urls();
        let span = one_span(&candidates);
        let keywords = Keywords::default();
        // By URL alone the keyword URL would win.
        let by_url = decide(&span, &candidates, &[], &BTreeSet::new(), &keywords);
        assert_eq!(by_url.method, DecisionMethod::UrlKeywords);
        assert_eq!(
            by_url.policy_url.as_deref(),
            Some("http://a.com/privacy-policy")
        );
        assert_eq!(by_url.score, Some(8.0));

        let reads = [read(
            "20130101000000",
            vec![
                link("http://a.com/careers", "Privacy at work", 8.0),
                link(
                    "https://www.a.com/legal/terms-and-privacy/",
                    "Privacy",
                    12.0,
                ),
            ],
        )];
        let decision = decide(&span, &candidates, &reads, &BTreeSet::new(), &keywords);
        assert_eq!(decision.method, DecisionMethod::HomepageLink);
        assert_eq!(
            decision.policy_url.as_deref(),
            Some("http://a.com/legal/terms-and-privacy")
        );
        assert_eq!(decision.link_text.as_deref(), Some("Privacy"));
        assert_eq!(decision.score, Some(12.0));
        assert_eq!(decision.homepage_url.as_deref(), Some("http://www.a.com/"));
        assert_eq!(
            decision.homepage_timestamp.as_deref(),
            Some("20130101000000")
        );
        assert_eq!(
            decision.candidates,
            [
                "http://a.com/legal/terms-and-privacy",
                "http://a.com/privacy-policy"
            ]
        );
        // The first read with a hit decides; a hit on a later read does not matter.
        assert!(link_hit(&span, &reads[0]).is_some());
        let later = [
            read("20130101000000", vec![]),
            read(
                "20120101000000",
                vec![link("http://a.com/privacy-policy", "Privacy Policy", 16.0)],
            ),
            reads[0].clone(),
        ];
        let decision = decide(&span, &candidates, &later, &BTreeSet::new(), &keywords);
        assert_eq!(decision.method, DecisionMethod::HomepageLink);
        assert_eq!(
            decision.policy_url.as_deref(),
            Some("http://a.com/privacy-policy")
        );
        assert_eq!(decision.link_text.as_deref(), Some("Privacy Policy"));
        assert_eq!(
            decision.homepage_timestamp.as_deref(),
            Some("20120101000000")
        );
    }

    #[test]
    fn the_two_samples_nearest_the_spans_middle_are_read_nearest_first() {
        let candidates = two_urls(); // 2012-01-01 to 2014-01-01: the middle is 2013-01-01
        let span = one_span(&candidates);
        let samples = [
            homepage("20100101000000"),
            homepage("20121001000000"),
            homepage("20130101000000"),
            homepage("20130401000000"),
            homepage("20150101000000"),
        ];
        let stamps: Vec<&str> = samples_for(&span, &samples, &BTreeSet::new())
            .iter()
            .map(|c| c.timestamp.as_str())
            .collect();
        assert_eq!(stamps, ["20130101000000", "20130401000000"]);
        // Fewer samples than two: all of them; none: nothing to read.
        assert_eq!(samples_for(&span, &samples[..1], &BTreeSet::new()).len(), 1);
        assert!(samples_for(&span, &[], &BTreeSet::new()).is_empty());
    }

    #[test]
    fn no_hit_on_either_sample_falls_back_to_url_keywords() {
        let candidates = two_urls();
        let span = one_span(&candidates);
        let reads = [
            read(
                "20130101000000",
                vec![link("http://a.com/cookies", "Privacy & cookies", 12.0)],
            ),
            read(
                "20121001000000",
                vec![link("http://other.com/privacy", "Privacy", 12.0)],
            ),
        ];
        assert!(reads.iter().all(|r| link_hit(&span, r).is_none()));
        let decision = decide(
            &span,
            &candidates,
            &reads,
            &BTreeSet::new(),
            &Keywords::default(),
        );
        assert_eq!(decision.method, DecisionMethod::UrlKeywords);
        assert_eq!(
            decision.policy_url.as_deref(),
            Some("http://a.com/privacy-policy")
        );
        assert_eq!(decision.score, Some(8.0));
        assert_eq!(decision.homepage_url, None);
        assert_eq!(decision.link_text, None);
    }

    #[test]
    fn a_tie_on_url_score_gives_no_decision() {
        let candidates = vec![
            row("http://a.com/privacy", "20120101000000", 200),
            row("http://a.com/datenschutz", "20120101000000", 200),
            row("http://a.com/privacy", "20130101000000", 200),
            row("http://a.com/datenschutz", "20130101000000", 200),
        ];
        let span = one_span(&candidates);
        let keywords = Keywords::default();
        assert_eq!(keywords.url_score("http://a.com/privacy"), 6.0);
        assert_eq!(keywords.url_score("http://a.com/datenschutz"), 6.0);
        let decision = decide(&span, &candidates, &[], &BTreeSet::new(), &keywords);
        assert_eq!(decision.method, DecisionMethod::None);
        assert_eq!(decision.policy_url, None);
        assert_eq!(decision.score, None);
        assert_eq!(decision.candidates.len(), 2);
        assert!(policy_captures(&span, &candidates, &decision).is_empty());
    }

    #[test]
    fn a_score_below_the_threshold_gives_no_decision() {
        let candidates = vec![
            row("http://a.com/en/us/legal/privacy", "20120101000000", 200),
            row("http://a.com/en/us/legal/privacy", "20130101000000", 200),
        ];
        let span = one_span(&candidates);
        let keywords = Keywords::default();
        let score = keywords.url_score("http://a.com/en/us/legal/privacy");
        assert!(score > 0.0 && score < URL_THRESHOLD, "{score}");
        let decision = decide(&span, &candidates, &[], &BTreeSet::new(), &keywords);
        assert_eq!(decision.method, DecisionMethod::None);
        assert_eq!(decision.policy_url, None);
        assert_eq!(decision.score, None);
    }

    #[test]
    fn a_confirmed_url_among_several_wins_when_no_homepage_links_to_one() {
        let candidates = two_urls();
        let span = one_span(&candidates);
        let confirmed = keys(&["http://a.com/legal/terms-and-privacy"]);
        // Several URLs: the samples are still read.
        assert_eq!(
            samples_for(&span, &[homepage("20130101000000")], &confirmed).len(),
            1
        );
        let reads = [read("20130101000000", vec![])];
        let decision = decide(&span, &candidates, &reads, &confirmed, &Keywords::default());
        assert_eq!(decision.method, DecisionMethod::Confirmed);
        assert_eq!(
            decision.policy_url.as_deref(),
            Some("http://a.com/legal/terms-and-privacy")
        );
        assert_eq!(decision.score, None);
        let chosen: Vec<&str> = policy_captures(&span, &candidates, &decision)
            .iter()
            .map(|c| c.timestamp.as_str())
            .collect();
        assert_eq!(chosen, ["20120101000000", "20140101000000"]);
        // A homepage link still beats it.
        let reads = [read(
            "20130101000000",
            vec![link("http://a.com/privacy-policy", "Privacy policy", 12.0)],
        )];
        let decision = decide(&span, &candidates, &reads, &confirmed, &Keywords::default());
        assert_eq!(decision.method, DecisionMethod::HomepageLink);
        assert_eq!(
            decision.policy_url.as_deref(),
            Some("http://a.com/privacy-policy")
        );
        // Two confirmed URLs: neither wins by that rule; the keyword URL does.
        let both = keys(&[
            "http://a.com/legal/terms-and-privacy",
            "http://a.com/privacy-policy",
        ]);
        let decision = decide(&span, &candidates, &[], &both, &Keywords::default());
        assert_eq!(decision.method, DecisionMethod::UrlKeywords);
    }

    #[test]
    fn the_unlisted_link_prefers_the_site_then_a_link_that_reads_as_its_policy() {
        let samples = [
            homepage("20120101000000"),
            homepage("20130101000000"),
            homepage("20140101000000"),
        ];
        let order: Vec<&str> = unlisted_samples(&samples, &BTreeSet::new())
            .iter()
            .map(|c| c.timestamp.as_str())
            .collect();
        assert_eq!(order, ["20140101000000", "20130101000000"]);
        assert!(unlisted_samples(&samples, &keys(&["http://a.com/privacy"])).is_empty());

        let page = read(
            "20140101000000",
            vec![
                link("http://tracker.example/privacy", "Privacy", 12.0),
                link("http://b-brand.com/legal", "Privacy notice", 12.0),
                link("http://help.a.com/legal", "Privacy", 9.0),
            ],
        );
        let keywords = Keywords::default();
        let choose = |page: &HomepageRead, aliases: &[Alias]| {
            let choice = unlisted_choice(page, "a.com", aliases, &keywords);
            (choice.link.map(|l| l.url.clone()), choice.offsite)
        };
        // A link on the site beats off-site ones of any strength.
        assert_eq!(
            choose(&page, &[]),
            (Some("http://help.a.com/legal".to_owned()), false)
        );
        assert_eq!(
            choose(&page, &[alias("b-brand.com")]),
            (Some("http://b-brand.com/legal".to_owned()), false)
        );
        // With none on the site, an off-site link that reads as the site's policy is taken.
        let offsite = read(
            "20140101000000",
            vec![
                link(
                    "https://www.google.com/policies/privacy/",
                    "Google Privacy Policy",
                    8.0,
                ),
                link("http://www.linkup.com/privacy", "Privacy", 12.0),
            ],
        );
        let choice = unlisted_choice(&offsite, "a.com", &[], &keywords);
        assert_eq!(
            choice.link.map(|l| l.url.as_str()),
            Some("http://www.linkup.com/privacy")
        );
        assert!(choice.offsite);
        assert_eq!(choice.refused.len(), 1);
        assert!(choice.refused[0].1.contains("names more than a policy"));

        let chosen = link("http://help.a.com/legal", "Privacy", 9.0);
        assert_eq!(unlisted_decision(&page, &chosen, &[], None), None);
        let rows = [
            row("http://help.a.com/legal", "20100101000000", 200),
            row("http://help.a.com/legal/", "20150101000000", 200),
        ];
        let decision = unlisted_decision(&page, &chosen, &rows, None).expect("rows were listed");
        assert_eq!(decision.method, DecisionMethod::HomepageLink);
        assert_eq!(
            decision.policy_url.as_deref(),
            Some("http://help.a.com/legal")
        );
        assert_eq!(
            (decision.period_start.as_str(), decision.period_end.as_str()),
            ("20100101000000", "20150101000000")
        );
        assert_eq!(decision.link_text.as_deref(), Some("Privacy"));
        assert_eq!(decision.score, Some(9.0));
        assert_eq!(
            decision.homepage_timestamp.as_deref(),
            Some("20140101000000")
        );
        assert_eq!(decision.candidates, ["http://help.a.com/legal"]);
    }

    #[test]
    fn a_policy_lives_on_the_site_on_an_alias_or_elsewhere() {
        let aliases = ["smartfocus.com".to_owned()];
        let of = |url: &str| relation(url, "emailvision.com", &aliases);
        assert_eq!(of("http://www.emailvision.com/privacy"), Relation::SameSite);
        assert_eq!(of("https://legal.emailvision.com/p"), Relation::SameSite);
        assert_eq!(of("http://www.smartfocus.com/privacy"), Relation::Alias);
        assert_eq!(
            of("http://www.godaddy.com/agreements/ShowDoc.aspx"),
            Relation::LinkedOffsite
        );
        assert_eq!(of("not a url"), Relation::LinkedOffsite);
    }

    #[test]
    fn an_offsite_link_is_the_sites_policy_only_when_it_reads_as_one() {
        let keywords = Keywords::default();
        let refusal = |url: &str, text: &str, context: &str| {
            offsite_refusal(&beside(url, text, 12.0, context), &keywords)
        };
        // What the corpus's sites linked: a registrar's parked page, a rebrand, a generator.
        for (url, text) in [
            (
                "https://www.godaddy.com/agreements/ShowDoc.aspx?pageid=privacy_parkedpage",
                "Privacy Policy",
            ),
            ("https://www.hover.com/privacy?source=expired", "Privacy"),
            ("http://www.linkup.com/privacy", "Privacy Policy"),
            (
                "http://privacypolicy.news/privacy-policy.html",
                "privacy policy.",
            ),
            ("http://2healthinsurance.net/privacy-policy", "Datenschutz"),
        ] {
            assert_eq!(
                refusal(url, text, "© 2013 | About | Contact"),
                None,
                "{url}"
            );
        }
        // Third parties' policies, tools and embeds.
        let refused = [
            (
                "https://www.google.com/policies/privacy/",
                "Google Privacy Policy",
                "",
            ),
            (
                "https://www.facebook.com/about/privacy",
                "Facebook Data Policy",
                "",
            ),
            ("https://tools.google.com/dlpage/gaoptout", "Privacy", ""),
            (
                "https://www.paypal.com/us/webapps/mpp/ua/privacy-full",
                "PayPal Privacy",
                "",
            ),
            (
                "https://www.addthis.com/privacy",
                "Privacy",
                "Share this page via AddThis",
            ),
            (
                "https://www.wix.com/about/privacy",
                "Privacy",
                "Hosted by Wix —",
            ),
            ("https://optout.aboutads.info/", "Privacy", ""),
            ("https://www.youronlinechoices.eu/", "Privacy", ""),
            ("https://twitter.com/intent/tweet?url=x", "Privacy", ""),
            (
                "https://www.cookiebot.com/en/privacy-policy/",
                "Privacy Policy",
                "Cookies by Cookiebot",
            ),
            ("https://stripe.com/privacy", "", ""),
        ];
        for (url, text, context) in refused {
            assert!(
                refusal(url, text, context).is_some(),
                "{url} {text:?} was taken"
            );
        }
        // A parent group named beside its link is the site's owner, not a service it uses.
        assert_eq!(
            refusal(
                "https://www.harbourmedia-group.com/privacy",
                "Privacy Policy",
                "A Harbour Media Group publication · About · · Terms of Use"
            ),
            None
        );
        let mut map = beside(
            "https://policies.google.com/privacy",
            "Privacy",
            12.0,
            "Kartendaten © Google Nutzungsbedingungen",
        );
        map.embeds = vec!["www.google.com".into()];
        assert!(offsite_refusal(&map, &keywords).is_some_and(|why| why.contains("embed")));
        let mut widget = beside(
            "http://www.addthis.com/privacy/privacy-policy",
            "Privacy",
            12.0,
            "Partager Tweeter",
        );
        widget.container = "addthis_toolbox".into();
        assert!(offsite_refusal(&widget, &keywords).is_some_and(|why| why.contains("widget")));
        assert_eq!(owner_label("www.bbc.co.uk").as_deref(), Some("bbc"));
        assert_eq!(owner_label("wix.com").as_deref(), Some("wix"));
        assert_eq!(owner_label("localhost"), None);
    }

    #[test]
    fn refused_links_leave_a_decision_trail() {
        let page = read(
            "20140101000000",
            vec![link(
                "https://www.google.com/policies/privacy/",
                "Google Privacy Policy",
                8.0,
            )],
        );
        let choice = unlisted_choice(&page, "a.com", &[], &Keywords::default());
        assert_eq!(choice.link, None);
        let decision = refusal_decision(&page, &choice.refused).expect("a refusal");
        assert_eq!(decision.method, DecisionMethod::None);
        assert_eq!(decision.policy_url, None);
        assert_eq!(
            decision.candidates,
            ["https://www.google.com/policies/privacy/"]
        );
        assert!(
            decision.note.as_deref().is_some_and(
                |n| n.starts_with("refused: https://www.google.com/policies/privacy/: ")
            ),
            "{decision:?}"
        );
        assert_eq!(refusal_decision(&page, &[]), None);
        let unarchived = unarchived_decision(&page, &page.links[0]);
        assert_eq!(unarchived.policy_url, None);
        assert!(
            unarchived
                .note
                .as_deref()
                .is_some_and(|n| n.ends_with("the archive holds no page capture of it"))
        );
    }

    #[test]
    fn a_homepage_redirect_to_another_site_is_a_rebrand() {
        let mut rows = vec![homepage("20140101000000"), homepage("20150101000000")];
        assert_eq!(redirect_to_check(&rows), None);
        rows.push(row("http://a.com/", "20160101000000", 301));
        assert_eq!(
            redirect_to_check(&rows).map(|c| c.timestamp.as_str()),
            Some("20160101000000")
        );
        assert_eq!(redirect_to_check(&[]), None);

        let mut redirect = read("20160101000000", vec![]);
        redirect.capture = rows[2].clone();
        redirect.found_url = "https://www.B-Brand.com/home".into();
        redirect.found_timestamp = "20160102030405".into();
        assert_eq!(
            moved_to(&redirect, "a.com", &[]).as_deref(),
            Some("b-brand.com")
        );
        // An alias already known is not found again.
        assert_eq!(moved_to(&redirect, "a.com", &[alias("b-brand.com")]), None);
        // A redirect within the site is no move.
        redirect.found_url = "https://www.a.com/en/".into();
        assert_eq!(moved_to(&redirect, "a.com", &[]), None);
        redirect.found_url = "https://shop.a.com/".into();
        assert_eq!(moved_to(&redirect, "a.com", &[]), None);
        redirect.found_url = "not a url".into();
        assert_eq!(moved_to(&redirect, "a.com", &[]), None);

        // The page it landed on becomes a sample of its own time, in order.
        let mut samples = vec![homepage("20150101000000"), homepage("20170101000000")];
        let landed = add_landed_sample(&mut samples, &redirect);
        assert_eq!(landed.timestamp, "20160102030405");
        assert_eq!(landed.digest, "D20160101000000");
        let stamps: Vec<&str> = samples.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(
            stamps,
            ["20150101000000", "20160102030405", "20170101000000"]
        );
    }

    #[test]
    fn one_homepage_sample_per_quarter_preferring_200() {
        let rows = [
            row("http://a.com/", "20100105000000", 301),
            row("http://a.com/", "20100205000000", 200),
            row("http://a.com/", "20100305000000", 200),
            row("http://a.com/", "20100405000000", 200),
            row("http://a.com/", "20110105000000", 302),
            row("http://a.com/", "20111305000000", 200), // no month 13: not a sample
        ];
        let samples = sample_homepages(&rows, 3);
        let stamps: Vec<&str> = samples.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(
            stamps,
            ["20100205000000", "20100405000000", "20110105000000"]
        );
        // December and the next January fall in different quarters.
        let rows = [
            row("http://a.com/", "20101215000000", 200),
            row("http://a.com/", "20110115000000", 200),
        ];
        assert_eq!(sample_homepages(&rows, 3).len(), 2);
        assert_eq!(sample_homepages(&rows, 0).len(), 2);
        assert_eq!(sample_homepages(&rows, 24).len(), 1);
    }

    #[test]
    fn nearest_is_by_the_fourteen_digit_numbers_not_by_time() {
        // Kept as it was, so decisions stay the same: across a year the numbers' middle is not
        // the middle in time, and a sample 49 days away is read before one 10 days away.
        let candidates = vec![
            row("http://a.com/privacy", "20130215000000", 200),
            row("http://a.com/privacy", "20140107000000", 200),
        ];
        let span = one_span(&candidates);
        let samples = [homepage("20130718000000"), homepage("20130915000000")];
        let stamps: Vec<&str> = samples_for(&span, &samples, &BTreeSet::new())
            .iter()
            .map(|c| c.timestamp.as_str())
            .collect();
        assert_eq!(stamps, ["20130915000000", "20130718000000"]);
        let middle_in_time = Timestamp::parse("20130728000000").expect("a timestamp");
        let days = |t: &str| {
            Timestamp::parse(t).map_or(0, |t| t.seconds_between(&middle_in_time) / 86_400)
        };
        assert_eq!((days("20130718000000"), days("20130915000000")), (10, 49));
    }

    #[test]
    fn the_middle_averages_the_fourteen_digit_numbers() {
        assert_eq!(
            midpoint("20120101000000", "20140101000000"),
            20_130_101_000_000
        );
        // Not a time: across a new year the number lands in a month that does not exist.
        assert_eq!(
            midpoint("20101201000000", "20110201000000"),
            20_105_701_000_000
        );
        assert_eq!(midpoint("x", "20140101000000"), 10_070_050_500_000);
        assert_eq!(midpoint("20140101000000", "x"), 20_140_101_000_000);
    }
}
