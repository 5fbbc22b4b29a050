//! Compares two Markdown bodies given as file paths and prints the terminal view (plain, or
//! coloured with `--color`), the unified diff with `--unified`, the JSON with `--json`, or the
//! HTML page with `--html`: `cargo run --example files -- OLD.md NEW.md [--color|--unified|--json|--html]`.

use policy_diff::{
    VersionView, compare, render_html, render_json, render_terminal, render_unified,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old_path, new_path, rest @ ..] = args.as_slice() else {
        return Err("usage: files OLD.md NEW.md [--color|--unified|--json|--html]".into());
    };
    let (old_body, new_body) = (
        std::fs::read_to_string(old_path)?,
        std::fs::read_to_string(new_path)?,
    );
    let (old_fields, new_fields) = (
        fields::extract(None, &old_body),
        fields::extract(None, &new_body),
    );
    let view = |seq, first_seen, body, fields| VersionView {
        seq,
        first_seen,
        valid_until: None,
        capture_count: 1,
        url: "file",
        title: None,
        body,
        fields: Some(fields),
        found_by_rebuild: false,
        relation: None,
    };
    let old = VersionView {
        valid_until: Some("20200101000000"),
        ..view(1, "20190101000000", &old_body, &old_fields)
    };
    let new = view(2, "20200101000000", &new_body, &new_fields);
    let cmp = compare(&old, &new);
    match rest.first().map(String::as_str) {
        Some("--color") => print!("{}", render_terminal(&cmp, true)),
        Some("--unified") => print!("{}", render_unified(&cmp, old_path, new_path)),
        Some("--json") => println!("{}", serde_json::to_string_pretty(&render_json(&cmp))?),
        Some("--html") => print!("{}", render_html("example", &[old, new], &[cmp])),
        _ => print!("{}", render_terminal(&cmp, false)),
    }
    Ok(())
}
