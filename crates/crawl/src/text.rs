//! A capture's text: the one conversion of its bytes, as the store keeps it
//! (`store::CaptureText`), with the verdict of [`crate::not_policy`] on it. HTML goes through
//! `policy_text::convert`, PDF through `pdf_text::extract`.

use policy_text::document::{self, BodyTemplate};
use store::{CaptureText, TextRecord};

/// Why a capture has no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConvertFailure {
    pub message: String,
    /// The converter ran out of its time budget (worth another try on a later run).
    pub out_of_time: bool,
}

impl ConvertFailure {
    pub(crate) fn other(message: String) -> ConvertFailure {
        ConvertFailure {
            message,
            out_of_time: false,
        }
    }
}

impl std::fmt::Display for ConvertFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Converts a capture's bytes (`timestamp` and `url`: the capture actually served, which the
/// snapshot link names and relative links resolve against). Blocking: call it off the async
/// threads. Gives the text with the encoding the bytes were decoded from.
pub(crate) fn convert_capture(
    domain: &str,
    body: &[u8],
    content_type: Option<&str>,
    snapshot_base: &str,
    timestamp: &str,
    url: &str,
) -> Result<(CaptureText, &'static str), ConvertFailure> {
    let snapshot = policy_text::snapshot_url(snapshot_base, timestamp, url);
    let converted = if pdf_text::is_pdf(body, content_type) {
        convert_pdf(domain, body, &snapshot)?
    } else {
        policy_text::convert(body, content_type, domain, &snapshot).map_err(|error| {
            ConvertFailure {
                out_of_time: error.is_out_of_time(),
                message: format!("cannot convert: {error}"),
            }
        })?
    };
    let body = converted.body();
    let text_hash = document::text_hash(body)
        .ok_or_else(|| ConvertFailure::other("no readable text".to_owned()))?;
    let template = BodyTemplate::of(body, timestamp);
    let text = CaptureText {
        text_hash,
        text: TextRecord {
            key: template.key(),
            templated: template.is_templated(),
            body: template.text().to_owned(),
            converter: policy_text::CONVERTER_VERSION.to_owned(),
            not_policy: crate::not_policy::classify(converted.title.as_deref(), body),
            title: converted.title,
        },
    };
    Ok((text, converted.encoding))
}

/// A PDF capture's document: its text layer ([`pdf_text::extract`]) with the same header and
/// title line as an HTML page's. A scanned PDF (no text layer) is a failure, not a version.
fn convert_pdf(
    domain: &str,
    body: &[u8],
    snapshot: &str,
) -> Result<policy_text::PolicyDocument, ConvertFailure> {
    let text = pdf_text::extract(body).map_err(|error| {
        tracing::debug!(%error, snapshot, "PDF capture has no text");
        ConvertFailure {
            out_of_time: error.is_out_of_time(),
            message: format!("cannot convert PDF: {error}"),
        }
    })?;
    policy_text::assemble(
        domain,
        snapshot,
        text.title.as_deref(),
        &text.markdown,
        "pdf",
    )
    .map_err(|error| ConvertFailure::other(format!("cannot convert PDF: {error}")))
}
