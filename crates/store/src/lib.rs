//! The embedded SQLite store of policy histories: domains, the captures a crawl used, raw
//! contents (once per SHA-1, compressed), versions of each domain's policy text, discovery
//! decisions and crawl runs. Created and upgraded by versioned migrations; WAL mode; foreign
//! keys on.
//!
//! Not for: talking to an archive, converting HTML or deciding what a policy is. Callers pass
//! in what they found; this crate keeps it, and answers the queries the CLI makes.

#![forbid(unsafe_code)]

mod export;
mod schema;
mod search;
mod texts;
mod warc;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

pub use document_type::DocumentType;
pub use export::{COLUMNS, ExportCounts, ExportFilter, ExportRow, FTS_TABLE, datasette_metadata};
pub use search::{CaptureKnowledge, SearchPoint};
pub use texts::{CaptureText, ConvertedCapture, StoredText, TextRecord, TextUpdate};
pub use warc::{ArchivedHeaders, WarcCapture, WarcCdxRow, WarcSummary, WarcVersionRef};

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open the database {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The schema could not be created or upgraded.
    #[error("cannot migrate the database {path}: {detail}")]
    Migrate {
        /// The file.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
    /// Another crawl holds the database.
    #[error(
        "another crawl is writing {path} (lock file {lock}); wait for it to finish, or use another --db"
    )]
    Locked {
        /// The database.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A file operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Result alias for store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The store: one SQLite connection.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// An exclusive claim on a database for writing crawls; released when dropped (or when the
/// process dies, kill -9 included: it is an OS file lock).
#[derive(Debug)]
pub struct WriterLock {
    _file: std::fs::File,
}

/// Why a capture was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A homepage sample read to find the policy link.
    Homepage,
    /// A capture of the policy.
    Policy,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Homepage => "homepage",
            Role::Policy => "policy",
        }
    }
}

/// One domain's history of one type of document, and its crawl state: the row every table
/// keyed by `domain_id` belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Domain {
    /// Row id.
    pub id: i64,
    /// The domain as asked for.
    pub name: String,
    /// The type of document this row follows (privacy policy for rows made before types).
    pub document_type: DocumentType,
    /// When it was first added.
    pub added_at: String,
    /// Per-domain crawl interval for `--due`, in days.
    pub crawl_interval_days: Option<i64>,
    /// End of the last complete crawl.
    pub last_crawled_at: Option<String>,
    /// Newest homepage capture listed.
    pub homepage_cursor: Option<String>,
    /// Newest candidate policy capture listed.
    pub policy_cursor: Option<String>,
    /// Where it stands.
    pub state: DomainState,
    /// The last error, when the state says one.
    pub last_error: Option<String>,
}

/// An enum stored in SQLite as its name: the names, `as_str`, `Display`, `ToSql` and
/// `FromSql` written once per enum from one table.
macro_rules! stored_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                match value.as_str()? {
                    $($text => Ok($name::$variant),)*
                    other => Err(rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {other:?}", stringify!($name)).into(),
                    )),
                }
            }
        }
    };
}

stored_enum! {
    /// Where a domain stands after its last crawl.
    pub enum DomainState {
        /// Asked for, not crawled yet.
        New => "new",
        /// The last crawl finished.
        Ok => "ok",
        /// The archive excludes the site.
        Blocked => "blocked",
        /// The last crawl failed (`last_error` says why).
        Failed => "failed",
    }
}

stored_enum! {
    /// How discovery chose a span's policy URL.
    pub enum DecisionMethod {
        /// A homepage capture of the time linked to it.
        HomepageLink => "homepage-link",
        /// It was chosen before (or is the only candidate known as the policy).
        Confirmed => "confirmed",
        /// Its URL's keywords alone, with no rival of equal score.
        UrlKeywords => "url-keywords",
        /// Nothing was chosen.
        None => "none",
    }
}

stored_enum! {
    /// Why a version was last changed by `crawler rebuild`.
    pub enum Rebuilt {
        /// Its text (or title, or link) was re-derived; it starts where a version started
        /// before.
        Text => "text",
        /// It starts where no version started before: a newer converter tells apart captures
        /// an older one found alike (a tooling change, not a change of the policy).
        Split => "split",
    }
}

stored_enum! {
    /// Where a version's policy lived, seen from the domain asked for.
    pub enum Relation {
        /// On the domain itself (any subdomain, `www.` or not).
        SameSite => "same-site",
        /// On a site the domain moved to (a homepage redirect to another domain).
        Alias => "alias",
        /// On another site the homepage linked as its policy (a parent company, a registrar's
        /// parked page, a policy generator).
        LinkedOffsite => "linked-offsite",
    }
}

stored_enum! {
    /// Why a fetched capture is not a policy at all (`captures.not_policy`): it opens no
    /// version and ends none.
    pub enum NotPolicy {
        /// A "page not found" page archived with status 200.
        SoftNotFound => "soft-404",
        /// A server or application error page archived with status 200.
        ErrorPage => "error-page",
        /// A page asking to sign in before showing anything.
        LoginWall => "login-wall",
        /// The archive's own page ("not archived", "excluded", "Hrm.") served as the capture.
        ArchivePage => "archive-page",
        /// A firewall's or CDN's "access denied" or challenge page.
        AccessDenied => "access-denied",
        /// A "too many requests" page.
        RateLimited => "rate-limited",
    }
}

stored_enum! {
    /// Why a version's text is a registrar's or parking service's template (`versions.parked`).
    pub enum Parked {
        /// The text says the domain is parked, expired or for sale.
        Words => "words",
        /// The off-site policy URL the homepage linked names a parked or expired domain's page.
        Link => "link",
    }
}

stored_enum! {
    /// How a fetched capture's bytes compare with its CDX digest.
    pub enum DigestCheck {
        /// Equal.
        Match => "match",
        /// Served as asked but different: damaged on the way; kept out of versions.
        Mismatch => "mismatch",
        /// The archive led to another capture, whose digest is not the one listed.
        Redirected => "redirected",
        /// No digest to compare with.
        NotChecked => "not-checked",
    }
}

/// A site a domain moved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    /// Its host (e.g. `smartfocus.com`).
    pub host: String,
    /// The redirect capture that revealed it.
    pub since: String,
    /// Newest candidate capture listed on it.
    pub policy_cursor: Option<String>,
}

/// The last row one listing showed for one URL key: a listing resumed after its cursor starts
/// with a row that digest-collapse would have hidden when it repeats this digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingTail {
    /// `""` for the domain's own candidate listing, else the alias host listed.
    pub listing: String,
    /// The CDX urlkey.
    pub urlkey: String,
    /// Its last listed timestamp.
    pub timestamp: String,
    /// Its last listed digest.
    pub digest: String,
}

/// A CDX row to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureRecord {
    /// Why it is recorded.
    pub role: Role,
    /// CDX original URL.
    pub url: String,
    /// 14-digit timestamp.
    pub timestamp: String,
    /// CDX digest.
    pub digest: String,
    /// Archived status.
    pub status: Option<u16>,
    /// Archived MIME type.
    pub mimetype: String,
    /// CDX length.
    pub length: Option<u64>,
    /// Initial state: `Pending` to fetch later, `Done` when already read, `Skipped` to keep
    /// only the row.
    pub state: InitialState,
}

/// The state a capture row starts in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum InitialState {
    /// To be fetched.
    Pending,
    /// Already read (e.g. a homepage sample during discovery).
    Done(FetchResult),
    /// Not to be fetched, and why (e.g. an archived 404).
    Skipped(String),
}

/// A discovery decision for one span of candidate captures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// First candidate capture of the span.
    pub period_start: String,
    /// Last candidate capture of the span.
    pub period_end: String,
    /// The URL chosen, if any.
    pub policy_url: Option<String>,
    /// homepage-link | confirmed | url-keywords | none.
    pub method: DecisionMethod,
    /// The homepage capture read.
    pub homepage_url: Option<String>,
    /// Its timestamp.
    pub homepage_timestamp: Option<String>,
    /// The text of the link followed.
    pub link_text: Option<String>,
    /// The link's or URL's score.
    pub score: Option<f64>,
    /// The candidate URLs considered.
    pub candidates: Vec<String>,
    /// Why the link was chosen or refused (off-site links), when there is more to say.
    pub note: Option<String>,
}

/// What discovery settled for a domain, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Decisions made.
    pub decisions: Vec<Decision>,
    /// Captures to record (homepage samples read, policy captures chosen).
    pub captures: Vec<CaptureRecord>,
    /// Sites the domain moved to.
    pub aliases: Vec<Alias>,
    /// New homepage cursor.
    pub homepage_cursor: Option<String>,
    /// New policy cursor.
    pub policy_cursor: Option<String>,
    /// New tails of the listings (saved with the cursors).
    pub tails: Vec<ListingTail>,
}

/// A policy capture waiting to be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCapture {
    /// Row id.
    pub id: i64,
    /// CDX original URL.
    pub url: String,
    /// 14-digit timestamp.
    pub timestamp: String,
    /// CDX digest.
    pub digest: String,
    /// Archived status.
    pub status: Option<u16>,
    /// Attempts so far.
    pub attempts: i64,
}

/// Raw bytes to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewContent<'a> {
    /// Base32 SHA-1 of `body`.
    pub sha1: &'a str,
    /// The raw bytes.
    pub body: &'a [u8],
    /// Archived Content-Type.
    pub content_type: Option<&'a str>,
    /// The encoding the text was decoded from.
    pub charset: Option<&'a str>,
}

/// A stored content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// Base32 SHA-1.
    pub sha1: String,
    /// The raw bytes, decompressed.
    pub body: Vec<u8>,
    /// Archived Content-Type.
    pub content_type: Option<String>,
    /// The encoding the text was decoded from.
    pub charset: Option<String>,
}

/// The result of fetching a capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchResult {
    /// The content received.
    pub content_sha1: String,
    /// The URL really served.
    pub found_url: String,
    /// Its capture time.
    pub found_timestamp: String,
    /// Its archived status.
    pub found_status: u16,
    /// match | mismatch | not-checked.
    pub digest_check: DigestCheck,
    /// Hash of the policy text; `None` when the page has no text.
    pub text_hash: Option<String>,
    /// A remark (why there is no text...).
    pub note: Option<String>,
    /// The archived response's headers (`wayback::Memento::archived_headers`); `None` when
    /// the bytes were reused from another capture and not downloaded.
    pub archived_headers: Option<Vec<(String, String)>>,
}

/// A fetched policy capture with text, in the order versions are built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// Capture row id.
    pub capture_id: i64,
    /// When the text was captured (found timestamp).
    pub timestamp: String,
    /// Where it was found.
    pub url: String,
    /// Text hash.
    pub text_hash: String,
    /// Content SHA-1.
    pub content_sha1: String,
    /// The kept text's key (`None`: stored before texts were kept).
    pub text_key: Option<String>,
    /// The converted page's title.
    pub title: Option<String>,
    /// The converter that made the kept text.
    pub converter: Option<String>,
}

/// A version to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    /// Text hash.
    pub text_hash: String,
    /// Page title.
    pub title: Option<String>,
    /// The Markdown.
    pub markdown: String,
    /// Where it was found.
    pub url: String,
    /// First capture row.
    pub first_capture_id: i64,
    /// Last capture row.
    pub last_capture_id: i64,
    /// First seen (14 digits).
    pub first_seen: String,
    /// Last seen (14 digits).
    pub last_seen: String,
    /// Captures showing this text.
    pub capture_count: i64,
    /// The archive's `id_` URL of the first capture.
    pub snapshot_url: String,
    /// JSON of the extracted fields.
    pub fields: Option<String>,
    /// The converter that made the text (`policy_text::CONVERTER_VERSION`).
    pub converter: Option<String>,
    /// The fields extractor that made `fields` (`fields::VERSION`).
    pub fields_version: Option<String>,
    /// The host of `url`.
    pub policy_host: Option<String>,
    /// Where the policy lived, seen from the domain.
    pub relation: Option<Relation>,
    /// Captures of it downloaded (or their bytes reused).
    pub captures_checked: i64,
    /// Captures inside its settled spans, not downloaded (the change-point search).
    pub captures_inferred: i64,
    /// Why the text is a registrar's or parking template (`None`: it is not).
    pub parked: Option<Parked>,
}

/// A stored version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyVersion {
    /// 1, 2, 3... in time order.
    pub seq: i64,
    /// Text hash.
    pub text_hash: String,
    /// Page title.
    pub title: Option<String>,
    /// The Markdown.
    pub markdown: String,
    /// Where it was found.
    pub url: String,
    /// First seen (14 digits).
    pub first_seen: String,
    /// Last seen (14 digits).
    pub last_seen: String,
    /// The next version's first_seen: the end of validity (`None` for the current one).
    pub valid_until: Option<String>,
    /// Captures showing this text.
    pub capture_count: i64,
    /// The archive's `id_` URL of the first capture.
    pub snapshot_url: Option<String>,
    /// JSON of the extracted fields.
    pub fields: Option<String>,
    /// The converter that made the text (`None`: before texts were kept).
    pub converter: Option<String>,
    /// The fields extractor that made `fields`.
    pub fields_version: Option<String>,
    /// Set when `crawler rebuild` last changed it, and how.
    pub rebuilt: Option<Rebuilt>,
    /// The host of `url`.
    pub policy_host: Option<String>,
    /// Where the policy lived, seen from the domain (`None`: stored before it was recorded).
    pub relation: Option<Relation>,
    /// Captures of it downloaded or reused (`None`: stored before it was recorded).
    pub captures_checked: Option<i64>,
    /// Captures inside its settled spans, not downloaded (`None`: as above).
    pub captures_inferred: Option<i64>,
    /// Why the text is a registrar's or parking template (`None`: it is not).
    pub parked: Option<Parked>,
}

/// Counts of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RunCounts {
    /// Domains in the run.
    pub domains_total: u64,
    /// Domains finished.
    pub domains_done: u64,
    /// CDX rows recorded.
    pub captures_listed: u64,
    /// Captures downloaded.
    pub captures_fetched: u64,
    /// Versions added.
    pub versions_new: u64,
    /// CDX requests sent.
    pub cdx_requests: u64,
    /// Playback requests sent.
    pub playback_requests: u64,
    /// Failures.
    pub errors: u64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Still running (or killed: see [`Store::start_run`]).
    Running,
    /// Every domain done.
    Completed,
    /// Stopped by the archive's rate limit or block.
    Halted,
    /// Killed or interrupted before the end.
    Interrupted,
    /// Stopped by an error.
    Failed,
}

impl RunStatus {
    fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::Halted => "halted",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Failed => "failed",
        }
    }
}

/// A crawl run as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrawlRun {
    /// Row id.
    pub id: i64,
    /// Start time.
    pub started_at: String,
    /// End time.
    pub finished_at: Option<String>,
    /// Status.
    pub status: String,
    /// Counts.
    pub counts: RunCounts,
    /// Final message.
    pub message: Option<String>,
}

/// The overview `crawler status` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreStatus {
    /// Domains stored.
    pub domains: i64,
    /// Domains with at least one version.
    pub domains_with_versions: i64,
    /// Versions stored.
    pub versions: i64,
    /// Versions stored, per document type (types with none left out).
    pub versions_by_type: Vec<(DocumentType, i64)>,
    /// Captures recorded.
    pub captures: i64,
    /// Contents stored.
    pub contents: i64,
    /// Policy captures waiting for a retry.
    pub pending_retries: i64,
    /// Policy captures given up (`gone`: the archive's answer was final, or faults persisted
    /// through every attempt).
    pub gone_captures: i64,
    /// Policy captures kept out of versions because their bytes differ from the CDX digest.
    pub damaged_captures: i64,
    /// Domains blocked or failed.
    pub failing_domains: Vec<(String, DomainState, Option<String>)>,
    /// The last run.
    pub last_run: Option<CrawlRun>,
}

/// One line of `crawler history`.
pub type History = Vec<PolicyVersion>;

impl Store {
    /// Opens (creating if needed) the database at `path`, with its folder, and brings the
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                context: format!("cannot create the folder {}", parent.display()),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        Self::prepare(conn, path)
    }

    /// An in-memory store (for tests and dry runs).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Self::prepare(conn, Path::new(":memory:"))
    }

    /// Opens an existing database for reading only, as `status`, `history`, `diff` and
    /// `export` need: nothing is written to it (no WAL switch, no migration), so a published
    /// store on read-only media can be read. When its folder is not writable it is opened
    /// `immutable=1`, needing no `-shm` file. A schema older or newer than this tool's is
    /// [`StoreError::Migrate`], saying what to do. Databases attached later (an export's output)
    /// can still be written.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let folder_read_only = std::fs::metadata(folder).is_ok_and(|m| m.permissions().readonly());
        let mut file = String::from("file:");
        for c in path.to_string_lossy().chars() {
            match c {
                '%' => file.push_str("%25"),
                '?' => file.push_str("%3f"),
                '#' => file.push_str("%23"),
                c => file.push(c),
            }
        }
        // `mode=ro` makes this file read-only; the connection's own flags stay read-write so
        // that `ATTACH` can create an export's output.
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
            | rusqlite::OpenFlags::SQLITE_OPEN_CREATE
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connect = |immutable: bool| -> rusqlite::Result<Connection> {
            let options = if immutable {
                "?mode=ro&immutable=1"
            } else {
                "?mode=ro"
            };
            let conn = Connection::open_with_flags(format!("{file}{options}"), flags)?;
            conn.busy_timeout(std::time::Duration::from_secs(30))?;
            // A first read: where a WAL store's `-shm` cannot be created it fails here.
            conn.pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))?;
            Ok(conn)
        };
        let cannot_write_beside = |error: &rusqlite::Error| {
            matches!(
                error.sqlite_error_code(),
                Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
            )
        };
        // Read-only media (or a folder even root cannot write): `immutable=1` needs no `-shm`,
        // but it would not see changes still in the `-wal` file.
        let connect_immutable = || {
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            let wal = PathBuf::from(wal);
            if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                return Err(StoreError::Migrate {
                    path: path.to_owned(),
                    detail: format!(
                        "{} holds changes not yet merged into the database, and the folder is read-only: read it from a writable copy of the folder, or publish it again after a crawl has ended (which merges them)",
                        wal.display()
                    ),
                });
            }
            connect(true).map_err(open_error)
        };
        let conn = if folder_read_only {
            connect_immutable()?
        } else {
            match connect(false) {
                Err(error) if cannot_write_beside(&error) => connect_immutable()?,
                other => other.map_err(open_error)?,
            }
        };
        let pending = schema::migrations()
            .pending_migrations(&conn)
            .map_err(|error| StoreError::Migrate {
                path: path.to_owned(),
                detail: error.to_string(),
            })?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(open_error)?;
        let latest = version + i64::from(pending);
        let detail = if version == 0 {
            Some("it holds no crawler schema: is it a store made by `crawler crawl`?".to_owned())
        } else if pending > 0 {
            Some(format!(
                "its schema (version {version}) is older than this crawler's ({latest}) and read-only commands never upgrade it: run `crawler crawl` with this --db once (on a writable copy if the file is read-only), or use the crawler that made it"
            ))
        } else if pending < 0 {
            Some(format!(
                "its schema (version {version}) is newer than this crawler's ({latest}): use a newer crawler"
            ))
        } else {
            None
        };
        if let Some(detail) = detail {
            return Err(StoreError::Migrate {
                path: path.to_owned(),
                detail,
            });
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Off while migrating: a migration that copies a table (9) must not cascade or refuse.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|error| StoreError::Migrate {
                path: path.to_owned(),
                detail: error.to_string(),
            })?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    /// Now, as RFC 3339 UTC with seconds (`2026-11-23T10:04:05Z`), from SQLite's clock: the
    /// form every time column of the store holds.
    pub fn now(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |row| {
                row.get(0)
            })?)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Claims the database for one writing crawl: fails with [`StoreError::Locked`] while
    /// another process holds it.
    pub fn lock_for_writing(path: &Path) -> Result<WriterLock> {
        let mut lock = path.as_os_str().to_owned();
        lock.push(".lock");
        let lock = PathBuf::from(lock);
        if let Some(parent) = lock.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                context: format!("cannot create the folder {}", parent.display()),
                source,
            })?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock)
            .map_err(|source| StoreError::Io {
                context: format!("cannot open the lock file {}", lock.display()),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(WriterLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
                path: path.to_owned(),
                lock,
            }),
            Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Io {
                context: format!("cannot lock {}", lock.display()),
                source,
            }),
        }
    }

    // ----- domains -----

    /// The row of `name`'s documents of type `kind`, creating it when new.
    pub fn ensure_domain(&self, name: &str, kind: DocumentType) -> Result<Domain> {
        self.conn.execute(
            "INSERT OR IGNORE INTO domains (name, document_type, added_at) VALUES (?1, ?2, ?3)",
            params![name, kind.name(), self.now()?],
        )?;
        self.domain(name, kind)?
            .ok_or_else(|| StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))
    }

    /// The row of `name`'s documents of type `kind`.
    pub fn domain(&self, name: &str, kind: DocumentType) -> Result<Option<Domain>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {DOMAIN_COLUMNS} FROM domains WHERE name = ?1 AND document_type = ?2"
                ),
                params![name, kind.name()],
                domain_from_row,
            )
            .optional()?)
    }

    /// Every row of `name` (one per document type crawled), in [`DocumentType`] order.
    pub fn domain_rows(&self, name: &str) -> Result<Vec<Domain>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {DOMAIN_COLUMNS} FROM domains WHERE name = ?1 ORDER BY {TYPE_ORDER}"
        ))?;
        let rows = statement.query_map([name], domain_from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// All rows, by name, then type.
    pub fn domains(&self) -> Result<Vec<Domain>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {DOMAIN_COLUMNS} FROM domains ORDER BY name, {TYPE_ORDER}"
        ))?;
        let rows = statement.query_map([], domain_from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Of `names`, those due for a crawl of `kinds`: a type never crawled, or last crawled at
    /// least its interval (the row's own, else `default_days`) ago.
    pub fn due(
        &self,
        names: &[String],
        kinds: &[DocumentType],
        default_days: f64,
    ) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT last_crawled_at IS NULL
                 OR julianday('now') - julianday(last_crawled_at) >= coalesce(crawl_interval_days, ?3)
             FROM domains WHERE name = ?1 AND document_type = ?2",
        )?;
        let mut due = Vec::new();
        for name in names {
            for kind in kinds {
                let is_due: Option<bool> = statement
                    .query_row(params![name, kind.name(), default_days], |row| row.get(0))
                    .optional()?;
                if is_due.unwrap_or(true) {
                    due.push(name.clone());
                    break;
                }
            }
        }
        Ok(due)
    }

    /// The sites a domain moved to.
    pub fn aliases(&self, domain_id: i64) -> Result<Vec<Alias>> {
        let mut statement = self.conn.prepare(
            "SELECT host, since, policy_cursor FROM domain_aliases WHERE domain_id = ?1 ORDER BY since, host",
        )?;
        let rows = statement.query_map([domain_id], |row| {
            Ok(Alias {
                host: row.get(0)?,
                since: row.get(1)?,
                policy_cursor: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// URLs earlier decisions chose for this domain (confirmed policy URLs).
    pub fn confirmed_policy_urls(&self, domain_id: i64) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT DISTINCT policy_url FROM discoveries
             WHERE domain_id = ?1 AND policy_url IS NOT NULL
             ORDER BY policy_url",
        )?;
        let rows = statement.query_map([domain_id], |row| row.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Sets a domain's state after a crawl.
    pub fn set_domain_state(
        &self,
        domain_id: i64,
        state: DomainState,
        error: Option<&str>,
        crawled: bool,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE domains SET state = ?2, last_error = ?3,
                 last_crawled_at = CASE WHEN ?4 THEN ?5 ELSE last_crawled_at END
             WHERE id = ?1",
            params![domain_id, state, error, crawled, self.now()?],
        )?;
        Ok(())
    }

    // ----- discovery -----

    /// Writes what discovery settled, with the new cursors, in one transaction: a crawl killed
    /// before it redoes the discovery, one killed after it goes on from the new cursors.
    pub fn save_plan(&mut self, domain_id: i64, run_id: Option<i64>, plan: &Plan) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let mut listed = 0;
        for decision in &plan.decisions {
            tx.execute(
                "INSERT OR IGNORE INTO discoveries (domain_id, run_id, period_start, period_end,
                     policy_url, method, homepage_url, homepage_timestamp, link_text, score, candidates,
                     note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    domain_id,
                    run_id,
                    decision.period_start,
                    decision.period_end,
                    decision.policy_url,
                    decision.method,
                    decision.homepage_url,
                    decision.homepage_timestamp,
                    decision.link_text,
                    decision.score,
                    serde_json::to_string(&decision.candidates).unwrap_or_else(|_| "[]".into()),
                    decision.note,
                ],
            )?;
        }
        for capture in &plan.captures {
            listed += insert_capture(&tx, domain_id, capture)? as u64;
        }
        for alias in &plan.aliases {
            tx.execute(
                "INSERT INTO domain_aliases (domain_id, host, since, policy_cursor) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (domain_id, host) DO UPDATE SET policy_cursor = excluded.policy_cursor",
                params![domain_id, alias.host, alias.since, alias.policy_cursor],
            )?;
        }
        for tail in &plan.tails {
            tx.execute(
                "INSERT INTO listing_tails (domain_id, listing, urlkey, timestamp, digest)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (domain_id, listing, urlkey)
                 DO UPDATE SET timestamp = excluded.timestamp, digest = excluded.digest",
                params![
                    domain_id,
                    tail.listing,
                    tail.urlkey,
                    tail.timestamp,
                    tail.digest
                ],
            )?;
        }
        tx.execute(
            "UPDATE domains SET homepage_cursor = coalesce(?2, homepage_cursor),
                 policy_cursor = coalesce(?3, policy_cursor)
             WHERE id = ?1",
            params![domain_id, plan.homepage_cursor, plan.policy_cursor],
        )?;
        tx.commit()?;
        Ok(listed)
    }

    /// The listing tails of a domain (see [`ListingTail`]).
    pub fn listing_tails(&self, domain_id: i64) -> Result<Vec<ListingTail>> {
        let mut statement = self.conn.prepare(
            "SELECT listing, urlkey, timestamp, digest FROM listing_tails
             WHERE domain_id = ?1 ORDER BY listing, urlkey",
        )?;
        let rows = statement.query_map([domain_id], |row| {
            Ok(ListingTail {
                listing: row.get(0)?,
                urlkey: row.get(1)?,
                timestamp: row.get(2)?,
                digest: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The discovery decisions of a domain, oldest first.
    pub fn decisions(&self, domain_id: i64) -> Result<Vec<Decision>> {
        let mut statement = self.conn.prepare(
            "SELECT period_start, period_end, policy_url, method, homepage_url, homepage_timestamp,
                    link_text, score, candidates, note
             FROM discoveries WHERE domain_id = ?1 ORDER BY period_start, period_end",
        )?;
        let rows = statement.query_map([domain_id], |row| {
            let candidates: String = row.get(8)?;
            Ok(Decision {
                period_start: row.get(0)?,
                period_end: row.get(1)?,
                policy_url: row.get(2)?,
                method: row.get(3)?,
                homepage_url: row.get(4)?,
                homepage_timestamp: row.get(5)?,
                link_text: row.get(6)?,
                score: row.get(7)?,
                candidates: serde_json::from_str(&candidates).unwrap_or_default(),
                note: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    // ----- captures and contents -----

    /// Policy captures of a domain still to fetch, oldest first: pending, and not covered by a
    /// span the change-point search settled ([`Store::unfetched_policy_captures`] has those too).
    pub fn pending_policy_captures(&self, domain_id: i64) -> Result<Vec<PendingCapture>> {
        self.policy_captures_not_fetched(domain_id, false)
    }

    /// Policy captures of a domain not fetched, oldest first, the inferred ones included (a
    /// finer resolution or `--exhaustive` may download them).
    pub fn unfetched_policy_captures(&self, domain_id: i64) -> Result<Vec<PendingCapture>> {
        self.policy_captures_not_fetched(domain_id, true)
    }

    fn policy_captures_not_fetched(
        &self,
        domain_id: i64,
        with_inferred: bool,
    ) -> Result<Vec<PendingCapture>> {
        let mut statement = self.conn.prepare(
            "SELECT id, url, timestamp, digest, status, attempts FROM captures
             WHERE domain_id = ?1 AND role = 'policy' AND fetch_state = 'pending'
               AND (?2 OR inferred = 0)
             ORDER BY timestamp, url",
        )?;
        let rows = statement.query_map(params![domain_id, with_inferred], |row| {
            Ok(PendingCapture {
                id: row.get(0)?,
                url: row.get(1)?,
                timestamp: row.get(2)?,
                digest: row.get(3)?,
                status: row.get(4)?,
                attempts: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The content a CDX digest already gave (no download needed), if any: a content whose
    /// SHA-1 is the digest, or one a done capture with that digest received.
    pub fn content_for_digest(&self, digest: &str) -> Result<Option<String>> {
        let direct: Option<String> = self
            .conn
            .query_row(
                "SELECT sha1 FROM contents WHERE sha1 = ?1",
                [digest],
                |row| row.get(0),
            )
            .optional()?;
        if direct.is_some() {
            return Ok(direct);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT content_sha1 FROM captures
                 WHERE digest = ?1 AND fetch_state = 'done' AND content_sha1 IS NOT NULL
                   AND (status IS NULL OR status BETWEEN 200 AND 299)
                   AND digest_check IS NOT 'mismatch'
                   AND found_timestamp = timestamp
                 ORDER BY id LIMIT 1",
                [digest],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// The CDX digest the store lists for a domain's capture of `url` at `timestamp`, if any.
    pub fn listed_digest(
        &self,
        domain_id: i64,
        url: &str,
        timestamp: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT digest FROM captures WHERE domain_id = ?1 AND url = ?2 AND timestamp = ?3
                 ORDER BY role DESC LIMIT 1",
                params![domain_id, url, timestamp],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Keeps raw bytes (once per SHA-1).
    pub fn put_content(&self, content: NewContent<'_>) -> Result<()> {
        let exists: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM contents WHERE sha1 = ?1)",
            [content.sha1],
            |row| row.get(0),
        )?;
        if exists {
            return Ok(());
        }
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder
            .write_all(content.body)
            .and_then(|()| encoder.flush())
            .map_err(|source| StoreError::Io {
                context: "cannot compress a content".into(),
                source,
            })?;
        let compressed = encoder.finish().map_err(|source| StoreError::Io {
            context: "cannot compress a content".into(),
            source,
        })?;
        self.conn.execute(
            "INSERT OR IGNORE INTO contents (sha1, body, raw_length, content_type, charset, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                content.sha1,
                compressed,
                content.body.len() as i64,
                content.content_type,
                content.charset,
                self.now()?
            ],
        )?;
        Ok(())
    }

    /// A stored content, decompressed.
    pub fn content(&self, sha1: &str) -> Result<Option<Content>> {
        let row: Option<(Vec<u8>, Option<String>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT body, content_type, charset FROM contents WHERE sha1 = ?1",
                [sha1],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((compressed, content_type, charset)) = row else {
            return Ok(None);
        };
        let body = inflate(sha1, &compressed)?;
        Ok(Some(Content {
            sha1: sha1.to_owned(),
            body,
            content_type,
            charset,
        }))
    }

    /// Records a fetched capture.
    pub fn capture_fetched(&self, capture_id: i64, result: &FetchResult) -> Result<()> {
        self.conn.execute(
            "UPDATE captures SET fetch_state = 'done', content_sha1 = ?2, found_url = ?3,
                 found_timestamp = ?4, found_status = ?5, digest_check = ?6, text_hash = ?7,
                 note = ?8, archived_headers = ?9, headers_kept = 1, attempts = attempts + 1,
                 inferred = 0
             WHERE id = ?1",
            params![
                capture_id,
                result.content_sha1,
                result.found_url,
                result.found_timestamp,
                result.found_status,
                result.digest_check,
                result.text_hash,
                result.note,
                headers_json(result.archived_headers.as_deref()),
            ],
        )?;
        Ok(())
    }

    /// Records a failed fetch: `retry` leaves it pending for the next run; otherwise it is
    /// `gone` (the archive will not serve it).
    pub fn capture_failed(&self, capture_id: i64, error: &str, retry: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE captures SET fetch_state = CASE WHEN ?3 THEN 'pending' ELSE 'gone' END,
                 note = ?2, attempts = attempts + 1
             WHERE id = ?1",
            params![capture_id, error, retry],
        )?;
        Ok(())
    }

    /// Fetched policy captures with text, in time order: what versions are built from.
    /// Captures whose bytes differ from their CDX digest (`digest_check = 'mismatch'`) count
    /// only with `accept_mismatch`; captures that are not a policy (`not_policy`) never do.
    pub fn observations(&self, domain_id: i64, accept_mismatch: bool) -> Result<Vec<Observation>> {
        let mut statement = self.conn.prepare(
            "SELECT id, found_timestamp, found_url, text_hash, content_sha1, text_key, title,
                    converter
             FROM captures
             WHERE domain_id = ?1 AND role = 'policy' AND fetch_state = 'done'
               AND text_hash IS NOT NULL AND (?2 OR digest_check IS NOT 'mismatch')
               AND not_policy IS NULL
             ORDER BY found_timestamp, timestamp, url",
        )?;
        let rows = statement.query_map(params![domain_id, accept_mismatch], |row| {
            Ok(Observation {
                capture_id: row.get(0)?,
                timestamp: row.get(1)?,
                url: row.get(2)?,
                text_hash: row.get(3)?,
                content_sha1: row.get(4)?,
                text_key: row.get(5)?,
                title: row.get(6)?,
                converter: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    // ----- versions -----

    /// The stored versions of a domain, oldest first.
    pub fn versions(&self, domain_id: i64) -> Result<Vec<PolicyVersion>> {
        let mut statement = self.conn.prepare(
            "SELECT seq, text_hash, title, markdown, url, first_seen, last_seen, capture_count,
                    lead(first_seen) OVER (ORDER BY seq), snapshot_url, fields, converter,
                    fields_version, rebuilt, policy_host, relation, captures_checked,
                    captures_inferred, parked
             FROM versions WHERE domain_id = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([domain_id], |row| {
            Ok(PolicyVersion {
                seq: row.get(0)?,
                text_hash: row.get(1)?,
                title: row.get(2)?,
                markdown: row.get(3)?,
                url: row.get(4)?,
                first_seen: row.get(5)?,
                last_seen: row.get(6)?,
                capture_count: row.get(7)?,
                valid_until: row.get(8)?,
                snapshot_url: row.get(9)?,
                fields: row.get(10)?,
                converter: row.get(11)?,
                fields_version: row.get(12)?,
                rebuilt: row.get(13)?,
                policy_host: row.get(14)?,
                relation: row.get(15)?,
                captures_checked: row.get(16)?,
                captures_inferred: row.get(17)?,
                parked: row.get(18)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Brings a domain's versions to `wanted` (numbered 1..n in order) in one transaction:
    /// unchanged rows stay, changed ones are updated, extra ones removed. Returns how many
    /// versions did not exist before (by text hash and first capture).
    pub fn sync_versions(&mut self, domain_id: i64, wanted: &[NewVersion]) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let added = sync_versions_in(&tx, domain_id, wanted, None)?;
        tx.commit()?;
        Ok(added)
    }

    // ----- runs -----

    /// Starts a run. Runs left `running` by a crawl that was killed are marked `interrupted`
    /// first (the caller holds the [`WriterLock`], so none is alive).
    pub fn start_run(&self, settings: &serde_json::Value, domains_total: u64) -> Result<i64> {
        self.conn.execute(
            "UPDATE crawl_runs SET status = 'interrupted',
                 message = coalesce(message, 'the process ended before the run finished')
             WHERE status = 'running'",
            [],
        )?;
        self.conn.execute(
            "INSERT INTO crawl_runs (started_at, status, settings, domains_total) VALUES (?1, 'running', ?2, ?3)",
            params![self.now()?, settings.to_string(), domains_total as i64],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Saves a run's counts so far (called as it goes, so a killed run keeps them).
    pub fn update_run(&self, run_id: i64, counts: &RunCounts) -> Result<()> {
        self.conn.execute(
            "UPDATE crawl_runs SET domains_total = ?2, domains_done = ?3, captures_listed = ?4,
                 captures_fetched = ?5, versions_new = ?6, cdx_requests = ?7,
                 playback_requests = ?8, errors = ?9
             WHERE id = ?1",
            params![
                run_id,
                counts.domains_total as i64,
                counts.domains_done as i64,
                counts.captures_listed as i64,
                counts.captures_fetched as i64,
                counts.versions_new as i64,
                counts.cdx_requests as i64,
                counts.playback_requests as i64,
                counts.errors as i64
            ],
        )?;
        Ok(())
    }

    /// Ends a run.
    pub fn finish_run(
        &self,
        run_id: i64,
        counts: &RunCounts,
        status: RunStatus,
        message: Option<&str>,
    ) -> Result<()> {
        self.update_run(run_id, counts)?;
        self.conn.execute(
            "UPDATE crawl_runs SET finished_at = ?2, status = ?3, message = ?4 WHERE id = ?1",
            params![run_id, self.now()?, status.as_str(), message],
        )?;
        Ok(())
    }

    /// The most recent runs, newest first.
    pub fn runs(&self, limit: u32) -> Result<Vec<CrawlRun>> {
        let mut statement = self.conn.prepare(
            "SELECT id, started_at, finished_at, status, domains_total, domains_done,
                    captures_listed, captures_fetched, versions_new, cdx_requests,
                    playback_requests, errors, message
             FROM crawl_runs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = statement.query_map([limit], |row| {
            let count = |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(i)? as u64) };
            Ok(CrawlRun {
                id: row.get(0)?,
                started_at: row.get(1)?,
                finished_at: row.get(2)?,
                status: row.get(3)?,
                counts: RunCounts {
                    domains_total: count(4)?,
                    domains_done: count(5)?,
                    captures_listed: count(6)?,
                    captures_fetched: count(7)?,
                    versions_new: count(8)?,
                    cdx_requests: count(9)?,
                    playback_requests: count(10)?,
                    errors: count(11)?,
                },
                message: row.get(12)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The overview for `crawler status`.
    pub fn status(&self) -> Result<StoreStatus> {
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let failing = {
            let mut statement = self.conn.prepare(
                "SELECT name, state, last_error FROM domains WHERE state IN ('blocked', 'failed') ORDER BY name",
            )?;
            let rows =
                statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        Ok(StoreStatus {
            domains: count("SELECT count(DISTINCT name) FROM domains")?,
            versions_by_type: {
                let mut statement = self.conn.prepare(
                    "SELECT d.document_type, count(*) FROM versions v
                     JOIN domains d ON d.id = v.domain_id GROUP BY d.document_type",
                )?;
                let rows = statement.query_map([], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                })?;
                let mut counts: Vec<(DocumentType, i64)> = rows
                    .collect::<std::result::Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter_map(|(name, n)| Some((DocumentType::from_any_name(&name)?, n)))
                    .collect();
                counts.sort();
                counts
            },
            domains_with_versions: count("SELECT count(DISTINCT domain_id) FROM versions")?,
            versions: count("SELECT count(*) FROM versions")?,
            captures: count("SELECT count(*) FROM captures")?,
            contents: count("SELECT count(*) FROM contents")?,
            pending_retries: count(
                "SELECT count(*) FROM captures WHERE role = 'policy' AND fetch_state = 'pending' AND attempts > 0 AND inferred = 0",
            )?,
            gone_captures: count(
                "SELECT count(*) FROM captures WHERE role = 'policy' AND fetch_state = 'gone'",
            )?,
            damaged_captures: count(
                "SELECT count(*) FROM captures WHERE role = 'policy' AND fetch_state = 'done' AND digest_check = 'mismatch'",
            )?,
            failing_domains: failing,
            last_run: self.runs(1)?.into_iter().next(),
        })
    }

    /// Writes every stored fact that does not depend on when or in which order it was fetched
    /// (no row ids, fetch times or run numbers), as sorted JSON lines: two stores that hold the
    /// same history give byte-identical dumps. A capture's archived headers are left out: of
    /// two captures of the same bytes, the one downloaded keeps them and the other reuses the
    /// bytes, and which one comes first depends on the fetch order.
    pub fn write_canonical_dump(&self, out: &mut dyn Write) -> Result<()> {
        let io = |source| StoreError::Io {
            context: "cannot write the dump".into(),
            source,
        };
        let queries: [(&str, &str); 8] = [
            (
                "domain",
                "SELECT json_object('name', name, 'state', state, 'homepage_cursor', homepage_cursor,
                     'policy_cursor', policy_cursor, 'last_error', last_error,
                     'document_type', document_type)
                 FROM domains ORDER BY name, document_type",
            ),
            (
                "alias",
                "SELECT json_object('domain', d.name, 'host', a.host, 'since', a.since,
                     'policy_cursor', a.policy_cursor, 'document_type', d.document_type)
                 FROM domain_aliases a JOIN domains d ON d.id = a.domain_id ORDER BY d.name, d.document_type, a.host",
            ),
            (
                "listing_tail",
                "SELECT json_object('domain', d.name, 'listing', t.listing, 'urlkey', t.urlkey,
                     'timestamp', t.timestamp, 'digest', t.digest, 'document_type', d.document_type)
                 FROM listing_tails t JOIN domains d ON d.id = t.domain_id
                 ORDER BY d.name, d.document_type, t.listing, t.urlkey",
            ),
            (
                "capture",
                "SELECT json_object('domain', d.name, 'role', c.role, 'url', c.url,
                     'timestamp', c.timestamp, 'digest', c.digest, 'status', c.status,
                     'mimetype', c.mimetype, 'length', c.length, 'fetch_state', c.fetch_state,
                     'content_sha1', c.content_sha1, 'found_url', c.found_url,
                     'found_timestamp', c.found_timestamp, 'found_status', c.found_status,
                     'digest_check', c.digest_check, 'text_hash', c.text_hash, 'note', c.note,
                     'text_key', c.text_key, 'title', c.title, 'converter', c.converter,
                     'inferred', c.inferred, 'not_policy', c.not_policy, 'document_type', d.document_type)
                 FROM captures c JOIN domains d ON d.id = c.domain_id
                 ORDER BY d.name, d.document_type, c.role, c.url, c.timestamp",
            ),
            (
                "content",
                "SELECT json_object('sha1', sha1, 'raw_length', raw_length,
                     'content_type', content_type, 'charset', charset, 'body', hex(body))
                 FROM contents ORDER BY sha1",
            ),
            (
                "text",
                "SELECT json_object('key', key, 'templated', templated, 'body', body)
                 FROM texts ORDER BY key",
            ),
            (
                "version",
                "SELECT json_object('domain', d.name, 'seq', v.seq, 'text_hash', v.text_hash,
                     'title', v.title, 'url', v.url, 'first_seen', v.first_seen,
                     'last_seen', v.last_seen, 'capture_count', v.capture_count,
                     'first_capture', f.url || ' ' || f.timestamp,
                     'last_capture', l.url || ' ' || l.timestamp, 'snapshot_url', v.snapshot_url,
                     'fields', json(v.fields), 'converter', v.converter,
                     'fields_version', v.fields_version, 'rebuilt', v.rebuilt,
                     'policy_host', v.policy_host, 'relation', v.relation,
                     'captures_checked', v.captures_checked,
                     'captures_inferred', v.captures_inferred, 'parked', v.parked,
                     'markdown', v.markdown, 'document_type', d.document_type)
                 FROM versions v JOIN domains d ON d.id = v.domain_id
                 JOIN captures f ON f.id = v.first_capture_id
                 JOIN captures l ON l.id = v.last_capture_id
                 ORDER BY d.name, d.document_type, v.seq",
            ),
            (
                "discovery",
                "SELECT json_object('domain', d.name, 'period_start', x.period_start,
                     'period_end', x.period_end, 'policy_url', x.policy_url, 'method', x.method,
                     'homepage_url', x.homepage_url, 'homepage_timestamp', x.homepage_timestamp,
                     'link_text', x.link_text, 'score', x.score, 'candidates', json(x.candidates),
                     'note', x.note, 'document_type', d.document_type)
                 FROM discoveries x JOIN domains d ON d.id = x.domain_id
                 ORDER BY d.name, d.document_type, x.period_start, x.period_end",
            ),
        ];
        for (kind, sql) in queries {
            let mut statement = self.conn.prepare(sql)?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let json: String = row.get(0)?;
                writeln!(out, "{{\"{kind}\":{json}}}").map_err(io)?;
            }
        }
        Ok(())
    }
}

/// [`Store::sync_versions`] inside a transaction; `rebuild_id` marks what a rebuild changed.
pub(crate) fn sync_versions_in(
    tx: &Transaction<'_>,
    domain_id: i64,
    wanted: &[NewVersion],
    rebuild_id: Option<i64>,
) -> Result<u64> {
    let existing: Vec<(String, String)> = {
        let mut statement =
            tx.prepare("SELECT text_hash, first_seen FROM versions WHERE domain_id = ?1")?;
        let rows = statement.query_map([domain_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    let marks = texts::rebuilt_marks(tx, domain_id, wanted, rebuild_id)?;
    let mut added = 0;
    for (index, (version, (rebuilt, rebuilt_by))) in wanted.iter().zip(marks).enumerate() {
        let seq = index as i64 + 1;
        let known = existing
            .iter()
            .any(|(hash, first)| *hash == version.text_hash && *first == version.first_seen);
        if !known {
            added += 1;
        }
        tx.execute(
            "INSERT INTO versions (domain_id, seq, text_hash, title, markdown, url,
                 first_capture_id, last_capture_id, first_seen, last_seen, capture_count,
                 snapshot_url, fields, converter, fields_version, rebuilt, rebuild_id, policy_host,
                 relation, captures_checked, captures_inferred, parked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21, ?22)
             ON CONFLICT (domain_id, seq) DO UPDATE SET
                 text_hash = excluded.text_hash, title = excluded.title,
                 markdown = excluded.markdown, url = excluded.url,
                 first_capture_id = excluded.first_capture_id,
                 last_capture_id = excluded.last_capture_id,
                 first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                 capture_count = excluded.capture_count,
                 snapshot_url = excluded.snapshot_url, fields = excluded.fields,
                 converter = excluded.converter, fields_version = excluded.fields_version,
                 rebuilt = excluded.rebuilt, rebuild_id = excluded.rebuild_id,
                 policy_host = excluded.policy_host, relation = excluded.relation,
                 captures_checked = excluded.captures_checked,
                 captures_inferred = excluded.captures_inferred,
                 parked = excluded.parked",
            params![
                domain_id,
                seq,
                version.text_hash,
                version.title,
                version.markdown,
                version.url,
                version.first_capture_id,
                version.last_capture_id,
                version.first_seen,
                version.last_seen,
                version.capture_count,
                version.snapshot_url,
                version.fields,
                version.converter,
                version.fields_version,
                rebuilt,
                rebuilt_by,
                version.policy_host,
                version.relation,
                version.captures_checked,
                version.captures_inferred,
                version.parked,
            ],
        )?;
    }
    tx.execute(
        "DELETE FROM versions WHERE domain_id = ?1 AND seq > ?2",
        params![domain_id, wanted.len() as i64],
    )?;
    Ok(added)
}

/// Archived headers as stored: a JSON array of `[name, value]` pairs.
fn headers_json(headers: Option<&[(String, String)]>) -> Option<String> {
    headers.map(|h| serde_json::to_string(h).unwrap_or_else(|_| "[]".into()))
}

/// The raw bytes of a stored (zlib) content.
pub(crate) fn inflate(sha1: &str, compressed: &[u8]) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .read_to_end(&mut body)
        .map_err(|source| StoreError::Io {
            context: format!("content {sha1} is corrupt"),
            source,
        })?;
    Ok(body)
}

const DOMAIN_COLUMNS: &str = "id, name, added_at, crawl_interval_days, last_crawled_at, homepage_cursor, policy_cursor, state, last_error, document_type";

/// Sorts rows by their `document_type` column in [`DocumentType`] order.
pub(crate) const TYPE_ORDER: &str = "CASE document_type WHEN 'Privacy Policy' THEN 0 WHEN 'Terms of Service' THEN 1 WHEN 'Trackers Policy' THEN 2 ELSE 3 END";

fn domain_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Domain> {
    Ok(Domain {
        id: row.get(0)?,
        name: row.get(1)?,
        added_at: row.get(2)?,
        crawl_interval_days: row.get(3)?,
        last_crawled_at: row.get(4)?,
        homepage_cursor: row.get(5)?,
        policy_cursor: row.get(6)?,
        state: row.get(7)?,
        last_error: row.get(8)?,
        document_type: {
            let name: String = row.get(9)?;
            DocumentType::from_any_name(&name).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    9,
                    rusqlite::types::Type::Text,
                    format!("unknown document type {name:?}").into(),
                )
            })?
        },
    })
}

fn insert_capture(tx: &Transaction<'_>, domain_id: i64, capture: &CaptureRecord) -> Result<usize> {
    let (state, note, fetched) = match &capture.state {
        InitialState::Pending => ("pending", None, None),
        InitialState::Done(result) => ("done", result.note.as_deref(), Some(result)),
        InitialState::Skipped(note) => ("skipped", Some(note.as_str()), None),
    };
    Ok(tx.execute(
        "INSERT OR IGNORE INTO captures (domain_id, role, url, timestamp, digest, status,
             mimetype, length, fetch_state, note, content_sha1, found_url, found_timestamp,
             found_status, digest_check, text_hash, attempts, archived_headers, headers_kept)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19)",
        params![
            domain_id,
            capture.role.as_str(),
            capture.url,
            capture.timestamp,
            capture.digest,
            capture.status,
            capture.mimetype,
            capture.length.map(|l| l as i64),
            state,
            note,
            fetched.map(|f| &f.content_sha1),
            fetched.map(|f| &f.found_url),
            fetched.map(|f| &f.found_timestamp),
            fetched.map(|f| f.found_status),
            fetched.map(|f| &f.digest_check),
            fetched.and_then(|f| f.text_hash.as_ref()),
            i64::from(fetched.is_some()),
            fetched.and_then(|f| headers_json(f.archived_headers.as_deref())),
            i64::from(fetched.is_some()),
        ],
    )?)
}

#[cfg(test)]
mod tests;
