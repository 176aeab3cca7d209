//! Library errors in the command line's words: a setting named by its flag, a hint where the
//! library's message leaves the fix to the caller.

use msd_century::{Error, Setting};

/// The flag that sets `setting`.
pub fn flag(setting: Setting) -> String {
    match setting {
        Setting::LearningRate => "--lr".into(),
        Setting::BatchSize => "--batch-size".into(),
        Setting::Iterations => "--iters".into(),
        Setting::EvalEvery => "--eval-every".into(),
        Setting::L2 => "--l2".into(),
        Setting::Tolerance => "the Newton tolerance".into(),
        Setting::MaxIterations => "the Newton iteration limit".into(),
        Setting::SyntheticRows => "--rows".into(),
        Setting::TrainRows => "--train-rows".into(),
        Setting::ValRows => "--val-rows".into(),
        Setting::Study(field) => format!("study setting {field}"),
    }
}

/// The message of `err` for the command line.
pub fn message(err: &Error) -> String {
    match err {
        Error::InvalidSetting {
            setting,
            value,
            requirement,
        } => format!("{} {value}: {requirement}", flag(*setting)),
        Error::BatchTooLarge {
            batch_size,
            train_rows,
        } => format!("--batch-size {batch_size} is larger than the {train_rows} training rows"),
        Error::Separable { .. } => format!("{err}, e.g. --l2 1e-6"),
        Error::NoConvergence { .. } => {
            format!("{err}; if the classes are (nearly) separable, add --l2")
        }
        other => other.to_string(),
    }
}
