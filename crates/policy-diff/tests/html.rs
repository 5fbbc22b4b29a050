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

/// Two versions of a body: navigation whose archive links moved, then a wording change.
const NAV_OLD: &str = "**[Contact Us](https://web.archive.org/web/id_/http%3A//x.com/contact.html) | \
[Careers](https://web.archive.org/web/id_/http%3A//x.com/careers.html)**\n\n\
## Data we keep\n\nWe keep your data for **30 days**.\n\n  * cookies\n  * logs\n\nThe end.\n";
const NAV_NEW: &str = "**[Contact Us](https://web.archive.org/web/id_/http%3A//x.com/about/contact) | \
[Careers](https://web.archive.org/web/id_/http%3A//x.com/about/jobs)**\n\n\
## Data we keep\n\nWe keep your data for **90 days**.\n\n  * cookies\n  * logs\n\nThe end.\n";

fn two(old: &'static str, new: &'static str) -> String {
    let v1 = VersionView {
        valid_until: Some("20150101000000"),
        ..view(1, "20140101000000", old)
    };
    let v2 = view(2, "20150101000000", new);
    let timeline = [v1, v2];
    render_html("x.com", &timeline, &[compare(&timeline[0], &timeline[1])])
}

#[test]
fn the_report_reads_like_the_policy() {
    let html = two(NAV_OLD, NAV_NEW);
    // The wording change, rendered: heading context, bold kept, Markdown marks gone.
    let wording = html
        .find("<div class=\"change wording\">")
        .expect("a wording change");
    let links = html
        .find("<details class=\"links\"><summary>Links changed, wording the same (1)</summary>")
        .expect("the link-only change, collapsed");
    let source = html
        .find("<details class=\"source\"><summary>Markdown source, side by side</summary>")
        .expect("the source view");
    assert!(wording < links && links < source, "{html}");
    let change = &html[wording..links];
    assert!(
        change.contains("Wording change 1 of 1, under “Data we keep”"),
        "{change}"
    );
    assert!(
        change.contains("<p class=\"md d0\">We keep your data for <del><strong>30</strong></del><strong> days</strong>.</p>"),
        "{change}"
    );
    assert!(
        change.contains("<ins><strong>90</strong></ins><strong> days</strong>"),
        "{change}"
    );
    assert!(!change.contains("**"), "{change}");
    // The paragraph after it is shown; the list after that waits behind "More context after".
    assert!(
        change.contains(
            "<details class=\"more\"><summary>More context after</summary><div class=\"ctx\">\
             <ul class=\"md\"><li class=\"d1\">logs</li></ul><p class=\"md d0\">The end.</p></div></details>"
        ) && change.contains(
            "<div class=\"ctx\"><ul class=\"md\"><li class=\"d1\">cookies</li></ul></div>"
        ),
        "{change}"
    );
    // Link texts stand for their links; the moved targets are listed in the collapsed part.
    let moved = &html[links..source];
    assert!(
        moved.contains(
            "<li><span class=\"lt\">Contact Us</span>: <code>https://web.archive.org/web/id_/http%3A//x.com/contact.html</code> \
             → <code>https://web.archive.org/web/id_/http%3A//x.com/about/contact</code></li>"
        ),
        "{moved}"
    );
    assert!(moved.contains("<span class=\"link\" title=\"https://web.archive.org/web/id_/http%3A//x.com/about/jobs\"><strong>Careers</strong></span>"), "{moved}");
    assert!(
        !html[..links].contains("contact.html"),
        "no archive URL before the link-only changes"
    );
    assert!(
        html.contains("As read: 1 wording change (+1 −1 words), 1 link-only, 0 formatting-only.")
    );
}

#[test]
fn a_link_only_change_is_classified_as_such() {
    let old =
        "See [our partners](https://web.archive.org/web/id_/http%3A//x.com/partners) for more.\n";
    let new = "See [our partners](https://web.archive.org/web/id_/http%3A//x.com/legal/partners) for more.\n";
    let html = two(old, new);
    assert!(!html.contains("<div class=\"change wording\">"), "{html}");
    assert!(html.contains("<p class=\"same\">No wording changes: the text reads the same.</p>"));
    assert!(html.contains(
        "<details class=\"links\"><summary>Links changed, wording the same (1)</summary>\n\
         <div class=\"change links\"><p class=\"md d0\">See <span class=\"link\" \
         title=\"https://web.archive.org/web/id_/http%3A//x.com/legal/partners\">our partners</span> for more.</p>"
    ), "{html}");
    // A wording change next to it is not hidden with it.
    let html = two(
        old,
        "See [our partners](https://web.archive.org/web/id_/http%3A//x.com/partners) for less.\n",
    );
    assert!(html.contains("<div class=\"change wording\">"), "{html}");
    assert!(!html.contains("<details class=\"links\">"), "{html}");
}

#[test]
fn hostile_rendered_text_is_escaped() {
    let old = "## Old <b onmouseover=alert(1)>head</b>\n\nText.\n";
    let new = "## New <img src=x onerror=alert(2)>\n\n\
               [<script>alert(3)</script>\"x](javascript:alert(\"4\")&x=' \"t\") and \
               [ok](http://x.com/\"><script>alert(5)</script>) and **<iframe src=//evil>**\n\nText.\n";
    let html = two(old, new);
    let lower = html.to_lowercase();
    for live in [
        "<script", "<img", "<iframe", "<b ", "href=", "src=", "onerror=", "url(",
    ] {
        assert!(!lower.contains(live), "{live} in {html}");
    }
    assert!(
        html.contains(
            "<h4 class=\"md\"><ins>New &lt;img src&#61;x onerror&#61;alert(2)&gt;</ins></h4>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<h4 class=\"md\"><del>Old &lt;b onmouseover&#61;alert(1)&gt;head&lt;/b&gt;</del></h4>"
        ),
        "{html}"
    );
    // Link text escaped; the target only in a quoted, escaped title attribute.
    assert!(
        html.contains("&lt;script&gt;alert(3)&lt;/script&gt;&quot;x"),
        "{html}"
    );
    assert!(
        html.contains("title=\"javascript:alert(&quot;4&quot;)&amp;x&#61;&#39;\""),
        "{html}"
    );
    assert!(
        html.contains("title=\"http://x.com/&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;\""),
        "{html}"
    );
    assert!(
        html.contains("<strong>&lt;iframe src&#61;//evil&gt;</strong>"),
        "{html}"
    );
    // Every attribute value is quoted and holds no raw quote: count the quotes of `title="`.
    for attr in html.split("title=\"").skip(1) {
        let value = &attr[..attr.find('"').expect("closed")];
        assert!(!value.contains('<') && !value.contains('>'), "{value}");
    }
    for (open, close) in [
        ("<del>", "</del>"),
        ("<ins>", "</ins>"),
        ("<details", "</details>"),
        ("<div", "</div>"),
        ("<ul", "</ul>"),
        ("<span", "</span>"),
    ] {
        assert_eq!(
            html.matches(open).count(),
            html.matches(close).count(),
            "{open}"
        );
    }
}
