//! The user's path, case by case: sizes a user can type, lines that are too long or not text,
//! streams (standard input, pipes, FIFOs), `predict`'s lines and formats, flags that conflict
//! with the model, empty sets, and the exit codes.

use crate::common;

use msd_century::data::{synthetic, uci, write};
use msd_century::Silent;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// One error line (notes aside), exit code 1, no panic; the line, for more checks.
fn refused(out: &Output, expect: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("note:")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    for e in expect {
        assert!(lines[0].contains(e), "{e:?} not in {stderr}");
    }
    lines[0].to_string()
}

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// 600 synthetic rows as a file, and a Newton model trained on them (made once).
fn fixture() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static F: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    F.get_or_init(|| {
        let dir = common::temp_dir();
        let data = dir.path().join("d.txt");
        write::write_uci(&data, &synthetic::generate(600, 5)).unwrap();
        let out = dir.path().join("m");
        ok(&common::cli()
            .args(["train", "--solver", "newton", "--l2", "1e-3", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap());
        (dir, data, out.join("model.json"))
    })
}

// 1. Sizes a user can type -------------------------------------------------------------------

#[test]
fn sizes_beyond_the_machine_are_clear_errors_not_panics() {
    for rows in ["18446744073709551615", "50000000", "4611686018427387904"] {
        let out = common::cli()
            .args(["data", "inspect", "--data", "synthetic", "--rows", rows])
            .output()
            .unwrap();
        refused(&out, &[&format!("--rows {rows}"), "of memory", "available"]);
    }
    let dir = common::temp_dir();
    let target = dir.path().join("x.txt");
    let out = common::cli()
        .args(["data", "synth", "--rows", "18446744073709551615", "--out"])
        .arg(&target)
        .output()
        .unwrap();
    refused(&out, &["--rows 18446744073709551615", "free in"]);
    assert!(common::files(dir.path()).is_empty());
}

#[test]
fn data_synth_streams_the_same_bytes_as_the_whole_matrix() {
    // More rows than one batch of the stream (65,536), so that batches meet mid-file.
    let dir = common::temp_dir();
    let (whole, streamed) = (dir.path().join("whole.txt"), dir.path().join("s.txt"));
    write::write_uci(&whole, &synthetic::generate(70_000, 9)).unwrap();
    synthetic::write_uci(&streamed, 70_000, 9, &Silent).unwrap();
    assert!(std::fs::read(&whole).unwrap() == std::fs::read(&streamed).unwrap());
    let cli = dir.path().join("cli.txt");
    ok(&common::cli()
        .args([
            "data",
            "synth",
            "--rows",
            "70000",
            "--synthetic-seed",
            "9",
            "--out",
        ])
        .arg(&cli)
        .output()
        .unwrap());
    assert!(std::fs::read(&whole).unwrap() == std::fs::read(&cli).unwrap());
}

// 4. Input edge cases -----------------------------------------------------------------------

#[test]
fn a_valid_line_longer_than_a_block_is_read() {
    let dir = common::temp_dir();
    let mut text = std::fs::read(&fixture().1).unwrap();
    // Line 2's last feature as 1.000...0 with 9 million zeros: over the 8 MiB block.
    let end = text.iter().position(|&b| b == b'\n').unwrap() + 1;
    let end2 = end + text[end..].iter().position(|&b| b == b'\n').unwrap();
    let comma = end + text[end..end2].iter().rposition(|&b| b == b',').unwrap();
    let long = format!("1.{}", "0".repeat(9_000_000));
    text.splice(comma + 1..end2, long.bytes());
    let path = common::write_file(dir.path(), "long.txt", &text);
    let m = uci::parse_file(&path, &Silent).unwrap();
    assert_eq!(m.rows(), 600);
    assert_eq!(m.row(1)[90], 1.0);
}

#[test]
fn a_first_line_that_is_not_text_is_refused_not_skipped() {
    let dir = common::temp_dir();
    let rows = std::fs::read(&fixture().1).unwrap();
    let mut latin1 = b"caf\xe9,year\n".to_vec();
    latin1.extend_from_slice(&rows);
    let latin1 = common::write_file(dir.path(), "latin1.txt", latin1);
    // A gzip file inside a gzip file.
    let gz = |bytes: &[u8]| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    };
    let nested = common::write_file(dir.path(), "nested.gz", gz(&gz(&rows)));
    for (path, expect) in [
        (latin1, "line 1: not text"),
        (nested, "line 1: not text but gzip"),
    ] {
        let out = common::cli()
            .args(["data", "inspect", "--no-cache", "--data"])
            .arg(&path)
            .output()
            .unwrap();
        refused(&out, &[expect]);
    }
}

#[test]
fn standard_input_pipes_and_fifos_are_read_as_streams_without_a_cache() {
    let (_, data, _) = fixture();
    let dir = common::temp_dir();
    let copy = common::write_file(dir.path(), "copy.txt", std::fs::read(data).unwrap());
    let inspect = |source: &str, stdin: Stdio| {
        let out = common::cli_process()
            .args(["data", "inspect", "--json", "--data", source])
            .stdin(stdin)
            .output()
            .unwrap();
        let mut v: Value = serde_json::from_slice(&ok(&out).into_bytes()).unwrap();
        v.as_object_mut().unwrap().remove("source");
        v
    };
    let expected = inspect(copy.to_str().unwrap(), Stdio::null());
    for source in ["-", "/dev/stdin"] {
        // A pipe, not a file: nothing to seek back in.
        let mut child = common::cli_process()
            .args(["data", "inspect", "--json", "--data", source])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let bytes = std::fs::read(data).unwrap();
        let feeder = std::thread::spawn(move || stdin.write_all(&bytes));
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap().unwrap();
        let mut v: Value = serde_json::from_slice(ok(&out).as_bytes()).unwrap();
        v.as_object_mut().unwrap().remove("source");
        assert_eq!(v, expected, "{source}");
    }
    // Standard input from a file: read, and no cache written beside /dev/stdin.
    let v = inspect("-", Stdio::from(std::fs::File::open(data).unwrap()));
    assert_eq!(v, expected);
    assert!(!Path::new("/dev/stdin.cache.json").exists());

    // A FIFO: with a writer it is read; without one the command says it waits, and Ctrl-C
    // stops it.
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer = {
        let (fifo, bytes) = (fifo.clone(), std::fs::read(data).unwrap());
        std::thread::spawn(move || std::fs::write(fifo, bytes))
    };
    assert_eq!(inspect(fifo.to_str().unwrap(), Stdio::null()), expected);
    writer.join().unwrap().unwrap();
    let child = common::cli_process()
        .args(["data", "inspect", "--data"])
        .arg(&fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    common::signal(child.id(), "INT");
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("is a FIFO with no writer yet"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The copy (a file) got its cache; standard input, the pipes and the FIFO none.
    let want = [
        "copy.txt",
        "copy.txt.cache.json",
        "copy.txt.cache.npy",
        "fifo",
    ];
    assert_eq!(names, want, "a stream got a cache");
}

fn predict(input: &Path, extra: &[&str]) -> Output {
    common::cli()
        .args(["predict", "--model"])
        .arg(&fixture().2)
        .arg("--input")
        .arg(input)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn predict_keeps_one_line_per_input_line_and_refuses_what_would_break_that() {
    let (_, data, _) = fixture();
    let dir = common::temp_dir();
    let text = std::fs::read_to_string(data).unwrap();
    let lines: Vec<&str> = text.lines().take(5).collect();
    let features = |l: &str| l.split_once(',').unwrap().1.to_string();

    let blank = common::write_file(
        dir.path(),
        "blank.txt",
        format!("{}\n\n{}\n", lines[0], lines[1]),
    );
    refused(&predict(&blank, &[]), &["blank.txt: line 2: empty line"]);
    let year = lines[1].replacen(',', ".5,", 1);
    let fractional = common::write_file(dir.path(), "frac.txt", format!("{}\n{year}\n", lines[0]));
    refused(
        &predict(&fractional, &[]),
        &["frac.txt: line 2, field 1", "whole number"],
    );
    let mixed = common::write_file(
        dir.path(),
        "mixed.txt",
        format!("{}\n{}\n", lines[0], features(lines[1])),
    );
    refused(
        &predict(&mixed, &[]),
        &["mixed.txt: line 2: 90 fields, but line 1 has 91"],
    );

    // The same rows as text, .gz and standard input: the same probabilities, one per line.
    let five = format!("{}\n", lines.join("\n"));
    let plain = common::write_file(dir.path(), "rows.txt", &five);
    let expected = ok(&predict(&plain, &[]));
    assert_eq!(expected.lines().count(), 5);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(five.as_bytes()).unwrap();
    let gz = common::write_file(dir.path(), "rows.gz", enc.finish().unwrap());
    assert_eq!(ok(&predict(&gz, &[])), expected);
    let from_stdin = common::cli()
        .args(["predict", "--input", "-", "--model"])
        .arg(&fixture().2)
        .write_stdin(five.clone())
        .output()
        .unwrap();
    assert_eq!(ok(&from_stdin), expected);

    // Labels: 1 when p >= threshold.
    let p: Vec<f64> = expected.lines().map(|l| l.parse().unwrap()).collect();
    let t = p[2];
    let both = ok(&predict(
        &plain,
        &["--output-format", "both", "--threshold", &t.to_string()],
    ));
    for (line, &p) in both.lines().zip(&p) {
        assert_eq!(line, format!("{p},{}", u8::from(p >= t)));
    }
    let labels = ok(&predict(&plain, &["--output-format", "label"]));
    let want: String = p
        .iter()
        .map(|&p| format!("{}\n", u8::from(p >= 0.5)))
        .collect();
    assert_eq!(labels, want);
    refused(
        &predict(&plain, &["--threshold", "0.3"]),
        &["--threshold", "no effect"],
    );
    refused(
        &predict(&plain, &["--output-format", "label", "--threshold", "1.5"]),
        &["--threshold 1.5"],
    );
}

// 5. Settings not honoured or misreported; exit codes -----------------------------------------

#[test]
fn a_year_threshold_that_conflicts_with_the_model_is_an_error() {
    let (_, data, model) = fixture();
    let evaluate = |extra: &[&str]| {
        common::cli()
            .args(["evaluate", "--json", "--model"])
            .arg(model)
            .arg("--data")
            .arg(data)
            .args(extra)
            .output()
            .unwrap()
    };
    refused(
        &evaluate(&["--year-threshold", "1990"]),
        &["--year-threshold 1990 conflicts with the model's threshold 2000"],
    );
    ok(&evaluate(&["--year-threshold", "2000"]));
}

#[test]
fn an_empty_set_is_absent_not_zero() {
    let (_, data, model) = fixture();
    let dir = common::temp_dir();
    let train = ok(&common::cli()
        .args([
            "train",
            "--json",
            "--solver",
            "newton",
            "--l2",
            "1e-3",
            "--val-rows",
            "0",
        ])
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(dir.path().join("t"))
        .output()
        .unwrap());
    let v: Value = serde_json::from_str(&train).unwrap();
    assert!(
        v["val"].is_null() && v["train"]["n"].as_u64() > Some(0),
        "{v}"
    );
    let evaluate = |json: bool| {
        let mut cmd = common::cli();
        cmd.args(["evaluate", "--val-rows", "0", "--model"])
            .arg(model)
            .arg("--data")
            .arg(data);
        if json {
            cmd.arg("--json");
        }
        ok(&cmd.output().unwrap())
    };
    let v: Value = serde_json::from_str(&evaluate(true)).unwrap();
    assert!(
        v["val"].is_null() && v["test"]["n"].as_u64() > Some(0),
        "{v}"
    );
    assert!(evaluate(false).contains("  val: no rows"));
}

#[test]
fn exit_codes_are_one_set() {
    let dir = common::temp_dir();
    let usage = common::cli()
        .args(["train", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let usage = common::cli()
        .args(["train", "--iters", "-3"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let bad = common::cli()
        .args(["train", "--lr", "0", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    refused(&bad, &["--lr"]);
    let diverged = common::cli()
        .args(["train", "--lr", "1e6", "--data"])
        .arg(&fixture().1)
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(diverged.status.code(), Some(3));
    assert!(!dir.path().join("o").exists());
}
