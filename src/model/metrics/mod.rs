//! What a fitted model's predictions say, and how sure one can be of it: per-row probabilities
//! and losses ([`predict_rows`]), loss and accuracy with their uncertainty ([`SetMetrics`]), the
//! confusion matrix with precision, recall and F1 ([`Confusion`]), the ROC curve and its area
//! ([`roc`]), Wilson intervals and differences in standard errors ([`uncertainty`]), and
//! McNemar's test on paired predictions ([`mcnemar()`]). `evaluate` and the study both use them.
//!
//! Per-row values come from the public math of [`crate::model::logistic`] (one row at a time,
//! rows in parallel, every sum serial in row order): the same bits on any number of threads.

mod classification;
pub mod mcnemar;
pub mod roc;
mod rows;
mod set;
pub mod uncertainty;

pub use classification::{Classification, Confusion};
pub use mcnemar::{mcnemar, McNemar};
pub use roc::{roc_auc, roc_curve, RocPoint};
pub use rows::{predict_rows, predict_rows_many, RowPredictions};
pub use set::SetMetrics;
pub use uncertainty::{wilson, Difference, Interval, CONFIDENCE, Z95};
