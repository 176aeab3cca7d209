//! The final comparison (design steps 8 and 9 and the exact solver): train, validation and test
//! loss and accuracy of the chosen SGD model, of the exact optimum (Newton) and of the library
//! baseline, with each one's loss gap to the optimum.
//!
//! The optimum minimizes the same objective as SGD (mean cross-entropy plus the study's L2, 0 by
//! default) on the training rows, so its training loss is a floor for SGD's; the library uses
//! scikit-learn's default C = 1 unless told otherwise, so its gap is not exactly zero.

use crate::data::Splits;
use crate::error::Result;
use crate::model::{evaluate, Evaluation, Params};
use crate::observer::{Muted, Observer};
use crate::train::{Library, LibraryFit, Newton, NewtonFit, MAX_ITERATIONS};

/// Loss and accuracy of one model on the three sets, and its loss minus the optimum's.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelScores {
    /// `sgd`, `optimum` or `library`.
    pub name: String,
    /// A label for tables and legends.
    pub label: String,
    pub train: Evaluation,
    pub val: Evaluation,
    pub test: Evaluation,
    pub loss_gap: SplitGaps,
    pub params: Params,
}

/// Loss minus the optimum's loss on each set.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SplitGaps {
    pub train: f64,
    pub val: f64,
    pub test: f64,
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

/// Fits the optimum and the library baseline, in parallel. Neither depends on any SGD run, so
/// the study fits them beside its grid.
pub fn fit_references(
    splits: &Splits,
    newton: &Newton,
    library: &Library,
    observer: &dyn Observer,
) -> Result<References> {
    let (newton_fit, library_fit) = rayon::join(
        || newton.fit_observed(&splits.train, &Muted(observer)),
        || library.fit(&splits.train),
    );
    Ok(References {
        newton: newton_fit?,
        library: library_fit?,
        newton_l2: newton.settings().l2,
    })
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
    let score = |params: &Params| {
        let (train, (val, test)) = rayon::join(
            || evaluate(params, &splits.train),
            || {
                rayon::join(
                    || evaluate(params, &splits.val),
                    || evaluate(params, &splits.test),
                )
            },
        );
        (train, val, test)
    };
    let optimum = score(&newton_fit.params);
    let gaps = |s: &(Evaluation, Evaluation, Evaluation)| SplitGaps {
        train: s.0.loss - optimum.0.loss,
        val: s.1.loss - optimum.1.loss,
        test: s.2.loss - optimum.2.loss,
    };
    let models = [
        ("sgd", "SGD (chosen)", sgd.clone()),
        ("optimum", "Optimum (Newton)", newton_fit.params.clone()),
        ("library", "Library (linfa)", library_fit.params.clone()),
    ]
    .into_iter()
    .map(|(name, label, params)| {
        let s = score(&params);
        ModelScores {
            name: name.into(),
            label: label.into(),
            loss_gap: gaps(&s),
            train: s.0,
            val: s.1,
            test: s.2,
            params,
        }
    })
    .collect();
    Ok(FinalResult {
        chosen,
        models,
        newton_l2,
        newton_iterations: newton_fit.iterations,
        newton_gradient_max_norm: newton_fit.gradient_max_norm,
        library_l2: library_fit.l2,
        library_iterations: library_fit.iterations,
        library_max_iterations: MAX_ITERATIONS,
    })
}
