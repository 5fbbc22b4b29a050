//! Small hand-built PDFs for tests and fuzz seeds (no PDF writer needed).

/// A line of a sample page: its font size and text; an empty text leaves a paragraph gap.
pub type SampleLine<'a> = (f64, &'a str);

/// Writes `objects` (object `i + 1` is `objects[i]`, without `obj`/`endobj`) as a PDF with a
/// correct cross-reference table; `trailer` is added to the trailer dictionary.
pub fn assemble(objects: &[Vec<u8>], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A stream object with `dict` entries and `data` (its `/Length` is added).
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

/// The content stream of one page: lines from the top down in Helvetica (`/F1`).
pub fn page_content(lines: &[SampleLine<'_>]) -> Vec<u8> {
    let mut y = 760.0;
    let mut out = String::new();
    for &(size, text) in lines {
        if text.is_empty() {
            y -= size;
            continue;
        }
        y -= size * 1.25;
        out.push_str(&format!(
            "BT /F1 {size} Tf 72 {y} Td ({}) Tj ET\n",
            escape(text)
        ));
    }
    out.into_bytes()
}

/// A PDF whose pages hold `pages`' content streams, with an info `Title` if given and
/// `extra_objects` appended after the pages (numbered from `4 + 2 × pages`).
pub fn pdf_with_contents(
    title: Option<&str>,
    pages: &[Vec<u8>],
    extra_resources: &str,
    extra_objects: &[Vec<u8>],
) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        Vec::new(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut kids = Vec::new();
    for content in pages {
        let page_id = objects.len() + 1;
        kids.push(format!("{page_id} 0 R"));
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> {extra_resources} >> /Contents {} 0 R >>",
                page_id + 1
            )
            .into_bytes(),
        );
        objects.push(stream("", content));
    }
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    )
    .into_bytes();
    objects.extend(extra_objects.iter().cloned());
    let trailer = match title {
        Some(title) => {
            objects.push(format!("<< /Title ({}) >>", escape(title)).into_bytes());
            format!("/Info {} 0 R", objects.len())
        }
        None => String::new(),
    };
    assemble(&objects, &trailer)
}

/// A text PDF: each page is a list of lines.
pub fn text_pdf(title: Option<&str>, pages: &[&[SampleLine<'_>]]) -> Vec<u8> {
    let contents: Vec<Vec<u8>> = pages.iter().map(|lines| page_content(lines)).collect();
    pdf_with_contents(title, &contents, "", &[])
}

/// A scanned PDF: `pages` pages that each draw one grey image and hold no text.
pub fn image_pdf(pages: usize) -> Vec<u8> {
    let contents = vec![b"q 612 0 0 792 0 0 cm /Im1 Do Q".to_vec(); pages];
    let image_id = 4 + 2 * pages;
    let image = stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[0, 128, 255, 64],
    );
    pdf_with_contents(
        None,
        &contents,
        &format!("/XObject << /Im1 {image_id} 0 R >>"),
        &[image],
    )
}
