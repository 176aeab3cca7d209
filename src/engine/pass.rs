//! One pass of the row loop over a set of rows, for one model or several at once: the entry points
//! of the engine's passes, and the sums they return.
//!
//! For each row and model: the logit `z = w·x + b`, then from the same `exp(-|z|)` the loss
//! `softplus(z) - t·z` and `y = sigmoid(z)`, then the residual `r = y - t` is added into the
//! gradient sums `Σ r·x` and `Σ r`. The rows are cut into fixed chunks of [`CHUNK_ROWS`], summed
//! on all cores, and the chunk sums added in chunk order ([`chunked_sum`]): the result has the
//! same bits on one thread or many. Every model's sums are formed by the same operations in the
//! same order whatever the other models are, so a model has the same bits alone or in a group.

use super::chunked::{add_into, chunked_sum};
use super::row_loop::{Chunk, ChunkRows};
use super::simd::dispatch;
use super::table::{Linear, Rows, Table};
use super::totals::Totals;

/// Rows per chunk of the parallel sums. Fixed: it decides the order of every addition.
pub const CHUNK_ROWS: usize = 4096;

/// Loss and correct count (no gradient) of `rows` for each of `models`.
pub fn loss_accuracy(models: &[Linear], table: Table, rows: Rows) -> Vec<Totals> {
    run::<false, true>(models, table, rows)
}

/// Loss, gradient sums and correct count of `rows` for each of `models`.
pub fn loss_gradient(models: &[Linear], table: Table, rows: Rows) -> Vec<Totals> {
    run::<true, true>(models, table, rows)
}

/// What an SGD step needs of `rows` for each of `models`: the gradient sums, and in `loss_sum` not
/// the loss but its floor `Σ max(z, 0) - t·z`, the loss without the `log1p(exp(-|z|))` of each row.
/// That part lies in `(0, ln 2]`, so `floor <= loss <= floor + n·ln 2`: enough to tell, almost
/// always, whether a step diverged, at the cost of no logarithm per row.
pub fn step_sums(models: &[Linear], table: Table, rows: Rows) -> Vec<Totals> {
    run::<true, false>(models, table, rows)
}

fn run<const GRAD: bool, const LOSS: bool>(
    models: &[Linear],
    table: Table,
    rows: Rows,
) -> Vec<Totals> {
    for model in models {
        assert_eq!(
            model.weights.len(),
            table.cols,
            "parameters do not match the features"
        );
    }
    let n = rows.len(&table);
    let zero: Vec<Totals> = models
        .iter()
        .map(|_| Totals {
            n,
            loss_sum: 0.0,
            correct: 0,
            grad_sum: if GRAD {
                vec![0.0; table.cols + 1]
            } else {
                Vec::new()
            },
        })
        .collect();
    let part = |range: std::ops::Range<usize>| {
        let rows = match rows {
            Rows::All => ChunkRows::Range(range),
            Rows::Subset(idx) => ChunkRows::Picked(&idx[range]),
        };
        dispatch(Chunk::<GRAD, LOSS> {
            models,
            table,
            rows,
        })
    };
    let add = |total: &mut Vec<Totals>, part: Vec<Totals>| {
        for (t, p) in total.iter_mut().zip(part) {
            t.loss_sum += p.loss_sum;
            t.correct += p.correct;
            add_into(&mut t.grad_sum, &p.grad_sum);
        }
    };
    chunked_sum(n, CHUNK_ROWS, zero, part, add)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of `n` rows and `d` features from a simple deterministic formula.
    fn data(n: usize, d: usize) -> (Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..n * d)
            .map(|k| ((k * 7919 % 1000) as f64 / 500.0) - 1.0)
            .collect();
        let targets = (0..n).map(|i| ((i * 31 % 7) < 3) as u8 as f64).collect();
        (x, targets)
    }

    fn table<'a>(x: &'a [f64], targets: &'a [f64]) -> Table<'a> {
        Table {
            x,
            cols: x.len() / targets.len().max(1),
            targets,
        }
    }

    /// The step pass gives the gradient of the full pass bit for bit, and a floor of its loss
    /// that is at most ln 2 per row below it, from modest logits to ones in the thousands.
    #[test]
    fn step_pass_has_the_gradient_and_a_floor_of_the_loss() {
        let (x, t) = data(9_001, 7);
        let tab = table(&x, &t);
        let picked: Vec<usize> = (0..tab.rows()).rev().step_by(2).collect();
        for scale in [0.0, 0.5, 3.0, 40.0, 5e3] {
            let w: Vec<f64> = (0..7).map(|j| scale * (j as f64 - 3.2)).collect();
            let model = [Linear {
                weights: &w,
                bias: -0.3 * scale,
            }];
            for rows in [Rows::All, Rows::Subset(&picked)] {
                let full = &loss_gradient(&model, tab, rows)[0];
                let step = &step_sums(&model, tab, rows)[0];
                assert_eq!(step.grad_sum, full.grad_sum, "scale {scale}");
                assert_eq!((step.n, step.correct), (full.n, full.correct));
                let (floor, loss) = (step.mean_loss(), full.mean_loss());
                assert!(floor <= loss, "scale {scale}: {floor} > {loss}");
                // (up to the rounding of the sums: a mean of ln 2 can round above ln 2)
                let rounding = 1e-12 * (1.0 + loss);
                assert!(
                    loss <= floor + std::f64::consts::LN_2 + rounding,
                    "scale {scale}"
                );
            }
        }
    }

    #[test]
    fn one_pass_matches_a_plain_computation() {
        let (x, t) = data(10_000, 5);
        let tab = table(&x, &t);
        let w = [0.3, -0.2, 0.1, 0.5, -0.7];
        let model = [Linear {
            weights: &w,
            bias: 0.05,
        }];
        let tot = &loss_gradient(&model, tab, Rows::All)[0];
        let (mut loss, mut correct, mut g) = (0.0, 0, [0.0; 6]);
        for i in 0..tab.rows() {
            let x = tab.row(i);
            let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() + 0.05;
            let y = 1.0 / (1.0 + (-z).exp());
            let t = tab.targets[i];
            loss += -t * y.ln() - (1.0 - t) * (1.0 - y).ln();
            correct += usize::from((y >= 0.5) == (t == 1.0));
            for j in 0..5 {
                g[j] += (y - t) * x[j];
            }
            g[5] += y - t;
        }
        assert_eq!(tot.n, 10_000);
        assert_eq!(tot.correct, correct);
        assert!((tot.loss_sum - loss).abs() < 1e-9 * loss);
        for (a, b) in tot.grad_sum.iter().zip(&g) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
        let ev = &loss_accuracy(&model, tab, Rows::All)[0];
        assert_eq!(ev.loss_sum, tot.loss_sum);
        assert_eq!(ev.correct, tot.correct);
    }

    #[test]
    fn subset_is_the_same_as_selecting_rows() {
        let (x, t) = data(9_000, 3);
        let tab = table(&x, &t);
        let w = [1.0, -1.0, 0.5];
        let model = [Linear {
            weights: &w,
            bias: -0.2,
        }];
        let idx: Vec<usize> = (0..9_000).rev().step_by(2).collect();
        let sub_x: Vec<f64> = idx.iter().flat_map(|&i| tab.row(i).to_vec()).collect();
        let sub_t: Vec<f64> = idx.iter().map(|&i| t[i]).collect();
        assert_eq!(
            loss_gradient(&model, tab, Rows::Subset(&idx)),
            loss_gradient(&model, table(&sub_x, &sub_t), Rows::All)
        );
    }

    /// Models in a group get the bits they get alone, for 1 to 7 models (pairs and a remainder),
    /// on consecutive and on picked rows.
    #[test]
    fn a_model_in_a_group_has_the_bits_it_has_alone() {
        let (x, t) = data(5_003, 90);
        let tab = table(&x, &t);
        let weights: Vec<Vec<f64>> = (0..7)
            .map(|m| {
                (0..90)
                    .map(|j| ((m * 90 + j) as f64 * 0.37).sin())
                    .collect()
            })
            .collect();
        let picked: Vec<usize> = (0..tab.rows()).rev().step_by(3).collect();
        for count in 1..=7 {
            let models: Vec<Linear> = weights[..count]
                .iter()
                .enumerate()
                .map(|(m, w)| Linear {
                    weights: w,
                    bias: m as f64 * 0.1 - 0.2,
                })
                .collect();
            for rows in [Rows::All, Rows::Subset(&picked)] {
                let together = loss_gradient(&models, tab, rows);
                let steps = step_sums(&models, tab, rows);
                let scores = loss_accuracy(&models, tab, rows);
                for (k, model) in models.iter().enumerate() {
                    let one = std::slice::from_ref(model);
                    assert_eq!(together[k], loss_gradient(one, tab, rows)[0]);
                    assert_eq!(steps[k], step_sums(one, tab, rows)[0]);
                    assert_eq!(scores[k], loss_accuracy(one, tab, rows)[0]);
                }
            }
        }
    }

    #[test]
    fn same_bits_on_one_and_two_threads() {
        let (x, t) = data(50_000, 90);
        let tab = table(&x, &t);
        let w: Vec<f64> = (0..90).map(|j| (j as f64 * 0.37).sin()).collect();
        let model = [Linear {
            weights: &w,
            bias: 0.3,
        }];
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap()
        };
        let a = pool(1).install(|| loss_gradient(&model, tab, Rows::All));
        let b = pool(2).install(|| loss_gradient(&model, tab, Rows::All));
        assert_eq!(a, b);
    }

    #[test]
    fn empty_set_gives_zeros() {
        let tab = Table {
            x: &[],
            cols: 4,
            targets: &[],
        };
        let w = [0.0; 4];
        let e = &loss_accuracy(
            &[Linear {
                weights: &w,
                bias: 0.0,
            }],
            tab,
            Rows::All,
        )[0];
        assert_eq!((e.mean_loss(), e.accuracy(), e.n), (0.0, 0.0, 0));
    }
}
