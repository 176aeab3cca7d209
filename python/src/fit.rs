//! The trainers and the model math of the library on numpy arrays: fits (with the GIL released
//! and Ctrl-C honoured, see [`crate::work`]), scores, and one block's Newton sums.
//!
//! Every function takes the features as a float64 array and the targets as 0/1 float64 values;
//! the Python layer checks inputs and maps class labels to 0/1 first.

use crate::arrays::{dataset, matrix, row_major, values, vector, view};
use crate::errors::to_py;
use crate::work::run;
use msd_century::data::Dataset;
use msd_century::model::{self, Init, Params};
use msd_century::train::{LibrarySettings, NewtonSettings, SgdSettings, MAX_ITERATIONS};
use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

fn params(coef: &PyReadonlyArray1<'_, f64>, intercept: f64) -> PyResult<Params> {
    Ok(Params {
        weights: values(coef)?,
        bias: intercept,
    })
}

/// The fitted parameters as a dict: `coef` (1-D), `intercept`.
fn fitted<'py>(py: Python<'py>, params: Params) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("coef", vector(py, params.weights))?;
    out.set_item("intercept", params.bias)?;
    Ok(out)
}

/// The exact optimum of mean loss + (l2/2)·‖w‖² by the library's Newton solver.
///
/// Returns `coef`, `intercept`, `n_iter` (steps on all rows), `warm_start_iterations` (steps on
/// the warm start's subsample), `gradient_max_norm`, `objective`, `hessian_evaluations`.
#[pyfunction]
#[pyo3(signature = (x, t, *, l2, tol, max_iter, on_event=None))]
pub fn fit_newton<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    l2: f64,
    tol: f64,
    max_iter: usize,
    on_event: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let newton = NewtonSettings {
        l2,
        tolerance: tol,
        max_iterations: max_iter,
    }
    .check()
    .map_err(to_py)?;
    let train = dataset(&x, &t)?;
    let fit = run(py, on_event, move |watch| {
        newton.fit_observed(&train, watch)
    })?;
    let out = fitted(py, fit.params)?;
    out.set_item("n_iter", fit.iterations)?;
    out.set_item("warm_start_iterations", fit.warm_start_iterations)?;
    out.set_item("gradient_max_norm", fit.gradient_max_norm)?;
    out.set_item("objective", fit.objective)?;
    out.set_item("hessian_evaluations", fit.hessian_evaluations)?;
    Ok(out)
}

/// Mini-batch SGD from `init` (`zeros`, or `normal` drawn with `seed`), evaluated on the
/// validation rows when there are any.
///
/// Returns `coef`, `intercept`, `n_iter` (iterations run), `diverged_at` (an iteration or
/// `None`) and the history as three arrays: `history_iter`, `history_val_loss`,
/// `history_val_accuracy`.
#[pyfunction]
#[pyo3(signature = (x, t, x_val, t_val, *, learning_rate, batch_size, max_iter, eval_every, l2, seed, init, on_event=None))]
#[allow(clippy::too_many_arguments)]
pub fn fit_sgd<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    x_val: Option<PyReadonlyArray2<'py, f64>>,
    t_val: Option<PyReadonlyArray1<'py, f64>>,
    learning_rate: f64,
    batch_size: usize,
    max_iter: usize,
    eval_every: usize,
    l2: f64,
    seed: u64,
    init: &str,
    on_event: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let init = match init {
        "zeros" => Init::Zeros,
        "normal" => Init::Normal { seed },
        other => {
            return Err(PyValueError::new_err(format!(
                "init={other:?}: must be \"zeros\" or \"normal\""
            )))
        }
    };
    let sgd = SgdSettings {
        learning_rate,
        batch_size,
        iterations: max_iter,
        eval_every,
        l2,
        seed,
    }
    .check()
    .map_err(to_py)?;
    let train = dataset(&x, &t)?;
    let val = match (&x_val, &t_val) {
        (Some(xv), Some(tv)) => dataset(xv, tv)?,
        (None, None) => Dataset::default(),
        _ => {
            return Err(PyValueError::new_err(
                "give both X_val and y_val, or neither",
            ))
        }
    };
    let start = Params::init(train.x.cols(), init);
    let fit = run(py, on_event, move |watch| {
        sgd.fit_observed(&train, &val, start, watch)
    })?;
    let points = &fit.history.points;
    let iters: Vec<f64> = points.iter().map(|p| p.iter as f64).collect();
    let losses: Vec<f64> = points.iter().map(|p| p.val_loss).collect();
    let accuracies: Vec<f64> = points.iter().map(|p| p.val_accuracy).collect();
    let diverged_at = fit.history.diverged_at;
    let out = fitted(py, fit.params)?;
    out.set_item("n_iter", diverged_at.unwrap_or(max_iter))?;
    out.set_item("diverged_at", diverged_at)?;
    out.set_item("history_iter", vector(py, iters))?;
    out.set_item("history_val_loss", vector(py, losses))?;
    out.set_item("history_val_accuracy", vector(py, accuracies))?;
    Ok(out)
}

/// The library baseline (linfa-logistic, L-BFGS) with L2 strength `l2`.
///
/// Returns `coef`, `intercept` and `n_iter` (linfa's iteration limit: it does not report how
/// many it used).
#[pyfunction]
#[pyo3(signature = (x, t, *, l2, on_event=None))]
pub fn fit_library<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    l2: f64,
    on_event: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let library = LibrarySettings { l2: Some(l2) }.check().map_err(to_py)?;
    let train = dataset(&x, &t)?;
    let fit = run(py, on_event, move |_| library.fit(&train))?;
    let out = fitted(py, fit.params)?;
    out.set_item("n_iter", fit.iterations.unwrap_or(MAX_ITERATIONS as usize))?;
    Ok(out)
}

/// `w·x + b` for every row of `x`.
#[pyfunction]
pub fn logits<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    coef: PyReadonlyArray1<'py, f64>,
    intercept: f64,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    score(py, &x, &coef, intercept, model::logits)
}

/// `sigmoid(w·x + b)`, the probability of class 1, for every row of `x`.
#[pyfunction]
pub fn probabilities<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    coef: PyReadonlyArray1<'py, f64>,
    intercept: f64,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    score(py, &x, &coef, intercept, model::probabilities)
}

fn score<'py>(
    py: Python<'py>,
    x: &PyReadonlyArray2<'py, f64>,
    coef: &PyReadonlyArray1<'py, f64>,
    intercept: f64,
    f: fn(&Params, &[f64]) -> msd_century::Result<Vec<f64>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (n, d) = view(x)?.dim();
    let params = params(coef, intercept)?;
    if params.len() != d {
        return Err(PyValueError::new_err(format!(
            "X has {d} features, but the model has {} weights",
            params.len()
        )));
    }
    if n == 0 {
        return Ok(vector(py, Vec::new()));
    }
    let values = row_major(x)?;
    let values: &[f64] = &values;
    // Rows of a few hundred thousand take milliseconds: the GIL is released, not the thread.
    let scores = py.detach(|| f(&params, values)).map_err(to_py)?;
    Ok(vector(py, scores))
}

/// What one block of rows contributes to a Newton step at `(coef, intercept)`: `n`, `loss_sum`,
/// `gradient_sum` (the weights' components, then the bias's), `hessian_sum` (`(d+1)×(d+1)`,
/// bias last) and `correct`. Sums over blocks, divided by the total row count, are the mean
/// loss, gradient and Hessian.
#[pyfunction]
pub fn block_stats<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    coef: PyReadonlyArray1<'py, f64>,
    intercept: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let params = params(&coef, intercept)?;
    let d = view(&x)?.dim().1;
    if params.len() != d {
        return Err(PyValueError::new_err(format!(
            "X has {d} features, but coef has {} values",
            params.len()
        )));
    }
    let block = dataset(&x, &t)?;
    let stats = py.detach(move || model::block_stats(&params, &block));
    let out = PyDict::new(py);
    out.set_item("n", stats.n)?;
    out.set_item("loss_sum", stats.loss_sum)?;
    out.set_item("gradient_sum", vector(py, stats.gradient_sum))?;
    out.set_item("hessian_sum", matrix(py, stats.hessian_sum, d + 1)?)?;
    out.set_item("correct", stats.correct)?;
    Ok(out)
}
