//! Prints the fields of each Markdown file given on the command line, as JSON.
fn main() {
    for path in std::env::args().skip(1) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let f = {
                    let d = policy_text::document::Document::parse(&text);
                    fields::extract(d.title, d.body)
                };
                println!("== {path}");
                println!("{}", serde_json::to_string_pretty(&f).unwrap_or_default());
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}
