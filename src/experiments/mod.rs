//! The study: learning-rate demo, grid search, Monte Carlo, final comparison with the exact
//! optimum and the library baseline, and the standardization demo. Each experiment is a library
//! function returning serializable results; [`study::run`] runs them all in order.

pub mod config;
pub mod final_eval;
pub mod grid;
pub mod lr_demo;
pub mod monte_carlo;
pub mod results;
pub mod runs;
pub mod standardization_demo;
pub mod study;

pub use config::{BatchOrders, StudyConfig};
pub use results::{StageTiming, StudyResults, RESULTS_FORMAT};
pub use runs::{RunResult, RunSpec, RunStatus};
pub use study::{run as run_study, GRID_AND_MONTE_CARLO};
