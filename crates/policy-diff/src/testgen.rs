//! Pseudo-random policy-like bodies for the unit tests (a xorshift generator, no extra crates).

pub(crate) struct XorShift(u64);

impl XorShift {
    pub(crate) fn new(seed: u64) -> Self {
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "we", "collect", "data", "cookies", "share", "the", "and", "you", "GDPR", "é", "  ", "<b>",
    "&", "days.", "(see", "below)", "\t", "x",
];

/// A pair of related random bodies (the second an edit of the first).
pub(crate) fn pair(rng: &mut XorShift) -> (String, String) {
    let line = |rng: &mut XorShift| -> String {
        let n = rng.below(10);
        (0..n)
            .map(|_| WORDS[rng.below(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let n = rng.below(25);
    let old: Vec<String> = (0..n).map(|_| line(rng)).collect();
    let mut new = old.clone();
    for _ in 0..rng.below(6) {
        let at = rng.below(new.len() + 1);
        match rng.below(3) {
            0 => new.insert(at, line(rng)),
            1 if at < new.len() => {
                new.remove(at);
            }
            _ if at < new.len() => {
                let extra = line(rng);
                new[at] = format!("{} {extra}", new[at].replacen("the", "a", 1));
            }
            _ => {}
        }
    }
    let join = |lines: &[String], rng: &mut XorShift| {
        let mut s = lines.join("\n");
        if rng.below(5) > 0 && !s.is_empty() {
            s.push('\n');
        }
        s
    };
    (join(&old, rng), join(&new, rng))
}
