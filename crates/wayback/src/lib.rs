//! A polite client for Wayback-compatible archives: CDX listing and raw `id_` playback.
//!
//! Not for: deciding which captures matter, converting HTML, or storing anything.
