//! The grid search (design step 6): every learning rate with every batch size, all from copies
//! of one seeded random initialization; the best cell has the lowest final validation loss.
//!
//! The classic notebook's grid never passed the batch size on and let its runs share one mutated
//! weight vector; here each cell builds its own `SgdConfig` with its own batch size and draws its
//! own initial parameters from the shared [`Init`].

use super::config::StudyConfig;
use super::runs::{id_number, run_all, RunResult, RunSpec};
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Init;
use crate::observer::Observer;

/// The cells, learning-rate major: `cells[i * batch_sizes.len() + j]` is
/// `(learning_rates[i], batch_sizes[j])`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GridResult {
    pub learning_rates: Vec<f64>,
    pub batch_sizes: Vec<usize>,
    /// The initialization every cell starts from.
    pub init: Init,
    pub cells: Vec<RunResult>,
    /// Index into `cells` of the best usable cell; `None` when every cell diverged or was skipped.
    pub best: Option<usize>,
}

impl GridResult {
    /// The best cell, if any.
    pub fn best_cell(&self) -> Option<&RunResult> {
        self.best.map(|i| &self.cells[i])
    }

    /// The cell of learning rate `i` and batch size `j`.
    pub fn cell(&self, i: usize, j: usize) -> &RunResult {
        &self.cells[i * self.batch_sizes.len() + j]
    }
}

/// The specs, learning-rate major.
pub fn specs(config: &StudyConfig) -> Vec<RunSpec> {
    let grid = &config.grid;
    let init = config.grid_init();
    let mut specs = Vec::new();
    for &lr in &grid.learning_rates {
        for &b in &grid.batch_sizes {
            specs.push(RunSpec {
                id: format!("grid_lr{}_b{b}", id_number(lr)),
                learning_rate: lr,
                batch_size: b,
                iterations: grid.iterations,
                eval_every: config.eval_every,
                init,
                shuffle_seed: config.shuffle_seed(b),
            });
        }
    }
    specs
}

/// The index of the usable cell with the lowest final validation loss (the first on a tie).
/// Diverged and skipped cells are never chosen.
pub fn best_index(cells: &[RunResult]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, cell) in cells.iter().enumerate() {
        if !cell.usable() {
            continue;
        }
        let loss = cell.final_val_loss.unwrap_or(f64::INFINITY);
        if best.is_none_or(|(_, b)| loss < b) {
            best = Some((i, loss));
        }
    }
    best.map(|(i, _)| i)
}

/// Runs the grid.
pub fn run(
    config: &StudyConfig,
    train: &Dataset,
    val: &Dataset,
    observer: &dyn Observer,
    done: &(dyn Fn(&RunResult) + Sync),
) -> Result<GridResult> {
    Ok(assemble(
        config,
        run_all(&specs(config), train, val, observer, done)?,
    ))
}

/// The grid from the results of [`specs`], in spec order.
pub fn assemble(config: &StudyConfig, cells: Vec<RunResult>) -> GridResult {
    GridResult {
        learning_rates: config.grid.learning_rates.clone(),
        batch_sizes: config.grid.batch_sizes.clone(),
        init: config.grid_init(),
        best: best_index(&cells),
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::runs::RunStatus;
    use crate::train::History;

    fn cell(loss: Option<f64>, status: RunStatus) -> RunResult {
        RunResult {
            id: "c".into(),
            learning_rate: 0.1,
            batch_size: 1,
            iterations: 10,
            init: Init::Zeros,
            shuffle_seed: 0,
            status,
            history: History::default(),
            final_val_loss: loss,
            final_val_accuracy: None,
            final_params: None,
            final_val: None,
        }
    }

    #[test]
    fn best_skips_diverged_skipped_and_non_finite_cells() {
        let cells = vec![
            cell(Some(0.6), RunStatus::Completed),
            cell(None, RunStatus::Diverged { at: 3 }),
            cell(Some(0.1), RunStatus::Diverged { at: 7 }),
            cell(
                None,
                RunStatus::Skipped {
                    reason: "big".into(),
                },
            ),
            cell(Some(f64::NAN), RunStatus::Completed),
            cell(Some(0.5), RunStatus::Completed),
            cell(Some(0.5), RunStatus::Completed),
        ];
        assert_eq!(best_index(&cells), Some(5));
        assert_eq!(best_index(&cells[1..5]), None);
    }

    #[test]
    fn every_cell_uses_its_own_batch_size_and_the_shared_init() {
        let config = StudyConfig::default();
        let specs = specs(&config);
        assert_eq!(specs.len(), 16);
        for (k, spec) in specs.iter().enumerate() {
            assert_eq!(spec.learning_rate, config.grid.learning_rates[k / 4]);
            assert_eq!(spec.batch_size, config.grid.batch_sizes[k % 4]);
            assert_eq!(spec.init, config.grid_init());
            assert_eq!(spec.shuffle_seed, config.shuffle_seed(spec.batch_size));
        }
        let mut ids: Vec<_> = specs.iter().map(|s| s.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 16);
    }
}
