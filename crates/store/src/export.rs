//! The published dataset's rows: one per version, its capture facts and its fields flattened
//! into columns, defined once in SQL and streamed (SQLite walks the rows; nothing is collected).

use std::path::Path;

use rusqlite::{params, types::ValueRef};
use serde::Serialize;

use crate::{Result, Store, StoreError};

/// Which versions to export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportFilter {
    /// Only these domains (all when empty).
    pub domains: Vec<String>,
    /// Only versions in force on or after this time (4 to 14 digits).
    pub from: Option<String>,
    /// Only versions first seen on or before this time (4 to 14 digits).
    pub to: Option<String>,
    /// Only the latest version of each domain (within `to`, when given).
    pub latest_only: bool,
}

/// Row counts of an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExportCounts {
    /// Domains written.
    pub domains: u64,
    /// Versions written.
    pub versions: u64,
    /// Contents written.
    pub contents: u64,
}

/// One exported row: column names (shared by all rows) and values.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow<'a> {
    /// Column names, in order.
    pub columns: &'a [String],
    /// Values, as JSON values (text, integer, real, null; BLOBs are not in version rows).
    pub values: Vec<serde_json::Value>,
}

impl ExportRow<'_> {
    /// A value by column name.
    pub fn get(&self, column: &str) -> Option<&serde_json::Value> {
        let at = self.columns.iter().position(|c| c == column)?;
        self.values.get(at)
    }
}

/// The practices flattened into 0/1 columns, as `fields` names them (`fields::Practice::name`,
/// in its order: a test holds them equal).
pub(crate) const PRACTICES: [&str; 11] = [
    "cookies",
    "third_party_sharing",
    "selling_data",
    "children",
    "gdpr",
    "ccpa",
    "do_not_track",
    "safe_harbor",
    "encryption",
    "data_retention",
    "opt_out",
];

/// The SELECT behind every export format. Parameters: ?1 domains (JSON array or NULL),
/// ?2 from (14 digits or NULL), ?3 to (14 digits or NULL), ?4 latest only.
fn versions_select() -> String {
    let practices: String = PRACTICES
        .iter()
        .map(|p| {
            format!(
                "EXISTS (SELECT 1 FROM json_each(f.fields, '$.practices') p
                         WHERE json_extract(p.value, '$.practice') = '{p}') AS practice_{p},\n"
            )
        })
        .collect();
    format!(
        "WITH ranked AS (
             SELECT v.*, d.name AS domain_name,
                    lead(v.first_seen) OVER (PARTITION BY v.domain_id ORDER BY v.seq) AS valid_until,
                    max(CASE WHEN ?3 IS NULL OR v.first_seen <= ?3 THEN v.seq END)
                        OVER (PARTITION BY v.domain_id) AS latest_seq
             FROM versions v JOIN domains d ON d.id = v.domain_id
         )
         SELECT f.domain_name AS domain,
                f.seq AS version,
                f.first_seen AS archive_timestamp,
                substr(f.first_seen, 1, 4) || '-' || substr(f.first_seen, 5, 2) || '-' ||
                    substr(f.first_seen, 7, 2) AS archive_date,
                f.valid_until,
                f.last_seen,
                f.capture_count,
                f.url AS found_url,
                f.snapshot_url,
                f.policy_host,
                f.relation,
                c.found_status AS status,
                ct.raw_length AS content_length,
                ct.content_type,
                ct.charset,
                f.title,
                json_extract(f.fields, '$.stated_date.date') AS stated_date,
                json_extract(f.fields, '$.stated_date.kind') AS stated_date_kind,
                json_extract(f.fields, '$.stated_date.phrase') AS stated_date_phrase,
                json_extract(f.fields, '$.word_count') AS word_count,
                json_extract(f.fields, '$.flesch_kincaid_grade') AS flesch_kincaid_grade,
                json_extract(f.fields, '$.language') AS language,
                json_extract(f.fields, '$.emails') AS emails,
                json_extract(f.fields, '$.phones') AS phones,
                json_extract(f.fields, '$.headings') AS headings,
                {practices}
                (SELECT json_group_array(json_extract(t.value, '$.name'))
                   FROM json_each(f.fields, '$.third_parties') t) AS third_parties,
                json_extract(f.fields, '$.practices') AS practice_evidence,
                f.text_hash,
                (SELECT count(DISTINCT s.domain_id) FROM versions s
                  WHERE s.text_hash = f.text_hash) AS shared_text_domains,
                EXISTS (SELECT 1 FROM versions p
                         WHERE p.text_hash = f.text_hash AND p.parked IS NOT NULL) AS parked,
                c.content_sha1,
                f.markdown
         FROM ranked f
         JOIN captures c ON c.id = f.first_capture_id
         LEFT JOIN contents ct ON ct.sha1 = c.content_sha1
         WHERE (?1 IS NULL OR f.domain_name IN (SELECT value FROM json_each(?1)))
           AND (?3 IS NULL OR f.first_seen <= ?3)
           AND (?2 IS NULL OR f.valid_until IS NULL OR f.valid_until > ?2)
           AND (NOT ?4 OR f.seq = f.latest_seq)
         ORDER BY f.domain_name, f.seq"
    )
}

impl ExportFilter {
    fn params(&self) -> (Option<String>, Option<String>, Option<String>, bool) {
        let domains = (!self.domains.is_empty())
            .then(|| serde_json::to_string(&self.domains).unwrap_or_else(|_| "[]".into()));
        // The start of a partial date is its first second (month and day 01); its end is
        // anything below the next period, so 9s do.
        let start = self.from.as_ref().map(|v| {
            let floor = "00000101000000";
            format!("{v}{}", floor.get(v.len().min(14)..).unwrap_or(""))
        });
        let end = self.to.as_ref().map(|v| format!("{v:9<14}"));
        (domains, start, end, self.latest_only)
    }
}

fn json_value(value: ValueRef<'_>) -> serde_json::Value {
    match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(r) => serde_json::Number::from_f64(r)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(b) => b.len().into(),
    }
}

impl Store {
    /// Streams the exported version rows to `each`, in domain and version order.
    pub fn export_rows(
        &self,
        filter: &ExportFilter,
        mut each: impl FnMut(ExportRow<'_>) -> Result<()>,
    ) -> Result<u64> {
        let mut statement = self.conn.prepare(&versions_select())?;
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let (domains, from, to, latest) = filter.params();
        let mut rows = statement.query(params![domains, from, to, latest])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let values = (0..columns.len())
                .map(|i| row.get_ref(i).map(json_value))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            each(ExportRow {
                columns: &columns,
                values,
            })?;
            count += 1;
        }
        Ok(count)
    }

    /// Writes a self-describing SQLite dataset to `out` (replaced atomically): `domains`,
    /// `versions` (one row per version with its fields), optionally `contents` (the raw bytes
    /// of each version's first capture), and `dataset_info` (`info` plus the counts).
    pub fn export_sqlite(
        &self,
        out: &Path,
        filter: &ExportFilter,
        with_contents: bool,
        info: &[(String, String)],
    ) -> Result<ExportCounts> {
        let io = |context: String| move |source| StoreError::Io { context, source };
        let mut partial = out.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        if partial.exists() {
            std::fs::remove_file(&partial)
                .map_err(io(format!("cannot remove {}", partial.display())))?;
        }
        let partial_text = partial.to_string_lossy().into_owned();
        let result = self
            .conn
            .execute("ATTACH DATABASE ?1 AS export", [&partial_text])
            .map_err(StoreError::from)
            .and_then(|_| {
                let result = self.fill_export(filter, with_contents, info);
                let detached = self.conn.execute("DETACH DATABASE export", []);
                let counts = result?;
                detached?;
                Ok(counts)
            })
            .and_then(|counts| {
                std::fs::rename(&partial, out).map_err(io(format!(
                    "cannot move {} to {}",
                    partial.display(),
                    out.display()
                )))?;
                Ok(counts)
            });
        if result.is_err() {
            // A failed export leaves nothing behind: neither the partial file nor its journal.
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let mut leftover = partial.as_os_str().to_owned();
                leftover.push(suffix);
                let _gone = std::fs::remove_file(std::path::PathBuf::from(leftover));
            }
        }
        result
    }

    fn fill_export(
        &self,
        filter: &ExportFilter,
        with_contents: bool,
        info: &[(String, String)],
    ) -> Result<ExportCounts> {
        let (domains, from, to, latest) = filter.params();
        self.conn.execute_batch("BEGIN")?;
        let result = (|| -> Result<ExportCounts> {
            self.conn.execute(
                &format!("CREATE TABLE export.versions AS {}", versions_select()),
                params![domains, from, to, latest],
            )?;
            self.conn.execute_batch(
                "CREATE UNIQUE INDEX export.versions_key ON versions(domain, version);
                 CREATE TABLE export.domains AS
                     SELECT d.name AS domain, d.state, d.last_crawled_at, d.last_error,
                            count(v.version) AS versions,
                            min(v.archive_timestamp) AS first_version_at,
                            max(v.archive_timestamp) AS last_version_at
                     FROM main.domains d JOIN export.versions v ON v.domain = d.name
                     GROUP BY d.name ORDER BY d.name;
                 CREATE UNIQUE INDEX export.domains_key ON domains(domain);
                 CREATE TABLE export.dataset_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
            )?;
            let mut counts = ExportCounts {
                versions: self
                    .conn
                    .query_row("SELECT count(*) FROM export.versions", [], |r| {
                        r.get::<_, i64>(0)
                    })? as u64,
                domains: self
                    .conn
                    .query_row("SELECT count(*) FROM export.domains", [], |r| {
                        r.get::<_, i64>(0)
                    })? as u64,
                contents: 0,
            };
            if with_contents {
                counts.contents = self.export_contents()?;
            }
            let mut insert = self
                .conn
                .prepare("INSERT INTO export.dataset_info (key, value) VALUES (?1, ?2)")?;
            for (key, value) in info {
                insert.execute(params![key, value])?;
            }
            insert.execute(params!["domains", counts.domains.to_string()])?;
            insert.execute(params!["versions", counts.versions.to_string()])?;
            insert.execute(params!["contents", counts.contents.to_string()])?;
            insert.execute(params![
                "filters",
                serde_json::to_string(filter).unwrap_or_default()
            ])?;
            Ok(counts)
        })();
        match result {
            Ok(counts) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(counts)
            }
            Err(error) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }

    /// Copies the raw bytes of the exported versions' contents, decompressed, one at a time.
    fn export_contents(&self) -> Result<u64> {
        self.conn.execute_batch(
            "CREATE TABLE export.contents (sha1 TEXT PRIMARY KEY, content_type TEXT, charset TEXT,
                 raw_length INTEGER NOT NULL, body BLOB NOT NULL)",
        )?;
        let mut select = self.conn.prepare(
            "SELECT sha1, content_type, charset, raw_length, body FROM main.contents
             WHERE sha1 IN (SELECT content_sha1 FROM export.versions) ORDER BY sha1",
        )?;
        let mut insert = self.conn.prepare(
            "INSERT INTO export.contents (sha1, content_type, charset, raw_length, body)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut rows = select.query([])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let sha1: String = row.get(0)?;
            let compressed: Vec<u8> = row.get(4)?;
            let body = crate::inflate(&sha1, &compressed)?;
            insert.execute(params![
                sha1,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, i64>(3)?,
                body
            ])?;
            count += 1;
        }
        Ok(count)
    }
}
