//! Writes the store's policy versions as datasets people publish: JSON lines, CSV, the
//! corpus's Markdown layout (`f/fo/foc/focuscamera.com__TIMESTAMP.md`), and the captures
//! behind them as a WARC file (`warc.rs`). The SQLite dataset is
//! written by the store itself (`Store::export_sqlite`), from the same rows.
//!
//! Not for: choosing rows (the store's `ExportFilter` does) or computing fields. Every writer
//! streams: one row in memory at a time. A dataset replaces the previous one only when it is
//! whole ([`AtomicFile`], and a temporary folder for the Markdown tree): a failed or killed
//! export never leaves half a file at the path readers use.

#![forbid(unsafe_code)]

mod warc;

pub use warc::{RECONSTRUCTED_BEFORE_KEPT, RECONSTRUCTED_REUSED, WarcCounts, WarcInfo, write_warc};

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use store::{DocumentType, ExportFilter, ExportRow, Store, StoreError};

/// What can go wrong writing a dataset.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file or folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// CSV encoding failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The output folder holds something that is not an export of ours.
    #[error(
        "{path} exists and is not a Markdown export of crawler (no {MARKER} in it); give a new or empty folder"
    )]
    NotAnExport {
        /// The folder.
        path: String,
    },
    /// The filters select nothing to write.
    #[error("nothing to export: {detail}")]
    NothingSelected {
        /// What is missing.
        detail: String,
    },
}

/// The file that marks a folder as a Markdown export, so a later export may replace it.
pub const MARKER: &str = ".crawler-export";

/// A file written under a temporary name beside its destination and renamed over it by
/// [`AtomicFile::commit`]; dropped uncommitted, the temporary file is removed and the
/// destination is untouched.
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    out: PathBuf,
}

impl AtomicFile {
    /// Starts a file that will replace `out`.
    pub fn create(out: &Path) -> Result<AtomicFile, ExportError> {
        let temp = tempfile::Builder::new()
            .prefix(&temp_prefix(out))
            .tempfile_in(parent_of(out))
            .map_err(write_failed(out))?;
        Ok(AtomicFile {
            temp,
            out: out.to_owned(),
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    /// Flushes the file to disk and renames it over the destination.
    pub fn commit(self) -> Result<(), ExportError> {
        self.temp
            .as_file()
            .sync_all()
            .map_err(write_failed(&self.out))?;
        self.temp
            .persist(&self.out)
            .map_err(|error| write_failed(&self.out)(error.error))?;
        Ok(())
    }
}

/// `.NAME.partial-`: hidden, and named after what it will become.
fn temp_prefix(out: &Path) -> String {
    let name = out
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.partial-")
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn write_failed(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Write {
        path: path.display().to_string(),
        source,
    }
}

fn write_error(path: &str) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        context: format!("cannot write {path}"),
        source,
    }
}

/// One JSON object per version per line. Returns the number of rows.
pub fn write_jsonl(
    store: &Store,
    filter: &ExportFilter,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    Ok(store.export_rows(filter, |row| {
        let object: serde_json::Map<String, serde_json::Value> =
            row.columns.iter().cloned().zip(row.values).collect();
        let line = serde_json::Value::Object(object).to_string();
        writeln!(out, "{line}").map_err(write_error("the JSON lines"))
    })?)
}

/// CSV with a header row (RFC 4180 quoting; JSON arrays stay JSON text in their cell).
pub fn write_csv(
    store: &Store,
    filter: &ExportFilter,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header_written = false;
    let mut csv_error = None;
    let count = store.export_rows(filter, |row| {
        if !header_written {
            header_written = true;
            if let Err(error) = writer.write_record(row.columns) {
                csv_error = Some(error);
            }
        }
        let cells = row.values.iter().map(|value| match value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        });
        if let Err(error) = writer.write_record(cells) {
            csv_error.get_or_insert(error);
        }
        Ok(())
    })?;
    if let Some(error) = csv_error {
        return Err(error.into());
    }
    writer.flush().map_err(|source| ExportError::Write {
        path: "the CSV".into(),
        source,
    })?;
    Ok(count)
}

/// Writes one Markdown file per version under `dir`, in the corpus layout, named so a domain's
/// files sort by time: `f/fo/foc/focuscamera.com__20170608160109.md`. Returns the files written.
///
/// The tree is written in a temporary folder beside `dir` and moved into place when whole;
/// it replaces `dir` only when that is missing, empty or a previous export (it holds
/// [`MARKER`]), never a folder of anything else.
pub fn write_markdown_tree(
    store: &Store,
    filter: &ExportFilter,
    dir: &Path,
) -> Result<u64, ExportError> {
    let replaces = match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !dir.join(MARKER).is_file() {
                return Err(ExportError::NotAnExport {
                    path: dir.display().to_string(),
                });
            }
            true
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => false,
        Err(error) => return Err(write_failed(dir)(error)),
    };
    let parent = parent_of(dir);
    std::fs::create_dir_all(parent).map_err(write_failed(parent))?;
    let temp = tempfile::Builder::new()
        .prefix(&temp_prefix(dir))
        .tempdir_in(parent)
        .map_err(write_failed(dir))?;
    let files = write_tree(store, filter, temp.path())?;
    std::fs::write(
        temp.path().join(MARKER),
        "Written by crawler export --format markdown; a later export replaces this folder.\n",
    )
    .map_err(write_failed(temp.path()))?;
    if replaces {
        // Move the old tree aside, the new one in, then drop the old one.
        let old = tempfile::Builder::new()
            .prefix(&temp_prefix(dir))
            .tempdir_in(parent)
            .map_err(write_failed(dir))?;
        let aside = old.path().join("previous");
        std::fs::rename(dir, &aside).map_err(write_failed(dir))?;
        if let Err(error) = std::fs::rename(temp.path(), dir) {
            let _restored = std::fs::rename(&aside, dir);
            return Err(write_failed(dir)(error));
        }
        drop(old);
    } else {
        std::fs::rename(temp.path(), dir).map_err(write_failed(dir))?;
    }
    Ok(files)
}

fn write_tree(store: &Store, filter: &ExportFilter, dir: &Path) -> Result<u64, ExportError> {
    Ok(store.export_rows(filter, |row: ExportRow<'_>| {
        let text = |column: &str| {
            row.get(column)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned()
        };
        let kind = DocumentType::from_any_name(&text("document_type")).unwrap_or_default();
        let relative = corpus_path(&text("domain"), kind, &text("archive_timestamp"));
        let path = dir.join(&relative);
        let shown = path.display().to_string();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_error(&shown))?;
        }
        std::fs::write(&path, text("markdown")).map_err(write_error(&shown))
    })?)
}

/// The corpus-layout path of a version, safe whatever the domain string holds: only
/// `[a-z0-9.-]` survive (others become `_`), no component is `.` or `..`, the name is at most
/// 200 bytes, and the result is always relative and inside the output folder. A privacy
/// policy's file is named as the corpus names it (`a.com__20100101000000.md`); another type's
/// adds its short name (`a.com__terms__20100101000000.md`).
pub fn corpus_path(domain: &str, kind: DocumentType, timestamp: &str) -> PathBuf {
    let mut name: String = domain
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while name.contains("..") {
        name = name.replace("..", "_.");
    }
    let name = name.trim_start_matches('.').to_owned();
    let mut name = if name.is_empty() {
        "_".to_owned()
    } else {
        name
    };
    if name.len() > 200 {
        let hash = domain.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        name.truncate(183);
        name.push_str(&format!("~{hash:016x}"));
    }
    let stamp: String = timestamp
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let prefix = |n: usize| -> String {
        let part: String = name.chars().take(n).collect();
        part.replace('.', "_")
    };
    let path: PathBuf = [
        prefix(1),
        prefix(2),
        prefix(3),
        match kind {
            DocumentType::Privacy => format!("{name}__{stamp}.md"),
            other => format!("{name}__{}__{stamp}.md", other.slug()),
        },
    ]
    .iter()
    .collect();
    debug_assert!(path.components().all(|c| matches!(c, Component::Normal(_))));
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stays_inside(path: &Path) -> bool {
        path.components().all(|c| matches!(c, Component::Normal(_)))
    }

    #[test]
    fn corpus_paths_follow_the_corpus_layout() {
        assert_eq!(
            corpus_path("focuscamera.com", DocumentType::Privacy, "20170608160109"),
            PathBuf::from("f/fo/foc/focuscamera.com__20170608160109.md")
        );
        assert_eq!(
            corpus_path("a.io", DocumentType::Privacy, "20100101000000"),
            PathBuf::from("a/a_/a_i/a.io__20100101000000.md")
        );
        assert_eq!(
            corpus_path("a.de", DocumentType::Imprint, "20100101000000"),
            PathBuf::from("a/a_/a_d/a.de__imprint__20100101000000.md")
        );
    }

    #[test]
    fn malicious_domains_cannot_leave_the_output_folder() {
        let long = "x".repeat(5000);
        for domain in [
            "../../etc/passwd",
            "..",
            ".",
            "/etc/passwd",
            "a/../../b",
            "nul\0byte.com",
            "C:\\windows\\system32",
            "",
            long.as_str(),
            "....//....//x",
        ] {
            let path = corpus_path(domain, DocumentType::Privacy, "20100101000000");
            assert!(stays_inside(&path), "{domain:?} gave {path:?}");
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            assert!(
                name.len() <= 220,
                "{domain:?} gave a {}-byte name",
                name.len()
            );
            assert!(!path.to_string_lossy().contains('\0'));
        }
        assert_ne!(
            corpus_path(&format!("{long}a"), DocumentType::Privacy, "1"),
            corpus_path(&format!("{long}b"), DocumentType::Privacy, "1"),
            "long names stay distinct"
        );
    }
}
