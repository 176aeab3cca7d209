//! The study's results, which `report` writes as `results.json` and renders: every figure of a
//! study, its configuration, the data it ran on and the time of each stage. Timings are the only
//! fields that differ between two runs with the same seed.

use super::answers::Answers;
use super::config::StudyConfig;
use super::final_eval::FinalResult;
use super::grid::GridResult;
use super::lr_demo::LrDemoResult;
use super::monte_carlo::MonteCarloResult;
use super::producer_effect::ProducerEffect;
use super::runs::RunResult;
use super::standardization_demo::StandardizationResult;
use super::test_statistics::TestStatistics;
use crate::data::inspect::Inspection;
use crate::data::Standardizer;
use crate::model::{GradcheckReport, Model, Training};

/// The value of the `format` field.
pub const RESULTS_FORMAT: &str = "msd-century-study";

/// Wall time of one stage.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageTiming {
    pub stage: String,
    pub seconds: f64,
}

/// Everything a study produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StudyResults {
    pub format: String,
    pub version: String,
    /// The exact command line that made the study (empty when called as a library).
    pub command_line: Vec<String>,
    pub seed: u64,
    pub config: StudyConfig,
    /// Provenance, rows, split sizes, positive shares, standardization statistics.
    pub data: Inspection,
    pub gradcheck: GradcheckReport,
    pub lr_demo: LrDemoResult,
    pub grid: GridResult,
    pub monte_carlo: MonteCarloResult,
    pub final_eval: FinalResult,
    pub standardization: StandardizationResult,
    /// The optimum on a random split beside the data set's split by artist.
    pub producer_effect: ProducerEffect,
    /// The optimum's test accuracy with the test set's own standardization.
    pub test_statistics: TestStatistics,
    /// What the experiments show, judged against their noise.
    pub answers: Answers,
    /// Stages in the order they ran (data loading first when the caller adds it).
    pub timings: Vec<StageTiming>,
}

impl StudyResults {
    /// Every SGD run of the study once, in the order of the report (the standardization demo's
    /// standardized run is the grid's best cell, so only its raw twin is added).
    pub fn all_runs(&self) -> Vec<&RunResult> {
        let mut runs: Vec<&RunResult> = self.lr_demo.runs.iter().collect();
        runs.extend(&self.grid.cells);
        for group in &self.monte_carlo.groups {
            runs.extend(&group.runs);
        }
        runs.push(&self.standardization.raw);
        runs
    }

    /// The three final models as model files, by name (`sgd`, `optimum`, `library`): the
    /// parameters of `final_eval` with the training set's standardization and the year
    /// threshold, so that `predict` and `evaluate` can use them.
    pub fn final_models(&self) -> Vec<(String, Model)> {
        let fe = &self.final_eval;
        let standardizer = Standardizer {
            mean: self.data.feature_mean.clone(),
            std: self.data.feature_std.clone(),
        };
        fe.models
            .iter()
            .map(|m| {
                let (solver, settings) = match m.name.as_str() {
                    "sgd" => (
                        "sgd",
                        serde_json::json!({
                            "learning_rate": fe.chosen.learning_rate,
                            "batch_size": fe.chosen.batch_size,
                            "iterations": self.config.grid.iterations,
                            "eval_every": self.config.eval_every,
                            "run_id": fe.chosen.run_id,
                        }),
                    ),
                    "optimum" => ("newton", serde_json::json!({ "l2": fe.newton_l2 })),
                    _ => ("library", serde_json::json!({ "l2": fe.library_l2 })),
                };
                let training = Training::new(solver, settings, self.seed, self.data.source.clone());
                let model =
                    Model::new(&m.params, &standardizer, self.data.year_threshold, training);
                (m.name.clone(), model)
            })
            .collect()
    }

    /// Total of the stage timings.
    pub fn total_seconds(&self) -> f64 {
        self.timings.iter().map(|t| t.seconds).sum()
    }
}
