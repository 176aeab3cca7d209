//! Settings of the study, with the defaults of the classic protocol, and the seeds derived from
//! the one study seed.
//!
//! Seeds: every random choice is seeded from the study seed (`--seed`) and a fixed label, never
//! from a thread or from the order in which runs finish, so the study is identical on any number
//! of threads. The shuffles of an SGD run are seeded by its batch size alone ([`StudyConfig::shuffle_seed`]):
//! runs with the same batch size see the same sequence of batches (common random numbers), so
//! the comparison between learning rates, and between initializations in the Monte Carlo study,
//! is not blurred by shuffle noise. The Monte Carlo study can instead give each initialization
//! its own order ([`BatchOrders::Independent`]), as the classic study does.

use crate::error::{Error, Result, Setting};
use crate::model::Init;
use crate::train::NewtonSettings;

/// The learning-rate demo (design step 5).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LrDemoConfig {
    pub learning_rates: Vec<f64>,
    pub batch_size: usize,
    pub iterations: usize,
}

/// The grid search (design step 6).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GridConfig {
    pub learning_rates: Vec<f64>,
    pub batch_sizes: Vec<usize>,
    pub iterations: usize,
}

/// The Monte Carlo study (design step 7).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MonteCarloConfig {
    pub learning_rate: f64,
    pub batch_sizes: Vec<usize>,
    /// Number of seeded random initializations per batch size.
    pub inits: usize,
    pub iterations: usize,
    /// Whether the initializations of one batch size share their batch order.
    #[serde(default)]
    pub orders: BatchOrders,
}

/// The batch orders of the Monte Carlo runs of one batch size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchOrders {
    /// One order for all (the grid's for that batch size): the band is the spread due to the
    /// initialization alone.
    #[default]
    Shared,
    /// Each initialization its own order: the band is the spread due to initialization and
    /// batch order together.
    Independent,
}

/// Everything the study does, with the classic protocol as default.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StudyConfig {
    /// The study seed: initial parameters and shuffles derive from it.
    pub seed: u64,
    /// Validation loss and accuracy are recorded every this many iterations.
    pub eval_every: usize,
    pub lr_demo: LrDemoConfig,
    pub grid: GridConfig,
    pub monte_carlo: MonteCarloConfig,
    /// Rows of the training set used by the gradient check.
    pub gradcheck_rows: usize,
    /// The exact solver (its `l2` is the SGD objective's: 0 by default).
    pub newton: NewtonSettings,
    /// L2 of the library baseline; `None`: scikit-learn's default C = 1, i.e. `1 / n_train`.
    pub library_l2: Option<f64>,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            seed: 1,
            eval_every: 10,
            lr_demo: LrDemoConfig {
                learning_rates: vec![0.005, 0.1, 5.0],
                batch_size: 100,
                iterations: 1000,
            },
            grid: GridConfig {
                learning_rates: vec![0.01, 0.1, 0.5, 1.0],
                batch_sizes: vec![1, 64, 1024, 50_000],
                iterations: 1000,
            },
            monte_carlo: MonteCarloConfig {
                learning_rate: 0.1,
                batch_sizes: vec![1, 50_000],
                inits: 3,
                iterations: 1000,
                orders: BatchOrders::Shared,
            },
            gradcheck_rows: 2000,
            newton: NewtonSettings::default(),
            library_l2: None,
        }
    }
}

impl StudyConfig {
    /// The same study with a tenth of the iterations: a few seconds on the full-size data.
    pub fn quick() -> Self {
        let mut config = StudyConfig::default();
        config.lr_demo.iterations = 100;
        config.grid.iterations = 100;
        config.monte_carlo.iterations = 100;
        config
    }

    /// Refuses settings that cannot make a study, before any work starts; the error names the
    /// field (`grid.batch_sizes`).
    pub fn validate(&self) -> Result<()> {
        let bad = |field: &'static str, value: String, requirement: &str| {
            Err(Error::setting(Setting::Study(field), value, requirement))
        };
        if self.eval_every == 0 {
            return bad("eval_every", "0".into(), "must be at least 1");
        }
        let rates = [
            ("lr_demo.learning_rates", &self.lr_demo.learning_rates[..]),
            ("grid.learning_rates", &self.grid.learning_rates[..]),
            (
                "monte_carlo.learning_rate",
                std::slice::from_ref(&self.monte_carlo.learning_rate),
            ),
        ];
        for (field, rates) in rates {
            if let Some(lr) = rates.iter().find(|lr| !(lr.is_finite() && **lr > 0.0)) {
                return bad(field, lr.to_string(), "must be positive and finite");
            }
        }
        let batches = [
            (
                "lr_demo.batch_size",
                std::slice::from_ref(&self.lr_demo.batch_size),
            ),
            ("grid.batch_sizes", &self.grid.batch_sizes[..]),
            ("monte_carlo.batch_sizes", &self.monte_carlo.batch_sizes[..]),
        ];
        for (field, sizes) in batches {
            if sizes.contains(&0) {
                return bad(field, "0".into(), "batch sizes must be at least 1");
            }
        }
        let iterations = [
            ("lr_demo.iterations", self.lr_demo.iterations),
            ("grid.iterations", self.grid.iterations),
            ("monte_carlo.iterations", self.monte_carlo.iterations),
        ];
        for (field, n) in iterations {
            if n == 0 {
                return bad(field, "0".into(), "must be at least 1");
            }
        }
        if self.grid.learning_rates.is_empty() {
            return bad("grid.learning_rates", "[]".into(), "needs at least one");
        }
        if self.grid.batch_sizes.is_empty() {
            return bad("grid.batch_sizes", "[]".into(), "needs at least one");
        }
        if let Some(l2) = self.library_l2 {
            if !(l2.is_finite() && l2 >= 0.0) {
                return bad("library_l2", l2.to_string(), "must be finite and >= 0");
            }
        }
        self.newton.clone().check()?;
        Ok(())
    }

    /// Number of SGD runs the study makes (skipped cells included): for progress bars.
    pub fn run_count(&self) -> usize {
        self.lr_demo.learning_rates.len()
            + self.grid.learning_rates.len() * self.grid.batch_sizes.len()
            + self.monte_carlo.batch_sizes.len() * self.monte_carlo.inits
            + 1
    }

    /// The one random initialization shared by every grid cell (each run gets its own copy).
    pub fn grid_init(&self) -> Init {
        Init::Normal {
            seed: derive_seed(self.seed, Stream::GridInit, 0),
        }
    }

    /// The `k`-th random initialization of the Monte Carlo study.
    pub fn monte_carlo_init(&self, k: usize) -> Init {
        Init::Normal {
            seed: derive_seed(self.seed, Stream::MonteCarloInit, k as u64),
        }
    }

    /// Seed of the epoch shuffles of every run with this batch size (common random numbers).
    pub fn shuffle_seed(&self, batch_size: usize) -> u64 {
        derive_seed(self.seed, Stream::Shuffle, batch_size as u64)
    }

    /// Seed of the epoch shuffles of the `k`-th Monte Carlo run of this batch size: the shared
    /// [`StudyConfig::shuffle_seed`], or one of its own with independent orders.
    pub fn monte_carlo_shuffle_seed(&self, batch_size: usize, k: usize) -> u64 {
        match self.monte_carlo.orders {
            BatchOrders::Shared => self.shuffle_seed(batch_size),
            BatchOrders::Independent => derive_seed(
                derive_seed(self.seed, Stream::MonteCarloOrder, batch_size as u64),
                Stream::MonteCarloOrder,
                k as u64,
            ),
        }
    }

    /// Seed of the random split on which the producer effect is measured.
    pub fn random_split_seed(&self) -> u64 {
        derive_seed(self.seed, Stream::RandomSplit, 0)
    }
}

/// Independent streams of seeds drawn from the study seed.
#[derive(Debug, Clone, Copy)]
enum Stream {
    GridInit = 1,
    MonteCarloInit = 2,
    Shuffle = 3,
    RandomSplit = 4,
    MonteCarloOrder = 5,
}

/// A seed for `(stream, index)`: SplitMix64's finalizer of a mix of the three, so that nearby
/// study seeds and indices give unrelated seeds.
fn derive_seed(seed: u64, stream: Stream, index: u64) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03))
        .wrapping_add(index.wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_classic_protocol() {
        let c = StudyConfig::default();
        assert_eq!(c.lr_demo.learning_rates, [0.005, 0.1, 5.0]);
        assert_eq!(c.lr_demo.batch_size, 100);
        assert_eq!(c.grid.learning_rates, [0.01, 0.1, 0.5, 1.0]);
        assert_eq!(c.grid.batch_sizes, [1, 64, 1024, 50_000]);
        assert_eq!(c.monte_carlo.batch_sizes, [1, 50_000]);
        assert_eq!((c.monte_carlo.learning_rate, c.monte_carlo.inits), (0.1, 3));
        assert_eq!(c.monte_carlo.orders, BatchOrders::Shared);
        assert_eq!(c.run_count(), 3 + 16 + 6 + 1);
        assert!(c.validate().is_ok());
        assert!(StudyConfig::quick().validate().is_ok());
    }

    #[test]
    fn seeds_differ_by_stream_and_index_and_follow_the_study_seed() {
        let c = StudyConfig::default();
        let mut seeds = vec![c.shuffle_seed(1), c.shuffle_seed(64), c.random_split_seed()];
        let mut independent = c.clone();
        independent.monte_carlo.orders = BatchOrders::Independent;
        seeds.extend((0..3).map(|k| independent.monte_carlo_shuffle_seed(1, k)));
        seeds.extend((0..3).map(|k| independent.monte_carlo_shuffle_seed(50_000, k)));
        seeds.extend((0..3).map(|k| match c.monte_carlo_init(k) {
            Init::Normal { seed } => seed,
            Init::Zeros => 0,
        }));
        if let Init::Normal { seed } = c.grid_init() {
            seeds.push(seed);
        }
        let mut unique = seeds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), seeds.len());
        let other = StudyConfig {
            seed: 2,
            ..StudyConfig::default()
        };
        assert_ne!(other.shuffle_seed(1), c.shuffle_seed(1));
        assert_eq!(c.shuffle_seed(64), StudyConfig::default().shuffle_seed(64));
        assert_eq!(c.monte_carlo_shuffle_seed(64, 2), c.shuffle_seed(64));
    }

    #[test]
    fn bad_settings_are_refused() {
        let mut c = StudyConfig::default();
        c.grid.batch_sizes.push(0);
        assert!(c.validate().is_err());
        let mut c = StudyConfig::default();
        c.lr_demo.learning_rates.push(f64::NAN);
        assert!(c.validate().is_err());
        let c = StudyConfig {
            eval_every: 0,
            ..StudyConfig::default()
        };
        assert!(c.validate().is_err());
    }
}
