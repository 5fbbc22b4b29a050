//! `crawler fetch URL --at TIMESTAMP`: downloads one raw capture.

use std::io::Write;

use anyhow::Context;
use policy_diff::terminal_safe;
use wayback::{PlaybackAddress, WaybackClient};

use crate::UsageError;
use crate::cli::FetchArgs;
use crate::commands::{client, runtime, wayback_error};
use crate::config::Settings;

pub fn run(settings: &Settings, args: FetchArgs) -> anyhow::Result<()> {
    let client = client(settings)?;
    let pasted = pasted_capture(&client, &args.url)?;
    let (url, at) = match (&pasted, &args.at) {
        (_, Some(at)) => (
            pasted.as_ref().map_or(&args.url, |p| &p.original),
            wayback::parse_date("--at", at).map_err(wayback_error)?,
        ),
        (Some(pasted), None) => (&pasted.original, pasted.timestamp.clone()),
        (None, None) => {
            return Err(UsageError(format!(
                "give the capture time with --at (e.g. --at 2017-06-08), or paste a playback URL such as {}",
                client.playback_url("20170608", &args.url)
            ))
            .into());
        }
    };
    if let Some(pasted) = &pasted {
        eprintln!(
            "understood {} as {} at {}{}",
            args.url.trim(),
            pasted.original,
            at,
            if args.at.is_some() { " (--at)" } else { "" }
        );
    }
    let memento = runtime()?
        .block_on(client.fetch(url, &at, None))
        .map_err(wayback_error)?;
    let distance = wayback::timestamp_seconds(&memento.timestamp)
        .zip(wayback::timestamp_seconds(&memento.requested_timestamp))
        .map(|(found, asked)| found - asked);
    let decoded = args.text.then(|| memento.text());
    let bytes: &[u8] = match &decoded {
        Some(decoded) => decoded.text.as_bytes(),
        None => &memento.body,
    };
    eprintln!(
        "capture {} of {} (asked {}{}): HTTP {}, {} bytes, {}{}",
        memento.timestamp,
        terminal_safe(
            memento.captured_url().unwrap_or(&memento.original_url),
            true
        ),
        memento.requested_timestamp,
        if memento.redirects.is_empty() {
            String::new()
        } else {
            format!(", {} redirect(s)", memento.redirects.len())
        },
        memento.status,
        memento.body.len(),
        terminal_safe(
            memento.content_type.as_deref().unwrap_or("no content type"),
            true
        ),
        decoded
            .as_ref()
            .map(|d| format!(
                ", decoded from {} ({})",
                d.encoding.name(),
                d.source.as_str()
            ))
            .unwrap_or_default()
    );
    // "23 days after 20171101000000"; `None` for the second asked for.
    let offset = match distance {
        Some(0) => None,
        Some(seconds) => Some(format!(
            "{} {} {}",
            describe_distance(seconds.unsigned_abs()),
            if seconds > 0 { "after" } else { "before" },
            memento.requested_timestamp
        )),
        None => Some(format!("asked for as {}", memento.requested_timestamp)),
    };
    if let Some(offset) = &offset {
        eprintln!("capture {} is {offset}", memento.timestamp);
    }
    if args.json {
        let object = serde_json::json!({
            "url": memento.captured_url().unwrap_or(&memento.original_url),
            "asked": memento.requested_timestamp,
            "found": memento.timestamp,
            "distance_seconds": distance,
            "status": memento.status,
            "length": memento.body.len(),
            "content_type": memento.content_type,
            "playback_url": memento.final_url,
        });
        println!("{object}");
    }
    let limit = match (args.exact, args.within) {
        (true, _) => Some(0),
        (false, within) => within,
    };
    if let Some(limit) = limit
        && distance.is_none_or(|seconds| seconds.unsigned_abs() > limit)
    {
        let captured = terminal_safe(
            memento.captured_url().unwrap_or(&memento.original_url),
            true,
        );
        let offset = offset.as_deref().unwrap_or_default();
        if args.exact {
            anyhow::bail!(
                "no capture of {captured} at exactly {}: the nearest is {}, {offset}; nothing written (drop --exact to take it)",
                memento.requested_timestamp,
                memento.timestamp
            );
        }
        anyhow::bail!(
            "the nearest capture of {captured} is {}, {offset}: farther than --within {} allows; nothing written (widen --within to take it)",
            memento.timestamp,
            describe_distance(limit)
        );
    }
    match &args.output {
        Some(path) => write_atomically(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None if args.json => {}
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

/// The capture a pasted playback URL of the configured archive names; `None` for an original
/// URL. A playback URL of another archive is a usage error that says how to fetch it.
pub fn pasted_capture(
    client: &WaybackClient,
    input: &str,
) -> anyhow::Result<Option<PlaybackAddress>> {
    if let Some(address) = client.playback_address(input) {
        return Ok(Some(address));
    }
    if let Some(foreign) = wayback::any_playback_address(input) {
        return Err(UsageError(format!(
            "{} is a playback URL of {}, not of the archive in use ({}): point --archive at that archive, or give the original URL {} (with --at {})",
            input.trim(),
            foreign.root,
            client.config().base_url,
            foreign.original,
            foreign.timestamp
        ))
        .into());
    }
    Ok(None)
}

/// `23 days 15 hours`, `5 hours 3 minutes`, `1 minute 1 second`, `30 seconds`: a distance in
/// its largest unit and the next one (when not zero).
fn describe_distance(seconds: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let counted =
        |count: u64, name: &str| format!("{count} {name}{}", if count == 1 { "" } else { "s" });
    let Some(largest) = UNITS.iter().position(|(size, _)| seconds >= *size) else {
        return "0 seconds".to_owned();
    };
    let (size, name) = UNITS[largest];
    let mut text = counted(seconds / size, name);
    if let Some(&(next_size, next_name)) = UNITS.get(largest + 1) {
        let count = seconds % size / next_size;
        if count > 0 {
            text.push(' ');
            text.push_str(&counted(count, next_name));
        }
    }
    text
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

#[cfg(test)]
mod tests {
    use super::describe_distance;

    #[test]
    fn distances_read_in_their_two_largest_units() {
        assert_eq!(describe_distance(0), "0 seconds");
        assert_eq!(describe_distance(30), "30 seconds");
        assert_eq!(describe_distance(61), "1 minute 1 second");
        assert_eq!(describe_distance(3600), "1 hour");
        assert_eq!(describe_distance(86_400 + 59), "1 day");
        assert_eq!(
            describe_distance(23 * 86_400 + 15 * 3600 + 13 * 60),
            "23 days 15 hours"
        );
        assert_eq!(describe_distance(3 * 86_400), "3 days");
    }
}
