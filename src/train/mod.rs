//! Trainers: mini-batch SGD, the exact Newton solver and the library baseline.

pub mod cholesky;
pub mod history;
pub mod library;
pub mod lockstep;
pub mod newton;
pub mod sgd;

pub use history::{History, HistoryPoint};
pub use library::{fit_library, LibraryFit};
pub use lockstep::train_sgd_lockstep;
pub use newton::{fit_newton, NewtonConfig, NewtonFit};
pub use sgd::{train_sgd, SgdConfig, SgdRun};
