//! Mini-batch stochastic gradient descent.

use super::history::History;
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Params;

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
    let _ = (train, val, init, config);
    unimplemented!("train_sgd")
}
