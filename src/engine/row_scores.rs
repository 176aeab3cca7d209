//! Scores kept row by row (probabilities, per-row losses), as opposed to the sums of
//! [`super::pass`]: each row's logit under every model, turned into what the caller keeps, in the
//! widest build of the processor.
//!
//! The logits are the row loop's ([`Lanes::logits4`], four rows a tile), and the caller's
//! function of each logit is compiled inside the same build, so its fused multiply-adds (the
//! exponential's and logarithm's polynomials) are the processor's instruction rather than a call:
//! the same bits as [`super::formulas`] one row at a time, several times faster.

use super::lanes::Lanes;
use super::simd::{dispatch, Kernel};
use super::table::Linear;
use rayon::prelude::*;

/// Rows per parallel task: each row is scored on its own, so the size changes no bit.
const CHUNK_ROWS: usize = 4096;

/// `score(i, j, z)` for every row `i` of `x` (row-major, `cols` values a row) and every model
/// `j`, `z` the row's logit under the model: row-major, `models.len()` values a row.
///
/// # Panics
/// When `cols` is 0 while `x` is not empty, when `x` does not hold a whole number of rows, or
/// when a model has another number of weights than `cols`.
pub fn map_row_logits<T, F>(models: &[Linear], x: &[f64], cols: usize, score: F) -> Vec<T>
where
    T: Copy + Default + Send,
    F: Fn(usize, usize, f64) -> T + Sync,
{
    if x.is_empty() || models.is_empty() {
        return Vec::new();
    }
    assert!(
        cols > 0 && x.len().is_multiple_of(cols),
        "a whole number of rows"
    );
    for model in models {
        assert_eq!(model.weights.len(), cols, "one weight per feature");
    }
    let m = models.len();
    let mut out = vec![T::default(); x.len() / cols * m];
    out.par_chunks_mut(CHUNK_ROWS * m)
        .zip(x.par_chunks(CHUNK_ROWS * cols))
        .enumerate()
        .for_each(|(task, (out, x))| {
            dispatch(Chunk {
                models,
                x,
                cols,
                first_row: task * CHUNK_ROWS,
                out,
                score: &score,
            })
        });
    out
}

/// One task's rows.
struct Chunk<'a, T, F> {
    models: &'a [Linear<'a>],
    x: &'a [f64],
    cols: usize,
    /// Index of the chunk's first row among all rows.
    first_row: usize,
    out: &'a mut [T],
    score: &'a F,
}

impl<T, F: Fn(usize, usize, f64) -> T> Kernel for Chunk<'_, T, F> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self) {
        let Chunk {
            models,
            x,
            cols,
            first_row,
            out,
            score,
        } = self;
        let (m, n) = (models.len(), x.len() / cols);
        let row = |i: usize| &x[i * cols..(i + 1) * cols];
        let full = n / 4 * 4;
        let mut z = vec![[0.0; 4]; m];
        for g in (0..full).step_by(4) {
            let rows = [row(g), row(g + 1), row(g + 2), row(g + 3)];
            for (tile, z) in models.chunks(L::TILE).zip(z.chunks_mut(L::TILE)) {
                L::logits4(tile, rows, z);
            }
            for (k, out) in out[g * m..(g + 4) * m].chunks_exact_mut(m).enumerate() {
                for (j, (o, z)) in out.iter_mut().zip(&z).enumerate() {
                    *o = score(first_row + g + k, j, z[k]);
                }
            }
        }
        for i in full..n {
            for (j, (o, model)) in out[i * m..(i + 1) * m].iter_mut().zip(models).enumerate() {
                *o = score(
                    first_row + i,
                    j,
                    L::logit(model.weights, model.bias, row(i)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::formulas::logit;

    /// Every row and model gets the one-row definition's logit, in row-major order, with the
    /// row's index: for a count of rows that fills no last group of four and crosses a chunk.
    #[test]
    fn every_row_gets_the_bits_of_the_one_row_logit() {
        let (n, d) = (CHUNK_ROWS + 7, 13);
        let x: Vec<f64> = (0..n * d).map(|k| (k as f64 * 0.37).sin() * 3.0).collect();
        let weights: Vec<Vec<f64>> = (0..5)
            .map(|m| (0..d).map(|j| ((m * d + j) as f64 * 0.61).cos()).collect())
            .collect();
        let models = Linear::each(&weights, |m| 0.5 - m as f64);
        let got = map_row_logits(&models, &x, d, |i, j, z| (i, j, z));
        assert_eq!(got.len(), n * models.len());
        for (k, &(i, j, z)) in got.iter().enumerate() {
            assert_eq!((i, j), (k / models.len(), k % models.len()));
            let model = &models[j];
            let want = logit(model.weights, model.bias, &x[i * d..(i + 1) * d]);
            assert_eq!(z.to_bits(), want.to_bits(), "row {i}, model {j}");
        }
        assert!(map_row_logits(&models, &[], d, |_, _, z| z).is_empty());
    }
}
