//! Turns the text layer of a PDF (a privacy policy or terms published as a PDF) into Markdown:
//! paragraphs separated by blank lines, `## ` headings where the outline (bookmarks) names a
//! line or a short line is set clearly larger than the body text, hyphenated line breaks
//! joined, page numbers and running headers/footers dropped. The title is the document
//! information `Title`, else the first heading.
//!
//! Parsing is done by [`lopdf`]: a maintained, pure-Rust PDF reader that bounds the nesting
//! depth of objects and the decompressed size of every stream (decompression bombs), handles
//! font encodings and `ToUnicode` maps, and lets this crate walk the content operators itself
//! to see font sizes and positions (which `pdf-extract` hides, and which the `pdf` crate
//! exposes less simply). Hostile input is further bounded by [`Limits`]: input size, pages,
//! time per page and overall, and a dedicated thread with its own stack whose panics become
//! [`PdfError::Panicked`].
//!
//! Not for: OCR of scanned PDFs (they give [`PdfError::NoTextLayer`]), tables, images,
//! text inside form XObjects, or writing PDFs.

#![forbid(unsafe_code)]

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object};

/// Bounds on the work one PDF may cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Largest size any one stream may decompress to, in bytes.
    pub max_stream_bytes: usize,
    /// Most pages read; a document with more is refused.
    pub max_pages: usize,
    /// Time one page's text may take.
    pub page_time: Duration,
    /// Time the whole document may take (loading included).
    pub total_time: Duration,
    /// Stack size of the thread that parses (the parser limits nesting to 100 levels).
    pub stack_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 * 1024 * 1024,
            max_stream_bytes: 32 * 1024 * 1024,
            max_pages: 2_000,
            page_time: Duration::from_secs(2),
            total_time: Duration::from_secs(20),
            stack_bytes: 32 * 1024 * 1024,
        }
    }
}

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PdfError {
    /// The bytes do not start with `%PDF-`.
    #[error("not a PDF (no %PDF- signature)")]
    NotPdf,
    /// The input is larger than [`Limits::max_input_bytes`].
    #[error("PDF of {bytes} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// The input's size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The document is encrypted.
    #[error("PDF is encrypted")]
    Encrypted,
    /// A stream decompresses to more than [`Limits::max_stream_bytes`].
    #[error("a PDF stream decompresses to more than {limit} bytes")]
    StreamTooLarge {
        /// The limit.
        limit: usize,
    },
    /// The file cannot be parsed (truncated, damaged, nested too deep).
    #[error("malformed PDF: {0}")]
    Malformed(String),
    /// The document has no pages.
    #[error("PDF has no pages")]
    NoPages,
    /// The document has more pages than [`Limits::max_pages`].
    #[error("PDF has {pages} pages, over the limit of {limit}")]
    TooManyPages {
        /// The page count.
        pages: usize,
        /// The limit.
        limit: usize,
    },
    /// Pages but no text: a scanned document (images only), which would need OCR.
    #[error("PDF has no text layer ({pages} pages, no text; scanned images need OCR)")]
    NoTextLayer {
        /// The page count.
        pages: usize,
    },
    /// A page or the whole document took longer than its [`Limits`] allow.
    #[error("PDF text extraction ran out of time ({0})")]
    OutOfTime(String),
    /// The parser panicked on the input.
    #[error("PDF parser failed on this input: {0}")]
    Panicked(String),
    /// The worker thread could not be started.
    #[error("cannot start the PDF thread: {0}")]
    Thread(String),
}

impl PdfError {
    /// Whether the failure was the time budget (a retry on a less busy machine may succeed).
    pub fn is_out_of_time(&self) -> bool {
        matches!(self, PdfError::OutOfTime(_))
    }
}

/// A PDF's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfText {
    /// The document info `Title`, else the first heading (then left out of `markdown`).
    pub title: Option<String>,
    /// Paragraphs and `## ` headings separated by blank lines, ending with a newline.
    pub markdown: String,
    /// The page count.
    pub pages: usize,
}

/// Whether a capture is a PDF: the bytes start with `%PDF-`, or the content type says
/// `application/pdf` and the signature is within the first 1024 bytes (an HTML error page
/// served as PDF is not one).
pub fn is_pdf(bytes: &[u8], content_type: Option<&str>) -> bool {
    let said = content_type.is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/pdf"))
    });
    bytes.starts_with(b"%PDF-") || (said && starts_with_signature(bytes))
}

fn starts_with_signature(bytes: &[u8]) -> bool {
    // Some servers send a few bytes of junk or a BOM first; readers accept the signature
    // within the first 1024 bytes.
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Extracts the text of `bytes` with the default [`Limits`].
pub fn extract(bytes: &[u8]) -> Result<PdfText, PdfError> {
    extract_with(bytes, &Limits::default())
}

/// Extracts the text of `bytes` within `limits`, on a thread of its own.
pub fn extract_with(bytes: &[u8], limits: &Limits) -> Result<PdfText, PdfError> {
    if bytes.len() > limits.max_input_bytes {
        return Err(PdfError::TooLarge {
            bytes: bytes.len(),
            limit: limits.max_input_bytes,
        });
    }
    if !starts_with_signature(bytes) {
        return Err(PdfError::NotPdf);
    }
    let input: Arc<[u8]> = Arc::from(bytes);
    let cancel = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    let worker_limits = limits.clone();
    let worker_cancel = Arc::clone(&cancel);
    let started = Instant::now();
    std::thread::Builder::new()
        .name("pdf-text".to_owned())
        .stack_size(limits.stack_bytes)
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                extract_here(&input, &worker_limits, &worker_cancel, started)
            }))
            .unwrap_or_else(|payload| Err(PdfError::Panicked(panic_message(payload.as_ref()))));
            // The receiver may have given up on its deadline: nothing to tell then.
            let _ = sender.send(outcome);
        })
        .map_err(|error| PdfError::Thread(error.to_string()))?;
    match receiver.recv_timeout(limits.total_time) {
        Ok(outcome) => outcome,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            cancel.store(true, Ordering::Relaxed);
            tracing::warn!("PDF extraction over its total time, abandoned");
            Err(PdfError::OutOfTime(format!(
                "over {:?} for the document",
                limits.total_time
            )))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(PdfError::Panicked(
            "the PDF thread ended without a result".to_owned(),
        )),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic".to_owned()
    }
}

fn map_lopdf(error: lopdf::Error, limits: &Limits) -> PdfError {
    match error {
        lopdf::Error::Decryption(_)
        | lopdf::Error::UnsupportedSecurityHandler(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::AlreadyEncrypted => PdfError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            PdfError::StreamTooLarge {
                limit: limits.max_stream_bytes,
            }
        }
        other => PdfError::Malformed(other.to_string()),
    }
}

/// One line of text as laid out on a page.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    /// Effective font size (text matrix and CTM applied).
    size: f64,
    /// Baseline height in user space.
    y: f64,
}

fn extract_here(
    bytes: &[u8],
    limits: &Limits,
    cancel: &AtomicBool,
    started: Instant,
) -> Result<PdfText, PdfError> {
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_stream_bytes),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| map_lopdf(e, limits))?;
    if doc.is_encrypted() || doc.was_encrypted() {
        return Err(PdfError::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    if pages.len() > limits.max_pages {
        return Err(PdfError::TooManyPages {
            pages: pages.len(),
            limit: limits.max_pages,
        });
    }
    let mut page_lines = Vec::with_capacity(pages.len());
    for (number, page_id) in &pages {
        if cancel.load(Ordering::Relaxed) || started.elapsed() > limits.total_time {
            return Err(PdfError::OutOfTime(format!(
                "over {:?} for the document",
                limits.total_time
            )));
        }
        let deadline = Instant::now() + limits.page_time;
        let lines =
            page_text(&doc, *page_id, limits, deadline, cancel).map_err(|error| match error {
                PdfError::OutOfTime(_) => {
                    PdfError::OutOfTime(format!("page {number} over {:?}", limits.page_time))
                }
                other => other,
            })?;
        page_lines.push(lines);
    }
    let page_count = pages.len();
    if !page_lines
        .iter()
        .flatten()
        .any(|line| line.text.chars().any(char::is_alphanumeric))
    {
        return Err(PdfError::NoTextLayer { pages: page_count });
    }
    drop_running_lines(&mut page_lines);
    let outline = outline_titles(&doc);
    let mut blocks = layout_blocks(&page_lines, &outline);
    let mut title = info_title(&doc);
    if title.is_none()
        && let Some(index) = blocks.iter().position(|b| matches!(b, Block::Heading(_)))
        && let Block::Heading(text) = blocks.remove(index)
    {
        title = Some(text);
    }
    let mut markdown = String::new();
    for block in &blocks {
        if !markdown.is_empty() {
            markdown.push_str("\n\n");
        }
        match block {
            Block::Heading(text) => {
                markdown.push_str("## ");
                markdown.push_str(text);
            }
            Block::Paragraph(text) => markdown.push_str(text),
        }
    }
    if !markdown.is_empty() {
        markdown.push('\n');
    }
    Ok(PdfText {
        title,
        markdown,
        pages: page_count,
    })
}

fn info_title(doc: &Document) -> Option<String> {
    let info = match doc.trailer.get(b"Info").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(dict) => dict,
        _ => return None,
    };
    let raw = lopdf::decode_text_string(info.get(b"Title").ok()?).ok()?;
    let title = collapse_spaces(&raw);
    (!title.is_empty() && title.chars().any(char::is_alphanumeric)).then_some(title)
}

fn outline_titles(doc: &Document) -> Vec<String> {
    match doc.get_toc() {
        Ok(toc) => toc
            .toc
            .iter()
            .map(|entry| normalize(&entry.title))
            .filter(|t| !t.is_empty())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn normalize(text: &str) -> String {
    collapse_spaces(text).to_lowercase()
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` for PDF's row-vector affine matrices.
fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn number(object: Option<&Object>) -> f64 {
    match object {
        Some(Object::Integer(i)) => *i as f64,
        Some(Object::Real(r)) => f64::from(*r),
        _ => 0.0,
    }
}

/// A font's encoding and, for simple fonts, its glyph widths.
struct FontInfo<'a> {
    encoding: Encoding<'a>,
    first_char: i64,
    widths: Vec<f64>,
    /// Two-byte codes (Type0 fonts).
    two_byte: bool,
}

impl FontInfo<'_> {
    /// The advance of `bytes` in text space units per unit of font size.
    fn advance(&self, bytes: &[u8]) -> f64 {
        if self.two_byte {
            return bytes.len() as f64 / 2.0 * 0.5;
        }
        bytes
            .iter()
            .map(|&code| {
                let index = i64::from(code) - self.first_char;
                usize::try_from(index)
                    .ok()
                    .and_then(|i| self.widths.get(i))
                    .map_or(0.5, |w| w / 1000.0)
            })
            .sum()
    }
}

fn font_info<'a>(
    doc: &'a Document,
    font: &'a Dictionary,
    limits: &Limits,
) -> Result<FontInfo<'a>, PdfError> {
    let encoding = font
        .get_font_encoding_with_limit(doc, limits.max_stream_bytes)
        .map_err(|e| map_lopdf(e, limits))?;
    let resolve = |object: &'a Object| match object {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    };
    let first_char = font
        .get(b"FirstChar")
        .ok()
        .and_then(resolve)
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    let widths = font
        .get(b"Widths")
        .ok()
        .and_then(resolve)
        .and_then(|o| o.as_array().ok())
        .map(|array| array.iter().take(256).map(|w| number(resolve(w))).collect())
        .unwrap_or_default();
    let two_byte = font
        .get(b"Subtype")
        .ok()
        .and_then(|o| o.as_name().ok())
        .is_some_and(|name| name == b"Type0");
    Ok(FontInfo {
        encoding,
        first_char,
        widths,
        two_byte,
    })
}

/// Collects lines while walking a page's text operators.
struct PageWalker<'f, 'a> {
    fonts: &'f BTreeMap<Vec<u8>, FontInfo<'a>>,
    font: Option<&'f FontInfo<'a>>,
    font_size: f64,
    leading: f64,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scale: f64,
    tm: Matrix,
    tlm: Matrix,
    ctm: Matrix,
    ctm_stack: Vec<Matrix>,
    lines: Vec<Line>,
    /// Where the text drawn last ended, in user space, and its size.
    pen_end: Option<(f64, f64)>,
}

impl<'f, 'a> PageWalker<'f, 'a> {
    fn new(fonts: &'f BTreeMap<Vec<u8>, FontInfo<'a>>) -> Self {
        PageWalker {
            fonts,
            font: None,
            font_size: 0.0,
            leading: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            tm: IDENTITY,
            tlm: IDENTITY,
            ctm: IDENTITY,
            ctm_stack: Vec::new(),
            lines: Vec::new(),
            pen_end: None,
        }
    }

    fn translate(&mut self, tx: f64, ty: f64) {
        self.tlm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    fn next_line(&mut self) {
        self.translate(0.0, -self.leading);
    }

    /// The text rendering matrix's scale and origin.
    fn position(&self) -> (f64, f64, f64) {
        let m = multiply(&self.tm, &self.ctm);
        let size = (self.font_size * m[2].hypot(m[3])).abs();
        (m[4], m[5], size)
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.font else {
            return;
        };
        let mut text = String::new();
        if font.encoding.write_to_string(bytes, &mut text).is_err() {
            return;
        }
        let (x, y, size) = self.position();
        let spaces = bytes.iter().filter(|&&b| b == b' ').count() as f64;
        let advance = (font.advance(bytes) * self.font_size
            + self.char_spacing * bytes.len() as f64
            + if font.two_byte {
                0.0
            } else {
                self.word_spacing * spaces
            })
            * self.horizontal_scale;
        self.push_text(&text, x, y, size);
        self.tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &self.tm);
        let (end_x, _, _) = self.position();
        self.pen_end = Some((end_x, size));
    }

    fn push_text(&mut self, text: &str, x: f64, y: f64, size: f64) {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.is_empty() {
            return;
        }
        let tolerance = (size.max(1.0)) * 0.4;
        match self.lines.last_mut() {
            Some(line) if (line.y - y).abs() <= tolerance => {
                let gap = self
                    .pen_end
                    .map_or(0.0, |(end_x, end_size)| (x - end_x) / end_size.max(1.0));
                if !(-1.0..=0.2).contains(&gap)
                    && !line.text.ends_with(' ')
                    && !text.starts_with(' ')
                {
                    line.text.push(' ');
                }
                line.text.push_str(&text);
                if text.chars().any(char::is_alphanumeric) {
                    line.size = line.size.max(size);
                }
            }
            _ => self.lines.push(Line { text, size, y }),
        }
    }

    fn show_array(&mut self, items: &[Object]) {
        for item in items {
            match item {
                Object::String(bytes, _) => self.show(bytes),
                Object::Integer(_) | Object::Real(_) => {
                    let adjust = number(Some(item));
                    let shift = -adjust / 1000.0 * self.font_size * self.horizontal_scale;
                    self.tm = multiply(&[1.0, 0.0, 0.0, 1.0, shift, 0.0], &self.tm);
                    if adjust < -200.0
                        && let Some(line) = self.lines.last_mut()
                        && !line.text.ends_with(' ')
                    {
                        line.text.push(' ');
                    }
                }
                _ => {}
            }
        }
    }
}

fn page_text(
    doc: &Document,
    page_id: lopdf::ObjectId,
    limits: &Limits,
    deadline: Instant,
    cancel: &AtomicBool,
) -> Result<Vec<Line>, PdfError> {
    let page_fonts = doc.get_page_fonts(page_id).unwrap_or_default();
    let mut fonts = BTreeMap::new();
    for (name, font) in page_fonts {
        match font_info(doc, font, limits) {
            Ok(info) => {
                fonts.insert(name, info);
            }
            Err(error @ PdfError::StreamTooLarge { .. }) => return Err(error),
            Err(error) => tracing::debug!(%error, "font skipped"),
        }
    }
    let data = doc
        .get_page_content_with_limit(page_id, limits.max_stream_bytes)
        .map_err(|e| map_lopdf(e, limits))?;
    if Instant::now() > deadline {
        return Err(PdfError::OutOfTime(String::new()));
    }
    let content = Content::decode(&data).map_err(|e| map_lopdf(e, limits))?;
    let mut walker = PageWalker::new(&fonts);
    for (index, op) in content.operations.iter().enumerate() {
        if index % 1024 == 0 && (Instant::now() > deadline || cancel.load(Ordering::Relaxed)) {
            return Err(PdfError::OutOfTime(String::new()));
        }
        let operands = &op.operands;
        match op.operator.as_str() {
            "q" if walker.ctm_stack.len() < 4096 => walker.ctm_stack.push(walker.ctm),
            "Q" => {
                if let Some(ctm) = walker.ctm_stack.pop() {
                    walker.ctm = ctm;
                }
            }
            "cm" if operands.len() == 6 => {
                let m = std::array::from_fn(|i| number(operands.get(i)));
                walker.ctm = multiply(&m, &walker.ctm);
            }
            "BT" => {
                walker.tm = IDENTITY;
                walker.tlm = IDENTITY;
            }
            "Tf" => {
                walker.font = operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| walker.fonts.get(name));
                walker.font_size = number(operands.get(1));
            }
            "TL" => walker.leading = number(operands.first()),
            "Tc" => walker.char_spacing = number(operands.first()),
            "Tw" => walker.word_spacing = number(operands.first()),
            "Tz" => walker.horizontal_scale = number(operands.first()) / 100.0,
            "Td" => walker.translate(number(operands.first()), number(operands.get(1))),
            "TD" => {
                let ty = number(operands.get(1));
                walker.leading = -ty;
                walker.translate(number(operands.first()), ty);
            }
            "Tm" if operands.len() == 6 => {
                walker.tlm = std::array::from_fn(|i| number(operands.get(i)));
                walker.tm = walker.tlm;
            }
            "T*" => walker.next_line(),
            "Tj" => {
                if let Some(Object::String(bytes, _)) = operands.first() {
                    walker.show(bytes);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = operands.first() {
                    walker.show_array(items);
                }
            }
            "'" => {
                walker.next_line();
                if let Some(Object::String(bytes, _)) = operands.first() {
                    walker.show(bytes);
                }
            }
            "\"" => {
                walker.word_spacing = number(operands.first());
                walker.char_spacing = number(operands.get(1));
                walker.next_line();
                if let Some(Object::String(bytes, _)) = operands.get(2) {
                    walker.show(bytes);
                }
            }
            _ => {}
        }
    }
    let mut lines = walker.lines;
    for line in &mut lines {
        line.text = collapse_spaces(&line.text);
    }
    lines.retain(|line| !line.text.is_empty());
    Ok(lines)
}

/// Whether a line is a page number: `3`, `- 3 -`, `Page 3`, `Page 3 of 9`, `3 / 9`.
fn is_page_number(text: &str) -> bool {
    let lower = text.to_lowercase();
    let rest = lower.trim().trim_start_matches("page").replace("of", " ");
    rest.chars().any(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | '/' | '–' | '|'))
}

/// Drops page numbers at the top or bottom of pages, and header/footer lines repeated (digits
/// aside) at the top or bottom of at least half the pages (three or more).
fn drop_running_lines(pages: &mut [Vec<Line>]) {
    let key = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
            .to_lowercase()
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for lines in pages.iter() {
        let mut seen = Vec::new();
        for line in lines.first().into_iter().chain(lines.last()) {
            let k = key(&line.text);
            if !seen.contains(&k) {
                seen.push(k);
            }
        }
        for k in seen {
            *counts.entry(k).or_default() += 1;
        }
    }
    let threshold = (pages.len() / 2).max(3);
    let running = |text: &str| counts.get(&key(text)).is_some_and(|&n| n >= threshold);
    for lines in pages.iter_mut() {
        let len = lines.len();
        let mut index = 0;
        lines.retain(|line| {
            let near_edge = index < 2 || index + 2 >= len;
            let edge = index == 0 || index + 1 == len;
            index += 1;
            !((near_edge && is_page_number(&line.text)) || (edge && running(&line.text)))
        });
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading(String),
    Paragraph(String),
}

/// The most common size of the body text, weighted by characters.
fn body_size(pages: &[Vec<Line>]) -> f64 {
    let mut weights: HashMap<i64, usize> = HashMap::new();
    for line in pages.iter().flatten() {
        *weights.entry((line.size * 2.0).round() as i64).or_default() += line.text.len();
    }
    weights
        .into_iter()
        .max_by_key(|&(size, weight)| (weight, std::cmp::Reverse(size)))
        .map_or(0.0, |(size, _)| size as f64 / 2.0)
}

fn join_line(paragraph: &mut String, next: &str) {
    if paragraph.is_empty() {
        paragraph.push_str(next);
        return;
    }
    let mut before = paragraph.chars().rev();
    let hyphenated = before.next() == Some('-') && before.next().is_some_and(char::is_alphabetic);
    if hyphenated && next.chars().next().is_some_and(char::is_lowercase) {
        paragraph.pop();
    } else {
        paragraph.push(' ');
    }
    paragraph.push_str(next);
}

fn is_bullet(text: &str) -> bool {
    text.starts_with(['•', '●', '▪', '◦', '–']) || text.starts_with("- ")
}

fn layout_blocks(pages: &[Vec<Line>], outline: &[String]) -> Vec<Block> {
    let body = body_size(pages);
    let is_heading = |line: &Line| {
        let chars = line.text.chars().count();
        let letters = line.text.chars().any(char::is_alphabetic);
        letters
            && chars <= 120
            && ((body > 0.0 && line.size >= body * 1.15)
                || outline.contains(&normalize(&line.text)))
    };
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let mut heading = String::new();
    // The last line added: its baseline and size, and whether it was a heading.
    let mut last: Option<(f64, f64, bool)> = None;
    let flush_paragraph = |paragraph: &mut String, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(std::mem::take(paragraph)));
        }
    };
    for (page_index, lines) in pages.iter().enumerate() {
        for (line_index, line) in lines.iter().enumerate() {
            let heading_line = is_heading(line);
            let new_page = line_index == 0 && page_index > 0;
            let gap = last.map(|(y, size, _)| (y - line.y, size));
            let far = match gap {
                Some((dy, size)) if !new_page => dy > 1.6 * size.max(line.size) || dy < 0.0,
                _ => true,
            };
            if heading_line {
                flush_paragraph(&mut paragraph, &mut blocks);
                let continues =
                    matches!(last, Some((_, size, true)) if !far && (size - line.size).abs() < 0.5);
                if continues {
                    heading.push(' ');
                    heading.push_str(&line.text);
                } else {
                    if !heading.is_empty() {
                        blocks.push(Block::Heading(std::mem::take(&mut heading)));
                    }
                    heading.push_str(&line.text);
                }
            } else {
                if !heading.is_empty() {
                    blocks.push(Block::Heading(std::mem::take(&mut heading)));
                }
                let sentence_end = paragraph.ends_with(['.', ':', ';', '!', '?']);
                let breaks = if new_page {
                    sentence_end || !line.text.chars().next().is_some_and(char::is_lowercase)
                } else {
                    far || matches!(last, Some((_, size, _)) if (size - line.size).abs() >= 1.0)
                };
                if breaks || is_bullet(&line.text) {
                    flush_paragraph(&mut paragraph, &mut blocks);
                }
                join_line(&mut paragraph, &line.text);
            }
            last = Some((line.y, line.size, heading_line));
        }
    }
    if !heading.is_empty() {
        blocks.push(Block::Heading(heading));
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests;

pub mod sample;
