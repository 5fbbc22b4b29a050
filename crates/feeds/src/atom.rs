//! The Atom 1.0 feeds (`DIR/DOMAIN.atom`, `DIR/all.atom`) and the HTML diff page of each change
//! (`DIR/DOMAIN/vN.html`), each written atomically and only when its bytes change.

use std::io::Write as _;
use std::path::Path;

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use policy_diff::{Format, Selection, VersionView};

use crate::{Change, FeedError, Version, time_of};

/// At most this many entries, the newest, are kept in `all.atom` (a domain's own feed holds its
/// whole history).
pub const MAX_STORE_ENTRIES: usize = 500;

/// Writes `domain`'s feed (`DIR/DOMAIN.atom`, newest entry first) and the diff page of each
/// change (`DIR/DOMAIN/vN.html`) from its `versions` and their [`changes`](crate::changes);
/// returns the feed's entries (for [`write_store_feed`]). A domain without versions gets no
/// feed.
pub fn write_domain_feed(
    dir: &Path,
    domain: &str,
    versions: &[Version<'_>],
    changes: &[Change],
) -> Result<Vec<Entry>, FeedError> {
    check_domain(domain)?;
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let views: Vec<VersionView<'_>> = versions.iter().map(|v| v.view).collect();
    let pages = dir.join(domain);
    let mut entries = Vec::with_capacity(changes.len());
    for change in changes {
        if let (Some(page), Some(at)) = (
            change.diff_page(),
            views.iter().position(|v| v.seq == change.seq),
        ) && at > 0
        {
            std::fs::create_dir_all(&pages).map_err(|source| FeedError::Write {
                path: pages.display().to_string(),
                source,
            })?;
            let html = policy_diff::render(
                domain,
                &views,
                Selection::Pair {
                    from: at - 1,
                    to: at,
                },
                Format::Html,
                false,
            )
            // Both indexes are versions of `views`: a failure would be this crate's bug.
            .map_err(|error| FeedError::Write {
                path: page.clone(),
                source: std::io::Error::other(error.to_string()),
            })?;
            write_if_changed(&dir.join(&page), html.as_bytes())?;
        }
        entries.push(entry(domain, change)?);
    }
    entries.reverse();
    let feed = feed(
        &format!("tag:crawler,2026:{domain}"),
        &format!("Privacy policy of {}: versions", xml_safe(domain)),
        entries.clone(),
    );
    write_feed(&dir.join(format!("{domain}.atom")), &feed)?;
    Ok(entries)
}

/// The entries of `domain`'s feed as written by an earlier run (`None` when there is none yet).
pub fn read_domain_feed(dir: &Path, domain: &str) -> Result<Option<Vec<Entry>>, FeedError> {
    check_domain(domain)?;
    let path = dir.join(format!("{domain}.atom"));
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(FeedError::Read {
                path: path.display().to_string(),
                detail: error.to_string(),
            });
        }
    };
    let feed = Feed::read_from(std::io::BufReader::new(file)).map_err(|error| FeedError::Read {
        path: path.display().to_string(),
        detail: error.to_string(),
    })?;
    Ok(Some(feed.entries))
}

/// Writes `DIR/all.atom`: the newest [`MAX_STORE_ENTRIES`] of `entries` (every domain's),
/// newest first. Returns how many it holds.
pub fn write_store_feed(dir: &Path, mut entries: Vec<Entry>) -> Result<usize, FeedError> {
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    entries.dedup_by(|a, b| a.id == b.id);
    entries.truncate(MAX_STORE_ENTRIES);
    let count = entries.len();
    let feed = feed(
        "tag:crawler,2026:all",
        "Privacy policy changes: every domain of the store",
        entries,
    );
    write_feed(&dir.join("all.atom"), &feed)?;
    Ok(count)
}

/// A domain name is a file name here: refuse anything that could leave the folder.
fn check_domain(domain: &str) -> Result<(), FeedError> {
    let fine = !domain.is_empty()
        && !domain.starts_with('.')
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if fine {
        Ok(())
    } else {
        Err(FeedError::BadDomain(domain.to_owned()))
    }
}

/// One entry: the version's time as `updated` and `published` (not the run's), its id, links to
/// the diff page (changes), the archived capture and the policy URL, and what changed.
fn entry(domain: &str, change: &Change) -> Result<Entry, FeedError> {
    let time: FixedDateTime = time_of(domain, change.seq, &change.key.first_seen)?.fixed_offset();
    let date = time.format("%Y-%m-%d");
    let mut entry = Entry::default();
    entry.set_id(change.entry_id.clone());
    entry.set_title(Text::plain(match change.previous_seq {
        Some(_) => format!("{domain}: privacy policy changed (v{}, {date})", change.seq),
        None => format!(
            "{domain}: first privacy policy version (v{}, {date})",
            change.seq
        ),
    }));
    entry.set_updated(time);
    entry.set_published(Some(time));
    let mut links = Vec::new();
    let alternate = change
        .diff_page()
        .or_else(|| change.snapshot_url.as_deref().map(xml_safe))
        .unwrap_or_else(|| xml_safe(&change.url));
    links.push(link(&alternate, "alternate", "text/html", "the change"));
    if change.previous_seq.is_some()
        && let Some(snapshot) = &change.snapshot_url
    {
        links.push(link(
            &xml_safe(snapshot),
            "via",
            "text/html",
            "the archived capture",
        ));
    }
    links.push(link(
        &xml_safe(&change.url),
        "related",
        "text/html",
        "the policy's URL",
    ));
    entry.set_links(links);
    entry.set_summary(Some(Text::plain(xml_safe(&change.summary()))));
    let mut content = Content::default();
    content.set_content_type(Some("text".to_owned()));
    content.set_value(Some(xml_safe(&content_text(change))));
    entry.set_content(Some(content));
    Ok(entry)
}

/// The entry's text: field changes one per line, the word counts, the links.
fn content_text(change: &Change) -> String {
    let mut text = String::new();
    if let Some(title) = &change.title {
        text.push_str(&format!("Title: {title}\n"));
    }
    match change.previous_seq {
        None => text.push_str("First version seen.\n"),
        Some(previous) => {
            text.push_str(&format!("Changes from v{previous} to v{}:\n", change.seq));
            for field in &change.field_changes {
                text.push_str(&format!("  {}\n", field.summary));
            }
            if let Some(stats) = change.stats {
                text.push_str(&format!("Text: {}\n", crate::words_summary(stats)));
            }
        }
    }
    if let Some(page) = change.diff_page() {
        text.push_str(&format!("Diff: {page}\n"));
    }
    text.push_str(&format!("Policy URL: {}\n", change.url));
    if let Some(snapshot) = &change.snapshot_url {
        text.push_str(&format!("Archived capture: {snapshot}\n"));
    }
    text
}

fn link(href: &str, rel: &str, mime_type: &str, title: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href.to_owned());
    link.set_rel(rel.to_owned());
    link.set_mime_type(Some(mime_type.to_owned()));
    link.set_title(Some(title.to_owned()));
    link
}

/// A feed of `entries` (already in order); `updated` is the newest entry's time, so a rerun
/// that adds nothing writes the same bytes.
fn feed(id: &str, title: &str, entries: Vec<Entry>) -> Feed {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| chrono::DateTime::<chrono::Utc>::UNIX_EPOCH.fixed_offset());
    let mut author = Person::default();
    author.set_name("crawler".to_owned());
    let mut generator = Generator::default();
    generator.set_value("crawler".to_owned());
    generator.set_version(Some(env!("CARGO_PKG_VERSION").to_owned()));
    let mut feed = Feed::default();
    feed.set_id(id.to_owned());
    feed.set_title(Text::plain(title.to_owned()));
    feed.set_updated(updated);
    feed.set_authors(vec![author]);
    feed.set_generator(Some(generator));
    feed.set_entries(entries);
    feed
}

fn write_feed(path: &Path, feed: &Feed) -> Result<(), FeedError> {
    // `write_to` starts with the XML declaration itself.
    let mut xml = feed
        .write_to(Vec::new())
        .map_err(|error| FeedError::Write {
            path: path.display().to_string(),
            source: std::io::Error::other(error.to_string()),
        })?;
    xml.push(b'\n');
    write_if_changed(path, &xml)
}

/// Replaces `path` with `bytes` (atomically) unless it holds them already.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), FeedError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let mut file = export::AtomicFile::create(path)?;
    file.writer()
        .write_all(bytes)
        .map_err(|source| FeedError::Write {
            path: path.display().to_string(),
            source,
        })?;
    file.commit()?;
    Ok(())
}

/// `text` with the characters XML 1.0 forbids (control characters other than tab and line
/// breaks, surrogates' stand-ins, U+FFFE/U+FFFF) replaced by U+FFFD: archived text holds them.
pub(crate) fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            _ => c,
        })
        .collect()
}
