//! `run`: the whole study, into `DIR/report.html`, `DIR/results.json`, `DIR/plots/`, `DIR/runs/`
//! and `DIR/models/`.

use super::load_data;
use super::observe::Terminal;
use super::DataArgs;
use clap::{Args, ValueEnum};
use msd_century::experiments::{
    run_study, BatchOrders, RunStatus, StageTiming, StudyConfig, StudyResults,
};
use msd_century::output_dir::OutputDir;
use msd_century::report::write_outputs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The entries of a study's output directory: a set that is replaced whole.
const RUN_SET: [&str; 5] = ["report.html", "results.json", "plots", "runs", "models"];

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output directory
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// The same study with fewer iterations, in a few seconds
    #[arg(long)]
    pub quick: bool,
    /// Batch orders of the Monte Carlo runs of one batch size
    #[arg(long, value_enum, value_name = "ORDERS", default_value_t = McOrders::Shared)]
    pub mc_orders: McOrders,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum McOrders {
    /// One batch order for every initialization: the band is the spread due to the start alone
    Shared,
    /// Each initialization its own order, as the classic study: start and order together
    Independent,
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut config = if args.quick {
        StudyConfig::quick()
    } else {
        StudyConfig::default()
    };
    config.seed = args.data.seed;
    config.monte_carlo.orders = match args.mc_orders {
        McOrders::Shared => BatchOrders::Shared,
        McOrders::Independent => BatchOrders::Independent,
    };
    config.validate()?;
    let out = OutputDir::lock(&args.out, &super::command_line())?;
    let observer = Terminal::new();

    let start = Instant::now();
    let options = args.data.to_options();
    let (table, splits) = load_data(&options, &observer)?;
    observer.finish();
    let load_seconds = start.elapsed().as_secs_f64();
    if table.provenance.is_synthetic() {
        eprintln!(
            "note: SYNTHETIC data ({}), not the real file",
            table.provenance
        );
    }

    let mut results = run_study(&table, &splits, &config, &observer)?;
    observer.finish();
    results.command_line = std::env::args().collect();
    results.timings.insert(
        0,
        StageTiming {
            stage: "load_data".into(),
            seconds: load_seconds,
        },
    );

    // Written beside, then put in place as a whole: an interrupted or failed write leaves the
    // previous study's files.
    let t = Instant::now();
    write_outputs(out.staging(), &results)?;
    if super::signals::requested() {
        return Err(msd_century::Error::Interrupted.into());
    }
    out.commit(&RUN_SET)?;
    eprintln!("wrote outputs in {:.2} s", t.elapsed().as_secs_f64());
    print_summary(&results)?;
    outln!("report: {}", args.out.join("report.html").display());
    outln!(
        "models: {} (sgd, optimum, library; for predict and evaluate)",
        args.out.join("models").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The short table printed at the end.
fn print_summary(r: &StudyResults) -> anyhow::Result<()> {
    let fe = &r.final_eval;
    outln!(
        "data: {}{}",
        r.data.source,
        if r.data.synthetic { " [SYNTHETIC]" } else { "" }
    );
    outln!(
        "gradient check: max rel error {:.2e} ({})",
        r.gradcheck.max_rel_error,
        if r.gradcheck.passed {
            "passed"
        } else {
            "FAILED"
        }
    );
    let diverged = r
        .grid
        .cells
        .iter()
        .filter(|c| matches!(c.status, RunStatus::Diverged { .. }))
        .count();
    let skipped = r
        .grid
        .cells
        .iter()
        .filter(|c| matches!(c.status, RunStatus::Skipped { .. }))
        .count();
    outln!(
        "grid: best lr {}, batch {} ({} cells, {diverged} diverged, {skipped} skipped)",
        fe.chosen.learning_rate,
        fe.chosen.batch_size,
        r.grid.cells.len()
    );
    outln!(
        "{:<18} {:>9} {:>9} {:>9} {:>11}",
        "model",
        "train acc",
        "val acc",
        "test acc",
        "train gap"
    );
    for m in &fe.models {
        outln!(
            "{:<18} {:>9.4} {:>9.4} {:>9.4} {:>11.2e}",
            m.label,
            m.train.accuracy,
            m.val.accuracy,
            m.test.accuracy,
            m.loss_gap.train
        );
    }
    let stages: Vec<String> = r
        .timings
        .iter()
        .map(|t| format!("{} {:.2}s", t.stage, t.seconds))
        .collect();
    outln!(
        "time: {} (total {:.2}s)",
        stages.join(", "),
        r.total_seconds()
    );
    Ok(())
}
