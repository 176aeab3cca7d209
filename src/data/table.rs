//! The parsed data file: one row per song, the year then the 90 features.

use super::matrix::Matrix;
use std::fmt;

/// Audio features per song in YearPredictionMSD.
pub const N_FEATURES: usize = 90;
/// Fields per line: the year and the features.
pub const N_FIELDS: usize = N_FEATURES + 1;
/// Rows of the full YearPredictionMSD file.
pub const FULL_ROWS: usize = 515_345;
/// Train rows of the full file (the data set's own split: the first 463,715 lines).
pub const FULL_TRAIN_ROWS: usize = 463_715;
/// Validation rows taken from the train part of the full file.
pub const FULL_VAL_ROWS: usize = 50_000;

/// Where the rows came from, carried into every report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// A file on disk (its path as given, its size in bytes).
    File { path: String, bytes: u64 },
    /// The embedded generator.
    Synthetic { rows: usize, seed: u64 },
}

impl Provenance {
    pub fn is_synthetic(&self) -> bool {
        matches!(self, Provenance::Synthetic { .. })
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provenance::File { path, .. } => write!(f, "{path}"),
            Provenance::Synthetic { rows, seed } => {
                write!(f, "synthetic MSD-like data ({rows} rows, seed {seed})")
            }
        }
    }
}

/// The whole file as numbers: `values` is `rows x 91`, column 0 the year.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTable {
    pub values: Matrix,
    pub provenance: Provenance,
}

impl RawTable {
    pub fn rows(&self) -> usize {
        self.values.rows()
    }

    /// Release year of row `i`.
    pub fn year(&self, i: usize) -> f64 {
        self.values.row(i)[0]
    }

    /// The 90 raw features of row `i`.
    pub fn features(&self, i: usize) -> &[f64] {
        &self.values.row(i)[1..]
    }
}
