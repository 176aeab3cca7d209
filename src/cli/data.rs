//! `data synth`, `data inspect`, `data fetch`.

use super::observe::Terminal;
use super::{emit, print_json, DataArgs};
use clap::{Args, Subcommand};
use msd_century::data::{self, fetch, inspect, synthetic, write, FULL_ROWS};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Write synthetic MSD-like data in the UCI text format.
    Synth(SynthArgs),
    /// Rows, split sizes, positive shares, feature means and standard deviations.
    Inspect(InspectArgs),
    /// Download the UCI archive and validate it.
    Fetch(FetchArgs),
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Output file
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Rows to generate
    #[arg(long, value_name = "N", default_value_t = FULL_ROWS)]
    pub rows: usize,
    /// Seed of the generator
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub synthetic_seed: u64,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Directory to download into
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub dest: PathBuf,
    /// Where to download from
    #[arg(long, value_name = "URL", default_value = fetch::DEFAULT_URL)]
    pub url: String,
    /// Rows the downloaded file must hold
    #[arg(long, value_name = "N", default_value_t = FULL_ROWS, hide = true)]
    pub expect_rows: usize,
}

pub fn run(cmd: DataCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DataCommand::Synth(args) => {
            if args.rows < 2 {
                anyhow::bail!("--rows {}: synthetic data needs at least 2 rows", args.rows);
            }
            let values = synthetic::generate(args.rows, args.synthetic_seed);
            write::write_uci(&args.out, &values)?;
            eprintln!(
                "wrote {} rows of synthetic MSD-like data (seed {}) to {}",
                args.rows,
                args.synthetic_seed,
                args.out.display()
            );
        }
        DataCommand::Inspect(args) => {
            let options = args.data.to_options();
            let observer = Terminal::new();
            let (table, splits) = data::load_splits(&options, &observer)?;
            observer.finish();
            let summary = inspect::inspect(&table, &splits);
            if args.json {
                print_json(&summary)?;
            } else {
                emit(&summary.to_string())?;
            }
        }
        DataCommand::Fetch(args) => {
            let observer = Terminal::new();
            let path = fetch::fetch_expecting(&args.url, &args.dest, args.expect_rows, &observer);
            observer.finish();
            let path = path?;
            emit(&format!("{}\n", path.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
