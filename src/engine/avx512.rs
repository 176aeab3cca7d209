//! The AVX-512 build of the row loop: the operations of [`super::lanes`] in register tiles of
//! four rows by up to four models, so the same bits as the portable build.
//!
//! A logit's 8 lanes are one 512-bit register: a tile keeps the 16 running sums of four rows
//! under four models in registers while each feature vector is loaded once for the four models
//! and each weight vector once for the four rows. The gradient sums of the same tile keep the
//! sixteen residuals broadcast in registers, and load and store each model's sums once per four
//! rows; the features past the last multiple of 8 go through masked loads and stores. The
//! statistics of a row are the AVX2 build's.

#![cfg(target_arch = "x86_64")]

use super::avx2::{finish4, tail4};
use super::lanes::Lanes;
use super::row_stats::{self, Rows4};
use super::table::Linear;
use std::arch::x86_64::*;

/// AVX-512 (F, VL, DQ) with AVX2 and FMA. Only used through [`super::simd::dispatch`], which
/// checks the processor first.
pub struct Avx512;

impl Lanes for Avx512 {
    const TILE: usize = 4;

    #[inline(always)]
    fn logits4(models: &[Linear], x: [&[f64]; 4], z: &mut [[f64; 4]]) {
        // SAFETY: `Avx512` only runs in code that `simd::dispatch` chose after finding AVX-512.
        unsafe {
            match (models, z) {
                ([a, b, c, d], [za, zb, zc, zd]) => {
                    [*za, *zb, *zc, *zd] = logits4_n([*a, *b, *c, *d], x)
                }
                ([a, b, c], [za, zb, zc]) => [*za, *zb, *zc] = logits4_n([*a, *b, *c], x),
                ([a, b], [za, zb]) => [*za, *zb] = logits4_n([*a, *b], x),
                ([a], [za]) => [*za] = logits4_n([*a], x),
                _ => unreachable!("at most TILE models"),
            }
        }
    }

    #[inline(always)]
    fn rows4_each<const LOSS: bool>(z: &[[f64; 4]], t: [f64; 4], out: &mut [Rows4]) {
        // SAFETY: as above (AVX-512 comes with AVX2 and FMA, which the check also asks for).
        unsafe { row_stats::rows4_each_avx2::<LOSS>(z, t, out) }
    }

    #[inline(always)]
    fn gradient4(grads: &mut [Vec<f64>], stats: &[Rows4], x: [&[f64]; 4]) {
        // SAFETY: as above.
        unsafe {
            match (grads, stats) {
                ([a, b, c, d], [sa, sb, sc, sd]) => {
                    gradient4_n([a, b, c, d], [sa, sb, sc, sd].map(|s| s.residual), x)
                }
                ([a, b, c], [sa, sb, sc]) => {
                    gradient4_n([a, b, c], [sa, sb, sc].map(|s| s.residual), x)
                }
                ([a, b], [sa, sb]) => gradient4_n([a, b], [sa, sb].map(|s| s.residual), x),
                ([a], [sa]) => gradient4_n([a], [sa.residual], x),
                _ => unreachable!("at most TILE models"),
            }
        }
    }
}

/// The mask of the first `count` lanes (`count` at most 8).
#[inline(always)]
fn first(count: usize) -> __mmask8 {
    ((1u16 << count) - 1) as u8
}

/// The logits of four rows under `M` models (1 to 4), the `4·M` sums of a full 8-feature chunk
/// in registers at once.
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2,fma")]
#[inline]
fn logits4_n<const M: usize>(models: [Linear; M], x: [&[f64]; 4]) -> [[f64; 4]; M] {
    let n = models
        .iter()
        .map(|m| m.weights.len())
        .chain(x.iter().map(|r| r.len()))
        .min()
        .unwrap_or(0);
    let full = n / 8 * 8;
    let mut acc = [[_mm512_setzero_pd(); 4]; M];
    let mut i = 0;
    while i < full {
        // SAFETY (both loads): i + 8 <= full <= n, the length of every slice; unaligned loads.
        let xr = x.map(|r| unsafe { _mm512_loadu_pd(r.as_ptr().add(i)) });
        for m in 0..M {
            let w = unsafe { _mm512_loadu_pd(models[m].weights.as_ptr().add(i)) };
            for r in 0..4 {
                acc[m][r] = _mm512_fmadd_pd(w, xr[r], acc[m][r]);
            }
        }
        i += 8;
    }
    let mut out = [[0.0; 4]; M];
    for m in 0..M {
        // [l0+l4, l1+l5, l2+l6, l3+l7] of each row, then the AVX2 build's reduction.
        let s = acc[m]
            .map(|a| _mm256_add_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd::<1>(a)));
        let tail = tail4(&models[m].weights[full..n], x, full);
        out[m] = finish4(s, tail, models[m].bias);
    }
    out
}

/// `g[m][j] = fma(r[m][k], x[k][j], g[m][j])` for the four rows `k` in order, `M` models (1 to 4)
/// at once: each chunk of 8 features of the four rows is loaded once for every model, and each
/// model's sums once for the four rows.
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2,fma")]
#[inline]
fn gradient4_n<const M: usize>(g: [&mut Vec<f64>; M], r: [[f64; 4]; M], x: [&[f64]; 4]) {
    let d = g.iter().map(|g| g.len()).min().unwrap_or(0);
    assert!(
        x.iter().all(|row| row.len() >= d),
        "rows shorter than the sums"
    );
    let rb = r.map(|r| r.map(|v| _mm512_set1_pd(v)));
    let mut i = 0;
    while i < d {
        let lanes = first((d - i).min(8));
        // SAFETY (every masked load and store of this loop): the lanes the mask lets through are
        // `i..min(i + 8, d)`, inside every row (checked above) and every model's sums (`d` is the
        // shortest); masked-off lanes are neither read nor written.
        let xr = x.map(|row| unsafe { _mm512_maskz_loadu_pd(lanes, row.as_ptr().add(i)) });
        for m in 0..M {
            let at = unsafe { g[m].as_mut_ptr().add(i) };
            let mut acc = unsafe { _mm512_maskz_loadu_pd(lanes, at) };
            for k in 0..4 {
                acc = _mm512_fmadd_pd(rb[m][k], xr[k], acc);
            }
            unsafe { _mm512_mask_storeu_pd(at, lanes, acc) };
        }
        i += 8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lanes::Portable;
    use crate::engine::simd::has_avx512;

    #[test]
    fn avx512_gives_the_bits_of_the_portable_build() {
        if !has_avx512() {
            return;
        }
        for n in 0..100 {
            let weights: Vec<Vec<f64>> = (0..4)
                .map(|m| {
                    (0..n)
                        .map(|i| ((i + 7 * m) as f64 * 0.37).sin() * 1e3)
                        .collect()
                })
                .collect();
            let rows: Vec<Vec<f64>> = (0..4)
                .map(|r| {
                    (0..n)
                        .map(|i| (i as f64 * 1.3).cos() * (r as f64 - 1.5))
                        .collect()
                })
                .collect();
            let four = [&rows[0][..], &rows[1][..], &rows[2][..], &rows[3][..]];
            let models = Linear::each(&weights, |m| 0.25 - m as f64);
            for count in 1..=4 {
                let (mut ours, mut theirs) = (vec![[0.0; 4]; count], vec![[0.0; 4]; count]);
                Avx512::logits4(&models[..count], four, &mut ours);
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
                Avx512::gradient4(&mut ours, &stats, four);
                Portable::gradient4(&mut theirs, &stats, four);
                assert_eq!(ours, theirs, "n {n}");
            }
        }
    }
}
