//! Focused checks of tricky tokenizer rules, each against html5ever's own tokenizer and, where
//! it matters, against the expected tree.

mod common;

use common::{compare, dump, parse_with_ours};

fn check(input: &str) {
    if let Err(report) = compare(input) {
        panic!("{report}");
    }
}

#[test]
fn character_references_in_attributes_follow_the_historical_rule() {
    let html = parse_with_ours("<a href='?a=1&not=2&notx&not;&amp'>");
    let dumped = dump(&html);
    assert!(dumped.contains(r#"="?a=1&not=2&notx¬&""#), "{dumped}");
    check("<a href=?x&lt=1&lt;&ltb&lt>");
    check("<img alt='&#x80;&#0;&#xD800;&#1114112;&#'>");
}

#[test]
fn script_double_escaping_hides_end_tags() {
    let html = parse_with_ours("<script><!--<script></script>x--></script>y");
    let dumped = dump(&html);
    assert!(
        dumped.contains(r#""<!--<script></script>x-->""#),
        "{dumped}"
    );
    check("<script><!--<script></script>x--></script>y");
    check("<script><!--<SCRIPT >-</sCrIpT>--></script>");
    check("<script><!-- -- > </script>");
    check("<script><!--<scriptx></script>");
}

#[test]
fn cdata_sections_only_exist_in_foreign_content() {
    let svg = dump(&parse_with_ours("<svg><![CDATA[<b>&amp;]]></svg>"));
    assert!(svg.contains(r#""<b>&amp;""#), "{svg}");
    let html = dump(&parse_with_ours("<div><![CDATA[<b>]]></div>"));
    assert!(html.contains(r#"<!-- "[CDATA[<b" -->"#), "{html}");
    check("<math><mi><![CDATA[x]]></mi><![CDATA[y]]></math>");
    check("<svg><![CDATA[unterminated");
}

#[test]
fn doctypes_set_the_quirks_mode() {
    for input in [
        "<!DOCTYPE html>",
        "<!DOCTYPE>",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://x\">",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"x\">",
        "<!DOCTYPE html SYSTEM \"http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd\">",
        "<!DOCTYPE html bogus>",
        "<!DOCTYPE html PUBLIC \"x",
        "<!doctype html system 'about:legacy-compat' junk>",
    ] {
        check(input);
    }
    assert_eq!(
        format!("{:?}", parse_with_ours("<!DOCTYPE html>").quirks_mode),
        "NoQuirks"
    );
    assert_eq!(
        format!("{:?}", parse_with_ours("<!DOCTYPE>").quirks_mode),
        "Quirks"
    );
}

#[test]
fn newline_after_pre_depends_on_what_html5ever_reports() {
    check("<pre>&#10;x</pre>");
    check("<pre>&#10x</pre>");
    check("<pre></>\nx</pre>");
    check("<textarea>&#10</textarea>");
    check("<pre>\r\nx</pre>");
}

#[test]
fn byte_order_marks_after_script_and_meta_charset_are_dropped() {
    check("<script></script>\u{feff}x");
    check("<meta charset=utf-8>\u{feff}x");
    check("\u{feff}\u{feff}x");
}

#[test]
fn pathological_inputs_do_not_blow_up() {
    for input in [
        "<".repeat(20_000),
        "&".repeat(20_000),
        "&a".repeat(10_000),
        "<a ".repeat(5_000),
        format!("<a x=\"{}\">", "&amp;".repeat(10_000)),
        "<div>".repeat(3_000),
        "<!--".repeat(5_000),
        "</".repeat(10_000),
        format!("<script>{}", "<!--<script>".repeat(3_000)),
    ] {
        check(&input);
    }
}

#[test]
fn many_attributes_are_not_quadratic() {
    // html5ever's own duplicate check is quadratic, so only ours runs on the big tag.
    let attributes: String = (0..200_000).map(|i| format!("a{} ", i % 100_000)).collect();
    let html = parse_with_ours(&format!("<div {attributes}>"));
    let div = html
        .tree
        .nodes()
        .filter_map(|node| node.value().as_element())
        .find(|element| &*element.name.local == "div");
    assert_eq!(div.map(|element| element.attrs.len()), Some(100_000));
    check(&format!("<div {}>", &attributes[..20_000]));
}
