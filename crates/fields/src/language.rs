//! Language identification with `whatlang`, reported as ISO 639-1.

/// Below this many words the guess is not worth reporting.
pub(crate) const MIN_WORDS: u32 = 20;

/// How much text is handed to the detector (bytes, cut at a char boundary); more adds nothing.
const MAX_SAMPLE: usize = 20_000;

/// The ISO 639-1 code for a `whatlang` language (whatlang speaks ISO 639-3).
fn iso_639_1(lang: whatlang::Lang) -> Option<&'static str> {
    let code = match lang.code() {
        "epo" => "eo",
        "eng" => "en",
        "rus" => "ru",
        "cmn" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" => "fr",
        "deu" => "de",
        "ukr" => "uk",
        "kat" => "ka",
        "ara" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" => "nl",
        "hun" => "hu",
        "ces" => "cs",
        "ell" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" => "hy",
        "cym" => "cy",
        _ => return None,
    };
    Some(code)
}

/// The language of `text` (ISO 639-1), or `None` when it has fewer than [`MIN_WORDS`] words or
/// the detector has no answer.
pub(crate) fn detect(text: &str, word_count: u32) -> Option<String> {
    if word_count < MIN_WORDS {
        return None;
    }
    let mut end = text.len().min(MAX_SAMPLE);
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    iso_639_1(info.lang()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_languages() {
        let cases = [
            (
                "en",
                "We collect information about you when you use our website and we use it to provide and improve our services to you.",
            ),
            (
                "fr",
                "Nous collectons des informations vous concernant lorsque vous utilisez notre site et nous les utilisons pour fournir et améliorer nos services.",
            ),
            (
                "de",
                "Wir erheben Informationen über Sie, wenn Sie unsere Website nutzen, und verwenden sie, um unsere Dienste bereitzustellen und zu verbessern.",
            ),
            (
                "es",
                "Recopilamos información sobre usted cuando utiliza nuestro sitio web y la utilizamos para prestar y mejorar nuestros servicios para usted.",
            ),
        ];
        for (code, text) in cases {
            let n = crate::text::words(text).count() as u32;
            assert_eq!(detect(text, n).as_deref(), Some(code), "{text}");
        }
    }

    #[test]
    fn short_text_has_no_language() {
        assert_eq!(detect("Privacy policy", 2), None);
    }
}
