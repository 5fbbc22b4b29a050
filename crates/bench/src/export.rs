//! `crawler bench export`: export time and memory on a generated store, to show that exports
//! stream (memory does not grow with the number of versions).

use std::io::Write;
use std::time::Instant;

use store::{
    CaptureRecord, ExportFilter, FetchResult, InitialState, NewContent, NewVersion, Plan, Role,
    Store,
};

use crate::{BenchError, current_rss_kib, peak_rss_kib};

/// What [`export`] measures.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Versions in the generated store (ten per domain).
    pub versions: usize,
    /// The formats to export, in order (empty: SQLite and JSON lines).
    pub formats: Vec<ExportFormat>,
}

/// An export [`export`] measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// `Store::export_sqlite`.
    Sqlite,
    /// `export::write_jsonl`.
    Jsonl,
    /// `export::write_warc` (one response and one metadata record per version's capture).
    Warc,
}

/// Generates a store of `versions` versions (a note on `progress` when done), exports it in
/// each format asked for, and writes each export's time and peak memory to `out`.
pub fn export(
    options: &ExportOptions,
    out: &mut dyn Write,
    progress: &mut dyn Write,
) -> Result<(), BenchError> {
    if options.versions == 0 {
        return Err(BenchError::Usage("--versions must be positive".into()));
    }
    let dir = tempfile::tempdir().map_err(BenchError::io("cannot create a temporary folder"))?;
    let db = dir.path().join("bench.sqlite");
    let started = Instant::now();
    let mut store = Store::open(&db)?;
    generate(&mut store, options.versions)?;
    writeln!(
        progress,
        "generated {} versions in {:.1} s",
        options.versions,
        started.elapsed().as_secs_f64()
    )?;
    let rss_before = current_rss_kib().unwrap_or(0);
    let mut report = Vec::new();
    let formats = if options.formats.is_empty() {
        &[ExportFormat::Sqlite, ExportFormat::Jsonl][..]
    } else {
        &options.formats[..]
    };
    for &format in formats {
        reset_peak_rss();
        let started = Instant::now();
        let (name, rows, unit) = match format {
            ExportFormat::Sqlite => (
                "sqlite",
                store
                    .export_sqlite(
                        &dir.path().join("out.sqlite"),
                        &ExportFilter::default(),
                        false,
                        &[],
                    )?
                    .versions,
                "versions",
            ),
            ExportFormat::Jsonl => {
                let mut writer = bench_file(&dir.path().join("out.jsonl"))?;
                let rows = export::write_jsonl(&store, &ExportFilter::default(), &mut writer)?;
                ("jsonl", rows, "versions")
            }
            ExportFormat::Warc => {
                let mut writer = bench_file(&dir.path().join("out.warc.gz"))?;
                let info = export::WarcInfo {
                    software: "crawler bench".into(),
                    source_archive: "https://web.archive.org".into(),
                };
                let counts = export::write_warc(
                    &store,
                    &ExportFilter::default(),
                    false,
                    &info,
                    &mut writer,
                )?;
                writer
                    .flush()
                    .map_err(BenchError::io("cannot write the WARC file".to_owned()))?;
                ("warc", counts.responses, "captures")
            }
        };
        report.push(format!(
            "{name}: {rows} {unit} in {:.1} s, peak memory {:.1} MB",
            started.elapsed().as_secs_f64(),
            peak_rss_kib().unwrap_or(0) as f64 / 1024.0
        ));
    }
    writeln!(
        out,
        "bench export: {} versions; resident memory before exporting {:.1} MB",
        options.versions,
        rss_before as f64 / 1024.0
    )?;
    for line in report {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// A buffered file for an export's output.
fn bench_file(path: &std::path::Path) -> Result<std::io::BufWriter<std::fs::File>, BenchError> {
    let file = std::fs::File::create(path)
        .map_err(BenchError::io(format!("cannot create {}", path.display())))?;
    Ok(std::io::BufWriter::new(file))
}

/// Resets the kernel's peak-RSS mark (Linux 4.0+), so the next reading covers only what follows.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Versions of 1 KB of Markdown with fields, ten per domain, sharing one stored content.
fn generate(store: &mut Store, versions: usize) -> Result<(), BenchError> {
    put_bench_content(store)?;
    let mut done = 0;
    let mut domain_index = 0;
    while done < versions {
        let count = (versions - done).min(10);
        let domain = store.ensure_domain(
            &format!("bench{domain_index:07}.example.com"),
            store::DocumentType::Privacy,
        )?;
        domain_index += 1;
        fill_domain(store, &domain, count, 1000)?;
        done += count;
    }
    Ok(())
}

/// The one raw content every generated capture points at.
const BENCH_BODY: &[u8] = b"<html><body><p>policy</p></body></html>";

/// The one raw content every generated capture points at, under its real SHA-1 (the WARC
/// export checks it).
pub(crate) fn put_bench_content(store: &Store) -> Result<(), BenchError> {
    store.put_content(NewContent {
        sha1: &wayback::sha1_base32(BENCH_BODY),
        body: BENCH_BODY,
        content_type: Some("text/html"),
        charset: Some("UTF-8"),
    })?;
    Ok(())
}

/// Gives `domain` `count` versions of about `size` bytes of Markdown each, every one a small
/// edit of the one before (a changed sentence, an added paragraph), with fields. Needs
/// [`put_bench_content`] first.
pub(crate) fn fill_domain(
    store: &mut Store,
    domain: &store::Domain,
    count: usize,
    size: usize,
) -> Result<(), BenchError> {
    let fields = r#"{"title":"Privacy","word_count":180,"language":"en","emails":["privacy@example.com"],"practices":[{"practice":"cookies","sentence":"We use cookies."},{"practice":"gdpr","sentence":"GDPR applies."}],"third_parties":[{"name":"Google Analytics","sentence":"We use Google Analytics."}]}"#;
    let name = &domain.name;
    let stamp = |i: usize| format!("{:04}{:02}01000000", 2000 + i / 12, i % 12 + 1);
    let captures: Vec<CaptureRecord> = (0..count)
        .map(|i| CaptureRecord {
            role: Role::Policy,
            url: format!("http://{name}/privacy"),
            timestamp: stamp(i),
            digest: format!("D{i}"),
            status: Some(200),
            mimetype: "text/html".into(),
            length: Some(size as u64),
            state: InitialState::Done(FetchResult {
                content_sha1: wayback::sha1_base32(BENCH_BODY),
                found_url: format!("http://{name}/privacy"),
                found_timestamp: stamp(i),
                found_status: 200,
                digest_check: store::DigestCheck::Match,
                text_hash: Some(format!("T{i}")),
                note: None,
                archived_headers: Some(vec![("server".into(), "bench".into())]),
            }),
        })
        .collect();
    store.save_plan(
        domain.id,
        None,
        &Plan {
            captures,
            ..Plan::default()
        },
    )?;
    let paragraphs = size / 400 + 1;
    let sentence = "We collect the information you give us and use it to provide the service";
    let wanted: Vec<NewVersion> = store
        .observations(domain.id, false)?
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let mut markdown = String::from("# Privacy Policy\n\n");
            for p in 0..paragraphs {
                // Version i rewrites paragraph i mod n, and has i/n more closing paragraphs.
                let edit = if p == i % paragraphs {
                    format!(" (revised in version {i})")
                } else {
                    String::new()
                };
                markdown.push_str(&format!(
                    "## Section {p}\n\n{sentence}{edit}. {} \n\n",
                    format!("{sentence}. ").repeat(4)
                ));
            }
            for extra in 0..i / paragraphs {
                markdown.push_str(&format!("Addendum {extra}: {sentence}.\n\n"));
            }
            NewVersion {
                text_hash: o.text_hash.clone(),
                title: Some("Privacy Policy".into()),
                markdown,
                url: o.url.clone(),
                first_capture_id: o.capture_id,
                last_capture_id: o.capture_id,
                first_seen: o.timestamp.clone(),
                last_seen: o.timestamp.clone(),
                capture_count: 1,
                snapshot_url: format!("https://web.archive.org/web/{}id_/{}", o.timestamp, o.url),
                fields: Some(fields.to_owned()),
                converter: Some(policy_text::CONVERTER_VERSION.to_owned()),
                fields_version: Some(fields::VERSION.to_owned()),
                policy_host: Some("bench.example.com".to_owned()),
                relation: Some(store::Relation::SameSite),
                captures_checked: 1,
                captures_inferred: 0,
                parked: None,
            }
        })
        .collect();
    store.sync_versions(domain.id, &wanted)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_domain_has_its_versions_in_order() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut store = Store::open(&dir.path().join("bench.sqlite")).expect("a store");
        let domain = store
            .ensure_domain("bench.example.com", store::DocumentType::Privacy)
            .expect("a domain");
        put_bench_content(&store).expect("the content");
        fill_domain(&mut store, &domain, 5, 1000).expect("versions");
        let versions = store.versions(domain.id).expect("versions");
        assert_eq!(versions.len(), 5);
        assert!(
            versions
                .windows(2)
                .all(|w| w[0].first_seen < w[1].first_seen)
        );
        assert!(versions.iter().all(|v| v.markdown.len() >= 1000));
        assert!(versions[4].markdown.contains("(revised in version 4)"));
    }

    #[test]
    fn a_small_export_reports_both_formats() {
        let (mut out, mut progress) = (Vec::new(), Vec::new());
        export(
            &ExportOptions {
                versions: 25,
                formats: Vec::new(),
            },
            &mut out,
            &mut progress,
        )
        .expect("a measurement");
        let text = String::from_utf8(out).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("bench export: 25 versions; "),
            "{text}"
        );
        assert!(lines[1].starts_with("sqlite: 25 versions in "), "{text}");
        assert!(lines[2].starts_with("jsonl: 25 versions in "), "{text}");
        let progress = String::from_utf8(progress).expect("UTF-8");
        assert!(
            progress.starts_with("generated 25 versions in "),
            "{progress}"
        );
    }

    #[test]
    fn a_warc_export_writes_one_capture_per_version() {
        let (mut out, mut progress) = (Vec::new(), Vec::new());
        export(
            &ExportOptions {
                versions: 12,
                formats: vec![ExportFormat::Warc],
            },
            &mut out,
            &mut progress,
        )
        .expect("a measurement");
        let text = String::from_utf8(out).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[1].starts_with("warc: 12 captures in "), "{text}");
    }
}
