//! `load`: the splits of the command line's data options, as numpy arrays.

use crate::arrays::{split_arrays, vector};
use crate::work::run;
use msd_century::data::{load_splits, DataOptions, DataSource, SplitOptions};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Loads, labels, splits and standardizes as the command line does, from `source`: a path or
/// the word `synthetic` (with `rows`, default the full 515,345, and `synthetic_seed`).
///
/// Returns a dict with `X_train`, `y_train`, `X_val`, `y_val`, `X_test`, `y_test` (float64;
/// targets 0/1), `feature_mean`, `feature_std` and `provenance` (JSON text). The choice of a
/// default source ($MSD_DATA, data/) is the Python layer's, as it is the command line's.
#[pyfunction]
#[pyo3(signature = (source, *, rows, synthetic_seed, year_threshold, train_rows, val_rows, seed, cache, on_event=None))]
#[allow(clippy::too_many_arguments)]
pub fn load<'py>(
    py: Python<'py>,
    source: &str,
    rows: Option<usize>,
    synthetic_seed: u64,
    year_threshold: i32,
    train_rows: Option<usize>,
    val_rows: Option<usize>,
    seed: u64,
    cache: bool,
    on_event: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = data_options(
        source,
        rows,
        synthetic_seed,
        SplitOptions {
            year_threshold,
            train_rows,
            val_rows,
            seed,
        },
        cache,
    );
    let (table, splits) = run(py, on_event, move |watch| load_splits(&options, watch))?;
    let provenance = serde_json::to_string(&table.provenance)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    drop(table);
    let out = PyDict::new(py);
    for (name, set) in [
        ("train", splits.train),
        ("val", splits.val),
        ("test", splits.test),
    ] {
        let (x, y) = split_arrays(py, set)?;
        out.set_item(format!("X_{name}"), x)?;
        out.set_item(format!("y_{name}"), y)?;
    }
    out.set_item("feature_mean", vector(py, splits.standardizer.mean))?;
    out.set_item("feature_std", vector(py, splits.standardizer.std))?;
    out.set_item("provenance", provenance)?;
    Ok(out)
}

/// The data options of the command line's flags, with the synthetic data's cache in the user's
/// cache directory (`$XDG_CACHE_HOME/msd-century`, else `~/.cache/msd-century`), as the command
/// line chooses it.
pub fn data_options(
    source: &str,
    rows: Option<usize>,
    synthetic_seed: u64,
    split: SplitOptions,
    cache: bool,
) -> DataOptions {
    DataOptions {
        source: DataSource::parse(source, rows, synthetic_seed),
        split,
        use_cache: cache,
        synthetic_cache: msd_century::data::cache::user_cache_dir(
            std::env::var_os("XDG_CACHE_HOME"),
            std::env::var_os("HOME"),
        ),
    }
}
