//! The HTML report: everything archived is escaped, nothing is live.

mod common;

use common::view;
use policy_diff::{VersionView, compare, render_html};

const EVIL_OLD: &str = "Welcome.\n\nWe use cookies.\n";
const EVIL_NEW: &str = "Welcome.\n\nWe use <script>alert(1)</script> and \"quotes\" & 'apostrophes'.\n\
<img src=x onerror=alert(2)> [click](javascript:alert(1))\n";

fn page() -> String {
    let v1 = VersionView {
        valid_until: Some("20150101000000"),
        url: "javascript:alert(1)",
        title: Some("<b onmouseover=\"alert(3)\">Privacy</b>"),
        ..view(1, "20140101000000", EVIL_OLD)
    };
    let v2 = VersionView {
        valid_until: Some("20160101000000"),
        url: "http://example.com/privacy?a=1&b=\"2\"",
        title: Some("Privacy 'Policy'"),
        ..view(2, "20150101000000", EVIL_NEW)
    };
    let v3 = VersionView {
        url: "http://example.com/privacy?a=1&b=\"2\"",
        title: Some("Privacy 'Policy'"),
        ..view(3, "20160101000000", EVIL_NEW)
    };
    let timeline = [v1, v2, v3];
    let cmp = compare(&timeline[0], &timeline[1]);
    render_html("evil.com\"><script>alert(4)</script>", &timeline, &[cmp])
}

#[test]
fn nothing_live_survives() {
    let html = page();
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("href="), "{html}");
    assert!(!lower.contains("src="), "{html}");
    assert!(!lower.contains("<img"), "{html}");
    assert!(!lower.contains("<b "), "{html}");
    assert!(!lower.contains("onerror=alert"), "{html}");
    assert!(!lower.contains("<link"), "{html}");
    assert!(!lower.contains("url("), "{html}");
}

#[test]
fn archived_text_is_escaped() {
    let html = page();
    // Body text, with the changed words inside <ins>.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("&quot;quotes&quot; &amp; &#39;apostrophes&#39;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src&#61;x onerror&#61;alert(2)&gt;"),
        "{html}"
    );
    assert!(html.contains("[click](javascript:alert(1))"), "{html}");
    // URLs as text, titles, domain, field change summaries.
    assert!(
        html.contains("<td class=\"url\">javascript:alert(1)</td>"),
        "{html}"
    );
    assert!(
        html.contains("http://example.com/privacy?a&#61;1&amp;b&#61;&quot;2&quot;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;b onmouseover&#61;&quot;alert(3)&quot;&gt;Privacy&lt;/b&gt;"),
        "{html}"
    );
    assert!(
        html.contains("<title>Privacy policy history: evil.com&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;</title>"),
        "{html}"
    );
    assert!(html.contains("<li>url javascript:alert(1) -&gt; http://example.com/privacy?a&#61;1&amp;b&#61;&quot;2&quot;</li>"), "{html}");
}

#[test]
fn structure() {
    let html = page();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.ends_with("</body>\n</html>\n"));
    assert_eq!(html.matches("<style>").count(), 1);
    // The timeline: three rows, the two compared versions highlighted.
    assert_eq!(html.matches("<tr class=\"compared\"><td>v").count(), 2);
    assert!(html.contains("<tr><td>v3</td><td>2016-01-01</td><td>now</td>"));
    // One comparison with a side-by-side table: the changed line's old and new cells.
    assert!(html.contains("<h2>v1 (2014-01-01) -&gt; v2 (2015-01-01)</h2>"));
    assert!(html.contains(
        "<tr class=\"chg\"><td class=\"old\"><span class=\"ln\">3</span>We use <del>cookies.</del></td>\
         <td class=\"new\"><span class=\"ln\">3</span>We use <ins>&lt;script&gt;alert(1)&lt;/script&gt; \
         and &quot;quotes&quot; &amp; &#39;apostrophes&#39;.</ins></td></tr>"
    ), "{html}");
    // The added line has no old counterpart.
    assert!(html.contains(
        "<tr class=\"chg\"><td class=\"empty\"></td><td class=\"new\"><span class=\"ln\">4</span>\
         <ins>&lt;img src&#61;x onerror&#61;alert(2)&gt; [click](javascript:alert(1))</ins></td></tr>"
    ), "{html}");
    // Context lines appear in both columns.
    assert!(html.contains(
        "<tr class=\"ctx\"><td><span class=\"ln\">1</span>Welcome.</td><td><span class=\"ln\">1</span>Welcome.</td></tr>"
    ));
    // Balanced tags.
    for (open, close) in [
        ("<tr", "</tr>"),
        ("<td", "</td>"),
        ("<table", "</table>"),
        ("<del>", "</del>"),
        ("<ins>", "</ins>"),
        ("<section", "</section>"),
    ] {
        assert_eq!(
            html.matches(open).count(),
            html.matches(close).count(),
            "{open}"
        );
    }
}

#[test]
fn unchanged_text_and_empty_timeline() {
    let v1 = view(1, "20140101000000", "Same.\n");
    let v2 = view(2, "20150101000000", "Same.\n");
    let cmp = compare(&v1, &v2);
    let html = render_html("example.com", &[v1, v2], &[cmp]);
    assert!(html.contains("<p>No field changes.</p>\n<p>Text unchanged.</p>"));
    let empty = render_html("example.com", &[], &[]);
    assert!(empty.contains("<p>No versions.</p>"));
}

#[test]
fn bidirectional_overrides_are_shown_not_applied() {
    let old = VersionView {
        title: Some("Privacy \u{202E}gpj.exe"),
        url: "http://example.com/\u{2066}privacy\u{2069}",
        ..view(1, "20140101000000", "We keep data.\n")
    };
    let new = view(
        2,
        "20150101000000",
        "We keep data for \u{202E}syad 03\u{202C} only.\n\u{200F}שלום\n",
    );
    let page = render_html("example.com", &[old, new], &[compare(&old, &new)]);
    for raw in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2069}',
    ] {
        assert!(!page.contains(raw), "{raw:?} reached the page");
    }
    assert!(page.contains("Privacy \\u{202e}gpj.exe"), "{page}");
    assert!(page.contains("\\u{2066}privacy\\u{2069}"), "{page}");
    assert!(page.contains("\\u{202e}syad 03\\u{202c}"), "{page}");
    // A right-to-left mark only sets a direction: Hebrew text keeps it.
    assert!(page.contains("\u{200F}שלום"), "{page}");
}
