//! numpy arrays in and out.
//!
//! Out: the library's vectors become numpy arrays without a copy (the array takes the vector's
//! buffer). In: the library's [`Dataset`] owns its rows, so a fit copies the rows once, straight
//! from the array's memory (C-contiguous or not) into the library's layout; scoring reads the
//! array in place when it is C-contiguous.

use msd_century::data::{Dataset, Matrix};
use numpy::ndarray::{Array1, Array2, ArrayView, Dimension};
use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyReadonlyArray, PyReadonlyArray1, PyReadonlyArray2,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::borrow::Cow;

/// A view of `x`. numpy allows arrays whose data are not aligned for their type (a buffer
/// unpickled at an odd offset, say); reading those as `f64` is not allowed, so they are refused
/// here (the Python layer passes aligned copies).
pub fn view<'a, D: Dimension>(
    x: &'a PyReadonlyArray<'_, f64, D>,
) -> PyResult<ArrayView<'a, f64, D>> {
    if x.len() > 0 && !x.is_aligned() {
        return Err(PyValueError::new_err(
            "the array's data are not aligned for float64: pass numpy.require(a, requirements=\"A\")",
        ));
    }
    Ok(x.as_array())
}

/// The values of a 1-D array.
pub fn values(x: &PyReadonlyArray1<'_, f64>) -> PyResult<Vec<f64>> {
    Ok(view(x)?.iter().copied().collect())
}

/// The values of `x`, row after row: borrowed when the array is C-contiguous, else copied.
pub fn row_major<'a>(x: &'a PyReadonlyArray2<'_, f64>) -> PyResult<Cow<'a, [f64]>> {
    let view = view(x)?;
    // `as_slice` also accepts a Fortran-ordered array, whose memory holds columns, not rows.
    Ok(match x.as_slice() {
        Ok(values) if x.is_c_contiguous() => Cow::Borrowed(values),
        _ => Cow::Owned(view.iter().copied().collect()),
    })
}

/// A data set of the rows of `x` and their 0/1 `targets` (copied into the library's layout).
pub fn dataset(
    x: &PyReadonlyArray2<'_, f64>,
    targets: &PyReadonlyArray1<'_, f64>,
) -> PyResult<Dataset> {
    let (n, d) = view(x)?.dim();
    let t = view(targets)?;
    if t.len() != n {
        return Err(PyValueError::new_err(format!(
            "X has {n} rows but y has {} values",
            t.len()
        )));
    }
    if let Some(bad) = t.iter().find(|&&v| v != 0.0 && v != 1.0) {
        return Err(PyValueError::new_err(format!(
            "targets must be 0 or 1, found {bad}"
        )));
    }
    // One copy into the library's layout, filled on every core.
    let x = match row_major(x)? {
        Cow::Borrowed(values) => Matrix::copy_of(values, d),
        Cow::Owned(values) => Some(Matrix::from_vec(n, d, values)),
    }
    .unwrap_or_else(|| Matrix::from_vec(n, d, Vec::new()));
    Ok(Dataset {
        x,
        targets: t.iter().copied().collect(),
    })
}

/// `values` as a 1-D array, without a copy.
pub fn vector(py: Python<'_>, values: Vec<f64>) -> Bound<'_, PyArray1<f64>> {
    Array1::from_vec(values).into_pyarray(py)
}

/// `values` (row-major, `cols` a row) as a 2-D array, without a copy.
pub fn matrix(py: Python<'_>, values: Vec<f64>, cols: usize) -> PyResult<Bound<'_, PyArray2<f64>>> {
    let rows = values.len().checked_div(cols).unwrap_or(0);
    Array2::from_shape_vec((rows, cols), values)
        .map(|a| a.into_pyarray(py))
        .map_err(|e| PyValueError::new_err(format!("array shape: {e}")))
}

/// Features and targets as numpy arrays.
pub type Arrays<'py> = (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray1<f64>>);

/// The rows of a data set as `(X, y)`, without a copy.
pub fn split_arrays(py: Python<'_>, data: Dataset) -> PyResult<Arrays<'_>> {
    let cols = data.x.cols();
    let x = matrix(py, data.x.into_vec(), cols)?;
    Ok((x, vector(py, data.targets)))
}
