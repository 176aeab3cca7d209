//! The study's answers as data: what the learning-rate demo, the grid and the Monte Carlo runs
//! show, judged against the noise of a validation loss. The report's sentences are built from
//! these values (and from the final comparison's, the producer effect's and the test
//! statistics'), never from fixed verdicts.
//!
//! The noise scale: a validation loss is a mean over the validation rows, so it has a standard
//! error; the study takes the chosen SGD model's ([`Answers::val_loss_se`]). A movement or a
//! spread of validation losses is "beyond noise" when it exceeds the half-width of a 95%
//! interval, `Z95` standard errors; a grid cell is a runner-up when its loss is within one
//! standard error of the chosen cell's.

pub mod grid;
pub mod lr_demo;
pub mod monte_carlo;

use super::final_eval::FinalResult;
use super::grid::GridResult;
use super::lr_demo::LrDemoResult;
use super::monte_carlo::MonteCarloResult;
use super::StudyConfig;
use crate::model::metrics::{CONFIDENCE, Z95};

/// Everything the study's sentences need beyond the experiments' own results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Answers {
    /// The confidence level of every interval and test (0.95).
    pub confidence: f64,
    /// Standard errors to the half-width of an interval at that level (1.96).
    pub z: f64,
    /// Standard error of the chosen SGD model's validation loss: the noise of a validation loss.
    pub val_loss_se: f64,
    /// `z · val_loss_se`.
    pub val_loss_half_width: f64,
    pub lr_demo: lr_demo::LrDemoAnswer,
    pub grid: grid::GridAnswer,
    pub monte_carlo: monte_carlo::MonteCarloAnswer,
}

/// The answers of a study from its results.
pub fn answers(
    config: &StudyConfig,
    lr: &LrDemoResult,
    grid: &GridResult,
    mc: &MonteCarloResult,
    fe: &FinalResult,
) -> Answers {
    let val_loss_se = fe.models[0].val.loss_se.unwrap_or(0.0);
    let half_width = Z95 * val_loss_se;
    Answers {
        confidence: CONFIDENCE,
        z: Z95,
        val_loss_se,
        val_loss_half_width: half_width,
        lr_demo: lr_demo::answer(&config.lr_demo, lr, fe.models[1].val.loss, half_width),
        grid: grid::answer(grid, val_loss_se),
        monte_carlo: monte_carlo::answer(config, mc, half_width),
    }
}

/// `x / half_width`, absent when there is no width.
fn in_half_widths(x: f64, half_width: f64) -> Option<f64> {
    (half_width > 0.0).then(|| x / half_width)
}
