//! The Newton optimum against scikit-learn's LogisticRegression (no penalty, and C = 1) on a
//! generated file of standardized rows: loss within 1e-7 relative, probabilities within 1e-6.
//! Also the L2 <-> C correspondence: C = 1/(l2·n_train).

use crate::common;

use msd_century::data::Dataset;
use msd_century::model::logistic::{logit, sigmoid};
use msd_century::model::simulate::{moderate_truth, simulate};
use msd_century::model::{evaluate, Params};
use std::path::Path;

struct Reference {
    coef: Vec<f64>,
    intercept: f64,
    loss: f64,
    probabilities: Vec<f64>,
}

/// The rows as little-endian f64, the target first: what `sklearn_fit.py` reads.
fn write_rows(path: &Path, data: &Dataset) {
    let mut bytes = Vec::with_capacity(data.len() * (data.x.cols() + 1) * 8);
    for i in 0..data.len() {
        bytes.extend_from_slice(&data.targets[i].to_le_bytes());
        for v in data.x.row(i) {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    std::fs::write(path, bytes).unwrap();
}

/// scikit-learn's fits of `data_file` for each of `cs`, in one run of the interpreter (with
/// one BLAS thread: the machine's cores are busy with the other tests).
fn sklearn(python: &Path, data: &Dataset, data_file: &Path, cs: &[&str]) -> Vec<Reference> {
    let out = data_file.with_extension("json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sklearn_fit.py");
    let status = std::process::Command::new(python)
        .envs([
            ("OPENBLAS_NUM_THREADS", "1"),
            ("OMP_NUM_THREADS", "1"),
            ("MKL_NUM_THREADS", "1"),
        ])
        .arg(&script)
        .arg(data_file)
        .arg((data.x.cols() + 1).to_string())
        .arg(&out)
        .args(cs)
        .status()
        .expect("run python");
    assert!(status.success(), "{script:?} failed");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let fits = v["fits"].as_array().unwrap();
    assert_eq!(fits.len(), cs.len());
    fits.iter()
        .zip(cs)
        .map(|(fit, c)| {
            assert_eq!(fit["c"], *c);
            eprintln!(
                "scikit-learn {} (C = {c}): {} iterations",
                v["sklearn_version"], fit["n_iter"]
            );
            let nums = |k: &str| -> Vec<f64> {
                fit[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect()
            };
            Reference {
                coef: nums("coef"),
                intercept: fit["intercept"].as_f64().unwrap(),
                loss: fit["loss"].as_f64().unwrap(),
                probabilities: nums("probabilities"),
            }
        })
        .collect()
}

fn compare(data: &Dataset, fit: &Params, reference: &Reference, label: &str) {
    let ours = evaluate(fit, data).loss;
    let rel = (ours - reference.loss).abs() / reference.loss;
    eprintln!(
        "{label}: loss ours {ours:.15} sklearn {:.15} (rel diff {rel:.2e})",
        reference.loss
    );
    assert!(rel <= 1e-7, "{label}: loss {ours} vs {}", reference.loss);
    let mut max_p = 0.0f64;
    for i in 0..data.len() {
        let p = sigmoid(logit(&fit.weights, fit.bias, data.x.row(i)));
        max_p = max_p.max((p - reference.probabilities[i]).abs());
    }
    eprintln!("{label}: max probability difference {max_p:.2e}");
    assert!(max_p <= 1e-6, "{label}: probabilities differ by {max_p}");
    for (a, b) in fit.weights.iter().zip(&reference.coef) {
        assert!((a - b).abs() < 1e-5, "{label}: weight {a} vs {b}");
    }
    assert!((fit.bias - reference.intercept).abs() < 1e-5);
}

#[test]
fn newton_matches_scikit_learn_without_penalty_and_with_c_1() {
    let Some(python) = common::oracle_python(&["numpy", "sklearn"]) else {
        return;
    };
    let dir = common::temp_dir();
    let data = simulate(20_000, &moderate_truth(90, -0.4), 21);
    let file = dir.path().join("rows.f64");
    write_rows(&file, &data);

    // No penalty; C = 1, which is l2 = 1/(C·n); and a strong penalty that makes the
    // correspondence visible: l2 = 0.01 is C = 1/(0.01·n).
    let n = data.len() as f64;
    let strong_l2 = 0.01;
    let strong_c = format!("{}", 1.0 / (strong_l2 * n));
    let references = sklearn(&python, &data, &file, &["none", "1", &strong_c]);
    let cases = [
        (0.0, "no penalty"),
        (1.0 / n, "C = 1"),
        (strong_l2, "l2 = 0.01"),
    ];
    for ((l2, label), reference) in cases.into_iter().zip(&references) {
        let fit = common::newton(&data, l2).unwrap();
        compare(&data, &fit.params, reference, label);
    }
}
