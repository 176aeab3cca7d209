//! Outputs of the study: `results.json`, one CSV history per run, plots (SVG and PNG) and one
//! self-contained HTML report.

mod chart;
mod csv;
mod html;
mod palette;
mod plots;
mod roc_plot;
mod write;

pub use csv::write_history_csv;
pub use write::{write_outputs, Outputs};
