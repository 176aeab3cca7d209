//! The standardization demo: the chosen SGD setting trained on the raw, unstandardized features,
//! beside the same setting on standardized features, to show why step 1 standardizes.
//!
//! The raw sets are rebuilt from the standardized ones as `x_raw = x · std + mean` with the
//! training statistics (exact up to one rounding per value), so they hold the same rows in the
//! same order and the run sees the same batches as its standardized twin.

use super::runs::{run_one, RunResult, RunSpec};
use crate::data::{Dataset, Matrix, Standardizer};
use crate::error::Result;
use crate::observer::Observer;

/// The standardized run (the grid's best cell) and its twin on raw features.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StandardizationResult {
    pub learning_rate: f64,
    pub batch_size: usize,
    pub standardized: RunResult,
    pub raw: RunResult,
}

/// Undoes the standardization of `data`, the rows on every core.
pub fn unstandardize(data: &Dataset, standardizer: &Standardizer) -> Dataset {
    let x = Matrix::from_rows(data.x.rows(), data.x.cols(), |i, row| {
        for (((v, x), m), s) in row
            .iter_mut()
            .zip(data.x.row(i))
            .zip(&standardizer.mean)
            .zip(&standardizer.std)
        {
            *v = x * s + m;
        }
    });
    Dataset {
        x,
        targets: data.targets.clone(),
    }
}

/// Trains the twin of `standardized` (same spec, new id) on raw features.
pub fn run(
    standardized: &RunResult,
    train: &Dataset,
    val: &Dataset,
    standardizer: &Standardizer,
    eval_every: usize,
    observer: &dyn Observer,
) -> Result<StandardizationResult> {
    let (raw_train, raw_val) = rayon::join(
        || unstandardize(train, standardizer),
        || unstandardize(val, standardizer),
    );
    let spec = RunSpec {
        id: format!("standardization_raw_{}", standardized.id),
        learning_rate: standardized.learning_rate,
        batch_size: standardized.batch_size,
        iterations: standardized.iterations,
        eval_every,
        init: standardized.init,
        shuffle_seed: standardized.shuffle_seed,
    };
    let raw = run_one(&spec, &raw_train, &raw_val, observer)?;
    Ok(StandardizationResult {
        learning_rate: standardized.learning_rate,
        batch_size: standardized.batch_size,
        standardized: standardized.clone(),
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstandardize_inverts_the_standardizer() {
        let standardizer = Standardizer {
            mean: vec![10.0, -2.0],
            std: vec![4.0, 0.5],
        };
        let data = Dataset {
            x: Matrix::from_vec(2, 2, vec![0.5, -1.0, -2.0, 4.0]),
            targets: vec![1.0, 0.0],
        };
        let raw = unstandardize(&data, &standardizer);
        assert_eq!(raw.x.as_slice(), &[12.0, -2.5, 2.0, 0.0]);
        assert_eq!(raw.targets, data.targets);
    }
}
