//! A Wayback-compatible archive served on loopback from fixture captures, for tests and offline use.
//!
//! Not for: production archiving; it holds fixtures in memory and binds 127.0.0.1 only.
