//! Differential test on generated tag soup and mutated corpus pages: every document must parse
//! to the same tree as with html5ever's own tokenizer.

mod common;

/// A tiny deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "<",
    "</",
    "<!",
    "<!-",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<!--->",
    "--",
    "-",
    "!",
    ">",
    "/>",
    "<!DOCTYPE html>",
    "<!doctype HTML>",
    "<!DOCTYPE>",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\">",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\">",
    "<!DOCTYPE html SYSTEM \"about:legacy-compat\">",
    "<!DOCTYPE html PUBLIC '-//W3O//DTD W3 HTML Strict 3.0//EN//'>",
    "<!DOCTYPE html PUBLIC\"x\"'y'>",
    "<!DOCTYPE html SYSTEM>",
    "<!DOCTYPE html bogus>",
    "<!DOCTYPE html PUBLIC \"a\" junk>",
    "<!DOCTYPE html SYSTEM \"s\" junk>",
    "<!DOCTYPE html PUBLIC \"x>",
    "<!DOCTYPEhtml>",
    "<!DOCTYPE \0>",
    "<?xml version=\"1.0\"?>",
    "<?",
    "&amp",
    "&amp;",
    "&AMP;",
    "&notin",
    "&notit;",
    "&not",
    "&not;",
    "&#x80;",
    "&#x9F;",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "&#10",
    "&#10;",
    "&#x0a",
    "&#13;",
    "&#65",
    "&#x41;",
    "&#xffff;",
    "&#",
    "&#x",
    "&",
    "&;",
    "&zz;",
    "&lt",
    "&gt=",
    "&NewLine;",
    "&NotNestedGreaterGreater;",
    "&ampx",
    "&a",
    "<a href=x&amp;y=1>",
    "<a href=\"?a=1&not=2&copy=3&amp;4\">",
    "<a title='&notin &notx &not= &not;'>",
    "<a b c=d e='f' g=\"h\" b=dup C=up>",
    "<div id=a id=b class = \"c\">",
    "<p x = y/>",
    "<img src=a.png/>",
    "<input value=\"a\0b\" \0=\"z\">",
    "<a =b>",
    "<a \"q=1 'r=2 <s=3>",
    "<a x=`y`>",
    "<a x='1'y='2'>",
    "<a x=\"1\"/ >",
    "<br/>",
    "</br>",
    "</p>",
    "</ div>",
    "</>",
    "</ >",
    "</3>",
    "<3",
    "< a>",
    "<a\0b>",
    "<A HREF=X>",
    "<DIV>",
    "</DIV>",
    "<script>",
    "</script>",
    "<SCRIPT>",
    "</script >",
    "</script/>",
    "<script>a<!--b<script>c</script>d-->e</script>",
    "<script><!--<script>x</script>--></script>",
    "<script><!--x--></script>",
    "<!--<script>",
    "<script type=text/x>",
    "</scripty>",
    "<style>",
    "</style>",
    "<title>",
    "</title>",
    "<textarea>",
    "</textarea>",
    "<xmp>",
    "</xmp>",
    "<iframe>",
    "</iframe>",
    "<noscript>",
    "</noscript>",
    "<noembed>",
    "</noembed>",
    "<noframes>",
    "</noframes>",
    "<plaintext>",
    "<svg>",
    "</svg>",
    "<math>",
    "</math>",
    "<mi>",
    "<foreignObject>",
    "<desc>",
    "<![CDATA[",
    "]]>",
    "<![CDATA[x]]>",
    "<![CDATA[a\0b]]>",
    "]]",
    "]",
    "<table>",
    "</table>",
    "<tr>",
    "<td>",
    "<th>",
    "<tbody>",
    "<caption>",
    "<colgroup>",
    "<col>",
    "<select>",
    "<option>",
    "<template>",
    "</template>",
    "<frameset>",
    "<frame>",
    "<head>",
    "</head>",
    "<body>",
    "</body>",
    "<html>",
    "</html>",
    "<meta charset=utf-8>",
    "<meta charset=\"x\">\u{feff}",
    "<meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">",
    "<pre>",
    "</pre>",
    "<listing>",
    "<pre>\n",
    "<textarea>\n",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<p>",
    "<div>",
    "</div>",
    "<ul><li>",
    "<a>",
    "</a>",
    "<form>",
    "<button>",
    "<h1>",
    "<nobr>",
    "<image>",
    "<isindex>",
    "<font color=red>",
    "\0",
    "\r",
    "\r\n",
    "\n",
    "\u{feff}",
    "\t",
    "\x0C",
    " ",
    "  ",
    "text",
    "Hello, world",
    "déjà vu",
    "日本語",
    "😀",
    "a",
    "b",
    "=",
    "\"",
    "'",
    "/",
    "?",
    "x--y",
    "<!-- c -->",
    "<!---->",
    "<!-- a -- b -->",
    "<!--a--!b-->",
    "<!--<!-- nested -->",
    "<!-- \0 -->",
    "<!--->",
    "<!--!-->",
    "<![if IE]>",
    "<!bogus>",
    "<?pi \0>",
    "</a b=c>",
    "<a/b>",
    "<a / b>",
    "<svg><![CDATA[<b>]]></svg>",
    "<math><mi><![CDATA[x]]></mi></math>",
    "<svg viewBox='0 0 1 1' xlink:href=x xml:lang=en>",
    "<svg><foreignObject><p>",
    "<svg><path/></svg>",
    "<math><annotation-xml encoding=text/html>",
    "<svg><title>",
    "<script>\u{feff}",
    "</script>\u{feff}",
    "<template><tr>",
    "<table>x<tr>y",
    "<table> \n <td>",
    "<a ÀB=1 ÿ='2'>",
    "<DİV>",
    "&#x0D;",
    "<title>&amp;</title >",
    "</script foo=bar>",
    "</SCRIPT\t/>",
    "<svg><script>",
    "<textarea>\r\n",
    "<pre>\r\n",
    "<listing>\n",
    "<!DOCTYPE html PUBLIC \"x\" 'y'>",
    "<a href='&#10'>",
    "<!--\r\n-->",
    "<a\r\nb=c>",
    "<select><option>",
    "<frameset><frame>",
    "<table><caption>",
    "<svg><desc><![CDATA[",
    "<math><mtext>",
    "<svg><foreignObject><![CDATA[x]]>",
    "<!DOCTYPE html SYSTEM 'x' y>",
];

fn generate(rng: &mut Rng) -> String {
    let mut doc = String::new();
    let pieces = 1 + rng.below(40);
    for _ in 0..pieces {
        doc.push_str(rng.pick(PIECES));
    }
    // Sometimes cut the document anywhere, to end inside every state.
    if rng.below(3) == 0 {
        let mut cut = rng.below(doc.len() + 1);
        while !doc.is_char_boundary(cut) {
            cut -= 1;
        }
        doc.truncate(cut);
    }
    doc
}

fn char_floor(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A corpus page cut, with pieces swapped or tricky bytes inserted.
fn mutate(rng: &mut Rng, page: &str) -> String {
    let mut doc = page.to_owned();
    for _ in 0..1 + rng.below(4) {
        match rng.below(3) {
            0 => {
                let cut = char_floor(&doc, rng.below(doc.len() + 1));
                doc.truncate(cut);
            }
            1 => {
                let a = char_floor(&doc, rng.below(doc.len() + 1));
                let b = char_floor(&doc, rng.below(doc.len() + 1));
                let (a, b) = (a.min(b), a.max(b));
                let mid = char_floor(&doc, a + (b - a) / 2);
                doc = format!("{}{}{}{}", &doc[..a], &doc[mid..b], &doc[a..mid], &doc[b..]);
            }
            _ => {
                let at = char_floor(&doc, rng.below(doc.len() + 1));
                let piece = rng.pick(PIECES);
                doc.insert_str(at, piece);
            }
        }
    }
    doc
}

/// How many documents to try: `default`, or `DIFF_CASES` times `default / 1000` if it is set.
fn case_count(default: usize) -> usize {
    let scale = std::env::var("DIFF_CASES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok());
    scale.map_or(default, |scale| scale * default / 1000)
}

#[test]
fn generated_documents_parse_identically() {
    let seed = std::env::var("DIFF_SEED").ok().and_then(|v| v.parse().ok());
    let mut rng = Rng(seed.unwrap_or(0x9E37_79B9_7F4A_7C15) | 1);
    let count = case_count(20_000);
    let mut failures = Vec::new();
    for _ in 0..count {
        let doc = generate(&mut rng);
        if let Err(report) = common::compare(&doc) {
            failures.push(report);
        }
    }
    println!("generated: {count} documents, {} differ", failures.len());
    let shown: Vec<&String> = failures.iter().take(3).collect();
    assert!(
        failures.is_empty(),
        "{} of {count} differ; first ones:\n{shown:#?}",
        failures.len()
    );
}

#[test]
fn mutated_corpus_pages_parse_identically() {
    let pages = common::corpus_pages();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let count = case_count(1_000);
    let mut failures = Vec::new();
    for _ in 0..count {
        let (_, page) = &pages[rng.below(pages.len())];
        let doc = mutate(&mut rng, page);
        if let Err(report) = common::compare(&doc) {
            failures.push(report);
        }
    }
    println!("mutated: {count} documents, {} differ", failures.len());
    let shown: Vec<&String> = failures.iter().take(2).collect();
    assert!(
        failures.is_empty(),
        "{} of {count} differ; first ones:\n{shown:#?}",
        failures.len()
    );
}

/// Short fragments that are each a meaningful step for some tokenizer state.
const ATOMS: &[&str] = &[
    "<", ">", "/", "!", "-", "--", "?", "[", "]", "&", "#", "x", ";", "=", "\"", "'", "`", " ",
    "\n", "\r", "\t", "\x0C", "\0", "a", "B", "1", "é", "\u{feff}", "doctype", "DOCTYPE", "public",
    "SYSTEM", "script", "SCRIPT", "title", "textarea", "style", "pre", "svg", "math", "[CDATA[",
    "amp", "not", "notin", "lt",
];

/// Documents made of single significant characters and keywords, to reach unusual state
/// sequences that whole pieces rarely do.
#[test]
fn character_soup_parses_identically() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let count = case_count(10_000);
    let mut failures = Vec::new();
    for _ in 0..count {
        let mut doc = String::new();
        if rng.below(2) == 0 {
            doc.push_str(rng.pick(&[
                "<script>",
                "<textarea>",
                "<style>",
                "<svg>",
                "<pre>",
                "<title>",
            ]));
        }
        for _ in 0..1 + rng.below(60) {
            doc.push_str(rng.pick(ATOMS));
        }
        if let Err(report) = common::compare(&doc) {
            failures.push(report);
        }
    }
    println!(
        "character soup: {count} documents, {} differ",
        failures.len()
    );
    let shown: Vec<&String> = failures.iter().take(3).collect();
    assert!(
        failures.is_empty(),
        "{} of {count} differ; first ones:\n{shown:#?}",
        failures.len()
    );
}
