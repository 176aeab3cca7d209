//! `msd_century._core`: the compiled module of the Python package `msd_century`.
//!
//! A thin layer over the public API of the `msd-century` library: it converts numpy arrays and
//! Python values into the library's types and back, runs long work with the GIL released (and
//! stops it on Ctrl-C), and turns the library's errors into Python exceptions. It holds no model
//! math of its own: every loss, gradient, Hessian, probability and fit is the library's. The
//! Python layer (`msd_century/*.py`) holds the scikit-learn conventions, label mapping and input
//! checks.

mod arrays;
mod data;
mod errors;
mod fit;
mod model;
mod study;
mod work;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", msd_century::VERSION)?;
    m.add_function(wrap_pyfunction!(data::load, m)?)?;
    m.add_function(wrap_pyfunction!(fit::fit_newton, m)?)?;
    m.add_function(wrap_pyfunction!(fit::fit_sgd, m)?)?;
    m.add_function(wrap_pyfunction!(fit::fit_library, m)?)?;
    m.add_function(wrap_pyfunction!(fit::logits, m)?)?;
    m.add_function(wrap_pyfunction!(fit::probabilities, m)?)?;
    m.add_function(wrap_pyfunction!(fit::block_stats, m)?)?;
    m.add_function(wrap_pyfunction!(study::run_study, m)?)?;
    m.add_class::<model::PyModel>()?;
    Ok(())
}
