//! A summary of the data as loaded: what `data inspect` prints.

use super::split::{SplitSizes, Splits};
use super::table::{Provenance, RawTable};

/// Rows, split sizes, positive shares and the standardization statistics.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Inspection {
    pub source: Provenance,
    pub synthetic: bool,
    pub rows: usize,
    pub year_min: f64,
    pub year_max: f64,
    pub year_threshold: i32,
    pub sizes: SplitSizes,
    pub positive_share: PositiveShares,
    /// Mean of each feature over the train part (the standardizer's statistics).
    pub feature_mean: Vec<f64>,
    /// Sample standard deviation (n - 1) of each feature over the train part.
    pub feature_std: Vec<f64>,
}

/// Share of songs after the threshold in each split.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PositiveShares {
    pub all: f64,
    pub train: f64,
    pub val: f64,
    pub test: f64,
}

/// Summarizes `table` and its `splits`.
pub fn inspect(table: &RawTable, splits: &Splits) -> Inspection {
    let years = (0..table.rows()).map(|i| table.year(i));
    let (year_min, year_max) = years.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    let threshold = splits.options.year_threshold;
    let positives = (0..table.rows())
        .filter(|&i| table.year(i) > threshold as f64)
        .count();
    Inspection {
        source: table.provenance.clone(),
        synthetic: table.provenance.is_synthetic(),
        rows: table.rows(),
        year_min,
        year_max,
        year_threshold: threshold,
        sizes: splits.sizes,
        positive_share: PositiveShares {
            all: positives as f64 / table.rows() as f64,
            train: splits.train.positive_share(),
            val: splits.val.positive_share(),
            test: splits.test.positive_share(),
        },
        feature_mean: splits.standardizer.mean.clone(),
        feature_std: splits.standardizer.std.clone(),
    }
}

impl std::fmt::Display for Inspection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.synthetic {
            writeln!(f, "SYNTHETIC DATA (not the real Million Song Dataset)")?;
        }
        writeln!(f, "source      {}", self.source)?;
        writeln!(
            f,
            "rows        {} (years {}-{})",
            self.rows, self.year_min, self.year_max
        )?;
        writeln!(f, "label       year > {}", self.year_threshold)?;
        let s = &self.sizes;
        let p = &self.positive_share;
        writeln!(f, "split       rows      positive share")?;
        writeln!(f, "  all       {:<9} {:.4}", self.rows, p.all)?;
        writeln!(f, "  train     {:<9} {:.4}", s.train, p.train)?;
        writeln!(f, "  val       {:<9} {:.4}", s.val, p.val)?;
        writeln!(f, "  test      {:<9} {:.4}", s.test, p.test)?;
        writeln!(f, "features (train-part statistics)")?;
        writeln!(f, "  #    mean           std")?;
        for (j, (m, sd)) in self.feature_mean.iter().zip(&self.feature_std).enumerate() {
            writeln!(f, "  {:<4} {:<14.6} {:.6}", j + 1, m, sd)?;
        }
        Ok(())
    }
}
