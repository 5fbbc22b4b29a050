//! `assemble`: a body made elsewhere gets the same document layout as `convert` gives.

#[test]
fn assembled_document_has_header_title_and_body() {
    let snapshot = "https://web.archive.org/web/20200102030405id_/https://example.com/privacy.pdf";
    let body = "We collect little.\n\n## Rights\n\nAsk us.\n";
    let doc = policy_text::assemble(
        "example.com",
        snapshot,
        Some("  Privacy\n Policy "),
        body,
        "pdf",
    )
    .unwrap();
    let header = policy_text::document::header_line(
        "example.com",
        document_type::DocumentType::Privacy,
        snapshot,
    )
    .unwrap();
    assert_eq!(
        doc.markdown,
        format!("{header}\n\n# Privacy Policy\n\n{body}")
    );
    assert_eq!(doc.title.as_deref(), Some("Privacy Policy"));
    assert_eq!(doc.body(), format!("\n{body}"));
    let parsed = policy_text::document::Document::parse(&doc.markdown);
    assert_eq!(parsed.body, doc.body());
    assert_eq!(doc.encoding, "pdf");
}

#[test]
fn assemble_refuses_a_bad_snapshot_url() {
    let error = policy_text::assemble("example.com", "https://example.com/x", None, "x\n", "pdf");
    assert!(matches!(
        error,
        Err(policy_text::ConvertError::BadSnapshotUrl(_))
    ));
}
