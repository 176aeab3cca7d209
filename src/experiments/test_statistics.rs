//! The leak of test statistics, measured: the optimum's test accuracy when the test rows are
//! standardized with their own mean and standard deviation (the mistake of fitting a scaler on
//! the test set) beside its accuracy with the training statistics (the protocol).
//!
//! The same model on the same rows, so the two are paired: McNemar's test on the rows where the
//! two standardizations change the prediction.

use crate::data::{Dataset, RawTable, Splits, Standardizer};
use crate::error::Result;
use crate::model::metrics::{mcnemar, McNemar, SetMetrics};
use crate::model::Params;

/// The optimum's test metrics under the two standardizations.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TestStatistics {
    /// Test rows standardized with the training part's statistics.
    pub training_statistics: SetMetrics,
    /// Test rows standardized with the test set's own statistics.
    pub test_statistics: SetMetrics,
    /// Test-statistics accuracy minus training-statistics accuracy.
    pub accuracy_difference: f64,
    /// Training statistics first, test statistics second.
    pub mcnemar: McNemar,
}

/// Scores `optimum` on the test rows of `splits` standardized both ways. The test rows are the
/// last rows of `table` (file order).
pub fn run(table: &RawTable, splits: &Splits, optimum: &Params) -> Result<TestStatistics> {
    let test_rows: Vec<usize> = (splits.sizes.train_part..table.rows()).collect();
    let own = Standardizer::fit(&table.values, splits.sizes.train_part..table.rows())?;
    let leaked = Dataset {
        x: own.transform_rows(&table.values, &test_rows),
        targets: splits.test.targets.clone(),
    };
    let (right, wrong) = rayon::join(
        || SetMetrics::of(optimum, &splits.test, "test"),
        || SetMetrics::of(optimum, &leaked, "test"),
    );
    let ((right, right_rows), (wrong, leaked_rows)) = (right?, wrong?);
    let targets = &splits.test.targets;
    Ok(TestStatistics {
        accuracy_difference: wrong.accuracy - right.accuracy,
        mcnemar: mcnemar(right_rows.correct(targets), leaked_rows.correct(targets)),
        training_statistics: right,
        test_statistics: wrong,
    })
}
