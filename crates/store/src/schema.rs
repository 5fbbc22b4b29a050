//! The schema, as versioned migrations (`PRAGMA user_version`). Append new migrations; never
//! edit one that has shipped.

use rusqlite_migration::{M, Migrations};

/// Migration 1: the first schema. Each table says what one row is.
const V1: &str = r#"
-- One row per domain a user asked for (lowercase host, e.g. focuscamera.com).
CREATE TABLE domains (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    added_at            TEXT NOT NULL,              -- RFC 3339 UTC
    crawl_interval_days INTEGER,                    -- per-domain interval for --due; NULL: the default
    last_crawled_at     TEXT,                       -- end of the last complete crawl of the domain
    homepage_cursor     TEXT,                       -- newest homepage capture listed (14 digits)
    policy_cursor       TEXT,                       -- newest candidate policy capture listed
    state               TEXT NOT NULL DEFAULT 'new' -- new | ok | blocked | failed
                        CHECK (state IN ('new', 'ok', 'blocked', 'failed')),
    last_error          TEXT
);

-- Other sites a domain moved to (a rebrand seen as an archived homepage redirect).
CREATE TABLE domain_aliases (
    domain_id     INTEGER NOT NULL REFERENCES domains(id),
    host          TEXT NOT NULL,
    since         TEXT NOT NULL,                    -- the redirect capture that revealed it
    policy_cursor TEXT,
    PRIMARY KEY (domain_id, host)
);

-- Raw capture bytes, once per SHA-1, zlib-compressed.
CREATE TABLE contents (
    sha1         TEXT PRIMARY KEY,                  -- base32 SHA-1 of the raw bytes
    body         BLOB NOT NULL,                     -- zlib (RFC 1950) of the raw bytes
    raw_length   INTEGER NOT NULL,
    content_type TEXT,                              -- archived Content-Type
    charset      TEXT,                              -- encoding the text was decoded from
    fetched_at   TEXT NOT NULL
);

-- Every CDX row the crawl used: homepage samples it read, and policy captures.
CREATE TABLE captures (
    id              INTEGER PRIMARY KEY,
    domain_id       INTEGER NOT NULL REFERENCES domains(id),
    role            TEXT NOT NULL CHECK (role IN ('homepage', 'policy')),
    url             TEXT NOT NULL,                  -- CDX original
    timestamp       TEXT NOT NULL,                  -- CDX timestamp, 14 digits
    digest          TEXT NOT NULL,                  -- CDX digest
    status          INTEGER,                        -- CDX statuscode (NULL for '-')
    mimetype        TEXT NOT NULL,
    length          INTEGER,
    fetch_state     TEXT NOT NULL DEFAULT 'pending' -- pending | done | skipped | gone
                    CHECK (fetch_state IN ('pending', 'done', 'skipped', 'gone')),
    content_sha1    TEXT REFERENCES contents(sha1),
    found_url       TEXT,                           -- URL really served (after redirects)
    found_timestamp TEXT,                           -- its capture time
    found_status    INTEGER,
    digest_check    TEXT,                           -- match | mismatch | not-checked
    text_hash       TEXT,                           -- hash of the policy text (NULL: no text)
    note            TEXT,                           -- why skipped or gone, or the last error
    attempts        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (domain_id, role, url, timestamp)
);
CREATE INDEX captures_by_digest ON captures(digest);
CREATE INDEX captures_by_state ON captures(domain_id, role, fetch_state);

-- One row per distinct policy text of a domain, in time order: valid from first_seen until
-- the next version's first_seen.
CREATE TABLE versions (
    id               INTEGER PRIMARY KEY,
    domain_id        INTEGER NOT NULL REFERENCES domains(id),
    seq              INTEGER NOT NULL,              -- 1, 2, 3... per domain
    text_hash        TEXT NOT NULL,
    title            TEXT,
    markdown         TEXT NOT NULL,                 -- corpus-style Markdown of the first capture
    url              TEXT NOT NULL,                 -- where the first capture was found
    first_capture_id INTEGER NOT NULL REFERENCES captures(id),
    last_capture_id  INTEGER NOT NULL REFERENCES captures(id),
    first_seen       TEXT NOT NULL,                 -- 14 digits
    last_seen        TEXT NOT NULL,
    capture_count    INTEGER NOT NULL,
    UNIQUE (domain_id, seq)
);

-- What discovery decided for each span of candidate captures, and why.
CREATE TABLE discoveries (
    id                 INTEGER PRIMARY KEY,
    domain_id          INTEGER NOT NULL REFERENCES domains(id),
    run_id             INTEGER REFERENCES crawl_runs(id),
    period_start       TEXT NOT NULL,               -- first candidate capture of the span
    period_end         TEXT NOT NULL,               -- last candidate capture of the span
    policy_url         TEXT,                        -- the URL chosen (NULL: none)
    method             TEXT NOT NULL,               -- homepage-link | confirmed | url-keywords | none
    homepage_url       TEXT,
    homepage_timestamp TEXT,
    link_text          TEXT,
    score              REAL,
    candidates         TEXT NOT NULL,               -- JSON array of the candidate URLs
    UNIQUE (domain_id, period_start, period_end)
);

-- One row per `crawler crawl` invocation.
CREATE TABLE crawl_runs (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    finished_at       TEXT,
    status            TEXT NOT NULL                 -- running | completed | halted | interrupted | failed
                      CHECK (status IN ('running', 'completed', 'halted', 'interrupted', 'failed')),
    settings          TEXT NOT NULL,                -- JSON of the settings in force
    domains_total     INTEGER NOT NULL DEFAULT 0,
    domains_done      INTEGER NOT NULL DEFAULT 0,
    captures_listed   INTEGER NOT NULL DEFAULT 0,
    captures_fetched  INTEGER NOT NULL DEFAULT 0,
    versions_new      INTEGER NOT NULL DEFAULT 0,
    cdx_requests      INTEGER NOT NULL DEFAULT 0,
    playback_requests INTEGER NOT NULL DEFAULT 0,
    errors            INTEGER NOT NULL DEFAULT 0,
    message           TEXT
);
CREATE INDEX discoveries_by_domain ON discoveries(domain_id, period_start);
CREATE INDEX versions_by_domain ON versions(domain_id, first_seen);
"#;

/// Migration 2: the fields extracted from each version, and its snapshot URL.
const V2: &str = r#"
ALTER TABLE versions ADD COLUMN snapshot_url TEXT;   -- the archive's id_ URL of the first capture
ALTER TABLE versions ADD COLUMN fields TEXT;         -- JSON of fields::PolicyFields
"#;

/// Migration 3: where each URL's rows ended in the last listing, so that a listing resumed
/// after its cursor can drop the row that digest-collapse hid from the whole listing.
const V3: &str = r#"
-- The last row listed per URL key of one listing (the domain's candidates, or an alias's).
CREATE TABLE listing_tails (
    domain_id INTEGER NOT NULL REFERENCES domains(id),
    listing   TEXT NOT NULL,                        -- '' for the domain's own listing, else the alias host
    urlkey    TEXT NOT NULL,                        -- CDX urlkey (SURT)
    timestamp TEXT NOT NULL,                        -- 14 digits
    digest    TEXT NOT NULL,
    PRIMARY KEY (domain_id, listing, urlkey)
);
"#;

/// Migration 4: texts kept at fetch time (each capture converted once), the tooling that made
/// each version, and `crawler rebuild` runs.
const V4: &str = r#"
-- One row per distinct converted body: the Markdown after the `# TITLE` line, with the
-- capture's own timestamp in archive links written `/{{timestamp}}id_/` when `templated`
-- (policy_text::document::BodyTemplate), so that one row serves every capture of the text.
CREATE TABLE texts (
    key       TEXT PRIMARY KEY,                     -- BodyTemplate::key (base32 SHA-1)
    body      TEXT NOT NULL,
    templated INTEGER NOT NULL CHECK (templated IN (0, 1))
);
ALTER TABLE captures ADD COLUMN text_key TEXT REFERENCES texts(key);  -- NULL: no text kept
ALTER TABLE captures ADD COLUMN title TEXT;                           -- the converted page's title
ALTER TABLE captures ADD COLUMN converter TEXT;                       -- policy_text::CONVERTER_VERSION
CREATE INDEX captures_by_content ON captures(content_sha1, found_url);

-- One row per `crawler rebuild` that wrote (dry runs write nothing).
CREATE TABLE rebuilds (
    id             INTEGER PRIMARY KEY,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    status         TEXT NOT NULL                    -- running | completed | interrupted
                   CHECK (status IN ('running', 'completed', 'interrupted')),
    converter      TEXT NOT NULL,                   -- the converter it re-derived texts with
    fields_version TEXT NOT NULL,                   -- the fields extractor it used
    report         TEXT                             -- JSON: what changed, per domain
);
ALTER TABLE versions ADD COLUMN converter TEXT;       -- converter of the version's text (NULL: before texts were kept)
ALTER TABLE versions ADD COLUMN fields_version TEXT;  -- fields::VERSION of `fields`
ALTER TABLE versions ADD COLUMN rebuilt TEXT          -- NULL: as a crawl found it; text: its text was
                                 CHECK (rebuilt IN ('text', 'split')); -- re-derived; split: a rebuild found its start
ALTER TABLE versions ADD COLUMN rebuild_id INTEGER REFERENCES rebuilds(id);
"#;

/// Migration 5: where each version's policy lived, and why discovery chose or refused a link.
const V5: &str = r#"
ALTER TABLE discoveries ADD COLUMN note TEXT;        -- why the link was chosen or refused
ALTER TABLE versions ADD COLUMN policy_host TEXT;    -- host of the version's URL (www. kept)
ALTER TABLE versions ADD COLUMN relation TEXT        -- same-site | alias | linked-offsite
                     CHECK (relation IN ('same-site', 'alias', 'linked-offsite'));
"#;

/// Migration 6: the archived response headers of each capture read, for the WARC export.
const V6: &str = r#"
ALTER TABLE captures ADD COLUMN archived_headers TEXT;  -- JSON [[name, value], ...] of the archived
                                                        -- response (x-archive-orig-*, prefix removed); NULL: not kept
ALTER TABLE captures ADD COLUMN headers_kept INTEGER NOT NULL DEFAULT 0  -- 1: recorded by a crawler that keeps them
                     CHECK (headers_kept IN (0, 1));    -- (NULL headers then: its bytes were reused, not downloaded)
"#;

/// Migration 7: what the change-point search observed and what it inferred.
const V7: &str = r#"
ALTER TABLE captures ADD COLUMN inferred INTEGER NOT NULL DEFAULT 0  -- 1: not downloaded, inside a
                     CHECK (inferred IN (0, 1));                   -- span whose two ends hold one text
ALTER TABLE versions ADD COLUMN captures_checked INTEGER;   -- captures of the version downloaded (or reused)
ALTER TABLE versions ADD COLUMN captures_inferred INTEGER;  -- captures inside its settled spans, not downloaded
"#;

/// Migration 8: captures that are not a policy at all, and versions whose text is a
/// registrar's or parking service's template.
const V8: &str = r#"
ALTER TABLE captures ADD COLUMN not_policy TEXT      -- NULL: a policy (or no text); else why not
                     CHECK (not_policy IN ('soft-404', 'error-page', 'login-wall', 'archive-page',
                                           'access-denied', 'rate-limited'));
ALTER TABLE versions ADD COLUMN parked TEXT          -- NULL: not parked; else the cue: words | link
                     CHECK (parked IN ('words', 'link'));
"#;

/// Migration 9: document types. A `domains` row is now one domain's history of one type of
/// document ("Privacy Policy", "Terms of Service", "Trackers Policy", "Imprint", as Open Terms
/// Archive names them), so every table keyed by `domain_id` is keyed by (domain, type). Rows
/// made before are privacy policies. SQLite cannot drop a UNIQUE constraint in place: the table
/// is copied (ids kept, so every reference still holds) and renamed, with foreign keys off
/// (`Store::prepare` turns them on after migrating) and checked once the copy is in place.
const V9: &str = r#"
CREATE TABLE domains_v9 (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,              -- lowercase host, e.g. focuscamera.com
    document_type       TEXT NOT NULL DEFAULT 'Privacy Policy'
                        CHECK (document_type IN ('Privacy Policy', 'Terms of Service',
                                                 'Trackers Policy', 'Imprint')),
    added_at            TEXT NOT NULL,              -- RFC 3339 UTC
    crawl_interval_days INTEGER,                    -- per-domain interval for --due; NULL: the default
    last_crawled_at     TEXT,                       -- end of the last complete crawl of the domain
    homepage_cursor     TEXT,                       -- newest homepage capture listed (14 digits)
    policy_cursor       TEXT,                       -- newest candidate document capture listed
    state               TEXT NOT NULL DEFAULT 'new' -- new | ok | blocked | failed
                        CHECK (state IN ('new', 'ok', 'blocked', 'failed')),
    last_error          TEXT,
    UNIQUE (name, document_type)
);
INSERT INTO domains_v9 (id, name, added_at, crawl_interval_days, last_crawled_at,
                        homepage_cursor, policy_cursor, state, last_error)
    SELECT id, name, added_at, crawl_interval_days, last_crawled_at, homepage_cursor,
           policy_cursor, state, last_error
    FROM domains;
DROP TABLE domains;
ALTER TABLE domains_v9 RENAME TO domains;
"#;

/// All migrations, oldest first.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9).foreign_key_check(),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
