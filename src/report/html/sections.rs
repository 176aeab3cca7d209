//! One value per section of the report, each built from the study's results by its own
//! function. Every float is formatted here, as the report shows it; the template prints text and
//! whole numbers only.

use super::answers;
use super::parts::{
    f4, figure, final_val_accuracy, final_val_loss, opt6, run_table, shell_words, status_text,
    FigureView, Row, Table,
};
use super::quote::{Quote, Sentence};
use crate::error::{Error, Result};
use crate::experiments::{RunResult, StudyResults};
use crate::report::chart::Figure;
use serde::Serialize;

/// The title, the header line and the synthetic-data banner.
#[derive(Debug, Serialize)]
pub struct Page {
    title: &'static str,
    version: String,
    seed: u64,
    source: String,
    threshold: i32,
    synthetic: bool,
}

pub fn page(r: &StudyResults) -> Page {
    let d = &r.data;
    Page {
        title: if d.synthetic {
            "synthetic data"
        } else {
            "YearPredictionMSD"
        },
        version: r.version.clone(),
        seed: r.seed,
        source: d.source.to_string(),
        threshold: d.year_threshold,
        synthetic: d.synthetic,
    }
}

/// 1. The data and its splits; the producer effect and the test statistics' leak, measured.
#[derive(Debug, Serialize)]
pub struct Data {
    source: String,
    threshold: i32,
    year_min: String,
    year_max: String,
    table: Table,
    producer_effect: Vec<Sentence>,
    test_statistics: Vec<Sentence>,
}

pub fn data(r: &StudyResults, q: &Quote) -> Result<Data> {
    let d = &r.data;
    let (s, p) = (&d.sizes, &d.positive_share);
    let row = |set: &str, rows: usize, share: f64| {
        Row::plain(vec![set.into(), rows.to_string(), f4(share)])
    };
    Ok(Data {
        source: d.source.to_string(),
        threshold: d.year_threshold,
        year_min: d.year_min.to_string(),
        year_max: d.year_max.to_string(),
        table: Table::new(
            &["set", "rows", "positive share"],
            vec![
                row("all", d.rows, p.all),
                row("train (fits the models)", s.train, p.train),
                row("validation (chooses the setting)", s.val, p.val),
                row("test (file order, last rows)", s.test, p.test),
            ],
        ),
        producer_effect: answers::producer_effect(q)?,
        test_statistics: answers::test_statistics(q)?,
    })
}

/// 2. The analytic gradient against finite differences.
#[derive(Debug, Serialize)]
pub struct Gradcheck {
    rows: usize,
    table: Table,
}

pub fn gradcheck(r: &StudyResults) -> Gradcheck {
    let g = &r.gradcheck;
    Gradcheck {
        rows: r.config.gradcheck_rows,
        table: Table::new(
            &[
                "parameters checked",
                "max abs error",
                "max rel error",
                "passed",
            ],
            vec![Row::new(
                !g.passed,
                vec![
                    g.params_checked.to_string(),
                    format!("{:.3e}", g.max_abs_error),
                    format!("{:.3e}", g.max_rel_error),
                    if g.passed { "yes" } else { "NO" }.into(),
                ],
            )],
        ),
    }
}

/// 3. Three learning rates from zero.
#[derive(Debug, Serialize)]
pub struct LrDemo {
    batch_size: usize,
    iterations: usize,
    figure: FigureView,
    table: Table,
    answers: Vec<Sentence>,
}

pub fn lr_demo(r: &StudyResults, figures: &[Figure], q: &Quote) -> Result<LrDemo> {
    Ok(LrDemo {
        batch_size: r.lr_demo.batch_size,
        iterations: r.config.lr_demo.iterations,
        figure: figure(
            figures,
            "lr_demo",
            "Validation loss (log scale) against iteration for each learning rate.",
        )?,
        table: run_table(&r.lr_demo.runs, None),
        answers: answers::lr_demo(q)?,
    })
}

/// 4. Every learning rate with every batch size; the chosen cell.
#[derive(Debug, Serialize)]
pub struct Grid {
    iterations: usize,
    chosen: String,
    heatmap: FigureView,
    curves: FigureView,
    table: Table,
    answers: Vec<Sentence>,
}

pub fn grid(r: &StudyResults, figures: &[Figure], q: &Quote) -> Result<Grid> {
    let chosen = &r.final_eval.chosen;
    Ok(Grid {
        iterations: r.config.grid.iterations,
        chosen: chosen_text(r),
        heatmap: figure(
            figures,
            "grid_heatmap",
            "Final validation loss of every cell; the best is outlined.",
        )?,
        curves: figure(
            figures,
            "grid_curves",
            "Validation loss curves, one panel per batch size.",
        )?,
        table: run_table(&r.grid.cells, Some(chosen.run_id.as_str())),
        answers: answers::grid(q)?,
    })
}

/// 5. Several random starts per batch size: the spread of the curves.
#[derive(Debug, Serialize)]
pub struct MonteCarlo {
    learning_rate: String,
    inits: usize,
    iterations: usize,
    figure: FigureView,
    table: Table,
    answers: Vec<Sentence>,
}

pub fn monte_carlo(r: &StudyResults, figures: &[Figure], q: &Quote) -> Result<MonteCarlo> {
    let mc = &r.monte_carlo;
    let rows = mc
        .groups
        .iter()
        .map(|group| {
            let finals: Vec<String> = group.runs.iter().map(|r| opt6(r.final_val_loss)).collect();
            let last = group.band.last();
            Row::plain(vec![
                group.batch_size.to_string(),
                finals.join(", "),
                last.map(|b| format!("{:.6} ± {:.6}", b.mean, b.std))
                    .unwrap_or_else(|| "-".into()),
                group.runs.iter().filter(|r| r.usable()).count().to_string(),
            ])
        })
        .collect();
    Ok(MonteCarlo {
        learning_rate: mc.learning_rate.to_string(),
        inits: r.config.monte_carlo.inits,
        iterations: r.config.monte_carlo.iterations,
        figure: figure(
            figures,
            "monte_carlo",
            "Mean validation loss with a band of one standard deviation, per batch size.",
        )?,
        table: Table::new(
            &[
                "batch size",
                "final val loss of each init",
                "final mean ± std",
                "completed runs",
            ],
            rows,
        ),
        answers: answers::monte_carlo(q)?,
    })
}

/// The chosen grid cell in words.
pub fn chosen_text(r: &StudyResults) -> String {
    let chosen = &r.final_eval.chosen;
    format!(
        "learning rate {}, batch size {}",
        chosen.learning_rate, chosen.batch_size
    )
}

/// 7. The chosen setting on raw features.
#[derive(Debug, Serialize)]
pub struct Standardization {
    figure: FigureView,
    table: Table,
}

pub fn standardization(r: &StudyResults, figures: &[Figure]) -> Result<Standardization> {
    let sd = &r.standardization;
    let row = |features: &str, run: &RunResult| {
        Row::plain(vec![
            features.into(),
            final_val_loss(run),
            final_val_accuracy(run),
            status_text(run),
        ])
    };
    Ok(Standardization {
        figure: figure(
            figures,
            "standardization",
            "Validation loss with standardized and with raw features.",
        )?,
        table: Table::new(
            &[
                "features",
                "final val loss ± SE",
                "final val accuracy [95% CI]",
                "status",
            ],
            vec![row("standardized", &sd.standardized), row("raw", &sd.raw)],
        ),
    })
}

/// 8. How the study was run: command line, timings, configuration.
#[derive(Debug, Serialize)]
pub struct Run {
    command_line: String,
    version: String,
    seed: u64,
    total_seconds: String,
    timings: Table,
    config_json: String,
}

pub fn run(r: &StudyResults) -> Result<Run> {
    let timings = r
        .timings
        .iter()
        .map(|t| Row::plain(vec![t.stage.clone(), format!("{:.3}", t.seconds)]))
        .collect();
    Ok(Run {
        command_line: shell_words(&r.command_line),
        version: r.version.clone(),
        seed: r.seed,
        total_seconds: format!("{:.2}", r.total_seconds()),
        timings: Table::new(&["stage", "seconds"], timings),
        config_json: serde_json::to_string_pretty(&r.config)
            .map_err(|e| Error::format("report", e.to_string()))?,
    })
}
