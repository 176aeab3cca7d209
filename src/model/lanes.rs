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

    /// The logits of four rows, each with the bits of [`Lanes::logit`] on that row alone.
    fn logit4(weights: &[f64], bias: f64, x: [&[f64]; 4]) -> [f64; 4] {
        x.map(|row| Self::logit(weights, bias, row))
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
    fn logit4(weights: &[f64], bias: f64, x: [&[f64]; 4]) -> [f64; 4] {
        // SAFETY: as above.
        unsafe { logit4_avx2(weights, bias, x) }
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

/// Four rows at once: each row keeps its own two registers and its own order of operations (those
/// of [`logit_avx2`]), so each logit has the same bits; the rows share every load of the weights
/// and their eight independent sums keep both adders busy, where one row's sums wait on each other.
///
/// # Safety
/// Only on a processor with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn logit4_avx2(weights: &[f64], bias: f64, x: [&[f64]; 4]) -> [f64; 4] {
    use std::arch::x86_64::*;
    let n = x.iter().fold(weights.len(), |n, row| n.min(row.len()));
    let w = &weights[..n];
    let v = [&x[0][..n], &x[1][..n], &x[2][..n], &x[3][..n]];
    let full = n / 8 * 8;
    let mut lo = [_mm256_setzero_pd(); 4];
    let mut hi = [_mm256_setzero_pd(); 4];
    let mut i = 0;
    while i < full {
        // SAFETY: i + 8 <= full <= n, the length of every slice.
        let wp = w.as_ptr().add(i);
        let (w_lo, w_hi) = (_mm256_loadu_pd(wp), _mm256_loadu_pd(wp.add(4)));
        for r in 0..4 {
            let xp = v[r].as_ptr().add(i);
            lo[r] = _mm256_add_pd(lo[r], _mm256_mul_pd(w_lo, _mm256_loadu_pd(xp)));
            hi[r] = _mm256_add_pd(hi[r], _mm256_mul_pd(w_hi, _mm256_loadu_pd(xp.add(4))));
        }
        i += 8;
    }
    // The four rows' `((s0+s1) + (s2+s3))`, where `s = lo + hi`, side by side: the pairwise sums
    // of each row by `hadd`, then the two halves of each row added.
    let sums = [
        _mm256_add_pd(lo[0], hi[0]),
        _mm256_add_pd(lo[1], hi[1]),
        _mm256_add_pd(lo[2], hi[2]),
        _mm256_add_pd(lo[3], hi[3]),
    ];
    let h01 = _mm256_hadd_pd(sums[0], sums[1]);
    let h23 = _mm256_hadd_pd(sums[2], sums[3]);
    let total = _mm256_add_pd(
        _mm256_permute2f128_pd::<0x20>(h01, h23),
        _mm256_permute2f128_pd::<0x31>(h01, h23),
    );
    let mut tail = _mm256_setzero_pd();
    for j in full..n {
        let xj = _mm256_set_pd(v[3][j], v[2][j], v[1][j], v[0][j]);
        tail = _mm256_add_pd(tail, _mm256_mul_pd(_mm256_set1_pd(w[j]), xj));
    }
    let z = _mm256_add_pd(_mm256_add_pd(total, tail), _mm256_set1_pd(bias));
    let mut out = [0.0f64; 4];
    _mm256_storeu_pd(out.as_mut_ptr(), z);
    out
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
