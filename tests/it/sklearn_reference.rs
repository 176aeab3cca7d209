//! The Newton optimum against scikit-learn's LogisticRegression (no penalty, and C = 1) on a
//! generated file of standardized rows: loss within 1e-7 relative, probabilities within 1e-6.
//! Also the L2 <-> C correspondence: C = 1/(l2·n_train).

use crate::common;

use msd_century::data::Dataset;
use msd_century::model::logistic::{logit, sigmoid};
use msd_century::model::simulate::{moderate_truth, simulate};
use msd_century::model::{evaluate, Params};
use msd_century::train::{fit_newton, NewtonConfig};
use std::path::Path;

struct Reference {
    coef: Vec<f64>,
    intercept: f64,
    loss: f64,
    probabilities: Vec<f64>,
}

fn write_rows(path: &Path, data: &Dataset) {
    let mut text = String::new();
    for i in 0..data.len() {
        text.push_str(&format!("{}", data.targets[i]));
        for v in data.x.row(i) {
            text.push_str(&format!(",{v:?}"));
        }
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn sklearn(python: &Path, data_file: &Path, c: &str, dir: &Path) -> Reference {
    let out = dir.join(format!("sklearn-{c}.json"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sklearn_fit.py");
    let status = std::process::Command::new(python)
        .arg(&script)
        .arg(data_file)
        .arg(c)
        .arg(&out)
        .status()
        .expect("run python");
    assert!(status.success(), "{script:?} failed");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    eprintln!(
        "scikit-learn {} (C = {c}): {} iterations",
        v["sklearn_version"], v["n_iter"]
    );
    let nums = |k: &str| -> Vec<f64> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    Reference {
        coef: nums("coef"),
        intercept: v["intercept"].as_f64().unwrap(),
        loss: v["loss"].as_f64().unwrap(),
        probabilities: nums("probabilities"),
    }
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
    let file = dir.path().join("rows.csv");
    write_rows(&file, &data);

    let none = fit_newton(&data, &NewtonConfig::default()).unwrap();
    compare(
        &data,
        &none.params,
        &sklearn(&python, &file, "none", dir.path()),
        "no penalty",
    );

    // C = 1 is l2 = 1/(C·n).
    let n = data.len() as f64;
    let c1 = fit_newton(
        &data,
        &NewtonConfig {
            l2: 1.0 / n,
            ..Default::default()
        },
    )
    .unwrap();
    compare(
        &data,
        &c1.params,
        &sklearn(&python, &file, "1", dir.path()),
        "C = 1",
    );

    // A strong penalty makes the correspondence visible: l2 = 0.01 is C = 1/(0.01·n).
    let l2 = 0.01;
    let strong = fit_newton(
        &data,
        &NewtonConfig {
            l2,
            ..Default::default()
        },
    )
    .unwrap();
    let c = format!("{}", 1.0 / (l2 * n));
    compare(
        &data,
        &strong.params,
        &sklearn(&python, &file, &c, dir.path()),
        "l2 = 0.01",
    );
}
