//! `crawler export`: the published dataset.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use store::{ExportFilter, Store};

use crate::UsageError;
use crate::cli::{ExportArgs, ExportFormat};
use crate::commands::crawl::{bound, existing_db};
use crate::config::Settings;

pub fn run(settings: &Settings, args: ExportArgs) -> anyhow::Result<()> {
    let mut domains = Vec::new();
    for domain in &args.domains {
        domains
            .push(crawl::normalize_domain(domain).map_err(|error| UsageError(error.to_string()))?);
    }
    let filter = ExportFilter {
        domains,
        document_types: args.document_types.clone(),
        from: bound("--from", args.from.as_deref())?,
        to: bound("--to", args.to.as_deref())?,
        latest_only: args.latest_only,
    };
    crate::config::check_date_order(filter.from.as_deref(), filter.to.as_deref())?;
    if args.with_contents && args.format != ExportFormat::Sqlite {
        return Err(UsageError("--with-contents needs --format sqlite".into()).into());
    }
    if args.datasette && args.format != ExportFormat::Sqlite {
        return Err(UsageError("--datasette needs --format sqlite".into()).into());
    }
    if args.all_captures && args.format != ExportFormat::Warc {
        return Err(UsageError("--all-captures needs --format warc".into()).into());
    }
    if args.all_captures && args.latest_only {
        return Err(UsageError(
            "--all-captures exports every capture: it cannot be combined with --latest-only".into(),
        )
        .into());
    }
    let db = existing_db(settings)?;
    let store = Store::open_read_only(&db)?;
    let out = &args.out;
    let shown = out.display().to_string();
    let summary = match args.format {
        ExportFormat::Sqlite => {
            if out.as_os_str() == "-" || out.is_dir() {
                return Err(UsageError(format!(
                    "--out {shown} must be a file path for --format sqlite"
                ))
                .into());
            }
            let info = vec![
                (
                    "tool".to_owned(),
                    format!("crawler {}", env!("CARGO_PKG_VERSION")),
                ),
                // The tooling that derived the texts and fields now (each version records its
                // own: `crawler rebuild` brings them to these).
                (
                    "converter_version".to_owned(),
                    policy_text::CONVERTER_VERSION.to_owned(),
                ),
                ("fields_version".to_owned(), fields::VERSION.to_owned()),
                ("exported_at".to_owned(), store.now()?),
                ("source".to_owned(), db.display().to_string()),
                ("description".to_owned(), DESCRIPTION.to_owned()),
            ];
            let counts = store
                .export_sqlite(out, &filter, args.with_contents, &info)
                .with_context(|| format!("cannot export to {shown}"))?;
            if args.datasette {
                write_datasette_metadata(out, &db)?;
            }
            format!(
                "{} domains, {} versions, {} contents",
                counts.domains, counts.versions, counts.contents
            )
        }
        ExportFormat::Jsonl | ExportFormat::Csv => {
            let write = |writer: &mut dyn Write| -> anyhow::Result<u64> {
                let mut writer = BufWriter::new(writer);
                let rows = if args.format == ExportFormat::Jsonl {
                    export::write_jsonl(&store, &filter, &mut writer)?
                } else {
                    export::write_csv(&store, &filter, &mut writer)?
                };
                writer
                    .flush()
                    .with_context(|| format!("cannot write {shown}"))?;
                Ok(rows)
            };
            let rows = if out.as_os_str() == "-" {
                write(&mut std::io::stdout().lock())?
            } else {
                // Written beside the destination and renamed over it when whole.
                let mut file = export::AtomicFile::create(out)?;
                let rows = write(file.writer())?;
                file.commit()?;
                rows
            };
            format!("{rows} versions")
        }
        ExportFormat::Markdown => {
            let files = export::write_markdown_tree(&store, &filter, out)?;
            format!("{files} Markdown files")
        }
        ExportFormat::Warc => {
            let folder = match out.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => std::path::Path::new("."),
            };
            if out.as_os_str() == "-" || out.is_dir() || !folder.is_dir() {
                return Err(UsageError(format!(
                    "--out {shown} must be a file path in an existing folder for --format warc (e.g. evidence.warc.gz)"
                ))
                .into());
            }
            let info = export::WarcInfo {
                software: format!("crawler {}", env!("CARGO_PKG_VERSION")),
                source_archive: settings.archive.base_url.clone(),
            };
            // Written beside the destination and renamed over it when whole.
            let mut file = export::AtomicFile::create(out)?;
            let mut writer = BufWriter::new(file.writer());
            let counts = export::write_warc(&store, &filter, args.all_captures, &info, &mut writer)
                .with_context(|| format!("cannot export to {shown}"))?;
            writer
                .flush()
                .with_context(|| format!("cannot write {shown}"))?;
            drop(writer);
            file.commit()?;
            format!(
                "{} response and {} metadata records",
                counts.responses, counts.metadata
            )
        }
    };
    eprintln!("export: {summary} written to {shown}");
    Ok(())
}

/// What a SQLite export holds, in its `dataset_info` and Datasette's metadata.
const DESCRIPTION: &str = "Versions of websites' privacy policies rebuilt from Wayback Machine captures: one row per distinct policy text per domain (versions), valid from archive_timestamp until valid_until; see the README's column list.";

/// Writes Datasette's `metadata.json` beside the export `out` (atomically), for the database
/// Datasette names after the file.
fn write_datasette_metadata(out: &Path, db: &Path) -> anyhow::Result<()> {
    let database = out
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = format!(
        "crawler {} from the store {} (captures of the Wayback Machine or the archive it was pointed at)",
        env!("CARGO_PKG_VERSION"),
        db.display()
    );
    let metadata = store::datasette_metadata(&database, DESCRIPTION, &source);
    let path = out
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("metadata.json");
    let mut file = export::AtomicFile::create(&path)?;
    serde_json::to_writer_pretty(file.writer(), &metadata)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()?;
    eprintln!(
        "export: Datasette metadata written to {} (datasette serve {} --metadata {})",
        path.display(),
        out.display(),
        path.display()
    );
    Ok(())
}
