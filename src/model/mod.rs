//! The logistic-regression model: parameters, the math as small pure functions, the gradient
//! kernel, the gradient check and the model file.

pub mod accumulate;
pub mod exp;
pub mod gradcheck;
pub mod hessian;
pub mod io;
pub mod kernel;
pub mod kernel_many;
pub mod lanes;
pub mod log1p;
pub mod logistic;
pub mod params;
pub mod predict;
pub mod prefetch;
pub mod row_stats;
pub mod simulate;

pub use gradcheck::{gradcheck, GradcheckReport};
pub use io::Model;
pub use kernel::{evaluate, Evaluation};
pub use params::{Init, Params};
