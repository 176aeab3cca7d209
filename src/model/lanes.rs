//! The logit `w·x + b` of the row loop, built for the vector width at hand.
//!
//! [`logistic::logit`] fixes the order of the sum: 8 lanes, lane `k` adding `w[i]·x[i]` for
//! `i ≡ k (mod 8)`, the lanes combined as `((l0+l4) + (l1+l5)) + ((l2+l6) + (l3+l7))`, then the
//! remainder, then the bias. [`Avx2`] does exactly these operations with lanes 0-3 and 4-7 in two
//! AVX registers (multiplies and adds, never fused), so it gives the same bits, only faster than
//! the compiler's own vectorization of the portable loop. The same holds for the statistics of
//! four rows ([`super::row_stats`]).

use super::logistic;
use super::row_stats::{self, Rows4};

/// One way to compute the logit of a row.
pub trait Lanes {
    fn logit(weights: &[f64], bias: f64, x: &[f64]) -> f64;

    /// The logits of four rows, one row after the other: rows read in address order stream from
    /// memory better than four rows read side by side.
    fn logit4(weights: &[f64], bias: f64, x: [&[f64]; 4]) -> [f64; 4] {
        [
            Self::logit(weights, bias, x[0]),
            Self::logit(weights, bias, x[1]),
            Self::logit(weights, bias, x[2]),
            Self::logit(weights, bias, x[3]),
        ]
    }

    /// The statistics of four rows from their logits and targets, each with the bits of
    /// [`row_stats::row_stats`] on that row alone.
    fn rows4<const LOSS: bool>(z: [f64; 4], t: [f64; 4]) -> Rows4 {
        row_stats::rows4::<LOSS>(z, t)
    }
}

/// The portable loop of [`logistic::logit`].
pub struct Portable;

impl Lanes for Portable {
    #[inline(always)]
    fn logit(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
        logistic::logit(weights, bias, x)
    }
}

/// Two AVX registers of 4 lanes. Only for code that runs where the processor has AVX2.
#[cfg(target_arch = "x86_64")]
pub struct Avx2;

#[cfg(target_arch = "x86_64")]
impl Lanes for Avx2 {
    #[inline(always)]
    fn logit(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
        // SAFETY: `Avx2` is only used by code that checked the processor for AVX2.
        unsafe { logit_avx2(weights, bias, x) }
    }

    #[inline(always)]
    fn rows4<const LOSS: bool>(z: [f64; 4], t: [f64; 4]) -> Rows4 {
        // SAFETY: as above.
        unsafe { row_stats::rows4_avx2::<LOSS>(z, t) }
    }
}

/// # Safety
/// Only on a processor with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn logit_avx2(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let n = weights.len().min(x.len());
    let (w, v) = (&weights[..n], &x[..n]);
    let full = n / 8 * 8;
    let mut lo = _mm256_setzero_pd();
    let mut hi = _mm256_setzero_pd();
    let mut i = 0;
    while i < full {
        // SAFETY: i + 8 <= full <= n, the length of both slices.
        let (wp, xp) = (w.as_ptr().add(i), v.as_ptr().add(i));
        lo = _mm256_add_pd(lo, _mm256_mul_pd(_mm256_loadu_pd(wp), _mm256_loadu_pd(xp)));
        hi = _mm256_add_pd(
            hi,
            _mm256_mul_pd(_mm256_loadu_pd(wp.add(4)), _mm256_loadu_pd(xp.add(4))),
        );
        i += 8;
    }
    let mut s = [0.0f64; 4];
    _mm256_storeu_pd(s.as_mut_ptr(), _mm256_add_pd(lo, hi));
    let mut tail = 0.0;
    for (a, b) in w[full..].iter().zip(&v[full..]) {
        tail += a * b;
    }
    ((s[0] + s[1]) + (s[2] + s[3])) + tail + bias
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avx2_gives_the_bits_of_the_portable_loop() {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            for n in 0..100 {
                let w: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() * 1e3).collect();
                let x: Vec<f64> = (0..n).map(|i| (i as f64 * 1.3).cos() / 7.0).collect();
                let portable = Portable::logit(&w, 0.25, &x);
                let plain: f64 = w.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>() + 0.25;
                assert!(
                    (portable - plain).abs() <= 1e-9 * (1.0 + plain.abs()),
                    "n {n}"
                );
                assert_eq!(
                    Avx2::logit(&w, 0.25, &x).to_bits(),
                    portable.to_bits(),
                    "n {n}"
                );
                let rows: Vec<Vec<f64>> = (0..4)
                    .map(|r| x.iter().map(|v| v * (r as f64 - 1.5)).collect())
                    .collect();
                let four = [&rows[0][..], &rows[1][..], &rows[2][..], &rows[3][..]];
                let each = four.map(|row| Portable::logit(&w, 0.25, row).to_bits());
                assert_eq!(
                    Avx2::logit4(&w, 0.25, four).map(f64::to_bits),
                    each,
                    "n {n}"
                );
                assert_eq!(Portable::logit4(&w, 0.25, four).map(f64::to_bits), each);
            }
        }
    }
}
