//! Flesch-Kincaid grade level.
//!
//! `grade = 0.39 × words/sentences + 11.8 × syllables/words − 15.59`, over the body's sentences
//! (every sentence unit that holds a word, headings and list items included) and words (tokens
//! holding a letter or digit), rounded to one decimal.
//!
//! Syllables use an English heuristic (the formula is defined for English only; for other
//! languages the number is still computed but means little):
//! 1. keep the word's letters, lower-cased; a token without letters (a number) counts 1;
//! 2. words of at most three letters count 1;
//! 3. drop a silent ending: `-es` or `-e` after a consonant other than `l` (`makes`, `use`, but
//!    not `table`, `agrees`), or `-ed` (`used`);
//! 4. drop a leading `y` (a consonant there);
//! 5. count runs of vowels (`a e i o u y` and accented vowels), a run of three or more counting as
//!    more than one (each pair of vowels counts once: `beautiful` → `ea`+`u`+`i`+`u` = 4);
//! 6. at least 1.
//!
//! It over-counts `-ed` after `t`/`d` (`wanted` → 1) and some diphthongs, like every such
//! heuristic; the errors mostly cancel over a whole policy.

use crate::text::{Sentence, words};

fn is_vowel(c: char) -> bool {
    "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœ".contains(c)
}

/// The heuristic syllable count of one word (see the module documentation).
pub(crate) fn syllables(word: &str) -> u32 {
    let letters: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if letters.is_empty() || letters.len() <= 3 {
        return 1;
    }
    let mut w: &[char] = &letters;
    let n = w.len();
    let consonant_not_l = |c: char| !is_vowel(c) && c != 'l';
    if n >= 3 && w[n - 2] == 'e' && w[n - 1] == 's' && consonant_not_l(w[n - 3]) {
        w = &w[..n - 3];
    } else if n >= 2
        && ((w[n - 2] == 'e' && w[n - 1] == 'd') || (w[n - 1] == 'e' && consonant_not_l(w[n - 2])))
    {
        w = &w[..n - 2];
    }
    if w.first() == Some(&'y') {
        w = &w[1..];
    }
    let mut count = 0u32;
    let mut run = 0u32;
    for &c in w {
        if is_vowel(c) {
            // Runs of one or two vowels count once; longer runs count once per two vowels.
            if run.is_multiple_of(2) {
                count += 1;
            }
            run += 1;
        } else {
            run = 0;
        }
    }
    count.max(1)
}

/// Words, sentences and syllables of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub words: u32,
    pub sentences: u32,
    pub syllables: u32,
}

/// Counts the words, sentences (those holding at least one word) and syllables of `sentences`.
pub(crate) fn counts(sentences: &[Sentence]) -> Counts {
    let mut c = Counts::default();
    for s in sentences {
        let mut any = false;
        for w in words(&s.text) {
            any = true;
            c.words = c.words.saturating_add(1);
            c.syllables = c.syllables.saturating_add(syllables(w));
        }
        if any {
            c.sentences = c.sentences.saturating_add(1);
        }
    }
    c
}

/// The Flesch-Kincaid grade, rounded to 0.1; `None` without words or sentences.
pub(crate) fn flesch_kincaid_grade(c: Counts) -> Option<f64> {
    if c.words == 0 || c.sentences == 0 {
        return None;
    }
    let words = f64::from(c.words);
    let grade =
        0.39 * (words / f64::from(c.sentences)) + 11.8 * (f64::from(c.syllables) / words) - 15.59;
    let rounded = (grade * 10.0).round() / 10.0;
    rounded.is_finite().then_some(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllable_heuristic() {
        for (word, n) in [
            ("the", 1),
            ("privacy", 3),
            ("matters", 2),
            ("everyone", 3),
            ("protect", 2),
            ("information", 4),
            ("carefully", 4),
            ("cookies", 2),
            ("makes", 1),
            ("used", 1),
            ("table", 2),
            ("policy", 3),
            ("beautiful", 4), // over-counted: `eau` is two pairs
            ("yesterday", 3),
            ("2019", 1),
            ("you", 1),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }

    #[test]
    fn formula_on_a_known_text() {
        // 8 words, 2 sentences, 3+2+1+3 + 1+2+4+4 = 20 syllables:
        // 0.39 × 4 + 11.8 × 2.5 − 15.59 = 1.56 + 29.5 − 15.59 = 15.47 → 15.5
        let sentences = [
            Sentence {
                text: "Privacy matters to everyone.".into(),
                heading: false,
            },
            Sentence {
                text: "We protect information carefully.".into(),
                heading: false,
            },
        ];
        let c = counts(&sentences);
        assert_eq!(
            c,
            Counts {
                words: 8,
                sentences: 2,
                syllables: 20
            }
        );
        assert_eq!(flesch_kincaid_grade(c), Some(15.5));
    }

    #[test]
    fn simple_text_has_a_low_grade() {
        // 6 words, 1 sentence, 6 syllables: 0.39 × 6 + 11.8 − 15.59 = −1.45 → −1.5 (or −1.4 by
        // floating point); either way below 0.
        let c = Counts {
            words: 6,
            sentences: 1,
            syllables: 6,
        };
        let g = flesch_kincaid_grade(c).unwrap_or(f64::NAN);
        assert!((-1.5..=-1.4).contains(&g), "{g}");
    }

    #[test]
    fn no_words_no_grade() {
        assert_eq!(flesch_kincaid_grade(Counts::default()), None);
    }
}
