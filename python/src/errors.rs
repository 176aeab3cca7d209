//! The library's errors as Python exceptions, in the package's words: a setting is named by the
//! Python parameter that sets it, as the command line names it by its flag.
//!
//! | library error | Python exception |
//! |---|---|
//! | a file that cannot be opened or read (`Io`) | `OSError` with the errno, so `FileNotFoundError`, `PermissionError`, ... |
//! | bad data, bad settings, one class, separable data, shape mismatches | `ValueError` |
//! | a solver that stopped without an answer (no convergence, no decrease, singular Hessian, linfa) | `RuntimeError` |
//! | `Interrupted` (the caller cancelled) | `KeyboardInterrupt` |

use msd_century::{Error, Setting};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::PyErr;

/// The Python parameter that sets `setting`.
pub fn parameter(setting: Setting) -> String {
    match setting {
        Setting::LearningRate => "learning_rate".into(),
        Setting::BatchSize => "batch_size".into(),
        Setting::Iterations | Setting::MaxIterations => "max_iter".into(),
        Setting::EvalEvery => "eval_every".into(),
        Setting::L2 => "l2".into(),
        Setting::Tolerance => "tol".into(),
        Setting::SyntheticRows => "rows".into(),
        Setting::TrainRows => "train_rows".into(),
        Setting::ValRows => "val_rows".into(),
        Setting::Study(field) => format!("study setting {field}"),
    }
}

/// `err` as the Python exception a caller of the package expects.
pub fn to_py(err: Error) -> PyErr {
    match &err {
        Error::Io { path, source } => match source.raw_os_error() {
            Some(code) => {
                let text = source.to_string();
                let strerror = text
                    .strip_suffix(&format!(" (os error {code})"))
                    .unwrap_or(&text)
                    .to_string();
                PyOSError::new_err((code, strerror, path.display().to_string()))
            }
            None => PyOSError::new_err(err.to_string()),
        },
        Error::InvalidSetting {
            setting,
            value,
            requirement,
        } => PyValueError::new_err(format!("{}={value}: {requirement}", parameter(*setting))),
        Error::BatchTooLarge {
            batch_size,
            train_rows,
        } => PyValueError::new_err(format!(
            "batch_size={batch_size} is larger than the {train_rows} training rows"
        )),
        Error::Separable { .. } => PyValueError::new_err(format!(
            "{err}, e.g. C=1.0 (scikit-learn's default) or l2=1e-6"
        )),
        Error::NoConvergence { .. } => PyRuntimeError::new_err(format!(
            "{err}; raise max_iter, or set C or l2 if the classes are (nearly) separable"
        )),
        Error::NoDecrease { .. }
        | Error::SingularHessian { .. }
        | Error::NonFinite { .. }
        | Error::Library { .. }
        | Error::NoUsableGridCell
        | Error::Fetch { .. } => PyRuntimeError::new_err(err.to_string()),
        Error::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
        _ => PyValueError::new_err(err.to_string()),
    }
}
