//! One CSV per run: `iter,val_loss,val_accuracy`, the history as recorded.

use crate::experiments::RunResult;
use std::fmt::Write;

/// The header of every history file.
pub const HEADER: &str = "iter,val_loss,val_accuracy";

/// The history of `run` as CSV text. Numbers use Rust's shortest round-trip form (`{:?}`, with
/// an exponent for very small or large values), so reading them back gives the same bits.
pub fn history_csv(run: &RunResult) -> String {
    let mut text = String::with_capacity(32 * (run.history.points.len() + 1));
    text.push_str(HEADER);
    text.push('\n');
    for p in &run.history.points {
        let _ = writeln!(text, "{},{:?},{:?}", p.iter, p.val_loss, p.val_accuracy);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::RunStatus;
    use crate::model::Init;
    use crate::train::{History, HistoryPoint};

    #[test]
    fn one_line_per_point_round_trips() {
        let run = RunResult {
            id: "x".into(),
            learning_rate: 0.1,
            batch_size: 1,
            iterations: 20,
            init: Init::Zeros,
            shuffle_seed: 0,
            status: RunStatus::Completed,
            history: History {
                points: vec![
                    HistoryPoint {
                        iter: 10,
                        val_loss: 0.1 + 0.2,
                        val_accuracy: 0.75,
                    },
                    HistoryPoint {
                        iter: 20,
                        val_loss: 1e-300,
                        val_accuracy: 1.0,
                    },
                ],
                diverged_at: None,
            },
            final_val_loss: None,
            final_val_accuracy: None,
            final_params: None,
        };
        let text = history_csv(&run);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [HEADER, "10,0.30000000000000004,0.75", "20,1e-300,1.0"]
        );
        let back: f64 = lines[1].split(',').nth(1).unwrap().parse().unwrap();
        assert_eq!(back, 0.1 + 0.2);
    }
}
