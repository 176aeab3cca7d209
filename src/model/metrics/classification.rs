//! The confusion matrix at the threshold 0.5, with precision, recall, F1 and ROC AUC.

use super::roc::roc_auc;
use super::rows::RowPredictions;
use crate::model::logistic::predict_class;

/// Counts of predicted against true classes (positive: year after the threshold), as
/// scikit-learn's `confusion_matrix` lays them out: `[[tn, fp], [fn, tp]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Confusion {
    pub true_negative: usize,
    pub false_positive: usize,
    pub false_negative: usize,
    pub true_positive: usize,
}

impl Confusion {
    /// The counts of `probabilities` (predicted class `y >= 0.5`) against `targets` (0 or 1).
    pub fn new(probabilities: &[f64], targets: &[f64]) -> Confusion {
        let mut c = Confusion::default();
        for (&p, &t) in probabilities.iter().zip(targets) {
            match (predict_class(p) == 1.0, t == 1.0) {
                (false, false) => c.true_negative += 1,
                (true, false) => c.false_positive += 1,
                (false, true) => c.false_negative += 1,
                (true, true) => c.true_positive += 1,
            }
        }
        c
    }

    /// `tp / (tp + fp)`: the share of predicted positives that are positive; `None` when nothing
    /// is predicted positive.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_positive, self.true_positive + self.false_positive)
    }

    /// `tp / (tp + fn)`: the share of positives found; `None` without positives.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.true_positive, self.true_positive + self.false_negative)
    }

    /// The harmonic mean of precision and recall, `2·tp / (2·tp + fp + fn)`; `None` when there
    /// is neither a positive nor a predicted positive.
    pub fn f1(&self) -> Option<f64> {
        let tp2 = 2 * self.true_positive;
        ratio(tp2, tp2 + self.false_positive + self.false_negative)
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// What a classifier's user asks of it on one set: the confusion matrix, precision, recall, F1
/// (absent where undefined, see [`Confusion`]) and the area under the ROC curve (absent without
/// both classes).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Classification {
    pub confusion: Confusion,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    pub roc_auc: Option<f64>,
}

impl Classification {
    /// The classification metrics of `rows` against `targets`.
    pub fn new(rows: &RowPredictions, targets: &[f64]) -> Classification {
        let confusion = Confusion::new(&rows.probabilities, targets);
        Classification {
            confusion,
            precision: confusion.precision(),
            recall: confusion.recall(),
            f1: confusion.f1(),
            roc_auc: roc_auc(&rows.probabilities, targets),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ratios_by_hand() {
        let p = [0.9, 0.8, 0.3, 0.5, 0.1, 0.7, 0.49];
        let t = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0];
        let c = Confusion::new(&p, &t);
        let expected = Confusion {
            true_negative: 2,
            false_positive: 1,
            false_negative: 1,
            true_positive: 3,
        };
        assert_eq!(c, expected);
        assert_eq!(c.precision(), Some(0.75));
        assert_eq!(c.recall(), Some(0.75));
        assert_eq!(c.f1(), Some(0.75));
        let none = Confusion::new(&[0.1, 0.2], &[0.0, 0.0]);
        assert_eq!(
            (none.precision(), none.recall(), none.f1()),
            (None, None, None)
        );
    }
}
