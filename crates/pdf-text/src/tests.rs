use super::*;
use crate::sample::{assemble, image_pdf, pdf_with_contents, stream, text_pdf};
use std::io::Write;

const BODY: f64 = 11.0;

fn policy_pages() -> Vec<Vec<(f64, &'static str)>> {
    vec![
        vec![
            (20.0, "Privacy Policy"),
            (BODY, ""),
            (BODY, "We collect the data you give us when you create an"),
            (BODY, "account, and the data your browser sends automat-"),
            (BODY, "ically with every request."),
            (BODY, ""),
            (BODY, "We keep it for two years."),
            (BODY, ""),
            (BODY, "1"),
        ],
        vec![
            (15.0, "Your rights"),
            (BODY, ""),
            (BODY, "You may ask for a copy of your data at any time."),
            (BODY, ""),
            (BODY, "2"),
        ],
    ]
}

fn policy_pdf(title: Option<&str>) -> Vec<u8> {
    let pages = policy_pages();
    let refs: Vec<&[(f64, &str)]> = pages.iter().map(Vec::as_slice).collect();
    text_pdf(title, &refs)
}

#[test]
fn text_pdf_gives_paragraphs_headings_and_title() {
    let text = extract(&policy_pdf(None)).unwrap();
    assert_eq!(text.pages, 2);
    assert_eq!(text.title.as_deref(), Some("Privacy Policy"));
    assert_eq!(
        text.markdown,
        "We collect the data you give us when you create an account, and the data your browser \
         sends automatically with every request.\n\n\
         We keep it for two years.\n\n\
         ## Your rights\n\n\
         You may ask for a copy of your data at any time.\n"
    );
}

#[test]
fn info_title_wins_and_first_heading_stays() {
    let text = extract(&policy_pdf(Some("Example Ltd (privacy)"))).unwrap();
    assert_eq!(text.title.as_deref(), Some("Example Ltd (privacy)"));
    assert!(text.markdown.starts_with("## Privacy Policy\n\nWe collect"));
}

#[test]
fn running_footers_are_dropped() {
    let pages: Vec<Vec<(f64, &str)>> = (0..4)
        .map(|_| {
            vec![
                (BODY, "Example Ltd privacy notice"),
                (BODY, ""),
                (BODY, "A sentence of the body that goes on."),
                (BODY, ""),
                (BODY, "Page 1 of 4"),
            ]
        })
        .collect();
    let refs: Vec<&[(f64, &str)]> = pages.iter().map(Vec::as_slice).collect();
    let text = extract(&text_pdf(None, &refs)).unwrap();
    assert!(!text.markdown.contains("Example Ltd"), "{}", text.markdown);
    assert!(!text.markdown.contains("Page"), "{}", text.markdown);
    assert_eq!(text.markdown.matches("A sentence of the body").count(), 4);
}

#[test]
fn kerned_runs_join_into_words() {
    let content = b"BT /F1 11 Tf 72 700 Td [(Pri) -10 (vacy) -300 (matters)] TJ ET\n\
                    BT /F1 11 Tf 72 686 Td (to us.) Tj ET"
        .to_vec();
    let text = extract(&pdf_with_contents(None, &[content], "", &[])).unwrap();
    assert_eq!(text.markdown, "Privacy matters to us.\n");
}

#[test]
fn outline_entries_become_headings() {
    // Catalog with /Outlines: rebuilt by hand, as the sample catalog has none.
    let content = b"BT /F1 11 Tf 72 700 Td (Cookies) Tj ET\nBT /F1 11 Tf 72 670 Td (We use two cookies.) Tj ET".to_vec();
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>".to_vec(),
        stream("", &content),
        b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>".to_vec(),
        b"<< /Title (Cookies) /Parent 6 0 R /Dest [4 0 R /XYZ 0 792 0] >>".to_vec(),
    ];
    let text = extract(&assemble(&objects, "")).unwrap();
    assert_eq!(text.title.as_deref(), Some("Cookies"));
    assert_eq!(text.markdown, "We use two cookies.\n");
}

#[test]
fn scanned_pdf_has_no_text_layer() {
    let error = extract(&image_pdf(3)).unwrap_err();
    assert_eq!(error, PdfError::NoTextLayer { pages: 3 });
    assert!(error.to_string().contains("no text layer"));
}

#[test]
fn not_a_pdf() {
    assert_eq!(extract(b"<html>hi</html>").unwrap_err(), PdfError::NotPdf);
    assert!(is_pdf(b"\n%PDF-1.4", Some("application/pdf; qs=0.1")));
    assert!(!is_pdf(b"<html>not found</html>", Some("application/pdf")));
    assert!(!is_pdf(b"<p>see %PDF-1.4</p>", Some("text/html")));
    assert!(is_pdf(b"%PDF-1.7\n", Some("text/html")));
    assert!(!is_pdf(b"<html>", Some("text/html")));
}

#[test]
fn truncated_files_fail_cleanly() {
    let whole = policy_pdf(None);
    for cut in [10, 100, whole.len() / 2, whole.len() - 30] {
        match extract(&whole[..cut]) {
            Err(PdfError::Malformed(_) | PdfError::NoPages | PdfError::NoTextLayer { .. }) => {}
            // Lenient loading rebuilds what it can: then every line is one of the whole's.
            Ok(text) => {
                let full = extract(&whole).unwrap().markdown;
                for line in text.markdown.lines() {
                    assert!(full.lines().any(|l| l == line), "{cut}: {line:?}");
                }
            }
            Err(other) => panic!("{cut}: {other}"),
        }
    }
}

#[test]
fn encrypted_pdf_is_refused() {
    let content = b"BT /F1 11 Tf 72 700 Td (secret) Tj ET".to_vec();
    let encrypt = format!(
        "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <{o}> /U <{u}> >>",
        o = "11".repeat(32),
        u = "22".repeat(32)
    )
    .into_bytes();
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>".to_vec(),
        stream("", &content),
        encrypt,
    ];
    let pdf = assemble(
        &objects,
        "/Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]",
    );
    let error = extract(&pdf).unwrap_err();
    assert_eq!(error, PdfError::Encrypted);
    assert!(error.to_string().contains("encrypted"));
}

fn deflated_zeros(bytes: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len());
        encoder.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    encoder.finish().unwrap()
}

#[test]
fn zip_bomb_is_capped() {
    // 1 GiB of spaces in about a megabyte.
    let bomb = deflated_zeros(1 << 30);
    assert!(bomb.len() < 8 << 20);
    let content = stream("/Filter /FlateDecode", &bomb);
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>".to_vec(),
        content,
    ];
    let error = extract(&assemble(&objects, "")).unwrap_err();
    assert_eq!(
        error,
        PdfError::StreamTooLarge {
            limit: Limits::default().max_stream_bytes
        }
    );
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let dicts = format!("{}{}", "<< /A ".repeat(20_000), ">>".repeat(20_000));
    // In a page dictionary.
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /Junk {deep} /More {dicts} /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>").into_bytes(),
        stream("", b"BT /F1 11 Tf 72 700 Td (deep) Tj ET"),
    ];
    assert!(extract(&assemble(&objects, "")).is_err());
    // In a content stream.
    let content = format!("BT /F1 11 Tf 72 700 Td {deep} TJ {dicts} ET").into_bytes();
    let pdf = pdf_with_contents(None, &[content], "", &[]);
    assert!(extract(&pdf).is_err());
}

#[test]
fn huge_page_counts_are_bounded() {
    // A /Count that lies.
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R 4 0 R 4 0 R] /Count 4000000000 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        stream("", b"BT /F1 11 Tf 72 700 Td (one page) Tj ET"),
    ];
    let text = extract(&assemble(&objects, "")).unwrap();
    assert!(text.pages <= 3);
    // More real pages than allowed.
    let page: &[(f64, &str)] = &[(BODY, "x")];
    let pages = vec![page; 50];
    let limits = Limits {
        max_pages: 20,
        ..Limits::default()
    };
    assert_eq!(
        extract_with(&text_pdf(None, &pages), &limits).unwrap_err(),
        PdfError::TooManyPages {
            pages: 50,
            limit: 20
        }
    );
}

#[test]
fn time_limits_stop_the_work() {
    let pdf = policy_pdf(None);
    let per_page = Limits {
        page_time: Duration::ZERO,
        ..Limits::default()
    };
    assert!(extract_with(&pdf, &per_page).unwrap_err().is_out_of_time());
    let total = Limits {
        total_time: Duration::ZERO,
        ..Limits::default()
    };
    assert!(extract_with(&pdf, &total).unwrap_err().is_out_of_time());
}

#[test]
fn oversized_input_is_refused() {
    let limits = Limits {
        max_input_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        extract_with(&policy_pdf(None), &limits),
        Err(PdfError::TooLarge { limit: 100, .. })
    ));
}

#[test]
fn page_numbers_are_recognised() {
    for text in ["3", "- 3 -", "Page 3", "Page 3 of 9", "3 / 9"] {
        assert!(is_page_number(text), "{text}");
    }
    for text in ["Section 3 applies", "", "Page"] {
        assert!(!is_page_number(text), "{text}");
    }
}
