//! The metrics against independent implementations on the same counts: Wilson intervals,
//! McNemar's exact test and the difference of two proportions against statsmodels (crafted counts
//! and every count of a study's `results.json`); `evaluate`'s confusion matrix, precision, recall,
//! F1 and ROC AUC against scikit-learn's metrics on the same predictions.

use crate::common;

use msd_century::model::metrics::{mcnemar, wilson, Difference};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Runs `script` (under `tests/data/`) with `args`; returns the JSON it wrote to `out`.
fn oracle(python: &Path, script: &str, args: &[PathBuf], out: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(script);
    let status = std::process::Command::new(python)
        .envs([("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "1")])
        .arg(&script)
        .args(args)
        .status()
        .expect("run python");
    assert!(status.success(), "{script:?} failed");
    serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap()
}

/// Two counts: `(successes, n)` of a proportion, or `(b, c)` of a McNemar test.
type Counts = (u64, u64);

/// `(successes, n)` of every set's accuracy, and `(b, c)` of every McNemar test, in a study's
/// results.
fn study_counts(results: &Value) -> (Vec<Counts>, Vec<Counts>) {
    let mut sets = Vec::new();
    let mut add = |m: &Value| sets.push((m["correct"].as_u64().unwrap(), m["n"].as_u64().unwrap()));
    for model in results["final_eval"]["models"].as_array().unwrap() {
        for set in ["train", "val", "test"] {
            add(&model[set]);
        }
    }
    add(&results["producer_effect"]["random_split"]["test"]);
    add(&results["test_statistics"]["test_statistics"]);
    let pair = |m: &Value| {
        (
            m["only_first_correct"].as_u64().unwrap(),
            m["only_second_correct"].as_u64().unwrap(),
        )
    };
    let tests = vec![
        pair(&results["final_eval"]["sgd_vs_optimum"]),
        pair(&results["test_statistics"]["mcnemar"]),
    ];
    (sets, tests)
}

#[test]
fn intervals_and_tests_match_statsmodels_on_the_same_counts() {
    let Some(python) = common::oracle_python(&["statsmodels", "scipy"]) else {
        return;
    };
    let results: Value = serde_json::from_slice(
        &std::fs::read(crate::study::quick_study().join("results.json")).unwrap(),
    )
    .unwrap();
    let (study_sets, study_tests) = study_counts(&results);
    let mut proportions: Vec<(u64, u64)> = vec![
        (0, 1),
        (1, 1),
        (0, 10),
        (7, 10),
        (10, 10),
        (1, 3),
        (5_000, 10_000),
        (72_834, 100_000),
        (1, 413_715),
        (413_714, 413_715),
        (300_111, 413_715),
    ];
    proportions.extend(&study_sets);
    let mut discordant: Vec<(u64, u64)> = vec![
        (0, 0),
        (0, 1),
        (10, 2),
        (2, 10),
        (7, 7),
        (6, 7),
        (95, 85),
        (437, 445),
        (500, 620),
        (1, 2_000),
        (0, 5_000),
        (30_000, 31_000),
        (12_345, 12_000),
    ];
    discordant.extend(&study_tests);
    let pe = &results["producer_effect"];
    let count = |m: &Value| (m["correct"].as_u64().unwrap(), m["n"].as_u64().unwrap());
    let ((x1, n1), (x2, n2)) = (
        count(&pe["random_split"]["test"]),
        count(&pe["artist_split"]),
    );
    let two = vec![(x1, n1, x2, n2), (250, 300, 221, 300), (9, 10, 400, 1000)];

    let dir = common::temp_dir();
    let (input, out) = (dir.path().join("in.json"), dir.path().join("out.json"));
    let request =
        json!({ "proportions": proportions, "mcnemar": discordant, "two_proportions": two });
    std::fs::write(&input, request.to_string()).unwrap();
    let reference = oracle(
        &python,
        "statsmodels_uncertainty.py",
        &[input, out.clone()],
        &out,
    );

    let mut worst = 0.0f64;
    for ((x, n), r) in proportions
        .iter()
        .zip(reference["wilson"].as_array().unwrap())
    {
        let ours = wilson(*x as usize, *n as usize).unwrap();
        for (a, b) in [(ours.low, &r[0]), (ours.high, &r[1])] {
            let d = (a - b.as_f64().unwrap()).abs();
            worst = worst.max(d);
            assert!(d <= 4e-16, "Wilson {x}/{n}: {ours:?} vs {r}");
        }
    }
    eprintln!(
        "Wilson intervals: {} proportions, largest difference from statsmodels {} {worst:.1e}",
        proportions.len(),
        reference["statsmodels_version"]
    );
    let mut worst = 0.0f64;
    for ((b, c), r) in discordant
        .iter()
        .zip(reference["mcnemar"].as_array().unwrap())
    {
        let ours = mcnemar::from_counts(*b as usize, *c as usize);
        let (statistic, p) = (r[0].as_f64().unwrap(), r[1].as_f64().unwrap());
        assert_eq!(ours.statistic as f64, statistic, "({b}, {c})");
        let rel = if p > 1e-300 {
            (ours.p_value - p).abs() / p
        } else {
            ours.p_value
        };
        worst = worst.max(rel);
        assert!(rel <= 1e-9, "McNemar ({b}, {c}): p {} vs {p}", ours.p_value);
        assert_eq!(ours.beyond_noise, p < 0.05, "({b}, {c})");
    }
    eprintln!(
        "McNemar exact: {} tables, largest relative difference {worst:.1e}",
        discordant.len()
    );
    for ((x1, n1, x2, n2), r) in two.iter().zip(reference["wald"].as_array().unwrap()) {
        let d = Difference::proportions(
            *x2 as f64 / *n2 as f64,
            *n2 as usize,
            *x1 as f64 / *n1 as f64,
            *n1 as usize,
        );
        let z = r.as_f64().unwrap();
        assert!((d.z.unwrap() - z).abs() <= 1e-12 * z.abs(), "{d:?} vs {z}");
    }
    // The study's own figure is the one checked.
    let z = pe["accuracy_difference"]["z"].as_f64().unwrap();
    let reference_z = reference["wald"][0].as_f64().unwrap();
    assert!(
        (z - reference_z).abs() <= 1e-12 * z.abs(),
        "{z} vs {reference_z}"
    );
}

#[test]
fn evaluate_classification_matches_scikit_learn_on_the_same_predictions() {
    let Some(python) = common::oracle_python(&["sklearn"]) else {
        return;
    };
    let dir = common::temp_dir();
    let path = |name: &str| dir.path().join(name);
    let data = path("s.txt");
    let run = |args: &[&std::ffi::OsStr]| {
        let out = common::cli().args(args).output().expect("run msd-century");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    run(&[
        os("data"),
        os("synth"),
        os("--rows"),
        os("4000"),
        os("--out"),
        data.as_os_str(),
    ]);
    let model_dir = path("m");
    run(&[
        os("train"),
        os("--solver"),
        os("newton"),
        os("--data"),
        data.as_os_str(),
        os("--out"),
        model_dir.as_os_str(),
    ]);
    let model = model_dir.join("model.json");
    let evaluated: Value = serde_json::from_slice(&run(&[
        os("evaluate"),
        os("--json"),
        os("--data"),
        data.as_os_str(),
        os("--model"),
        model.as_os_str(),
    ]))
    .unwrap();

    // The test set is the file's last rows; predict scores them from the same model file.
    let n_test = evaluated["test"]["n"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(&data).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let test_lines = &lines[lines.len() - n_test..];
    let rows = path("test.txt");
    std::fs::write(&rows, test_lines.join("\n") + "\n").unwrap();
    let predicted = run(&[
        os("predict"),
        os("--model"),
        model.as_os_str(),
        os("--input"),
        rows.as_os_str(),
    ]);
    let probabilities: Vec<f64> = String::from_utf8(predicted)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    let labels: Vec<u8> = test_lines
        .iter()
        .map(|l| u8::from(l.split(',').next().unwrap().parse::<f64>().unwrap() > 2000.0))
        .collect();
    assert_eq!(probabilities.len(), n_test);

    let input = path("in.json");
    let output = path("out.json");
    std::fs::write(
        &input,
        json!({ "labels": labels, "probabilities": probabilities }).to_string(),
    )
    .unwrap();
    let reference = oracle(
        &python,
        "sklearn_metrics.py",
        &[input, output.clone()],
        &output,
    );
    let ours = &evaluated["classification"]["test"];
    assert_eq!(
        ours["confusion"], reference["confusion"],
        "confusion matrix"
    );
    for key in ["precision", "recall", "f1", "roc_auc"] {
        let (a, b) = (
            ours[key].as_f64().unwrap(),
            reference[key].as_f64().unwrap(),
        );
        assert!((a - b).abs() <= 1e-12, "{key}: ours {a}, scikit-learn {b}");
    }
    eprintln!(
        "evaluate's classification metrics on {n_test} test rows equal scikit-learn {}'s",
        reference["sklearn_version"]
    );
}
