//! The formulas of one row, from its logit `z = w·x + b`: the pieces the row loop and the public
//! math of [`crate::model::logistic`] share, so that both give the same bits.
//!
//! With `e = exp(-|z|)`, which lies in `(0, 1]`: `sigmoid(z) = 1/(1 + e)` for `z >= 0` and
//! `e/(1 + e)` below; `loss = max(z, 0) + log1p(e) - t·z`. Nothing overflows for any finite `z`.

use super::exp::exp_neg;

/// `exp(-|z|)`, which lies in `[0, 1]` for every logit: the one exponential of a row.
#[inline(always)]
pub fn exp_neg_abs(z: f64) -> f64 {
    exp_neg(-z.abs())
}

/// Loss and probability of one row given `e = exp(-|z|)` and `log1p_e = log(1 + e)`.
#[inline(always)]
pub fn loss_and_probability_from(z: f64, e: f64, log1p_e: f64, t: f64) -> (f64, f64) {
    (positive_part(z) + log1p_e - t * z, probability_from(z, e))
}

/// `max(z, 0)`, written as the AVX `max(z, 0)` computes it (0 for NaN and for -0), so that the
/// vector build of the row statistics has the same bits.
#[inline(always)]
pub fn positive_part(z: f64) -> f64 {
    if z > 0.0 {
        z
    } else {
        0.0
    }
}

/// `sigmoid(z)` given `e = exp(-|z|)`.
#[inline(always)]
pub fn probability_from(z: f64, e: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// The loss less its `log1p(exp(-|z|))` part, which lies in `(0, ln 2]`, and the probability, given
/// `e = exp(-|z|)`: `max(z, 0) - t·z`. A floor of the loss that costs no logarithm, for passes that
/// need the loss only to tell whether it passed a bound. Rounded, it is still at most the rounded
/// loss: for `t = 0` the two are `m` and `m + l` with `m = max(z, 0)` and `l >= 0`, for `t = 1`
/// they are `max(-z, 0)` and `(m + l) - z`, and rounding never reverses an order.
#[inline(always)]
pub fn loss_floor_and_probability_from(z: f64, e: f64, t: f64) -> (f64, f64) {
    (positive_part(z) - t * z, probability_from(z, e))
}

/// Predicted class: 1 when `y >= 0.5`.
#[inline(always)]
pub fn predict_class(y: f64) -> f64 {
    if y >= 0.5 {
        1.0
    } else {
        0.0
    }
}

/// The logit `w·x + b`, summed in 8 independent lanes of fused multiply-adds (lane `k` takes the
/// features `i ≡ k (mod 8)`), the lanes combined in a fixed order, then the features past the
/// last multiple of 8, then the bias: the order every build of the row loop keeps, so the result
/// is the same in each, on every run and thread count.
#[inline(always)]
pub fn logit(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
    debug_assert_eq!(weights.len(), x.len());
    let mut acc = [0.0f64; 8];
    let wc = weights.chunks_exact(8);
    let xc = x.chunks_exact(8);
    let (wr, xr) = (wc.remainder(), xc.remainder());
    for (w8, x8) in wc.zip(xc) {
        for k in 0..8 {
            acc[k] = w8[k].mul_add(x8[k], acc[k]);
        }
    }
    let mut tail = 0.0;
    for (w, v) in wr.iter().zip(xr) {
        tail = w.mul_add(*v, tail);
    }
    lane_sum(acc) + tail + bias
}

/// The 8 lanes of a logit combined: `((l0+l4) + (l1+l5)) + ((l2+l6) + (l3+l7))`.
#[inline(always)]
pub fn lane_sum(l: [f64; 8]) -> f64 {
    ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7]))
}
