//! Turns an archived policy page into the Markdown of the Princeton-Leuven privacy-policy corpus,
//! byte for byte: the header line, `# TITLE`, and the body that Readability.js 0.3.0 and
//! html2text 2020.1.16 made for it (both reimplemented in Rust; neither runs here).
//!
//! Not for: fetching pages, choosing which page is a policy, or extracting fields.

mod markdown;
mod tokens;

pub use markdown::render_article;
