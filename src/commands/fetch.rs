//! `crawler fetch URL --at TIMESTAMP`: downloads one raw capture.

use std::io::Write;

use anyhow::Context;

use crate::cli::FetchArgs;
use crate::commands::{client, runtime, wayback_error};
use crate::config::Settings;

pub fn run(settings: &Settings, args: FetchArgs) -> anyhow::Result<()> {
    let client = client(settings)?;
    let memento = runtime()?
        .block_on(client.fetch(&args.url, &args.at, None))
        .map_err(wayback_error)?;
    let decoded = args.text.then(|| memento.text());
    let bytes: &[u8] = match &decoded {
        Some(decoded) => decoded.text.as_bytes(),
        None => &memento.body,
    };
    eprintln!(
        "capture {} of {} (asked {}{}): HTTP {}, {} bytes, {}{}",
        memento.timestamp,
        memento.captured_url().unwrap_or(&memento.original_url),
        memento.requested_timestamp,
        if memento.redirects.is_empty() {
            String::new()
        } else {
            format!(", {} redirect(s)", memento.redirects.len())
        },
        memento.status,
        memento.body.len(),
        memento.content_type.as_deref().unwrap_or("no content type"),
        decoded
            .as_ref()
            .map(|d| format!(
                ", decoded from {} ({})",
                d.encoding.name(),
                d.source.as_str()
            ))
            .unwrap_or_default()
    );
    match &args.output {
        Some(path) => write_atomically(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(error.into());
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Writes through a temporary file in the same folder, so an interrupted run never leaves a
/// half-written file under the final name.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "capture".into());
    let temporary = path.with_file_name(format!(".{file_name}.partial"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}
