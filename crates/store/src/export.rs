//! The published dataset's rows: one per version, its capture facts and its fields flattened
//! into columns, defined once in SQL and streamed (SQLite walks the rows; nothing is collected).

use std::path::Path;

use rusqlite::{params, types::ValueRef};
use serde::Serialize;

use crate::{DocumentType, Result, Store, StoreError};

/// Which versions to export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportFilter {
    /// Only these domains (all when empty).
    pub domains: Vec<String>,
    /// Only these document types (all when empty).
    pub document_types: Vec<DocumentType>,
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

/// The exported `versions` columns, each with its meaning, as the README's column table lists
/// them: the README's table and Datasette's column descriptions ([`datasette_metadata`]) come
/// from here (tests hold the README equal to it, and check that it names every column of the
/// SELECT once).
pub const COLUMNS: &[(&str, &str)] = &[
    ("domain", "the domain asked for"),
    (
        "document_type",
        "the type of document, as Open Terms Archive names it (`Privacy Policy`, `Terms of Service`, `Trackers Policy`, `Imprint`)",
    ),
    (
        "version",
        "1, 2, 3... in time order per domain and type (`domain`, `document_type` and `version` are unique together)",
    ),
    (
        "archive_timestamp",
        "first capture showing this text (14 digits)",
    ),
    (
        "archive_date",
        "the day of `archive_timestamp` (`YYYY-MM-DD`)",
    ),
    (
        "valid_until",
        "the next version's `archive_timestamp` (NULL: still current)",
    ),
    ("last_seen", "last capture showing this text (14 digits)"),
    ("capture_count", "captures showing this text"),
    (
        "captures_checked",
        "of those, the captures downloaded (or whose bytes were reused); NULL for versions stored before it was counted",
    ),
    (
        "captures_inferred",
        "of those, the captures the change-point search inferred (inside a span whose two ends hold this text, never downloaded); NULL for versions stored before it was counted",
    ),
    ("found_url", "where the policy was found (after redirects)"),
    ("snapshot_url", "the `id_` snapshot of the first capture"),
    ("policy_host", "the host the policy lived on"),
    (
        "relation",
        "where `policy_host` is from the domain: `same-site` (the domain or a subdomain), `alias` (a site the domain moved to: a homepage redirect), `linked-offsite` (another site the homepage linked as its policy: a parent company, a registrar's parked page, a policy generator)",
    ),
    ("status", "the first capture's archived HTTP status"),
    ("content_length", "the first capture's raw bytes"),
    ("content_type", "the first capture's archived Content-Type"),
    ("charset", "the encoding the first capture was decoded from"),
    ("title", "the page's `<title>`"),
    ("stated_date", "the policy's own date (ISO)"),
    (
        "stated_date_kind",
        "what that date is: `last_updated`, `effective` or `other`",
    ),
    ("stated_date_phrase", "the words the stated date came from"),
    ("word_count", "words in the body"),
    (
        "flesch_kincaid_grade",
        "the body's Flesch-Kincaid grade level",
    ),
    ("language", "the body's language (ISO 639-1 code)"),
    ("emails", "JSON array of the email addresses in the text"),
    ("phones", "JSON array of the phone numbers in the text"),
    ("headings", "JSON array of the text's headings"),
    (
        "practice_cookies",
        "privacy policies only (NULL for other types): 1 when the text talks about cookies (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_third_party_sharing",
        "privacy policies only (NULL for other types): 1 when the text talks about sharing with third parties (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_selling_data",
        "privacy policies only (NULL for other types): 1 when the text talks about selling personal data (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_children",
        "privacy policies only (NULL for other types): 1 when the text talks about children's data (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_gdpr",
        "privacy policies only (NULL for other types): 1 when the text talks about the GDPR (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_ccpa",
        "privacy policies only (NULL for other types): 1 when the text talks about the CCPA (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_do_not_track",
        "privacy policies only (NULL for other types): 1 when the text talks about Do Not Track (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_safe_harbor",
        "privacy policies only (NULL for other types): 1 when the text talks about Safe Harbor / Privacy Shield (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_encryption",
        "privacy policies only (NULL for other types): 1 when the text talks about encryption (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_data_retention",
        "privacy policies only (NULL for other types): 1 when the text talks about how long data is kept (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "practice_opt_out",
        "privacy policies only (NULL for other types): 1 when the text talks about opting out (a denial such as \"we do not sell\" counts: it is a statement about it)",
    ),
    (
        "governing_law",
        "terms of service only (NULL for other types): the jurisdiction the choice-of-law clause names (`State of California`, `Germany`...)",
    ),
    (
        "arbitration",
        "terms of service only (NULL for other types): 1 when disputes go to binding arbitration or class actions are waived",
    ),
    (
        "unilateral_change",
        "terms of service only (NULL for other types): 1 when the provider may change the terms on its own",
    ),
    (
        "third_parties",
        "JSON array of named third parties and trackers (Google Analytics, DoubleClick...)",
    ),
    (
        "practice_evidence",
        "JSON array of `{practice, sentence}`: the sentence behind each practice's 1",
    ),
    ("text_hash", "hash of the compared text"),
    (
        "shared_text_domains",
        "how many domains of the store hold this very text: above 1 for shared templates (a registrar's parked page, a policy generator's text), which studies may want to filter",
    ),
    (
        "parked",
        "1 when the text is a registrar's or parking service's template: it says the domain is parked, expired or for sale, or the homepage linked it off-site at a URL naming a parked or expired domain's page (`?pageid=privacy_parkedpage`, `?source=expired`); a text flagged so for one domain is parked for every domain holding it",
    ),
    (
        "content_sha1",
        "SHA-1 (base32) of the first capture's raw bytes",
    ),
    ("markdown", "the corpus-style Markdown"),
];

/// The full-text table of a SQLite export: FTS5 over the `title` and `markdown` of `versions`
/// (external content: the text is not stored twice), searched by `versions.rowid`.
pub const FTS_TABLE: &str = "versions_fts";

/// Datasette's `metadata.json` for a SQLite export opened as `database` (the file's name
/// without `.sqlite`): title, description, source, license, the `versions` column descriptions
/// (from [`COLUMNS`], without the Markdown backticks), facets on `language`, `practice_gdpr`
/// and `policy_host`, and [`FTS_TABLE`] for the search box.
pub fn datasette_metadata(database: &str, description: &str, source: &str) -> serde_json::Value {
    let columns: serde_json::Map<String, serde_json::Value> = COLUMNS
        .iter()
        .map(|(name, meaning)| ((*name).to_owned(), meaning.replace('`', "").into()))
        .collect();
    serde_json::json!({
        "title": "Privacy policy versions",
        "description": description,
        "source": source,
        "license": "Not licensed by crawler: the policy texts belong to their websites (archived by the Wayback Machine); check their terms before republishing",
        "databases": {
            database: {
                "tables": {
                    "versions": {
                        "description": "One row per distinct policy text of a domain, valid from archive_timestamp until valid_until. Full-text search covers title and markdown.",
                        "columns": columns,
                        "facets": ["language", "practice_gdpr", "policy_host"],
                        "fts_table": FTS_TABLE,
                        "fts_pk": "rowid",
                        "sort": "archive_timestamp",
                    },
                    "domains": {
                        "description": "One row per domain and document type of the export: its crawl state and how many versions it has here."
                    },
                    "dataset_info": {
                        "description": "What made this file: tool, converter and fields versions, export time, filters, counts."
                    },
                    FTS_TABLE: { "hidden": true }
                }
            }
        }
    })
}

/// The SELECT behind every export format. Parameters: ?1 domains (JSON array or NULL),
/// ?2 from (14 digits or NULL), ?3 to (14 digits or NULL), ?4 latest only, ?5 document types
/// (JSON array of stored names, or NULL).
pub(crate) fn versions_select() -> String {
    let practices: String = PRACTICES
        .iter()
        .map(|p| {
            format!(
                "CASE WHEN f.document_type = 'Privacy Policy' THEN
                     EXISTS (SELECT 1 FROM json_each(f.fields, '$.practices') p
                             WHERE json_extract(p.value, '$.practice') = '{p}') END
                     AS practice_{p},\n"
            )
        })
        .collect();
    format!(
        "WITH ranked AS (
             SELECT v.*, d.name AS domain_name, d.document_type,
                    {type_order} AS type_order,
                    lead(v.first_seen) OVER (PARTITION BY v.domain_id ORDER BY v.seq) AS valid_until,
                    max(CASE WHEN ?3 IS NULL OR v.first_seen <= ?3 THEN v.seq END)
                        OVER (PARTITION BY v.domain_id) AS latest_seq
             FROM versions v JOIN domains d ON d.id = v.domain_id
         )
         SELECT f.domain_name AS domain,
                f.document_type,
                f.seq AS version,
                f.first_seen AS archive_timestamp,
                substr(f.first_seen, 1, 4) || '-' || substr(f.first_seen, 5, 2) || '-' ||
                    substr(f.first_seen, 7, 2) AS archive_date,
                f.valid_until,
                f.last_seen,
                f.capture_count,
                f.captures_checked,
                f.captures_inferred,
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
                CASE WHEN f.document_type = 'Terms of Service' THEN
                     json_extract(f.fields, '$.governing_law.jurisdiction') END AS governing_law,
                CASE WHEN f.document_type = 'Terms of Service' THEN
                     json_extract(f.fields, '$.arbitration') IS NOT NULL END AS arbitration,
                CASE WHEN f.document_type = 'Terms of Service' THEN
                     json_extract(f.fields, '$.unilateral_change') IS NOT NULL END
                     AS unilateral_change,
                (SELECT json_group_array(json_extract(t.value, '$.name'))
                   FROM json_each(f.fields, '$.third_parties') t) AS third_parties,
                json_extract(f.fields, '$.practices') AS practice_evidence,
                f.text_hash,
                (SELECT count(DISTINCT sd.name) FROM versions s
                   JOIN domains sd ON sd.id = s.domain_id
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
           AND (?5 IS NULL OR f.document_type IN (SELECT value FROM json_each(?5)))
         ORDER BY f.domain_name, f.type_order, f.seq",
        type_order = crate::TYPE_ORDER
    )
}

impl ExportFilter {
    pub(crate) fn params(&self) -> FilterParams {
        let domains = (!self.domains.is_empty())
            .then(|| serde_json::to_string(&self.domains).unwrap_or_else(|_| "[]".into()));
        let types: Vec<&str> = self.document_types.iter().map(|t| t.name()).collect();
        let types = (!types.is_empty())
            .then(|| serde_json::to_string(&types).unwrap_or_else(|_| "[]".into()));
        // The start of a partial date is its first second (month and day 01); its end is
        // anything below the next period, so 9s do.
        let start = self.from.as_ref().map(|v| {
            let floor = "00000101000000";
            format!("{v}{}", floor.get(v.len().min(14)..).unwrap_or(""))
        });
        let end = self.to.as_ref().map(|v| format!("{v:9<14}"));
        (domains, start, end, self.latest_only, types)
    }
}

/// [`versions_select`]'s parameters, in order.
pub(crate) type FilterParams = (
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
);

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
        let (domains, from, to, latest, types) = filter.params();
        let mut rows = statement.query(params![domains, from, to, latest, types])?;
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
        let (domains, from, to, latest, types) = filter.params();
        self.conn.execute_batch("BEGIN")?;
        let result = (|| -> Result<ExportCounts> {
            self.conn.execute(
                &format!("CREATE TABLE export.versions AS {}", versions_select()),
                params![domains, from, to, latest, types],
            )?;
            // Full-text search over titles and Markdown (SQLite's bundled FTS5), read from
            // `versions` itself; `content="versions"` is the form Datasette also detects.
            self.conn.execute_batch(&format!(
                "CREATE VIRTUAL TABLE export.{FTS_TABLE} USING fts5(title, markdown,
                     content=\"versions\", content_rowid=\"rowid\");
                 INSERT INTO export.{FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild');"
            ))?;
            self.conn.execute_batch(
                "CREATE UNIQUE INDEX export.versions_key ON versions(domain, document_type, version);
                 CREATE TABLE export.domains AS
                     SELECT d.name AS domain, d.document_type, d.state, d.last_crawled_at,
                            d.last_error, count(v.version) AS versions,
                            min(v.archive_timestamp) AS first_version_at,
                            max(v.archive_timestamp) AS last_version_at
                     FROM main.domains d JOIN export.versions v
                          ON v.domain = d.name AND v.document_type = d.document_type
                     GROUP BY d.id ORDER BY d.name, d.id;
                 CREATE UNIQUE INDEX export.domains_key ON domains(domain, document_type);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's `versions` table: (column, meaning) per row.
    fn readme_rows() -> Vec<(String, String)> {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("`versions`, one row per distinct policy text of a domain:")
            .expect("the README lists the versions columns");
        readme[start..]
            .lines()
            .skip_while(|line| !line.starts_with("| column | meaning |"))
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|line| {
                let line = line.trim().trim_start_matches('|').trim_end_matches('|');
                let (name, meaning) = line.split_once(" | ").expect("two cells");
                (
                    name.trim().trim_matches('`').to_owned(),
                    meaning.trim().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn the_readme_column_table_is_the_columns_const() {
        let readme = readme_rows();
        let code: Vec<(String, String)> = COLUMNS
            .iter()
            .map(|(name, meaning)| ((*name).to_owned(), (*meaning).to_owned()))
            .collect();
        assert_eq!(readme.len(), code.len(), "{readme:#?}");
        for (readme, code) in readme.iter().zip(&code) {
            assert_eq!(readme, code, "README row against COLUMNS");
        }
    }

    #[test]
    fn the_columns_const_describes_every_exported_column_once_in_the_select_order() {
        let store = Store::open_in_memory().expect("store");
        let statement = store.conn.prepare(&versions_select()).expect("the SELECT");
        let selected: Vec<&str> = statement.column_names();
        let listed: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
        assert_eq!(selected, listed);
    }

    #[test]
    fn datasette_metadata_describes_every_column_and_names_the_search_table() {
        let metadata = datasette_metadata("policies", "Versions of policies.", "crawler 0.1.0");
        let versions = &metadata["databases"]["policies"]["tables"]["versions"];
        let columns = versions["columns"]
            .as_object()
            .expect("column descriptions");
        assert_eq!(columns.len(), COLUMNS.len());
        assert_eq!(
            columns["valid_until"],
            "the next version's archive_timestamp (NULL: still current)"
        );
        // Each column says what it alone holds, not its README neighbours' meanings too.
        assert!(
            columns["practice_gdpr"]
                .as_str()
                .is_some_and(|text| text.contains("the GDPR")),
            "{:?}",
            columns["practice_gdpr"]
        );
        assert_eq!(columns["capture_count"], "captures showing this text");
        let mut meanings: Vec<&str> = COLUMNS.iter().map(|(_, meaning)| *meaning).collect();
        meanings.sort_unstable();
        meanings.dedup();
        assert_eq!(meanings.len(), COLUMNS.len(), "two columns share a meaning");
        assert_eq!(versions["fts_table"], FTS_TABLE);
        assert_eq!(versions["fts_pk"], "rowid");
        assert_eq!(
            versions["facets"],
            serde_json::json!(["language", "practice_gdpr", "policy_host"])
        );
        for key in ["title", "description", "source", "license"] {
            assert!(
                metadata[key].as_str().is_some_and(|v| !v.is_empty()),
                "{key}"
            );
        }
        assert_eq!(metadata["source"], "crawler 0.1.0");
    }
}
