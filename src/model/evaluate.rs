//! Loss, accuracy and gradient of a model on a data set, each in one pass of the row engine.

use super::params::Params;
use crate::data::Dataset;
use crate::engine::{self, Rows, Totals};

/// Mean loss and accuracy on a set of rows.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// Mean cross-entropy (no L2 term); 0 for an empty set.
    pub loss: f64,
    /// Share of rows whose predicted class (`y >= 0.5`) is the target; 0 for an empty set.
    pub accuracy: f64,
    /// Rows evaluated.
    pub n: usize,
}

impl Evaluation {
    pub(crate) fn from_totals(t: &Totals) -> Evaluation {
        Evaluation {
            loss: t.mean_loss(),
            accuracy: t.accuracy(),
            n: t.n,
        }
    }
}

/// Mean cross-entropy (no L2 term) and accuracy of `params` on `data`; zeros for an empty set.
///
/// # Panics
/// When `params` has another number of weights than `data` has features.
pub fn evaluate(params: &Params, data: &Dataset) -> Evaluation {
    evaluate_many(&[params], data).remove(0)
}

/// [`evaluate`] of several models in one pass over `data`.
pub fn evaluate_many(models: &[&Params], data: &Dataset) -> Vec<Evaluation> {
    let linear: Vec<_> = models.iter().map(|p| p.linear()).collect();
    engine::loss_accuracy(&linear, data.table(), Rows::All)
        .iter()
        .map(Evaluation::from_totals)
        .collect()
}

/// The mean loss and its gradient at `params` on `data`: `(Xᵀ(y - t)/N, mean(y - t))`, the 90
/// weights' components then the bias's (no L2 term).
pub fn loss_and_gradient(params: &Params, data: &Dataset) -> (Evaluation, Vec<f64>) {
    let totals = totals(params, data, Rows::All);
    (Evaluation::from_totals(&totals), totals.mean_gradient())
}

/// Loss and gradient sums of `rows` of `data` at `params`, in one pass.
pub(crate) fn totals(params: &Params, data: &Dataset, rows: Rows) -> Totals {
    engine::loss_gradient(&[params.linear()], data.table(), rows).remove(0)
}

/// Loss and correct count (no gradient) of `rows` of `data` at `params`.
pub(crate) fn loss_totals(params: &Params, data: &Dataset, rows: Rows) -> Totals {
    engine::loss_accuracy(&[params.linear()], data.table(), rows).remove(0)
}

/// What one block of rows contributes to a Newton step: the sums that add up across blocks (and
/// machines) to the loss, gradient and Hessian of the whole data.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockStats {
    /// Rows in the block.
    pub n: usize,
    /// `Σ loss` (no L2 term).
    pub loss_sum: f64,
    /// `Σ (y - t)·x̃` with `x̃ = [x, 1]`: the weights' components, then the bias's.
    pub gradient_sum: Vec<f64>,
    /// `Σ y(1 - y)·x̃·x̃ᵀ`, `(d+1)×(d+1)` row-major, bias last.
    pub hessian_sum: Vec<f64>,
    /// Rows whose predicted class is the target.
    pub correct: usize,
}

/// The [`BlockStats`] of `data` at `params`: two passes of the row engine (loss and gradient,
/// then the Hessian). Summed over blocks, then divided by the total row count, they give the mean
/// loss, gradient and Hessian that a Newton step needs.
pub fn block_stats(params: &Params, data: &Dataset) -> BlockStats {
    let totals = totals(params, data, Rows::All);
    BlockStats {
        n: totals.n,
        loss_sum: totals.loss_sum,
        gradient_sum: totals.grad_sum,
        hessian_sum: engine::hessian_sum(params.linear(), data.table(), 1),
        correct: totals.correct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate::{moderate_truth, simulate};

    #[test]
    fn evaluation_and_gradient_agree_with_a_plain_loop() {
        let data = simulate(3_000, &moderate_truth(9, 0.2), 3);
        let p = moderate_truth(9, -0.4);
        let (eval, grad) = loss_and_gradient(&p, &data);
        let (mut loss, mut correct, mut g) = (0.0, 0, vec![0.0; 10]);
        for i in 0..data.len() {
            let x = data.x.row(i);
            let z: f64 = x.iter().zip(&p.weights).map(|(a, b)| a * b).sum::<f64>() + p.bias;
            let y = 1.0 / (1.0 + (-z).exp());
            let t = data.targets[i];
            loss += -t * y.ln() - (1.0 - t) * (1.0 - y).ln();
            correct += usize::from((y >= 0.5) == (t == 1.0));
            for j in 0..9 {
                g[j] += (y - t) * x[j];
            }
            g[9] += y - t;
        }
        let n = data.len() as f64;
        assert!((eval.loss - loss / n).abs() < 1e-12);
        assert_eq!(eval.accuracy, correct as f64 / n);
        for (a, b) in grad.iter().zip(&g) {
            assert!((a - b / n).abs() < 1e-12);
        }
        assert_eq!(evaluate(&p, &data), eval);
        let stats = block_stats(&p, &data);
        assert_eq!((stats.n, stats.correct), (3_000, correct));
        assert_eq!(stats.hessian_sum.len(), 100);
    }

    #[test]
    fn empty_set_gives_zeros() {
        let data = simulate(0, &moderate_truth(4, 0.0), 1);
        let e = evaluate(&Params::zeros(4), &data);
        assert_eq!((e.loss, e.accuracy, e.n), (0.0, 0.0, 0));
    }
}
