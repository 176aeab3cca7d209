//! `data synth`, `data inspect`, `data fetch`.

use super::observe::Terminal;
use super::{emit, load_data, print_json, resources, DataArgs};
use clap::{Args, Subcommand};
use msd_century::data::fetch::{self, FetchOptions, Proxies};
use msd_century::data::{inspect, synthetic, FULL_ROWS};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Fewest bytes a synthetic row takes as text (the full-size file averages 858): a row count
/// beyond the free space at this rate cannot be written.
const MIN_SYNTHETIC_LINE_BYTES: u64 = 500;

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
    /// Where to download from; repeat it to give more addresses, tried in order [default: the
    /// two UCI addresses]
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,
    /// SHA-256 the archive must have (hex), or `any` to check only its rows [default: the UCI
    /// archive's]
    #[arg(long, value_name = "HEX")]
    pub sha256: Option<String>,
    /// Rows the downloaded file must hold
    #[arg(long, value_name = "N", default_value_t = FULL_ROWS, hide = true)]
    pub expect_rows: usize,
}

pub fn run(cmd: DataCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DataCommand::Synth(args) => {
            check_disk(&args.out, args.rows)?;
            let observer = Terminal::new();
            synthetic::write_uci(&args.out, args.rows, args.synthetic_seed, &observer)?;
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
            let (table, splits) = load_data(&options, &observer)?;
            observer.finish();
            let summary = inspect::inspect(&table, &splits);
            if args.json {
                print_json(&summary)?;
            } else {
                emit(&summary.to_string())?;
            }
        }
        DataCommand::Fetch(args) => {
            let mut options = FetchOptions::uci(&args.dest);
            if !args.url.is_empty() {
                options.urls = args.url.clone();
            }
            options.sha256 = match args.sha256.as_deref() {
                None => Some(fetch::ARCHIVE_SHA256.into()),
                Some("any") => None,
                Some(hex) => Some(hex.to_string()),
            };
            options.expected_rows = args.expect_rows;
            options.proxies = proxies_from_env();
            let observer = Terminal::new();
            let path = fetch::fetch_with(&options, &observer);
            observer.finish();
            let path = path?;
            emit(&format!("{}\n", path.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses a row count whose text cannot fit in the free space of `out`'s file system.
fn check_disk(out: &Path, rows: usize) -> anyhow::Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Some(free) = resources::disk_available(dir) else {
        return Ok(()); // unknown (or a missing directory, which the write names)
    };
    let needed = (rows as u64).saturating_mul(MIN_SYNTHETIC_LINE_BYTES);
    if needed > free {
        anyhow::bail!(
            "--rows {rows}: the file would take at least {}, and {} are free in {}",
            resources::show(needed),
            resources::show(free),
            dir.display()
        );
    }
    Ok(())
}

/// The proxies of the environment: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (or lowercase).
fn proxies_from_env() -> Proxies {
    let var = |upper: &str| {
        [upper.to_string(), upper.to_ascii_lowercase()]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    };
    Proxies {
        http: var("HTTP_PROXY"),
        https: var("HTTPS_PROXY"),
        no_proxy: var("NO_PROXY")
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default(),
    }
}
