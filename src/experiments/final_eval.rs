//! The final comparison (design steps 8 and 9 and the exact solver): train, validation and test
//! loss and accuracy of the chosen SGD model, of the exact optimum (Newton) and of the library
//! baseline, each with its uncertainty, its loss gap to the optimum, the differences between its
//! sets in standard errors and its ROC curve on the test set; and McNemar's test of the SGD
//! model against the optimum on the paired test-set predictions.
//!
//! The optimum minimizes the same objective as SGD (mean cross-entropy plus the study's L2, 0 by
//! default) on the training rows, so its training loss is a floor for SGD's; the library uses
//! scikit-learn's default C = 1 unless told otherwise, so its gap is not exactly zero.

use crate::data::{Dataset, Splits};
use crate::error::Result;
use crate::model::metrics::{
    mcnemar, predict_rows_many, roc, Difference, McNemar, RocPoint, RowPredictions, SetMetrics,
};
use crate::model::{evaluate_many, Params};
use crate::train::{LibraryFit, NewtonFit, MAX_ITERATIONS};

/// The ROC curve is stored with a point wherever either rate moved this much: enough to draw it.
pub const ROC_STEP: f64 = 0.005;

/// Loss and accuracy of one model on the three sets, and what they say.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelScores {
    /// `sgd`, `optimum` or `library`.
    pub name: String,
    /// A label for tables and legends.
    pub label: String,
    pub train: SetMetrics,
    pub val: SetMetrics,
    pub test: SetMetrics,
    pub loss_gap: SplitGaps,
    /// Validation minus train, test minus validation, test minus train.
    pub differences: Vec<SetDifference>,
    /// The ROC curve on the test set.
    pub test_roc: Roc,
    pub params: Params,
}

/// Loss minus the optimum's loss on each set.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SplitGaps {
    pub train: f64,
    pub val: f64,
    pub test: f64,
}

/// How one set's accuracy and loss differ from another's (`second - first`), in standard errors
/// of independent samples.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetDifference {
    /// `train`, `val` or `test`.
    pub first: String,
    pub second: String,
    pub accuracy: Difference,
    pub loss: Difference,
}

/// The area under the ROC curve and the curve, thinned to a point every [`ROC_STEP`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Roc {
    pub auc: Option<f64>,
    pub points: Vec<RocPoint>,
}

/// The chosen SGD setting.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Chosen {
    pub learning_rate: f64,
    pub batch_size: usize,
    /// The grid run whose final parameters are the SGD model.
    pub run_id: String,
}

/// The three models side by side: `models` is `[sgd, optimum, library]`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FinalResult {
    pub chosen: Chosen,
    pub models: Vec<ModelScores>,
    /// McNemar's test of the SGD model (first) against the optimum (second) on the test set.
    pub sgd_vs_optimum: McNemar,
    pub newton_l2: f64,
    pub newton_iterations: usize,
    pub newton_gradient_max_norm: f64,
    pub library_l2: f64,
    /// L-BFGS iterations the library used: `None`, linfa-logistic does not report them.
    pub library_iterations: Option<usize>,
    /// The library's iteration limit.
    pub library_max_iterations: u64,
}

/// The two reference models: the exact optimum and the library baseline.
pub struct References {
    newton: NewtonFit,
    library: LibraryFit,
    newton_l2: f64,
}

impl References {
    /// The two fits, `newton_l2` the optimum's L2 strength.
    pub fn new(newton: NewtonFit, library: LibraryFit, newton_l2: f64) -> Self {
        References {
            newton,
            library,
            newton_l2,
        }
    }
}

/// One model's metrics on the three sets, and its per-row predictions on the test set.
struct Scored {
    sets: [SetMetrics; 3],
    test_rows: RowPredictions,
}

/// Scores `models` on the three sets, each set read once for all of them.
fn score(models: &[&Params], splits: &Splits) -> Result<Vec<Scored>> {
    let one = |data: &Dataset, set: &'static str| -> Result<Vec<(SetMetrics, RowPredictions)>> {
        let evaluations = evaluate_many(models, data);
        let rows = predict_rows_many(models, data);
        evaluations
            .into_iter()
            .zip(rows)
            .map(|(e, r)| Ok((SetMetrics::new(e, &r, &data.targets, set)?, r)))
            .collect()
    };
    let train = one(&splits.train, "training")?;
    let val = one(&splits.val, "validation")?;
    let test = one(&splits.test, "test")?;
    Ok(train
        .into_iter()
        .zip(val)
        .zip(test)
        .map(|(((train, _), (val, _)), (test, test_rows))| Scored {
            sets: [train, val, test],
            test_rows,
        })
        .collect())
}

/// The differences between the sets of one model.
fn differences(sets: &[SetMetrics; 3]) -> Vec<SetDifference> {
    let names = ["train", "val", "test"];
    [(0, 1), (1, 2), (0, 2)]
        .into_iter()
        .map(|(a, b)| {
            let (x, y) = (&sets[a], &sets[b]);
            SetDifference {
                first: names[a].into(),
                second: names[b].into(),
                accuracy: Difference::proportions(x.accuracy, x.n, y.accuracy, y.n),
                loss: Difference::independent(
                    x.loss,
                    x.loss_se.unwrap_or(0.0),
                    y.loss,
                    y.loss_se.unwrap_or(0.0),
                ),
            }
        })
        .collect()
}

/// Scores the chosen SGD model and the two references side by side.
pub fn run(
    chosen: Chosen,
    sgd: &Params,
    splits: &Splits,
    references: References,
) -> Result<FinalResult> {
    let References {
        newton: newton_fit,
        library: library_fit,
        newton_l2,
    } = references;
    let named = [
        ("sgd", "SGD (chosen)", sgd.clone()),
        ("optimum", "Optimum (Newton)", newton_fit.params.clone()),
        ("library", "Library (linfa)", library_fit.params.clone()),
    ];
    let params: Vec<&Params> = named.iter().map(|(_, _, p)| p).collect();
    let scored = score(&params, splits)?;
    let optimum = &scored[1].sets;
    let targets = &splits.test.targets;
    let sgd_vs_optimum = mcnemar(
        scored[0].test_rows.correct(targets),
        scored[1].test_rows.correct(targets),
    );
    let models = named
        .into_iter()
        .zip(&scored)
        .map(|((name, label, params), s)| {
            let [train, val, test] = s.sets;
            let curve = roc::roc_curve(&s.test_rows.probabilities, targets);
            ModelScores {
                name: name.into(),
                label: label.into(),
                loss_gap: SplitGaps {
                    train: train.loss - optimum[0].loss,
                    val: val.loss - optimum[1].loss,
                    test: test.loss - optimum[2].loss,
                },
                differences: differences(&s.sets),
                test_roc: Roc {
                    auc: roc::roc_auc(&s.test_rows.probabilities, targets),
                    points: roc::thin(&curve, ROC_STEP),
                },
                train,
                val,
                test,
                params,
            }
        })
        .collect();
    Ok(FinalResult {
        chosen,
        models,
        sgd_vs_optimum,
        newton_l2,
        newton_iterations: newton_fit.iterations,
        newton_gradient_max_norm: newton_fit.gradient_max_norm,
        library_l2: library_fit.l2,
        library_iterations: library_fit.iterations,
        library_max_iterations: MAX_ITERATIONS,
    })
}
