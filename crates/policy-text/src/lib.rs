//! Turns an archived policy page into the reference corpus's Markdown.
//!
//! Not for: fetching pages or extracting fields.
