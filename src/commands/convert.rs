//! `crawler convert FILE.html`: one archived page to corpus-style Markdown.

use std::io::Write;

use anyhow::Context;

use crate::UsageError;
use crate::cli::ConvertArgs;

pub fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let document = convert_file(&bytes, args.domain.as_deref(), args.snapshot.as_deref())
        .with_context(|| format!("cannot convert {}", args.file.display()))?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(document.markdown.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// The content type of corpus files.
const CORPUS_CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// Converts a page, taking the domain and snapshot URL from the arguments or, when absent,
/// from the corpus comment header the file starts with.
pub fn convert_file(
    bytes: &[u8],
    domain: Option<&str>,
    snapshot: Option<&str>,
) -> anyhow::Result<policy_text::PolicyDocument> {
    let text = String::from_utf8_lossy(bytes);
    let header = policy_text::split_corpus_file(&text);
    // A corpus file is UTF-8 text (a browser's serialised DOM) whatever its <meta> says.
    let (domain, snapshot, page, content_type): (String, String, &[u8], Option<&str>) =
        match (domain, snapshot, &header) {
            (Some(domain), Some(snapshot), None) => {
                (domain.to_owned(), snapshot.to_owned(), bytes, None)
            }
            (domain, snapshot, Some((header, page))) => {
                // The header is ASCII, so the page starts at the same offset in the raw bytes
                // even when the rest of the file is not UTF-8.
                let offset = text.len() - page.len();
                (
                    domain.unwrap_or(&header.domain).to_owned(),
                    snapshot.unwrap_or(&header.snapshot_url).to_owned(),
                    bytes.get(offset..).unwrap_or_default(),
                    Some(CORPUS_CONTENT_TYPE),
                )
            }
            (_, _, None) => {
                return Err(UsageError(
                    "the file has no corpus comment header: pass --domain and --snapshot".into(),
                )
                .into());
            }
        };
    Ok(policy_text::convert(
        page,
        content_type,
        &domain,
        &snapshot,
    )?)
}
