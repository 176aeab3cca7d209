//! `gradcheck`, `train`, `evaluate`, `predict`.

use super::DataArgs;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct GradcheckArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output directory for model.json and history.csv
    #[arg(long, value_name = "DIR", default_value = "out/train")]
    pub out: PathBuf,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Model file
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Model file
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Rows of 90 raw features (or 91 with a leading year)
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Output file [default: stdout]
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn gradcheck(args: GradcheckArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("gradcheck: not yet available")
}

pub fn train(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("train: not yet available")
}

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("evaluate: not yet available")
}

pub fn predict(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("predict: not yet available")
}
