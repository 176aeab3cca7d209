//! Standardization with training statistics: mean and sample standard deviation (n - 1) of each
//! feature over the train part, applied unchanged to validation and test rows.

use super::matrix::Matrix;
use super::table::N_FEATURES;
use crate::engine::chunked::{add_into, chunked_sum};
use crate::error::{Error, Result, Setting};

/// Rows per chunk of the parallel sums. Fixed, so the sums (and every digit of the result) do not
/// depend on the number of threads.
const CHUNK_ROWS: usize = 8192;

/// Per-feature mean and sample standard deviation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Standardizer {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

/// Mean and sample standard deviation of column `col` over `rows`, computed on the values divided
/// by the largest magnitude `a` (so every term is at most 1 and nothing overflows or underflows
/// to zero), then scaled back: `mean = a·mean(x/a)`, `std = a·std(x/a)`. Serial: only used for
/// columns whose plain sums left the range of a double.
fn scaled_moments(table: &Matrix, rows: std::ops::Range<usize>, col: usize) -> (f64, f64) {
    let n = rows.len() as f64;
    let a = rows
        .clone()
        .map(|i| table.row(i)[col].abs())
        .fold(0.0f64, f64::max);
    if a == 0.0 || !a.is_finite() {
        return (0.0, 0.0);
    }
    let mean_scaled = rows.clone().map(|i| table.row(i)[col] / a).sum::<f64>() / n;
    let squares: f64 = rows
        .map(|i| {
            let d = table.row(i)[col] / a - mean_scaled;
            d * d
        })
        .sum();
    (a * mean_scaled, a * (squares / (n - 1.0)).sqrt())
}

impl Standardizer {
    /// Fits on the `rows` of `table` (a `n x 91` matrix: year then features). Two passes (mean,
    /// then squared deviations) for accuracy; a feature with zero variance is an error.
    pub fn fit(table: &Matrix, rows: std::ops::Range<usize>) -> Result<Standardizer> {
        let n = rows.len();
        if n < 2 {
            return Err(Error::setting(
                Setting::TrainRows,
                n,
                "standardization needs at least 2 train rows",
            ));
        }
        let offset = table.cols() - N_FEATURES;
        let chunk_sums = |f: &(dyn Fn(&[f64], &mut [f64]) + Sync)| -> Vec<f64> {
            let part = |chunk: std::ops::Range<usize>| {
                let mut acc = vec![0.0; N_FEATURES];
                for i in chunk {
                    f(&table.row(rows.start + i)[offset..], &mut acc);
                }
                acc
            };
            chunked_sum(n, CHUNK_ROWS, vec![0.0; N_FEATURES], part, |t, p| {
                add_into(t, &p)
            })
        };
        let sums = chunk_sums(&|x, acc| {
            for (a, v) in acc.iter_mut().zip(x) {
                *a += v;
            }
        });
        let mean: Vec<f64> = sums.iter().map(|s| s / n as f64).collect();
        let squares = chunk_sums(&|x, acc| {
            for ((a, v), m) in acc.iter_mut().zip(x).zip(&mean) {
                let d = v - m;
                *a += d * d;
            }
        });
        let mut mean = mean;
        let mut std: Vec<f64> = squares
            .iter()
            .map(|s| (s / (n - 1) as f64).sqrt())
            .collect();
        for j in 0..N_FEATURES {
            if !(mean[j].is_finite() && std[j].is_finite() && std[j] > 0.0) {
                // Sums of values near 1e300 overflow, squares of values near 1e-300 underflow:
                // the same two passes on the column scaled by its largest magnitude.
                (mean[j], std[j]) = scaled_moments(table, rows.clone(), offset + j);
            }
        }
        for (j, (&s, &m)) in std.iter().zip(&mean).enumerate() {
            if !s.is_finite() || !m.is_finite() {
                return Err(Error::FeatureOutOfRange {
                    feature: j + 1,
                    rows: n,
                });
            }
            // Relative to the feature's scale, so rounding noise on a constant column counts as zero.
            let usable = s > 1e-12 * m.abs().max(f64::MIN_POSITIVE);
            if !usable {
                return Err(Error::ConstantFeature {
                    feature: j + 1,
                    rows: n,
                });
            }
        }
        Ok(Standardizer { mean, std })
    }

    /// Standardizes one row of 90 raw features in place.
    #[inline]
    pub fn apply(&self, features: &mut [f64]) {
        for ((x, m), s) in features.iter_mut().zip(&self.mean).zip(&self.std) {
            *x = (*x - m) / s;
        }
    }

    /// The standardized features of `rows` of `table` (`n x 91`), in the given order.
    pub fn transform_rows(&self, table: &Matrix, rows: &[usize]) -> Matrix {
        let offset = table.cols() - N_FEATURES;
        Matrix::from_rows(rows.len(), N_FEATURES, |k, dst| {
            dst.copy_from_slice(&table.row(rows[k])[offset..]);
            self.apply(dst);
        })
    }
}
