//! The report's sixth section, the final comparison: the chosen SGD model, the exact optimum and
//! the library baseline, with their accuracies' intervals, their losses' standard errors, the
//! differences between their sets, the ROC curves and the sentences that read them.

use super::answers;
use super::parts::{accuracy_cell, f4, figure, loss_cell, FigureView, Row, Table};
use super::quote::{Quote, Sentence};
use super::sections::chosen_text;
use crate::error::Result;
use crate::experiments::final_eval::{ModelScores, SetDifference};
use crate::experiments::StudyResults;
use crate::model::metrics::Difference;
use crate::report::chart::Figure;
use serde::Serialize;

/// 6. The chosen SGD model beside the exact optimum and the library baseline.
#[derive(Debug, Serialize)]
pub struct FinalEval {
    chosen: String,
    newton_l2: String,
    newton_iterations: usize,
    newton_gradient: String,
    library_l2: String,
    library_c: String,
    library_iterations: String,
    figure: FigureView,
    roc: FigureView,
    accuracy: Table,
    loss: Table,
    differences: Table,
    answers: Vec<Sentence>,
}

/// `+0.0137 (+6.6 SE)*`, the star for a difference beyond noise.
fn difference_cell(d: &Difference, decimals: usize) -> String {
    let z = d.z.map(|z| format!(" ({z:+.1} SE)")).unwrap_or_default();
    let star = if d.beyond_noise { "*" } else { "" };
    format!("{:+.decimals$}{z}{star}", d.estimate)
}

/// Two rows per model: its accuracy's differences, then its loss's.
fn differences_rows(m: &ModelScores) -> [Row; 2] {
    let row = |measure: &str, f: fn(&SetDifference) -> &Difference, decimals| {
        let mut cells = vec![m.label.clone(), measure.to_string()];
        cells.extend(
            m.differences
                .iter()
                .map(|d| difference_cell(f(d), decimals)),
        );
        Row::plain(cells)
    };
    [
        row("accuracy", |d| &d.accuracy, 4),
        row("loss", |d| &d.loss, 6),
    ]
}

pub fn final_eval(r: &StudyResults, figures: &[Figure], q: &Quote) -> Result<FinalEval> {
    let fe = &r.final_eval;
    // scikit-learn's C for the same penalty: C = 1 / (l2 · n_train).
    let library_c = if fe.library_l2 > 0.0 {
        format!("{:.4}", 1.0 / (fe.library_l2 * r.data.sizes.train as f64))
    } else {
        "infinity (no penalty)".into()
    };
    let library_iterations = match fe.library_iterations {
        Some(n) => format!("{n} L-BFGS iterations"),
        None => format!(
            "linfa-logistic does not report how many L-BFGS iterations it used; its limit was {}",
            fe.library_max_iterations
        ),
    };
    let rows = |cells: fn(&ModelScores) -> Vec<String>| {
        fe.models.iter().map(|m| Row::plain(cells(m))).collect()
    };
    Ok(FinalEval {
        chosen: chosen_text(r),
        newton_l2: fe.newton_l2.to_string(),
        newton_iterations: fe.newton_iterations,
        newton_gradient: format!("{:.2e}", fe.newton_gradient_max_norm),
        library_l2: format!("{:.4e}", fe.library_l2),
        library_c,
        library_iterations,
        figure: figure(
            figures,
            "final_accuracy",
            "Accuracy on train, validation and test; the axis starts above zero.",
        )?,
        roc: figure(
            figures,
            "roc",
            "ROC curves of the three models on the test set; the diagonal is chance.",
        )?,
        accuracy: Table::new(
            &[
                "model",
                "train accuracy [95% CI]",
                "val accuracy [95% CI]",
                "test accuracy [95% CI]",
                "test ROC AUC",
            ],
            rows(|m| {
                vec![
                    m.label.clone(),
                    accuracy_cell(&m.train),
                    accuracy_cell(&m.val),
                    accuracy_cell(&m.test),
                    m.test_roc.auc.map(f4).unwrap_or_else(|| "-".into()),
                ]
            }),
        ),
        loss: Table::new(
            &[
                "model",
                "train loss ± SE",
                "val loss ± SE",
                "test loss ± SE",
                "train loss gap",
                "test loss gap",
            ],
            rows(|m| {
                vec![
                    m.label.clone(),
                    loss_cell(&m.train),
                    loss_cell(&m.val),
                    loss_cell(&m.test),
                    format!("{:+.2e}", m.loss_gap.train),
                    format!("{:+.2e}", m.loss_gap.test),
                ]
            }),
        ),
        differences: Table::new(
            &[
                "model",
                "measure",
                "val − train",
                "test − val",
                "test − train",
            ],
            fe.models.iter().flat_map(differences_rows).collect(),
        ),
        answers: answers::final_eval(q)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_show_their_standard_errors_and_verdict() {
        assert_eq!(
            difference_cell(&Difference::new(0.0137, 0.002), 4),
            "+0.0137 (+6.8 SE)*"
        );
        assert_eq!(
            difference_cell(&Difference::new(-0.001, 0.002), 4),
            "-0.0010 (-0.5 SE)"
        );
    }
}
