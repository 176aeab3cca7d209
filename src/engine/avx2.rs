//! The AVX2 build of the row loop: the operations of [`super::lanes`] four lanes at a time, with
//! the processor's fused multiply-add, so the same bits as the portable build.
//!
//! A logit's 8 lanes sit in two AVX registers (lanes 0-3 and 4-7); the logits of four rows under
//! two models are formed together, each feature vector loaded once for both models and each
//! weight vector once for the four rows. The gradient sums are plain loops over features that
//! the compiler vectorizes with this build's instructions.

#![cfg(target_arch = "x86_64")]

use super::accumulate::{add_rows4, add_rows4_pair};
use super::lanes::Lanes;
use super::row_stats::{self, Rows4};
use super::table::Linear;
use super::ymm::store;
use std::arch::x86_64::*;

/// AVX2 with FMA. Only used through [`super::simd::dispatch`], which checks the processor first.
pub struct Avx2;

impl Lanes for Avx2 {
    const TILE: usize = 2;

    #[inline(always)]
    fn logits4(models: &[Linear], x: [&[f64]; 4], z: &mut [[f64; 4]]) {
        // SAFETY: `Avx2` only runs in code that `simd::dispatch` chose after finding AVX2 and FMA.
        unsafe {
            match (models, z) {
                ([a, b], [za, zb]) => [*za, *zb] = logits4_n([*a, *b], x),
                ([a], [za]) => [*za] = logits4_n([*a], x),
                _ => unreachable!("at most TILE models"),
            }
        }
    }

    #[inline(always)]
    fn rows4_each<const LOSS: bool>(z: &[[f64; 4]], t: [f64; 4], out: &mut [Rows4]) {
        // SAFETY: as above.
        unsafe { row_stats::rows4_each_avx2::<LOSS>(z, t, out) }
    }

    #[inline(always)]
    fn gradient4(grads: &mut [Vec<f64>], stats: &[Rows4], x: [&[f64]; 4]) {
        match (grads, stats) {
            ([ga, gb], [sa, sb]) => add_rows4_pair(ga, gb, sa.residual, sb.residual, x),
            ([g], [s]) => add_rows4(g, s.residual, x),
            _ => unreachable!("at most TILE models"),
        }
    }
}

/// The logits of four rows under `M` models (1 or 2): each feature vector loaded once for all
/// models, each weight vector once for the four rows. Lanes 0-3 of every (model, row) are summed
/// over the whole row first, then lanes 4-7, which keeps the running sums of a pass in registers.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn logits4_n<const M: usize>(models: [Linear; M], x: [&[f64]; 4]) -> [[f64; 4]; M] {
    let n = models
        .iter()
        .map(|m| m.weights.len())
        .chain(x.iter().map(|r| r.len()))
        .min()
        .unwrap_or(0);
    let full = n / 8 * 8;
    // Sums of lanes `offset..offset + 4` of every 8 features, for each model and row.
    let half = |offset: usize| {
        let mut acc = [[_mm256_setzero_pd(); 4]; M];
        let mut i = offset;
        while i < full {
            // SAFETY (every load of this loop): i + 4 <= full <= n, the length of every slice.
            let w = models.map(|m| unsafe { _mm256_loadu_pd(m.weights.as_ptr().add(i)) });
            for r in 0..4 {
                let xr = unsafe { _mm256_loadu_pd(x[r].as_ptr().add(i)) };
                for m in 0..M {
                    acc[m][r] = _mm256_fmadd_pd(w[m], xr, acc[m][r]);
                }
            }
            i += 8;
        }
        acc
    };
    let (lo, hi) = (half(0), half(4));
    let mut out = [[0.0; 4]; M];
    for m in 0..M {
        let s = [0, 1, 2, 3].map(|r| _mm256_add_pd(lo[m][r], hi[m][r]));
        let tail = tail4(&models[m].weights[full..n], x, full);
        out[m] = finish4(s, tail, models[m].bias);
    }
    out
}

/// The fused chains of the features past the last multiple of 8 (`w` holds their weights, the
/// first at feature `from`), for four rows at once.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub fn tail4(w: &[f64], x: [&[f64]; 4], from: usize) -> __m256d {
    let mut tail = _mm256_setzero_pd();
    for (j, wj) in (from..).zip(w) {
        let xj = _mm256_set_pd(x[3][j], x[2][j], x[1][j], x[0][j]);
        tail = _mm256_fmadd_pd(_mm256_set1_pd(*wj), xj, tail);
    }
    tail
}

/// Four rows' logits from their lane sums `s[r] = [l0+l4, l1+l5, l2+l6, l3+l7]`, their tails
/// and the bias: `((s0 + s1) + (s2 + s3)) + tail + bias` for each row, the four rows at once.
#[target_feature(enable = "avx2")]
#[inline]
pub fn finish4(s: [__m256d; 4], tail: __m256d, bias: f64) -> [f64; 4] {
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
    let sum = _mm256_add_pd(_mm256_add_pd(c0, c1), _mm256_add_pd(c2, c3));
    store(_mm256_add_pd(
        _mm256_add_pd(sum, tail),
        _mm256_set1_pd(bias),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lanes::Portable;
    use crate::engine::simd::has_avx2;

    #[test]
    fn avx2_gives_the_bits_of_the_portable_build() {
        if !has_avx2() {
            return;
        }
        for n in 0..100 {
            let w: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() * 1e3).collect();
            let v: Vec<f64> = w.iter().map(|a| -0.5 * a + 1.0).collect();
            let rows: Vec<Vec<f64>> = (0..4)
                .map(|r| {
                    (0..n)
                        .map(|i| (i as f64 * 1.3).cos() * (r as f64 - 1.5))
                        .collect()
                })
                .collect();
            let four = [&rows[0][..], &rows[1][..], &rows[2][..], &rows[3][..]];
            let models = [
                Linear {
                    weights: &w,
                    bias: 0.25,
                },
                Linear {
                    weights: &v,
                    bias: -3.0,
                },
            ];
            for count in 1..=2 {
                let (mut ours, mut theirs) = (vec![[0.0; 4]; count], vec![[0.0; 4]; count]);
                Avx2::logits4(&models[..count], four, &mut ours);
                Portable::logits4(&models[..count], four, &mut theirs);
                let bits = |z: &[[f64; 4]]| -> Vec<u64> {
                    z.iter().flatten().map(|v| v.to_bits()).collect()
                };
                assert_eq!(bits(&ours), bits(&theirs), "n {n}, {count} models");
                let stats: Vec<Rows4> = (0..count)
                    .map(|m| Rows4 {
                        residual: [0.5, -0.25, 1.5, -2.0].map(|r| r * (m as f64 + 1.0)),
                        ..Rows4::default()
                    })
                    .collect();
                let mut ours = vec![vec![0.5; n]; count];
                let mut theirs = ours.clone();
                Avx2::gradient4(&mut ours, &stats, four);
                Portable::gradient4(&mut theirs, &stats, four);
                assert_eq!(ours, theirs, "n {n}");
            }
        }
    }
}
