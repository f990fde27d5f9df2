//! Classification metrics for `moodbox eval`: confusion matrix, accuracy, per-class
//! precision/recall/F1 and macro-F1, over the seven FER2013 labels.

use moodbox_core::emotion::Emotion;

/// `confusion[truth][predicted]` counts. A face the detector missed counts only in `missed`
/// (and as wrong in accuracy and recall).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Confusion {
    pub counts: [[u64; 7]; 7],
    pub missed: [u64; 7],
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub n: u64,
}

impl Confusion {
    pub fn add(&mut self, truth: Emotion, predicted: Option<Emotion>) {
        match predicted {
            Some(p) => self.counts[truth.index()][p.index()] += 1,
            None => self.missed[truth.index()] += 1,
        }
    }

    /// Images of this true label (found or not).
    pub fn support(&self, e: Emotion) -> u64 {
        self.counts[e.index()].iter().sum::<u64>() + self.missed[e.index()]
    }

    pub fn total(&self) -> u64 {
        Emotion::ALL.iter().map(|&e| self.support(e)).sum()
    }

    pub fn correct(&self) -> u64 {
        (0..7).map(|i| self.counts[i][i]).sum()
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.correct(), self.total())
    }

    /// Fraction of images where a face was found.
    pub fn found_rate(&self) -> f64 {
        1.0 - ratio(self.missed.iter().sum(), self.total())
    }

    pub fn scores(&self, e: Emotion) -> ClassScores {
        let i = e.index();
        let predicted: u64 = (0..7).map(|t| self.counts[t][i]).sum();
        let precision = ratio(self.counts[i][i], predicted);
        let recall = ratio(self.counts[i][i], self.support(e));
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        ClassScores {
            precision,
            recall,
            f1,
            n: self.support(e),
        }
    }

    pub fn macro_f1(&self) -> f64 {
        Emotion::ALL.iter().map(|&e| self.scores(e).f1).sum::<f64>() / 7.0
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Emotion::*;

    #[test]
    fn scores_match_a_hand_worked_example() {
        let mut c = Confusion::default();
        for _ in 0..3 {
            c.add(Happy, Some(Happy));
        }
        c.add(Happy, Some(Sad));
        c.add(Sad, Some(Sad));
        c.add(Sad, None);
        assert_eq!(c.total(), 6);
        assert!((c.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        let happy = c.scores(Happy);
        assert_eq!((happy.precision, happy.recall, happy.n), (1.0, 0.75, 4));
        let sad = c.scores(Sad);
        assert_eq!((sad.precision, sad.recall), (0.5, 0.5));
        assert!((c.found_rate() - 5.0 / 6.0).abs() < 1e-12);
        let f1_happy = 2.0 * 0.75 / 1.75;
        assert!((c.macro_f1() - (f1_happy + 0.5) / 7.0).abs() < 1e-12);
    }
}
