//! # msd-century
//!
//! Predicts whether a song came out after 2000 from the 90 timbre features of YearPredictionMSD,
//! with a logistic regression written from scratch: the data pipeline ([`data`]), the model math
//! ([`model`]), the trainers ([`train`]: mini-batch SGD, an exact Newton solver and a library
//! baseline) and the study ([`experiments`], [`report`]).
//!
//! The command-line tool is a thin layer over this library; the library never parses arguments.

pub mod atomic;
pub mod data;
pub mod error;
pub mod experiments;
pub mod model;
pub mod progress;
pub mod report;
pub mod train;

pub use error::{Error, Result};

/// Version of the crate, written into model files and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
