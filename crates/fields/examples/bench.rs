//! Times `extract` on the given files, each repeated N times (first argument).
fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let text: String = args
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect::<Vec<_>>()
        .join("\n\n");
    let big = text.repeat(n);
    let t = std::time::Instant::now();
    let f = fields::extract(None, &big);
    println!(
        "{} bytes in {:?}: {} words, {} practices, {} third parties",
        big.len(),
        t.elapsed(),
        f.word_count,
        f.practices.len(),
        f.third_parties.len()
    );
}
