//! The report's answers: for each question of the study, sentences built from the numbers of
//! `results.json` (see [`super::quote`]), whose verdicts ("within noise", "beyond noise",
//! "settled") follow the flags and signs stored there.

mod final_eval;
mod protocol;
mod runs;

pub use final_eval::final_eval;
pub use protocol::{producer_effect, test_statistics};
pub use runs::{grid, lr_demo, monte_carlo};

use super::quote::{Fmt, Part, Quote};
use crate::error::Result;

/// `value [low, high]` of the accuracy at `path` (a set's metrics).
fn accuracy_with_interval(q: &Quote, path: &str) -> Result<Vec<Part>> {
    Ok(vec![
        q.num(&format!("{path}/accuracy"), Fmt::Dec(4))?,
        q.num(&format!("{path}/accuracy_ci/low"), Fmt::Dec(4))?,
        q.num(&format!("{path}/accuracy_ci/high"), Fmt::Dec(4))?,
    ])
}

/// The hole text of [`accuracy_with_interval`].
const ACCURACY: &str = "{} [{}, {}]";
