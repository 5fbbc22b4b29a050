//! Prints the fields of each Markdown file given on the command line, as JSON: the privacy fields
//! by default, the terms-of-service fields with `--terms` before the files.
fn main() {
    let mut terms = false;
    for arg in std::env::args().skip(1) {
        if arg == "--terms" {
            terms = true;
            continue;
        }
        match std::fs::read_to_string(&arg) {
            Ok(text) => {
                let d = policy_text::document::Document::parse(&text);
                let json = if terms {
                    serde_json::to_string_pretty(&fields::extract_terms(d.title, d.body))
                } else {
                    serde_json::to_string_pretty(&fields::extract(d.title, d.body))
                };
                println!("== {arg}");
                println!("{}", json.unwrap_or_default());
            }
            Err(e) => eprintln!("{arg}: {e}"),
        }
    }
}
