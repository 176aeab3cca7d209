//! Loss, gradient and accuracy of a set of rows in one pass.
//!
//! For each row: the logit `z = w·x + b`, then from the same `exp(-|z|)` the loss
//! `softplus(z) - t·z` and `y = sigmoid(z)`, then the residual `r = y - t` is added into the
//! gradient sums `Σ r·x` and `Σ r`. The rows are cut into fixed chunks of [`CHUNK_ROWS`], summed
//! on all cores, and the chunk sums are added in chunk order: the result has the same bits on one
//! thread or many. The row loop itself lives in [`super::kernel_many`]: one model is the case of
//! one, so a model has the same bits whether it trains alone or in lockstep with others.

use super::kernel_many::run_many;
use super::params::Params;
use crate::data::Dataset;

/// Rows per chunk of the parallel sums. Fixed: it decides the order of every addition.
pub const CHUNK_ROWS: usize = 4096;

/// Mean loss and accuracy on a set of rows.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
    pub n: usize,
}

/// Which rows of a data set a pass reads.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    /// Every row, in order.
    All,
    /// These rows, in this order (a mini-batch).
    Subset(&'a [usize]),
}

impl Rows<'_> {
    /// Number of rows the pass reads.
    pub fn len(&self, data: &Dataset) -> usize {
        match self {
            Rows::All => data.len(),
            Rows::Subset(idx) => idx.len(),
        }
    }
}

/// Sums over a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub n: usize,
    /// `Σ loss` (no L2 term).
    pub loss_sum: f64,
    /// Rows whose predicted class (`y >= 0.5`) equals the target.
    pub correct: usize,
    /// `Σ (y - t)·x` then `Σ (y - t)` (the bias) last; empty when the pass skipped the gradient.
    pub grad_sum: Vec<f64>,
}

impl Totals {
    /// Mean loss; 0 for no rows.
    pub fn mean_loss(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.loss_sum / self.n as f64
        }
    }

    /// Share of rows classified correctly; 0 for no rows.
    pub fn accuracy(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.correct as f64 / self.n as f64
        }
    }

    pub fn evaluation(&self) -> Evaluation {
        Evaluation {
            loss: self.mean_loss(),
            accuracy: self.accuracy(),
            n: self.n,
        }
    }

    /// The gradient of the mean loss, `Xᵀ(y - t)/N` then `mean(y - t)`.
    pub fn mean_gradient(&self) -> Vec<f64> {
        let n = self.n.max(1) as f64;
        self.grad_sum.iter().map(|g| g / n).collect()
    }
}

/// The sums of an SGD step's pass: [`Totals`] whose `loss_sum` is not the loss but its floor
/// `Σ max(z, 0) - t·z`, the loss without the `log1p(exp(-|z|))` of each row. That part lies in
/// `(0, ln 2]`, so `floor <= loss <= floor + n·ln 2`: enough to tell, almost always, whether a
/// step diverged, at the cost of no logarithm per row (see `train::sgd::batch_diverged`).
#[derive(Debug, Clone, PartialEq)]
pub struct StepTotals(pub Totals);

impl StepTotals {
    /// The mean of the loss's floor; 0 for no rows.
    pub fn mean_loss_floor(&self) -> f64 {
        self.0.mean_loss()
    }
}

/// [`StepTotals`] of `rows` of `data` at `params`, in one pass.
pub fn step_totals(params: &Params, data: &Dataset, rows: Rows) -> StepTotals {
    assert_eq!(
        params.len(),
        data.x.cols(),
        "parameters do not match the features"
    );
    let mut totals = run_many::<true, false>(&[params], data, rows);
    StepTotals(totals.pop().expect("one model in, one total out"))
}

/// Loss, gradient sums and correct count of `rows` of `data` at `params`, in one pass.
pub fn loss_gradient(params: &Params, data: &Dataset, rows: Rows) -> Totals {
    run::<true>(params, data, rows)
}

/// Loss and correct count only (no gradient), in one pass.
pub fn loss_accuracy(params: &Params, data: &Dataset, rows: Rows) -> Totals {
    run::<false>(params, data, rows)
}

/// Mean cross-entropy (no L2 term) and accuracy of `params` on `data`; zeros for an empty set.
pub fn evaluate(params: &Params, data: &Dataset) -> Evaluation {
    loss_accuracy(params, data, Rows::All).evaluation()
}

fn run<const GRAD: bool>(params: &Params, data: &Dataset, rows: Rows) -> Totals {
    assert_eq!(
        params.len(),
        data.x.cols(),
        "parameters do not match the features"
    );
    let mut totals = run_many::<GRAD, true>(&[params], data, rows);
    totals.pop().expect("one model in, one total out")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Matrix;

    /// A data set of `n` rows and `d` features from a simple deterministic formula.
    fn data(n: usize, d: usize) -> Dataset {
        let x: Vec<f64> = (0..n * d)
            .map(|k| ((k * 7919 % 1000) as f64 / 500.0) - 1.0)
            .collect();
        let targets = (0..n).map(|i| ((i * 31 % 7) < 3) as u8 as f64).collect();
        Dataset {
            x: Matrix::from_vec(n, d, x),
            targets,
        }
    }

    /// The step pass gives the gradient of the full pass bit for bit, and a floor of its loss
    /// that is at most ln 2 per row below it, from modest logits to ones in the thousands.
    #[test]
    fn step_pass_has_the_gradient_and_a_floor_of_the_loss() {
        let ds = data(9_001, 7);
        let picked: Vec<usize> = (0..ds.len()).rev().step_by(2).collect();
        for scale in [0.0, 0.5, 3.0, 40.0, 5e3] {
            let p = Params {
                weights: (0..7).map(|j| scale * (j as f64 - 3.2)).collect(),
                bias: -0.3 * scale,
            };
            for rows in [Rows::All, Rows::Subset(&picked)] {
                let full = loss_gradient(&p, &ds, rows);
                let step = step_totals(&p, &ds, rows);
                assert_eq!(step.0.grad_sum, full.grad_sum, "scale {scale}");
                assert_eq!((step.0.n, step.0.correct), (full.n, full.correct));
                let (floor, loss) = (step.mean_loss_floor(), full.mean_loss());
                assert!(floor <= loss, "scale {scale}: {floor} > {loss}");
                // (up to the rounding of the sums: a mean of ln 2 can round above ln 2)
                let rounding = 1e-12 * (1.0 + loss);
                assert!(
                    loss <= floor + std::f64::consts::LN_2 + rounding,
                    "scale {scale}"
                );
            }
        }
    }

    #[test]
    fn one_pass_matches_a_plain_computation() {
        let ds = data(10_000, 5);
        let p = Params {
            weights: vec![0.3, -0.2, 0.1, 0.5, -0.7],
            bias: 0.05,
        };
        let tot = loss_gradient(&p, &ds, Rows::All);
        let (mut loss, mut correct, mut g) = (0.0, 0, [0.0; 6]);
        for i in 0..ds.len() {
            let x = ds.x.row(i);
            let z: f64 = x.iter().zip(&p.weights).map(|(a, b)| a * b).sum::<f64>() + p.bias;
            let y = 1.0 / (1.0 + (-z).exp());
            let t = ds.targets[i];
            loss += -t * y.ln() - (1.0 - t) * (1.0 - y).ln();
            correct += usize::from((y >= 0.5) == (t == 1.0));
            for j in 0..5 {
                g[j] += (y - t) * x[j];
            }
            g[5] += y - t;
        }
        assert_eq!(tot.n, 10_000);
        assert_eq!(tot.correct, correct);
        assert!((tot.loss_sum - loss).abs() < 1e-9 * loss);
        for (a, b) in tot.grad_sum.iter().zip(&g) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
        let ev = loss_accuracy(&p, &ds, Rows::All);
        assert_eq!(ev.loss_sum, tot.loss_sum);
        assert_eq!(ev.correct, tot.correct);
    }

    #[test]
    fn subset_is_the_same_as_selecting_rows() {
        let ds = data(9_000, 3);
        let p = Params {
            weights: vec![1.0, -1.0, 0.5],
            bias: -0.2,
        };
        let idx: Vec<usize> = (0..9_000).rev().step_by(2).collect();
        let sub = Dataset {
            x: ds.x.select_rows(&idx),
            targets: idx.iter().map(|&i| ds.targets[i]).collect(),
        };
        assert_eq!(
            loss_gradient(&p, &ds, Rows::Subset(&idx)),
            loss_gradient(&p, &sub, Rows::All)
        );
    }

    #[test]
    fn same_bits_on_one_and_two_threads() {
        let ds = data(50_000, 90);
        let p = Params::init(90, crate::model::Init::Normal { seed: 3 });
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap()
        };
        let a = pool(1).install(|| loss_gradient(&p, &ds, Rows::All));
        let b = pool(2).install(|| loss_gradient(&p, &ds, Rows::All));
        assert_eq!(a, b);
    }

    #[test]
    fn empty_set_gives_zeros() {
        let ds = data(0, 4);
        let e = evaluate(&Params::zeros(4), &ds);
        assert_eq!((e.loss, e.accuracy, e.n), (0.0, 0.0, 0));
    }
}
