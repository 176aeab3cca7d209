//! The `gradcheck`, `train`, `evaluate` and `predict` commands on small synthetic data.

use crate::common;

use serde_json::Value;
use std::path::Path;

const DATA: [&str; 4] = ["--data", "synthetic", "--rows", "20000"];

fn run_json(args: &[&str], threads: Option<&str>) -> Value {
    let mut cmd = common::cli();
    cmd.args(args);
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn train_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["train"];
    v.extend(DATA);
    v.extend(["--out", out, "--json"]);
    v.extend(extra);
    v
}

#[test]
fn gradcheck_passes_and_reports_its_keys() {
    let mut args = vec!["gradcheck"];
    args.extend(DATA);
    args.push("--json");
    let v = run_json(&args, None);
    assert_eq!(v["params_checked"], 91);
    assert_eq!(v["passed"], true);
    assert!(v["max_rel_error"].as_f64().unwrap() <= 1e-6);
    assert!(v["max_abs_error"].as_f64().is_some());
    assert_eq!(v["synthetic"], true);
}

#[test]
fn sgd_train_writes_model_and_history_and_evaluate_agrees() {
    let dir = common::temp_dir();
    let out = dir.path().join("run");
    let out_s = out.to_str().unwrap();
    let v = run_json(
        &train_args(out_s, &["--iters", "200", "--batch-size", "64"]),
        None,
    );
    for k in ["train", "val", "test"] {
        assert!(v[k]["loss"].as_f64().unwrap() > 0.0);
        assert!(v[k]["n"].as_u64().unwrap() > 0);
    }
    assert_eq!(v["history"].as_array().unwrap().len(), 20);
    assert_eq!(v["history"][0]["iter"], 10);
    assert_eq!(v["weights"].as_array().unwrap().len(), 90);
    assert_eq!(v["synthetic"], true);
    assert!(v["seconds"].as_f64().unwrap() >= 0.0);
    let csv = std::fs::read_to_string(out.join("history.csv")).unwrap();
    assert_eq!(csv.lines().count(), 21);
    assert!(csv.starts_with("iter,val_loss,val_accuracy\n10,"));

    let model = out.join("model.json");
    let m: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(m["format"], "msd-century-model");
    assert_eq!(m["version"], 1);
    assert_eq!(m["feature_std"].as_array().unwrap().len(), 90);
    assert_eq!(m["training"]["solver"], "sgd");

    let mut args = vec!["evaluate"];
    args.extend(DATA);
    args.extend(["--model", model.to_str().unwrap(), "--json"]);
    let e = run_json(&args, None);
    for k in ["train", "val", "test"] {
        assert_eq!(e[k], v[k], "{k}");
    }
}

#[test]
fn one_and_two_threads_give_the_same_json() {
    let dir = common::temp_dir();
    let run = |t: &str| {
        let out = dir.path().join(t);
        let mut v = run_json(
            &train_args(
                out.to_str().unwrap(),
                &["--batch-size", "5000", "--iters", "60", "--init", "normal"],
            ),
            Some(t),
        );
        let obj = v.as_object_mut().unwrap();
        obj.remove("seconds");
        obj.remove("model_file");
        obj.remove("history_file");
        v
    };
    assert_eq!(run("1"), run("2"));
    let newton = |t: &str| {
        let out = dir.path().join(format!("n{t}"));
        let mut v = run_json(
            &train_args(out.to_str().unwrap(), &["--solver", "newton"]),
            Some(t),
        );
        let obj = v.as_object_mut().unwrap();
        obj.remove("seconds");
        obj.remove("model_file");
        obj.remove("history_file");
        v
    };
    assert_eq!(newton("1"), newton("2"));
}

#[test]
fn divergence_exits_3_with_the_iteration_and_no_nan() {
    let dir = common::temp_dir();
    let out = dir.path().join("d");
    let mut args = train_args(out.to_str().unwrap(), &["--lr", "1e6"]);
    args.retain(|a| *a != "--json");
    let o = common::cli().args(&args).output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("diverged at iteration"), "{err}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.to_lowercase().contains("nan"), "{text}");
    assert!(!out.join("model.json").exists());

    let o = common::cli()
        .args(train_args(out.to_str().unwrap(), &["--lr", "1e6"]))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.to_lowercase().contains("nan"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["diverged_at"].as_u64().unwrap() >= 1);
}

#[test]
fn invalid_settings_are_clear_errors() {
    let cases: [(&[&str], &str); 10] = [
        (&["--batch-size", "0"], "--batch-size"),
        (&["--batch-size", "10000000"], "--batch-size"),
        (&["--lr", "0"], "--lr"),
        (&["--lr", "-1"], "--lr"),
        (&["--lr", "NaN"], "--lr"),
        (&["--lr", "inf"], "--lr"),
        (&["--iters", "0"], "--iters"),
        (&["--eval-every", "0"], "--eval-every"),
        (&["--l2", "-0.5"], "--l2"),
        (&["--solver", "newton", "--l2", "-1"], "--l2"),
    ];
    let dir = common::temp_dir();
    for (extra, flag) in cases {
        let out = dir.path().join("x");
        let o = common::cli()
            .args(train_args(out.to_str().unwrap(), extra))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(flag), "{extra:?}: {err}");
        assert!(!out.exists());
    }
}

#[test]
fn verbose_prints_the_classic_line() {
    let dir = common::temp_dir();
    let mut args = train_args(
        dir.path().to_str().unwrap(),
        &["--iters", "30", "--verbose"],
    );
    args.retain(|a| *a != "--json");
    let o = common::cli().args(&args).output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("Iter ")).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("Iter 10. [Val Acc ") && lines[0].contains("%, Loss 0."),
        "{}",
        lines[0]
    );
    assert!(text.contains("synthetic"), "{text}");
}

fn write_rows(path: &Path, rows: &[Vec<f64>]) {
    let text: String = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect();
    std::fs::write(path, text).unwrap();
}

#[test]
fn newton_and_library_models_predict_from_raw_features() {
    let dir = common::temp_dir();
    let uci = dir.path().join("songs.txt");
    let o = common::cli()
        .args([
            "data",
            "synth",
            "--rows",
            "3000",
            "--out",
            uci.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut fits = Vec::new();
    for solver in ["newton", "library"] {
        let out = dir.path().join(solver);
        let v = run_json(
            &[
                "train",
                "--data",
                uci.to_str().unwrap(),
                "--no-cache",
                "--solver",
                solver,
                "--l2",
                "1e-3",
                "--out",
                out.to_str().unwrap(),
                "--json",
            ],
            None,
        );
        assert_eq!(v["synthetic"], false);
        fits.push((out.join("model.json"), v));
    }
    // Same L2: the two solvers agree.
    let (a, b) = (&fits[0].1, &fits[1].1);
    assert!(
        (a["train"]["loss"].as_f64().unwrap() - b["train"]["loss"].as_f64().unwrap()).abs() < 1e-6
    );
    assert!(a["newton"]["iterations"].as_u64().unwrap() >= 1);

    // Predict on raw UCI lines (91 fields) and on the same rows without the year (90 fields).
    let text = std::fs::read_to_string(&uci).unwrap();
    let raw: Vec<Vec<f64>> = text
        .lines()
        .take(5)
        .map(|l| l.split(',').map(|f| f.parse().unwrap()).collect())
        .collect();
    let with_year = dir.path().join("with_year.txt");
    let without = dir.path().join("without.txt");
    write_rows(&with_year, &raw);
    write_rows(
        &without,
        &raw.iter().map(|r| r[1..].to_vec()).collect::<Vec<_>>(),
    );
    let model_file = &fits[0].0;
    let model: Value = serde_json::from_str(&std::fs::read_to_string(model_file).unwrap()).unwrap();
    let nums = |k: &str| -> Vec<f64> {
        model[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let (w, mean, std, bias) = (
        nums("weights"),
        nums("feature_mean"),
        nums("feature_std"),
        model["bias"].as_f64().unwrap(),
    );
    let outfile = dir.path().join("p.txt");
    let o = common::cli()
        .args([
            "predict",
            "--model",
            model_file.to_str().unwrap(),
            "--input",
            with_year.to_str().unwrap(),
            "--output",
            outfile.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let probs: Vec<f64> = std::fs::read_to_string(&outfile)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(probs.len(), 5);
    for (r, p) in raw.iter().zip(&probs) {
        let z: f64 = (0..90)
            .map(|j| w[j] * (r[j + 1] - mean[j]) / std[j])
            .sum::<f64>()
            + bias;
        let expected = 1.0 / (1.0 + (-z).exp());
        assert!((p - expected).abs() < 1e-12, "{p} vs {expected}");
    }
    let o = common::cli()
        .args([
            "predict",
            "--model",
            model_file.to_str().unwrap(),
            "--input",
            without.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout_probs: Vec<f64> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(stdout_probs, probs);

    // Bad rows: the error names the file, the line and the field.
    let bad = dir.path().join("bad.txt");
    let mut lines: Vec<String> = raw
        .iter()
        .map(|r| {
            r[1..]
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    lines[2] = lines[2]
        .replacen(',', ",nan,", 1)
        .replacen(",nan,", ",inf,", 1);
    let mut fields: Vec<&str> = lines[2].split(',').collect();
    fields.truncate(90);
    lines[2] = fields.join(",");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let o = common::cli()
        .args([
            "predict",
            "--model",
            model_file.to_str().unwrap(),
            "--input",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.txt")
            && err.contains("line 3")
            && err.contains("field 2")
            && err.contains("not finite"),
        "{err}"
    );
    std::fs::write(&bad, "1,2,3\n").unwrap();
    let o = common::cli()
        .args([
            "predict",
            "--model",
            model_file.to_str().unwrap(),
            "--input",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 1") && err.contains("3 fields"), "{err}");

    // A broken model file is refused, naming it.
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        std::fs::read_to_string(model_file)
            .unwrap()
            .replace("\"version\": 1", "\"version\": 7"),
    )
    .unwrap();
    let o = common::cli()
        .args([
            "predict",
            "--model",
            broken.to_str().unwrap(),
            "--input",
            without.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("broken.json") && err.contains("version 7"),
        "{err}"
    );
}
