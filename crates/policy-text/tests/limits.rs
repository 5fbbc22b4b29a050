//! Hostile pages end in a typed error, never a long conversion.

use std::time::Duration;

use policy_text::{ConvertError, convert, convert_within};
use readability::ReadabilityError;

const SNAPSHOT: &str = "https://web.archive.org/web/20200101000000id_/http%3A//example.com/privacy";

#[test]
fn a_deep_page_is_refused_as_too_deep() {
    let page = "<div>".repeat(80_000);
    let outcome = convert(page.as_bytes(), None, "example.com", SNAPSHOT);
    assert!(
        matches!(
            outcome,
            Err(ConvertError::Readability(ReadabilityError::TooDeep { .. }))
        ),
        "{outcome:?}"
    );
}

#[test]
fn a_page_over_its_time_budget_is_an_error() {
    let page = "<p>We keep your data, as the law says.</p>".repeat(2_000);
    let outcome = convert_within(
        page.as_bytes(),
        None,
        "example.com",
        SNAPSHOT,
        Duration::ZERO,
    );
    assert!(
        matches!(
            outcome,
            Err(ConvertError::Readability(ReadabilityError::OutOfTime))
        ),
        "{outcome:?}"
    );
    // The same page within the crawl's budget converts.
    assert!(convert(page.as_bytes(), None, "example.com", SNAPSHOT).is_ok());
}
