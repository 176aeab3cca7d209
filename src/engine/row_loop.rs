//! The row loop: one chunk of rows for every model of a group. Each row is read from memory once
//! and used by every model while it is in cache, so runs that share their batches (the study's
//! grid cells of one batch size) cost one pass over the data instead of one each.
//!
//! Every model's sums are formed by exactly the same operations in the same order whatever the
//! other models are (the definitions of [`super::lanes`], rows in order), so each result has the
//! same bits as that model alone, and in every build.

use super::lanes::Lanes;
use super::prefetch::{prefetch_row_l2, LOOKAHEAD};
use super::row_stats::{row_stats, Rows4};
use super::simd::Kernel;
use super::table::{Linear, Table};
use super::totals::Totals;

/// The rows of one chunk.
#[derive(Clone)]
pub enum ChunkRows<'a> {
    /// Consecutive rows, read where they are.
    Range(std::ops::Range<usize>),
    /// Rows picked in this order (a mini-batch).
    Picked(&'a [usize]),
}

/// Running sums of one model over one chunk, but the gradient's (kept apart, so that a build
/// takes the gradient sums of several models at once).
#[derive(Default)]
struct Acc {
    /// `Σ (y - t)`, rows in order.
    gb: f64,
    loss: f64,
    correct: usize,
}

impl Acc {
    /// Four rows' statistics added in, one row after the other.
    #[inline(always)]
    fn add4<const GRAD: bool>(&mut self, rows: &Rows4) {
        for l in rows.loss {
            self.loss += l;
        }
        self.correct += rows.correct;
        if GRAD {
            for r in rows.residual {
                self.gb += r;
            }
        }
    }
}

/// One chunk of rows for every model of a group; `GRAD`: with the gradient sums, `LOSS`: the loss
/// itself (else its floor, see [`super::pass::step_sums`]).
pub struct Chunk<'a, const GRAD: bool, const LOSS: bool> {
    pub models: &'a [Linear<'a>],
    pub table: Table<'a>,
    pub rows: ChunkRows<'a>,
}

impl<const GRAD: bool, const LOSS: bool> Kernel for Chunk<'_, GRAD, LOSS> {
    type Output = Vec<Totals>;

    #[inline(always)]
    fn run<L: Lanes>(self) -> Vec<Totals> {
        chunk::<GRAD, LOSS, L>(self.models, self.table, self.rows)
    }
}

/// One chunk for every model. Rows are read where they lie, each group of four asking memory for
/// the rows [`LOOKAHEAD`] places ahead into the second-level cache ([`prefetch_row_l2`]), so that
/// the trips to memory overlap the arithmetic: picked rows, whose order no hardware prefetcher
/// can guess, and consecutive rows too, which the hardware alone brought at less than half the
/// speed. The rows are summed in the same order either way.
#[inline(always)]
fn chunk<const GRAD: bool, const LOSS: bool, L: Lanes>(
    models: &[Linear],
    data: Table,
    rows: ChunkRows,
) -> Vec<Totals> {
    let d = data.cols;
    let mut accs: Vec<Acc> = models.iter().map(|_| Acc::default()).collect();
    let mut grads: Vec<Vec<f64>> = models
        .iter()
        .map(|_| if GRAD { vec![0.0; d] } else { Vec::new() })
        .collect();
    let n = match rows {
        ChunkRows::Range(range) => {
            let x = &data.x[range.start * d..range.end * d];
            let t = &data.targets[range.clone()];
            add_rows::<GRAD, LOSS, L>(
                models,
                &mut accs,
                &mut grads,
                t.len(),
                |i| &x[i * d..(i + 1) * d],
                |i| t[i],
                |i| {
                    if let Some(ahead) = x.get((i + LOOKAHEAD) * d..(i + LOOKAHEAD + 1) * d) {
                        prefetch_row_l2(ahead);
                    }
                },
            );
            range.len()
        }
        ChunkRows::Picked(idx) => {
            let row = |i: usize| data.row(idx[i]);
            // Rows come in shuffled (or sparse) order: ask for the ones a few groups ahead now.
            let ahead = |i: usize| {
                if let Some(&next) = idx.get(i + LOOKAHEAD) {
                    prefetch_row_l2(data.row(next));
                    prefetch_row_l2(std::slice::from_ref(&data.targets[next]));
                }
            };
            add_rows::<GRAD, LOSS, L>(
                models,
                &mut accs,
                &mut grads,
                idx.len(),
                row,
                |i| data.targets[idx[i]],
                ahead,
            );
            idx.len()
        }
    };
    accs.into_iter()
        .zip(grads)
        .map(|(acc, mut grad_sum)| {
            if GRAD {
                grad_sum.push(acc.gb);
            }
            Totals {
                n,
                loss_sum: acc.loss,
                correct: acc.correct,
                grad_sum,
            }
        })
        .collect()
}

/// Adds rows `0..n` (features `row(i)`, target `target(i)`) into every model's sums; `ahead(i)`
/// is called as row `i` starts a group, to ask memory for the rows after it.
/// Rows go in groups of 4 so that each model's gradient sums are loaded and stored once per 4
/// rows instead of once per row, and models in tiles of the build's width; the rows that do not
/// fill a last group go one by one.
#[inline(always)]
fn add_rows<'a, const GRAD: bool, const LOSS: bool, L: Lanes>(
    models: &[Linear],
    accs: &mut [Acc],
    grads: &mut [Vec<f64>],
    n: usize,
    row: impl Fn(usize) -> &'a [f64],
    target: impl Fn(usize) -> f64,
    ahead: impl Fn(usize),
) {
    let full = n / 4 * 4;
    let mut z = vec![[0.0; 4]; models.len()];
    let mut stats = vec![Rows4::default(); models.len()];
    for g in (0..full).step_by(4) {
        let x = [row(g), row(g + 1), row(g + 2), row(g + 3)];
        let t = [target(g), target(g + 1), target(g + 2), target(g + 3)];
        // The logits, a tile of models at a time: each row's features, once loaded, serve the
        // tile. Memory is asked for the rows ahead one row per tile, not in one burst.
        let mut asked = 0;
        for (tile, z) in models.chunks(L::TILE).zip(z.chunks_mut(L::TILE)) {
            if asked < 4 {
                ahead(g + asked);
                asked += 1;
            }
            L::logits4(tile, x, z);
        }
        for k in asked..4 {
            ahead(g + k);
        }
        // The statistics of every model next to each other: their long chains of dependent
        // operations (exponential, division, logarithm) are independent of each other, so the
        // processor overlaps them.
        L::rows4_each::<LOSS>(&z, t, &mut stats);
        for (s, acc) in stats.iter().zip(accs.iter_mut()) {
            acc.add4::<GRAD>(s);
        }
        if GRAD {
            for (g, s) in grads.chunks_mut(L::TILE).zip(stats.chunks(L::TILE)) {
                L::gradient4(g, s, x);
            }
        }
    }
    for ((p, acc), grad) in models.iter().zip(accs.iter_mut()).zip(grads.iter_mut()) {
        for i in full..n {
            let z = L::logit(p.weights, p.bias, row(i));
            let (loss, r, right) = row_stats::<LOSS>(z, target(i));
            acc.loss += loss;
            acc.correct += usize::from(right);
            if GRAD {
                L::gradient1(grad, r, row(i));
                acc.gb += r;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lanes::Portable;
    use crate::engine::simd::{has_avx2, has_avx512, run_avx2, run_avx512};

    /// The AVX-512, AVX2 and portable builds of a chunk give the same bits, for consecutive rows
    /// and for picked rows (with a tail that does not fill a group of four), in all three passes.
    #[test]
    fn every_build_gives_the_bits_of_the_portable_one() {
        if !has_avx2() {
            return;
        }
        let (n, d) = (1_000, 90);
        let x: Vec<f64> = (0..n * d)
            .map(|k| ((k * 7919 % 1000) as f64 / 300.0) - 1.5)
            .collect();
        let targets: Vec<f64> = (0..n).map(|i| ((i * 31 % 7) < 3) as u8 as f64).collect();
        let table = Table {
            x: &x,
            cols: d,
            targets: &targets,
        };
        // Seven models: pairs, a chunk of four statistics and a remainder of each.
        let weights: Vec<Vec<f64>> = (0..7)
            .map(|m| {
                (0..d)
                    .map(|j| ((m * d + j) as f64 * 0.61).cos() * 0.4)
                    .collect()
            })
            .collect();
        let models = Linear::each(&weights, |m| 0.3 - m as f64 * 0.2);
        let picked: Vec<usize> = (0..n).rev().step_by(3).collect();
        for rows in [ChunkRows::Range(0..n), ChunkRows::Picked(&picked)] {
            for count in 1..=7 {
                let models = &models[..count];
                let chunk = || Chunk::<true, true> {
                    models,
                    table,
                    rows: rows.clone(),
                };
                let portable = chunk().run::<Portable>();
                // SAFETY: the processor has AVX2 and FMA.
                assert_eq!(portable, unsafe { run_avx2(chunk()) }, "{count} models");
                if has_avx512() {
                    // SAFETY: the processor has AVX-512.
                    assert_eq!(portable, unsafe { run_avx512(chunk()) }, "{count} models");
                }
                let step = || Chunk::<true, false> {
                    models,
                    table,
                    rows: rows.clone(),
                };
                let portable = step().run::<Portable>();
                // SAFETY: as above.
                assert_eq!(portable, unsafe { run_avx2(step()) });
                if has_avx512() {
                    // SAFETY: as above.
                    assert_eq!(portable, unsafe { run_avx512(step()) });
                }
            }
        }
    }
}
