//! The math of logistic regression as small pure functions.
//!
//! The model is `y = sigmoid(z)` with the logit `z = w·x + b`. Everything here works from the
//! logit, so nothing overflows for any finite `z` (±1e4 and beyond): with `e = exp(-|z|)`, which
//! lies in `(0, 1]`,
//!
//! ```text
//! sigmoid(z) = 1 / (1 + e)   if z >= 0
//!            = e / (1 + e)   if z <  0
//! loss(z, t) = -t·log(y) - (1-t)·log(1-y)
//!            = softplus(z) - t·z,   softplus(z) = log(1 + exp(z)) = max(z, 0) + log1p(e)
//! ```
//!
//! (the same stable form as scikit-learn's `log_logistic`, which linfa-logistic copies), with the
//! exponential and the logarithm of the crate's row engine (within 1 ulp of the standard
//! library's, and the same bits in every SIMD build). The
//! classic definition with `log(y + 1e-15)` is kept in [`classic_loss`] as a reference. Its offset
//! shifts it by about `1e-15 / q`, where `q` is the probability of the true class: the two agree
//! to 1e-9 while `q > 2.5e-6`, and the stable form is the exact one below that.

use crate::engine::formulas::{
    exp_neg_abs, loss_and_probability_from, positive_part, probability_from,
};
use crate::engine::log1p::log1p_unit;

pub use crate::engine::formulas::{logit, predict_class};

/// `sigmoid(z) = 1 / (1 + exp(-z))`, never overflowing.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    probability_from(z, exp_neg_abs(z))
}

/// `log(1 + exp(z))` without overflow: `max(z, 0) + log1p(exp(-|z|))`.
#[inline]
pub fn softplus(z: f64) -> f64 {
    positive_part(z) + log1p_unit(exp_neg_abs(z))
}

/// Cross-entropy of one row from its logit `z` and target `t` (0 or 1): `softplus(z) - t·z`.
#[inline]
pub fn loss_from_logit(z: f64, t: f64) -> f64 {
    softplus(z) - t * z
}

/// Loss and probability of one row from the same `exp(-|z|)`: what the row loop computes per row.
#[inline]
pub fn loss_and_probability(z: f64, t: f64) -> (f64, f64) {
    let e = exp_neg_abs(z);
    loss_and_probability_from(z, e, log1p_unit(e), t)
}

/// The classic per-row loss `-t·log(y + 1e-15) - (1-t)·log(1 - y + 1e-15)`, a reference only.
pub fn classic_loss(y: f64, t: f64) -> f64 {
    -t * (y + 1e-15).ln() - (1.0 - t) * (1.0 - y + 1e-15).ln()
}

/// The L2 penalty `(l2/2)·‖w‖²` (the bias is not penalized).
pub fn l2_penalty(weights: &[f64], l2: f64) -> f64 {
    if l2 == 0.0 {
        return 0.0;
    }
    0.5 * l2 * weights.iter().map(|w| w * w).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_finite_and_symmetric_at_extreme_logits() {
        for z in [1e4, -1e4, 745.0, -745.0, 1e300, -1e300, 0.0] {
            let y = sigmoid(z);
            assert!(y.is_finite() && (0.0..=1.0).contains(&y), "{z} -> {y}");
            assert!((sigmoid(-z) - (1.0 - y)).abs() < 1e-15);
        }
        assert_eq!(sigmoid(1e4), 1.0);
        assert_eq!(sigmoid(-1e4), 0.0);
        assert_eq!(sigmoid(0.0), 0.5);
        // Plain formula where it does not overflow.
        for z in [-30.0, -2.5, -0.1, 0.3, 4.0, 30.0] {
            let plain = 1.0 / (1.0 + f64::exp(-z));
            assert!((sigmoid(z) - plain).abs() <= 4e-16 * plain);
        }
    }

    #[test]
    fn loss_is_finite_at_extreme_logits() {
        assert_eq!(loss_from_logit(1e4, 1.0), 0.0);
        assert_eq!(loss_from_logit(-1e4, 0.0), 0.0);
        assert_eq!(loss_from_logit(1e4, 0.0), 1e4);
        assert_eq!(loss_from_logit(-1e4, 1.0), 1e4);
        assert!((loss_from_logit(0.0, 1.0) - std::f64::consts::LN_2).abs() < 1e-16);
    }

    /// The classic loss adds 1e-15 inside the log, which moves it by about `1e-15 / q`, where `q`
    /// is the probability it gives the true class (and rounds `1 - y` to about 1e-16 relative).
    /// So the two agree to 1e-9 while `q > 2.5e-6`, and to `2.5e-15 / q` down to `q = 1e-12`:
    /// both are checked on a fine grid of logits.
    #[test]
    fn loss_agrees_with_the_classic_definition() {
        let (mut checked, mut tight) = (0, 0);
        let mut z = -40.0;
        while z <= 40.0 {
            for t in [0.0, 1.0] {
                let y = 1.0 / (1.0 + f64::exp(-z));
                if y > 1e-12 && y < 1.0 - 1e-12 {
                    let (stable, prob) = loss_and_probability(z, t);
                    let classic = classic_loss(y, t);
                    let q = if t == 1.0 { y } else { 1.0 - y };
                    let diff = (stable - classic).abs();
                    assert!(
                        diff <= 2.5e-15 / q + 1e-13,
                        "z {z} t {t}: {stable} vs {classic}"
                    );
                    if q > 2.5e-6 {
                        assert!(diff <= 1e-9, "z {z} t {t}: {stable} vs {classic}");
                        tight += 1;
                    }
                    assert_eq!(stable, loss_from_logit(z, t));
                    assert_eq!(prob, sigmoid(z));
                    checked += 1;
                }
            }
            z += 0.01;
        }
        assert!(checked > 10_000 && tight > 5_000);
        // The mean over rows, as the spec states it: logits of a realistic spread.
        let rows: Vec<(f64, f64)> = (0..1000)
            .map(|i| ((i as f64 * 0.37).sin() * 8.0, (i % 3 == 0) as u8 as f64))
            .collect();
        let stable = rows
            .iter()
            .map(|&(z, t)| loss_from_logit(z, t))
            .sum::<f64>()
            / 1000.0;
        let classic = rows
            .iter()
            .map(|&(z, t)| classic_loss(1.0 / (1.0 + f64::exp(-z)), t))
            .sum::<f64>()
            / 1000.0;
        assert!((stable - classic).abs() < 1e-9);
    }

    #[test]
    fn logit_matches_a_plain_dot_product() {
        for n in [0, 1, 7, 8, 9, 90] {
            let w: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
            let x: Vec<f64> = (0..n).map(|i| (i as f64 * 1.3).cos()).collect();
            let plain: f64 = w.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>() + 0.25;
            assert!((logit(&w, 0.25, &x) - plain).abs() < 1e-13, "n {n}");
        }
    }

    #[test]
    fn penalty_leaves_the_bias_out() {
        assert_eq!(l2_penalty(&[3.0, 4.0], 0.5), 6.25);
        assert_eq!(l2_penalty(&[3.0, 4.0], 0.0), 0.0);
        assert_eq!(predict_class(0.5), 1.0);
        assert_eq!(predict_class(0.4999999), 0.0);
    }
}
