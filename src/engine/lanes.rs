//! What the row loop asks of each instruction set, and the portable build that defines it.
//!
//! The bits of every result are fixed by these definitions, whatever the build:
//! - the logit `w·x + b`: 8 lanes, lane `k` adding `w[i]·x[i]` for `i ≡ k (mod 8)` by fused
//!   multiply-adds, the lanes combined as `((l0+l4) + (l1+l5)) + ((l2+l6) + (l3+l7))`, then the
//!   features past the last multiple of 8 (a fused chain of their own), then the bias
//!   ([`formulas::logit`]);
//! - the gradient sums: `g[j] = fma(r, x[j], g[j])` for every row, rows in order;
//! - the statistics of a row ([`row_stats::row_stats`]).
//!
//! A build ([`super::avx2::Avx2`], [`super::avx512::Avx512`]) does exactly these operations, more
//! of them at a time, so it gives the same bits: `fma` is correctly rounded in every build
//! (`f64::mul_add` here, the processor's instruction there).

use super::accumulate::{add_row, add_rows4};
use super::formulas;
use super::row_stats::{self, Rows4};
use super::table::Linear;

/// The operations of the row loop, as one instruction set does them.
pub trait Lanes {
    /// Models whose logits and gradient sums [`Lanes::logits4`] and [`Lanes::gradient4`] take
    /// at once (the row loop hands them at most this many).
    const TILE: usize = 1;

    /// The logit of one row.
    fn logit(weights: &[f64], bias: f64, x: &[f64]) -> f64 {
        formulas::logit(weights, bias, x)
    }

    /// The logits of four rows under every model: `z[m][r]` for model `m` and row `r`.
    fn logits4(models: &[Linear], x: [&[f64]; 4], z: &mut [[f64; 4]]) {
        for (model, z) in models.iter().zip(z) {
            *z = x.map(|row| Self::logit(model.weights, model.bias, row));
        }
    }

    /// The statistics of the same four rows (targets `t`) under each model of `z` (its four
    /// logits), into `out`.
    fn rows4_each<const LOSS: bool>(z: &[[f64; 4]], t: [f64; 4], out: &mut [Rows4]) {
        row_stats::rows4_each::<LOSS>(z, t, out)
    }

    /// `g[m][j] = fma(r, x[j], g[m][j])` for the four rows in order, `r` the row's residual under
    /// model `m` (`stats[m].residual`).
    fn gradient4(grads: &mut [Vec<f64>], stats: &[Rows4], x: [&[f64]; 4]) {
        for (g, s) in grads.iter_mut().zip(stats) {
            add_rows4(g, s.residual, x);
        }
    }

    /// `g[j] = fma(r, x[j], g[j])`: one row.
    fn gradient1(g: &mut [f64], r: f64, x: &[f64]) {
        add_row(g, r, x)
    }
}

/// The definitions themselves, one value at a time (vectorized by the compiler where it can).
pub struct Portable;

impl Lanes for Portable {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definitions_match_plain_sums() {
        let w: Vec<f64> = (0..90).map(|i| (i as f64 * 0.37).sin()).collect();
        let rows: Vec<Vec<f64>> = (0..4)
            .map(|r| (0..90).map(|i| ((r * 90 + i) as f64 * 1.3).cos()).collect())
            .collect();
        let x = [&rows[0][..], &rows[1][..], &rows[2][..], &rows[3][..]];
        let mut z = [[0.0; 4]; 1];
        Portable::logits4(
            &[Linear {
                weights: &w,
                bias: 0.25,
            }],
            x,
            &mut z,
        );
        for (r, row) in rows.iter().enumerate() {
            let plain: f64 = w.iter().zip(row).map(|(a, b)| a * b).sum::<f64>() + 0.25;
            assert!((z[0][r] - plain).abs() < 1e-12, "row {r}");
        }
        let stats = [Rows4 {
            residual: [0.5, -1.0, 0.25, 2.0],
            ..Rows4::default()
        }];
        let mut g = vec![vec![1.0; 90]];
        Portable::gradient4(&mut g, &stats, x);
        for j in 0..90 {
            let plain = 1.0 + 0.5 * rows[0][j] - rows[1][j] + 0.25 * rows[2][j] + 2.0 * rows[3][j];
            assert!((g[0][j] - plain).abs() < 1e-12, "feature {j}");
        }
    }
}
