//! Trainers: mini-batch SGD (one run, or several that share their batches), the exact Newton
//! solver and the library baseline. Each has unchecked settings (`...Settings`, with documented
//! defaults) that `check` turns once into the checked solver that fits.

pub(crate) mod batches;
mod cholesky;
mod history;
mod library;
mod newton;
mod sgd;

pub use history::{History, HistoryPoint};
pub use library::{
    Library, LibraryFit, LibrarySettings, GRADIENT_TOLERANCE_PER_ROW, MAX_ITERATIONS,
};
pub use newton::{
    Newton, NewtonFit, NewtonSettings, HESSIAN_SAMPLE_ROWS, MAX_WEIGHT, WARM_MIN_ROWS, WARM_STRIDE,
};
pub use sgd::{check_l2, diverged, Sgd, SgdFit, SgdSettings, DIVERGED_LOSS};
