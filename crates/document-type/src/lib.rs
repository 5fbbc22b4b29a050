//! The kinds of legal document the crawl follows through time, and their names: the one owner
//! of the concept. The store keeps a type by its Open Terms Archive name (`terms-types`:
//! "Privacy Policy", "Terms of Service", "Trackers Policy", "Imprint"); the command line and
//! the configuration file take its short name (`privacy`, `terms`, `trackers`, `imprint`);
//! the corpus-style header and file names use [`DocumentType::phrase`] and
//! [`DocumentType::slug`].
//!
//! Not for: the words that find each type on a site (the `crawl` crate's `Keywords`), or the
//! fields extracted from them (the `fields` crate).

#![forbid(unsafe_code)]

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A kind of legal document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum DocumentType {
    /// The privacy policy (the corpus's only type, and the default).
    #[default]
    Privacy,
    /// The terms of service (terms of use, terms and conditions, AGB, CGU...).
    Terms,
    /// The cookie (trackers) policy.
    Trackers,
    /// The imprint (Impressum, mentions légales, aviso legal).
    Imprint,
}

impl DocumentType {
    /// Every type, in the order they are listed and crawled.
    pub const ALL: [DocumentType; 4] = [
        DocumentType::Privacy,
        DocumentType::Terms,
        DocumentType::Trackers,
        DocumentType::Imprint,
    ];

    /// The short name the command line and configuration take (`terms`).
    pub fn slug(self) -> &'static str {
        match self {
            DocumentType::Privacy => "privacy",
            DocumentType::Terms => "terms",
            DocumentType::Trackers => "trackers",
            DocumentType::Imprint => "imprint",
        }
    }

    /// The name the store and exports keep, as Open Terms Archive's vocabulary names the type
    /// (`Terms of Service`).
    pub fn name(self) -> &'static str {
        match self {
            DocumentType::Privacy => "Privacy Policy",
            DocumentType::Terms => "Terms of Service",
            DocumentType::Trackers => "Trackers Policy",
            DocumentType::Imprint => "Imprint",
        }
    }

    /// How the corpus-style header line names it ("the DOMAIN terms of service that was
    /// archived on ..."): the name in lowercase; `privacy policy` for privacy, as the corpus
    /// writes it.
    pub fn phrase(self) -> &'static str {
        match self {
            DocumentType::Privacy => "privacy policy",
            DocumentType::Terms => "terms of service",
            DocumentType::Trackers => "trackers policy",
            DocumentType::Imprint => "imprint",
        }
    }

    /// The type a stored name, a short name or a header phrase names (case-insensitive).
    pub fn from_any_name(text: &str) -> Option<DocumentType> {
        let text = text.trim();
        DocumentType::ALL.into_iter().find(|t| {
            [t.slug(), t.name(), t.phrase()]
                .iter()
                .any(|n| n.eq_ignore_ascii_case(text))
        })
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// A name that is no document type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not a document type: give one of privacy, terms, trackers, imprint")]
pub struct UnknownDocumentType {
    /// What was given.
    pub given: String,
}

impl FromStr for DocumentType {
    type Err = UnknownDocumentType;

    /// Reads a short name (`terms`) or a stored name (`Terms of Service`).
    fn from_str(text: &str) -> Result<DocumentType, UnknownDocumentType> {
        DocumentType::from_any_name(text).ok_or_else(|| UnknownDocumentType {
            given: text.to_owned(),
        })
    }
}

/// Serialised as the short name (configuration files, JSON settings).
impl Serialize for DocumentType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for DocumentType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DocumentType, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Reads a comma-separated list of types (`privacy,terms`), in the given order without
/// repeats; an empty list is an error.
pub fn parse_list(text: &str) -> Result<Vec<DocumentType>, UnknownDocumentType> {
    let mut types = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let kind: DocumentType = part.parse()?;
        if !types.contains(&kind) {
            types.push(kind);
        }
    }
    if types.is_empty() {
        return Err(UnknownDocumentType {
            given: text.to_owned(),
        });
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_type() {
        for kind in DocumentType::ALL {
            for name in [kind.slug(), kind.name(), kind.phrase()] {
                assert_eq!(name.parse::<DocumentType>(), Ok(kind), "{name}");
                assert_eq!(name.to_uppercase().parse::<DocumentType>(), Ok(kind));
            }
        }
    }

    #[test]
    fn names_follow_open_terms_archive() {
        let names: Vec<&str> = DocumentType::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "Privacy Policy",
                "Terms of Service",
                "Trackers Policy",
                "Imprint"
            ]
        );
        assert_eq!(DocumentType::default(), DocumentType::Privacy);
    }

    #[test]
    fn lists_keep_order_and_drop_repeats() {
        assert_eq!(
            parse_list("terms, privacy,terms"),
            Ok(vec![DocumentType::Terms, DocumentType::Privacy])
        );
        let error = parse_list("privacy,cookies").unwrap_err();
        assert_eq!(error.given, "cookies");
        assert!(
            error
                .to_string()
                .contains("privacy, terms, trackers, imprint")
        );
        assert!(parse_list(" , ").is_err());
    }

    #[test]
    fn serde_uses_the_short_name() {
        let json = serde_json::to_string(&DocumentType::Trackers).unwrap();
        assert_eq!(json, "\"trackers\"");
        let back: DocumentType = serde_json::from_str("\"Imprint\"").unwrap();
        assert_eq!(back, DocumentType::Imprint);
        assert!(serde_json::from_str::<DocumentType>("\"faq\"").is_err());
    }
}
