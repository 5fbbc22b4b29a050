//! Fields of a terms-of-service version: its stated date, the governing law, arbitration and
//! class-action waivers, and whether the provider may change the terms on its own.
//!
//! Like the privacy fields, these are keyword and regular-expression rules on sentences (links
//! reduced to their text). Only prose sentences of at least [`MIN_CLAUSE_WORDS`] words count
//! as clauses: a `## Governing Law` heading or a run-in "**Class Action Waiver.**" alone says
//! nothing. Each field keeps the sentence that shows it. English first; German, French,
//! Spanish, Italian and Dutch phrasings for governing law and changes (and the plainest
//! arbitration clauses). See `tests/labels/terms.toml` and `tests/terms.rs` for the hand labels
//! and the precision and recall reached.

use crate::practices::MAX_SENTENCE_CHARS;
use crate::text::{Document, Sentence, excerpt, floor_boundary, words};
use crate::{StatedDate, dates, language, readability};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The terms extractor's version. Bump it in the commit that changes what [`extract_terms`]
/// gives for any text.
pub const TERMS_VERSION: &str = "terms 1";

/// Sentences shorter than this (in words) are headings, not clauses.
const MIN_CLAUSE_WORDS: usize = 5;

/// The fields of one terms-of-service version. Built by [`extract_terms`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermsFields {
    /// The text of the `# TITLE` line; `None` for `# None`, an empty title or no title line.
    pub title: Option<String>,
    /// The terms' own date ("last updated", "effective"), found as for privacy policies.
    pub stated_date: Option<StatedDate>,
    /// The jurisdiction a governing-law (choice-of-law) clause names; `None` when no clause names
    /// one ("the law of your country of residence" names none).
    pub governing_law: Option<GoverningLaw>,
    /// Binding arbitration and/or a class-action waiver; `None` when the terms impose neither.
    pub arbitration: Option<Arbitration>,
    /// The clause letting the provider change the terms on its own (at any time, by posting, by
    /// notice); `None` when there is none. A privacy policy's notice that *it* may change is not
    /// one, nor are "only by written agreement of both parties" clauses.
    pub unilateral_change: Option<Evidence>,
}

/// A governing-law clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoverningLaw {
    /// The normalised jurisdiction: US states `"State of California"` (`"Commonwealth of
    /// Massachusetts"` for the four commonwealths), countries by English short name
    /// (`"Germany"`), `"England and Wales"`, `"Scotland"`, Canadian provinces and Australian
    /// states by name (`"Ontario"`, `"New South Wales"`).
    pub jurisdiction: String,
    /// The clause's sentence, markup stripped, at most about 300 characters.
    pub sentence: String,
}

/// What the terms impose on disputes; at least one of the two is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arbitration {
    /// The sentence sending disputes to (binding) arbitration, if any.
    pub binding_arbitration: Option<String>,
    /// The sentence waiving class, collective or representative actions, if any.
    pub class_action_waiver: Option<String>,
}

/// The sentence that shows a clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The sentence, markup stripped, at most about 300 characters.
    pub sentence: String,
}

/// Extracts the fields of one terms-of-service version from its title and Markdown body (as
/// `policy_text::document` splits them). Never panics; fields not found are `None`.
///
/// ```
/// let body = "\n_Last updated: March 3, 2018_\n\n\
///     We may modify these Terms at any time by posting the revised Terms on the Site.\n\n\
///     These Terms are governed by the laws of the State of New York.\n";
/// let t = fields::extract_terms(Some("Terms of Service"), body);
/// assert_eq!(t.stated_date.map(|d| d.date).as_deref(), Some("2018-03-03"));
/// assert_eq!(t.governing_law.map(|g| g.jurisdiction).as_deref(), Some("State of New York"));
/// assert!(t.unilateral_change.is_some());
/// assert!(t.arbitration.is_none());
/// ```
pub fn extract_terms(title: Option<&str>, body: &str) -> TermsFields {
    let doc = Document::new(title, body);
    let sentences = doc.sentences();
    let words = readability::counts(&sentences).words;
    let language = language::detect(&doc.plain_text(), words);
    let english = language.as_deref().is_none_or(|l| l == "en");
    let clauses: Vec<&Sentence> = sentences.iter().filter(|s| is_clause(s)).collect();
    TermsFields {
        title: doc.title.clone(),
        stated_date: dates::find_stated_date(&doc.lines, english),
        governing_law: clauses.iter().find_map(|s| governing_law(&s.text)),
        arbitration: arbitration(&clauses),
        unilateral_change: clauses
            .iter()
            .find_map(|s| unilateral_change(&s.text).map(|at| evidence(&s.text, at))),
    }
}

fn is_clause(s: &Sentence) -> bool {
    !s.heading && words(&s.text).count() >= MIN_CLAUSE_WORDS
}

fn evidence(sentence: &str, focus: usize) -> Evidence {
    Evidence {
        sentence: excerpt(sentence, focus, MAX_SENTENCE_CHARS),
    }
}

fn re(p: &str) -> Regex {
    Regex::new(p).expect("terms regex")
}

// ---------------------------------------------------------------------------------------------
// Governing law

/// Phrases that make a sentence a governing-law clause.
static LAW_TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\bgovern(?:ed|s)\s+(?:exclusively\s+|solely\s+)?(?:by|under)\b",
        r"|\b(?:construed|interpreted)\s+(?:and\s+\w+\s+)?(?:in\s+accordance\s+with|under|pursuant\s+to)\b",
        r"|\bgoverning\s+law\b|\bchoice\s+of\s+law\b",
        r"|\blaws?\b[^.;]{0,80}?\b(?:shall\s+|will\s+)?(?:appl(?:y|ies)|governs?)\b",
        r"|\bsubject\s+to\s+(?:the\s+)?(?:\w+\s+)?laws?\s+of\b",
        // German
        r"|\bes\s+gilt\b|\bgilt\s+(?:ausschlie(?:ß|ss)lich\s+)?(?:das\s+)?(?:\w+\s+)?Recht\b",
        r"|\bunterlieg(?:t|en)\b|\buntersteh(?:t|en)\b|\bAnwendung\s+findet\b|\bfindet\s+(?:\w+\s+){0,3}Anwendung\b",
        r"|\banwendbare[nms]?\s+Recht\b",
        // French
        r"|\b(?:soumis|soumise|soumises|r[ée]gi|r[ée]gis|r[ée]gie|r[ée]gies)\s+(?:exclusivement\s+)?(?:au|à\s+la|aux|par)\b",
        r"|\b(?:droit|loi)\s+applicable\b",
        // Spanish
        r"|\bse\s+rig(?:e|en)\s+por\b|\bregid[oa]s?\s+por\b|\b(?:legislaci[óo]n|ley)\s+aplicable\b",
        r"|\bse\s+someten?\s+a\s+(?:las?\s+)?(?:leyes|ley|legislaci[óo]n)\b|\bsometid[oa]s?\s+a\s+(?:las?\s+)?(?:leyes|ley|legislaci[óo]n)\b",
        // Italian
        r"|\b(?:regolat|disciplinat|rett|soggett)[oaie]\s+(?:esclusivamente\s+)?(?:dalla|dal|alla|al)\s+(?:legge|diritto|legislazione)\b",
        r"|\blegge\s+applicabile\b",
        // Dutch
        r"|\b(?:recht|wet)\s+van\s+toepassing\b|\bbeheerst\s+door\b|\btoepasselijk\s+recht\b",
    ))
});

/// Where the law part of a clause ends: the courts, the forum, exceptions.
static LAW_STOP: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)[;]|\b(?:courts?|tribunals?|venue|jurisdictions?|arbitrat\w*|except|unless|provided\s+that|however)\b",
        r"|\b(?:Gericht\w*|Gerichtsstand|soweit|sofern)\b|\b(?:tribunaux|tribunal|juridictions?|sauf|sous\s+r[ée]serve)\b",
        r"|\b(?:tribunales|juzgados|jurisdicci[óo]n|fuero|salvo)\b|\b(?:foro|tribunali|tribunale)\b",
        r"|\b(?:rechter|rechtbank)\b",
    ))
});

/// A jurisdiction a clause may name.
struct Jurisdiction {
    /// The normalised name.
    name: String,
    /// The country a sub-national jurisdiction belongs to (`"United States"` for a state).
    parent: Option<&'static str>,
    /// Its pattern: names and "X law" phrases, matched case-insensitively.
    re: Regex,
}

/// (normalised name, parent, names, adjectival law phrases). Names are regex fragments matched
/// case-insensitively at word boundaries; a law phrase names the law ("German law", "droit
/// français", "deutsches Recht").
type JurisdictionSpec = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static [&'static str],
);

const COUNTRIES: &[JurisdictionSpec] = &[
    (
        "United States",
        None,
        &[
            r"United\s+States(?:\s+of\s+America)?",
            r"U\.S\.A\.",
            r"(?-i:USA)",
            r"Estados\s+Unidos(?:\s+de\s+Am[ée]rica)?",
            r"[ÉE]tats-Unis",
            r"Vereinigten?\s+Staaten",
        ],
        &[
            r"(?-i:U\.?S\.?)\s+(?:federal\s+)?laws?",
            r"laws?\s+of\s+the\s+(?-i:U\.?S\.?)",
        ],
    ),
    (
        "Mexico",
        None,
        &[r"Estados\s+Unidos\s+Mexicanos", r"M[ée]xico"],
        &[r"Mexican\s+law", r"(?:leyes|legislaci[óo]n)\s+mexicanas?"],
    ),
    (
        "Canada",
        None,
        &[r"Canada", r"Kanada"],
        &[r"Canadian\s+law"],
    ),
    (
        "Australia",
        None,
        &[r"Australia", r"Commonwealth\s+of\s+Australia"],
        &[r"Australian\s+law"],
    ),
    (
        "New Zealand",
        None,
        &[r"New\s+Zealand"],
        &[r"New\s+Zealand\s+law"],
    ),
    (
        "United Kingdom",
        None,
        &[r"United\s+Kingdom", r"Great\s+Britain"],
        &[
            r"(?-i:UK)\s+laws?",
            r"laws?\s+of\s+the\s+(?-i:UK)",
            r"British\s+law",
        ],
    ),
    (
        "England and Wales",
        Some("United Kingdom"),
        &[r"England\s+(?:and|&)\s+Wales", r"England"],
        &[r"English\s+laws?"],
    ),
    (
        "Scotland",
        Some("United Kingdom"),
        &[r"Scotland"],
        &[r"Scots\s+law", r"Scottish\s+law"],
    ),
    (
        "Northern Ireland",
        Some("United Kingdom"),
        &[r"Northern\s+Ireland"],
        &[],
    ),
    (
        "Ireland",
        None,
        &[
            r"(?:Republic\s+of\s+)?Ireland",
            r"Irland",
            r"Irlande",
            r"Irlanda",
        ],
        &[
            r"Irish\s+laws?",
            r"droit\s+irlandais",
            r"irischen?\s+Recht\w*",
        ],
    ),
    (
        "Germany",
        None,
        &[
            r"(?:Bundesrepublik\s+)?Deutschland",
            r"Germany",
            r"Federal\s+Republic\s+of\s+Germany",
            r"Allemagne",
            r"Alemania",
            r"Germania",
            r"Duitsland",
        ],
        &[
            r"German\s+laws?",
            r"deutsche[nmsr]?\s+Recht\w*",
            r"droit\s+allemand",
            r"Duits\s+recht",
        ],
    ),
    (
        "Austria",
        None,
        &[
            r"(?:Republik\s+)?[ÖO]sterreich",
            r"Austria",
            r"Autriche",
            r"Oostenrijk",
        ],
        &[
            r"Austrian\s+laws?",
            r"österreichische[nmsr]?\s+Recht\w*",
            r"droit\s+autrichien",
        ],
    ),
    (
        "Switzerland",
        None,
        &[
            r"Switzerland",
            r"Schweiz",
            r"Suisse",
            r"Svizzera",
            r"Suiza",
            r"Zwitserland",
        ],
        &[
            r"Swiss\s+laws?",
            r"schweizerische[nmsr]?\s+Recht\w*",
            r"Schweizer\s+Recht\w*",
            r"droit\s+suisse",
            r"diritto\s+svizzero",
        ],
    ),
    (
        "France",
        None,
        &[r"France", r"Frankreich", r"Francia", r"Frankrijk"],
        &[
            r"French\s+laws?",
            r"(?:droit|loi|l[ée]gislation)\s+fran[çc]ais(?:e)?",
            r"franz[öo]sische[nmsr]?\s+Recht\w*",
            r"(?:ley|legislaci[óo]n|derecho)\s+franc[ée]s(?:a)?",
            r"(?:legge|diritto)\s+frances[ea]",
            r"Frans\s+recht",
        ],
    ),
    (
        "Belgium",
        None,
        &[
            r"Belgium",
            r"Belgi[ëe]",
            r"Belgique",
            r"Belgien",
            r"B[ée]lgica",
            r"Belgio",
        ],
        &[
            r"Belgian\s+laws?",
            r"Belgisch\s+recht",
            r"(?:droit|loi)\s+belge",
            r"belgische[nmsr]?\s+Recht\w*",
        ],
    ),
    (
        "Luxembourg",
        None,
        &[r"Luxembourg", r"Luxemburg"],
        &[
            r"Luxembourg\s+law",
            r"(?:droit|loi)\s+luxembourgeois(?:e)?",
            r"luxemburgische[nmsr]?\s+Recht\w*",
        ],
    ),
    (
        "Netherlands",
        None,
        &[
            r"(?:the\s+)?Netherlands",
            r"Nederland",
            r"Niederlande\w*",
            r"Pays-Bas",
            r"Pa[íi]ses\s+Bajos",
            r"Paesi\s+Bassi",
            r"Holland",
        ],
        &[
            r"Dutch\s+laws?",
            r"Nederlands(?:e)?\s+recht",
            r"niederl[äa]ndische[nmsr]?\s+Recht\w*",
            r"droit\s+n[ée]erlandais",
        ],
    ),
    (
        "Spain",
        None,
        &[
            r"(?:Reino\s+de\s+)?Espa[ñn]a",
            r"Spain",
            r"Espagne",
            r"Spanien",
            r"Spagna",
            r"Spanje",
        ],
        &[
            r"Spanish\s+laws?",
            r"(?:legislaci[óo]n|leyes|ley|derecho|normativa)\s+espa[ñn]ol(?:a|as|es)?",
            r"spanische[nmsr]?\s+Recht\w*",
            r"droit\s+espagnol",
            r"Spaans\s+recht",
        ],
    ),
    (
        "Portugal",
        None,
        &[r"Portugal"],
        &[
            r"Portuguese\s+laws?",
            r"(?:lei|legisla[çc][ãa]o|direito)\s+portugues(?:a)?",
        ],
    ),
    (
        "Italy",
        None,
        &[r"Italy", r"Italia", r"Italie", r"Italien", r"Itali[ëe]"],
        &[
            r"Italian\s+laws?",
            r"(?:legge|diritto|legislazione|ordinamento)\s+italian[oa]",
            r"italienische[nmsr]?\s+Recht\w*",
            r"droit\s+italien",
            r"(?:ley|legislaci[óo]n)\s+italiana",
            r"Italiaans\s+recht",
        ],
    ),
    (
        "Sweden",
        None,
        &[r"Sweden", r"Schweden", r"Su[èe]de", r"Zweden"],
        &[r"Swedish\s+laws?"],
    ),
    (
        "Denmark",
        None,
        &[r"Denmark", r"D[äa]nemark", r"Danemark", r"Denemarken"],
        &[r"Danish\s+laws?"],
    ),
    (
        "Norway",
        None,
        &[r"Norway", r"Norwegen", r"Norv[èe]ge", r"Noorwegen"],
        &[r"Norwegian\s+laws?"],
    ),
    (
        "Finland",
        None,
        &[r"Finland", r"Finnland", r"Finlande"],
        &[r"Finnish\s+laws?"],
    ),
    (
        "Poland",
        None,
        &[r"Poland", r"Polen", r"Pologne", r"Polska"],
        &[r"Polish\s+laws?"],
    ),
    (
        "Czech Republic",
        None,
        &[r"Czech\s+Republic", r"Czechia", r"Tschechien"],
        &[r"Czech\s+laws?"],
    ),
    (
        "Cyprus",
        None,
        &[r"Cyprus", r"Zypern"],
        &[r"Cypriot\s+laws?"],
    ),
    ("Malta", None, &[r"Malta"], &[r"Maltese\s+laws?"]),
    ("Estonia", None, &[r"Estonia"], &[r"Estonian\s+laws?"]),
    ("Singapore", None, &[r"Singapore"], &[r"Singapore\s+law"]),
    (
        "Hong Kong",
        None,
        &[r"Hong\s+Kong"],
        &[r"Hong\s+Kong\s+law"],
    ),
    ("Japan", None, &[r"Japan"], &[r"Japanese\s+laws?"]),
    ("India", None, &[r"India"], &[r"Indian\s+laws?"]),
    ("Israel", None, &[r"Israel"], &[r"Israeli\s+laws?"]),
    (
        "Brazil",
        None,
        &[r"Brazil", r"Brasil"],
        &[r"Brazilian\s+laws?"],
    ),
    ("Argentina", None, &[r"Argentina"], &[r"Argentine\s+laws?"]),
    (
        "South Africa",
        None,
        &[r"South\s+Africa"],
        &[r"South\s+African\s+laws?"],
    ),
    (
        "United Arab Emirates",
        None,
        &[r"United\s+Arab\s+Emirates"],
        &[],
    ),
];

/// US states and the District of Columbia. The four commonwealths are named so.
const US_STATES: &[&str] = &[
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
];

const COMMONWEALTHS: &[&str] = &["Kentucky", "Massachusetts", "Pennsylvania", "Virginia"];

/// Canadian provinces and Australian states: (name, country, name patterns).
const PROVINCES: &[(&str, &str, &[&str])] = &[
    ("Ontario", "Canada", &[r"Ontario"]),
    ("Quebec", "Canada", &[r"Qu[ée]bec"]),
    ("British Columbia", "Canada", &[r"British\s+Columbia"]),
    ("Alberta", "Canada", &[r"Alberta"]),
    ("Manitoba", "Canada", &[r"Manitoba"]),
    ("Saskatchewan", "Canada", &[r"Saskatchewan"]),
    ("Nova Scotia", "Canada", &[r"Nova\s+Scotia"]),
    ("New Brunswick", "Canada", &[r"New\s+Brunswick"]),
    ("New South Wales", "Australia", &[r"New\s+South\s+Wales"]),
    ("Victoria", "Australia", &[r"(?:State\s+of\s+)?Victoria"]),
    ("Queensland", "Australia", &[r"Queensland"]),
    ("Western Australia", "Australia", &[r"Western\s+Australia"]),
    ("South Australia", "Australia", &[r"South\s+Australia"]),
    ("Tasmania", "Australia", &[r"Tasmania"]),
];

fn jurisdiction_regex(names: &[&str], phrases: &[&str]) -> Regex {
    let alternatives: Vec<&str> = phrases.iter().chain(names).copied().collect();
    re(&format!(r"(?i)\b(?:{})\b", alternatives.join("|")))
}

static JURISDICTIONS: LazyLock<Vec<Jurisdiction>> = LazyLock::new(|| {
    let mut out: Vec<Jurisdiction> = COUNTRIES
        .iter()
        .map(|&(name, parent, names, phrases)| Jurisdiction {
            name: name.to_string(),
            parent,
            re: jurisdiction_regex(names, phrases),
        })
        .collect();
    for &state in US_STATES {
        let kind = if COMMONWEALTHS.contains(&state) {
            "Commonwealth"
        } else {
            "State"
        };
        out.push(Jurisdiction {
            name: format!("{kind} of {state}"),
            parent: Some("United States"),
            re: jurisdiction_regex(&[state.replace(' ', r"\s+").as_str()], &[]),
        });
    }
    out.push(Jurisdiction {
        name: "District of Columbia".to_string(),
        parent: Some("United States"),
        re: jurisdiction_regex(
            &[r"District\s+of\s+Columbia", r"Washington,?\s*D\.\s*C\."],
            &[],
        ),
    });
    for &(name, parent, names) in PROVINCES {
        out.push(Jurisdiction {
            name: name.to_string(),
            parent: Some(parent),
            re: jurisdiction_regex(names, &[]),
        });
    }
    out
});

/// One jurisdiction named in a text.
#[derive(Clone, Copy)]
struct Mention {
    start: usize,
    end: usize,
    jurisdiction: &'static Jurisdiction,
}

static DC_AFTER: LazyLock<Regex> = LazyLock::new(|| re(r"^,?\s*D\.?\s*C\b"));

/// Every jurisdiction named in `text`, in order, without overlaps (the longer mention wins at the
/// same start; "New Mexico" hides "Mexico").
fn jurisdictions_in(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    for j in JURISDICTIONS.iter() {
        for m in j.re.find_iter(text) {
            // "Washington, D.C." is the District of Columbia, not the state.
            if j.name == "State of Washington" && DC_AFTER.is_match(&text[m.end()..]) {
                continue;
            }
            found.push(Mention {
                start: m.start(),
                end: m.end(),
                jurisdiction: j,
            });
        }
    }
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Mention> = Vec::new();
    for m in found {
        if out.last().is_some_and(|last| m.start < last.end) {
            continue;
        }
        out.push(m);
    }
    out
}

/// The governing law a sentence names, if it is a governing-law clause.
///
/// The law part runs from the sentence's start (or the trigger phrase, when courts or exceptions
/// come before it) to the first courts / forum / exception word after the trigger. Its first jurisdiction is the law, unless a later one is a
/// part of it ("the laws of the United States and the State of Utah": Utah).
fn governing_law(sentence: &str) -> Option<GoverningLaw> {
    let trigger = LAW_TRIGGER.find(sentence)?;
    let end = LAW_STOP
        .find_at(sentence, trigger.end())
        .map_or(sentence.len(), |m| m.start());
    // Courts or exceptions before the trigger belong to another part of the sentence: the law
    // part then starts at the trigger ("Texas law governs" and "Nederlands recht van
    // toepassing" name the law before it).
    let start = if LAW_STOP.is_match(&sentence[..trigger.start()]) {
        trigger.start()
    } else {
        0
    };
    let mentions: Vec<Mention> = jurisdictions_in(&sentence[start..end])
        .into_iter()
        .map(|m| Mention {
            start: m.start + start,
            end: m.end + start,
            ..m
        })
        .collect();
    let first = mentions.first()?;
    let chosen = mentions
        .iter()
        .find(|m| m.jurisdiction.parent == Some(first.jurisdiction.name.as_str()))
        .unwrap_or(first);
    Some(GoverningLaw {
        jurisdiction: chosen.jurisdiction.name.clone(),
        sentence: excerpt(sentence, chosen.start, MAX_SENTENCE_CHARS),
    })
}

// ---------------------------------------------------------------------------------------------
// Arbitration and class-action waivers

/// A clause sending disputes to arbitration.
static ARBITRATION: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\bbinding\s+(?:\w+\s+){0,2}arbitration\b",
        r"|\barbitrat[\w'’]*\s+(?:\w+\s+){0,6}?(?:final\s+and\s+binding|binding)\b",
        r"|\b(?:shall|will|must|are|is|be)\s+(?:\w+\s+){0,2}?(?:resolved|settled|decided|determined|submitted|referred)\s+(?:\w+\s+){0,3}?(?:by|through|to|in|via)\s+(?:\w+\s+){0,4}?arbitration\b",
        r"|\bagrees?\s+to\s+(?:\w+\s+){0,2}?arbitrate\b",
        // German
        r"|\b(?:werden|wird)\s+(?:\w+\s+){0,8}?(?:durch|vor)\s+(?:ein(?:em)?\s+)?Schiedsgericht\w*",
        r"|\bSchiedsgericht\w*\s+(?:\w+\s+){0,6}?(?:entschieden|endg[üu]ltig)\b",
        // French, Spanish, Italian, Dutch
        r"|\b(?:sera|seront)\s+(?:\w+\s+){0,3}?(?:soumis|tranch[ée]|r[ée]gl[ée])\w*\s+(?:\w+\s+){0,3}?(?:à\s+l'|par\s+(?:voie\s+d')?)arbitrage\b",
        r"|\b(?:se\s+resolver[áa]n?|ser[áa]n?\s+(?:resuelt|sometid)\w*|se\s+someter[áa]n?)\s+(?:\w+\s+){0,4}?arbitraje\b",
        r"|\b(?:sar[àa]|saranno)\s+(?:risolt|devolut|deferit)\w*\s+(?:\w+\s+){0,3}?arbitrato\b",
        r"|\b(?:worden|wordt)\s+beslecht\s+door\s+(?:\w+\s+){0,2}?arbitrage\b",
    ))
});

/// A class-action term.
static CLASS_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\bclass[\s-]+(?:wide\s+)?(?:actions?|arbitrations?|members?|proceedings?|lawsuits?)\b",
        r"|\bclass[\s-]+wide\b|\bclass\s+or\s+representative\b",
        r"|\brepresentative\s+(?:actions?|proceedings?)\b|\bcollective\s+actions?\b",
        r"|\bconsolidated\s+(?:actions?|proceedings?)\b|\bprivate\s+attorney\s+general\b",
    ))
});

/// Words that make a class-action term a waiver.
static WAIVES: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\bwaiv(?:e|es|ed|ing|er)\b|\bindividual\s+(?:basis|capacity)\b|\bnot\s+as\s+a\s+(?:plaintiff|class)",
        r"|\b(?:is|are)\s+not\s+(?:permitted|allowed)\b|\bnot\s+(?:be\s+)?(?:permitted|allowed)\b",
        r"|\b(?:may|will|shall|must|cannot|can)\s*not\s+(?:bring|seek|participate|join|be\s+(?:a\s+)?(?:plaintiff|member|heard|brought|conducted))",
        r"|\bcannot\s+(?:bring|seek|participate|join)",
    ))
});

/// Phrases saying the terms do *not* impose or take away something.
static NEGATED: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:does|do|will|shall|would)\s+not\s+(?:apply|affect|limit|restrict|prevent|exclude|require)\b",
        r"|\bnot\s+(?:required|obliged|obligated|bound)\s+to\b|\bnothing\s+in\b|\bno\s+arbitration\b",
        r"|\bretains?\s+(?:the|your)\s+right\b|\bkeine?\w*\s+Schieds",
    ))
});

/// A negation shortly before an arbitration word.
static NEGATION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:not|no|never|nothing|neither|nor|nicht|kein\w*|pas|aucune?|ning[úu]n\w*|non|nessun\w*|geen|niet)\b",
    )
});

static ARBITRATION_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\barbitr\w*|\bSchieds\w*"));

fn imposes_arbitration(sentence: &str) -> Option<usize> {
    let m = ARBITRATION.find(sentence)?;
    if NEGATED.is_match(sentence) {
        return None;
    }
    let word = ARBITRATION_WORD.find(&sentence[m.start()..])?;
    let at = m.start() + word.start();
    let from = floor_boundary(sentence, at.saturating_sub(40));
    if NEGATION_BEFORE.is_match(&sentence[from..at]) {
        return None;
    }
    Some(at)
}

fn waives_class_actions(sentence: &str) -> Option<usize> {
    let m = CLASS_ACTION.find(sentence)?;
    if !WAIVES.is_match(sentence) || NEGATED.is_match(sentence) {
        return None;
    }
    Some(m.start())
}

fn arbitration(clauses: &[&Sentence]) -> Option<Arbitration> {
    let find = |rule: fn(&str) -> Option<usize>| {
        clauses
            .iter()
            .find_map(|s| rule(&s.text).map(|at| excerpt(&s.text, at, MAX_SENTENCE_CHARS)))
    };
    let binding_arbitration = find(imposes_arbitration);
    let class_action_waiver = find(waives_class_actions);
    (binding_arbitration.is_some() || class_action_waiver.is_some()).then_some(Arbitration {
        binding_arbitration,
        class_action_waiver,
    })
}

// ---------------------------------------------------------------------------------------------
// Unilateral changes

/// The provider's power to act: "may", "reserves the right", "behalten uns vor", "se réserve le
/// droit", "se reserva el derecho", "si riserva il diritto", "behoudt zich het recht voor", …
static POWER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:may|can|might|reserves?\s+the\s+right|(?:has|have|retains?)\s+the\s+right|(?:is|are)\s+entitled)\b",
        r"|\b(?:behalten\s+uns\s+(?:das\s+Recht\s+)?vor|beh[äa]lt\s+sich\s+(?:das\s+Recht\s+)?vor|(?:ist|sind)\s+berechtigt|k[öo]nnen|kann|d[üu]rfen|darf)\b",
        r"|\b(?:se\s+r[ée]serve\s+(?:le\s+droit|la\s+possibilit[ée]|la\s+facult[ée])|peut|peuvent|pourra|pourront|est\s+en\s+droit)\b",
        r"|\b(?:se\s+reserva\s+(?:el\s+derecho|la\s+facultad)|podr[áa]n?|puede|pueden)\b",
        r"|\b(?:si\s+riserva\s+(?:il\s+diritto|la\s+facolt[àa])|pu[òo]|potr[àa]|possono|potranno)",
        r"|\b(?:behoudt\s+zich\s+(?:het\s+recht\s+)?voor|behouden\s+ons\s+(?:het\s+recht\s+)?voor|(?:is|zijn)\s+gerechtigd|kan|kunnen|mag|mogen)\b",
    ))
});

/// Changing something (active and passive forms).
static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:change|changed|modify|modified|amend|amended|revise|revised|update|updated|vary|varied|alter|altered|replace|replaced)\b",
        r"|\b(?:ändern|abändern|abzuändern|anpassen|anzupassen|geändert|angepasst|ergänzen)\b",
        r"|\b(?:modifier|modifi[ée]e?s?|r[ée]viser|mettre\s+à\s+jour|amender|adapter)\b",
        r"|\b(?:modificar|modificad[oa]s?|actualizar|cambiar|revisar)\b",
        r"|\b(?:modificare|modificat[eoai]|aggiornare|variare)\b",
        r"|\b(?:wijzigen|gewijzigd|aanpassen|aan\s+te\s+passen|aangepast)\b",
    ))
});

/// The terms themselves, as the object of a change.
static TERMS_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:terms|agreement|conditions|EULA|T&Cs?|these\s+rules)\b",
        r"|\b(?:AGB|\w*bedingungen|Vertrag)\b",
        r"|\b(?:CGU|CGV|conditions|pr[ée]sentes|contrat)\b",
        r"|\b(?:t[ée]rminos|condiciones|contrato)\b",
        r"|\b(?:condizioni|termini|contratto)\b",
        r"|\b(?:voorwaarden|overeenkomst)\b",
    ))
});

/// A privacy (or cookie) document as the object: its own change notice is not a terms change.
static PRIVACY_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:privacy|cookie)\s+(?:policy|statement|notice)\b|\bDatenschutz\w*",
        r"|\bpolitique\s+de\s+(?:confidentialit[ée]|protection)\b|\bpol[íi]tica\s+de\s+privacidad\b",
        r"|\binformativa\s+(?:sulla\s+)?privacy\b|\bprivacy(?:verklaring|beleid)\b",
    ))
});

/// Words between the power and the change that undo it ("may not", "can only", "nur", …).
static LIMITED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:not|never|only|nicht|niemals|nur|ne|pas|jamais|uniquement|seulement|no|nunca|solo|solamente|non|mai|soltanto|niet|nooit|alleen|slechts|uitsluitend)\b",
    )
});

/// A negation just before the power ("no podrá", "ne peut").
static NEGATION_JUST_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:no|non|ne|n'|niet|nicht|never|not)\s*$"));

/// A user, not the provider, as the subject just before the power.
static USER_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:you|users?|customers?|clients?|licensees?|members?|players?|either\s+party|neither\s+party|the\s+parties)\s*$",
        r"|(?-i:\bSie|\bdu|\bihr)\s*$|\b(?:Kunden?|Nutzer(?:in)?|vous|utilisateurs?|usted|usuarios?|cliente|utente|je|klant|afnemer|consument|gebruiker)\s*$",
    ))
});

/// Where the object of a change ends: what follows describes the change, not the thing changed.
static OBJECT_STOP: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)[;:]|\b(?:as\s+described|described|set\s+out|pursuant|in\s+accordance)\b")
});

/// Where in `sentence` the provider reserves a change of the terms, if it does.
fn unilateral_change(sentence: &str) -> Option<usize> {
    for power in POWER.find_iter(sentence) {
        let before = &sentence[..power.start()];
        let tail = &before[floor_boundary(before, before.len().saturating_sub(30))..];
        if USER_SUBJECT.is_match(tail) || NEGATION_JUST_BEFORE.is_match(tail) {
            continue;
        }
        let limit = floor_boundary(sentence, power.end() + 70);
        let Some(change) = CHANGE.find(&sentence[power.end()..limit]) else {
            continue;
        };
        let change_start = power.end() + change.start();
        let change_end = power.end() + change.end();
        if LIMITED.is_match(&sentence[power.end()..change_start]) {
            continue;
        }
        // The object: a little before the power (a passive subject, "These Terms may be
        // changed") through the words after the change.
        let from = floor_boundary(sentence, power.start().saturating_sub(40));
        let after_limit = floor_boundary(sentence, change_end + 60);
        let after = &sentence[change_end..after_limit];
        let after = OBJECT_STOP
            .find(after)
            .map_or(after, |m| &after[..m.start()]);
        let span = format!("{} {}", &sentence[from..change_end], after);
        if TERMS_OBJECT.is_match(&span) && !PRIVACY_OBJECT.is_match(&span) {
            return Some(power.start());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn law(s: &str) -> Option<String> {
        governing_law(s).map(|g| g.jurisdiction)
    }

    fn fields(body: &str) -> TermsFields {
        extract_terms(Some("Terms"), body)
    }

    #[test]
    fn governing_law_in_english() {
        assert_eq!(
            law(
                "These Terms are governed by the laws of the State of Delaware, without regard to its conflict of laws provisions."
            ),
            Some("State of Delaware".into())
        );
        assert_eq!(
            law(
                "This Agreement shall be governed by and construed in accordance with the laws of California."
            ),
            Some("State of California".into())
        );
        assert_eq!(
            law("These Terms are governed by Texas law."),
            Some("State of Texas".into())
        );
        assert_eq!(
            law("This Agreement is governed by the laws of the Commonwealth of Massachusetts."),
            Some("Commonwealth of Massachusetts".into())
        );
        assert_eq!(
            law("These terms are governed by English law."),
            Some("England and Wales".into())
        );
        assert_eq!(
            law("The laws of Ireland apply to these terms."),
            Some("Ireland".into())
        );
        assert_eq!(
            law("These Terms are governed by the laws of the District of Columbia."),
            Some("District of Columbia".into())
        );
    }

    #[test]
    fn governing_law_prefers_the_part_over_the_whole() {
        assert_eq!(
            law(
                "These Terms shall be governed by the laws of the United States and the State of Utah."
            ),
            Some("State of Utah".into())
        );
        assert_eq!(
            law(
                "Governed by the laws of the Province of Ontario and the federal laws of Canada applicable therein."
            ),
            Some("Ontario".into())
        );
        assert_eq!(
            law("This EULA is governed by the laws of the State of Washington, USA."),
            Some("State of Washington".into())
        );
        // A longer name hides the shorter one inside it.
        assert_eq!(
            law("This Agreement is governed by the laws of New Mexico."),
            Some("State of New Mexico".into())
        );
    }

    #[test]
    fn governing_law_stops_at_the_courts() {
        assert_eq!(
            law(
                "These terms are governed by English law and the courts of Scotland have jurisdiction."
            ),
            Some("England and Wales".into())
        );
        assert_eq!(
            law(
                "Any dispute shall be brought in the courts of Travis County, Texas, and is governed by the law of the place you live."
            ),
            None
        );
    }

    #[test]
    fn governing_law_in_other_languages() {
        assert_eq!(
            law(
                "Es gilt das Recht der Bundesrepublik Deutschland unter Ausschluss des UN-Kaufrechts."
            ),
            Some("Germany".into())
        );
        assert_eq!(
            law("Dieser Vertrag untersteht schweizerischem Recht."),
            Some("Switzerland".into())
        );
        assert_eq!(
            law("Les présentes CGV sont soumises au droit français."),
            Some("France".into())
        );
        assert_eq!(
            law("Les présentes CGU sont régies par la loi française."),
            Some("France".into())
        );
        assert_eq!(
            law("Las presentes Condiciones se rigen por la legislación española."),
            Some("Spain".into())
        );
        assert_eq!(
            law(
                "Las partes se someten a las leyes de los Estados Unidos Mexicanos y a los tribunales de la Ciudad de México."
            ),
            Some("Mexico".into())
        );
        assert_eq!(
            law("Le presenti condizioni sono regolate dalla legge italiana."),
            Some("Italy".into())
        );
        assert_eq!(
            law("Op de overeenkomst is uitsluitend Nederlands recht van toepassing."),
            Some("Netherlands".into())
        );
    }

    #[test]
    fn no_governing_law_without_a_named_jurisdiction_or_a_clause() {
        assert_eq!(
            law(
                "These Terms are governed by the mandatory laws of the country in which you reside."
            ),
            None
        );
        // A place named without a choice of law.
        assert_eq!(
            law("Your information will be transferred to and processed in the United States."),
            None
        );
        assert_eq!(
            law("We are a Delaware corporation based in California."),
            None
        );
        // "US" as a word, not the country.
        assert_eq!(
            law("ANY DISPUTE BETWEEN YOU AND US IS GOVERNED BY THE LAWS OF GERMANY."),
            Some("Germany".into())
        );
        // A heading is not a clause.
        assert!(
            fields("\n## Governing Law (State of California)\n\nBe nice.\n")
                .governing_law
                .is_none()
        );
    }

    #[test]
    fn arbitration_clauses() {
        assert!(imposes_arbitration("Any dispute will be resolved by final and binding arbitration administered by the AAA.").is_some());
        assert!(
            imposes_arbitration(
                "All disputes shall be finally settled by binding arbitration conducted by JAMS."
            )
            .is_some()
        );
        assert!(
            imposes_arbitration(
                "You and Orbitforge agree to arbitrate all disputes and claims between us."
            )
            .is_some()
        );
        assert!(
            imposes_arbitration(
                "Any claim shall be submitted to binding arbitration in Salt Lake City."
            )
            .is_some()
        );
        assert!(imposes_arbitration("Qualsiasi controversia sarà risolta mediante arbitrato secondo il Regolamento della Camera Arbitrale di Milano.").is_some());
        assert!(
            imposes_arbitration(
                "Alle geschillen worden beslecht door arbitrage overeenkomstig het reglement."
            )
            .is_some()
        );
        assert!(imposes_arbitration("Streitigkeiten werden unter Ausschluss des ordentlichen Rechtswegs durch ein Schiedsgericht entschieden.").is_some());
    }

    #[test]
    fn arbitration_negatives() {
        assert!(imposes_arbitration("If you reside in the European Union, the arbitration agreement above does not apply to you.").is_none());
        assert!(
            imposes_arbitration(
                "You are not required to submit any dispute to binding arbitration."
            )
            .is_none()
        );
        assert!(
            imposes_arbitration(
                "Nothing in these terms requires you to resolve disputes by binding arbitration."
            )
            .is_none()
        );
        assert!(
            imposes_arbitration(
                "You may opt out of this arbitration provision by emailing us within 30 days."
            )
            .is_none()
        );
        assert!(
            imposes_arbitration(
                "Algunas plataformas exigen que los conflictos se resuelvan mediante arbitraje."
            )
            .is_none()
        );
        assert!(imposes_arbitration("This does not affect your statutory rights.").is_none());
    }

    #[test]
    fn class_action_waivers() {
        assert!(
            waives_class_actions("YOU WAIVE ANY RIGHT TO PARTICIPATE IN A CLASS ACTION LAWSUIT.")
                .is_some()
        );
        assert!(waives_class_actions("Claims may be brought only in your individual capacity and not as a plaintiff or class member in any class or representative proceeding.").is_some());
        assert!(waives_class_actions("The arbitration shall proceed on an individual basis, and class arbitration is not permitted.").is_some());
        assert!(
            waives_class_actions(
                "You agree that you will not seek to have any dispute heard as a class action."
            )
            .is_some()
        );
        // Not waivers.
        assert!(
            waives_class_actions(
                "Nothing in these terms limits your right to join a class action."
            )
            .is_none()
        );
        assert!(
            waives_class_actions(
                "This does not affect your right to bring a class action under local law."
            )
            .is_none()
        );
        assert!(waives_class_actions("Class actions are heard by the district court.").is_none());
    }

    #[test]
    fn arbitration_field_says_which() {
        let f =
            fields("\nAny dispute will be resolved by binding arbitration under the AAA rules.\n");
        let a = f.arbitration.expect("arbitration");
        assert!(a.binding_arbitration.is_some());
        assert!(a.class_action_waiver.is_none());
        let f =
            fields("\nYou waive any right to bring or participate in a class action against us.\n");
        let a = f.arbitration.expect("waiver");
        assert!(a.binding_arbitration.is_none());
        assert!(a.class_action_waiver.is_some());
        // A run-in heading alone is no clause.
        assert!(fields("\n**Class Action Waiver.**\n").arbitration.is_none());
    }

    #[test]
    fn unilateral_changes() {
        for s in [
            "We may revise these Terms from time to time.",
            "TinyLoop reserves the right, in its sole discretion, to modify or replace any part of this Agreement at any time.",
            "These Terms may be changed by us at any time by posting them on the site.",
            "Wir behalten uns vor, diese AGB jederzeit mit Wirkung für die Zukunft zu ändern.",
            "CloudKontor ist berechtigt, diese AGB jederzeit anzupassen.",
            "La société se réserve le droit de modifier à tout moment les présentes CGV.",
            "La empresa se reserva el derecho a modificar las presentes Condiciones en cualquier momento.",
            "Bottega Verde si riserva il diritto di modificare in qualsiasi momento le presenti condizioni.",
            "FietsDeal behoudt zich het recht voor deze algemene voorwaarden te wijzigen.",
        ] {
            assert!(unilateral_change(s).is_some(), "{s}");
        }
    }

    #[test]
    fn changes_that_are_not_unilateral_changes_of_the_terms() {
        for s in [
            "We may update this Privacy Policy from time to time.",
            "Wir behalten uns vor, diese Datenschutzerklärung jederzeit anzupassen.",
            "These terms can only be changed by written agreement between the parties.",
            "You may not modify this Agreement or the software.",
            "Orbitforge may manage, regulate, control or modify virtual items at any time.",
            "We may change the Services at any time, as described in these Terms.",
            "No modification of this Agreement will be effective unless signed by both parties.",
            "La empresa no podrá modificar las condiciones de un pedido ya confirmado.",
        ] {
            assert!(unilateral_change(s).is_none(), "{s}");
        }
    }

    #[test]
    fn stated_date_reuses_the_date_rules() {
        let f =
            fields("\nStand: 01.08.2020\n\nEs gilt das Recht der Bundesrepublik Deutschland.\n");
        assert_eq!(f.stated_date.map(|d| d.date).as_deref(), Some("2020-08-01"));
        let f = fields("\nLAST UPDATED: JULY 1, 2020\n");
        assert_eq!(f.stated_date.map(|d| d.date).as_deref(), Some("2020-07-01"));
    }

    #[test]
    fn nothing_in_an_empty_or_odd_document() {
        for body in [
            "",
            "\n\n",
            "governed by",
            "#",
            &"laws of ".repeat(10_000),
            &"é".repeat(5000),
        ] {
            let f = extract_terms(None, body);
            assert!(
                f.governing_law.is_none()
                    && f.arbitration.is_none()
                    && f.unilateral_change.is_none()
            );
        }
    }

    #[test]
    fn terms_fields_round_trip_through_json() {
        let f = fields(
            "\nWe may amend these Terms at any time. These Terms are governed by Irish law.\n",
        );
        let json = serde_json::to_string(&f).unwrap_or_default();
        let back: Option<TermsFields> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(f));
    }
}
