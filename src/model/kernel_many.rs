//! The one-pass kernel of [`super::kernel`] for several models at once: each row is read from
//! memory once and used by every model while it is in cache. Runs that share their batches (the
//! study's grid cells of one batch size) then cost one pass over the data instead of one each.
//!
//! Every model's sums are formed by exactly the same operations in the same order whatever the
//! other models are (same chunks, same groups of four rows, same chunk order); the single-model
//! kernel [`super::kernel::loss_gradient`] is the case of one model, so each result has the same
//! bits as that model alone.

use super::accumulate::{add_row, add_rows4};
use super::kernel::{Rows, Totals, CHUNK_ROWS};
use super::logistic::{logit, loss_and_probability, predict_class};
use super::params::Params;
use super::prefetch::{prefetch_row, LOOKAHEAD};
use crate::data::Dataset;
use rayon::prelude::*;

/// Loss, gradient sums and correct count of `rows` for each of `models`, in one pass.
pub fn loss_gradient_many(models: &[&Params], data: &Dataset, rows: Rows) -> Vec<Totals> {
    run_many::<true>(models, data, rows)
}

/// Loss and correct count (no gradient) of every row for each of `models`, in one pass.
pub fn loss_accuracy_many(models: &[&Params], data: &Dataset) -> Vec<Totals> {
    run_many::<false>(models, data, Rows::All)
}

pub(super) fn run_many<const GRAD: bool>(
    models: &[&Params],
    data: &Dataset,
    rows: Rows,
) -> Vec<Totals> {
    let d = data.x.cols();
    let n = rows.len(data);
    let n_chunks = n.div_ceil(CHUNK_ROWS);
    let one = |c: usize| {
        let range = c * CHUNK_ROWS..((c + 1) * CHUNK_ROWS).min(n);
        match rows {
            Rows::All => chunk_many::<GRAD>(models, data, range, &[]),
            Rows::Subset(idx) => chunk_many::<GRAD>(
                models,
                data,
                idx[range.clone()].iter().copied(),
                &idx[range],
            ),
        }
    };
    let partials: Vec<Vec<Totals>> = if n_chunks <= 1 {
        (0..n_chunks).map(one).collect()
    } else {
        (0..n_chunks).into_par_iter().map(one).collect()
    };
    (0..models.len())
        .map(|k| {
            let mut total = Totals {
                n,
                loss_sum: 0.0,
                correct: 0,
                grad_sum: if GRAD { vec![0.0; d + 1] } else { Vec::new() },
            };
            for p in &partials {
                let p = &p[k];
                total.loss_sum += p.loss_sum;
                total.correct += p.correct;
                for (t, g) in total.grad_sum.iter_mut().zip(&p.grad_sum) {
                    *t += g;
                }
            }
            total
        })
        .collect()
}

/// Running sums of one model over one chunk.
struct Acc {
    grad: Vec<f64>,
    gb: f64,
    loss: f64,
    correct: usize,
}

impl Acc {
    /// Loss and correctness of row `i` added in; returns the row and its residual `y - t`.
    #[inline(always)]
    fn row<'a>(&mut self, p: &Params, data: &'a Dataset, i: usize) -> (&'a [f64], f64) {
        let x = data.x.row(i);
        let t = data.targets[i];
        let (l, y) = loss_and_probability(logit(&p.weights, p.bias, x), t);
        self.loss += l;
        self.correct += usize::from(predict_class(y) == t);
        (x, y - t)
    }
}

/// One chunk for every model, compiled for AVX2 where the processor has it. The source is the
/// same and Rust never fuses a multiply and an add on its own, so both builds give the same bits;
/// the wider vectors only do the same operations more at a time.
fn chunk_many<const GRAD: bool>(
    models: &[&Params],
    data: &Dataset,
    rows: impl Iterator<Item = usize>,
    ahead: &[usize],
) -> Vec<Totals> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has just reported AVX2.
        return unsafe { chunk_many_avx2::<GRAD>(models, data, rows, ahead) };
    }
    chunk_many_body::<GRAD>(models, data, rows, ahead)
}

/// [`chunk_many_body`] built with AVX2.
///
/// # Safety
/// Only on a processor with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn chunk_many_avx2<const GRAD: bool>(
    models: &[&Params],
    data: &Dataset,
    rows: impl Iterator<Item = usize>,
    ahead: &[usize],
) -> Vec<Totals> {
    chunk_many_body::<GRAD>(models, data, rows, ahead)
}

/// One chunk for every model. Rows go in groups of 4 so that the gradient sums are loaded and
/// stored once per 4 rows (`g += (r0·x0 + r1·x1) + (r2·x2 + r3·x3)`) instead of once per row;
/// the last rows of a chunk that do not fill a group go one by one.
#[inline(always)]
fn chunk_many_body<const GRAD: bool>(
    models: &[&Params],
    data: &Dataset,
    rows: impl Iterator<Item = usize>,
    ahead: &[usize],
) -> Vec<Totals> {
    let d = data.x.cols();
    let mut accs: Vec<Acc> = models
        .iter()
        .map(|_| Acc {
            grad: if GRAD { vec![0.0; d] } else { Vec::new() },
            gb: 0.0,
            loss: 0.0,
            correct: 0,
        })
        .collect();
    let mut n = 0usize;
    let mut group = [0usize; 4];
    let mut filled = 0;
    for i in rows {
        // A batch's rows come in shuffled order: ask for the ones just ahead now.
        if let Some(&next) = ahead.get(n + LOOKAHEAD) {
            prefetch_row(data.x.row(next));
        }
        n += 1;
        group[filled] = i;
        filled += 1;
        if filled < 4 {
            continue;
        }
        filled = 0;
        for (p, acc) in models.iter().zip(accs.iter_mut()) {
            let (x0, r0) = acc.row(p, data, group[0]);
            let (x1, r1) = acc.row(p, data, group[1]);
            let (x2, r2) = acc.row(p, data, group[2]);
            let (x3, r3) = acc.row(p, data, group[3]);
            if GRAD {
                add_rows4(&mut acc.grad, [r0, r1, r2, r3], [x0, x1, x2, x3]);
                acc.gb += (r0 + r1) + (r2 + r3);
            }
        }
    }
    for (p, acc) in models.iter().zip(accs.iter_mut()) {
        for &i in &group[..filled] {
            let (x, r) = acc.row(p, data, i);
            if GRAD {
                add_row(&mut acc.grad, r, x);
                acc.gb += r;
            }
        }
    }
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
