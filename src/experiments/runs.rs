//! One SGD run of the study, described before it starts ([`RunSpec`]) and recorded after
//! ([`RunResult`]), and the parallel runner of many independent runs.
//!
//! Each run draws its own initial parameters from its [`Init`] (never a vector shared with, or
//! left over from, another run) and trains with the batch size it names. Runs go across cores
//! with rayon; each is a pure function of its spec and the data, and results are collected in
//! spec order, so the outcome is the same as a sequential loop on any number of threads.

use crate::data::Dataset;
use crate::error::Result;
use crate::model::metrics::{predict_rows_many, SetMetrics};
use crate::model::{evaluate_many, Init, Params};
use crate::observer::{Muted, Observer};
use crate::train::{History, Sgd, SgdSettings};
use rayon::prelude::*;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// File-name-safe identifier, unique within the study (`runs/<id>.csv`).
    pub id: String,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub iterations: usize,
    pub eval_every: usize,
    pub init: Init,
    /// Seed of the epoch shuffles (shared by runs with the same batch size).
    pub shuffle_seed: u64,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunStatus {
    Completed,
    /// Parameters or loss became non-finite at this iteration; the history stops there.
    Diverged {
        at: usize,
    },
    /// Not run (e.g. a batch larger than the training set).
    Skipped {
        reason: String,
    },
}

/// A finished (or skipped) run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunResult {
    pub id: String,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub iterations: usize,
    pub init: Init,
    pub shuffle_seed: u64,
    pub status: RunStatus,
    pub history: History,
    /// Validation loss at the last recorded point of a completed run.
    pub final_val_loss: Option<f64>,
    pub final_val_accuracy: Option<f64>,
    /// Parameters at the end of a completed run.
    pub final_params: Option<Params>,
    /// Validation loss with its standard error and accuracy with its 95% interval, of the final
    /// parameters of a completed run.
    pub final_val: Option<SetMetrics>,
}

impl RunResult {
    /// True when the run finished with a finite final validation loss.
    pub fn usable(&self) -> bool {
        self.status == RunStatus::Completed && self.final_val_loss.is_some_and(f64::is_finite)
    }

    /// A short human label: `lr 0.1, batch 64`.
    pub fn label(&self) -> String {
        format!("lr {}, batch {}", self.learning_rate, self.batch_size)
    }
}

/// Runs one spec on its own.
pub fn run_one(
    spec: &RunSpec,
    train: &Dataset,
    val: &Dataset,
    observer: &dyn Observer,
) -> Result<RunResult> {
    let mut results = run_group(&[spec], train, val, observer)?;
    Ok(results.remove(0))
}

/// Runs every spec and returns the results in spec order. Specs that share their batches (batch
/// size, iterations, evaluation interval and shuffle seed) train in lockstep, so each batch and
/// each validation pass is read once for all of them; the groups go across cores. Every result
/// has the bits of the same run made on its own.
pub fn run_all(
    specs: &[RunSpec],
    train: &Dataset,
    val: &Dataset,
    observer: &dyn Observer,
    done: &(dyn Fn(&RunResult) + Sync),
) -> Result<Vec<RunResult>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let key = |s: &RunSpec| (s.batch_size, s.iterations, s.eval_every, s.shuffle_seed);
        match groups.iter_mut().find(|g| key(&specs[g[0]]) == key(spec)) {
            Some(group) => group.push(i),
            None => groups.push(vec![i]),
        }
    }
    let done_groups: Vec<Vec<(usize, RunResult)>> = groups
        .par_iter()
        .map(|group| {
            let members: Vec<&RunSpec> = group.iter().map(|&i| &specs[i]).collect();
            let results = run_group(&members, train, val, observer)?;
            results.iter().for_each(done);
            Ok(group.iter().copied().zip(results).collect())
        })
        .collect::<Result<_>>()?;
    let mut results: Vec<(usize, RunResult)> = done_groups.into_iter().flatten().collect();
    results.sort_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

/// Runs specs that share their batches together; each starts from its own initial parameters.
/// The runs' own events are not passed on (only a wish to cancel).
fn run_group(
    specs: &[&RunSpec],
    train: &Dataset,
    val: &Dataset,
    observer: &dyn Observer,
) -> Result<Vec<RunResult>> {
    let mut results: Vec<RunResult> = specs.iter().map(|s| pending(s)).collect();
    let Some(first) = specs.first() else {
        return Ok(results);
    };
    if first.batch_size > train.len() {
        for r in &mut results {
            r.status = RunStatus::Skipped {
                reason: format!(
                    "batch size {} is larger than the {} training rows",
                    r.batch_size,
                    train.len()
                ),
            };
        }
        return Ok(results);
    }
    let inits: Vec<Params> = specs
        .iter()
        .map(|s| Params::init(train.x.cols(), s.init))
        .collect();
    let runs: Vec<Sgd> = specs
        .iter()
        .map(|s| {
            SgdSettings {
                learning_rate: s.learning_rate,
                batch_size: s.batch_size,
                iterations: s.iterations,
                eval_every: s.eval_every,
                l2: 0.0,
                seed: s.shuffle_seed,
            }
            .check()
        })
        .collect::<Result<_>>()?;
    let refs: Vec<&Sgd> = runs.iter().collect();
    let runs = Sgd::fit_together(&refs, train, val, inits, &Muted(observer))?;
    for (result, run) in results.iter_mut().zip(runs) {
        result.history = run.history;
        if let Some(at) = result.history.diverged_at {
            result.status = RunStatus::Diverged { at };
        } else {
            let last = result.history.points.last();
            result.final_val_loss = last.map(|p| p.val_loss);
            result.final_val_accuracy = last.map(|p| p.val_accuracy);
            result.final_params = Some(run.params);
        }
    }
    final_val_metrics(&mut results, val);
    Ok(results)
}

/// The validation metrics of the final parameters of the completed runs, in one read of `val`
/// for all of them (none without validation rows).
fn final_val_metrics(results: &mut [RunResult], val: &Dataset) {
    let finals: Vec<&Params> = results
        .iter()
        .filter_map(|r| r.final_params.as_ref())
        .collect();
    if finals.is_empty() || val.is_empty() {
        return;
    }
    let metrics: Vec<Option<SetMetrics>> = evaluate_many(&finals, val)
        .into_iter()
        .zip(predict_rows_many(&finals, val))
        .map(|(e, rows)| SetMetrics::new(e, &rows, &val.targets, "validation").ok())
        .collect();
    let completed = results.iter_mut().filter(|r| r.final_params.is_some());
    for (result, m) in completed.zip(metrics) {
        result.final_val = m;
    }
}

/// The record of a run that has not trained yet.
fn pending(spec: &RunSpec) -> RunResult {
    RunResult {
        id: spec.id.clone(),
        learning_rate: spec.learning_rate,
        batch_size: spec.batch_size,
        iterations: spec.iterations,
        init: spec.init,
        shuffle_seed: spec.shuffle_seed,
        status: RunStatus::Completed,
        history: History::default(),
        final_val_loss: None,
        final_val_accuracy: None,
        final_params: None,
        final_val: None,
    }
}

/// A file-name-safe rendering of a number for run ids: `0.005` -> `0.005`, `5` -> `5`.
pub fn id_number(x: f64) -> String {
    format!("{x}").replace(['-', '+'], "m")
}
