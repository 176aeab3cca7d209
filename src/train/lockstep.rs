//! Several SGD runs advanced together over the same batches: the study's runs of one batch size
//! (different learning rates or initial parameters, one shuffle seed: common random numbers).
//!
//! Each batch is read once for every model, and each validation pass scores every model, through
//! [`crate::model::kernel_many`]. Each run's result has the same bits as [`train_sgd`] on that run
//! alone: the same batches, the same sums in the same order, the same step and the same stops.
//!
//! [`train_sgd`]: super::sgd::train_sgd

use super::history::{History, HistoryPoint};
use super::sgd::{batch_diverged, check_dims, diverged, step, Batches, SgdConfig, SgdRun};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::kernel::{loss_accuracy, Rows};
use crate::model::kernel_many::{loss_accuracy_many, step_totals_many};
use crate::model::Params;

/// Trains `inits[k]` with `configs[k]` for every k, in lockstep. The configurations must agree on
/// batch size, iterations, evaluation interval and shuffle seed; learning rate and L2 may differ.
pub fn train_sgd_lockstep(
    train: &Dataset,
    val: &Dataset,
    inits: Vec<Params>,
    configs: &[SgdConfig],
) -> Result<Vec<SgdRun>> {
    if inits.len() != configs.len() {
        return Err(Error::Config(format!(
            "{} initial parameter sets for {} configurations",
            inits.len(),
            configs.len()
        )));
    }
    let Some(first) = configs.first() else {
        return Ok(Vec::new());
    };
    for (config, init) in configs.iter().zip(&inits) {
        config.validate(train.len())?;
        check_dims(init, train, val)?;
        let shared = (
            config.batch_size,
            config.iterations,
            config.eval_every,
            config.seed,
        );
        if shared
            != (
                first.batch_size,
                first.iterations,
                first.eval_every,
                first.seed,
            )
        {
            return Err(Error::Config(
                "runs in lockstep must share batch size, iterations, evaluation interval and seed"
                    .into(),
            ));
        }
    }

    let mut batches = Batches::new(train.len(), first.batch_size, first.seed);
    let mut params = inits;
    let mut histories = vec![History::default(); params.len()];
    for iter in 1..=first.iterations {
        let active: Vec<usize> = (0..params.len())
            .filter(|&k| histories[k].diverged_at.is_none())
            .collect();
        if active.is_empty() {
            break;
        }
        // Forward and gradient of every active run on the same batch.
        let models: Vec<&Params> = active.iter().map(|&k| &params[k]).collect();
        let steps = batches.with_next(|batch| {
            step_totals_many(&models, train, Rows::Subset(batch))
                .into_iter()
                .zip(&models)
                .map(|(totals, model)| {
                    let lost = batch_diverged(totals.mean_loss_floor(), || {
                        loss_accuracy(model, train, Rows::Subset(batch)).mean_loss()
                    });
                    (totals.0, lost)
                })
                .collect::<Vec<_>>()
        });
        // Step, and stop the runs that left the finite world.
        for (&k, (t, lost)) in active.iter().zip(&steps) {
            step(&mut params[k], &t.grad_sum, t.n, &configs[k]);
            if *lost || !params[k].is_finite() {
                histories[k].diverged_at = Some(iter);
            }
        }
        // Evaluate every run still going on the validation set, in one pass.
        if iter % first.eval_every == 0 && !val.is_empty() {
            let going: Vec<usize> = active
                .into_iter()
                .filter(|&k| histories[k].diverged_at.is_none())
                .collect();
            let models: Vec<&Params> = going.iter().map(|&k| &params[k]).collect();
            for (&k, t) in going.iter().zip(loss_accuracy_many(&models, val)) {
                let eval = t.evaluation();
                if diverged(eval.loss) {
                    histories[k].diverged_at = Some(iter);
                } else {
                    histories[k].points.push(HistoryPoint {
                        iter,
                        val_loss: eval.loss,
                        val_accuracy: eval.accuracy,
                    });
                }
            }
        }
    }
    Ok(params
        .into_iter()
        .zip(histories)
        .map(|(params, history)| SgdRun { params, history })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate;
    use crate::train::train_sgd;

    #[test]
    fn lockstep_runs_have_the_bits_of_separate_runs() {
        let train = simulate::simulate(3_001, &simulate::moderate_truth(90, 0.2), 11);
        let val = simulate::simulate(997, &simulate::moderate_truth(90, 0.2), 12);
        for batch_size in [1, 7, 64, 1_000] {
            // Five runs: two pairs of models and one alone in the row loop.
            let configs: Vec<SgdConfig> = [0.01, 0.5, 1e6, 0.1, 2.0]
                .iter()
                .map(|&lr| SgdConfig {
                    learning_rate: lr,
                    batch_size,
                    iterations: 60,
                    eval_every: 10,
                    l2: if lr == 0.5 { 1e-3 } else { 0.0 },
                    seed: 5,
                })
                .collect();
            let inits: Vec<Params> = (0..5)
                .map(|k| Params::init(90, crate::model::Init::Normal { seed: k }))
                .collect();
            let together = train_sgd_lockstep(&train, &val, inits.clone(), &configs).unwrap();
            for k in 0..5 {
                let alone = train_sgd(&train, &val, inits[k].clone(), &configs[k]).unwrap();
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
        let train = simulate::simulate(100, &simulate::moderate_truth(90, 0.2), 1);
        let a = SgdConfig {
            learning_rate: 0.1,
            batch_size: 10,
            iterations: 5,
            eval_every: 1,
            l2: 0.0,
            seed: 1,
        };
        let b = SgdConfig {
            batch_size: 20,
            ..a.clone()
        };
        let err = train_sgd_lockstep(&train, &train, vec![Params::zeros(90); 2], &[a, b]);
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("must share batch size"));
    }
}
