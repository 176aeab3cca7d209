//! Outputs of the study: `results.json`, one CSV history per run, plots (SVG and PNG) and one
//! self-contained HTML report.

pub mod chart;
pub mod csv;
pub mod html;
pub mod palette;
pub mod plots;
pub mod roc_plot;
pub mod write;

pub use write::{write_outputs, Outputs};
