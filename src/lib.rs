//! # msd-century
//!
//! Predicts whether a song came out after 2000 from the 90 timbre features of YearPredictionMSD,
//! with a logistic regression written from scratch: the data pipeline ([`data`]), the model and
//! its math ([`model`]), the trainers ([`train`]: mini-batch SGD, an exact Newton solver and a
//! library baseline) and the study with its report ([`experiments`], [`report`]).
//!
//! The library never prints, never reads the environment and never parses arguments: it returns
//! values and typed [`Error`]s, and reports notes and progress through an [`Observer`].
//!
//! ```
//! use msd_century::data::{load_splits, DataOptions, DataSource, SplitOptions};
//! use msd_century::model::{evaluate, Init, Model, Params, Training};
//! use msd_century::train::{NewtonSettings, SgdSettings};
//! use msd_century::Silent;
//!
//! # fn main() -> msd_century::Result<()> {
//! // 5,000 rows of the embedded MSD-like data, split and standardized as the real file is.
//! let options = DataOptions {
//!     source: DataSource::Synthetic { rows: 5_000, seed: 1 },
//!     split: SplitOptions::default(),
//!     use_cache: false,
//!     synthetic_cache: None,
//! };
//! let (table, splits) = load_splits(&options, &Silent)?;
//!
//! // The exact optimum, then 200 steps of mini-batch SGD from zero parameters.
//! let optimum = NewtonSettings::default().check()?.fit(&splits.train)?;
//! let sgd = SgdSettings { iterations: 200, ..SgdSettings::default() }.check()?;
//! let run = sgd.fit(&splits.train, &splits.val, Params::init(90, Init::Zeros))?;
//! let (best, sgd_test) = (evaluate(&optimum.params, &splits.test), evaluate(&run.params, &splits.test));
//! assert!(best.loss < 0.69 && sgd_test.loss < 0.69);
//!
//! // A model predicts from raw features: it carries the standardization and the threshold.
//! let training = Training::new("newton", serde_json::json!({}), 1, table.provenance.clone());
//! let model = Model::new(&optimum.params, &splits.standardizer, 2000, training);
//! let p = model.probability(table.features(0)).expect("a finite row");
//! assert!((0.0..=1.0).contains(&p));
//! # Ok(())
//! # }
//! ```

#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod atomic;
pub mod data;
mod engine;
pub mod error;
pub mod experiments;
#[cfg(feature = "internals")]
pub mod internals;
pub mod model;
pub mod observer;
pub mod output_dir;
pub mod report;
pub mod train;

pub use error::{Error, Result, Setting};
pub use observer::{Event, Note, Observer, Silent, Task};

/// Version of the crate, written into model files and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
