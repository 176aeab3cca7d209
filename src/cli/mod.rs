//! Command-line arguments (clap) and their conversion into library configurations.

/// `println!` that returns the write error (`?`) instead of panicking: stdout may be a full
/// disk or a closed file. A closed pipe (`| head`) is not an error (see [`emit`]).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::emit(&format!("{}\n", format_args!($($arg)*)))?
    };
}

mod classification;
mod data;
mod errors;
pub mod exit;
mod observe;
mod progress;
mod resources;
mod run;
pub mod signals;
mod train;

pub use errors::message;

use clap::{Args, Parser, Subcommand};
use msd_century::data::{
    self as lib_data, DataOptions, DataSource, RawTable, SplitOptions, Splits, FULL_ROWS,
};
use msd_century::Observer;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Default of `--year-threshold`.
pub const YEAR_THRESHOLD: i32 = 2000;

/// Environment variable naming the default data source.
pub const DATA_ENV: &str = "MSD_DATA";
/// Default locations of the real file, tried in order.
pub const DEFAULT_PATHS: [&str; 2] = [
    "data/YearPredictionMSD.txt.zip",
    "data/YearPredictionMSD.txt",
];

#[derive(Debug, Parser)]
#[command(
    name = "msd-century",
    version,
    about = "Did a song come out after 2000? Logistic regression from scratch on YearPredictionMSD."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make, inspect or download data.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Compare the analytic gradient with central finite differences.
    Gradcheck(train::GradcheckArgs),
    /// Train a model and write DIR/model.json and DIR/history.csv.
    Train(train::TrainArgs),
    /// Loss, accuracy, confusion matrix, precision, recall, F1 and ROC AUC of a model file on the
    /// train, validation and test sets.
    Evaluate(train::EvaluateArgs),
    /// Probabilities for rows of raw features.
    Predict(train::PredictArgs),
    /// The whole study, into an HTML report.
    Run(run::RunArgs),
}

/// Options of every command that reads data.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Data file (.txt/.csv, .zip, .gz), `-` for standard input, or `synthetic` [default:
    /// $MSD_DATA, else data/YearPredictionMSD.txt.zip or .txt if present, else synthetic]
    #[arg(long, value_name = "SRC")]
    pub data: Option<String>,
    /// Rows of synthetic data [default: 515345]
    #[arg(long, value_name = "N")]
    pub rows: Option<usize>,
    /// Seed of the synthetic data
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub synthetic_seed: u64,
    /// A song is positive when its year is greater than this [default: 2000]
    #[arg(long, value_name = "Y", allow_negative_numbers = true)]
    pub year_threshold: Option<i32>,
    /// Rows (from the top of the file) in the train part [default: 463715 of 515345, else the same fraction]
    #[arg(long, value_name = "N")]
    pub train_rows: Option<usize>,
    /// Train rows moved to validation [default: 50000 of 463715, else the same fraction; 0: none]
    #[arg(long, value_name = "N")]
    pub val_rows: Option<usize>,
    /// Seed of the validation split and of training
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Do not read or write the binary cache (beside a text file; of synthetic data, in
    /// $XDG_CACHE_HOME/msd-century or ~/.cache/msd-century)
    #[arg(long)]
    pub no_cache: bool,
}

impl DataArgs {
    /// The library's data options; says on stderr when it falls back to synthetic data.
    pub fn to_options(&self) -> DataOptions {
        let source = match &self.data {
            Some(text) => DataSource::parse(text, self.rows, self.synthetic_seed),
            None => self.default_source(),
        };
        DataOptions {
            source,
            split: SplitOptions {
                year_threshold: self.year_threshold.unwrap_or(YEAR_THRESHOLD),
                train_rows: self.train_rows,
                val_rows: self.val_rows,
                seed: self.seed,
            },
            use_cache: !self.no_cache,
            synthetic_cache: user_cache_dir(),
        }
    }

    /// The source when `--data` is not given: `$MSD_DATA`, else the real file under `data/`,
    /// else synthetic data, with a notice.
    fn default_source(&self) -> DataSource {
        if let Ok(text) = std::env::var(DATA_ENV) {
            if !text.is_empty() {
                return DataSource::parse(&text, self.rows, self.synthetic_seed);
            }
        }
        if let Some(path) = DEFAULT_PATHS.iter().find(|p| Path::new(p).is_file()) {
            return DataSource::File(PathBuf::from(path));
        }
        eprintln!("note: no data file given and none under data/: using synthetic MSD-like data");
        DataSource::Synthetic {
            rows: self.rows.unwrap_or(FULL_ROWS),
            seed: self.synthetic_seed,
        }
    }
}

/// The user's cache directory of msd-century: `$XDG_CACHE_HOME/msd-century`, else
/// `$HOME/.cache/msd-century` (the synthetic data's cache).
pub fn user_cache_dir() -> Option<PathBuf> {
    lib_data::cache::user_cache_dir(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"))
}

/// Loads and splits the data, after checking that the memory it needs is there.
pub fn load_data(
    options: &DataOptions,
    observer: &dyn Observer,
) -> anyhow::Result<(RawTable, Splits)> {
    if let DataSource::Synthetic { rows, .. } = &options.source {
        check_memory(*rows)?;
    }
    Ok(lib_data::load_splits(options, observer)?)
}

/// Refuses `--rows` whose data would not fit in the memory available now.
fn check_memory(rows: usize) -> anyhow::Result<()> {
    let Some(available) = resources::memory_available() else {
        return Ok(()); // unknown: the library still refuses what cannot be addressed
    };
    match lib_data::load_bytes(rows) {
        Some(needed) if needed <= available => Ok(()),
        needed => anyhow::bail!(
            "--rows {rows}: the data need {} of memory, and {} are available",
            needed.map_or("more than 2^64 bytes".into(), |b| format!(
                "about {}",
                resources::show(b)
            )),
            resources::show(available)
        ),
    }
}

/// The command line as one string, for a lock's holder.
pub fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// Runs one command; the exit code is 0 unless the command says otherwise.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Data(cmd) => data::run(cmd),
        Command::Gradcheck(args) => train::gradcheck(args),
        Command::Train(args) => train::train(args),
        Command::Evaluate(args) => train::evaluate(args),
        Command::Predict(args) => train::predict(args),
        Command::Run(args) => run::run(args),
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    emit(&text)
}

/// Writes `text` to stdout. A closed pipe (`| head`) is not an error: the reader has what it
/// wanted.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
