//! The whole converter on the reference corpus pairs (`tests/corpus/dev`): every `.html` must
//! become its `.md`, byte for byte.

use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/dev")
}

#[test]
fn every_corpus_pair_is_reproduced_byte_for_byte() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for path in &names {
        let text = std::fs::read_to_string(path).expect("read page");
        let expected = std::fs::read_to_string(path.with_extension("md")).expect("read markdown");
        let (header, page) = policy_text::split_corpus_file(&text).expect("corpus header");
        let document = policy_text::convert(
            page.as_bytes(),
            Some("text/html; charset=utf-8"),
            &header.domain,
            &header.snapshot_url,
        )
        .expect("converts");
        if document.markdown != expected {
            let line = document
                .markdown
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| {
                    document
                        .markdown
                        .lines()
                        .count()
                        .min(expected.lines().count())
                });
            failures.push(format!(
                "{}: line {}: ours {:?} / corpus {:?}",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                line + 1,
                document.markdown.lines().nth(line).unwrap_or("<end>"),
                expected.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert_eq!(names.len(), 18, "the 18 dev pairs");
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn snapshot_urls_are_written_as_the_corpus_writes_them() {
    assert_eq!(
        policy_text::snapshot_url(
            "https://web.archive.org",
            "20131226224735",
            "http://www.godaddy.com/agreements/ShowDoc.aspx?pageid=privacy_parkedpage"
        ),
        "https://web.archive.org/web/20131226224735id_/http%3A//www.godaddy.com/agreements/ShowDoc.aspx%3Fpageid%3Dprivacy_parkedpage"
    );
    assert_eq!(
        policy_text::snapshot_url(
            "https://web.archive.org/",
            "20200101000000",
            "https://x.com/privé~a"
        ),
        "https://web.archive.org/web/20200101000000id_/https%3A//x.com/priv%C3%A9~a"
    );
}

#[test]
fn no_title_gives_none_and_bad_input_never_panics() {
    let url = "https://web.archive.org/web/20110523074248id_/http%3A//kitchensurfing.com/privacy";
    let document =
        policy_text::convert(b"<p>short</p>", None, "kitchensurfing.com", url).expect("converts");
    assert!(document.markdown.contains("archived on 2011-05-23."));
    assert!(document.markdown.contains("\n\n# None\n\n"));
    assert!(
        policy_text::convert(
            b"<p>x</p>",
            None,
            "x.com",
            "https://example.com/no-timestamp"
        )
        .is_err()
    );
    for input in [
        &b""[..],
        b"\xff\xfe\x00\x01garbage",
        b"<<<>>>&&&;;",
        b"<table><tr><td><table><tr><td>",
        // Found by cargo fuzz: an attribute without a name, then a multi-byte character.
        b"<<XX\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0+\n\n='\x80'\xff\x01\x0c>\xf4\xff\xff\xff\xfe\xc2\xf3\x02\0\0\0\0\0\0\0>\xf4\xff\xff\xff\xfe\xc2\xf3\xc3!\x0c<!@",
    ] {
        assert!(policy_text::convert(input, None, "x.com", url).is_ok());
    }
    let deep = "<div><ul><li>".repeat(300);
    assert!(policy_text::convert(deep.as_bytes(), None, "x.com", url).is_ok());
    // Nesting no real page has is a clear error, not minutes of work.
    let abusive = "<div><ul><li>".repeat(2_000);
    let error = policy_text::convert(abusive.as_bytes(), None, "x.com", url)
        .expect_err("too deep to be a document");
    assert!(error.to_string().contains("levels deep"), "{error}");
}
