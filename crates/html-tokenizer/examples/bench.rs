//! Throughput of html5ever's tokenizer versus ours on the development corpus.
//!
//! `CARGO_TARGET_DIR=/work/target-tok cargo run --release -p html-tokenizer --example bench`
//!
//! An argument runs only the measurements whose name contains it (handy under a profiler).

use std::cell::Cell;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use html5ever::TokenizerResult;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
};
use scraper::{Html, HtmlTreeSink};

/// A sink that counts tokens and switches states the way the tree builder would for the usual
/// raw text elements, so both tokenizers do the same work.
#[derive(Default)]
struct Counter(Cell<usize>);

impl TokenSink for Counter {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        self.0.set(self.0.get() + 1);
        let TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != StartTag {
            return TokenSinkResult::Continue;
        }
        match &*tag.name {
            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

fn html5ever_tokenize(input: &str) -> usize {
    let tokenizer = Tokenizer::new(Counter::default(), Default::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(input));
    while !matches!(tokenizer.feed(&queue), TokenizerResult::Done) {}
    tokenizer.end();
    tokenizer.sink.0.get()
}

fn our_tokenize(input: &str) -> usize {
    let sink = Counter::default();
    html_tokenizer::tokenize(input, &sink);
    sink.0.get()
}

fn html5ever_parse(input: &str) -> usize {
    let html = html5ever::driver::parse_document(
        HtmlTreeSink::new(Html::new_document()),
        Default::default(),
    )
    .one(StrTendril::from(input));
    html.tree.nodes().count()
}

fn our_parse(input: &str) -> usize {
    let html = html_tokenizer::parse_document(HtmlTreeSink::new(Html::new_document()), input);
    html.tree.nodes().count()
}

/// One measured way of processing a page; returns a count so that the work is not optimized out.
type Run = fn(&str) -> usize;

/// Runs `f` over every page for at least `budget`, returning MB/s.
fn measure(pages: &[String], budget: Duration, f: Run) -> f64 {
    let bytes: usize = pages.iter().map(String::len).sum();
    let start = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || start.elapsed() < budget {
        for page in pages {
            black_box(f(black_box(page)));
        }
        rounds += 1;
    }
    (bytes * rounds) as f64 / start.elapsed().as_secs_f64() / 1e6
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/dev");
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("corpus directory").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html") {
            let bytes = std::fs::read(&path).expect("readable page");
            pages.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let total: usize = pages.iter().map(String::len).sum();
    println!("{} pages, {:.1} KB", pages.len(), total as f64 / 1e3);
    let budget = Duration::from_secs(3);
    let runs: [(&str, Run); 4] = [
        ("full parse, html5ever tokenizer", html5ever_parse),
        ("full parse, our tokenizer", our_parse),
        ("tokenize only, html5ever", html5ever_tokenize),
        ("tokenize only, ours", our_tokenize),
    ];
    let filter = std::env::args().nth(1);
    if let Some(filter) = filter {
        for (name, f) in runs.iter().filter(|(name, _)| name.contains(&filter)) {
            println!("{name:34} {:8.1} MB/s", measure(&pages, budget, *f));
        }
        return;
    }
    let mut results = Vec::new();
    for (name, f) in runs {
        let rate = measure(&pages, budget, f);
        println!("{name:34} {rate:8.1} MB/s");
        results.push(rate);
    }
    println!(
        "speed-up: full parse {:.2}x, tokenize only {:.2}x",
        results[1] / results[0],
        results[3] / results[2]
    );
}
