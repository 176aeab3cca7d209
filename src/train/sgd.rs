//! Mini-batch stochastic gradient descent.
//!
//! One iteration is the named phases of the loop below: **shuffle** (at the start of each epoch
//! the row order is permuted by a ChaCha8 generator seeded with `config.seed`), **batch** (the next
//! `batch_size` rows of that order; a last batch shorter than that is skipped and the next epoch
//! starts), **forward + gradient** (one pass of the kernel over the batch), **step**
//! (`w ← w - lr·(∇w + l2·w)`, `b ← b - lr·∇b`), **check** (a diverged run stops and records the
//! iteration in `history.diverged_at`; see [`DIVERGED_LOSS`]), **evaluate + record** (every
//! `eval_every` iterations: validation loss and accuracy at iterations `eval_every`,
//! `2·eval_every`, ...).

use super::history::{History, HistoryPoint};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::kernel::{evaluate, loss_accuracy, step_totals, Rows};
use crate::model::Params;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A mean loss above this (in nats per row) counts as divergence, like a non-finite loss or
/// parameter. The loss is computed stably from the logit and the gradient of the cross-entropy is
/// bounded (`|y - t| <= 1`), so a far too large learning rate does not overflow: the parameters
/// swing by `lr·|x|` per step and the loss grows like the logits. A mean loss of 1e4 means logits
/// of at least 1e4 on the wrong side, probabilities of `e^-10000` for the observed labels (zero
/// parameters give ln 2 ≈ 0.69, random N(0, 1) ones about 4 on the 90 standardized features):
/// such a run is lost, and stopping it keeps overflow and NaN out of every output.
pub const DIVERGED_LOSS: f64 = 1e4;

/// True for a NaN loss or one above [`DIVERGED_LOSS`] (infinity included).
#[inline]
pub fn diverged(loss: f64) -> bool {
    loss.is_nan() || loss > DIVERGED_LOSS
}

/// [`diverged`] of a batch's mean loss, decided from the mean of its floor (the step pass's
/// [`StepTotals`]): the loss is at least the floor and at most the floor plus ln 2, so only a floor
/// within 1 of [`DIVERGED_LOSS`] leaves the answer open, and only then is `exact` (the mean loss
/// itself) asked for. NaN stays NaN in both.
pub(crate) fn batch_diverged(floor: f64, exact: impl FnOnce() -> f64) -> bool {
    if floor.is_nan() || floor > DIVERGED_LOSS {
        true
    } else if floor + 1.0 <= DIVERGED_LOSS {
        false
    } else {
        diverged(exact())
    }
}

/// Settings of one SGD run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SgdConfig {
    pub learning_rate: f64,
    pub batch_size: usize,
    pub iterations: usize,
    /// Validation loss and accuracy are recorded every this many iterations.
    pub eval_every: usize,
    /// L2 strength: objective = mean loss + (l2/2)·‖w‖².
    pub l2: f64,
    /// Seed of the epoch shuffles.
    pub seed: u64,
}

impl SgdConfig {
    /// Checks every setting against a training set of `n_train` rows; the error names the option.
    pub fn validate(&self, n_train: usize) -> Result<()> {
        let bad = |m: String| Err(Error::Config(m));
        if self.batch_size == 0 {
            return bad("--batch-size must be at least 1".into());
        }
        if self.batch_size > n_train {
            return bad(format!(
                "--batch-size {} is larger than the {n_train} training rows",
                self.batch_size
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad(format!(
                "--lr {}: the learning rate must be positive and finite",
                self.learning_rate
            ));
        }
        if self.iterations == 0 {
            return bad("--iters must be at least 1".into());
        }
        if self.eval_every == 0 {
            return bad("--eval-every must be at least 1".into());
        }
        check_l2(self.l2)
    }
}

/// `--l2` must be finite and not negative.
pub fn check_l2(l2: f64) -> Result<()> {
    if l2.is_finite() && l2 >= 0.0 {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "--l2 {l2}: the L2 strength must be finite and not negative"
        )))
    }
}

/// The outcome of an SGD run; `history.diverged_at` is set when it stopped on a non-finite value.
#[derive(Debug, Clone, PartialEq)]
pub struct SgdRun {
    pub params: Params,
    pub history: History,
}

/// Trains from `init` on `train`, evaluating on `val` when it is not empty.
pub fn train_sgd(
    train: &Dataset,
    val: &Dataset,
    init: Params,
    config: &SgdConfig,
) -> Result<SgdRun> {
    train_sgd_observed(train, val, init, config, &mut |_, _| {})
}

/// [`train_sgd`], calling `observe(iteration, recorded point)` after every iteration (for a
/// progress bar or the classic log line).
pub fn train_sgd_observed(
    train: &Dataset,
    val: &Dataset,
    init: Params,
    config: &SgdConfig,
    observe: &mut dyn FnMut(usize, Option<&HistoryPoint>),
) -> Result<SgdRun> {
    config.validate(train.len())?;
    check_dims(&init, train, val)?;
    let mut batches = Batches::new(train.len(), config.batch_size, config.seed);
    let mut params = init;
    let mut history = History::default();
    for iter in 1..=config.iterations {
        let (totals, lost) = batches.with_next(|batch| {
            let totals = step_totals(&params, train, Rows::Subset(batch));
            let lost = batch_diverged(totals.mean_loss_floor(), || {
                loss_accuracy(&params, train, Rows::Subset(batch)).mean_loss()
            });
            (totals.0, lost)
        });
        step(&mut params, &totals.grad_sum, totals.n, config);
        if lost || !params.is_finite() {
            history.diverged_at = Some(iter);
            break;
        }
        let mut point = None;
        if iter % config.eval_every == 0 && !val.is_empty() {
            let eval = evaluate(&params, val);
            if diverged(eval.loss) {
                history.diverged_at = Some(iter);
                break;
            }
            history.points.push(HistoryPoint {
                iter,
                val_loss: eval.loss,
                val_accuracy: eval.accuracy,
            });
            point = history.points.last();
        }
        observe(iter, point);
    }
    Ok(SgdRun { params, history })
}

/// The parameters must match the features of both sets.
pub(crate) fn check_dims(init: &Params, train: &Dataset, val: &Dataset) -> Result<()> {
    let d = train.x.cols();
    if init.len() != d || (!val.is_empty() && val.x.cols() != d) {
        return Err(Error::Config(format!(
            "initial parameters have {} weights but the data has {d} features",
            init.len()
        )));
    }
    Ok(())
}

/// Shuffle and batch: epochs of `n / batch_size` full batches of a freshly shuffled order.
///
/// A batch is the set of rows at positions `k·b .. (k+1)·b` of the epoch's permutation. Within a
/// batch the rows are then visited in increasing row order: the batch is the same set, only the
/// order in which its sum is added up is fixed this way, and rows read in address order come from
/// memory markedly faster than rows read in random order (nearby rows share pages and cache).
///
/// Each epoch's order is the previous one shuffled again. [`Batches::with_next`] prepares it
/// beside the last batch of the epoch before, on the other core: a shuffle of every row is serial
/// work that would otherwise leave that core idle once per epoch.
pub struct Batches {
    order: Vec<usize>,
    batch_size: usize,
    next: usize,
    /// The next epoch's order, once prepared.
    upcoming: Option<Vec<usize>>,
    rng: ChaCha8Rng,
    /// Scratch of [`sort_within_batches`], kept between epochs.
    batch_of_row: Vec<u32>,
}

impl Batches {
    pub fn new(n: usize, batch_size: usize, seed: u64) -> Batches {
        Batches {
            order: (0..n).collect(),
            batch_size,
            next: usize::MAX,
            upcoming: None,
            rng: ChaCha8Rng::seed_from_u64(seed),
            batch_of_row: Vec::new(),
        }
    }

    /// The rows of the next batch; a new epoch begins when this one has no full batch left.
    pub fn next_batch(&mut self) -> &[usize] {
        self.with_next(|batch| batch.len());
        &self.order[self.next - self.batch_size..self.next]
    }

    /// Runs `work` on the rows of the next batch and returns its result. When that batch is the
    /// epoch's last, the next epoch's order is prepared at the same time (with `rayon::join`).
    pub fn with_next<R: Send>(&mut self, work: impl FnOnce(&[usize]) -> R + Send) -> R {
        let b = self.batch_size;
        let n = self.order.len();
        if self.next.saturating_add(b) > n {
            self.order = match self.upcoming.take() {
                Some(order) => order,
                None => self.shuffled(self.order.clone()),
            };
            self.next = 0;
        }
        let start = self.next;
        self.next += b;
        if self.next + b <= n {
            return work(&self.order[start..self.next]);
        }
        let Batches {
            order,
            rng,
            batch_of_row,
            ..
        } = self;
        let (result, upcoming) = rayon::join(
            || work(&order[start..start + b]),
            || shuffle_epoch(order.clone(), b, rng, batch_of_row),
        );
        self.upcoming = Some(upcoming);
        result
    }

    fn shuffled(&mut self, order: Vec<usize>) -> Vec<usize> {
        shuffle_epoch(
            order,
            self.batch_size,
            &mut self.rng,
            &mut self.batch_of_row,
        )
    }
}

/// The next epoch's order: `order` shuffled, then each full batch sorted.
fn shuffle_epoch(
    mut order: Vec<usize>,
    b: usize,
    rng: &mut ChaCha8Rng,
    batch_of_row: &mut Vec<u32>,
) -> Vec<usize> {
    order.shuffle(rng);
    if b > 1 {
        sort_within_batches(&mut order, b, batch_of_row);
    }
    order
}

/// Sorts each full batch of `order` (positions `k·b .. (k+1)·b`) in increasing row order, in one
/// counting pass over the rows (O(n) for any batch size); the short tail is left as it is.
fn sort_within_batches(order: &mut [usize], b: usize, batch_of_row: &mut Vec<u32>) {
    const NONE: u32 = u32::MAX;
    let full = order.len() / b;
    if full >= NONE as usize {
        // More batches than the scratch can number: sort them one by one.
        order[..full * b]
            .chunks_mut(b)
            .for_each(|batch| batch.sort_unstable());
        return;
    }
    batch_of_row.clear();
    batch_of_row.resize(order.len(), NONE);
    for (position, &row) in order[..full * b].iter().enumerate() {
        batch_of_row[row] = (position / b) as u32;
    }
    let mut fill: Vec<usize> = (0..full).map(|k| k * b).collect();
    for (row, &batch) in batch_of_row.iter().enumerate() {
        if batch != NONE {
            let slot = &mut fill[batch as usize];
            order[*slot] = row;
            *slot += 1;
        }
    }
}

/// `w ← w - lr·(Σ(y-t)x / n + l2·w)`, `b ← b - lr·Σ(y-t) / n`.
#[inline]
pub(crate) fn step(params: &mut Params, grad_sum: &[f64], n: usize, config: &SgdConfig) {
    let (lr, l2, n) = (config.learning_rate, config.l2, n as f64);
    for (w, g) in params.weights.iter_mut().zip(grad_sum) {
        *w -= lr * (g / n + l2 * *w);
    }
    if let Some(gb) = grad_sum.last() {
        params.bias -= lr * (gb / n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The floor decides alone when it can, asks for the exact loss only within 1 of the limit,
    /// and always agrees with [`diverged`] of the exact loss.
    #[test]
    fn batch_divergence_from_the_floor_agrees_with_the_exact_loss() {
        use std::cell::Cell;
        let asked = Cell::new(0);
        let cases = [
            (0.69, 1.2, false, false),
            (DIVERGED_LOSS - 2.0, DIVERGED_LOSS - 1.5, false, false),
            (DIVERGED_LOSS - 0.5, DIVERGED_LOSS - 0.2, true, false),
            (DIVERGED_LOSS - 0.5, DIVERGED_LOSS + 0.1, true, true),
            (DIVERGED_LOSS, DIVERGED_LOSS + 0.5, true, true),
            (DIVERGED_LOSS + 0.5, DIVERGED_LOSS + 1.0, false, true),
            (f64::INFINITY, f64::INFINITY, false, true),
            (f64::NAN, f64::NAN, false, true),
        ];
        for (floor, exact, asks, lost) in cases {
            asked.set(0);
            let decided = batch_diverged(floor, || {
                asked.set(asked.get() + 1);
                exact
            });
            assert_eq!(decided, lost, "floor {floor}");
            assert_eq!(decided, diverged(exact), "floor {floor}");
            assert_eq!(asked.get(), usize::from(asks), "floor {floor}");
        }
    }

    /// The batches are those of the plain recipe: shuffle the previous order, cut it into full
    /// batches, sort each batch; the short tail is skipped.
    #[test]
    fn batches_are_sorted_slices_of_each_epoch_permutation() {
        for (n, b) in [(103, 10), (100, 10), (50, 1), (64, 64), (7, 3)] {
            let mut batches = Batches::new(n, b, 9);
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let mut order: Vec<usize> = (0..n).collect();
            let per_epoch = n / b;
            for _epoch in 0..4 {
                order.shuffle(&mut rng);
                for batch in order[..per_epoch * b].chunks_mut(b) {
                    batch.sort_unstable();
                }
                for k in 0..per_epoch {
                    assert_eq!(
                        batches.next_batch(),
                        &order[k * b..(k + 1) * b],
                        "n {n} b {b}"
                    );
                }
            }
        }
    }
}
