//! The report from hand-made results (no training): every file, the report's sections, the
//! figures, the banner, and the JSON's key schema.

use crate::common;

use msd_century::data::inspect::{Inspection, PositiveShares};
use msd_century::data::{Provenance, SplitSizes};
use msd_century::experiments::answers::answers;
use msd_century::experiments::final_eval::{
    Chosen, FinalResult, ModelScores, Roc, SetDifference, SplitGaps,
};
use msd_century::experiments::grid::{best_index, GridResult};
use msd_century::experiments::lr_demo::LrDemoResult;
use msd_century::experiments::monte_carlo::{band, MonteCarloGroup, MonteCarloResult};
use msd_century::experiments::producer_effect::{ProducerEffect, RandomSplit};
use msd_century::experiments::standardization_demo::StandardizationResult;
use msd_century::experiments::test_statistics::TestStatistics;
use msd_century::experiments::{RunResult, RunStatus, StageTiming, StudyConfig, StudyResults};
use msd_century::model::metrics::{mcnemar, roc, wilson, Difference, SetMetrics};
use msd_century::model::{GradcheckReport, Init, Params};
use msd_century::report::write_outputs;
use msd_century::train::{History, HistoryPoint};

fn run(id: &str, lr: f64, batch: usize, scale: f64, status: RunStatus) -> RunResult {
    let n = match status {
        RunStatus::Skipped { .. } => 0,
        RunStatus::Diverged { at } => at / 10,
        RunStatus::Completed => 20,
    };
    let points: Vec<HistoryPoint> = (1..=n)
        .map(|k| HistoryPoint {
            iter: 10 * k,
            val_loss: 0.55 + scale / (k as f64),
            val_accuracy: 0.7 + 0.001 * k as f64,
        })
        .collect();
    let done = status == RunStatus::Completed;
    RunResult {
        id: id.into(),
        learning_rate: lr,
        batch_size: batch,
        iterations: 200,
        init: Init::Normal { seed: 7 },
        shuffle_seed: batch as u64,
        final_val_loss: points.last().filter(|_| done).map(|p| p.val_loss),
        final_val_accuracy: points.last().filter(|_| done).map(|p| p.val_accuracy),
        final_params: done.then(|| Params::zeros(90)),
        final_val: points
            .last()
            .filter(|_| done)
            .map(|p| set(p.val_loss, (p.val_accuracy * 200.0).round() as usize, 200)),
        status,
        history: History {
            points,
            diverged_at: None,
        },
    }
}

/// The metrics of a set of `n` rows with `correct` of them right and this mean loss.
fn set(loss: f64, correct: usize, n: usize) -> SetMetrics {
    SetMetrics {
        n,
        loss,
        loss_se: Some(0.4 / (n as f64).sqrt()),
        accuracy: correct as f64 / n as f64,
        correct,
        accuracy_ci: wilson(correct, n).unwrap(),
    }
}

fn differences(sets: [&SetMetrics; 3]) -> Vec<SetDifference> {
    [
        (0, 1, "train", "val"),
        (1, 2, "val", "test"),
        (0, 2, "train", "test"),
    ]
    .into_iter()
    .map(|(a, b, first, second)| SetDifference {
        first: first.into(),
        second: second.into(),
        accuracy: Difference::proportions(sets[a].accuracy, sets[a].n, sets[b].accuracy, sets[b].n),
        loss: Difference::independent(
            sets[a].loss,
            sets[a].loss_se.unwrap(),
            sets[b].loss,
            sets[b].loss_se.unwrap(),
        ),
    })
    .collect()
}

/// `correct` of 1000 training rows right, and `test` of 300 test rows.
fn scores(name: &str, label: &str, correct: usize, test: usize, gap: f64) -> ModelScores {
    let (train, val, test) = (
        set(0.52 + gap, correct, 1000),
        set(0.53 + gap, correct / 5 + 1, 200),
        set(0.54 + gap, test, 300),
    );
    let scores: Vec<f64> = (0..300).map(|i| ((i * 37) % 101) as f64 / 100.0).collect();
    let targets: Vec<f64> = (0..300).map(|i| f64::from(i % 3 != 0)).collect();
    ModelScores {
        name: name.into(),
        label: label.into(),
        differences: differences([&train, &val, &test]),
        train,
        val,
        test,
        loss_gap: SplitGaps {
            train: gap,
            val: gap,
            test: gap,
        },
        test_roc: Roc {
            auc: roc::roc_auc(&scores, &targets),
            points: roc::thin(&roc::roc_curve(&scores, &targets), 0.005),
        },
        params: Params::zeros(90),
    }
}

/// Whether each of `n` rows is right, `right` of them first.
fn right(right: usize, n: usize) -> impl Iterator<Item = bool> {
    (0..n).map(move |i| i < right)
}

/// A complete, plausible set of results.
pub fn fake_results() -> StudyResults {
    let config = StudyConfig::quick();
    let lrs = [0.01, 0.1, 0.5, 1.0];
    let batches = [1usize, 64, 1024, 50_000];
    let mut cells = Vec::new();
    for (i, &lr) in lrs.iter().enumerate() {
        for (j, &b) in batches.iter().enumerate() {
            let status = if b == 50_000 {
                RunStatus::Skipped {
                    reason: "batch size 50000 is larger than the 1000 training rows".into(),
                }
            } else if i == 3 && j == 0 {
                RunStatus::Diverged { at: 70 }
            } else {
                RunStatus::Completed
            };
            cells.push(run(
                &format!("grid_lr{lr}_b{b}"),
                lr,
                b,
                0.3 / (1.0 + i as f64 + j as f64),
                status,
            ));
        }
    }
    let best = best_index(&cells);
    let best_cell = cells[best.unwrap()].clone();
    let groups = [1usize, 64]
        .iter()
        .map(|&b| {
            let runs: Vec<RunResult> = (0..3)
                .map(|k| {
                    run(
                        &format!("mc_b{b}_init{k}"),
                        0.1,
                        b,
                        0.2 + 0.05 * k as f64,
                        RunStatus::Completed,
                    )
                })
                .collect();
            MonteCarloGroup {
                batch_size: b,
                band: band(&runs),
                runs,
            }
        })
        .collect();
    let lr_demo = LrDemoResult {
        batch_size: 100,
        runs: vec![
            run("lr-demo_lr0.005", 0.005, 100, 0.9, RunStatus::Completed),
            run("lr-demo_lr0.1", 0.1, 100, 0.2, RunStatus::Completed),
            run("lr-demo_lr5", 5.0, 100, 4.0, RunStatus::Completed),
        ],
    };
    let grid = GridResult {
        learning_rates: lrs.to_vec(),
        batch_sizes: batches.to_vec(),
        init: Init::Normal { seed: 7 },
        cells,
        best,
    };
    let monte_carlo = MonteCarloResult {
        learning_rate: 0.1,
        groups,
    };
    let final_eval = FinalResult {
        chosen: Chosen {
            learning_rate: best_cell.learning_rate,
            batch_size: best_cell.batch_size,
            run_id: best_cell.id.clone(),
        },
        models: vec![
            scores("sgd", "SGD (chosen)", 731, 213, 2e-4),
            scores("optimum", "Optimum (Newton)", 732, 221, 0.0),
            scores("library", "Library (linfa)", 732, 220, 1e-6),
        ],
        // 213 and 221 of 300 right: SGD alone on 10 rows, the optimum alone on 18.
        sgd_vs_optimum: mcnemar::from_counts(10, 18),
        newton_l2: 0.0,
        newton_iterations: 6,
        newton_gradient_max_norm: 1e-12,
        library_l2: 1e-3,
        library_iterations: None,
        library_max_iterations: 2000,
    };
    let answers = answers(&config, &lr_demo, &grid, &monte_carlo, &final_eval);
    StudyResults {
        format: "msd-century-study".into(),
        version: msd_century::VERSION.into(),
        command_line: vec![
            "msd-century".into(),
            "run".into(),
            "--out".into(),
            "x <y>".into(),
        ],
        seed: 1,
        data: Inspection {
            source: Provenance::Synthetic {
                rows: 1500,
                seed: 1,
            },
            synthetic: true,
            rows: 1500,
            year_min: 1922.0,
            year_max: 2011.0,
            year_threshold: 2000,
            sizes: SplitSizes {
                train_part: 1200,
                train: 1000,
                val: 200,
                test: 300,
            },
            positive_share: PositiveShares {
                all: 0.58,
                train: 0.59,
                val: 0.57,
                test: 0.55,
            },
            feature_mean: vec![0.0; 90],
            feature_std: vec![1.0; 90],
        },
        gradcheck: GradcheckReport {
            params_checked: 91,
            max_abs_error: 1e-10,
            max_rel_error: 3e-9,
            passed: true,
        },
        lr_demo,
        grid,
        monte_carlo,
        final_eval,
        standardization: StandardizationResult {
            learning_rate: best_cell.learning_rate,
            batch_size: best_cell.batch_size,
            standardized: best_cell.clone(),
            raw: run(
                "standardization_raw",
                best_cell.learning_rate,
                best_cell.batch_size,
                30.0,
                RunStatus::Completed,
            ),
        },
        producer_effect: ProducerEffect::new(
            RandomSplit {
                seed: 9,
                train_rows: 1000,
                newton_iterations: 5,
                test: set(0.51, 250, 300),
                test_positive_share: 0.58,
            },
            set(0.54, 221, 300),
            0.55,
        ),
        test_statistics: TestStatistics {
            training_statistics: set(0.54, 221, 300),
            test_statistics: set(0.55, 215, 300),
            accuracy_difference: (215.0 - 221.0) / 300.0,
            mcnemar: mcnemar::mcnemar(right(221, 300), right(215, 300)),
        },
        answers,
        timings: vec![StageTiming {
            stage: "grid".into(),
            seconds: 1.5,
        }],
        config,
    }
}

#[test]
fn report_from_hand_made_results_has_every_file_and_section() {
    let dir = common::temp_dir();
    let results = fake_results();
    let out = write_outputs(dir.path(), &results).expect("write outputs");
    let html = std::fs::read_to_string(&out.report).unwrap();
    for title in crate::study::SECTIONS {
        assert!(
            html.contains(&format!("<h2>{title}</h2>")),
            "section {title}"
        );
    }
    assert!(html.contains("id=\"synthetic-banner\""));
    assert_eq!(
        html.matches("<svg").count(),
        crate::study::FIGURES.len(),
        "one inline SVG per figure"
    );
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "no external resource"
    );
    assert!(!html.contains("{{"), "every template hole is filled");
    // The command line is shown, escaped.
    assert!(html.contains("&#39;x &lt;y&gt;&#39;"));
    for name in crate::study::FIGURES {
        let png = std::fs::read(dir.path().join(format!("plots/{name}.png"))).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{name}.png");
        let svg = std::fs::read_to_string(dir.path().join(format!("plots/{name}.svg"))).unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("<text"),
            "{name}.svg has text"
        );
    }
    assert_eq!(out.runs.len(), 3 + 16 + 6 + 1);
    crate::study::check_answers(dir.path());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out.results).unwrap()).unwrap();
    assert_eq!(json["grid"]["cells"].as_array().unwrap().len(), 16);
    if std::env::var_os("MSD_KEEP_REPORT").is_some() {
        let keep = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fake-report");
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::rename(dir.path(), &keep).unwrap();
    }
}

#[test]
fn the_verdicts_follow_the_numbers() {
    // As made: SGD and the optimum within noise, a random split higher beyond noise, the largest
    // rate's run settled or not as its curve says.
    let dir = common::temp_dir();
    let mut results = fake_results();
    write_outputs(dir.path(), &results).expect("write outputs");
    crate::study::check_answers(dir.path());
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("a random split flatters the score by that much"));
    assert!(html.contains("the difference is within noise"));

    // Turned around: McNemar beyond noise, the random split lower, the largest rate diverged.
    results.final_eval.sgd_vs_optimum = mcnemar::from_counts(2, 40);
    results.producer_effect.random_split.test.accuracy = 0.6;
    results.producer_effect = ProducerEffect::new(
        results.producer_effect.random_split.clone(),
        results.producer_effect.artist_split,
        0.55,
    );
    let last = results.lr_demo.runs.len() - 1;
    results.lr_demo.runs[last].status = RunStatus::Diverged { at: 30 };
    results.lr_demo.runs[last].history.diverged_at = Some(30);
    results.answers = answers(
        &results.config,
        &results.lr_demo,
        &results.grid,
        &results.monte_carlo,
        &results.final_eval,
    );
    let dir = common::temp_dir();
    write_outputs(dir.path(), &results).expect("write outputs");
    crate::study::check_answers(dir.path());
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("the difference is beyond noise"));
    assert!(html.contains("a random split does not flatter the score"));
    assert!(html.contains("diverged at iteration"));
    assert!(html.contains("it did not settle"));
}
