//! Differences between the extracted fields of two versions.

use fields::{DateKind, PolicyFields, Practice, StatedDate};
use serde::{Deserialize, Serialize};

use crate::text::{signed_thousands, thousands};

/// One difference between the extracted fields of two versions, e.g. a new "last updated" date
/// or a third party that is no longer named.
///
/// `field` names what changed (`"title"`, `"stated_date"`, `"word_count"`,
/// `"flesch_kincaid_grade"`, `"language"`, `"practice"`, `"third_parties"`, `"email"`,
/// `"phone"`, `"headings"`, and from [`compare`](crate::compare) also `"url"`); `old` and `new`
/// are the values before and after (`None` where there was none, e.g. `old` for an added
/// practice); `summary` is one short human-readable line such as
/// `"last updated 2013-01-10 -> 2014-09-29"` or `"+ GDPR"`.
///
/// The strings come from archived text: escape them before putting them in HTML, and sanitise
/// them before writing them to a terminal (the renderers of this crate do both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// What changed, a snake_case name (see the type's documentation).
    pub field: String,
    /// The value before, if any.
    pub old: Option<String>,
    /// The value after, if any.
    pub new: Option<String>,
    /// A one-line human-readable description of the change.
    pub summary: String,
}

impl FieldChange {
    fn new(field: &str, old: Option<String>, new: Option<String>, summary: String) -> Self {
        FieldChange {
            field: field.to_string(),
            old,
            new,
            summary,
        }
    }
}

/// How a practice is named in summaries (`"GDPR"`, `"Safe Harbor"`, `"cookies"`).
pub(crate) fn practice_label(p: Practice) -> &'static str {
    match p {
        Practice::Cookies => "cookies",
        Practice::ThirdPartySharing => "third-party sharing",
        Practice::SellingData => "selling data",
        Practice::Children => "children",
        Practice::Gdpr => "GDPR",
        Practice::Ccpa => "CCPA",
        Practice::DoNotTrack => "Do Not Track",
        Practice::SafeHarbor => "Safe Harbor",
        Practice::Encryption => "encryption",
        Practice::DataRetention => "data retention",
        Practice::OptOut => "opt-out",
    }
}

fn kind_label(kind: DateKind) -> &'static str {
    match kind {
        DateKind::LastUpdated => "last updated",
        DateKind::Effective => "effective",
        DateKind::Other => "dated",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// At most this many names are listed in a heading summary; the rest become `…`.
const MAX_LISTED_HEADINGS: usize = 5;

fn list_names(names: &[&str], max: usize) -> String {
    let mut s = names
        .iter()
        .take(max)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > max {
        s.push_str(", …");
    }
    s
}

/// Items of `a` that are not in `b`, in `a`'s order.
fn missing_from<'x>(a: &'x [String], b: &[String]) -> Vec<&'x str> {
    a.iter()
        .filter(|x| !b.contains(x))
        .map(String::as_str)
        .collect()
}

/// The differences between the fields of an old and a new version, in a stable order: title,
/// stated date, word count, reading grade, language, practices (in [`Practice::all`] order),
/// third parties (added then removed), e-mail addresses, phone numbers, headings. Empty when
/// nothing differs.
///
/// Summaries look like `"title A -> B"`, `"last updated 2013-01-10 -> 2014-09-29"`,
/// `"words 1,200 -> 1,350 (+150)"`, `"grade 10.2 -> 11.5 (+1.3)"`, `"language en -> fr"`,
/// `"+ GDPR"`, `"- Safe Harbor"`, `"+3 trackers (Google Analytics, DoubleClick, AdRoll)"`,
/// `"-1 tracker (Quantcast)"`, `"+ contact privacy@x.com"`, `"- phone (480) 505-8800"`,
/// `"+2 headings (Cookies, Your rights)"`. Only the date and its kind are compared for the
/// stated date (not the phrase around it), and the grade is compared at its 0.1 rounding.
pub fn field_changes(old: &PolicyFields, new: &PolicyFields) -> Vec<FieldChange> {
    let mut out = Vec::new();

    if let Some(c) = title_change(old.title.as_deref(), new.title.as_deref()) {
        out.push(c);
    }
    if let Some(c) = date_change(old.stated_date.as_ref(), new.stated_date.as_ref()) {
        out.push(c);
    }

    if old.word_count != new.word_count {
        let (o, n) = (i64::from(old.word_count), i64::from(new.word_count));
        out.push(FieldChange::new(
            "word_count",
            Some(o.to_string()),
            Some(n.to_string()),
            format!(
                "words {} -> {} ({})",
                thousands(o),
                thousands(n),
                signed_thousands(n - o)
            ),
        ));
    }

    let grade = |g: Option<f64>| g.map(|g| format!("{g:.1}"));
    let (og, ng) = (
        grade(old.flesch_kincaid_grade),
        grade(new.flesch_kincaid_grade),
    );
    if og != ng {
        let summary = match (old.flesch_kincaid_grade, new.flesch_kincaid_grade) {
            (Some(o), Some(n)) => format!("grade {o:.1} -> {n:.1} ({:+.1})", n - o),
            _ => format!(
                "grade {} -> {}",
                og.as_deref().unwrap_or("none"),
                ng.as_deref().unwrap_or("none")
            ),
        };
        out.push(FieldChange::new("flesch_kincaid_grade", og, ng, summary));
    }

    if old.language != new.language {
        out.push(FieldChange::new(
            "language",
            old.language.clone(),
            new.language.clone(),
            format!(
                "language {} -> {}",
                old.language.as_deref().unwrap_or("unknown"),
                new.language.as_deref().unwrap_or("unknown")
            ),
        ));
    }

    for &p in Practice::all() {
        let had = old.practices.iter().any(|s| s.practice == p);
        let has = new.practices.iter().any(|s| s.practice == p);
        match (had, has) {
            (false, true) => out.push(FieldChange::new(
                "practice",
                None,
                Some(p.name().to_string()),
                format!("+ {}", practice_label(p)),
            )),
            (true, false) => out.push(FieldChange::new(
                "practice",
                Some(p.name().to_string()),
                None,
                format!("- {}", practice_label(p)),
            )),
            _ => {}
        }
    }

    let old_tp: Vec<String> = old.third_parties.iter().map(|t| t.name.clone()).collect();
    let new_tp: Vec<String> = new.third_parties.iter().map(|t| t.name.clone()).collect();
    let added = missing_from(&new_tp, &old_tp);
    if !added.is_empty() {
        out.push(FieldChange::new(
            "third_parties",
            None,
            Some(added.join(", ")),
            format!(
                "+{} ({})",
                plural(added.len(), "tracker", "trackers"),
                added.join(", ")
            ),
        ));
    }
    let removed = missing_from(&old_tp, &new_tp);
    if !removed.is_empty() {
        out.push(FieldChange::new(
            "third_parties",
            Some(removed.join(", ")),
            None,
            format!(
                "-{} ({})",
                plural(removed.len(), "tracker", "trackers"),
                removed.join(", ")
            ),
        ));
    }

    list_items(&mut out, "email", "contact", &old.emails, &new.emails);
    list_items(&mut out, "phone", "phone", &old.phones, &new.phones);

    let added = missing_from(&new.headings, &old.headings);
    if !added.is_empty() {
        out.push(FieldChange::new(
            "headings",
            None,
            Some(added.join("\n")),
            format!(
                "+{} ({})",
                plural(added.len(), "heading", "headings"),
                list_names(&added, MAX_LISTED_HEADINGS)
            ),
        ));
    }
    let removed = missing_from(&old.headings, &new.headings);
    if !removed.is_empty() {
        out.push(FieldChange::new(
            "headings",
            Some(removed.join("\n")),
            None,
            format!(
                "-{} ({})",
                plural(removed.len(), "heading", "headings"),
                list_names(&removed, MAX_LISTED_HEADINGS)
            ),
        ));
    }

    out
}

/// `"title A -> B"`; `(none)` stands for a missing title.
pub(crate) fn title_change(old: Option<&str>, new: Option<&str>) -> Option<FieldChange> {
    (old != new).then(|| {
        FieldChange::new(
            "title",
            old.map(str::to_string),
            new.map(str::to_string),
            format!(
                "title {} -> {}",
                old.unwrap_or("(none)"),
                new.unwrap_or("(none)")
            ),
        )
    })
}

fn date_change(old: Option<&StatedDate>, new: Option<&StatedDate>) -> Option<FieldChange> {
    let summary = match (old, new) {
        (Some(o), Some(n)) if o.date == n.date && o.kind == n.kind => return None,
        (None, None) => return None,
        (Some(o), Some(n)) if o.kind == n.kind => {
            format!("{} {} -> {}", kind_label(o.kind), o.date, n.date)
        }
        (Some(o), Some(n)) => format!(
            "{} {} -> {} {}",
            kind_label(o.kind),
            o.date,
            kind_label(n.kind),
            n.date
        ),
        (None, Some(n)) => format!("+ {} {}", kind_label(n.kind), n.date),
        (Some(o), None) => format!("- {} {}", kind_label(o.kind), o.date),
    };
    Some(FieldChange::new(
        "stated_date",
        old.map(|d| d.date.clone()),
        new.map(|d| d.date.clone()),
        summary,
    ))
}

/// One change per added item (`"+ contact x"`), then one per removed item (`"- contact y"`).
fn list_items(
    out: &mut Vec<FieldChange>,
    field: &str,
    label: &str,
    old: &[String],
    new: &[String],
) {
    for item in missing_from(new, old) {
        out.push(FieldChange::new(
            field,
            None,
            Some(item.to_string()),
            format!("+ {label} {item}"),
        ));
    }
    for item in missing_from(old, new) {
        out.push(FieldChange::new(
            field,
            Some(item.to_string()),
            None,
            format!("- {label} {item}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fields::{PracticeSignal, ThirdParty};

    fn base() -> PolicyFields {
        PolicyFields {
            title: Some("Privacy Policy".into()),
            stated_date: Some(StatedDate {
                date: "2013-01-10".into(),
                kind: DateKind::LastUpdated,
                phrase: "Last updated January 10, 2013".into(),
            }),
            emails: vec!["privacy@x.com".into()],
            phones: vec![],
            headings: vec!["Cookies".into()],
            word_count: 1200,
            flesch_kincaid_grade: Some(10.2),
            language: Some("en".into()),
            practices: vec![signal(Practice::Cookies), signal(Practice::SafeHarbor)],
            third_parties: vec![tp("Quantcast")],
        }
    }

    fn signal(p: Practice) -> PracticeSignal {
        PracticeSignal {
            practice: p,
            sentence: "…".into(),
        }
    }

    fn tp(name: &str) -> ThirdParty {
        ThirdParty {
            name: name.into(),
            sentence: "…".into(),
        }
    }

    fn summaries(old: &PolicyFields, new: &PolicyFields) -> Vec<String> {
        field_changes(old, new)
            .into_iter()
            .map(|c| c.summary)
            .collect()
    }

    #[test]
    fn nothing_when_equal() {
        assert!(field_changes(&base(), &base()).is_empty());
        // Only the phrase around the date differs: not a change.
        let mut new = base();
        if let Some(d) = new.stated_date.as_mut() {
            d.phrase = "Updated: 1/10/2013".into();
        }
        assert!(field_changes(&base(), &new).is_empty());
        // A grade difference that vanishes at 0.1 rounding: not a change.
        new.flesch_kincaid_grade = Some(10.2000001);
        assert!(field_changes(&base(), &new).is_empty());
    }

    #[test]
    fn dates() {
        let mut new = base();
        new.stated_date = Some(StatedDate {
            date: "2014-09-29".into(),
            kind: DateKind::LastUpdated,
            phrase: "last modified on 9/29/2014".into(),
        });
        let changes = field_changes(&base(), &new);
        assert_eq!(
            changes,
            [FieldChange {
                field: "stated_date".into(),
                old: Some("2013-01-10".into()),
                new: Some("2014-09-29".into()),
                summary: "last updated 2013-01-10 -> 2014-09-29".into(),
            }]
        );

        if let Some(d) = new.stated_date.as_mut() {
            d.kind = DateKind::Effective;
        }
        assert_eq!(
            summaries(&base(), &new),
            ["last updated 2013-01-10 -> effective 2014-09-29"]
        );

        let mut none = base();
        none.stated_date = None;
        assert_eq!(summaries(&none, &base()), ["+ last updated 2013-01-10"]);
        assert_eq!(summaries(&base(), &none), ["- last updated 2013-01-10"]);
    }

    #[test]
    fn practices_added_and_removed() {
        let mut new = base();
        new.practices = vec![signal(Practice::Cookies), signal(Practice::Gdpr)];
        let changes = field_changes(&base(), &new);
        assert_eq!(
            changes
                .iter()
                .map(|c| c.summary.as_str())
                .collect::<Vec<_>>(),
            ["+ GDPR", "- Safe Harbor"]
        );
        assert_eq!(changes[0].field, "practice");
        assert_eq!(
            (changes[0].old.as_deref(), changes[0].new.as_deref()),
            (None, Some("gdpr"))
        );
        assert_eq!(
            (changes[1].old.as_deref(), changes[1].new.as_deref()),
            (Some("safe_harbor"), None)
        );
    }

    #[test]
    fn tracker_counts() {
        let mut new = base();
        new.third_parties = vec![
            tp("AdRoll"),
            tp("DoubleClick"),
            tp("Google Analytics"),
            tp("Quantcast"),
        ];
        assert_eq!(
            summaries(&base(), &new),
            ["+3 trackers (AdRoll, DoubleClick, Google Analytics)"]
        );
        assert_eq!(
            summaries(&new, &base()),
            ["-3 trackers (AdRoll, DoubleClick, Google Analytics)"]
        );
        let mut one = base();
        one.third_parties = vec![tp("Facebook")];
        assert_eq!(
            summaries(&base(), &one),
            ["+1 tracker (Facebook)", "-1 tracker (Quantcast)"]
        );
    }

    #[test]
    fn words_grade_language_title() {
        let mut new = base();
        new.word_count = 1350;
        assert_eq!(summaries(&base(), &new), ["words 1,200 -> 1,350 (+150)"]);
        new.word_count = 950;
        assert_eq!(summaries(&base(), &new), ["words 1,200 -> 950 (-250)"]);

        let mut new = base();
        new.flesch_kincaid_grade = Some(11.5);
        assert_eq!(summaries(&base(), &new), ["grade 10.2 -> 11.5 (+1.3)"]);
        new.flesch_kincaid_grade = None;
        assert_eq!(summaries(&base(), &new), ["grade 10.2 -> none"]);

        let mut new = base();
        new.language = Some("fr".into());
        assert_eq!(summaries(&base(), &new), ["language en -> fr"]);

        let mut new = base();
        new.title = Some("Privacy Notice".into());
        assert_eq!(
            summaries(&base(), &new),
            ["title Privacy Policy -> Privacy Notice"]
        );
        new.title = None;
        assert_eq!(summaries(&base(), &new), ["title Privacy Policy -> (none)"]);
    }

    #[test]
    fn contacts_and_headings() {
        let mut new = base();
        new.emails = vec!["dpo@x.com".into()];
        new.phones = vec!["(480) 505-8800".into()];
        new.headings = vec![
            "Cookies".into(),
            "A".into(),
            "B".into(),
            "C".into(),
            "D".into(),
            "E".into(),
            "F".into(),
        ];
        assert_eq!(
            summaries(&base(), &new),
            [
                "+ contact dpo@x.com",
                "- contact privacy@x.com",
                "+ phone (480) 505-8800",
                "+6 headings (A, B, C, D, E, …)",
            ]
        );
    }

    #[test]
    fn stable_order_for_everything_at_once() {
        let old = base();
        let new = PolicyFields {
            title: Some("Privacy Notice".into()),
            stated_date: Some(StatedDate {
                date: "2018-05-25".into(),
                kind: DateKind::Effective,
                phrase: "Effective May 25, 2018".into(),
            }),
            emails: vec!["privacy@x.com".into(), "dpo@x.com".into()],
            phones: vec![],
            headings: vec!["Cookies".into(), "Your rights".into()],
            word_count: 2345,
            flesch_kincaid_grade: Some(12.0),
            language: Some("en".into()),
            practices: vec![signal(Practice::Cookies), signal(Practice::Gdpr)],
            third_parties: vec![tp("Google Analytics")],
        };
        assert_eq!(
            summaries(&old, &new),
            [
                "title Privacy Policy -> Privacy Notice",
                "last updated 2013-01-10 -> effective 2018-05-25",
                "words 1,200 -> 2,345 (+1,145)",
                "grade 10.2 -> 12.0 (+1.8)",
                "+ GDPR",
                "- Safe Harbor",
                "+1 tracker (Google Analytics)",
                "-1 tracker (Quantcast)",
                "+ contact dpo@x.com",
                "+1 heading (Your rights)",
            ]
        );
    }
}
