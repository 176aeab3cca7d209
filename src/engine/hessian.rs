//! The Hessian of the summed loss, `Σ s·x̃·x̃ᵀ` with `x̃ = [x, 1]` and `s = y·(1 - y)`, in one pass.
//!
//! A rank-one update per row would load and store the whole 91×91 matrix for every row. Instead
//! rows are copied, in blocks of [`BLOCK_ROWS`], into a padded buffer (`x̃` then zeros up to a
//! multiple of 8 columns), and each 2×8 tile of the upper triangle is accumulated in registers
//! over the whole block: 16 multiply-adds per 6 loads, which LLVM vectorizes. The rows are split
//! into fixed chunks of [`CHUNK_ROWS`] whose partial matrices are added in chunk order, so the
//! result has the same bits on any number of threads.

use super::chunked::{add_into, chunked_sum};
use super::formulas::{exp_neg_abs, logit, probability_from};
use super::lanes::Lanes;
use super::simd::{dispatch, Kernel};
use super::table::{Linear, Table};
use std::ops::Range;

/// Rows per parallel chunk (fixed: it decides the order of the additions).
pub const CHUNK_ROWS: usize = 8192;
/// Rows per block of the tiled update (fits in the L1/L2 cache with its padded copy).
pub const BLOCK_ROWS: usize = 64;

/// `Σ s·x̃·x̃ᵀ` over rows `0, stride, 2·stride, ...` (all rows for stride 1; else a fixed, evenly
/// spread subsample), as a full symmetric `(d+1)×(d+1)` row-major matrix (bias last).
pub fn hessian_sum(model: Linear, table: Table, stride: usize) -> Vec<f64> {
    let d = table.cols;
    let p = (d + 1).next_multiple_of(8);
    let stride = stride.max(1);
    let n = table.rows().div_ceil(stride);
    let part = |range: Range<usize>| {
        dispatch(HessianChunk {
            model,
            table,
            range,
            stride,
            p,
        })
    };
    let padded = chunked_sum(n, CHUNK_ROWS, vec![0.0; p * p], part, |a, b| {
        add_into(a, &b)
    });
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

/// The upper triangle (in 2×8 tiles) of one chunk's sum, `p×p` padded, over the rows
/// `k·stride` for `k` in `range`.
struct HessianChunk<'a> {
    model: Linear<'a>,
    table: Table<'a>,
    range: Range<usize>,
    stride: usize,
    p: usize,
}

impl Kernel for HessianChunk<'_> {
    type Output = Vec<f64>;

    /// The lanes of the logit are not used: the tiles are plain loops that each build vectorizes
    /// with its own instructions.
    #[inline(always)]
    fn run<L: Lanes>(self) -> Vec<f64> {
        let stride = self.stride;
        chunk_body(
            self.model,
            self.table,
            self.range.map(|k| k * stride),
            self.p,
        )
    }
}

#[inline(always)]
fn chunk_body(
    model: Linear,
    data: Table,
    rows: impl ExactSizeIterator<Item = usize>,
    p: usize,
) -> Vec<f64> {
    let d = data.cols;
    let mut h = vec![0.0; p * p];
    let mut xa = vec![0.0; BLOCK_ROWS * p];
    let mut va = vec![0.0; BLOCK_ROWS * p];
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut m = 0;
        for (xr, vr) in xa.chunks_exact_mut(p).zip(va.chunks_exact_mut(p)) {
            let Some(i) = rows.next() else { break };
            m += 1;
            let x = data.row(i);
            let z = logit(model.weights, model.bias, x);
            let y = probability_from(z, exp_neg_abs(z));
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
                        acc[0][k] = a0.mul_add(x8[k], acc[0][k]);
                        acc[1][k] = a1.mul_add(x8[k], acc[1][k]);
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
    use crate::engine::lanes::Portable;
    use crate::engine::simd::{has_avx2, has_avx512, run_avx2, run_avx512};

    /// `n` rows of `d` features, weights and targets from simple deterministic formulas.
    fn data(n: usize, d: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..n * d)
            .map(|k| (k as f64 * 0.7191).sin() * 1.7)
            .collect();
        let t: Vec<f64> = (0..n).map(|i| ((i * 13 % 5) < 2) as u8 as f64).collect();
        let w: Vec<f64> = (0..d).map(|j| 0.3 * ((j + 1) as f64).sin()).collect();
        (x, t, w)
    }

    #[test]
    fn every_build_gives_the_bits_of_the_portable_one() {
        if !has_avx2() {
            return;
        }
        let (x, t, w) = data(700, 13);
        let table = Table {
            x: &x,
            cols: 13,
            targets: &t,
        };
        let chunk = || HessianChunk {
            model: Linear {
                weights: &w,
                bias: 0.2,
            },
            table,
            range: 0..234,
            stride: 3,
            p: 16,
        };
        let portable = chunk().run::<Portable>();
        // SAFETY: the processor has AVX2 and FMA.
        let avx2 = unsafe { run_avx2(chunk()) };
        assert!(portable.iter().any(|&v| v != 0.0));
        assert_eq!(portable, avx2);
        if has_avx512() {
            // SAFETY: the processor has AVX-512.
            assert_eq!(portable, unsafe { run_avx512(chunk()) });
        }
    }

    #[test]
    fn matches_a_plain_sum_of_outer_products() {
        for d in [1, 7, 8, 90] {
            let (x, t, w) = data(10_000, d);
            let table = Table {
                x: &x,
                cols: d,
                targets: &t,
            };
            for stride in [1, 7] {
                let model = Linear {
                    weights: &w,
                    bias: -0.1,
                };
                let h = hessian_sum(model, table, stride);
                let m = d + 1;
                let mut plain = vec![0.0; m * m];
                for i in (0..table.rows()).step_by(stride) {
                    let mut x = table.row(i).to_vec();
                    x.push(1.0);
                    let z: f64 = x[..d].iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() - 0.1;
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
    }

    #[test]
    fn same_bits_on_one_and_two_threads() {
        let (x, t, w) = data(30_000, 90);
        let table = Table {
            x: &x,
            cols: 90,
            targets: &t,
        };
        let model = Linear {
            weights: &w,
            bias: 0.3,
        };
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap()
        };
        let a = pool(1).install(|| hessian_sum(model, table, 1));
        let b = pool(2).install(|| hessian_sum(model, table, 1));
        assert_eq!(a, b);
    }
}
