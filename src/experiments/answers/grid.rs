//! The grid's choice: the chosen cell, the cells within one standard error of it, and the cells
//! that diverged or were skipped.

use crate::experiments::grid::GridResult;
use crate::experiments::{RunResult, RunStatus};

/// One cell of the grid, as a sentence names it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub id: String,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub final_val_loss: Option<f64>,
    /// `final_val_loss` minus the chosen cell's.
    pub above_chosen: Option<f64>,
    pub diverged_at: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GridAnswer {
    /// `None` when no cell could be chosen.
    pub chosen: Option<Cell>,
    /// The standard error the runners-up are judged by (the chosen model's validation loss's).
    pub se: f64,
    /// Usable cells other than the chosen one whose final validation loss is at most `se` above
    /// it, lowest first.
    pub runners_up: Vec<Cell>,
    /// Usable cells beyond `se`.
    pub others: usize,
    pub diverged: Vec<Cell>,
    pub skipped: Vec<Cell>,
}

fn cell(run: &RunResult, chosen_loss: Option<f64>) -> Cell {
    let loss = run.final_val_loss.filter(|_| run.usable());
    Cell {
        id: run.id.clone(),
        learning_rate: run.learning_rate,
        batch_size: run.batch_size,
        final_val_loss: loss,
        above_chosen: loss.zip(chosen_loss).map(|(l, c)| l - c),
        diverged_at: match run.status {
            RunStatus::Diverged { at } => Some(at),
            _ => None,
        },
    }
}

pub fn answer(grid: &GridResult, se: f64) -> GridAnswer {
    let best = grid.best_cell();
    let best_loss = best.and_then(|b| b.final_val_loss);
    let mut runners_up: Vec<Cell> = Vec::new();
    let mut others = 0;
    for (i, run) in grid.cells.iter().enumerate() {
        if Some(i) == grid.best || !run.usable() {
            continue;
        }
        let c = cell(run, best_loss);
        if c.above_chosen.is_some_and(|d| d <= se) {
            runners_up.push(c);
        } else {
            others += 1;
        }
    }
    runners_up.sort_by(|a, b| {
        a.above_chosen
            .unwrap_or(0.0)
            .total_cmp(&b.above_chosen.unwrap_or(0.0))
    });
    let with = |want: fn(&RunStatus) -> bool| -> Vec<Cell> {
        grid.cells
            .iter()
            .filter(|r| want(&r.status))
            .map(|r| cell(r, best_loss))
            .collect()
    };
    GridAnswer {
        chosen: best.map(|b| cell(b, best_loss)),
        se,
        runners_up,
        others,
        diverged: with(|s| matches!(s, RunStatus::Diverged { .. })),
        skipped: with(|s| matches!(s, RunStatus::Skipped { .. })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::grid::best_index;
    use crate::model::Init;
    use crate::train::History;

    fn run(id: &str, loss: Option<f64>, status: RunStatus) -> RunResult {
        RunResult {
            id: id.into(),
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
    fn runners_up_are_within_one_standard_error_lowest_first() {
        let cells = vec![
            run("a", Some(0.5600), RunStatus::Completed),
            run("b", Some(0.5500), RunStatus::Completed),
            run("c", Some(0.5530), RunStatus::Completed),
            run("d", Some(0.5510), RunStatus::Completed),
            run("e", None, RunStatus::Diverged { at: 30 }),
            run(
                "f",
                None,
                RunStatus::Skipped {
                    reason: "big".into(),
                },
            ),
        ];
        let grid = GridResult {
            learning_rates: vec![0.1],
            batch_sizes: vec![1; 6],
            init: Init::Zeros,
            best: best_index(&cells),
            cells,
        };
        let a = answer(&grid, 0.0035);
        assert_eq!(a.chosen.as_ref().unwrap().id, "b");
        let ids: Vec<&str> = a.runners_up.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["d", "c"]);
        assert_eq!(a.others, 1);
        assert_eq!(a.diverged[0].diverged_at, Some(30));
        assert_eq!(a.skipped[0].id, "f");
        assert!((a.runners_up[0].above_chosen.unwrap() - 0.001).abs() < 1e-12);
    }
}
