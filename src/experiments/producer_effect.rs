//! The producer effect, measured: the exact optimum fitted on a random split of the same sizes
//! beside the one fitted on the data set's own split.
//!
//! The data set's split is in file order and keeps every artist on one side; a random split puts
//! songs of one artist on both sides, where a model can score by recognising an artist's sound
//! rather than the era. The random split here follows the same protocol (training part of the
//! same size, standardized with its own mean and standard deviation; the same number of rows
//! left out as validation rows; a test set of the same size), drawn by a seeded shuffle of all
//! rows. Only the test accuracies are compared: they come from different rows, so their
//! difference has the standard error of independent samples.

use crate::data::split::label;
use crate::data::{Dataset, Matrix, RawTable, Splits, Standardizer, N_FEATURES};
use crate::error::Result;
use crate::model::metrics::{Difference, SetMetrics};
use crate::observer::{Muted, Observer};
use crate::train::Newton;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// The optimum on the random split.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RandomSplit {
    /// Seed of the shuffle of all rows.
    pub seed: u64,
    pub train_rows: usize,
    pub newton_iterations: usize,
    /// Its test set's metrics.
    pub test: SetMetrics,
    /// Share of positives in its test set.
    pub test_positive_share: f64,
}

/// Test accuracy of the optimum on the data set's split and on a random one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProducerEffect {
    /// The data set's own split, by artist (the optimum of the final comparison).
    pub artist_split: SetMetrics,
    pub artist_test_positive_share: f64,
    pub random_split: RandomSplit,
    /// Random-split test accuracy minus the artist split's.
    pub accuracy_difference: Difference,
}

impl ProducerEffect {
    /// The comparison of `random` with the optimum's test metrics on the data set's split.
    pub fn new(random: RandomSplit, artist_split: SetMetrics, artist_share: f64) -> Self {
        ProducerEffect {
            accuracy_difference: Difference::proportions(
                artist_split.accuracy,
                artist_split.n,
                random.test.accuracy,
                random.test.n,
            ),
            artist_split,
            artist_test_positive_share: artist_share,
            random_split: random,
        }
    }
}

/// The raw features of the rows of `table` named by `rows` (sorted, for a sequential read).
fn raw_rows(table: &RawTable, rows: &[usize]) -> Matrix {
    Matrix::from_rows(rows.len(), N_FEATURES, |k, dst| {
        dst.copy_from_slice(table.features(rows[k]))
    })
}

/// Fits the optimum on a random split of `table` with the sizes of `splits` and scores it on
/// that split's test rows.
pub fn fit_random_split(
    table: &RawTable,
    splits: &Splits,
    newton: &Newton,
    seed: u64,
    observer: &dyn Observer,
) -> Result<RandomSplit> {
    let sizes = splits.sizes;
    let threshold = splits.options.year_threshold;
    let mut order: Vec<usize> = (0..table.rows()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let (part, test_rows) = order.split_at_mut(sizes.train_part);
    let (train_rows, held_out) = part.split_at_mut(sizes.train);
    train_rows.sort_unstable();
    held_out.sort_unstable();
    test_rows.sort_unstable();
    let targets = |rows: &[usize]| -> Vec<f64> {
        rows.iter()
            .map(|&i| label(table.year(i), threshold))
            .collect()
    };

    // The training part's statistics, then its training rows standardized in place (the
    // held-out rows, last, are dropped): one copy of the rows at a time.
    let raw = raw_rows(table, part);
    let standardizer = Standardizer::fit(&raw, 0..sizes.train_part)?;
    let mut values = raw.into_vec();
    values.truncate(sizes.train * N_FEATURES);
    values
        .par_chunks_mut(N_FEATURES)
        .for_each(|row| standardizer.apply(row));
    let train = Dataset {
        x: Matrix::from_vec(sizes.train, N_FEATURES, values),
        targets: targets(&part[..sizes.train]),
    };
    let fit = newton.fit_observed(&train, &Muted(observer))?;
    drop(train);

    let test = Dataset {
        x: standardizer.transform_rows(&table.values, test_rows),
        targets: targets(test_rows),
    };
    let (metrics, _) = SetMetrics::of(&fit.params, &test, "random-split test")?;
    Ok(RandomSplit {
        seed,
        train_rows: sizes.train,
        newton_iterations: fit.iterations,
        test: metrics,
        test_positive_share: test.positive_share(),
    })
}
