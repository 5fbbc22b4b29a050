//! Decodes archived HTML bytes to UTF-8 the way a browser would.
//!
//! Not for: fetching, parsing HTML beyond the charset prescan, or any network work.
