//! The logit `w·x + b` of the row loop, built for the vector width at hand.
//!
//! [`formulas::logit`] fixes the order of the sum: 8 lanes, lane `k` adding `w[i]·x[i]` for
//! `i ≡ k (mod 8)`, the lanes combined as `((l0+l4) + (l1+l5)) + ((l2+l6) + (l3+l7))`, then the
//! remainder, then the bias. [`Avx2`] does exactly these operations with lanes 0-3 and 4-7 in two
//! AVX registers (multiplies and adds, never fused), so it gives the same bits, only faster than
//! the compiler's own vectorization of the portable loop. The same holds for the statistics of
//! four rows ([`super::row_stats`]).

use super::formulas;
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

    /// The logits of four rows under two models: `[model a's four, model b's four]`, each with
    /// the bits of [`Lanes::logit`] on that row and model alone.
    fn logit4_pair(weights: [&[f64]; 2], bias: [f64; 2], x: [&[f64]; 4]) -> [[f64; 4]; 2] {
        [
            Self::logit4(weights[0], bias[0], x),
            Self::logit4(weights[1], bias[1], x),
        ]
    }

    /// The statistics of the same four rows (targets `t`) under each model of `z` (its four
    /// logits), into `out`, each with the bits of [`row_stats::row_stats`] on that row alone.
    fn rows4_each<const LOSS: bool>(z: &[[f64; 4]], t: [f64; 4], out: &mut [Rows4]) {
        row_stats::rows4_each::<LOSS>(z, t, out)
    }
}

/// The portable loop of [`formulas::logit`].
pub struct Portable;

impl Lanes for Portable {
    #[inline(always)]
    fn logit(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
        formulas::logit(weights, bias, x)
    }
}

/// Two AVX registers of 4 lanes. Only used through [`super::simd::dispatch`], which checks the
/// processor for AVX2 first.
#[cfg(target_arch = "x86_64")]
pub struct Avx2;

#[cfg(target_arch = "x86_64")]
impl Lanes for Avx2 {
    #[inline(always)]
    fn logit(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
        // SAFETY: `Avx2` only runs in code that `simd::dispatch` chose after finding AVX2.
        unsafe { logit_avx2(weights, bias, x) }
    }

    #[inline(always)]
    fn logit4_pair(weights: [&[f64]; 2], bias: [f64; 2], x: [&[f64]; 4]) -> [[f64; 4]; 2] {
        // SAFETY: as above.
        unsafe { logit4_pair_avx2(weights, bias, x) }
    }

    #[inline(always)]
    fn rows4_each<const LOSS: bool>(z: &[[f64; 4]], t: [f64; 4], out: &mut [Rows4]) {
        // SAFETY: as above.
        unsafe { row_stats::rows4_each_avx2::<LOSS>(z, t, out) }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn logit_avx2(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let n = weights.len().min(x.len());
    let (w, v) = (&weights[..n], &x[..n]);
    let full = n / 8 * 8;
    let mut lo = _mm256_setzero_pd();
    let mut hi = _mm256_setzero_pd();
    let mut i = 0;
    while i < full {
        // SAFETY: i + 8 <= full <= n, the length of both slices; unaligned loads.
        let (w0, x0, w1, x1) = unsafe {
            let (wp, xp) = (w.as_ptr().add(i), v.as_ptr().add(i));
            (
                _mm256_loadu_pd(wp),
                _mm256_loadu_pd(xp),
                _mm256_loadu_pd(wp.add(4)),
                _mm256_loadu_pd(xp.add(4)),
            )
        };
        lo = _mm256_add_pd(lo, _mm256_mul_pd(w0, x0));
        hi = _mm256_add_pd(hi, _mm256_mul_pd(w1, x1));
        i += 8;
    }
    let s = super::avx2::store(_mm256_add_pd(lo, hi));
    let mut tail = 0.0;
    for (a, b) in w[full..].iter().zip(&v[full..]) {
        tail += a * b;
    }
    ((s[0] + s[1]) + (s[2] + s[3])) + tail + bias
}

/// [`logit_avx2`] of four rows under two models at once. Each feature vector loaded serves both
/// models and each weight vector four rows, so the loop does 6 loads per 16 arithmetic operations
/// where one row at a time does 2 per 2. Lanes 0-3 of every (model, row) are summed over the whole
/// row first, then lanes 4-7 (two chains that [`logit_avx2`] runs side by side: the same operations
/// in each), which keeps the 8 running sums of a pass in registers.
///
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn logit4_pair_avx2(w: [&[f64]; 2], bias: [f64; 2], x: [&[f64]; 4]) -> [[f64; 4]; 2] {
    use std::arch::x86_64::*;
    let n = w
        .iter()
        .chain(&x)
        .map(|s| s.len())
        .min()
        .expect("six slices");
    let full = n / 8 * 8;
    // Sums of lanes `offset..offset + 4` of every 8 features, for each model and row.
    let half = |offset: usize| {
        let mut acc = [[_mm256_setzero_pd(); 4]; 2];
        let mut i = offset;
        while i < full {
            // SAFETY (every load of this loop): i + 4 <= full <= n, the length of every slice.
            let wa = unsafe { _mm256_loadu_pd(w[0].as_ptr().add(i)) };
            let wb = unsafe { _mm256_loadu_pd(w[1].as_ptr().add(i)) };
            for r in 0..4 {
                let xr = unsafe { _mm256_loadu_pd(x[r].as_ptr().add(i)) };
                acc[0][r] = _mm256_add_pd(acc[0][r], _mm256_mul_pd(wa, xr));
                acc[1][r] = _mm256_add_pd(acc[1][r], _mm256_mul_pd(wb, xr));
            }
            i += 8;
        }
        acc
    };
    let (lo, hi) = (half(0), half(4));
    let mut out = [[0.0; 4]; 2];
    for m in 0..2 {
        let s = [0, 1, 2, 3].map(|r| _mm256_add_pd(lo[m][r], hi[m][r]));
        // Transposed: `c[k]` holds lane k of each row's sum, so one vector add does a step of
        // `((s0+s1) + (s2+s3))` for all four rows.
        let (t0, t1) = (
            _mm256_unpacklo_pd(s[0], s[1]),
            _mm256_unpackhi_pd(s[0], s[1]),
        );
        let (t2, t3) = (
            _mm256_unpacklo_pd(s[2], s[3]),
            _mm256_unpackhi_pd(s[2], s[3]),
        );
        let c0 = _mm256_permute2f128_pd::<0x20>(t0, t2);
        let c1 = _mm256_permute2f128_pd::<0x20>(t1, t3);
        let c2 = _mm256_permute2f128_pd::<0x31>(t0, t2);
        let c3 = _mm256_permute2f128_pd::<0x31>(t1, t3);
        let mut sum = _mm256_add_pd(_mm256_add_pd(c0, c1), _mm256_add_pd(c2, c3));
        let mut tail = _mm256_setzero_pd();
        for j in full..n {
            let xj = _mm256_set_pd(x[3][j], x[2][j], x[1][j], x[0][j]);
            tail = _mm256_add_pd(tail, _mm256_mul_pd(_mm256_set1_pd(w[m][j]), xj));
        }
        sum = _mm256_add_pd(_mm256_add_pd(sum, tail), _mm256_set1_pd(bias[m]));
        out[m] = super::avx2::store(sum);
    }
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
                let v: Vec<f64> = w.iter().map(|a| -0.5 * a + 1.0).collect();
                let pair = Avx2::logit4_pair([&w, &v], [0.25, -3.0], four);
                let each_v = four.map(|row| Portable::logit(&v, -3.0, row).to_bits());
                assert_eq!(pair[0].map(f64::to_bits), each, "n {n}");
                assert_eq!(pair[1].map(f64::to_bits), each_v, "n {n}");
                let portable_pair = Portable::logit4_pair([&w, &v], [0.25, -3.0], four);
                assert_eq!(portable_pair.map(|z| z.map(f64::to_bits)), [each, each_v]);
            }
        }
    }
}
