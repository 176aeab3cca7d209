//! The learning-rate demo (design step 5): zero init, one batch size, a few learning rates.
//! Too small a rate is slow; too large a rate does not converge.

use super::config::StudyConfig;
use super::runs::{id_number, run_all, RunResult, RunSpec};
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Init;
use crate::observer::Observer;

/// The runs of the demo, one per learning rate, in the configured order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LrDemoResult {
    pub batch_size: usize,
    pub runs: Vec<RunResult>,
}

/// The specs of the demo.
pub fn specs(config: &StudyConfig) -> Vec<RunSpec> {
    let demo = &config.lr_demo;
    demo.learning_rates
        .iter()
        .map(|&lr| RunSpec {
            id: format!("lr-demo_lr{}_b{}", id_number(lr), demo.batch_size),
            learning_rate: lr,
            batch_size: demo.batch_size,
            iterations: demo.iterations,
            eval_every: config.eval_every,
            init: Init::Zeros,
            shuffle_seed: config.shuffle_seed(demo.batch_size),
        })
        .collect()
}

/// Runs the demo.
pub fn run(
    config: &StudyConfig,
    train: &Dataset,
    val: &Dataset,
    observer: &dyn Observer,
    done: &(dyn Fn(&RunResult) + Sync),
) -> Result<LrDemoResult> {
    Ok(LrDemoResult {
        batch_size: config.lr_demo.batch_size,
        runs: run_all(&specs(config), train, val, observer, done)?,
    })
}
