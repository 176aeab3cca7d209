//! A model's probability and loss on every row of a set.

use crate::data::Dataset;
use crate::engine::map_row_logits;
use crate::model::logistic::{loss_and_probability, predict_class};
use crate::model::Params;

/// What a model says about each row of a set, in row order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowPredictions {
    /// `P(t = 1) = sigmoid(w·x + b)`.
    pub probabilities: Vec<f64>,
    /// Cross-entropy from the logit, `softplus(z) - t·z`, with the row engine's bits (one
    /// exponential and one logarithm a row, shared with the probability).
    pub losses: Vec<f64>,
}

impl RowPredictions {
    /// Whether the predicted class (`y >= 0.5`) of each row is its target.
    pub fn correct<'a>(&'a self, targets: &'a [f64]) -> impl Iterator<Item = bool> + 'a {
        self.probabilities
            .iter()
            .zip(targets)
            .map(|(&p, &t)| predict_class(p) == t)
    }

    pub fn len(&self) -> usize {
        self.probabilities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.probabilities.is_empty()
    }
}

/// The probability and loss of `params` on every row of `data`.
///
/// # Panics
/// When `params` has another number of weights than `data` has features.
pub fn predict_rows(params: &Params, data: &Dataset) -> RowPredictions {
    predict_rows_many(&[params], data).remove(0)
}

/// [`predict_rows`] of several models in one read of `data`.
///
/// # Panics
/// When a model has another number of weights than `data` has features.
pub fn predict_rows_many(models: &[&Params], data: &Dataset) -> Vec<RowPredictions> {
    for params in models {
        assert_eq!(params.len(), data.x.cols(), "one weight per feature");
    }
    let m = models.len();
    let linear: Vec<_> = models.iter().map(|p| p.linear()).collect();
    let t = &data.targets;
    // Row-major: row i holds (loss, probability) of each model in turn.
    let values = map_row_logits(&linear, data.x.as_slice(), data.x.cols(), |i, _, z| {
        loss_and_probability(z, t[i])
    });
    (0..m)
        .map(|j| {
            let pick = |part: fn(&(f64, f64)) -> f64| -> Vec<f64> {
                values.chunks_exact(m).map(|row| part(&row[j])).collect()
            };
            RowPredictions {
                losses: pick(|v| v.0),
                probabilities: pick(|v| v.1),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::logistic::{logit, loss_from_logit, sigmoid};
    use crate::model::simulate::{moderate_truth, simulate};

    #[test]
    fn many_models_give_the_bits_of_each_alone() {
        let data = simulate(9_000, &moderate_truth(7, 0.1), 2);
        let (a, b) = (moderate_truth(7, -0.5), moderate_truth(7, 0.8));
        let both = predict_rows_many(&[&a, &b], &data);
        assert_eq!(both[0], predict_rows(&a, &data));
        assert_eq!(both[1], predict_rows(&b, &data));
        for i in [0, 4_095, 4_096, 8_999] {
            let z = logit(&b.weights, b.bias, data.x.row(i));
            assert_eq!(both[1].probabilities[i], sigmoid(z));
            assert_eq!(both[1].losses[i], loss_from_logit(z, data.targets[i]));
        }
        assert!(predict_rows_many(&[], &data).is_empty());
    }
}
