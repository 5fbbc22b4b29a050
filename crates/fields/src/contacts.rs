//! E-mail addresses and phone numbers.

use crate::text::Line;
use regex::Regex;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b[a-z0-9][a-z0-9._%+\-]*@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b",
    )
    .expect("email regex")
});

/// `name [at] example [dot] com`, `name (at) example.com`.
static OBFUSCATED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b([a-z0-9][a-z0-9._%+\-]*)\s*[\[({]\s*at\s*[\])}]\s*([a-z0-9\-]+(?:(?:\s*[\[({]\s*dot\s*[\])}]\s*|\.)[a-z0-9\-]+)+)\b",
    )
    .expect("obfuscated email regex")
});
static OBFUSCATED_DOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*[\[({]\s*dot\s*[\])}]\s*").expect("dot regex"));

/// File-name endings that follow an `@` in image names such as `logo@2x.png`.
const NOT_TLDS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico"];

/// E-mail addresses in `body` (raw Markdown, so that `mailto:` link targets count), lowercased,
/// without duplicates, in order of first appearance.
pub(crate) fn find_emails(body: &str) -> Vec<String> {
    let mut hits: Vec<(usize, String)> = Vec::new();
    for m in EMAIL.find_iter(body) {
        // Percent-encoded forms inside URLs (`mailto%3Aa%40b.com`) do not reach here; an address
        // glued to a preceding `%40`-style escape is not one either.
        let addr = m.as_str().trim_end_matches('.').to_lowercase();
        let tld = addr.rsplit('.').next().unwrap_or_default();
        if NOT_TLDS.contains(&tld) {
            continue;
        }
        hits.push((m.start(), addr));
    }
    for c in OBFUSCATED_EMAIL.captures_iter(body) {
        let (Some(all), Some(user), Some(domain)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let domain = OBFUSCATED_DOT.replace_all(domain.as_str(), ".");
        if !domain.contains('.') {
            continue;
        }
        hits.push((
            all.start(),
            format!("{}@{}", user.as_str(), domain).to_lowercase(),
        ));
    }
    hits.sort_by_key(|(pos, _)| *pos);
    let mut out: Vec<String> = Vec::new();
    for (_, addr) in hits {
        if !out.contains(&addr) {
            out.push(addr);
        }
    }
    out
}

/// North American numbers: `(480) 505-8800`, `916-445-1254`, `1.866.731.6556`, `+1 800 555 1212`.
static US_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\)|\d{3})[\s.\-]?\d{3}[\s.\-]\d{4}").expect("us phone")
});

/// International numbers starting with `+` and a country code: `+45 70 228 999`,
/// `+44 (0)20 7946 0958`, `+33 1 23 45 67 89`.
static INTL_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+\d{1,3}(?:[\s.\-]?(?:\(\d{1,4}\)|\d{1,5})){2,7}").expect("intl phone")
});

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn plausible_us(number: &str) -> bool {
    let d = digits(number);
    let local = match d.len() {
        10 => d.as_str(),
        11 if d.starts_with('1') => &d[1..],
        _ => return false,
    };
    let b = local.as_bytes();
    // Area code and exchange cannot start with 0 or 1.
    b.len() == 10 && b[0] >= b'2' && b[3] >= b'2'
}

fn plausible_intl(number: &str) -> bool {
    (8..=15).contains(&digits(number).len())
}

/// Phone numbers in the body lines, as written, without duplicates (by their digits), in order.
pub(crate) fn find_phones(lines: &[Line]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for line in lines {
        let text = line.text.as_str();
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for (re, ok) in [
            (&*INTL_PHONE, plausible_intl as fn(&str) -> bool),
            (&*US_PHONE, plausible_us as fn(&str) -> bool),
        ] {
            for m in re.find_iter(text) {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                let glued_before =
                    before.is_some_and(|c| c.is_alphanumeric() || "+-./_".contains(c));
                let glued_after = after
                    .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/')
                    || (after == Some('.')
                        && text[m.end()..]
                            .chars()
                            .nth(1)
                            .is_some_and(|c| c.is_ascii_digit()));
                if glued_before || glued_after || !ok(m.as_str()) {
                    continue;
                }
                hits.push((m.start(), m.end()));
            }
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut last_end = 0;
        for (start, end) in hits {
            if start < last_end {
                continue;
            }
            last_end = end;
            let number = text[start..end].to_string();
            let key = digits(&number);
            if !seen.contains(&key) {
                seen.push(key);
                out.push(number);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::strip_body;

    #[test]
    fn emails_in_text_and_links() {
        let body = "Mail [support@godaddy.com ](mailto:support@godaddy.com) or Help@Hover.com.\n\
                    See [](mailto:email@email.com) and supremeleader_10@hotmail.com, \
                    contact@paraphrase-online. and logo@2x.png";
        assert_eq!(
            find_emails(body),
            [
                "support@godaddy.com",
                "help@hover.com",
                "email@email.com",
                "supremeleader_10@hotmail.com"
            ]
        );
    }

    #[test]
    fn obfuscated_emails() {
        assert_eq!(
            find_emails("write to privacy [at] example [dot] com or jo (at) example.org"),
            ["privacy@example.com", "jo@example.org"]
        );
    }

    #[test]
    fn phones_us_and_international() {
        let lines = strip_body(
            "You may call us at: (480) 505-8800\n\
             Phone: 1.866.731.6556 (Monday to Friday)\n\
             by phone at 916-445-1254 or 800-952-5210; again 916.445.1254\n\
             Fax. +45 70 228 999 , and Tel. +45 70 228 999.\n\
             Call +44 (0)20 7946 0958 or +1 800 555 1212.",
        );
        assert_eq!(
            find_phones(&lines),
            [
                "(480) 505-8800",
                "1.866.731.6556",
                "916-445-1254",
                "800-952-5210",
                "+45 70 228 999",
                "+44 (0)20 7946 0958",
                "+1 800 555 1212"
            ]
        );
    }

    #[test]
    fn things_that_are_not_phones() {
        let lines = strip_body(
            "Suite 219, Scottsdale, AZ. 85260 USA; 14455 North Hayden Rd.; card 1234 5678 9012 3456; \
             version 1.2.3.4567; zip 46220; date 2019-05-12; id 123-456-7890123; 555-1234",
        );
        assert!(find_phones(&lines).is_empty(), "{:?}", find_phones(&lines));
    }
}
