//! What the report's sections share: tables and figures as template values, the number formats,
//! a run's status in words and the command line as one would type it.

use crate::error::{Error, Result};
use crate::experiments::{RunResult, RunStatus};
use crate::model::metrics::SetMetrics;
use crate::report::chart::Figure;
use minijinja::Value;
use serde::Serialize;

/// A table for the template's `table` macro, which escapes every cell.
#[derive(Debug, Serialize)]
pub struct Table {
    headers: &'static [&'static str],
    rows: Vec<Row>,
}

/// One row; a `best` row is highlighted.
#[derive(Debug, Serialize)]
pub struct Row {
    best: bool,
    cells: Vec<String>,
}

impl Table {
    pub fn new(headers: &'static [&'static str], rows: Vec<Row>) -> Self {
        Table { headers, rows }
    }
}

impl Row {
    pub fn new(best: bool, cells: Vec<String>) -> Self {
        Row { best, cells }
    }
    pub fn plain(cells: Vec<String>) -> Self {
        Row::new(false, cells)
    }
}

/// A plot for the template's `figure` macro: the inline SVG, its file stem and a caption.
#[derive(Debug, Serialize)]
pub struct FigureView {
    name: String,
    caption: &'static str,
    /// Marked as markup: it comes from our own drawing code, never from input.
    svg: Value,
}

/// The figure called `name` among `figures`, with its caption.
pub fn figure(figures: &[Figure], name: &str, caption: &'static str) -> Result<FigureView> {
    let fig = figures
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| Error::format("report", format!("no figure named {name}")))?;
    // The XML declaration, if any, is dropped so that the element can sit inline.
    let svg = match fig.svg.find("<svg") {
        Some(i) => &fig.svg[i..],
        None => fig.svg.as_str(),
    };
    Ok(FigureView {
        name: fig.name.clone(),
        caption,
        svg: Value::from_safe_string(svg.to_string()),
    })
}

/// The table of a list of SGD runs; the run called `best` is highlighted.
pub fn run_table(runs: &[RunResult], best: Option<&str>) -> Table {
    let rows = runs
        .iter()
        .map(|r| {
            Row::new(
                best == Some(r.id.as_str()),
                vec![
                    r.learning_rate.to_string(),
                    r.batch_size.to_string(),
                    final_val_loss(r),
                    final_val_accuracy(r),
                    status_text(r),
                    format!("runs/{}.csv", r.id),
                ],
            )
        })
        .collect();
    Table::new(
        &[
            "learning rate",
            "batch size",
            "final val loss ± SE",
            "final val accuracy [95% CI]",
            "status",
            "history",
        ],
        rows,
    )
}

/// `0.7254 [0.7240, 0.7268]`: an accuracy and its 95% interval.
pub fn accuracy_cell(m: &SetMetrics) -> String {
    format!(
        "{} [{}, {}]",
        f4(m.accuracy),
        f4(m.accuracy_ci.low),
        f4(m.accuracy_ci.high)
    )
}

/// `0.545607 ± 0.000612`: a mean loss and its standard error.
pub fn loss_cell(m: &SetMetrics) -> String {
    match m.loss_se {
        Some(se) => format!("{} ± {}", f6(m.loss), f6(se)),
        None => f6(m.loss),
    }
}

/// A run's final validation loss, with its standard error when known, or `-`.
pub fn final_val_loss(r: &RunResult) -> String {
    r.final_val
        .as_ref()
        .map(loss_cell)
        .unwrap_or_else(|| opt6(r.final_val_loss))
}

/// A run's final validation accuracy, with its interval when known, or `-`.
pub fn final_val_accuracy(r: &RunResult) -> String {
    r.final_val
        .as_ref()
        .map(accuracy_cell)
        .unwrap_or_else(|| opt4(r.final_val_accuracy))
}

/// A run's status in words.
pub fn status_text(run: &RunResult) -> String {
    match &run.status {
        RunStatus::Completed => "completed".into(),
        RunStatus::Diverged { at } => format!("diverged at iteration {at}"),
        RunStatus::Skipped { reason } => format!("skipped: {reason}"),
    }
}

/// Four decimals: accuracies and shares.
pub fn f4(x: f64) -> String {
    format!("{x:.4}")
}

/// Six decimals: losses.
pub fn f6(x: f64) -> String {
    format!("{x:.6}")
}

/// A loss, or `-` for a run that has none.
pub fn opt6(x: Option<f64>) -> String {
    x.map(f6).unwrap_or_else(|| "-".into())
}

/// An accuracy, or `-` for a run that has none.
pub fn opt4(x: Option<f64>) -> String {
    x.map(f4).unwrap_or_else(|| "-".into())
}

/// The command line as one string, quoting words that need it.
pub fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_quote_what_needs_it() {
        let args: Vec<String> = ["msd-century", "run", "--out", "a b", "it's"]
            .map(String::from)
            .into();
        assert_eq!(shell_words(&args), "msd-century run --out 'a b' 'it'\\''s'");
    }

    #[test]
    fn a_missing_figure_is_an_error() {
        assert!(figure(&[], "lr_demo", "caption").is_err());
    }
}
