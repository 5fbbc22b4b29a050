//! Document types end to end (issue 16): one archive with a German and a French site, each
//! with a privacy policy, terms, a cookie policy and an imprint linked from its homepage, an
//! English site whose footer also links a third party's terms, and a Spanish site that
//! publishes its privacy policy and its terms as PDFs (the terms change once), its cookie policy
//! as a scanned PDF (no text layer: a capture note, no version) and its imprint as HTML. `crawl --types
//! privacy,terms,trackers,imprint` stores exactly the expected versions per type, each header
//! names its type, one candidate listing serves all four types (CDX requests per domain stay
//! two per domain, as with privacy alone), and history, diff and the markdown export know the type.

mod common;

use common::{Archive, crawler, fast_config, run_ok, text};
use fake_wayback::{FixtureCapture, FixtureSet, Pool};
use pdf_text::sample::{SampleLine, image_pdf, text_pdf};
use store::{DocumentType, Store};

/// A page of `words` repeated into paragraphs long enough to be a document.
fn page(title: &str, heading: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{p} {p} {p}</p>\n"))
        .collect();
    format!(
        "<html><head><title>{title}</title></head><body><nav><a href=\"/\">Home</a></nav>\
         <main><article><h1>{heading}</h1>\n{body}</article></main></body></html>"
    )
}

fn homepage(site: &str, links: &[(&str, &str)]) -> String {
    let links: String = links
        .iter()
        .map(|(href, text)| format!("<a href=\"{href}\">{text}</a> | "))
        .collect();
    format!(
        "<html><head><title>{site}</title></head><body><h1>{site}</h1>\
         <p>Willkommen, bienvenue, welcome to {site}.</p><footer>{links}</footer></body></html>"
    )
}

const DE: &str = "beispiel-laden.de";
const FR: &str = "boutique-exemple.fr";
const EN: &str = "sample-store.com";
const ES: &str = "tienda-ejemplo.es";
/// Excluded from the archive: its failed listing is not sent again for each type.
const BLOCKED: &str = "excluded-shop.de";

/// A PDF document: a large heading line, then paragraphs of body text.
fn pdf(title: &str, paragraphs: &[&str]) -> Vec<u8> {
    let mut lines: Vec<SampleLine<'_>> = vec![(18.0, title), (11.0, "")];
    for paragraph in paragraphs {
        lines.push((11.0, paragraph));
        lines.push((11.0, ""));
    }
    text_pdf(Some(title), &[&lines])
}

fn pdf_capture(url: String, timestamp: &str, body: Vec<u8>) -> FixtureCapture {
    FixtureCapture {
        mimetype: "application/pdf".into(),
        headers: vec![("Content-Type".into(), "application/pdf".into())],
        ..FixtureCapture::html(&url, timestamp, body)
    }
}

fn archive() -> FixtureSet {
    let mut set = FixtureSet::new();
    let add = |set: &mut FixtureSet, url: String, ts: &str, html: String| {
        set.add(FixtureCapture::html(&url, ts, html));
    };
    // The German site: its AGB change once, in 2019.
    let de_links = [
        ("/datenschutz", "Datenschutzerklärung"),
        ("/agb", "AGB"),
        ("/cookie-richtlinie", "Cookie-Richtlinie"),
        ("/impressum", "Impressum"),
    ];
    for ts in ["20180105000000", "20200105000000"] {
        add(
            &mut set,
            format!("http://{DE}/"),
            ts,
            homepage(DE, &de_links),
        );
    }
    add(
        &mut set,
        format!("http://{DE}/datenschutz"),
        "20180110000000",
        page(
            "Datenschutzerklärung | Beispiel Laden",
            "Datenschutzerklärung",
            &[
                "Wir verarbeiten personenbezogene Daten unserer Kunden nur im Rahmen der gesetzlichen Bestimmungen der Datenschutz-Grundverordnung.",
                "Sie haben das Recht auf Auskunft, Berichtigung und Löschung Ihrer bei uns gespeicherten Daten.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{DE}/agb"),
        "20180110000000",
        page(
            "AGB | Beispiel Laden",
            "Allgemeine Geschäftsbedingungen",
            &[
                "Diese Allgemeinen Geschäftsbedingungen gelten für alle Bestellungen über unseren Online-Shop.",
                "Es gilt das Recht der Bundesrepublik Deutschland. Gerichtsstand ist Berlin.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{DE}/agb"),
        "20190301000000",
        page(
            "AGB | Beispiel Laden",
            "Allgemeine Geschäftsbedingungen",
            &[
                "Diese Allgemeinen Geschäftsbedingungen gelten für alle Bestellungen über unseren Online-Shop und unsere App.",
                "Es gilt das Recht der Bundesrepublik Deutschland. Gerichtsstand ist München.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{DE}/cookie-richtlinie"),
        "20180110000000",
        page(
            "Cookie-Richtlinie | Beispiel Laden",
            "Cookie-Richtlinie",
            &[
                "Wir verwenden Cookies, um unseren Shop nutzerfreundlich zu gestalten und die Nutzung zu analysieren.",
                "Sie können Cookies in den Einstellungen Ihres Browsers jederzeit deaktivieren.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{DE}/impressum"),
        "20180110000000",
        page(
            "Impressum | Beispiel Laden",
            "Impressum",
            &[
                "Angaben gemäß Paragraph 5 Telemediengesetz: Beispiel Laden GmbH, Musterstraße 1, 10115 Berlin.",
                "Vertreten durch die Geschäftsführerin Erika Mustermann. Registergericht Amtsgericht Berlin-Charlottenburg.",
            ],
        ),
    );

    // The French site: one version of each.
    let fr_links = [
        ("/confidentialite", "Politique de confidentialité"),
        ("/cgu", "Conditions générales d'utilisation"),
        ("/cookies", "Gestion des cookies"),
        ("/mentions-legales", "Mentions légales"),
    ];
    for ts in ["20180205000000", "20200205000000"] {
        add(
            &mut set,
            format!("http://{FR}/"),
            ts,
            homepage(FR, &fr_links),
        );
    }
    add(
        &mut set,
        format!("http://{FR}/confidentialite"),
        "20180210000000",
        page(
            "Politique de confidentialité",
            "Politique de confidentialité",
            &[
                "Nous collectons vos données personnelles uniquement pour traiter vos commandes et améliorer nos services.",
                "Conformément au règlement général sur la protection des données, vous disposez d'un droit d'accès et de rectification.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{FR}/cgu"),
        "20180210000000",
        page(
            "Conditions générales d'utilisation",
            "Conditions générales d'utilisation",
            &[
                "Les présentes conditions générales régissent l'utilisation du site et de ses services par tout utilisateur.",
                "Elles sont soumises au droit français et tout litige relève des tribunaux de Paris.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{FR}/cookies"),
        "20180210000000",
        page(
            "Gestion des cookies",
            "Gestion des cookies",
            &[
                "Notre site dépose des cookies pour mesurer l'audience et proposer des contenus adaptés à vos centres d'intérêt.",
                "Vous pouvez refuser ces cookies à tout moment depuis le panneau de gestion accessible en bas de page.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{FR}/mentions-legales"),
        "20180210000000",
        page(
            "Mentions légales",
            "Mentions légales",
            &[
                "Le site est édité par la société Boutique Exemple SAS au capital de dix mille euros, immatriculée à Paris.",
                "Directeur de la publication : Jean Dupont. Hébergeur : Exemple Hébergement, Roubaix.",
            ],
        ),
    );

    // The English site: its own terms, and a map widget's terms beside them.
    let en_links = [
        ("/privacy-policy", "Privacy Policy"),
        ("/legal/terms-of-use", "Terms of Use"),
        (
            "https://www.google.com/intl/en_us/help/terms_maps/",
            "Terms",
        ),
    ];
    for ts in ["20180305000000", "20200305000000"] {
        add(
            &mut set,
            format!("http://{EN}/"),
            ts,
            homepage(EN, &en_links),
        );
    }
    add(
        &mut set,
        format!("http://{EN}/privacy-policy"),
        "20180310000000",
        page(
            "Privacy Policy | Sample Store",
            "Privacy Policy",
            &[
                "We collect the personal information you give us when you place an order, and we never sell it to third parties.",
                "You may ask us at any time to see, correct or delete the information we hold about you.",
            ],
        ),
    );
    add(
        &mut set,
        format!("http://{EN}/legal/terms-of-use"),
        "20180310000000",
        page(
            "Terms of Use | Sample Store",
            "Terms of Use",
            &[
                "By using this website you agree to these terms of use, which govern every purchase made through the store.",
                "These terms are governed by the laws of the State of New York. We may modify these terms at any time by posting the revised terms on this website.",
            ],
        ),
    );
    add(
        &mut set,
        "https://www.google.com/intl/en_us/help/terms_maps/".to_owned(),
        "20180310000000",
        page(
            "Google Maps Terms of Service",
            "Google Maps/Google Earth Additional Terms of Service",
            &[
                "These additional terms apply to your use of Google Maps and Google Earth and their content.",
                "By using Google Maps you agree to the Google Terms of Service and these additional terms.",
            ],
        ),
    );

    // The Spanish site: PDFs for its privacy policy, terms (changed in 2019) and cookie policy
    // (a scan), HTML for its imprint.
    let es_links = [
        ("/docs/politica-de-privacidad.pdf", "Política de privacidad"),
        ("/docs/condiciones-generales.pdf", "Condiciones generales"),
        ("/docs/politica-de-cookies.pdf", "Política de cookies"),
        ("/aviso-legal", "Aviso legal"),
    ];
    for ts in ["20180405000000", "20200405000000"] {
        add(
            &mut set,
            format!("http://{ES}/"),
            ts,
            homepage(ES, &es_links),
        );
    }
    set.add(pdf_capture(
        format!("http://{ES}/docs/politica-de-privacidad.pdf"),
        "20180410000000",
        pdf(
            "Política de privacidad",
            &[
                "Tratamos los datos personales de nuestros clientes conforme al Reglamento General de Protección de Datos.",
                "Puede ejercer sus derechos de acceso, rectificación y supresión escribiendo a nuestra dirección.",
            ],
        ),
    ));
    for (ts, court) in [
        ("20180410000000", "los juzgados de Madrid"),
        ("20190610000000", "los juzgados de Barcelona"),
    ] {
        let jurisdiction = format!("Para cualquier controversia las partes se someten a {court}.");
        set.add(pdf_capture(
            format!("http://{ES}/docs/condiciones-generales.pdf"),
            ts,
            pdf(
                "Condiciones generales",
                &[
                    "Estas condiciones generales regulan el uso de la tienda y todas las compras realizadas en ella.",
                    &jurisdiction,
                ],
            ),
        ));
    }
    set.add(pdf_capture(
        format!("http://{ES}/docs/politica-de-cookies.pdf"),
        "20180410000000",
        image_pdf(1),
    ));
    add(
        &mut set,
        format!("http://{ES}/aviso-legal"),
        "20180410000000",
        page(
            "Aviso legal | Tienda Ejemplo",
            "Aviso legal",
            &[
                "Tienda Ejemplo S.L., con domicilio en Calle Mayor 1, 28013 Madrid, inscrita en el Registro Mercantil de Madrid.",
                "Correo electrónico de contacto: hola arroba tienda-ejemplo punto es. NIF B12345678.",
            ],
        ),
    );
    set.block_site(BLOCKED);
    set
}

fn crawl_all_types(
    archive: &Archive,
    dir: &std::path::Path,
    db: &std::path::Path,
) -> serde_json::Value {
    let output = run_ok(
        crawler()
            .arg("--config")
            .arg(fast_config(dir))
            .arg("--archive")
            .arg(archive.url())
            .arg("--db")
            .arg(db)
            .args([
                "crawl",
                "--json",
                "--types",
                "privacy,terms,trackers,imprint",
                DE,
                FR,
                EN,
                ES,
                BLOCKED,
            ]),
    );
    serde_json::from_slice(&output.stdout).expect("the crawl's JSON report")
}

fn cdx_requests(archive: &Archive) -> usize {
    archive
        .server()
        .requests()
        .iter()
        .filter(|r| r.pool == Pool::Cdx)
        .count()
}

#[test]
fn four_types_are_found_on_german_french_and_english_sites_with_one_listing() {
    let archive = Archive::serving(archive());
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crawler.sqlite");
    let report = crawl_all_types(&archive, dir.path(), &db);
    assert_eq!(report["status"], "completed", "{report:#}");
    let cdx = cdx_requests(&archive);
    assert!(
        cdx <= 2 * 4 + 1,
        "{cdx} CDX requests for 4 domains and 4 types, and a blocked one"
    );
    let blocked_listings = archive
        .server()
        .requests()
        .iter()
        .filter(|r| r.pool == Pool::Cdx && r.path_and_query.contains(BLOCKED))
        .count();
    assert_eq!(
        blocked_listings, 1,
        "the blocked domain is listed once for all types"
    );

    let store = Store::open_read_only(&db).expect("store");
    let expected: [(&str, DocumentType, &[&str]); 13] = [
        (DE, DocumentType::Privacy, &["/datenschutz"]),
        (DE, DocumentType::Terms, &["/agb", "/agb"]),
        (DE, DocumentType::Trackers, &["/cookie-richtlinie"]),
        (DE, DocumentType::Imprint, &["/impressum"]),
        (FR, DocumentType::Privacy, &["/confidentialite"]),
        (FR, DocumentType::Terms, &["/cgu"]),
        (FR, DocumentType::Trackers, &["/cookies"]),
        (FR, DocumentType::Imprint, &["/mentions-legales"]),
        (EN, DocumentType::Privacy, &["/privacy-policy"]),
        (EN, DocumentType::Terms, &["/legal/terms-of-use"]),
        (
            ES,
            DocumentType::Privacy,
            &["/docs/politica-de-privacidad.pdf"],
        ),
        (
            ES,
            DocumentType::Terms,
            &[
                "/docs/condiciones-generales.pdf",
                "/docs/condiciones-generales.pdf",
            ],
        ),
        (ES, DocumentType::Imprint, &["/aviso-legal"]),
    ];
    for (domain, kind, paths) in expected {
        let row = store
            .domain(domain, kind)
            .expect("query")
            .unwrap_or_else(|| panic!("{domain} {kind} stored"));
        let versions = store.versions(row.id).expect("versions");
        let urls: Vec<String> = versions.iter().map(|v| v.url.clone()).collect();
        let wanted: Vec<String> = paths
            .iter()
            .map(|p| format!("http://{domain}{p}"))
            .collect();
        assert_eq!(urls, wanted, "{domain} {kind}");
        for version in &versions {
            let header = version.markdown.lines().next().unwrap_or("");
            assert!(
                header.contains(&format!(
                    "the {domain} {} that was archived on",
                    kind.phrase()
                )),
                "{header}"
            );
        }
    }
    // The English site has no cookie policy or imprint: none is invented from its other pages.
    for kind in [DocumentType::Trackers, DocumentType::Imprint] {
        let versions = store
            .domain(EN, kind)
            .expect("query")
            .map(|row| store.versions(row.id).expect("versions"))
            .unwrap_or_default();
        assert!(versions.is_empty(), "{kind}: {versions:?}");
    }
    // The PDFs' text layers are the versions' text: title, heading and paragraphs.
    let es_terms = store
        .domain(ES, DocumentType::Terms)
        .expect("query")
        .expect("the Spanish terms");
    let es_terms = store.versions(es_terms.id).expect("versions");
    for (version, court) in es_terms.iter().zip(["Madrid", "Barcelona"]) {
        assert_eq!(version.title.as_deref(), Some("Condiciones generales"));
        assert!(
            version.markdown.contains(
                "\n\nEstas condiciones generales regulan el uso de la tienda y todas las compras \
                 realizadas en ella.\n\n"
            ),
            "{}",
            version.markdown
        );
        assert!(
            version
                .markdown
                .contains(&format!("se someten a los juzgados de {court}.")),
            "{}",
            version.markdown
        );
    }
    // The scanned cookie policy is no version, and its capture says why.
    let es_cookies = store
        .domain(ES, DocumentType::Trackers)
        .expect("query")
        .map(|row| store.versions(row.id).expect("versions"))
        .unwrap_or_default();
    assert!(es_cookies.is_empty(), "{es_cookies:?}");
    let dump = common::dump(&db);
    assert!(
        dump.lines()
            .any(|line| line.contains("politica-de-cookies.pdf") && line.contains("no text layer")),
        "no capture note about the scanned PDF:\n{dump}"
    );
    // The German terms changed once: the diff shows the new court.
    let diff = run_ok(
        crawler()
            .arg("--db")
            .arg(&db)
            .args(["diff", DE, "--type", "terms"]),
    );
    let diff = text(&diff.stdout);
    assert!(diff.contains("München"), "{diff}");
    let history = run_ok(
        crawler()
            .arg("--db")
            .arg(&db)
            .args(["history", FR, "--type", "imprint", "--json"]),
    );
    assert_eq!(text(&history.stdout).lines().count(), 1);
    // The privacy policy keeps the corpus file name; other types add theirs.
    let out = dir.path().join("md");
    run_ok(
        crawler()
            .arg("--db")
            .arg(&db)
            .args(["export", "--format", "markdown", "--out"])
            .arg(&out),
    );
    assert!(
        out.join("b/be/bei/beispiel-laden.de__20180110000000.md")
            .is_file()
    );
    assert!(
        out.join("b/be/bei/beispiel-laden.de__terms__20190301000000.md")
            .is_file()
    );
    assert!(
        out.join("b/bo/bou/boutique-exemple.fr__imprint__20180210000000.md")
            .is_file()
    );

    // The export says each row's type; terms carry their own fields, privacy policies theirs.
    let jsonl = dir.path().join("versions.jsonl");
    run_ok(
        crawler()
            .arg("--db")
            .arg(&db)
            .args(["export", "--format", "jsonl", "--domains", EN, "--out"])
            .arg(&jsonl),
    );
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .expect("jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON row"))
        .collect();
    let kinds: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["document_type"].as_str())
        .collect();
    assert_eq!(kinds, ["Privacy Policy", "Terms of Service"]);
    assert_eq!(
        rows[1]["governing_law"], "State of New York",
        "{:#}",
        rows[1]
    );
    assert_eq!(rows[1]["unilateral_change"], 1);
    assert_eq!(rows[1]["arbitration"], 0);
    assert!(rows[1]["practice_cookies"].is_null());
    assert!(rows[0]["governing_law"].is_null());
    assert!(
        rows[0]["practice_selling_data"].is_number(),
        "{:#}",
        rows[0]
    );
    let only_terms = run_ok(crawler().arg("--db").arg(&db).args([
        "export", "--format", "jsonl", "--type", "terms", "--out", "-",
    ]));
    assert_eq!(
        text(&only_terms.stdout).lines().count(),
        6,
        "two German, one French, one English, two Spanish"
    );

    // A second run lists from the shared cursors: nothing new, and again one listing serves
    // every type.
    archive.server().clear_requests();
    let again = crawl_all_types(&archive, dir.path(), &db);
    assert_eq!(again["counts"]["versions_new"], 0, "{again:#}");
    let cdx = cdx_requests(&archive);
    assert!(
        cdx <= 2 * 4 + 1,
        "{cdx} CDX requests on the incremental run"
    );
}
