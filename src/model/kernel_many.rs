//! The one-pass kernel of [`super::kernel`] for several models at once: each row is read from
//! memory once and used by every model while it is in cache. Runs that share their batches (the
//! study's grid cells of one batch size) then cost one pass over the data instead of one each.
//!
//! Every model's sums are formed by exactly the operations, in exactly the order, of the
//! single-model kernel (same chunks, same groups of four rows, same chunk order), so each result
//! has the same bits as [`super::kernel::loss_gradient`] on that model alone.

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

fn run_many<const GRAD: bool>(models: &[&Params], data: &Dataset, rows: Rows) -> Vec<Totals> {
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

/// One chunk for every model: rows in groups of four, as the single-model kernel does.
fn chunk_many<const GRAD: bool>(
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
    let row = |p: &Params, acc: &mut Acc, i: usize| {
        let x = data.x.row(i);
        let t = data.targets[i];
        let (l, y) = loss_and_probability(logit(&p.weights, p.bias, x), t);
        acc.loss += l;
        acc.correct += usize::from(predict_class(y) == t);
        (x, y - t)
    };
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
            let (x0, r0) = row(p, acc, group[0]);
            let (x1, r1) = row(p, acc, group[1]);
            let (x2, r2) = row(p, acc, group[2]);
            let (x3, r3) = row(p, acc, group[3]);
            if GRAD {
                let (x0, x1, x2, x3) = (&x0[..d], &x1[..d], &x2[..d], &x3[..d]);
                for (j, g) in acc.grad.iter_mut().enumerate() {
                    *g += (r0 * x0[j] + r1 * x1[j]) + (r2 * x2[j] + r3 * x3[j]);
                }
                acc.gb += (r0 + r1) + (r2 + r3);
            }
        }
    }
    for (p, acc) in models.iter().zip(accs.iter_mut()) {
        for &i in &group[..filled] {
            let (x, r) = row(p, acc, i);
            if GRAD {
                for (g, v) in acc.grad.iter_mut().zip(x) {
                    *g += r * v;
                }
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
