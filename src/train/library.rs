//! The library baseline: linfa-logistic on the same standardized rows.

use crate::data::Dataset;
use crate::error::Result;
use crate::model::Params;

/// The library's fit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LibraryFit {
    pub params: Params,
    pub iterations: usize,
}

/// Fits with objective mean loss + (l2/2)·‖w‖²; scikit-learn's default C = 1 is l2 = 1/n_train.
pub fn fit_library(train: &Dataset, l2: f64) -> Result<LibraryFit> {
    let _ = (train, l2);
    unimplemented!("fit_library")
}
