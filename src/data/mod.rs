//! From a source (text, zip, gz or the embedded generator) to standardized splits.
//!
//! ```text
//! source -> parse (or cache) -> RawTable -> labels + split -> Standardizer -> Splits
//! ```

pub mod cache;
pub mod fetch;
pub mod inspect;
pub mod matrix;
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

use crate::error::Result;
use crate::observer::Observer;
use std::path::PathBuf;

/// Where the rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    /// A `.txt`/`.csv`, `.zip` or `.gz` file in UCI format; `-` is standard input, read (like a
    /// pipe or a FIFO) as a stream, without a cache.
    File(PathBuf),
    /// The embedded MSD-like generator.
    Synthetic { rows: usize, seed: u64 },
}

impl DataSource {
    /// Reads a source as the command line names it: the word `synthetic` (with `rows`, default
    /// the full 515,345, and `seed`) or a path.
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
}

/// Options of every load: where from, how to split, whether to use the binary cache.
#[derive(Debug, Clone, PartialEq)]
pub struct DataOptions {
    pub source: DataSource,
    pub split: SplitOptions,
    /// Use (and write) the binary cache beside a text source.
    pub use_cache: bool,
    /// Directory of the synthetic data's cache (the caller chooses it, e.g. a user cache
    /// directory); `None`: generate the rows every time. Used only when `use_cache` is set.
    pub synthetic_cache: Option<PathBuf>,
}

/// Bytes of memory that loading and splitting `rows` rows takes at its peak: the raw table
/// (`rows x 91` doubles) and the standardized splits beside it (`rows x 90` doubles and a
/// target each); `None` when the count does not even fit in 64 bits.
pub fn load_bytes(rows: usize) -> Option<u64> {
    (rows as u64).checked_mul(((N_FIELDS + N_FEATURES + 1) * 8) as u64)
}

/// Loads the whole table from `source`, reporting notes and reading progress to `observer`.
pub fn load_table(
    source: &DataSource,
    use_cache: bool,
    observer: &dyn Observer,
) -> Result<RawTable> {
    match source {
        DataSource::File(path) => {
            let values = if use_cache {
                cache::load_or_parse(path, observer)?
            } else {
                uci::parse_file(path, observer)?
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
            synthetic::check_rows(*rows)?;
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
pub fn load_splits(options: &DataOptions, observer: &dyn Observer) -> Result<(RawTable, Splits)> {
    let table = match (&options.source, &options.synthetic_cache) {
        (DataSource::Synthetic { rows, seed }, Some(dir)) if options.use_cache => RawTable {
            values: cache::load_synthetic(dir, *rows, *seed, observer)?.0,
            provenance: Provenance::Synthetic {
                rows: *rows,
                seed: *seed,
            },
        },
        (source, _) => load_table(source, options.use_cache, observer)?,
    };
    let splits = split(&table, &options.split)?;
    Ok((table, splits))
}
