//! Writes every output of a study into one directory, each file atomically:
//! `report.html`, `results.json`, `plots/<name>.svg|png`, `runs/<id>.csv` and the three final
//! models as model files, `models/sgd.json`, `models/optimum.json`, `models/library.json`.

use super::csv::write_history_csv;
use super::{html, plots};
use crate::atomic::{create_dir_all, write_bytes_atomic};
use crate::error::{Error, Result};
use crate::experiments::StudyResults;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The files written.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub report: PathBuf,
    pub results: PathBuf,
    pub plots: Vec<PathBuf>,
    pub runs: Vec<PathBuf>,
    pub models: Vec<PathBuf>,
}

/// Renders the plots and the report and writes everything under `dir`.
pub fn write_outputs(dir: &Path, results: &StudyResults) -> Result<Outputs> {
    let plots_dir = dir.join("plots");
    let runs_dir = dir.join("runs");
    create_dir_all(&plots_dir)?;
    create_dir_all(&runs_dir)?;

    let runs: Vec<PathBuf> = results
        .all_runs()
        .par_iter()
        .map(|run| {
            let path = runs_dir.join(format!("{}.csv", run.id));
            write_history_csv(&path, &run.history)?;
            Ok(path)
        })
        .collect::<Result<_>>()?;

    let figures = plots::all_figures(results)?;
    let mut plot_paths = Vec::new();
    for fig in &figures {
        let svg = plots_dir.join(format!("{}.svg", fig.name));
        let png = plots_dir.join(format!("{}.png", fig.name));
        write_bytes_atomic(&svg, fig.svg.as_bytes())?;
        write_bytes_atomic(&png, &fig.png)?;
        plot_paths.extend([svg, png]);
    }

    let results_path = dir.join("results.json");
    let json = serde_json::to_vec_pretty(results)
        .map_err(|e| Error::format(&results_path, e.to_string()))?;
    write_bytes_atomic(&results_path, &json)?;

    let models_dir = dir.join("models");
    create_dir_all(&models_dir)?;
    let mut models = Vec::new();
    for (name, model) in results.final_models() {
        let path = models_dir.join(format!("{name}.json"));
        model.save(&path)?;
        models.push(path);
    }

    let report = dir.join("report.html");
    write_bytes_atomic(&report, html::render(results, &figures)?.as_bytes())?;
    Ok(Outputs {
        report,
        results: results_path,
        plots: plot_paths,
        runs,
        models,
    })
}
