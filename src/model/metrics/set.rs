//! Loss and accuracy of a model on one set, with their uncertainty.

use super::rows::RowPredictions;
use super::uncertainty::{wilson, Interval};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::{evaluate, Evaluation, Params};

/// Mean loss with its standard error, accuracy with its 95% Wilson interval, on one set.
///
/// `loss` and `accuracy` are the row engine's (those of [`evaluate`], to the bit); the standard
/// error and the count come from the per-row values of [`super::predict_rows`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetMetrics {
    /// Rows in the set.
    pub n: usize,
    /// Mean cross-entropy (no L2 term).
    pub loss: f64,
    /// Standard error of the mean loss: the sample standard deviation (n - 1) of the per-row
    /// losses over `sqrt(n)`; `None` for a single row.
    pub loss_se: Option<f64>,
    /// Share of rows whose predicted class (`y >= 0.5`) is the target.
    pub accuracy: f64,
    /// Rows whose predicted class is the target.
    pub correct: usize,
    /// The 95% Wilson score interval of the accuracy.
    pub accuracy_ci: Interval,
}

impl SetMetrics {
    /// The metrics of `params` on `data` and its per-row values. `set` names the set in the
    /// error for an empty one.
    pub fn of(
        params: &Params,
        data: &Dataset,
        set: &'static str,
    ) -> Result<(SetMetrics, RowPredictions)> {
        let rows = super::predict_rows(params, data);
        let metrics = SetMetrics::new(evaluate(params, data), &rows, &data.targets, set)?;
        Ok((metrics, rows))
    }

    /// The metrics of a model whose [`evaluate`] on a set is `evaluation` and whose per-row
    /// values there are `rows`, against the set's `targets`.
    pub fn new(
        evaluation: Evaluation,
        rows: &RowPredictions,
        targets: &[f64],
        set: &'static str,
    ) -> Result<SetMetrics> {
        if evaluation.n == 0 {
            return Err(Error::NoRows { set });
        }
        let correct = rows.correct(targets).filter(|&c| c).count();
        Ok(SetMetrics {
            n: evaluation.n,
            loss: evaluation.loss,
            loss_se: standard_error(&rows.losses, evaluation.loss),
            accuracy: evaluation.accuracy,
            correct,
            accuracy_ci: wilson(correct, evaluation.n).ok_or(Error::NoRows { set })?,
        })
    }
}

/// Standard error of the mean of `values`, given their mean: `sqrt(Σ(v - mean)² / (n - 1) / n)`,
/// summed in order. `None` below two values.
pub fn standard_error(values: &[f64], mean: f64) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    Some((squares / (n - 1) as f64 / n as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate::{moderate_truth, simulate};

    #[test]
    fn standard_error_is_the_sample_std_over_root_n() {
        // Deviations -1, 0, 1: sample variance 1, so the standard error is 1/sqrt(3).
        let se = standard_error(&[1.0, 2.0, 3.0], 2.0).unwrap();
        assert!((se - 1.0 / 3f64.sqrt()).abs() < 1e-15);
        assert_eq!(standard_error(&[5.0], 5.0), None);
    }

    #[test]
    fn metrics_agree_with_the_engine_and_a_plain_loop() {
        let data = simulate(5_000, &moderate_truth(9, 0.2), 4);
        let params = moderate_truth(9, -0.3);
        let (m, _) = SetMetrics::of(&params, &data, "test").unwrap();
        let e = evaluate(&params, &data);
        assert_eq!((m.n, m.loss, m.accuracy), (e.n, e.loss, e.accuracy));
        assert_eq!(m.correct as f64 / m.n as f64, m.accuracy);
        let plain: Vec<f64> = (0..data.len())
            .map(|i| {
                let x = data.x.row(i);
                let z: f64 = x
                    .iter()
                    .zip(&params.weights)
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
                    + params.bias;
                let y = 1.0 / (1.0 + (-z).exp());
                let t = data.targets[i];
                -t * y.ln() - (1.0 - t) * (1.0 - y).ln()
            })
            .collect();
        let mean = plain.iter().sum::<f64>() / plain.len() as f64;
        let var = plain.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / 4_999.0;
        let se = (var / 5_000.0).sqrt();
        assert!(
            (m.loss_se.unwrap() - se).abs() < 1e-12 * se,
            "{m:?} vs {se}"
        );
        assert!(m.accuracy_ci.low < m.accuracy && m.accuracy < m.accuracy_ci.high);
        let empty = simulate(0, &moderate_truth(9, 0.0), 1);
        let none = SetMetrics::of(&params, &empty, "val");
        assert!(matches!(none, Err(Error::NoRows { set: "val" })));
    }
}
