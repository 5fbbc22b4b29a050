//! Converted texts kept at fetch time, and what `crawler rebuild` writes: one capture's text
//! per row of `texts` (shared by every capture of the same text), the tooling that made each
//! version, and the rebuild runs.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::{FetchResult, NewVersion, Rebuilt, Result, Store};

/// A capture's converted text, as the store keeps it: the body template
/// (`policy_text::document::BodyTemplate`, stored once under its key) and the page title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRecord {
    /// The template's key.
    pub key: String,
    /// The template.
    pub body: String,
    /// Whether the template holds the capture-timestamp placeholder.
    pub templated: bool,
    /// The converted page's title.
    pub title: Option<String>,
    /// The converter that made it (`policy_text::CONVERTER_VERSION`).
    pub converter: String,
    /// Why the page is not a policy at all (`None`: it may be one), judged from this text.
    pub not_policy: Option<crate::NotPolicy>,
}

/// A capture's text: the hash that decides versions, and the text kept for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureText {
    /// The text hash (`policy_text::document::text_hash` of the body).
    pub text_hash: String,
    /// The text.
    pub text: TextRecord,
}

/// A stored body template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredText {
    /// The template.
    pub body: String,
    /// Whether it holds the capture-timestamp placeholder.
    pub templated: bool,
}

/// A fetched 2xx policy capture whose bytes the store holds: what a rebuild converts again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertedCapture {
    /// Capture row id.
    pub capture_id: i64,
    /// Where it was found.
    pub found_url: String,
    /// Its capture time (the snapshot's).
    pub found_timestamp: String,
    /// Its content.
    pub content_sha1: String,
    /// The text hash stored (`None`: no text).
    pub text_hash: Option<String>,
    /// The text key stored (`None`: none kept, or no text).
    pub text_key: Option<String>,
    /// The title stored.
    pub title: Option<String>,
    /// The note stored (why it has no text).
    pub note: Option<String>,
    /// How its bytes compared with the CDX digest.
    pub digest_check: Option<crate::DigestCheck>,
    /// The converter stored.
    pub converter: Option<String>,
    /// Why it is not a policy, as stored.
    pub not_policy: Option<crate::NotPolicy>,
}

/// A capture's text as a rebuild derived it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextUpdate {
    /// Capture row id.
    pub capture_id: i64,
    /// The new text hash (`None`: no text).
    pub text_hash: Option<String>,
    /// The new text (`None`: no text).
    pub text: Option<TextRecord>,
    /// Why it has no text, if so.
    pub note: Option<String>,
}

impl Store {
    /// Records a fetched capture converted to `text`.
    pub fn capture_converted(
        &self,
        capture_id: i64,
        result: &FetchResult,
        text: &TextRecord,
    ) -> Result<()> {
        // One transaction: a crawl killed between the two would leave a capture done with a
        // text hash and no kept text, which no later run would give it.
        let tx = self.conn.unchecked_transaction()?;
        self.capture_fetched(capture_id, result)?;
        self.keep_capture_text(capture_id, text)?;
        tx.commit()?;
        Ok(())
    }

    /// A text some capture of the same content at the same URL was given by `converter`: the
    /// same bytes at the same URL convert to the same text at any time.
    pub fn text_for_content(
        &self,
        content_sha1: &str,
        found_url: &str,
        converter: &str,
    ) -> Result<Option<CaptureText>> {
        Ok(self
            .conn
            .query_row(
                "SELECT c.text_hash, c.text_key, c.title, t.body, t.templated, c.not_policy
                 FROM captures c JOIN texts t ON t.key = c.text_key
                 WHERE c.content_sha1 = ?1 AND c.found_url = ?2 AND c.converter = ?3
                   AND c.text_hash IS NOT NULL
                 LIMIT 1",
                params![content_sha1, found_url, converter],
                |row| {
                    Ok(CaptureText {
                        text_hash: row.get(0)?,
                        text: TextRecord {
                            key: row.get(1)?,
                            title: row.get(2)?,
                            body: row.get(3)?,
                            templated: row.get(4)?,
                            converter: converter.to_owned(),
                            not_policy: row.get(5)?,
                        },
                    })
                },
            )
            .optional()?)
    }

    /// A stored body template.
    pub fn text(&self, key: &str) -> Result<Option<StoredText>> {
        Ok(self
            .conn
            .query_row(
                "SELECT body, templated FROM texts WHERE key = ?1",
                [key],
                |row| {
                    Ok(StoredText {
                        body: row.get(0)?,
                        templated: row.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Gives a capture that has a text hash but no kept text (stored before texts were kept)
    /// its text.
    pub fn keep_capture_text(&self, capture_id: i64, text: &TextRecord) -> Result<()> {
        put_text(&self.conn, text)?;
        self.conn.execute(
            "UPDATE captures SET text_key = ?2, title = ?3, converter = ?4, not_policy = ?5
             WHERE id = ?1",
            params![
                capture_id,
                text.key,
                text.title,
                text.converter,
                text.not_policy
            ],
        )?;
        Ok(())
    }

    /// A domain's fetched 2xx policy captures whose bytes are stored, in time order.
    pub fn converted_captures(&self, domain_id: i64) -> Result<Vec<ConvertedCapture>> {
        let mut statement = self.conn.prepare(
            "SELECT id, found_url, found_timestamp, content_sha1, text_hash, text_key, title, note,
                    digest_check, converter, not_policy
             FROM captures
             WHERE domain_id = ?1 AND role = 'policy' AND fetch_state = 'done'
               AND content_sha1 IS NOT NULL AND found_status BETWEEN 200 AND 299
             ORDER BY found_timestamp, timestamp, url",
        )?;
        let rows = statement.query_map([domain_id], |row| {
            Ok(ConvertedCapture {
                capture_id: row.get(0)?,
                found_url: row.get(1)?,
                found_timestamp: row.get(2)?,
                content_sha1: row.get(3)?,
                text_hash: row.get(4)?,
                text_key: row.get(5)?,
                title: row.get(6)?,
                note: row.get(7)?,
                digest_check: row.get(8)?,
                converter: row.get(9)?,
                not_policy: row.get(10)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Starts a rebuild run (the caller holds the [`crate::WriterLock`]; runs left `running`
    /// by a rebuild that was killed are marked `interrupted` first).
    pub fn start_rebuild(&self, converter: &str, fields_version: &str) -> Result<i64> {
        self.conn.execute(
            "UPDATE rebuilds SET status = 'interrupted' WHERE status = 'running'",
            [],
        )?;
        self.conn.execute(
            "INSERT INTO rebuilds (started_at, status, converter, fields_version)
             VALUES (?1, 'running', ?2, ?3)",
            params![self.now()?, converter, fields_version],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Ends a rebuild run with its report.
    pub fn finish_rebuild(&self, rebuild_id: i64, report: &serde_json::Value) -> Result<()> {
        self.conn.execute(
            "UPDATE rebuilds SET status = 'completed', finished_at = ?2, report = ?3 WHERE id = ?1",
            params![rebuild_id, self.now()?, report.to_string()],
        )?;
        Ok(())
    }

    /// Writes one domain's rebuild in one transaction: the captures' new texts, the versions
    /// (as [`Store::sync_versions`] does, marking what the rebuild changed), and drops texts no
    /// capture uses any more. Returns how many versions are new by text hash and first capture.
    pub fn apply_rebuild(
        &mut self,
        domain_id: i64,
        updates: &[TextUpdate],
        versions: &[NewVersion],
        rebuild_id: i64,
    ) -> Result<u64> {
        let tx = self.conn.transaction()?;
        for update in updates {
            if let Some(text) = &update.text {
                put_text(&tx, text)?;
            }
            let text = update.text.as_ref();
            tx.execute(
                "UPDATE captures SET text_hash = ?2, text_key = ?3, title = ?4, converter = ?5,
                     note = ?6, not_policy = ?7
                 WHERE id = ?1",
                params![
                    update.capture_id,
                    update.text_hash,
                    text.map(|t| &t.key),
                    text.and_then(|t| t.title.as_ref()),
                    text.map(|t| &t.converter),
                    update.note,
                    text.and_then(|t| t.not_policy),
                ],
            )?;
        }
        let added = crate::sync_versions_in(&tx, domain_id, versions, Some(rebuild_id))?;
        tx.execute(
            "DELETE FROM texts WHERE key NOT IN
                 (SELECT text_key FROM captures WHERE text_key IS NOT NULL)",
            [],
        )?;
        tx.commit()?;
        Ok(added)
    }
}

/// How a version row changed in a sync: what the `rebuilt` and `rebuild_id` columns become.
pub(crate) fn rebuilt_marks(
    tx: &Transaction<'_>,
    domain_id: i64,
    wanted: &[NewVersion],
    rebuild_id: Option<i64>,
) -> Result<Vec<(Option<Rebuilt>, Option<i64>)>> {
    struct Existing {
        text_hash: String,
        first_seen: String,
        markdown: String,
        rebuilt: Option<Rebuilt>,
        rebuild_id: Option<i64>,
    }
    let existing: Vec<Existing> = {
        let mut statement = tx.prepare(
            "SELECT text_hash, first_seen, markdown, rebuilt, rebuild_id FROM versions
             WHERE domain_id = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([domain_id], |row| {
            Ok(Existing {
                text_hash: row.get(0)?,
                first_seen: row.get(1)?,
                markdown: row.get(2)?,
                rebuilt: row.get(3)?,
                rebuild_id: row.get(4)?,
            })
        })?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    Ok(wanted
        .iter()
        .map(|version| {
            let same_start = existing.iter().find(|e| e.first_seen == version.first_seen);
            let kept = same_start.filter(|e| {
                e.text_hash == version.text_hash
                    && (rebuild_id.is_none() || e.markdown == version.markdown)
            });
            match (kept, same_start, rebuild_id) {
                // Unchanged (or a crawl re-syncing it): its marks stay.
                (Some(e), _, _) => (e.rebuilt, e.rebuild_id),
                (None, Some(_), Some(id)) => (Some(Rebuilt::Text), Some(id)),
                (None, None, Some(id)) => (Some(Rebuilt::Split), Some(id)),
                // A crawl's new version: a policy change the crawl found.
                (None, _, None) => (None, None),
            }
        })
        .collect())
}

/// Keeps a text under its key. The key is a hash of the text, so a row that differs is
/// corrupt: it is replaced.
fn put_text(conn: &rusqlite::Connection, text: &TextRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO texts (key, body, templated) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET body = excluded.body, templated = excluded.templated
         WHERE body IS NOT excluded.body OR templated IS NOT excluded.templated",
        params![text.key, text.body, text.templated],
    )?;
    Ok(())
}
