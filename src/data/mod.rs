//! From a source (text, zip, gz or the embedded generator) to standardized splits.
//!
//! ```text
//! source -> parse (or cache) -> RawTable -> labels + split -> Standardizer -> Splits
//! ```

pub mod cache;
pub mod fetch;
pub mod inspect;
pub mod matrix;
pub(crate) mod memory;
pub mod split;
pub mod standardize;
pub mod synthetic;
pub mod table;
pub mod uci;
pub mod write;

pub use matrix::Matrix;
pub use split::{split, Dataset, SplitOptions, SplitSizes, Splits};
pub use standardize::Standardizer;
pub use table::{Provenance, RawTable, FULL_ROWS, N_FEATURES, N_FIELDS};

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Environment variable naming the default data source.
pub const DATA_ENV: &str = "MSD_DATA";
/// Default locations of the real file, tried in order.
pub const DEFAULT_PATHS: [&str; 2] = [
    "data/YearPredictionMSD.txt.zip",
    "data/YearPredictionMSD.txt",
];

/// Where the rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    /// A `.txt`/`.csv`, `.zip` or `.gz` file in UCI format.
    File(PathBuf),
    /// The embedded MSD-like generator.
    Synthetic { rows: usize, seed: u64 },
}

impl DataSource {
    /// Reads `--data`: the word `synthetic` or a path.
    pub fn parse(text: &str, rows: Option<usize>, seed: u64) -> DataSource {
        if text == "synthetic" {
            DataSource::Synthetic {
                rows: rows.unwrap_or(FULL_ROWS),
                seed,
            }
        } else {
            DataSource::File(PathBuf::from(text))
        }
    }

    /// The source when `--data` is not given: `$MSD_DATA`, else the real file under `data/`,
    /// else synthetic data. The bool says whether synthetic data was the fallback.
    pub fn default_source(rows: Option<usize>, seed: u64) -> (DataSource, bool) {
        if let Ok(text) = std::env::var(DATA_ENV) {
            if !text.is_empty() {
                return (DataSource::parse(&text, rows, seed), false);
            }
        }
        for path in DEFAULT_PATHS {
            if Path::new(path).is_file() {
                return (DataSource::File(PathBuf::from(path)), false);
            }
        }
        (
            DataSource::Synthetic {
                rows: rows.unwrap_or(FULL_ROWS),
                seed,
            },
            true,
        )
    }
}

/// Options of every command that reads data.
#[derive(Debug, Clone, PartialEq)]
pub struct DataOptions {
    pub source: DataSource,
    pub split: SplitOptions,
    /// Use (and write) the binary cache beside a text source.
    pub use_cache: bool,
    /// Draw progress bars (they are hidden anyway when stderr is not a terminal).
    pub progress: bool,
}

/// Loads the whole table from `source`.
pub fn load_table(source: &DataSource, use_cache: bool, progress: bool) -> Result<RawTable> {
    match source {
        DataSource::File(path) => {
            let values = if use_cache {
                cache::load_or_parse(path, progress)?
            } else {
                uci::parse_file(path, progress)?
            };
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            Ok(RawTable {
                values,
                provenance: Provenance::File {
                    path: path.display().to_string(),
                    bytes,
                },
            })
        }
        DataSource::Synthetic { rows, seed } => {
            if *rows < 2 {
                return Err(Error::Config(format!(
                    "--rows {rows}: synthetic data needs at least 2 rows"
                )));
            }
            Ok(RawTable {
                values: synthetic::generate(*rows, *seed),
                provenance: Provenance::Synthetic {
                    rows: *rows,
                    seed: *seed,
                },
            })
        }
    }
}

/// Loads, labels, splits and standardizes: everything a trainer needs.
pub fn load_splits(options: &DataOptions) -> Result<(RawTable, Splits)> {
    let table = load_table(&options.source, options.use_cache, options.progress)?;
    let splits = split(&table, &options.split)?;
    Ok((table, splits))
}
