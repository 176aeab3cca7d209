//! The exact optimum by Newton's method.

use crate::data::Dataset;
use crate::error::Result;
use crate::model::Params;

/// Settings of the Newton solver.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewtonConfig {
    pub l2: f64,
    /// Stop when the largest absolute gradient component is at most this.
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl Default for NewtonConfig {
    fn default() -> Self {
        NewtonConfig {
            l2: 0.0,
            tolerance: 1e-8,
            max_iterations: 100,
        }
    }
}

/// The optimum and how it was reached.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewtonFit {
    pub params: Params,
    pub iterations: usize,
    pub gradient_max_norm: f64,
}

/// Minimizes mean loss + (l2/2)·‖w‖² on `train`.
pub fn fit_newton(train: &Dataset, config: &NewtonConfig) -> Result<NewtonFit> {
    let _ = (train, config);
    unimplemented!("fit_newton")
}
