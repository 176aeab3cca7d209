//! The study: learning-rate demo, grid search, Monte Carlo, final comparison with the exact
//! optimum and the library baseline, the standardization demo, and the protocol's two checks
//! (the producer effect of a random split, the leak of test statistics). Each experiment is a
//! library function returning serializable results; [`study::run`] runs them all in order, and
//! [`answers`] reads what they show against their noise.

pub mod answers;
pub mod config;
pub mod final_eval;
pub mod grid;
pub mod lr_demo;
pub mod monte_carlo;
pub mod producer_effect;
pub mod results;
pub mod runs;
pub mod standardization_demo;
pub mod study;
pub mod test_statistics;

pub use config::{BatchOrders, StudyConfig};
pub use results::{StageTiming, StudyResults, RESULTS_FORMAT};
pub use runs::{RunResult, RunSpec, RunStatus};
pub use study::{run as run_study, GRID_AND_MONTE_CARLO};
