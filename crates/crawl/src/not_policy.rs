//! Captures that are not a policy at all: a pure classifier of a converted page (its title and
//! Markdown body) that names why it is not one — a "page not found" or an error page archived
//! with status 200, a login wall, the archive's own page, a firewall's "access denied" or a
//! "too many requests" page. A flagged capture opens no version and ends none.
//!
//! It lives in the crawl, not in `policy-text`: the converter turns any page into the corpus's
//! Markdown and does not judge what a page is; deciding what counts as a policy is the crawl's.
//!
//! Not for: pages that are a policy of someone else (a third party's, a registrar's: that is
//! discovery's and `parked`'s), or telling a policy from other legal text.

use store::NotPolicy;

/// Words of a body long enough to be a policy by its length alone, given its vocabulary.
const POLICY_WORDS: usize = 120;

/// Distinct policy terms ([`POLICY_TERMS`]) a page that reads as a policy holds.
const POLICY_TERM_COUNT: usize = 3;

/// Characters of the body's text, after its headings, where a page says what it is.
const HEAD_CHARS: usize = 600;

/// Stems of a policy's vocabulary (English, German, French, Spanish, Italian, Dutch).
const POLICY_TERMS: [&str; 26] = [
    "privacy",
    "personal information",
    "personal data",
    "personally identifiable",
    "cookie",
    "third part",
    "collect",
    "disclos",
    "data protection",
    "datenschutz",
    "personenbezogen",
    "verarbeitung",
    "données personnelles",
    "donnees personnelles",
    "vie privée",
    "confidentialité",
    "collectons",
    "datos personales",
    "privacidad",
    "protección de datos",
    "recopila",
    "dati personali",
    "trattamento",
    "informativa",
    "persoonsgegevens",
    "gegevens",
];

/// Each reason with the phrases that give a page away, in the order they are tried: the
/// archive's pages mention pages "not found" too, and firewalls answer "forbidden".
const RULES: [(NotPolicy, &[&str]); 5] = [
    (
        NotPolicy::RateLimited,
        &[
            "too many requests",
            "rate limit exceeded",
            "rate limited",
            "you have sent too many requests",
            "zu viele anfragen",
            "trop de requêtes",
            "trop de requetes",
            "demasiadas solicitudes",
            "demasiadas peticiones",
        ],
    ),
    (
        NotPolicy::AccessDenied,
        &[
            "access denied",
            "attention required",
            "you have been blocked",
            "you don't have permission to access",
            "you do not have permission to access",
            "checking your browser",
            "ddos protection by",
            "please enable cookies",
            "enable javascript and cookies to continue",
            "verify you are human",
            "are you a robot",
            "request unsuccessful",
            "incapsula incident",
            "403 forbidden",
            "zugriff verweigert",
            "accès refusé",
            "acces refuse",
            "acceso denegado",
        ],
    ),
    (
        NotPolicy::SoftNotFound,
        &[
            "page not found",
            "not found",
            "page cannot be found",
            "page could not be found",
            "can't be found",
            "cannot be found",
            "couldn't be found",
            "could not be found",
            "can't find the page",
            "couldn't find the page",
            "could not find the page",
            "doesn't exist",
            "does not exist",
            "no longer exists",
            "nothing was found",
            "nothing found",
            "seite nicht gefunden",
            "nicht gefunden",
            "existiert nicht",
            "nicht mehr verfügbar",
            "page introuvable",
            "page non trouvée",
            "page non trouvee",
            "n'existe pas",
            "n'existe plus",
            "página no encontrada",
            "pagina no encontrada",
            "no se ha encontrado",
            "no se encontró",
            "no existe",
            "pagina non trovata",
            "non è stata trovata",
        ],
    ),
    (
        NotPolicy::ErrorPage,
        &[
            "internal server error",
            "bad gateway",
            "service unavailable",
            "service temporarily unavailable",
            "gateway timeout",
            "gateway time-out",
            "error establishing a database connection",
            "database error",
            "fatal error",
            "an error occurred",
            "an error has occurred",
            "something went wrong",
            "the server encountered an internal error",
            "temporarily unable to service your request",
            "briefly unavailable for scheduled maintenance",
            "runtime error",
            "application error",
            "interner serverfehler",
            "erreur interne du serveur",
            "error interno del servidor",
        ],
    ),
    (
        NotPolicy::LoginWall,
        &[
            "you must be logged in",
            "you need to log in",
            "you need to sign in",
            "please log in",
            "please sign in",
            "log in to continue",
            "sign in to continue",
            "login required",
            "members only",
            "bitte melden sie sich an",
            "anmeldung erforderlich",
            "veuillez vous connecter",
            "identifiez-vous",
            "inicia sesión para",
            "debes iniciar sesión",
        ],
    ),
];

/// HTTP status codes that name an error page when a title or heading carries them.
const STATUS_CODES: [(&str, NotPolicy); 7] = [
    ("429", NotPolicy::RateLimited),
    ("403", NotPolicy::AccessDenied),
    ("404", NotPolicy::SoftNotFound),
    ("500", NotPolicy::ErrorPage),
    ("502", NotPolicy::ErrorPage),
    ("503", NotPolicy::ErrorPage),
    ("504", NotPolicy::ErrorPage),
];

/// Words of a sign-in form, in a title or heading (a login wall's) or beside a password field.
const LOGIN_WORDS: [&str; 16] = [
    "log in",
    "login",
    "log on",
    "sign in",
    "signin",
    "anmelden",
    "einloggen",
    "anmeldung",
    "connexion",
    "se connecter",
    "iniciar sesión",
    "inicia sesión",
    "iniciar sesion",
    "acceder",
    "accedi",
    "inloggen",
];

/// Words of a password field.
const PASSWORD_WORDS: [&str; 6] = [
    "password",
    "passwort",
    "kennwort",
    "mot de passe",
    "contraseña",
    "wachtwoord",
];

/// Words of a sign-in form's other fields and links.
const ACCOUNT_WORDS: [&str; 12] = [
    "forgot your password",
    "forgot password",
    "create account",
    "create an account",
    "remember me",
    "passwort vergessen",
    "konto erstellen",
    "mot de passe oublié",
    "créer un compte",
    "olvidaste tu contraseña",
    "olvidó su contraseña",
    "crear una cuenta",
];

/// Words of a page that is nothing but a sign-in form.
const FORM_WORDS: usize = 80;

/// Phrases of the archive's own pages (the Wayback Machine's "not archived", "excluded",
/// "Hrm." and robots.txt pages), which also name the archive.
const ARCHIVE_PHRASES: [&str; 9] = [
    "doesn't have that page archived",
    "has not archived that url",
    "hasn't archived that url",
    "this url has been excluded",
    "excluded from the wayback machine",
    "page cannot be displayed due to robots.txt",
    "robots.txt query exclusion",
    "hrm.",
    "got an http",
];

/// Names of the archive, one of which an archive page carries.
const ARCHIVE_NAMES: [&str; 3] = ["wayback machine", "internet archive", "archive.org"];

/// Why a converted page (its `title` and Markdown `body`) is not a policy at all, or `None`
/// when it may be one. A page that reads as a policy — long enough and holding a policy's
/// vocabulary — is never flagged, whatever it says about logins or missing pages; any other
/// page is flagged when its title, headings or opening words say what it is.
pub fn classify(title: Option<&str>, body: &str) -> Option<NotPolicy> {
    let page = Page::read(title, body);
    if page.reads_as_policy() {
        return None;
    }
    let head = page.head();
    if ARCHIVE_NAMES.iter().any(|name| page.text.contains(name))
        && (ARCHIVE_PHRASES.iter().any(|phrase| head.contains(phrase))
            || page.title.contains("wayback machine"))
    {
        return Some(NotPolicy::ArchivePage);
    }
    if let Some((reason, _)) = RULES
        .iter()
        .find(|(_, phrases)| phrases.iter().any(|phrase| head.contains(phrase)))
    {
        return Some(*reason);
    }
    let titles = page.titles();
    if let Some((_, reason)) = STATUS_CODES
        .iter()
        .find(|(code, _)| has_token(&titles, code))
    {
        return Some(*reason);
    }
    let login_named = LOGIN_WORDS.iter().any(|word| has_token(&titles, word));
    let password_field = PASSWORD_WORDS.iter().any(|word| head.contains(word))
        && (LOGIN_WORDS.iter().any(|word| has_token(&head, word))
            || (page.words < FORM_WORDS && ACCOUNT_WORDS.iter().any(|word| head.contains(word))));
    (login_named || password_field).then_some(NotPolicy::LoginWall)
}

/// A converted page, lowercased and stripped of Markdown.
struct Page {
    title: String,
    /// Heading lines (`#` headings and lines that are all bold), one per line.
    headings: String,
    /// The body's text without link targets or Markdown marks, whitespace collapsed.
    text: String,
    words: usize,
}

impl Page {
    fn read(title: Option<&str>, body: &str) -> Page {
        let headings = body
            .lines()
            .map(str::trim)
            .filter(|line| {
                line.starts_with('#')
                    || (line.len() > 4 && line.starts_with("**") && line.ends_with("**"))
            })
            .map(plain)
            .collect::<Vec<_>>()
            .join("\n");
        let text = plain(body);
        Page {
            title: plain(title.unwrap_or("")),
            headings,
            words: text.split_whitespace().count(),
            text,
        }
    }

    fn reads_as_policy(&self) -> bool {
        self.words >= POLICY_WORDS
            && POLICY_TERMS
                .iter()
                .filter(|term| self.text.contains(*term))
                .count()
                >= POLICY_TERM_COUNT
    }

    /// The title and headings.
    fn titles(&self) -> String {
        format!("{}\n{}", self.title, self.headings)
    }

    /// Where a page says what it is: its title, headings and opening words.
    fn head(&self) -> String {
        let opening: String = self.text.chars().take(HEAD_CHARS).collect();
        format!("{}\n{opening}", self.titles())
    }
}

/// Lowercase text without Markdown link targets, emphasis or heading marks, curly apostrophes
/// made straight, whitespace collapsed.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `](target)`: the link's text stays, its target goes.
            ']' if chars.peek() == Some(&'(') => {
                let mut depth = 0usize;
                for next in chars.by_ref() {
                    match next {
                        '(' => depth += 1,
                        ')' if depth <= 1 => break,
                        ')' => depth -= 1,
                        _ => {}
                    }
                }
                out.push(' ');
            }
            '*' | '#' | '_' | '`' | '>' | '|' | '[' | ']' => out.push(' '),
            '\u{2019}' | '\u{2018}' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `word` occurs in `text` with no letter or digit on either side.
fn has_token(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy of about 150 words that talks about logins and missing pages.
    fn policy_mentioning_login_and_404() -> String {
        let paragraph = "We collect personal information when you log in to your account, \
            such as your email address and password. We use cookies to keep you signed in. \
            We do not disclose personal information to third parties except as required by law. \
            If a page you ask for is not found, our server logs the 404 error with your IP \
            address for security. ";
        format!("\n## Login and your data\n\n{}\n", paragraph.repeat(3))
    }

    #[test]
    fn a_policy_that_mentions_logins_and_404_is_a_policy() {
        let body = policy_mentioning_login_and_404();
        assert_eq!(classify(Some("Privacy Policy | Login"), &body), None);
        assert_eq!(classify(Some("404 Privacy"), &body), None);
    }

    #[test]
    fn short_pages_say_what_they_are() {
        let cases: [(&str, &str, NotPolicy); 10] = [
            (
                "Page not found – Example Blog",
                "\nIt looks like nothing was found at this location. Maybe try a search?\n",
                NotPolicy::SoftNotFound,
            ),
            (
                "Seite nicht gefunden",
                "\nDie angeforderte Seite existiert nicht.\n",
                NotPolicy::SoftNotFound,
            ),
            (
                "Erreur",
                "\n# Page introuvable\n\nLa page que vous cherchez n'existe pas.\n",
                NotPolicy::SoftNotFound,
            ),
            (
                "500 Internal Server Error",
                "\n# Internal Server Error\n\nThe server encountered an internal error.\n",
                NotPolicy::ErrorPage,
            ),
            (
                "Account",
                "\nEmail Password [Forgot your password?](/account/recover)\n",
                NotPolicy::LoginWall,
            ),
            (
                "Wayback Machine",
                "\nHrm.\n\nThe Wayback Machine has not archived that URL.\n",
                NotPolicy::ArchivePage,
            ),
            (
                "Attention Required! | Cloudflare",
                "\n# Sorry, you have been blocked\n\nYou are unable to access example.com\n",
                NotPolicy::AccessDenied,
            ),
            (
                "Access Denied",
                "\n# Access Denied\n\nYou don't have permission to access \"http://example.com/privacy\" on this server.\n\nReference #18.2a3c4d5e\n",
                NotPolicy::AccessDenied,
            ),
            (
                "429 Too Many Requests",
                "\n# 429 Too Many Requests\n\nYou have sent too many requests in a given amount of time.\n",
                NotPolicy::RateLimited,
            ),
            (
                "Error 503",
                "\nPlease try again later.\n",
                NotPolicy::ErrorPage,
            ),
        ];
        for (title, body, reason) in cases {
            assert_eq!(classify(Some(title), body), Some(reason), "{title}: {body}");
        }
    }

    #[test]
    fn a_short_page_with_nothing_to_say_is_left_alone() {
        assert_eq!(
            classify(Some("Privacy"), "\nWe respect your privacy.\n"),
            None
        );
        // A phone number is not a status code; a word holding "login" is not the word.
        assert_eq!(
            classify(Some("Contact"), "\nCall 404-555-0100. Our bloginfo page.\n"),
            None
        );
    }

    #[test]
    fn link_targets_and_marks_are_not_text() {
        assert_eq!(
            plain("**Hello** [Not Found](http://a.com/404) _x_"),
            "hello not found x"
        );
        assert!(has_token("error 404 here", "404"));
        assert!(!has_token("4040", "404"));
    }
}
