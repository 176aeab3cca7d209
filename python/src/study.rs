//! `run_study`: what the command line's `run` does, from Python.

use crate::data::data_options;
use crate::work::run;
use msd_century::data::{load_splits, SplitOptions};
use msd_century::experiments::StageTiming;
use msd_century::experiments::{run_study as study, StudyConfig};
use msd_century::report::write_outputs;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

/// Loads the data (as `load` does), runs the whole study (`quick`: the same with fewer
/// iterations) and writes its outputs under `out` (`report.html`, `results.json`, `plots/`,
/// `runs/`, `models/`), the data-loading time first among the timings, as `msd-century run` does.
/// Returns the path of `results.json`.
#[pyfunction]
#[pyo3(signature = (out, source, *, rows, synthetic_seed, year_threshold, train_rows, val_rows, seed, cache, quick, command_line, on_event=None))]
#[allow(clippy::too_many_arguments)]
pub fn run_study(
    py: Python<'_>,
    out: PathBuf,
    source: &str,
    rows: Option<usize>,
    synthetic_seed: u64,
    year_threshold: i32,
    train_rows: Option<usize>,
    val_rows: Option<usize>,
    seed: u64,
    cache: bool,
    quick: bool,
    command_line: Vec<String>,
    on_event: Option<&Bound<'_, PyAny>>,
) -> PyResult<PathBuf> {
    let mut config = if quick {
        StudyConfig::quick()
    } else {
        StudyConfig::default()
    };
    config.seed = seed;
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
    run(py, on_event, move |watch| {
        config.validate()?;
        let start = Instant::now();
        let (table, splits) = load_splits(&options, watch)?;
        let load_seconds = start.elapsed().as_secs_f64();
        let mut results = study(&table, &splits, &config, watch)?;
        results.command_line = command_line;
        results.timings.insert(
            0,
            StageTiming {
                stage: "load_data".into(),
                seconds: load_seconds,
            },
        );
        Ok(write_outputs(&out, &results)?.results)
    })
}
