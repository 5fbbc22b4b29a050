//! The policy's own date: "Last updated: …", "Effective as of …", "Stand: …", "Dernière mise à
//! jour : …" and similar statements.
//!
//! Every calendar date written in the body is found first (ISO `2019-05-12`, numeric `1/10/2013`
//! or `12.05.2019`, and month names in English, French, German, Spanish, Italian, Portuguese and
//! Dutch, with ordinals, weekdays and abbreviations). A date counts only when a date keyword stands
//! before it in the same sentence, at most a few words earlier, or alone on the line before it
//! (a heading such as `**Effective date**` above the date). Dates without a keyword, such as
//! "Directive of October 24, 1995", are ignored; so are dates with only a month and a year.

use crate::text::{Line, floor_boundary, split_sentences};
use crate::{DateKind, StatedDate};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Month names and abbreviations in the supported languages, lower case.
const MONTHS: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("janv", 1),
    ("févr", 2),
    ("fevr", 2),
    ("avr", 4),
    ("juil", 7),
    ("déc", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("okt", 10),
    ("dez", 12),
    // Spanish
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
];

static MONTH_NUMBER: LazyLock<HashMap<&'static str, u32>> =
    LazyLock::new(|| MONTHS.iter().copied().collect());

/// The month-name alternation, longest names first so that `sept` wins over `sep`.
fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().map(|&(n, _)| n).collect();
    names.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    names.dedup();
    names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|")
}

/// `March 3, 2018`, `Sept. 5, 2017`, `November 25th, 2016`.
static NAMED_MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?P<mon>{})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<year>\d{{4}})\b",
        month_alternation()
    ))
    .expect("named m-d-y regex")
});

/// `12 May 2019`, `12. Mai 2019`, `12 de mayo de 2019`, `1er janvier 2020`, `1st of January, 2020`.
static NAMED_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|º|°|\.)?\s*(?:de\s+|of\s+)?(?P<mon>{})\.?,?\s+(?:de\s+|del\s+)?(?P<year>\d{{4}})\b",
        month_alternation()
    ))
    .expect("named d-m-y regex")
});

/// `2019-05-12`, `2019/05/12`, `2019.05.12`.
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<year>\d{4})(?P<s1>[-/.])(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})\b")
        .expect("iso regex")
});

/// `1/10/2013`, `12.05.2019`, `9-29-14`.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<a>\d{1,2})(?P<s1>[-/.])(?P<b>\d{1,2})(?P<s2>[-/.])(?P<year>\d{4}|\d{2})\b")
        .expect("numeric regex")
});

/// A date keyword: the pattern, what kind of date it announces, whether it is English, and how
/// many characters may stand between it and the date.
struct Keyword {
    re: Regex,
    kind: DateKind,
    english: bool,
    max_gap: usize,
}

static KEYWORDS: LazyLock<Vec<Keyword>> = LazyLock::new(|| {
    use DateKind::{Effective, LastUpdated, Other};
    let spec: &[(&str, DateKind, bool, usize)] = &[
        // English
        (
            r"(?i)\blast[\s-]+(?:updated?|modified|modification|revised|revision|changed|amended|reviewed|edited)\b",
            LastUpdated,
            true,
            40,
        ),
        (
            r"(?i)\b(?:updated?|modified|revised|revision|amended)\b",
            LastUpdated,
            true,
            40,
        ),
        (
            r"(?i)\b(?:effective|in\s+effect|into\s+effect|into\s+force)\b",
            Effective,
            true,
            40,
        ),
        (
            r"(?i)\b(?:dated|date\s*:|version\s+date|publication\s+date|posted\s+on)",
            Other,
            true,
            25,
        ),
        // French
        (
            r"(?i)\b(?:derni[eè]re\s+mise\s+[àa]\s+jour|mise?\s+[àa]\s+jour|derni[eè]re\s+(?:modification|r[ée]vision)|modifi[ée]e?s?\s+le|r[ée]vis[ée]e?s?\s+le|actualis[ée]e?s?\s+le)",
            LastUpdated,
            false,
            40,
        ),
        (
            r"(?i)\b(?:entr[ée]e\s+en\s+vigueur|en\s+vigueur|applicable\s+(?:à\s+partir|dès|depuis))",
            Effective,
            false,
            40,
        ),
        // German
        (
            r"(?i)\b(?:zuletzt\s+(?:aktualisiert|ge[äa]ndert|überarbeitet)|letzte\s+(?:aktualisierung|[äa]nderung|überarbeitung)|aktualisiert|ge[äa]ndert\s+am)",
            LastUpdated,
            false,
            40,
        ),
        (r"\bStand\b", LastUpdated, false, 6),
        (
            r"(?i)\b(?:g[üu]ltig\s+(?:ab|seit)|in\s+kraft|wirksam\s+ab)",
            Effective,
            false,
            40,
        ),
        // Spanish, Portuguese, Italian
        (
            r"(?i)(?:\b|^)(?:[úu]ltima\s+(?:actualizaci[óo]n|modificaci[óo]n|revisi[óo]n|atualiza[çc][ãa]o|altera[çc][ãa]o|modifica)|actualizad[oa]|modificad[oa]|atualizad[oa]|ultimo\s+aggiornamento|aggiornat[oa])",
            LastUpdated,
            false,
            40,
        ),
        (
            r"(?i)\b(?:en\s+vigor|vigente|em\s+vigor|in\s+vigore|efectiv[oa]\s+(?:desde|a\s+partir))",
            Effective,
            false,
            40,
        ),
        // Dutch
        (
            r"(?i)\b(?:laatst\s+(?:bijgewerkt|gewijzigd)|laatste\s+(?:wijziging|update)|bijgewerkt\s+op)",
            LastUpdated,
            false,
            40,
        ),
        (
            r"(?i)\b(?:van\s+kracht|ingangsdatum|geldig\s+vanaf)",
            Effective,
            false,
            40,
        ),
    ];
    spec.iter()
        .map(|&(pat, kind, english, max_gap)| Keyword {
            re: Regex::new(pat).expect("date keyword regex"),
            kind,
            english,
            max_gap,
        })
        .collect()
});

/// A calendar date found in a line, before its order is settled.
#[derive(Debug, Clone, Copy)]
enum RawDate {
    /// Year, month, day: unambiguous.
    Ymd(i32, u32, u32),
    /// Two numbers and a year: `a/b/year`, order to be decided.
    Numeric(u32, u32, i32),
}

#[derive(Debug, Clone, Copy)]
struct DateMatch {
    start: usize,
    end: usize,
    raw: RawDate,
}

fn cap_u32(c: &regex::Captures<'_>, name: &str) -> Option<u32> {
    c.name(name)?.as_str().parse().ok()
}

/// Every calendar-looking date in `text`, without overlaps, in order.
fn find_dates(text: &str) -> Vec<DateMatch> {
    let mut found: Vec<DateMatch> = Vec::new();
    for re in [&*NAMED_MDY, &*NAMED_DMY] {
        for c in re.captures_iter(text) {
            let (Some(all), Some(day), Some(year), Some(mon)) = (
                c.get(0),
                cap_u32(&c, "day"),
                cap_u32(&c, "year"),
                c.name("mon"),
            ) else {
                continue;
            };
            let Some(&month) = MONTH_NUMBER.get(mon.as_str().to_lowercase().as_str()) else {
                continue;
            };
            found.push(DateMatch {
                start: all.start(),
                end: all.end(),
                raw: RawDate::Ymd(year as i32, month, day),
            });
        }
    }
    for c in ISO.captures_iter(text) {
        let (Some(all), Some(y), Some(a), Some(b)) = (
            c.get(0),
            cap_u32(&c, "year"),
            cap_u32(&c, "a"),
            cap_u32(&c, "b"),
        ) else {
            continue;
        };
        if c.name("s1").map(|m| m.as_str()) != c.name("s2").map(|m| m.as_str()) {
            continue;
        }
        found.push(DateMatch {
            start: all.start(),
            end: all.end(),
            raw: RawDate::Ymd(y as i32, a, b),
        });
    }
    for c in NUMERIC.captures_iter(text) {
        let (Some(all), Some(a), Some(b), Some(ys)) =
            (c.get(0), cap_u32(&c, "a"), cap_u32(&c, "b"), c.name("year"))
        else {
            continue;
        };
        if c.name("s1").map(|m| m.as_str()) != c.name("s2").map(|m| m.as_str()) {
            continue;
        }
        let Ok(mut y) = ys.as_str().parse::<i32>() else {
            continue;
        };
        if ys.as_str().len() == 2 {
            y += if y >= 90 { 1900 } else { 2000 };
        }
        // Part of a longer dotted number such as a version or a phone number?
        let before = text[..all.start()].chars().next_back();
        let after = text[all.end()..].chars().next();
        if before.is_some_and(|ch| ch == '.' || ch == '/' || ch == '-')
            || after.is_some_and(|ch| ch == '/' || ch == '-' || ch.is_ascii_digit())
            || (after == Some('.')
                && text[all.end()..]
                    .chars()
                    .nth(1)
                    .is_some_and(|ch| ch.is_ascii_digit()))
        {
            continue;
        }
        found.push(DateMatch {
            start: all.start(),
            end: all.end(),
            raw: RawDate::Numeric(a, b, y),
        });
    }
    // Earliest first, longest first at the same start; drop overlaps.
    found.sort_by(|x, y| x.start.cmp(&y.start).then(y.end.cmp(&x.end)));
    let mut out: Vec<DateMatch> = Vec::new();
    for d in found {
        if out.last().is_some_and(|last| d.start < last.end) {
            continue;
        }
        out.push(d);
    }
    out
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// `YYYY-MM-DD` for a real date with a year in 1990..=2035, else `None`.
pub(crate) fn iso_date(y: i32, m: u32, d: u32) -> Option<String> {
    if !(1990..=2035).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Settles a raw date. Numeric dates are month/day/year (US order) in English, day/month/year
/// otherwise; when the preferred order gives an impossible date and the other one does not, the
/// other one is used (so `13/5/2019` is 13 May even in English).
fn resolve(raw: RawDate, english: bool) -> Option<String> {
    match raw {
        RawDate::Ymd(y, m, d) => iso_date(y, m, d),
        RawDate::Numeric(a, b, y) => {
            let (first, second) = if english {
                ((a, b), (b, a))
            } else {
                ((b, a), (a, b))
            };
            iso_date(y, first.0, first.1).or_else(|| iso_date(y, second.0, second.1))
        }
    }
}

/// A keyword found before a date.
struct KeywordHit {
    /// Byte offset of the keyword in its line.
    start: usize,
    kind: DateKind,
    english: bool,
}

/// Keywords in `window` that may announce a date right after the window's end.
fn keywords_before(window: &str) -> Vec<KeywordHit> {
    let mut hits = Vec::new();
    for kw in KEYWORDS.iter() {
        for m in kw.re.find_iter(window) {
            let gap = &window[m.end()..];
            if gap.chars().count() <= kw.max_gap
                && !gap.chars().any(|c| c.is_ascii_digit() || "!?;".contains(c))
            {
                hits.push(KeywordHit {
                    start: m.start(),
                    kind: kw.kind,
                    english: kw.english,
                });
            }
        }
    }
    hits
}

/// Keywords on a short line of their own (`**Effective date**`, `Last Updated:`) announcing a
/// date at the start of the next line.
fn keywords_on_own_line(line: &str) -> Vec<KeywordHit> {
    if line.chars().count() > 60 {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for kw in KEYWORDS.iter() {
        for m in kw.re.find_iter(line) {
            let rest = &line[m.end()..];
            if rest
                .chars()
                .all(|c| c.is_whitespace() || ":.-–—*_".contains(c) || c.is_alphabetic())
                && rest.split_whitespace().count() <= 2
            {
                hits.push(KeywordHit {
                    start: m.start(),
                    kind: kw.kind,
                    english: kw.english,
                });
            }
        }
    }
    hits
}

fn strongest(hits: &[KeywordHit]) -> Option<DateKind> {
    let rank = |k: DateKind| match k {
        DateKind::LastUpdated => 0,
        DateKind::Effective => 1,
        DateKind::Other => 2,
    };
    hits.iter().map(|h| h.kind).min_by_key(|&k| rank(k))
}

/// Finds the policy's stated date: the first "last updated"-kind statement, else the first
/// "effective" one, else the first other dated statement. `english` tells how to read numeric
/// dates when the keyword itself is English.
pub(crate) fn find_stated_date(lines: &[Line], english: bool) -> Option<StatedDate> {
    let mut best: [Option<StatedDate>; 3] = [None, None, None];
    for (li, line) in lines.iter().enumerate() {
        let text = line.text.as_str();
        if text.is_empty() {
            continue;
        }
        for date in find_dates(text) {
            // Same sentence, at most ~120 characters back.
            let from = floor_boundary(text, date.start.saturating_sub(120));
            let before = &text[from..date.start];
            let sentence_start = split_sentences(before)
                .last()
                .map_or(before.len(), |s| before.len() - s.len());
            let window = &before[sentence_start..];
            let offset = from + sentence_start;
            let mut hits = keywords_before(window);
            let mut phrase_start = hits.iter().map(|h| offset + h.start).min();
            let mut prefix = String::new();
            if hits.is_empty()
                && window
                    .chars()
                    .all(|c| c.is_whitespace() || ":,-–—(".contains(c))
            {
                // A keyword line just above (skipping blank lines, at most two).
                let prev = lines[..li]
                    .iter()
                    .rev()
                    .take(3)
                    .find(|l| !l.text.is_empty());
                if let Some(prev) = prev {
                    hits = keywords_on_own_line(&prev.text);
                    if let Some(start) = hits.iter().map(|h| h.start).min() {
                        prefix = format!("{} ", prev.text[start..].trim_end());
                        phrase_start = Some(date.start);
                    }
                }
            }
            let (Some(kind), Some(pstart)) = (strongest(&hits), phrase_start) else {
                continue;
            };
            let keyword_english = hits.iter().all(|h| h.english);
            let Some(iso) = resolve(date.raw, english && keyword_english) else {
                continue;
            };
            let slot = match kind {
                DateKind::LastUpdated => 0,
                DateKind::Effective => 1,
                DateKind::Other => 2,
            };
            if best[slot].is_none() {
                best[slot] = Some(StatedDate {
                    date: iso,
                    kind,
                    phrase: format!("{prefix}{}", &text[pstart..date.end]),
                });
            }
            if slot == 0 {
                return best[0].take();
            }
        }
    }
    let [a, b, c] = best;
    a.or(b).or(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::strip_body;

    fn date_of(md: &str) -> Option<(String, DateKind)> {
        find_stated_date(&strip_body(md), true).map(|d| (d.date, d.kind))
    }

    fn date_of_lang(md: &str, english: bool) -> Option<String> {
        find_stated_date(&strip_body(md), english).map(|d| d.date)
    }

    fn upd(s: &str) -> Option<(String, DateKind)> {
        Some((s.to_string(), DateKind::LastUpdated))
    }

    fn eff(s: &str) -> Option<(String, DateKind)> {
        Some((s.to_string(), DateKind::Effective))
    }

    #[test]
    fn english_forms() {
        assert_eq!(date_of("Last Update: 1/10/2013"), upd("2013-01-10"));
        assert_eq!(
            date_of("This policy was last modified on 9/29/2014"),
            upd("2014-09-29")
        );
        assert_eq!(date_of("Effective as of March 3, 2018"), eff("2018-03-03"));
        assert_eq!(date_of("Last updated: 2019-05-12"), upd("2019-05-12"));
        assert_eq!(date_of("Updated 12 May 2019"), upd("2019-05-12"));
        assert_eq!(
            date_of("Effective Date: January 1st, 2020"),
            eff("2020-01-01")
        );
        assert_eq!(date_of("Revised: Sept. 5, 2017"), upd("2017-09-05"));
        assert_eq!(
            date_of("This Privacy Policy was last updated on: Friday, November 25th, 2016."),
            upd("2016-11-25")
        );
        assert_eq!(
            date_of("Last updated Wed, 11 Aug 2010 03:39"),
            upd("2010-08-11")
        );
    }

    #[test]
    fn seen_in_archived_policies() {
        assert_eq!(
            date_of("Go Banking Rates’s last update was July 1, 2008. Your continued access"),
            upd("2008-07-01")
        );
        assert_eq!(
            date_of("Last update: 03. Jan 2016 / Translated with www.DeepL.com/Translator"),
            upd("2016-01-03")
        );
        assert_eq!(
            date_of("## Third-Party Cookies (new since 02.10.2015)"),
            None
        );
        assert_eq!(
            date_of("This notice has been last updated on 25 May 2018."),
            upd("2018-05-25")
        );
    }

    #[test]
    fn markup_around_dates() {
        assert_eq!(
            date_of("**Last updated:** _March 3, 2018_"),
            upd("2018-03-03")
        );
        assert_eq!(
            date_of("_Effective Date_: **January 1st, 2020**"),
            eff("2020-01-01")
        );
        assert_eq!(
            date_of("**Effective date**\n\nJanuary 5, 2019\n"),
            eff("2019-01-05")
        );
    }

    #[test]
    fn other_languages() {
        assert_eq!(
            date_of_lang("Dernière mise à jour : 12 mai 2019", false),
            Some("2019-05-12".into())
        );
        // The keyword is German, so the numeric date reads day first even in an English document.
        assert_eq!(
            date_of_lang("Stand: 12.05.2019", true),
            Some("2019-05-12".into())
        );
        assert_eq!(
            date_of_lang("Zuletzt aktualisiert am 12. Mai 2019", false),
            Some("2019-05-12".into())
        );
        assert_eq!(
            date_of_lang("Última actualización: 12 de mayo de 2019", false),
            Some("2019-05-12".into())
        );
        assert_eq!(
            date_of_lang("Mise à jour le 1er janvier 2020", false),
            Some("2020-01-01".into())
        );
    }

    #[test]
    fn numeric_order() {
        // US order in English...
        assert_eq!(
            date_of_lang("Last updated: 05/12/2019", true),
            Some("2019-05-12".into())
        );
        // ...unless the first number cannot be a month.
        assert_eq!(
            date_of_lang("Last updated: 13/05/2019", true),
            Some("2019-05-13".into())
        );
        // Day first otherwise.
        assert_eq!(
            date_of_lang("Updated 05/12/2019", false),
            Some("2019-12-05".into())
        );
        assert_eq!(
            date_of_lang("Updated 05/13/2019", false),
            Some("2019-05-13".into())
        );
        assert_eq!(
            date_of_lang("Last updated 1/10/13", true),
            Some("2013-01-10".into())
        );
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(date_of("Last updated: 13/13/2019"), None);
        assert_eq!(date_of("Last updated: February 30, 2019"), None);
        assert_eq!(date_of("Last updated: 2019-02-29"), None);
        assert_eq!(date_of("Last updated: 2020-02-29"), upd("2020-02-29"));
        assert_eq!(date_of("Last updated: March 3, 1989"), None);
        assert_eq!(date_of("Last updated: March 3, 2036"), None);
        assert_eq!(date_of("Last updated: 2019-13-01"), None);
    }

    #[test]
    fn preference_and_order() {
        // "Last updated" beats "effective", wherever it stands.
        assert_eq!(
            date_of(
                "This Privacy Statement is effective as of January 1, 2008.\n\nLast updated: January 21, 2008."
            ),
            upd("2008-01-21")
        );
        // Otherwise the first statement wins.
        assert_eq!(
            date_of("Effective March 1, 2018.\n\nEffective April 1, 2019."),
            eff("2018-03-01")
        );
        assert_eq!(
            date_of("Last updated May 10, 2007.\n\nRevised: June 1, 2008"),
            upd("2007-05-10")
        );
    }

    #[test]
    fn dates_without_keywords_are_ignored() {
        assert_eq!(
            date_of(
                "This Policy is based on the Directive of October 24, 1995 Directive EU 95/46/EC."
            ),
            None
        );
        assert_eq!(
            date_of("Call 1.866.731.6556 or visit us on 5/5/2019."),
            None
        );
        assert_eq!(date_of("Last updated: March 2018"), None);
        // A keyword in an earlier sentence does not reach the date.
        assert_eq!(
            date_of("We updated our systems. The company was founded on May 1, 2001."),
            None
        );
    }

    #[test]
    fn phrase_is_the_matched_text() {
        let d = find_stated_date(
            &strip_body("Our policy. **Revised:** Sept. 5, 2017. More."),
            true,
        );
        assert_eq!(
            d.map(|d| d.phrase),
            Some("Revised: Sept. 5, 2017".to_string())
        );
    }
}
