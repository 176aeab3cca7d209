//! The row loop: one chunk of rows for every model of a group. Each row is read from memory once
//! and used by every model while it is in cache, so runs that share their batches (the study's
//! grid cells of one batch size) cost one pass over the data instead of one each.
//!
//! Every model's sums are formed by exactly the same operations in the same order whatever the
//! other models are (same groups of four rows, same order), so each result has the same bits as
//! that model alone.

use super::accumulate::{add_row, add_rows4, add_rows4_pair};
use super::lanes::Lanes;
use super::prefetch::{prefetch_row, LOOKAHEAD};
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

/// Running sums of one model over one chunk.
struct Acc {
    grad: Vec<f64>,
    gb: f64,
    loss: f64,
    correct: usize,
}

impl Acc {
    /// Four rows' statistics added in, the losses one by one in row order.
    #[inline(always)]
    fn add4(&mut self, rows: &Rows4) {
        for l in rows.loss {
            self.loss += l;
        }
        self.correct += rows.correct;
    }

    /// Four rows' residuals added into the bias sum.
    #[inline(always)]
    fn add_bias4(&mut self, [r0, r1, r2, r3]: [f64; 4]) {
        self.gb += (r0 + r1) + (r2 + r3);
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

/// One chunk for every model. Picked rows are read where they lie, each group of four asking
/// memory for the rows [`LOOKAHEAD`] places ahead, so that the trips to memory overlap the
/// arithmetic. The rows are summed in the same order either way.
#[inline(always)]
fn chunk<const GRAD: bool, const LOSS: bool, L: Lanes>(
    models: &[Linear],
    data: Table,
    rows: ChunkRows,
) -> Vec<Totals> {
    let d = data.cols;
    let mut accs: Vec<Acc> = models
        .iter()
        .map(|_| Acc {
            grad: if GRAD { vec![0.0; d] } else { Vec::new() },
            gb: 0.0,
            loss: 0.0,
            correct: 0,
        })
        .collect();
    let n = match rows {
        ChunkRows::Range(range) => {
            let x = &data.x[range.start * d..range.end * d];
            let t = &data.targets[range.clone()];
            add_rows::<GRAD, LOSS, L>(
                models,
                &mut accs,
                t.len(),
                |i| &x[i * d..(i + 1) * d],
                |i| t[i],
                |i| {
                    if let Some(ahead) = x.get((i + LOOKAHEAD) * d..(i + LOOKAHEAD + 1) * d) {
                        prefetch_row(ahead);
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
                    prefetch_row(data.row(next));
                    prefetch_row(std::slice::from_ref(&data.targets[next]));
                }
            };
            add_rows::<GRAD, LOSS, L>(
                models,
                &mut accs,
                idx.len(),
                row,
                |i| data.targets[idx[i]],
                ahead,
            );
            idx.len()
        }
    };
    accs.into_iter()
        .map(|mut acc| {
            if GRAD {
                acc.grad.push(acc.gb);
            }
            Totals {
                n,
                loss_sum: acc.loss,
                correct: acc.correct,
                grad_sum: acc.grad,
            }
        })
        .collect()
}

/// Adds rows `0..n` (features `row(i)`, target `target(i)`) into every model's sums; `ahead(i)`
/// is called as row `i` starts a group, to ask memory for the rows after it.
/// Rows go in groups of 4 so that the gradient sums are loaded and stored once per 4 rows
/// (`g += (r0·x0 + r1·x1) + (r2·x2 + r3·x3)`) instead of once per row; the rows that do not fill
/// a last group go one by one.
#[inline(always)]
fn add_rows<'a, const GRAD: bool, const LOSS: bool, L: Lanes>(
    models: &[Linear],
    accs: &mut [Acc],
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
        // The logits, models two at a time: each row's features, once loaded, serve both.
        // Memory is asked for the rows ahead one row per pair of models, not in one burst.
        let mut asked = 0;
        for (p, z) in models.chunks_exact(2).zip(z.chunks_exact_mut(2)) {
            if asked < 4 {
                ahead(g + asked);
                asked += 1;
            }
            [z[0], z[1]] = L::logit4_pair([p[0].weights, p[1].weights], [p[0].bias, p[1].bias], x);
        }
        for k in asked..4 {
            ahead(g + k);
        }
        let odd = models.len() / 2 * 2;
        for (p, z) in models[odd..].iter().zip(&mut z[odd..]) {
            *z = L::logit4(p.weights, p.bias, x);
        }
        // The statistics of every model next to each other: their long chains of dependent
        // operations (exponential, division, logarithm) are independent of each other, so the
        // processor overlaps them.
        L::rows4_each::<LOSS>(&z, t, &mut stats);
        for (s, acc) in stats.iter().zip(accs.iter_mut()) {
            acc.add4(s);
        }
        if GRAD {
            for (s, pair) in stats.chunks_exact(2).zip(accs.chunks_exact_mut(2)) {
                let [acc_a, acc_b] = pair else {
                    unreachable!("chunks of two")
                };
                add_rows4_pair(
                    &mut acc_a.grad,
                    &mut acc_b.grad,
                    s[0].residual,
                    s[1].residual,
                    x,
                );
                acc_a.add_bias4(s[0].residual);
                acc_b.add_bias4(s[1].residual);
            }
            for (s, acc) in stats[odd..].iter().zip(&mut accs[odd..]) {
                add_rows4(&mut acc.grad, s.residual, x);
                acc.add_bias4(s.residual);
            }
        }
    }
    for (p, acc) in models.iter().zip(accs.iter_mut()) {
        for i in full..n {
            let z = L::logit(p.weights, p.bias, row(i));
            let (loss, r, right) = row_stats::<LOSS>(z, target(i));
            acc.loss += loss;
            acc.correct += usize::from(right);
            if GRAD {
                add_row(&mut acc.grad, r, row(i));
                acc.gb += r;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lanes::Portable;
    use crate::engine::simd::{has_avx2, run_avx2};

    /// The AVX2 build and the portable build of a chunk give the same bits, for consecutive rows
    /// and for picked rows (with a tail that does not fill a group of four).
    #[test]
    fn avx2_and_portable_chunks_agree_bit_for_bit() {
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
        let models: Vec<Linear> = weights
            .iter()
            .enumerate()
            .map(|(m, w)| Linear {
                weights: w,
                bias: 0.3 - m as f64 * 0.2,
            })
            .collect();
        let picked: Vec<usize> = (0..n).rev().step_by(3).collect();
        for rows in [ChunkRows::Range(0..n), ChunkRows::Picked(&picked)] {
            let portable = Chunk::<true, true> {
                models: &models,
                table,
                rows: rows.clone(),
            }
            .run::<Portable>();
            let chunk = Chunk::<true, true> {
                models: &models,
                table,
                rows,
            };
            // SAFETY: the processor has AVX2.
            let avx2 = unsafe { run_avx2(chunk) };
            assert_eq!(portable, avx2);
        }
    }
}
