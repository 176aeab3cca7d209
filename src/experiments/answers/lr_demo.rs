//! How far each learning rate got, and whether the largest settled.

use super::in_half_widths;
use crate::experiments::config::LrDemoConfig;
use crate::experiments::lr_demo::LrDemoResult;
use crate::experiments::RunResult;

/// Where one rate ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RateOutcome {
    pub learning_rate: f64,
    /// Final validation loss of a completed run.
    pub final_val_loss: Option<f64>,
    /// `final_val_loss` minus the optimum's validation loss.
    pub above_optimum: Option<f64>,
    /// The iteration at which the run diverged.
    pub diverged_at: Option<usize>,
}

/// The validation loss of the largest rate over the last fifth of its run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Settling {
    pub learning_rate: f64,
    /// First and last recorded iteration of the window.
    pub from_iter: usize,
    pub to_iter: usize,
    pub min: f64,
    pub max: f64,
    /// `max - min`.
    pub spread: f64,
    /// `spread` over the half-width of a validation loss's 95% interval.
    pub spread_in_half_widths: Option<f64>,
    /// The spread is within that half-width.
    pub settled: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LrDemoAnswer {
    pub batch_size: usize,
    pub iterations: usize,
    pub optimum_val_loss: f64,
    /// One per rate, in the configured order.
    pub rates: Vec<RateOutcome>,
    /// The largest rate's last fifth; `None` when it diverged or recorded nothing there.
    pub largest: Option<Settling>,
}

pub fn answer(
    config: &LrDemoConfig,
    result: &LrDemoResult,
    optimum_val_loss: f64,
    half_width: f64,
) -> LrDemoAnswer {
    let rates = result
        .runs
        .iter()
        .map(|r| RateOutcome {
            learning_rate: r.learning_rate,
            final_val_loss: r.final_val_loss.filter(|_| r.usable()),
            above_optimum: r
                .final_val_loss
                .filter(|_| r.usable())
                .map(|l| l - optimum_val_loss),
            diverged_at: r.history.diverged_at,
        })
        .collect();
    let largest = result
        .runs
        .iter()
        .max_by(|a, b| a.learning_rate.total_cmp(&b.learning_rate))
        .filter(|r| r.usable())
        .and_then(|r| settling(r, config.iterations, half_width));
    LrDemoAnswer {
        batch_size: result.batch_size,
        iterations: config.iterations,
        optimum_val_loss,
        rates,
        largest,
    }
}

/// The recorded validation losses of `run` after iteration `iterations - iterations/5`.
pub fn settling(run: &RunResult, iterations: usize, half_width: f64) -> Option<Settling> {
    let start = iterations - iterations / 5;
    let window: Vec<_> = run
        .history
        .points
        .iter()
        .filter(|p| p.iter > start)
        .collect();
    let (first, last) = (window.first()?, window.last()?);
    let min = window
        .iter()
        .map(|p| p.val_loss)
        .fold(f64::INFINITY, f64::min);
    let max = window
        .iter()
        .map(|p| p.val_loss)
        .fold(f64::NEG_INFINITY, f64::max);
    let spread = max - min;
    Some(Settling {
        learning_rate: run.learning_rate,
        from_iter: first.iter,
        to_iter: last.iter,
        min,
        max,
        spread,
        spread_in_half_widths: in_half_widths(spread, half_width),
        settled: spread <= half_width,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::RunStatus;
    use crate::model::Init;
    use crate::train::{History, HistoryPoint};

    fn run(lr: f64, losses: &[f64]) -> RunResult {
        let points: Vec<HistoryPoint> = losses
            .iter()
            .enumerate()
            .map(|(k, &l)| HistoryPoint {
                iter: 10 * (k + 1),
                val_loss: l,
                val_accuracy: 0.7,
            })
            .collect();
        RunResult {
            id: format!("lr{lr}"),
            learning_rate: lr,
            batch_size: 100,
            iterations: 10 * losses.len(),
            init: Init::Zeros,
            shuffle_seed: 0,
            status: RunStatus::Completed,
            final_val_loss: losses.last().copied(),
            final_val_accuracy: Some(0.7),
            final_params: None,
            final_val: None,
            history: History {
                points,
                diverged_at: None,
            },
        }
    }

    #[test]
    fn the_window_is_the_last_fifth_and_the_verdict_follows_the_numbers() {
        // 100 iterations: the last fifth is iterations 90 and 100.
        let bouncing = run(5.0, &[3.0, 2.0, 1.0, 1.5, 0.9, 1.2, 0.8, 1.1, 0.9, 1.4]);
        let s = settling(&bouncing, 100, 0.01).unwrap();
        assert_eq!((s.from_iter, s.to_iter), (90, 100));
        assert_eq!((s.min, s.max), (0.9, 1.4));
        assert!((s.spread - 0.5).abs() < 1e-15 && !s.settled);
        assert!((s.spread_in_half_widths.unwrap() - 50.0).abs() < 1e-9);
        let calm = run(5.0, &[3.0, 2.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.6, 0.600, 0.605]);
        assert!(settling(&calm, 100, 0.01).unwrap().settled);
        let demo = LrDemoResult {
            batch_size: 100,
            runs: vec![run(0.1, &[0.7, 0.6]), bouncing],
        };
        let config = LrDemoConfig {
            learning_rates: vec![0.1, 5.0],
            batch_size: 100,
            iterations: 100,
        };
        let a = answer(&config, &demo, 0.55, 0.01);
        assert_eq!(
            a.rates[0].above_optimum.map(|x| (x * 100.0).round()),
            Some(5.0)
        );
        assert_eq!(a.largest.unwrap().learning_rate, 5.0);
    }
}
