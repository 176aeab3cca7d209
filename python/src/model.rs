//! `Model`: the command line's `model.json` (weights and bias on standardized features, the
//! standardization, the year threshold, how it was trained), predicting from raw features.

use crate::arrays::{row_major, values, vector, view};
use crate::errors::to_py;
use msd_century::data::{Provenance, Standardizer, N_FEATURES, N_FIELDS};
use msd_century::model::{self, Params, Training};
use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::PathBuf;

/// A model file of msd-century (`model.json`): `P(year > year_threshold)` from the 90 raw
/// timbre features of a song.
///
/// `Model.load(path)` reads and validates a file written by the command line's `train` (or by
/// `save`); `Model(coef, intercept, feature_mean, feature_std, ...)` makes one from parameters
/// fitted on features standardized with `feature_mean` and `feature_std` (for example a
/// `LogisticRegression` fitted on the arrays of `load_msd()`).
#[pyclass(name = "Model", module = "msd_century._core", frozen)]
pub struct PyModel {
    inner: model::Model,
}

fn json_err(e: serde_json::Error) -> PyErr {
    PyValueError::new_err(e.to_string())
}

#[pymethods]
impl PyModel {
    #[new]
    #[pyo3(signature = (coef, intercept, feature_mean, feature_std, *, year_threshold=2000, solver="newton", settings="{}", seed=1, provenance=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        coef: PyReadonlyArray1<'_, f64>,
        intercept: f64,
        feature_mean: PyReadonlyArray1<'_, f64>,
        feature_std: PyReadonlyArray1<'_, f64>,
        year_threshold: i32,
        solver: &str,
        settings: &str,
        seed: u64,
        provenance: Option<&str>,
    ) -> PyResult<Self> {
        let params = Params {
            weights: values(&coef)?,
            bias: intercept,
        };
        let standardizer = Standardizer {
            mean: values(&feature_mean)?,
            std: values(&feature_std)?,
        };
        let settings: serde_json::Value = serde_json::from_str(settings).map_err(json_err)?;
        let data: Provenance = match provenance {
            Some(text) => serde_json::from_str(text).map_err(json_err)?,
            None => Provenance::File {
                path: "(arrays given in Python)".into(),
                bytes: 0,
            },
        };
        let training = Training::new(solver, settings, seed, data);
        let inner = model::Model::new(&params, &standardizer, year_threshold, training);
        inner
            .validate()
            .map_err(|m| PyValueError::new_err(format!("not a valid model: {m}")))?;
        Ok(PyModel { inner })
    }

    /// Reads and validates a model file; errors name the file and the field.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py
            .detach(move || model::Model::load(&path))
            .map_err(to_py)?;
        Ok(PyModel { inner })
    }

    /// Writes the model as `model.json` (pretty JSON, written atomically).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.save(&path)).map_err(to_py)
    }

    /// `P(year > year_threshold)` for each row of raw features (90 a row, or 91 with the year
    /// first, which is ignored), as the command line's `predict` computes it, bit for bit.
    fn probabilities<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let (n, d) = view(&x)?.dim();
        if d != N_FEATURES && d != N_FIELDS {
            return Err(PyValueError::new_err(format!(
                "X has {d} columns: a model file predicts from {N_FEATURES} raw features (or \
                 {N_FIELDS} with the year first)"
            )));
        }
        let values = row_major(&x)?;
        let values: &[f64] = &values;
        let skip = d - N_FEATURES;
        let model = &self.inner;
        let scored: Result<Vec<f64>, String> = py.detach(|| {
            let rows = values.chunks_exact(d.max(1)).take(n);
            let first_bad = values[..n * d]
                .par_chunks(d.max(1))
                .position_first(|row| row[skip..].iter().any(|v| !v.is_finite()));
            if let Some(i) = first_bad {
                let row = &values[i * d + skip..(i + 1) * d];
                let j = row.iter().position(|v| !v.is_finite()).unwrap_or(0);
                return Err(format!("row {i}, feature {j}: {} is not finite", row[j]));
            }
            let features: Cow<[f64]> = if skip == 0 {
                Cow::Borrowed(&values[..n * d])
            } else {
                Cow::Owned(rows.flat_map(|row| row[skip..].iter().copied()).collect())
            };
            model
                .probabilities(&features)
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    p.ok_or_else(|| {
                        format!(
                            "row {i}: the features are too large for this model: w·x + b \
                             overflows"
                        )
                    })
                })
                .collect()
        });
        scored.map(|p| vector(py, p)).map_err(PyValueError::new_err)
    }

    /// The weights (on standardized features).
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        vector(py, self.inner.weights.clone())
    }

    #[getter]
    fn bias(&self) -> f64 {
        self.inner.bias
    }

    /// Mean of each raw feature over the training rows.
    #[getter]
    fn feature_mean<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        vector(py, self.inner.feature_mean.clone())
    }

    /// Sample standard deviation of each raw feature over the training rows.
    #[getter]
    fn feature_std<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        vector(py, self.inner.feature_std.clone())
    }

    /// A song is of class 1 when its year is greater than this.
    #[getter]
    fn year_threshold(&self) -> i32 {
        self.inner.year_threshold
    }

    /// How the model was trained (`solver`, `settings`, `seed`, `data`, `software_version`), as
    /// JSON text.
    fn training_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.training)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The whole file as JSON text (what `save` writes).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.inner)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// A model from the JSON text of a model file, validated as `load` validates a file.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let inner: model::Model = serde_json::from_str(text)
            .map_err(|e| PyValueError::new_err(format!("not a model file: {e}")))?;
        inner
            .validate()
            .map_err(|m| PyValueError::new_err(format!("not a valid model: {m}")))?;
        Ok(PyModel { inner })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyModel>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Model(solver={:?}, year_threshold={}, data={})",
            self.inner.training.solver, self.inner.year_threshold, self.inner.training.data
        )
    }
}
