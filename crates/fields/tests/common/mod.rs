//! Scoring shared by the label tests: precision and recall over sets of predicted and expected
//! values.

use std::collections::BTreeSet;

/// True positives, false positives and false negatives of one field.
#[derive(Debug, Default, Clone, Copy)]
pub struct Score {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
}

impl Score {
    pub fn precision(&self) -> f64 {
        let predicted = self.tp + self.fp;
        if predicted == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(predicted)
        }
    }

    pub fn recall(&self) -> f64 {
        let expected = self.tp + self.fn_;
        if expected == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(expected)
        }
    }

    /// Adds one page's predicted and expected sets; returns the misses and extras.
    pub fn add(
        &mut self,
        predicted: &BTreeSet<String>,
        expected: &BTreeSet<String>,
    ) -> (Vec<String>, Vec<String>) {
        let tp = predicted.intersection(expected).count() as u32;
        let extra: Vec<String> = predicted.difference(expected).cloned().collect();
        let missed: Vec<String> = expected.difference(predicted).cloned().collect();
        self.tp += tp;
        self.fp += extra.len() as u32;
        self.fn_ += missed.len() as u32;
        (missed, extra)
    }
}

pub fn set<I: IntoIterator<Item = String>>(items: I) -> BTreeSet<String> {
    items.into_iter().collect()
}
