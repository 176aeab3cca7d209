//! Logits and probabilities of many rows held in memory, for callers that score arrays of their
//! own (the Python package's `decision_function` and `predict_proba`).
//!
//! Each row is scored on its own, with the bits of [`crate::model::logistic::logit`] and
//! [`sigmoid`] (in the row engine's widest build), so a row gets the same bits whatever rows
//! surround it and however the work is split across threads.

use super::logistic::sigmoid;
use super::params::Params;
use crate::engine::map_row_logits;
use crate::error::{Error, Result};

/// `w·x + b` for every row of `x`: row-major values, `params.len()` of them a row.
///
/// An error when `params` has no weights or `x` does not hold a whole number of rows.
pub fn logits(params: &Params, x: &[f64]) -> Result<Vec<f64>> {
    score_rows(params, x, |z| z)
}

/// `sigmoid(w·x + b)`, the probability of class 1, for every row of `x` (as in [`logits`]).
pub fn probabilities(params: &Params, x: &[f64]) -> Result<Vec<f64>> {
    score_rows(params, x, sigmoid)
}

fn score_rows(params: &Params, x: &[f64], then: impl Fn(f64) -> f64 + Sync) -> Result<Vec<f64>> {
    let d = params.len();
    if d == 0 || !x.len().is_multiple_of(d) {
        return Err(Error::ShapeMismatch {
            weights: d,
            features: if d == 0 { x.len() } else { x.len() % d },
        });
    }
    Ok(map_row_logits(&[params.linear()], x, d, |_, _, z| then(z)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::logistic::logit;

    #[test]
    fn every_row_is_scored_alone_with_the_bits_of_one_row() {
        let params = Params {
            weights: vec![0.5, -1.25, 2.0],
            bias: 0.1,
        };
        let n = 3 * 4096 + 7;
        let x: Vec<f64> = (0..n * 3)
            .map(|i| ((i * 37 % 101) as f64 - 50.0) / 7.0)
            .collect();
        let z = logits(&params, &x).unwrap();
        let p = probabilities(&params, &x).unwrap();
        assert_eq!((z.len(), p.len()), (n, n));
        for (i, row) in x.chunks_exact(3).enumerate() {
            assert_eq!(z[i], logit(&params.weights, params.bias, row));
            assert_eq!(p[i], sigmoid(z[i]));
        }
        // The same rows in another company give the same bits.
        assert_eq!(probabilities(&params, &x[3..9]).unwrap(), p[1..3]);
    }

    #[test]
    fn a_partial_row_or_no_weights_is_refused() {
        let params = Params::zeros(3);
        assert!(matches!(
            logits(&params, &[1.0; 7]),
            Err(Error::ShapeMismatch { weights: 3, .. })
        ));
        assert!(probabilities(&Params::zeros(0), &[]).is_err());
        assert_eq!(probabilities(&params, &[]).unwrap(), Vec::<f64>::new());
    }
}
