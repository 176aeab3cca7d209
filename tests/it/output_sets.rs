//! An output directory is a unit: one writer at a time, and after any end of a writer (success,
//! failure, divergence, SIGINT, SIGTERM, SIGKILL at a random moment) the directory holds the
//! previous complete set of files or the new complete set, never a mix; SIGINT and SIGTERM leave
//! no temporary file, and after SIGKILL the next writer completes or drops what was left.

use crate::common;

use msd_century::output_dir::OutputDir;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type Files = BTreeMap<String, Vec<u8>>;

const DATA: [&str; 4] = ["--data", "synthetic", "--rows", "3000"];

fn train(out: &Path, seed: &str, iters: &str) -> Command {
    let mut cmd = common::cli_process();
    cmd.args([
        "train",
        "--batch-size",
        "50",
        "--iters",
        iters,
        "--seed",
        seed,
    ])
    .args(DATA)
    .arg("--out")
    .arg(out);
    cmd
}

fn run(out: &Path, seed: &str) -> Command {
    let mut cmd = common::cli_process();
    cmd.args(["run", "--quick", "--seed", seed])
        .args(DATA)
        .arg("--out")
        .arg(out);
    cmd
}

fn ok(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The files of a directory, without the parts that differ between identical runs (timings, the
/// command line, and the report's text that shows them).
fn comparable(dir: &Path) -> Files {
    let mut files = common::files(dir);
    files.remove("report.html");
    if let Some(bytes) = files.get_mut("results.json") {
        let mut v: Value = serde_json::from_slice(bytes).unwrap();
        v.as_object_mut().unwrap().remove("timings");
        v.as_object_mut().unwrap().remove("command_line");
        *bytes = serde_json::to_vec(&v).unwrap();
    }
    files
}

/// Copies the files of `files` into `to`.
fn restore(files: &Files, to: &Path) {
    for (name, bytes) in files {
        let path = to.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Starts `cmd`, sends `signal` after `after`, and returns its exit code (None: killed).
fn interrupt(mut cmd: Command, signal: &str, after: Duration) -> Option<i32> {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    if child.try_wait().unwrap().is_none() {
        common::signal(child.id(), signal);
    }
    child.wait().unwrap().code()
}

/// Kills writers of `make` into a directory holding `old` at random moments with each signal;
/// every directory must end as `old` or `new`. Returns how many of the commands were stopped
/// before they finished.
fn kill_at_random_moments(
    what: &str,
    make: &dyn Fn(&Path) -> Command,
    old: &Files,
    new: &Files,
    span: Duration,
    tries: usize,
) -> usize {
    let dir = common::temp_dir();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut stopped = 0;
    for k in 0..tries {
        let signal = ["INT", "TERM", "KILL"][k % 3];
        let out = dir.path().join(format!("{k}"));
        restore(old, &out);
        let after = span.mul_f64(rng.gen_range(0.0..1.2));
        let code = interrupt(make(&out), signal, after);
        let expected_code = match signal {
            "INT" => Some(130),
            "TERM" => Some(143),
            _ => None,
        };
        if code != Some(0) {
            // A signal in the first milliseconds, before the handlers are installed (before any
            // file is touched), ends the process by the signal itself.
            let early = code.is_none() && after < Duration::from_millis(50);
            assert!(
                code == expected_code || early,
                "{what}: {signal} after {after:?}: exit code {code:?}"
            );
            stopped += 1;
        }
        let leftovers = |out: &Path| {
            std::fs::read_dir(out)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".msd-"))
                .collect::<Vec<_>>()
        };
        if signal == "KILL" {
            // What a killed writer left is the next writer's to complete or drop.
            drop(OutputDir::lock(&out, "test").unwrap());
        }
        assert!(
            leftovers(&out).is_empty(),
            "{what}: {signal} after {after:?} left {:?}",
            leftovers(&out)
        );
        let now = comparable(&out);
        assert!(
            &now == old || &now == new,
            "{what}: {signal} after {after:?}: a mix of the old and new sets: {:?}",
            now.keys().collect::<Vec<_>>()
        );
    }
    stopped
}

#[test]
fn train_killed_at_random_moments_leaves_the_old_set_or_the_new() {
    let dir = common::temp_dir();
    let (old_dir, new_dir) = (dir.path().join("old"), dir.path().join("new"));
    ok(&mut train(&old_dir, "2", "300"));
    let start = Instant::now();
    ok(&mut train(&new_dir, "1", "3000"));
    let span = start.elapsed();
    let (old, new) = (comparable(&old_dir), comparable(&new_dir));
    assert_ne!(old, new);
    let stopped = kill_at_random_moments(
        "train",
        &|out| train(out, "1", "3000"),
        &old,
        &new,
        span,
        12,
    );
    assert!(stopped >= 3, "only {stopped} of 12 runs were stopped");
}

#[test]
fn run_killed_at_random_moments_leaves_the_old_set_or_the_new() {
    let dir = common::temp_dir();
    let (old_dir, new_dir) = (dir.path().join("old"), dir.path().join("new"));
    ok(&mut run(&old_dir, "2"));
    let start = Instant::now();
    ok(&mut run(&new_dir, "1"));
    let span = start.elapsed();
    let (old, new) = (comparable(&old_dir), comparable(&new_dir));
    // A run of another configuration holds other run files: stale ones must not stay.
    let mut old_with_extra = old.clone();
    old_with_extra.insert("runs/stale-run.csv".into(), b"iter\n".to_vec());
    let stopped =
        kill_at_random_moments("run", &|out| run(out, "1"), &old_with_extra, &new, span, 6);
    assert!(stopped >= 2, "only {stopped} of 6 runs were stopped");
    let _ = old;
}

#[test]
fn a_second_writer_fails_at_once_naming_the_holder() {
    let dir = common::temp_dir();
    let out = dir.path().join("out");
    let mut first = train(&out, "1", "100000000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = out.join(".msd-lock");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&lock).map_or(true, |t| t.is_empty()) {
        assert!(Instant::now() < deadline, "the first writer did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    let start = Instant::now();
    let second = train(&out, "2", "10").output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "is being written by another process (pid {}: ",
            first.id()
        )) && stderr.contains("train --batch-size 50 --iters 100000000"),
        "{stderr}"
    );
    common::signal(first.id(), "TERM");
    assert_eq!(first.wait().unwrap().code(), Some(143));
    // The first writer had made the directory: stopped, it leaves nothing.
    assert!(!out.exists());
}

#[test]
fn a_diverged_or_failed_train_keeps_the_previous_set() {
    let dir = common::temp_dir();
    let out = dir.path().join("out");
    ok(&mut train(&out, "1", "100"));
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = common::files(&out);
    let diverged = train(&out, "1", "100")
        .args(["--lr", "1e6"])
        .output()
        .unwrap();
    assert_eq!(diverged.status.code(), Some(3));
    assert_eq!(common::files(&out), before);
    let failed = train(&out, "1", "100")
        .args(["--val-rows", "100000"])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(common::files(&out), before);
    // evaluate reads the model of the set in place, which matches its history.
    ok(common::cli_process()
        .args(["evaluate", "--model"])
        .arg(out.join("model.json"))
        .args(DATA));
}
