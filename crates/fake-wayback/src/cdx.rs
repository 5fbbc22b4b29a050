//! The CDX API of the fake archive: the same parameters and answer formats as the real one.

use crate::fixtures::{FixtureCapture, FixtureSet, surt};

/// The default field list, in the archive's order.
const DEFAULT_FIELDS: [&str; 7] = [
    "urlkey",
    "timestamp",
    "original",
    "mimetype",
    "statuscode",
    "digest",
    "length",
];

/// A CDX answer: status, content type and body.
pub(crate) struct CdxAnswer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub blocked: bool,
}

fn error(detail: impl Into<String>) -> CdxAnswer {
    CdxAnswer {
        status: 400,
        content_type: "text/plain",
        body: format!(
            "org.archive.wayback.exception.BadQueryException: {}\n",
            detail.into()
        ),
        blocked: false,
    }
}

fn field(capture: &FixtureCapture, name: &str) -> String {
    match name {
        "urlkey" => capture.urlkey(),
        "timestamp" => capture.timestamp.clone(),
        "original" => capture.original.clone(),
        "mimetype" => capture.mimetype.clone(),
        "statuscode" => {
            if capture.mimetype == "warc/revisit" {
                "-".into()
            } else {
                capture.status.to_string()
            }
        }
        "digest" => capture.digest(),
        "length" => capture.record_length().to_string(),
        _ => "-".into(),
    }
}

struct Filter {
    negate: bool,
    field: String,
    regex: regex::Regex,
}

/// Answers a CDX query given as decoded `(name, value)` pairs.
pub(crate) fn answer(set: &FixtureSet, params: &[(String, String)]) -> CdxAnswer {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let all = |name: &'static str| {
        params
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(mut url) = get("url").map(str::to_owned) else {
        return error("url parameter is required");
    };
    let mut match_type = get("matchType").unwrap_or("exact").to_owned();
    if let Some(stripped) = url.strip_suffix('*') {
        url = stripped.to_owned();
        match_type = "prefix".into();
    }
    if let Some(stripped) = url.strip_prefix("*.") {
        url = stripped.to_owned();
        match_type = "domain".into();
    }
    if set.is_blocked(&url) {
        return CdxAnswer {
            status: 403,
            content_type: "text/plain",
            body: "org.archive.util.io.RuntimeIOException: org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error\n".into(),
            blocked: true,
        };
    }
    let key = surt(&url);
    let key_host = key.split(')').next().unwrap_or("").to_owned();
    let Ok(from) = bound(get("from"), '0') else {
        return error("from must be 1 to 14 digits");
    };
    let Ok(to) = bound(get("to"), '9') else {
        return error("to must be 1 to 14 digits");
    };
    let fields: Vec<String> = match get("fl") {
        Some(list) => list
            .split(',')
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect(),
        None => DEFAULT_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
    };
    if let Some(bad) = fields
        .iter()
        .find(|f| !DEFAULT_FIELDS.contains(&f.as_str()))
    {
        return error(format!("unknown field {bad}"));
    }
    let mut filters = Vec::new();
    for spec in all("filter") {
        let (negate, body) = match spec.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, spec),
        };
        let Some((name, pattern)) = body.split_once(':') else {
            return error(format!("bad filter {spec}"));
        };
        if !DEFAULT_FIELDS.contains(&name) {
            return error(format!("bad filter field {name}"));
        }
        let Ok(regex) = regex::Regex::new(&format!("^(?:{pattern})$")) else {
            return error(format!("bad filter regex {pattern}"));
        };
        filters.push(Filter {
            negate,
            field: name.to_owned(),
            regex,
        });
    }
    let mut collapses = Vec::new();
    for spec in all("collapse") {
        let (name, width) = match spec.split_once(':') {
            Some((name, width)) => match width.parse::<usize>() {
                Ok(width) => (name, Some(width)),
                Err(_) => return error(format!("bad collapse {spec}")),
            },
            None => (spec, None),
        };
        if !DEFAULT_FIELDS.contains(&name) {
            return error(format!("bad collapse field {name}"));
        }
        collapses.push((name.to_owned(), width));
    }
    if !matches!(match_type.as_str(), "exact" | "prefix" | "host" | "domain") {
        return error(format!("unknown matchType {match_type}"));
    }

    // The index is sorted by URL key: each match type is one or two key ranges.
    let ranges = match match_type.as_str() {
        "exact" | "prefix" => vec![set.key_prefix_range(&key)],
        "host" => vec![set.key_prefix_range(&format!("{key_host})"))],
        _ => vec![
            set.key_prefix_range(&format!("{key_host})")),
            set.key_prefix_range(&format!("{key_host},")),
        ],
    };
    let exact = match_type == "exact";
    let mut rows: Vec<&FixtureCapture> = Vec::new();
    let mut last_kept: Option<&FixtureCapture> = None;
    for index in ranges.into_iter().flatten() {
        let capture = &set.captures()[index];
        if (exact && set.key_at(index) != key)
            || from.as_ref().is_some_and(|from| capture.timestamp < *from)
            || to.as_ref().is_some_and(|to| capture.timestamp > *to)
            || !filters
                .iter()
                .all(|f| f.regex.is_match(&field(capture, &f.field)) != f.negate)
        {
            continue;
        }
        if let Some(previous) = last_kept {
            let same = !collapses.is_empty()
                && collapses.iter().all(|(name, width)| {
                    let (a, b) = (field(previous, name), field(capture, name));
                    match width {
                        Some(w) => a.chars().take(*w).eq(b.chars().take(*w)),
                        None => a == b,
                    }
                });
            if same {
                continue;
            }
        }
        last_kept = Some(capture);
        rows.push(capture);
    }

    let start = match get("resumeKey") {
        // Keys are form-encoded; clients may send them encoded once more (as IA accepts).
        Some(key) => match form_decode(&form_decode(key))
            .rsplit_once('!')
            .and_then(|(_, index)| index.parse::<usize>().ok())
        {
            Some(index) => index,
            None => return error("bad resumeKey"),
        },
        None => 0,
    };
    let limit: Option<i64> = match get("limit").map(str::parse) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return error("limit must be an integer"),
        None => None,
    };
    let total = rows.len();
    let (page, next) = match limit {
        Some(n) if n < 0 => (
            &rows[total.saturating_sub(n.unsigned_abs() as usize)..],
            None,
        ),
        Some(n) => {
            let start = start.min(total);
            let end = start.saturating_add(n as usize).min(total);
            (&rows[start..end], (end < total).then_some(end))
        }
        None => (&rows[start.min(total)..], None),
    };
    let resume_key = if get("showResumeKey") == Some("true") {
        next.map(|index| {
            let row = rows[index];
            let raw = format!("{} {}!{index}", row.urlkey(), row.timestamp);
            url::form_urlencoded::byte_serialize(raw.as_bytes()).collect::<String>()
        })
    } else {
        None
    };
    let json = get("output") == Some("json");
    let body = if json {
        render_json(&fields, page, resume_key.as_deref())
    } else {
        render_text(&fields, page, resume_key.as_deref())
    };
    CdxAnswer {
        status: 200,
        content_type: if json {
            "application/json"
        } else {
            "text/plain"
        },
        body,
        blocked: false,
    }
}

/// Pads a 1..14-digit bound with `fill` (0 for `from`; 9 for `to`, widening to period end).
fn bound(value: Option<&str>, fill: char) -> Result<Option<String>, ()> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.len() > 14 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    let mut padded = value.to_owned();
    while padded.len() < 14 {
        padded.push(fill);
    }
    Ok(Some(padded))
}

fn form_decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("k={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn json_string(value: &str) -> String {
    serde_json::Value::String(value.to_owned()).to_string()
}

fn render_json(fields: &[String], rows: &[&FixtureCapture], resume_key: Option<&str>) -> String {
    if rows.is_empty() && resume_key.is_none() {
        return "[]\n".into();
    }
    let mut lines = vec![format!(
        "[{}]",
        fields
            .iter()
            .map(|f| json_string(f))
            .collect::<Vec<_>>()
            .join(",")
    )];
    for row in rows {
        let values: Vec<String> = fields.iter().map(|f| json_string(&field(row, f))).collect();
        lines.push(format!("[{}]", values.join(",")));
    }
    if let Some(key) = resume_key {
        lines.push("[]".into());
        lines.push(format!("[{}]", json_string(key)));
    }
    format!("[{}]\n", lines.join(",\n"))
}

fn render_text(fields: &[String], rows: &[&FixtureCapture], resume_key: Option<&str>) -> String {
    let mut out = String::new();
    for row in rows {
        let values: Vec<String> = fields.iter().map(|f| field(row, f)).collect();
        out.push_str(&values.join(" "));
        out.push('\n');
    }
    if let Some(key) = resume_key {
        out.push('\n');
        out.push_str(key);
        out.push('\n');
    }
    out
}
