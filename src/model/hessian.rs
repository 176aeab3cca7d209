//! The Hessian of the summed loss, `Σ s·x̃·x̃ᵀ` with `x̃ = [x, 1]` and `s = y·(1 - y)`, in one pass.
//!
//! A rank-one update per row would load and store the whole 91×91 matrix for every row. Instead
//! rows are copied, in blocks of [`BLOCK_ROWS`], into a padded buffer (`x̃` then zeros up to a
//! multiple of 8 columns), and each 2×8 tile of the upper triangle is accumulated in registers
//! over the whole block: 16 multiply-adds per 6 loads, which LLVM vectorizes. The rows are split
//! into fixed chunks of [`CHUNK_ROWS`] whose partial matrices are added in chunk order, so the
//! result has the same bits on any number of threads.

use super::logistic::{logit, sigmoid};
use super::params::Params;
use crate::data::Dataset;
use rayon::prelude::*;

/// Rows per parallel chunk (fixed: it decides the order of the additions).
pub const CHUNK_ROWS: usize = 8192;
/// Rows per block of the tiled update (fits in the L1/L2 cache with its padded copy).
pub const BLOCK_ROWS: usize = 64;

/// `Σ s·x̃·x̃ᵀ` over all rows, as a full symmetric `(d+1)×(d+1)` row-major matrix (bias last).
pub fn hessian_sum(params: &Params, data: &Dataset) -> Vec<f64> {
    hessian_sum_strided(params, data, 1)
}

/// `Σ s·x̃·x̃ᵀ` over rows `0, stride, 2·stride, ...` (a fixed, evenly spread subsample).
pub fn hessian_sum_strided(params: &Params, data: &Dataset, stride: usize) -> Vec<f64> {
    let d = data.x.cols();
    let p = (d + 1).next_multiple_of(8);
    let stride = stride.max(1);
    let n = data.len().div_ceil(stride);
    let n_chunks = n.div_ceil(CHUNK_ROWS);
    let one = |c: usize| {
        let rows = (c * CHUNK_ROWS..((c + 1) * CHUNK_ROWS).min(n)).map(|k| k * stride);
        chunk(params, data, rows, p)
    };
    let partials: Vec<Vec<f64>> = if n_chunks <= 1 {
        (0..n_chunks).map(one).collect()
    } else {
        (0..n_chunks).into_par_iter().map(one).collect()
    };
    let mut padded = vec![0.0; p * p];
    for part in &partials {
        for (a, b) in padded.iter_mut().zip(part) {
            *a += b;
        }
    }
    let m = d + 1;
    let mut h = vec![0.0; m * m];
    for i in 0..m {
        for j in i..m {
            h[i * m + j] = padded[i * p + j];
            h[j * m + i] = padded[i * p + j];
        }
    }
    h
}

/// The upper triangle (in 2×8 tiles) of one chunk's sum, `p×p` padded; built for AVX2 where the
/// processor has it (the same operations in the same order, never fused: the same bits).
fn chunk(
    params: &Params,
    data: &Dataset,
    rows: impl ExactSizeIterator<Item = usize>,
    p: usize,
) -> Vec<f64> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has just reported AVX2.
        return unsafe { chunk_avx2(params, data, rows, p) };
    }
    chunk_body(params, data, rows, p)
}

/// [`chunk_body`] built with AVX2.
///
/// # Safety
/// Only on a processor with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn chunk_avx2(
    params: &Params,
    data: &Dataset,
    rows: impl ExactSizeIterator<Item = usize>,
    p: usize,
) -> Vec<f64> {
    chunk_body(params, data, rows, p)
}

#[inline(always)]
fn chunk_body(
    params: &Params,
    data: &Dataset,
    rows: impl ExactSizeIterator<Item = usize>,
    p: usize,
) -> Vec<f64> {
    let d = data.x.cols();
    let mut h = vec![0.0; p * p];
    let mut xa = vec![0.0; BLOCK_ROWS * p];
    let mut va = vec![0.0; BLOCK_ROWS * p];
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut m = 0;
        for (xr, vr) in xa.chunks_exact_mut(p).zip(va.chunks_exact_mut(p)) {
            let Some(i) = rows.next() else { break };
            m += 1;
            let x = data.x.row(i);
            let y = sigmoid(logit(&params.weights, params.bias, x));
            let s = y * (1.0 - y);
            xr[..d].copy_from_slice(x);
            xr[d] = 1.0;
            for (v, x) in vr.iter_mut().zip(xr.iter()) {
                *v = s * x;
            }
        }
        for ib in (0..p).step_by(2) {
            for jb in ((ib / 8) * 8..p).step_by(8) {
                let mut acc = [[0.0f64; 8]; 2];
                for (xr, vr) in xa.chunks_exact(p).zip(va.chunks_exact(p)).take(m) {
                    let x8 = &xr[jb..jb + 8];
                    let (a0, a1) = (vr[ib], vr[ib + 1]);
                    for k in 0..8 {
                        acc[0][k] += a0 * x8[k];
                        acc[1][k] += a1 * x8[k];
                    }
                }
                for (a, row) in acc.iter().enumerate() {
                    let dst = &mut h[(ib + a) * p + jb..(ib + a) * p + jb + 8];
                    for (t, v) in dst.iter_mut().zip(row) {
                        *t += v;
                    }
                }
            }
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avx2_and_portable_chunks_agree_bit_for_bit() {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            let data = crate::model::simulate::simulate(
                700,
                &crate::model::simulate::moderate_truth(13, 0.3),
                5,
            );
            let params = Params::init(13, crate::model::Init::Normal { seed: 2 });
            let p = 14usize.next_multiple_of(8);
            let portable = chunk_body(&params, &data, (0..700).step_by(3), p);
            // SAFETY: the processor has AVX2.
            let avx2 = unsafe { chunk_avx2(&params, &data, (0..700).step_by(3), p) };
            assert!(portable.iter().any(|&v| v != 0.0));
            assert_eq!(portable, avx2);
        }
    }
    use crate::model::simulate::{moderate_truth, simulate};

    #[test]
    fn matches_a_plain_sum_of_outer_products() {
        for d in [1, 7, 8, 90] {
            let data = simulate(10_000, &moderate_truth(d, 0.2), 4);
            let params = moderate_truth(d, -0.1);
            let h = hessian_sum(&params, &data);
            let m = d + 1;
            let mut plain = vec![0.0; m * m];
            for i in 0..data.len() {
                let mut x = data.x.row(i).to_vec();
                x.push(1.0);
                let z: f64 = x[..d]
                    .iter()
                    .zip(&params.weights)
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
                    + params.bias;
                let y = 1.0 / (1.0 + (-z).exp());
                for a in 0..m {
                    for b in 0..m {
                        plain[a * m + b] += y * (1.0 - y) * x[a] * x[b];
                    }
                }
            }
            for (a, b) in h.iter().zip(&plain) {
                assert!((a - b).abs() < 1e-9 * (1.0 + b.abs()), "d {d}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn same_bits_on_one_and_two_threads() {
        let data = simulate(30_000, &moderate_truth(90, 0.0), 9);
        let params = moderate_truth(90, 0.3);
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap()
        };
        let a = pool(1).install(|| hessian_sum(&params, &data));
        let b = pool(2).install(|| hessian_sum(&params, &data));
        assert_eq!(a, b);
    }
}
