//! The Monte Carlo study (design step 7): one learning rate, a few batch sizes, several seeded
//! random initializations; the mean and one standard deviation of the validation-loss curves.
//!
//! By default runs with the same batch size share their shuffle seed (common random numbers), so
//! the band shows how much the outcome depends on where SGD starts; with independent orders each
//! run has its own, and the band shows the spread due to the start and the order together.

use super::config::StudyConfig;
use super::runs::{id_number, run_all, RunResult, RunSpec};
use crate::data::Dataset;
use crate::error::Result;
use crate::observer::Observer;

/// Mean and sample standard deviation (n - 1) of the validation loss at one iteration, over the
/// runs that reached it without diverging.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BandPoint {
    pub iter: usize,
    pub mean: f64,
    /// 0 when only one run is left.
    pub std: f64,
    pub runs: usize,
}

/// The runs of one batch size and their band.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MonteCarloGroup {
    pub batch_size: usize,
    pub runs: Vec<RunResult>,
    pub band: Vec<BandPoint>,
}

/// All groups, in the configured order of batch sizes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MonteCarloResult {
    pub learning_rate: f64,
    pub groups: Vec<MonteCarloGroup>,
}

/// The specs, batch-size major.
pub fn specs(config: &StudyConfig) -> Vec<RunSpec> {
    let mc = &config.monte_carlo;
    let mut specs = Vec::new();
    for &b in &mc.batch_sizes {
        for k in 0..mc.inits {
            specs.push(RunSpec {
                id: format!("monte-carlo_lr{}_b{b}_init{k}", id_number(mc.learning_rate)),
                learning_rate: mc.learning_rate,
                batch_size: b,
                iterations: mc.iterations,
                eval_every: config.eval_every,
                init: config.monte_carlo_init(k),
                shuffle_seed: config.monte_carlo_shuffle_seed(b, k),
            });
        }
    }
    specs
}

/// Mean and standard deviation of the runs' validation losses, point by point. A point counts
/// the runs whose history has it with a finite loss (a diverged run's history stops early).
pub fn band(runs: &[RunResult]) -> Vec<BandPoint> {
    let longest = runs
        .iter()
        .map(|r| r.history.points.len())
        .max()
        .unwrap_or(0);
    let mut band = Vec::with_capacity(longest);
    for k in 0..longest {
        let points: Vec<_> = runs
            .iter()
            .filter_map(|r| r.history.points.get(k))
            .filter(|p| p.val_loss.is_finite())
            .collect();
        let n = points.len();
        if n == 0 {
            continue;
        }
        let mean = points.iter().map(|p| p.val_loss).sum::<f64>() / n as f64;
        let std = if n > 1 {
            let ss: f64 = points.iter().map(|p| (p.val_loss - mean).powi(2)).sum();
            (ss / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        band.push(BandPoint {
            iter: points[0].iter,
            mean,
            std,
            runs: n,
        });
    }
    band
}

/// Runs the study.
pub fn run(
    config: &StudyConfig,
    train: &Dataset,
    val: &Dataset,
    observer: &dyn Observer,
    done: &(dyn Fn(&RunResult) + Sync),
) -> Result<MonteCarloResult> {
    Ok(assemble(
        config,
        run_all(&specs(config), train, val, observer, done)?,
    ))
}

/// The groups and their bands from the results of [`specs`], in spec order.
pub fn assemble(config: &StudyConfig, runs: Vec<RunResult>) -> MonteCarloResult {
    let mc = &config.monte_carlo;
    let mut runs = runs.into_iter();
    let groups = mc
        .batch_sizes
        .iter()
        .map(|&batch_size| {
            let runs: Vec<RunResult> = runs.by_ref().take(mc.inits).collect();
            MonteCarloGroup {
                batch_size,
                band: band(&runs),
                runs,
            }
        })
        .collect();
    MonteCarloResult {
        learning_rate: mc.learning_rate,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::runs::RunStatus;
    use crate::model::Init;
    use crate::train::{History, HistoryPoint};

    fn run_with(losses: &[f64]) -> RunResult {
        let points = losses
            .iter()
            .enumerate()
            .map(|(k, &l)| HistoryPoint {
                iter: 10 * (k + 1),
                val_loss: l,
                val_accuracy: 0.5,
            })
            .collect();
        RunResult {
            id: "r".into(),
            learning_rate: 0.1,
            batch_size: 1,
            iterations: 30,
            init: Init::Zeros,
            shuffle_seed: 0,
            status: RunStatus::Completed,
            history: History {
                points,
                diverged_at: None,
            },
            final_val_loss: losses.last().copied(),
            final_val_accuracy: None,
            final_params: None,
            final_val: None,
        }
    }

    #[test]
    fn band_is_the_pointwise_mean_and_sample_std() {
        let runs = [
            run_with(&[1.0, 0.5, 0.2]),
            run_with(&[3.0, 0.5]),
            run_with(&[2.0, 0.5, 0.4]),
        ];
        let b = band(&runs);
        assert_eq!(b.len(), 3);
        assert_eq!((b[0].iter, b[0].runs), (10, 3));
        assert!((b[0].mean - 2.0).abs() < 1e-15);
        // Deviations -1, 1, 0: sample variance 2 / 2 = 1.
        assert!((b[0].std - 1.0).abs() < 1e-15);
        assert_eq!(b[1].std, 0.0);
        assert_eq!((b[2].iter, b[2].runs), (30, 2));
        assert!((b[2].mean - 0.3).abs() < 1e-15);
        assert!((b[2].std - (0.02f64).sqrt()).abs() < 1e-15);
        assert!(band(&[]).is_empty());
    }

    #[test]
    fn groups_share_shuffles_and_differ_in_init() {
        let config = StudyConfig::default();
        let specs = specs(&config);
        assert_eq!(specs.len(), 6);
        assert_eq!(specs[0].shuffle_seed, specs[2].shuffle_seed);
        assert_ne!(specs[0].init, specs[1].init);
        assert_eq!(specs[0].init, specs[3].init);
        assert_eq!(specs[3].batch_size, 50_000);
        assert_eq!(
            specs[0].shuffle_seed,
            config.shuffle_seed(1),
            "the grid's order"
        );
    }

    #[test]
    fn independent_orders_give_every_run_its_own_shuffles() {
        let mut config = StudyConfig::default();
        config.monte_carlo.orders = super::super::config::BatchOrders::Independent;
        let specs = specs(&config);
        let mut seeds: Vec<u64> = specs.iter().map(|s| s.shuffle_seed).collect();
        seeds.extend(
            config
                .grid
                .batch_sizes
                .iter()
                .map(|&b| config.shuffle_seed(b)),
        );
        let n = seeds.len();
        seeds.sort_unstable();
        seeds.dedup();
        assert_eq!(
            seeds.len(),
            n,
            "no run shares its order with another or with the grid"
        );
        assert_eq!(specs[0].init, config.monte_carlo_init(0));
    }
}
