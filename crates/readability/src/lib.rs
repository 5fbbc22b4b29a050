//! Main-content extraction that makes the choices of Mozilla Readability.js 0.3.0.
//!
//! Not for: Markdown rendering or charset decoding.
