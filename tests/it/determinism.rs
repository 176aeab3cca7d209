//! Determinism: the same command on 1 and 2 threads, and twice in a row, writes the same files
//! (timings aside) for `train` with every solver, `evaluate`, and `run --quick`. `train_cli.rs`
//! compares the train JSON of SGD and Newton on 1 and 2 threads, and `study.rs` the study's
//! figures on 1 and 2 threads; this adds the library solver, the files themselves, a parsed
//! (and then cached) text source, and repeated runs.

use crate::common;

use serde_json::Value;
use std::collections::BTreeMap;

/// Runs the binary on `threads` threads (rayon's, and the matrix products' of the library
/// baseline); stdout.
fn run(args: &[&str], threads: &str, extra: &[&str]) -> Vec<u8> {
    let out = common::cli()
        .args(args)
        .args(extra)
        .env("RAYON_NUM_THREADS", threads)
        .env("MATMUL_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?} on {threads} threads: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// JSON without the keys that differ by nature between runs (time, output paths).
fn without(bytes: &[u8], keys: &[&str]) -> Value {
    let mut v: Value = serde_json::from_slice(bytes).unwrap();
    for k in keys {
        v.as_object_mut().unwrap().remove(*k);
    }
    v
}

/// `train` with each solver on a text file: 1 thread (parsing it and writing the cache),
/// 2 threads (from the cache), 2 threads again without the cache (parsing on 2 threads): the
/// same model.json and history.csv bytes, the same JSON but for time and paths.
#[test]
fn train_writes_the_same_files_on_1_and_2_threads_and_twice() {
    let dir = common::temp_dir();
    let data = dir.path().join("d.txt");
    common::cli()
        .args([
            "data",
            "synth",
            "--rows",
            "6000",
            "--synthetic-seed",
            "4",
            "--out",
        ])
        .arg(&data)
        .assert()
        .success();
    let data = data.to_str().unwrap().to_string();
    let solvers: [(&str, &[&str]); 3] = [
        (
            "sgd",
            &[
                "--iters",
                "200",
                "--batch-size",
                "64",
                "--init",
                "normal",
                "--l2",
                "1e-4",
            ],
        ),
        ("newton", &["--l2", "1e-4"]),
        ("library", &[]),
    ];
    for (solver, settings) in solvers {
        let mut first: Option<(Value, BTreeMap<String, Vec<u8>>)> = None;
        for (k, (threads, cache)) in [("1", true), ("2", true), ("2", false)].iter().enumerate() {
            let out = dir.path().join(format!("{solver}-{k}"));
            let mut args = vec!["train", "--json", "--data", &data, "--solver", solver];
            args.extend(settings.iter().copied());
            if !cache {
                args.push("--no-cache");
            }
            let out_s = out.to_str().unwrap();
            let stdout = run(&args, threads, &["--out", out_s]);
            let json = without(&stdout, &["seconds", "model_file", "history_file"]);
            let written = common::files(&out);
            assert_eq!(
                written.keys().collect::<Vec<_>>(),
                ["history.csv", "model.json"]
            );
            match &first {
                None => first = Some((json, written)),
                Some((j, w)) => {
                    assert_eq!(
                        &json, j,
                        "{solver}: run {k} ({threads} threads) JSON differs"
                    );
                    for (name, bytes) in w {
                        assert!(
                            &written[name] == bytes,
                            "{solver}: run {k} ({threads} threads): {name} differs"
                        );
                    }
                }
            }
        }
        // The model evaluates the same on 1 and 2 threads.
        let model = dir.path().join(format!("{solver}-0/model.json"));
        let args = [
            "evaluate",
            "--json",
            "--data",
            &data,
            "--model",
            model.to_str().unwrap(),
        ];
        let one = without(&run(&args, "1", &[]), &[]);
        let two = without(&run(&args, "2", &[]), &[]);
        assert_eq!(
            one, two,
            "{solver}: evaluate differs between 1 and 2 threads"
        );
    }
}

/// `run --quick` twice in a row on 2 threads, and once on 1: results.json (timings and the
/// command line aside), every run history and every plot, byte for byte.
#[test]
fn run_quick_writes_the_same_files_twice_in_a_row() {
    let dir = common::temp_dir();
    let study = |name: &str, threads: &str| {
        let out = dir.path().join(name);
        run(
            &["run", "--quick", "--data", "synthetic", "--rows", "5000"],
            threads,
            &["--out", out.to_str().unwrap()],
        );
        let mut f = common::files(&out);
        let results = f.remove("results.json").unwrap();
        let html = f.remove("report.html").unwrap();
        assert!(html.trim_ascii_end().ends_with(b"</html>"));
        (without(&results, &["timings", "command_line"]), f)
    };
    let (a_json, a_files) = study("a", "2");
    let (b_json, b_files) = study("b", "2");
    let (c_json, c_files) = study("c", "1");
    assert!(a_files.keys().any(|k| k.starts_with("plots/")));
    assert!(a_files.keys().any(|k| k.starts_with("runs/")));
    assert_eq!(a_json, b_json, "results.json differs between two runs");
    assert_eq!(
        a_json, c_json,
        "results.json differs between 2 and 1 threads"
    );
    for (name, bytes) in &a_files {
        assert!(&b_files[name] == bytes, "{name} differs between two runs");
        assert!(
            &c_files[name] == bytes,
            "{name} differs between 2 and 1 threads"
        );
    }
    assert_eq!(a_files.len(), b_files.len());
}
