//! The one error type of the library. Every variant names what to fix: a setting by its name, a
//! file with, where it applies, the 1-based line and field. The command line turns settings'
//! names into its own flags; the messages here speak of the library's names.

use std::fmt;
use std::path::PathBuf;

/// A setting of the library, as an error names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    LearningRate,
    BatchSize,
    Iterations,
    EvalEvery,
    L2,
    Tolerance,
    MaxIterations,
    /// Rows of synthetic data to generate.
    SyntheticRows,
    /// Rows of the train part of a data file.
    TrainRows,
    /// Rows of the train part moved to validation.
    ValRows,
    /// A field of the study's configuration, by its path (`grid.batch_sizes`).
    Study(&'static str),
}

impl Setting {
    /// The setting's name in the library (and in JSON): `learning_rate`, `grid.batch_sizes`.
    pub fn name(&self) -> &'static str {
        match self {
            Setting::LearningRate => "learning_rate",
            Setting::BatchSize => "batch_size",
            Setting::Iterations => "iterations",
            Setting::EvalEvery => "eval_every",
            Setting::L2 => "l2",
            Setting::Tolerance => "tolerance",
            Setting::MaxIterations => "max_iterations",
            Setting::SyntheticRows => "rows",
            Setting::TrainRows => "train_rows",
            Setting::ValRows => "val_rows",
            Setting::Study(path) => path,
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Errors of the library; messages are one line and say what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operating-system error on a named file or directory.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A bad value in a text file, located by line and field (both 1-based).
    #[error("{}: line {line}, field {field}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: u64,
        field: usize,
        message: String,
    },

    /// A bad line as a whole (wrong number of fields), located by line (1-based).
    #[error("{}: line {line}: {message}", path.display())]
    Line {
        path: PathBuf,
        line: u64,
        message: String,
    },

    /// A file that cannot be read as what it claims to be (empty, corrupt archive, bad JSON).
    #[error("{}: {message}", path.display())]
    Format { path: PathBuf, message: String },

    /// A setting outside what it may be; found before any work starts.
    #[error("{setting} = {value}: {requirement}")]
    InvalidSetting {
        setting: Setting,
        /// The value as given.
        value: String,
        /// What the value must be, or why it does not fit the data.
        requirement: String,
    },

    /// A mini-batch larger than the training set.
    #[error("batch_size = {batch_size}: larger than the {train_rows} training rows")]
    BatchTooLarge {
        batch_size: usize,
        train_rows: usize,
    },

    /// Parameters with another number of weights than the data has features.
    #[error("the parameters have {weights} weights but the data has {features} features")]
    ShapeMismatch { weights: usize, features: usize },

    /// A set that must not be empty is.
    #[error("no {set} rows")]
    NoRows { set: &'static str },

    /// A feature that cannot be standardized: the same value in every training row.
    #[error(
        "feature {feature} (field {}) has zero variance in the {rows} train rows: it cannot be \
         standardized",
        feature + 1
    )]
    ConstantFeature { feature: usize, rows: usize },

    /// A feature whose mean or spread is beyond the range of a double.
    #[error(
        "feature {feature} (field {}): its mean or standard deviation over the {rows} train rows \
         is beyond the range of a double (values near ±1.8e308): rescale it",
        feature + 1
    )]
    FeatureOutOfRange { feature: usize, rows: usize },

    /// A value that cannot be written in the data format (not finite).
    #[error("cannot write row {row}, field {field}: {value} is not a finite number")]
    Unwritable {
        row: usize,
        field: usize,
        value: f64,
    },

    /// Every training row has the same class: there is nothing to separate.
    #[error("every one of the {rows} training rows is of class {class}: a classifier needs both")]
    OneClass { rows: usize, class: u8 },

    /// Without L2 the loss has no finite minimum when the classes are linearly separable.
    #[error(
        "{solver} solver: {detail}: the classes look linearly separable, so the loss has no \
         finite minimum without regularization; add an L2 term"
    )]
    Separable {
        solver: &'static str,
        detail: String,
    },

    /// The Hessian cannot be factored although an L2 term keeps it positive definite in theory.
    #[error("{solver} solver: the Hessian is singular")]
    SingularHessian { solver: &'static str },

    /// An iterative solver stopped at its iteration limit.
    #[error(
        "{solver} solver: no convergence in {iterations} iterations (max |gradient| \
         {gradient_max_norm:.3e})"
    )]
    NoConvergence {
        solver: &'static str,
        iterations: usize,
        gradient_max_norm: f64,
    },

    /// The Newton line search found no step that lowers the objective.
    #[error(
        "{solver} solver: the line search found no decrease at max |gradient| \
         {gradient_max_norm:.3e}"
    )]
    NoDecrease {
        solver: &'static str,
        gradient_max_norm: f64,
    },

    /// A solver met a loss or gradient that is not finite.
    #[error("{solver} solver: non-finite loss or gradient")]
    NonFinite { solver: &'static str },

    /// The library baseline (linfa-logistic) failed.
    #[error("library baseline (linfa-logistic): {message}")]
    Library { message: String },

    /// SGD runs trained together must share their batches.
    #[error("runs in lockstep must share batch size, iterations, evaluation interval and seed")]
    NotInLockstep,

    /// Every cell of the study's grid diverged or was skipped: there is no setting to choose.
    #[error(
        "every grid cell diverged or was skipped: no SGD setting to choose; try smaller learning \
         rates or batch sizes"
    )]
    NoUsableGridCell,

    /// An output directory that another process is writing.
    #[error(
        "{} is being written by another process ({holder}): wait for it to finish, or write \
         elsewhere",
        dir.display()
    )]
    Busy { dir: PathBuf, holder: String },

    /// The caller asked for the work to stop (see `Observer::cancelled`).
    #[error("interrupted")]
    Interrupted,

    /// A download failed or gave a file that is not the data set.
    #[error("download from {url}: {message}")]
    Fetch { url: String, message: String },

    /// Every address of a download failed: each with why, and where to put the file by hand.
    #[error(
        "{}; download it by hand (from {}) and save it as {}",
        attempts.iter().map(|(url, why)| format!("download from {url}: {why}")).collect::<Vec<_>>().join("; "),
        attempts.first().map_or("", |(url, _)| url.as_str()),
        dest.display()
    )]
    FetchFailed {
        /// Each address tried, with why it failed.
        attempts: Vec<(String, String)>,
        /// Where the file goes.
        dest: PathBuf,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A format error on `path`.
    pub fn format(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            message: message.into(),
        }
    }

    /// An invalid setting: `value` as given, and what it must be.
    pub fn setting(setting: Setting, value: impl ToString, requirement: impl Into<String>) -> Self {
        Error::InvalidSetting {
            setting,
            value: value.to_string(),
            requirement: requirement.into(),
        }
    }
}

/// Cuts `text` to at most `max` characters for an error message, marking the cut.
pub fn shorten(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

/// Shows raw bytes from a file in an error message: lossy UTF-8, control characters (a `\r`, a
/// terminal escape) as `?` so the message stays one plain line, cut short.
pub fn shorten_bytes(bytes: &[u8], max: usize) -> String {
    let end = bytes.len().min(max * 4);
    let text: String = String::from_utf8_lossy(&bytes[..end])
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    shorten(&text, max)
}
