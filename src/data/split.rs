//! Labels and splits, as the data set defines them: train and test by file order (every artist
//! stays on one side), validation drawn from the train part by a seeded shuffle.

use super::matrix::Matrix;
use super::standardize::Standardizer;
use super::table::{RawTable, FULL_ROWS, FULL_TRAIN_ROWS, FULL_VAL_ROWS};
use crate::error::{Error, Result, Setting};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// How to cut the rows into train, validation and test sets.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SplitOptions {
    /// A song is positive when its year is strictly greater than this.
    pub year_threshold: i32,
    /// Rows (from the top of the file) in the train part; `None`: the data set's own split.
    pub train_rows: Option<usize>,
    /// Rows of the train part moved to validation; `None`: 50,000 of the full file's train part,
    /// the same fraction otherwise; 0: no validation set.
    pub val_rows: Option<usize>,
    /// Seed of the shuffle that picks the validation rows.
    pub seed: u64,
}

impl Default for SplitOptions {
    fn default() -> Self {
        SplitOptions {
            year_threshold: 2000,
            train_rows: None,
            val_rows: None,
            seed: 1,
        }
    }
}

/// Standardized features and 0/1 targets of one split.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub x: Matrix,
    pub targets: Vec<f64>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The rows as the row engine reads them.
    pub(crate) fn table(&self) -> crate::engine::Table<'_> {
        crate::engine::Table {
            x: self.x.as_slice(),
            cols: self.x.cols(),
            targets: &self.targets,
        }
    }

    /// Share of positive rows (0 for an empty set).
    pub fn positive_share(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.targets.iter().sum::<f64>() / self.len() as f64
        }
    }
}

/// Row counts of the three parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SplitSizes {
    /// Rows of the train part in file order (training plus validation).
    pub train_part: usize,
    /// Rows that train the model.
    pub train: usize,
    pub val: usize,
    pub test: usize,
}

/// The three standardized sets and the statistics that standardized them.
#[derive(Debug, Clone)]
pub struct Splits {
    pub train: Dataset,
    pub val: Dataset,
    pub test: Dataset,
    pub standardizer: Standardizer,
    pub sizes: SplitSizes,
    pub options: SplitOptions,
}

/// Checks the options against a file of `rows` rows and fills in the defaults.
pub fn resolve_sizes(rows: usize, options: &SplitOptions) -> Result<SplitSizes> {
    let train_part = match options.train_rows {
        Some(n) => n,
        None if rows == FULL_ROWS => FULL_TRAIN_ROWS,
        None => (rows as f64 * FULL_TRAIN_ROWS as f64 / FULL_ROWS as f64).round() as usize,
    };
    let bad = |requirement: String| Error::setting(Setting::TrainRows, train_part, requirement);
    if train_part == 0 {
        return Err(bad("must be at least 1".into()));
    }
    if train_part > rows {
        return Err(bad(format!("beyond the {rows} rows of the data")));
    }
    if train_part == rows {
        return Err(bad(format!("leaves no test rows out of {rows}")));
    }
    let val = match options.val_rows {
        Some(n) => n,
        None if train_part == FULL_TRAIN_ROWS && rows == FULL_ROWS => FULL_VAL_ROWS,
        None => {
            (train_part as f64 * FULL_VAL_ROWS as f64 / FULL_TRAIN_ROWS as f64).round() as usize
        }
    };
    if val >= train_part {
        return Err(Error::setting(
            Setting::ValRows,
            val,
            format!("must be smaller than the {train_part} train rows"),
        ));
    }
    Ok(SplitSizes {
        train_part,
        train: train_part - val,
        val,
        test: rows - train_part,
    })
}

/// Labels, splits and standardizes `table`.
pub fn split(table: &RawTable, options: &SplitOptions) -> Result<Splits> {
    let sizes = resolve_sizes(table.rows(), options)?;
    let standardizer = Standardizer::fit(&table.values, 0..sizes.train_part)?;

    let mut order: Vec<usize> = (0..sizes.train_part).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    order.shuffle(&mut rng);
    let (val_rows, train_rows) = order.split_at(sizes.val);
    let test_rows: Vec<usize> = (sizes.train_part..table.rows()).collect();

    let make = |rows: &[usize]| Dataset {
        x: standardizer.transform_rows(&table.values, rows),
        targets: rows
            .iter()
            .map(|&i| label(table.year(i), options.year_threshold))
            .collect(),
    };
    Ok(Splits {
        train: make(train_rows),
        val: make(val_rows),
        test: make(&test_rows),
        standardizer,
        sizes,
        options: options.clone(),
    })
}

/// 1 when the song came out after `threshold`, else 0.
#[inline]
pub fn label(year: f64, threshold: i32) -> f64 {
    if year > threshold as f64 {
        1.0
    } else {
        0.0
    }
}
