//! Mini-batch stochastic gradient descent, for one model or several trained together.
//!
//! One iteration is the named phases of [`train_group`]: **next batch** (at the start of each
//! epoch the row order is permuted by a ChaCha8 generator seeded with the settings' seed; a last
//! batch shorter than the batch size is skipped and the next epoch starts), **forward and
//! gradient** (one pass of the row engine over the batch, for every model still training),
//! **step** (`w ← w - lr·(∇w + l2·w)`, `b ← b - lr·∇b`), **divergence check** (a run whose loss
//! or parameters leave the finite world stops, and records the iteration), **evaluate and
//! record** (every `eval_every` iterations: validation loss and accuracy, one pass for all models).
//!
//! Several runs that share their batches (the same batch size, iterations, evaluation interval
//! and seed: the study's runs of one batch size) train together: each batch and each validation
//! pass is read once for all of them. A single run is the group of one, and every run has the
//! same bits alone or in a group.

use super::batches::Batches;
use super::history::{History, HistoryPoint};
use crate::data::Dataset;
use crate::engine::{self, Rows};
use crate::error::{Error, Result, Setting};
use crate::model::{evaluate_many, loss_totals, Params};
use crate::observer::{Event, Observer, Silent, Task};

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

/// Settings of SGD as given, unchecked; [`SgdSettings::check`] validates them once and gives the
/// [`Sgd`] that trains.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SgdSettings {
    /// Step size; positive and finite. Default 0.1.
    pub learning_rate: f64,
    /// Rows per mini-batch; at least 1, at most the training rows. Default 100.
    pub batch_size: usize,
    /// Steps; at least 1. Default 1000.
    pub iterations: usize,
    /// Validation loss and accuracy are recorded every this many iterations; at least 1.
    /// Default 10.
    pub eval_every: usize,
    /// L2 strength: objective = mean loss + (l2/2)·‖w‖²; finite, not negative. Default 0.
    pub l2: f64,
    /// Seed of the epoch shuffles. Default 1.
    pub seed: u64,
}

impl Default for SgdSettings {
    fn default() -> Self {
        SgdSettings {
            learning_rate: 0.1,
            batch_size: 100,
            iterations: 1000,
            eval_every: 10,
            l2: 0.0,
            seed: 1,
        }
    }
}

impl SgdSettings {
    /// Checks every setting; the error names the first one that is wrong.
    pub fn check(self) -> Result<Sgd> {
        let lr = self.learning_rate;
        if !(lr.is_finite() && lr > 0.0) {
            return Err(Error::setting(
                Setting::LearningRate,
                lr,
                "the learning rate must be positive and finite",
            ));
        }
        for (setting, value) in [
            (Setting::BatchSize, self.batch_size),
            (Setting::Iterations, self.iterations),
            (Setting::EvalEvery, self.eval_every),
        ] {
            if value == 0 {
                return Err(Error::setting(setting, value, "must be at least 1"));
            }
        }
        check_l2(self.l2)?;
        Ok(Sgd { settings: self })
    }
}

/// The L2 strength must be finite and not negative.
pub fn check_l2(l2: f64) -> Result<()> {
    if l2.is_finite() && l2 >= 0.0 {
        Ok(())
    } else {
        Err(Error::setting(
            Setting::L2,
            l2,
            "the L2 strength must be finite and not negative",
        ))
    }
}

/// Checked SGD settings: what trains.
#[derive(Debug, Clone, PartialEq)]
pub struct Sgd {
    settings: SgdSettings,
}

/// The outcome of an SGD run; `history.diverged_at` is set when it stopped on a non-finite value.
#[derive(Debug, Clone, PartialEq)]
pub struct SgdFit {
    /// The parameters after the last step (of the last finite step for a diverged run).
    pub params: Params,
    pub history: History,
}

impl Sgd {
    /// The settings this was checked from.
    pub fn settings(&self) -> &SgdSettings {
        &self.settings
    }

    /// Trains from `init` on `train`, evaluating on `val` when it is not empty.
    pub fn fit(&self, train: &Dataset, val: &Dataset, init: Params) -> Result<SgdFit> {
        self.fit_observed(train, val, init, &Silent)
    }

    /// [`Sgd::fit`], reporting each iteration ([`Task::Sgd`]) and each recorded evaluation to
    /// `observer`.
    pub fn fit_observed(
        &self,
        train: &Dataset,
        val: &Dataset,
        init: Params,
        observer: &dyn Observer,
    ) -> Result<SgdFit> {
        let mut fits = train_group(&[self], train, val, vec![init], observer)?;
        Ok(fits.remove(0))
    }

    /// Trains `inits[k]` with `runs[k]` for every k, together: the runs must share batch size,
    /// iterations, evaluation interval and seed (learning rate and L2 may differ). Each result has
    /// the bits of the same run made alone. Evaluations are reported with the run's index.
    pub fn fit_together(
        runs: &[&Sgd],
        train: &Dataset,
        val: &Dataset,
        inits: Vec<Params>,
        observer: &dyn Observer,
    ) -> Result<Vec<SgdFit>> {
        train_group(runs, train, val, inits, observer)
    }
}

/// The settings that decide a run's batches.
fn shared(s: &SgdSettings) -> (usize, usize, usize, u64) {
    (s.batch_size, s.iterations, s.eval_every, s.seed)
}

/// The training loop, for one run or a group that shares its batches.
fn train_group(
    runs: &[&Sgd],
    train: &Dataset,
    val: &Dataset,
    inits: Vec<Params>,
    observer: &dyn Observer,
) -> Result<Vec<SgdFit>> {
    let Some(first) = runs.first().map(|r| &r.settings) else {
        return Ok(Vec::new());
    };
    if inits.len() != runs.len() || runs.iter().any(|r| shared(&r.settings) != shared(first)) {
        return Err(Error::NotInLockstep);
    }
    if first.batch_size > train.len() {
        return Err(Error::BatchTooLarge {
            batch_size: first.batch_size,
            train_rows: train.len(),
        });
    }
    for init in &inits {
        check_dims(init, train, val)?;
    }
    let mut batches = Batches::new(train.len(), first.batch_size, first.seed);
    let mut params = inits;
    let mut histories = vec![History::default(); params.len()];
    for iter in 1..=first.iterations {
        if observer.cancelled() {
            return Err(Error::Interrupted);
        }
        let active: Vec<usize> = (0..params.len())
            .filter(|&k| histories[k].diverged_at.is_none())
            .collect();
        if active.is_empty() {
            break;
        }
        // Next batch, forward and gradient: one pass for every run still training.
        let models: Vec<&Params> = active.iter().map(|&k| &params[k]).collect();
        let steps = batches.with_next(|batch| forward_and_gradient(&models, train, batch));
        // Step, and the divergence check.
        for (&k, (grad_sum, n, lost)) in active.iter().zip(steps) {
            step(&mut params[k], &grad_sum, n, &runs[k].settings);
            if lost || !params[k].is_finite() {
                histories[k].diverged_at = Some(iter);
            }
        }
        // Evaluate and record: one validation pass for every run still going.
        if iter % first.eval_every == 0 && !val.is_empty() {
            let going: Vec<usize> = active
                .into_iter()
                .filter(|&k| histories[k].diverged_at.is_none())
                .collect();
            let models: Vec<&Params> = going.iter().map(|&k| &params[k]).collect();
            for (&k, eval) in going.iter().zip(evaluate_many(&models, val)) {
                if diverged(eval.loss) {
                    histories[k].diverged_at = Some(iter);
                    continue;
                }
                histories[k].points.push(HistoryPoint {
                    iter,
                    val_loss: eval.loss,
                    val_accuracy: eval.accuracy,
                });
                observer.event(Event::Evaluated {
                    model: k,
                    iter,
                    val_loss: eval.loss,
                    val_accuracy: eval.accuracy,
                });
            }
        }
        observer.event(Event::Progress {
            task: Task::Sgd,
            done: iter as u64,
            total: Some(first.iterations as u64),
        });
    }
    Ok(params
        .into_iter()
        .zip(histories)
        .map(|(params, history)| SgdFit { params, history })
        .collect())
}

/// Each model's gradient sums on `batch`, the batch's row count, and whether its loss diverged.
fn forward_and_gradient(
    models: &[&Params],
    train: &Dataset,
    batch: &[usize],
) -> Vec<(Vec<f64>, usize, bool)> {
    let linear: Vec<_> = models.iter().map(|p| p.linear()).collect();
    engine::step_sums(&linear, train.table(), Rows::Subset(batch))
        .into_iter()
        .zip(models)
        .map(|(totals, model)| {
            let lost = batch_diverged(totals.mean_loss(), || {
                loss_totals(model, train, Rows::Subset(batch)).mean_loss()
            });
            (totals.grad_sum, totals.n, lost)
        })
        .collect()
}

/// [`diverged`] of a batch's mean loss, decided from the mean of its floor (the step pass's
/// sums, see [`engine::step_sums`]): the loss is at least the floor and at most the floor plus
/// ln 2, so only a floor within 1 of [`DIVERGED_LOSS`] leaves the answer open, and only then is
/// `exact` (the mean loss itself) asked for. NaN stays NaN in both.
fn batch_diverged(floor: f64, exact: impl FnOnce() -> f64) -> bool {
    if floor.is_nan() || floor > DIVERGED_LOSS {
        true
    } else if floor + 1.0 <= DIVERGED_LOSS {
        false
    } else {
        diverged(exact())
    }
}

/// The parameters must match the features of both sets.
fn check_dims(init: &Params, train: &Dataset, val: &Dataset) -> Result<()> {
    let d = train.x.cols();
    let val_d = if val.is_empty() { d } else { val.x.cols() };
    if init.len() != d || val_d != d {
        return Err(Error::ShapeMismatch {
            weights: init.len(),
            features: if init.len() != d { d } else { val_d },
        });
    }
    Ok(())
}

/// `w ← w - lr·(Σ(y-t)x / n + l2·w)`, `b ← b - lr·Σ(y-t) / n`.
#[inline]
fn step(params: &mut Params, grad_sum: &[f64], n: usize, settings: &SgdSettings) {
    let (lr, l2, n) = (settings.learning_rate, settings.l2, n as f64);
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
    use crate::model::simulate::{moderate_truth, simulate};
    use crate::model::Init;

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

    #[test]
    fn runs_together_have_the_bits_of_separate_runs() {
        let train = simulate(3_001, &moderate_truth(90, 0.2), 11);
        let val = simulate(997, &moderate_truth(90, 0.2), 12);
        for batch_size in [1, 7, 64, 1_000] {
            // Five runs: two pairs of models and one alone in the row loop.
            let runs: Vec<Sgd> = [0.01, 0.5, 1e6, 0.1, 2.0]
                .iter()
                .map(|&lr| {
                    SgdSettings {
                        learning_rate: lr,
                        batch_size,
                        iterations: 60,
                        eval_every: 10,
                        l2: if lr == 0.5 { 1e-3 } else { 0.0 },
                        seed: 5,
                    }
                    .check()
                    .unwrap()
                })
                .collect();
            let inits: Vec<Params> = (0..5)
                .map(|k| Params::init(90, Init::Normal { seed: k }))
                .collect();
            let refs: Vec<&Sgd> = runs.iter().collect();
            let together = Sgd::fit_together(&refs, &train, &val, inits.clone(), &Silent).unwrap();
            for k in 0..5 {
                let alone = runs[k].fit(&train, &val, inits[k].clone()).unwrap();
                assert_eq!(together[k], alone, "batch {batch_size}, run {k}");
            }
            assert!(
                together[2].history.diverged_at.is_some(),
                "lr 1e6 must diverge"
            );
        }
    }

    #[test]
    fn runs_that_do_not_share_their_batches_are_refused() {
        let train = simulate(100, &moderate_truth(90, 0.2), 1);
        let a = SgdSettings {
            batch_size: 10,
            iterations: 5,
            eval_every: 1,
            ..SgdSettings::default()
        };
        let b = SgdSettings {
            batch_size: 20,
            ..a.clone()
        };
        let (a, b) = (a.check().unwrap(), b.check().unwrap());
        let err = Sgd::fit_together(
            &[&a, &b],
            &train,
            &train,
            vec![Params::zeros(90); 2],
            &Silent,
        );
        assert!(matches!(err, Err(Error::NotInLockstep)));
    }

    #[test]
    fn a_cancelled_run_stops_with_interrupted() {
        struct Stop;
        impl Observer for Stop {
            fn event(&self, _: Event) {}
            fn cancelled(&self) -> bool {
                true
            }
        }
        let train = simulate(100, &moderate_truth(3, 0.0), 1);
        let sgd = SgdSettings {
            batch_size: 10,
            ..SgdSettings::default()
        }
        .check()
        .unwrap();
        let result = sgd.fit_observed(&train, &train, Params::zeros(3), &Stop);
        assert!(matches!(result, Err(Error::Interrupted)));
    }

    #[test]
    fn settings_are_checked_once_and_name_the_setting() {
        assert!(SgdSettings::default().check().is_ok());
        let bad = |s: SgdSettings| match s.check() {
            Err(Error::InvalidSetting { setting, .. }) => setting,
            other => panic!("{other:?}"),
        };
        let d = SgdSettings::default;
        for lr in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let s = SgdSettings {
                learning_rate: lr,
                ..d()
            };
            assert_eq!(bad(s), Setting::LearningRate);
        }
        assert_eq!(
            bad(SgdSettings {
                batch_size: 0,
                ..d()
            }),
            Setting::BatchSize
        );
        assert_eq!(
            bad(SgdSettings {
                iterations: 0,
                ..d()
            }),
            Setting::Iterations
        );
        assert_eq!(
            bad(SgdSettings {
                eval_every: 0,
                ..d()
            }),
            Setting::EvalEvery
        );
        assert_eq!(bad(SgdSettings { l2: -1.0, ..d() }), Setting::L2);
        let train = simulate(50, &moderate_truth(3, 0.0), 1);
        let sgd = SgdSettings {
            batch_size: 51,
            ..d()
        }
        .check()
        .unwrap();
        assert!(matches!(
            sgd.fit(&train, &train, Params::zeros(3)),
            Err(Error::BatchTooLarge {
                batch_size: 51,
                train_rows: 50
            })
        ));
        let small = SgdSettings {
            batch_size: 10,
            ..d()
        };
        assert!(matches!(
            small.check().unwrap().fit(&train, &train, Params::zeros(4)),
            Err(Error::ShapeMismatch {
                weights: 4,
                features: 3
            })
        ));
    }
}
