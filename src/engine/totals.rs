//! The sums a pass of the row engine returns for each model.

/// Sums of one model over a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub n: usize,
    /// `Σ loss` (no L2 term); in a step pass, the sum of the loss's floor instead (see
    /// [`super::pass::step_sums`]).
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

    /// The gradient of the mean loss, `Xᵀ(y - t)/N` then `mean(y - t)`.
    pub fn mean_gradient(&self) -> Vec<f64> {
        let n = self.n.max(1) as f64;
        self.grad_sum.iter().map(|g| g / n).collect()
    }
}
