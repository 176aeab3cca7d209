//! The library baseline: linfa-logistic on the same standardized rows.
//!
//! linfa-logistic 0.8.1 minimizes (its `logistic_loss`) the **summed** loss plus
//! `(alpha/2)·‖w‖²` over the weights (not the intercept), by L-BFGS (argmin, memory 10,
//! Moré-Thuente line search) until the Euclidean norm of the summed gradient is below
//! `gradient_tolerance`. Our objective is the mean loss + `(l2/2)·‖w‖²`; multiplied by `N` it is
//! linfa's with `alpha = l2·N`. scikit-learn's `C` multiplies the summed loss instead:
//! `C = 1/alpha = 1/(l2·N)`, so its default `C = 1` is `l2 = 1/N`.
//!
//! linfa labels the **more frequent** class as its positive class. The fit is done on labels 0/1
//! and, when linfa took 0 as positive, the weights and intercept are negated, so the returned
//! parameters always give `P(t = 1)` = P(year > threshold).

use super::newton::check_two_classes;
use super::sgd::check_l2;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Params;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};

/// Gradient tolerance per row: linfa stops when `‖Σ gradient‖₂ < GRADIENT_TOLERANCE_PER_ROW·N`,
/// i.e. when the mean gradient's norm is below this. Near the optimum the objective gap is about
/// `½·gᵀH⁻¹g`: on the full-size synthetic data 1e-4 leaves a loss gap of about 3e-8 to Newton's
/// optimum (1e-3 left 1.8e-6, above the 1e-6 the baseline must reach), in two thirds of the time
/// of 1e-5.
pub const GRADIENT_TOLERANCE_PER_ROW: f64 = 1e-4;
/// L-BFGS iterations at most.
pub const MAX_ITERATIONS: u64 = 2_000;

/// Settings of the library baseline as given, unchecked; [`LibrarySettings::check`] validates
/// them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LibrarySettings {
    /// L2 strength of the objective mean loss + (l2/2)·‖w‖²; `None` (the default):
    /// scikit-learn's default `C = 1`, that is `1 / n_train`.
    pub l2: Option<f64>,
}

impl LibrarySettings {
    /// Checks the settings; the error names the one that is wrong.
    pub fn check(self) -> Result<Library> {
        if let Some(l2) = self.l2 {
            check_l2(l2)?;
        }
        Ok(Library { settings: self })
    }
}

/// Checked settings of the library baseline: what fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    settings: LibrarySettings,
}

impl Library {
    /// The settings this was checked from.
    pub fn settings(&self) -> &LibrarySettings {
        &self.settings
    }

    /// The L2 strength used on a training set of `n_train` rows.
    pub fn l2_for(&self, n_train: usize) -> f64 {
        self.settings.l2.unwrap_or(1.0 / n_train as f64)
    }

    /// Fits linfa-logistic on `train`.
    pub fn fit(&self, train: &Dataset) -> Result<LibraryFit> {
        fit(train, self.l2_for(train.len()))
    }
}

/// The library's fit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LibraryFit {
    pub params: Params,
    /// The L2 strength it was fitted with.
    pub l2: f64,
    /// L-BFGS iterations used: always `None`, linfa-logistic 0.8.1 drops the solver's state
    /// (and its count) inside `fit`. The limit is [`MAX_ITERATIONS`].
    pub iterations: Option<usize>,
}

/// Fits with objective mean loss + (l2/2)·‖w‖²; scikit-learn's default C = 1 is l2 = 1/n_train.
fn fit(train: &Dataset, l2: f64) -> Result<LibraryFit> {
    let (n, d) = (train.len(), train.x.cols());
    if n == 0 {
        return Err(Error::NoRows { set: "training" });
    }
    check_two_classes(train)?;
    let x = column_major(train.x.as_slice(), n, d);
    let labels: Array1<usize> = train
        .targets
        .iter()
        .map(|&t| usize::from(t == 1.0))
        .collect();
    let dataset = linfa::Dataset::new(x, labels);
    let fitted = LogisticRegression::default()
        .alpha(l2 * n as f64)
        .gradient_tolerance(GRADIENT_TOLERANCE_PER_ROW * n as f64)
        .max_iterations(MAX_ITERATIONS)
        .fit(&dataset)
        .map_err(|e| Error::Library {
            message: e.to_string(),
        })?;
    let sign = if fitted.labels().pos.class == 1 {
        1.0
    } else {
        -1.0
    };
    let params = Params {
        weights: fitted.params().iter().map(|w| sign * w).collect(),
        bias: sign * fitted.intercept(),
    };
    Ok(LibraryFit {
        params,
        l2,
        iterations: None,
    })
}

/// The rows as a column-major matrix. linfa computes `Xᵀ·r` with ndarray's plain matrix-vector
/// product, one dot product per output element: over row-major rows each of those 90 dots strides
/// across the whole matrix (one cache line per element), over columns each reads one contiguous
/// column. The copy goes by blocks of rows so that the rows it reads stay in cache.
fn column_major(rows: &[f64], n: usize, d: usize) -> Array2<f64> {
    const BLOCK_ROWS: usize = 256;
    let mut columns = vec![0.0; n * d];
    for start in (0..n).step_by(BLOCK_ROWS) {
        let end = (start + BLOCK_ROWS).min(n);
        for j in 0..d {
            let column = &mut columns[j * n..(j + 1) * n];
            for i in start..end {
                column[i] = rows[i * d + j];
            }
        }
    }
    Array2::from_shape_vec((n, d).f(), columns).expect("n·d values for an n×d matrix")
}
