//! Numerical extremes: features of 1e300 and 1e-300, a constant feature, one class only,
//! perfectly separable data, a learning rate of 1e6, predict rows far beyond a model's scale.
//! Each gives the right figures, a recorded divergence or a clear error; never NaN or infinity
//! in an output (stdout, JSON, the model file).

use crate::common;

use msd_century::data::synthetic;
use serde_json::Value;
use std::path::{Path, PathBuf};

const ROWS: usize = 3000;
const SOLVERS: [&str; 3] = ["sgd", "newton", "library"];

/// Synthetic rows, changed by `edit(row)` (a row is the year then 90 features), written as UCI
/// text into `dir/name`.
fn data_file(dir: &Path, name: &str, edit: impl Fn(&mut [f64])) -> PathBuf {
    let mut m = synthetic::generate(ROWS, 7);
    for i in 0..m.rows() {
        edit(m.row_mut(i));
    }
    // Shortest round-trip text of every value (the UCI writer rounds to 5 decimals).
    let text: String = (0..m.rows())
        .map(|i| {
            let row: Vec<String> = m.row(i).iter().map(|v| format!("{v}")).collect();
            row.join(",") + "\n"
        })
        .collect();
    common::write_file(dir, name, text)
}

/// No NaN, no infinity, no `null` where a number belongs, anywhere in `text`.
fn assert_clean_text(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for bad in ["nan", "inf"] {
        assert!(
            !lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == bad || w == "infinity"),
            "{what}: {bad} in output:\n{text}"
        );
    }
}

/// Every number of a JSON value is finite, and `null` appears only under `allowed_null` keys.
fn assert_clean_json(what: &str, v: &Value, key: &str, allowed_null: &[&str]) {
    match v {
        Value::Null => assert!(allowed_null.contains(&key), "{what}: null at {key}"),
        Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{what}: {key}"),
        Value::Array(items) => items
            .iter()
            .for_each(|x| assert_clean_json(what, x, key, allowed_null)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, x)| assert_clean_json(what, x, k, allowed_null)),
        _ => {}
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], data: &Path) -> Run {
    let out = common::cli()
        .args(args)
        .arg("--data")
        .arg(data)
        .arg("--no-cache")
        .output()
        .unwrap();
    let r = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    };
    assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    assert_clean_text(&format!("{args:?} stdout"), &r.stdout);
    r
}

/// `train --json` with `solver` (and `extra`), into `out`; the JSON when it succeeded.
fn train(data: &Path, out: &Path, solver: &str, extra: &[&str]) -> (Run, Option<Value>) {
    let mut args = vec![
        "train",
        "--json",
        "--solver",
        solver,
        "--out",
        out.to_str().unwrap(),
    ];
    if solver == "sgd" {
        args.extend(["--iters", "300", "--batch-size", "64", "--init", "normal"]);
    }
    args.extend(extra);
    let r = run(&args, data);
    let json = (r.code == Some(0)).then(|| {
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_clean_json(solver, &v, "", &["diverged_at"]);
        let model = std::fs::read_to_string(out.join("model.json")).unwrap();
        assert_clean_text("model.json", &model);
        v
    });
    (r, json)
}

/// `evaluate --json` of `model` on `data`: clean, and the JSON.
fn evaluate(data: &Path, model: &Path) -> Value {
    let r = run(
        &["evaluate", "--json", "--model", model.to_str().unwrap()],
        data,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    // Ratios of a class the data lack are undefined (null), never a made-up number.
    let undefined = ["precision", "recall", "f1", "roc_auc"];
    assert_clean_json("evaluate", &v, "", &undefined);
    v
}

/// A refusal: exit 1, one `error:` line containing `expect`, nothing on stdout.
fn assert_clear_error(r: &Run, expect: &str) {
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| !l.starts_with("note:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(errors[0].starts_with("error: "), "{}", r.stderr);
    assert!(errors[0].contains(expect), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

/// Features multiplied by 1e300 or 1e-300: standardization takes the scale away, so every
/// solver gives the figures of the unscaled file.
#[test]
fn huge_and_tiny_features_give_the_figures_of_the_unscaled_data() {
    let dir = common::temp_dir();
    let plain = data_file(dir.path(), "plain.txt", |_| {});
    let scaled: Vec<(&str, PathBuf)> = vec![
        (
            "1e300",
            data_file(dir.path(), "huge.txt", |r| {
                for v in &mut r[1..31] {
                    *v *= 1e300;
                }
            }),
        ),
        (
            "1e-300",
            data_file(dir.path(), "tiny.txt", |r| {
                for v in &mut r[31..61] {
                    *v *= 1e-300;
                }
            }),
        ),
    ];
    for solver in SOLVERS {
        let (_, base) = train(&plain, &dir.path().join(format!("p-{solver}")), solver, &[]);
        let base = base.expect("plain data trains");
        for (what, data) in &scaled {
            let out = dir.path().join(format!("{what}-{solver}"));
            let (r, json) = train(data, &out, solver, &[]);
            let json = json.unwrap_or_else(|| panic!("{what} {solver}: {}", r.stderr));
            for set in ["train", "val", "test"] {
                let (a, b) = (&json[set], &base[set]);
                assert_eq!(a["n"], b["n"], "{what} {solver} {set}");
                let (la, lb) = (a["loss"].as_f64().unwrap(), b["loss"].as_f64().unwrap());
                assert!(
                    close(la, lb, 1e-6),
                    "{what} {solver} {set}: loss {la} vs {lb}"
                );
                let (aa, ab) = (
                    a["accuracy"].as_f64().unwrap(),
                    b["accuracy"].as_f64().unwrap(),
                );
                assert!(
                    (aa - ab).abs() <= 2.0 / a["n"].as_f64().unwrap(),
                    "{what} {solver} {set}"
                );
            }
            // The model file predicts from the raw (scaled) features: evaluate agrees.
            let e = evaluate(data, &out.join("model.json"));
            for set in ["train", "val", "test"] {
                let (la, lb) = (
                    e[set]["loss"].as_f64().unwrap(),
                    json[set]["loss"].as_f64().unwrap(),
                );
                assert!(
                    close(la, lb, 1e-9),
                    "{what} {solver} evaluate {set}: {la} vs {lb}"
                );
            }
        }
    }
    // `data inspect` reports the scaled statistics, finite.
    let r = run(&["data", "inspect", "--json"], &scaled[0].1);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_clean_json("inspect", &v, "", &[]);
    let std0 = v["feature_std"][0].as_f64().unwrap();
    assert!(std0 > 1e299 && std0 < 1e303, "{std0}");
}

/// A model trained on ordinary data, asked about rows of 1e300 and 1e-300: probabilities in
/// [0, 1]; rows beyond what the model can score are refused by line.
#[test]
fn predict_on_extreme_rows_never_prints_nan() {
    let dir = common::temp_dir();
    let plain = data_file(dir.path(), "plain.txt", |_| {});
    let out = dir.path().join("m");
    let (_, json) = train(&plain, &out, "newton", &["--l2", "1e-4"]);
    json.expect("trains");
    let model = out.join("model.json");
    let rows: Vec<String> = [1e300, -1e300, 1e-300, 1.7e308, -1.7e308, 0.0]
        .iter()
        .map(|v| vec![format!("{v:e}"); 90].join(","))
        .chain(std::iter::once(
            (0..90)
                .map(|j| if j % 2 == 0 { "1.7e308" } else { "-1.7e308" })
                .collect::<Vec<_>>()
                .join(","),
        ))
        .collect();
    let input = common::write_file(dir.path(), "rows.txt", rows.join("\n"));
    let o = common::cli()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("--input")
        .arg(&input)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_clean_text("predict", &stdout);
    let p: Vec<f64> = stdout.lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(p.len(), rows.len());
    assert!(p.iter().all(|p| (0.0..=1.0).contains(p)), "{p:?}");

    // A model whose terms overflow and cancel: weights +1, -1, ...; std 1e-10; features 1e300.
    // Each term is ±1e310 (infinite in f64) and w·x = 0, so the answer is sigmoid(bias).
    let mut m: Value = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    let alternating: Vec<f64> = (0..90)
        .map(|j| if j % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    m["weights"] = serde_json::json!(alternating);
    m["feature_mean"] = serde_json::json!(vec![0.0; 90]);
    m["feature_std"] = serde_json::json!(vec![1e-10; 90]);
    m["bias"] = serde_json::json!(0.75);
    let cancel = common::write_file(dir.path(), "cancel.json", m.to_string());
    let big = common::write_file(dir.path(), "big.txt", vec!["1e300"; 90].join(","));
    let o = common::cli()
        .args(["predict", "--model"])
        .arg(&cancel)
        .arg("--input")
        .arg(&big)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let p: f64 = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
    let expected = 1.0 / (1.0 + (-0.75f64).exp());
    assert!(close(p, expected, 1e-12), "{p} vs {expected}");

    // std 1e-300: even the scaled terms overflow; a clear error naming the line.
    m["feature_std"] = serde_json::json!(vec![1e-300; 90]);
    let hopeless = common::write_file(dir.path(), "hopeless.json", m.to_string());
    let two = common::write_file(
        dir.path(),
        "two.txt",
        format!(
            "{}\n{}\n",
            vec!["1"; 90].join(","),
            vec!["1e300"; 90].join(",")
        ),
    );
    let o = common::cli()
        .args(["predict", "--model"])
        .arg(&hopeless)
        .arg("--input")
        .arg(&two)
        .output()
        .unwrap();
    let r = Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    };
    assert_clear_error(&r, &format!("{}: line 2: ", two.display()));
}

#[test]
fn a_constant_feature_is_a_clear_error_for_every_command() {
    let dir = common::temp_dir();
    let data = data_file(dir.path(), "const.txt", |r| r[12] = 3.25);
    for solver in SOLVERS {
        let (r, _) = train(&data, &dir.path().join(solver), solver, &[]);
        assert_clear_error(&r, "feature 12 (field 13) has zero variance");
        assert!(!dir.path().join(solver).join("model.json").exists());
    }
    let r = run(&["data", "inspect"], &data);
    assert_clear_error(&r, "zero variance");
    let r = run(&["gradcheck"], &data);
    assert_clear_error(&r, "zero variance");
    // A column of 1.7e308 and -1.7e308 (sums and squares overflow): still standardized.
    let data = data_file(dir.path(), "wide.txt", |r| {
        r[5] = if r[1] > 43.0 { 1.7e308 } else { -1.7e308 }
    });
    let r = run(&["data", "inspect", "--json"], &data);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_clean_json("inspect", &v, "", &[]);
    let std4 = v["feature_std"][4].as_f64().unwrap();
    assert!((1e308..=f64::MAX).contains(&std4), "{std4}");
}

#[test]
fn one_class_only_trains_or_refuses_clearly() {
    let dir = common::temp_dir();
    let data = data_file(dir.path(), "old.txt", |r| r[0] = 1990.0);
    for solver in SOLVERS {
        let out = dir.path().join(solver);
        let (r, json) = train(&data, &out, solver, &[]);
        match json {
            Some(v) => {
                // Every song is before the threshold: the exact solvers say so everywhere, SGD
                // (300 steps from a random start) nearly everywhere and better than chance.
                for set in ["train", "val", "test"] {
                    let acc = v[set]["accuracy"].as_f64().unwrap();
                    let loss = v[set]["loss"].as_f64().unwrap();
                    match solver {
                        "sgd" => assert!(acc > 0.9 && loss < 2f64.ln(), "{set}: {acc} {loss}"),
                        _ => assert_eq!(acc, 1.0, "{solver} {set}"),
                    }
                }
                let e = evaluate(&data, &out.join("model.json"));
                assert_eq!(e["test"], v["test"]);
            }
            None => {
                // The exact solvers say what is wrong: one class, not separability.
                assert_ne!(solver, "sgd", "{}", r.stderr);
                assert_clear_error(&r, "training rows is of class 0: a classifier needs both");
            }
        }
    }
    // With or without L2, as scikit-learn does.
    for l2 in [None, Some("1e-3")] {
        for solver in ["newton", "library"] {
            let args: Vec<&str> = l2.iter().flat_map(|v| ["--l2", *v]).collect();
            let (r, json) = train(&data, &dir.path().join("n2"), solver, &args);
            assert!(json.is_none(), "{solver} on one class: {}", r.stdout);
            assert_clear_error(&r, "is of class 0");
        }
    }
}

#[test]
fn separable_data_trains_or_refuses_clearly() {
    let dir = common::temp_dir();
    // The label is feature 1 above a cut: perfectly separable.
    let data = data_file(dir.path(), "sep.txt", |r| {
        r[0] = if r[1] > 43.0 { 2005.0 } else { 1995.0 }
    });
    for solver in SOLVERS {
        let out = dir.path().join(solver);
        let (r, json) = train(&data, &out, solver, &[]);
        match json {
            Some(v) => {
                let acc = v["train"]["accuracy"].as_f64().unwrap();
                let floor = if solver == "sgd" { 0.75 } else { 0.99 };
                assert!(acc > floor, "{solver}: {acc}");
                let e = evaluate(&data, &out.join("model.json"));
                assert_eq!(e["test"], v["test"]);
            }
            None => {
                assert_ne!(solver, "sgd", "{}", r.stderr);
                assert_clear_error(&r, "separable");
            }
        }
    }
    let (r, json) = train(&data, &dir.path().join("n2"), "newton", &["--l2", "1e-3"]);
    let v = json.unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(v["train"]["accuracy"].as_f64().unwrap() > 0.95);
}

#[test]
fn a_learning_rate_of_1e6_is_a_recorded_divergence_without_nan() {
    let dir = common::temp_dir();
    let data = data_file(dir.path(), "d.txt", |_| {});
    let out = dir.path().join("o");
    let (r, json) = train(&data, &out, "sgd", &["--lr", "1e6"]);
    assert!(json.is_none());
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains("diverged at iteration"), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    // The evaluations and parameters are absent (null) by design; every number is finite.
    assert_clean_json(
        "diverged",
        &v,
        "",
        &[
            "train",
            "val",
            "test",
            "weights",
            "bias",
            "model_file",
            "history_file",
        ],
    );
    assert!(v["diverged_at"].as_u64().is_some_and(|i| i >= 1));
    // A failed run writes no file: its history is in the JSON only.
    assert!(!out.join("model.json").exists() && !out.join("history.csv").exists());
    assert_clean_text("history", &v["history"].to_string());
}
