//! Writes the sample PDFs the tests use into a folder, as a fuzz corpus:
//! `cargo run -p pdf-text --example seeds -- fuzz/corpus/pdf`.

use pdf_text::sample::{image_pdf, pdf_with_contents, text_pdf};

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus/pdf".to_owned());
    std::fs::create_dir_all(&dir)?;
    let seeds = [
        (
            "text.pdf",
            text_pdf(
                Some("Privacy Policy"),
                &[
                    &[
                        (20.0, "Privacy Policy"),
                        (11.0, ""),
                        (11.0, "We collect data automat-"),
                        (11.0, "ically."),
                        (11.0, "1"),
                    ],
                    &[(15.0, "Your rights"), (11.0, "Ask us."), (11.0, "2")],
                ],
            ),
        ),
        ("scanned.pdf", image_pdf(2)),
        (
            "kerned.pdf",
            pdf_with_contents(
                None,
                &[
                    b"BT /F1 11 Tf 72 700 Td [(Pri) -10 (vacy) -300 (matters)] TJ T* (next) ' ET"
                        .to_vec(),
                ],
                "",
                &[],
            ),
        ),
    ];
    for (name, bytes) in seeds {
        std::fs::write(format!("{dir}/{name}"), bytes)?;
    }
    Ok(())
}
