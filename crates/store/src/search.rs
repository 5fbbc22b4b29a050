//! What the change-point search reads and writes: every policy capture of a domain with what
//! is known of it, and the captures a settled span covers (`captures.inferred`).

use rusqlite::params;

use crate::{Result, Store};

/// What the store knows of one policy capture, for the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureKnowledge {
    /// Not downloaded yet.
    Pending,
    /// Not downloaded: inside a span whose two ends hold the same text.
    Inferred,
    /// Downloaded or reused (or given up): the text hash versions would use, `None` when the
    /// capture counts for no version (no text, an error, bytes that differ from their digest).
    Known(Option<String>),
}

/// A domain's policy capture as the search sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPoint {
    /// Capture row id.
    pub id: i64,
    /// CDX timestamp (14 digits).
    pub timestamp: String,
    /// The CDX `length` (the archived record's size), when the listing gave one.
    pub length: Option<u64>,
    /// What is known of it.
    pub knowledge: CaptureKnowledge,
}

impl Store {
    /// Every policy capture of a domain, in time order (then URL), with what is known of it.
    /// A capture's text counts as [`Store::observations`] counts it (`accept_mismatch`; a
    /// capture that is no policy at all counts as one with no text).
    pub fn search_points(&self, domain_id: i64, accept_mismatch: bool) -> Result<Vec<SearchPoint>> {
        let mut statement = self.conn.prepare(
            "SELECT id, timestamp, fetch_state, inferred,
                    CASE WHEN (?2 OR digest_check IS NOT 'mismatch') AND not_policy IS NULL
                         THEN text_hash END,
                    length
             FROM captures
             WHERE domain_id = ?1 AND role = 'policy'
             ORDER BY timestamp, url",
        )?;
        let rows = statement.query_map(params![domain_id, accept_mismatch], |row| {
            let state: String = row.get(2)?;
            let inferred: bool = row.get(3)?;
            let knowledge = match (state.as_str(), inferred) {
                ("pending", true) => CaptureKnowledge::Inferred,
                ("pending", false) => CaptureKnowledge::Pending,
                // done keeps its text; skipped and gone have none.
                _ => CaptureKnowledge::Known(row.get(4)?),
            };
            let length: Option<i64> = row.get(5)?;
            Ok(SearchPoint {
                id: row.get(0)?,
                timestamp: row.get(1)?,
                length: length.and_then(|length| u64::try_from(length).ok()),
                knowledge,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Marks pending captures as covered by a settled span, in one transaction.
    pub fn infer_captures(&mut self, capture_ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut statement = tx.prepare(
                "UPDATE captures SET inferred = 1 WHERE id = ?1 AND fetch_state = 'pending'",
            )?;
            for id in capture_ids {
                statement.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The CDX timestamps of a domain's inferred policy captures, in order: what versions
    /// count as covered.
    pub fn inferred_timestamps(&self, domain_id: i64) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT timestamp FROM captures
             WHERE domain_id = ?1 AND role = 'policy' AND fetch_state = 'pending' AND inferred = 1
             ORDER BY timestamp",
        )?;
        let rows = statement.query_map([domain_id], |row| row.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
